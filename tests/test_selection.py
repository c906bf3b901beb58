"""Selection functions (dualdiff/primitives/selection.py): values against numpy, derivatives in
every mode against five-point differences (tolerances in shape_checks), the tie rules of sort and
partition, keywords honoured or refused by name."""

from __future__ import annotations

import numpy as np
import pytest

import dualdiff as dd
from shape_checks import check_modes, same

RNG = np.random.default_rng(5)
A = RNG.normal(size=(3, 4))
S = RNG.normal(size=(4, 4))
C = RNG.normal(size=(2, 3, 4))
V = RNG.normal(size=5)


def dual(x):
    return dd.Dual(x, np.ones(np.shape(x)))


# ---------------------------------------------------------------------------
# Diagonals and triangles
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("k", [-6, -2, -1, 0, 1, 3, 4, 7])
@pytest.mark.parametrize("x", [V, A, S], ids=["1d", "3x4", "4x4"])
def test_diag(x, k):
    same(dd.diag(x, k), np.diag(x, k))
    same(np.diag(dual(x), k), np.diag(x, k))
    if np.size(np.diag(x, k)):
        check_modes(lambda v: dd.diag(v, k), x, second=k in (0, 1))


def test_diag_needs_one_or_two_dimensions():
    for x in (1.0, C):
        with pytest.raises(ValueError, match="1- or 2-d"):
            dd.diag(x)


@pytest.mark.parametrize("x, offset, axis1, axis2", [
    (A, 0, 0, 1), (A, 1, 0, 1), (A, -2, 0, 1), (A, 2, 1, 0), (A, 5, 0, 1), (C, 0, 0, 1),
    (C, 1, 1, 2), (C, -1, 2, 0), (C, 0, -1, -2), (RNG.normal(size=(2, 3, 3, 2)), 1, 1, 2),
])
def test_diagonal(x, offset, axis1, axis2):
    same(dd.diagonal(x, offset, axis1, axis2), np.diagonal(x, offset, axis1, axis2))
    same(dual(x).diagonal(offset, axis1, axis2), np.diagonal(x, offset, axis1, axis2))
    if np.size(np.diagonal(x, offset, axis1, axis2)):
        check_modes(lambda v: dd.diagonal(v, offset, axis1, axis2), x)


def test_diagonal_errors():
    with pytest.raises(ValueError, match="two dimensions"):
        dd.diagonal(dual(V))
    with pytest.raises(ValueError, match="cannot be the same"):
        dd.diagonal(dual(A), 0, 1, -1)


@pytest.mark.parametrize("x, k", [(V, 0), (A, 1), (A, -2), (2.0, 0)])
def test_diagflat(x, k):
    same(dd.diagflat(x, k), np.diagflat(x, k))
    check_modes(lambda v: dd.diagflat(v, k), x)


@pytest.mark.parametrize("offset, axis1, axis2", [(0, -1, -2), (0, 0, 1), (1, 0, 2), (-2, 2, 1)])
def test_make_diagonal_is_the_transpose_of_diagonal(offset, axis1, axis2):
    D = RNG.normal(size=(3, 4))
    M = dd.make_diagonal(D, offset, axis1, axis2)
    same(dd.diagonal(M, offset, axis1, axis2), D)
    assert np.count_nonzero(M) == D.size
    # <make_diagonal(D), X> == <D, diagonal(X)>
    X = RNG.normal(size=np.shape(M))
    np.testing.assert_allclose(np.sum(M * X), np.sum(D * np.diagonal(X, offset, axis1, axis2)))
    check_modes(lambda d: dd.make_diagonal(d, offset, axis1, axis2), D)


@pytest.mark.parametrize("k", [-2, -1, 0, 1, 5])
@pytest.mark.parametrize("x", [A, S, C, V], ids=["3x4", "4x4", "2x3x4", "1d"])
def test_tril_triu(x, k):
    for ours, theirs in ((dd.tril, np.tril), (dd.triu, np.triu)):
        same(ours(x, k), theirs(x, k))
        same(theirs(dual(x), k), theirs(x, k))
        check_modes(lambda v: ours(v, k), x, second=k == 0)


# ---------------------------------------------------------------------------
# select
# ---------------------------------------------------------------------------

