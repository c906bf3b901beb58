"""Reverse mode: a flat tape recorded in evaluation order, swept back once.

Evaluation order is a topological order, so the backward sweep is a plain
loop over the tape in reverse (no recursion: a chain of 10⁶ operations is
fine). Each node keeps what the table's VJP rules need: the primitive, which
inputs are tape nodes, the input values and the output. A tape belongs to one
``grad``/``vjp`` call (its level); nothing is global, so threads and nested
calls cannot see each other's tapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import primitives as P
from .core import Box, bind, new_level, primal, shape


class Tape:
    """The nodes of one recorded evaluation.

    A node is the tuple ``(prim, parents, args, out, params)``: ``parents``
    pairs each differentiable argument position with the node index it came
    from. Leaves (the inputs) have ``prim is None``.
    """

    __slots__ = ("level", "nodes", "names")

    def __init__(self, level: int | None = None):
        self.level = new_level() if level is None else level
        self.nodes: list[tuple] = []
        self.names: dict[int, str] = {}

    def leaf(self, value: Any, name: str | None = None) -> "Var":
        index = len(self.nodes)
        self.nodes.append((None, (), (), value, None))
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
            prim, parents, args, out, params = nodes[i]
            if prim is None:
                continue
            if not keep:
                adj[i] = None
            vjps = prim.vjps
            for pos, j in parents:
                c = vjps[pos](g, out, args, params)
                prev = adj[j]
                adj[j] = c if prev is None else add(prev, c)
        return adj

    def records(self, adjoints: list | None = None) -> list["NodeRecord"]:
        """The tape as plain data (for traces and graphs): one record per node."""
        out = []
        for i, (prim, parents, args, value, params) in enumerate(self.nodes):
            inputs = []
            arg_parent = dict(parents)
            for pos, a in enumerate(args):
                inputs.append(arg_parent[pos] if pos in arg_parent else _constant(a))
            out.append(NodeRecord(
                id=i, op=self.names.get(i, "input") if prim is None else prim.name,
                inputs=tuple(inputs), value=primal(value),
                adjoint=None if adjoints is None or adjoints[i] is None else primal(adjoints[i]),
                params={} if not params else dict(params)))
        return out


def _constant(a: Any) -> Any:
    return ("const", primal(a))


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
        nodes = tape.nodes
        index = len(nodes)
        nodes.append((prim, tuple(parents), vals, out, params))
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
