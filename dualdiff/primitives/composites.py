"""Composite functions: built from the entries of the table, with no calculus of their own.

Their derivatives follow from the entries they are made of, so each one is
correct the moment its pieces are: ``clip`` is ``minimum(maximum(x, lo), hi)``,
``logsumexp`` is a max-shifted ``log(sum(exp(x - m)))`` whose shift is a
constant, ``softmax`` is ``exp(log_softmax(x))``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import ndim, primal, shape
from .arithmetic import mul
from .contractions import tensordot
from .elementary import exp, log
from .keywords import NoValue, check_ufunc_keywords, given, no_out
from .matrices import matmul
from .piecewise import maximum, minimum
from .reductions import reduce_axes, sum
from .structural import reshape

__all__ = ["dot", "clip", "logsumexp", "log_softmax", "softmax", "stop_gradient"]


def dot(a: Any, b: Any, out: Any = None) -> Any:
    """numpy.dot: a product with a scalar, a matrix product for 1-D and 2-D operands, and above
    two dimensions a tensordot over a's last axis and b's second-to-last (its only one if 1-D)."""
    no_out("numpy.dot", out)
    if ndim(a) == 0 or ndim(b) == 0:
        return mul(a, b)
    if ndim(a) <= 2 and ndim(b) <= 2:
        return matmul(a, b)
    return tensordot(a, b, axes=([-1], [-2 if ndim(b) > 1 else -1]))


def clip(a: Any, a_min: Any = NoValue, a_max: Any = NoValue, out: Any = None, *,
         min: Any = NoValue, max: Any = NoValue, **kwargs: Any) -> Any:  # noqa: A002
    """numpy.clip as minimum(maximum(x, lo), hi): derivative 1 inside, 0 outside, 0.5 at a bound.

    ``min``/``max`` are numpy 2's names for ``a_min``/``a_max``; either bound may be None.
    """
    no_out("numpy.clip", out)
    check_ufunc_keywords("numpy.clip", kwargs)
    if given(min):
        if given(a_min):
            raise ValueError("clip: give a_min or min, not both")
        a_min = min
    if given(max):
        if given(a_max):
            raise ValueError("clip: give a_max or max, not both")
        a_max = max
    lo = None if not given(a_min) else a_min
    hi = None if not given(a_max) else a_max
    if lo is not None:
        a = maximum(a, lo)
    return a if hi is None else minimum(a, hi)


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """log Σ exp(x), stable: the max shift is a constant, so the derivative is exactly softmax."""
    ax = reduce_axes(axis, ndim(x), "logsumexp")
    m = np.max(primal(x), axis=ax, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    s = log(sum(exp(x - m), axis=ax, keepdims=True)) + m
    if keepdims:
        return s
    out_shape = tuple(n for k, n in enumerate(shape(x)) if ax is not None and k not in ax)
    return reshape(s, out_shape) if ax is not None else reshape(s, ())


def log_softmax(x: Any, axis: int = -1) -> Any:
    """x - logsumexp(x): stable log-probabilities."""
    return x - logsumexp(x, axis=axis, keepdims=True)


def softmax(x: Any, axis: int = -1) -> Any:
    """exp(log_softmax(x)): stable probabilities along ``axis``."""
    return exp(log_softmax(x, axis=axis))


def stop_gradient(x: Any) -> Any:
    """The value of ``x`` with every derivative removed (a constant for all levels)."""
    return primal(x)


NUMPY_FUNCTIONS = {np.dot: dot, np.clip: clip}
"""numpy functions answered by the composites above (the entries declare their own)."""

METHODS = {"dot": dot, "clip": clip}
"""ndarray-style methods (the box first)."""
