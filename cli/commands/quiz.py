"""``dualdiff quiz``: the lecture's quizzes, worked by the library.

* ``quiz 1`` — Quiz #1, y = exp(x·z) + x·z/log(x) + sin(log(x))/(x·z) at
  (2, 3): the evaluation trace with both forward passes and the backward
  sweep, the gradient by forward mode (two passes), reverse mode (one sweep)
  and central differences, and the lecture's rounded answer.
* ``quiz 2`` — backprop through a two-hidden-layer sigmoid network
  (:mod:`..quiz_network`).
* ``quiz confusion`` — perturbation confusion, live (:mod:`..quiz_confusion`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.text import Text

from dualdiff.trace import Trace, evaluation_trace

from .. import compute, notation, output, quiz_confusion, quiz_network
from ..arguments import QUIZ, Problem, parse_problem
from ..errors import UsageProblem
from .trace import dotted, nodes_json, trace_table

# --- quiz 1 ------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizOne:
    problem: Problem
    traces: dict[str, Trace]
    """One evaluation trace per forward pass, keyed by the variable it is seeded on."""
    methods: dict[str, compute.Gradient]

    @property
    def answer(self) -> list[int]:
        """The lecture's rounded answer, from forward mode."""
        return [round(g) for g in self.methods["forward"].gradient]


QUIZ_ONE_LABELS = {"forward": "forward mode", "reverse": "reverse mode", "finite_difference": "central differences"}


def quiz_one() -> QuizOne:
    problem = parse_problem([], command="quiz", default=QUIZ)
    traces = {name: evaluation_trace(problem.expression, problem.values, problem.variables, wrt=name)
              for name in problem.variables}
    methods = {"forward": compute.forward_gradient(problem), "reverse": compute.reverse_gradient(problem),
               "finite_difference": compute.fd_gradient(problem, "central")}
    return QuizOne(problem, traces, methods)


def render_one(quiz: QuizOne) -> RenderableType:
    problem = quiz.problem
    first = next(iter(quiz.traces.values()))
    tangents = [(f"tangent v̇ ({dotted(name)}=1)", [r.tangent for r in t.rows]) for name, t in quiz.traces.items()]
    title = f"Quiz #1: y = {problem.output_texts[0]}  at  {problem.describe_point()}"
    trace = trace_table(escape(title), first.rows, tangents, adjoints=True, decimals=3)
    gradients = output.table("∇y by each method")
    gradients.add_column("method")
    for name in problem.variables:
        output.number_column(gradients, Text(f"∂y/∂{name}"))
    gradients.add_column("cost", justify="right")
    for key, outcome in quiz.methods.items():
        gradients.add_row(QUIZ_ONE_LABELS[key], *(output.number(g) for g in outcome.gradient),
                          output.plural(outcome.cost, outcome.unit))
    passes = len(problem.variables)
    notes = [f"forward mode: {passes} passes, one per input (the two tangent columns above); reverse mode: "
             "one backward sweep gives every adjoint (the last column)",
             f"the lecture's answer: ∇y(2, 3) ≈ [{', '.join(str(a) for a in quiz.answer)}]"]
    return Group(trace, output.with_notes(gradients, *notes))


def json_one(quiz: QuizOne) -> dict[str, Any]:
    problem = quiz.problem
    first = next(iter(quiz.traces.values()))
    nodes = nodes_json(first.rows)
    for node, rows in zip(nodes, zip(*(t.rows for t in quiz.traces.values()))):
        node["tangent"] = {name: row.tangent for name, row in zip(quiz.traces, rows)}
    methods = {}
    for key, outcome in quiz.methods.items():
        unit = "evaluations" if key == "finite_difference" else "passes"
        methods[key] = {"gradient": dict(zip(problem.variables, outcome.gradient)), unit: outcome.cost}
    return {"quiz": "1", "expression": problem.text, "point": dict(problem.point), "value": problem.value,
            "nodes": nodes, "methods": methods, "answer": quiz.answer}


# --- quiz 2 ------------------------------------------------------------------------

MAX_ENTRY_ROWS = 40
"""Beyond this many weights the table shows the differences only (--json has every entry)."""


