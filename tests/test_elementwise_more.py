"""The elementwise additions of issue 14: their edges and conventions, keywords and aliases.

The table-driven tests (tests/test_primitives.py, test_check_grads.py,
test_properties.py) already check every entry's value and first and second
derivatives against mpmath at 20 points plus the table's edges. Here: the
points those cannot reach (removable singularities, jumps, infinities, tails),
the array implementations of erf/erfc against mpmath, the composites (gelu,
round, fix, nan_to_num, real/imag/angle), and the numpy spellings.

Derivatives are compared in four modes (forward, reverse, forward-over-reverse,
forward-over-forward) with five-point central differences: h = 1e-3, relative
tolerance 1e-8 for first derivatives and 1e-6 for second derivatives (the
truncation error is O(h⁴), the rounding error about 1e-13/h and 1e-13/h²).
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

import dualdiff as dd
from dualdiff.primitives._erf import erf_array, erfc_array

H = 1e-3


@pytest.fixture(autouse=True)
def _forty_digits():
    """mpmath's precision is global and other modules set their own: 40 digits for each test."""
    with mp.workdps(40):
        yield


def fd1(f, x, h=H):
    return (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h)


def fd2(f, x, h=H):
    return (-f(x + 2 * h) + 16 * f(x + h) - 30 * f(x) + 16 * f(x - h) - f(x - 2 * h)) / (12 * h * h)


def assert_four_modes(f, x, d1=None, d2=None, rtol1=1e-8, rtol2=1e-6, atol=1e-10):
    """f' and f'' at x in forward, reverse, forward-over-reverse and forward-over-forward mode,
    against the given values or five-point differences of f itself."""
    d1 = fd1(f, x) if d1 is None else d1
    d2 = fd2(f, x) if d2 is None else d2
    assert dd.derivative(f)(x) == pytest.approx(d1, rel=rtol1, abs=atol)
    assert dd.grad(f)(x) == pytest.approx(d1, rel=rtol1, abs=atol)
    assert dd.hessian(f)(x) == pytest.approx(d2, rel=rtol2, abs=atol * 1e3)
    assert dd.derivative(f, 2)(x) == pytest.approx(d2, rel=rtol2, abs=atol * 1e3)


# ---------------------------------------------------------------------------
# sinc: the removable singularity at 0
# ---------------------------------------------------------------------------

def test_sinc_values_match_numpy():
    x = np.array([-3.5, -1.0, -0.1, -1e-9, 0.0, 1e-300, 0.05, 0.5, 2.0, 7.25])
    np.testing.assert_array_equal(dd.sinc(x), np.sinc(x))
    for v in x:
        assert dd.sinc(float(v)) == pytest.approx(float(np.sinc(v)), rel=1e-15, abs=1e-300)
    assert dd.sinc(0.0) == 1.0


@pytest.mark.parametrize("x", [0.0, -0.0])
def test_sinc_at_zero_to_fourth_order(x):
    assert dd.derivative(dd.sinc)(x) == 0.0
    assert dd.grad(dd.sinc)(x) == 0.0
    second = -math.pi ** 2 / 3
    assert dd.hessian(dd.sinc)(x) == pytest.approx(second, rel=1e-15)
    assert dd.derivative(dd.sinc, 2)(x) == pytest.approx(second, rel=1e-15)
    assert dd.jacrev(dd.grad(dd.sinc))(x) == pytest.approx(second, rel=1e-15)
    assert dd.derivative(dd.sinc, 3)(x) == 0.0
    assert dd.derivative(dd.sinc, 4)(x) == pytest.approx(math.pi ** 4 / 5, rel=1e-14)


