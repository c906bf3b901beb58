"""``dualdiff grad``: the gradient of a scalar expression by one chosen mode."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from rich.console import RenderableType
from rich.markup import escape
from rich.text import Text

from .. import compute, output
from ..arguments import Problem, parse_problem
from ..diagnose import require_finite
from ..errors import UsageProblem

MODES = {
    "forward": lambda problem, step: compute.forward_gradient(problem),
    "reverse": lambda problem, step: compute.reverse_gradient(problem),
    "fd": lambda problem, step: compute.fd_gradient(problem, "central", step),
}


@dataclass(frozen=True)
class GradResult:
    problem: Problem
    mode: str
    outcome: compute.Gradient


def gradient(arguments: Sequence[str], mode: str = "reverse", step: float | None = None) -> GradResult:
    if step is not None and mode != "fd":
        raise UsageProblem("--step applies to finite differences only (--mode fd)")
    problem = parse_problem(arguments, command="grad")
    outcome = MODES[mode](problem, compute.check_step(step))
    require_finite(problem, [(f"∂f/∂{name}", g, {name: 1.0})
                             for name, g in zip(problem.variables, outcome.gradient)])
    return GradResult(problem, mode, outcome)


def render(result: GradResult) -> RenderableType:
    problem, outcome = result.problem, result.outcome
    table = output.table(f"∇f for f = {escape(problem.text)}  at  {escape(problem.describe_point())}")
    table.add_column("variable")
    output.number_column(table, "value")
    output.number_column(table, "∂f/∂variable")
    if outcome.error_estimate:
        output.number_column(table, "step")
        output.number_column(table, "error estimate")
    for i, name in enumerate(problem.variables):
        row: list[Any] = [Text(name), output.number(problem.point[name]), output.number(outcome.gradient[i])]
        if outcome.error_estimate:
            row += [f"{outcome.step[i]:.3g}", f"{outcome.error_estimate[i]:.1e}"]
        table.add_row(*row)
    how = {"forward": "forward mode", "reverse": "reverse mode", "fd": "central finite differences"}[result.mode]
    return output.with_notes(table, f"f = {output.number(problem.value)}; "
                                    f"{how}: {output.plural(outcome.cost, outcome.unit)}")


def to_json(result: GradResult) -> dict[str, Any]:
    problem, outcome = result.problem, result.outcome
    names = problem.variables
    document: dict[str, Any] = {
        "expression": problem.text,
        "point": dict(problem.point),
        "mode": result.mode,
        "value": problem.value,
        "gradient": dict(zip(names, outcome.gradient)),
    }
    if result.mode == "fd":
        document.update(evaluations=outcome.cost, step=dict(zip(names, outcome.step)),
                        error_estimate=dict(zip(names, outcome.error_estimate)))
    else:
        document["passes"] = outcome.cost
    return document


def main(arguments: Sequence[str], mode: str, step: float | None, as_json: bool) -> None:
    result = gradient(arguments, mode, step)
    output.show(result, render, to_json, as_json)
