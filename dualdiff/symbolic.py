"""Symbolic differentiation: the table's own rules, run over expression nodes.

The lecture's second approach needs no rule of its own. A :class:`Sym` is a
box holding an expression node (:mod:`dualdiff.nodes`); applying a primitive to
it builds a ``Call`` node instead of computing a number. Seeding forward mode
with Duals whose values are Syms (``Dual(Sym(x), 1)``) makes every rule in
:mod:`dualdiff.primitives` build its partial derivative as an expression, and
the output tangent *is* the derivative expression.

Because rules reuse their output (``exp`` -> ``out``) and share
subexpressions, the result is a DAG in memory; printed as text it becomes a
tree, and the difference between the two sizes is the "expression swell" the
lecture warns about. Piecewise rules (relu, maximum, ...) branch on values:
give a point and each Sym carries its number, so the branch taken is the one
at that point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from .core import Box, new_level
from .dual import Dual, new_dual
from .errors import SymbolicBranchError
from .expr import Expression, compile as compile_expression
from .nodes import CONSTANTS, Call, Name, Node, Num, postorder, to_string
from .primitives import REGISTRY, Kind, expression_functions

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


def tree_size(node: Node) -> int:
    """Nodes in the expression written out as a tree (shared parts counted every time)."""
    sizes: dict[int, int] = {}
    for n in postorder(node, unique=True):
        sizes[id(n)] = 1 + sum(sizes[id(a)] for a in getattr(n, "args", ()))
    return sizes[id(node)]


def dag_size(node: Node) -> int:
    """Distinct subexpressions (structurally equal subtrees counted once)."""
    return len(set(postorder(node, unique=True)))


@dataclass(frozen=True)
class SymbolicDerivative:
    """∂expression/∂wrt as an expression, with its sizes and (at a point) its value."""

    expression: Node
    wrt: str
    tree_size: int
    dag_size: int
    value: float | None
    source: str | None = None
    """The differentiated expression's text (it decides how power is written by :meth:`format`)."""

    @property
    def text(self) -> str:
        """The derivative in the language's canonical spelling (power as ``**``)."""
        return to_string(self.expression)

    def format(self, power: str | None = None) -> str:
        """The derivative as text; power as ``power``, by default as the source wrote it
        (``^`` if the differentiated text used ``^``, else ``**``)."""
        if power is None:
            power = "^" if self.source is not None and "^" in self.source else "**"
        return to_string(self.expression, power=power)

    @property
    def latex(self) -> str:
        """The derivative as LaTeX math, with the standard operators (``\\exp``, ``\\sqrt{…}``)."""
        from .notation import to_latex

        return to_latex(self.expression)

    # Notebook views (plain strings from dualdiff.render; imported only when shown).
    def _repr_markdown_(self) -> str:
        from .render import symbolic_markdown

        return symbolic_markdown(self)

    def _repr_latex_(self) -> str:
        from .render import symbolic_latex

        return "$$" + symbolic_latex(self) + "$$"

    def _repr_html_(self) -> str:
        from .render import symbolic_html

        return symbolic_html(self)


def differentiate(expression: Expression | str, wrt: str,
                  point: Mapping[str, float] | None = None) -> SymbolicDerivative:
    """The symbolic derivative of a one-output expression with respect to ``wrt``.

    Runs forward mode with symbolic values: every rule comes from the
    primitive table. With a ``point``, piecewise rules take the branch that
    holds there and the derivative's value is reported too.
    """
    expr = compile_expression(expression) if isinstance(expression, str) else expression
    if len(expr.outputs) != 1:
        raise ValueError("symbolic differentiation takes one expression (no `;`)")
    if wrt not in expr.variables:
        raise ValueError(f"`{wrt}` is not a variable of the expression "
                         f"(variables: {', '.join(expr.variables) or 'none'})")
    point = dict(point or {})
    level = new_level()
    args = [new_dual(Sym(name, point.get(name)), 1.0 if name == wrt else 0.0, level)
            for name in expr.variables]
    out = expr(*args)
    tangent = out.tangent if isinstance(out, Dual) and out._level == level else 0.0
    node = as_node(tangent)
    value = None
    if point and all(v in point for v in expr.variables):
        value = evaluate_node(node, point)
    return SymbolicDerivative(node, wrt, tree_size(node), dag_size(node), value, expr.text)


def evaluate_node(node: Node, point: Mapping[str, float]) -> float:
    """The value of an expression DAG at ``point``, each shared subexpression computed once."""
    functions = expression_functions()
    values: dict[int, float] = {}
    for n in postorder(node, unique=True):
        if type(n) is Num:
            values[id(n)] = n.value
        elif type(n) is Name:
            values[id(n)] = CONSTANTS[n.id] if n.id in CONSTANTS else float(point[n.id])
        else:
            values[id(n)] = functions[n.func](*(values[id(a)] for a in n.args))
    return float(values[id(node)])
