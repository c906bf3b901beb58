"""``NAME=VALUE`` point arguments of the command line (``dualdiff_cli.point``)."""

import math

import pytest

from dualdiff.errors import (DisallowedSyntaxError, ExpressionError, ExpressionSyntaxError,
                             InvalidAssignmentError, UnknownFunctionError)
from dualdiff_cli.point import looks_like_assignment, parse_point



def test_parse_point_values():
    point = parse_point(["x=-2", "t=pi/4", "y = 2^3", "z=sqrt(2)", "w=1e-3"])
    assert point == {"x": -2.0, "t": math.pi / 4, "y": 8.0, "z": math.sqrt(2), "w": 0.001}
    assert all(type(v) is float for v in point.values())
    assert parse_point([]) == {}


@pytest.mark.parametrize("arguments, error, message, column", [
    (["x"], InvalidAssignmentError, "`x` is not of the form NAME=VALUE", 0),
    (["=3"], InvalidAssignmentError, "missing name before `=`", 0),
    (["x="], InvalidAssignmentError, "missing value after `x=`", 2),
    (["x=  "], InvalidAssignmentError, "missing value after `x=`", 4),
    (["2x=1"], InvalidAssignmentError, "`2x` is not a valid variable name", 0),
    (["x.y=1"], InvalidAssignmentError, "`x.y` is not a valid variable name", 0),
    (["pi=3"], InvalidAssignmentError, "`pi` is a constant", 0),
    (["sin=3"], InvalidAssignmentError, "`sin` is a function", 0),
    (["__x=3"], InvalidAssignmentError, "`__`", 0),
    (["x=2", "x=3"], InvalidAssignmentError, "`x` is given twice", 0),
    (["x=abc"], InvalidAssignmentError, "value of `x` is not a number: `abc`", 2),
    (["x=nan"], InvalidAssignmentError, "value of `x` must be a finite number, not `nan`", 2),
    (["x=inf"], InvalidAssignmentError, "value of `x` must be a finite number, not `inf`", 2),
    (["x=-inf"], InvalidAssignmentError, "must be a finite number", 2),
    (["x=log(0)"], InvalidAssignmentError, "value of `x` is not finite: `log(0)` is -inf", 2),
    (["x=1;2"], InvalidAssignmentError, "not a number", 2),
    (["x=1e999"], ExpressionSyntaxError, "number `1e999` is too large", 2),
    (["x=sinn(1)"], UnknownFunctionError, "did you mean `sin`?", 2),
    (["x=1+"], ExpressionSyntaxError, "ends too early", 4),
    (["x=a.b"], DisallowedSyntaxError, "attribute access", 3),
])
def test_parse_point_errors(arguments, error, message, column):
    with pytest.raises(ExpressionError) as info:
        parse_point(arguments)
    err = info.value
    assert type(err) is error
    assert message in err.message
    assert err.column == column
    assert err.text == arguments[-1]


def test_parse_point_caret_is_relative_to_the_whole_argument():
    with pytest.raises(UnknownFunctionError) as info:
        parse_point(["t=sinn(1)"])
    assert info.value.caret() == "t=sinn(1)\n  ^"


@pytest.mark.parametrize("argument, expected", [
    ("x=1", True), (" t = pi/4", True), ("x_1=2", True), ("_a=-3", True), ("x=", True),
    ("x==1", False), ("x*y", False), ("=3", False), ("2x=1", False), ("sin(x)", False),
    ("x <= 1", False), ("x>=1", False), ("x!=1", False), ("", False), ("f(x=1)", False),
])
def test_looks_like_assignment(argument, expected):
    assert looks_like_assignment(argument) is expected