def test_sinc_at_zero_among_other_points_in_every_mode():
    x = np.array([-0.7, 0.0, 0.05, 0.1, 1.3])
    want = np.array([float(mp.diff(mp.sincpi, mp.mpf(v))) for v in x])
    want2 = np.array([float(mp.diff(mp.sincpi, mp.mpf(v), 2)) for v in x])
    np.testing.assert_allclose(np.diag(dd.jacfwd(dd.sinc)(x)), want, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(dd.grad(lambda v: dd.sum(np.sinc(v)))(x), want, rtol=1e-13,
                               atol=1e-15)
    hess = dd.hessian(lambda v: dd.sum(np.sinc(v)))(x)
    np.testing.assert_allclose(np.diag(hess), want2, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(hess - np.diag(np.diag(hess)), 0.0)


@pytest.mark.parametrize("x", [1e-12, 1e-6, 0.01, 0.0999999, 0.1, 0.1000001, 0.3, -2.5])
def test_sinc_derivative_is_accurate_on_both_sides_of_the_series(x):
    want = float(mp.diff(mp.sincpi, mp.mpf(x)))
    want2 = float(mp.diff(mp.sincpi, mp.mpf(x), 2))
    assert dd.derivative(dd.sinc)(x) == pytest.approx(want, rel=2e-14, abs=1e-300)
    assert dd.hessian(dd.sinc)(x) == pytest.approx(want2, rel=1e-13)


@pytest.mark.parametrize("x", [0.37, -1.6, 2.2])
def test_sinc_against_finite_differences(x):
    assert_four_modes(dd.sinc, x)


# ---------------------------------------------------------------------------
# erf and erfc: the numpy implementation, tails included
# ---------------------------------------------------------------------------

def _grid():
    return np.concatenate([np.linspace(-27.0, 27.0, 2701), np.geomspace(1e-300, 0.5, 200),
                           -np.geomspace(1e-300, 0.5, 200),
                           [0.46875, np.nextafter(0.46875, 1.0), 4.0, np.nextafter(4.0, 5.0)]])


def test_erf_array_against_mpmath_to_a_few_ulps():
    x = _grid()
    got = erf_array(x)
    want = np.array([float(mp.erf(mp.mpf(v))) for v in x])
    np.testing.assert_allclose(got, want, rtol=1e-15, atol=0.0)


def test_erfc_array_against_mpmath_to_a_few_ulps_in_the_tails():
    x = _grid()
    x = x[np.abs(x) < 26.5]  # beyond, erfc(x) < 1e-306 is subnormal and loses digits
    got = erfc_array(x)
    want = np.array([float(mp.erfc(mp.mpf(v))) for v in x])
    np.testing.assert_allclose(got, want, rtol=2e-15, atol=0.0)


def test_erfc_tail_is_not_one_minus_erf():
    assert dd.erfc(np.array([10.0]))[0] == pytest.approx(2.088487583762545e-45, rel=1e-15)
    assert dd.erfc(10.0) == pytest.approx(2.088487583762545e-45, rel=1e-15)
    assert dd.erfc(np.array([26.0]))[0] == pytest.approx(float(mp.erfc(26)), rel=1e-14)
    assert dd.erfc(np.array([-6.0]))[0] == 2.0 - float(mp.erfc(6))
    assert dd.erf(np.array([-0.1]))[0] == pytest.approx(float(mp.erf(-0.1)), rel=1e-15)


def test_erf_special_values():
    x = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0, 30.0, -30.0])
    e, c = dd.erf(x), dd.erfc(x)
    np.testing.assert_array_equal(e[[0, 1, 3, 5, 6]], [1.0, -1.0, 0.0, 1.0, -1.0])
    np.testing.assert_array_equal(c[[0, 1, 3, 5, 6]], [0.0, 2.0, 1.0, 0.0, 2.0])
    assert np.isnan(e[2]) and np.isnan(c[2])
    assert math.copysign(1.0, e[4]) == -1.0


