"""Contractions: einsum (one multilinear entry) and the products built on it or on matmul.

``einsum`` is the entry. It is linear in each operand with the others fixed,
so its rules are einsums again: the JVP of operand ``i`` is the same
contraction with the tangent in place ``i`` (a batch of directions gets a
fresh index, first in the output), and the VJP of operand ``i`` contracts the
output cotangent with the other operands into operand ``i``'s indices. Two
things need more than one contraction there: an index that appears only in
operand ``i`` (summed away, so the cotangent is broadcast back along it) and
an index repeated within operand ``i`` (a diagonal or trace, so the cotangent
is embedded on that diagonal by one more einsum with identity matrices). The
rules are einsums, broadcasts and reshapes, so every derivative order works.

Internally an einsum is a list of label tuples (ints, ellipses expanded) per
operand plus the output's; size-1 axes that numpy broadcasts against a longer
axis of the same label get a label of their own (summed away, size 1), so no
rule has to undo broadcasting.

``tensordot`` is transpose + reshape + ``matmul`` (BLAS speed on large
matrices, and its derivatives are those of the pieces), ``inner`` and
``numpy.dot`` above two dimensions are tensordots, ``outer``, ``kron`` and
``cross`` are products of reshaped or sliced operands, ``vdot`` a matmul of
the flattened operands.
"""

from __future__ import annotations

import functools
import math
import warnings
from typing import Any, Sequence

import numpy as np

from ..core import bind, ndim, shape
from .arithmetic import add, mul, neg, sub
from .keywords import float_dtype, no_out
from .matrices import matmul
from .registry import variadic
from .structural import (AxisError, broadcast_to, getitem, moveaxis, normalize_axes, reshape,
                         stack, transpose)

__all__ = ["einsum", "tensordot", "inner", "outer", "vdot", "kron", "cross"]

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"  # numpy's einsum alphabet
_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")
_BLAS_SIZE = 4096
"""Above this many entries in an operand, derivative einsums let numpy plan the contraction
(``optimize="greedy"``), which sends pairwise products to BLAS."""


# ---------------------------------------------------------------------------
# The entry: operands with integer labels
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=512)
def _spec(subs: tuple, out: tuple) -> str:
    """numpy's subscripts string for labelled operands (letters in order of first use)."""
    names: dict = {}
    try:
        words = ["".join(names.setdefault(label, _LETTERS[len(names)]) for label in labels)
                 for labels in (*subs, out)]
    except IndexError:
        raise ValueError("einsum: more than 52 distinct indices in one contraction") from None
    return ",".join(words[:-1]) + "->" + words[-1]


def _einsum_impl(*operands: Any, subs: tuple, out: tuple, optimize: Any) -> Any:
    return np.einsum(_spec(subs, out), *operands, optimize=optimize)


def _contract(operands: Sequence[Any], subs: Sequence[Sequence], out: Sequence,
              optimize: Any = False) -> Any:
    """The einsum entry on operands labelled by any hashable labels (renamed to 0, 1, ...)."""
    names: dict = {}
    canon = tuple(tuple(names.setdefault(label, len(names)) for label in labels)
                  for labels in (*subs, out))
    return bind(_einsum, tuple(operands), {"subs": canon[:-1], "out": canon[-1],
                                          "optimize": optimize})


def _derived_optimize(optimize: Any, operands: Sequence[Any], same_places: bool) -> Any:
    """The ``optimize`` of a derivative's contraction: the user's, except a path when the
    operands are not in the same places, and False on large or many operands (numpy plans
    those, which sends pairwise products to BLAS)."""
    if isinstance(optimize, (list, tuple)):
        return optimize if same_places else "greedy"
    if optimize is False and (len(operands) > 2 or any(
            math.prod(shape(x)) > _BLAS_SIZE for x in operands)):
        return "greedy"
    return optimize


def _fresh(params: dict) -> int:
    return 1 + max((label for labels in (*params["subs"], params["out"]) for label in labels),
                   default=-1)


