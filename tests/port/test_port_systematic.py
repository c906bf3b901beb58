"""Port of HIPS/autograd tests/test_systematic.py, part 1: statistics, unary and binary ufuncs.

autograd's stat_check / unary_ufunc_check / binary_ufunc_check (tests/numpy_utils.py) become
pytest parameters, one case per combination (same shapes, limits and keyword values). Cases
whose differentiated input is complex assert dualdiff's refusal (TypeError in both modes);
the real cases of autograd's complex rounds repeat earlier real cases and are not repeated.

Left out (no dualdiff counterpart): none. (autograd defines test_max and test_sin twice;
each is ported once.)
"""

import operator as op

import numpy as np
import pytest

from autograd_port_util import R, U, combo, combos, reseed, reseed_each_test  # noqa: F401


def stat_cases(test_complex=True):
    x = 3.5
    A, B, Cm, D = R(), R(3), R(2, 3), R(1, 3)
    cases = (combos([x, A])
             + combos([B, Cm, D], axis=[None, 0], keepdims=[True, False])
             + combos([Cm, D], axis=[None, 0, 1], keepdims=[True, False]))
    if test_complex:
        c = complex(R(), 0.1 * R())
        E = R(2, 3) + 0.1j * R(2, 3)
        cases += combos([c]) + combos([E], axis=[None, 0], keepdims=[True, False])
    return cases


def transform(lims, x):
    return x * (lims[1] - lims[0]) + lims[0]


def unary_cases(lims=(-2, 2), test_complex=True):
    cases = combos([transform(lims, 0.4), transform(lims, U(2)), transform(lims, U(3, 2)),
                    transform(lims, U(1, 2))])
    if test_complex:
        comp = transform(lims, 0.4) + 0.1j * transform(lims, 0.3)
        matc = transform(lims, U(3, 2)) + 0.1j * U(3, 2)
        cases += combos([comp, matc])
    return cases


def _complex_pairs(real_a, real_b, comp_a, comp_b):
    """The pairs of autograd's complex round that involve a complex argument."""
    return [p for p in combos(real_a[:1] + comp_a[:1] + real_a[1:2] + comp_a[1:] + real_a[2:],
                              real_b[:1] + comp_b[:1] + real_b[1:2] + comp_b[1:] + real_b[2:])
            if any(np.iscomplexobj(a) for a in p.values[0])]


def binary_cases(lims_A=(-2, 2), lims_B=(-2, 2), test_complex=True):
    TA = lambda x: transform(lims_A, x)
    TB = lambda x: transform(lims_B, x)
    scalar, vector, mat, mat2 = 0.6, U(2), U(3, 2), U(1, 2)
    cases = combos([TA(scalar), TA(vector), TA(mat), TA(mat2)],
                   [TB(scalar), TB(vector), TB(mat), TB(mat2)])
    if test_complex:
        comp = 0.6 + 0.3j
        matc = U(3, 2) + 0.1j * U(3, 2)
        cases += _complex_pairs([TA(scalar), TA(vector), TA(mat2)], [TB(scalar), TB(vector), TB(mat2)],
                                [TA(comp), TA(matc)], [TB(comp), TB(matc)])
    return cases


def binary_cases_no_same_args(lims_A=(-2, 2), lims_B=(-2, 2), test_complex=True):
    TA = lambda x: transform(lims_A, x)
    TB = lambda x: transform(lims_B, x)
    s1, s2, v1, v2 = 0.6, 0.7, U(2), U(2)
    m11, m12, m21, m22 = U(3, 2), U(3, 2), U(1, 2), U(1, 2)
    cases = combos([TA(s1), TA(v1), TA(m11), TA(m21)], [TB(s2), TB(v2), TB(m12), TB(m22)])
    if test_complex:
        c1, c2 = 0.6 + 0.3j, 0.1 + 0.2j
        mc1, mc2 = U(3, 2) + 0.1j * U(3, 2), U(3, 2) + 0.1j * U(3, 2)
        cases += _complex_pairs([TA(s1), TA(v1), TA(m21)], [TB(s2), TB(v2), TB(m22)],
                                [TA(c1), TA(mc1)], [TB(c2), TB(mc2)])
    return cases


# --- array statistics ----------------------------------------------------------------------

reseed(4)
STAT = {name: stat_cases() for name in ["max", "mean", "min", "sum", "prod", "var", "std"]}


def _stat(fun, args, kwargs):
    combo(fun, (0,), args, kwargs)


@pytest.mark.parametrize("args, kwargs", STAT["max"])
def test_max(args, kwargs):
    _stat(np.max, args, kwargs)


@pytest.mark.parametrize("args, kwargs", STAT["mean"])
def test_mean(args, kwargs):
    _stat(np.mean, args, kwargs)


@pytest.mark.parametrize("args, kwargs", STAT["min"])
def test_min(args, kwargs):
    _stat(np.min, args, kwargs)


@pytest.mark.parametrize("args, kwargs", STAT["sum"])
def test_sum(args, kwargs):
    _stat(np.sum, args, kwargs)


@pytest.mark.parametrize("args, kwargs", STAT["prod"])
def test_prod(args, kwargs):
    _stat(np.prod, args, kwargs)


@pytest.mark.parametrize("args, kwargs", STAT["var"])
def test_var(args, kwargs):
    _stat(np.var, args, kwargs)


