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

A :class:`Primitive` knows its numpy implementation, an optional fast scalar
implementation on ``math``, and one derivative rule per argument. Rules are
written with dualdiff's own functions, so they are themselves differentiable.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, Callable, Sequence

import numpy as np

from .errors import NoDerivativeRule, PrecisionLossError, SymbolicBranchError

ndarray = np.ndarray
_F64 = np.dtype(np.float64)
USER_LEVEL = 1
"""The tag of Duals built by hand (``Dual(value, tangent)``); transformations start above it."""
_levels = itertools.count(USER_LEVEL + 1)
_DOMAIN_ERRORS = (ValueError, ZeroDivisionError, OverflowError)


def new_level() -> int:
    """A level above every level handed out so far (``next`` on a count is atomic)."""
    return next(_levels)


class Box:
    """Base class of values that carry derivatives (see the module docstring).

    Subclasses define ``_level`` and a classmethod ``_apply(prim, args,
    params, level)`` that evaluates ``prim`` on ``args``, where at least one
    argument is a box of exactly ``level``. Array-like conveniences shared by
    every box live here and route through primitives.
    """

    __slots__ = ()
    _level: int
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

    # --- refusing silent precision loss ------------------------------------
    def _refuse(self, what: str):
        raise PrecisionLossError(
            f"{what}({type(self).__name__}) would drop the derivative; use `.value` "
            "(or dualdiff.primal(x)) if you really want the number without it"
        )

    def __float__(self):
        self._refuse("float")

    def __int__(self):
        self._refuse("int")

    def __complex__(self):
        self._refuse("complex")

    def __index__(self):
        self._refuse("index")

    def __array__(self, dtype=None, copy=None):
        self._refuse("numpy.asarray")

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
    while isinstance(x, Box):
        x = x.value
    return x


def lift(x: Any) -> Any:
    """Convert a plain number to dualdiff's working types: ``float`` or a float64 ndarray.

    The one place plain inputs are converted (DESIGN §6.4). Python ints,
    bools and numpy scalars become ``float``; lists and integer or float32
    arrays become float64 arrays. Complex arrays (the complex-step probe of
    ``finite_diff``) and boxes pass through untouched.
    """
    t = type(x)
    if t is float or isinstance(x, Box):
        return x
    if t is ndarray:
        if x.dtype == np.float64 or x.dtype.kind == "c":
            return x
        if x.dtype.kind in "biuf":
            return x.astype(np.float64)
        raise TypeError(f"expected a numeric array, got dtype {x.dtype}")
    if t is int or t is bool or isinstance(x, (np.integer, np.floating, np.bool_)):
        return float(x)
    if isinstance(x, ndarray):  # subclasses, e.g. the complex-step probe
        return x
    if isinstance(x, (list, tuple)):
        arr = np.asarray(x)
        if arr.dtype.kind in "biuf":
            return arr.astype(np.float64)
        if arr.dtype == object:
            raise TypeError(
                "a list holding dualdiff values cannot become one array; use dualdiff.stack(...)"
            )
        raise TypeError(f"expected numbers, got a sequence of dtype {arr.dtype}")
    if isinstance(x, (complex, np.complexfloating)):
        return x
    raise TypeError(f"expected a number or a numeric array, got {type(x).__name__}: {x!r:.60}")


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


# ---------------------------------------------------------------------------
# Primitives
# ---------------------------------------------------------------------------

JvpRule = Callable[..., Any]  # (tangent, out, args, params, batched) -> output tangent part
VjpRule = Callable[..., Any]  # (cotangent, out, args, params) -> input cotangent


