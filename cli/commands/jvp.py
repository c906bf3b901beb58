"""``dualdiff jvp``: the Jacobian-vector product J·v by one forward-mode pass."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from rich.console import RenderableType

from .. import compute, output
from ..arguments import Problem, format_point, parse_direction, parse_problem
from ..diagnose import require_finite
from ..errors import UsageProblem
from ..layout import Column, Sheet, Title, point_atoms


@dataclass(frozen=True)
class JvpResult:
    problem: Problem
    tangent: dict[str, float]
    """The direction, one entry per variable (0 where none was given)."""
    products: tuple[float, ...]
    """J·v, one entry per output."""


def jvp(arguments: Sequence[str], tangents: Sequence[str]) -> JvpResult:
    problem = parse_problem(arguments, command="jvp", single_output=False)
    if not tangents:
        raise UsageProblem("`jvp` needs a direction: pass at least one --tangent NAME=VALUE "
                           "(variables without one get tangent 0)")
    given = parse_direction(tangents, problem, "--tangent")
    direction = {name: given.get(name, 0.0) for name in problem.variables}
    products = compute.directional(problem, tuple(direction.values()))
    many = len(products) > 1
    require_finite(problem, [(f"J·v{f' of output {i + 1}' if many else ''}", p, direction)
                             for i, p in enumerate(products)])
    return JvpResult(problem, direction, products)


def render(result: JvpResult) -> RenderableType:
    problem = result.problem
    title = Title.of("J·v", problem.point, point_atoms("along v:", result.tangent))
    sheet = Sheet(title, [Column("output", number=False), Column("value"), Column("J·v")])
    for text, value, product in zip(problem.output_texts, problem.outputs, result.products):
        sheet.add_row(text, output.number(value), output.number(product))
    sheet.notes = [f"forward mode: 1 jvp pass along v = ({format_point(result.tangent)})"]
    return sheet


def to_json(result: JvpResult) -> dict[str, Any]:
    problem = result.problem
    return {
        "expression": problem.text, "point": dict(problem.point), "mode": "forward",
        "tangent": dict(result.tangent), "outputs": list(problem.output_texts),
        "value": list(problem.outputs), "jvp": list(result.products),
        "cost": output.cost(1, "jvp pass"),
    }


def main(arguments: Sequence[str], tangents: Sequence[str], as_json: bool) -> None:
    output.show("jvp", jvp(arguments, tangents), render, to_json, as_json)
