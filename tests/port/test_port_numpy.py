"""Port of HIPS/autograd tests/test_numpy.py, part 1 (dot ... flatten), to dualdiff.

Each autograd ``check_grads(fun)(*args)`` is ``check(fun, *args)``: forward and reverse mode
against Richardson finite differences, order 2 (autograd's default). Functions are written
with plain ``np.`` as users write them, so numpy's dispatch protocols reach dualdiff's boxes.

Left out (no dualdiff counterpart):
  test_numpy_version - checks that autograd.numpy re-exports numpy's version (wrapper module)
"""

# dualdiff: numpy builds np.array([...]), np.r_, np.c_ and np.int64(...) itself, without asking
# dualdiff values (no protocol reaches them), so dualdiff refuses them with a pointer to
# dualdiff.array / dualdiff.concatenate; the tests below use those spellings.

import numpy as np
import pytest

import dualdiff as dd
from autograd_port_util import R, RI, assert_close, check, reseed, reseed_each_test  # noqa: F401

reseed(1)


def test_dot():
    def fun(x, y):
        return np.dot(x, y)

    mat1 = R(10, 11)
    mat2 = R(10, 11)
    vect1 = R(10)
    vect2 = R(11)
    vect3 = R(11)

    check(fun, mat1, vect2)
    check(fun, mat1, mat2.T)
    check(fun, vect1, mat1)
    check(fun, vect2, vect3)


def test_dot_with_floats():
    def fun(x, y):
        return np.dot(x, y)

    mat1 = R(10, 11)
    vect1 = R(10)
    float1 = R()

    check(fun, mat1, float1)
    check(fun, float1, mat1)
    check(fun, vect1, float1)
    check(fun, float1, vect1)


def test_outer():
    def fun(x, y):
        return np.outer(x, y)

    vect2 = R(11)
    vect3 = R(11)

    check(fun, vect2, vect3)
    check(fun, vect2.T, vect3)
    check(fun, vect2.T, vect3.T)


def test_max():
    check(lambda x: np.max(x), R(10, 11))


def test_max_axis():
    check(lambda x: np.max(x, axis=1), R(3, 4, 5))


def test_max_axis_keepdims():
    check(lambda x: np.max(x, axis=1, keepdims=True), R(3, 4, 5))


def test_min():
    check(lambda x: np.min(x), R(10, 11))


def test_min_axis():
    check(lambda x: np.min(x, axis=1), R(3, 4, 5))


def test_min_axis_keepdims():
    check(lambda x: np.min(x, axis=1, keepdims=True), R(3, 4, 5))


def test_sum_1():
    check(lambda x: np.sum(x), R(10, 11))


def test_sum_2():
    check(lambda x: np.sum(x, axis=0), R(10, 11))


def test_sum_3():
    check(lambda x: np.sum(x, axis=0, keepdims=True), R(10, 11))


def test_sum_with_axis_tuple():
    check(lambda x: np.sum(x, axis=(1, 2)), R(10, 11, 7))


@pytest.mark.parametrize("plain, ours", [(np.sum, dd.sum), (np.prod, dd.prod),
                                         (np.max, dd.max), (np.min, dd.min)],
                         ids=["sum", "prod", "max", "min"])
def test_plain_numpy_reductions_on_box(plain, ours):
    # autograd: numpy.sum/prod/max/min on a box (numpy's _wrapreduction forwards out=None)
    # must agree with autograd.numpy's; here: numpy's against dualdiff's own functions.
    base = np.abs(R(5)) + 0.5

    def fun_plain(a):
        return plain(np.exp(a) * base)

    def fun_ours(a):
        return ours(np.exp(a) * base)

    check(fun_plain, 0.7)
    assert_close(dd.grad(fun_plain)(0.7), dd.grad(fun_ours)(0.7), rtol=1e-12)


def test_flipud():
    check(lambda x: np.flipud(x), R(10, 11))


def test_fliplr():
    check(lambda x: np.fliplr(x), R(10, 11))


def test_rot90():
    check(lambda x: np.rot90(x), R(10, 11))


def test_cumsum_axis0():
    check(lambda x: np.cumsum(x, axis=0), R(10, 11))


def test_cumsum_axis1():
    check(lambda x: np.cumsum(x, axis=1), R(10, 11))


def test_cumsum_1d():
    check(lambda x: np.cumsum(x), R(10))


def test_cumsum_no_axis():
    check(lambda x: np.cumsum(x), R(10, 11))


def test_non_numpy_sum():
    def fun(x, y):
        return sum([x, y])

    check(fun, R(10, 11), R(10, 11))


def test_mean_1():
    check(lambda x: np.mean(x), R(10, 11))


def test_mean_2():
    check(lambda x: np.mean(x, axis=0), R(10, 11))


def test_mean_3():
    check(lambda x: np.mean(x, axis=0, keepdims=True), R(10, 11))


def test_mean_list_of_boxes():
    assert dd.grad(lambda x: np.mean(dd.array([x, x + 2])))(0.0) == pytest.approx(1.0, rel=1e-15)
    assert dd.grad(lambda x: dd.mean(dd.array((x, x + 2))))(0.0) == pytest.approx(1.0, rel=1e-15)


