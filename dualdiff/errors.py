"""Exception types of dualdiff.

Every error a user can trigger has its own type that names the problem, so a
caller (the CLI in particular) can map it to a message and an exit code without
parsing strings. Each subclasses the builtin a Python user would expect
(``TypeError`` for a missing derivative rule, ``ValueError`` for a bad
expression), so ``except ValueError`` keeps working.
"""

from __future__ import annotations

MATH_ERRORS = (ValueError, ZeroDivisionError, OverflowError)
"""What Python's float arithmetic and ``math`` raise where numpy returns inf/NaN
(``1.0 / 0.0``, ``math.log(-1.0)``, ``math.exp(1000.0)``). Fast scalar paths catch
exactly these and hand the call to the numpy-semantics path."""


class DualdiffError(Exception):
    """Base class of every exception raised on purpose by dualdiff."""


class NoDerivativeRule(DualdiffError, TypeError):
    """A function without a derivative rule met a differentiable value.

    Raised, for example, for ``numpy.fft.fft(dual)``: silently treating the
    result as a constant would give a wrong derivative.
    """


class PrecisionLossError(DualdiffError, TypeError):
    """``float(dual)`` or ``int(dual)``: converting would drop the derivative."""


class LeakedValueError(DualdiffError, RuntimeError):
    """A value of a transformation that has already returned (kept in a global or a list
    inside the function) reached a later call. Its derivative belongs to a finished
    computation, so it can be neither differentiated nor silently treated as a number."""


class ExpressionError(DualdiffError, ValueError):
    """A problem with the text of an expression (a usage error in the CLI).

    ``text`` is the expression and ``column`` the 0-based position the problem
    starts at (or ``None``); :meth:`caret` renders the classic two-line
    pointer.
    """

    def __init__(self, message: str, text: str | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.text = text
        self.column = column

    def caret(self) -> str:
        """The expression with a ``^`` under the offending column ('' if unknown)."""
        if self.text is None or self.column is None:
            return ""
        line = self.text.replace("\n", " ")
        return f"{line}\n{' ' * max(0, min(self.column, len(line)))}^"


class ExpressionSyntaxError(ExpressionError):
    """The text is not a valid expression (bad syntax, too long, too deep)."""


class DisallowedSyntaxError(ExpressionError):
    """Valid Python, but outside the expression language (attributes, lambdas, ...)."""


class UnknownFunctionError(ExpressionError):
    """A call to a name that is not a function of the primitive table."""


class UnknownVariableError(ExpressionError):
    """A value was given for a name the expression does not use."""


class MissingVariableError(ExpressionError):
    """The expression uses a variable that was given no value."""


class InvalidAssignmentError(ExpressionError):
    """A malformed ``NAME=VALUE`` point argument: no ``=``, a bad or repeated
    name, or a value that is not a finite number."""


class DomainError(DualdiffError, ArithmeticError):
    """The function is not defined (not finite) at the point.

    The library itself follows numpy (NaN/inf, no exception); this is raised by
    callers that ask for a checked evaluation, such as the CLI. ``operation``
    names the primitive and ``arguments`` its inputs, e.g. ``log(-1.0)``.
    """

    def __init__(self, message: str, operation: str | None = None, arguments: tuple = ()):
        super().__init__(message)
        self.operation = operation
        self.arguments = arguments


class SymbolicBranchError(DualdiffError, ValueError):
    """A derivative rule needs the number under a symbolic value that has none.

    Piecewise rules (relu, abs at its kink, maximum, ...) choose their branch
    from the value; symbolic differentiation can only pick it at a point.
    """


class FloatOverflowError(DomainError):
    """A call whose exact result exists but is beyond the largest float (``exp(800.0)``).

    A :class:`DomainError` (the function cannot be evaluated at the point in
    floating point), told apart so messages can say "overflows" rather than
    "not defined".
    """
