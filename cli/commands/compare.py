"""``dualdiff compare``: every method on one gradient, side by side, with what agrees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.text import Text

from .. import output
from ..arguments import QUIZ, Problem, parse_problem
from ..compute import check_step
from ..diagnose import require_finite
from ..methods import Run, run_all


@dataclass(frozen=True)
class Comparison:
    """The runs of every method, with differences and agreement relative to the first (forward)."""

    problem: Problem
    runs: list[Run]

    @property
    def reference(self) -> Run:
        return self.runs[0]

    def difference(self, run: Run) -> float | None:
        """max |gradient - reference gradient| over the variables, None if the method failed."""
        if run.outcome is None:
            return None
        pairs = zip(run.outcome.gradient, self.reference.outcome.gradient)
        return max(abs(a - b) for a, b in pairs)

    def digits(self, run: Run) -> int | None:
        if run.outcome is None:
            return None
        return output.agreement_digits(run.outcome.gradient, self.reference.outcome.gradient)


def compare(arguments: Sequence[str], step: float | None = None) -> Comparison:
    problem = parse_problem(arguments, command="compare", default=QUIZ)
    runs = run_all(problem, check_step(step))
    for run in runs[:2]:  # the AD rows: a non-finite derivative means "not defined here"
        if run.outcome is not None:
            require_finite(problem, _partials(problem, run))
    return Comparison(problem, runs)


def _partials(problem: Problem, run: Run) -> list[tuple[str, float, dict[str, float]]]:
    return [(f"∂f/∂{name}", g, {name: 1.0}) for name, g in zip(problem.variables, run.outcome.gradient)]


def caption(comparison: Comparison) -> str:
    """What agrees and to how many digits, e.g. 'forward and reverse agree to 16 digits; central differences to 9'."""
    groups: dict[int, list[str]] = {}
    for run in comparison.runs[1:]:
        digits = comparison.digits(run)
        if digits is not None:
            groups.setdefault(digits, []).append(run.method.short)
    if not groups:
        return ""
    ordered = sorted(groups.items(), reverse=True)
    best, names = ordered[0]
    first = f"{_join([comparison.reference.method.short, *names])} agree to {best} digits"
    rest = [f"{_join(names)} to {digits}" for digits, names in ordered[1:]]
    failed = [run.method.short for run in comparison.runs if run.outcome is None]
    tail = [f"{_join(failed)}: not available here"] if failed else []
    return "; ".join([first, *rest, *tail])


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


VALUE, COST, TIME, DIFFERENCE = "f", "cost", "time", "|Δ| vs forward"
"""Column headers of the table (and keys of a row's cells)."""


def render(comparison: Comparison) -> RenderableType:
    """One table when the terminal is wide enough; else the derivatives and the costs apart,
    so no digit is ever cut off."""
    problem = comparison.problem
    title = f"f = {escape(problem.text)}  at  {escape(problem.describe_point())}"
    values = [VALUE, *_partial_headers(problem)]
    costs = [COST, TIME, DIFFERENCE]
    wide = _table(comparison, title, [*values, *costs])
    narrow = Group(_table(comparison, title, values), _table(comparison, "", costs))
    failures = [run.failure for run in comparison.runs if run.failure]
    return output.with_notes(output.Fit(wide, narrow), caption(comparison), *failures)


def _table(comparison: Comparison, title: str, columns: list[str]) -> RenderableType:
    table = output.table(title)
    table.add_column("method")
    for column in columns:
        if column == COST:
            table.add_column(column, justify="right")
        else:
            output.number_column(table, Text(column))
    for run in comparison.runs:
        cells = _cells(comparison, run)
        table.add_row(run.method.label, *(cells[column] for column in columns))
    return table


def _cells(comparison: Comparison, run: Run) -> dict[str, str]:
    """Every cell of a method's row, by column header."""
    headers = _partial_headers(comparison.problem)
    if run.outcome is None:
        return {VALUE: "", **{h: "n/a" for h in headers}, COST: "", TIME: "", DIFFERENCE: "n/a"}
    outcome = run.outcome
    difference = "reference" if run is comparison.reference else output.difference(comparison.difference(run))
    return {VALUE: output.number(comparison.problem.value),
            **{h: output.number(g) for h, g in zip(headers, outcome.gradient)},
            COST: output.plural(outcome.cost, outcome.unit), TIME: output.duration(run.seconds),
            DIFFERENCE: difference}


def _partial_headers(problem: Problem) -> list[str]:
    return [f"∂f/∂{name}" for name in problem.variables]


def to_json(comparison: Comparison) -> dict[str, Any]:
    """The documented schema; a method that could not run is ``{"error": ...}`` with a null difference."""
    problem = comparison.problem
    methods: dict[str, Any] = {}
    for run in comparison.runs:
        if run.outcome is None:
            methods[run.method.key] = {"error": run.failure}
        else:
            methods[run.method.key] = run.method.entry(problem.variables, run.outcome, run.seconds)
    return {
        "expression": problem.text,
        "point": dict(problem.point),
        "value": problem.value,
        "methods": methods,
        "max_abs_difference": {run.method.key: comparison.difference(run) for run in comparison.runs},
    }


def main(arguments: Sequence[str], step: float | None, as_json: bool) -> None:
    output.show(compare(arguments, step), render, to_json, as_json)
