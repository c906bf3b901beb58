"""Indices, comparisons and fresh arrays: numpy functions whose results carry no derivative.

An index, a count, a boolean or an array of fresh zeros does not depend
smoothly on the values it was computed from, so given dualdiff values these
functions return numpy's own result on the plain values (``x[np.argmax(x)]``
then indexes the box). Their keywords are numpy's and are passed through:
they only shape a plain result. The one exception is ``full_like`` with a
dualdiff fill value, whose derivative is kept (a broadcast of the fill value).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Box, primal
from ..core import shape as shape_of
from .keywords import NoValue, float_dtype, refusal
from .structural import broadcast_to

__all__ = ["argmax", "argmin", "argsort", "nonzero", "flatnonzero", "argwhere", "searchsorted",
           "count_nonzero", "zeros_like", "ones_like", "empty_like", "full_like", "isclose",
           "allclose", "array_equal", "array_equiv"]


def argmax(a: Any, axis: Any = None, out: Any = None, *, keepdims: Any = NoValue) -> Any:
    """numpy.argmax of the value (ties: the first, as numpy)."""
    return np.argmax(primal(a), axis=axis, out=out, keepdims=keepdims)


def argmin(a: Any, axis: Any = None, out: Any = None, *, keepdims: Any = NoValue) -> Any:
    """numpy.argmin of the value (ties: the first, as numpy)."""
    return np.argmin(primal(a), axis=axis, out=out, keepdims=keepdims)


def argsort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None, *,
            stable: Any = None) -> Any:
    """numpy.argsort of the value."""
    return np.argsort(primal(a), axis=axis, kind=kind, order=order, stable=stable)


def nonzero(a: Any) -> tuple:
    """numpy.nonzero of the value: a tuple of index arrays."""
    return np.nonzero(primal(a))


def flatnonzero(a: Any) -> np.ndarray:
    """numpy.flatnonzero of the value."""
    return np.flatnonzero(primal(a))


def argwhere(a: Any) -> np.ndarray:
    """numpy.argwhere of the value."""
    return np.argwhere(primal(a))


def searchsorted(a: Any, v: Any, side: str = "left", sorter: Any = None) -> Any:
    """numpy.searchsorted on the values (positions: no derivative)."""
    return np.searchsorted(primal(a), primal(v), side=side, sorter=sorter)


def count_nonzero(a: Any, axis: Any = None, *, keepdims: bool = False) -> Any:
    """numpy.count_nonzero of the value."""
    return np.count_nonzero(primal(a), axis=axis, keepdims=keepdims)


def zeros_like(a: Any, dtype: Any = None, order: str = "K", subok: bool = True,
               shape: Any = None, *, device: Any = None) -> np.ndarray:
    """numpy.zeros_like: a plain array of zeros with the value's shape (or ``shape``)."""
    return np.zeros_like(primal(a), dtype=dtype, order=order, subok=subok, shape=shape,
                         device=device)


def ones_like(a: Any, dtype: Any = None, order: str = "K", subok: bool = True,
              shape: Any = None, *, device: Any = None) -> np.ndarray:
    """numpy.ones_like: a plain array of ones with the value's shape (or ``shape``)."""
    return np.ones_like(primal(a), dtype=dtype, order=order, subok=subok, shape=shape,
                        device=device)


def empty_like(prototype: Any, /, dtype: Any = None, order: str = "K", subok: bool = True,
               shape: Any = None, *, device: Any = None) -> np.ndarray:
    """numpy.empty_like: a plain uninitialised array with the value's shape (or ``shape``).

    Writing a dualdiff value into it (``out[0] = box``) is refused by the box,
    since a numpy array cannot hold a derivative: build the result with
    ``dualdiff.array`` or ``dualdiff.stack`` instead.
    """
    return np.empty_like(primal(prototype), dtype=dtype, order=order, subok=subok, shape=shape,
                         device=device)


