"""Reverse-mode transformations: :func:`grad`, :func:`value_and_grad`, :func:`vjp`, :func:`jacrev`.

Each call records ``f`` once on a fresh :class:`~dualdiff.tape.Tape` and sweeps
back. A batch of cotangents (a leading axis, the mirror of forward mode's batched
tangents) goes back in *one* sweep: the cotangents travel as the tangent of a
:class:`~dualdiff.dual.Dual` whose value is zero, so every VJP rule, being
linear in its cotangent, maps all of them at once through the JVP rules' own
batching (:func:`backward_batched`). That is how :func:`jacrev` gets a whole
Jacobian from one sweep.
"""

from __future__ import annotations

import functools
import math
import warnings
from typing import Any, Callable

import numpy as np

from . import primitives as P
from .arguments import (ArgNums, argnum_tuple, assemble, check_output, input_leaves, lift_argument,
                        split_aux, strip_level, with_leaves, zeros)
from .core import COTANGENT_BATCH_LEVELS, F64, Box, RowSweepNeeded, new_level, release, shape
from .dual import Dual, new_dual
from .tape import Tape, Var, zeros_like_value
from .tree import flatten


def _record(tape: Tape, args: tuple, nums: tuple[int, ...]) -> tuple[list, dict]:
    """Replace the differentiated arguments by tape leaves; returns (call args, leaf trees)."""
    call = list(args)
    leaves = {}
    for i in nums:
        items, rebuild = flatten(args[i], none_is_leaf=args[i] is None)
        vars_ = [tape.leaf(lift_argument(v, f"argument {i}")) for v in items]
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


def _own(tape: Tape) -> Callable[[Any], bool]:
    return lambda box: isinstance(box, Var) and box.tape is tape


class NonScalarOutput(TypeError):
    """grad's refusal of a non-scalar output; :func:`~dualdiff.hessian` catches it to fall
    back on jacrev (JAX's hessian takes any output)."""


def _require_scalar(out: Any, transform: str) -> None:
    """grad needs one number out (a size-1 array counts, as in autograd)."""
    if isinstance(out, (tuple, list, dict)):
        raise NonScalarOutput(
            f"{transform} needs a scalar output, but the function returned a "
            f"{type(out).__name__} of {len(out)}; if the rest is auxiliary data pass "
            "has_aux=True and return (loss, aux); for several outputs use jacrev or vjp")
    check_output(out, transform)
    if math.prod(shape(out)) != 1:
        raise NonScalarOutput(f"{transform} needs a scalar output, got shape {shape(out)}; "
                              "use jacrev or vjp for non-scalar outputs")


def _independent(out: Any, tape: Tape, transform: str) -> None:
    """Warn when the output is a constant (a comparison, a value without the inputs):
    its gradient is zero, which is right but rarely what was meant."""
    if not isinstance(out, Box):  # a box of another level: an outer transformation's value
        warnings.warn(f"{transform}: the output does not depend on the differentiated inputs "
                      f"(it is {type(out).__name__} {out!r:.40}); the gradient is zero",
                      stacklevel=3)


def _seed(out: Any) -> Any:
    s = shape(out)
    return 1.0 if s == () else np.ones(s)


def value_and_grad(f: Callable, argnums: ArgNums = 0, has_aux: bool = False) -> Callable:
    """``(f(*args), ∇f(*args))`` by one forward recording and one backward sweep.

    With ``has_aux=True``, ``f`` returns ``(loss, aux)`` and the result is
    ``((loss, aux), gradient)``, aux as plain values. Keyword arguments of ``f``
    pass through undifferentiated.
    """
    single = isinstance(argnums, (int, np.integer))
    simple = (argnums,) if single else tuple(argnums)

    @functools.wraps(f)
    def vg(*args: Any, **kwargs: Any) -> Any:
        tape = Tape()
        try:
            if not has_aux and _all_plain(args, simple):
                return _plain_value_and_grad(f, args, kwargs, simple, single, tape)
            return recorded(tape, args, kwargs)
        finally:
            tape.finished = True

    def recorded(tape: Tape, args: tuple, kwargs: dict) -> Any:
        nums = argnum_tuple(argnums, len(args))
        call, leaves = _record(tape, args, nums)
        out = f(*call, **kwargs)
        aux = None
        if has_aux:
            out, aux = split_aux(out, "grad")
            aux = strip_level(aux, _own(tape))
        _require_scalar(out, "grad")
        _independent(out, tape, "grad")
        adj = tape.backward(out, _seed(out))
        grads = _gradients(adj, leaves, nums)
        g = grads[0] if single else tuple(grads)
        value = _value_of(out, tape)
        return ((value, aux), g) if has_aux else (value, g)

    return vg


