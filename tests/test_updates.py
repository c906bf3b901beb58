"""Functional index updates (dualdiff/primitives/updates.py): ``dd.at(x)[idx].op(v)`` and
``box.at[idx].op(v)`` against numpy's in-place equivalents, repeated indices in every operation,
derivatives in x and v in every mode against five-point differences (shape_checks)."""

from __future__ import annotations

import numpy as np
import pytest

import dualdiff as dd
from shape_checks import check_modes, same

RNG = np.random.default_rng(9)
X = RNG.normal(size=(4, 5))
X1 = RNG.normal(size=6)

NUMPY_AT = {"add": np.add.at, "multiply": np.multiply.at, "min": np.minimum.at,
            "max": np.maximum.at}


def expected(x, index, v, op):
    out = np.array(x, dtype=float)
    if op == "set":
        out[index] = v
    else:
        NUMPY_AT[op](out, index, np.broadcast_to(v, out[index].shape))
    return out


INDICES = [
    (X, (1,), lambda: RNG.normal(size=5)),
    (X, (slice(1, 3), 2), lambda: RNG.normal(size=2)),
    (X, (Ellipsis, 0), lambda: 0.7),
    (X, (slice(None, None, 2),), lambda: RNG.normal(size=(1, 5))),
    (X, (np.array([0, 2]), np.array([1, 4])), lambda: RNG.normal(size=2)),
    (X, (X > 0,), lambda: 1.0),
    (X, (None, 2, slice(1, None)), lambda: RNG.normal(size=(1, 4))),
    (X1, (np.array([1, 3, 1, 1, 5]),), lambda: RNG.normal(size=5)),  # repeated
    (X, (np.array([0, 0, 3]), slice(None)), lambda: RNG.normal(size=(3, 5))),  # repeated rows
    (X, (np.array([[1, 1], [2, 1]]), np.array([[0, 0], [3, 0]])), lambda: RNG.normal(size=(2, 2))),
    (X1, ([2, 2],), lambda: 1.5),  # repeated, a broadcast scalar
]


@pytest.mark.parametrize("op", ["set", "add", "multiply", "min", "max"])
@pytest.mark.parametrize("case", range(len(INDICES)))
def test_updates_match_numpy_and_differentiate(op, case):
    x, index, make_v = INDICES[case]
    v = make_v()
    want = expected(x, index, v, op)
    if op == "add":  # repeated writes are summed first, then added: rounding may differ
        np.testing.assert_allclose(dd.at(x)[index].add(v), want, rtol=1e-15, atol=1e-15)
        np.testing.assert_allclose(dd.Dual(x, np.ones(x.shape)).at[index].add(v).value, want,
                                   rtol=1e-15, atol=1e-15)
    else:
        same(getattr(dd.at(x)[index], op)(v), want)
        same(getattr(dd.Dual(x, np.ones(x.shape)).at[index], op)(v).value, want)
    check_modes(lambda a, b: getattr(dd.at(a)[index], op)(b), x, v,
                second=op in ("set", "multiply"))


def test_set_with_repeats_keeps_the_last_write():
    v = np.array([10.0, 20.0, 30.0])
    jac = dd.jacfwd(lambda b: dd.at(np.zeros(4))[np.array([2, 0, 2])].set(b))(v)
    np.testing.assert_array_equal(jac, [[0, 1, 0], [0, 0, 0], [0, 0, 1], [0, 0, 0]])
    same(dd.at(np.zeros(4))[np.array([2, 0, 2])].set(v), [20.0, 0.0, 30.0, 0.0])


def test_add_with_repeats_accumulates_unlike_augmented_assignment():
    out = dd.at(np.zeros(3))[np.array([1, 1, 1])].add(1.0)
    same(out, [0.0, 3.0, 0.0])
    g = dd.grad(lambda b: dd.sum(dd.at(np.zeros(3))[np.array([1, 1, 0])].add(b) ** 2))(
        np.array([1.0, 2.0, 3.0]))
    same(g, [6.0, 6.0, 6.0])


