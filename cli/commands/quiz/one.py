"""Quiz #1: y = exp(x·z) + x·z/log(x) + sin(log(x))/(x·z) at (2, 3), worked every way.

The evaluation trace with both forward passes (one tangent column per input)
and the backward sweep (the adjoint column, with the sums of the rows used
more than once: ``x·z`` is used three times, ``log(x)`` twice), then the
gradient by forward mode (two passes), reverse mode (one sweep) and central
differences, and the lecture's rounded answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from dualdiff import render as library_render
from dualdiff.trace import Trace, evaluation_trace

from ... import compute, output
from ...arguments import QUIZ, Problem, parse_problem
from ...layout import Column, Sheet, Title
from ...tracing import adjoint_sums, nodes_json, sheet

LABELS = {"forward": "forward mode", "reverse": "reverse mode", "central": "central differences"}


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


def solve() -> QuizOne:
    problem = parse_problem([], command="quiz", default=QUIZ)
    traces = {name: evaluation_trace(problem.expression, problem.values, problem.variables, wrt=name)
              for name in problem.variables}
    methods = {"forward": compute.forward_gradient(problem), "reverse": compute.reverse_gradient(problem),
               "central": compute.fd_gradient(problem, "central")}
    return QuizOne(problem, traces, methods)


def render(quiz: QuizOne) -> RenderableType:
    problem = quiz.problem
    first = next(iter(quiz.traces.values()))
    table = library_render.trace_table(first, 3, tangents=list(quiz.traces.values()))
    trace = sheet(table, Title.of(f"Quiz #1: y = {problem.text}", problem.point), adjoint_sums(first))
    gradients = Sheet(Title(["∇y by each method"]), [Column("method", number=False),
                      *(Column(f"∂y/∂{n}") for n in problem.variables), Column("cost")])
    for key, outcome in quiz.methods.items():
        gradients.add_row(LABELS[key], *(output.number(g) for g in outcome.gradient),
                          output.plural(outcome.cost, outcome.unit))
    passes = len(problem.variables)
    gradients.notes = [f"forward mode: {passes} passes, one per input (the two tangent columns above); reverse "
                       "mode: one backward sweep gives every adjoint (the last column)",
                       f"the lecture's answer: ∇y(2, 3) ≈ [{', '.join(str(a) for a in quiz.answer)}]"]
    return Group(trace, Text(""), gradients)


def to_json(quiz: QuizOne) -> dict[str, Any]:
    problem = quiz.problem
    first = next(iter(quiz.traces.values()))
    nodes = nodes_json(first)
    for node, rows in zip(nodes, zip(*(t.rows for t in quiz.traces.values()))):
        node["tangent"] = {name: row.tangent for name, row in zip(quiz.traces, rows)}
    methods = {key: {"gradient": dict(zip(problem.variables, o.gradient)), "cost": output.cost(o.cost, o.unit)}
               for key, o in quiz.methods.items()}
    return {"quiz": "1", "expression": problem.text, "point": dict(problem.point), "value": problem.value,
            "nodes": nodes, "methods": methods, "answer": quiz.answer}
