"""Port of HIPS/autograd tests/test_numpy.py, part 2 (append ... gradient), to dualdiff.

Left out (no dualdiff counterpart): none from this part. Notes on the port:
  test_make_diagonal - np.make_diagonal is autograd's own function (numpy has none): dd.make_diagonal
  test_astype - float32 input: dualdiff promotes float32 to float64 by design (README), so the
      gradient's dtype is float64 where autograd keeps float32; the value is checked too
  test_simple_append_list* - a list argument is differentiated as the array it converts to
"""

# dualdiff: numpy builds np.array([...]), np.r_, np.c_ and np.int64(...) itself, without asking
# dualdiff values (no protocol reaches them), so dualdiff refuses them with a pointer to
# dualdiff.array / dualdiff.concatenate; the tests below use those spellings.

import warnings

import numpy as np
import pytest

import dualdiff as dd
from autograd_port_util import (R, assert_close, check, check_outputs, combo, combos, reseed,
                                reseed_each_test)  # noqa: F401

reseed(2)


def test_simple_append_list():
    check(np.append, [1.0, 2.0, 3.0], 4.0)


def test_simple_append_arr():
    check(np.append, np.array([1.0, 2.0, 3.0]), 4.0)


def test_simple_append_list_2D():
    A = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    B = [[7.0, 8.0, 9.0]]
    check(lambda a, b: np.append(a, b, axis=0), A, B)


def test_simple_concatenate():
    A = R(5, 6, 4)
    B = R(4, 6, 4)
    check(lambda x: np.concatenate((A, x)), B)


def test_concatenate_axis_0():
    A = R(5, 6, 4)
    B = R(5, 6, 4)
    check(lambda x: np.concatenate((B, x, B)), A)


def test_concatenate_axis_1():
    A = R(5, 6, 4)
    B = R(5, 6, 4)
    check(lambda x: np.concatenate((B, x, B), axis=1), A)


def test_concatenate_axis_1_unnamed():
    """The axis given positionally, without axis=1."""
    A = R(5, 6, 4)
    B = R(5, 6, 4)
    check(lambda x: np.concatenate((B, x, B), 1), A)


def test_r_basic():
    with warnings.catch_warnings(record=True):
        def fun(x):
            R(3, 2)
            return dd.concatenate([x])

        check(fun, R(3, 2))


def test_r_double():
    with warnings.catch_warnings(record=True):
        def fun(x):
            R(3, 2)
            return dd.concatenate([x, x])

        check(fun, R(3, 2))


def test_no_relation():
    with warnings.catch_warnings(record=True):
        c = R(3, 2)
        check(lambda x: c, R(3, 2))


def test_r_no_relation():
    with warnings.catch_warnings(record=True):
        c = R(3, 2)
        check(lambda x: np.r_[c], R(3, 2))


def test_r_node_and_const():
    with warnings.catch_warnings(record=True):
        c = R(3, 2)
        check(lambda x: dd.concatenate([x, c]), R(3, 2))


def test_r_mixed():
    with warnings.catch_warnings(record=True):
        c = R(3, 2)
        check(lambda x: dd.concatenate([x, c, x]), R(3, 2))


def test_r_slicing():
    with warnings.catch_warnings(record=True):
        c = R(10)
        check(lambda x: dd.concatenate([x, c, np.arange(1.0, 10.0)]), R(10))


def test_c_():
    with warnings.catch_warnings(record=True):
        c = R(3, 2)
        check(lambda x: dd.column_stack([x, c, x]), R(3, 2))


def test_c_mixed():
    with warnings.catch_warnings(record=True):
        c = R(3, 2)
        check(lambda x: dd.column_stack([x, c, x]), R(3, 2))


reseed(20)
_B, _C, _D = R(3), R(3, 4), R(1, 3)
DDOF_CASES = (combos([_B, _C, _D], axis=[None], keepdims=[True, False], ddof=[0, 1])
              + combos([_C, _D], axis=[None, 1], keepdims=[True, False], ddof=[2]))


@pytest.mark.parametrize("args, kwargs", DDOF_CASES)
def test_var_ddof(args, kwargs):
    combo(np.var, (0,), args, kwargs)


@pytest.mark.parametrize("args, kwargs", DDOF_CASES)
def test_std_ddof(args, kwargs):
    combo(np.std, (0,), args, kwargs)


def test_where():
    C = R(4, 5) > 0
    check(lambda x, y: np.where(C, x, y), R(4, 5), R(4, 5))


def test_squeeze_func():
    check(lambda x: np.squeeze(x), R(5, 1, 4))


def test_squeeze_method():
    check(lambda x: x.squeeze(), R(5, 1, 4))


