"""Port of HIPS/autograd tests/test_wrappers.py and tests/test_jacobian.py to dualdiff.

autograd -> dualdiff: grad(f, argnum) -> dd.grad(f, argnums); value_and_grad -> dd.value_and_grad;
jacobian -> dd.jacfwd and dd.jacrev (both checked); hessian -> dd.hessian;
hessian_tensor_product / make_hvp -> dd.hvp; tensor_jacobian_product -> its autograd
definition, jacobian of tensordot(V, f(a), ndim(V)), with dd.jacfwd and dd.jacrev;
make_jvp -> dd.jvp; elementwise_grad(f)(x) -> the vjp of ones (autograd's definition);
grad_and_aux -> dd.grad(f, has_aux=True); make_ggnvp -> composed from dd.jvp, dd.hvp and dd.vjp;
defvjp'd primitives -> dd.custom_primitive. check_equivalent -> assert_close (rtol 1e-10).

Left out (no dualdiff counterpart):
  test_deprecated_defgrad_wrapper - autograd's deprecated primitive.defgrad API (the same
      new_mul is ported once, through dd.custom_primitive, as test_deprecated_defvjp_wrapper)
  test_custom_where_dtypes - autograd.numpy.where's dtypes on plain (unboxed) values
  test_custom_where - autograd.numpy.where on plain values, incl. keywords numpy does not accept
  test_wrapped_name_and_docs - autograd's names and docstrings of wrapped functions
  checkpoint_memory - not a test (manual memory_profiler script); autograd.checkpoint has none
"""

# dualdiff: numpy builds np.array([...]), np.r_, np.c_ and np.int64(...) itself, without asking
# dualdiff values (no protocol reaches them), so dualdiff refuses them with a pointer to
# dualdiff.array / dualdiff.concatenate; the tests below use those spellings.

from functools import partial

import numpy as np
import pytest

import dualdiff as dd
from autograd_port_util import R, assert_close, check, reseed, reseed_each_test  # noqa: F401

reseed(11)

JACOBIANS = {"jacfwd": dd.jacfwd, "jacrev": dd.jacrev}


def test_return_both():
    fun = lambda x: 3.0 * x**3.2
    f, d = dd.value_and_grad(fun)(1.7)
    assert f == pytest.approx(fun(1.7), rel=1e-15)
    assert d == pytest.approx(dd.grad(fun)(1.7), rel=1e-15)
    assert d == pytest.approx(3.0 * 3.2 * 1.7**2.2, rel=1e-13)


def test_value_and_grad():
    fun = lambda x: np.sum(np.sin(x) ** 2)
    dfun = dd.grad(fun)
    dfun_both = dd.value_and_grad(fun)
    x = R(5)
    assert not isinstance(dfun_both(x)[0], dd.Box)
    assert_close(fun(x), dfun_both(x)[0])
    assert_close(dfun(x), dfun_both(x)[1])
    assert_close(dfun(x), 2 * np.sin(x) * np.cos(x))

    check(lambda x: dfun_both(x)[0], x)


def test_hessian():
    # Hessian of a quadratic function
    D = 5
    H = R(D, D)
    x = R(D)
    assert_close(dd.hessian(lambda x: np.dot(np.dot(x, H), x))(x), H + H.T)


def complicated_fun(a, b, c, d, e, f=1.1, g=9.0):
    return a + np.sin(b) + np.cosh(c) + np.cos(d) + np.tan(e) + f + g


A_, B_, C_, D_, E_, F_, G_ = 0.5, -0.3, 0.2, -1.1, 0.7, 0.6, -0.1


def test_multigrad():
    def complicated_fun_3_1(d_b):
        d, b = d_b
        return complicated_fun(A_, b, C_, d, E_, f=F_, g=G_)

    wrapped = dd.grad(complicated_fun, argnums=[3, 1])(A_, B_, C_, D_, E_, f=F_, g=G_)
    explicit = dd.grad(complicated_fun_3_1)((D_, B_))
    assert_close(wrapped, explicit)
    assert_close(wrapped, (-np.sin(D_), np.cos(B_)))


