"""Reverse mode: a flat tape recorded in evaluation order, swept back once.

Evaluation order is a topological order, so the backward sweep is a plain
loop over the tape in reverse (no recursion: a chain of 10⁶ operations is
fine). Each node keeps what the table's VJP rules need and nothing more; no
derivative is computed while recording, and only for inputs that are on the
tape (constants cost nothing, DESIGN §8.2). A tape belongs to one
``grad``/``vjp`` call (its level); nothing is global, so threads and nested
calls cannot see each other's tapes.

Node layout (compact, DESIGN §8.3): ``(prim, parents, args, out[, params])``.
``parents`` is an int ``j`` when the only input on the tape is argument 0
(the common case: unary ops, ``x * 2``), otherwise a tuple of
``(position, j)`` pairs. ``args`` is the bare value for one-argument
primitives and a tuple otherwise; ``params`` is present only when the
primitive has static parameters (axis, shape, ...). Leaves are
``(None, None, None, value)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import primitives as P
from .core import Box, bind, new_level, primal, shape


class Tape:
    """The nodes of one recorded evaluation (see the module docstring for their layout)."""

    __slots__ = ("level", "nodes", "names")

    def __init__(self, level: int | None = None):
        self.level = new_level() if level is None else level
        self.nodes: list[tuple] = []
        self.names: dict[int, str] = {}

    def leaf(self, value: Any, name: str | None = None) -> "Var":
        """A new input of the recording (optionally named, for traces)."""
        index = len(self.nodes)
        self.nodes.append((None, None, None, value))
        if name is not None:
            self.names[index] = name
        return _new_var(value, index, self)

    def backward(self, output: Any, seed: Any, keep: bool = False) -> list:
        """Sweep back from ``output`` with cotangent ``seed``; returns the adjoint list."""
        if not (isinstance(output, Var) and output.tape is self):
            return [None] * len(self.nodes)
        return self.backward_many({output.index: seed}, keep)

    def backward_many(self, seeds: dict[int, Any], keep: bool = False) -> list:
        """One sweep seeded at several nodes (``vjp`` of a multi-output function).

        Adjoints of intermediate nodes are dropped once consumed unless
        ``keep`` (used for inspection), so memory follows the live frontier.
        """
        adj: list = [None] * len(self.nodes)
        if not seeds:
            return adj
        for index, seed in seeds.items():
            adj[index] = seed
        nodes = self.nodes
        add = P.add
        for i in range(max(seeds), -1, -1):
            g = adj[i]
            if g is None:
                continue
            node = nodes[i]
            prim = node[0]
            if prim is None:
                continue
            if not keep:
                adj[i] = None
            parents, args, out = node[1], node[2], node[3]
            if prim.nargs == 1:
                args = (args,)
            params = node[4] if len(node) > 4 else None
            vjps = prim.vjps
            if type(parents) is int:
                pairs = ((0, parents),)
            else:
                pairs = parents
            for pos, j in pairs:
                c = vjps[pos](g, out, args, params)
                prev = adj[j]
                if prev is None:
                    adj[j] = c
                elif type(prev) is float and type(c) is float:
                    adj[j] = prev + c
                else:
                    adj[j] = add(prev, c)
        return adj

    def records(self, adjoints: list | None = None) -> list["NodeRecord"]:
        """The tape as plain data (for traces and graphs): one record per node."""
        out = []
        for i, node in enumerate(self.nodes):
            prim, parents, args, value = node[:4]
            params = node[4] if len(node) > 4 else None
            inputs: list = []
            if prim is not None:
                args = (args,) if prim.nargs == 1 else args
                from_tape = dict(((0, parents),) if type(parents) is int else parents)
                inputs = [from_tape[pos] if pos in from_tape else ("const", primal(a))
                          for pos, a in enumerate(args)]
            out.append(NodeRecord(
                id=i, op=self.names.get(i, "input") if prim is None else prim.name,
                inputs=tuple(inputs), value=primal(value),
                adjoint=None if adjoints is None or adjoints[i] is None else primal(adjoints[i]),
                params=dict(params) if params else {}))
        return out


@dataclass(frozen=True)
class NodeRecord:
    """One tape node as plain data: ``inputs`` holds node ids or ``("const", value)``."""

    id: int
    op: str
    inputs: tuple
    value: Any
    adjoint: Any
    params: dict


class Var(Box):
    """A value recorded on a tape (reverse mode). Arithmetic records nodes; nothing else changes."""

    __slots__ = ("value", "index", "tape", "_level")

    def __repr__(self) -> str:
        return f"Var(value={self.value!r}, node={self.index})"

    @classmethod
    def _apply(cls, prim, args, params, level):
        values, parents, tape = [], [], None
        for pos, a in enumerate(args):
            if isinstance(a, Var) and a._level == level:
                values.append(a.value)
                parents.append((pos, a.index))
                tape = a.tape
            else:
                values.append(a)
        vals = tuple(values)
        out = bind(prim, vals, params)
        if prim.vjps is None:
            return out
        return _record(tape, prim, parents, vals, out, params)


def _record(tape: Tape, prim, parents: list, vals: tuple, out: Any, params) -> "Var":
    nodes = tape.nodes
    index = len(nodes)
    link = parents[0][1] if len(parents) == 1 and parents[0][0] == 0 else tuple(parents)
    stored = vals[0] if prim.nargs == 1 else vals
    nodes.append((prim, link, stored, out, params) if params else (prim, link, stored, out))
    return _new_var(out, index, tape)


def _new_var(value: Any, index: int, tape: Tape) -> Var:
    v = object.__new__(Var)
    v.value = value
    v.index = index
    v.tape = tape
    v._level = tape.level
    return v


def zeros_like_value(x: Any) -> Any:
    """A zero cotangent/gradient with the shape of ``x`` (float for scalars)."""
    s = shape(x)
    return 0.0 if s == () else np.zeros(s)


# ---------------------------------------------------------------------------
# Fast recording (DESIGN §8.1): per elementwise primitive, record a Var whose
# value is a plain float or array without the generic unwrapping. Same node
# as ``Var._apply`` would record.
# ---------------------------------------------------------------------------

def _compute(prim, *values):
    if prim.scalar_impl is not None and all(type(v) is float for v in values):
        try:
            return prim.scalar_impl(*values)
        except (ValueError, ZeroDivisionError, OverflowError):
            pass
    return prim.evaluate(values, {})


def _fast_unary(prim):
    impl, scalar = prim.impl, prim.scalar_impl

    def record(x):
        v = x.value
        tv = type(v)
        if tv is float:
            try:
                out = scalar(v)
            except (ValueError, ZeroDivisionError, OverflowError):
                out = prim.evaluate((v,), {})
        elif tv is np.ndarray:
            out = impl(v)
        else:
            return bind(prim, (x,), {})
        tape = x.tape
        nodes = tape.nodes
        index = len(nodes)
        nodes.append((prim, x.index, v, out))
        return _new_var(out, index, tape)
    return record


def _fast_binary(prim):
    plain = (float, np.ndarray)

    def record(x, y):
        tx = type(x)
        ty = type(y)
        if tx is Var and ty in plain:
            a, b, link = x.value, y, x.index
        elif ty is Var and tx in plain:
            a, b, link = x, y.value, ((1, y.index),)
        elif tx is Var and ty is Var and x._level == y._level:
            a, b, link = x.value, y.value, ((0, x.index), (1, y.index))
        else:
            return bind(prim, (x, y), {})
        if type(a) not in plain or type(b) not in plain:
            return bind(prim, (x, y), {})
        tape = x.tape if tx is Var else y.tape
        out = _compute(prim, a, b)
        nodes = tape.nodes
        index = len(nodes)
        nodes.append((prim, link, (a, b), out))
        return _new_var(out, index, tape)
    return record


def _install_fast_path(prim) -> None:
    if prim.kind != "elementwise" or prim.vjps is None or prim.scalar_impl is None:
        return
    if prim.nargs == 1:
        prim.fast[Var] = _fast_unary(prim)
    elif prim.nargs == 2:
        prim.fast[Var] = _fast_binary(prim)


for _prim in P.REGISTRY.values():
    _install_fast_path(_prim)
P.REGISTRATION_HOOKS.append(_install_fast_path)