def test_select_takes_the_first_true_condition():
    conds = [A > 0.5, A > 0.0, A < -1.0]
    choices = [A, 2.0 * A, -A]
    same(dd.select(conds, choices), np.select(conds, choices))
    same(dd.select(conds, choices, default=7.0), np.select(conds, choices, 7.0))
    same(np.select(conds, [dual(A), 2.0 * A, -A], 1.5), np.select(conds, choices, 1.5))
    check_modes(lambda a, b, d: dd.select(conds, [a, b, a * b], d), A, A[::-1], 0.3)


def test_select_broadcasts_conditions_choices_and_default():
    conds = [V[:4] > 0, np.array([[True], [False], [True]])]
    choices = [A, V[:4]]
    same(dd.select(conds, choices, np.arange(4.0)), np.select(conds, choices, np.arange(4.0)))
    check_modes(lambda a, v, d: dd.select(conds, [a, v], d), A, V[:4], np.arange(4.0))
    same(dd.select([np.array(True)], [1.0]), np.select([np.array(True)], [1.0]))


def test_select_errors():
    with pytest.raises(ValueError, match="same length"):
        dd.select([A > 0], [dual(A), A])
    with pytest.raises(ValueError, match="empty"):
        dd.select([], [])
    with pytest.raises(TypeError, match="boolean"):
        dd.select([A], [dual(A)])


# ---------------------------------------------------------------------------
# take, take_along_axis, compress, extract
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("indices, axis, mode", [
    ([0, 2, 2, 1], None, "raise"), ([[0, 1], [3, 3]], 1, "raise"), (2, 0, "raise"),
    (-1, 1, "raise"),
    ([5, -7, 1], 1, "wrap"), ([5, -7, 1], 0, "clip"), ([13, 0], None, "wrap"), ([], 0, "raise"),
    ([1, 1, 1], -1, "raise"),
])
def test_take(indices, axis, mode):
    same(dd.take(A, indices, axis, mode=mode), np.take(A, indices, axis, mode=mode))
    same(np.take(dual(A), indices, axis, mode=mode), np.take(A, indices, axis, mode=mode))
    same(dual(A).take(indices, axis, mode=mode), np.take(A, indices, axis, mode=mode))
    if np.size(np.take(A, indices, axis, mode=mode)):
        check_modes(lambda v: dd.take(v, indices, axis, mode=mode), A)


def test_take_repeated_indices_accumulate_in_reverse_mode():
    g = dd.grad(lambda v: dd.sum(dd.take(v, [1, 1, 3, 1])))(V)
    same(g, [0.0, 3.0, 0.0, 1.0, 0.0])


def test_take_errors_and_out():
    with pytest.raises(IndexError):
        dd.take(dual(A), [3], axis=0)
    with pytest.raises(ValueError):
        dd.take(dual(A), [0], axis=0, mode="edge")
    with pytest.raises(TypeError, match=r"numpy\.take\(\.\.\., out=\.\.\.\)"):
        np.take(dual(A), [0], axis=0, out=np.empty((1, 4)))
    with pytest.raises(TypeError):
        dd.take(dual(A), [0], axis=(0, 1))


@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_take_along_axis(axis):
    idx = np.argsort(A, axis=axis) if axis is not None else np.argsort(A, axis=None)[:5]
    same(dd.take_along_axis(A, idx, axis), np.take_along_axis(A, idx, axis))
    same(np.take_along_axis(dual(A), idx, axis), np.take_along_axis(A, idx, axis))
    check_modes(lambda v: dd.take_along_axis(v, idx, axis), A)
    rep = np.zeros((2, 4), dtype=int) if axis in (0,) else np.array([[0, 0, 3]] * 3)
    if axis in (0, 1):
        same(dd.take_along_axis(A, rep, axis), np.take_along_axis(A, rep, axis))
        check_modes(lambda v: dd.take_along_axis(v, rep, axis), A, second=False)


@pytest.mark.parametrize("condition, axis", [([True, False, True], 0), ([False, True], 1),
                                             ([True, False, True, True, False, True], None),
                                             ([0, 1, 1, 0], -1)])
def test_compress(condition, axis):
    same(dd.compress(condition, A, axis), np.compress(condition, A, axis))
    same(np.compress(condition, dual(A), axis), np.compress(condition, A, axis))
    same(dual(A).compress(condition, axis), np.compress(condition, A, axis))
    check_modes(lambda v: dd.compress(condition, v, axis), A)
    with pytest.raises(TypeError, match=r"numpy\.compress\(\.\.\., out=\.\.\.\)"):
        np.compress(condition, dual(A), axis, out=np.empty(3))


