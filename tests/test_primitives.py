"""Table-driven tests: every primitive's rules against an independent reference.

Elementwise primitives are checked against mpmath (40 digits) at ≥ 20 points
of their domain plus the table's edge points, first and second order, in
forward and reverse mode. Linear/structural primitives are checked against
central finite differences and against the other mode. A primitive added to
the table is covered here without a new test, except that an elementwise one
needs its mpmath twin in ``MPMATH`` (the test fails until it has one: an
untested rule is a defect).
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest

import dualdiff as dd

from mp_reference import MPMATH

mp.mp.dps = 40

ELEMENTWISE = [p for p in dd.REGISTRY.values() if p.kind == "elementwise" and p.jvps is not None]
OTHERS = [p for p in dd.REGISTRY.values() if p.kind != "elementwise"]
N_POINTS = 20


def points(prim) -> list[tuple]:
    """20 seeded interior points of the domain plus the table's edge points."""
    rng = np.random.default_rng(sum(map(ord, prim.name)))
    return [prim.sample_args(rng) for _ in range(N_POINTS)] + [tuple(e) for e in prim.edges]


def reference_partial(prim, args, orders) -> float:
    """mpmath's derivative; NaN where the true derivative is complex (x**y, x < 0, in y)."""
    f = MPMATH[prim.name]
    d = mp.diff(lambda *a: f(*a), tuple(mp.mpf(a) for a in args), orders)
    if isinstance(d, mp.mpc):
        return float(d.real) if abs(d.imag) <= 1e-30 * max(1, abs(d)) else float("nan")
    return float(d)


def close(actual, expected, rtol, atol=1e-300) -> bool:
    if np.isnan(expected):
        return bool(np.isnan(actual))
    if np.isinf(expected):
        return actual == expected
    return abs(actual - expected) <= atol + rtol * abs(expected)


def test_every_elementwise_primitive_has_an_mpmath_reference():
    missing = [p.name for p in ELEMENTWISE if p.name not in MPMATH]
    assert not missing, f"add mpmath references for {missing}"


@pytest.mark.parametrize("prim", ELEMENTWISE, ids=lambda p: p.name)
def test_value_matches_mpmath(prim):
    f = MPMATH[prim.name]
    for args in points(prim):
        got = prim.fn(*args)
        want = float(f(*(mp.mpf(a) for a in args)))
        assert close(got, want, 1e-14, 1e-300), (prim.name, args, got, want)


@pytest.mark.parametrize("prim", ELEMENTWISE, ids=lambda p: p.name)
def test_first_derivative_forward_and_reverse(prim):
    n = prim.nargs
    for args in points(prim):
        grads = dd.grad(prim.fn, argnums=tuple(range(n)))(*args)
        for i in range(n):
            tangents = tuple(1.0 if j == i else 0.0 for j in range(n))
            _, fwd = dd.jvp(prim.fn, args, tangents)
            orders = tuple(1 if j == i else 0 for j in range(n))
            want = reference_partial(prim, args, orders)
            assert close(fwd, want, 1e-9, 1e-12), (prim.name, args, i, fwd, want)
            assert close(grads[i], want, 1e-9, 1e-12), (prim.name, args, i, grads[i], want)


@pytest.mark.parametrize("prim", ELEMENTWISE, ids=lambda p: p.name)
def test_second_derivative_forward_over_forward_and_over_reverse(prim):
    n = prim.nargs
    for args in points(prim):
        hess = dd.hessian(prim.fn, argnums=tuple(range(n)))(*args)
        for i in range(n):
            for j in range(n):
                orders = [0] * n
                orders[i] += 1
                orders[j] += 1
                want = reference_partial(prim, args, tuple(orders))
                e_i = tuple(1.0 if k == i else 0.0 for k in range(n))
                e_j = tuple(1.0 if k == j else 0.0 for k in range(n))
                fwd = dd.jvp(lambda *a: dd.jvp(prim.fn, a, e_j)[1], args, e_i)[1]
                assert close(fwd, want, 1e-7, 1e-9), (prim.name, args, (i, j), fwd, want)
                assert close(hess[i][j], want, 1e-7, 1e-9), (prim.name, args, (i, j), hess[i][j], want)


def central_jacobian(fn, args, i, h=1e-6):
    """∂fn/∂args[i] by central differences (an independent reference)."""
    x = np.asarray(args[i], dtype=float)
    cols = []
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = h
        up = list(args)
        down = list(args)
        up[i] = x + e.reshape(x.shape)
        down[i] = x - e.reshape(x.shape)
        cols.append((np.asarray(fn(*up)) - np.asarray(fn(*down))) / (2 * h))
    out = np.stack(cols, axis=-1)
    return out.reshape(np.shape(fn(*args)) + x.shape)


@pytest.mark.parametrize("prim", OTHERS, ids=lambda p: p.name)
def test_structural_primitives_against_finite_differences(prim):
    rng = np.random.default_rng(7)
    fn, args = prim.example(rng)
    nums = tuple(range(len(args)))
    fwd = dd.jacfwd(fn, argnums=nums)(*args)
    rev = dd.jacrev(fn, argnums=nums)(*args)
    for i in nums:
        fd = central_jacobian(fn, args, i)
        np.testing.assert_allclose(fwd[i], fd, rtol=1e-7, atol=1e-8)
        np.testing.assert_allclose(rev[i], fwd[i], rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("prim", OTHERS, ids=lambda p: p.name)
def test_structural_second_order_modes_agree(prim):
    rng = np.random.default_rng(11)
    fn, args = prim.example(rng)
    weights = rng.normal(size=np.shape(fn(*args)))

    def scalar(x, *rest):
        y = fn(x, *rest)
        return dd.sum(y * y * weights)

    fwd_fwd = dd.jacfwd(dd.jacfwd(scalar))(*args)
    fwd_rev = dd.hessian(scalar)(*args)
    rev_rev = dd.jacrev(dd.grad(scalar))(*args)
    np.testing.assert_allclose(fwd_rev, fwd_fwd, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(rev_rev, fwd_fwd, rtol=1e-12, atol=1e-12)
    x = np.asarray(args[0])
    fd = central_jacobian(lambda x, *r: dd.grad(scalar)(x, *r), args, 0, h=1e-5)
    np.testing.assert_allclose(fwd_fwd, fd, rtol=1e-6, atol=1e-6 * max(1.0, np.abs(x).max()))


def test_sign_has_zero_derivative_and_returns_a_constant():
    assert dd.jvp(dd.sign, (-2.0,), (1.0,)) == (-1.0, 0.0)
    assert dd.grad(lambda x: x * dd.sign(x))(-3.0) == -1.0


def test_registry_entries_document_their_rule():
    for prim in dd.REGISTRY.values():
        assert prim.doc, f"{prim.name} has no derivative note"
