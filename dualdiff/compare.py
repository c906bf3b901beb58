"""One gradient by every method, side by side, with honest timings: ``compare(f, point)``.

The lecture's comparison as a library object (the CLI's ``dualdiff compare``
prints it; a notebook shows it as a table through its ``_repr_*_`` methods):
forward mode, reverse mode, reverse mode compiled to straight-line code
(:func:`dualdiff.jit`), symbolic differentiation, central differences,
Richardson extrapolation and complex step on one function at one point, each
with its gradient, its cost (passes or evaluations), its time and its
difference from the first method (forward mode).

How the time is measured, so the column teaches the right lesson:

* **Setup first.** The first AD pass in a process pays one-time work (the
  float specialisation of the rules used, a few milliseconds). It is measured
  once, before any method, and reported on its own (``setup_seconds``), so it
  is not charged to whichever method happens to run first.
* **First call, separately.** Each method's first call is timed on its own
  (``first_call_seconds``): what a script calling it once would pay.
* **Warm medians.** Then every method runs in interleaved rounds (round-robin,
  so drift and background load hit all methods alike), each sample a batch of
  calls long enough to time, until every method has at least
  :data:`MIN_ROUNDS` samples and :data:`TIME_BUDGET` seconds are spent; the
  reported time (``seconds``) is the median. Garbage collection is paused
  meanwhile, as :mod:`timeit` does.

The order of the methods changes none of the values and none of the warm
medians (beyond noise). A method that cannot run at this point (a stencil
leaving the domain, complex step through a function without complex support,
symbolic differentiation of a Python function) is a note on its row, never
an exception.
"""

from __future__ import annotations

import gc
import re
import statistics
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from . import finite_diff
from .api import jvp, value_and_grad
from .core import primal
from .expr import Expression
from .expr import compile as compile_expression
from .compiled import jit
from .notation import duration  # noqa: F401  (re-exported: part of this module's API)
from .views import NotebookViews

MIN_ROUNDS = 5
MAX_ROUNDS = 25
TIME_BUDGET = 0.05
"""Seconds of warm rounds (all methods together) after the first :data:`MIN_ROUNDS`."""
SAMPLE_SECONDS = 5e-4
"""Length one warm sample aims at: a microsecond pass is timed as a batch of calls."""


@dataclass(frozen=True)
class Target:
    """What is compared: ``f(*values)``, a scalar function of named scalar variables.

    ``expression`` is set when ``f`` was given as text (symbolic
    differentiation needs the expression, not a Python function).
    """

    f: Callable[..., Any]
    variables: tuple[str, ...]
    values: tuple[float, ...]
    expression: Expression | None = None

    @property
    def point(self) -> dict[str, float]:
        return dict(zip(self.variables, self.values))

    @property
    def text(self) -> str:
        if self.expression is not None:
            return self.expression.text
        return getattr(self.f, "__name__", "f")


@dataclass(frozen=True)
class Outcome:
    """A gradient (one entry per variable) and its cost: ``cost`` times ``unit``.

    Finite differences also give their step and error estimate per variable.
    """

    gradient: tuple[float, ...]
    cost: int
    unit: str
    step: tuple[float, ...] = ()
    error_estimate: tuple[float, ...] = ()


@dataclass(frozen=True)
class Method:
    """One row: ``key`` names it in JSON, ``label`` in tables, ``short`` in the caption;
    ``kind`` is ``"ad"``, ``"symbolic"`` or ``"finite-difference"``."""

    key: str
    label: str
    short: str
    run: Callable[[Target, float | None], Outcome]
    kind: str = "ad"


@dataclass(frozen=True)
class MethodResult:
    """A method's outcome (or the note saying why it could not run) and its timings."""

    method: Method
    outcome: Outcome | None
    seconds: float | None = None
    """Median of the warm samples."""
    first_call_seconds: float | None = None
    samples: int = 0
    note: str | None = None


def _unit(i: int, n: int) -> tuple[float, ...]:
    return tuple(1.0 if j == i else 0.0 for j in range(n))


def forward_gradient(target: Target, step: float | None = None) -> Outcome:
    """Forward mode: one ``jvp`` pass per variable, each seeded with a unit tangent."""
    n = len(target.values)
    partials = [jvp(target.f, target.values, _unit(i, n))[1] for i in range(n)]
    return Outcome(tuple(float(primal(p)) for p in partials), n, "jvp pass")


