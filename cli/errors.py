"""The one place where failures become exit codes and messages (the contract of the README's
"Command line" section).

Every command body runs inside :func:`reported`. Whatever goes wrong ends as
a short message and an exit code, never as a traceback:

* exit 2, usage: anything wrong with what the user typed. The library's
  :class:`~dualdiff.errors.ExpressionError` family (bad syntax, unknown
  function, unknown or missing variable, malformed ``NAME=VALUE``) and the
  CLI's own :class:`UsageProblem`. One line; a syntax error adds a second
  line with a caret under the offending column of the expression.
* exit 1, not defined: :class:`~dualdiff.errors.DomainError` (``log(-1.0)``;
  an overflow such as ``exp(800.0)`` says "overflows") and :class:`NotDefined`
  (a derivative that is not finite).
* exit 1, internal error: anything else, as one line naming the exception,
  so a bug is never silent and never a wall of traceback.

With ``--json`` the same failure is one JSON object on stdout,
``{"schema", "command", "error": {"kind", "message", "exit_code"}}``, with the
same exit code, and nothing on stderr.

This module imports nothing heavy: ``dualdiff`` (and so numpy) is imported
only when an error has to be classified, which keeps ``dualdiff --help`` fast.
"""

from __future__ import annotations

import functools
import json
import sys
from typing import Any, Callable, TypeVar

USAGE = 2
NOT_DEFINED = 1
INTERNAL = 1

_EXCERPT = 60
"""Characters of the expression shown on each side of the caret (a 100k-character
expression must not become a 100k-character error line)."""

F = TypeVar("F", bound=Callable[..., Any])


class CliError(Exception):
    """A failure the CLI detected itself; ``exit_code`` and ``kind`` say which kind."""

    exit_code = INTERNAL
    kind = "internal"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UsageProblem(CliError):
    """Wrong use of a command that the expression language cannot know about
    (no expression given, a tangent for a name that is not a variable, ...)."""

    exit_code = USAGE
    kind = "usage"


class NotDefined(CliError):
    """The function or its derivative is not finite at the point."""

    exit_code = NOT_DEFINED
    kind = "not-defined"


class Overflows(NotDefined):
    """The function or a derivative exists at the point but is beyond the largest float."""

    kind = "overflow"


def printable(text: str) -> str:
    """``text`` safe for a terminal and one line long, same length (so carets still line up).

    Whitespace becomes a space (the expression language treats it so) and any
    other non-printable character (escape sequences!) a ``?``.
    """
    return "".join(ch if ch.isprintable() else (" " if ch.isspace() else "?") for ch in text)


def excerpt(text: str, column: int) -> tuple[str, int]:
    """A window of ``text`` around ``column`` and the caret position inside it."""
    text = printable(text)
    column = max(0, min(column, len(text)))
    start = max(0, column - _EXCERPT)
    end = min(len(text), column + _EXCERPT)
    head = "..." if start > 0 else ""
    tail = "..." if end < len(text) else ""
    return head + text[start:end] + tail, len(head) + column - start


