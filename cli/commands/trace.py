"""``dualdiff trace``: the evaluation trace, as Baydin et al. and the lecture draw it.

One row per intermediate variable (``v₋₁ = x1``, ``v₁ = log(v₋₁)``, …) with
its primal value, forward tangent (seeded on ``--wrt``) and reverse adjoint.
All numbers come from :func:`dualdiff.trace.evaluation_trace` (one tape of
Duals, one backward sweep); this module only lays them out, as a rich table
or as Markdown/LaTeX ready for notes and slides.
"""

from __future__ import annotations

import functools
import math
import sys
import unicodedata
from dataclasses import dataclass
from typing import Any, Sequence

from rich.console import RenderableType
from rich.markup import escape
from rich.text import Text

from dualdiff.trace import Trace, TraceRow, evaluation_trace

from .. import notation, output
from ..arguments import Problem, parse_problem
from ..diagnose import require_finite
from ..errors import UsageProblem
from ..teaching_args import variable

MODES = ("forward", "reverse", "both")
FORMATS = ("table", "markdown", "latex")
MAX_DECIMALS = 16


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

    @property
    def output_row(self) -> TraceRow | None:
        return output_row(self.trace)


def output_row(trace: Trace) -> TraceRow | None:
    """The row holding the function's value, or None when the output is a constant.

    The output is recorded last, and the backward sweep is seeded there with
    exactly 1, so the last row is the output when it has that value and that
    adjoint; a function whose result does not depend on its inputs
    (``sign(x)``) leaves no output row on the tape.
    """
    last = trace.rows[-1]
    if last.value == trace.value and last.adjoint == 1.0:
        return last
    return None


def dotted(name: str) -> str:
    """``x1`` -> ``ẋ1``: the tangent of a variable (a dot over its first letter, precomposed if Unicode has it)."""
    return unicodedata.normalize("NFC", name[0] + "\u0307" + name[1:])


def barred(name: str) -> str:
    """``x1`` -> ``x̄1``: the adjoint of a variable (a bar over its first letter, precomposed if Unicode has it)."""
    return unicodedata.normalize("NFC", name[0] + "\u0304" + name[1:])


def trace(arguments: Sequence[str], wrt: str | None = None, mode: str = "both") -> TraceResult:
    problem = parse_problem(arguments, command="trace")
    seed = variable(problem.variables, wrt)
    result = evaluation_trace(problem.expression, problem.values, problem.variables, wrt=seed)
    checks = []
    if mode in ("forward", "both"):
        checks.append((f"∂f/∂{seed}", result.tangent, {seed: 1.0}))
    if mode in ("reverse", "both"):
        checks += [(f"∂f/∂{name}", g, {name: 1.0}) for name, g in result.gradient.items()]
    require_finite(problem, checks)
    return TraceResult(problem, result, mode)


# --- the notes under the table ------------------------------------------------

def notes(result: TraceResult, decimals: int) -> list[str]:
    """What the table adds up to: the output, the forward derivative, the reverse gradient."""
    t = result.trace
    out = result.output_row
    where = out.name if out is not None else "a constant (it does not depend on the variables)"
    lines = [f"f = {notation.short(t.value, decimals)}, the value of {where}"]
    if result.forward:
        lines.append(f"forward mode (1 pass, seeded {dotted(t.wrt)} = 1): "
                     f"∂f/∂{t.wrt} = {notation.short(t.tangent, decimals)}")
    if result.reverse:
        adjoints = ", ".join(f"{barred(name)} = {notation.short(g, decimals)}" for name, g in t.gradient.items())
        lines.append(f"reverse mode (1 backward sweep, seeded f̄ = 1): {adjoints}")
    return lines


# --- rich table -----------------------------------------------------------------

def trace_table(title: str, rows: Sequence[TraceRow], tangents: Sequence[tuple[str, Sequence[float]]],
                adjoints: bool, decimals: int) -> RenderableType:
    """The trace as a rich table: node, operation, value, one column per tangent pass, adjoint.

    ``title`` is rich markup: escape any user text in it.
    """
    table = output.table(title)
    table.add_column("node", no_wrap=True)
    table.add_column("operation")
    output.number_column(table, "value")
    for header, _ in tangents:
        output.number_column(table, Text(header))
    if adjoints:
        output.number_column(table, Text("adjoint v̄"))
    for i, row in enumerate(rows):
        cells: list[Any] = [Text(row.name), Text(notation.operation(row.op, row.inputs)),
                            notation.short(row.value, decimals)]
        cells += [notation.short(values[i], decimals) for _, values in tangents]
        if adjoints:
            cells.append(notation.short(row.adjoint, decimals))
        table.add_row(*cells)
    return table


def _tangent_columns(result: TraceResult) -> list[tuple[str, list[float]]]:
    if not result.forward:
        return []
    return [(f"tangent v̇ ({dotted(result.trace.wrt)}=1)", [r.tangent for r in result.trace.rows])]


