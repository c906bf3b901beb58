"""Reductions: sum (linear), max, min and prod (nonlinear), and mean built on sum.

The public functions take numpy's signatures. ``axis`` (int, tuple or None) and
``keepdims`` are parameters of the entries; ``where=`` and ``initial=`` are
honoured by composing with the table (``where`` masks the input with the
reduction's identity, ``initial`` joins the result), so they need no rule of
their own.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core import bind, ndim, primal, shape
from .arithmetic import mul
from .keywords import NoValue, float_dtype, given, no_out
from .piecewise import maximum, minimum
from .registry import linear, nonlinear, samples_in
from .structural import broadcast_to, normalize_axes, reshape, transpose, where

__all__ = ["sum", "max", "min", "prod", "mean", "amax", "amin"]


def reduce_axes(axis: Any, nd: int, function: str) -> tuple | None:
    """numpy's ``axis`` as a sorted tuple of non-negative axes (None: every axis)."""
    if axis is None:
        return None
    return tuple(sorted(normalize_axes(axis, nd, function))) if nd else ()


def shift_axes(axis: tuple | None, nd: int, batched: bool) -> tuple | None:
    """The same reduction applied to a batched tangent: skip the leading batch axis."""
    if not batched:
        return axis
    if axis is None:
        return tuple(range(1, nd + 1))
    return tuple(a + 1 for a in axis)


def expand_reduced(g: Any, xshape: tuple, axis: tuple | None, keepdims: bool) -> Any:
    """Broadcast a reduction's cotangent back to the input shape."""
    if type(g) is float:
        # A scalar seed (the usual loss): small arrays are cheaper to fill than to view through
        # np.broadcast_to (a Python-level function); large ones are not worth allocating.
        return np.full(xshape, g) if math.prod(xshape) <= 4096 else np.broadcast_to(g, xshape)
    if not keepdims:
        kept = tuple(1 if (axis is None or k in axis) else n for k, n in enumerate(xshape))
        g = reshape(g, kept)
    return broadcast_to(g, xshape)


def _masked(function: str, a: Any, mask: Any, identity: float) -> Any:
    """``a`` with the entries outside numpy's ``where=`` mask replaced by the identity."""
    if not given(mask) or mask is True:
        return a
    m = np.asarray(primal(mask), dtype=bool)
    try:
        m = np.broadcast_to(m, shape(a))
    except ValueError:
        raise ValueError(f"{function}: the where= mask of shape {m.shape} does not broadcast to "
                         f"the input's shape {shape(a)}") from None
    return where(m, a, identity)


def _keepdims(keepdims: Any) -> bool:
    return bool(keepdims) if given(keepdims) else False


# ---------------------------------------------------------------------------
# sum and mean
# ---------------------------------------------------------------------------

def sum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None,  # noqa: A001
        keepdims: Any = NoValue, initial: Any = NoValue, where: Any = NoValue) -> Any:
    """numpy.sum; ``where=`` masks entries out, ``initial=`` is added to the result."""
    no_out("numpy.sum", out)
    float_dtype("numpy.sum", dtype)
    a = _masked("numpy.sum", a, where, 0.0)
    result = bind(_sum, (a,), {"axis": reduce_axes(axis, ndim(a), "numpy.sum"),
                              "keepdims": _keepdims(keepdims)})
    return result + initial if given(initial) else result


_sum = linear(
    "sum", lambda x, axis, keepdims: np.add.reduce(x, axis=axis, keepdims=keepdims),
    [lambda t, out, args, p, batched: sum(t, shift_axes(p["axis"], ndim(args[0]), batched),
                                          keepdims=p["keepdims"])],
    [lambda g, out, args, p: expand_reduced(g, shape(args[0]), p["axis"], p["keepdims"])],
    sum, doc="linear: sum the tangent; the transpose broadcasts the cotangent back",
    samples=samples_in((3, 4), low=0.5), sample_call=lambda x: sum(x, axis=1), numpy=[np.sum])


