"""var, std, average, median, trace, nansum, nanmean, ptp and the box methods.

Values against numpy (relative 1e-12); derivatives by ``modes_vs_fd.check_modes`` (jacfwd
and jacrev against five-point finite differences to 1e-7, second order both ways against
each other and against five-point differences of the gradient to 1e-6); closed forms; every
keyword honoured or refused; the degenerate inputs each docstring documents.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import dualdiff as dd
from dualdiff.primitives.statistics import trace
from modes_vs_fd import check_modes

RNG = np.random.default_rng(77)


def R(*shape):
    return RNG.normal(size=shape) if shape else float(RNG.normal())


def same_value(ours, theirs, rtol=1e-12):
    assert np.shape(ours) == np.shape(theirs)
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=1e-14)


def dual(x):
    return dd.Dual(x, np.ones_like(x))


def tangent(f, x):
    """The forward-mode derivative of f at x along all-ones, and the reverse-mode gradient of
    sum(f) (plain arrays)."""
    return dd.jvp(f, (x,), (np.ones_like(x),))[1], dd.grad(lambda v: dd.sum(f(v)))(x)


# ---------------------------------------------------------------------------
# var and std
# ---------------------------------------------------------------------------

MASK = np.array([[True, False, True, True], [False, True, True, False], [True, True, False, True]])

VAR_KWARGS = [{}, dict(axis=0), dict(axis=1), dict(axis=(0, 1)), dict(axis=-1, keepdims=True),
              dict(ddof=1), dict(axis=0, ddof=2), dict(correction=1), dict(where=MASK),
              dict(axis=1, where=MASK, ddof=1, keepdims=True), dict(dtype=np.float64),
              dict(axis=1, ddof=0.5)]


@pytest.mark.parametrize("name", ["var", "std"])
@pytest.mark.parametrize("kwargs", VAR_KWARGS, ids=str)
def test_var_std(name, kwargs):
    x = R(3, 4)
    ours, theirs = getattr(dd, name), getattr(np, name)
    same_value(ours(x, **kwargs), theirs(x, **kwargs))
    check_modes(lambda v: theirs(v, **kwargs), [x])


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std_with_the_mean_given(name):
    x = R(3, 4)
    m = np.mean(x, axis=1, keepdims=True)
    same_value(getattr(dd, name)(x, axis=1, mean=m), getattr(np, name)(x, axis=1, mean=m))
    # the given mean is used as is, and a differentiable one carries its derivative
    check_modes(lambda v: getattr(np, name)(v, axis=1, mean=np.mean(v, axis=1, keepdims=True)),
                [x])
    check_modes(lambda v: getattr(dd, name)(v, axis=1, mean=m), [x])


def test_var_closed_form():
    x = R(6)
    for ddof in (0, 1):
        np.testing.assert_allclose(dd.grad(lambda v: dd.var(v, ddof=ddof))(x),
                                   2 * (x - x.mean()) / (6 - ddof), rtol=1e-13)
    np.testing.assert_allclose(dd.grad(dd.std)(x), (x - x.mean()) / (6 * x.std()), rtol=1e-13)


def test_var_keywords_refused_or_checked():
    x = dual(R(3, 4))
    with pytest.raises(TypeError, match=r"numpy\.var\(\.\.\., out=\.\.\.\)"):
        np.var(x, out=np.empty(()))
    with pytest.raises(TypeError, match=r"numpy\.std\(\.\.\., dtype=\.\.\.\)"):
        np.std(x, dtype=np.int64)
    with pytest.raises(ValueError, match="ddof and correction"):
        dd.var(x, ddof=1, correction=1)
    same_value(np.var(x, dtype=np.float32).value, np.var(x.value), rtol=1e-12)


def test_var_with_no_degrees_of_freedom_warns_and_divides_by_zero_as_numpy():
    x = R(3)
    with pytest.warns(RuntimeWarning, match="Degrees of freedom"):
        ours = dd.var(x, ddof=3)
    with pytest.warns(RuntimeWarning):
        theirs = np.var(x, ddof=3)
    assert ours == theirs == np.inf
    with pytest.warns(RuntimeWarning):
        assert np.isnan(dd.std(np.ones(1), ddof=1))


def test_std_at_a_constant_input_has_derivative_zero():
    """Zero variance: value 0 and the subgradient 0 in every mode and order (JAX: NaN)."""
    x = np.full(5, 0.75)
    assert dd.std(x) == 0.0
    fwd, rev = tangent(dd.std, x)
    assert fwd == 0.0
    np.testing.assert_array_equal(rev, np.zeros(5))
    np.testing.assert_array_equal(dd.jacfwd(dd.std)(x), np.zeros(5))
    np.testing.assert_array_equal(dd.hessian(dd.std)(x), np.zeros((5, 5)))
    np.testing.assert_array_equal(dd.jacfwd(dd.jacfwd(dd.std))(x), np.zeros((5, 5)))
    # per slice: the constant row gets 0, the others the usual derivative
    m = np.vstack([np.full(4, 2.0), R(4)])
    rows = dd.jacrev(lambda v: dd.std(v, axis=1))(m)
    np.testing.assert_array_equal(rows[0, 0], np.zeros(4))
    np.testing.assert_allclose(rows[1, 1], (m[1] - m[1].mean()) / (4 * m[1].std()), rtol=1e-13)
    assert np.all(np.isfinite(dd.jacfwd(lambda v: dd.std(v, axis=1))(m)))
    # the variance itself is smooth there: derivative 0
    np.testing.assert_array_equal(dd.grad(dd.var)(x), np.zeros(5))


def test_var_std_of_a_scalar_and_methods():
    same_value(dd.var(2.5), 0.0)
    x = R(3, 4)
    d = dual(x)
    same_value(d.var(axis=0, ddof=1).value, x.var(axis=0, ddof=1))
    same_value(d.std(1, None, None, 1, keepdims=True).value, x.std(1, None, None, 1, keepdims=True))
    check_modes(lambda v: v.std(axis=0), [x])  # plain arrays have the method too
    check_modes(lambda v: v.var(1, ddof=1), [x])


# ---------------------------------------------------------------------------
# average
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [{}, dict(axis=0), dict(axis=(0, 1)),
                                    dict(axis=1, keepdims=True)], ids=str)
def test_average_without_weights(kwargs):
    x = R(3, 4)
    same_value(dd.average(x, **kwargs), np.average(x, **kwargs))
    check_modes(lambda v: np.average(v, **kwargs), [x])
    avg, count = dd.average(x, returned=True, **kwargs)
    theirs, their_count = np.average(x, returned=True, **kwargs)
    same_value(avg, theirs)
    same_value(count, their_count)


@pytest.mark.parametrize("wshape, kwargs", [((3, 4), {}), ((3, 4), dict(axis=1)),
                                            ((4,), dict(axis=1)), ((3,), dict(axis=0)),
                                            ((4,), dict(axis=-1, keepdims=True)),
                                            ((3, 4), dict(axis=(0, 1))),
                                            ((2, 3), dict(axis=(2, 0)))])
def test_average_with_weights_differentiable_in_both(wshape, kwargs):
    x = R(3, 4) if len(wshape) < 2 or wshape == (3, 4) else R(3, 4, 2)
    w = RNG.uniform(0.5, 2.0, wshape)
    same_value(dd.average(x, weights=w, **kwargs), np.average(x, weights=w, **kwargs))
    check_modes(lambda v, u: np.average(v, weights=u, **kwargs), [x, w])
    avg, scale = dd.average(x, weights=w, returned=True, **kwargs)
    theirs, their_scale = np.average(x, weights=w, returned=True, **kwargs)
    same_value(avg, theirs)
    same_value(scale, their_scale)
    check_modes(lambda u: dd.average(x, weights=u, returned=True, **kwargs)[1], [w])


def test_average_closed_form_in_the_weights():
    x, w = R(5), RNG.uniform(0.5, 2.0, 5)
    avg = np.average(x, weights=w)
    np.testing.assert_allclose(dd.grad(lambda u: dd.average(x, weights=u))(w),
                               (x - avg) / w.sum(), rtol=1e-13)


def test_average_errors_as_numpy():
    x = R(3, 4)
    for w, kwargs, error in [(np.zeros((3, 4)), {}, ZeroDivisionError),
                             (np.ones(4), {}, TypeError), (np.ones(3), dict(axis=1), ValueError)]:
        with pytest.raises(error):
            np.average(x, weights=w, **kwargs)
        with pytest.raises(error):
            dd.average(dual(x), weights=w, **kwargs)


# ---------------------------------------------------------------------------
# median
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("shape, kwargs", [((7,), {}), ((6,), {}), ((3, 4), dict(axis=1)),
                                           ((3, 5), dict(axis=0)), ((3, 4), {}),
                                           ((2, 3, 4), dict(axis=(0, 2))),
                                           ((3, 4), dict(axis=1, keepdims=True)),
                                           ((2, 3, 4), dict(axis=(1, 2), keepdims=True)),
                                           ((3, 4), dict(overwrite_input=True))], ids=str)
def test_median(shape, kwargs):
    x = R(*shape)
    same_value(dd.median(x, **kwargs), np.median(x, **kwargs))
    check_modes(lambda v: np.median(v, **kwargs), [x])


def test_median_ties_share_the_derivative_equally():
    fwd, rev = tangent(dd.median, np.array([1.0, 2.0, 2.0, 3.0]))  # even: both middles are 2
    assert fwd == 1.0
    np.testing.assert_array_equal(rev, [0.0, 0.5, 0.5, 0.0])
    rev = dd.grad(dd.median)(np.array([2.0, 5.0, 2.0, 2.0, -1.0]))  # odd: three entries tie
    np.testing.assert_allclose(rev, [1 / 3, 0.0, 1 / 3, 1 / 3, 0.0], rtol=1e-15)
    rev = dd.grad(dd.median)(np.array([4.0, 1.0, 3.0, 2.0]))  # even, no tie: half to each
    np.testing.assert_array_equal(rev, [0.0, 0.0, 0.5, 0.5])
    np.testing.assert_array_equal(dd.jacfwd(dd.median)(np.array([4.0, 1.0, 3.0, 2.0])),
                                  [0.0, 0.0, 0.5, 0.5])


def test_median_with_nan_or_nothing_to_take():
    x = np.array([[1.0, np.nan, 2.0], [3.0, 1.0, 2.0]])
    same_value(dd.median(x, axis=1), np.median(x, axis=1))
    jac = dd.jacrev(lambda v: dd.median(v, axis=1))(x)
    np.testing.assert_array_equal(jac[0], np.zeros((2, 3)))  # the NaN slice: derivative 0
    np.testing.assert_array_equal(jac[1, 1], [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(dd.jacfwd(lambda v: dd.median(v, axis=1))(x), jac)
    with pytest.warns(RuntimeWarning):
        assert np.isnan(dd.median(np.zeros(0)))
    with pytest.raises(TypeError, match=r"numpy\.median\(\.\.\., out=\.\.\.\)"):
        np.median(dual(R(3)), out=np.empty(()))


# ---------------------------------------------------------------------------
# trace
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("shape, kwargs", [((4, 4), {}), ((4, 5), dict(offset=1)),
                                           ((5, 4), dict(offset=-2)), ((3, 4), dict(offset=9)),
                                           ((3, 4), dict(offset=-3)),
                                           ((2, 3, 4), dict(axis1=1, axis2=2)),
                                           ((2, 3, 4), dict(axis1=2, axis2=0, offset=1)),
                                           ((3, 3, 2), {}), ((4, 4), dict(dtype=np.float32))],
                         ids=str)
def test_trace(shape, kwargs):
    x = R(*shape)
    same_value(trace(x, **kwargs), np.trace(x, **kwargs).astype(float), rtol=1e-6
               if kwargs.get("dtype") is np.float32 else 1e-12)
    check_modes(lambda v: np.trace(v, **{**kwargs, "dtype": None}), [x])


def test_trace_closed_form_method_and_refusals():
    x = R(4, 5)
    np.testing.assert_array_equal(dd.grad(lambda v: trace(v, offset=1))(x), np.eye(4, 5, k=1))
    same_value(dual(x).trace(1).value, x.trace(1))
    assert type(trace(x)) is float
    with pytest.raises(TypeError, match=r"numpy\.trace\(\.\.\., dtype=\.\.\.\)"):
        np.trace(dual(x), dtype=np.int32)
    with pytest.raises(TypeError, match=r"numpy\.trace\(\.\.\., out=\.\.\.\)"):
        np.trace(dual(x), out=np.empty(()))
    with pytest.raises(ValueError, match="at least two dimensions"):
        trace(R(3))
    with pytest.raises(ValueError, match="cannot be the same"):
        trace(x, axis1=1, axis2=-1)


def test_dualdiff_trace_stays_the_evaluation_trace_module():
    import types
    assert isinstance(dd.trace, types.ModuleType) and hasattr(dd.trace, "evaluation_trace")
    assert "trace" not in dd.primitives.statistics.__all__


# ---------------------------------------------------------------------------
# nansum, nanmean, ptp
# ---------------------------------------------------------------------------

XNAN = np.array([[1.5, np.nan, -0.5, 2.0], [np.nan, np.nan, np.nan, np.nan],
                 [0.25, 3.0, np.nan, -1.0]])


@pytest.mark.parametrize("kwargs", [{}, dict(axis=0), dict(axis=1, keepdims=True),
                                    dict(axis=1, initial=2.0), dict(where=MASK)], ids=str)
def test_nansum(kwargs):
    same_value(dd.nansum(XNAN, **kwargs), np.nansum(XNAN, **kwargs))
    jac = dd.jacfwd(lambda v: dd.nansum(v, **kwargs))(XNAN)
    np.testing.assert_array_equal(dd.jacrev(lambda v: dd.nansum(v, **kwargs))(XNAN), jac)
    weight = np.isfinite(XNAN) & (MASK if "where" in kwargs else True)
    np.testing.assert_array_equal(np.sum(jac.reshape(-1, *XNAN.shape), axis=0), weight * 1.0)
    x = R(3, 4)
    check_modes(lambda v: np.nansum(v, **kwargs), [x])


def test_nanmean():
    with pytest.warns(RuntimeWarning):
        theirs = np.nanmean(XNAN, axis=1)
    with pytest.warns(RuntimeWarning, match="Mean of empty slice"):
        ours = dd.nanmean(XNAN, axis=1)
    same_value(ours, theirs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        jac = dd.jacrev(lambda v: dd.nanmean(v, axis=1))(XNAN)
        np.testing.assert_array_equal(dd.jacfwd(lambda v: dd.nanmean(v, axis=1))(XNAN), jac)
    np.testing.assert_array_equal(jac[0, 0], [1 / 3, 0.0, 1 / 3, 1 / 3])
    np.testing.assert_array_equal(jac[1], np.zeros((3, 4)))  # all-NaN slice: NaN, derivative 0
    np.testing.assert_array_equal(jac[2, 2], [1 / 3, 1 / 3, 0.0, 1 / 3])
    same_value(dd.nanmean(XNAN, where=MASK), np.nanmean(XNAN, where=MASK))
    x = R(3, 4)
    for kwargs in ({}, dict(axis=0, keepdims=True), dict(where=MASK, axis=1)):
        same_value(dd.nanmean(x, **kwargs), np.nanmean(x, **kwargs))
        check_modes(lambda v: np.nanmean(v, **kwargs), [x])
    with pytest.raises(TypeError, match=r"numpy\.nanmean\(\.\.\., dtype=\.\.\.\)"):
        np.nanmean(dual(x), dtype=int)
    with pytest.raises(TypeError, match=r"numpy\.nansum\(\.\.\., out=\.\.\.\)"):
        np.nansum(dual(x), out=np.empty(()))


@pytest.mark.parametrize("kwargs", [{}, dict(axis=0), dict(axis=(0, 1), keepdims=True)], ids=str)
def test_ptp(kwargs):
    x = R(3, 4)
    same_value(dd.ptp(x, **kwargs), np.ptp(x, **kwargs))
    check_modes(lambda v: np.ptp(v, **kwargs), [x])


def test_ptp_ties_and_constant_input():
    rev = dd.grad(dd.ptp)(np.array([3.0, -1.0, 3.0, 0.0]))
    np.testing.assert_array_equal(rev, [0.5, -1.0, 0.5, 0.0])
    np.testing.assert_array_equal(dd.grad(dd.ptp)(np.full(3, 2.0)), np.zeros(3))
    with pytest.raises(TypeError, match=r"numpy\.ptp\(\.\.\., out=\.\.\.\)"):
        np.ptp(dual(R(3)), out=np.empty(()))
