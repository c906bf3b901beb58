"""The finite-difference methods: stencils, Richardson extrapolation, the complex step, with
their steps, evaluation counts and error estimates (see :mod:`dualdiff.finite_diff`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from .probe import _ComplexProbe

EPS = float(np.finfo(np.float64).eps)
METHODS = ("forward", "backward", "central", "five-point", "richardson", "complex-step")

COMPLEX_STEP = 1e-20
"""Small enough that the O(h**2) truncation (1e-40 relative) is invisible, far
from underflow, and never subtracted from anything."""

COMPLEX_STEP_ULPS = 4.0
"""Round-off of a complex-step value, in units of eps * |value|: the imaginary
part is computed without cancellation, so it is accurate to the few roundings
of the operations that carry it."""

RICHARDSON_BASE = 0.1
"""First step of the Richardson ladder, relative to max(|x|, 1). Large, because
extrapolation removes truncation error while round-off (eps * |f| / h) stays
small only if the steps are not tiny."""

RICHARDSON_LEVELS = 12
"""Ladder length: the last step is 0.1 / 2**11 ~ 5e-5 (relative), past which
round-off dominates for any smooth function. The whole ladder is always
evaluated (no early stop as in Numerical Recipes' dfridr): a kink or a fast
oscillation can make the coarse levels look converged, and only the fine
levels reveal it."""


Real = float | np.ndarray
Function = Callable[..., Any]


@dataclass(frozen=True, eq=False)
class FDResult:
    """A finite-difference estimate with the facts needed to judge it.

    ``value`` has the shape of the quantity asked for (a float for a scalar);
    ``step`` is the step used per coordinate (for ``"richardson"`` the first
    step of the ladder); ``evaluations`` counts calls of f; ``error_estimate``
    has the shape of ``value``. ``np.asarray(result)`` and ``float(result)``
    give the value, so a result can be used where a number is expected.
    """

    value: Real
    step: Real
    evaluations: int
    error_estimate: Real
    method: str

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        array = np.asarray(self.value, dtype=dtype)
        return array.copy() if copy else array

    def __float__(self) -> float:
        array = np.asarray(self.value)
        if array.size != 1:
            raise TypeError("only a scalar FDResult converts to float; "
                            f"this value has shape {array.shape}")
        return float(array.reshape(()))


@dataclass(frozen=True, eq=False)
class StepSweep:
    """Absolute error of several methods over a range of steps.

    The teaching picture: for large steps truncation error dominates and falls
    with h, for tiny steps round-off dominates and grows as 1/h, so the error
    plotted against the step is a V with its bottom at ``best_step``.
    """

    steps: np.ndarray
    errors: dict[str, np.ndarray]
    best_step: dict[str, float]
    reference: Real


# --- stencils ---------------------------------------------------------------


@dataclass(frozen=True)
class _Stencil:
    """``f'(x) ~ sum(weights[k] * f(x + offsets[k] * h)) / (divisor * h)``.

    Integer weights and a separate divisor keep the weighted sum free of
    rounding in the weights themselves.
    """

    offsets: tuple[int, ...]
    weights: tuple[int, ...]
    divisor: int
    order: int
    step_exponent: float


_STENCILS = {
    "forward": _Stencil((1, 0), (1, -1), 1, 1, 1 / 2),
    "backward": _Stencil((0, -1), (1, -1), 1, 1, 1 / 2),
    "central": _Stencil((1, -1), (1, -1), 2, 2, 1 / 3),
    "five-point": _Stencil((-2, -1, 1, 2), (1, -8, 8, -1), 12, 4, 1 / 5),
}


# --- checking the input -----------------------------------------------------


def _method(method: str) -> str:
    if method not in METHODS:
        raise ValueError(f"unknown finite-difference method {method!r}; "
                         f"choose one of {', '.join(METHODS)}")
    return method


def _point(x: Any, name: str = "x") -> np.ndarray:
    """x as float64: ints and float32 are promoted, so that steps of 1e-8 mean something."""
    array = np.asarray(x)
    if array.dtype.kind == "c":
        raise ValueError(f"{name} must be real; complex-step adds the imaginary part itself")
    try:
        array = array.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a number or an array of numbers, got {x!r}") from exc
    bad = ~np.isfinite(array)
    if bad.any():
        where = _first(bad)
        label = f"{name}{list(where)}" if where else name
        raise ValueError(f"{name} is not finite ({label} = {array[where]}): "
                         "finite differences need a finite point")
    return array


def _first(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _validate_step(step: Any, shape: tuple[int, ...]) -> np.ndarray:
    raw = np.asarray(step, dtype=np.float64)
    if not (np.all(np.isfinite(raw)) and np.all(raw > 0)):
        raise ValueError(f"step must be positive and finite, got {step!r}")
    try:
        return np.broadcast_to(raw, shape)
    except ValueError as exc:
        raise ValueError(f"step must be a float or an array shaped like x {shape}, "
                         f"got shape {raw.shape}") from exc


def _default_relative_step(method: str) -> float:
    if method == "richardson":
        return RICHARDSON_BASE
    return EPS ** _STENCILS[method].step_exponent


def _coordinate_steps(x: np.ndarray, step: Any, method: str) -> np.ndarray:
    """One step per coordinate, made exact: the step used is (x + h) - x."""
    if step is None and method == "complex-step":
        return np.full(x.shape, COMPLEX_STEP)
    if step is None:
        h = _default_relative_step(method) * np.maximum(np.abs(x), 1.0)
    else:
        h = _validate_step(step, x.shape)
    if method == "complex-step":
        return np.array(h, dtype=np.float64)
    exact = (x + h) - x
    if np.any(exact == 0):
        where = _first(exact == 0)
        raise ValueError(f"step {np.asarray(h)[where]:g} is below the resolution of "
                         f"x = {x[where]:g} (x + step == x); use a larger step")
    return exact


def _power_of_two_below(h: float) -> float:
    """A power of two <= h: then t * v is exact for every t on a halving ladder."""
    return 2.0 ** math.floor(math.log2(h))


def _direction_step(x: np.ndarray, v: np.ndarray, step: Any, method: str) -> float:
    if step is not None:
        h = float(_validate_step(step, ()))
    elif method == "complex-step":
        h = COMPLEX_STEP
    else:
        scale = max(float(np.max(np.abs(x), initial=0.0)), 1.0) / float(np.max(np.abs(v)))
        h = _default_relative_step(method) * scale
    return _power_of_two_below(h)


# --- evaluating f -----------------------------------------------------------


class _Sampler:
    """Calls f near x: counts the calls and refuses non-finite values, so every
    method reports its true cost and never averages a NaN into an answer."""

    def __init__(self, f: Function, x: np.ndarray):
        self.f = f
        self.x = x
        self.evaluations = 0
        self._base: np.ndarray | None = None

    @property
    def base(self) -> np.ndarray:
        """f(x), checked: a function undefined at the probe point has no derivative there."""
        if self._base is None:
            out = self.real(self.x.copy(), "the probe point", strict=False)
            if out is None:
                raise ValueError(f"f is not finite at the probe point x = {_show(self.x)}; "
                                 "finite differences need f defined around x")
            self._base = out
        return self._base

    def _call(self, argument: Any) -> Any:
        """f(argument). Arithmetic errors (Python's ZeroDivisionError and
        OverflowError, dualdiff's DomainError, e.g. eig at a matrix whose
        eigenvalues turn complex) count as a non-finite value, like numpy's inf;
        numpy's warnings are silenced because the caller checks every value."""
        self.evaluations += 1
        try:
            with np.errstate(all="ignore"):
                return self.f(argument)
        except ArithmeticError:
            return math.nan

    def real(self, point: np.ndarray, where: str, strict: bool = True) -> np.ndarray | None:
        """f at a real point (a Python float for a scalar x, so math.* works in f)."""
        out = np.asarray(self._call(float(point) if point.ndim == 0 else point))
        if out.dtype.kind == "c":
            raise ValueError("f returned complex values for a real input")
        out = _numbers(out, np.float64)
        if np.all(np.isfinite(out)):
            return out
        if strict:
            raise ValueError(f"f is not finite at {where}: the step crosses a singularity or "
                             "the edge of the domain; pass a smaller step=")
        return None

    def complex(self, point: np.ndarray) -> np.ndarray:
        """f at x + i h, through the guard (a 0-d probe for a scalar x)."""
        return _numbers(np.asarray(self._call(point.view(_ComplexProbe))), np.complex128)


def _numbers(out: np.ndarray, dtype: type) -> np.ndarray:
    try:
        return out.astype(dtype)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"f must return numbers, got an array of {out.dtype}") from exc