def _all_plain(args: tuple, nums: tuple[int, ...]) -> bool:
    """Are the differentiated arguments all floats or float64 arrays (no pytrees to flatten)?"""
    for i in nums:
        if not 0 <= i < len(args):
            return False
        x = args[i]
        if type(x) is not float and not (type(x) is np.ndarray and x.dtype is F64 and x.ndim):
            return False
    return True


def _plain_value_and_grad(f: Callable, args: tuple, kwargs: dict, nums: tuple[int, ...],
                          single: bool, tape: Tape) -> tuple:
    """The common case of float / float64-array arguments, without pytree handling (same result)."""
    call = list(args)
    for i in nums:
        call[i] = tape.leaf(args[i])
    out = f(*call, **kwargs)
    if type(out) is not Var:
        _require_scalar(out, "grad")
        _independent(out, tape, "grad")
    elif out.value.__class__ is not float:
        _require_scalar(out, "grad")
    adj = tape.backward(out, _seed(out))
    grads = []
    for i in nums:
        g = adj[call[i].index]
        grads.append(zeros_like_value(args[i]) if g is None else _owned(g))
    return _value_of(out, tape), grads[0] if single else tuple(grads)


def grad(f: Callable, argnums: ArgNums = 0, has_aux: bool = False) -> Callable:
    """The gradient of a scalar function by reverse mode (backpropagation).

    With ``has_aux=True`` the result is ``(gradient, aux)``.
    """
    vg = value_and_grad(f, argnums, has_aux)

    @functools.wraps(f)
    def g(*args: Any, **kwargs: Any) -> Any:
        if has_aux:
            (_, aux), gr = vg(*args, **kwargs)
            return gr, aux
        return vg(*args, **kwargs)[1]
    return g


# ---------------------------------------------------------------------------
# Pullbacks, one cotangent or a batch of them per sweep
# ---------------------------------------------------------------------------

def backward_batched(tape: Tape, seeds: dict[int, np.ndarray], batch: int) -> list:
    """One sweep for ``batch`` cotangents at once; ``seeds[i]`` has shape ``(batch, *shape_i)``.

    The cotangents ride as the tangent of a zero-valued Dual of a fresh
    level; the result for each node is the tangent (``batch`` rows) or None.
    A rule whose partial is not finite needs each cotangent's own zero
    pattern (a zero cotangent contributes exactly zero), which one batched
    value cannot carry; the sweep then raises :class:`RowSweepNeeded` inside
    and this falls back to one sweep per row.
    """
    level = new_level()
    COTANGENT_BATCH_LEVELS.add(level)
    try:
        duals = {i: new_dual(zeros(g.shape[1:]), g, level) for i, g in seeds.items()}
        adj = tape.backward_many(duals)
        return [a.tangent if isinstance(a, Dual) and a._level == level
                else (None if a is None else _broadcast_rows(a, batch)) for a in adj]
    except RowSweepNeeded:
        per_row = [tape.backward_many({i: g[r] for i, g in seeds.items()}) for r in range(batch)]
        result = []
        for j in range(len(tape)):
            found = [row[j] for row in per_row]
            known = next((c for c in found if c is not None), None)
            result.append(None if known is None else P.stack(
                [np.zeros(shape(known)) if c is None else c for c in found]))
        return result
    finally:
        COTANGENT_BATCH_LEVELS.discard(level)
        release(level)


def _broadcast_rows(a: Any, batch: int) -> Any:
    """A cotangent that ended up constant (no row dependence) repeated for every row."""
    return P.broadcast_to(a, (batch,) + shape(a))


def vjp(f: Callable, *primals: Any, has_aux: bool = False, **kwargs: Any) -> tuple[Any, ...]:
    """``(f(*primals), vjp_fn)`` (and ``aux`` with ``has_aux=True``).

    ``vjp_fn(cotangent)`` returns a tuple, one cotangent per primal, from one
    backward sweep over the recording. A cotangent with a leading axis of
    ``k`` cotangents (shape ``(k, *out.shape)``) is swept back in one batched
    sweep and gives results with the same leading axis. Keyword arguments of
    ``f`` pass through undifferentiated.
    """
    return _vjp(f, primals, has_aux, kwargs, "vjp")