def reverse_gradient(target: Target, step: float | None = None) -> Outcome:
    """Reverse mode: one ``value_and_grad`` (a recorded forward pass and one backward sweep)."""
    n = len(target.values)
    _, grads = value_and_grad(target.f, argnums=tuple(range(n)))(*target.values)
    return Outcome(tuple(float(primal(g)) for g in grads), 1, "backward sweep")


_COMPILED: dict[int, tuple[Target, Any]] = {}
"""``jit(value_and_grad)`` of recent targets, so warm runs call the generated code (the first run
traces and compiles: that is its first-call time)."""
_COMPILED_KEPT = 8


def _compiled(target: Target) -> tuple[Any, bool]:
    """The target's ``jit(value_and_grad)``, and whether it was made just now."""
    entry = _COMPILED.get(id(target))
    if entry is not None and entry[0] is target:
        return entry[1], False
    while len(_COMPILED) >= _COMPILED_KEPT:
        del _COMPILED[next(iter(_COMPILED))]
    compiled = jit(value_and_grad(target.f, argnums=tuple(range(len(target.values)))))
    _COMPILED[id(target)] = (target, compiled)
    return compiled, True


def compiled_gradient(target: Target, step: float | None = None) -> Outcome:
    """Reverse mode as generated code: ``jit(value_and_grad)`` traces the recording and the backward
    sweep once (the first call, which then runs the generated code once to check that it applies
    here), then runs them as one straight-line Python function per call (the program
    ``dualdiff codegen --mode reverse`` prints)."""
    compiled, fresh = _compiled(target)
    _, grads = compiled(*target.values)
    if fresh:  # the same point always takes the same path: checked once, warm calls just run
        compiled(*target.values)
    if fresh and compiled.cache_info().uncompiled:
        source = compiled.source(*target.values)
        if source.startswith("# not compiled:"):
            reason = source.removeprefix("# not compiled:").strip()
        else:
            reason = ("the generated code meets a float error here, where numpy gives inf or NaN "
                      "and Python raises")
        raise _Unavailable(f"jit runs this function uncompiled ({reason})")
    return Outcome(tuple(float(primal(g)) for g in grads), 1, "generated-code call")


def symbolic_gradient(target: Target, step: float | None = None) -> Outcome:
    """One derivative expression per variable (the table's rules over nodes), evaluated at the point."""
    from .symbolic import differentiate

    if target.expression is None:
        raise _Unavailable("needs the function as an expression (text), not as Python code")
    values = [differentiate(target.expression, name, target.point).value for name in target.variables]
    return Outcome(tuple(float(v) for v in values), len(values), "derivative expression")


def fd_gradient(method: str) -> Callable[[Target, float | None], Outcome]:
    """Finite differences of :mod:`dualdiff.finite_diff` (the independent reference)."""
    def run(target: Target, step: float | None = None) -> Outcome:
        f = target.f

        def along(x: np.ndarray) -> Any:
            return f(*x)

        with np.errstate(all="ignore"):
            result = finite_diff.gradient(along, np.array(target.values, dtype=float), method=method,
                                          step=None if method == "complex-step" else step)
        return Outcome(_floats(result.value), result.evaluations, "evaluation",
                       _floats(result.step), _floats(result.error_estimate))

    return run


def _floats(values: object) -> tuple[float, ...]:
    return tuple(float(v) for v in np.atleast_1d(np.asarray(values, dtype=float)))


class _Unavailable(Exception):
    """A method that does not apply to this kind of target (its message is the note)."""


METHODS: list[Method] = [
    Method("forward", "forward mode", "forward", forward_gradient),
    Method("reverse", "reverse mode", "reverse", reverse_gradient),
    Method("compiled", "compiled (generated code)", "compiled", compiled_gradient),
    Method("symbolic", "symbolic (derivative expression)", "symbolic", symbolic_gradient, "symbolic"),
    Method("central", "central differences", "central differences", fd_gradient("central"),
           "finite-difference"),
    Method("richardson", "Richardson", "Richardson", fd_gradient("richardson"), "finite-difference"),
    Method("complex-step", "complex step", "complex step", fd_gradient("complex-step"),
           "finite-difference"),
]
"""The rows of a comparison, in order; the first that runs is the reference (forward mode)."""


def register(method: Method, after: str | None = None) -> None:
    """Add ``method`` to :data:`METHODS`, at the end or right after the method keyed ``after``."""
    if any(m.key == method.key for m in METHODS):
        raise ValueError(f"a compare method keyed {method.key!r} is already registered")
    if after is None:
        METHODS.append(method)
        return
    keys = [m.key for m in METHODS]
    METHODS.insert(keys.index(after) + 1, method)