def full_like(a: Any, fill_value: Any, dtype: Any = None, order: str = "K", subok: bool = True,
              shape: Any = None, *, device: Any = None) -> Any:
    """numpy.full_like; a dualdiff ``fill_value`` keeps its derivative.

    With a plain fill value the result is numpy's plain array. A dualdiff fill
    value is broadcast to the shape (its derivative summed back in reverse
    mode); then ``dtype`` must be a float type (computed in float64), since an
    integer array would truncate the value and cannot hold a derivative.
    """
    if not isinstance(fill_value, Box):
        return np.full_like(primal(a), fill_value, dtype=dtype, order=order, subok=subok,
                            shape=shape, device=device)
    float_dtype("numpy.full_like", dtype)
    if device not in (None, "cpu"):
        raise ValueError(f"full_like: unsupported device {device!r}")
    if order not in ("K", "A", "C", "F", None):
        raise ValueError(f"full_like: order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")
    target = shape_of(a) if shape is None else (
        (int(shape),) if np.ndim(shape) == 0 else tuple(int(n) for n in shape))
    return broadcast_to(fill_value, target)


def isclose(a: Any, b: Any, rtol: Any = 1e-05, atol: Any = 1e-08,
            equal_nan: bool = False) -> Any:
    """numpy.isclose on the values."""
    return np.isclose(primal(a), primal(b), rtol=primal(rtol), atol=primal(atol),
                      equal_nan=equal_nan)


def allclose(a: Any, b: Any, rtol: Any = 1e-05, atol: Any = 1e-08,
             equal_nan: bool = False) -> bool:
    """numpy.allclose on the values."""
    return np.allclose(primal(a), primal(b), rtol=primal(rtol), atol=primal(atol),
                       equal_nan=equal_nan)


def array_equal(a1: Any, a2: Any, equal_nan: bool = False) -> bool:
    """numpy.array_equal on the values."""
    return np.array_equal(primal(a1), primal(a2), equal_nan=equal_nan)


def array_equiv(a1: Any, a2: Any) -> bool:
    """numpy.array_equiv on the values."""
    return np.array_equiv(primal(a1), primal(a2))


def _astype(self: Any, dtype: Any, order: str = "K", casting: str = "unsafe", subok: bool = True,
            copy: bool = True) -> Any:
    """``x.astype(float)``: float dtypes keep the value (computed in float64); others refused.

    float32 and float16 are promoted to float64 like every input; an integer,
    boolean or complex dtype would truncate the value or break the derivative.
    ``casting`` is checked as numpy checks it (float64 to float32 is not a
    'safe' cast); ``order``, ``subok`` and ``copy`` only concern memory, and a
    dualdiff value is never modified in place.
    """
    target = np.dtype(dtype)
    if target.kind != "f":
        raise refusal("ndarray.astype", "dtype",
                      f"dtype={dtype!r} would truncate or change the values and has no "
                      "derivative; keep float64 (x.astype(float)) or take "
                      "dualdiff.primal(x).astype(...) where no derivative is needed")
    if not np.can_cast(np.float64, target, casting=casting):
        raise TypeError(f"Cannot cast array data from dtype('float64') to {target!r} according "
                        f"to the rule {casting!r}")
    if order not in ("K", "A", "C", "F", None):
        raise ValueError(f"astype: order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")
    return self


def _argmax_method(self: Any, axis: Any = None, out: Any = None, *, keepdims: bool = False) -> Any:
    return argmax(self, axis, out, keepdims=keepdims)


def _argmin_method(self: Any, axis: Any = None, out: Any = None, *, keepdims: bool = False) -> Any:
    return argmin(self, axis, out, keepdims=keepdims)


def _argsort_method(self: Any, axis: Any = -1, kind: Any = None, order: Any = None, *,
                    stable: Any = None) -> Any:
    return argsort(self, axis, kind, order, stable=stable)


def _searchsorted_method(self: Any, v: Any, side: str = "left", sorter: Any = None) -> Any:
    return searchsorted(self, v, side, sorter)


NUMPY_FUNCTIONS = {np.argmax: argmax, np.argmin: argmin, np.argsort: argsort,
                   np.nonzero: nonzero, np.flatnonzero: flatnonzero, np.argwhere: argwhere,
                   np.searchsorted: searchsorted, np.count_nonzero: count_nonzero,
                   np.zeros_like: zeros_like, np.ones_like: ones_like,
                   np.empty_like: empty_like, np.full_like: full_like, np.isclose: isclose,
                   np.allclose: allclose, np.array_equal: array_equal,
                   np.array_equiv: array_equiv}
"""numpy functions answered by the functions above."""

METHODS = {"argmax": _argmax_method, "argmin": _argmin_method, "argsort": _argsort_method,
           "nonzero": nonzero, "searchsorted": _searchsorted_method, "astype": _astype}
"""ndarray-style methods (the box first)."""
