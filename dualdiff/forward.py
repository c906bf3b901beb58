"""Forward-mode transformations: :func:`jvp`, :func:`jacfwd`, :func:`derivative`.

Each call takes a fresh level and seeds the inputs as :class:`~dualdiff.dual.Dual`
numbers of that level; a batch of directions travels as a leading axis of the
tangent, so a whole Jacobian is one pass. Keyword arguments of ``f`` pass
through undifferentiated, as in JAX; ``has_aux=True`` returns the auxiliary
output as plain values.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

import numpy as np

from . import primitives as P
from .arguments import (ArgNums, argnum_tuple, assemble, check_output, input_leaves, lift_argument,
                        split_aux, strip_level, with_leaves, zeros)
from .core import F64, new_level, ndim, primal, release, shape
from .dual import Dual, new_dual
from .tree import flatten


def _split_output(out: Any, level: int, batch: int | None = None) -> tuple[Any, Any]:
    """(value, tangent) pytrees of an output; leaves not carrying ``level`` get a zero tangent."""
    leaves, rebuild = flatten(out, none_is_leaf=False)
    values, tangents = [], []
    for leaf in leaves:
        if isinstance(leaf, Dual) and leaf._level == level:
            values.append(leaf.value)
            tangents.append(leaf.tangent)
        else:
            values.append(leaf)
            tangents.append(zeros(shape(leaf), batch))
    return rebuild(values), rebuild(tangents)


def _own(level: int) -> Callable[[Any], bool]:
    return lambda box: isinstance(box, Dual) and box._level == level


def _finish(out: Any, level: int, batch: int | None, has_aux: bool) -> Any:
    if has_aux:
        out, aux = split_aux(out, "jvp")
    check_output(out, "jvp")
    if type(out) is Dual and out._level == level:
        result = (out.value, out.tangent)
    else:
        result = _split_output(out, level, batch)
    return (*result, strip_level(aux, _own(level))) if has_aux else result


def jvp(f: Callable, primals: Sequence[Any], tangents: Sequence[Any],
        has_aux: bool = False) -> tuple[Any, ...]:
    """One forward pass: ``(f(*primals), J·tangents)`` (and ``aux`` with ``has_aux=True``).

    ``primals`` and ``tangents`` are tuples with one entry per argument of
    ``f`` (each a float, an array, or a tuple/list/dict of them); a tangent has
    the primal's shape, or a leading axis of directions for a batched pass.
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp(f, primals, tangents): primals and tangents must be tuples, "
                        "e.g. jvp(f, (x,), (v,))")
    if len(primals) != len(tangents):
        raise ValueError(f"jvp got {len(primals)} primals but {len(tangents)} tangents")
    level = new_level()
    try:
        return _jvp(f, primals, tangents, has_aux, level)
    finally:
        release(level)


def _jvp(f: Callable, primals: Sequence[Any], tangents: Sequence[Any], has_aux: bool,
         level: int) -> tuple[Any, ...]:
    plain_args = []
    for p, t in zip(primals, tangents):
        tp = type(p)
        if tp is not type(t) or not (tp is float or (
                tp is np.ndarray and p.dtype is F64 and t.dtype is F64 and p.shape == t.shape
                and p.ndim)):
            break
        plain_args.append(new_dual(p, t, level))
    else:  # floats, or float64 arrays with unbatched tangents: no pytree handling needed
        out = f(*plain_args)
        if not has_aux and type(out) is Dual and out._level == level and (
                type(out.value) is float or type(out.value) is np.ndarray):
            return out.value, out.tangent
        return _finish(out, level, None, has_aux)
    args = []
    batch = None
    for i, (p, t) in enumerate(zip(primals, tangents)):
        p_leaves, rebuild = flatten(p, none_is_leaf=p is None)
        t_leaves, _ = flatten(t, none_is_leaf=t is None)
        if len(p_leaves) != len(t_leaves):
            raise ValueError(f"tangent {i} does not have the structure of primal {i}")
        duals = []
        for pv, tv in zip(p_leaves, t_leaves):
            pv = lift_argument(pv, f"primal {i}")
            tv = lift_argument(tv, f"tangent {i}")
            ps, ts = shape(pv), shape(tv)
            if ts == ps:
                pass
            elif ts[1:] == ps:
                batch = ts[0]
            else:
                raise ValueError(f"tangent {i} has shape {ts}, primal {i} has shape {ps}")
            duals.append(new_dual(pv, tv, level))
        args.append(rebuild(duals))
    return _finish(f(*args), level, batch, has_aux)