# --- notes: why a method could not run, in words for any reader -----------------------------

_LIBRARY_ADVICE = re.compile(r"(?:;|,)?\s*(?:use|or)\s+(?:numpy functions or\s+)?method='[\w-]+'")


def note(method: Method, exc: BaseException) -> str:
    """Why ``method`` could not run, as one line without library keywords or raw exception tuples."""
    if isinstance(exc, _Unavailable):
        return f"{method.label}: not available: {exc}"
    text = " ".join(str(exc).split())
    text = _LIBRARY_ADVICE.sub("", text)
    text = text.replace("pass a smaller step=", "pass a smaller step")
    prefix = method.short + ": "
    if text.lower().startswith(prefix.lower()):
        text = text[len(prefix):]
    if isinstance(exc, OverflowError):
        text = "an intermediate result overflows (beyond the largest float)"
    elif isinstance(exc, ZeroDivisionError):
        text = "division by zero at a point of the stencil"
    elif isinstance(exc, TypeError) and "complex" in text and method.key == "complex-step":
        text = f"a function of f does not accept complex numbers ({text})"
    elif not isinstance(exc, (ValueError, ArithmeticError)):
        text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return f"{method.label}: not available here: {text}"


# --- the comparison ------------------------------------------------------------------------

@dataclass(frozen=True)
class Comparison(NotebookViews):
    """Every method's result on one target, with differences relative to the reference."""

    _view = "comparison"  # drawn by dualdiff.render.comparison_markdown/_latex/_html
    _latex_array = True

    target: Target
    value: float
    results: list[MethodResult]
    setup_seconds: float
    step: float | None = None
    rounds: int = 0

    @property
    def reference(self) -> MethodResult | None:
        """The first method that ran (forward mode unless it failed)."""
        return next((r for r in self.results if r.outcome is not None), None)

    def result(self, key: str) -> MethodResult:
        return next(r for r in self.results if r.method.key == key)

    def difference(self, result: MethodResult) -> float | None:
        """max |gradient − reference gradient| over the variables, None if the method did not run."""
        reference = self.reference
        if result.outcome is None or reference is None:
            return None
        pairs = zip(result.outcome.gradient, reference.outcome.gradient)  # type: ignore[union-attr]
        return max((abs(a - b) for a, b in pairs), default=0.0)

    def digits(self, result: MethodResult) -> int | None:
        """Significant digits to which ``result`` agrees with the reference (normwise, 0..16)."""
        reference = self.reference
        if result.outcome is None or reference is None:
            return None
        return agreement_digits(result.outcome.gradient, reference.outcome.gradient)  # type: ignore[union-attr]

    def caption(self) -> str:
        """What agrees and to how many digits ('forward and reverse agree to 16 digits; …'); a method
        that did not run is left out (its note says why)."""
        reference = self.reference
        if reference is None:
            return "no method could run at this point"
        groups: dict[int, list[str]] = {}
        for result in self.results:
            digits = self.digits(result)
            if digits is not None and result is not reference:
                groups.setdefault(digits, []).append(result.method.short)
        if not groups:
            return f"only {reference.method.short} ran"
        ordered = sorted(groups.items(), reverse=True)
        best, names = ordered[0]
        first = f"{_join([reference.method.short, *names])} agree to {best} digits"
        rest = [f"{_join(group)} to {digits}" for digits, group in ordered[1:]]
        return "; ".join([first, *rest])

    def timing_note(self) -> str:
        """How the time column was measured (the footnote under every rendering)."""
        samples = max((r.samples for r in self.results), default=0)
        return (f"time: median of {samples} warm runs of each method (interleaved, each run a batch of "
                f"calls); first call: its first run, timed apart; the one-time setup of the first AD pass "
                f"(float specialisation of the rules, {duration(self.setup_seconds)}) ran before all methods "
                f"and is charged to none")

    def notes(self) -> list[str]:
        return [r.note for r in self.results if r.note]


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def agreement_digits(values: Sequence[float], reference: Sequence[float]) -> int:
    """Significant digits to which ``values`` agree with ``reference`` (normwise, 0..16)."""
    import math

    scale = max((abs(r) for r in reference), default=0.0) or 1.0
    error = max((abs(v - r) for v, r in zip(values, reference)), default=0.0)
    if error == 0.0:
        return 16
    if not math.isfinite(error):
        return 0
    return int(max(0, min(16, math.floor(-math.log10(error / scale)))))


