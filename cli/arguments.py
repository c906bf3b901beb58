"""The parse step every command shares: ``[EXPR] [NAME=VALUE ...]`` -> a checked :class:`Problem`.

Decisions (also in ``dualdiff --help``):

* The first argument is the expression unless it looks like ``NAME=VALUE``
  (``compare`` and ``fd-sweep`` may leave it out: they then use the lecture's
  Quiz #1, whose point defaults to x=2, z=3; ``compare x=5`` keeps z=3).
* **Variable order is the order of the ``NAME=VALUE`` arguments.** Every
  variable needs a value, so that order always covers them all, and the user
  chooses the column order of gradients and Jacobians by writing the point.
* A name in the point that the expression does not use, or a variable with
  no value, is a usage error naming it.
* Before any derivative is taken, the expression is evaluated on plain floats
  with the domain check on, so ``log(-1)`` is reported as ``log(-1.0)``
  (exit 1) rather than as a NaN derivative, and ``exp(800.0)`` as an overflow.
* An unquoted ``*`` is expanded by the shell into file names before dualdiff
  sees it; arguments that are names of files here get a hint to quote.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Sequence

from dualdiff import expr
from dualdiff.errors import DomainError, ExpressionError

from .errors import NotDefined, Overflows, UsageProblem
from .point import looks_like_assignment, parse_point

QUIZ = "exp(x*z) + x*z/log(x) + sin(log(x))/(x*z)"
"""Quiz #1 of the lecture notes, the default of ``dualdiff compare`` and ``fd-sweep``."""
QUIZ_POINT = {"x": 2.0, "z": 3.0}

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
        """Each output as the parser understood it (canonical spelling, ``^`` if the user wrote it)."""
        power = "^" if "^" in self.text else "**"
        return tuple(expr.to_string(node, power=power) for node in self.expression.outputs)

    def describe_point(self) -> str:
        return format_point(self.point)


def format_point(point: dict[str, float]) -> str:
    """``x=2.0, z=3.0`` (repr, so the exact float is visible)."""
    return ", ".join(f"{name}={value!r}" for name, value in point.items())


def _expanded_glob(arguments: Sequence[str]) -> list[str]:
    """The arguments that are names of entries of the current folder (a shell-expanded ``*``)."""
    try:
        here = set(os.listdir("."))
    except OSError:
        return []
    return [a for a in arguments if a in here and not looks_like_assignment(a)]


def _glob_problem(arguments: Sequence[str], command: str) -> UsageProblem | None:
    names = _expanded_glob(arguments)
    if not names:
        return None
    shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
    return UsageProblem(f"{shown}: the shell replaced a `*` of the expression by the file names here; "
                        f"quote the expression, e.g. dualdiff {command} 'x*y' x=1 y=2")


def _option_names() -> list[str]:
    """The options of the command being run (empty outside a command)."""
    try:
        from typer._click.globals import get_current_context
    except ImportError:  # older typer, on click
        try:
            from click import get_current_context  # type: ignore[no-redef]
        except ImportError:
            return []
    context = get_current_context(silent=True)
    if context is None:
        return []
    return [name for param in context.command.params for name in getattr(param, "opts", ())
            if name.startswith("--")] + ["--help"]


def unknown_option(name: str) -> str:
    """``no such option: --jsn; did you mean --json?``; an option of the command met here came
    after ``--``, which ends the options."""
    import difflib

    options = _option_names()
    if name in options:
        return f"{name} comes after `--`, which ends the options; put it before `--`"
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return f"no such option: {name}" + (f"; did you mean {close[0]}?" if close else "")


def split_arguments(arguments: Sequence[str]) -> tuple[str | None, list[str]]:
    """``(expression or None, NAME=VALUE arguments)``.

    An argument like ``--jsno`` reaches us only because expressions may start
    with ``-`` (unknown options are passed through); report it as the unknown
    option it almost certainly is.
    """
    arguments = list(arguments or ())
    for argument in arguments:
        if _OPTION_LIKE.match(argument):
            raise UsageProblem(unknown_option(argument.split("=", 1)[0]))
    if arguments and not looks_like_assignment(arguments[0]):
        return arguments[0], arguments[1:]
    return None, arguments