def jacfwd(f: Callable, argnums: ArgNums = 0, has_aux: bool = False, *,
           chunk: int | None = None) -> Callable:
    """Jacobian by forward mode: all directions batched in one pass (or ``chunk`` at a time).

    The positional order is JAX's (``jacfwd(f, 0, True)`` means ``has_aux=True``); ``chunk``,
    which JAX does not have, is keyword-only so such a call cannot silently set it instead.

    The Jacobian of an output of shape ``S`` with respect to an input of
    shape ``X`` has shape ``S + X``. With a tuple ``argnums`` the result is a
    tuple, one Jacobian per argument, still from one batched pass. Arguments
    and outputs may be tuples/lists/dicts of arrays, laid out as JAX does.
    With ``has_aux=True`` the result is ``(jacobian, aux)``.
    """
    if chunk is not None and int(chunk) < 1:
        raise ValueError("chunk must be a positive number of directions")
    single = isinstance(argnums, (int, np.integer))

    @functools.wraps(f)
    def jacobian(*args: Any, **kwargs: Any) -> Any:
        nums = argnum_tuple(argnums, len(args))
        trees, flat = input_leaves(args, nums)
        sizes = [int(np.size(primal(x))) for x in flat]
        offsets = np.cumsum([0] + sizes)
        total = int(offsets[-1])
        step = max(total if chunk is None else int(chunk), 1)
        pieces = []
        out_values = aux = None
        for start in range(0, max(total, 1), step):
            stop = min(start + step, total)
            level = new_level()
            seeded = []
            for k, x in enumerate(flat):
                lo, hi = max(start, offsets[k]), min(stop, offsets[k + 1])
                if lo >= hi:
                    seeded.append(x)
                    continue
                if stop - start == sizes[k] == hi - lo:
                    seed = np.eye(sizes[k])  # this chunk is exactly this input's directions
                else:
                    seed = np.zeros((stop - start, sizes[k]))
                    rows = np.arange(lo, hi)
                    seed[rows - start, rows - offsets[k]] = 1.0
                seeded.append(new_dual(x, seed.reshape((stop - start,) + shape(x)), level))
            try:
                out = f(*with_leaves(args, nums, trees, seeded), **kwargs)
                if has_aux:
                    out, aux = split_aux(out, "jacfwd")
                    aux = strip_level(aux, _own(level))
                check_output(out, "jacfwd")
            finally:
                release(level)
            out_values, tangents = _split_output(out, level, stop - start)
            pieces.append(flatten(tangents, none_is_leaf=False)[0])
        out_leaves, out_rebuild = flatten(out_values, none_is_leaf=False)

        def jac(o: int, k: int) -> Any:
            parts = [piece[o] for piece in pieces]
            t = parts[0] if len(parts) == 1 else P.concatenate(parts)
            if sizes[k] != total:
                t = P.getitem(t, slice(int(offsets[k]), int(offsets[k + 1])))
            # (directions, *out) -> (*out, directions): the Jacobian's layout, out.shape + in.shape
            t = P.transpose(t, tuple(range(1, ndim(t))) + (0,)) if ndim(t) > 1 else t
            return P.reshape(t, shape(out_leaves[o]) + shape(flat[k]))

        result = assemble(jac, out_leaves, out_rebuild, trees, single)
        return (result, aux) if has_aux else result

    return jacobian


def derivative(f: Callable, order: int = 1) -> Callable:
    """The ``order``-th derivative of a scalar function of a scalar, by nested forward mode.

    Extra positional and keyword arguments are passed through as constants:
    ``derivative(f, 2)(x, a, scale=2)`` differentiates ``f(x, a, scale=2)`` twice in ``x``.
    """
    if int(order) != order or order < 0:
        raise ValueError(f"order must be a non-negative integer, got {order!r}")
    if order == 0:
        return f
    inner = derivative(f, order - 1)

    @functools.wraps(f)
    def df(x: Any, *rest: Any, **kwargs: Any) -> Any:
        if shape(x) != ():
            raise TypeError(f"derivative() is for scalar inputs; got shape {shape(x)} "
                            "(use jacfwd or grad)")
        return jvp(lambda y: inner(y, *rest, **kwargs), (x,), (1.0,))[1]
    return df
