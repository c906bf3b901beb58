"""check_grads: forward and reverse mode against finite differences.

Table-driven: every registered primitive is checked the moment it is added to
``dualdiff.primitives.REGISTRY``, to first and second order. A deliberately
wrong rule must be caught, with a table that shows where.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import dualdiff
from dualdiff.finite_diff import check_grads
from dualdiff.primitives import REGISTRY


@pytest.mark.parametrize("name", list(REGISTRY))
@pytest.mark.parametrize("seed", [0, 1])
def test_every_primitive_agrees_with_finite_differences(name, seed):
    fn, args = REGISTRY[name].example(np.random.default_rng(seed))
    check_grads(fn, args, order=2)


@pytest.fixture
def scratch_registry():
    """Primitives registered by a test are removed again, so no other test loops over them."""
    before = set(REGISTRY)
    yield
    for name in set(REGISTRY) - before:
        del REGISTRY[name]


def test_a_wrong_rule_fails_with_a_table(scratch_registry):
    bad_sin = dualdiff.custom_primitive("bad_sin_for_check_grads", np.sin,
                                        lambda out, x: 1.001 * dualdiff.cos(x))
    x = np.array([0.3, 1.0, 2.0])
    with pytest.raises(AssertionError) as caught:
        check_grads(lambda v: bad_sin(v) * v, (x,))
    message = str(caught.value)
    assert "disagree with finite differences" in message
    header = message.splitlines()[1]
    assert header.split() == ["mode", "input", "index", "AD", "value", "FD", "value", "difference",
                              "tolerance"]
    rows = [line.split() for line in message.splitlines()[3:]]
    assert {row[0] for row in rows} == {"fwd", "rev"}
    fwd = {row[2]: row for row in rows if row[0] == "fwd"}
    assert set(fwd) == {"[0]", "[1]", "[2]"}
    # d/dv sin(v)*v = v cos v + sin v; the wrong rule adds 0.001 v cos v (-8.3e-4 at v = 2)
    ad, fd, difference = float(fwd["[2]"][3]), float(fwd["[2]"][4]), float(fwd["[2]"][5])
    assert abs(ad - fd) == pytest.approx(difference, rel=1e-2)
    assert 1e-5 < difference < 1e-2


def test_only_the_wrong_mode_is_reported(scratch_registry):
    bad = dualdiff.custom_primitive("bad_exp_for_check_grads", np.exp, lambda out, x: 2.0 * out)
    with pytest.raises(AssertionError, match=r"fwd\s+args\[0\]") as caught:
        check_grads(bad, (0.5,), modes=("fwd",))
    assert "rev" not in str(caught.value)
    with pytest.raises(AssertionError, match=r"rev\s+args\[0\]\s+<u, J v>"):
        check_grads(bad, (0.5,), modes=("rev",))


def test_the_wrong_argument_is_named(scratch_registry):
    half_wrong = dualdiff.custom_primitive("bad_mul_for_check_grads", np.multiply,
                                           lambda out, x, y: y, lambda out, x, y: -x)
    with pytest.raises(AssertionError) as caught:
        check_grads(half_wrong, (1.5, -0.7))
    inputs = set(re.findall(r"args\[\d\]", str(caught.value)))
    assert inputs == {"args[1]"}


def test_second_order_catches_a_rule_that_is_right_but_not_differentiable(scratch_registry):
    # the partial is numerically right but computed on the primal: a constant to nested modes
    frozen = dualdiff.custom_primitive("frozen_sin_for_check_grads", np.sin,
                                       lambda out, x: np.cos(dualdiff.primal(x)))
    check_grads(frozen, (0.4,), order=1)
    with pytest.raises(AssertionError, match="at derivative order 2"):
        check_grads(frozen, (0.4,), order=2)


def test_quiz_function_to_second_order():
    def quiz(x, z):
        log_x = dualdiff.log(x)
        return dualdiff.exp(x * z) + x * z / log_x + dualdiff.sin(log_x) / (x * z)

    check_grads(quiz, (2.0, 3.0), order=2)


def test_arrays_and_several_arguments():
    def layer(w, x, b):
        return dualdiff.tanh(w @ x + b)

    rng = np.random.default_rng(3)
    check_grads(layer, (rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=3)), order=2)


def test_ints_are_promoted_and_a_single_argument_may_be_bare():
    check_grads(lambda x: x**3, 2)
    check_grads(lambda x, y: x * y, (2, 3))


def test_tolerances_and_step_can_be_set():
    check_grads(dualdiff.sin, (0.3,), atol=0.0, rtol=1e-9, eps=1e-2)
    with pytest.raises(AssertionError):
        check_grads(lambda x: 1e-3 * dualdiff.stop_gradient(x) + x, (0.3,), atol=0.0, rtol=1e-9)


@pytest.mark.parametrize("kwargs, match", [
    ({"order": 0}, "order"),
    ({"modes": ("fwd", "backward")}, "modes"),
    ({"modes": ()}, "modes"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        check_grads(dualdiff.sin, (0.3,), **kwargs)


def test_bad_tolerances_order_and_modes_are_refused_by_name():
    # a negative or NaN tolerance used to fail every (correct) check with a table
    with pytest.raises(ValueError, match="atol must be a finite number >= 0, got -1"):
        check_grads(dualdiff.sin, (1.0,), atol=-1)
    with pytest.raises(ValueError, match="rtol must be a finite number >= 0, got nan"):
        check_grads(dualdiff.sin, (1.0,), rtol=float("nan"))
    with pytest.raises(ValueError, match=r"order must be an integer >= 1, got 1.5"):
        check_grads(dualdiff.sin, (1.0,), order=1.5)
    # a single mode given as a string is that mode, not its letters
    check_grads(dualdiff.sin, (1.0,), modes="fwd")


def test_custom_primitive_refuses_partials_that_do_not_match_impl(scratch_registry):
    # a two-argument impl with one partial used to register as a one-argument primitive:
    # the call worked, grad then failed with "<lambda>() missing 1 required positional argument"
    with pytest.raises(TypeError, match="1 partial was given .one per argument., but impl cannot "
                                        "take 1 argument"):
        dualdiff.custom_primitive("mismatch_for_check_grads", lambda x, y: x * y, lambda out, x, y: y)
    with pytest.raises(TypeError, match=r"partial 0 is called as partial\(out, \*args\) with 2"):
        dualdiff.custom_primitive("mismatch2_for_check_grads", lambda x: x ** 3, lambda x: 3 * x ** 2)
    with pytest.raises(TypeError, match="needs one partial per argument"):
        dualdiff.custom_primitive("mismatch3_for_check_grads", lambda x: x)
    with pytest.raises(ValueError, match="must be an identifier"):
        dualdiff.custom_primitive("my prim", lambda x: x, lambda out, x: 1.0)
    assert not {"mismatch_for_check_grads", "mismatch2_for_check_grads",
                "mismatch3_for_check_grads", "my prim"} & set(REGISTRY)
    ufunc = dualdiff.custom_primitive("ufunc_for_check_grads", np.sin, lambda out, x: dualdiff.cos(x))
    assert dualdiff.grad(ufunc)(0.5) == pytest.approx(np.cos(0.5), rel=1e-15)


def test_check_grads_with_no_arguments_refuses_instead_of_passing():
    with pytest.raises(ValueError, match="at least one argument"):
        check_grads(lambda: 1.0, ())