class Primitive:
    """One entry of the table: how to compute an operation and how to differentiate it.

    ``jvps[i]`` maps the tangent of argument ``i`` to its contribution to the
    output tangent; ``vjps[i]`` maps the output cotangent to the cotangent of
    argument ``i``. Rules are per argument so that constant inputs cost
    nothing (DESIGN §8.2). ``jvps is None`` marks a primitive whose derivative
    is zero wherever it exists (sign, comparisons): its result is a plain
    constant.
    """

    __slots__ = (
        "name", "impl", "scalar_impl", "kind", "nargs", "jvps", "vjps", "partials",
        "nonfinite", "doc", "domain", "edges", "samples", "sample_call", "fn", "numpy_aliases",
        "fast", "float_partials",
    )

    def __init__(self, name: str, impl: Callable, *, kind: str, nargs: int,
                 jvps: Sequence[JvpRule] | None, vjps: Sequence[VjpRule] | None,
                 scalar_impl: Callable | None = None, partials: Sequence[Callable] | None = None,
                 nonfinite: bool = False, doc: str = "", domain: Sequence[tuple] | None = None,
                 edges: Sequence[tuple] = (), samples: Callable | None = None,
                 sample_call: Callable | None = None):
        self.name = name
        self.impl = impl
        self.scalar_impl = scalar_impl
        self.kind = kind
        self.nargs = nargs
        self.jvps = tuple(jvps) if jvps is not None else None
        self.vjps = tuple(vjps) if vjps is not None else None
        self.partials = tuple(partials) if partials is not None else None
        self.nonfinite = nonfinite
        self.doc = doc
        self.domain = domain
        self.edges = tuple(edges)
        self.samples = samples
        self.sample_call = sample_call
        self.fn: Callable = None  # type: ignore[assignment]  # set by the table
        self.numpy_aliases: tuple = ()
        self.fast: dict = {}
        self.float_partials: tuple | None = None  # filled on first use by the backward sweep

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"

    def evaluate(self, args: tuple, params: dict) -> Any:
        """Run the implementation on plain (unboxed, lifted) arguments."""
        scalar = self.scalar_impl
        if scalar is not None and not params and _all_floats(args):
            try:
                return scalar(*args)
            except _DOMAIN_ERRORS:
                pass  # numpy semantics: NaN/inf instead of an exception
            with np.errstate(all="ignore"):
                return float(self.impl(*args))
        out = self.impl(*args, **params)  # arrays: numpy's semantics, warnings included
        if type(out) is ndarray:
            return float(out) if out.ndim == 0 and out.dtype == np.float64 else out
        if type(out) is not float and not isinstance(out, ndarray):
            return lift(out)  # numpy scalars from reductions become float
        return out

    def example(self, rng: np.random.Generator) -> tuple[Callable, tuple]:
        """``(fn, args)``: a call of this primitive on random arguments inside its domain.

        ``fn`` takes only the differentiable arguments (static parameters
        such as an axis or a shape are fixed inside it), so table-driven
        tests can hand it straight to ``jacfwd``, ``grad`` or ``check_grads``.
        """
        return (self.sample_call or self.fn), self.sample_args(rng)

    def sample_args(self, rng: np.random.Generator) -> tuple:
        """A random argument tuple inside the domain (used by table-driven tests)."""
        if self.samples is not None:
            return self.samples(rng)
        return tuple(float(rng.uniform(lo, hi)) for lo, hi in self.domain or [(-2.0, 2.0)] * self.nargs)


def _all_floats(args: tuple) -> bool:
    for a in args:
        if type(a) is not float:
            return False
    return True


def bind(prim: Primitive, args: tuple, params: dict) -> Any:
    """Apply ``prim``: plain evaluation, or the highest box level's rule."""
    top = None
    needs_lift = False
    for a in args:
        ta = type(a)
        if ta is float or (ta is ndarray and a.dtype is _F64):
            continue
        if isinstance(a, Box):
            if top is None or a._level > top._level:
                top = a
        else:
            needs_lift = True
    if needs_lift:
        args = tuple(a if isinstance(a, Box) else lift(a) for a in args)
    if top is None:
        return prim.evaluate(args, params)
    return type(top)._apply(prim, args, params, top._level)


