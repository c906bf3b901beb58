"""Building arrays from dualdiff values: ``array`` (nested lists), ``linspace``, ``logspace``.

``np.array([x, y])`` cannot be intercepted (numpy's constructor has no
dispatch protocol), and a box refuses to become a plain array because the
derivative would be lost; :func:`array` is the differentiable replacement. It
is built from ``stack`` (no calculus of its own): each list level whose
elements carry a derivative is one stack of its elements, and the parts with
no dualdiff value are converted by numpy once, as plain constants.
``linspace`` is affine in ``start`` and ``stop`` and ``logspace`` is ``base``
to the power of a linspace, both composed from the table's entries.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..core import Box, lift, ndim, primal, shape
from .elementary import pow
from .keywords import default_only, float_dtype, refusal
from .structural import expand_dims, moveaxis, normalize_axes, reshape, stack, where

__all__ = ["array", "linspace", "logspace"]

_ORDERS = ("K", "A", "C", "F", None)


def _plain_part(obj: Any) -> Any:
    """A (nested) sequence or number without dualdiff values, as a float64 array or float."""
    arr = np.asarray(obj)
    if arr.dtype.kind not in "biufc":
        raise TypeError(f"dualdiff.array: expected numbers, arrays and dualdiff values, got "
                        f"{obj!r:.60}")
    return lift(arr)


def _build(obj: Any) -> tuple[Any, bool]:
    """``(value, has_box)``: nested lists and tuples with dualdiff values become stacks.

    A part without dualdiff values is returned as it is (``has_box`` False) and
    converted once by the first enclosing level that does hold one.
    """
    if isinstance(obj, Box):
        return obj, True
    if not isinstance(obj, (list, tuple)):
        return obj, False
    parts = [_build(item) for item in obj]
    if not any(has for _, has in parts):
        return obj, False
    items = [value if has else _plain_part(value) for value, has in parts]
    shapes = {shape(item) for item in items}
    if len(shapes) > 1:
        raise ValueError("setting an array element with a sequence: the nested elements have "
                         f"different shapes {sorted(shapes)} (inhomogeneous, as in numpy)")
    return stack(items), True


def array(object: Any, dtype: Any = None, *, copy: Any = True, order: Any = "K",  # noqa: A002
          subok: bool = False, ndmin: int = 0, ndmax: int = 0, like: Any = None) -> Any:
    """numpy.array for dualdiff values: any nesting of lists and tuples of floats, ints,
    arrays and dualdiff values (of any levels) becomes one differentiable array.

    The derivative of each element flows to its place (``stack`` underneath);
    plain parts stay plain, and a result without any dualdiff value is a plain
    float64 array. ``dtype`` must be a float type (dualdiff computes in float64):
    use ``np.array`` for integer or boolean arrays. ``copy=False`` raises, as in
    numpy, where a copy cannot be avoided (building from a list). ``order`` and
    ``subok`` concern memory only; ``ndmin`` prepends axes; ``ndmax`` limits the
    nesting depth as in numpy (deeper nesting is an error: an object array cannot
    be differentiated). ``like`` must be None.
    """
    float_dtype("dualdiff.array", dtype)
    default_only("dualdiff.array", "like", like, None,
                 "dualdiff.array builds float64 arrays and dualdiff values; leave like out")
    if order not in _ORDERS:
        raise ValueError(f"dualdiff.array: order must be one of 'C', 'F', 'A', or 'K' "
                         f"(got {order!r})")
    ndmin = operator.index(ndmin)
    ndmax = operator.index(ndmax)
    value, has_box = _build(object)
    if not has_box:
        out = np.array(object, copy=copy, order=order, ndmin=ndmin)
        if out.dtype != np.float64:
            if copy is False:
                raise ValueError("Unable to avoid copy while creating an array as requested.")
            out = _plain_part(out)
            out = np.array(out, ndmin=ndmin) if np.ndim(out) < ndmin else np.asarray(out)
        if ndmax and out.ndim > max(ndmax, ndmin):
            raise ValueError(f"dualdiff.array: the nesting has {out.ndim} levels, more than "
                             f"ndmax={ndmax} (numpy would need dtype=object)")
        return out
    if copy is False and not isinstance(object, Box):
        raise ValueError("Unable to avoid copy while creating an array as requested.")
    if ndmax and ndim(value) > ndmax:
        raise ValueError(f"dualdiff.array: the nesting has {ndim(value)} levels, more than "
                         f"ndmax={ndmax} (numpy would need dtype=object)")
    if ndim(value) < ndmin:
        value = reshape(value, (1,) * (ndmin - ndim(value)) + shape(value))
    return value


def _lifted(value: Any) -> Any:
    return value if isinstance(value, Box) else lift(value)


def _check_device(function: str, device: Any) -> None:
    if device not in (None, "cpu"):
        raise ValueError(f"{function}: device must be None or 'cpu', not {device!r}")


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, retstep: bool = False,
             dtype: Any = None, axis: int = 0, *, device: Any = None) -> Any:
    """numpy.linspace, differentiable in ``start`` and ``stop`` (array-valued too).

    Affine in both: ``start + k·(stop - start)/div``, with the last sample
    exactly ``stop`` when ``endpoint`` (its derivative is then that of
    ``stop`` alone). ``retstep=True`` also returns the step, a dualdiff value.
    ``dtype`` must be a float type: integer samples would be floored and carry
    no derivative.
    """
    num = operator.index(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    if dtype is not None and np.dtype(dtype).kind != "f":
        raise refusal("numpy.linspace", "dtype",
                      f"dtype={dtype!r} would floor the samples and drop the derivative; leave "
                      "dtype out (dualdiff computes in float64)")
    _check_device("numpy.linspace", device)
    start, stop = _lifted(start), _lifted(stop)
    div = (num - 1) if endpoint else num
    delta = stop - start
    nd = ndim(delta)
    k = np.arange(num, dtype=np.float64).reshape((-1,) + (1,) * nd)
    if div > 0:
        step = delta / float(div)
        if np.any(primal(step) == 0):
            y = (k / div) * delta
        else:
            y = k * step
    else:
        step = np.nan
        y = k * delta
    y = y + start
    if endpoint and num > 1:
        last = np.zeros((num,) + (1,) * nd, dtype=bool)
        last[-1] = True
        y = where(last, stop, y)
    (axis,) = normalize_axes(axis, ndim(y), "numpy.linspace")
    if axis != 0:
        y = moveaxis(y, 0, axis)
    return (y, step) if retstep else y


def logspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: Any = 10.0,
             dtype: Any = None, axis: int = 0) -> Any:
    """numpy.logspace: ``base ** linspace(start, stop)``, differentiable in all three."""
    if dtype is not None and np.dtype(dtype).kind != "f":
        raise refusal("numpy.logspace", "dtype",
                      f"dtype={dtype!r} would truncate the samples and drop the derivative; "
                      "leave dtype out (dualdiff computes in float64)")
    start, stop, base = _lifted(start), _lifted(stop), _lifted(base)
    nd = max(ndim(start), ndim(stop), ndim(base))
    start, stop, base = (reshape(v, (1,) * (nd - ndim(v)) + shape(v)) if ndim(v) < nd else v
                         for v in (start, stop, base))
    y = linspace(start, stop, num=num, endpoint=endpoint, axis=axis)
    if ndim(base) > 0:
        base = expand_dims(base, axis)
    return pow(base, y)


NUMPY_FUNCTIONS = {np.linspace: linspace, np.logspace: logspace}
"""numpy functions answered by the functions above (``np.array`` has no dispatch)."""
