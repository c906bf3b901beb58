"""Index, comparison and fresh-array functions on dualdiff values: plain numpy results.

Given boxes (forward-mode Duals, tape values inside ``grad``, nested levels),
each function must return exactly numpy's result on the plain values, with
numpy's keywords passed through; ``full_like`` with a dualdiff fill value
keeps its derivative; the ndarray-style methods (argmax, argsort, nonzero,
astype, ...) do the same; writing a box into a plain array is refused with
the fix (dualdiff.array / dualdiff.stack).
"""

from __future__ import annotations

import numpy as np
import pytest

import dualdiff as dd
from dualdiff.errors import PrecisionLossError

RNG = np.random.default_rng(3)
X = RNG.normal(size=(3, 4))
X[1, 2] = X[0, 0]  # a tie
X[2, 3] = 0.0


CASES = [
    (np.argmax, (), {}), (np.argmax, (), {"axis": 1}),
    (np.argmax, (), {"axis": 0, "keepdims": True}), (np.argmin, (), {"axis": -1}),
    (np.argsort, (), {}), (np.argsort, (), {"axis": 0, "kind": "stable"}),
    (np.argsort, (), {"axis": None, "stable": True}), (np.nonzero, (), {}),
    (np.flatnonzero, (), {}), (np.argwhere, (), {}), (np.count_nonzero, (), {"axis": 1}),
    (np.count_nonzero, (), {"axis": 0, "keepdims": True}),
    (np.zeros_like, (), {}), (np.ones_like, (), {"dtype": np.int64}),
    (np.ones_like, (), {"shape": (2, 5), "order": "F"}), (np.full_like, (2.5,), {}),
    (np.full_like, (7,), {"dtype": int, "shape": 3}),
]


def _equal(a, b):
    if isinstance(a, tuple):
        assert isinstance(b, tuple) and len(a) == len(b)
        for u, v in zip(a, b):
            _equal(u, v)
        return
    assert type(a) is type(b), (type(a), type(b))
    np.testing.assert_array_equal(a, b)
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape


@pytest.mark.parametrize("func, extra, kwargs", CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_plain_results_equal_numpys_for_every_box_type(func, extra, kwargs):
    want = func(X, *extra, **kwargs)
    _equal(func(dd.Dual(X, np.ones_like(X)), *extra, **kwargs), want)
    seen = []

    def record(v):
        seen.append(func(v, *extra, **kwargs))
        return dd.sum(v)

    dd.grad(record)(X)  # a tape value
    dd.hessian(lambda v: record(v) * dd.sum(v))(X)  # a Dual over a tape value
    for got in seen:
        _equal(got, want)


def test_searchsorted_and_comparisons():
    a = np.sort(X.ravel())
    v = np.array([-0.3, 0.0, 1.7])
    da, dv = dd.Dual(a, np.ones_like(a)), dd.Dual(v, np.ones_like(v))
    for side in ("left", "right"):
        _equal(np.searchsorted(da, dv, side=side), np.searchsorted(a, v, side=side))
    sorter = np.argsort(X[0])
    _equal(np.searchsorted(dd.Dual(X[0], np.ones(4)), 0.1, sorter=sorter),
           np.searchsorted(X[0], 0.1, sorter=sorter))
    y = X * (1 + 1e-9)
    dx, dy = dd.Dual(X, np.ones_like(X)), dd.Dual(y, np.ones_like(y))
    _equal(np.isclose(dx, dy), np.isclose(X, y))
    _equal(np.isclose(dx, dy, rtol=0.0, atol=1e-9), np.isclose(X, y, rtol=0.0, atol=1e-9))
    assert not np.isclose(dx, dy, rtol=0.0, atol=1e-9).all() and np.isclose(dx, dy).all()
    assert np.allclose(dx, dy) is True and np.allclose(dx, dy, rtol=0, atol=0) is False
    assert np.array_equal(dx, X) is True and np.array_equal(dx, dy) is False
    assert np.array_equiv(dx, X[0:1]) is False and np.array_equiv(dx[0], X[0]) is True
    nan = dd.Dual(np.array([1.0, np.nan]), np.ones(2))
    assert np.array_equal(nan, nan) is False and np.array_equal(nan, nan, equal_nan=True) is True


def test_index_from_argmax_selects_with_its_derivative():
    x = np.array([0.3, 2.0, -1.0, 2.0])
    g = dd.grad(lambda v: v[np.argmax(v)] * 3.0)(x)
    np.testing.assert_array_equal(g, [0.0, 3.0, 0.0, 0.0])  # ties: the first, as numpy
    jac = dd.jacfwd(lambda v: v[np.argsort(v)])(x)
    np.testing.assert_array_equal(jac, np.eye(4)[np.argsort(x, kind="stable")])
    h = dd.hessian(lambda v: v[v.argmin()] ** 3)(x)
    np.testing.assert_array_equal(h, np.diag([0.0, 0.0, -6.0, 0.0]))
    g2 = dd.grad(lambda v: dd.sum(v[np.nonzero(v > 0)] ** 2))(x)
    np.testing.assert_array_equal(g2, [0.6, 4.0, 0.0, 4.0])


def test_methods():
    d = dd.Dual(X, np.ones_like(X))
    _equal(d.argmax(), np.argmax(X))
    _equal(d.argmax(axis=1, keepdims=True), X.argmax(axis=1, keepdims=True))
    _equal(d.argmin(0), X.argmin(0))
    _equal(d.argsort(axis=0, kind="stable"), X.argsort(axis=0, kind="stable"))
    _equal(d.nonzero(), X.nonzero())
    _equal(d.round(1), X.round(1))
    row = np.sort(X[0])
    _equal(dd.Dual(row, np.ones(4)).searchsorted(0.1, side="right"),
           row.searchsorted(0.1, side="right"))
    assert d.conj() is not d and np.array_equal(d.conj().tangent, d.tangent)


@pytest.mark.parametrize("dtype", [np.float64, float, np.float32, np.float16, "float32", "f8"])
def test_astype_to_float_keeps_the_value_in_float64(dtype):
    d = dd.Dual(X, np.ones_like(X))
    out = d.astype(dtype)
    assert out is d and out.dtype == np.float64
    g = dd.grad(lambda v: dd.sum(np.sin(v.astype(dtype))))(np.arange(3.0))
    np.testing.assert_allclose(g, np.cos(np.arange(3.0)), rtol=1e-15)


@pytest.mark.parametrize("dtype", [int, np.int32, bool, np.uint8, complex, np.complex128])
def test_astype_to_other_dtypes_is_refused_by_name(dtype):
    refusal = r"ndarray\.astype\(\.\.\., dtype=\.\.\.\).*x\.astype\(float\)"
    with pytest.raises(TypeError, match=refusal):
        dd.Dual(X, np.ones_like(X)).astype(dtype)


def test_astype_checks_casting_as_numpy():
    d = dd.Dual(X, np.ones_like(X))
    with pytest.raises(TypeError, match="according to the rule 'safe'"):
        d.astype(np.float32, casting="safe")
    assert d.astype(np.float64, casting="no") is d
    assert d.astype(np.float32, order="F", copy=False, subok=False) is d


def test_full_like_with_a_dualdiff_fill_value_keeps_its_derivative():
    x = np.zeros((2, 3))
    weights = np.arange(6.0).reshape(2, 3)
    f = lambda c: dd.sum(np.full_like(dd.Dual(x, np.zeros_like(x)), c) * weights)
    assert dd.jvp(lambda c: np.full_like(dd.Dual(x, 0 * x), c), (1.5,), (1.0,))[1].shape == (2, 3)
    assert dd.grad(lambda c: dd.sum(dd.full_like(x, c) * 2.0))(1.5) == 12.0
    row = np.array([1.0, 2.0, 3.0])
    g = dd.grad(lambda r: dd.sum(dd.full_like(x, r) ** 2))(row)
    np.testing.assert_array_equal(g, 2 * 2 * row)  # broadcast over two rows, summed back
    jac = dd.jacfwd(lambda r: dd.full_like(x, r, shape=(4, 3)))(row)
    np.testing.assert_array_equal(jac, np.broadcast_to(np.eye(3), (4, 3, 3)))
    assert f(1.0) == 15.0
    with pytest.raises(TypeError, match=r"numpy\.full_like\(\.\.\., dtype=\.\.\.\)"):
        dd.full_like(x, dd.Dual(1.5, 1.0), dtype=int)
    out = dd.full_like(x, dd.Dual(1.5, 1.0), dtype=np.float32)
    assert out.value.dtype == np.float64


def test_empty_like_shape_and_dtype():
    d = dd.Dual(X, np.ones_like(X))
    e = np.empty_like(d)
    assert type(e) is np.ndarray and e.shape == X.shape and e.dtype == np.float64
    e = np.empty_like(d, dtype=np.int32, shape=(5,))
    assert e.shape == (5,) and e.dtype == np.int32


def test_writing_a_box_into_a_plain_array_is_refused_with_the_fix():
    def rhs(y):
        dy = np.zeros_like(y)  # a plain array: it cannot hold a derivative
        dy[0] = y[1]
        return dy

    for transform in (dd.jacfwd, dd.jacrev):
        with pytest.raises((PrecisionLossError, ValueError)) as caught:
            transform(rhs)(np.ones(2))
        err = caught.value
        text = str(err) + str(err.__cause__ or "")
        assert "dualdiff.array" in text and "dualdiff.stack" in text