def test_multiply_and_min_apply_every_write():
    x = np.array([2.0, 3.0])
    same(dd.at(x)[np.array([0, 0, 1])].multiply(np.array([3.0, 5.0, 7.0])), [30.0, 21.0])
    jac = dd.jacfwd(lambda b: dd.at(x)[np.array([0, 0])].multiply(b))(np.array([3.0, 5.0]))
    np.testing.assert_array_equal(jac, [[10.0, 6.0], [0.0, 0.0]])
    same(dd.at(x)[np.array([0, 0, 0])].min(np.array([1.0, -1.0, 0.0])), [-1.0, 3.0])


def test_min_and_max_split_ties():
    x = np.array([1.0, 2.0])
    _, t = dd.jvp(lambda a, b: dd.at(a)[0].max(b), (x, 1.0), (np.array([1.0, 0.0]), 0.0))
    same(t, [0.5, 0.0])
    _, t = dd.jvp(lambda a, b: dd.at(a)[0].min(b), (x, 1.0), (np.zeros(2), 1.0))
    same(t, [0.5, 0.0])


def test_the_ode_right_hand_side_idiom():
    def rhs(y):
        dy = dd.at(np.zeros(3))[0].set(y[1])
        dy = dd.at(dy)[1].set(-y[0] * y[2])
        return dd.at(dy)[2:].add(y[:1] ** 2)

    y = np.array([0.5, -1.0, 2.0])
    same(rhs(y), [-1.0, -1.0, 0.25])
    check_modes(rhs, y)


def test_plain_values_give_plain_results_and_leave_x_alone():
    x = X.copy()
    out = dd.at(x)[0, 0].set(5.0)
    assert type(out) is np.ndarray and out[0, 0] == 5.0 and np.array_equal(x, X)
    assert dd.at(x)[1, 2].get() == X[1, 2]
    same(dd.at([1, 2, 3])[1].add(1), [1.0, 3.0, 3.0])
    same(dd.at(2.0)[()].set(3.0), 3.0)
    d = dd.Dual(X, np.ones(X.shape))
    same(d.at[1:3, ::2].get().value, X[1:3, ::2])
    assert "shape (4, 5)" in repr(dd.at(X)) and "(4, 5)" in repr(dd.at(X)[0])


def test_value_shapes_that_do_not_fit_are_refused_like_numpy():
    with pytest.raises(ValueError):
        dd.at(X)[0].set(np.ones(4))
    with pytest.raises(ValueError):
        dd.at(X)[0].set(np.ones((2, 5)))
    with pytest.raises(IndexError):
        dd.at(X)[7].set(1.0)
    with pytest.raises(IndexError):
        dd.at(X)[np.array([0.5])].set(1.0)


@pytest.mark.parametrize("op, ufunc", [("divide", np.divide), ("power", np.power)])
def test_divide_and_power_apply_every_write_like_ufunc_at(op, ufunc):
    """JAX's x.at[idx].divide/.power were missing (AttributeError); values against
    np.divide.at / np.power.at, derivatives against finite differences (check_modes)."""
    x = np.array([0.8, 1.7, 2.5, 4.1, 0.6])
    for index, v in [((np.array([1, 3]),), np.array([1.5, 0.7])),
                     ((np.array([2, 2, 0]),), np.array([1.5, -2.0, 0.9])),
                     ((slice(1, 3),), np.array([1.2, 2.0])),
                     ((x > 1.0,), 1.3)]:
        want = x.copy()
        ufunc.at(want, index, np.broadcast_to(v, want[index].shape))
        np.testing.assert_allclose(getattr(dd.at(x)[index], op)(v), want, rtol=1e-15)
        np.testing.assert_allclose(getattr(dd.Dual(x, np.ones(5)).at[index], op)(v).value, want,
                                   rtol=1e-15)
        check_modes(lambda a, b: getattr(dd.at(a)[index], op)(b), x, v)
