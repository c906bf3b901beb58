"""The evaluation trace (Baydin et al.'s table) against hand-computed numbers."""

import math

import pytest

from dualdiff import expr
from dualdiff.trace import evaluation_trace


def test_baydin_example_primals_tangents_and_adjoints():
    f = expr.compile("log(x1) + x1*x2 - sin(x2)")
    t = evaluation_trace(f, [2.0, 5.0], f.variables, wrt="x1")
    rows = {r.op if r.op != "input" else r.inputs[0]: r for r in t.rows}
    assert [r.name for r in t.rows[:3]] == ["v₋₁", "v₀", "v₁"]
    assert rows["log"].value == pytest.approx(math.log(2.0), rel=1e-15)
    assert rows["mul"].value == 10.0
    assert rows["sin"].value == pytest.approx(math.sin(5.0), rel=1e-15)
    assert rows["add"].value == pytest.approx(10.0 + math.log(2.0), rel=1e-15)
    assert t.value == pytest.approx(11.652071455223084, rel=1e-15)
    assert [rows[k].tangent for k in ("log", "mul", "sin", "add", "sub")] == [0.5, 5.0, 0.0, 5.5, 5.5]
    assert t.tangent == 5.5
    assert t.gradient["x1"] == 5.5
    assert t.gradient["x2"] == pytest.approx(2.0 - math.cos(5.0), rel=1e-15)
    assert rows["sin"].adjoint == -1.0 and rows["add"].adjoint == 1.0
    assert rows["mul"].inputs == ("v₋₁", "v₀")


def test_constants_appear_as_numbers_and_no_wrt_means_no_tangents():
    f = expr.compile("2*x + 1")
    t = evaluation_trace(f, [3.0], f.variables)
    assert t.rows[1].inputs == (2.0, "v₀")
    assert t.rows[1].tangent is None and t.tangent is None
    assert t.gradient == {"x": 2.0}


def test_a_point_and_variables_of_different_lengths_are_refused():
    # zip() used to truncate: with one value for (x, y) the output row was reported as y's
    # adjoint, giving gradient {'x': 3.0, 'y': 1.0} for x*x at 1.5
    with pytest.raises(ValueError, match="the point has 1 value but there are 2 variables"):
        evaluation_trace(lambda x: x * x, [1.5], ["x", "y"])
    with pytest.raises(ValueError, match="the point has 3 values but there are 2 variables"):
        evaluation_trace(lambda x, y: x * y, [1.5, 0.5, 9.0], ["x", "y"])
