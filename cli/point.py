"""``NAME=VALUE`` point arguments: how the command line gives a point.

A value is a constant expression of the expression language (``t=pi/4``), so
it is parsed with the library's own :func:`dualdiff.expr.compile` and must
come out as one finite number.
"""

from __future__ import annotations

import math
import re
import warnings
from typing import Iterable

import numpy as np

from dualdiff.errors import ExpressionError, InvalidAssignmentError
from dualdiff.expr import compile as compile_expression
from dualdiff.expr import numeric_value, variable_name_problem
from dualdiff.expr.parser import Functions
from dualdiff.primitives import expression_functions

_ASSIGNMENT = re.compile(r"\s*[A-Za-z_][A-Za-z0-9_]*\s*=(?!=)")


def looks_like_assignment(argument: str) -> bool:
    """Whether a command-line argument is ``NAME=VALUE`` rather than an expression.

    True when it starts with an identifier followed by a single ``=``
    (``x=1``, ``t = pi/4``); ``x==1`` or ``x*y`` are expressions.
    """
    return bool(_ASSIGNMENT.match(argument))


def parse_point(assignments: Iterable[str], functions: Functions | None = None) -> dict[str, float]:
    """Turn ``["x=2", "t=pi/4"]`` into ``{"x": 2.0, "t": 0.785...}``.

    A value is a constant expression of this same language. Raises
    :class:`~dualdiff.errors.InvalidAssignmentError` for a malformed argument,
    a bad or repeated name or a value that is not a finite number, and the
    usual ExpressionError subclasses (columns into the whole argument) for a
    value that does not parse.
    """
    functions = expression_functions() if functions is None else functions
    point: dict[str, float] = {}
    for argument in assignments:
        name, value = _split_assignment(argument, functions)
        if name in point:
            raise InvalidAssignmentError(f"`{name}` is given twice", text=argument,
                                         column=argument.index(name))
        point[name] = _constant_value(argument, name, value, functions)
    return point


def _split_assignment(argument: str, functions: Functions) -> tuple[str, str]:
    if not isinstance(argument, str):
        raise TypeError(f"a point argument must be a str, got {type(argument).__name__}")
    name, equals, value = argument.partition("=")
    if not equals:
        raise InvalidAssignmentError(f"`{argument}` is not of the form NAME=VALUE",
                                     text=argument, column=0)
    stripped = name.strip()
    if not stripped:
        raise InvalidAssignmentError("missing name before `=`; write NAME=VALUE",
                                     text=argument, column=0)
    if not value.strip():
        raise InvalidAssignmentError(f"missing value after `{stripped}=`",
                                     text=argument, column=len(argument))
    problem = variable_name_problem(stripped, functions)
    if problem:
        raise InvalidAssignmentError(problem, text=argument, column=len(name) - len(name.lstrip()))
    return stripped, value


_DECIMAL_COMMA = re.compile(r"\s*([+-]?[0-9]+),([0-9]+)\s*")


def _constant_value(argument: str, name: str, value: str, functions: Functions) -> float:
    """Evaluate the VALUE part: a finite number, possibly written as an expression."""
    offset = len(argument) - len(value)
    comma = _DECIMAL_COMMA.fullmatch(value)
    if comma:
        raise InvalidAssignmentError(
            f"use `.` as the decimal point: {name}={comma.group(1)}.{comma.group(2)}",
            text=argument, column=offset + value.index(","))
    try:
        expression = compile_expression(value, functions=functions)
    except ExpressionError as err:
        column = None if err.column is None else err.column + offset
        raise type(err)(err.message, text=argument, column=column) from None
    text = value.strip()
    start = offset + len(value) - len(value.lstrip())
    names = expression.variables
    if names and all(v.lower() in ("nan", "inf", "infinity") for v in names):
        raise InvalidAssignmentError(f"value of `{name}` must be a finite number, not `{text}`",
                                     text=argument, column=start)
    if expression.variables or len(expression.outputs) != 1:
        raise InvalidAssignmentError(f"value of `{name}` is not a number: `{text}`",
                                     text=argument, column=start)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = numeric_value(expression())
    if result is None or np.ndim(result) != 0:
        raise InvalidAssignmentError(f"value of `{name}` is not a number: `{text}`",
                                     text=argument, column=start)
    number = float(result)
    if not math.isfinite(number):
        raise InvalidAssignmentError(f"value of `{name}` is not finite: `{text}` is {number!r}",
                                     text=argument, column=start)
    return number
