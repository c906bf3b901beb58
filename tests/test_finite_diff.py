"""Finite differences against exact references (mpmath values, closed forms).

The quiz function of the lecture notes is the main yardstick: every method must
reach its documented accuracy with its default step, and report an error
estimate that is neither blind to its real error nor wildly pessimistic.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from dualdiff import finite_diff as fd

EPS = np.finfo(np.float64).eps

# Quiz #1 of the lecture notes, computed with mpmath to 40 digits.
QUIZ_POINT = np.array([2.0, 3.0])
QUIZ_GRADIENT = np.array([1208.381215126609629, 809.7074792185640812])


def quiz(p):
    x, z = p[0], p[1]
    return np.exp(x * z) + x * z / np.log(x) + np.sin(np.log(x)) / (x * z)


# --- accuracy on the quiz ----------------------------------------------------


@pytest.mark.parametrize("method, max_relative_error", [
    ("central", 1e-7),
    ("five-point", 1e-10),
    ("richardson", 1e-11),
])
def test_quiz_accuracy_and_error_estimate(method, max_relative_error):
    result = fd.gradient(quiz, QUIZ_POINT, method=method)
    true_error = np.abs(result.value - QUIZ_GRADIENT)
    assert np.all(true_error / QUIZ_GRADIENT <= max_relative_error)
    assert np.all(true_error / 10 <= result.error_estimate)
    assert np.all(result.error_estimate <= 10 * true_error)


def test_quiz_complex_step_within_stated_bound():
    result = fd.gradient(quiz, QUIZ_POINT, method="complex-step")
    true_error = np.abs(result.value - QUIZ_GRADIENT)
    assert np.all(true_error / QUIZ_GRADIENT <= 1e-14)
    assert np.all(true_error <= result.error_estimate)
    assert np.all(result.error_estimate <= 1e-14 * QUIZ_GRADIENT)
    assert result.evaluations == 2
    assert np.all(result.step == 1e-20)


@pytest.mark.parametrize("method", ["forward", "backward"])
def test_quiz_one_sided(method):
    result = fd.gradient(quiz, QUIZ_POINT, method=method)
    true_error = np.abs(result.value - QUIZ_GRADIENT)
    assert np.all(true_error / QUIZ_GRADIENT <= 1e-6)
    assert np.all(true_error / 10 <= result.error_estimate)
    assert np.all(result.error_estimate <= 10 * true_error)


def test_quiz_partial_by_derivative_of_a_scalar_function():
    result = fd.derivative(lambda z: quiz((2.0, z)), 3.0, method="richardson")
    assert isinstance(result.value, float)
    assert result.value == pytest.approx(QUIZ_GRADIENT[1], rel=1e-11)


# --- steps -------------------------------------------------------------------


@pytest.mark.parametrize("method, exponent", [
    ("forward", 1 / 2), ("backward", 1 / 2), ("central", 1 / 3), ("five-point", 1 / 5),
])
def test_default_step_is_the_documented_formula_made_exact(method, exponent):
    x = np.array([0.3, -2.0, 1e3])
    result = fd.gradient(lambda p: np.sum(np.sin(p)), x, method=method)
    nominal = EPS**exponent * np.maximum(np.abs(x), 1.0)
    np.testing.assert_array_equal(result.step, (x + nominal) - x)
    assert np.all(np.abs(result.step - nominal) <= np.abs(np.spacing(x)))
    np.testing.assert_array_equal((x + result.step) - x, result.step)


def test_step_override_scalar_and_per_coordinate():
    x = np.array([1.0, 2.0])
    scalar = fd.gradient(lambda p: p[0] * p[1], x, step=1e-3)
    np.testing.assert_array_equal(scalar.step, [1e-3 + 1 - 1, 1e-3 + 2 - 2])
    per_coordinate = fd.gradient(lambda p: p[0] * p[1], x, step=[1e-2, 1e-4])
    np.testing.assert_array_equal(per_coordinate.step, [(1 + 1e-2) - 1, (2 + 1e-4) - 2])
    np.testing.assert_allclose(per_coordinate.value, [2.0, 1.0], rtol=1e-12)


def test_a_larger_step_gives_a_larger_truncation_error():
    coarse = fd.derivative(np.exp, 1.0, step=1e-2)
    fine = fd.derivative(np.exp, 1.0, step=1e-4)
    assert abs(coarse.value - math.e) > 1e3 * abs(fine.value - math.e)


# --- result object -----------------------------------------------------------


def test_result_converts_like_its_value():
    scalar = fd.derivative(np.sin, 0.5)
    assert float(scalar) == scalar.value
    assert np.asarray(scalar).shape == ()
    vector = fd.gradient(lambda p: np.sum(p**2), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(np.asarray(vector), vector.value)
    assert np.asarray(vector, dtype=np.float32).dtype == np.float32
    with pytest.raises(TypeError, match="shape"):
        float(vector)
    with pytest.raises(AttributeError):
        vector.value = 0.0  # frozen


def test_evaluation_counts():
    x = np.zeros(3)
    f = lambda p: np.sum(np.cos(p))  # noqa: E731
    # base point once, then per coordinate the stencil and the stencil at 2h for the estimate
    assert fd.gradient(f, x, method="forward").evaluations == 1 + 3 * 2
    assert fd.gradient(f, x, method="central").evaluations == 1 + 3 * 4
    assert fd.gradient(f, x, method="five-point").evaluations == 1 + 3 * 6
    assert fd.gradient(f, x, method="complex-step").evaluations == 3


# --- shapes and closed forms ---------------------------------------------------


def test_jacobian_vector_to_vector():
    def f(p):
        x, y, z = p
        return np.array([x * y, np.sin(z), x**2 * np.exp(y)])

    x, y, z = p = np.array([0.5, -1.0, 2.0])
    expected = np.array([
        [y, x, 0.0],
        [0.0, 0.0, np.cos(z)],
        [2 * x * np.exp(y), x**2 * np.exp(y), 0.0],
    ])
    for method in fd.METHODS:
        result = fd.jacobian(f, p, method=method)
        assert result.value.shape == (3, 3)
        np.testing.assert_allclose(result.value, expected, rtol=1e-6, atol=1e-9, err_msg=method)


def test_jacobian_of_matrix_function_of_a_matrix():
    a = np.array([[1.0, 2.0], [-0.5, 3.0]])
    eye = np.eye(2)
    expected = np.einsum("ik,lj->ijkl", eye, a) + np.einsum("ik,jl->ijkl", a, eye)
    for method in ("central", "complex-step"):
        result = fd.jacobian(lambda m: m @ m, a, method=method)
        assert result.value.shape == (2, 2, 2, 2)
        assert result.step.shape == (2, 2)
        np.testing.assert_allclose(result.value, expected, rtol=1e-8, atol=1e-8)


def test_gradient_of_matrix_input_has_its_shape():
    a = np.arange(6.0).reshape(2, 3) / 5
    result = fd.gradient(lambda m: np.sum(m**3), a, method="five-point")
    assert result.value.shape == (2, 3)
    np.testing.assert_allclose(result.value, 3 * a**2, rtol=1e-9, atol=1e-12)


def test_derivative_of_vector_valued_function_of_a_scalar():
    def curve(t):
        return np.array([np.cos(t), np.sin(t), t**2])

    result = fd.derivative(curve, 0.4, method="richardson")
    np.testing.assert_allclose(result.value, [-np.sin(0.4), np.cos(0.4), 0.8], rtol=1e-11)
    assert result.error_estimate.shape == (3,)


def test_directional_is_jacobian_times_v():
    def f(p):
        return np.array([p[0] * p[1] ** 2, np.exp(p[0]) - p[2], np.sum(p**2)])

    p = np.array([0.3, 1.2, -0.7])
    v = np.array([1.0, -2.0, 0.5])
    exact = np.array([
        [p[1] ** 2, 2 * p[0] * p[1], 0.0],
        [np.exp(p[0]), 0.0, -1.0],
        2 * p,
    ]) @ v
    for method in fd.METHODS:
        result = fd.directional(f, p, v, method=method)
        np.testing.assert_allclose(result.value, exact, rtol=1e-6, atol=1e-7, err_msg=method)
        assert math.log2(result.step) == int(math.log2(result.step))
    assert fd.directional(f, p, v, method="richardson").value == pytest.approx(exact, rel=1e-11)
    assert fd.directional(f, p, np.zeros(3)).value == pytest.approx(np.zeros(3))


def test_gradient_refuses_a_vector_output():
    with pytest.raises(ValueError, match="scalar.*jacobian"):
        fd.gradient(lambda p: p * 2, [1.0, 2.0])


def test_derivative_refuses_a_vector_input():
    with pytest.raises(ValueError, match="scalar x"):
        fd.derivative(np.sum, [1.0, 2.0])


# --- input promotion and bad input -------------------------------------------


def test_python_ints_and_float32_are_promoted():
    assert fd.derivative(lambda x: x**3, 2).value == pytest.approx(12.0, rel=1e-9)
    x32 = np.array([0.1, 0.7], dtype=np.float32)
    result = fd.gradient(lambda p: np.sum(np.sin(p)), x32, method="five-point")
    assert result.value.dtype == np.float64
    np.testing.assert_allclose(result.value, np.cos(x32.astype(np.float64)), rtol=1e-11)


@pytest.mark.parametrize("f, x, match", [
    (np.log, -1.0, "not finite at the probe point"),
    (lambda x: 1.0 / x, 0.0, "not finite at the probe point"),
    (np.sin, math.nan, "x is not finite"),
    (lambda p: np.sum(p), [1.0, math.inf], r"x is not finite \(x\[1\]"),
])
def test_non_finite_function_or_point(f, x, match):
    with pytest.raises(ValueError, match=match):
        fd.jacobian(f, x)


@pytest.mark.parametrize("step", [0.0, -1e-3, math.nan, math.inf, [1e-3, 0.0]])
def test_bad_step(step):
    with pytest.raises(ValueError, match="step must be positive"):
        fd.gradient(lambda p: np.sum(p), [1.0, 2.0], step=step)


def test_step_below_the_resolution_of_x():
    with pytest.raises(ValueError, match="below the resolution"):
        fd.derivative(np.sin, 1e20, step=1e-3)


def test_step_that_leaves_the_domain():
    with pytest.raises(ValueError, match="not finite at x .*smaller step"):
        fd.derivative(np.log, 0.01, step=0.1)


def test_unknown_method():
    with pytest.raises(ValueError, match="unknown finite-difference method 'backwards'.*central"):
        fd.derivative(np.sin, 1.0, method="backwards")


def test_richardson_survives_a_ladder_that_starts_outside_the_domain():
    result = fd.derivative(np.log, 0.05, method="richardson")
    assert result.value == pytest.approx(20.0, rel=1e-10)


# --- complex step ------------------------------------------------------------


@pytest.mark.parametrize("f, operation", [
    (np.abs, "numpy.absolute"),
    (abs, "numpy.absolute"),
    (lambda x: np.maximum(x, 0.0), "numpy.maximum"),
    (lambda x: np.minimum(x, 0.0), "numpy.minimum"),
    (lambda x: np.sign(x) * x, "numpy.sign"),
    (lambda x: np.floor(x) + x, "numpy.floor"),
    (lambda x: np.greater(x, 0.0) * x, "numpy.greater"),
    (lambda x: x if x < 1.0 else -x, "comparison <"),
    (lambda x: x * (x > 0.0), "comparison >"),
    (lambda x: 1.0 if x else 0.0, "truth value"),
    (lambda x: math.sin(x), "float()"),
    (lambda x: np.real(x), "real part"),
    (np.linalg.norm, "numpy.linalg.norm"),
])
def test_complex_step_refuses_non_analytic_operations(f, operation):
    with pytest.raises(ValueError, match=f"complex step: .*{operation}.*method='central'"):
        fd.derivative(f, 0.5, method="complex-step")


def test_complex_step_guard_follows_elements_and_reductions():
    with pytest.raises(ValueError, match="numpy.maximum"):
        fd.gradient(lambda p: np.maximum(p[0], p[1]), [1.0, 2.0], method="complex-step")
    with pytest.raises(ValueError, match="numpy.maximum"):
        fd.gradient(np.max, [1.0, 2.0], method="complex-step")
    with pytest.raises(ValueError, match="comparison"):
        fd.gradient(max, [1.0, 2.0], method="complex-step")


def test_complex_step_refuses_dualdiff_functions_built_on_non_analytic_ufuncs():
    dualdiff = pytest.importorskip("dualdiff")
    relu = getattr(dualdiff, "relu", None)
    if relu is None:
        pytest.skip("dualdiff.relu not available yet")
    with pytest.raises(ValueError, match="numpy.maximum is not analytic"):
        fd.derivative(relu, 0.5, method="complex-step")


def test_complex_step_runs_analytic_code_and_keeps_the_guard():
    seen = []

    def f(p):
        y = np.exp(p) * np.sin(p) / (1 + p**2) + p @ p
        seen.append(type(y).__name__)
        return np.sum(y)

    p = np.array([0.3, -1.1])
    result = fd.gradient(f, p, method="complex-step")
    u, w = np.exp(p) * np.sin(p), 1 + p**2
    du, dw = np.exp(p) * (np.sin(p) + np.cos(p)), 2 * p
    expected = (du * w - u * dw) / w**2 + 2 * p * 2
    np.testing.assert_allclose(result.value, expected, rtol=1e-15)
    assert set(seen) == {"_ComplexProbe"}


# --- step sweep ----------------------------------------------------------------


def test_step_sweep_shows_the_v_shape():
    sweep = fd.step_sweep(quiz, QUIZ_POINT, wrt=0, reference=QUIZ_GRADIENT[0])
    np.testing.assert_array_equal(sweep.steps, 10.0 ** -np.arange(1, 16))
    central = sweep.errors["central"]
    best = np.min(central)
    assert central[0] >= 1e4 * best                                  # h = 1e-1: truncation
    assert central[list(sweep.steps).index(1e-13)] >= 1e4 * best      # h = 1e-13: round-off
    assert sweep.best_step["central"] == sweep.steps[np.argmin(central)]
    assert 1e-7 <= sweep.best_step["central"] <= 1e-4
    assert 1e-10 <= sweep.best_step["forward"] <= 1e-6
    assert sweep.best_step["five-point"] >= sweep.best_step["central"]


def test_step_sweep_reference_defaults_to_richardson():
    sweep = fd.step_sweep(quiz, QUIZ_POINT, wrt=1, steps=[1e-2, 1e-5], methods=("central",))
    assert sweep.reference == pytest.approx(QUIZ_GRADIENT[1], rel=1e-11)
    assert sweep.errors["central"].shape == (2,)
    assert sweep.errors["central"][1] < sweep.errors["central"][0]


def test_step_sweep_of_a_scalar_function_and_its_errors():
    sweep = fd.step_sweep(np.exp, 1.0, reference=math.e, steps=[1e-3, 1e-30])
    assert sweep.errors["central"][0] == pytest.approx(math.e * 1e-6 / 6, rel=1e-2)
    assert math.isnan(sweep.errors["central"][1])  # below the resolution of x
    with pytest.raises(ValueError, match="wrt"):
        fd.step_sweep(quiz, QUIZ_POINT)
    with pytest.raises(ValueError, match="unknown"):
        fd.step_sweep(np.exp, 1.0, methods=("centre",))
