"""dualdiff.array (nested lists of floats, arrays and boxes of any levels), linspace, logspace.

Values against numpy; derivatives in forward, reverse, forward-over-reverse and
forward-over-forward mode against closed forms and five-point central
differences (h = 1e-3; relative 1e-8 for first and 1e-6 for second derivatives).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import dualdiff as dd
from dualdiff.errors import PrecisionLossError


def fd_jacobian(f, x, h=1e-3):
    """Five-point central differences of f at the array x: shape f(x).shape + x.shape."""
    x = np.asarray(x, dtype=float)
    cols = []
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = h
        e = e.reshape(x.shape)
        cols.append((-np.asarray(f(x + 2 * e)) + 8 * np.asarray(f(x + e))
                     - 8 * np.asarray(f(x - e)) + np.asarray(f(x - 2 * e))) / (12 * h))
    out = np.stack(cols, axis=-1)
    return out.reshape(np.shape(f(x)) + x.shape)


# ---------------------------------------------------------------------------
# dualdiff.array without dualdiff values: numpy's float64 array
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("obj", [
    [1, 2, 3], [[1.0, 2.0], [3.0, 4.0]], (1, 2.5), [np.array([1.0, 2.0]), (3, 4)],
    [[True, False]], np.arange(6).reshape(2, 3), 3, 2.5, [], [[]], [np.float32(1.5), np.int8(2)],
])
def test_plain_nestings_give_numpys_float64_array(obj):
    out = dd.array(obj)
    want = np.array(obj, dtype=np.float64)
    assert type(out) is np.ndarray and out.dtype == np.float64 and out.shape == want.shape
    np.testing.assert_array_equal(out, want)


def test_plain_keywords_follow_numpy():
    assert dd.array([1.0, 2.0], ndmin=3).shape == (1, 1, 2)
    x = np.ones(3)
    assert dd.array(x, copy=False) is x
    assert dd.array(x) is not x
    with pytest.raises(ValueError, match="avoid copy"):
        dd.array([1.0, 2.0], copy=False)
    assert dd.array([[1.0, 2.0]], order="F").flags.f_contiguous
    assert dd.array(np.arange(3), dtype=np.float32).dtype == np.float64
    with pytest.raises(ValueError, match="ndmax"):
        dd.array([[1.0, 2.0]], ndmax=1)
    assert dd.array([[1.0, 2.0]], ndmax=2).shape == (1, 2)


@pytest.mark.parametrize("call, match", [
    (lambda: dd.array([1.0], dtype=int), r"dualdiff\.array\(\.\.\., dtype=\.\.\.\)"),
    (lambda: dd.array([dd.Dual(1.0, 1.0)], dtype=bool), r"dualdiff\.array\(\.\.\., dtype=\.\.\.\)"),
    (lambda: dd.array([1.0], like=np.ones(1)), r"dualdiff\.array\(\.\.\., like=\.\.\.\)"),
    (lambda: dd.array([1.0, 2j]), "complex"),
    (lambda: dd.array([dd.Dual(1.0, 1.0), 2j]), "complex"),
    (lambda: dd.array(["a", dd.Dual(1.0, 1.0)]), "expected numbers"),
])
def test_refusals(call, match):
    with pytest.raises(TypeError, match=match):
        call()


def test_ragged_nestings_are_refused_as_in_numpy():
    with pytest.raises(ValueError, match="inhomogeneous"):
        dd.array([dd.Dual(1.0, 1.0), [1.0, 2.0]])
    with pytest.raises(ValueError):
        dd.array([[dd.Dual(1.0, 1.0)], [1.0, 2.0]])
    with pytest.raises(ValueError, match="avoid copy"):
        dd.array([dd.Dual(1.0, 1.0)], copy=False)


# ---------------------------------------------------------------------------
# dualdiff.array with dualdiff values
# ---------------------------------------------------------------------------

def mixed(v):
    """Scalars, a plain row, a numpy scalar, a box row and tuples, nested two deep."""
    a, b, c = v[0], v[1], v[2]
    return dd.array([[a * b, 1.0, np.float64(2.0)],
                     (c, [3, 4, 5][0], a),
                     v[::-1] * c,
                     np.array([0.5, -1.0, 2.0])])


def mixed_plain(v):
    a, b, c = v
    return np.array([[a * b, 1.0, 2.0], [c, 3.0, a], v[::-1] * c, [0.5, -1.0, 2.0]])


V = np.array([1.3, -0.7, 2.1])


def test_mixed_nesting_value_and_jacobian_in_both_modes():
    d = mixed(dd.Dual(V, np.ones(3)))
    np.testing.assert_array_equal(d.value, mixed_plain(V))
    fd = fd_jacobian(mixed_plain, V)
    np.testing.assert_allclose(dd.jacfwd(mixed)(V), fd, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(dd.jacrev(mixed)(V), fd, rtol=1e-8, atol=1e-10)
    jac = dd.jacfwd(mixed)(V)
    np.testing.assert_array_equal(jac[0, 1], 0.0)  # plain entries stay constants
    np.testing.assert_array_equal(jac[0, 0], [V[1], V[0], 0.0])


def test_mixed_nesting_second_order():
    f = lambda v: dd.sum(mixed(v) ** 2)
    g = lambda v: np.sum(mixed_plain(v) ** 2)
    hess_fd = fd_jacobian(lambda v: dd.grad(f)(v), V)
    for hess in (dd.hessian(f)(V), dd.jacfwd(dd.jacfwd(f))(V), dd.jacrev(dd.grad(f))(V)):
        np.testing.assert_allclose(hess, hess_fd, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dd.grad(f)(V), fd_jacobian(g, V), rtol=1e-8)


def test_elements_of_different_levels():
    # d/dx d/dy sum(array([x·y, y², x])) = 1: x enters the inner derivative through x·y
    def inner(x):
        return dd.grad(lambda y: dd.sum(dd.array([x * y, y * y, x, [x, y][1]])))(0.5)
    assert dd.derivative(inner)(2.0) == pytest.approx(1.0, rel=1e-15)
    assert dd.grad(inner)(2.0) == pytest.approx(1.0, rel=1e-15)
    # both levels in one array, the outer derivative of the inner Jacobian
    outer = dd.jacfwd(lambda x: dd.jacfwd(lambda y: dd.array([[x * y, y], [x, x * x * y]]))(3.0))
    np.testing.assert_allclose(outer(2.0), [[1.0, 0.0], [0.0, 4.0]], rtol=1e-15)


def test_a_box_alone_and_ndmin():
    d = dd.Dual(np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    assert dd.array(d) is d and dd.array(d, copy=False) is d
    out = dd.array(d, ndmin=3)
    assert out.shape == (1, 1, 2)
    np.testing.assert_array_equal(out.tangent, [[[1.0, 0.0]]])
    assert dd.array([d, d], ndmin=1).shape == (2, 2)


def test_scipy_style_ode_right_hand_side():
    """Lotka-Volterra written as users write it for scipy, with dualdiff.array for the result."""
    alpha, beta, delta, gamma = 1.1, 0.4, 0.1, 0.4

    def rhs(t, y):
        prey, predator = y[0], y[1]
        return dd.array([alpha * prey - beta * prey * predator,
                         delta * prey * predator - gamma * predator])

    y = np.array([10.0, 5.0])
    want = np.array([[alpha - beta * y[1], -beta * y[0]],
                     [delta * y[1], delta * y[0] - gamma]])
    np.testing.assert_allclose(dd.jacfwd(lambda v: rhs(0.0, v))(y), want, rtol=1e-15)
    np.testing.assert_allclose(dd.jacrev(lambda v: rhs(0.0, v))(y), want, rtol=1e-15)
    np.testing.assert_array_equal(rhs(0.0, y), [alpha * 10 - beta * 50, delta * 50 - gamma * 5])
    # one explicit Euler step, differentiated with respect to the initial state and a rate
    step = lambda v: v + 0.01 * rhs(0.0, v)
    np.testing.assert_allclose(dd.jacfwd(step)(y), np.eye(2) + 0.01 * want, rtol=1e-15)


def test_numpy_array_refusal_points_to_dualdiff_array():
    with pytest.raises(PrecisionLossError, match=r"dualdiff\.array\(\[\.\.\.\]\)"):
        dd.grad(lambda x: np.sum(np.array([x, x * 2.0])))(1.0)


# ---------------------------------------------------------------------------
# linspace and logspace
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("num", [0, 1, 2, 5, 50])
@pytest.mark.parametrize("endpoint", [True, False])
def test_linspace_values_and_derivatives(num, endpoint):
    f = lambda a, b: np.linspace(a, b, num, endpoint=endpoint)
    value = f(dd.Dual(-1.5, 1.0), dd.Dual(2.0, 0.0))
    np.testing.assert_allclose(dd.primal(value), np.linspace(-1.5, 2.0, num, endpoint=endpoint),
                               rtol=1e-15, atol=1e-15)
    div = (num - 1) if endpoint else num
    k = np.arange(num, dtype=float)
    ds = 1 - k / div if div else np.ones(num)
    de = k / div if div else np.zeros(num)
    ga, gb = dd.jacfwd(f, argnums=(0, 1))(-1.5, 2.0)
    np.testing.assert_allclose(ga, ds, rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(gb, de, rtol=1e-15, atol=1e-15)
    ra, rb = dd.jacrev(f, argnums=(0, 1))(-1.5, 2.0)
    np.testing.assert_allclose(ra, ds, rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(rb, de, rtol=1e-15, atol=1e-15)


def test_linspace_with_array_ends_axis_and_retstep():
    start, stop = np.array([0.0, 1.0, -2.0]), np.array([[1.0, 3.0, 2.0], [0.5, 0.5, 0.5]])
    for axis in (0, 1, -1, 2):
        f = lambda s: np.linspace(s, stop, 4, axis=axis)
        np.testing.assert_allclose(dd.primal(f(dd.Dual(start, np.ones(3)))),
                                   np.linspace(start, stop, 4, axis=axis), rtol=1e-15)
        plain = lambda s: np.linspace(s, stop, 4, axis=axis)
        np.testing.assert_allclose(dd.jacfwd(f)(start), fd_jacobian(plain, start), rtol=1e-8,
                                   atol=1e-10)
        np.testing.assert_allclose(dd.jacrev(f)(start), dd.jacfwd(f)(start), rtol=1e-15)
    samples, step = np.linspace(dd.Dual(1.0, 1.0), dd.Dual(3.0, 0.0), 5, retstep=True)
    assert step.value == 0.5 and step.tangent == -0.25
    np.testing.assert_array_equal(samples.value, np.linspace(1.0, 3.0, 5))
    assert math.isnan(np.linspace(dd.Dual(1.0, 1.0), 3.0, 1, retstep=True)[1])


def test_linspace_second_order_and_refusals():
    f = lambda v: dd.sum(np.linspace(v[0] * v[1], v[1] ** 2, 7) ** 2)
    v = np.array([0.7, -1.2])
    hess_fd = fd_jacobian(lambda u: dd.grad(f)(u), v)
    np.testing.assert_allclose(dd.hessian(f)(v), hess_fd, rtol=1e-6)
    np.testing.assert_allclose(dd.jacfwd(dd.jacfwd(f))(v), hess_fd, rtol=1e-6)
    with pytest.raises(TypeError, match=r"numpy\.linspace\(\.\.\., dtype=\.\.\.\)"):
        np.linspace(dd.Dual(0.0, 1.0), 1.0, 5, dtype=int)
    with pytest.raises(ValueError, match="non-negative"):
        np.linspace(dd.Dual(0.0, 1.0), 1.0, -1)


def test_logspace_differentiates_start_stop_and_base():
    f = lambda a, b, base: np.logspace(a, b, 6, base=base)
    np.testing.assert_allclose(dd.primal(f(dd.Dual(0.5, 1.0), 2.0, 3.0)),
                               np.logspace(0.5, 2.0, 6, base=3.0), rtol=1e-14)
    args = (0.5, 2.0, 3.0)
    for i in range(3):
        def g(x, i=i):
            full = list(args)
            full[i] = x
            return f(*full)
        np.testing.assert_allclose(dd.jacfwd(g)(args[i]), fd_jacobian(g, args[i]), rtol=1e-8,
                                   atol=1e-10)
        np.testing.assert_allclose(dd.jacrev(g)(args[i]), dd.jacfwd(g)(args[i]), rtol=1e-14)
    base = np.array([2.0, 10.0])
    h = lambda b: np.logspace(0.0, 1.0, 3, base=b, axis=1)
    np.testing.assert_allclose(dd.primal(h(dd.Dual(base, np.ones(2)))),
                               np.logspace(0.0, 1.0, 3, base=base, axis=1), rtol=1e-15)
    np.testing.assert_allclose(dd.jacfwd(h)(base), fd_jacobian(h, base), rtol=1e-8, atol=1e-10)
