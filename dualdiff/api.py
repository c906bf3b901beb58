"""The transformations, with JAX's names, argument order and semantics.

Forward mode: :func:`jvp`, :func:`jacfwd`, :func:`derivative`.
Reverse mode: :func:`grad`, :func:`value_and_grad`, :func:`vjp`, :func:`jacrev`.
Both: :func:`hessian` and :func:`hvp` (forward over reverse).

Each call takes a fresh level, so transformations nest freely: an outer
call's values are constants to an inner one (no perturbation confusion).
"""

from __future__ import annotations

import functools
import math
from typing import Any, Callable, Sequence

import numpy as np

from . import primitives as P
from .core import F64, lift, ndim, new_level, primal, shape
from .dual import Dual, new_dual
from .tape import Tape, Var, zeros_like_value
from .tree import flatten

ArgNums = int | Sequence[int]


def _lift_arg(x: Any, what: str) -> Any:
    try:
        return lift(x)
    except TypeError as exc:
        raise TypeError(f"{what} is not numeric: {exc}") from None


def _argnum_tuple(argnums: ArgNums, nargs: int) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, (int, np.integer)) else tuple(argnums)
    for n in nums:
        if not -nargs <= n < nargs:
            raise ValueError(f"argnums {n} is out of range for a call with {nargs} arguments")
    return tuple(int(n) % nargs for n in nums)


def _zeros(s: tuple, batch: int | None) -> Any:
    if batch is not None:
        return np.zeros((batch,) + s)
    return 0.0 if s == () else np.zeros(s)


def _split_output(out: Any, level: int, batch: int | None = None) -> tuple[Any, Any]:
    """(value, tangent) pytrees of an output; leaves not carrying ``level`` get a zero tangent."""
    leaves, rebuild = flatten(out)
    values, tangents = [], []
    for leaf in leaves:
        if isinstance(leaf, Dual) and leaf._level == level:
            values.append(leaf.value)
            tangents.append(leaf.tangent)
        else:
            values.append(leaf)
            tangents.append(_zeros(shape(leaf), batch))
    return rebuild(values), rebuild(tangents)


# ---------------------------------------------------------------------------
# Forward mode
# ---------------------------------------------------------------------------