def _show(x: np.ndarray) -> str:
    return np.array2string(x, precision=17) if x.ndim else repr(float(x))


class _Line:
    """f restricted to the line t -> x + t*d, d a coordinate axis or a direction.

    All one-dimensional methods work on a line, so the same code serves
    derivative, gradient, jacobian and directional derivatives.
    """

    def __init__(self, sampler: _Sampler, index: tuple[int, ...] | None = None,
                 direction: np.ndarray | None = None):
        self.sampler = sampler
        self.index = index
        self.direction = direction

    @property
    def base(self) -> np.ndarray:
        return self.sampler.base

    def _point(self, t: float | complex) -> np.ndarray:
        x = self.sampler.x
        if self.index is None:
            return x + t * self.direction
        point = x.astype(np.complex128 if isinstance(t, complex) else np.float64)
        point[self.index] += t
        return point

    def _describe(self, t: float) -> str:
        if self.index is None:
            return f"x + {t:.3g}*v"
        return f"x[{', '.join(map(str, self.index))}] + {t:.3g}" if self.index else f"x + {t:.3g}"

    def __call__(self, t: float, strict: bool = True) -> np.ndarray | None:
        return self.sampler.real(self._point(t), self._describe(t), strict)

    def complex(self, h: float) -> np.ndarray:
        return self.sampler.complex(self._point(complex(0.0, h)))

    def exact(self, h: float) -> float:
        """The step as the function sees it: (x + h) - x along this line."""
        if self.index is None:
            return _power_of_two_below(h)
        xi = float(self.sampler.x[self.index])
        return (xi + h) - xi