def _vjp(f: Callable, primals: tuple, has_aux: bool, kwargs: dict, transform: str) -> tuple:
    tape = Tape()
    nums = tuple(range(len(primals)))
    try:  # the level is live while f runs; the pullback below only sweeps the recording
        call, leaves = _record(tape, primals, nums)
        out = f(*call, **kwargs)
        if has_aux:
            out, aux = split_aux(out, transform)
            aux = strip_level(aux, _own(tape))
        check_output(out, transform)
    finally:
        tape.finished = True
    out_leaves, rebuild = flatten(out, none_is_leaf=False)
    value = rebuild([_value_of(o, tape) for o in out_leaves])

    def vjp_fn(cotangent: Any) -> tuple:
        ct_leaves, _ = flatten(cotangent, none_is_leaf=False)
        if len(ct_leaves) != len(out_leaves):
            raise ValueError("the cotangent must have the structure of the output")
        seeds: dict[int, Any] = {}
        batch = None
        for o, ct in zip(out_leaves, ct_leaves):
            ct = lift_argument(ct, "cotangent")
            if shape(ct) != shape(o):
                if shape(ct)[1:] != shape(o) or batch not in (None, shape(ct)[0]):
                    raise ValueError(f"cotangent of shape {shape(ct)} for an output of shape "
                                     f"{shape(o)} (a batch of cotangents has a leading axis)")
                batch = shape(ct)[0]
            if isinstance(o, Var) and o.tape is tape:
                seeds[o.index] = ct if o.index not in seeds else seeds[o.index] + ct
        if batch is None:
            seeds = {i: g.copy() if type(g) is np.ndarray else g for i, g in seeds.items()}
            return tuple(_gradients(tape.backward_many(seeds), leaves, nums))
        seeds = {i: (g if shape(g)[:1] == (batch,) and np.ndim(g) == len(shape(tape.outs[i])) + 1
                     else np.broadcast_to(g, (batch,) + shape(tape.outs[i])))
                 for i, g in seeds.items()}
        adj = backward_batched(tape, seeds, batch)
        given = {id(g) for g in seeds.values()}
        adj = [a.copy() if id(a) in given else a for a in adj]  # never hand a seed back
        grads = []
        for i in nums:
            vars_, rebuild = leaves[i]
            grads.append(rebuild([adj[v.index] if adj[v.index] is not None
                                  else zeros(shape(v.value), batch) for v in vars_]))
        return tuple(grads)

    return (value, vjp_fn, aux) if has_aux else (value, vjp_fn)


def jacrev(f: Callable, argnums: ArgNums = 0, has_aux: bool = False) -> Callable:
    """Jacobian by reverse mode: one recording and one batched backward sweep.

    Layout and pytree handling as :func:`~dualdiff.jacfwd`; with
    ``has_aux=True`` the result is ``(jacobian, aux)``.
    """
    single = isinstance(argnums, (int, np.integer))

    @functools.wraps(f)
    def jacobian(*args: Any, **kwargs: Any) -> Any:
        nums = argnum_tuple(argnums, len(args))
        trees, flat = input_leaves(args, nums)

        def g(*leaves: Any) -> Any:
            return f(*with_leaves(args, nums, trees, list(leaves)), **kwargs)

        result = _vjp(g, tuple(flat), has_aux, {}, "jacrev")
        out, pullback = result[0], result[1]
        out_leaves, out_rebuild = flatten(out, none_is_leaf=False)
        sizes = [math.prod(shape(leaf)) for leaf in out_leaves]
        total = sum(sizes)
        offsets = np.cumsum([0] + sizes)
        cotangents = []
        for o, leaf in enumerate(out_leaves):
            if sizes[o] == total:
                ct = np.eye(total)
            else:
                ct = np.zeros((total, sizes[o]))
                ct[offsets[o] + np.arange(sizes[o]), np.arange(sizes[o])] = 1.0
            cotangents.append(ct.reshape((total,) + shape(leaf)))
        rows = pullback(out_rebuild(cotangents)) if total else [np.zeros((0,) + shape(x))
                                                                 for x in flat]

        def jac(o: int, k: int) -> Any:
            block = P.getitem(rows[k], slice(int(offsets[o]), int(offsets[o + 1])))
            return P.reshape(block, shape(out_leaves[o]) + shape(flat[k]))

        jacobians = assemble(jac, out_leaves, out_rebuild, trees, single)
        return (jacobians, result[2]) if has_aux else jacobians

    return jacobian