def jvp(f: Callable, primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    """One forward pass: ``(f(*primals), J·tangents)``.

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
    plain_args = []
    for p, t in zip(primals, tangents):
        tp = type(p)
        if tp is not type(t) or not (tp is float or (
                tp is np.ndarray and p.dtype is F64 and t.dtype is F64 and p.shape == t.shape)):
            break
        plain_args.append(new_dual(p, t, level))
    else:  # floats, or float64 arrays with unbatched tangents: no pytree handling needed
        out = f(*plain_args)
        if type(out) is Dual and out._level == level:
            return out.value, out.tangent
        return _split_output(out, level)
    args = []
    batch = None
    for i, (p, t) in enumerate(zip(primals, tangents)):
        p_leaves, rebuild = flatten(p)
        t_leaves, _ = flatten(t)
        if len(p_leaves) != len(t_leaves):
            raise ValueError(f"tangent {i} does not have the structure of primal {i}")
        duals = []
        for pv, tv in zip(p_leaves, t_leaves):
            pv = _lift_arg(pv, f"primal {i}")
            tv = _lift_arg(tv, f"tangent {i}")
            ps, ts = shape(pv), shape(tv)
            if ts == ps:
                pass
            elif ts[1:] == ps:
                batch = ts[0]
            else:
                raise ValueError(f"tangent {i} has shape {ts}, primal {i} has shape {ps}")
            duals.append(new_dual(pv, tv, level))
        args.append(rebuild(duals))
    return _split_output(f(*args), level, batch)


def _input_leaves(args: tuple, nums: tuple[int, ...]) -> tuple[list[tuple[list, Callable]], list]:
    """Per differentiated argument its lifted leaves and structure, and all leaves in flat order."""
    trees = []
    for i in nums:
        leaves, rebuild = flatten(args[i])
        trees.append(([_lift_arg(x, f"argument {i}") for x in leaves], rebuild))
    return trees, [x for leaves, _ in trees for x in leaves]


def _with_leaves(args: tuple, nums: tuple[int, ...], trees: list, new_leaves: list) -> list:
    """``args`` with the differentiated arguments rebuilt from ``new_leaves`` (in flat order)."""
    call = list(args)
    pos = 0
    for i, (leaves, rebuild) in zip(nums, trees):
        call[i] = rebuild(new_leaves[pos:pos + len(leaves)])
        pos += len(leaves)
    return call


def _assemble(jac: Callable[[int, int], Any], out_leaves: list, out_rebuild: Callable,
              trees: list, single: bool) -> Any:
    """JAX's layout: per argument, the output structure holding the input structure of Jacobians."""
    results, flat_index = [], 0
    for leaves, rebuild in trees:
        ks = range(flat_index, flat_index + len(leaves))
        flat_index += len(leaves)
        results.append(out_rebuild([rebuild([jac(o, k) for k in ks])
                                    for o in range(len(out_leaves))]))
    return results[0] if single else tuple(results)


def jacfwd(f: Callable, argnums: ArgNums = 0, chunk: int | None = None) -> Callable:
    """Jacobian by forward mode: all directions batched in one pass (or ``chunk`` at a time).

    The Jacobian of an output of shape ``S`` with respect to an input of
    shape ``X`` has shape ``S + X``. With a tuple ``argnums`` the result is a
    tuple, one Jacobian per argument, still from one batched pass. Arguments
    and outputs may be tuples/lists/dicts of arrays, laid out as JAX does.
    """
    if chunk is not None and int(chunk) < 1:
        raise ValueError("chunk must be a positive number of directions")
    single = isinstance(argnums, (int, np.integer))

    @functools.wraps(f)
    def jacobian(*args: Any) -> Any:
        nums = _argnum_tuple(argnums, len(args))
        trees, flat = _input_leaves(args, nums)
        sizes = [int(np.size(primal(x))) for x in flat]
        offsets = np.cumsum([0] + sizes)
        total = int(offsets[-1])
        step = max(total if chunk is None else int(chunk), 1)
        pieces = []
        out_values = None
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
            out = f(*_with_leaves(args, nums, trees, seeded))
            out_values, tangents = _split_output(out, level, stop - start)
            pieces.append(flatten(tangents)[0])
        out_leaves, out_rebuild = flatten(out_values)

        def jac(o: int, k: int) -> Any:
            parts = [piece[o] for piece in pieces]
            t = parts[0] if len(parts) == 1 else P.concatenate(parts)
            if sizes[k] != total:
                t = P.getitem(t, slice(int(offsets[k]), int(offsets[k + 1])))
            # (directions, *out) -> (*out, directions): the Jacobian's layout, out.shape + in.shape
            t = P.transpose(t, tuple(range(1, ndim(t))) + (0,)) if ndim(t) > 1 else t
            return P.reshape(t, shape(out_leaves[o]) + shape(flat[k]))

        return _assemble(jac, out_leaves, out_rebuild, trees, single)

    return jacobian


def derivative(f: Callable, order: int = 1) -> Callable:
    """The ``order``-th derivative of a scalar function of a scalar, by nested forward mode.

    Extra positional arguments are passed through as constants:
    ``derivative(f, 2)(x, a)`` differentiates ``f(x, a)`` twice in ``x``.
    """
    if int(order) != order or order < 0:
        raise ValueError(f"order must be a non-negative integer, got {order!r}")
    if order == 0:
        return f
    inner = derivative(f, order - 1)

    @functools.wraps(f)
    def df(x: Any, *rest: Any) -> Any:
        if shape(x) != ():
            raise TypeError(f"derivative() is for scalar inputs; got shape {shape(x)} "
                            "(use jacfwd or grad)")
        return jvp(lambda y: inner(y, *rest), (x,), (1.0,))[1]
    return df


# ---------------------------------------------------------------------------
# Reverse mode
# ---------------------------------------------------------------------------

def _record(tape: Tape, args: tuple, nums: tuple[int, ...]) -> tuple[list, dict]:
    """Replace the differentiated arguments by tape leaves; returns (call args, leaf trees)."""
    call = list(args)
    leaves = {}
    for i in nums:
        items, rebuild = flatten(args[i])
        vars_ = [tape.leaf(_lift_arg(v, f"argument {i}")) for v in items]
        leaves[i] = (vars_, rebuild)
        call[i] = rebuild(vars_)
    return call, leaves


def _owned(g: Any) -> Any:
    """A gradient the caller may modify: never a read-only broadcast view or a caller's array."""
    if type(g) is np.ndarray and (not g.flags.writeable or g.base is not None):
        return g.copy()
    return g


def _gradients(adj: list, leaves: dict, nums: tuple[int, ...]) -> list:
    grads = []
    for i in nums:
        vars_, rebuild = leaves[i]
        grads.append(rebuild([_owned(adj[v.index]) if adj[v.index] is not None
                              else zeros_like_value(v.value) for v in vars_]))
    return grads


def _value_of(out: Any, tape: Tape) -> Any:
    return out.value if isinstance(out, Var) and out.tape is tape else out


def value_and_grad(f: Callable, argnums: ArgNums = 0, has_aux: bool = False) -> Callable:
    """``(f(*args), ∇f(*args))`` by one forward recording and one backward sweep."""

    single = isinstance(argnums, (int, np.integer))
    simple = (argnums,) if single else tuple(argnums)

    @functools.wraps(f)
    def vg(*args: Any, **kwargs: Any) -> Any:
        tape = Tape()
        if not has_aux and _all_plain(args, simple):
            return _plain_value_and_grad(f, args, kwargs, simple, single, tape)
        nums = _argnum_tuple(argnums, len(args))
        call, leaves = _record(tape, args, nums)
        out = f(*call, **kwargs)
        aux = None
        if has_aux:
            out, aux = out
        _require_scalar(out)
        adj = tape.backward(out, 1.0)
        grads = _gradients(adj, leaves, nums)
        g = grads[0] if isinstance(argnums, (int, np.integer)) else tuple(grads)
        value = _value_of(out, tape)
        return ((value, aux), g) if has_aux else (value, g)

    return vg


def _require_scalar(out: Any) -> None:
    if shape(out) != ():
        raise TypeError(f"grad requires a scalar output, got shape {shape(out)}; "
                        "use jacrev or vjp for non-scalar outputs")


def _all_plain(args: tuple, nums: tuple[int, ...]) -> bool:
    """Are the differentiated arguments all floats or float64 arrays (no pytrees to flatten)?"""
    for i in nums:
        if not 0 <= i < len(args):
            return False
        x = args[i]
        if type(x) is not float and not (type(x) is np.ndarray and x.dtype is F64):
            return False
    return True


def _plain_value_and_grad(f: Callable, args: tuple, kwargs: dict, nums: tuple[int, ...],
                          single: bool, tape: Tape) -> tuple:
    """The common case of float / float64-array arguments, without pytree handling (same result)."""
    call = list(args)
    for i in nums:
        call[i] = tape.leaf(args[i])
    out = f(*call, **kwargs)
    _require_scalar(out)
    adj = tape.backward(out, 1.0)
    grads = []
    for i in nums:
        g = adj[call[i].index]
        grads.append(zeros_like_value(args[i]) if g is None else _owned(g))
    return _value_of(out, tape), grads[0] if single else tuple(grads)


def grad(f: Callable, argnums: ArgNums = 0, has_aux: bool = False) -> Callable:
    """The gradient of a scalar function by reverse mode (backpropagation)."""
    vg = value_and_grad(f, argnums, has_aux)

    @functools.wraps(f)
    def g(*args: Any, **kwargs: Any) -> Any:
        (_, aux), gr = vg(*args, **kwargs) if has_aux else ((None, None), vg(*args, **kwargs)[1])
        return (gr, aux) if has_aux else gr
    return g


def vjp(f: Callable, *primals: Any) -> tuple[Any, Callable]:
    """``(f(*primals), vjp_fn)``: ``vjp_fn(cotangent)`` returns a tuple, one cotangent per primal.

    The forward pass is recorded once; every call of ``vjp_fn`` is one
    backward sweep over the same tape.
    """
    tape = Tape()
    nums = tuple(range(len(primals)))
    call, leaves = _record(tape, primals, nums)
    out = f(*call)
    out_leaves, rebuild = flatten(out)
    value = rebuild([_value_of(o, tape) for o in out_leaves])

    def vjp_fn(cotangent: Any) -> tuple:
        ct_leaves, _ = flatten(cotangent)
        if len(ct_leaves) != len(out_leaves):
            raise ValueError("the cotangent must have the structure of the output")
        seeds = {}
        for o, ct in zip(out_leaves, ct_leaves):
            ct = _lift_arg(ct, "cotangent")
            if type(ct) is np.ndarray:
                ct = ct.copy()  # the gradient may be this very array (f returning its input)
            if shape(ct) != shape(o):
                raise ValueError(f"cotangent of shape {shape(ct)} for an output of shape {shape(o)}")
            if isinstance(o, Var) and o.tape is tape:
                seeds[o.index] = ct if o.index not in seeds else seeds[o.index] + ct
        adj = tape.backward_many(seeds)
        return tuple(_gradients(adj, leaves, nums))

    return value, vjp_fn


def jacrev(f: Callable, argnums: ArgNums = 0) -> Callable:
    """Jacobian by reverse mode: one recording, one backward sweep per output element.

    Layout and pytree handling as :func:`jacfwd`.
    """
    single = isinstance(argnums, (int, np.integer))

    @functools.wraps(f)
    def jacobian(*args: Any) -> Any:
        nums = _argnum_tuple(argnums, len(args))
        trees, flat = _input_leaves(args, nums)

        def g(*leaves):
            return f(*_with_leaves(args, nums, trees, list(leaves)))

        out, pullback = vjp(g, *flat)
        out_leaves, out_rebuild = flatten(out)
        rows: dict[tuple[int, int], list] = {}
        for o, leaf in enumerate(out_leaves):
            m = math.prod(shape(leaf))
            for r in range(m):
                cts = [zeros_like_value(x) for x in out_leaves]
                basis = np.zeros(m)
                basis[r] = 1.0
                cts[o] = basis.reshape(shape(leaf)) if shape(leaf) else 1.0
                for k, c in enumerate(pullback(out_rebuild(cts))):
                    rows.setdefault((o, k), []).append(c)

        def jac(o: int, k: int) -> Any:
            target = shape(out_leaves[o]) + shape(flat[k])
            found = rows.get((o, k))
            return P.reshape(P.stack(found), target) if found else np.zeros(target)

        return _assemble(jac, out_leaves, out_rebuild, trees, single)

    return jacobian


def hessian(f: Callable, argnums: ArgNums = 0) -> Callable:
    """The Hessian by forward over reverse: ``jacfwd(grad(f))``, all directions in one pass."""
    return jacfwd(grad(f, argnums), argnums)


def hvp(f: Callable, primals: Sequence[Any], tangents: Sequence[Any]) -> Any:
    """Hessian–vector product ``H·v`` by forward over reverse, without forming ``H``."""
    nums = tuple(range(len(primals)))
    g = grad(f, argnums=nums if len(nums) > 1 else 0)
    return jvp(g, tuple(primals), tuple(tangents))[1]