def render(result: TraceResult, decimals: int = 3) -> RenderableType:
    problem = result.problem
    title = f"Evaluation trace of f = {escape(problem.text)}  at  {escape(problem.describe_point())}"
    table = trace_table(title, result.trace.rows, _tangent_columns(result), result.reverse, decimals)
    return output.with_notes(table, *notes(result, decimals))


# --- Markdown and LaTeX -----------------------------------------------------------

def _plain_cells(result: TraceResult, decimals: int) -> list[list[str]]:
    rows = []
    for row in result.trace.rows:
        cells = [row.name, notation.operation(row.op, row.inputs), notation.short(row.value, decimals)]
        if result.forward:
            cells.append(notation.short(row.tangent, decimals))
        if result.reverse:
            cells.append(notation.short(row.adjoint, decimals))
        rows.append(cells)
    return rows


def markdown(result: TraceResult, decimals: int = 3) -> str:
    """The trace as a Markdown table with its notes, for lecture notes."""
    header = ["node", "operation", "value"]
    header += [f"tangent v̇ ({dotted(result.trace.wrt)}=1)"] if result.forward else []
    header += ["adjoint v̄"] if result.reverse else []
    point = result.problem.describe_point()
    lines = [f"Evaluation trace of f = {result.problem.output_texts[0]} at {point}", "",
             notation.markdown_table(header, _plain_cells(result, decimals)), ""]
    lines += [notation.markdown_cell(line) + "  " for line in notes(result, decimals)]
    return "\n".join(lines).rstrip() + "\n"


def latex(result: TraceResult, decimals: int = 3) -> str:
    """The trace as a LaTeX ``tabular`` (math-mode cells), for slides."""
    columns = ["$v_i$", "operation", "$v_i$ value"]
    columns += [rf"$\dot v_i$ (${notation.latex_text(result.trace.wrt)}$ seeded)"] if result.forward else []
    columns += [r"$\bar v_i$"] if result.reverse else []
    spec = "ll" + "r" * (len(columns) - 2)
    lines = [f"% evaluation trace of f = {result.problem.output_texts[0]} at {result.problem.describe_point()}",
             rf"\begin{{tabular}}{{{spec}}}", r"\hline", " & ".join(columns) + r" \\", r"\hline"]
    for row, cells in zip(result.trace.rows, _plain_cells(result, decimals)):
        numbers = [f"${notation.latex_number(c)}$" for c in cells[2:]]
        rhs = notation.latex_operation(row.op, row.inputs)
        lines.append(" & ".join([f"${notation.latex_name(row.name)}$", f"$= {rhs}$", *numbers]) + r" \\")
    lines += [r"\hline", r"\end{tabular}"]
    lines += [f"% {line}" for line in notes(result, decimals)]
    return "\n".join(lines) + "\n"


# --- JSON -------------------------------------------------------------------------

def finite_or_none(value: float | None) -> float | None:
    """JSON has no NaN or inf: those become null."""
    return value if value is not None and math.isfinite(value) else None


def nodes_json(rows: Sequence[TraceRow], tangent: bool = True, adjoint: bool = True) -> list[dict[str, Any]]:
    return [{"id": r.id, "name": r.name, "op": r.op, "inputs": list(r.inputs), "value": r.value,
             "tangent": finite_or_none(r.tangent) if tangent else None,
             "adjoint": finite_or_none(r.adjoint) if adjoint else None} for r in rows]


def to_json(result: TraceResult) -> dict[str, Any]:
    t = result.trace
    out = result.output_row
    return {
        "expression": result.problem.text,
        "point": dict(result.problem.point),
        "mode": result.mode,
        "wrt": t.wrt,
        "nodes": nodes_json(t.rows, result.forward, result.reverse),
        "output": {"name": out.name if out is not None else None, "value": t.value,
                   "tangent": t.tangent if result.forward else None,
                   "gradient": dict(t.gradient) if result.reverse else None},
    }


def check_decimals(decimals: int) -> int:
    if not 0 <= decimals <= MAX_DECIMALS:
        raise UsageProblem(f"--digits must be between 0 and {MAX_DECIMALS}, got {decimals}")
    return decimals


def main(arguments: Sequence[str], wrt: str | None, mode: str, fmt: str, decimals: int,
         as_json: bool) -> None:
    if as_json and fmt != "table":
        raise UsageProblem(f"choose --json or --format {fmt}, not both")
    check_decimals(decimals)
    result = trace(arguments, wrt, mode)
    if fmt == "markdown":
        sys.stdout.write(markdown(result, decimals))
    elif fmt == "latex":
        sys.stdout.write(latex(result, decimals))
    else:
        output.show(result, functools.partial(render, decimals=decimals), to_json, as_json)
