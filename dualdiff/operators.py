"""Python operators, ndarray-style methods and the numpy protocols for every box type.

:func:`install` wires, in one visible place, ``+ - * / ** @`` (and their
reflected forms), unary minus, ``abs`` and indexing onto
:class:`~dualdiff.core.Box`, so ``Dual``, the tape's ``Var`` and symbolic
values share them, then binds ``Dual`` and ``Var`` operators straight to the
entries' fast paths. ``__array_ufunc__`` and ``__array_function__`` route
``np.exp(d)``, ``np.sum(d, axis=0)``, ``A @ d`` and ``np.where(c, d, 0)`` to
the table (:func:`dualdiff.primitives.numpy_dispatch`, the only map from numpy
names to dualdiff functions) and refuse, by name, numpy functions that have no
derivative rule. Keywords are honoured or refused by the table's functions,
which take numpy's own signatures; ufunc keywords are judged by
:func:`~dualdiff.primitives.keywords.check_ufunc_keywords`.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable

import numpy as np

from . import primitives as P
from .core import Box, primal, refuse_unknown
from .dual import Dual
from .errors import PrecisionLossError
from .primitives.keywords import check_ufunc_keywords
from .tape import Var

_BINARY: dict[str, Callable] = {
    "add": P.add, "sub": P.sub, "mul": P.mul, "truediv": P.div, "pow": P.pow,
    "matmul": P.matmul, "mod": P.remainder, "floordiv": P.floor_divide,
}
_UNARY: dict[str, Callable] = {"neg": P.neg, "abs": P.abs}

_VALUE_ONLY = {np.greater, np.greater_equal, np.less, np.less_equal, np.equal, np.not_equal,
               np.isfinite, np.isnan, np.isinf, np.signbit, np.logical_and, np.logical_or,
               np.logical_not, np.logical_xor}
"""Ufuncs with boolean results: they act on the values (no derivative to carry)."""

_UFUNCS: dict[Any, Callable] = {}
_FUNCTIONS: dict[Any, Callable] = {}
_UFUNC_METHODS: dict[tuple[Any, str], Callable] = {}


def _reflected(fn: Callable) -> Callable:
    def method(self, other):
        return fn(other, self)
    return method


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    name = f"numpy.{ufunc.__name__}"
    if method != "__call__":
        handler = _UFUNC_METHODS.get((ufunc, method))
        if handler is None:
            raise refuse_unknown(ufunc, method)
        return handler(*inputs, **kwargs)
    if kwargs:
        # numpy decides first whether it accepts these keywords for these inputs (and raises
        # its own error if not); then each is honoured or refused by name.
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            ufunc(*(primal(x) for x in inputs), **{k: v for k, v in kwargs.items() if k != "out"})
        check_ufunc_keywords(name, kwargs)
    if ufunc in _VALUE_ONLY:
        return ufunc(*(primal(x) for x in inputs))
    fn = _UFUNCS.get(ufunc)
    if fn is None:
        raise refuse_unknown(ufunc)
    return fn(*inputs)


def _array_function(self, func, types, args, kwargs):
    fn = _FUNCTIONS.get(func)
    if fn is None:
        raise refuse_unknown(func)
    return fn(*args, **kwargs)


# ---------------------------------------------------------------------------
# ndarray-style methods: the table's functions with the box as first argument
# ---------------------------------------------------------------------------

def _python_round(self: Box, ndigits: int | None = None) -> Any:
    """``round(x)`` and ``round(x, n)``: numpy's round on the value (half to even, as Python's),
    derivative zero; the result stays a dualdiff value (a float, as JAX's round of an array)."""
    return P.round(self, 0 if ndigits is None else ndigits)


def _tolist(self: Box) -> Any:
    raise PrecisionLossError(
        f"tolist() of a {type(self).__name__} would return plain floats without their "
        "derivative; iterate over the value (list(x), for v in x) or index it (x[i]) to keep it")


def install() -> None:
    """Wire operators, methods and numpy dispatch onto :class:`Box` (called once at import)."""
    for func, fn in P.numpy_dispatch().items():
        (_UFUNCS if isinstance(func, np.ufunc) else _FUNCTIONS)[func] = fn
    _UFUNC_METHODS.update(P.ufunc_methods())
    for name, fn in _BINARY.items():
        setattr(Box, f"__{name}__", fn)
        setattr(Box, f"__r{name}__", _reflected(fn))
    for name, fn in _UNARY.items():
        setattr(Box, f"__{name}__", fn)
    Box.__pos__ = lambda self: self
    Box.__round__ = _python_round
    Box.__divmod__ = lambda self, other: (P.floor_divide(self, other), P.remainder(self, other))
    Box.__rdivmod__ = lambda self, other: (P.floor_divide(other, self), P.remainder(other, self))
    Box.tolist = _tolist
    Box.__getitem__ = P.getitem
    Box.__array_ufunc__ = _array_ufunc
    Box.__array_function__ = _array_function
    for name, fn in P.box_methods().items():
        setattr(Box, name, fn)
    for cls in (Dual, Var):
        for name, fn in _BINARY.items():
            handler = fn.primitive.fast.get(cls)
            if handler is not None:
                setattr(cls, f"__{name}__", handler)
                setattr(cls, f"__r{name}__", _reflected(handler))
        handler = P.neg.primitive.fast.get(cls)
        if handler is not None:
            cls.__neg__ = handler
