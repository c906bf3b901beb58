"""The machinery every mode shares: boxes, levels, primitives and dispatch.

A *box* is a value that carries derivative information: a forward-mode
:class:`~dualdiff.dual.Dual`, a reverse-mode :class:`~dualdiff.tape.Var`, or a
symbolic node. Each box belongs to a *level*: every transformation call
(``jvp``, ``grad``, ...) takes a fresh, larger level. When a primitive meets
boxes of several levels, the highest level handles the call and treats every
other argument as a constant; the lower-level boxes simply pass down into the
recursive call on the unwrapped values. This is the ForwardDiff "tag" / JAX
"trace level" idea, and it is what keeps nested derivatives free of
perturbation confusion.

:func:`bind` is the one dispatch every primitive goes through: plain values
are evaluated, boxes are handed to the highest level's ``_apply``. The
primitives themselves live in :mod:`dualdiff.primitives`; how the pieces fit is
described in ``docs/architecture.md``.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from .errors import LeakedValueError, NoDerivativeRule, PrecisionLossError, SymbolicBranchError

ndarray = np.ndarray
F64 = np.dtype(np.float64)
"""The working dtype; exact ``dtype is F64`` checks are how fast paths recognise plain arrays."""
USER_LEVEL = 1
"""The tag of Duals built by hand (``Dual(value, tangent)``); transformations start above it."""
_levels = itertools.count(USER_LEVEL + 1)


COTANGENT_BATCH_LEVELS: set[int] = set()
"""Levels of the zero-valued Duals that carry a batch of cotangents through one backward
sweep (:func:`dualdiff.reverse.backward_batched`)."""


class RowSweepNeeded(Exception):
    """Raised inside a batched backward sweep when a rule needs each cotangent's own zero
    pattern (a non-finite partial); the sweep falls back to one cotangent at a time."""


LIVE_LEVELS: set[int] = set()
"""Levels whose transformation is still running (any thread). A box of a level handed out but
no longer here escaped a finished call (:func:`check_live`)."""


def new_level() -> int:
    """A level above every level handed out so far (``next`` on a count is atomic), live until
    :func:`release`: every caller releases it in a ``finally`` when its call returns."""
    level = next(_levels)
    LIVE_LEVELS.add(level)
    return level


def fresh_level() -> int:
    """A level above every level so far that is not registered as live: a tape's, whose
    liveness is its own ``finished`` flag (a tape built by hand is never finished)."""
    return next(_levels)


def release(level: int) -> None:
    """The transformation of ``level`` has returned: its boxes are stale from now on."""
    LIVE_LEVELS.discard(level)


def check_live(x: Any, transform: str) -> None:
    """Refuse a box of a finished transformation inside ``x`` (an output of a function).

    A box kept from an earlier call (``store.append(y)`` inside ``f``) and used in a later one
    carries a perturbation nobody will read: the later result would be that dead box instead of
    a number (and a later ``float()`` fails far from the cause). Boxes of outer transformations
    that are still running are fine (nested derivatives); hand-made Duals have ``USER_LEVEL``.
    """
    while isinstance(x, Box) and not x._innermost:
        level = x._level
        tape = getattr(x, "tape", None)
        if tape.finished if tape is not None else (
                level > USER_LEVEL and level not in LIVE_LEVELS):
            raise LeakedValueError(
                f"{transform}: the function's result depends on {type(x).__name__} "
                f"{primal(x)!r:.40}, a value of a transformation that has already returned "
                "(kept in a global, a list or a closure from an earlier call); use "
                "dualdiff.primal(v) if it is meant as a constant, or recompute it inside "
                "this call")
        x = x.value


class Box:
    """Base class of values that carry derivatives (see the module docstring).

    Subclasses define ``_level`` and a classmethod ``_apply(prim, args,
    params, level)`` that evaluates ``prim`` on ``args``, where at least one
    argument is a box of exactly ``level``. Array-like conveniences shared by
    every box live here and route through primitives.
    """

    __slots__ = ()
    _level: int
    _innermost = False
    """True for a box that *is* the plain value (a jit Tracer): :func:`primal` stops there."""
    __array_priority__ = 100.0  # ndarray binary operators defer to us

    # --- primal views ---------------------------------------------------
    @property
    def primal(self) -> Any:
        """The innermost float or ndarray, with every level of derivative stripped."""
        return primal(self)

    @property
    def shape(self) -> tuple:
        return shape(self.value)

    @property
    def ndim(self) -> int:
        return len(shape(self.value))

    @property
    def size(self) -> int:
        return int(np.size(primal(self)))

    @property
    def dtype(self):
        return np.result_type(primal(self))

    def __len__(self) -> int:
        shape = self.shape
        if not shape:
            raise TypeError("len() of a 0-d value")
        return shape[0]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    # --- refusing silent loss of the derivative ----------------------------
    # Each message gives the fix that keeps the derivative (docs/architecture.md,
    # "honour or refuse"); the plain number is mentioned last, for display only.
    def __float__(self):
        raise PrecisionLossError(
            f"float() of a {type(self).__name__} would drop the derivative. Keep the value as it "
            "is: call numpy's or dualdiff's functions (np.sin(x) or dualdiff.sin(x), not "
            "math.sin(x)); to fill an array with such values build it with dualdiff.array([...]) "
            "or dualdiff.stack(...) instead of writing into a numpy array (dy[0] = ...). For "
            "display only, x.value is the number without the derivative")

    def __int__(self):
        raise PrecisionLossError(
            f"int() of a {type(self).__name__} would drop the derivative; a count or an index "
            "cannot depend on a differentiated value. Use int(dualdiff.primal(x)) only where "
            "no derivative should flow (a loop bound, a position)")

    __index__ = __int__

    def __complex__(self):
        raise TypeError(
            f"complex() of a {type(self).__name__}: dualdiff differentiates real functions; "
            "for the complex-step technique use dualdiff.finite_diff "
            "(method='complex-step') on a plain function")

    def __array__(self, dtype=None, copy=None):
        raise PrecisionLossError(
            f"numpy cannot turn a {type(self).__name__} into a plain array without dropping its "
            "derivative: build arrays of dualdiff values with dualdiff.array([...]) or "
            "dualdiff.stack([...]) (not np.array), write A @ w (not A.dot(w)) when A is a numpy "
            "array, and write into a new array with dualdiff.at(x)[i].set(v) (not x[i] = v)")

    def __format__(self, spec: str) -> str:
        """``f"{x:.3f}"`` formats the value (display only; the derivative is not shown)."""
        if not spec:
            return repr(self)
        return format(primal(self), spec)

    # --- comparisons act on the primal value -------------------------------
    def __lt__(self, other):
        return primal(self) < primal(other)

    def __le__(self, other):
        return primal(self) <= primal(other)

    def __gt__(self, other):
        return primal(self) > primal(other)

    def __ge__(self, other):
        return primal(self) >= primal(other)

    def __eq__(self, other):
        return primal(self) == primal(other)

    def __ne__(self, other):
        return primal(self) != primal(other)

    __hash__ = None  # value equality, like ndarray

    def __bool__(self) -> bool:
        return bool(primal(self))


def primal(x: Any) -> Any:
    """Strip every box: the plain float/ndarray underneath ``x`` (identity on plain values)."""
    while isinstance(x, Box) and not x._innermost:
        x = x.value
    return x


def lift(x: Any, complex_ok: bool = False) -> Any:
    """Convert a plain number to dualdiff's working types: ``float`` or a float64 ndarray.

    The one place plain inputs are converted. Python ints, bools, numpy
    scalars and 0-d arrays become ``float``; lists and integer or float32
    arrays become float64 arrays; boxes pass through. Complex values are
    refused (dualdiff differentiates real functions) unless ``complex_ok``:
    plain evaluation lets them through for the complex-step probe of
    :mod:`dualdiff.finite_diff`.
    """
    t = type(x)
    if t is float or isinstance(x, Box):
        return x
    if t is ndarray:
        if x.dtype is F64:
            return float(x) if x.ndim == 0 else x
        kind = x.dtype.kind
        if kind in "biuf":
            return float(x) if x.ndim == 0 else x.astype(np.float64)
        if kind == "c" and complex_ok:
            return x
        raise _not_real(x) if kind == "c" else TypeError(
            f"expected a numeric array, got dtype {x.dtype}")
    if t is int or t is bool or isinstance(x, (np.integer, np.floating, np.bool_)):
        return float(x)
    if isinstance(x, ndarray):  # subclasses, e.g. the complex-step probe
        if x.dtype.kind == "c" and not complex_ok:
            raise _not_real(x)
        return x
    if isinstance(x, (complex, np.complexfloating)):
        if complex_ok:
            return x
        raise _not_real(x)
    if isinstance(x, (list, tuple)):
        try:
            arr = np.asarray(x)
        except (PrecisionLossError, ValueError):
            arr = np.empty(0, dtype=object)
        if arr.dtype.kind in "biuf":
            return arr.astype(np.float64)
        if arr.dtype.kind == "c" and complex_ok:
            return arr
        if arr.dtype.kind == "c":
            raise _not_real(x)
        raise TypeError("a list or tuple of dualdiff values is not an array: build one with "
                        "dualdiff.array([...]) or dualdiff.stack([...])")
    raise TypeError(f"expected a number or a numeric array, got {type(x).__name__}: {x!r:.60}")


def _not_real(x: Any) -> TypeError:
    return TypeError(
        f"complex value {x!r:.40}: dualdiff differentiates real functions of real inputs; "
        "for the complex-step technique use dualdiff.finite_diff (method='complex-step') "
        "on a plain function")


def bind(prim: Any, args: tuple, params: dict) -> Any:
    """Apply ``prim``: plain evaluation, or the rule of the highest box level among ``args``."""
    top = None
    needs_lift = False
    for a in args:
        ta = type(a)
        if ta is float or (ta is ndarray and a.dtype is F64 and a.ndim):
            continue
        if isinstance(a, Box):
            if top is None or a._level > top._level:
                top = a
        else:
            needs_lift = True
    if top is None:
        if needs_lift:
            args = tuple(lift(a, complex_ok=True) for a in args)
        return prim.evaluate(args, params)
    if needs_lift:
        args = tuple(a if isinstance(a, Box) else lift(a) for a in args)
    return type(top)._apply(prim, args, params, top._level)


def ndim(x: Any) -> int:
    t = type(x)
    if t is float:
        return 0
    if t is ndarray:
        return x.ndim
    return len(x.shape) if isinstance(x, Box) else np.ndim(x)


def shape(x: Any) -> tuple:
    t = type(x)
    if t is float:
        return ()
    if t is ndarray:
        return x.shape
    return x.shape if isinstance(x, Box) else np.shape(x)


def refuse_unknown(func: Any, method: str | None = None) -> NoDerivativeRule:
    """The error for a numpy function without a rule, naming it.

    ``method`` names a ufunc method (``numpy.add.accumulate``).
    """
    module = getattr(func, "__module__", None) or "numpy"
    name = getattr(func, "__name__", repr(func))
    full = f"{module}.{name}" + (f".{method}" if method else "")
    why = ("; its result is complex and dualdiff differentiates real functions only"
           if module == "numpy.fft" else "")
    return NoDerivativeRule(
        f"no derivative rule for {full}{why}; to differentiate through it, give the function that "
        "calls it a rule with dualdiff.custom_jvp or dualdiff.custom_vjp (dualdiff.custom_primitive "
        "for an elementwise function)")


def known_primal(x: Any) -> Any:
    """Like :func:`primal`, but ``None`` for a symbolic value that has no number attached."""
    try:
        return primal(x)
    except SymbolicBranchError:
        return None


def is_float_zero(x: Any) -> bool:
    """Is ``x`` the float 0.0? Such a tangent or cotangent contributes exactly zero whatever the
    partial (an inf/NaN one too), so rules skip it. A jit Tracer standing for a scalar is asked
    the same question: the comparison becomes a guard of the generated code, which then skips
    (or not) where the uncompiled call does."""
    if type(x) is float:
        return x == 0.0
    if getattr(type(x), "_innermost", False) and type(x.concrete) in (float, np.float64):
        return bool(x == 0.0)  # (a rule's numpy on a traced float may give numpy's float64)
    return False


def is_finite_everywhere(x: Any) -> bool:
    """True when no entry is inf/NaN (a symbolic value without a number counts as finite)."""
    x = known_primal(x)
    if x is None:
        return True
    if type(x) is float:
        return math.isfinite(x)
    if type(x) is ndarray and x.dtype is F64:
        # One reduction instead of isfinite + all: a finite sum means every entry is finite
        # (an overflowing sum of finite entries only sends the caller down its safe path).
        return math.isfinite(np.add.reduce(x, axis=None))
    if isinstance(x, Box) and np.ndim(x) and x.dtype == F64:  # traced: the same one pass
        return bool(np.isfinite(np.add.reduce(x, axis=None)))
    return bool(np.all(np.isfinite(x)))
