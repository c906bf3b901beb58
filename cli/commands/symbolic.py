"""``dualdiff symbolic``: derivative expressions, their swell, and their values next to AD.

:func:`dualdiff.symbolic.differentiate` runs the primitive table's rules on
expression nodes; this command prints each derivative expression on one line
(so it can be pasted back into ``dualdiff``), its size written out as a tree
and as the shared DAG it is in memory (the gap is the "expression swell" the
lecture warns about), and, at a point, its value beside forward and reverse
mode. It also provides the ``symbolic`` row of ``dualdiff compare``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.text import Text

from dualdiff import expr
from dualdiff.errors import SymbolicBranchError
from dualdiff.symbolic import SymbolicDerivative, differentiate

from .. import compute, output
from ..arguments import Problem
from ..diagnose import require_finite
from ..errors import UsageProblem
from ..teaching_args import Parsed, parse_optional_point, variable

PRINT_LIMIT = 200_000
"""Largest derivative (nodes written out as a tree) printed as text; beyond it only the sizes
are shown, because printing is linear in the tree size and the tree can be exponentially big."""


def derive(expression: expr.Expression, wrt: str, point: dict[str, float] | None) -> SymbolicDerivative:
    """:func:`differentiate`, with a piecewise rule without a point as a usage error (give a point)."""
    try:
        return differentiate(expression, wrt, point)
    except SymbolicBranchError as exc:
        raise UsageProblem(str(exc)) from None


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


def symbolic(arguments: Sequence[str], wrt: Sequence[str] = ()) -> SymbolicResult:
    parsed = parse_optional_point(arguments, command="symbolic")
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


def gradient(problem: Problem, step: float | None = None) -> compute.Gradient:
    """The ``symbolic`` row of ``compare``: one derivative expression per variable, evaluated at the point."""
    values = tuple(derive(problem.expression, name, problem.point).value for name in problem.variables)
    return compute.Gradient(tuple(float(v) for v in values), len(values), "derivative expression")


# --- render ------------------------------------------------------------------------

def expression_line(row: SymbolicRow) -> Text:
    """``∂f/∂x = <expression>`` on one line (printed without wrapping, so it can be copied)."""
    if not row.printable:
        return Text(f"∂f/∂{row.wrt}: too large to print ({row.derivative.tree_size} nodes written out)")
    return Text(f"∂f/∂{row.wrt} = {row.derivative.text}")


def render(result: SymbolicResult) -> RenderableType:
    problem = result.problem
    where = f"  at  {escape(problem.describe_point())}" if problem is not None else ""
    table = output.table(f"Symbolic derivatives of f = {escape(result.parsed.text)}{where}")
    table.add_column("derivative", no_wrap=True)
    output.number_column(table, "tree size")
    output.number_column(table, "DAG size")
    output.number_column(table, "tree / DAG")
    if problem is not None:
        for header in ("symbolic", "forward mode", "reverse mode", "|Δ| vs forward"):
            output.number_column(table, header)
    for row in result.rows:
        d = row.derivative
        cells = [Text(f"∂f/∂{row.wrt}"), str(d.tree_size), str(d.dag_size), f"{row.swell:.1f}×"]
        if problem is not None:
            cells += [output.number(d.value), output.number(row.forward), output.number(row.reverse),
                      output.difference(abs(d.value - row.forward))]
        table.add_row(*cells)
    notes = ["tree size: nodes of the derivative written out as text; DAG size: distinct subexpressions, "
             "shared in memory. The gap is the expression swell of symbolic differentiation; "
             "forward and reverse mode never build the expression."]
    return Group(*(expression_line(row) for row in result.rows), Text(""), output.with_notes(table, *notes))


def to_json(result: SymbolicResult) -> dict[str, Any]:
    problem = result.problem
    derivatives = {}
    for row in result.rows:
        d = row.derivative
        entry: dict[str, Any] = {"expression": d.text if row.printable else None,
                                 "tree_size": d.tree_size, "dag_size": d.dag_size}
        if problem is not None:
            entry.update(value=d.value, forward=row.forward, reverse=row.reverse)
        derivatives[row.wrt] = entry
    return {
        "expression": result.parsed.text,
        "point": dict(problem.point) if problem is not None else None,
        "derivatives": derivatives,
    }


def main(arguments: Sequence[str], wrt: Sequence[str], as_json: bool) -> None:
    result = symbolic(arguments, wrt)
    if as_json:
        output.emit_json(to_json(result))
    else:
        # soft wrap: each derivative expression stays one line that pastes back into dualdiff
        output.console().print(render(result), soft_wrap=True)