def test_value_and_multigrad():
    dfun = dd.grad(complicated_fun, argnums=[3, 1])
    dfun_both = dd.value_and_grad(complicated_fun, argnums=[3, 1])
    args = (A_, B_, C_, D_, E_)
    assert_close(complicated_fun(*args, f=F_, g=G_), dfun_both(*args, f=F_, g=G_)[0])
    assert_close(dfun(*args, f=F_, g=G_), dfun_both(*args, f=F_, g=G_)[1])


def test_multigrad_onearg():
    fun = lambda x, y: np.sum(x + np.sin(y))
    packed_fun = lambda xy: np.sum(xy[0] + np.sin(xy[1]))
    A, B = R(3), R(3)
    wrapped = dd.grad(fun, argnums=[0])(A, B)
    assert isinstance(wrapped, tuple) and len(wrapped) == 1
    assert_close(wrapped[0], dd.grad(packed_fun)((A, B))[0])


def _elementwise_grad(f, argnum=0):
    """autograd's elementwise_grad: the vjp of a cotangent of ones."""
    def eg(*args):
        out, pullback = dd.vjp(f, *args)
        return pullback(np.ones(np.shape(out)))[argnum]
    return eg


def test_elementwise_grad():
    def simple_fun(a):
        return a + np.sin(a) + np.cosh(a)

    A = R(10)
    wrapped = _elementwise_grad(simple_fun)(A)
    explicit = np.array([dd.grad(simple_fun)(A[i]) for i in range(len(A))])
    assert_close(wrapped, explicit)
    assert_close(wrapped, 1 + np.cos(A) + np.sinh(A))


def test_elementwise_grad_multiple_args():
    def simple_fun(a, b):
        return a + np.sin(a) + np.cosh(b)

    A, B = 0.9, R(10)
    wrapped = _elementwise_grad(simple_fun, 1)(A, B)
    explicit = np.array([dd.grad(simple_fun, 1)(A, B[i]) for i in range(len(B))])
    assert_close(wrapped, explicit)


def test_hessian_tensor_product():
    fun = lambda a: np.sum(np.sin(a))
    a, v = R(5), R(5)
    H = dd.hessian(fun)(a)
    assert_close(np.dot(H, v), dd.hvp(fun, (a,), (v,)))
    assert_close(H, np.diag(-np.sin(a)))


def test_hvp():
    fun = lambda a: np.sum(np.sin(a))
    a, v = R(5), R(5)
    H = dd.hessian(fun)(a)
    assert_close(np.dot(H, v), dd.hvp(fun, (a,), (v,)))


def test_hessian_matrix_product():
    fun = lambda a: np.sum(np.sin(a))
    a, V = R(5, 4), R(5, 4)
    H = dd.hessian(fun)(a)
    assert_close(np.tensordot(H, V), dd.hvp(fun, (a,), (V,)))


def test_hessian_tensor_product_3d():
    fun = lambda a: np.sum(np.sin(a))
    a, V = R(5, 4, 3), R(5, 4, 3)
    H = dd.hessian(fun)(a)
    assert_close(np.tensordot(H, V, axes=np.ndim(V)), dd.hvp(fun, (a,), (V,)))


def _tensor_jacobian_product(jacobian, fun, a, V):
    """autograd's tensor_jacobian_product: the jacobian of tensordot(V, fun(a), ndim(V))."""
    return jacobian(lambda a: np.tensordot(V, fun(a), axes=np.ndim(V)))(a)


@pytest.mark.parametrize("jacobian", list(JACOBIANS))
def test_tensor_jacobian_product_1d(jacobian):
    # autograd's first test_tensor_jacobian_product (shadowed there by the later one of that name)
    fun = lambda a: np.roll(np.sin(a), 1)  # an asymmetric jacobian matrix
    a, V = R(5), R(5)
    jac = JACOBIANS[jacobian]
    J = jac(fun)(a)
    assert_close(np.dot(V.T, J), _tensor_jacobian_product(jac, fun, a, V))
    assert_close(np.dot(V.T, J), dd.vjp(fun, a)[1](V)[0])


