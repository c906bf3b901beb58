"""Selection: diagonals, triangles, ``select``, ``take`` and sorting.

No calculus of its own: each function is a composite of the structural
entries. Diagonals are a strided slice of the flattened matrix axes (a basic
index, so its transpose is a slice assignment, not an accumulation); triangles
and ``select`` are ``where`` with constant masks; ``take``, ``take_along_axis``,
``compress``, ``extract``, ``sort`` and ``partition`` are one gather whose
positions numpy computes on the primal (on integer positions, so every
argument form and error is numpy's). Sorting decides the order from the
primal values only; the derivative follows the entries to where they moved.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ..core import primal, shape
from .keywords import default_only, no_out
from .shaping import _one_axis, along, as_value, ravel
from .structural import (broadcast_to, getitem, moveaxis, normalize_axes, reshape, scatter_add,
                         where)

__all__ = ["diag", "diagonal", "diagflat", "make_diagonal", "tril", "triu", "select", "take",
           "take_along_axis", "sort", "partition", "compress", "extract"]


# ---------------------------------------------------------------------------
# Diagonals
# ---------------------------------------------------------------------------

def _diagonal_slice(n1: int, n2: int, offset: int) -> tuple[int, slice]:
    """(length, slice of the flattened (n1, n2) axes) of the diagonal ``offset``."""
    if offset >= 0:
        length, start = max(0, min(n1, n2 - offset)), offset
    else:
        length, start = max(0, min(n1 + offset, n2)), -offset * n2
    if length == 0:
        return 0, slice(0, 0)
    return length, slice(start, start + (length - 1) * (n2 + 1) + 1, n2 + 1)


def _two_axes(function: str, axis1: int, axis2: int, nd: int) -> tuple[int, int]:
    a1, a2 = (normalize_axes(int(a), nd, function)[0] for a in (axis1, axis2))
    if a1 == a2:
        raise ValueError("axis1 and axis2 cannot be the same")
    return a1, a2


def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """numpy.diagonal: the two axes move to the end, flatten into one, and a strided slice reads
    the diagonal (it becomes the last axis, as in numpy)."""
    a = as_value(a)
    s = shape(a)
    if len(s) < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    a1, a2 = _two_axes("numpy.diagonal", axis1, axis2, len(s))
    moved = moveaxis(a, (a1, a2), (-2, -1))
    lead = shape(moved)[:-2]
    n1, n2 = s[a1], s[a2]
    _, index = _diagonal_slice(n1, n2, int(offset))
    return getitem(reshape(moved, lead + (n1 * n2,)), (Ellipsis, index))


def make_diagonal(D: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:  # noqa: N803
    """The transpose of ``diagonal`` (autograd's ``make_diagonal``): a value whose diagonal
    ``offset`` over the new square axes ``axis1``, ``axis2`` (of length ``D.shape[-1] +
    |offset|``, as numpy.diag makes them) is the last axis of ``D``, zero elsewhere."""
    D = as_value(D)
    s = shape(D)
    if not s:
        raise ValueError("make_diagonal: D must have at least one dimension")
    offset = int(offset)
    length = s[-1]
    n1 = n2 = length + abs(offset)
    nd = len(s) + 1
    a1, a2 = _two_axes("make_diagonal", axis1, axis2, nd)
    _, index = _diagonal_slice(n1, n2, offset)
    flat = scatter_add(D, (Ellipsis, index), s[:-1] + (n1 * n2,))
    return moveaxis(reshape(flat, s[:-1] + (n1, n2)), (-2, -1), (a1, a2))


def diag(v: Any, k: int = 0) -> Any:
    """numpy.diag: the diagonal ``k`` of a 2-D value, or a 2-D value with a 1-D one on it."""
    v = as_value(v)
    nd = len(shape(v))
    if nd == 1:
        return make_diagonal(v, offset=k)
    if nd == 2:
        return diagonal(v, offset=k)
    raise ValueError("Input must be 1- or 2-d.")


def diagflat(v: Any, k: int = 0) -> Any:
    """numpy.diagflat: the flattened input on the diagonal ``k`` of a square matrix."""
    return make_diagonal(ravel(v), offset=k)


def _triangle(m: Any, keep: np.ndarray) -> Any:
    return where(keep, m, 0.0)


def tril(m: Any, k: int = 0) -> Any:
    """numpy.tril: ``where`` with the constant lower-triangle mask of the last two axes (a 1-D
    value broadcasts to a square matrix, as in numpy)."""
    m = as_value(m)
    return _triangle(m, np.tri(*shape(m)[-2:], k=int(k), dtype=bool))


def triu(m: Any, k: int = 0) -> Any:
    """numpy.triu: ``where`` with the constant upper-triangle mask of the last two axes."""
    m = as_value(m)
    return _triangle(m, ~np.tri(*shape(m)[-2:], k=int(k) - 1, dtype=bool))


# ---------------------------------------------------------------------------
# select
# ---------------------------------------------------------------------------

def select(condlist: Sequence[Any], choicelist: Sequence[Any], default: Any = 0) -> Any:
    """numpy.select: the first choice whose condition holds, else ``default`` (a chain of
    ``where`` from the last condition to the first; the conditions carry no derivative, the
    choices and the default do)."""
    condlist, choicelist = list(condlist), list(choicelist)
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if not condlist:
        raise ValueError("select with an empty condition list is not possible")
    conds = [np.asarray(primal(c)) for c in condlist]
    for k, c in enumerate(conds):
        if c.dtype != bool:
            raise TypeError(f"invalid entry {k} in condlist: should be boolean ndarray")
    choices = [as_value(c) for c in choicelist]
    common = np.broadcast_shapes(*(c.shape for c in conds), *(shape(c) for c in choices),
                                 shape(as_value(default)))
    result = as_value(default)
    for cond, choice in zip(reversed(conds), reversed(choices)):
        result = where(cond, choice, result)
    if shape(result) != common:
        result = broadcast_to(result, common)
    return result


# ---------------------------------------------------------------------------
# Gathers: take, take_along_axis, compress, extract
# ---------------------------------------------------------------------------

def _positions(s: tuple) -> np.ndarray:
    return np.arange(math.prod(s)).reshape(s)


def _flat_gather(a: Any, source: Any) -> Any:
    """``a.ravel()[source]``: one gather with the flat positions numpy chose."""
    return getitem(reshape(a, (-1,)), np.asarray(source))


def take(a: Any, indices: Any, axis: Any = None, out: Any = None, mode: str = "raise") -> Any:
    """numpy.take, one gather along ``axis`` (flattened when None); ``mode`` 'raise', 'wrap'
    or 'clip' is applied by numpy to the positions. A repeated index receives the derivative
    of each place it is read from (the transpose accumulates)."""
    no_out("numpy.take", out)
    a = as_value(a)
    if axis is None:
        a, axis = reshape(a, (-1,)), 0
    else:
        axis = _one_axis("numpy.take", axis, len(shape(a)))
    source = np.take(np.arange(shape(a)[axis]), primal(indices), mode=mode)
    return getitem(a, along(axis, source))


def take_along_axis(arr: Any, indices: Any, axis: Any = -1) -> Any:
    """numpy.take_along_axis, one flat gather at the positions numpy picks (``axis=None``
    works on the flattened value, as in numpy)."""
    arr = as_value(arr)
    source = np.take_along_axis(_positions(shape(arr)), primal(indices), axis=axis)
    return _flat_gather(arr, source)


def compress(condition: Any, a: Any, axis: Any = None, out: Any = None) -> Any:
    """numpy.compress: the slices along ``axis`` where ``condition`` holds (one gather)."""
    no_out("numpy.compress", out)
    a = as_value(a)
    return _flat_gather(a, np.compress(primal(condition), _positions(shape(a)),
                                       axis=axis))


def extract(condition: Any, arr: Any) -> Any:
    """numpy.extract: the entries where ``condition`` is nonzero, flattened (one gather)."""
    arr = as_value(arr)
    return _flat_gather(arr, np.extract(primal(condition), _positions(shape(arr))))


def _compress_method(self: Any, condition: Any, axis: Any = None, out: Any = None) -> Any:
    return compress(condition, self, axis, out)


def _take_method(self: Any, indices: Any, axis: Any = None, out: Any = None,
                 mode: str = "raise") -> Any:
    return take(self, indices, axis, out, mode)


# ---------------------------------------------------------------------------
# sort and partition
# ---------------------------------------------------------------------------

def _no_order(function: str, order: Any) -> None:
    default_only(function, "order", order, None,
                 "order= names fields of structured arrays, which dualdiff values are not; "
                 "sort by a key with np.argsort(key) and take_along_axis instead")


def sort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None, *,
         stable: Any = None) -> Any:
    """numpy.sort as a gather by the primal's stable argsort (along ``axis``; None sorts the
    flattened value).

    Ties: equal values keep their input order, so the k-th of a run of equal outputs receives
    the derivative of the k-th such entry of the input, whatever ``kind`` (which only picks
    numpy's algorithm; the values are the same). NaNs sort last, as in numpy.
    """
    _no_order("numpy.sort", order)
    a = as_value(a)
    np.sort(np.zeros(1), kind=kind, stable=stable)  # numpy's own checks of kind and stable
    if axis is None:
        a, axis = reshape(a, (-1,)), 0
    p = np.asarray(primal(a))
    if p.ndim == 0:
        raise getattr(np, "exceptions", np).AxisError(axis, 0)
    perm = np.argsort(p, axis=axis, kind="stable")
    return _flat_gather(a, np.take_along_axis(_positions(p.shape), perm, axis=axis))


def partition(a: Any, kth: Any, axis: Any = -1, kind: str = "introselect",
              order: Any = None) -> Any:
    """numpy.partition, a gather: numpy partitions the primal, and each output position gets the
    input entry with its value.

    Ties: output positions holding equal values receive the tied input entries in input order
    (the k-th such position, counted along ``axis``, gets the k-th such entry), the same rule
    as ``sort``. Matching by value keeps numpy's exact arrangement even where argpartition
    would differ from it (NaNs).
    """
    _no_order("numpy.partition", order)
    a = as_value(a)
    if axis is None:
        a, axis = reshape(a, (-1,)), 0
    p = np.asarray(primal(a))
    if p.ndim == 0:
        raise getattr(np, "exceptions", np).AxisError(axis, 0)
    values = np.partition(p, kth, axis=axis, kind=kind)
    axis = normalize_axes(axis, p.ndim, "numpy.partition")[0]
    by_rank_in = np.argsort(p, axis=axis, kind="stable")
    by_rank_out = np.argsort(values, axis=axis, kind="stable")
    perm = np.empty_like(by_rank_in)
    np.put_along_axis(perm, by_rank_out, by_rank_in, axis=axis)
    return _flat_gather(a, np.take_along_axis(_positions(p.shape), perm, axis=axis))


NUMPY_FUNCTIONS = {
    np.diag: diag, np.diagonal: diagonal, np.diagflat: diagflat, np.tril: tril, np.triu: triu,
    np.select: select, np.take: take, np.take_along_axis: take_along_axis, np.sort: sort,
    np.partition: partition, np.compress: compress, np.extract: extract,
}
"""numpy functions answered by the composites above."""

METHODS = {"diagonal": diagonal, "take": _take_method, "compress": _compress_method}
"""ndarray-style methods (the box first)."""
