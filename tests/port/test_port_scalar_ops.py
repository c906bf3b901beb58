"""Port of HIPS/autograd tests/test_scalar_ops.py to dualdiff: scalar inputs, numpy ufuncs.

Left out (no dualdiff counterpart): none. test_mod_arg0/arg1, test_divide_arg0/arg1, ... are
identical pairs in autograd (both check both arguments); each is ported as it is.
"""

import numpy as np
import pytest

import dualdiff as dd
from autograd_port_util import R, U, check, reseed, reseed_each_test  # noqa: F401

reseed(10)


def test_abs():
    fun = lambda x: 3.0 * np.abs(x)
    check(fun, 1.1)
    check(fun, -1.1)
    check(fun, 0.0, order=1)


def test_absolute():
    fun = lambda x: 3.0 * np.absolute(x)
    check(fun, 1.1)
    check(fun, -1.1)
    check(fun, 0.0, order=1)


def test_sign():
    fun = lambda x: 3.0 * np.sign(x)
    check(fun, 1.1)
    check(fun, -1.1)


UNARY = {
    "sin": (np.sin, lambda: R()),
    "exp": (np.exp, lambda: R()),
    "log": (np.log, lambda: abs(R())),
    "log2": (np.log2, lambda: abs(R())),
    "log10": (np.log10, lambda: abs(R())),
    "log1p": (np.log1p, lambda: abs(R())),
    "expm1": (np.expm1, lambda: abs(R())),
    "exp2": (np.exp2, lambda: abs(R())),
    "neg": (lambda x: -x, lambda: R()),
    "cos": (np.cos, lambda: R()),
    "tan": (np.tan, lambda: R()),
    "cosh": (np.cosh, lambda: R()),
    "sinh": (np.sinh, lambda: R()),
    "tanh": (np.tanh, lambda: R()),
    "arccos": (np.arccos, lambda: 0.1),
    "arcsin": (np.arcsin, lambda: 0.1),
    "arctan": (np.arctan, lambda: 0.2),
    "arccosh": (np.arccosh, lambda: R() ** 2 + 1.2),
    "arcsinh": (np.arcsinh, lambda: R()),
    "arctanh": (np.arctanh, lambda: 0.2),
    "sqrt": (np.sqrt, lambda: 10.0 * U()),
    "rad2deg": (np.rad2deg, lambda: 10.0 * U()),
    "deg2rad": (np.deg2rad, lambda: 10.0 * U()),
    "radians": (np.radians, lambda: 10.0 * U()),
    "degrees": (np.degrees, lambda: 10.0 * U()),
    "sinc": (np.sinc, lambda: 10.0 * U()),
}


@pytest.mark.parametrize("name", list(UNARY))
def test_unary(name):
    # autograd: test_sin, test_exp, ..., test_sinc; each checks fun = 3.0 * np.<name>(x)
    f, point = UNARY[name]
    check(lambda x: 3.0 * f(x), point())


def test_power_arg0():
    # the +1.'s here are to avoid regimes where numerical diffs fail
    make_fun = lambda y: lambda x: np.power(x, y)
    fun = make_fun(R() ** 2 + 1.0)
    check(fun, U() ** 2 + 1.0)

    # test y == 0. as a special case, c.f. autograd #116
    fun = make_fun(0.0)
    assert dd.grad(fun)(0.0) == 0.0
    assert dd.grad(dd.grad(fun))(0.0) == 0.0


def test_power_arg1():
    x = R() ** 2
    check(lambda y: np.power(x, y), U() ** 2)


def test_power_arg1_zero():
    check(lambda y: np.power(0.0, y), U() ** 2)


BINARY = {
    "mod_arg0": np.mod, "mod_arg1": np.mod,
    "divide_arg0": np.divide, "divide_arg1": np.divide,
    "multiply_arg0": np.multiply, "multiply_arg1": np.multiply,
    "true_divide_arg0": np.true_divide, "true_divide_arg1": np.true_divide,
}


@pytest.mark.parametrize("name", list(BINARY))
def test_binary(name):
    # autograd: test_mod_arg0 ... test_true_divide_arg1; fun = lambda x, y: np.<f>(x, y)
    f = BINARY[name]
    check(lambda x, y: f(x, y), U(), U())


def test_reciprocal():
    check(lambda x: np.reciprocal(x), U())


def test_negative():
    check(lambda x: np.negative(x), U())
