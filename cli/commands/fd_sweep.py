"""``dualdiff fd-sweep``: finite-difference error against the step, the classroom V.

For steps 1e-1 … 1e-15, :func:`dualdiff.finite_diff.step_sweep` measures the
error of forward, central and five-point differences against forward-mode AD
(exact to rounding, so it is the reference). Large steps: truncation error,
falling as h, h², h⁴. Small steps: round-off, growing as ε/h. The table marks
each method's best step; ``--plot`` draws the log-log V with its guide slopes
(matplotlib, an optional extra, imported only then, on the Agg backend).

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
from rich.text import Text

import dualdiff
from dualdiff import finite_diff

from .. import output
from ..arguments import QUIZ, Problem, parse_problem, variable
from ..diagnose import require_finite
from ..errors import UsageProblem
from ..layout import Column, Sheet, Title, point_atoms

METHODS = {"forward-difference": "forward", "central": "central", "five-point": "five-point"}
"""The CLI's name of each method -> :func:`dualdiff.finite_diff.step_sweep`'s."""
LABELS = {"forward-difference": "forward difference", "central": "central", "five-point": "five-point"}
ORDERS = {"forward-difference": 1, "central": 2, "five-point": 4}
"""Truncation error ∝ h^order: the guide slopes of the plot."""
SLOPES = {1: "∝ h", 2: "∝ h²", 4: "∝ h⁴"}
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

    def errors(self, method: str) -> np.ndarray:
        return np.asarray(self.sweep.errors[METHODS[method]], dtype=float)

    def best_step(self, method: str) -> float:
        return float(self.sweep.best_step[METHODS[method]])


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
        sweep = finite_diff.step_sweep(f, point, methods=tuple(METHODS.values()), reference=reference, wrt=index)
        defaults = {m: _default_step(f, point, index, library) for m, library in METHODS.items()}
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
    title = Title([f"Error of ∂f/∂{result.wrt} by finite differences,", f"f = {problem.text}"],
                  point_atoms("at", problem.point))
    sheet = Sheet(title, [Column("step h"), *(Column(LABELS[m]) for m in METHODS)])
    for i, h in enumerate(sweep.steps):
        cells: list[Any] = [_step(float(h))]
        for method in METHODS:
            error = float(result.errors(method)[i])
            best = result.best_step(method) == float(h)
            cells.append(Text(f"{_error(error)} {BEST}", style="bold") if best else f"{_error(error)}  ")
        sheet.add_row(*cells)
    best = ", ".join(f"{LABELS[m]} {_step(result.best_step(m))}" for m in METHODS)
    defaults = ", ".join(f"{LABELS[m]} {_step(result.default_step[m])}" for m in METHODS)
    sheet.notes = [f"absolute error |finite difference − AD|; reference: forward-mode AD, "
                   f"∂f/∂{result.wrt} = {output.number(result.reference)}",
                   f"best step ({BEST}): {best}; dualdiff's default step: {defaults}",
                   "large steps: truncation error, falling as h, h², h⁴; tiny steps: round-off, growing as ε/h"]
    if result.plot:
        sheet.notes.append(f"plot written to {result.plot}")
    return sheet


def to_json(result: SweepResult) -> dict[str, Any]:
    def finite(values: Any) -> list[float | None]:
        return [float(v) if math.isfinite(v) else None for v in np.asarray(values, dtype=float)]

    return {
        "expression": result.problem.text, "point": dict(result.problem.point), "wrt": result.wrt,
        "reference": {"mode": "forward", "value": result.reference},
        "steps": finite(result.sweep.steps),
        "errors": {m: finite(result.errors(m)) for m in METHODS},
        "best_step": {m: finite([result.best_step(m)])[0] for m in METHODS},
        "default_step": dict(result.default_step),
        "plot": result.plot,
    }


# --- plot -------------------------------------------------------------------------

def guide(steps: np.ndarray, anchor_step: float, anchor_error: float, power: float) -> np.ndarray:
    """A guide line ∝ h^power through (anchor_step, anchor_error)."""
    return anchor_error * (steps / anchor_step) ** power


def write_plot(result: SweepResult, path: str) -> None:
    """Draw :func:`figure` to ``path`` (a usage error if the file cannot be written)."""
    try:
        figure(result).savefig(path)
    except (OSError, ValueError) as exc:
        raise UsageProblem(f"--plot {path}: cannot write the file: {exc}") from None


def figure(result: SweepResult) -> Any:
    """The log-log V: one curve per method, its best step circled, guide slopes h, h², h⁴ (truncation)
    and ε/h (round-off); f and the point in the title. matplotlib is imported here only."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    sweep = result.sweep
    steps = np.asarray(sweep.steps, dtype=float)
    drawing = Figure(figsize=(7.5, 5), dpi=100)
    FigureCanvasAgg(drawing)
    axes = drawing.add_subplot()
    for method in METHODS:
        errors = result.errors(method)
        shown = np.where(errors > 0, errors, np.nan)  # log scale: an exact 0 has no place
        (line,) = axes.loglog(steps, shown, marker="o", markersize=3, label=LABELS[method])
        best = result.best_step(method)
        if math.isfinite(best):
            at = int(np.argmin(np.abs(steps - best)))
            axes.loglog([best], [shown[at]], marker="o", markersize=10, fillstyle="none", color=line.get_color())
        right = np.isfinite(shown) & (steps >= best) if math.isfinite(best) else np.isfinite(shown)
        if right.any():  # truncation guide through the error at the largest step
            k = int(np.flatnonzero(right)[0])
            axes.loglog(steps, guide(steps, steps[k], shown[k], ORDERS[method]), linestyle=":", linewidth=1,
                        color=line.get_color(), label=f"{SLOPES[ORDERS[method]]} (truncation)")
    scale = abs(result.reference) or 1.0
    epsilon = float(np.finfo(float).eps)
    axes.loglog(steps, epsilon * scale / steps, linestyle="--", linewidth=1, color="grey", label="∝ ε/h (round-off)")
    axes.set_xlabel("step h")
    axes.set_ylabel("absolute error")
    point = ", ".join(f"{n}={v!r}" for n, v in result.problem.point.items())
    axes.set_title(f"∂f/∂{result.wrt} of f = {result.problem.text}\nat {point}", fontsize=10)
    axes.grid(True, which="major", alpha=0.3)
    finite = [e for m in METHODS for e in result.errors(m) if math.isfinite(e) and e > 0]
    if finite:
        axes.set_ylim(min(finite) / 10, max(finite) * 10)
    axes.legend(fontsize=8)
    drawing.tight_layout()
    return drawing


def main(arguments: Sequence[str], wrt: str | None, plot: str | None, as_json: bool) -> None:
    result = fd_sweep(arguments, wrt, plot)
    if plot is not None:
        write_plot(result, plot)
    output.show("fd-sweep", result, render, to_json, as_json)
