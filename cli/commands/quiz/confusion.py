"""Perturbation confusion, live: d/dx [x · d/dy (x + y)] at x = 1 (y = 1).

The inner derivative is 1 whatever x is, so the answer is d/dx [x] = 1. Run
twice, step by step:

* **with tags** — ``dualdiff.derivative`` inside ``dualdiff.derivative``:
  each call perturbs with its own ε (its own tag, or level), so the inner
  derivative reads only y's ε and x's passes through untouched: 1, right.
* **without tags** — the same computation built by hand with
  ``dualdiff.Dual(value, tangent, level=L)`` and one ``L`` for both: x's and
  y's perturbations are the same ε, the inner derivative picks up x's too
  (2 instead of 1) and the answer comes out 2, wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import RenderableType

import dualdiff

from ...layout import Column, Sheet, Title

QUESTION = "d/dx [x · d/dy (x + y)] at x = 1, y = 1"
CORRECT = 1.0
SHARED_LEVEL = 1
"""The one tag both hand-built Duals share ("tags switched off")."""

EXPLANATION = (
    "Nested derivatives perturb x and y with two different infinitesimals (ε₁ for x, ε₂ for y). Without tags "
    "both are the same ε, so the inner d/dy also differentiates through x and returns 2 instead of 1. "
    "Tags (ForwardDiff's, JAX's, dualdiff's levels) give each derivative call its own ε; "
    "the inner call reads only its own."
)

STEPS = ("x", "y", "x + y", "d/dy (x + y)", "x · d/dy (x + y)", "d/dx [x · d/dy (x + y)]")


@dataclass(frozen=True)
class Run:
    """One way of computing the answer: the value at every step (Duals or numbers), and the result."""

    steps: dict[str, Any]
    result: float


def with_tags() -> Run:
    """Nested ``dualdiff.derivative``: the library's tags keep the two ε apart."""
    steps: dict[str, Any] = {}

    def outer(x: Any) -> Any:
        steps["x"] = x

        def inner(y: Any) -> Any:
            steps["y"] = y
            steps["x + y"] = x + y
            return steps["x + y"]

        steps["d/dy (x + y)"] = dualdiff.derivative(inner)(1.0)
        steps["x · d/dy (x + y)"] = x * steps["d/dy (x + y)"]
        return steps["x · d/dy (x + y)"]

    result = dualdiff.derivative(outer)(1.0)
    steps["d/dx [x · d/dy (x + y)]"] = result
    return Run(steps, float(result))


def without_tags() -> Run:
    """The same computation by hand, both Duals on one level: the perturbations are confused."""
    x = dualdiff.Dual(1.0, 1.0, level=SHARED_LEVEL)
    y = dualdiff.Dual(1.0, 1.0, level=SHARED_LEVEL)
    total = x + y
    inner = total.tangent  # "the derivative in y": but the tangent carries x's perturbation too
    product = x * inner
    result = product.tangent
    steps = {"x": x, "y": y, "x + y": total, "d/dy (x + y)": inner, "x · d/dy (x + y)": product,
             "d/dx [x · d/dy (x + y)]": result}
    return Run(steps, float(result))


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{float(value):.6g}"


class DualWriter:
    """Writes Duals as ``2 + 1·ε₁ + 1·ε₂``, naming each tag ε₁, ε₂, … in order of appearance."""

    def __init__(self) -> None:
        self.names: dict[int, str] = {}

    def epsilon(self, level: int) -> str:
        if level not in self.names:
            self.names[level] = "ε" + str(len(self.names) + 1).translate(_SUBSCRIPTS)
        return self.names[level]

    def write(self, value: Any) -> str:
        if not isinstance(value, dualdiff.Dual):
            return _number(value)
        eps = self.epsilon(value.level)
        tangent = self.write(value.tangent)
        if isinstance(value.tangent, dualdiff.Dual):
            tangent = f"({tangent})"
        return f"{self.write(value.value)} + {tangent}·{eps}"


def written(run: Run, single_epsilon: bool = False) -> dict[str, str]:
    """Every step of ``run`` as text; with ``single_epsilon`` the one shared tag is just ``ε``."""
    writer = DualWriter()
    texts = {step: writer.write(value) for step, value in run.steps.items()}
    if single_epsilon and len(writer.names) == 1:
        only = next(iter(writer.names.values()))
        texts = {step: text.replace(only, "ε") for step, text in texts.items()}
    return texts


# --- output ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Confusion:
    tagged: Run
    untagged: Run


def solve() -> Confusion:
    return Confusion(with_tags(), without_tags())


def render(quiz: Confusion) -> RenderableType:
    tagged = written(quiz.tagged)
    untagged = written(quiz.untagged, single_epsilon=True)
    sheet = Sheet(Title(["Perturbation confusion:"], [QUESTION]),
                  [Column("step", number=False), Column("with tags", number=False),
                   Column("without tags (one ε)", number=False)])
    for step in STEPS:
        sheet.add_row(step, tagged[step], untagged[step])
    right = "right" if quiz.tagged.result == CORRECT else "WRONG"
    wrong = "right" if quiz.untagged.result == CORRECT else "wrong"
    verdict = (f"with tags (dualdiff.derivative): {_number(quiz.tagged.result)} ({right}); "
               f"without tags (one shared ε): {_number(quiz.untagged.result)} ({wrong}); "
               f"the answer is {_number(CORRECT)}")
    sheet.notes = [verdict, EXPLANATION]
    return sheet


def to_json(quiz: Confusion) -> dict[str, Any]:
    def run(r: Run, single: bool) -> dict[str, Any]:
        texts = written(r, single_epsilon=single)
        return {"result": r.result, "steps": [{"step": s, "value": texts[s]} for s in STEPS]}

    return {"quiz": "confusion", "question": QUESTION, "correct": CORRECT,
            "tagged": run(quiz.tagged, False), "untagged": run(quiz.untagged, True), "explanation": EXPLANATION}
