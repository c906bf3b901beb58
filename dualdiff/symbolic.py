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

from dataclasses import dataclass
from typing import Mapping

from .core import new_level, release
from .dual import Dual, new_dual
from .errors import UnknownVariableError
from .expr import Expression
from .expr import compile as compile_expression
from .nodes import CONSTANTS, Name, Node, Num, postorder, to_string
from .primitives import expression_functions
from .sym import SYMBOLIC_LEVEL, Sym, as_node, simplify  # noqa: F401  (part of this module's API)
from .views import NotebookViews


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
class SymbolicDerivative(NotebookViews):
    """∂expression/∂wrt as an expression, with its sizes and (at a point) its value."""

    _view = "symbolic"  # drawn by dualdiff.render.symbolic_markdown/_latex/_html

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
    for name in point:  # a misspelt name would silently leave its variable without a value
        if name not in expr.variables:
            raise UnknownVariableError(
                f"`{name}` is not a variable of the expression "
                f"(variables: {', '.join(expr.variables) or 'none'})", text=expr.text)
    level = new_level()
    args = [new_dual(Sym(name, point.get(name)), 1.0 if name == wrt else 0.0, level)
            for name in expr.variables]
    try:
        out = expr(*args)
    finally:
        release(level)
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
