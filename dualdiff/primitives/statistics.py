"""Statistics, all composites of the table's entries (no calculus of their own).

* ``var`` is numpy's two-pass formula, Σ(a - mean)² / (N - ddof), from sum,
  subtraction and multiplication; ``std`` its square root. Where the variance
  is exactly zero (a constant slice) std has a kink (it is a norm of the
  deviations); its derivative there is the subgradient 0 in every mode and
  order (JAX gives NaN), built as a ``where`` whose selected branch is the
  constant 0.
* ``average`` is sum(a·w)/sum(w), differentiable in the weights too.
* ``median`` selects the middle order statistic(s) by a sort of the values
  (no derivative in the choice) and takes them as weighted sums; entries tied
  with a middle value share its derivative equally, as for max.
* ``trace`` is an einsum over the (offset) diagonal; ``nansum`` and
  ``nanmean`` mask NaN entries out with ``where`` (they contribute nothing and
  have derivative 0); ``ptp`` is max - min.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..core import lift, ndim, primal, shape
from .arithmetic import add, div, mul, sub
from .contractions import einsum
from .elementary import sqrt
from .keywords import NoValue, float_dtype, given, no_out
from .reductions import amax, amin, mean, reduce_axes, sum
from .structural import broadcast_to, getitem, moveaxis, normalize_axes, reshape, transpose
from .structural import where as select

__all__ = ["var", "std", "average", "median", "nansum", "nanmean", "ptp"]
# ``trace`` is not exported as ``dualdiff.trace``: that name is the evaluation-trace module.
# It answers ``np.trace`` and ``x.trace()`` on dualdiff values.


def _keep(keepdims: Any) -> bool:
    return bool(keepdims) if given(keepdims) else False


def _mask(function: str, where: Any, s: tuple) -> np.ndarray | None:
    """numpy's ``where=`` mask broadcast to the input's shape (None when it selects everything)."""
    if not given(where) or where is True:
        return None
    m = np.asarray(primal(where), dtype=bool)
    try:
        return np.broadcast_to(m, s)
    except ValueError:
        raise ValueError(f"{function}: the where= mask of shape {m.shape} does not broadcast to "
                         f"the input's shape {s}") from None


def _count(s: tuple, axis: tuple | None, mask: np.ndarray | None, keepdims: bool) -> Any:
    """Entries per reduced slice: a float, or an array when a mask makes slices differ."""
    if mask is None:
        return float(math.prod(s) if axis is None else math.prod(s[k] for k in axis))
    count = np.sum(mask, axis=axis, keepdims=keepdims).astype(np.float64)
    return float(count) if count.ndim == 0 else count


# ---------------------------------------------------------------------------
# var and std
# ---------------------------------------------------------------------------

def _variance(function: str, a: Any, axis: Any, dtype: Any, out: Any, ddof: Any, keepdims: Any,
              where: Any, mean: Any, correction: Any) -> Any:
    no_out(function, out)
    float_dtype(function, dtype)
    if given(correction):
        if ddof != 0:
            raise ValueError("ddof and correction can't be provided simultaneously.")
        ddof = correction
    a = lift(a)
    s = shape(a)
    ax = reduce_axes(axis, len(s), function)
    keep = _keep(keepdims)
    mask = _mask(function, where, s)
    masked = {} if mask is None else {"where": mask}
    dof = np.maximum(_count(s, ax, mask, keep) - ddof, 0.0)
    if np.any(dof <= 0):
        warnings.warn("Degrees of freedom <= 0 for slice", RuntimeWarning, stacklevel=3)
    if given(mean):
        centre = mean
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            centre = div(sum(a, axis=ax, keepdims=True, **masked), _count(s, ax, mask, True))
    d = sub(a, centre)
    with np.errstate(invalid="ignore", divide="ignore"):
        return div(sum(mul(d, d), axis=ax, keepdims=keep, **masked), dof)


def var(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: Any = 0,
        keepdims: Any = NoValue, *, where: Any = NoValue, mean: Any = NoValue,
        correction: Any = NoValue) -> Any:
    """numpy.var: Σ(a - mean)² / (N - ddof) over ``axis`` (numpy's formula, as composites).

    ``where=`` restricts every slice to the masked entries; ``mean=`` (numpy 2) uses the given
    mean, with keepdims shape, instead of computing it (its own derivative flows);
    ``correction=`` is the array API's name for ``ddof``; ``dtype`` must be a float type.
    N - ddof ≤ 0 warns and divides by 0, as numpy.
    """
    return _variance("numpy.var", a, axis, dtype, out, ddof, keepdims, where, mean, correction)


def std(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: Any = 0,
        keepdims: Any = NoValue, *, where: Any = NoValue, mean: Any = NoValue,
        correction: Any = NoValue) -> Any:
    """numpy.std: the square root of :func:`var` (same keywords).

    Where the variance is exactly 0 the value is 0 and the derivative is the subgradient 0 (in
    every mode and order; √ would give 0/0 = NaN there).
    """
    v = _variance("numpy.std", a, axis, dtype, out, ddof, keepdims, where, mean, correction)
    zero = primal(v) == 0.0
    if not np.any(zero):
        return sqrt(v)
    return select(zero, 0.0, sqrt(select(zero, 1.0, v)))


# ---------------------------------------------------------------------------
# average and median
# ---------------------------------------------------------------------------

def average(a: Any, axis: Any = None, weights: Any = None, returned: bool = False, *,
            keepdims: Any = NoValue) -> Any:
    """numpy.average: sum(a·w)/sum(w) over ``axis``, differentiable in ``a`` and ``weights``.

    ``weights`` has a's shape, or the shape of a along ``axis`` (as numpy); weights summing to
    zero raise ZeroDivisionError, as numpy. ``returned=True`` also gives the sum of weights
    (the count without weights), broadcast to the average's shape.
    """
    a = lift(a)
    s = shape(a)
    ax = None if axis is None else normalize_axes(axis, len(s), "numpy.average")
    keep = _keep(keepdims)
    if weights is None:
        avg = mean(a, axis=ax, keepdims=keep)
        scale: Any = float(math.prod(s) / max(math.prod(shape(avg)), 1))
    else:
        w = lift(weights)
        if shape(w) != s:
            if ax is None:
                raise TypeError("Axis must be specified when shapes of a and weights differ.")
            if shape(w) != tuple(s[k] for k in ax):
                raise ValueError("Shape of weights must be consistent with shape of a along "
                                 "specified axis.")
            w = reshape(transpose(w, tuple(np.argsort(ax))),
                        tuple(n if k in ax else 1 for k, n in enumerate(s)))
        scale = sum(w, axis=ax, keepdims=keep)
        if np.any(primal(scale) == 0.0):
            raise ZeroDivisionError("Weights sum to zero, can't be normalized")
        avg = div(sum(mul(a, w), axis=ax, keepdims=keep), scale)
    if not returned:
        return avg
    if shape(scale) != shape(avg):
        scale = broadcast_to(scale, shape(avg))
    return avg, scale


def median(a: Any, axis: Any = None, out: Any = None, overwrite_input: bool = False,
           keepdims: bool = False) -> Any:
    """numpy.median over ``axis`` (an int, a tuple or None); even counts average the two middle
    values.

    The middle values are found on the numbers (a partition: no derivative in the choice) and
    taken back from ``a`` as weighted sums: entries equal to a middle value share its
    derivative equally (as for max). A slice containing NaN gives NaN (as numpy) with
    derivative 0; an empty slice gives NaN. ``overwrite_input`` is honoured trivially: the
    input is never modified.
    """
    no_out("numpy.median", out)
    a = lift(a)
    s = shape(a)
    nd = len(s)
    ax = tuple(range(nd)) if axis is None else tuple(sorted(normalize_axes(axis, nd,
                                                                            "numpy.median")))
    kept = tuple(1 if k in ax else n for k, n in enumerate(s))
    result_shape = kept if keepdims else tuple(n for k, n in enumerate(s) if k not in ax)
    n = math.prod(s[k] for k in ax)
    if n == 0:
        warnings.warn("Mean of empty slice", RuntimeWarning, stacklevel=2)
        return float("nan") if not result_shape else np.full(result_shape, np.nan)
    px = np.asarray(primal(a))
    rest = [k for k in range(nd) if k not in ax]
    flat = np.transpose(px, rest + list(ax)).reshape(tuple(s[k] for k in rest) + (n,))
    middle = sorted({(n - 1) // 2, n // 2})
    part = np.partition(flat, middle, axis=-1)
    has_nan = np.isnan(flat).any(axis=-1).reshape(kept)
    picks = []
    for k in middle:
        v = part[..., k].reshape(kept)
        hits = px == v
        weights = hits / np.maximum(np.sum(hits, axis=ax, keepdims=True), 1)
        picks.append(sum(mul(select(hits, a, 0.0), weights), axis=ax, keepdims=True))
    m = picks[0] if len(picks) == 1 else mul(0.5, add(picks[0], picks[1]))
    if np.any(has_nan):
        m = select(has_nan, np.nan, m)
    return reshape(m, result_shape)


# ---------------------------------------------------------------------------
# trace, NaN-ignoring reductions, ptp
# ---------------------------------------------------------------------------

def trace(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None,
          out: Any = None) -> Any:
    """numpy.trace: the sum along the ``offset`` diagonal of the (axis1, axis2) planes, as an
    einsum ``...ii->...`` of the slice that starts the diagonal at the corner."""
    no_out("numpy.trace", out)
    float_dtype("numpy.trace", dtype)
    nd = ndim(a)
    if nd < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    (i,), (j,) = normalize_axes(axis1, nd, "numpy.trace"), normalize_axes(axis2, nd, "numpy.trace")
    if i == j:
        raise ValueError("axis1 and axis2 cannot be the same")
    moved = moveaxis(a, (i, j), (-2, -1))
    rows, cols = shape(moved)[-2:]
    offset = int(offset)
    r0, c0 = max(-offset, 0), max(offset, 0)
    k = max(0, min(rows - r0, cols - c0))
    block = getitem(moved, (Ellipsis, slice(r0, r0 + k), slice(c0, c0 + k)))
    return einsum("...ii->...", block)


def nansum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: Any = NoValue,
           initial: Any = NoValue, where: Any = NoValue) -> Any:
    """numpy.nansum: NaN entries count as 0 (their derivative is 0); numpy.sum's keywords."""
    no_out("numpy.nansum", out)
    float_dtype("numpy.nansum", dtype)
    a = lift(a)
    nan = np.isnan(primal(a))
    if np.any(nan):
        a = select(nan, 0.0, a)
    return sum(a, axis=axis, keepdims=keepdims, initial=initial, where=where)


def nanmean(a: Any, axis: Any = None, dtype: Any = None, out: Any = None,
            keepdims: Any = NoValue, *, where: Any = NoValue) -> Any:
    """numpy.nanmean: the mean of the non-NaN entries (NaN entries have derivative 0).

    A slice with no such entry gives NaN with derivative 0 and numpy's warning.
    """
    no_out("numpy.nanmean", out)
    float_dtype("numpy.nanmean", dtype)
    a = lift(a)
    s = shape(a)
    keep = _keep(keepdims)
    ax = reduce_axes(axis, len(s), "numpy.nanmean")
    mask = ~np.isnan(np.asarray(primal(a)))
    given_mask = _mask("numpy.nanmean", where, s)
    if given_mask is not None:
        mask = mask & given_mask
    total = sum(a, axis=ax, keepdims=keep, where=mask)
    count = _count(s, ax, mask, keep)
    empty = np.asarray(count) == 0
    if not np.any(empty):
        return div(total, count)
    warnings.warn("Mean of empty slice", RuntimeWarning, stacklevel=2)
    return select(empty, np.nan, div(total, np.where(empty, 1.0, count)))


def ptp(a: Any, axis: Any = None, out: Any = None, keepdims: Any = NoValue) -> Any:
    """numpy.ptp: max - min over ``axis`` (ties share each derivative equally)."""
    no_out("numpy.ptp", out)
    return sub(amax(a, axis=axis, keepdims=keepdims), amin(a, axis=axis, keepdims=keepdims))


NUMPY_FUNCTIONS = {np.var: var, np.std: std, np.average: average, np.median: median,
                   np.trace: trace, np.nansum: nansum, np.nanmean: nanmean, np.ptp: ptp}
"""numpy functions answered by the composites above."""

METHODS = {"var": var, "std": std, "trace": trace}
"""ndarray-style methods (numpy 2 has no ndarray.ptp)."""