def test_extract():
    mask = A > 0
    same(dd.extract(mask, A), np.extract(mask, A))
    same(np.extract(A.astype(int), dual(A)), np.extract(A.astype(int), A))
    check_modes(lambda v: dd.extract(mask, v), A)


# ---------------------------------------------------------------------------
# sort and partition
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("axis", [-1, 0, 1, None])
@pytest.mark.parametrize("kind", [None, "quicksort", "mergesort", "heapsort", "stable"])
def test_sort(axis, kind):
    same(dd.sort(A, axis, kind), np.sort(A, axis, kind))
    same(np.sort(dual(A), axis, kind), np.sort(A, axis, kind))
    if kind is None:
        check_modes(lambda v: dd.sort(v, axis), A)
        check_modes(lambda v: dd.sort(v, axis), C, second=False)


def test_sort_ties_keep_input_order():
    """The k-th of equal outputs gets the derivative of the k-th equal input."""
    x = np.array([2.0, 1.0, 2.0, 1.0, 2.0])
    jac = dd.jacfwd(dd.sort)(x)
    np.testing.assert_array_equal(jac, np.eye(5)[[1, 3, 0, 2, 4]])
    np.testing.assert_array_equal(dd.jacrev(dd.sort)(x), jac)
    # -0.0 and 0.0 are equal: a tie, kept in input order
    z = np.array([0.0, -0.0, -1.0])
    np.testing.assert_array_equal(dd.jacfwd(dd.sort)(z), np.eye(3)[[2, 0, 1]])


def test_sort_nan_last_and_keywords():
    x = np.array([np.nan, 1.0, -1.0])
    same(dd.sort(x), np.sort(x))
    np.testing.assert_array_equal(dd.jacfwd(dd.sort)(x), np.eye(3)[[2, 1, 0]])
    same(np.sort(dual(A), stable=True), np.sort(A, stable=True))
    with pytest.raises(ValueError):
        np.sort(dual(A), kind="stable", stable=True)
    with pytest.raises(ValueError):
        dd.sort(dual(A), kind="bogus")
    with pytest.raises(TypeError, match=r"numpy\.sort\(\.\.\., order=\.\.\.\)"):
        np.sort(dual(A), order="f")
    with pytest.raises(np.exceptions.AxisError):
        dd.sort(dual(1.0))


@pytest.mark.parametrize("kth, axis", [(0, -1), (3, -1), (-1, 0), ((0, 2), 1), (2, 0), (5, None)])
def test_partition(kth, axis):
    same(dd.partition(A, kth, axis), np.partition(A, kth, axis))
    same(np.partition(dual(A), kth, axis), np.partition(A, kth, axis))
    check_modes(lambda v: dd.partition(v, kth, axis), A)


def test_partition_arrangement_and_ties():
    rng = np.random.default_rng(1)
    for _ in range(50):
        x = rng.integers(0, 3, size=9).astype(float)
        x[rng.integers(0, 9)] = np.nan
        k = int(rng.integers(0, 9))
        out = dd.partition(dual(x), k)
        same(out.value, np.partition(x, k))
    x = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 2.0])
    jac = dd.jacfwd(lambda v: dd.partition(v, 2))(x)
    out = np.partition(x, 2)
    # equal values go to the positions holding them in input order
    source = np.argmax(jac, axis=1)
    for value in (0.0, 1.0, 2.0):
        assert list(source[out == value]) == list(np.nonzero(x == value)[0])
    with pytest.raises(ValueError):
        dd.partition(dual(x), 6)
    with pytest.raises(TypeError, match=r"numpy\.partition\(\.\.\., order=\.\.\.\)"):
        np.partition(dual(x), 1, order="f")


def test_in_place_methods_are_refused_with_the_alternative():
    d = dual(A)
    cases = {
        "sort": (lambda: d.sort(), "np.sort"),
        "partition": (lambda: d.partition(1), "np.partition"),
        "fill": (lambda: d.fill(0.0), "dd.at"),
        "put": (lambda: d.put([0], 1.0), "dd.at"),
        "itemset": (lambda: d.itemset(0, 1.0), "dd.at"),
        "resize": (lambda: d.resize((2, 6)), "np.reshape"),
        "setitem": (lambda: d.__setitem__(0, 1.0), "dd.at"),
    }
    for name, (call, fix) in cases.items():
        with pytest.raises(TypeError, match="in place") as info:
            call()
        assert fix in str(info.value), name
    with pytest.raises(TypeError, match=r"dd\.at\(x\)\[index\]\.set"):
        d[0] = 1.0