def render_two(quiz: quiz_network.NetworkQuiz) -> RenderableType:
    n0, n1, n2 = quiz.sizes
    title = (f"Quiz #2: y = σ(βᵀσ(α⁽²⁾ᵀσ(α⁽¹⁾ᵀx))), x ∈ R^{n0}, α⁽¹⁾ {n0}×{n1}, α⁽²⁾ {n1}×{n2}, β ∈ R^{n2}"
             f"  (seed {quiz.seed}): y = {output.number(quiz.y)}")
    parts: list[RenderableType] = []
    methods = quiz_network.METHODS
    if quiz.net.count <= MAX_ENTRY_ROWS:
        entries = output.table(escape(title))
        entries.add_column("weight", no_wrap=True)
        for method in methods:
            output.number_column(entries, quiz_network.LABELS[method])
        flats = {method: quiz.flat(method) for method in methods}
        for i, (label, _, _) in enumerate(quiz_network.entry_names(quiz)):
            entries.add_row(Text(f"∂y/∂{label}"), *(output.number(float(flats[m][i])) for m in methods))
        parts.append(entries)
    differences = output.table("" if parts else escape(title))
    differences.add_column("pair")
    output.number_column(differences, "max |Δ|")
    output.number_column(differences, "relative to max |∂y/∂w|")
    for a, b, largest, relative in quiz.differences():
        differences.add_row(f"{quiz_network.LABELS[a]} vs {quiz_network.LABELS[b]}",
                            output.difference(largest), output.difference(relative))
    parts.append(differences)
    count = quiz.net.count
    costs = "; ".join(f"{quiz_network.LABELS[m]}: {output.plural(*quiz.cost[m])}" for m in methods)
    notes = [costs,
             f"one output, {count} weights: reverse mode gets all {count} partials from one backward sweep, "
             f"forward mode needs {output.plural(quiz.cost['forward'][0], 'pass')}, one per weight. "
             "That pass count is why reverse mode (backprop) wins here."]
    return output.with_notes(Group(*parts), *notes)


def json_two(quiz: quiz_network.NetworkQuiz) -> dict[str, Any]:
    def as_lists(gradient: quiz_network.Gradient) -> dict[str, Any]:
        return {p: gradient[p].tolist() for p in quiz_network.PARAMETERS}

    return {
        "quiz": "2",
        "sizes": list(quiz.sizes),
        "seed": quiz.seed,
        "x": quiz.net.x.tolist(),
        "weights": dict(zip(quiz_network.PARAMETERS, (w.tolist() for w in quiz.net.weights))),
        "y": quiz.y,
        "gradients": {m: as_lists(quiz.gradients[m]) for m in quiz_network.METHODS},
        "cost": {m: {"count": c, "unit": u} for m, (c, u) in quiz.cost.items()},
        "max_abs_difference": {f"{a}/{b}": d for a, b, d, _ in quiz.differences()},
        "max_relative_difference": {f"{a}/{b}": r for a, b, _, r in quiz.differences()},
    }


# --- perturbation confusion -----------------------------------------------------------


@dataclass(frozen=True)
class Confusion:
    tagged: quiz_confusion.Run
    untagged: quiz_confusion.Run


def render_confusion(quiz: Confusion) -> RenderableType:
    tagged = quiz_confusion.written(quiz.tagged)
    untagged = quiz_confusion.written(quiz.untagged, single_epsilon=True)
    table = output.table(escape(f"Perturbation confusion: {quiz_confusion.QUESTION}"))
    table.add_column("step")
    table.add_column("with tags (dualdiff.derivative)")
    table.add_column("without tags (one shared ε)")
    for step in quiz_confusion.STEPS:
        table.add_row(Text(step), Text(tagged[step]), Text(untagged[step]))
    right = "right" if quiz.tagged.result == quiz_confusion.CORRECT else "WRONG"
    wrong = "right" if quiz.untagged.result == quiz_confusion.CORRECT else "wrong"
    verdict = (f"with tags: {notation.constant(quiz.tagged.result)} ({right}); "
               f"without tags: {notation.constant(quiz.untagged.result)} ({wrong}); "
               f"the answer is {notation.constant(quiz_confusion.CORRECT)}")
    return output.with_notes(table, verdict, quiz_confusion.EXPLANATION)


def json_confusion(quiz: Confusion) -> dict[str, Any]:
    def run(r: quiz_confusion.Run, single: bool) -> dict[str, Any]:
        texts = quiz_confusion.written(r, single_epsilon=single)
        return {"result": r.result, "steps": [{"step": s, "value": texts[s]} for s in quiz_confusion.STEPS]}

    return {"quiz": "confusion", "question": quiz_confusion.QUESTION, "correct": quiz_confusion.CORRECT,
            "tagged": run(quiz.tagged, False), "untagged": run(quiz.untagged, True),
            "explanation": quiz_confusion.EXPLANATION}


# --- dispatch ----------------------------------------------------------------------

QUIZZES: dict[str, tuple[Callable[..., Any], Callable[[Any], RenderableType], Callable[[Any], dict]]] = {
    "1": (quiz_one, render_one, json_one),
    "2": (quiz_network.solve, render_two, json_two),
    "confusion": (lambda: Confusion(quiz_confusion.with_tags(), quiz_confusion.without_tags()),
                  render_confusion, json_confusion),
}


def main(which: str, sizes: str | None, seed: int | None, as_json: bool) -> None:
    if which != "2" and (sizes is not None or seed is not None):
        raise UsageProblem("--sizes and --seed apply to `dualdiff quiz 2` only")
    solve, render, to_json = QUIZZES[which]
    arguments: Sequence[Any] = (quiz_network.parse_sizes(sizes), 0 if seed is None else seed) if which == "2" else ()
    output.show(solve(*arguments), render, to_json, as_json)
