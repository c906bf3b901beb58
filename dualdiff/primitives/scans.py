"""Scans: cumulative sums and products along an axis, and differences.

``cumsum`` is linear: its JVP is the cumsum of the tangent and its transpose
the reversed cumsum of the cotangent (flip, cumsum, flip).

``cumprod`` is exact where entries are zero because its rules never divide
by ``x``. Its tangent obeys the linear recurrence

    dy_k = x_k · dy_{k-1} + y_{k-1} · dx_k,

which is solved along the axis by a log-depth scan (Hillis–Steele doubling of
the affine maps z ↦ A·z + B: ⌈log₂ n⌉ whole-array products and sums); the
cotangent by the transposed recurrence c_j = g_j + x_{j+1} · c_{j+1}, run
backwards, times the exclusive products y_{j-1}. Both are built from the
table's entries, so they differentiate again.

``diff`` is repeated slicing and subtraction (``prepend``/``append`` joined
first, differentiable too); ``np.add.accumulate`` and
``np.multiply.accumulate`` are cumsum and cumprod with numpy's axis default 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import bind, lift, ndim, primal, shape
from .arithmetic import add, mul, sub
from .keywords import NoValue, float_dtype, given, no_out
from .registry import linear, nonlinear, samples_in
from .structural import broadcast_to, concatenate, getitem, normalize_axes, reshape

__all__ = ["cumsum", "cumprod", "diff", "gradient", "cumulative_sum", "cumulative_prod"]


def _along(axis: int, index: Any) -> tuple:
    return (slice(None),) * axis + (index,)


def _flip(x: Any, axis: int) -> Any:
    return getitem(x, _along(axis, slice(None, None, -1)))


def _shift(x: Any, s: int, axis: int, fill: float) -> Any:
    """x moved ``s`` places forward along ``axis``, the first ``s`` places set to ``fill``."""
    sx = shape(x)
    n = sx[axis]
    if s >= n:
        return np.full(sx, fill)
    pad = np.full(sx[:axis] + (s,) + sx[axis + 1:], fill)
    return concatenate([pad, getitem(x, _along(axis, slice(0, n - s)))], axis=axis)


def _scan_axis(function: str, a: Any, axis: Any) -> tuple[Any, int]:
    """numpy's cumsum/cumprod axis: None flattens; a 0-d input is a 1-element vector."""
    if axis is None or ndim(a) == 0:
        if axis is not None:
            normalize_axes(axis, 1, function)
        return reshape(a, (-1,)), 0
    (ax,) = normalize_axes(axis, ndim(a), function)
    return a, ax


# ---------------------------------------------------------------------------
# cumsum
# ---------------------------------------------------------------------------

def cumsum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
    """numpy.cumsum along ``axis`` (None: of the flattened input)."""
    no_out("numpy.cumsum", out)
    float_dtype("numpy.cumsum", dtype)
    a, ax = _scan_axis("numpy.cumsum", lift(a), axis)
    return bind(_cumsum, (a,), {"axis": ax})


_cumsum = linear(
    "cumsum", lambda x, axis: np.cumsum(x, axis=axis),
    [lambda t, out, args, p, batched: cumsum(t, axis=p["axis"] + batched)],
    [lambda g, out, args, p: _flip(cumsum(_flip(g, p["axis"]), axis=p["axis"]), p["axis"])],
    cumsum, doc="linear: cumsum the tangent; the transpose is the reversed cumsum",
    samples=samples_in((3, 4)), sample_call=lambda x: cumsum(x, axis=1), numpy=[np.cumsum])


# ---------------------------------------------------------------------------
# cumprod: no division, exact at zeros
# ---------------------------------------------------------------------------

def _linear_scan(a: Any, b: Any, axis: int) -> Any:
    """z_k = a_k · z_{k-1} + b_k along ``axis`` with z_{-1} = 0 (``a`` broadcasts against ``b``).

    Doubling: after the step of width s, place k holds the composition of the maps
    k-s+1..k, so ⌈log₂ n⌉ steps reach the start of the axis.
    """
    n = shape(b)[axis]
    s = 1
    while s < n:
        b = add(b, mul(a, _shift(b, s, axis, 0.0)))
        if 2 * s < n:
            a = mul(a, _shift(a, s, axis, 1.0))
        s *= 2
    return b