@pytest.mark.parametrize("jacobian", list(JACOBIANS))
def test_matrix_jacobian_product(jacobian):
    fun = lambda a: np.roll(np.sin(a), 1)
    a, V = R(5, 4), R(5, 4)
    jac = JACOBIANS[jacobian]
    J = jac(fun)(a)
    assert_close(np.tensordot(V, J), _tensor_jacobian_product(jac, fun, a, V))


@pytest.mark.parametrize("jacobian", list(JACOBIANS))
def test_tensor_jacobian_product(jacobian):
    fun = lambda a: np.roll(np.sin(a), 1)
    a, V = R(5, 4, 3), R(5, 4)
    jac = JACOBIANS[jacobian]
    J = jac(fun)(a)
    assert_close(np.tensordot(V, J, axes=np.ndim(V)), _tensor_jacobian_product(jac, fun, a, V))


@pytest.fixture
def scratch_registry():
    """Custom primitives live only for the test (as tests/test_check_grads.py does): other
    tests walk dd.REGISTRY and must not see these."""
    before = set(dd.REGISTRY)
    yield
    for name in set(dd.REGISTRY) - before:
        del dd.REGISTRY[name]


def test_deprecated_defvjp_wrapper(scratch_registry):
    # autograd: a @primitive new_mul(x, y) = x * y with defvjp'd gradients y * g and x * g
    new_mul = dd.custom_primitive("port_new_mul", lambda x, y: x * y,
                                  lambda out, x, y: y, lambda out, x, y: x)
    check(lambda x, y: new_mul(x, y), R(2, 2), R(2, 2))


def test_deprecated_defvjp_is_zero_wrapper(scratch_registry):
    # autograd: new_mul(x, y) = 0 * x * y with defvjp_is_zero([0, 1])
    new_mul = dd.custom_primitive("port_new_mul_zero_grad", lambda x, y: 0 * x * y,
                                  lambda out, x, y: 0.0 * x, lambda out, x, y: 0.0 * y)
    check(lambda x, y: new_mul(x, y), R(2, 2), R(2, 2))


def test_deprecated_quick_grad_check_wrapper():
    # autograd: quick_grad_check(lambda x, y: x**2 + y, 1.0, (2.0,)), i.e. d/dx at x=1, y=2
    check(lambda x: x**2 + 2.0, 1.0)


def test_partial():
    def f(x, y):
        return x

    g = dd.grad(partial(f, y=1))
    assert g(2.0) == 1.0


@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.longdouble], ids=str)
def test_dtypes(dtype):
    # autograd keeps float32/float16; dualdiff promotes every real input to float64 by design
    def f(x):
        return np.real(np.sum(x**2))

    y = R(10, 10).astype(dtype)
    g = dd.grad(f)(y)
    assert g.dtype == np.float64
    assert_close(g, 2 * y.astype(np.float64), rtol=1e-15)


def test_dtypes_clongdouble():
    # autograd: grad(f)(randn(10, 10).astype(np.clongdouble)) runs; dualdiff refuses complex input
    y = R(10, 10).astype(np.clongdouble)
    with pytest.raises(TypeError) as info:
        dd.grad(lambda x: np.real(np.sum(x**2)))(y)
    assert not isinstance(info.value, dd.NoDerivativeRule)


def test_make_jvp():
    A, x, v = R(3, 5), R(5), R(5)
    fun = lambda x: np.tanh(np.dot(A, x))
    for jacobian in JACOBIANS.values():
        assert_close(np.dot(jacobian(fun)(x), v), dd.jvp(fun, (x,), (v,))[1])


def _make_ggnvp(f, g=lambda x: 1.0 / 2 * np.dot(x, x)):
    """autograd's make_ggnvp composed: J^T H_g J v by jvp, hvp and vjp."""
    def ggnvp_maker(x):
        def ggnvp(v):
            fx, Jv = dd.jvp(f, (x,), (v,))
            HJv = dd.hvp(g, (fx,), (Jv,))
            return dd.vjp(f, x)[1](HJv)[0]
        return ggnvp
    return ggnvp_maker


