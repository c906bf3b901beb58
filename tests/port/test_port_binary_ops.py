"""Port of HIPS/autograd tests/test_binary_ops.py, tests/test_truediv.py and tests/test_core.py.

Left out (no dualdiff counterpart): none. test_core.py's point in autograd is "core works
without the numpy wrapper": here its functions run on plain Python floats through dd.grad and
are compared with autograd's central difference (eps 1e-4, atol = rtol = 1e-4).
"""

import itertools as it
import warnings

import numpy as np
import pytest

import dualdiff as dd
from autograd_port_util import R, check, reseed, reseed_each_test  # noqa: F401

reseed(0)
_SCALAR, _VECTOR, _MAT, _MAT2 = 2.0, R(4), R(3, 4), R(1, 4)
_ALL = [("scalar", _SCALAR), ("vector", _VECTOR), ("mat", _MAT), ("mat2", _MAT2)]
PAIRS = [pytest.param(a, b, id=f"{na}-{nb}") for (na, a), (nb, b) in it.product(_ALL, _ALL)]
DISTINCT_PAIRS = [p for p in PAIRS if p.values[0] is not p.values[1]]  # autograd: x % x excluded


def make_gap_from_zero(x):
    return np.sqrt(x**2 + 0.5)


@pytest.mark.parametrize("arg1, arg2", PAIRS)
def test_mul(arg1, arg2):
    check(lambda x, y: x * y, arg1, arg2)


@pytest.mark.parametrize("arg1, arg2", PAIRS)
def test_add(arg1, arg2):
    check(lambda x, y: x + y, arg1, arg2)


@pytest.mark.parametrize("arg1, arg2", PAIRS)
def test_sub(arg1, arg2):
    check(lambda x, y: x - y, arg1, arg2)


@pytest.mark.parametrize("arg1, arg2", PAIRS)
def test_div(arg1, arg2):
    check(lambda x, y: x / y, make_gap_from_zero(arg1), make_gap_from_zero(arg2))


@pytest.mark.parametrize("arg1, arg2", PAIRS)
def test_truediv_div(arg1, arg2):
    # autograd tests/test_truediv.py::test_div (future division; the same check)
    check(lambda x, y: x / y, make_gap_from_zero(arg1), make_gap_from_zero(arg2))


@pytest.mark.parametrize("arg1, arg2", DISTINCT_PAIRS)
def test_mod(arg1, arg2):
    # Gradient undefined at x == y: autograd leaves out the pairs of an argument with itself
    check(lambda x, y: x % y, make_gap_from_zero(arg1), make_gap_from_zero(arg2))


@pytest.mark.parametrize("arg1, arg2", PAIRS)
def test_pow(arg1, arg2):
    make_positive = lambda x: np.abs(x) + 1.1  # Numeric derivatives fail near zero
    check(lambda x, y: x**y, make_positive(arg1), arg2)


@pytest.mark.parametrize("arg1, arg2", PAIRS)
def test_arctan2(arg1, arg2):
    check(np.arctan2, arg1, arg2)


@pytest.mark.parametrize("arg1, arg2", PAIRS)
def test_hypot(arg1, arg2):
    # autograd checks reverse mode only here; the port checks both
    check(np.hypot, arg1, arg2)


COMPARE_FUNS = [
    lambda x, y: np.sum(x < y) + 0.0,
    lambda x, y: np.sum(x <= y) + 0.0,
    lambda x, y: np.sum(x > y) + 0.0,
    lambda x, y: np.sum(x >= y) + 0.0,
    lambda x, y: np.sum(x == y) + 0.0,
    lambda x, y: np.sum(x != y) + 0.0,
]


@pytest.mark.parametrize("arg1, arg2", PAIRS)
def test_comparison_grads(arg1, arg2):
    with warnings.catch_warnings(record=True):
        for fun in COMPARE_FUNS:
            g0 = dd.grad(fun)(arg1, arg2)
            g1 = dd.grad(fun, argnums=1)(arg1, arg2)
            assert np.shape(g0) == np.shape(arg1) and np.all(g0 == 0)
            assert np.shape(g1) == np.shape(arg2) and np.all(g1 == 0)


@pytest.mark.parametrize("arg1, arg2", PAIRS)
def test_comparison_values(arg1, arg2):
    for fun in COMPARE_FUNS:
        fun_val = fun(arg1, arg2)
        fun_val_from_grad, _ = dd.value_and_grad(fun)(arg1, arg2)
        assert fun_val == fun_val_from_grad, (fun_val, fun_val_from_grad)


# --- tests/test_core.py -------------------------------------------------------------------------

def nd(f, x, eps=1e-4):
    return (f(x + eps / 2) - f(x - eps / 2)) / eps


def check_close(a, b, atol=1e-4, rtol=1e-4):
    assert abs(a - b) < atol + rtol * abs(b), f"Diffs are: {a - b}"


def check_binary_func(fun, independent=False):
    with warnings.catch_warnings(record=independent):
        x, y = 0.7, 1.8
        a = dd.grad(fun)(x, y)
        b = nd(lambda x: fun(x, y), x)
        check_close(a, b)

        a = dd.grad(fun, 1)(x, y)
        b = nd(lambda y: fun(x, y), y)
        check_close(a, b)


CORE = {
    "add": (lambda x, y: x + y, False),
    "sub": (lambda x, y: x - y, False),
    "div": (lambda x, y: x / y, False),
    "mul": (lambda x, y: x * y, False),
    "pow": (lambda x, y: x**y, False),
    "mod": (lambda x, y: x % y, False),
    "eq": (lambda x, y: x == y, True),
    "neq": (lambda x, y: x != y, True),
    "leq": (lambda x, y: x <= y, True),
    "geq": (lambda x, y: x >= y, True),
    "lt": (lambda x, y: x < y, True),
    "gt": (lambda x, y: x > y, True),
}


@pytest.mark.parametrize("name", list(CORE))
def test_core(name):
    # autograd tests/test_core.py::test_add ... test_gt
    fun, independent = CORE[name]
    check_binary_func(fun, independent)