def test_std_list_of_boxes():
    # Symmetric around the mean, so grad w.r.t. x at x=0 is 0.
    assert dd.grad(lambda x: np.std(dd.array([x, x + 2])))(0.0) == pytest.approx(0.0, abs=1e-15)
    assert dd.grad(lambda x: np.std(dd.array((x, x + 2))))(0.0) == pytest.approx(0.0, abs=1e-15)


def test_var_list_of_boxes():
    assert dd.grad(lambda x: np.var(dd.array([x, x + 2])))(0.0) == pytest.approx(0.0, abs=1e-15)
    assert dd.grad(lambda x: np.var(dd.array((x, x + 2))))(0.0) == pytest.approx(0.0, abs=1e-15)


def test_index_ints():
    check(lambda x: x[3, 0, 1], R(5, 6, 4))


def test_index_slice():
    check(lambda x: x[::-1, 2:4, :], R(5, 6, 4))


def test_index_lists():
    check(lambda x: x[[0, 1, 2], :, :], R(5, 6, 4))


def test_index_mixed():
    check(lambda x: x[3, 2:, [1, 3]], R(5, 6, 4))


def test_vector_slice():
    check(lambda x: x[2:4], R(5))


def test_index_slice_fanout():
    def fun(x):
        y = x[::-1, 2:4, :]
        z = x[::-1, 3:5, :]
        return y + z

    check(fun, R(5, 6, 4))


def test_index_multiple_slices():
    def fun(x):
        y = x[2:6]
        z = y[1:3]
        return z

    check(fun, R(7))


def test_reshape_method():
    check(lambda x: x.reshape((5 * 4, 6)), R(5, 6, 4))


def test_reshape_call():
    check(lambda x: np.reshape(x, (5 * 4, 6)), R(5, 6, 4))


def test_reshape_method_nolist():
    # A.reshape((5, 4)) and A.reshape(5, 4) are both supported
    check(lambda x: x.reshape(5 * 4, 6), R(5, 6, 4))


def test_ravel_method():
    check(lambda x: x.ravel(), R(5, 6, 4))


def test_ravel_call():
    check(lambda x: np.ravel(x), R(5, 6, 4))


def test_flatten_method():
    check(lambda x: x.flatten(), R(5, 6, 4))


def test_trace():
    mat = R(10, 11)
    offset = RI(-9, 11)
    check(lambda x: np.trace(x, offset=offset), mat)


def test_trace2():
    mat = R(11, 10)
    offset = RI(-9, 11)
    check(lambda x: np.trace(x, offset=offset), mat)


def test_trace_extradims():
    mat = R(5, 6, 4, 3)
    offset = RI(-5, 6)
    check(lambda x: np.trace(x, offset=offset), mat)


def test_diag():
    check(lambda x: np.diag(x), R(10, 10))


def test_transpose():
    check(lambda x: x.T, R(8, 8))


def test_roll():
    check(lambda x: np.roll(x, 2, axis=1), R(4, 5))


def test_roll_no_axis():
    # (autograd's test of this name also passes axis=1)
    check(lambda x: np.roll(x, 2, axis=1), R(4, 5))


def test_triu():
    check(lambda x: np.triu(x, k=2), R(5, 5))


def test_tril():
    check(lambda x: np.tril(x, k=2), R(5, 5))


def test_clip():
    check(lambda x: np.clip(x, a_min=0.1, a_max=1.1), R(5, 5))


def test_prod_1():
    mat = R(2, 3) ** 2 / 10.0 + 0.1  # Gradient unstable when zeros are present.
    check(lambda x: np.prod(x), mat)


def test_prod_2():
    check(lambda x: np.prod(x, axis=0), R(2, 3) ** 2 + 0.1)


def test_prod_3():
    check(lambda x: np.prod(x, axis=0, keepdims=True), R(2, 3) ** 2 + 0.1)


def test_prod_4():
    check(lambda x: np.prod(x), R(7) ** 2 + 0.1)


def test_1d_array():
    check(lambda x: dd.array([x, x * 1.0, x + 2.5]), 3.0)


def test_2d_array():
    check(lambda x: dd.array([[x, x * 1.0, x + 2.5], [x**2, x, x / 2.0]]), 3.0)


def test_1d_array_fanout():
    def fun(x):
        A = dd.array([x, x * 1.0, x + 2.5])
        return A + A

    check(fun, 3.0)


def test_2d_array_fanout():
    def fun(x):
        A = dd.array([[x, x * 1.0, x + 2.5], [x**2, x, x / 2.0]])
        return A + A

    check(fun, 3.0)


def test_array_from_scalar():
    check(lambda x: dd.array(x), 3.0)


def test_scalar_array_box_attributes():
    # A boxed Python scalar is presented as a 0-dim, size-1 array
    def fun(x):
        assert x.shape == ()
        assert x.ndim == 0
        assert x.size == 1
        assert x.dtype == np.float64
        return x**2

    assert dd.grad(fun)(3.0) == pytest.approx(6.0, rel=1e-15)


def test_array_from_arrays():
    check(lambda x: dd.array([x, x]), R(3, 2))


def test_array_from_arrays_2():
    check(lambda x: dd.array([[2 * x, x + 1], [x, x]]), R(3, 2))


def test_len():
    def fun(x):
        assert len(x) == 3
        return x

    check(fun, R(3, 2))