@pytest.mark.parametrize("args, kwargs", STAT["std"])
def test_std(args, kwargs):
    _stat(np.std, args, kwargs)


# --- unary ufuncs: (name, function, limits, test_complex) -------------------------------------

reseed(5)
UNARY = [
    ("sin", np.sin, (-2, 2), True),
    ("abs", np.abs, (0.1, 4.0), True),
    ("absolute", np.absolute, (0.1, 4.0), True),
    ("arccosh", np.arccosh, (1.1, 4.0), True),
    ("arcsinh", np.arcsinh, (-0.9, 0.9), True),
    ("arctanh", np.arctanh, (-0.9, 0.9), True),
    ("ceil", np.ceil, (-1.5, 1.5), False),
    ("cos", np.cos, (-2, 2), True),
    ("cosh", np.cosh, (-2, 2), True),
    ("deg2rad", np.deg2rad, (-2, 2), False),
    ("degrees", lambda x: np.degrees(x) / 50.0, (-2, 2), False),
    ("exp", np.exp, (-2, 2), True),
    ("exp2", np.exp2, (-2, 2), True),
    ("expm1", np.expm1, (-2, 2), True),
    ("fabs", np.fabs, (-2, 2), False),
    ("floor", np.floor, (-1.5, 1.5), False),
    ("log", np.log, (0.2, 2.0), True),
    ("log10", np.log10, (0.2, 2.0), True),
    ("log1p", np.log1p, (0.2, 2.0), True),
    ("log2", np.log2, (0.2, 2.0), True),
    ("rad2deg", lambda x: np.rad2deg(x) / 50.0, (-2, 2), False),
    ("radians", np.radians, (-2, 2), False),
    ("sign", np.sign, (-2, 2), False),
    ("sinh", np.sinh, (-2, 2), True),
    ("sqrt", np.sqrt, (1.0, 3.0), True),
    ("square", np.square, (-2, 2), False),
    ("tan", np.tan, (-1.1, 1.1), True),
    ("tanh", np.tanh, (-2, 2), True),
    ("real", np.real, (-2, 2), True),
    ("real_ic", np.real_if_close, (-2, 2), True),
    ("imag", np.imag, (-2, 2), True),
    ("conj", np.conj, (-2, 2), True),
    ("conjugate", np.conjugate, (-2, 2), True),
    ("angle", np.angle, (-2, 2), True),
]
UNARY_CASES = [pytest.param(fun, args, id=f"{name}-{case.id}")
               for name, fun, lims, cplx in UNARY
               for case in unary_cases(lims, cplx) for args in [case.values[0]]]


@pytest.mark.parametrize("fun, args", UNARY_CASES)
def test_unary_ufunc(fun, args):
    # autograd: test_sin, test_abs, ..., test_angle (one unary_ufunc_check each)
    combo(fun, (0,), args, {})


# --- binary ufuncs and operators ---------------------------------------------------------------

reseed(6)
BINARY = [
    ("add", np.add, binary_cases()),
    ("logaddexp", np.logaddexp, binary_cases(test_complex=False)),
    ("logaddexp2", np.logaddexp2, binary_cases(test_complex=False)),
    ("remainder", np.remainder, binary_cases_no_same_args(lims_A=(-0.9, 0.9), lims_B=(0.7, 1.9),
                                                          test_complex=False)),
    ("true_divide", np.true_divide, binary_cases(lims_B=(0.8, 1.2), test_complex=False)),
    ("mod", np.mod, binary_cases_no_same_args(lims_B=(0.8, 2.1), test_complex=False)),
    ("true_divide_neg", np.true_divide, binary_cases(lims_B=(-0.3, -2.0), test_complex=False)),
    ("mod_neg", np.mod, binary_cases_no_same_args(lims_B=(-0.3, -2.0), test_complex=False)),
    ("op_mul", op.mul, binary_cases()),
    ("op_add", op.add, binary_cases()),
    ("op_sub", op.sub, binary_cases()),
    ("op_mod", op.mod, binary_cases_no_same_args(lims_B=(0.3, 2.0), test_complex=False)),
    ("op_mod_neg", op.mod, binary_cases_no_same_args(lims_B=(-0.3, -2.0), test_complex=False)),
]
BINARY_CASES = [pytest.param(fun, case.values[0], id=f"{name}-{case.id}")
                for name, fun, cases in BINARY for case in cases]


@pytest.mark.parametrize("fun, args", BINARY_CASES)
def test_binary_ufunc(fun, args):
    # autograd: test_add, test_logaddexp, ..., test_op_mod_neg
    combo(fun, (0, 1), args, {})


# --- maximum/minimum/fmax/fmin (autograd: custom, gradient undefined for identical args) -------

reseed(7)
_MAXMIN = combos([R(1), R(1, 4), R(3, 4)], [R(1), R(1, 4), R(3, 4)])


@pytest.mark.parametrize("fun", [np.maximum, np.fmax, np.minimum, np.fmin],
                         ids=["maximum", "fmax", "minimum", "fmin"])
@pytest.mark.parametrize("args, kwargs", _MAXMIN)
def test_maximum_minimum(fun, args, kwargs):
    # autograd: test_maximum, test_fmax, test_minimum, test_fmin
    combo(fun, (0, 1), args, kwargs)
