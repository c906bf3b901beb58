"""The parse step every command shares: ``[EXPR] [NAME=VALUE ...]`` -> a checked :class:`Problem`.

Decisions (also in ``dualdiff --help``):

* The first argument is the expression unless it looks like ``NAME=VALUE``
  (only ``compare`` may leave it out: it then uses the lecture's Quiz #1).
* **Variable order is the order of the ``NAME=VALUE`` arguments.** Every
  variable needs a value, so that order always covers them all, and the user
  chooses the column order of gradients and Jacobians by writing the point.
* A name in the point that the expression does not use, or a variable with
  no value, is a usage error naming it.
* Before any derivative is taken, the expression is evaluated on plain floats
  with the domain check on, so ``log(-1)`` is reported as ``log(-1.0)``
  (exit 1) rather than as a NaN derivative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from dualdiff import expr
from dualdiff.errors import DomainError

from .errors import NotDefined, UsageProblem
from .point import looks_like_assignment, parse_point

QUIZ = "exp(x*z) + x*z/log(x) + sin(log(x))/(x*z)"
"""Quiz #1 of the lecture notes (DESIGN §7), the default of ``dualdiff compare``."""
QUIZ_POINT = ("x=2", "z=3")

_OPTION_LIKE = re.compile(r"--[A-Za-z]")


@dataclass(frozen=True)
class Problem:
    """An expression, the point to differentiate at, and its (finite) value there.

    ``expression`` takes its variables in point order; ``values`` are the
    point's coordinates in that order; ``outputs`` is the checked value of
    each ``;``-separated output.
    """

    text: str
    expression: expr.Expression
    point: dict[str, float]
    outputs: tuple[float, ...]

    @property
    def variables(self) -> tuple[str, ...]:
        return self.expression.variables

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(self.point[name] for name in self.variables)

    @property
    def value(self) -> float:
        """The value of a single-output expression."""
        return self.outputs[0]

    @property
    def output_texts(self) -> tuple[str, ...]:
        """Each output as the parser understood it (canonical spelling)."""
        return tuple(expr.to_string(node) for node in self.expression.outputs)

    def describe_point(self) -> str:
        return format_point(self.point)


def format_point(point: dict[str, float]) -> str:
    """``x=2.0, z=3.0`` (repr, so the exact float is visible)."""
    return ", ".join(f"{name}={value!r}" for name, value in point.items())


def split_arguments(arguments: Sequence[str]) -> tuple[str | None, list[str]]:
    """``(expression or None, NAME=VALUE arguments)``.

    An argument like ``--jsno`` reaches us only because expressions may start
    with ``-`` (unknown options are passed through); report it as the unknown
    option it almost certainly is.
    """
    arguments = list(arguments or ())
    for argument in arguments:
        if _OPTION_LIKE.match(argument):
            raise UsageProblem(f"no such option: {argument.split('=', 1)[0]}")
    if arguments and not looks_like_assignment(arguments[0]):
        return arguments[0], arguments[1:]
    return None, arguments


def parse_problem(arguments: Sequence[str], *, command: str, default: str | None = None,
                  single_output: bool = True) -> Problem:
    """Parse the arguments, compile the expression and evaluate it (domain-checked).

    ``default`` is the expression used when none is given (``compare``); with
    no default a missing expression is a usage error. ``single_output``
    rejects ``;``-separated outputs (everything but ``jacobian`` and ``jvp``).
    """
    text, assignments = split_arguments(arguments)
    if text is None:
        if default is None:
            raise UsageProblem(f"`{command}` needs an expression, e.g. dualdiff {command} \"x^2\" x=3")
        text = default
        if not assignments:
            assignments = list(QUIZ_POINT)
    point = parse_point(assignments)
    expression = expr.compile(text)
    if single_output and len(expression.outputs) != 1:
        raise UsageProblem(f"`{command}` needs a single expression, got {len(expression.outputs)} outputs "
                           "separated by `;` (use `dualdiff jacobian` for several)")
    try:
        outputs = expression.evaluate(point, check_domain=True)  # also names unknown/missing variables
    except DomainError as exc:
        raise NotDefined(f"f is not defined at {format_point(point)}: {exc}") from None
    if not expression.variables:
        raise UsageProblem("the expression has no variables, so there is nothing to differentiate")
    if tuple(point) != expression.variables:
        expression = expr.compile(text, variables=tuple(point))
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    return Problem(text, expression, point, tuple(float(v) for v in outputs))


def parse_direction(assignments: Sequence[str], problem: Problem, option: str) -> dict[str, float]:
    """``NAME=VALUE`` arguments of an option (``--tangent``) for variables of ``problem``."""
    direction = parse_point(assignments)
    for name in direction:
        if name not in problem.point:
            raise UsageProblem(f"{option} {name}=...: `{name}` is not a variable of the expression "
                               f"(variables: {', '.join(problem.variables)})")
    return direction