def unbox_level(args: tuple, level: int) -> tuple[list, list]:
    """Split ``args`` into values and tangent-like payloads for boxes of ``level``.

    Returns ``(values, boxes)`` where ``boxes[i]`` is the box if argument
    ``i`` belongs to ``level`` and ``None`` otherwise.
    """
    values, boxes = [], []
    for a in args:
        if isinstance(a, Box) and a._level == level:
            values.append(a.value)
            boxes.append(a)
        else:
            values.append(a)
            boxes.append(None)
    return values, boxes


#: Called with every newly registered primitive; the box modules add their fast paths here.
REGISTRATION_HOOKS: list[Callable[[Primitive], None]] = []


def make_function(prim: Primitive) -> Callable:
    """Build the public function for ``prim``, specialised on exact types (DESIGN §8.1).

    Plain floats go straight to the ``math`` implementation and float64
    arrays straight to numpy. ``prim.fast`` maps a box type to a handler that
    the box's module specialised for this primitive (forward mode on a Dual
    of floats, recording on the tape); everything else takes the generic
    :func:`bind`. One dict lookup on the exact type replaces isinstance chains.
    """
    impl, scalar = prim.impl, prim.scalar_impl
    fast: dict = {}
    prim.fast = fast
    if prim.kind == "elementwise" and prim.nargs == 1 and scalar is not None:
        def unary(x):
            tx = type(x)
            if tx is float:
                try:
                    return scalar(x)
                except _DOMAIN_ERRORS:
                    return prim.evaluate((x,), {})
            handler = fast.get(tx)
            if handler is not None:
                return handler(x)
            if tx is ndarray and x.dtype is _F64:
                return impl(x)
            return bind(prim, (x,), {})
        fn = unary
    elif prim.kind == "elementwise" and prim.nargs == 2 and scalar is not None:
        def binary(x, y):
            tx = type(x)
            ty = type(y)
            if tx is float:
                if ty is float:
                    try:
                        return scalar(x, y)
                    except _DOMAIN_ERRORS:
                        return prim.evaluate((x, y), {})
                if ty is ndarray and y.dtype is _F64:
                    return impl(x, y)
            elif tx is ndarray and x.dtype is _F64 and (
                    ty is float or (ty is ndarray and y.dtype is _F64)):
                return impl(x, y)
            handler = fast.get(tx) or fast.get(ty)
            if handler is not None:
                return handler(x, y)
            return bind(prim, (x, y), {})
        fn = binary
    else:
        def general(*args, **params):
            return bind(prim, args, params)
        fn = general
    fn.__name__ = fn.__qualname__ = prim.name
    fn.__doc__ = f"{prim.name}: differentiable primitive.\n\nDerivative: {prim.doc}"
    fn.primitive = prim  # type: ignore[attr-defined]
    prim.fn = fn
    return fn


def refuse_unknown(func: Any, method: str | None = None) -> NoDerivativeRule:
    """The error for a numpy function without a rule, naming it (DESIGN §6.9).

    ``method`` names a ufunc method (``numpy.add.accumulate``).
    """
    module = getattr(func, "__module__", None) or "numpy"
    name = getattr(func, "__name__", repr(func))
    full = f"{module}.{name}" + (f".{method}" if method else "")
    return NoDerivativeRule(
        f"no derivative rule for {full}; dualdiff.custom_primitive can register one")


def known_primal(x: Any) -> Any:
    """Like :func:`primal`, but ``None`` for a symbolic value that has no number attached."""
    try:
        return primal(x)
    except SymbolicBranchError:
        return None


def is_finite_everywhere(x: Any) -> bool:
    """True when no entry is inf/NaN (a symbolic value without a number counts as finite)."""
    x = known_primal(x)
    if x is None:
        return True
    if type(x) is float:
        return math.isfinite(x)
    if type(x) is ndarray and x.dtype is _F64:
        # One reduction instead of isfinite + all: a finite sum means every entry is finite
        # (an overflowing sum of finite entries only sends the caller down its safe path).
        return math.isfinite(np.add.reduce(x, axis=None))
    return bool(np.all(np.isfinite(x)))
