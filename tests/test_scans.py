"""cumsum, cumprod, diff, cumulative_sum/prod and np.add/np.multiply.accumulate.

Values against numpy (relative 1e-13); derivatives by ``modes_vs_fd.check_modes`` (jacfwd
and jacrev against five-point finite differences to 1e-7, second order both ways against
each other and five-point differences of the gradient to 1e-6); cumprod's Jacobian against
the exact product formula where entries are zero (exact to rounding: no division by x).
"""

from __future__ import annotations

import numpy as np
import pytest

import dualdiff as dd
from modes_vs_fd import check_modes

RNG = np.random.default_rng(5)


def R(*shape):
    return RNG.normal(size=shape) if shape else float(RNG.normal())


def same_value(ours, theirs):
    assert np.shape(ours) == np.shape(theirs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-14)


def dual(x):
    return dd.Dual(x, np.ones_like(x))


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
@pytest.mark.parametrize("shape, kwargs", [((6,), {}), ((3, 4), {}), ((3, 4), dict(axis=0)),
                                           ((3, 4), dict(axis=1)), ((2, 3, 5), dict(axis=-1)),
                                           ((), {}), ((), dict(axis=0)), ((1,), {}),
                                           ((3, 9), dict(axis=1)), ((3, 4), dict(dtype=float))],
                         ids=str)
def test_scans(name, shape, kwargs):
    x = R(*shape)
    ours, theirs = getattr(dd, name), getattr(np, name)
    same_value(ours(x, **kwargs), theirs(x, **kwargs))
    check_modes(lambda v: theirs(v, **kwargs), [x])


def test_cumsum_closed_form():
    x = R(5)
    np.testing.assert_array_equal(dd.jacfwd(dd.cumsum)(x), np.tril(np.ones((5, 5))))
    np.testing.assert_array_equal(dd.grad(lambda v: dd.sum(dd.cumsum(v)))(x), [5, 4, 3, 2, 1.0])


def _exact_cumprod_jacobian(x):
    n = x.size
    jac = np.zeros((n, n))
    for k in range(n):
        for j in range(k + 1):
            jac[k, j] = np.prod([x[i] for i in range(k + 1) if i != j])
    return jac


@pytest.mark.parametrize("x", [
    [0.5, 0.0, 2.0, -1.5, 3.0], [0.0, 0.0, 1.5, 2.0, -0.5, 1.25], [1.5, 2.0, -0.5, 0.0],
    [0.0], [0.0, 0.0, 0.0], [1e-300, 1e-300, 3.0], [2.0, -1.0, 0.5, 1.5, 3.0, -2.0, 0.25],
], ids=str)
def test_cumprod_is_exact_where_entries_are_zero(x):
    x = np.array(x)
    exact = _exact_cumprod_jacobian(x)
    scale = np.abs(exact).max(initial=1.0)
    for jac in (dd.jacfwd(dd.cumprod)(x), dd.jacrev(dd.cumprod)(x)):
        np.testing.assert_allclose(jac, exact, rtol=1e-14, atol=1e-15 * scale)
    assert np.all(np.isfinite(dd.hessian(lambda v: dd.sum(dd.cumprod(v)))(x)))
    check_modes(dd.cumprod, [x])


def test_cumprod_zeros_in_a_matrix_along_each_axis():
    x = R(4, 5)
    x[1, 2] = x[3, 0] = x[3, 4] = 0.0
    for axis in (0, 1):
        check_modes(lambda v: np.cumprod(v, axis=axis), [x])


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_scan_keywords_and_methods(name):
    x = R(3, 4)
    d = dual(x)
    with pytest.raises(TypeError, match=rf"numpy\.{name}\(\.\.\., out=\.\.\.\)"):
        getattr(np, name)(d, out=np.empty(12))
    with pytest.raises(TypeError, match=rf"numpy\.{name}\(\.\.\., dtype=\.\.\.\)"):
        getattr(np, name)(d, dtype=np.int64)
    same_value(getattr(np, name)(d, dtype=np.float32).value, getattr(np, name)(x))
    same_value(getattr(d, name)(1).value, getattr(x, name)(1))
    same_value(getattr(d, name)().value, getattr(x, name)())
    check_modes(lambda v: getattr(v, name)(axis=0), [x])  # plain arrays have the method too
    with pytest.raises(np.exceptions.AxisError):
        getattr(dd, name)(x, axis=2)


