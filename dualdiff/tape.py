"""Reverse mode: a flat tape recorded in evaluation order, swept back once.

Evaluation order is a topological order, so the backward sweep is a plain
loop over the tape in reverse (no recursion: a chain of 10⁶ operations is
fine). Each node keeps what the table's VJP rules need; only a node of
floats also keeps its partial derivatives, which its generated recorder
(:mod:`dualdiff.fastpath`) computes from the rules' float source while the
inputs are at hand, so the sweep multiplies instead of calling a rule. Only
inputs that are on the tape count (constants cost nothing). A tape belongs to one
``grad``/``vjp`` call (its level); nothing is global, so threads and nested
calls cannot see each other's tapes.

Storage (compact): the tape is parallel lists indexed by node id, not a list
of node objects: no per-node container to allocate, and nothing the garbage
collector has to traverse (about 130 bytes per scalar node). ``prims[i]`` is the primitive (``None`` for an input); ``links[i]`` is
an int ``j`` when the only input on the tape is argument 0 (the common case:
unary ops, ``x * 2``), otherwise a tuple of ``(position, j)`` pairs;
``args[i]`` is the bare value for one-argument primitives and a tuple
otherwise; ``outs[i]`` is the output; ``local[i]`` the float partials of a
float node (a float, or a tuple aligned with ``links[i]``), else None. Static
parameters (axis, shape, ...)
are rare and live in the sparse dict ``params``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .core import Box, bind, fresh_level, is_float_zero, primal, shape
from .primitives import Kind, add


class Tape:
    """The nodes of one recorded evaluation (see the module docstring for the storage)."""

    __slots__ = ("level", "prims", "links", "args", "outs", "local", "params", "names",
                 "finished")

    def __init__(self, level: int | None = None):
        self.level = fresh_level() if level is None else level
        self.finished = False
        """Set when the transformation that recorded this tape returns: a Var of it reaching a
        later call is a leaked value (:func:`dualdiff.core.check_live`)."""
        self.prims: list = []
        self.links: list = []
        self.args: list = []
        self.outs: list = []
        self.local: list = []
        self.params: dict[int, dict] = {}
        self.names: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.prims)

    def record(self, prim, link, args: Any, out: Any, params: dict | None = None) -> "Var":
        """Append one node and return the Var standing for its output."""
        index = len(self.prims)
        self.prims.append(prim)
        self.links.append(link)
        self.args.append(args)
        self.outs.append(out)
        self.local.append(None)
        if params:
            self.params[index] = params
        var = object.__new__(Var)
        var.value = out
        var.index = index
        var.tape = self
        var._level = self.level
        return var

    def leaf(self, value: Any, name: str | None = None) -> "Var":
        """A new input of the recording (optionally named, for traces)."""
        var = self.record(None, None, None, value)
        if name is not None:
            self.names[var.index] = name
        return var

    def backward(self, output: Any, seed: Any, keep: bool = False) -> list:
        """Sweep back from ``output`` with cotangent ``seed``; returns the adjoint list."""
        if not (isinstance(output, Var) and output.tape is self):
            return [None] * len(self)
        return self.backward_many({output.index: seed}, keep)

    def backward_many(self, seeds: dict[int, Any], keep: bool = False) -> list:
        """One sweep seeded at several nodes (``vjp`` of a multi-output function).

        Adjoints of intermediate nodes are dropped once consumed unless
        ``keep`` (used for inspection), so memory follows the live frontier.
        A float cotangent through an elementwise entry (every argument is then
        a scalar) takes the entry's float partials directly; everything else
        its VJP rules.
        """
        adj: list = [None] * len(self)
        if not seeds:
            return adj
        for index, seed in seeds.items():
            adj[index] = seed
        prims, links, all_args, outs, all_params, local = (
            self.prims, self.links, self.args, self.outs, self.params, self.local)
        for i in range(max(seeds), -1, -1):
            g = adj[i]
            if g is None:
                continue
            prim = prims[i]
            if prim is None:
                continue
            if not keep:
                adj[i] = None
            link = links[i]
            if type(g) is not float and is_float_zero(g):
                continue  # a traced float that is zero: skipped as a float zero is below
            if type(g) is float:
                if g == 0.0:
                    continue  # a zero cotangent contributes nothing, whatever the partial
                partials = local[i]
                if partials is not None:  # a float node: its partials were computed on recording
                    if type(link) is int:
                        c = partials * g
                        if c != c and partials == 0.0 and prim.flat:
                            c = 0.0  # a flat entry's zero partial against an inf cotangent
                        prev = adj[link]
                        adj[link] = c if prev is None else (
                            prev + c if type(prev) is float else add(prev, c))
                    else:
                        for (pos, j), p in zip(link, partials):
                            c = p * g
                            if c != c and p == 0.0 and prim.flat:
                                c = 0.0
                            prev = adj[j]
                            adj[j] = c if prev is None else (
                                prev + c if type(prev) is float else add(prev, c))
                    continue
                partials = prim.float_partials
                if partials is not None:  # elementwise: every argument is a scalar
                    args = all_args[i]
                    if type(link) is int:
                        p = (partials[0](outs[i], args) if prim.nargs == 1
                             else partials[0](outs[i], *args))
                        c = 0.0 if prim.flat and type(p) is float and p == 0.0 else p * g
                        prev = adj[link]
                        adj[link] = c if prev is None else (
                            prev + c if type(prev) is float and type(c) is float
                            else add(prev, c))
                        continue
                    out = outs[i]
                    for pos, j in link:
                        p = partials[pos](out, *args)
                        c = 0.0 if prim.flat and type(p) is float and p == 0.0 else p * g
                        prev = adj[j]
                        adj[j] = c if prev is None else (
                            prev + c if type(prev) is float and type(c) is float
                            else add(prev, c))
                    continue
            args = all_args[i]
            full = (args,) if prim.nargs == 1 else args
            params = all_params.get(i)
            vjps = prim.vjps
            pairs = ((0, link),) if type(link) is int else link
            for pos, j in pairs:
                c = vjps[pos](g, outs[i], full, params)
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
        for i, prim in enumerate(self.prims):
            inputs: list = []
            if prim is not None:
                link, args = self.links[i], self.args[i]
                args = (args,) if prim.nargs == 1 else args
                from_tape = dict(((0, link),) if type(link) is int else link)
                inputs = [from_tape[pos] if pos in from_tape else ("const", primal(a))
                          for pos, a in enumerate(args)]
            out.append(NodeRecord(
                id=i, op=self.names.get(i, "input") if prim is None else prim.name,
                inputs=tuple(inputs), value=primal(self.outs[i]),
                adjoint=None if adjoints is None or adjoints[i] is None else primal(adjoints[i]),
                params=dict(self.params.get(i) or {})))
        return out


class NodeRecord(NamedTuple):
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
    value: Any
    index: int
    tape: Tape

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
        if prim.kind is Kind.ZERO:
            return out
        return _record(tape, prim, parents, vals, out, params)


def _record(tape: Tape, prim, parents: list, vals: tuple, out: Any, params) -> "Var":
    link = parents[0][1] if len(parents) == 1 and parents[0][0] == 0 else tuple(parents)
    return tape.record(prim, link, vals[0] if prim.nargs == 1 else vals, out, params or None)


def zeros_like_value(x: Any) -> Any:
    """A zero cotangent/gradient with the shape of ``x`` (float for scalars)."""
    s = shape(x)
    return 0.0 if s == () else np.zeros(s)
