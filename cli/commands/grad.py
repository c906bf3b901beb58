"""``dualdiff grad``: the gradient of a scalar expression by one chosen mode."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

from rich.console import RenderableType

from .. import compute, output
from ..arguments import Problem, parse_problem
from ..diagnose import culprit, require_finite
from ..errors import NotDefined, UsageProblem
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
    if mode in ("forward", "reverse"):
        _require_both_modes_finite(problem, mode, outcome)
    return GradResult(problem, mode, outcome)


def _require_both_modes_finite(problem: Problem, mode: str, outcome: compute.Gradient) -> None:
    """At a point where the chain rule meets an infinite partial, one mode can give a finite
    number that is only the table's convention (a zero tangent or cotangent contributes zero):
    ``sqrt(x)*sqrt(x)`` at 0 is 0 by reverse mode and nan by forward mode, ``sqrt(x^2)`` the
    other way round. Neither is the derivative; the other mode is cheap here, so ask it too."""
    other = "reverse" if mode == "forward" else "forward"
    second = MODES[other][1](problem, None).gradient
    for name, mine, theirs in zip(problem.variables, outcome.gradient, second):
        if not math.isfinite(theirs):
            reason = culprit(problem, {name: 1.0})
            raise NotDefined(
                f"the derivative ∂f/∂{name} is not defined at {problem.describe_point()}: "
                f"{other} mode gives {theirs!r}, {mode} mode {mine!r} only by the convention that "
                "a zero tangent or cotangent contributes zero" + (f" ({reason})" if reason else ""))


UNSETTLED = 1e-2
"""An error estimate above this fraction of its derivative means the estimate has not settled."""


def warnings_of(result: GradResult) -> list[str]:
    """Finite differences that have not settled: the error estimate is a large part of the value.

    Across a pole (``1/x`` at x=1e-7 with a step of 6e-6) or a kink the stencil straddles two
    pieces of f and returns a number that is neither; the estimate then stays far from small.
    The floor ``1e-6·(1 + |f|)`` keeps a derivative near zero (an extremum) from being flagged.
    """
    problem, outcome = result.problem, result.outcome
    if not outcome.error_estimate:
        return []
    floor = 1e-6 * (1.0 + abs(problem.value))
    found = []
    for name, g, e, h in zip(problem.variables, outcome.gradient, outcome.error_estimate,
                             outcome.step):
        if not (e <= max(UNSETTLED * abs(g), floor)):
            share = f"{e / abs(g):.0%} of its value" if g else "larger than the value"
            found.append(f"warning: the error estimate of ∂f/∂{name} is {share}: the step {h:.3g} "
                         "may straddle a pole or kink of f; forward or reverse mode (--mode "
                         "forward) needs no step")
    return found


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
                   f"{MODES[result.mode][0]}: {output.plural(outcome.cost, outcome.unit)}",
                   *warnings_of(result)]
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
        "warnings": warnings_of(result),
    }


def main(arguments: Sequence[str], mode: str, step: float | None, as_json: bool) -> None:
    output.show("grad", gradient(arguments, mode, step), render, to_json, as_json)
