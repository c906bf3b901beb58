"""Python operators and the numpy protocols for every box type, generated from the table.

One visible loop (DESIGN §6.3) installs ``+ - * / ** @``, their reflected
forms, unary minus, ``abs`` and indexing on :class:`~dualdiff.core.Box`, so
``Dual``, the tape's ``Var`` and symbolic nodes all share them.
``__array_ufunc__`` and ``__array_function__`` route ``np.exp(d)``,
``np.sum(d)``, ``A @ d`` and ``np.where(c, d, 0)`` to the table and refuse,
by name, numpy functions that have no derivative rule.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from . import primitives as P
from .core import Box, primal, refuse_unknown

_BINARY: dict[str, Callable] = {
    "add": P.add, "sub": P.sub, "mul": P.mul, "truediv": P.div, "pow": P.pow_,
    "matmul": P.matmul,
}
_UNARY: dict[str, Callable] = {"neg": P.neg, "abs": P.abs_}

_COMPARISONS = {np.greater, np.greater_equal, np.less, np.less_equal, np.equal, np.not_equal,
                np.isfinite, np.isnan, np.isinf, np.signbit}


def _reflected(fn: Callable) -> Callable:
    def method(self, other):
        return fn(other, self)
    return method


def _install_operators(cls: type) -> None:
    for name, fn in _BINARY.items():
        setattr(cls, f"__{name}__", fn)
        setattr(cls, f"__r{name}__", _reflected(fn))
    for name, fn in _UNARY.items():
        setattr(cls, f"__{name}__", fn)
    cls.__pos__ = lambda self: self
    cls.__getitem__ = P.getitem


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    if method != "__call__":
        raise refuse_unknown(ufunc, method)
    if kwargs.get("out") is not None:
        raise TypeError(f"numpy.{ufunc.__name__}(..., out=...) cannot hold a dualdiff value")
    if ufunc in _COMPARISONS:
        return ufunc(*(primal(x) for x in inputs))
    fn = _UFUNCS.get(ufunc)
    if fn is None:
        raise refuse_unknown(ufunc)
    return fn(*inputs)


def _call_with_axis(fn: Callable) -> Callable:
    def call(a, axis=None, dtype=None, out=None, keepdims=False, **_):
        if out is not None:
            raise TypeError("out= cannot hold a dualdiff value")
        return fn(a, axis=axis, keepdims=keepdims)
    return call


def _array_function(self, func, types, args, kwargs):
    fn = _FUNCTIONS.get(func)
    if fn is None:
        raise refuse_unknown(func)
    return fn(*args, **kwargs)


def _methods(cls: type) -> None:
    """ndarray-style methods, so code written for arrays runs on boxes unchanged."""
    cls.__array_ufunc__ = _array_ufunc
    cls.__array_function__ = _array_function
    cls.sum = lambda self, axis=None, keepdims=False: P.sum_(self, axis, keepdims)
    cls.mean = lambda self, axis=None, keepdims=False: P.mean(self, axis, keepdims)
    cls.max = lambda self, axis=None, keepdims=False: P.max_(self, axis, keepdims)
    cls.min = lambda self, axis=None, keepdims=False: P.min_(self, axis, keepdims)
    cls.prod = lambda self, axis=None, keepdims=False: P.prod(self, axis, keepdims)
    cls.reshape = lambda self, *newshape: P.reshape(
        self, newshape[0] if len(newshape) == 1 else newshape)
    cls.transpose = lambda self, *axes: P.transpose(self, axes[0] if len(axes) == 1 else (axes or None))
    cls.T = property(lambda self: P.transpose(self))
    cls.dot = lambda self, other: P.dot(self, other)
    cls.exp = lambda self: P.exp(self)
    cls.log = lambda self: P.log(self)
    cls.sin = lambda self: P.sin(self)
    cls.cos = lambda self: P.cos(self)
    cls.tanh = lambda self: P.tanh(self)
    cls.sqrt = lambda self: P.sqrt(self)
    cls.clip = lambda self, lo=None, hi=None: P.clip(self, lo, hi)


_UFUNCS: dict[Any, Callable] = {}
_FUNCTIONS: dict[Any, Callable] = {}


def install() -> None:
    """Wire operators and numpy dispatch onto :class:`Box` (called once at import)."""
    dispatch = P.numpy_dispatch()
    _UFUNCS.update({k: v for k, v in dispatch.items() if isinstance(k, np.ufunc)})
    for func, fn in dispatch.items():
        if not isinstance(func, np.ufunc):
            _FUNCTIONS[func] = fn
    for func, fn in [(np.sum, P.sum_), (np.mean, P.mean), (np.max, P.max_), (np.amax, P.max_),
                     (np.min, P.min_), (np.amin, P.min_), (np.prod, P.prod)]:
        _FUNCTIONS[func] = _call_with_axis(fn)
    _FUNCTIONS[np.reshape] = lambda a, newshape=None, shape=None, **kw: P.reshape(
        a, newshape if newshape is not None else shape)
    _FUNCTIONS[np.where] = lambda cond, a, b: P.where(cond, a, b)
    _FUNCTIONS[np.shape] = lambda a: a.shape
    _FUNCTIONS[np.ndim] = lambda a: a.ndim
    _FUNCTIONS[np.size] = lambda a: a.size
    _install_operators(Box)
    _methods(Box)
    from .dual import Dual
    from .tape import Var
    for cls in (Dual, Var):
        _install_fast_operators(cls)


def _install_fast_operators(cls: type) -> None:
    """Bind a box type's operators straight to its specialised handlers (one call fewer per op)."""
    for name, fn in _BINARY.items():
        handler = fn.primitive.fast.get(cls)
        if handler is not None:
            setattr(cls, f"__{name}__", handler)
            setattr(cls, f"__r{name}__", _reflected(handler))
    handler = P.neg.primitive.fast.get(cls)
    if handler is not None:
        cls.__neg__ = handler