def test_repeat():
    check(lambda x: np.repeat(x, 2, axis=1), R(5, 3, 4))


def test_repeat_axis1_rep1():
    check(lambda x: np.repeat(x, 1, axis=1), R(5, 3, 4))


def test_repeat_axis0():
    check(lambda x: np.repeat(x, 2, axis=0), R(5, 3))


def test_repeat_1d_axis0():
    check(lambda x: np.repeat(x, 2, axis=0), R(5))


def test_repeat_axis0_rep1():
    check(lambda x: np.repeat(x, 1, axis=0), R(5, 1))


def test_expand_dims():
    check(lambda x: np.expand_dims(x, 2), R(5, 1, 4))


def test_tensordot_kwargs_by_position():
    def fun(x):
        return np.tensordot(x * np.ones((2, 2)), x * np.ones((2, 2)), 2)

    # autograd only calls grad; the value is d/dx (4 x^2) = 8 x
    assert dd.grad(fun)(1.0) == pytest.approx(8.0, rel=1e-14)


def test_multi_index():
    check(lambda x: np.sum(x[[0, 0]]), R(3))


def test_multi_index2():
    check(lambda x: np.sum(x[[0, 1, 0]]), R(3))


def test_index_dot_slices():
    check(lambda x: np.dot(x[:2], x[2:]), R(4))


def test_cast_to_int():
    inds = np.ones(5)[:, None]

    def fun(W):
        # glue W and inds together
        np.concatenate((W, inds), axis=1)

        # separate W and inds back out
        new_W = W[:, :-1]
        new_inds = np.int64(dd.primal(W[:, -1]))

        assert new_inds.dtype == np.int64
        return new_W[new_inds].sum()

    W = R(5, 10)
    assert np.all(np.abs(W[:, -1]) < 5)  # valid row indices after the cast
    check(fun, W)


def test_make_diagonal():
    def fun(D):
        return dd.make_diagonal(D, axis1=-1, axis2=-2)

    D = R(4)
    A = dd.make_diagonal(D, axis1=-1, axis2=-2)
    assert np.allclose(np.diag(A), D)
    check(fun, D)

    D = R(3, 4)
    A = dd.make_diagonal(D, axis1=-1, axis2=-2)
    assert all(np.allclose(np.diag(A[i]), D[i]) for i in range(3))
    check(fun, D)


def test_diagonal():
    def fun(D):
        return np.diagonal(D, axis1=-1, axis2=-2)

    check(fun, R(4, 4))
    check(fun, R(3, 4, 4))


def test_nan_to_num():
    y = np.array([0.0, np.nan, np.inf, -np.inf])
    check(lambda x: np.sum(np.sin(np.nan_to_num(x + y))), R(4))


def test_max_equal_values():
    check(lambda x: np.max(dd.array([x, x])), 1.0)


def test_max_equal_values_2d():
    def fun(x):
        return np.max(dd.array([[x, x], [x, 0.5]]), axis=1)

    check(fun, 1.0)
    check(fun, -1.0)


def test_min_3_way_equality():
    def fun(x):
        return np.min(dd.array([[x, x, x], [x, 0.5, 0.5], [0.5, 0.5, 0.5], [x, x, 0.5]]), axis=0)

    check(fun, 1.0)
    check(fun, -1.0)


def test_maximum_equal_values():
    check(lambda x: np.maximum(x, x), 1.0)


def test_maximum_equal_values_2d():
    def fun(x):
        return np.maximum(dd.array([x, x, 0.5]), dd.array([[x, 0.5, x], [x, x, 0.5]]))

    check(fun, 1.0)
    check(fun, -1.0)
    check(fun, 2.0)


@pytest.mark.parametrize("num", [0, 1, 5])
def test_linspace(num):
    def fun(x, y):
        return np.linspace(x, y, num)

    check(fun, 1.2, 3.4)
    check(fun, 1.2, -3.4)
    check(fun, 1.2, 1.2)


def test_astype():
    x = np.arange(3, dtype="float32")

    def f(x):
        return np.sum(np.sin(x.astype("float64")))

    g = dd.grad(f)(x)
    assert g.dtype == np.dtype("float64")  # dualdiff promotes float32 inputs (autograd: float32)
    assert_close(g, np.cos(np.arange(3.0)), rtol=1e-15)


@pytest.mark.parametrize("shape", [(10,), (10, 10), (10, 10, 10)], ids=str)
def test_gradient(shape):
    check_outputs(np.gradient, R(*shape))


@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1), (0, -1)], ids=str)
def test_gradient_axis(axis):
    # autograd: the loop at the end of test_gradient
    check_outputs(lambda x: np.gradient(x, axis=axis), R(10, 10, 10))