def cumprod(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
    """numpy.cumprod along ``axis`` (None: of the flattened input); exact derivatives at zeros."""
    no_out("numpy.cumprod", out)
    float_dtype("numpy.cumprod", dtype)
    a, ax = _scan_axis("numpy.cumprod", lift(a), axis)
    return bind(_cumprod, (a,), {"axis": ax})


def _cumprod_jvp(t, out, args, p, batched):
    x, ax = args[0], p["axis"]
    before = _shift(out, 1, ax, 1.0)  # y_{k-1}: the products before place k
    if batched:
        x = reshape(x, (1,) + shape(x))
        before = reshape(before, (1,) + shape(before))
        ax += 1
    return _linear_scan(x, mul(before, t), ax)


def _cumprod_vjp(g, out, args, p):
    x, ax = args[0], p["axis"]
    after = _shift(_flip(x, ax), 1, ax, 1.0)  # x_{j+1}, in reversed order
    c = _flip(_linear_scan(after, _flip(g, ax), ax), ax)
    return mul(_shift(out, 1, ax, 1.0), c)


_cumprod = nonlinear(
    "cumprod", lambda x, axis: np.cumprod(x, axis=axis), [_cumprod_jvp], [_cumprod_vjp], cumprod,
    doc="dy_k = x_k·dy_{k-1} + y_{k-1}·dx_k solved by a log-depth scan; the cotangent by the "
        "transposed recurrence; no division, so exact where entries are zero",
    samples=samples_in((3, 5)), sample_call=lambda x: cumprod(x, axis=1), numpy=[np.cumprod])


# ---------------------------------------------------------------------------
# numpy 2's cumulative_sum / cumulative_prod and the ufunc accumulate methods
# ---------------------------------------------------------------------------

def _cumulative(scan: Any, identity: float, function: str):
    def cumulative(x: Any, /, *, axis: Any = None, dtype: Any = None, out: Any = None,
                   include_initial: bool = False) -> Any:
        no_out(function, out)
        float_dtype(function, dtype)
        x = lift(x)
        if ndim(x) == 0:
            raise ValueError("The input must be at least 1-dimensional")
        if axis is None:
            if ndim(x) > 1:
                raise ValueError("For arrays which have more than one dimension ``axis`` "
                                 "argument is required.")
            axis = 0
        (ax,) = normalize_axes(axis, ndim(x), function)
        result = scan(x, axis=ax)
        if not include_initial:
            return result
        s = shape(x)
        return concatenate([np.full(s[:ax] + (1,) + s[ax + 1:], identity), result], axis=ax)
    cumulative.__name__ = cumulative.__qualname__ = function.rsplit(".", 1)[-1]
    cumulative.__doc__ = (f"{function}: the array API's scan ({scan.__name__} along ``axis``, "
                          "required above 1-D); ``include_initial`` starts with the identity.")
    return cumulative


cumulative_sum = _cumulative(cumsum, 0.0, "numpy.cumulative_sum")
cumulative_prod = _cumulative(cumprod, 1.0, "numpy.cumulative_prod")


def _accumulate(scan: Any, function: str):
    def accumulate(array: Any, axis: Any = 0, dtype: Any = None, out: Any = None) -> Any:
        no_out(function, out)
        float_dtype(function, dtype)
        array = lift(array)
        if ndim(array) == 0:
            raise TypeError("cannot accumulate on a scalar")
        if axis is None:
            if ndim(array) > 1:
                raise ValueError("accumulate does not allow multiple axes")
            axis = 0
        elif not isinstance(axis, (int, np.integer)):
            axes = tuple(axis)
            if len(axes) != 1:
                raise ValueError("accumulate does not allow multiple axes")
            axis = axes[0]
        return scan(array, axis=axis)
    accumulate.__name__ = accumulate.__qualname__ = function
    accumulate.__doc__ = f"{function}: {scan.__name__} with numpy's axis default 0."
    return accumulate


# ---------------------------------------------------------------------------
# diff
# ---------------------------------------------------------------------------

def _edge(value: Any, s: tuple, axis: int) -> Any:
    value = lift(value)
    if ndim(value) == 0:
        return broadcast_to(value, s[:axis] + (1,) + s[axis + 1:])
    return value


def diff(a: Any, n: int = 1, axis: int = -1, prepend: Any = NoValue,
         append: Any = NoValue) -> Any:
    """numpy.diff: the ``n``-th difference along ``axis`` by slicing and subtraction.

    ``prepend``/``append`` (scalars are broadcast to one slice) are joined first, so they are
    differentiated too.
    """
    if n == 0:
        return a
    if n < 0:
        raise ValueError("order must be non-negative but got " + repr(n))
    a = lift(a)
    nd = ndim(a)
    if nd == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    (ax,) = normalize_axes(axis, nd, "numpy.diff")
    pieces = []
    if given(prepend):
        pieces.append(_edge(prepend, shape(a), ax))
    pieces.append(a)
    if given(append):
        pieces.append(_edge(append, shape(a), ax))
    if len(pieces) > 1:
        a = concatenate(pieces, axis=ax)
    later, earlier = _along(ax, slice(1, None)), _along(ax, slice(None, -1))
    for _ in range(n):
        a = sub(getitem(a, later), getitem(a, earlier))
    return a


def _spacing(spacing: Any, n: int, function: str) -> Any:
    """numpy.gradient's spacing along one axis: a float, or the differences of coordinates."""
    spacing = np.asarray(primal(spacing), dtype=np.float64)
    if spacing.ndim == 0:
        return float(spacing)
    if spacing.ndim != 1 or len(spacing) != n:
        raise ValueError(f"{function}: coordinates must be one-dimensional with the length of "
                         "the axis")
    return np.diff(spacing)


def _gradient_along(f: Any, ax: int, h: Any, edge_order: int) -> Any:
    """Second-order central differences inside, one-sided differences of ``edge_order`` at the
    two ends (numpy.gradient's formulas, uniform or not); linear in ``f``."""
    def at(index: Any) -> Any:
        return getitem(f, _along(ax, index))

    def spaced(values: Any, count: int) -> Any:
        """A constant per position along the axis, shaped to broadcast against slices of f."""
        return np.reshape(values, (count,) + (1,) * (ndim(f) - ax - 1)) if np.ndim(values) else values

    n = shape(f)[ax]
    if type(h) is float:
        inside = (at(slice(2, None)) - at(slice(None, -2))) / (2.0 * h)
        if edge_order == 1:
            first = (at(slice(1, 2)) - at(slice(0, 1))) / h
            last = (at(slice(-1, None)) - at(slice(-2, -1))) / h
        else:
            first = (-1.5 * at(slice(0, 1)) + 2.0 * at(slice(1, 2)) - 0.5 * at(slice(2, 3))) / h
            last = (0.5 * at(slice(-3, -2)) - 2.0 * at(slice(-2, -1)) + 1.5 * at(slice(-1, None))) / h
    else:
        dx1, dx2 = h[:-1], h[1:]
        a = spaced(-dx2 / (dx1 * (dx1 + dx2)), n - 2)
        b = spaced((dx2 - dx1) / (dx1 * dx2), n - 2)
        c = spaced(dx1 / (dx2 * (dx1 + dx2)), n - 2)
        inside = a * at(slice(None, -2)) + b * at(slice(1, -1)) + c * at(slice(2, None))
        if edge_order == 1:
            first = (at(slice(1, 2)) - at(slice(0, 1))) / h[0]
            last = (at(slice(-1, None)) - at(slice(-2, -1))) / h[-1]
        else:
            d1, d2 = h[0], h[1]
            first = (-(2.0 * d1 + d2) / (d1 * (d1 + d2)) * at(slice(0, 1))
                     + (d1 + d2) / (d1 * d2) * at(slice(1, 2))
                     - d1 / (d2 * (d1 + d2)) * at(slice(2, 3)))
            d1, d2 = h[-2], h[-1]
            last = (d2 / (d1 * (d1 + d2)) * at(slice(-3, -2))
                    - (d2 + d1) / (d1 * d2) * at(slice(-2, -1))
                    + (2.0 * d2 + d1) / (d2 * (d1 + d2)) * at(slice(-1, None)))
    return concatenate([first, inside, last], axis=ax)


def gradient(f: Any, *varargs: Any, axis: Any = None, edge_order: int = 1) -> Any:
    """numpy.gradient: second-order accurate differences (built from slices, so linear in f).

    ``varargs`` are numpy's spacings: none (1.0), one scalar for every axis,
    or one scalar or coordinate array per axis (coordinates are constants, not
    differentiated). A list for several axes, one array for one, as numpy.
    """
    nd = ndim(f)
    axes = tuple(range(nd)) if axis is None else normalize_axes(axis, nd, "numpy.gradient")
    if edge_order not in (1, 2):
        raise ValueError("'edge_order' greater than 2 not supported")
    if len(varargs) == 0:
        spacings = [1.0] * len(axes)
    elif len(varargs) == 1 and np.ndim(primal(varargs[0])) == 0:
        spacings = [varargs[0]] * len(axes)
    elif len(varargs) == len(axes):
        spacings = list(varargs)
    else:
        raise TypeError("invalid number of arguments")
    results = []
    for ax, spacing in zip(axes, spacings):
        n = shape(f)[ax]
        if n < edge_order + 1:
            raise ValueError("Shape of array too small to calculate a numerical gradient, at "
                             "least (edge_order + 1) elements are required.")
        results.append(_gradient_along(f, ax, _spacing(spacing, n, "numpy.gradient"), edge_order))
    return results[0] if len(results) == 1 else results


NUMPY_FUNCTIONS = {np.diff: diff, np.gradient: gradient}
"""numpy functions answered by the composites above (the entries declare their own)."""
if hasattr(np, "cumulative_sum"):
    NUMPY_FUNCTIONS.update({np.cumulative_sum: cumulative_sum,
                            np.cumulative_prod: cumulative_prod})

METHODS = {"cumsum": cumsum, "cumprod": cumprod}
"""ndarray-style methods (numpy's signatures, the box first)."""

UFUNC_METHODS = {(np.add, "accumulate"): _accumulate(cumsum, "numpy.add.accumulate"),
                 (np.multiply, "accumulate"): _accumulate(cumprod, "numpy.multiply.accumulate")}
"""``np.add.accumulate`` is cumsum and ``np.multiply.accumulate`` cumprod (axis default 0)."""
