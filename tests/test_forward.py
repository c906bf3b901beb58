"""Forward mode acceptance tests (issue 3): Dual, jvp, jacfwd, derivative, nesting."""

from __future__ import annotations

import math

import numpy as np
import pytest

import dualdiff as dd
from dualdiff import Dual

QUIZ_Y = 412.1914572841211755
QUIZ_DX = 1208.381215126609629
QUIZ_DZ = 809.7074792185640812


def quiz(x, z):
    return dd.exp(x * z) + x * z / dd.log(x) + dd.sin(dd.log(x)) / (x * z)


def rel(a, b):
    return abs(a - b) / abs(b)


def test_quiz_by_two_jvp_passes():
    y, dx = dd.jvp(quiz, (2.0, 3.0), (1.0, 0.0))
    _, dz = dd.jvp(quiz, (2.0, 3.0), (0.0, 1.0))
    assert rel(y, QUIZ_Y) < 1e-15
    assert rel(dx, QUIZ_DX) < 1e-12
    assert rel(dz, QUIZ_DZ) < 1e-12


def test_quiz_by_one_batched_pass_equals_two_passes():
    y, t = dd.jvp(lambda v: quiz(v[0], v[1]), (np.array([2.0, 3.0]),), (np.eye(2),))
    assert rel(t[0], QUIZ_DX) < 1e-12 and rel(t[1], QUIZ_DZ) < 1e-12


def test_baydin_example():
    def f(x1, x2):
        return dd.log(x1) + x1 * x2 - dd.sin(x2)
    value, d1 = dd.jvp(f, (2.0, 5.0), (1.0, 0.0))
    _, d2 = dd.jvp(f, (2.0, 5.0), (0.0, 1.0))
    assert value == pytest.approx(11.652071455223084, rel=1e-15)
    assert d1 == pytest.approx(5.5, rel=1e-15)
    assert d2 == pytest.approx(1.716337814536774, rel=1e-15)


def test_jacfwd_of_tanh_matvec_in_one_batched_pass():
    rng = np.random.default_rng(0)
    n = 200
    A = rng.normal(size=(n, n)) / np.sqrt(n)
    x = rng.normal(size=n)
    calls = []

    def f(v):
        calls.append(1)
        return dd.tanh(A @ v)

    J = dd.jacfwd(f)(x)
    expected = (1 - np.tanh(A @ x) ** 2)[:, None] * A
    np.testing.assert_allclose(J, expected, rtol=1e-13, atol=1e-15)
    assert len(calls) == 1
    calls.clear()
    J4 = dd.jacfwd(f, chunk=64)(x)
    np.testing.assert_allclose(J4, expected, rtol=1e-13, atol=1e-15)
    assert len(calls) == math.ceil(n / 64)


