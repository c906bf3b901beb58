"""Structural entries: reshaping, transposing, broadcasting, indexing, joining, selecting.

All of them are linear, so each gives a JVP (the operation applied to the
tangent; with a batch of directions, to a tangent with a leading axis) and its
transpose as the VJP. The public functions take numpy's signatures and honour
or refuse each keyword (:mod:`.keywords`).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..core import F64, Box, bind, ndim, primal, shape
from .keywords import NoValue, default_only, float_dtype, given, no_out
from .registry import align_batched, linear, samples_in, unbroadcast, variadic

__all__ = ["reshape", "transpose", "moveaxis", "swapaxes", "broadcast_to", "expand_dims",
           "squeeze", "getitem", "scatter_add", "concatenate", "stack", "where"]


AxisError = getattr(np, "exceptions", np).AxisError


def normalize_axes(axis: Any, nd: int, function: str = "axis") -> tuple[int, ...]:
    """An int or a sequence of ints as non-negative axes of an ``nd``-dim array (order kept)."""
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -nd <= a < nd:
            raise AxisError(a, nd)
        out.append(a % nd)
    if len(set(out)) != len(out):
        raise ValueError(f"{function}: repeated axis in {axis!r}")
    return tuple(out)


def batch_size(t: Any) -> int:
    return shape(t)[0]


# ---------------------------------------------------------------------------
# reshape
# ---------------------------------------------------------------------------

def reshape(a: Any, /, shape: Any = None, order: str = "C", *, copy: Any = None) -> Any:
    """numpy.reshape: one ``-1`` allowed; ``order`` 'C', 'F' or 'A' (as numpy)."""
    if shape is None:
        raise TypeError("reshape() missing the new shape")
    new = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(n) for n in shape)
    if order not in ("C", "F", "A"):
        raise ValueError(f"reshape: order must be 'C', 'F' or 'A', not {order!r}")
    old = _shape_of(a)
    if -1 in new:
        new = np.empty(old, dtype=bool).reshape(new).shape
    if order == "A":
        p = primal(a)
        order = "F" if isinstance(p, np.ndarray) and np.isfortran(p) else "C"
    if order == "F" and sum(n > 1 for n in old) <= 1 and sum(n > 1 for n in new) <= 1:
        order = "C"  # one non-trivial axis: both orders read the entries the same way
    if old == new:
        return a
    if type(a) is np.ndarray and a.dtype is F64:  # plain array: what evaluate would do, directly
        out = a.reshape(new, order=order)
        return float(out) if out.ndim == 0 else out
    return bind(_reshape, (a,), {"shape": new, "order": order})


def _shape_of(a: Any) -> tuple:
    return shape(a) if not isinstance(a, (list, tuple)) else np.shape(a)


def _reshape_tangent(t, p, batched):
    if not batched:
        return reshape(t, p["shape"], order=p["order"])
    if p["order"] == "C":
        return reshape(t, shape(t)[:1] + p["shape"])
    # F order: with the batch axis last it is the slowest-varying one, so each
    # direction's block reshapes on its own.
    moved = moveaxis(t, 0, -1)
    return moveaxis(reshape(moved, p["shape"] + shape(t)[:1], order="F"), -1, 0)


_reshape = linear(
    "reshape", lambda x, shape, order: np.reshape(x, shape, order=order),
    [lambda t, out, args, p, batched: _reshape_tangent(t, p, batched)],
    [lambda g, out, args, p: reshape(g, shape(args[0]), order=p["order"])],
    reshape, doc="linear: reshape the tangent (same order); the transpose reshapes back",
    samples=samples_in((2, 3)), sample_call=lambda x: reshape(x, (3, 2)), numpy=[np.reshape])


# ---------------------------------------------------------------------------
# transpose and friends
# ---------------------------------------------------------------------------

def transpose(a: Any, axes: Sequence[int] | None = None) -> Any:
    """numpy.transpose (``axes`` default: reversed)."""
    nd = ndim(a)
    axes = tuple(reversed(range(nd))) if axes is None else normalize_axes(axes, nd, "transpose")
    if len(axes) != nd:
        raise ValueError("transpose: axes don't match array")
    if axes == tuple(range(nd)):
        return a
    if type(a) is np.ndarray and a.dtype is F64:
        return a.transpose(axes)
    return bind(_transpose, (a,), {"axes": axes})


_transpose = linear(
    "transpose", lambda x, axes: np.transpose(x, axes),
    [lambda t, out, args, p, batched: transpose(
        t, (0,) + tuple(a + 1 for a in p["axes"]) if batched else p["axes"])],
    [lambda g, out, args, p: transpose(g, tuple(np.argsort(p["axes"])))],
    transpose, doc="linear: transpose the tangent; the transpose applies the inverse permutation",
    samples=samples_in((2, 3)), numpy=[np.transpose])


def moveaxis(a: Any, source: Any, destination: Any) -> Any:
    """numpy.moveaxis (ints or sequences), built on transpose."""
    nd = ndim(a)
    src = normalize_axes(source, nd, "moveaxis")
    dst = normalize_axes(destination, nd, "moveaxis")
    if len(src) != len(dst):
        raise ValueError("moveaxis: `source` and `destination` must have the same number of elements")
    order = [k for k in range(nd) if k not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return transpose(a, order)


def swapaxes(a: Any, axis1: int, axis2: int) -> Any:
    """numpy.swapaxes, built on transpose."""
    nd = ndim(a)
    (i,), (j,) = normalize_axes(axis1, nd, "swapaxes"), normalize_axes(axis2, nd, "swapaxes")
    order = list(range(nd))
    order[i], order[j] = order[j], order[i]
    return transpose(a, order)


def expand_dims(a: Any, axis: Any) -> Any:
    """numpy.expand_dims (int or tuple of axes), via reshape."""
    s = shape(a)
    nd = len(s) + (1 if isinstance(axis, (int, np.integer)) else len(tuple(axis)))
    axes = normalize_axes(axis, nd, "expand_dims")
    it = iter(s)
    return reshape(a, tuple(1 if k in axes else next(it) for k in range(nd)))


def squeeze(a: Any, axis: Any = None) -> Any:
    """numpy.squeeze via reshape; squeezing an axis that is not of length 1 is an error."""
    s = shape(a)
    if axis is None:
        return reshape(a, tuple(n for n in s if n != 1))
    axes = normalize_axes(axis, len(s), "squeeze")
    for k in axes:
        if s[k] != 1:
            raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
    return reshape(a, tuple(n for k, n in enumerate(s) if k not in axes))


# ---------------------------------------------------------------------------
# broadcast_to
# ---------------------------------------------------------------------------

def broadcast_to(array: Any, shape: Any, subok: bool = False) -> Any:
    """numpy.broadcast_to (a real copy is never made; the transpose sums back).

    ``subok`` has no effect: dualdiff values are never ndarray subclasses.
    """
    new = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(n) for n in shape)
    if _shape_of(array) == new:
        return array
    return bind(_broadcast_to, (array,), {"shape": new})


def _broadcast_to_jvp(t, out, args, p, batched):
    if not batched:
        return broadcast_to(t, p["shape"])
    t = align_batched(t, ndim(args[0]), len(p["shape"]))
    return broadcast_to(t, shape(t)[:1] + p["shape"])


_broadcast_to = linear(
    "broadcast_to", lambda x, shape: np.broadcast_to(x, shape), [_broadcast_to_jvp],
    [lambda g, out, args, p: unbroadcast(g, shape(args[0]))], broadcast_to,
    doc="linear: broadcast the tangent; the transpose sums over the broadcast axes",
    samples=samples_in((3, 1)), sample_call=lambda x: broadcast_to(x, (2, 3, 4)),
    numpy=[np.broadcast_to])


# ---------------------------------------------------------------------------
# Indexing and its transpose
# ---------------------------------------------------------------------------

def _as_index(idx: Any) -> tuple:
    idx = idx if isinstance(idx, tuple) else (idx,)
    out = []
    for i in idx:
        if isinstance(i, list) or hasattr(i, "_level"):
            i = np.asarray(primal(i))
        if isinstance(i, np.ndarray) and i.dtype.kind == "f":
            raise IndexError("arrays used as indices must be of integer (or boolean) type")
        out.append(i)
    return tuple(out)


def getitem(x: Any, idx: Any) -> Any:
    """``x[idx]``: integers, slices, ``None``, ``...``, integer and boolean arrays."""
    return bind(_getitem, (x,), {"index": _as_index(idx), "shape": shape(x)})


def _getitem_impl(x, index, shape):
    # a 0-d value is a Python float, which cannot be indexed; numpy allows x[None], x[...]
    out = (x if isinstance(x, np.ndarray) else np.asarray(x))[index]
    return float(out) if type(out) is not np.ndarray else out


def _advanced_axes_in_front(index: tuple) -> int:
    """How many leading result axes numpy's advanced indices take when it moves them to the front.

    numpy keeps the axes of adjacent advanced indices in place but moves them
    to the front when a slice separates them (``x[0, :, [1, 2]]``). Prefixing
    a batch slice then puts them *before* the batch axis; batched rules move
    them back. 0 when nothing moves.
    """
    arrays = [i for i in index if isinstance(i, np.ndarray)]
    if not arrays:
        return 0  # basic indexing: nothing moves
    advanced = [isinstance(i, np.ndarray) or (isinstance(i, (int, np.integer))
                                              and not isinstance(i, bool)) for i in index]
    where_ = [k for k, a in enumerate(advanced) if a]
    if where_ == list(range(where_[0], where_[-1] + 1)):
        return 0  # adjacent advanced indices keep their place
    shapes = [(int(a.sum()),) if a.dtype == bool else a.shape for a in arrays]
    return len(np.broadcast_shapes(*shapes))


def _getitem_jvp(t, out, args, p, batched):
    if not batched:
        return getitem(t, p["index"])
    r = getitem(t, (slice(None),) + p["index"])
    front = _advanced_axes_in_front(p["index"])
    return moveaxis(r, front, 0) if front else r


def _scatter_add_jvp(t, out, args, p, batched):
    if not batched:
        return scatter_add(t, p["index"], p["shape"])
    front = _advanced_axes_in_front(p["index"])
    if front:
        t = moveaxis(t, 0, front)
    return scatter_add(t, (slice(None),) + p["index"], shape(t)[front:front + 1] + p["shape"]
                       if front else shape(t)[:1] + p["shape"])


_getitem = linear(
    "getitem", _getitem_impl, [_getitem_jvp],
    [lambda g, out, args, p: scatter_add(g, p["index"], p["shape"])],
    getitem, doc="linear: index the tangent; the transpose scatters (adds) back into zeros",
    samples=samples_in((4, 3)),
    sample_call=lambda x: getitem(x, (slice(1, 4), np.array([0, 2, 0]))))


def _is_basic_index(index: tuple) -> bool:
    return all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis for i in index)


def _scatter_add_impl(g, index, shape):
    z = np.zeros(shape)
    if _is_basic_index(index):
        z[index] = g
    else:
        np.add.at(z, index, g)
    return z


def scatter_add(g: Any, index: tuple, target_shape: tuple) -> Any:
    """zeros(target_shape) with ``g`` added at ``index`` (repeated indices accumulate)."""
    return bind(_scatter_add, (g,), {"index": _as_index(index), "shape": tuple(target_shape)})


_scatter_add = linear(
    "scatter_add", _scatter_add_impl, [_scatter_add_jvp],
    [lambda g, out, args, p: getitem(g, p["index"])],
    scatter_add, doc="linear: the transpose of indexing",
    samples=samples_in((3,)), sample_call=lambda g: scatter_add(g, (np.array([0, 2, 0]),), (4,)))


# ---------------------------------------------------------------------------
# Joining: concatenate and stack take any number of arguments
# ---------------------------------------------------------------------------

def _filled(tangents: Sequence[Any], args: Sequence[Any], batched: bool) -> list:
    """Tangents with zeros (batched like the others) for the constant arguments."""
    if not batched:
        return [t if t is not None else np.zeros(shape(a)) for t, a in zip(tangents, args)]
    k = next(shape(t)[0] for t in tangents if t is not None)
    return [t if t is not None else np.zeros((k,) + shape(a)) for t, a in zip(tangents, args)]


def _join_keywords(function: str, out: Any, dtype: Any, casting: Any) -> None:
    no_out(function, out)
    float_dtype(function, dtype)
    default_only(function, "casting", casting, "same_kind",
                 "dualdiff values are float64 throughout; leave casting out")


def concatenate(arrays: Sequence[Any], /, axis: Any = 0, out: Any = None, *, dtype: Any = None,
                casting: str = "same_kind") -> Any:
    """numpy.concatenate; ``axis=None`` flattens the arrays first."""
    _join_keywords("numpy.concatenate", out, dtype, casting)
    xs = tuple(arrays)
    if not xs:
        raise ValueError("need at least one array to concatenate")
    if axis is None:
        xs = tuple(reshape(x, (-1,)) for x in xs)
        axis = 0
    if ndim(xs[0]) == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    (axis,) = normalize_axes(axis, ndim(xs[0]), "concatenate")
    return bind(_concatenate, xs, {"axis": axis})


def _concat_jvp(tangents, out, args, p, batched):
    return concatenate(_filled(tangents, args, batched), axis=p["axis"] + batched)


def _concat_transpose_at(i: int):
    def vjp(g, out, args, p):
        axis = p["axis"]
        start = sum(shape(a)[axis] for a in args[:i])
        return getitem(g, (slice(None),) * axis + (slice(start, start + shape(args[i])[axis]),))
    return vjp


_concatenate = variadic(
    "concatenate", lambda *xs, axis: np.concatenate(xs, axis=axis), _concat_jvp,
    _concat_transpose_at, concatenate,
    doc="linear: concatenate the tangents; the transpose slices the pieces back",
    samples=lambda rng: (rng.normal(size=(2, 3)), rng.normal(size=(1, 3))),
    sample_call=lambda *xs: concatenate(xs), numpy=[np.concatenate])


def stack(arrays: Sequence[Any], axis: int = 0, out: Any = None, *, dtype: Any = None,
          casting: str = "same_kind") -> Any:
    """numpy.stack of a sequence of same-shape arrays or scalars."""
    _join_keywords("numpy.stack", out, dtype, casting)
    xs = tuple(arrays)
    if not xs:
        raise ValueError("need at least one array to stack")
    if len({shape(x) for x in xs}) > 1:
        raise ValueError("all input arrays must have the same shape")
    (axis,) = normalize_axes(axis, ndim(xs[0]) + 1, "stack")
    return bind(_stack, xs, {"axis": axis})


def _stack_jvp(tangents, out, args, p, batched):
    return stack(_filled(tangents, args, batched), axis=p["axis"] + batched)


def _stack_transpose_at(i: int):
    def vjp(g, out, args, p):
        return getitem(g, (slice(None),) * p["axis"] + (i,))
    return vjp


_stack = variadic(
    "stack", lambda *xs, axis: np.stack(xs, axis=axis), _stack_jvp, _stack_transpose_at, stack,
    doc="linear: stack the tangents; the transpose takes each slice back",
    samples=lambda rng: (rng.normal(size=(3,)), rng.normal(size=(3,))),
    sample_call=lambda *xs: stack(xs, axis=1), numpy=[np.stack])


# ---------------------------------------------------------------------------
# where: selection, differentiable in both branches, never in the condition
# ---------------------------------------------------------------------------

def _where_impl(a, b, cond):
    out = np.where(cond, a, b)
    return float(out) if type(out) is np.ndarray and out.ndim == 0 else out


def _where_jvp(select_a: bool):
    def jvp(t, out, args, params, batched):
        if batched:
            t = align_batched(t, ndim(args[0 if select_a else 1]), ndim(out))
        cond = params["cond"]
        return where(cond, t, 0.0) if select_a else where(cond, 0.0, t)
    return jvp


def _where_vjp(select_a: bool):
    def vjp(g, out, args, params):
        cond = params["cond"]
        c = where(cond, g, 0.0) if select_a else where(cond, 0.0, g)
        return unbroadcast(c, shape(args[0 if select_a else 1]))
    return vjp


def where(condition: Any, x: Any = NoValue, y: Any = NoValue, /) -> Any:
    """``x`` where ``condition`` else ``y`` (numpy.where), differentiable in ``x`` and ``y``.

    The derivative flows only through the selected branch; because the
    unselected branch's tangent is replaced, not multiplied by 0, a NaN there
    cannot poison the result (no "double where" needed). With the condition
    alone, the indices of its true entries (numpy.nonzero: no derivative).
    """
    if not given(x) and not given(y):
        return np.nonzero(np.asarray(primal(condition)))
    if not given(x) or not given(y):
        raise ValueError("either both or neither of x and y should be given")
    c = primal(condition)
    if isinstance(c, Box):  # a traced condition (dualdiff.jit): plain numpy semantics, recorded
        if not isinstance(x, Box) and not isinstance(y, Box):
            return np.where(c, x, y)
    elif type(c) is not bool:
        c = np.asarray(c, dtype=bool)
        if c.ndim == 0:
            c = bool(c)
    if type(c) is bool and shape(x) == shape(y):
        return x if c else y  # nothing to select elementwise (and symbolic values stay symbolic)
    return bind(_where, (x, y), {"cond": c})


_where = linear("where", _where_impl, [_where_jvp(True), _where_jvp(False)],
                [_where_vjp(True), _where_vjp(False)], where,
                samples=lambda rng: (rng.normal(size=(3, 4)), rng.normal(size=(4,))),
                sample_call=lambda a, b: where(primal(a) > 0.0, a, b),
                doc="the tangent of the selected branch; the condition has no derivative",
                numpy=[np.where])


def _reshape_method(self: Any, *shape: Any, order: str = "C", copy: Any = None) -> Any:
    """``x.reshape(2, 3)`` or ``x.reshape((2, 3))``, as ndarray.reshape."""
    return reshape(self, shape[0] if len(shape) == 1 else shape, order=order, copy=copy)


def _transpose_method(self: Any, *axes: Any) -> Any:
    """``x.transpose(1, 0)`` or ``x.transpose((1, 0))``, as ndarray.transpose."""
    return transpose(self, axes[0] if len(axes) == 1 else (axes or None))


def _item_method(self: Any, *args: Any) -> Any:
    raise TypeError("ndarray.item() returns a plain number and would drop the derivative; "
                    "index instead (x[i] or x[()]) to keep it")


METHODS = {"reshape": _reshape_method, "item": _item_method, "transpose": _transpose_method, "squeeze": squeeze,
           "swapaxes": swapaxes, "T": property(lambda self: transpose(self))}
"""ndarray-style methods (the box first)."""

def _shape(a: Any) -> tuple:
    """numpy.shape of a dualdiff value: a plain tuple (no derivative)."""
    return shape(a)


def _ndim(a: Any) -> int:
    """numpy.ndim of a dualdiff value."""
    return ndim(a)


def _size(a: Any, axis: Any = None) -> int:
    """numpy.size of a dualdiff value, over all axes or the given ones."""
    s = shape(a)
    if axis is None:
        return int(np.prod(s, dtype=np.int64))
    return int(np.prod([s[k] for k in normalize_axes(axis, len(s), "numpy.size")], dtype=np.int64))


NUMPY_FUNCTIONS = {np.shape: _shape, np.ndim: _ndim, np.size: _size, np.moveaxis: moveaxis, np.swapaxes: swapaxes, np.expand_dims: expand_dims,
                   np.squeeze: squeeze}
"""numpy functions answered by the composites above (the entries declare their own)."""
