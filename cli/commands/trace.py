"""``dualdiff trace``: the evaluation trace, as Baydin et al. and the lecture draw it.

One row per intermediate variable (``v₋₁ = x1``, ``v₁ = log(v₋₁)``, …) with
its primal value, forward tangent (seeded on ``--wrt``) and reverse adjoint.
Equal subexpressions are one row (``--no-share`` writes every occurrence, in
the order of the text); the adjoint of a row used more than once is a sum,
written out under the table. All numbers come from
:func:`dualdiff.trace.evaluation_trace`; the cells, Markdown and LaTeX from
:mod:`dualdiff.render`; this module only chooses and prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from rich.console import RenderableType

from dualdiff import render
from dualdiff.trace import Trace, evaluation_trace

from .. import output
from ..arguments import Problem, parse_problem, variable
from ..diagnose import require_finite
from ..layout import Title
from ..tracing import adjoint_sums, check_decimals, nodes_json, output_json, sheet


@dataclass(frozen=True)
class TraceResult:
    problem: Problem
    trace: Trace
    mode: str

    @property
    def forward(self) -> bool:
        return self.mode in ("forward", "both")

    @property
    def reverse(self) -> bool:
        return self.mode in ("reverse", "both")


def trace(arguments: Sequence[str], wrt: str | None = None, mode: str = "both", share: bool = True) -> TraceResult:
    problem = parse_problem(arguments, command="trace", share=share)
    seed = variable(problem.variables, wrt)
    result = evaluation_trace(problem.expression, problem.values, problem.variables, wrt=seed)
    checks = []
    if mode in ("forward", "both"):
        checks.append((f"∂f/∂{seed}", result.tangent, {seed: 1.0}))
    if mode in ("reverse", "both"):
        checks += [(f"∂f/∂{name}", g, {name: 1.0}) for name, g in result.gradient.items()]
    require_finite(problem, checks)
    return TraceResult(problem, result, mode)


def notes(result: TraceResult, decimals: int) -> list[str]:
    """What the table adds up to, and the adjoint sums of the rows used more than once."""
    lines = [plain for plain, _ in render.trace_notes(result.trace, decimals, result.forward, result.reverse)]
    if result.reverse:
        lines += adjoint_sums(result.trace, decimals)
    if not result.problem.expression.shared:
        lines.append("--no-share: every occurrence of a repeated subexpression is its own row")
    return lines


def render_table(result: TraceResult, decimals: int = 3) -> RenderableType:
    problem = result.problem
    table = render.trace_table(result.trace, decimals, forward=result.forward, reverse=result.reverse)
    title = Title.of(f"Evaluation trace of f = {problem.text}", problem.point)
    return sheet(table, title, notes(result, decimals))


def to_json(result: TraceResult) -> dict[str, Any]:
    t = result.trace
    return {
        "expression": result.problem.text, "point": dict(result.problem.point), "mode": result.mode,
        "wrt": t.wrt, "shared": result.problem.expression.shared,
        "nodes": nodes_json(t, result.forward, result.reverse),
        "output": output_json(t, result.forward, result.reverse),
    }


def main(arguments: Sequence[str], wrt: str | None, mode: str, fmt: str, standalone: bool, decimals: int,
         share: bool, as_json: bool) -> None:
    check_decimals(decimals)
    result = trace(arguments, wrt, mode, share)
    options = {"forward": result.forward, "reverse": result.reverse}
    if as_json:
        output.emit_json("trace", to_json(result))
    elif fmt == "markdown":
        output.write_text(render.trace_markdown(result.trace, decimals, **options))
    elif fmt == "latex":
        make = render.trace_document if standalone else render.trace_latex
        output.write_text(make(result.trace, decimals, **options))
    else:
        output.emit(render_table(result, decimals))
