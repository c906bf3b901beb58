"""Symbolic values: a box holding an expression node instead of a number.

A :class:`Sym` is the innermost value of the lecture's symbolic approach:
applying a primitive to it builds a ``Call`` node (lightly simplified) instead
of computing a number, so running the table's rules on Syms prints the rules
as expressions. :mod:`dualdiff.symbolic` differentiates with them;
:mod:`dualdiff.fastpath` prints each rule's float source with them. This module
needs no expression parser, so importing it is cheap.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .core import Box
from .errors import SymbolicBranchError
from .nodes import Call, Name, Node, Num, to_string
from .primitives import REGISTRY, Kind

__all__ = ["SYMBOLIC_LEVEL", "Sym", "simplify", "as_node"]

SYMBOLIC_LEVEL = 0
"""Below every Dual and tape level: a symbolic value is the innermost 'number'."""


class Sym(Box):
    """A symbolic scalar: an expression ``node`` and, optionally, its number at a point."""

    __slots__ = ("node", "_number", "_level")

    def __init__(self, node: Node | str, number: float | None = None):
        self.node = Name(node) if isinstance(node, str) else node
        self._number = None if number is None else float(number)
        self._level = SYMBOLIC_LEVEL

    @property
    def value(self) -> float:
        """The number at the point (needed only by piecewise rules)."""
        if self._number is None:
            raise SymbolicBranchError(
                f"the derivative rule branches on the value of `{to_string(self.node)}`; "
                "give a point (NAME=VALUE) to differentiate symbolically at it")
        return self._number

    @property
    def shape(self) -> tuple:
        return ()

    def __repr__(self) -> str:
        return f"Sym({to_string(self.node)})"

    @classmethod
    def _apply(cls, prim, args, params, level):
        if params or prim.kind not in (Kind.ELEMENTWISE, Kind.ZERO):
            raise SymbolicBranchError(
                f"symbolic values are scalars; `{prim.name}` is not available symbolically")
        nodes, numbers = [], []
        for a in args:
            if isinstance(a, Sym):
                nodes.append(a.node)
                numbers.append(a._number)
            elif type(a) is float:
                nodes.append(Num(a))
                numbers.append(a)
            else:
                raise SymbolicBranchError(
                    f"`{prim.name}` got a {type(a).__name__}; symbolic values mix only with numbers")
        number = None
        if all(n is not None for n in numbers):
            number = prim.fn(*numbers)
        node = simplify(prim.name, nodes)
        if type(node) is Num:
            return node.value
        result = object.__new__(Sym)
        result.node = node
        result._number = number
        result._level = SYMBOLIC_LEVEL
        return result


def _num(node: Node) -> float | None:
    return node.value if type(node) is Num else None


def _neg_of(node: Node) -> Node | None:
    """``a`` when ``node`` is ``-a`` (a ``neg`` call or a negative number), else None."""
    if type(node) is Call and node.func == "neg":
        return node.args[0]
    if type(node) is Num and math.copysign(1.0, node.value) < 0:
        return Num(-node.value)
    return None


def _reciprocal_of(node: Node) -> Node | None:
    """``b`` when ``node`` is ``1 / b``, else None."""
    if type(node) is Call and node.func == "div" and _num(node.args[0]) == 1.0:
        return node.args[1]
    return None


def simplify(func: str, args: list[Node]) -> Node:
    """Build ``func(*args)`` simplified for reading, keeping the value.

    Constants fold (also ``2 * (3 * x)`` -> ``6 * x``), ``x*1``, ``x+0``, ``x*0``
    and ``x**1`` go, a minus sign moves outward so sums read as differences
    (``a + -(b)`` -> ``a - b``, ``-a * b`` -> ``-(a * b)``: exact in floating
    point, only the sign moves) and ``(1 / b) * c`` becomes ``c / b`` (one
    rounding instead of two).
    """
    values = [_num(a) for a in args]
    if all(v is not None for v in values):
        folded = REGISTRY[func].fn(*values)
        if isinstance(folded, float) and math.isfinite(folded):
            return Num(folded)
    if len(args) == 2:
        (a, b), (va, vb) = args, values
        if func == "add":
            if va == 0.0:
                return b
            if vb == 0.0:
                return a
            if (nb := _neg_of(b)) is not None:
                return simplify("sub", [a, nb])
            if (na := _neg_of(a)) is not None:
                return simplify("sub", [b, na])
        elif func == "sub":
            if vb == 0.0:
                return a
            if va == 0.0:
                return simplify("neg", [b])
            if (nb := _neg_of(b)) is not None:
                return simplify("add", [a, nb])
            if (na := _neg_of(a)) is not None and type(a) is Call:
                return simplify("neg", [simplify("add", [na, b])])
        elif func == "mul":
            if va == 0.0 or vb == 0.0:
                return Num(0.0)
            if va == 1.0:
                return b
            if vb == 1.0:
                return a
            for x, y in ((a, b), (b, a)):
                if (nx := _neg_of(x)) is not None:
                    return simplify("neg", [simplify("mul", [nx, y])] if x is a else [simplify("mul", [y, nx])])
            if (rb := _reciprocal_of(b)) is not None:
                return simplify("div", [a, rb])
            if (ra := _reciprocal_of(a)) is not None:
                return simplify("div", [b, ra])
            for c, other in ((va, b), (vb, a)):
                if c is not None and type(other) is Call and other.func == "mul":
                    for k in (0, 1):
                        inner = _num(other.args[k])
                        if inner is not None and math.isfinite(c * inner):
                            return simplify("mul", [Num(c * inner), other.args[1 - k]])
        elif func == "div":
            if vb == 1.0:
                return a
            if va == 0.0:
                return Num(0.0)
            if (na := _neg_of(a)) is not None:
                return simplify("neg", [simplify("div", [na, b])])
            if (nb := _neg_of(b)) is not None:
                return simplify("neg", [simplify("div", [a, nb])])
        elif func == "pow" and vb == 1.0:
            return a
    if func == "neg" and (inner := _neg_of(args[0])) is not None:
        return inner
    return Call(func, args)


def as_node(value: Any) -> Node:
    """A Sym's node, or a number as ``Num``."""
    if isinstance(value, Sym):
        return value.node
    if isinstance(value, (int, float, np.floating)):
        return Num(float(value))
    raise TypeError(f"not a symbolic scalar: {value!r}")
