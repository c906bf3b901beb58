"""Parse-step helpers shared by the teaching commands (trace, graph, symbolic, fd-sweep, quiz).

They extend :mod:`.arguments` with the two things those commands add: a
``--wrt`` that defaults to the first variable instead of being required, and
an expression whose point is optional (``graph`` and ``symbolic`` can work on
the structure alone).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from dualdiff import expr

from .arguments import Problem, parse_problem, split_arguments
from .errors import UsageProblem


def variable(variables: Sequence[str], wrt: str | None, option: str = "--wrt") -> str:
    """``wrt`` checked against ``variables``; the first variable when it is None."""
    if wrt is None:
        return variables[0]
    if wrt not in variables:
        raise UsageProblem(f"{option} {wrt}: `{wrt}` is not a variable of the expression "
                           f"(variables: {', '.join(variables)})")
    return wrt


@dataclass(frozen=True)
class Parsed:
    """An expression with its point, or without one (``problem`` is None then)."""

    expression: expr.Expression
    problem: Problem | None

    @property
    def variables(self) -> tuple[str, ...]:
        return self.expression.variables

    @property
    def text(self) -> str:
        return self.expression.text


def parse_optional_point(arguments: Sequence[str], *, command: str) -> Parsed:
    """``EXPR [NAME=VALUE ...]``: with any ``NAME=VALUE`` it is a full :class:`Problem`
    (every variable needs a value, domain-checked), without one just the parsed expression."""
    text, assignments = split_arguments(arguments)
    if assignments:
        problem = parse_problem(arguments, command=command)
        return Parsed(problem.expression, problem)
    if text is None:
        raise UsageProblem(f"`{command}` needs an expression, e.g. dualdiff {command} \"x^2\"")
    expression = expr.compile(text)
    if len(expression.outputs) != 1:
        raise UsageProblem(f"`{command}` needs a single expression, got {len(expression.outputs)} "
                           "outputs separated by `;`")
    if not expression.variables:
        raise UsageProblem("the expression has no variables, so there is nothing to differentiate")
    return Parsed(expression, None)