def test_erf_arrays_agree_with_the_scalar_path():
    x = np.linspace(-6.0, 6.0, 1201)
    np.testing.assert_allclose(dd.erf(x), [math.erf(v) for v in x], rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(dd.erfc(x), [math.erfc(v) for v in x], rtol=2e-15, atol=1e-300)


@pytest.mark.parametrize("x", [0.0, 0.3, -1.7, 4.5])
def test_erf_derivatives(x):
    assert_four_modes(dd.erf, x, 2 / math.sqrt(math.pi) * math.exp(-x * x),
                      -4 * x / math.sqrt(math.pi) * math.exp(-x * x), 1e-15, 1e-15)
    assert_four_modes(dd.erfc, x, -2 / math.sqrt(math.pi) * math.exp(-x * x),
                      4 * x / math.sqrt(math.pi) * math.exp(-x * x), 1e-15, 1e-15)


def test_erfc_derivative_in_the_tail_is_relative_accurate():
    want = float(-2 / mp.sqrt(mp.pi) * mp.exp(-100))
    assert dd.grad(dd.erfc)(10.0) == pytest.approx(want, rel=1e-13)
    assert dd.grad(lambda v: dd.sum(dd.erfc(v)))(np.array([10.0]))[0] == pytest.approx(
        want, rel=1e-13)


# ---------------------------------------------------------------------------
# gelu: a composite of erfc (or of sigmoid, for the tanh form)
# ---------------------------------------------------------------------------

def _gelu_mp(x):
    x = mp.mpf(x)
    return x / 2 * (1 + mp.erf(x / mp.sqrt(2)))


def _gelu_tanh_mp(x):
    x = mp.mpf(x)
    return x / 2 * (1 + mp.tanh(mp.sqrt(2 / mp.pi) * (x + mp.mpf("0.044715") * x ** 3)))


@pytest.mark.parametrize("x", [-40.0, -8.0, -1.3, 0.0, 0.4, 3.0, 30.0])
def test_gelu_values_are_relatively_accurate_even_far_left(x):
    assert dd.gelu(x) == pytest.approx(float(_gelu_mp(x)), rel=1e-14, abs=1e-300)
    assert dd.gelu(np.array([x]))[0] == pytest.approx(float(_gelu_mp(x)), rel=1e-14, abs=1e-300)
    assert dd.gelu(x, approximate=True) == pytest.approx(float(_gelu_tanh_mp(x)), rel=1e-13,
                                                         abs=1e-300)


@pytest.mark.parametrize("approximate", [False, True])
@pytest.mark.parametrize("x", [-2.1, 0.0, 0.7, 2.5])
def test_gelu_derivatives(x, approximate):
    f = _gelu_tanh_mp if approximate else _gelu_mp
    d1, d2 = float(mp.diff(f, x)), float(mp.diff(f, x, 2))
    assert_four_modes(lambda v: dd.gelu(v, approximate=approximate), x, d1, d2, 1e-13, 1e-12)
    assert_four_modes(lambda v: dd.gelu(v, approximate=approximate), x)


def test_gelu_is_exported_and_takes_arrays_in_every_mode():
    assert dd.gelu is dd.primitives.gelu
    x = np.array([-1.0, 0.0, 2.0])
    jac = dd.jacfwd(dd.gelu)(x)
    np.testing.assert_allclose(np.diag(jac), [float(mp.diff(_gelu_mp, v)) for v in x], rtol=1e-14)
    np.testing.assert_allclose(dd.grad(lambda v: dd.sum(dd.gelu(v)))(x), np.diag(jac),
                               rtol=1e-15)


# ---------------------------------------------------------------------------
# remainder / mod / % and fmod: the quotient is a constant
# ---------------------------------------------------------------------------

SIGNS = [(3.5, 2.0), (-3.5, 2.0), (3.5, -2.0), (-3.5, -2.0), (0.3, 0.1), (7.0, 0.75)]


@pytest.mark.parametrize("x, y", SIGNS)
def test_remainder_and_fmod_values_and_partials(x, y):
    assert dd.remainder(x, y) == np.remainder(x, y)
    assert dd.fmod(x, y) == np.fmod(x, y)
    floor_q, trunc_q = np.floor_divide(x, y), math.trunc(x / y)
    for mode in (dd.grad, lambda f, argnums: lambda *a: tuple(
            dd.jvp(f, a, tuple(1.0 if i == k else 0.0 for i in range(2)))[1] for k in argnums)):
        assert mode(dd.remainder, argnums=(0, 1))(x, y) == (1.0, -floor_q)
        assert mode(lambda a, b: a % b, argnums=(0, 1))(x, y) == (1.0, -floor_q)
        assert mode(dd.fmod, argnums=(0, 1))(x, y) == (1.0, -trunc_q)


@pytest.mark.parametrize("x, y", SIGNS[:4])
def test_remainder_against_finite_differences(x, y):
    assert_four_modes(lambda a: dd.remainder(a * a, y), x)
    assert_four_modes(lambda b: dd.remainder(x, b * b), y)
    assert_four_modes(lambda b: dd.fmod(x, b * b), y)


@pytest.mark.parametrize("x, y, q_floor, q_trunc", [
    (4.0, 2.0, 2.0, 2.0), (-4.0, 2.0, -2.0, -2.0), (4.0, -2.0, -2.0, -2.0), (0.0, 3.0, 0.0, 0.0),
    (-1e-20, 1.0, -1.0, -0.0),
])
def test_remainder_at_the_jumps_takes_the_branch_of_its_value(x, y, q_floor, q_trunc):
    """Where x/y is an integer the result jumps; the derivative is that of the branch the value
    belongs to: ∂/∂x = 1 and ∂/∂y = -q with q = (x - out)/y (floor or trunc of x/y)."""
    assert dd.grad(dd.remainder, argnums=(0, 1))(x, y) == (1.0, -q_floor)
    assert dd.grad(dd.fmod, argnums=(0, 1))(x, y) == (1.0, -q_trunc)
    jac = dd.jacfwd(lambda v: dd.remainder(v[0], v[1]))(np.array([x, y]))
    np.testing.assert_array_equal(jac, [1.0, -q_floor])


def test_remainder_by_zero_is_nan_with_unit_derivative_in_x():
    with np.errstate(invalid="ignore"):
        value, (gx, gy) = dd.value_and_grad(dd.remainder, argnums=(0, 1))(1.5, 0.0)
    assert math.isnan(value) and gx == 1.0 and math.isnan(gy)


def test_mod_operator_and_its_reflection_on_arrays_in_every_mode():
    x = np.array([0.4, -1.3, 2.9])
    y = np.array([[0.7], [-1.1]])
    f = lambda a, b: dd.sum((a % b) * (b % a) + a % 0.5 + 3.0 % a)  # the last two count twice
    q1 = np.floor_divide(x, y)
    q2 = np.floor_divide(y, x)
    gx = np.sum(1.0 * (y % x) + (x % y) * -q2, axis=0) + 2 * (1.0 - np.floor_divide(3.0, x))
    gy = np.sum(-q1 * (y % x) + (x % y) * 1.0, axis=1, keepdims=True)
    rx, ry = dd.grad(f, argnums=(0, 1))(x, y)
    np.testing.assert_allclose(rx, gx, rtol=1e-14)
    np.testing.assert_allclose(ry, gy, rtol=1e-14)
    fx = dd.jacfwd(lambda a: f(a, y))(x)
    np.testing.assert_allclose(fx, gx, rtol=1e-14)
    assert dd.mod is dd.remainder and np.mod is np.remainder


def test_floor_divide_is_piecewise_constant():
    x = dd.Dual(np.array([3.5, -3.5]), np.ones(2))
    out = x // 2.0
    assert type(out) is np.ndarray and list(out) == [1.0, -2.0]
    assert list(np.floor_divide(7.0, x)) == [2.0, -2.0]
    assert dd.grad(lambda a: a * (a // 1.0))(2.5) == 2.0


# ---------------------------------------------------------------------------
# heaviside, fmax, fmin
# ---------------------------------------------------------------------------

def test_heaviside_values_and_derivatives_at_the_step():
    x1 = np.array([-1.0, 0.0, 2.0, -0.0, np.nan])
    x2 = np.array([0.3, 0.5, 0.7, 0.25, 0.1])
    np.testing.assert_array_equal(dd.heaviside(x1, x2), np.heaviside(x1, x2))
    g1, g2 = dd.grad(lambda a, b: dd.sum(np.heaviside(a, b)), argnums=(0, 1))(x1, x2)
    np.testing.assert_array_equal(g1, 0.0)
    np.testing.assert_array_equal(g2, [0.0, 1.0, 0.0, 1.0, 0.0])
    jac = dd.jacfwd(lambda b: np.heaviside(x1, b))(x2)
    np.testing.assert_array_equal(jac, np.diag([0.0, 1.0, 0.0, 1.0, 0.0]))
    for a, want in [(0.0, 1.0), (1.0, 0.0), (-2.0, 0.0)]:
        assert dd.grad(dd.heaviside, argnums=(0, 1))(a, 0.5) == (0.0, want)
        assert dd.jvp(dd.heaviside, (a, 0.5), (1.0, 1.0))[1] == want
    assert dd.grad(lambda h: dd.sum(dd.heaviside(x1, h)))(0.5) == 2.0  # broadcast x2


@pytest.mark.parametrize("f, x, y, dx, dy", [
    (dd.fmax, 2.0, 1.0, 1.0, 0.0), (dd.fmax, 1.0, 1.0, 0.5, 0.5), (dd.fmax, np.nan, 1.0, 0.0, 1.0),
    (dd.fmax, 1.0, np.nan, 1.0, 0.0), (dd.fmax, np.nan, np.nan, 0.0, 0.0),
    (dd.fmin, 2.0, 1.0, 0.0, 1.0), (dd.fmin, 1.0, 1.0, 0.5, 0.5), (dd.fmin, np.nan, 1.0, 0.0, 1.0),
    (dd.fmin, 1.0, np.nan, 1.0, 0.0),
])
def test_fmax_fmin_ignore_nan(f, x, y, dx, dy):
    value = f(x, y)
    np.testing.assert_array_equal(value, (np.fmax if f is dd.fmax else np.fmin)(x, y))
    assert dd.grad(f, argnums=(0, 1))(x, y) == (dx, dy)
    arrays = dd.grad(lambda a, b: dd.sum(f(a, b)), argnums=(0, 1))(np.array([x]), np.array([y]))
    assert (arrays[0][0], arrays[1][0]) == (dx, dy)
    assert dd.jvp(f, (x, y), (1.0, 0.0))[1] == dx


# ---------------------------------------------------------------------------
# logaddexp and logaddexp2 at infinities and far apart
# ---------------------------------------------------------------------------

INF = math.inf


@pytest.mark.parametrize("x, y, dx, dy", [
    (-INF, 1.0, 0.0, 1.0), (1.0, -INF, 1.0, 0.0), (INF, 1.0, 1.0, 0.0), (1.0, INF, 0.0, 1.0),
    (INF, INF, 0.5, 0.5), (-INF, -INF, 0.5, 0.5), (INF, -INF, 1.0, 0.0),
    (1000.0, 1000.0, 0.5, 0.5), (800.0, -800.0, 1.0, 0.0),
])
@pytest.mark.parametrize("f", [dd.logaddexp, dd.logaddexp2], ids=["logaddexp", "logaddexp2"])
def test_logaddexp_at_infinities(f, x, y, dx, dy):
    np_f = np.logaddexp if f is dd.logaddexp else np.logaddexp2
    assert f(x, y) == np_f(x, y)
    assert dd.grad(f, argnums=(0, 1))(x, y) == (dx, dy)
    jac = dd.jacfwd(lambda v: f(v[0], v[1]))(np.array([x, y]))
    np.testing.assert_array_equal(jac, [dx, dy])
    g = dd.grad(lambda a, b: dd.sum(np_f(a, b)), argnums=(0, 1))(np.array([x, 0.0]),
                                                                   np.array([y, 0.0]))
    np.testing.assert_array_equal([g[0][0], g[1][0]], [dx, dy])
    np.testing.assert_array_equal([g[0][1], g[1][1]], [0.5, 0.5])


@pytest.mark.parametrize("x, y", [(0.3, -1.2), (5.0, 40.0), (-3.0, -3.5)])
def test_logaddexp_against_finite_differences(x, y):
    assert_four_modes(lambda a: dd.logaddexp(a, y), x)
    assert_four_modes(lambda b: dd.logaddexp2(x, b), y)
    w = math.exp(x) / (math.exp(x) + math.exp(y))
    assert dd.grad(dd.logaddexp)(x, y) == pytest.approx(w, rel=1e-14)
    assert dd.hessian(lambda a: dd.logaddexp(a, y))(x) == pytest.approx(w * (1 - w), rel=1e-12)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_logaddexp_scalar_path_equals_numpy():
    for x, y in [(0.3, -1.2), (1e-20, 0.0), (-745.0, -745.5), (INF, 2.0), (np.nan, 1.0)]:
        np.testing.assert_array_equal(dd.logaddexp(x, y), np.logaddexp(x, y))
        np.testing.assert_allclose(dd.logaddexp2(x, y), np.logaddexp2(x, y), rtol=1e-15)


# ---------------------------------------------------------------------------
# exp2 and the angle units
# ---------------------------------------------------------------------------

def test_exp2_and_angle_units():
    x = np.array([-1.5, 0.0, 2.25])
    np.testing.assert_array_equal(dd.exp2(x), np.exp2(x))
    assert dd.grad(dd.exp2)(3.0) == 8.0 * math.log(2.0)
    assert dd.radians is dd.deg2rad and dd.degrees is dd.rad2deg
    for f, c in [(np.deg2rad, math.pi / 180), (np.radians, math.pi / 180),
                 (np.rad2deg, 180 / math.pi), (np.degrees, 180 / math.pi)]:
        np.testing.assert_allclose(np.diag(dd.jacfwd(f)(x)), c, rtol=1e-15)
        np.testing.assert_allclose(dd.grad(lambda v: dd.sum(f(v)))(x), c, rtol=1e-15)
        np.testing.assert_array_equal(f(dd.Dual(x, np.ones(3))).value, f(x))
    assert_four_modes(dd.exp2, 0.7)


# ---------------------------------------------------------------------------
# Rounding: derivative zero, numpy's values (signed zeros, half to even)
# ---------------------------------------------------------------------------

ROUNDING_POINTS = np.array([-2.5, -1.5, -0.5, -0.2, -0.0, 0.0, 0.2, 0.5, 1.5, 2.5, 1e300, -7.7,
                            np.inf, -np.inf, np.nan])


@pytest.mark.parametrize("name", ["floor", "ceil", "rint", "trunc", "fix", "round", "around"])
def test_rounding_values_and_zero_derivative(name):
    f, np_f = getattr(dd, name), getattr(np, name)
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(f(ROUNDING_POINTS), np_f(ROUNDING_POINTS))
        for v in ROUNDING_POINTS:
            got, want = f(float(v)), float(np_f(v))
            assert type(got) is float
            assert (got == want and math.copysign(1, got) == math.copysign(1, want)) or (
                math.isnan(got) and math.isnan(want)), (name, v, got, want)
    boxed = np_f(dd.Dual(ROUNDING_POINTS, np.ones(ROUNDING_POINTS.size)))
    assert type(boxed) is np.ndarray  # a constant: no derivative is carried
    assert dd.grad(lambda x: x * np_f(x))(2.7) == np_f(2.7)
    assert dd.hessian(lambda x: np_f(x) * x * x)(2.7) == 2 * np_f(2.7)
    np.testing.assert_array_equal(dd.jacfwd(np_f)(np.array([0.3, 1.7])), 0.0)


def test_round_with_decimals():
    x = np.array([1.23456, -7.891, 1234.5, 0.125])
    for decimals in (1, 2, -1, -2, 0):
        np.testing.assert_array_equal(dd.round(x, decimals), np.round(x, decimals))
        np.testing.assert_array_equal(np.around(dd.Dual(x, np.ones(4)), decimals),
                                      np.around(x, decimals))
        np.testing.assert_array_equal(dd.Dual(x, np.ones(4)).round(decimals), x.round(decimals))
    assert dd.round(2.675, 2) == np.round(2.675, 2) and type(dd.round(2.675, 2)) is float
    assert dd.grad(lambda v: v * dd.round(v, 1))(1.26) == pytest.approx(1.3, rel=1e-15)


def test_rounding_keywords_are_refused_by_name():
    d = dd.Dual(np.ones(3), np.ones(3))
    for call, name in [(lambda: np.round(d, out=np.empty(3)), "numpy.round"),
                       (lambda: np.fix(d, out=np.empty(3)), "numpy.fix"),
                       (lambda: d.round(1, np.empty(3)), "numpy.round"),
                       (lambda: np.floor(d, out=np.empty(3)), "numpy.floor")]:
        with pytest.raises(TypeError, match=rf"{name}\(\.\.\., out=\.\.\.\)"):
            call()


def test_roundings_join_the_expression_language():
    from dualdiff.primitives import expression_functions
    names = expression_functions()
    assert {"floor", "ceil", "rint", "trunc", "sinc", "erf", "erfc", "exp2", "remainder",
            "heaviside", "logaddexp"} <= set(names)
    for name in ("floor", "ceil", "rint", "trunc", "floor_divide"):
        assert dd.REGISTRY[name].doc.startswith("0 everywhere") and "derivative zero" in (
            dd.REGISTRY[name].doc.partition("; ")[0])


# ---------------------------------------------------------------------------
# nan_to_num
# ---------------------------------------------------------------------------

def test_nan_to_num_derivative_is_one_where_finite_zero_where_replaced():
    y = np.array([0.0, np.nan, np.inf, -np.inf])
    f = lambda x: np.nan_to_num(x + y)
    x = np.array([0.5, 1.0, 2.0, 3.0])
    np.testing.assert_array_equal(dd.primal(f(dd.Dual(x, np.ones(4)))), np.nan_to_num(x + y))
    np.testing.assert_array_equal(dd.jacfwd(f)(x), np.diag([1.0, 0.0, 0.0, 0.0]))
    np.testing.assert_array_equal(dd.grad(lambda v: dd.sum(f(v)))(x), [1.0, 0.0, 0.0, 0.0])
    hess = dd.hessian(lambda v: dd.sum(np.sin(f(v))))(x)
    np.testing.assert_allclose(hess, np.diag([-math.sin(0.5), 0.0, 0.0, 0.0]), rtol=1e-15)


def test_nan_to_num_keywords():
    y = np.array([1.0, np.nan, np.inf, -np.inf])
    d = dd.Dual(y, np.ones(4))
    for kwargs in ({"nan": 2.0}, {"posinf": 9.0, "neginf": -9.0}, {"copy": False}, {}):
        np.testing.assert_array_equal(dd.primal(np.nan_to_num(d, **kwargs)),
                                      np.nan_to_num(y.copy(), **kwargs))
    # dualdiff replacements: their derivative flows where they are used (plain x here; numpy's
    # own dispatch only looks at x, so this is spelled dd.nan_to_num)
    grads = dd.grad(lambda a, b: dd.sum(dd.nan_to_num(y, nan=a * a, posinf=3 * b)),
                    argnums=(0, 1))(2.0, 3.0)
    assert grads == (4.0, 3.0)
    g = dd.grad(lambda a: dd.sum(dd.nan_to_num(y + a, neginf=a)))(2.0)
    assert g == 1.0 + 1.0  # the finite entry y[0] + a, and the replaced -inf
    assert dd.nan_to_num(dd.Dual(np.nan, 1.0)) == 0.0
    assert dd.grad(lambda a: dd.nan_to_num(a, nan=5.0))(1.5) == 1.0
    plain = y.copy()
    assert dd.nan_to_num(plain, copy=False) is plain  # plain arrays follow numpy exactly


# ---------------------------------------------------------------------------
# Complex-number views of real values
# ---------------------------------------------------------------------------

def test_real_imag_conj_angle_on_real_values():
    x = np.array([1.5, -2.0, 0.0, -0.0])
    d = dd.Dual(x, np.ones(4))
    assert np.real(d) is d and d.real is d and np.real_if_close(d) is d
    assert type(np.imag(d)) is np.ndarray and list(np.imag(d)) == [0.0] * 4
    assert type(d.imag) is np.ndarray and dd.imag(dd.Dual(2.0, 1.0)) == 0.0
    np.testing.assert_array_equal(np.conj(d).value, x)
    np.testing.assert_array_equal(np.conjugate(d).tangent, np.ones(4))
    np.testing.assert_array_equal(d.conj().tangent, np.ones(4))
    np.testing.assert_array_equal(np.angle(d), np.angle(x))
    np.testing.assert_array_equal(np.angle(d, deg=True), np.angle(x, deg=True))
    assert list(np.iscomplex(d)) == [False] * 4 and list(np.isreal(d)) == [True] * 4
    assert np.isrealobj(d) and not np.iscomplexobj(d)
    f = lambda v: dd.sum(np.real(v) * np.conj(v) + np.angle(v) + np.imag(v))
    np.testing.assert_array_equal(dd.grad(f)(x), 2 * x)
    np.testing.assert_array_equal(dd.jacfwd(np.conj)(x), np.eye(4))
    assert dd.hessian(lambda v: np.real(v) ** 3)(2.0) == 12.0


@pytest.mark.parametrize("x", [-1e4, -800.0, -356.0, 300.0, 356.0, 800.0])
def test_tanh_higher_derivatives_in_the_tail_are_mpmath_not_nan(x):
    """tanh'' was NaN where cosh overflows (|x| ≳ 355): 1/cosh² differentiated divides inf by
    inf. mpmath: tanh' = sech², tanh'' = -2 tanh sech², tanh''' = sech²(4 tanh² - 2 sech²), all
    below 1e-260 here (0 once they underflow)."""
    sech2 = mp.sech(mp.mpf(x)) ** 2
    t = mp.tanh(mp.mpf(x))
    expected = [float(sech2), float(-2 * t * sech2), float(sech2 * (4 * t * t - 2 * sech2))]
    for order, value in zip((1, 2, 3), expected):
        got = dd.derivative(dd.tanh, order)(x)
        assert math.isfinite(got) and abs(got - value) <= 1e-15 * abs(value) + 1e-300
    # a batched Hessian: a NaN partial used to spread to every direction (forward over forward)
    points = np.array([x, 0.5, -2.0])
    exact = np.diag([float(-2 * mp.tanh(p) * mp.sech(p) ** 2) for p in map(mp.mpf, points)])
    for hess in (dd.hessian, lambda f: dd.jacfwd(dd.jacfwd(f)), lambda f: dd.jacrev(dd.grad(f))):
        np.testing.assert_allclose(hess(lambda v: dd.sum(dd.tanh(v)))(points), exact,
                                   rtol=1e-14, atol=1e-300)


def test_numpy_positive_is_the_identity_in_every_mode():
    """np.positive(box) raised NoDerivativeRule although +x works; d/dx positive(x) = 1."""
    x = np.array([0.3, -2.0, 5.0])
    np.testing.assert_array_equal(dd.jacfwd(np.positive)(x), np.eye(3))
    np.testing.assert_array_equal(dd.jacrev(np.positive)(x), np.eye(3))
    np.testing.assert_array_equal(dd.grad(lambda v: dd.sum(np.positive(v) ** 2))(x), 2 * x)
    np.testing.assert_array_equal(dd.hessian(lambda v: dd.sum(np.positive(v) ** 3))(x),
                                  np.diag(6 * x))