def target_of(f: Callable[..., Any] | Expression | str,
              point: Mapping[str, float] | Sequence[float]) -> Target:
    """A :class:`Target` from text, an :class:`~dualdiff.expr.Expression` or a Python function.

    ``point`` is ``{name: value}`` (its order is the variable order) or, for
    a Python function, a sequence of values (variables ``x0, x1, …``).
    """
    if isinstance(point, Mapping):
        names, values = tuple(point), tuple(float(v) for v in point.values())
    else:
        values = tuple(float(v) for v in point)
        names = tuple(f"x{i}" for i in range(len(values)))
    if isinstance(f, str):
        if not isinstance(point, Mapping):
            raise TypeError("compare(text, point): give the point as {name: value}")
        f = compile_expression(f, variables=names)
    if isinstance(f, Expression):
        if tuple(f.variables) != names:
            if set(f.variables) != set(names):
                raise ValueError(f"the point gives {', '.join(names) or 'no variables'} but the "
                                 f"expression's variables are {', '.join(f.variables)}")
            f = compile_expression(f.text, variables=names, share=f.shared)
        return Target(f, names, values, f)
    if not callable(f):
        raise TypeError(f"compare needs a function, an expression or its text, got {type(f).__name__}")
    return Target(f, names, values, None)


def compare(f: Callable[..., Any] | Expression | str, point: Mapping[str, float] | Sequence[float],
            step: float | None = None, methods: Sequence[Method] | None = None) -> Comparison:
    """Every method of :data:`METHODS` (or ``methods``) on ``f`` at ``point``, timed honestly.

    ``f`` is text in the expression language (``"exp(x*z) + x*z/log(x)"``), an
    :class:`~dualdiff.expr.Expression` or a Python function of scalars;
    ``step`` is the first step of central differences and Richardson (complex
    step keeps its own). See the module doc for how time is measured.
    """
    target = target_of(f, point)
    chosen = list(METHODS if methods is None else methods)
    value = float(primal(target.f(*target.values)))
    setup = _setup(target)
    runs: list[_Run] = []
    for method in chosen:
        runs.append(_Run.start(method, target, step))
    rounds = _warm_rounds([r for r in runs if r.outcome is not None], target, step)
    results = [r.result() for r in runs]
    return Comparison(target, value, results, setup, step, rounds)


def _setup(target: Target) -> float:
    """The one-time cost of the first AD pass in this process (float specialisation)."""
    start = time.perf_counter()
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            jvp(target.f, target.values, _unit(0, len(target.values)))
            value_and_grad(target.f, argnums=tuple(range(len(target.values))))(*target.values)
    except Exception:  # noqa: BLE001 - the methods report their own failures
        pass
    return time.perf_counter() - start


@dataclass
class _Run:
    method: Method
    outcome: Outcome | None
    first_seconds: float | None
    note: str | None
    batch: int = 1
    samples: list[float] = field(default_factory=list)

    @classmethod
    def start(cls, method: Method, target: Target, step: float | None) -> "_Run":
        start = time.perf_counter()
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                outcome = method.run(target, step)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - any failure of one method is its row's note
            return cls(method, None, None, note(method, exc))
        return cls(method, outcome, time.perf_counter() - start, None)

    def sample(self, target: Target, step: float | None) -> float:
        if self.batch == 0:
            raise RuntimeError("no longer timed")
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            for _ in range(self.batch):
                self.method.run(target, step)
            elapsed = time.perf_counter() - start
        return elapsed / self.batch

    def result(self) -> MethodResult:
        seconds = statistics.median(self.samples) if self.samples else None
        return MethodResult(self.method, self.outcome, seconds, self.first_seconds, len(self.samples), self.note)


def _warm_rounds(runs: list[_Run], target: Target, step: float | None) -> int:
    """Interleaved warm samples of every run (see the module doc); returns the rounds made."""
    if not runs:
        return 0
    enabled = gc.isenabled()
    gc.disable()
    try:
        for run in runs:  # calibration: one call each, to size the batches
            single = run.sample(target, step)
            run.batch = max(1, min(1000, int(SAMPLE_SECONDS / max(single, 1e-9))))
        start = time.perf_counter()
        rounds = 0
        while rounds < MAX_ROUNDS:
            for run in runs:
                try:
                    run.samples.append(run.sample(target, step))
                except Exception:  # noqa: BLE001 - it ran once; a later failure only ends its timing
                    run.batch = 0
            rounds += 1
            if rounds >= MIN_ROUNDS and time.perf_counter() - start >= TIME_BUDGET:
                break
        return rounds
    finally:
        if enabled:
            gc.enable()
