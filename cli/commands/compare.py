"""``dualdiff compare``: every method on one gradient, side by side, with what agrees.

The comparison itself (the methods, honest timings, notes for a method that
cannot run) is the library's :func:`dualdiff.compare.compare`; this command
parses, checks that the AD rows are finite, and lays the result out.
"""

from __future__ import annotations

from typing import Any, Sequence

from rich.console import RenderableType

from dualdiff import compare as library
from dualdiff import render

from .. import output
from ..arguments import QUIZ, Problem, parse_problem
from ..compute import check_step, cli_wording
from ..diagnose import require_finite
from ..layout import Column, Sheet, Title
from ..output import finite_or_none


def compare(arguments: Sequence[str], step: float | None = None) -> tuple[Problem, library.Comparison]:
    problem = parse_problem(arguments, command="compare", default=QUIZ)
    comparison = library.compare(problem.expression, problem.point, step=check_step(step))
    for result in comparison.results:  # the AD rows: a non-finite derivative means "not defined here"
        if result.method.kind == "ad" and result.outcome is not None:
            require_finite(problem, [(f"∂f/∂{name}", g, {name: 1.0})
                                     for name, g in zip(problem.variables, result.outcome.gradient)])
    return problem, comparison


def _reference_label(comparison: library.Comparison) -> str:
    reference = comparison.reference
    return reference.method.short if reference is not None else "forward"


def render_table(problem: Problem, comparison: library.Comparison) -> RenderableType:
    """One table when the terminal is wide enough; else derivatives and costs apart; else one
    block per method, so no digit is ever cut off."""
    names = problem.variables
    columns = [Column("method", number=False), *(Column(f"∂f/∂{n}") for n in names),
               Column(f"|Δ| vs {_reference_label(comparison)}"), Column("cost"), Column("time"),
               Column("first call")]
    n = len(names)
    derivatives, costs = list(range(1, n + 2)), [n + 2, n + 3, n + 4]
    sheet = Sheet(Title.of(f"f = {problem.text}", problem.point), columns, splits=[[derivatives, costs]])
    header, rows = render.comparison_rows(comparison)
    for row in rows:  # method, f, ∂f…, cost, time, first call, |Δ| -> the order above
        sheet.add_row(_label(row[0]), *row[2:2 + n], row[-1], row[2 + n], row[3 + n], row[4 + n])
    sheet.notes = [f"f = {output.number(comparison.value)} (the same for every method)",
                   comparison.caption(), *(cli_wording(note) for note in comparison.notes()),
                   comparison.timing_note()]
    return sheet


def _label(label: str) -> str:
    """The row label without its parenthesised gloss (``compiled (generated code)`` is
    ``compiled``): the cost column says the same (``1 generated-code call``), and the short
    label keeps the table within 80 columns."""
    return label.split(" (", 1)[0]


def to_json(problem: Problem, comparison: library.Comparison) -> dict[str, Any]:
    """The documented schema (README, JSON output): one entry per method, keyed by its name."""
    names = problem.variables
    methods: dict[str, Any] = {}
    for r in comparison.results:
        o = r.outcome
        methods[r.method.key] = {
            "kind": r.method.kind, "label": r.method.label,
            "gradient": {n: finite_or_none(g) for n, g in zip(names, o.gradient)} if o else None,
            "cost": output.cost(o.cost, o.unit) if o else None,
            "seconds": r.seconds, "first_call_seconds": r.first_call_seconds, "samples": r.samples,
            "step": dict(zip(names, o.step)) if o and o.step else None,
            "error_estimate": {n: finite_or_none(e) for n, e in zip(names, o.error_estimate)}
            if o and o.error_estimate else None,
            "max_abs_difference": finite_or_none(comparison.difference(r)),
            "digits": comparison.digits(r),
            "note": cli_wording(r.note) if r.note else None,
        }
    reference = comparison.reference
    return {
        "expression": problem.text, "point": dict(problem.point), "value": comparison.value,
        "reference": reference.method.key if reference is not None else None,
        "methods": methods,
        "timing": {"statistic": "median", "rounds": comparison.rounds,
                   "setup_seconds": comparison.setup_seconds, "note": comparison.timing_note()},
        "caption": comparison.caption(),
    }


def main(arguments: Sequence[str], step: float | None, fmt: str, standalone: bool, as_json: bool) -> None:
    problem, comparison = compare(arguments, step)
    if as_json:
        output.emit_json("compare", to_json(problem, comparison))
    elif fmt == "markdown":
        output.write_text(render.comparison_markdown(comparison))
    elif fmt == "latex":
        body = render.comparison_latex(comparison)
        output.write_text(render.latex_document(body) if standalone else body)
    else:
        output.emit(render_table(problem, comparison))