@pytest.mark.parametrize("ufunc, scan", [(np.add, np.cumsum), (np.multiply, np.cumprod)])
def test_ufunc_accumulate(ufunc, scan):
    x = R(3, 4)
    same_value(ufunc.accumulate(dual(x)).value, ufunc.accumulate(x))
    for kwargs in (dict(axis=1), dict(axis=-1), dict(axis=(0,)), dict(dtype=np.float64)):
        same_value(ufunc.accumulate(dual(x), **kwargs).value, ufunc.accumulate(x, **kwargs))
        check_modes(lambda v: ufunc.accumulate(v, **kwargs), [x])
    v = R(5)
    same_value(ufunc.accumulate(dual(v), axis=None).value, ufunc.accumulate(v, axis=None))
    with pytest.raises(ValueError, match="multiple axes"):
        ufunc.accumulate(dual(x), axis=None)
    with pytest.raises(ValueError, match="multiple axes"):
        ufunc.accumulate(dual(x), axis=(0, 1))
    with pytest.raises(TypeError, match="accumulate on a scalar"):
        ufunc.accumulate(dd.Dual(1.5, 1.0))
    with pytest.raises(TypeError, match=rf"numpy\.{ufunc.__name__}\.accumulate\(\.\.\., out="):
        ufunc.accumulate(dual(x), out=np.empty((3, 4)))
    with pytest.raises(TypeError, match=rf"numpy\.{ufunc.__name__}\.accumulate\(\.\.\., dtype="):
        ufunc.accumulate(dual(x), dtype=np.int8)


@pytest.mark.parametrize("name", ["cumulative_sum", "cumulative_prod"])
def test_cumulative_functions(name):
    if not hasattr(np, name):
        pytest.skip("numpy < 2.1")
    x = R(3, 4)
    theirs, ours = getattr(np, name), getattr(dd, name)
    for kwargs in (dict(axis=0), dict(axis=1, include_initial=True)):
        same_value(ours(x, **kwargs), theirs(x, **kwargs))
        check_modes(lambda v: theirs(v, **kwargs), [x])
    v = R(4)
    same_value(ours(v, include_initial=True), theirs(v, include_initial=True))
    with pytest.raises(ValueError, match="axis"):
        ours(x)
    with pytest.raises(TypeError, match=rf"numpy\.{name}\(\.\.\., out=\.\.\.\)"):
        theirs(dual(v), out=np.empty(4))


# ---------------------------------------------------------------------------
# diff
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("shape, kwargs", [((6,), {}), ((6,), dict(n=2)), ((4, 5), dict(axis=0)),
                                           ((4, 5), dict(n=3, axis=1)), ((3,), dict(n=5)),
                                           ((4, 5), dict(n=0)), ((1, 1), dict(axis=0)),
                                           ((3, 4), dict(prepend=0.5)),
                                           ((3, 4), dict(append=-1.0, axis=0, n=2))], ids=str)
def test_diff(shape, kwargs):
    x = R(*shape)
    same_value(dd.diff(x, **kwargs), np.diff(x, **kwargs))
    check_modes(lambda v: np.diff(v, **kwargs), [x])


def test_diff_is_differentiable_in_prepend_and_append():
    x, before, after = R(3, 4), R(3, 1), R(3, 2)
    same_value(dd.diff(x, prepend=before, append=after), np.diff(x, prepend=before, append=after))
    check_modes(lambda v, p, a: np.diff(v, n=2, prepend=p, append=a), [x, before, after])
    check_modes(lambda v, p: np.diff(v, axis=0, prepend=p), [x, 0.75])


def test_diff_closed_form_and_errors():
    np.testing.assert_array_equal(dd.jacfwd(dd.diff)(R(4)), np.eye(3, 4, k=1) - np.eye(3, 4))
    with pytest.raises(ValueError, match="non-negative"):
        dd.diff(R(3), n=-1)
    with pytest.raises(ValueError, match="at least one dimensional"):
        dd.diff(dd.Dual(1.0, 1.0))
    with pytest.raises(np.exceptions.AxisError):
        dd.diff(R(3), axis=1)
