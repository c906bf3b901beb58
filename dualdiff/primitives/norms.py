"""Norms and condition numbers: numpy.linalg.norm, vector_norm, matrix_norm, cond.

One entry, the vector p-norm (Σ|x|^p)^(1/p) over some axes, carries the
2-norm, the Frobenius norm and every finite p ≠ 0, 1: its rule
∂‖x‖/∂x = sign(x)·(|x|/‖x‖)^(p-1) (x/‖x‖ for p = 2) is written so that at
x = 0 the derivative is 0, the subgradient JAX also picks, in every mode
(sqrt of a sum of squares would give NaN in reverse mode there). The other
orders are composites: p = 1 and ±inf from ``abs``, ``sum``, ``max``/``min``
(ties share the derivative equally, abs'(0) = 0); ord=0 counts the nonzero
entries (an integer count: a constant); the nuclear and spectral norms are
the sum, max and min of the singular values (``svdvals``); the matrix 1- and
inf-norms are max/min of column/row sums of ``abs``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core import Box, bind, ndim, primal, shape
from .decompositions import svdvals
from .elementary import pow
from .matrices import inv, is_box
from .piecewise import abs, sign
from .reductions import expand_reduced, max, min, shift_axes, sum
from .registry import nonlinear
from .structural import moveaxis, normalize_axes, reshape, stack, where

__all__ = ["norm", "vector_norm", "matrix_norm", "cond"]


def _as_value(x: Any) -> Any:
    """A list or tuple holding dualdiff values becomes one stacked value (as numpy's asarray)."""
    if isinstance(x, (list, tuple)) and _holds_box(x):
        return stack([_as_value(e) for e in x])
    return x


def _holds_box(x: Any) -> bool:
    if isinstance(x, Box):
        return True
    return isinstance(x, (list, tuple)) and any(_holds_box(e) for e in x)


# ---------------------------------------------------------------------------
# The p-norm entry
# ---------------------------------------------------------------------------

def _pnorm_impl(x, ord, axis, keepdims):
    if axis is None:  # numpy's own path for the 2-norm of everything: a dot product
        flat = np.ravel(x)
        out = np.sqrt(flat.dot(flat))
        return out.reshape((1,) * np.ndim(x)) if keepdims else out
    if ord == 2:
        return np.sqrt(np.add.reduce(x * x, axis=axis, keepdims=keepdims))
    with np.errstate(divide="ignore"):
        return np.add.reduce(np.abs(x) ** ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def _pnorm_weight(x: Any, out: Any, p: dict) -> Any:
    """∂‖x‖_p/∂x, shaped like x; 0 wherever the norm is 0."""
    full = expand_reduced(out, shape(x), p["axis"], p["keepdims"])
    pf = primal(full)
    zero = (pf if isinstance(pf, Box) else np.asarray(pf)) == 0.0  # a traced value stays traced
    safe = where(zero, 1.0, full) if np.any(zero) else full
    if p["ord"] == 2:
        w = x / safe
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            w = sign(x) * pow(abs(x) / safe, p["ord"] - 1.0)
    return where(zero, 0.0, w) if np.any(zero) else w


def _pnorm(x: Any, ord: float = 2.0, axis: tuple | None = None, keepdims: bool = False) -> Any:
    """(Σ|x|^ord)^(1/ord) over ``axis`` (normalised: a tuple, or None for every axis)."""
    return bind(_pnorm_entry, (x,), {"ord": ord, "axis": axis, "keepdims": keepdims})


_pnorm_entry = nonlinear(
    "norm", _pnorm_impl,
    [lambda t, out, args, p, batched: sum(
        _pnorm_weight(args[0], out, p) * t, axis=shift_axes(p["axis"], ndim(args[0]), batched),
        keepdims=p["keepdims"])],
    [lambda g, out, args, p: _pnorm_weight(args[0], out, p)
     * expand_reduced(g, shape(args[0]), p["axis"], p["keepdims"])],
    _pnorm,
    doc="(Σ|x|^p)^(1/p) over the axes (2-norm, Frobenius, any finite p ≠ 0, 1): derivative "
        "sign(x)(|x|/‖x‖)^(p-1) (x/‖x‖ for p = 2); at x = 0 the value and every derivative "
        "are 0 (the subgradient 0, as JAX); for p < 1 zero entries give NaN",
    samples=lambda rng: (rng.normal(size=(3, 4)),),
    sample_call=lambda x: _pnorm(x, 3.0, (1,), False))


# ---------------------------------------------------------------------------
# norm
# ---------------------------------------------------------------------------

def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A002
    """numpy.linalg.norm: vector norms (ord None/2, 1, ±inf, 0, any p) along one axis, matrix
    norms ('fro', 'nuc', ±1, ±2, ±inf) along two; the conventions are the module docstring's."""
    x = _as_value(x)
    if not is_box(x):
        return np.linalg.norm(np.asarray(x, dtype=float), ord, axis, keepdims)
    nd = ndim(x)
    keepdims = bool(keepdims)
    if axis is None:
        if ord is None or (ord in ("f", "fro") and nd == 2) or (ord == 2 and nd == 1):
            return _pnorm(x, 2.0, None, keepdims)
        axis = tuple(range(nd))
    elif not isinstance(axis, tuple):
        try:
            axis = (int(axis),)
        except Exception as err:
            raise TypeError("'axis' must be None, an integer or a tuple of integers") from err
    if len(axis) == 1:
        return _vector_norm(x, ord, normalize_axes(axis, nd, "norm"), keepdims)
    if len(axis) == 2:
        return _matrix_norm(x, ord, axis, keepdims)
    raise ValueError("Improper number of dimensions to norm.")


def _vector_norm(x: Any, ord: Any, axis: tuple, keepdims: bool) -> Any:
    if ord is None or ord == 2:
        return _pnorm(x, 2.0, axis, keepdims)
    if isinstance(ord, str):
        raise ValueError("Invalid norm order for vectors.")
    if ord == math.inf:
        return max(abs(x), axis=axis, keepdims=keepdims)
    if ord == -math.inf:
        return min(abs(x), axis=axis, keepdims=keepdims)
    if ord == 0:  # a count of nonzero entries: an integer, no derivative
        count = np.sum(primal(x) != 0, axis=axis, keepdims=keepdims).astype(np.float64)
        return float(count) if count.ndim == 0 else count
    if ord == 1:
        return sum(abs(x), axis=axis, keepdims=keepdims)
    return _pnorm(x, float(ord), axis, keepdims)


def _matrix_norm(x: Any, ord: Any, axis: tuple, keepdims: bool) -> Any:
    nd = ndim(x)
    row, col = (normalize_axes(a, nd, "norm")[0] for a in axis)
    if row == col:
        raise ValueError("Duplicate axes given.")
    if ord in (None, "fro", "f"):
        result = _pnorm(x, 2.0, tuple(sorted((row, col))), False)
    elif ord in (2, -2, "nuc"):
        s = svdvals(moveaxis(x, (row, col), (-2, -1)))
        result = sum(s, axis=-1) if ord == "nuc" else (max if ord == 2 else min)(s, axis=-1)
    elif ord in (1, -1):
        sums = sum(abs(x), axis=row)
        result = (max if ord == 1 else min)(sums, axis=col - (col > row))
    elif ord in (math.inf, -math.inf):
        sums = sum(abs(x), axis=col)
        result = (max if ord == math.inf else min)(sums, axis=row - (row > col))
    else:
        raise ValueError("Invalid norm order for matrices.")
    if keepdims:
        kept = list(shape(x))
        kept[row] = kept[col] = 1
        result = reshape(result, tuple(kept))
    return result


def vector_norm(x: Any, /, *, axis: Any = None, keepdims: bool = False, ord: Any = 2) -> Any:
    """numpy.linalg.vector_norm: ``norm`` of ``x`` flattened over ``axis`` (all by default)."""
    x = _as_value(x)
    s = shape(x)
    if axis is None:
        result = norm(reshape(x, (-1,)), ord=ord, axis=0)
        axes: tuple = tuple(range(len(s)))
    elif isinstance(axis, tuple):
        axes = normalize_axes(axis, len(s), "vector_norm")
        rest = [k for k in range(len(s)) if k not in axes]
        moved = moveaxis(x, axes, tuple(range(len(axes)))) if axes else x
        result = norm(reshape(moved, (math.prod(s[k] for k in axes),) + tuple(s[k] for k in rest)),
                      ord=ord, axis=0)
    else:
        axes = normalize_axes(axis, len(s), "vector_norm")
        result = norm(x, ord=ord, axis=axis)
    if keepdims:
        result = reshape(result, tuple(1 if k in axes else n for k, n in enumerate(s)))
    return result


def matrix_norm(x: Any, /, *, keepdims: bool = False, ord: Any = "fro") -> Any:
    """numpy.linalg.matrix_norm: ``norm`` over the last two axes."""
    return norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


def cond(x: Any, p: Any = None) -> Any:
    """numpy.linalg.cond: σ_max/σ_min for p None, 2 (σ_min/σ_max for -2), else
    norm(x, p)·norm(inv(x), p); built from svdvals, norm and inv. A singular
    matrix gives inf (as numpy) and no finite derivative."""
    if not is_box(x):
        return np.linalg.cond(np.asarray(x, dtype=float), p)
    if p is None or p in (2, -2):
        s = svdvals(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            top, bottom = s[..., 0], s[..., -1]
            return bottom / top if p == -2 else top / bottom
    return norm(x, p, axis=(-2, -1)) * norm(inv(x), p, axis=(-2, -1))


NUMPY_FUNCTIONS = {np.linalg.norm: norm, np.linalg.cond: cond}
"""numpy functions answered by the composites above."""
for _name, _fn in (("vector_norm", vector_norm), ("matrix_norm", matrix_norm)):
    if hasattr(np.linalg, _name):  # numpy >= 2
        NUMPY_FUNCTIONS[getattr(np.linalg, _name)] = _fn
