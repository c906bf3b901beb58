"""Port of HIPS/autograd tests/test_graphs.py, tests/test_direct.py and tests/test_logic.py.

Left out (no dualdiff counterpart):
  test_logic.py::test_no_vjp_def - autograd's @primitive without a vjp (NotImplementedError);
      dd.custom_primitive cannot be created without its partials
  test_logic.py::test_no_jvp_def - the same for a missing jvp
  test_logic.py::test_unimplemented_falseyness - pops np.iscomplex out of autograd's
      primitive_vjps registry (autograd internals)
  test_direct.py::test_holomorphic_grad - autograd.holomorphic_grad of a complex input; dualdiff
      refuses complex inputs by design (ported as that refusal: test_holomorphic_grad_refused)
  test_builtins.py::test_isinstance - autograd.builtins.isinstance on autograd's boxed containers
Changed: test_complex_mutating_outgrad_from_indexing - its complex constant (a + 1.0j) only
  reaches np.real; ported with the real formulation (a + 1.0) of the same graph.
"""

import warnings

import numpy as np
import pytest

import dualdiff as dd
from autograd_port_util import R, U, check, refuses_complex, reseed, reseed_each_test  # noqa: F401

reseed(12)


def test_grad_fanout():
    fun = lambda x: np.sin(np.sin(x) + np.sin(x))
    df = dd.grad(fun)
    check(fun, R())
    check(df, U())


def test_grad_const():
    fun = lambda x: 1.0
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("ignore")
        assert dd.grad(fun)(2.0) == 0.0


def test_grad_identity():
    fun = lambda x: x
    df = dd.grad(fun)
    ddf = dd.grad(df)
    assert df(2.0) == 1.0
    assert ddf(2.0) == 0.0


def test_hess_vector_prod():
    randv = R(10)

    def fun(x):
        return np.sin(np.dot(x, randv))

    df = dd.grad(fun)

    def vector_product(x, v):
        return np.sin(np.dot(v, df(x)))

    A, B = R(10), R(10)
    check(fun, A)
    check(vector_product, A, B)


def test_enclosing_scope_ref():
    def fun(x):
        inner_fun = lambda y: x * y
        return x * dd.grad(inner_fun)(2.0)

    check(fun, 1.0)


def test_enclosing_scope_ref_2():
    def fun(x):
        inner_fun = lambda y: y * x
        return x * dd.grad(inner_fun)(2.0)

    check(fun, 1.0)


def test_mutating_outgrad():
    def fun(a):
        b = a + 1.0
        c = b + 1.5
        d = a + b
        e = d + c
        return e

    check(fun, R(5))


def test_mutating_outgrad_from_indexing():
    def fun(a):
        b = a + 1.0
        c = b[0] + 1.5
        d = a + b
        e = d + c
        return e

    check(fun, R(5))


def test_complex_mutating_outgrad_from_indexing():
    def fun(a):
        b = a + 1.0  # autograd: a + 1.0j (real formulation, see the module docstring)
        c = b[0] + 1.5
        d = a + b
        e = d + c
        return np.sum(np.sin(np.real(e)))

    A = R(5)
    check(fun, A)
    check(lambda x: dd.grad(fun)(x), A)


def test_complex_separate_real_and_imaginary():
    def fun(a):
        r, i = np.real(a), np.imag(a)
        a = np.abs(r) ** 1.4 + np.abs(i) ** 1.3
        return np.sum(np.sin(a))

    refuses_complex(fun, R(5, 3) + 0.1j * R(5, 3))


def test_third_derivative():
    fun = lambda x: np.sin(np.sin(x) + np.sin(x))
    df = dd.grad(fun)
    ddf = dd.grad(fun)
    dddf = dd.grad(fun)
    check(fun, R())
    check(df, U())
    check(ddf, U())
    check(dddf, U())