def _display_width(text: str) -> int:
    """Terminal columns taken by ``text`` (wide East Asian characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def usage_lines(message: str, text: str | None = None, column: int | None = None) -> list[str]:
    """``error: message`` and, if a column is known, the expression with a caret under it.

    The expression goes at the end of the first line and the caret on the
    second, so the error stays two lines however the expression looks.
    """
    first = f"error: {printable(message)}"
    if text is None or column is None or not text.strip():
        return [first]
    shown, caret = excerpt(text, column)
    first += ": "
    return [first + shown, " " * (_display_width(first) + _display_width(shown[:caret])) + "^"]


def _expression_error_lines(err: Any) -> list[str]:
    from dualdiff.errors import DisallowedSyntaxError, ExpressionSyntaxError

    if isinstance(err, (ExpressionSyntaxError, DisallowedSyntaxError)):
        return usage_lines(err.message, err.text, err.column)
    return usage_lines(err.message)


def classify(exc: BaseException) -> tuple[int, str, list[str]]:
    """The exit code, the kind (``usage``, ``not-defined``, ``overflow``, ``internal``) and the
    stderr lines for ``exc`` (any exception)."""
    if isinstance(exc, CliError):
        return exc.exit_code, exc.kind, [f"error: {printable(exc.message)}"]
    from dualdiff.errors import DomainError, ExpressionError, FloatOverflowError

    if isinstance(exc, ExpressionError):
        return USAGE, "usage", _expression_error_lines(exc)
    if isinstance(exc, FloatOverflowError):
        return NOT_DEFINED, "overflow", [f"error: {printable(str(exc))}"]
    if isinstance(exc, DomainError):
        return NOT_DEFINED, "not-defined", [f"error: not defined at the point: {printable(str(exc))}"]
    if isinstance(exc, OverflowError):
        return NOT_DEFINED, "overflow", ["error: a value overflows (it is beyond the largest float, 1.8e308)"]
    if isinstance(exc, OSError):  # the output could not be written (a full disk, a closed stream)
        reason = printable(exc.strerror or str(exc) or type(exc).__name__)
        return INTERNAL, "internal", [f"error: cannot write the output: {reason}"]
    detail = printable(" ".join(str(exc).split())) or "no details"
    if detail.startswith("(") and isinstance(exc, ArithmeticError):
        detail = type(exc).__name__
    return INTERNAL, "internal", [f"internal error ({type(exc).__name__}): {detail}; please report this"]


def write_error(lines: list[str]) -> None:
    """Write the error lines to stderr, whatever its encoding can represent."""
    stream = sys.stderr
    text = "\n".join(lines) + "\n"
    encoding = getattr(stream, "encoding", None) or "utf-8"
    stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
    stream.flush()


def write_json_error(command: str, code: int, kind: str, lines: list[str]) -> None:
    """The ``--json`` form of an error: one JSON object on stdout (the caret line dropped)."""
    from .schema import SCHEMA_VERSION

    message = lines[0].split(": ", 1)[1] if ": " in lines[0] else lines[0]
    document = {"schema": SCHEMA_VERSION, "command": command,
                "error": {"kind": kind, "message": message, "exit_code": code}}
    try:
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    except OSError:  # stdout itself failed: stderr is the only place left to say so
        write_error(lines)


def report(exc: BaseException, command: str, as_json: bool) -> int:
    """Write ``exc`` as the command's error (text on stderr, or JSON on stdout); its exit code."""
    code, kind, lines = classify(exc)
    if as_json:
        write_json_error(command, code, kind, lines)
    else:
        write_error(lines)
    return code


def reported(command: F, name: str | None = None) -> F:
    """Run a command body; turn any failure into its message and exit code (see the module doc).

    ``SystemExit``, ``KeyboardInterrupt`` and the CLI framework's own exit
    exceptions pass through (they are not ``Exception``s, or are re-raised),
    and so does a broken pipe, which the framework handles quietly.
    """
    label = name or command.__name__.replace("_", "-")

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:
            raise
        except Exception as exc:  # this is the one place that maps them all
            if _is_framework_exit(exc):
                raise
            raise _exit(report(exc, label, _wants_json(kwargs))) from None

    return run  # type: ignore[return-value]


def _wants_json(kwargs: dict[str, Any]) -> bool:
    """``--json`` was given, as the flag or swallowed as the value of a repeated option
    (``--tangent --json``): either way the error should be JSON. The positional ``arguments``
    do not count: a ``--json`` there came after ``--``, which ends the options."""
    return bool(kwargs.get("as_json")) or any(
        isinstance(value, (list, tuple)) and "--json" in value
        for key, value in kwargs.items() if key != "arguments")


def _is_framework_exit(exc: Exception) -> bool:
    """typer's ``Exit``/``Abort`` are control flow and its usage errors are reported by the app."""
    import typer

    return isinstance(exc, (typer.Exit, typer.Abort, typer.TyperException))


def _exit(code: int) -> Exception:
    import typer

    return typer.Exit(code)
