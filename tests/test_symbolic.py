"""Symbolic differentiation (the table's rules over expression nodes) against mpmath."""

from __future__ import annotations

import mpmath as mp
import pytest

import dualdiff as dd
from dualdiff import expr
from dualdiff.symbolic import Sym, differentiate

QUIZ = "exp(x*z) + x*z/log(x) + sin(log(x))/(x*z)"


def mp_quiz(x, z):
    return mp.exp(x * z) + x * z / mp.log(x) + mp.sin(mp.log(x)) / (x * z)


def test_quiz_derivative_expression_matches_forward_mode():
    point = {"x": 2.0, "z": 3.0}
    f = expr.compile(QUIZ)
    for i, wrt in enumerate(("x", "z")):
        d = differentiate(QUIZ, wrt, point)
        tangents = tuple(1.0 if j == i else 0.0 for j in range(2))
        fwd = dd.jvp(f, (2.0, 3.0), tangents)[1]
        assert d.value == pytest.approx(fwd, rel=1e-13)


def test_printed_derivative_parses_back_and_differentiates_again_against_mpmath():
    mp.mp.dps = 40
    first = differentiate(QUIZ, "x")
    reparsed = expr.compile(first.text, variables=("x", "z"))
    second = dd.jvp(reparsed, (2.0, 3.0), (1.0, 0.0))[1]
    want = mp.diff(lambda x: mp_quiz(x, mp.mpf(3)), mp.mpf(2), 2)
    assert second == pytest.approx(float(want), rel=1e-11)
    symbolic_second = differentiate(reparsed, "x", {"x": 2.0, "z": 3.0})
    assert symbolic_second.value == pytest.approx(float(want), rel=1e-11)


def test_nested_sin_shows_expression_swell():
    text = "x"
    for _ in range(20):
        text = f"sin({text})"
    d = differentiate(text, "x")
    assert d.tree_size > 4 * d.dag_size
    value = dd.jvp(expr.compile(text), (0.3,), (1.0,))[1]
    assert expr.compile(d.text)(0.3) == pytest.approx(value, rel=1e-14)


@pytest.mark.parametrize("text, wrt, expected", [
    ("x^2 + 3*x", "x", "2 * x + 3"),
    ("x^y", "y", "x ** y * log(x)"),
    ("x*y", "y", "x"),
    ("5*x - x", "x", "4"),
])
def test_light_simplification(text, wrt, expected):
    assert differentiate(text, wrt).text == expected


def test_piecewise_rules_need_a_point():
    with pytest.raises(dd.errors.SymbolicBranchError, match="give a point"):
        differentiate("relu(x) * x", "x")
    assert differentiate("relu(x) * x", "x", {"x": 2.0}).value == 4.0
    assert differentiate("relu(x) * x", "x", {"x": -2.0}).value == 0.0


def test_sym_is_a_box_and_arithmetic_builds_nodes():
    x = Sym("x")
    assert expr.to_string((dd.sin(x) * 2.0 + 0.0).node) == "sin(x) * 2"


def test_a_point_naming_an_unknown_variable_is_refused_as_evaluate_refuses_it():
    from dualdiff.errors import UnknownVariableError
    from dualdiff.symbolic import differentiate

    with pytest.raises(UnknownVariableError, match=r"`z` is not a variable of the expression \(variables: x, y\)"):
        differentiate("x*y", "x", point={"z": 3.0})
    assert differentiate("x*y", "x", point={"x": 2.0, "y": 3.0}).value == 3.0