# --- the one-dimensional methods --------------------------------------------

Estimate = tuple[np.ndarray, np.ndarray]
"""(value, error estimate), both shaped like f's output."""


def _stencil_estimate(line: _Line, h: float, stencil: _Stencil,
                      with_error: bool = True) -> Estimate:
    """The stencil at h, and its error: truncation from comparing with the same
    stencil at 2h (Richardson's estimate, (D(2h) - D(h)) / (2**order - 1)) plus
    the round-off the weighted sum of rounded values of f can carry."""
    values: dict[int, np.ndarray] = {}

    def f_at(k: int) -> np.ndarray:
        if k not in values:
            values[k] = line.base if k == 0 else line(k * h)
        return values[k]

    def apply(scale: int) -> Estimate:
        terms = [w * f_at(scale * o) for o, w in zip(stencil.offsets, stencil.weights)]
        width = stencil.divisor * scale * h
        return sum(terms) / width, EPS * sum(np.abs(t) for t in terms) / width

    value, roundoff = apply(1)
    if not with_error:
        return value, np.zeros_like(value)
    coarse, _ = apply(2)
    return value, np.abs(value - coarse) / (2**stencil.order - 1) + roundoff


def _richardson(line: _Line, h0: float) -> Estimate:
    """Ridders' method: a Neville tableau over central differences at h0 / 2**k.

    Entry T[i][j] extrapolates the central differences of levels i-j..i to
    h = 0 (polynomial in h**2). Its error is estimated from the last two
    tableau entries it came from (how far it moved from T[i][j-1] and from
    T[i-1][j-1]) plus the round-off of level i; the entry with the smallest
    estimate wins, elementwise. A level where f is not finite (a coarse step
    that leaves the domain) restarts the tableau instead of failing.
    """
    best = best_error = None
    steps: list[float] = []
    previous: list[np.ndarray] = []
    for k in range(RICHARDSON_LEVELS):
        h = line.exact(h0 / 2**k)
        if h == 0:
            break
        plus, minus = line(h, strict=False), line(-h, strict=False)
        if plus is None or minus is None:
            steps, previous = [], []
            continue
        steps.append(h)
        roundoff = EPS * (np.abs(plus) + np.abs(minus)) / h
        row = [(plus - minus) / (2 * h)]
        for j in range(1, len(steps)):
            ratio = h**2 / (steps[-1 - j] ** 2 - h**2)
            row.append(row[j - 1] + (row[j - 1] - previous[j - 1]) * ratio)
            moved = np.maximum(np.abs(row[j] - row[j - 1]), np.abs(row[j] - previous[j - 1]))
            error = moved + roundoff
            if best is None:
                best, best_error = row[j], error
            else:
                better = error < best_error
                best = np.where(better, row[j], best)
                best_error = np.where(better, error, best_error)
        previous = row
    if best is None:
        raise ValueError("richardson: f is not finite on both sides of x for two consecutive "
                         f"steps of the ladder starting at {h0:g}; pass a smaller step=")
    return best, best_error