def parse_problem(arguments: Sequence[str], *, command: str, default: str | None = None,
                  single_output: bool = True, share: bool = True) -> Problem:
    """Parse the arguments, compile the expression and evaluate it (domain-checked).

    ``default`` is the expression used when none is given (with the quiz's
    point for the variables not given); with no default a missing expression
    is a usage error. ``single_output`` rejects ``;``-separated outputs
    (everything but ``jacobian`` and ``jvp``). ``share`` parses equal
    subexpressions as one node (see :func:`dualdiff.expr.compile`).
    """
    try:
        return _parse_problem(arguments, command, default, single_output, share)
    except (ExpressionError, UsageProblem):
        glob = _glob_problem(arguments, command)
        if glob is not None:
            raise glob from None
        raise


def _parse_problem(arguments: Sequence[str], command: str, default: str | None, single_output: bool,
                   share: bool) -> Problem:
    text, assignments = split_arguments(arguments)
    if text is None:
        if default is None:
            raise UsageProblem(f"`{command}` needs an expression, e.g. dualdiff {command} \"x^2\" x=3")
        text = default
        given = parse_point(assignments)
        unknown = [name for name in given if name not in QUIZ_POINT]
        if unknown:
            raise UsageProblem(f"`{unknown[0]}` is not a variable of the default expression {QUIZ} "
                               f"(variables: {', '.join(QUIZ_POINT)})")
        point = {**QUIZ_POINT, **given}
    else:
        point = parse_point(assignments)
    expression = expr.compile(text, share=share)
    if single_output and len(expression.outputs) != 1:
        raise UsageProblem(f"`{command}` needs a single expression, got {len(expression.outputs)} outputs "
                           "separated by `;` (use `dualdiff jacobian` for several)")
    try:
        outputs = expression.evaluate(point, check_domain=True)  # also names unknown/missing variables
    except DomainError as exc:
        raise domain_problem(exc, point) from None
    if not expression.variables:
        raise UsageProblem("the expression has no variables, so there is nothing to differentiate")
    if tuple(point) != expression.variables:
        expression = expr.compile(text, variables=tuple(point), share=share)
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    shown = " ".join(text.split())  # a pasted newline or tab is not echoed into titles
    return Problem(shown, expression, point, tuple(float(v) for v in outputs))


def domain_problem(exc: DomainError, point: dict[str, float]) -> NotDefined:
    """The CLI's error for a value that cannot be computed: not defined, or an overflow."""
    if isinstance(exc, expr.FloatOverflowError):
        return Overflows(f"f cannot be computed in floating point at {format_point(point)}: {exc}")
    return NotDefined(f"f is not defined at {format_point(point)}: {exc}")


def parse_direction(assignments: Sequence[str], problem: Problem, option: str) -> dict[str, float]:
    """``NAME=VALUE`` arguments of an option (``--tangent``) for variables of ``problem``."""
    for assignment in assignments:
        if assignment.startswith("--"):
            raise UsageProblem(f"{option} needs NAME=VALUE, but it is followed by the option "
                               f"{assignment}: write {option} NAME=VALUE {assignment}")
    direction = parse_point(assignments)
    for name in direction:
        if name not in problem.point:
            raise UsageProblem(f"{option} {name}=...: `{name}` is not a variable of the expression "
                               f"(variables: {', '.join(problem.variables)})")
    return direction


def variable(variables: Sequence[str], wrt: str | None, option: str = "--wrt") -> str:
    """``wrt`` checked against ``variables``; the first variable when it is None."""
    if wrt is None:
        return variables[0]
    if not wrt.strip():
        raise UsageProblem(f"{option} needs a variable name (variables: {', '.join(variables)})")
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


def parse_optional_point(arguments: Sequence[str], *, command: str, share: bool = True) -> Parsed:
    """``EXPR [NAME=VALUE ...]``: with any ``NAME=VALUE`` it is a full :class:`Problem`
    (every variable needs a value, domain-checked), without one just the parsed expression."""
    text, assignments = split_arguments(arguments)
    if assignments:
        problem = parse_problem(arguments, command=command, share=share)
        return Parsed(problem.expression, problem)
    if text is None:
        raise UsageProblem(f"`{command}` needs an expression, e.g. dualdiff {command} \"x^2\"")
    try:
        expression = expr.compile(text, share=share)
    except ExpressionError:
        glob = _glob_problem(arguments, command)
        if glob is not None:
            raise glob from None
        raise
    if len(expression.outputs) != 1:
        raise UsageProblem(f"`{command}` needs a single expression, got {len(expression.outputs)} "
                           "outputs separated by `;`")
    if not expression.variables:
        raise UsageProblem("the expression has no variables, so there is nothing to differentiate")
    return Parsed(expression, None)