def _count(s: tuple, axis: tuple | None) -> int:
    return math.prod(s) if axis is None else math.prod(s[a] for a in axis)


def mean(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: Any = NoValue, *,
         where: Any = NoValue) -> Any:
    """numpy.mean, as sum / count (no new calculus); ``where=`` averages the masked entries."""
    no_out("numpy.mean", out)
    float_dtype("numpy.mean", dtype)
    nd = ndim(a)
    ax = reduce_axes(axis, nd, "numpy.mean")
    total = sum(a, axis=ax, keepdims=keepdims, where=where)
    if given(where) and where is not True:
        m = np.broadcast_to(np.asarray(primal(where), dtype=bool), shape(a))
        count = np.sum(m, axis=ax, keepdims=_keepdims(keepdims)).astype(np.float64)
        return total / (float(count) if np.ndim(count) == 0 else count)
    return total / float(_count(shape(a), ax))


# ---------------------------------------------------------------------------
# max and min: the derivative goes to the extremum, shared equally between ties
# ---------------------------------------------------------------------------

def _tie_weights(x: Any, out: Any, axis: tuple | None, keepdims: bool) -> np.ndarray:
    """Where x attains the max/min, weight 1/(number of ties); elsewhere 0 (a constant)."""
    px, po = primal(x), primal(out)
    if not keepdims:
        po = np.reshape(po, tuple(1 if (axis is None or k in axis) else n
                                  for k, n in enumerate(np.shape(px))))
    hits = (px == po).astype(np.float64)
    return hits / np.sum(hits, axis=axis, keepdims=True)


def _extremum(name: str, impl: Any, pairwise: Any, identity: float):
    function = f"numpy.{name}"

    def public(a: Any, axis: Any = None, out: Any = None, keepdims: Any = NoValue,
               initial: Any = NoValue, where: Any = NoValue) -> Any:
        no_out(function, out)
        if given(where) and where is not True and not given(initial):
            raise ValueError(f"{function}: a where= mask needs initial= (the reduction has no "
                             "identity), as in numpy")
        a = _masked(function, a, where, identity)
        ax = reduce_axes(axis, ndim(a), function)
        keep = _keepdims(keepdims)
        if _count(shape(a), ax) == 0:
            if not given(initial):
                raise ValueError(f"zero-size array to reduction operation {name} which has no "
                                 "identity")
            return impl(np.zeros(shape(a)), axis=ax, keepdims=keep, initial=primal(initial))
        result = bind(prim, (a,), {"axis": ax, "keepdims": keep})
        return pairwise(result, initial) if given(initial) else result

    def jvp(t, out, args, p, batched):
        w = _tie_weights(args[0], out, p["axis"], p["keepdims"])
        return sum(mul(w, t), shift_axes(p["axis"], ndim(args[0]), batched),
                   keepdims=p["keepdims"])

    def vjp(g, out, args, p):
        w = _tie_weights(args[0], out, p["axis"], p["keepdims"])
        return mul(w, expand_reduced(g, shape(args[0]), p["axis"], p["keepdims"]))

    public.__name__ = public.__qualname__ = name
    public.__doc__ = (f"numpy.{name} over ``axis``; ties share the derivative equally; "
                      "``initial=`` joins the result, ``where=`` masks entries out.")
    prim = nonlinear(name, lambda x, axis, keepdims: impl(x, axis=axis, keepdims=keepdims),
                     [jvp], [vjp], public,
                     doc="1 at the extremum, shared equally between ties (maxout over pieces)",
                     samples=samples_in((3, 4), low=0.5), sample_call=lambda x: public(x, axis=1),
                     numpy=[getattr(np, name), getattr(np, "a" + name)])
    return public


max = _extremum("max", np.max, maximum, -math.inf)  # noqa: A001
min = _extremum("min", np.min, minimum, math.inf)  # noqa: A001
amax, amin = max, min


# ---------------------------------------------------------------------------
# prod: exact even where entries are zero
# ---------------------------------------------------------------------------

