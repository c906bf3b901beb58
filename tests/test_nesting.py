"""Nested transformations: every pairing of forward and reverse mode, and no perturbation confusion.

The classic trap (Siskind & Pearlmutter, "Perturbation confusion and referential
transparency", 2005) is ``d/dx [x · d/dy (x + y)]`` at x = 1: the inner
derivative is 1, so the answer is 1; an implementation that lets the inner
derivative see the outer perturbation of ``x`` answers 2. Each check below
has a closed-form answer worked out by hand in its comment.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

import dualdiff as dd


def inner_forward(g, y):
    """d/dy g(y) by forward mode (jvp)."""
    return dd.jvp(g, (y,), (1.0,))[1]


def inner_reverse(g, y):
    """d/dy g(y) by reverse mode (grad)."""
    return dd.grad(g)(y)


def inner_derivative(g, y):
    return dd.derivative(g)(y)


INNER = [inner_forward, inner_reverse, inner_derivative]
OUTER = {
    "derivative": lambda f, x: dd.derivative(f)(x),
    "jvp": lambda f, x: dd.jvp(f, (x,), (1.0,))[1],
    "grad": lambda f, x: dd.grad(f)(x),
    "jacfwd": lambda f, x: dd.jacfwd(f)(x),
    "jacrev": lambda f, x: dd.jacrev(f)(x),
}


# --- perturbation confusion: every outer mode around every inner mode ----------------

@pytest.mark.parametrize("outer", OUTER, ids=list(OUTER))
@pytest.mark.parametrize("inner", INNER, ids=lambda f: f.__name__)
def test_siskind_pearlmutter_is_one_not_two(outer, inner):
    # d/dx [x · d/dy (x + y)|_{y=1}] = d/dx [x · 1] = 1
    assert OUTER[outer](lambda x: x * inner(lambda y: x + y, 1.0), 1.0) == 1.0


@pytest.mark.parametrize("outer", OUTER, ids=list(OUTER))
@pytest.mark.parametrize("inner", INNER, ids=lambda f: f.__name__)
def test_inner_derivative_depending_on_outer_variable(outer, inner):
    # d/dy (x·y) = x, so d/dx [x · x] = 2x = 6 at x = 3
    assert OUTER[outer](lambda x: x * inner(lambda y: x * y, 2.0), 3.0) == 6.0


@pytest.mark.parametrize("outer", OUTER, ids=list(OUTER))
@pytest.mark.parametrize("inner", INNER, ids=lambda f: f.__name__)
def test_inner_evaluated_at_outer_variable(outer, inner):
    # h(x) = d/dy sin(x·y) at y = x = x·cos(x²);  h'(x) = cos(x²) - 2x²·sin(x²)
    x = 0.7
    expected = math.cos(x * x) - 2 * x * x * math.sin(x * x)
    got = OUTER[outer](lambda u: inner(lambda y: dd.sin(u * y), u), x)
    assert got == pytest.approx(expected, rel=1e-14)


def test_three_levels_mixed_modes():
    # d/dx d/dy d/dz (x² y³ z⁴) at (1, 1, 1) = 2x · 3y² · 4z³ = 24
    f = lambda x, y, z: x ** 2 * y ** 3 * z ** 4
    got = dd.derivative(
        lambda x: dd.grad(lambda y: dd.jvp(lambda z: f(x, y, z), (1.0,), (1.0,))[1])(1.0))(1.0)
    assert got == pytest.approx(24.0, rel=1e-15)
    got = dd.grad(
        lambda x: dd.derivative(lambda y: dd.grad(lambda z: f(x, y, z))(2.0))(1.5))(0.5)
    assert got == pytest.approx(2 * 0.5 * 3 * 1.5 ** 2 * 4 * 2.0 ** 3, rel=1e-14)


# --- the four pairings on x³ ----------------------------------------------------------

def cube(x):
    return x * x * x


@pytest.mark.parametrize("x", [-1.5, 0.0, 2.0])
def test_reverse_in_reverse(x):
    assert dd.grad(dd.grad(cube))(x) == pytest.approx(6 * x, rel=1e-14, abs=1e-15)
    assert dd.grad(dd.grad(dd.grad(cube)))(x) == 6.0
    assert dd.grad(dd.grad(dd.grad(dd.grad(cube))))(x) == 0.0


@pytest.mark.parametrize("x", [-1.5, 0.0, 2.0])
def test_reverse_in_forward(x):
    assert dd.jvp(dd.grad(cube), (x,), (1.0,))[1] == pytest.approx(6 * x, rel=1e-14, abs=1e-15)
    assert dd.derivative(dd.grad(cube))(x) == pytest.approx(6 * x, rel=1e-14, abs=1e-15)
    assert dd.hvp(cube, (x,), (2.0,)) == pytest.approx(12 * x, rel=1e-14, abs=1e-15)


@pytest.mark.parametrize("x", [-1.5, 0.0, 2.0])
def test_forward_in_reverse(x):
    first = lambda u: dd.jvp(cube, (u,), (1.0,))[1]
    assert dd.grad(first)(x) == pytest.approx(6 * x, rel=1e-14, abs=1e-15)
    assert dd.jacrev(first)(x) == pytest.approx(6 * x, rel=1e-14, abs=1e-15)


@pytest.mark.parametrize("x", [-1.5, 0.0, 2.0])
def test_forward_in_forward(x):
    assert dd.derivative(cube, 2)(x) == pytest.approx(6 * x, rel=1e-14, abs=1e-15)
    assert dd.jacfwd(dd.jacfwd(cube))(x) == pytest.approx(6 * x, rel=1e-14, abs=1e-15)


def test_mixed_hessian_of_two_variables_all_pairings():
    # f = x² y + sin(x y): H = [[2y - y² s, 2x + c - x y s], [2x + c - x y s, -x² s]]
    x, y = 0.8, -1.3
    s, c = math.sin(x * y), math.cos(x * y)
    expected = np.array([[2 * y - y * y * s, 2 * x + c - x * y * s],
                         [2 * x + c - x * y * s, -x * x * s]])
    f = lambda v: v[0] ** 2 * v[1] + dd.sin(v[0] * v[1])
    p = np.array([x, y])
    for h in (dd.hessian(f)(p), dd.jacfwd(dd.jacfwd(f))(p), dd.jacrev(dd.grad(f))(p),
              dd.jacfwd(dd.grad(f))(p), dd.jacrev(dd.jacfwd(f))(p)):
        np.testing.assert_allclose(h, expected, rtol=1e-14, atol=1e-15)


# --- closures over outer variables ------------------------------------------------------

def test_closure_built_inside_outer_derivative():
    # shift(u) = (y ↦ y·u); h(u) = d/dy shift(u)(y) at y = 3 = u; h'(u) = 1
    def shift(u):
        return lambda y: y * u
    for outer in OUTER.values():
        assert outer(lambda u: dd.derivative(shift(u))(3.0), 5.0) == 1.0


def test_closure_capturing_a_derivative_value():
    # g(x) = x · f'(x) with f(y) = y² x (x captured) → f'(y) = 2yx, at y = x: 2x²; g = 2x³; g' = 6x²
    def g(x):
        fp = dd.grad(lambda y: y * y * x)
        return x * fp(x)
    assert dd.derivative(g)(1.5) == pytest.approx(6 * 1.5 ** 2, rel=1e-15)
    assert dd.grad(g)(1.5) == pytest.approx(6 * 1.5 ** 2, rel=1e-15)


def test_newton_solve_inside_a_derivative():
    # Solve y³ + x·y = 1 for y(x) by Newton (each step uses an inner derivative); by the
    # implicit function theorem dy/dx = -y / (3y² + x).
    def solve(x):
        y = 1.0 + 0.0 * x
        for _ in range(30):
            residual = lambda t: t ** 3 + x * t - 1.0
            y = y - residual(y) / dd.derivative(residual)(y)
        return y
    x = 0.5
    y = dd.primal(solve(x))
    expected = -y / (3 * y * y + x)
    assert dd.derivative(solve)(x) == pytest.approx(expected, rel=1e-12)
    assert dd.grad(solve)(x) == pytest.approx(expected, rel=1e-12)


def test_same_function_object_differentiated_at_two_levels():
    # f is called both inside and outside the inner transformation.
    f = lambda t: dd.exp(2.0 * t)
    # d/dx [f(x) · f'(x)] = d/dx [2 e^{4x}] = 8 e^{4x}
    got = dd.derivative(lambda x: f(x) * dd.derivative(f)(x))(0.25)
    assert got == pytest.approx(8 * math.exp(1.0), rel=1e-15)


# --- n-th derivatives against closed forms ---------------------------------------------

def _falling(a: float, n: int) -> float:
    out = 1.0
    for k in range(n):
        out *= a - k
    return out


CLOSED_FORMS = [
    ("exp(2x)", lambda x: dd.exp(2.0 * x), lambda x, n: 2.0 ** n * math.exp(2 * x), 0.3),
    ("sin", dd.sin, lambda x, n: math.sin(x + n * math.pi / 2), 0.9),
    ("cos", dd.cos, lambda x, n: math.cos(x + n * math.pi / 2), -0.4),
    ("log", dd.log, lambda x, n: (-1) ** (n - 1) * math.factorial(n - 1) / x ** n, 1.7),
    ("1/(1+x)", lambda x: 1.0 / (1.0 + x),
     lambda x, n: (-1) ** n * math.factorial(n) / (1 + x) ** (n + 1), 0.5),
    ("sqrt", dd.sqrt, lambda x, n: _falling(0.5, n) * x ** (0.5 - n), 2.0),
    ("x**6", lambda x: x ** 6, lambda x, n: _falling(6, n) * x ** (6 - n), 1.1),
    ("x**5", lambda x: x ** 5, lambda x, n: _falling(5, n) * x ** (5 - n) if n <= 5 else 0.0, -0.8),
    ("x**2.5", lambda x: x ** 2.5, lambda x, n: _falling(2.5, n) * x ** (2.5 - n), 1.3),
    ("sinh", dd.sinh, lambda x, n: math.sinh(x) if n % 2 == 0 else math.cosh(x), 0.6),
    ("x*exp(x)", lambda x: x * dd.exp(x), lambda x, n: (x + n) * math.exp(x), -0.2),
    ("exp(-x²)", lambda x: dd.exp(-(x * x)),
     lambda x, n: float((-1) ** n * mp.hermite(n, x) * mp.exp(-x * x)), 0.45),
]


@pytest.mark.parametrize("order", range(1, 7))
@pytest.mark.parametrize("name, f, closed, x", CLOSED_FORMS, ids=[c[0] for c in CLOSED_FORMS])
def test_nth_derivative_against_closed_form(name, f, closed, x, order):
    expected = closed(x, order)
    got = dd.derivative(f, order)(x)
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name, f, closed, x", CLOSED_FORMS[:6], ids=[c[0] for c in CLOSED_FORMS[:6]])
def test_fourth_derivative_by_nested_grad(name, f, closed, x):
    g = f
    for _ in range(4):
        g = dd.grad(g)
    assert g(x) == pytest.approx(closed(x, 4), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name, fn, mp_fn, x", [
    ("tanh", dd.tanh, mp.tanh, 0.4),
    ("sigmoid", dd.sigmoid, lambda t: 1 / (1 + mp.exp(-t)), -0.7),
    ("arctan", dd.arctan, mp.atan, 1.2),
    ("softplus", dd.softplus, lambda t: mp.log1p(mp.exp(t)), 0.3),
])
def test_sixth_derivative_of_rules_that_reuse_their_output(name, fn, mp_fn, x):
    """Rules like tanh' = 1 - out² must differentiate correctly through ``out`` at every order."""
    with mp.workdps(50):
        expected = [float(mp.diff(mp_fn, mp.mpf(x), n)) for n in range(1, 7)]
    got = [dd.derivative(fn, n)(x) for n in range(1, 7)]
    np.testing.assert_allclose(got, expected, rtol=1e-11, atol=1e-13)