def _complex_step(line: _Line, h: float) -> Estimate:
    """Im f(x + ih) / h, with its stated bound: a few ulps of the value plus an
    h**2 term (the truncation, scaled by the size of f; 1e-40 relative at the
    default step)."""
    out = line.complex(h)
    value = out.imag / h
    if not (np.all(np.isfinite(out.real)) and np.all(np.isfinite(value))):
        raise ValueError(f"f is not finite at the probe point x = {_show(line.sampler.x)} "
                         "(complex step)")
    size = np.maximum(np.abs(out.real), np.abs(value))
    return value, COMPLEX_STEP_ULPS * EPS * np.abs(value) + h**2 * size


def _estimate(line: _Line, h: float, method: str, with_error: bool = True) -> Estimate:
    if method == "complex-step":
        return _complex_step(line, h)
    if method == "richardson":
        return _richardson(line, h)
    return _stencil_estimate(line, h, _STENCILS[method], with_error)


# --- public API -------------------------------------------------------------


def _scalar_or_array(a: Any) -> Real:
    return float(a) if np.ndim(a) == 0 else np.asarray(a)


def _result(value: Any, step: Any, sampler: _Sampler, error: Any, method: str) -> FDResult:
    return FDResult(_scalar_or_array(value), _scalar_or_array(step), sampler.evaluations,
                    _scalar_or_array(error), method)


def _check_output(out: np.ndarray, want_scalar: bool) -> None:
    if want_scalar and out.size != 1:
        raise ValueError(f"gradient needs f to return a scalar, but f returned shape {out.shape}; "
                         "use jacobian")


def _jacobian(f: Function, x: Any, method: str, step: Any, want_scalar_output: bool) -> FDResult:
    method = _method(method)
    point = _point(x)
    steps = _coordinate_steps(point, step, method)
    sampler = _Sampler(f, point)
    if method != "complex-step" or point.size == 0:
        _check_output(sampler.base, want_scalar_output)
    values, errors = [], []
    for index in np.ndindex(point.shape):
        value, error = _estimate(_Line(sampler, index=index), float(steps[index]), method)
        _check_output(value, want_scalar_output)
        values.append(value)
        errors.append(error)
    out_shape = () if want_scalar_output else (values[0] if values else sampler.base).shape
    shape = out_shape + point.shape
    if not values:
        return _result(np.zeros(shape), steps, sampler, np.zeros(shape), method)
    value = np.stack(values, axis=-1).reshape(shape)
    error = np.stack(errors, axis=-1).reshape(shape)
    return _result(value, steps, sampler, error, method)


def derivative(f: Callable[[float], Any], x: float, method: str = "central",
               step: float | None = None) -> FDResult:
    """f'(x) for a scalar x (f may return an array: the result has its shape).

    Use it to check a derivative by a route that shares nothing with the
    library; ``method`` trades cost against accuracy (see the module docstring).
    """
    if np.ndim(x) != 0:
        raise ValueError(f"derivative needs a scalar x, got shape {np.shape(x)}; "
                         "use gradient or jacobian")
    return _jacobian(f, x, method, step, want_scalar_output=False)


def gradient(f: Callable[[Any], Any], x: Any, method: str = "central",
             step: Any = None) -> FDResult:
    """The gradient of a scalar function f: R^n -> R, shaped like x (any shape).

    One line estimate per coordinate, each with its own step scaled to that
    coordinate, so coordinates of very different size are all well resolved.
    """
    return _jacobian(f, x, method, step, want_scalar_output=True)


