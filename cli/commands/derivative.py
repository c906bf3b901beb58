"""``dualdiff derivative``: the n-th derivative in one variable, by nested forward mode."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from rich.console import RenderableType

from .. import compute, output
from ..arguments import Problem, parse_problem, variable
from ..diagnose import require_finite
from ..errors import UsageProblem
from ..layout import Column, Sheet, Title

MAX_ORDER = 10
"""Each level of nested forward mode multiplies the work (measured on Quiz #1:
x2 to x8 per order, about 3 s for order 10); higher orders want Taylor-mode
arithmetic, not nesting."""


@dataclass(frozen=True)
class DerivativeResult:
    problem: Problem
    wrt: str
    derivatives: tuple[float, ...]
    """f, f', ..., f^(order) in ``wrt``."""

    @property
    def order(self) -> int:
        return len(self.derivatives) - 1


def _variable(problem: Problem, wrt: str | None) -> str:
    if wrt is None and len(problem.variables) > 1:
        raise UsageProblem(f"the expression has several variables ({', '.join(problem.variables)}); "
                           "choose one with --wrt NAME")
    return variable(problem.variables, wrt)


def derivative(arguments: Sequence[str], order: int = 1, wrt: str | None = None) -> DerivativeResult:
    if not 0 <= order <= MAX_ORDER:
        raise UsageProblem(f"--order must be between 0 and {MAX_ORDER}, got {order}")
    problem = parse_problem(arguments, command="derivative")
    name = _variable(problem, wrt)
    values = compute.nth_derivatives(problem, name, order)
    if order >= 1:
        require_finite(problem, [(_name(k, name), v, {name: 1.0}) for k, v in enumerate(values) if k >= 1])
    return DerivativeResult(problem, name, values)


_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power(k: int) -> str:
    return "" if k == 1 else str(k).translate(_SUPERSCRIPTS)


def _name(k: int, name: str) -> str:
    return "f" if k == 0 else f"d{_power(k)}f/d{name}{_power(k)}"


def render(result: DerivativeResult) -> RenderableType:
    problem = result.problem
    sheet = Sheet(Title.of(f"f = {problem.text}", problem.point),
                  [Column("derivative", number=False), Column("order"), Column("value")])
    for k, value in enumerate(result.derivatives):
        sheet.add_row(_name(k, result.wrt), str(k), output.number(value))
    levels = f"{result.order} level{'s' if result.order != 1 else ''}"
    sheet.notes = [f"nested forward mode (dualdiff.derivative), {levels} deep"]
    return sheet


def to_json(result: DerivativeResult) -> dict[str, Any]:
    problem = result.problem
    return {
        "expression": problem.text, "point": dict(problem.point), "wrt": result.wrt, "mode": "forward",
        "order": result.order, "value": problem.value, "derivative": result.derivatives[-1],
        "derivatives": list(result.derivatives),
    }


def main(arguments: Sequence[str], order: int, wrt: str | None, as_json: bool) -> None:
    output.show("derivative", derivative(arguments, order, wrt), render, to_json, as_json)