def test_jacfwd_shapes_and_tuple_argnums():
    x = np.arange(6.0).reshape(2, 3)
    J = dd.jacfwd(lambda m: dd.sum(m * m, axis=0))(x)
    assert J.shape == (3, 2, 3)
    np.testing.assert_array_equal(J[1], np.array([[0, 2, 0], [0, 8, 0]]))
    ja, jb = dd.jacfwd(lambda a, b: a * b, argnums=(0, 1))(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    np.testing.assert_array_equal(ja, np.diag([3.0, 4.0]))
    np.testing.assert_array_equal(jb, np.diag([1.0, 2.0]))


def test_nth_derivatives_by_nested_forward_mode():
    for x in (-1.3, 0.0, 0.7, 2.5):
        assert dd.derivative(dd.sin, order=4)(x) == pytest.approx(math.sin(x), rel=1e-14, abs=1e-15)
        assert dd.derivative(dd.exp, order=6)(x) == pytest.approx(math.exp(x), rel=1e-14)
    assert dd.derivative(lambda x: x ** 5, order=3)(2.0) == 240.0
    assert dd.derivative(dd.log, order=3)(2.0) == pytest.approx(2 / 8, rel=1e-14)


def test_perturbation_confusion():
    def outer(x):
        return x * dd.derivative(lambda y: x + y)(1.0)
    assert dd.derivative(outer)(1.0) == 1.0
    # Siskind & Pearlmutter: d/dx [x * d/dy (x * y)] at y = 2 = 2x
    assert dd.derivative(lambda x: x * dd.derivative(lambda y: x * y)(2.0))(3.0) == 6.0


def test_dual_operators_and_reflected_forms():
    x = Dual(2.0, 1.0)
    for expr, value, tangent in [
        (x + 1, 3.0, 1.0), (1 + x, 3.0, 1.0), (x - 1, 1.0, 1.0), (1 - x, -1.0, -1.0),
        (x * 3, 6.0, 3.0), (3 * x, 6.0, 3.0), (x / 4, 0.5, 0.25), (4 / x, 2.0, -1.0),
        (x ** 3, 8.0, 12.0), (3 ** x, 9.0, 9.0 * math.log(3)), (-x, -2.0, -1.0),
        (abs(-x), 2.0, 1.0), (+x, 2.0, 1.0),
    ]:
        assert expr.value == pytest.approx(value, rel=1e-15)
        assert expr.tangent == pytest.approx(tangent, rel=1e-15)


def test_comparisons_use_the_value_and_float_raises():
    x = Dual(2.0, 1.0)
    assert x > 1 and x < 3 and x == 2.0 and x != Dual(2.5, 0.0) and x >= 2 and x <= 2
    with pytest.raises(TypeError, match="drop the derivative"):
        float(x)
    with pytest.raises(TypeError, match="drop the derivative"):
        int(x)


def test_python_ints_and_float32_become_float64():
    d = Dual(2, 1)
    assert type(d.value) is float and type(d.tangent) is float
    a = Dual(np.array([1, 2], dtype=np.int32), np.ones(2, dtype=np.float32))
    assert a.value.dtype == np.float64 and a.tangent.dtype == np.float64
    assert dd.grad(lambda v: dd.sum(v * v))(np.array([1, 2], dtype=np.float32)).dtype == np.float64


def test_numpy_protocols_on_duals():
    x = np.array([0.5, 1.0, 2.0])
    d = Dual(x, np.ones(3))
    A = np.arange(9.0).reshape(3, 3)
    np.testing.assert_allclose(np.exp(d).tangent, np.exp(x))
    assert np.sum(d).tangent == 3.0
    np.testing.assert_allclose((A @ d).tangent, A @ np.ones(3))
    np.testing.assert_allclose((d @ A).tangent, np.ones(3) @ A)
    np.testing.assert_allclose(np.where(x > 0.7, d, 0).tangent, [0.0, 1.0, 1.0])
    np.testing.assert_allclose((x + d).tangent, np.ones(3))
    assert isinstance(x * d, Dual)
    with pytest.raises(TypeError, match="no derivative rule for numpy.fft.fft"):
        np.fft.fft(d)


def test_batched_tangents_through_broadcasting():
    x = Dual(2.0, np.array([1.0, 0.0, 3.0]))
    out = x * np.array([1.0, 2.0])
    assert out.tangent.shape == (3, 2)
    np.testing.assert_array_equal(out.tangent, [[1, 2], [0, 0], [3, 6]])


def test_custom_primitive_is_used_by_both_modes():
    import mpmath as mp

    name = "test_gd"
    gd = dd.custom_primitive(name, lambda x: 2 * np.arctan(np.tanh(x / 2)),
                             lambda out, x: 1 / dd.cosh(x),
                             scalar_impl=lambda x: 2 * math.atan(math.tanh(x / 2)))
    try:
        want = float(mp.diff(lambda t: 2 * mp.atan(mp.tanh(t / 2)), mp.mpf("0.7")))
        assert dd.jvp(gd, (0.7,), (1.0,))[1] == pytest.approx(want, rel=1e-14)
        assert dd.grad(gd)(0.7) == pytest.approx(want, rel=1e-14)
        want2 = float(mp.diff(lambda t: 2 * mp.atan(mp.tanh(t / 2)), mp.mpf("0.7"), 2))
        assert dd.derivative(gd, 2)(0.7) == pytest.approx(want2, rel=1e-12)
    finally:
        del dd.REGISTRY[name]


@pytest.mark.parametrize("index", [
    (0, slice(None), [1, 2]),          # advanced indices separated by a slice: numpy moves them first
    ([0, 1], slice(None), [1, 2]),
    (Ellipsis, [1, 1, 3]),
    (slice(None), [0, 2]),
], ids=["int-slice-list", "list-slice-list", "ellipsis-repeats", "slice-list"])
def test_batched_indexing_keeps_the_batch_axis_first(index):
    from dualdiff import finite_diff

    x = np.arange(24.0).reshape(2, 3, 4) / 7.0

    def f(v):
        return dd.sin(v)[index]

    expected = finite_diff.jacobian(lambda v: np.sin(v)[index], x, method="five-point").value
    np.testing.assert_allclose(dd.jacfwd(f)(x), expected, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(dd.jacrev(f)(x), expected, rtol=1e-9, atol=1e-11)
    h_fwd = dd.jacfwd(dd.jacfwd(lambda v: dd.sum(f(v) ** 2)))(x)
    np.testing.assert_allclose(dd.hessian(lambda v: dd.sum(f(v) ** 2))(x), h_fwd, rtol=1e-12, atol=1e-13)
