"""``dualdiff quiz new``: a generated quiz, a worksheet for students and its answer key.

The quiz is :func:`dualdiff.quizgen.generate`'s (a random expression of the
primitive table at a valid point, reproducible from the seed); this module
prints the evaluation trace with the tangent (forward) or adjoint (reverse)
column blank, or completed with ``--answers``, as a terminal table, Markdown
or LaTeX (``--standalone``: a complete document to hand out).
"""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType

from dualdiff import render
from dualdiff.quizgen import MAX_OPS, MIN_OPS, GeneratedQuiz, generate

from ...errors import UsageProblem
from ...layout import Title, point_atoms
from ...output import finite_or_none
from ...tracing import adjoint_sums, nodes_json, sheet

DEFAULT_OPS = 5


def solve(seed: int | None, ops: int | None, mode: str | None) -> GeneratedQuiz:
    if seed is not None and seed < 0:
        raise UsageProblem(f"--seed must be a non-negative integer, got {seed}")
    ops = DEFAULT_OPS if ops is None else ops
    if not MIN_OPS <= ops <= MAX_OPS:
        raise UsageProblem(f"--ops must be between {MIN_OPS} and {MAX_OPS}, got {ops}")
    return generate(0 if seed is None else seed, ops, mode or "forward")


def task(quiz: GeneratedQuiz) -> str:
    """What the student is asked to do."""
    if quiz.mode == "forward":
        return (f"Fill in the tangent column: forward mode seeded with {render.dotted(quiz.wrt)} = 1 "
                f"(the other variables 0); the last row is ∂f/∂{quiz.wrt}.")
    return ("Fill in the adjoint column: reverse mode seeded with f̄ = 1 on the last row; the inputs' "
            "adjoints are the gradient. A row used more than once sums the adjoints of its uses.")


def task_latex(quiz: GeneratedQuiz) -> str:
    """:func:`task` for a LaTeX worksheet."""
    if quiz.mode == "forward":
        name = render.to_latex_name(quiz.wrt)
        return (rf"Fill in the $\dot v_i$ column: forward mode seeded with $\dot{{{name}}} = 1$ (the other "
                rf"variables 0); the last row is $\partial f / \partial {name}$.")
    return (r"Fill in the $\bar v_i$ column: reverse mode seeded with $\bar f = 1$ on the last row; the "
            r"inputs' adjoints are the gradient. A row used more than once sums the adjoints of its uses.")


def _options(quiz: GeneratedQuiz, answers: bool) -> dict[str, Any]:
    return {"forward": quiz.mode == "forward", "reverse": quiz.mode == "reverse",
            "blank": () if answers else (quiz.blank,)}


def title(quiz: GeneratedQuiz, answers: bool) -> Title:
    label = f"Quiz (seed {quiz.seed}){' — answer key' if answers else ''}:"
    return Title([label, f"f = {quiz.text}"], point_atoms("at", quiz.point))


def render_table(quiz: GeneratedQuiz, answers: bool) -> RenderableType:
    table = render.trace_table(quiz.trace, 3, **_options(quiz, answers))
    notes = [task(quiz)]
    if answers:
        notes = [plain for plain, _ in render.trace_notes(quiz.trace, 3, quiz.mode == "forward",
                                                         quiz.mode == "reverse")]
        if quiz.mode == "reverse":
            notes += adjoint_sums(quiz.trace)
    return sheet(table, title(quiz, answers), notes)


def markdown(quiz: GeneratedQuiz, answers: bool) -> str:
    text = render.trace_markdown(quiz.trace, 3, title=title(quiz, answers).plain(), **_options(quiz, answers))
    return text if answers else text.rstrip() + "\n\n" + task(quiz) + "\n"


def latex(quiz: GeneratedQuiz, answers: bool, standalone: bool) -> str:
    if standalone:
        heading = (rf"\section*{{Quiz (seed {quiz.seed}){' --- answer key' if answers else ''}}}" + "\n"
                   + render.trace_title(quiz.trace, "Evaluation trace")[1])
        if not answers:
            heading += r"\\" + "\n" + task_latex(quiz)
        return render.trace_document(quiz.trace, 3, title=heading, **_options(quiz, answers))
    return render.trace_latex(quiz.trace, 3, **_options(quiz, answers))


def to_json(quiz: GeneratedQuiz, answers: bool) -> dict[str, Any]:
    forward, reverse = quiz.mode == "forward", quiz.mode == "reverse"
    nodes = nodes_json(quiz.trace, tangent=forward and answers, adjoint=reverse and answers)
    return {"quiz": "new", "seed": quiz.seed, "ops": quiz.ops, "mode": quiz.mode, "expression": quiz.text,
            "point": dict(quiz.point), "wrt": quiz.wrt, "blank": quiz.blank, "answers": answers,
            "task": task(quiz), "nodes": nodes,
            "answer": {n: finite_or_none(v) for n, v in quiz.answer.items()} if answers else None}
