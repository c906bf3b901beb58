"""``dualdiff symbolic``: derivative expressions, their swell, and their values next to AD.

:func:`dualdiff.symbolic.differentiate` runs the primitive table's rules on
expression nodes; this command prints each derivative expression on one line
(so it can be pasted back into ``dualdiff``; power written as the user wrote
it), its size written out as a tree and as the shared DAG it is in memory (the
gap is the "expression swell" the lecture warns about), and, at a point, its
value beside forward and reverse mode. Equal subexpressions of the input are
shared (``--no-share`` keeps them apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from rich.console import Group, RenderableType
from rich.text import Text

from dualdiff import expr, render
from dualdiff.errors import SymbolicBranchError
from dualdiff.symbolic import SymbolicDerivative, differentiate

from .. import compute, output
from ..arguments import Parsed, Problem, parse_optional_point, variable
from ..diagnose import require_finite
from ..errors import NotDefined, UsageProblem
from ..layout import Column, Sheet, Title

PRINT_LIMIT = 200_000
"""Largest derivative (nodes written out as a tree) printed as text; beyond it only the sizes
are shown, because printing is linear in the tree size and the tree can be exponentially big."""


def derive(expression: expr.Expression, wrt: str, point: dict[str, float] | None) -> SymbolicDerivative:
    """:func:`differentiate`; a piecewise rule without a point is a usage error (give a point),
    and a rule that cannot run on expressions (a user primitive using ``math``) is "not available"."""
    try:
        return differentiate(expression, wrt, point)
    except SymbolicBranchError as exc:
        raise UsageProblem(str(exc)) from None
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise NotDefined(f"symbolic differentiation is not available for this expression: a rule "
                         f"cannot run on expressions ({type(exc).__name__}: {exc})") from None


@dataclass(frozen=True)
class SymbolicRow:
    wrt: str
    derivative: SymbolicDerivative
    forward: float | None = None
    reverse: float | None = None

    @property
    def printable(self) -> bool:
        return self.derivative.tree_size <= PRINT_LIMIT

    @property
    def swell(self) -> float:
        return self.derivative.tree_size / self.derivative.dag_size


@dataclass(frozen=True)
class SymbolicResult:
    parsed: Parsed
    rows: list[SymbolicRow]

    @property
    def problem(self) -> Problem | None:
        return self.parsed.problem


def _chosen(variables: tuple[str, ...], wrt: Sequence[str]) -> list[str]:
    chosen: list[str] = []
    for name in wrt or variables:
        name = variable(variables, name)
        if name not in chosen:
            chosen.append(name)
    return chosen


def symbolic(arguments: Sequence[str], wrt: Sequence[str] = (), share: bool = True) -> SymbolicResult:
    parsed = parse_optional_point(arguments, command="symbolic", share=share)
    names = _chosen(parsed.variables, wrt)
    problem = parsed.problem
    if problem is None:
        return SymbolicResult(parsed, [SymbolicRow(name, derive(parsed.expression, name, None)) for name in names])
    forward = dict(zip(problem.variables, compute.forward_gradient(problem).gradient))
    require_finite(problem, [(f"∂f/∂{name}", forward[name], {name: 1.0}) for name in names])
    reverse = dict(zip(problem.variables, compute.reverse_gradient(problem).gradient))
    rows = [SymbolicRow(name, derive(problem.expression, name, problem.point), forward[name], reverse[name])
            for name in names]
    return SymbolicResult(parsed, rows)


def expression_line(row: SymbolicRow) -> Text:
    """``∂f/∂x = <expression>`` on one line (printed without wrapping, so it can be copied)."""
    if not row.printable:
        return Text(f"∂f/∂{row.wrt}: too large to print ({row.derivative.tree_size} nodes written out)")
    return Text(f"∂f/∂{row.wrt} = {row.derivative.format()}")


def render_table(result: SymbolicResult) -> RenderableType:
    problem = result.problem
    at_point = problem is not None
    columns = [Column("derivative", number=False), Column("tree size"), Column("DAG size"),
               Column("tree / DAG")]
    if at_point:
        columns += [Column("symbolic"), Column("forward mode"), Column("reverse mode"),
                    Column("|Δ| vs forward")]
    splits = [[[1, 2, 3, 7], [4, 5, 6]]] if at_point else []
    title = Title.of(f"Symbolic derivatives of f = {result.parsed.text}", problem.point if at_point else None)
    sheet = Sheet(title, columns, splits=splits)
    for row in result.rows:
        d = row.derivative
        cells = [f"∂f/∂{row.wrt}", str(d.tree_size), str(d.dag_size), f"{row.swell:.1f}×"]
        if at_point:
            cells += [output.number(d.value), output.number(row.forward), output.number(row.reverse),
                      output.difference(abs(d.value - row.forward))]
        sheet.add_row(*cells)
    sheet.notes = ["tree size: nodes of the derivative written out as text; DAG size: distinct subexpressions, "
                   "shared in memory. The gap is the expression swell of symbolic differentiation; "
                   "forward and reverse mode never build the expression."]
    return sheet


def to_json(result: SymbolicResult) -> dict[str, Any]:
    problem = result.problem
    derivatives = {}
    for row in result.rows:
        d = row.derivative
        entry: dict[str, Any] = {"expression": d.format() if row.printable else None,
                                 "tree_size": d.tree_size, "dag_size": d.dag_size,
                                 "value": None, "forward": None, "reverse": None}
        if problem is not None:
            entry.update(value=d.value, forward=row.forward, reverse=row.reverse)
        derivatives[row.wrt] = entry
    return {
        "expression": result.parsed.text, "point": dict(problem.point) if problem is not None else None,
        "wrt": [row.wrt for row in result.rows], "shared": result.parsed.expression.shared,
        "derivatives": derivatives,
    }


def main(arguments: Sequence[str], wrt: Sequence[str], fmt: str, standalone: bool, share: bool,
         as_json: bool) -> None:
    result = symbolic(arguments, wrt, share)
    derivatives = [row.derivative for row in result.rows]
    if as_json:
        output.emit_json("symbolic", to_json(result))
    elif fmt == "markdown":
        output.write_text("\n".join(render.symbolic_markdown(d) for d in derivatives))
    elif fmt == "latex":
        output.write_text(render.symbolic_block(derivatives, standalone))
    else:
        # soft wrap: each derivative expression stays one line that pastes back into dualdiff
        output.emit(Group(*(expression_line(row) for row in result.rows), Text("")), soft_wrap=True)
        output.emit(render_table(result))