def _einsum_jvp(tangents, out, args, params, batched):
    subs, labels_out = params["subs"], params["out"]
    total = None
    for i, t in enumerate(tangents):
        if t is None:
            continue
        operands = list(args)
        operands[i] = t
        s, o = list(subs), labels_out
        if batched:
            b = _fresh(params)
            s[i] = (b,) + s[i]
            o = (b,) + o
        c = _contract(operands, s, o, _derived_optimize(params["optimize"], operands, True))
        total = c if total is None else add(total, c)
    return total


def _einsum_transpose_at(i: int):
    def vjp(g, out, args, params):
        subs, labels_out = params["subs"], params["out"]
        mine = subs[i]
        sizes = dict(zip(mine, shape(args[i])))
        unique = tuple(dict.fromkeys(mine))
        others = [j for j in range(len(subs)) if j != i]
        elsewhere = set(labels_out).union(*(subs[j] for j in others))
        kept = tuple(label for label in unique if label in elsewhere)
        operands = [g] + [args[j] for j in others]
        r = _contract(operands, [labels_out] + [subs[j] for j in others], kept,
                      _derived_optimize(params["optimize"], operands, False))
        if len(kept) < len(unique):
            # indices only operand i has were summed away: the cotangent is the same along them
            r = reshape(r, tuple(sizes[x] if x in kept else 1 for x in unique))
            r = broadcast_to(r, tuple(sizes[x] for x in unique))
        if len(unique) < len(mine):
            # a repeated index reads a diagonal: the cotangent goes back onto it (δ_{x,x'})
            fresh = _fresh(params)
            target, deltas, seen = [], [], set()
            for x in mine:
                if x in seen:
                    target.append(fresh)
                    deltas.append((x, fresh))
                    fresh += 1
                else:
                    seen.add(x)
                    target.append(x)
            r = _contract([r] + [np.eye(sizes[x]) for x, _ in deltas], [unique] + deltas,
                          tuple(target))
        return r
    return vjp


# ---------------------------------------------------------------------------
# Parsing numpy's two forms into labelled operands
# ---------------------------------------------------------------------------

def _parse_term(term: str, what: str) -> list:
    labels: list = []
    rest = term
    while rest:
        if rest.startswith("..."):
            if Ellipsis in labels:
                raise ValueError(f"einstein sum subscripts string contains a '.' that is not part "
                                 f"of an ellipsis ('...') in the {what}")
            labels.append(Ellipsis)
            rest = rest[3:]
            continue
        c = rest[0]
        if c not in _LETTERS:
            raise ValueError(f"invalid subscript '{c}' in einstein sum subscripts string, "
                             "subscripts must be letters")
        labels.append(c)
        rest = rest[1:]
    return labels


def _parse_string(spec: str, count: int) -> tuple[list, list | None]:
    spec = spec.replace(" ", "")
    if "->" in spec:
        inputs, output = spec.split("->", 1)
        if "->" in output or "-" in output or ">" in output:
            raise ValueError("einstein sum subscript string does not contain proper '->' output "
                             "specified")
        out: list | None = _parse_term(output, "output")
    else:
        if "-" in spec or ">" in spec:
            raise ValueError("einstein sum subscript string does not contain proper '->' output "
                             "specified")
        inputs, out = spec, None
    terms = inputs.split(",")
    if len(terms) < count:
        raise ValueError("more operands provided to einstein sum function than specified in the "
                         "subscripts string")
    if len(terms) > count:
        raise ValueError("fewer operands provided to einstein sum function than specified in the "
                         "subscripts string")
    return [_parse_term(t, f"operand {k}") for k, t in enumerate(terms)], out


def _sublist(labels: Any) -> list:
    out = []
    for x in labels:
        if x is Ellipsis:
            out.append(Ellipsis)
            continue
        if not isinstance(x, (int, np.integer)) or isinstance(x, bool) or not 0 <= x < 52:
            raise ValueError("subscript is not within the valid range [0, 52)")
        out.append(int(x))
    return out