def jacobian(f: Callable[[Any], Any], x: Any, method: str = "central",
             step: Any = None) -> FDResult:
    """The Jacobian of f at x, shaped ``f(x).shape + x.shape`` (as ``jacfwd``)."""
    return _jacobian(f, x, method, step, want_scalar_output=False)


def directional(f: Callable[[Any], Any], x: Any, v: Any, method: str = "central",
                step: float | None = None) -> FDResult:
    """J(x) v, the derivative of t -> f(x + t v) at t = 0: what ``jvp`` computes.

    It costs as much as one coordinate of the Jacobian, whatever the size of x,
    which is what makes checking a JVP along a random direction cheap. The step
    is a power of two, so t * v is exact on the whole ladder.
    """
    method = _method(method)
    point = _point(x)
    direction = _point(v, "v")
    if direction.shape != point.shape:
        raise ValueError(f"v must have the shape of x {point.shape}, got {direction.shape}")
    sampler = _Sampler(f, point)
    if method != "complex-step" or not np.any(direction):
        sampler.base
    if not np.any(direction):
        zero = np.zeros_like(sampler.base)
        return _result(zero, 0.0, sampler, zero, method)
    h = _direction_step(point, direction, step, method)
    value, error = _estimate(_Line(sampler, direction=direction), h, method)
    return _result(value, h, sampler, error, method)


def _coordinate(point: np.ndarray, wrt: int | tuple[int, ...] | None) -> tuple[int, ...]:
    if wrt is None:
        if point.size != 1:
            raise ValueError(f"x has {point.size} coordinates; pass wrt=INDEX to sweep one "
                             "partial derivative")
        return (0,) * point.ndim
    if isinstance(wrt, (int, np.integer)):
        if not -point.size <= wrt < point.size:
            raise ValueError(f"wrt={wrt} is out of range for x with {point.size} coordinates")
        return tuple(int(i) for i in np.unravel_index(int(wrt) % point.size, point.shape))
    index = tuple(int(i) for i in wrt)
    if len(index) != point.ndim or any(not 0 <= i < n for i, n in zip(index, point.shape)):
        raise ValueError(f"wrt={wrt} is not an index of x with shape {point.shape}")
    return index


def step_sweep(f: Callable[[Any], Any], x: Any, steps: Sequence[float] | np.ndarray | None = None,
               methods: Sequence[str] = ("forward", "central", "five-point"),
               reference: Any = None, wrt: int | tuple[int, ...] | None = None) -> StepSweep:
    """The absolute error of each method for each step (default 1e-1 ... 1e-15).

    This is the classroom experiment: the error falls with h while truncation
    dominates, then rises as 1/h once round-off does. The reference is the
    given exact value, or else a Richardson estimate (far more accurate than
    any single step). For a multivariate x, ``wrt`` (a flat or a multi-index)
    picks the coordinate. Steps below the resolution of x, or that leave the
    domain of f, get NaN. For an array-valued f the error is the largest
    over the outputs.
    """
    for method in methods:
        _method(method)
    point = _point(x)
    index = _coordinate(point, wrt)
    grid = 10.0 ** -np.arange(1, 16) if steps is None else np.asarray(steps, dtype=np.float64)
    line = _Line(_Sampler(f, point), index=index)
    line.base
    if reference is None:
        target = _richardson(line, float(_coordinate_steps(point, None, "richardson")[index]))[0]
    else:
        target = np.asarray(reference, dtype=np.float64)
    errors = {m: np.array([_sweep_error(line, float(h), m, target) for h in grid]) for m in methods}
    best = {m: float(grid[np.nanargmin(e)]) if np.any(np.isfinite(e)) else math.nan
            for m, e in errors.items()}
    return StepSweep(grid, errors, best, _scalar_or_array(target))


def _sweep_error(line: _Line, h: float, method: str, target: np.ndarray) -> float:
    exact = h if method == "complex-step" else line.exact(h)
    if not exact > 0:
        return math.nan
    try:
        value, _ = _estimate(line, exact, method, with_error=False)
    except ValueError:
        return math.nan
    return float(np.max(np.abs(value - target)))


