"""Shaping: repeating, tiling, joining, splitting, rolling, flipping and padding arrays.

None of these needs calculus of its own: each is a composite of the
structural entries (``reshape``, ``transpose``, ``broadcast_to``, ``getitem``
with slices or integer arrays, ``scatter_add``, ``concatenate``), so its
derivative in every mode, batched or nested, is theirs. The compositions are
chosen for the cost of the transpose too: slices and broadcasts (whose
transposes are slice assignments and sums) wherever they say it, a gather
with an index array (whose transpose accumulates with ``np.add.at``) only
where the pattern is irregular. Index patterns that must follow numpy's own
rules exactly (which entry ``pad`` reflects, how ``repeat`` counts) are
computed by running numpy itself on integer positions, so argument forms and
errors are numpy's.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..core import Box, lift, ndim, primal, shape
from .keywords import refusal
from .matrices import matmul
from .structural import (_join_keywords, broadcast_to, concatenate, getitem, moveaxis,
                         normalize_axes, reshape, scatter_add, transpose)

__all__ = ["repeat", "tile", "vstack", "hstack", "dstack", "column_stack", "row_stack", "append",
           "split", "array_split", "hsplit", "vsplit", "dsplit", "roll", "flip", "fliplr",
           "flipud", "rot90", "pad", "rollaxis", "ravel", "atleast_1d", "atleast_2d",
           "atleast_3d", "copy", "block", "broadcast_arrays"]


def as_value(a: Any) -> Any:
    """A dualdiff value: boxes, floats and float64 arrays as they are, anything else lifted."""
    if isinstance(a, Box) or type(a) is float or (type(a) is np.ndarray and a.dtype == np.float64):
        return a
    return lift(a)


def along(axis: int, index: Any) -> tuple:
    """The index tuple that applies ``index`` to ``axis`` and keeps every other axis."""
    return (slice(None),) * axis + (index,)


def _one_axis(function: str, axis: Any, nd: int) -> int:
    if not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{function}: axis must be an integer, not {type(axis).__name__}")
    return normalize_axes(axis, nd, function)[0]


# ---------------------------------------------------------------------------
# repeat and tile
# ---------------------------------------------------------------------------

def repeat(a: Any, repeats: Any, axis: Any = None) -> Any:
    """numpy.repeat. One count for every entry is a broadcast along a new axis then a reshape
    (its transpose is a sum); counts per entry are one gather along ``axis``."""
    a = as_value(a)
    if axis is None:
        a, axis = reshape(a, (-1,)), 0
    else:
        axis = _one_axis("numpy.repeat", axis, ndim(a))
    s = shape(a)
    counts = np.asarray(primal(repeats))
    if counts.ndim == 0 or counts.size == 1:
        if counts.dtype.kind not in "iub":
            raise TypeError(f"numpy.repeat: repeats must be integers, not {counts.dtype}")
        r = int(counts.reshape(()))
        if r < 0:
            raise ValueError("repeat: negative dimensions are not allowed")
        if r == 1:
            return a
        wide = broadcast_to(reshape(a, s[:axis + 1] + (1,) + s[axis + 1:]),
                            s[:axis + 1] + (r,) + s[axis + 1:])
        return reshape(wide, s[:axis] + (s[axis] * r,) + s[axis + 1:])
    index = np.repeat(np.arange(s[axis]), counts)  # numpy checks the counts
    return getitem(a, along(axis, index))


def tile(A: Any, reps: Any) -> Any:  # noqa: N803  (numpy's name)
    """numpy.tile as a broadcast between interleaved unit axes and one reshape (the transpose
    sums the copies)."""
    A = as_value(A)
    reps = (int(reps),) if isinstance(reps, (int, np.integer)) else tuple(int(r) for r in reps)
    s = shape(A)
    d = max(len(reps), len(s))
    s = (1,) * (d - len(s)) + s
    reps = (1,) * (d - len(reps)) + reps
    if any(r < 0 for r in reps):
        raise ValueError("tile: negative dimensions are not allowed")
    out = tuple(r * n for r, n in zip(reps, s))
    if all(r == 1 for r in reps):
        return reshape(A, s)
    interleaved = tuple(x for r, n in zip(reps, s) for x in (1, n))
    wide = broadcast_to(reshape(A, interleaved), tuple(x for r, n in zip(reps, s) for x in (r, n)))
    return reshape(wide, out)


# ---------------------------------------------------------------------------
# atleast_*d, ravel, copy
# ---------------------------------------------------------------------------

def _at_least(arys: tuple, promote: Any) -> Any:
    out = tuple(promote(as_value(a)) for a in arys)
    return out[0] if len(out) == 1 else out


def atleast_1d(*arys: Any) -> Any:
    """numpy.atleast_1d: a 0-d value becomes shape (1,); several arguments give a tuple."""
    return _at_least(arys, lambda a: reshape(a, (1,)) if ndim(a) == 0 else a)


def atleast_2d(*arys: Any) -> Any:
    """numpy.atleast_2d: () -> (1, 1), (n,) -> (1, n)."""
    return _at_least(arys, lambda a: reshape(a, (1,) * (2 - ndim(a)) + shape(a))
                     if ndim(a) < 2 else a)


def _promote_3d(a: Any) -> Any:
    s = shape(a)
    if len(s) == 0:
        return reshape(a, (1, 1, 1))
    if len(s) == 1:
        return reshape(a, (1, s[0], 1))
    if len(s) == 2:
        return reshape(a, s + (1,))
    return a


def atleast_3d(*arys: Any) -> Any:
    """numpy.atleast_3d: () -> (1, 1, 1), (n,) -> (1, n, 1), (m, n) -> (m, n, 1)."""
    return _at_least(arys, _promote_3d)


def _k_order(p: Any) -> tuple | None:
    """The axis order in which ``order='K'`` reads ``p`` (numpy's rule: by decreasing stride;
    zero strides and length-1 axes keep their place); None when it is plain C order."""
    if not isinstance(p, np.ndarray) or p.ndim < 2 or p.flags.c_contiguous:
        return None
    strides = p.strides
    movable = [k for k in range(p.ndim) if strides[k] != 0 and p.shape[k] > 1]
    perm = list(range(p.ndim))
    for place, k in zip(movable, sorted(movable, key=lambda k: -abs(strides[k]))):
        perm[place] = k
    return None if perm == list(range(p.ndim)) else tuple(perm)


def ravel(a: Any, order: str = "C") -> Any:
    """numpy.ravel, a reshape: 'C', 'F', 'A' (F for Fortran-ordered values) and 'K' (memory
    order of the value's primal array, as numpy reads it)."""
    a = as_value(a)
    if order not in ("C", "F", "A", "K", None):
        raise ValueError(f"ravel: order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")
    if order == "K":
        perm = _k_order(primal(a))
        return reshape(a if perm is None else transpose(a, perm), (-1,))
    return reshape(a, (-1,), order=order or "C")


def copy(a: Any, order: str = "K", subok: bool = False) -> Any:
    """numpy.copy. dualdiff values are never written in place, so a box is returned as it is;
    plain input gives a new float64 array. ``order`` only chooses a memory layout (the values
    are the same; checked as numpy does) and ``subok`` has no effect: no value is a subclass."""
    if order not in ("C", "F", "A", "K", None):
        raise ValueError(f"copy: order must be one of 'C', 'F', 'A', or 'K' (got {order!r})")
    if isinstance(a, Box):
        return a
    out = lift(a)
    return np.array(out, order=order or "K") if type(out) is np.ndarray and out is a else out


def _ndarray_copy(self: Any, order: str = "C") -> Any:
    return copy(self, order=order)


def _flatten(self: Any, order: str = "C") -> Any:
    """ndarray.flatten: as ravel (no value is ever shared, so the copy is implied)."""
    return ravel(self, order)


# ---------------------------------------------------------------------------
# Joining
# ---------------------------------------------------------------------------

def _sequence(function: str, tup: Any) -> list:
    if hasattr(tup, "__next__"):
        raise TypeError(f"{function}: arrays to stack must be passed as a sequence type such as "
                        "list or tuple")
    return [as_value(x) for x in tup]


def vstack(tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Any:
    """numpy.vstack: concatenate along axis 0 after atleast_2d."""
    _join_keywords("numpy.vstack", None, dtype, casting)
    xs = _sequence("numpy.vstack", tup)
    return concatenate([atleast_2d(x) for x in xs], axis=0)


def row_stack(tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Any:
    """numpy.row_stack (numpy's deprecated alias of vstack)."""
    _join_keywords("numpy.row_stack", None, dtype, casting)
    return vstack(tup)


def hstack(tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Any:
    """numpy.hstack: 1-D values join along axis 0, others along axis 1."""
    _join_keywords("numpy.hstack", None, dtype, casting)
    xs = [atleast_1d(x) for x in _sequence("numpy.hstack", tup)]
    return concatenate(xs, axis=0 if xs and ndim(xs[0]) == 1 else 1)


def dstack(tup: Any) -> Any:
    """numpy.dstack: concatenate along axis 2 after atleast_3d."""
    return concatenate([atleast_3d(x) for x in _sequence("numpy.dstack", tup)], axis=2)


def column_stack(tup: Any) -> Any:
    """numpy.column_stack: 0-d and 1-d values become columns, then join along axis 1."""
    xs = _sequence("numpy.column_stack", tup)
    cols = [reshape(x, (-1, 1)) if ndim(x) < 2 else x for x in xs]
    return concatenate(cols, axis=1)


def append(arr: Any, values: Any, axis: Any = None) -> Any:
    """numpy.append: flattened when ``axis`` is None, else concatenated along it."""
    arr, values = as_value(arr), as_value(values)
    if axis is None:
        return concatenate([reshape(arr, (-1,)), reshape(values, (-1,))], axis=0)
    return concatenate([arr, values], axis=axis)


def _block_depth(x: Any, function: str) -> int:
    if type(x) is tuple:
        raise TypeError(f"{function}: arrays is a tuple. Only lists can be used to arrange blocks")
    if type(x) is not list:
        return 0
    if not x:
        raise ValueError(f"{function}: lists cannot be empty")
    depths = {_block_depth(e, function) for e in x}
    if len(depths) > 1:
        raise ValueError(f"{function}: list depths are mismatched")
    return 1 + depths.pop()


def block(arrays: Any) -> Any:
    """numpy.block: the innermost lists join along the last axis, the next along the one before,
    every piece promoted to the common number of dimensions with leading unit axes."""
    depth = _block_depth(arrays, "numpy.block")

    def leaves(x: Any) -> list:
        return [v for e in x for v in leaves(e)] if type(x) is list else [as_value(x)]

    nd = max([depth] + [ndim(v) for v in leaves(arrays)])

    def build(x: Any, level: int) -> Any:
        if type(x) is not list:
            x = as_value(x)
            return reshape(x, (1,) * (nd - ndim(x)) + shape(x))
        return concatenate([build(e, level + 1) for e in x], axis=nd - depth + level)

    return build(arrays, 0)


def broadcast_arrays(*args: Any, subok: bool = False) -> tuple:
    """numpy.broadcast_arrays: each value broadcast to the common shape (``subok`` has no
    effect: no dualdiff value is an ndarray subclass)."""
    xs = [as_value(a) for a in args]
    common = np.broadcast_shapes(*(shape(x) for x in xs))
    return tuple(broadcast_to(x, common) for x in xs)


# ---------------------------------------------------------------------------
# Splitting: a list of slices
# ---------------------------------------------------------------------------

def _split(function: str, ary: Any, indices_or_sections: Any, axis: int, equal: bool) -> list:
    ary = as_value(ary)
    axis = _one_axis(function, axis, ndim(ary))
    n = shape(ary)[axis]
    try:
        cuts = [int(c) for c in indices_or_sections]
    except TypeError:
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.") from None
        each, extra = divmod(n, sections)
        if equal and extra:
            raise ValueError("array split does not result in an equal division") from None
        sizes = [each + 1] * extra + [each] * (sections - extra)
        cuts = [int(c) for c in np.cumsum(sizes)[:-1]]
    bounds = [0] + cuts + [n]
    return [getitem(ary, along(axis, slice(lo, hi))) for lo, hi in zip(bounds[:-1], bounds[1:])]


def split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list:
    """numpy.split: equal sections or cut points; a list of slices of ``ary``."""
    return _split("numpy.split", ary, indices_or_sections, axis, equal=True)


def array_split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list:
    """numpy.array_split: like split, the first sections one longer when they cannot be equal."""
    return _split("numpy.array_split", ary, indices_or_sections, axis, equal=False)


def _split_min_ndim(function: str, ary: Any, n: int) -> Any:
    ary = as_value(ary)
    if ndim(ary) < n:
        raise ValueError(f"{function} only works on arrays of {n} or more dimensions")
    return ary


def hsplit(ary: Any, indices_or_sections: Any) -> list:
    """numpy.hsplit: split along axis 1 (axis 0 for 1-D values)."""
    ary = _split_min_ndim("hsplit", ary, 1)
    return split(ary, indices_or_sections, axis=1 if ndim(ary) > 1 else 0)


def vsplit(ary: Any, indices_or_sections: Any) -> list:
    """numpy.vsplit: split along axis 0 (at least 2-D)."""
    return split(_split_min_ndim("vsplit", ary, 2), indices_or_sections, axis=0)


def dsplit(ary: Any, indices_or_sections: Any) -> list:
    """numpy.dsplit: split along axis 2 (at least 3-D)."""
    return split(_split_min_ndim("dsplit", ary, 3), indices_or_sections, axis=2)


# ---------------------------------------------------------------------------
# roll, flip, rot90, rollaxis
# ---------------------------------------------------------------------------

def roll(a: Any, shift: Any, axis: Any = None) -> Any:
    """numpy.roll: per rolled axis, the two slices joined in the other order (transposes are
    slice assignments); ``axis=None`` rolls the flattened value; ints broadcast against tuples."""
    a = as_value(a)
    if axis is None:
        return reshape(roll(reshape(a, (-1,)), shift, 0), shape(a))
    s = shape(a)
    axes = [normalize_axes(int(k), len(s), "numpy.roll")[0] for k in np.atleast_1d(axis)]
    pairs = np.broadcast(np.asarray(primal(shift)), np.asarray(axes))
    if pairs.ndim > 1:
        raise ValueError("'shift' and 'axis' should be scalars or 1D sequences")
    total = {k: 0 for k in range(len(s))}
    for sh, ax in pairs:
        total[int(ax)] += int(sh)
    for ax, sh in total.items():
        n = s[ax]
        if n == 0 or sh % n == 0:
            continue
        cut = n - sh % n
        a = concatenate([getitem(a, along(ax, slice(cut, None))),
                         getitem(a, along(ax, slice(None, cut)))], axis=ax)
    return a


def _flip_axes(m: Any, axes: Sequence[int]) -> Any:
    if not axes:
        return m
    return getitem(m, tuple(slice(None, None, -1) if k in axes else slice(None)
                            for k in range(max(axes) + 1)))


def flip(m: Any, axis: Any = None) -> Any:
    """numpy.flip: one reversing slice per axis (a basic index; the transpose is too)."""
    m = as_value(m)
    axes = range(ndim(m)) if axis is None else normalize_axes(axis, ndim(m), "numpy.flip")
    return _flip_axes(m, tuple(axes))


def fliplr(m: Any) -> Any:
    """numpy.fliplr: reverse axis 1 (at least 2-D)."""
    m = as_value(m)
    if ndim(m) < 2:
        raise ValueError("Input must be >= 2-d.")
    return _flip_axes(m, (1,))


def flipud(m: Any) -> Any:
    """numpy.flipud: reverse axis 0 (at least 1-D)."""
    m = as_value(m)
    if ndim(m) < 1:
        raise ValueError("Input must be >= 1-d.")
    return _flip_axes(m, (0,))


def rot90(m: Any, k: int = 1, axes: Any = (0, 1)) -> Any:
    """numpy.rot90 in the plane ``axes``: a flip and a transpose, as numpy builds it."""
    m = as_value(m)
    axes = tuple(axes)
    nd = ndim(m)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    if axes[0] == axes[1] or abs(axes[0] - axes[1]) == nd:
        raise ValueError("Axes must be different.")
    if not all(-nd <= a < nd for a in axes):
        raise ValueError(f"Axes={axes} out of range for array of ndim={nd}.")
    a0, a1 = axes[0] % nd, axes[1] % nd
    k = int(k) % 4
    if k == 0:
        return m
    if k == 2:
        return _flip_axes(m, (a0, a1))
    perm = list(range(nd))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return transpose(_flip_axes(m, (a1,)), perm)
    return _flip_axes(transpose(m, perm), (a1,))


def rollaxis(a: Any, axis: int, start: int = 0) -> Any:
    """numpy.rollaxis: move ``axis`` to sit before ``start`` (a transpose)."""
    a = as_value(a)
    n = ndim(a)
    axis = _one_axis("numpy.rollaxis", axis, n)
    if start < 0:
        start += n
    if not 0 <= start < n + 1:
        raise getattr(np, "exceptions", np).AxisError(
            f"'start' arg requires {-n} <= start < {n + 1}, but {start - n if start < 0 else start}"
            " was passed in")
    if axis < start:
        start -= 1
    if axis == start:
        return a
    order = [k for k in range(n) if k != axis]
    order.insert(start, axis)
    return transpose(a, order)


# ---------------------------------------------------------------------------
# pad
# ---------------------------------------------------------------------------

_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")
_PAD_KEYWORDS = {"constant": {"constant_values"}, "edge": set(), "wrap": set(),
                 "reflect": {"reflect_type"}, "symmetric": {"reflect_type"}}


def _as_pairs(x: Any, nd: int, as_index: bool = False) -> np.ndarray:
    """numpy's broadcast of ``pad_width``/``constant_values`` to one (before, after) per axis."""
    x = np.asarray(x)
    if as_index:
        if x.size and x.min() < 0:
            raise ValueError("index can't contain negative values")
    if x.ndim < 3:
        if x.size == 1:
            return np.broadcast_to(x.ravel()[0], (nd, 2))
        if x.size == 2 and x.shape != (2, 1):
            return np.broadcast_to(x.ravel(), (nd, 2))
    return np.broadcast_to(x, (nd, 2))


def _leaves(values: Any) -> tuple[list, tuple]:
    """The scalars of a (possibly nested, possibly boxed) ``constant_values`` and its shape."""
    if isinstance(values, (list, tuple)):
        parts = [_leaves(v) for v in values]
        inner = {p[1] for p in parts}
        if len(inner) > 1:
            raise ValueError("pad: constant_values has an inhomogeneous shape")
        leaves = [leaf for p in parts for leaf in p[0]]
        return leaves, (len(parts),) + (inner.pop() if parts else ())
    values = as_value(values)
    s = shape(values)
    if not s:
        return [values], ()
    return [getitem(values, i) for i in np.ndindex(*s)], s


def _constant_fill(out_shape: tuple, widths: np.ndarray, constant_values: Any) -> Any:
    """The padded area of mode 'constant' (zeros inside), each area with numpy's value."""
    leaves, struct = _leaves(constant_values)
    nd = len(out_shape)
    if not any(isinstance(v, Box) for v in leaves):
        plain = np.asarray([primal(v) for v in leaves], dtype=np.float64).reshape(struct)
        return np.pad(np.zeros(tuple(n - b - e for n, (b, e) in zip(out_shape, widths))),
                      widths, constant_values=plain)
    which = _as_pairs(np.arange(len(leaves)).reshape(struct), nd)
    codes = np.arange(1, 2 * nd + 1).reshape(nd, 2)
    area = np.pad(np.zeros(tuple(n - b - e for n, (b, e) in zip(out_shape, widths)), dtype=int),
                  widths, constant_values=codes)
    fill: Any = 0.0
    for k in range(nd):
        for side in range(2):
            mask = area == codes[k, side]
            if mask.any():
                fill = fill + leaves[int(which[k, side])] * mask.astype(np.float64)
    return fill


def _odd_weights(n: int, before: int, after: int, mode: str) -> tuple[np.ndarray, np.ndarray]:
    """The weights of the entries along an axis in the left and right pads of an odd reflection
    (an affine extrapolation: numpy's result on the identity matrix, row by row)."""
    padded = np.pad(np.eye(n), ((0, 0), (before, after)), mode=mode, reflect_type="odd")
    return padded[:, :before], padded[:, before + n:]


def pad(array: Any, pad_width: Any, mode: str = "constant", **kwargs: Any) -> Any:
    """numpy.pad for modes 'constant' (``constant_values`` may carry derivatives), 'edge',
    'reflect', 'symmetric' and 'wrap' (``reflect_type`` 'even' or 'odd').

    'constant' scatters the array into the padded shape (a slice assignment) and adds the
    constants; the other modes pad one axis at a time, as numpy does, with a gather of the
    entries numpy copies (numpy's own choice, read from padding the positions 0..n-1) or, for
    odd reflections, the matching affine combination of them. Other modes are refused by name
    (their derivative is not a rearrangement); so are keywords a mode does not take.
    """
    x = as_value(array)
    if callable(mode) or mode not in _PAD_MODES:
        if callable(mode) or mode in ("linear_ramp", "maximum", "mean", "median", "minimum",
                                      "empty"):
            raise refusal("numpy.pad", "mode", f"mode={mode!r} is not supported; use one of "
                          f"{', '.join(_PAD_MODES)}, or build the padding with dd.concatenate")
        raise ValueError(f"mode '{mode}' is not supported")
    unsupported = set(kwargs) - _PAD_KEYWORDS[mode]
    if unsupported:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': {unsupported}")
    widths_in = np.asarray(pad_width)
    if widths_in.dtype.kind not in "iu":
        raise TypeError("`pad_width` must be of integral type.")
    s = shape(x)
    widths = np.array(_as_pairs(widths_in, len(s), as_index=True), dtype=np.int64)
    out_shape = tuple(int(n + b + e) for n, (b, e) in zip(s, widths))
    if mode == "constant":
        inside = tuple(slice(int(b), int(b) + n) for n, (b, e) in zip(s, widths))
        if out_shape == s:
            return x
        fill = _constant_fill(out_shape, widths, kwargs.get("constant_values", 0))
        return scatter_add(x, inside, out_shape) + fill
    reflect_type = kwargs.get("reflect_type", "even")
    if reflect_type not in ("even", "odd"):
        raise ValueError(f"pad: reflect_type must be 'even' or 'odd', not {reflect_type!r}")
    for axis, (before, after) in enumerate(widths.tolist()):
        if before == 0 and after == 0:
            continue
        n = shape(x)[axis]
        if n == 0:
            raise ValueError(f"can't extend empty axis {axis} using modes other than 'constant' "
                             "or 'empty'")
        if reflect_type == "odd" and mode in ("reflect", "symmetric"):
            left_w, right_w = _odd_weights(n, before, after, mode)
            moved = moveaxis(x, axis, -1)
            parts = [moveaxis(matmul(moved, w), -1, axis)
                     for w in (left_w,) if before] + [x] + [
                moveaxis(matmul(moved, w), -1, axis) for w in (right_w,) if after]
        else:
            source = np.pad(np.arange(n), (before, after), mode=mode)
            parts = ([getitem(x, along(axis, source[:before]))] if before else []) + [x] + (
                [getitem(x, along(axis, source[before + n:]))] if after else [])
        x = concatenate(parts, axis=axis)
    return x


NUMPY_FUNCTIONS = {
    np.repeat: repeat, np.tile: tile, np.vstack: vstack, np.hstack: hstack, np.dstack: dstack,
    np.column_stack: column_stack, np.append: append, np.split: split,
    np.array_split: array_split, np.hsplit: hsplit, np.vsplit: vsplit, np.dsplit: dsplit,
    np.roll: roll, np.flip: flip, np.fliplr: fliplr, np.flipud: flipud, np.rot90: rot90,
    np.pad: pad, np.rollaxis: rollaxis, np.ravel: ravel, np.atleast_1d: atleast_1d,
    np.atleast_2d: atleast_2d, np.atleast_3d: atleast_3d, np.copy: copy, np.block: block,
    np.broadcast_arrays: broadcast_arrays,
}
"""numpy functions answered by the composites above (numpy's deprecated row_stack calls
np.vstack, so it arrives here as vstack)."""


def _repeat_method(self: Any, repeats: Any, axis: Any = None) -> Any:
    return repeat(self, repeats, axis)


METHODS = {"ravel": ravel, "flatten": _flatten, "copy": _ndarray_copy, "repeat": _repeat_method}
"""ndarray-style methods (the box first)."""