def _split(operands: tuple) -> tuple[list, tuple]:
    """(arrays, the subscripts as a hashable key: the string, or the sublists and output)."""
    if not operands:
        raise ValueError("No input operands")
    if isinstance(operands[0], str):
        return list(operands[1:]), (operands[0],)
    arrays = list(operands[0::2])
    lists = [tuple(x) for x in operands[1::2]]
    out = None
    if len(arrays) > len(lists):  # an odd count: the last item is the output sublist
        out = tuple(arrays.pop())
    return arrays, (tuple(lists), out)


@functools.lru_cache(maxsize=512)
def _plan(form: tuple, shapes: tuple) -> tuple[tuple, tuple]:
    """The entry's canonical labels (0, 1, ... per operand, and the output's) for numpy's
    subscripts ``form`` on operands of these shapes; numpy's errors for malformed ones."""
    if len(form) == 1:
        subs, out = _parse_string(form[0], len(shapes))
    else:
        lists, out = form
        subs = [_sublist(x) for x in lists]
        out = None if out is None else _sublist(out)
        if len(subs) != len(shapes):
            raise ValueError("einsum: each operand needs a sublist")
    full, labels_out = _expand(shapes, subs, out)
    full = _unbroadcast_labels(shapes, full)
    names: dict = {}
    canon = tuple(tuple(names.setdefault(x, len(names)) for x in labels)
                  for labels in (*full, labels_out))
    return canon[:-1], canon[-1]


def _expand(shapes: tuple, subs: list, out: list | None) -> tuple[list, tuple]:
    """Ellipses as explicit labels, the implicit output made explicit, numpy's checks."""
    dims = [len(s) for s in shapes]
    widths = []
    for k, (labels, nd) in enumerate(zip(subs, dims)):
        named = len(labels) - (Ellipsis in labels)
        if Ellipsis not in labels and named != nd:
            raise ValueError("operand has more dimensions than subscripts given in einstein sum, "
                             "but no '...' ellipsis provided to broadcast the extra dimensions."
                             if named < nd else "einstein sum subscripts string contains too "
                             f"many subscripts for operand {k}")
        if named > nd:
            raise ValueError(f"einstein sum subscripts string contains too many subscripts for "
                             f"operand {k}")
        widths.append(nd - named)
    width = max(widths, default=0)
    dots = [("...", j) for j in range(width)]
    full = []
    for labels, w in zip(subs, widths):
        expanded: list = []
        for x in labels:
            expanded.extend(dots[width - w:] if x is Ellipsis else [x])
        full.append(expanded)
    if out is None:
        counts: dict = {}
        for labels in subs:
            for x in labels:
                if x is not Ellipsis:
                    counts[x] = counts.get(x, 0) + 1
        labels_out = tuple(dots) + tuple(sorted(x for x, n in counts.items() if n == 1))
    else:
        if Ellipsis not in out and width:
            raise ValueError("output has more dimensions than subscripts given in einstein sum, "
                             "but no '...' ellipsis provided to broadcast the extra dimensions.")
        labels_out = tuple(y for x in out for y in (dots if x is Ellipsis else [x]))
        seen_in = {x for labels in full for x in labels}
        for x in labels_out:
            if labels_out.count(x) > 1:
                raise ValueError(f"einstein sum subscripts string includes output subscript "
                                 f"'{x}' multiple times")
            if x not in seen_in:
                raise ValueError(f"einstein sum subscripts string included output subscript "
                                 f"'{x}' which never appeared in an input")
    return full, labels_out


def _unbroadcast_labels(shapes: tuple, subs: list) -> list:
    """A label whose axes in one operand all have length 1 while another operand's axis has a
    different length is broadcast by numpy: give that operand's axes a label of its own."""
    lengths: dict = {}
    for s, labels in zip(shapes, subs):
        for x, n in zip(labels, s):
            lengths.setdefault(x, set()).add(n)
    result = []
    for k, (s, labels) in enumerate(zip(shapes, subs)):
        mine: dict = {}
        for x, n in zip(labels, s):
            mine.setdefault(x, set()).add(n)
        renamed = {x: ("broadcast", k, x) for x, ns in mine.items()
                   if ns == {1} and lengths[x] != {1}}
        result.append([renamed.get(x, x) for x in labels])
    return result