def test_third_derivative_other_args():
    fun = lambda x, y: np.sin(np.sin(x) + np.sin(y))
    df = dd.grad(fun)
    ddf = dd.grad(fun, 1)
    dddf = dd.grad(fun)
    check(fun, R(), R())
    check(df, R(), R())
    check(ddf, R(), R())
    check(dddf, R(), R())


def test_third_derivative_other_args2():
    fun = lambda x, y: np.sin(np.sin(x) + np.sin(y))
    df = dd.grad(fun, 1)
    ddf = dd.grad(fun)
    dddf = dd.grad(fun, 1)
    check(fun, R(), R())
    check(df, R(), R())
    check(ddf, R(), R())
    check(dddf, R(), R())


SINGLETON = {
    "": (lambda x: np.sum(np.sin(x), keepdims=True), (3, 3)),
    "axis0": (lambda x: np.sum(np.sin(x), axis=0, keepdims=False), (3, 1)),
    "axis1": (lambda x: np.sum(np.sin(x), axis=1, keepdims=False), (1, 3)),
    "axis0_keepdims": (lambda x: np.sum(np.sin(x), axis=0, keepdims=True), (3, 1)),
    "axis1_keepdims": (lambda x: np.sum(np.sin(x), axis=1, keepdims=True), (1, 3)),
}


@pytest.mark.parametrize("name", list(SINGLETON))
def test_singleton_array_output(name):
    # autograd: test_singleton_array_output[_axis0|_axis1|_axis0_keepdims|_axis1_keepdims]:
    # grad of a function whose output is a size-1 array
    fun, shape = SINGLETON[name]
    check(fun, R(*shape))
    check(lambda x: np.sum(dd.grad(fun)(x)), R(*shape))


def test_assignment_raises_error():
    def fun(A, b):
        A[1] = b
        return A

    A = R(5)
    with pytest.raises(TypeError):
        dd.jvp(fun, (A.copy(), 3.0), (np.ones(5), 1.0))
    with pytest.raises(TypeError):
        dd.vjp(fun, A.copy(), 3.0)


# --- tests/test_direct.py ------------------------------------------------------------------------

def test_grad():
    def fun(x):
        return (x + np.sin(x**2)) * x

    assert 3.190948746871 - 1e-6 < dd.grad(fun)(1.3) < 3.190948746871 + 1e-6


def test_deriv():
    def fun(x):
        return (x + np.sin(x**2)) * x

    assert 3.190948746871 - 1e-6 < dd.derivative(fun)(1.3) < 3.190948746871 + 1e-6


def test_grad_complex_output():
    def fun(x):
        return x * (1.0 + 0.2j)

    with pytest.raises(TypeError):
        dd.grad(fun)(1.0)


def test_holomorphic_grad_refused():
    # autograd: holomorphic_grad(fun)(1.0 + 0.0j) == 1 + 0.2j; dualdiff refuses the complex input
    refuses_complex(lambda x: x * (1.0 + 0.2j), 1.0 + 0.0j)


# --- tests/test_logic.py -------------------------------------------------------------------------

def test_assert():
    # from https://github.com/HIPS/autograd/issues/43
    def fun(x):
        assert np.allclose(x, (x * 3.0) / 3.0)
        return np.sum(x)

    check(fun, np.array([1.0, 2.0, 3.0]))


def test_nograd():
    # autograd raises here only because its numpy wrapper has no np.allclose; dualdiff answers
    # np.allclose on its values with a plain bool (no derivative, as for comparisons), so the
    # gradient is zero, and grad warns that the output does not depend on the input.
    fun = lambda x: np.allclose(x, (x * 3.0) / 3.0)
    with pytest.warns(UserWarning, match="does not depend"):
        g = dd.grad(fun)(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(g, np.zeros(3))


def test_falseyness():
    fun = lambda x: np.real(x**2 if np.iscomplex(x) else np.sum(x))
    check(fun, 2.0)
    refuses_complex(fun, 2.0 + 1j)