def _prod_others(x: Any, axis: tuple | None) -> Any:
    """∏_{j≠i} x_j along ``axis``, exact even with zeros (differentiable: built from primitives)."""
    nd = ndim(x)
    axes = tuple(range(nd)) if axis is None else axis
    rest = [a for a in range(nd) if a not in axes]
    xt = transpose(x, rest + list(axes)) if nd else x
    lead = shape(xt)[:len(rest)]
    flat = reshape(xt, lead + (-1,))
    n = shape(flat)[-1]
    eye = np.eye(n, dtype=bool)
    others = prod(where(eye, 1.0, reshape(flat, lead + (1, n))), axis=-1)
    back = reshape(others, shape(xt))
    return transpose(back, tuple(np.argsort(rest + list(axes)))) if nd else back


def prod(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: Any = NoValue,
         initial: Any = NoValue, where: Any = NoValue) -> Any:
    """numpy.prod over ``axis``; exact derivative even where entries are zero."""
    no_out("numpy.prod", out)
    float_dtype("numpy.prod", dtype)
    a = _masked("numpy.prod", a, where, 1.0)
    result = bind(_prod, (a,), {"axis": reduce_axes(axis, ndim(a), "numpy.prod"),
                               "keepdims": _keepdims(keepdims)})
    return result * initial if given(initial) else result


def _prod_partial(x: Any, out: Any, axis: tuple | None, keepdims: bool) -> Any:
    if np.all(primal(x) != 0.0):
        return expand_reduced(out, shape(x), axis, keepdims) / x
    return _prod_others(x, axis)


_prod = nonlinear(
    "prod", lambda x, axis, keepdims: np.prod(x, axis=axis, keepdims=keepdims),
    [lambda t, out, args, p, batched: sum(
        _prod_partial(args[0], out, p["axis"], p["keepdims"]) * t,
        shift_axes(p["axis"], ndim(args[0]), batched), keepdims=p["keepdims"])],
    [lambda g, out, args, p: _prod_partial(args[0], out, p["axis"], p["keepdims"])
     * expand_reduced(g, shape(args[0]), p["axis"], p["keepdims"])],
    prod, doc="∏_{j≠i} x_j (out/x where no entry is zero, the exact exclusive product otherwise)",
    samples=samples_in((3, 4), low=0.5), sample_call=lambda x: prod(x, axis=1), numpy=[np.prod])


NUMPY_FUNCTIONS = {np.mean: mean}
"""numpy functions answered by the composites above (the entries declare their own)."""

METHODS = {"sum": sum, "mean": mean, "max": max, "min": min, "prod": prod}
"""ndarray-style methods (same signatures as numpy's, the box first)."""


def _ufunc_reduce(reduction: Any, function: str) -> Any:
    """``np.<ufunc>.reduce(box, axis=0, ...)``: numpy's defaults (axis 0), the table's reduction."""
    def reduce(array: Any, axis: Any = 0, dtype: Any = None, out: Any = None,
               keepdims: bool = False, initial: Any = NoValue, where: Any = True) -> Any:
        no_out(function, out)
        keywords = {"keepdims": keepdims, "initial": initial, "where": where}
        if reduction is max or reduction is min:
            float_dtype(function, dtype)
        else:
            keywords["dtype"] = dtype
        if where is True:
            del keywords["where"]
        return reduction(array, axis, **keywords)
    reduce.__name__ = reduce.__qualname__ = function
    return reduce


UFUNC_METHODS = {(np.add, "reduce"): _ufunc_reduce(sum, "numpy.add.reduce"),
                 (np.multiply, "reduce"): _ufunc_reduce(prod, "numpy.multiply.reduce"),
                 (np.maximum, "reduce"): _ufunc_reduce(max, "numpy.maximum.reduce"),
                 (np.minimum, "reduce"): _ufunc_reduce(min, "numpy.minimum.reduce")}
"""``ufunc.reduce`` of these is the table's reduction."""
