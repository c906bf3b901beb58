"""``dualdiff fd-sweep``: finite-difference error against the step, the classroom V.

For steps 1e-1 … 1e-15, :func:`dualdiff.finite_diff.step_sweep` measures the
error of forward, central and five-point differences against forward-mode AD
(exact to rounding, so it is the reference). Large steps: truncation error,
falling as h, h², h⁴. Small steps: round-off, growing as ε/h. The table marks
each method's best step; ``--plot`` draws the log-log V with matplotlib (an
optional extra, imported only then, on the Agg backend).

Decision: ``--plot`` is checked before anything is computed. Without
matplotlib it is a usage error (exit 2) naming the install command, and the
plot file is written before the table is printed, so a failure never leaves
half an output behind.
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from rich.console import RenderableType
from rich.markup import escape
from rich.text import Text

import dualdiff
from dualdiff import finite_diff

from .. import output
from ..arguments import QUIZ, Problem, parse_problem
from ..diagnose import require_finite
from ..errors import UsageProblem
from ..teaching_args import variable

METHODS = ("forward", "central", "five-point")
PLOT_FORMATS = (".png", ".pdf", ".svg")
INSTALL_HINT = 'pip install "dualdiff[plot]"'
BEST = "◀"


@dataclass(frozen=True)
class SweepResult:
    problem: Problem
    wrt: str
    reference: float
    """∂f/∂wrt by forward mode: the value every finite difference is measured against."""
    sweep: finite_diff.StepSweep
    default_step: dict[str, float | None]
    """The step dualdiff.finite_diff chooses by itself for each method (None if it cannot)."""
    plot: str | None = None


def matplotlib_available() -> bool:
    return importlib.util.find_spec("matplotlib") is not None


def check_plot_path(plot: str | None) -> None:
    """Refuse a plot that cannot be made before computing anything (see the module doc)."""
    if plot is None:
        return
    path = Path(plot)
    if path.suffix.lower() not in PLOT_FORMATS:
        raise UsageProblem(f"--plot {plot}: the file must end in {', '.join(PLOT_FORMATS)}")
    if not path.parent.is_dir():
        raise UsageProblem(f"--plot {plot}: the folder {str(path.parent)!r} does not exist")
    if not matplotlib_available():
        raise UsageProblem(f"--plot needs matplotlib, an optional extra: {INSTALL_HINT}")


def _default_step(f: Any, point: np.ndarray, index: int, method: str) -> float | None:
    try:
        steps = np.atleast_1d(finite_diff.gradient(f, point, method=method).step)
    except (ValueError, ArithmeticError):
        return None
    return float(steps[index])


def fd_sweep(arguments: Sequence[str], wrt: str | None = None, plot: str | None = None) -> SweepResult:
    check_plot_path(plot)
    problem = parse_problem(arguments, command="fd-sweep", default=QUIZ)
    name = variable(problem.variables, wrt)
    index = problem.variables.index(name)
    tangent = tuple(1.0 if i == index else 0.0 for i in range(len(problem.variables)))
    reference = float(dualdiff.jvp(problem.expression, problem.values, tangent)[1])
    require_finite(problem, [(f"∂f/∂{name}", reference, {name: 1.0})])
    expression = problem.expression

    def f(x: np.ndarray) -> Any:
        return expression(*x)

    point = np.array(problem.values)
    with np.errstate(all="ignore"):
        sweep = finite_diff.step_sweep(f, point, methods=METHODS, reference=reference, wrt=index)
        defaults = {m: _default_step(f, point, index, m) for m in METHODS}
    return SweepResult(problem, name, reference, sweep, defaults, plot)


# --- table ------------------------------------------------------------------------

def _step(h: float | None) -> str:
    return "n/a" if h is None or not math.isfinite(h) else f"{h:.0e}"


def _error(e: float) -> str:
    if not math.isfinite(e):
        return "n/a"
    return "0" if e == 0.0 else f"{e:.1e}"


def render(result: SweepResult) -> RenderableType:
    problem, sweep = result.problem, result.sweep
    table = output.table(f"Error of ∂f/∂{escape(result.wrt)} by finite differences, f = {escape(problem.text)}"
                         f"  at  {escape(problem.describe_point())}")
    output.number_column(table, "step h")
    for method in METHODS:
        output.number_column(table, f"{method} error")
    for i, h in enumerate(sweep.steps):
        cells: list[Any] = [_step(float(h))]
        for method in METHODS:
            error = float(sweep.errors[method][i])
            best = sweep.best_step[method] == float(h)
            cells.append(Text(f"{_error(error)} {BEST}", style="bold") if best else f"{_error(error)}  ")
        table.add_row(*cells)
    best = ", ".join(f"{m} {_step(sweep.best_step[m])}" for m in METHODS)
    defaults = ", ".join(f"{m} {_step(result.default_step[m])}" for m in METHODS)
    notes = [f"reference: forward-mode AD, ∂f/∂{result.wrt} = {output.number(result.reference)}",
             f"best step ({BEST}): {best}; dualdiff's default step: {defaults}",
             "large steps: truncation error, falling as h, h², h⁴; tiny steps: round-off, growing as ε/h"]
    if result.plot:
        notes.append(f"plot written to {result.plot}")
    return output.with_notes(table, *notes)


def to_json(result: SweepResult) -> dict[str, Any]:
    sweep = result.sweep

    def finite(values: Any) -> list[float | None]:
        return [float(v) if math.isfinite(v) else None for v in np.asarray(values, dtype=float)]

    return {
        "expression": result.problem.text,
        "point": dict(result.problem.point),
        "wrt": result.wrt,
        "reference": result.reference,
        "steps": finite(sweep.steps),
        "errors": {m: finite(sweep.errors[m]) for m in METHODS},
        "best_step": {m: finite([sweep.best_step[m]])[0] for m in METHODS},
        "default_step": dict(result.default_step),
        "plot": result.plot,
    }


# --- plot -------------------------------------------------------------------------

def write_plot(result: SweepResult, path: str) -> None:
    """The log-log V: one curve per method, its best step circled. matplotlib is imported here only."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    sweep = result.sweep
    figure = Figure(figsize=(7, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for method in METHODS:
        errors = np.asarray(sweep.errors[method], dtype=float)
        shown = np.where(errors > 0, errors, np.nan)  # log scale: an exact 0 has no place
        (line,) = axes.loglog(sweep.steps, shown, marker="o", markersize=3, label=method)
        best = sweep.best_step[method]
        if math.isfinite(best):
            at = int(np.argmin(np.abs(sweep.steps - best)))
            axes.loglog([best], [shown[at]], marker="o", markersize=10, fillstyle="none",
                        color=line.get_color())
    axes.set_xlabel("step h")
    axes.set_ylabel(f"|finite difference − AD|  (∂f/∂{result.wrt})")
    axes.set_title("Truncation error (right) meets round-off error (left)", fontsize=11)
    axes.grid(True, which="major", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    try:
        figure.savefig(path)
    except (OSError, ValueError) as exc:
        raise UsageProblem(f"--plot {path}: cannot write the file: {exc}") from None


def main(arguments: Sequence[str], wrt: str | None, plot: str | None, as_json: bool) -> None:
    result = fd_sweep(arguments, wrt, plot)
    if plot is not None:
        write_plot(result, plot)
    output.show(result, render, to_json, as_json)