def _make_explicit_ggnvp(f, g=lambda x: 1.0 / 2 * np.dot(x, x)):
    def ggnvp_maker(x):
        J = dd.jacrev(f)(x)
        H = dd.hessian(g)(f(x))

        def ggnvp(v):
            return np.dot(J.T, np.dot(H, np.dot(J, v)))
        return ggnvp
    return ggnvp_maker


def test_make_ggnvp():
    A, x, v = R(5, 4), R(4), R(4)
    fun = lambda x: np.dot(A, x)
    assert_close(_make_ggnvp(fun)(x)(v), _make_explicit_ggnvp(fun)(x)(v))
    assert_close(_make_ggnvp(fun)(x)(v), A.T @ A @ v)
    fun2 = lambda x: np.tanh(np.dot(A, x))
    assert_close(_make_ggnvp(fun2)(x)(v), _make_explicit_ggnvp(fun2)(x)(v))


def test_make_ggnvp_nondefault_g():
    A, x, v = R(5, 4), R(4), R(4)
    g = lambda y: np.sum(2.0 * y**2 + y**4)
    fun = lambda x: np.dot(A, x)
    assert_close(_make_ggnvp(fun, g)(x)(v), _make_explicit_ggnvp(fun, g)(x)(v))
    fun2 = lambda x: np.tanh(np.dot(A, x))
    assert_close(_make_ggnvp(fun2, g)(x)(v), _make_explicit_ggnvp(fun2, g)(x)(v))


def test_grad_and_aux():
    A, x = R(5, 4), R(4)
    f = lambda x: (np.sum(np.dot(A, x)), x**2)
    g = lambda x: np.sum(np.dot(A, x))
    result = dd.grad(f, has_aux=True)(x)
    assert len(result) == 2
    assert_close(result[0], dd.grad(g)(x))
    assert_close(result[0], A.sum(axis=0))
    assert_close(result[1], x**2)


# --- tests/test_jacobian.py ----------------------------------------------------------------------

@pytest.mark.parametrize("jacobian", list(JACOBIANS))
def test_jacobian_against_grad(jacobian):
    fun = lambda x: np.sum(np.sin(x), axis=1, keepdims=True)
    A = R(1, 3)
    # autograd's grad takes this size-1 (1, 1) output; jacobian has shape (1, 1, 1, 3)
    assert np.allclose(dd.grad(fun)(A), JACOBIANS[jacobian](fun)(A))


@pytest.mark.parametrize("jacobian", list(JACOBIANS))
def test_jacobian_scalar_to_vector(jacobian):
    fun = lambda x: dd.array([x, x**2, x**3])
    val = R()
    assert_close(JACOBIANS[jacobian](fun)(val), np.array([1.0, 2 * val, 3 * val**2]))


@pytest.mark.parametrize("jacobian", list(JACOBIANS))
def test_jacobian_against_stacked_grads(jacobian):
    scalar_funs = [
        lambda x: np.sum(x**3),
        lambda x: np.prod(np.sin(x) + np.sin(x)),
        lambda x: dd.grad(lambda y: np.exp(y) * np.tanh(x[0]))(x[1]),
    ]
    vector_fun = lambda x: dd.array([f(x) for f in scalar_funs])
    x = R(5)
    jac = JACOBIANS[jacobian](vector_fun)(x)
    grads = [dd.grad(f)(x) for f in scalar_funs]
    assert_close(jac, np.vstack(grads))


@pytest.mark.parametrize("jacobian", list(JACOBIANS))
def test_jacobian_higher_order(jacobian):
    jac = JACOBIANS[jacobian]
    fun = lambda x: np.sin(np.outer(x, x)) + np.cos(np.dot(x, x))
    assert jac(fun)(R(2)).shape == (2, 2, 2)
    assert jac(jac(fun))(R(2)).shape == (2, 2, 2, 2)
    check(lambda x: np.sum(np.sin(jac(fun)(x))), R(2))
    check(lambda x: np.sum(np.sin(jac(jac(fun))(x))), R(2))