def _einsum_keywords(kwargs: dict) -> None:
    for keyword, value in kwargs.items():
        if keyword == "dtype":
            float_dtype("numpy.einsum", value)
        elif keyword == "casting":
            if value not in _CASTINGS:
                raise ValueError("casting must be one of 'no', 'equiv', 'safe', 'same_kind', or "
                                 "'unsafe'")
        elif keyword == "order":
            if value not in ("C", "F", "A", "K", None):
                raise ValueError(f"order must be one of 'C', 'F', 'A', or 'K' (got {value!r})")
        else:
            raise TypeError(f"einsum() got an unexpected keyword argument '{keyword}'")


def einsum(*operands: Any, out: Any = None, optimize: Any = False, **kwargs: Any) -> Any:
    """numpy.einsum: subscripts strings (explicit or implicit output, ``...``) or the
    interleaved form ``einsum(a, [0, 1], b, [1, 2], [0, 2])``; any number of operands.

    ``optimize`` is honoured (it chooses the contraction order; the values are the same up to
    rounding). Of numpy's further keywords, ``dtype`` must be a float type (dualdiff computes in
    float64), ``casting`` and ``order`` are accepted and change nothing for float64 values;
    ``out=`` is refused.
    """
    no_out("numpy.einsum", out)
    _einsum_keywords(kwargs)
    arrays, form = _split(operands)
    subs, labels_out = _plan(form, tuple(shape(a) for a in arrays))
    return bind(_einsum, tuple(arrays), {"subs": subs, "out": labels_out, "optimize": optimize})


_einsum = variadic(
    "einsum", _einsum_impl, _einsum_jvp, _einsum_transpose_at,
    einsum,
    doc="multilinear: the JVP puts each tangent in its operand's place; the VJP of an operand "
        "contracts the cotangent with the other operands, broadcast along indices only it has "
        "and embedded on its repeated indices' diagonals",
    samples=lambda rng: (rng.normal(size=(2, 3)), rng.normal(size=(3, 4, 4)),
                         rng.normal(size=(4, 2))),
    sample_call=lambda a, b, c: einsum("ij,jkk,kl->il", a, b, c), numpy=[np.einsum])


# ---------------------------------------------------------------------------
# Products built on matmul, reshape and the elementwise entries
# ---------------------------------------------------------------------------

def _axes_list(axes: Any) -> list:
    try:
        return list(axes)
    except TypeError:
        return [axes]


def tensordot(a: Any, b: Any, axes: Any = 2) -> Any:
    """numpy.tensordot (``axes`` an int or a pair of axis sequences), as transpose + reshape +
    matmul: one BLAS matrix product whatever the ranks."""
    try:
        iter(axes)
    except TypeError:
        n = int(axes)
        axes_a, axes_b = list(range(-n, 0)), list(range(0, n))
    else:
        axes_a, axes_b = axes
    axes_a, axes_b = _axes_list(axes_a), _axes_list(axes_b)
    sa, sb = shape(a), shape(b)
    if len(axes_a) != len(axes_b):
        raise ValueError("shape-mismatch for sum")
    axes_a = list(normalize_axes(axes_a, len(sa), "tensordot")) if axes_a else []
    axes_b = list(normalize_axes(axes_b, len(sb), "tensordot")) if axes_b else []
    if any(sa[i] != sb[j] for i, j in zip(axes_a, axes_b)):
        raise ValueError("shape-mismatch for sum")
    free_a = [k for k in range(len(sa)) if k not in axes_a]
    free_b = [k for k in range(len(sb)) if k not in axes_b]
    inner_size = math.prod(sa[k] for k in axes_a)
    left = reshape(transpose(a, free_a + axes_a),
                   (math.prod(sa[k] for k in free_a), inner_size))
    right = reshape(transpose(b, axes_b + free_b),
                    (inner_size, math.prod(sb[k] for k in free_b)))
    return reshape(matmul(left, right), tuple(sa[k] for k in free_a) + tuple(sb[k] for k in free_b))


