"""``dualdiff jacobian``: the Jacobian of ``E1; E2; ...``, by the cheaper mode unless told."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from rich.console import RenderableType

from .. import compute, output
from ..arguments import Problem, parse_problem
from ..diagnose import require_finite
from ..layout import Column, Sheet, Title


@dataclass(frozen=True)
class JacobianResult:
    problem: Problem
    mode: str
    reason: str
    jacobian: compute.Jacobian


def choose_mode(mode: str, inputs: int, outputs: int) -> tuple[str, str]:
    """``(mode, why)``. Forward mode costs one pass per input, reverse one sweep per output."""
    cost = {"forward": output.plural(inputs, "jvp pass"), "reverse": output.plural(outputs, "backward sweep")}
    if mode != "auto":
        return mode, f"{mode} mode as asked: {cost[mode]}"
    if inputs <= outputs:
        return "forward", (f"forward mode because #inputs {inputs} <= #outputs {outputs}: "
                           f"{cost['forward']} instead of {cost['reverse']}")
    return "reverse", (f"reverse mode because #inputs {inputs} > #outputs {outputs}: "
                       f"{cost['reverse']} instead of {cost['forward']}")


def jacobian(arguments: Sequence[str], mode: str = "auto") -> JacobianResult:
    problem = parse_problem(arguments, command="jacobian", single_output=False)
    chosen, reason = choose_mode(mode, len(problem.variables), len(problem.outputs))
    result = compute.forward_jacobian(problem) if chosen == "forward" else compute.reverse_jacobian(problem)
    require_finite(problem, [(f"∂f{i + 1}/∂{name}", entry, {name: 1.0})
                             for i, row in enumerate(result.rows)
                             for name, entry in zip(problem.variables, row)])
    return JacobianResult(problem, chosen, reason, result)


def render(result: JacobianResult) -> RenderableType:
    problem = result.problem
    columns = [Column("output", number=False), Column("value"), *(Column(f"∂/∂{n}") for n in problem.variables)]
    sheet = Sheet(Title.of("Jacobian", problem.point), columns)
    for i, (text, value, row) in enumerate(zip(problem.output_texts, problem.outputs, result.jacobian.rows)):
        sheet.add_row(f"f{i + 1} = {text}", output.number(value), *(output.number(v) for v in row))
    sheet.notes = [result.reason]
    return sheet


def to_json(result: JacobianResult) -> dict[str, Any]:
    problem = result.problem
    return {
        "expression": problem.text, "point": dict(problem.point), "outputs": list(problem.output_texts),
        "variables": list(problem.variables), "value": list(problem.outputs),
        "jacobian": [list(row) for row in result.jacobian.rows], "mode": result.mode,
        "reason": result.reason, "cost": output.cost(result.jacobian.cost, result.jacobian.unit),
    }


def main(arguments: Sequence[str], mode: str, as_json: bool) -> None:
    output.show("jacobian", jacobian(arguments, mode), render, to_json, as_json)
