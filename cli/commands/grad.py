"""``dualdiff grad``: the gradient of a scalar expression by one chosen mode."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from rich.console import RenderableType

from .. import compute, output
from ..arguments import Problem, parse_problem
from ..diagnose import require_finite
from ..errors import UsageProblem
from ..layout import Column, Sheet, Title
from ..output import finite_or_none

MODES = {
    "forward": ("forward mode", lambda problem, step: compute.forward_gradient(problem)),
    "reverse": ("reverse mode", lambda problem, step: compute.reverse_gradient(problem)),
    "central": ("central differences", lambda problem, step: compute.fd_gradient(problem, "central", step)),
}
ALIASES = {"fd": "central"}
"""Earlier spellings of a mode, still accepted (``--mode fd`` is ``--mode central``)."""


@dataclass(frozen=True)
class GradResult:
    problem: Problem
    mode: str
    outcome: compute.Gradient


def gradient(arguments: Sequence[str], mode: str = "reverse", step: float | None = None) -> GradResult:
    mode = ALIASES.get(mode, mode)
    if step is not None and mode != "central":
        raise UsageProblem("--step applies to finite differences only (--mode central)")
    problem = parse_problem(arguments, command="grad")
    outcome = MODES[mode][1](problem, compute.check_step(step))
    require_finite(problem, [(f"∂f/∂{name}", g, {name: 1.0})
                             for name, g in zip(problem.variables, outcome.gradient)])
    return GradResult(problem, mode, outcome)


def render(result: GradResult) -> RenderableType:
    problem, outcome = result.problem, result.outcome
    fd = bool(outcome.error_estimate)
    columns = [Column("variable", number=False), Column("value"), Column("∂f/∂variable")]
    if fd:
        columns += [Column("step", secondary=True), Column("error estimate", secondary=True)]
    sheet = Sheet(Title.of(f"∇f for f = {problem.text}", problem.point), columns)
    for i, name in enumerate(problem.variables):
        row = [name, output.number(problem.point[name]), output.number(outcome.gradient[i])]
        if fd:
            row += [f"{outcome.step[i]:.3g}", f"{outcome.error_estimate[i]:.1e}"]
        sheet.add_row(*row)
    sheet.notes = [f"f = {output.number(problem.value)}; "
                   f"{MODES[result.mode][0]}: {output.plural(outcome.cost, outcome.unit)}"]
    return sheet


def to_json(result: GradResult) -> dict[str, Any]:
    problem, outcome = result.problem, result.outcome
    names = problem.variables
    fd = bool(outcome.error_estimate)
    return {
        "expression": problem.text, "point": dict(problem.point), "mode": result.mode,
        "value": problem.value, "gradient": dict(zip(names, outcome.gradient)),
        "cost": output.cost(outcome.cost, outcome.unit),
        "step": dict(zip(names, outcome.step)) if fd else None,
        "error_estimate": {n: finite_or_none(e) for n, e in zip(names, outcome.error_estimate)} if fd else None,
    }


def main(arguments: Sequence[str], mode: str, step: float | None, as_json: bool) -> None:
    output.show("grad", gradient(arguments, mode, step), render, to_json, as_json)