def inner(a: Any, b: Any, /) -> Any:
    """numpy.inner: a product with a scalar, else a tensordot over both last axes."""
    if ndim(a) == 0 or ndim(b) == 0:
        return mul(a, b)
    return tensordot(a, b, ([-1], [-1]))


def outer(a: Any, b: Any, out: Any = None) -> Any:
    """numpy.outer: both operands flattened, then a broadcast product (column times row)."""
    no_out("numpy.outer", out)
    return mul(reshape(a, (-1, 1)), reshape(b, (1, -1)))


def vdot(a: Any, b: Any, /) -> Any:
    """numpy.vdot for real operands: the flattened operands' dot product (a matmul)."""
    return matmul(reshape(a, (-1,)), reshape(b, (-1,)))


def kron(a: Any, b: Any) -> Any:
    """numpy.kron: the operands reshaped to interleaved axes, multiplied, reshaped back."""
    na, nb = ndim(a), ndim(b)
    if na == 0 or nb == 0:
        return mul(a, b)
    nd = max(na, nb)
    sa = (1,) * (nd - na) + shape(a)
    sb = (1,) * (nd - nb) + shape(b)
    left = reshape(a, tuple(x for n in sa for x in (n, 1)))
    right = reshape(b, tuple(x for n in sb for x in (1, n)))
    return reshape(mul(left, right), tuple(m * n for m, n in zip(sa, sb)))


def _component(x: Any, k: int) -> Any:
    return getitem(x, (Ellipsis, k))


def cross(a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1,
          axis: int | None = None) -> Any:
    """numpy.cross of 3-vectors (and numpy's deprecated 2-vectors), from products of the
    components: ``axisa``/``axisb`` say where the vectors lie, ``axisc`` where the result's do,
    ``axis`` sets all three."""
    if axis is not None:
        axisa = axisb = axisc = axis
    if ndim(a) < 1 or ndim(b) < 1:
        raise ValueError("At least one array has zero dimension")
    (axisa,) = _axis_index(axisa, ndim(a), "axisa")
    (axisb,) = _axis_index(axisb, ndim(b), "axisb")
    a = moveaxis(a, axisa, -1)
    b = moveaxis(b, axisb, -1)
    na, nb = shape(a)[-1], shape(b)[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n"
                         "(dimension must be 2 or 3)")
    if na == 2 or nb == 2:
        warnings.warn("Arrays of 2-dimensional vectors are deprecated. Use arrays of "
                      "3-dimensional vectors instead. (deprecated in NumPy 2.0)",
                      DeprecationWarning, stacklevel=2)
    a0, a1 = _component(a, 0), _component(a, 1)
    b0, b1 = _component(b, 0), _component(b, 1)
    c2 = sub(mul(a0, b1), mul(a1, b0))
    if na == 2 and nb == 2:
        return c2
    batch = np.broadcast_shapes(shape(a)[:-1], shape(b)[:-1])
    (axisc,) = _axis_index(axisc, len(batch) + 1, "axisc")
    if na == 3 and nb == 3:
        a2, b2 = _component(a, 2), _component(b, 2)
        c0 = sub(mul(a1, b2), mul(a2, b1))
        c1 = sub(mul(a2, b0), mul(a0, b2))
    elif na == 2:
        b2 = _component(b, 2)
        c0, c1 = mul(a1, b2), neg(mul(a0, b2))
    else:
        a2 = _component(a, 2)
        c0, c1 = neg(mul(a2, b1)), mul(a2, b0)
    parts = [c if shape(c) == batch else broadcast_to(c, batch) for c in (c0, c1, c2)]
    return moveaxis(stack(parts, axis=-1), -1, axisc)


def _axis_index(axis: Any, nd: int, name: str) -> tuple[int]:
    try:
        return normalize_axes(int(axis), nd, name)
    except AxisError:
        raise AxisError(f"{name}: axis {axis} is out of bounds for array of dimension {nd}") \
            from None


NUMPY_FUNCTIONS = {np.tensordot: tensordot, np.inner: inner, np.outer: outer,
                   np.vdot: vdot, np.kron: kron, np.cross: cross}
"""numpy functions answered by the composites above (einsum's entry declares its own)."""
