"""The derivative conventions at kinks and edges (docs/architecture.md), exactly at the kink or edge.

Each convention is checked the four ways a user can meet it: forward and
reverse mode, on a scalar and on an array (where the kink sits among ordinary
points, so broadcasting and masking are exercised too). The expected numbers
are the conventions themselves (abs'(0) = 0, ties share 0.5/0.5, ...), written
here as constants, never computed by the library.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import dualdiff as dd

INF = math.inf

# numpy warns on log(0), 1/0, ...; the library follows numpy, and these tests are about values.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

# (id, f, points, expected f' at each point); f is elementwise in one variable.
UNARY_KINKS = [
    ("abs", lambda x: dd.abs(x), [-1.0, 0.0, 2.0], [-1.0, 0.0, 1.0]),
    ("abs-operator", lambda x: abs(x), [-1.0, 0.0, 2.0], [-1.0, 0.0, 1.0]),
    ("relu", dd.relu, [-1.0, 0.0, 2.0], [0.0, 0.0, 1.0]),
    ("leaky_relu", lambda x: dd.leaky_relu(x, 0.1), [-1.0, 0.0, 2.0], [0.1, 0.1, 1.0]),
    ("maximum(x, 0)", lambda x: dd.maximum(x, 0.0), [-1.0, 0.0, 2.0], [0.0, 0.5, 1.0]),
    ("maximum(0, x)", lambda x: dd.maximum(0.0, x), [-1.0, 0.0, 2.0], [0.0, 0.5, 1.0]),
    ("minimum(x, 0)", lambda x: dd.minimum(x, 0.0), [-1.0, 0.0, 2.0], [1.0, 0.5, 0.0]),
    ("clip", lambda x: dd.clip(x, 0.0, 1.0), [-1.0, 0.0, 0.5, 1.0, 2.0], [0.0, 0.5, 1.0, 0.5, 0.0]),
    ("sign", dd.sign, [-1.0, 0.0, 2.0], [0.0, 0.0, 0.0]),
    ("sqrt", dd.sqrt, [0.0, 4.0], [INF, 0.25]),
    ("x**2", lambda x: x ** 2, [0.0, 3.0], [0.0, 6.0]),
    ("x**3", lambda x: x ** 3, [0.0, -1.0], [0.0, 3.0]),
    ("x**1", lambda x: x ** 1.0, [0.0, 2.0], [1.0, 1.0]),
    ("x**0", lambda x: x ** 0.0, [0.0, 2.0], [0.0, 0.0]),
    ("pow(x, 2)", lambda x: dd.pow(x, 2.0), [0.0, 3.0], [0.0, 6.0]),
    ("where-sqrt", lambda x: dd.where(x > 0, dd.sqrt(x), 0.0), [-1.0, 4.0], [0.0, 0.25]),
    ("where-log", lambda x: dd.where(x > 0, dd.log(x), 0.0), [-1.0, 0.0, 2.0], [0.0, 0.0, 0.5]),
]


def _same(actual, expected) -> bool:
    """Exact equality, with inf == inf (these are conventions, not approximations)."""
    return bool(np.array_equal(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)))


@pytest.mark.parametrize("name, f, points, expected", UNARY_KINKS, ids=[c[0] for c in UNARY_KINKS])
class TestUnaryConventions:
    def test_forward_scalar(self, name, f, points, expected):
        assert [dd.derivative(f)(x) for x in points] == expected

    def test_forward_scalar_jvp(self, name, f, points, expected):
        assert [dd.jvp(f, (x,), (1.0,))[1] for x in points] == expected

    def test_reverse_scalar(self, name, f, points, expected):
        assert [dd.grad(f)(x) for x in points] == expected

    def test_forward_array(self, name, f, points, expected):
        jac = dd.jacfwd(f)(np.array(points))
        assert _same(np.diag(jac), expected)
        off_diagonal = jac[~np.eye(len(points), dtype=bool)]
        assert _same(off_diagonal, np.zeros_like(off_diagonal))

    def test_reverse_array(self, name, f, points, expected):
        assert _same(dd.grad(lambda x: dd.sum(f(x)))(np.array(points)), expected)


# --- second order at the kinks: the zero tangent stays exactly zero ------------------

@pytest.mark.parametrize("f, x, expected", [
    (lambda x: dd.where(x > 0, dd.sqrt(x), 0.0), -1.0, 0.0),
    (lambda x: x ** 2, 0.0, 2.0),
    (lambda x: x ** 3, 0.0, 0.0),
    (dd.relu, 0.0, 0.0),
    (lambda x: dd.abs(x), 0.0, 0.0),
], ids=["where-sqrt", "x**2", "x**3", "relu", "abs"])
def test_second_derivative_at_kink(f, x, expected):
    assert dd.derivative(f, 2)(x) == expected
    assert dd.hessian(f)(x) == expected
    assert dd.jacfwd(dd.grad(f))(x) == expected
    assert dd.grad(dd.grad(f))(x) == expected


def test_where_sqrt_hessian_on_array_is_exactly_zero_off_branch():
    f = lambda x: dd.sum(dd.where(x > 0, dd.sqrt(x), 0.0))
    h = dd.hessian(f)(np.array([-1.0, 4.0]))
    assert _same([h[0, 0], h[0, 1], h[1, 0]], [0.0, 0.0, 0.0])
    assert h[1, 1] == pytest.approx(-1.0 / 32.0, rel=1e-15)  # d²√x/dx² = -x^(-3/2)/4 at 4


# --- binary conventions ------------------------------------------------------------

@pytest.mark.parametrize("fn", [dd.maximum, dd.minimum], ids=["maximum", "minimum"])
def test_tie_splits_half_half(fn):
    assert dd.grad(fn, argnums=(0, 1))(1.5, 1.5) == (0.5, 0.5)
    assert dd.jvp(fn, (1.5, 1.5), (1.0, 0.0))[1] == 0.5
    assert dd.jvp(fn, (1.5, 1.5), (0.0, 1.0))[1] == 0.5
    a, b = np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 5.0])
    ga, gb = dd.grad(lambda x, y: dd.sum(fn(x, y)), argnums=(0, 1))(a, b)
    ja, jb = dd.jacfwd(fn, argnums=(0, 1))(a, b)
    winner_a = [1.0, 1.0, 0.0] if fn is dd.maximum else [1.0, 0.0, 1.0]
    expected_a = [0.5] + winner_a[1:]
    expected_b = [0.5] + [1.0 - w for w in winner_a[1:]]
    assert _same(ga, expected_a) and _same(np.diag(ja), expected_a)
    assert _same(gb, expected_b) and _same(np.diag(jb), expected_b)


@pytest.mark.parametrize("y", [2.0, 3.0, 0.5])
def test_pow_at_zero_base_has_zero_exponent_derivative(y):
    assert dd.grad(lambda x, e: x ** e, argnums=1)(0.0, y) == 0.0
    assert dd.jvp(lambda x, e: x ** e, (0.0, y), (0.0, 1.0))[1] == 0.0
    ys = np.array([y, y])
    assert _same(dd.grad(lambda e: dd.sum(np.zeros(2) ** e))(ys), [0.0, 0.0])
    assert _same(np.diag(dd.jacfwd(lambda e: np.zeros(2) ** e)(ys)), [0.0, 0.0])


def test_pow_at_zero_base_exponent_two_in_both_arguments():
    gx, gy = dd.grad(lambda x, e: x ** e, argnums=(0, 1))(0.0, 2.0)
    assert (gx, gy) == (0.0, 0.0)


def test_x_plus_log_z_at_zero_keeps_dx_equal_one():
    f = lambda x, z: x + dd.log(z)
    gx, gz = dd.grad(f, argnums=(0, 1))(1.0, 0.0)
    assert gx == 1.0 and gz == INF
    assert dd.jvp(f, (1.0, 0.0), (1.0, 0.0))[1] == 1.0
    jx = dd.jacfwd(f, argnums=0)(np.array([1.0, 2.0]), np.array([0.0, 1.0]))
    assert _same(np.diag(jx), [1.0, 1.0])
    gx_arr = dd.grad(lambda x, z: dd.sum(f(x, z)), argnums=0)(np.array([1.0, 2.0]), np.array([0.0, 1.0]))
    assert _same(gx_arr, [1.0, 1.0])


# --- max/min reductions: ties share equally -----------------------------------------

@pytest.mark.parametrize("fn, x, expected", [
    (dd.max, [1.0, 3.0, 3.0], [0.0, 0.5, 0.5]),
    (dd.min, [1.0, 1.0, 3.0], [0.5, 0.5, 0.0]),
    (dd.max, [2.0, 2.0, 2.0, 2.0], [0.25, 0.25, 0.25, 0.25]),
    (dd.max, [5.0, 1.0], [1.0, 0.0]),
    (lambda x: np.max(x), [1.0, 3.0, 3.0], [0.0, 0.5, 0.5]),
    (lambda x: x.max(), [1.0, 3.0, 3.0], [0.0, 0.5, 0.5]),
], ids=["max", "min", "all-tied", "no-tie", "np.max", "method"])
def test_reduction_ties_share_equally(fn, x, expected):
    x = np.array(x)
    assert _same(dd.grad(fn)(x), expected)
    assert _same(dd.jacfwd(fn)(x), expected)


def test_reduction_ties_along_an_axis():
    x = np.array([[1.0, 1.0, 0.0], [2.0, 0.0, 2.0]])
    expected_rows = [[0.5, 0.5, 0.0], [0.5, 0.0, 0.5]]
    g = dd.grad(lambda a: dd.sum(dd.max(a, axis=1)))(x)
    assert _same(g, expected_rows)
    jac = dd.jacfwd(lambda a: dd.max(a, axis=1))(x)  # shape (2, 2, 3)
    assert _same(jac[0, 0], expected_rows[0]) and _same(jac[1, 1], expected_rows[1])
    assert _same(jac[0, 1], np.zeros(3)) and _same(jac[1, 0], np.zeros(3))


# --- outside the domain: numpy's values, no exceptions ------------------------------

def test_log_of_negative_is_nan_without_raising():
    assert math.isnan(dd.log(-1.0))
    values = dd.log(np.array([-1.0, 1.0]))
    assert math.isnan(values[0]) and values[1] == 0.0
    assert math.isnan(dd.jvp(dd.log, (-1.0,), (1.0,))[0])
    assert math.isnan(dd.value_and_grad(dd.log)(-1.0)[0])
    assert math.isnan(np.log(dd.Dual(-1.0, 1.0)).value)


def test_division_by_zero_is_inf_without_raising():
    assert dd.div(1.0, 0.0) == INF
    assert dd.div(-1.0, 0.0) == -INF
    assert math.isnan(dd.div(0.0, 0.0))
    assert (1.0 / dd.Dual(0.0, 1.0)).value == INF
    assert dd.jvp(lambda x: 1 / x, (0.0,), (1.0,))[0] == INF
    assert dd.value_and_grad(lambda x: 1 / x)(0.0)[0] == INF
    assert _same(dd.div(np.ones(2), np.zeros(2)), [INF, INF])


def test_sqrt_at_zero_is_plus_inf_in_every_mode():
    assert dd.derivative(dd.sqrt)(0.0) == INF
    assert dd.grad(dd.sqrt)(0.0) == INF
    assert dd.hvp(dd.sqrt, (4.0,), (1.0,)) == pytest.approx(-1.0 / 32.0, rel=1e-15)


# --- far tails: derivatives keep their relative accuracy ----------------------------

# Regression: these rules used to reuse the output (out*(1-out), 1-out², out+1) and cancelled.
@pytest.mark.parametrize("name, fn, exact, x", [
    ("sigmoid", dd.sigmoid, lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2, 20.0),
    ("sigmoid", dd.sigmoid, lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2, 40.0),
    ("tanh", dd.tanh, lambda x: 1 / math.cosh(x) ** 2, 10.0),
    ("tanh", dd.tanh, lambda x: 1 / math.cosh(x) ** 2, -40.0),
    ("expm1", dd.expm1, math.exp, -20.0),
    ("expm1", dd.expm1, math.exp, -40.0),
], ids=["sigmoid-20", "sigmoid-40", "tanh-10", "tanh-minus-40", "expm1-minus-20", "expm1-minus-40"])
def test_derivative_keeps_relative_accuracy_in_the_tail(name, fn, exact, x):
    expected = exact(x)  # closed forms without cancellation, accurate to a few ulps
    assert dd.derivative(fn)(x) == pytest.approx(expected, rel=1e-12, abs=0.0)
    assert dd.grad(fn)(x) == pytest.approx(expected, rel=1e-12, abs=0.0)


FLAT_THEN_SINGULAR = {
    # f, a point where f is locally constant (a flat entry feeding an inf partial), the value
    "arccos(clip(x)) beyond the bound": (lambda x: np.arccos(np.clip(x, -1.0, 1.0)), 1.5, 0.0),
    "sqrt(maximum(x, 0)) below 0": (lambda x: np.sqrt(np.maximum(x, 0.0)), -1.0, 0.0),
    "sqrt(relu(x)) below 0": (lambda x: np.sqrt(dd.relu(x)), -0.5, 0.0),
    "sqrt(fmax(x, 0)) + x below 0": (lambda x: np.sqrt(np.fmax(x, 0.0)) + x, -2.0, 1.0),
    "maximum(sqrt(x), 0.5) at 0": (lambda x: np.maximum(np.sqrt(x), 0.5), 0.0, 0.0),
    "minimum(-sqrt(x), -0.5) at 0": (lambda x: np.minimum(-np.sqrt(x), -0.5), 0.0, 0.0),
}


@pytest.mark.parametrize("name", list(FLAT_THEN_SINGULAR))
def test_a_flat_entry_meeting_an_inf_partial_gives_the_same_zero_in_every_mode(name):
    """Where f is constant on [x0, x0 + 0.25] its derivative is 0 (a one-sided difference gives
    exactly 0; sqrt is not defined left of 0). Forward mode gave 0 (a zero tangent through sqrt's inf partial) but reverse
    mode NaN (sqrt's inf cotangent times maximum's zero partial), or the other way round for
    maximum(sqrt(x), 0.5). Every mode, scalar and array, first and second order."""
    f, x0, expected = FLAT_THEN_SINGULAR[name]
    h = 1e-4
    with np.errstate(all="ignore"):
        assert (f(x0 + 2 * h) - f(x0 + h)) / h == pytest.approx(expected, abs=1e-12)
        xs = np.array([x0, 4.0])
        live = float(dd.derivative(f)(4.0))
        assert math.isfinite(live)
        for d in (dd.grad(f), dd.derivative(f), dd.jit(dd.grad(f))):
            assert d(x0) == expected
        for jac in (dd.jacfwd(f), dd.jacrev(f)):
            np.testing.assert_array_equal(jac(xs), np.diag([expected, live]))
        np.testing.assert_array_equal(dd.grad(lambda v: dd.sum(f(v)))(xs), [expected, live])
        second = dd.hessian(lambda v: dd.sum(f(v)))(xs)
        assert second[0, 0] == 0.0 and second[0, 1] == second[1, 0] == 0.0


OFF_BRANCH_PRODUCTS = {
    # x·log x (entropy): mul's partial is log 0 = -inf where where() discards the branch
    "x*log(x) at 0": (lambda x: x * np.log(x), np.array([0.0, 2.0]), math.log(2.0) + 1.0, 0.5),
    "x**2*log(x) at 0": (lambda x: x**2 * np.log(x), np.array([0.0, 2.0]),
                         4.0 * math.log(2.0) + 2.0, 2.0 * math.log(2.0) + 3.0),
    "sqrt(x)*x at -1": (lambda x: np.sqrt(x) * x, np.array([-1.0, 4.0]), 3.0, 0.375),
}


@pytest.mark.parametrize("name", list(OFF_BRANCH_PRODUCTS))
def test_a_zero_cotangent_through_a_product_with_an_infinite_factor_is_zero(name):
    """where(x > 0, g(x), 0) with g a product whose other factor is ±inf/NaN off the branch.

    Reverse mode on arrays gave NaN (mul's partial is the other factor, and 0·(-inf) is NaN)
    where forward mode gave 0; the expected numbers are g' and g'' at the live point by hand."""
    g, xs, d1, d2 = OFF_BRANCH_PRODUCTS[name]
    f = lambda v: dd.sum(dd.where(v > 0, g(v), 0.0))
    with np.errstate(all="ignore"):
        for grad in (dd.grad(f), dd.jacrev(f), dd.jacfwd(f), dd.jit(dd.grad(f))):
            np.testing.assert_allclose(grad(xs), [0.0, d1], rtol=1e-14, atol=0)
        for hess in (dd.hessian(f), dd.jacrev(dd.jacrev(f)), dd.jacrev(dd.jacfwd(f)),
                     dd.jit(dd.hessian(f))):
            np.testing.assert_allclose(hess(xs), np.diag([0.0, d2]), rtol=1e-14, atol=0)
