"""Shaping functions (dualdiff/primitives/shaping.py): values against numpy over numpy's argument
forms, derivatives in every mode against five-point differences (tolerances in shape_checks),
keywords honoured or refused by name, errors where numpy raises."""

from __future__ import annotations

import numpy as np
import pytest

import dualdiff as dd
from shape_checks import check_modes, same, same_list

RNG = np.random.default_rng(3)
A = RNG.normal(size=(3, 4))
B = RNG.normal(size=(2, 4))
C = RNG.normal(size=(2, 3, 4))
V = RNG.normal(size=5)


def dual(x):
    return dd.Dual(x, np.ones(np.shape(x)))


# ---------------------------------------------------------------------------
# repeat and tile
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("x, repeats, axis", [
    (A, 2, None), (A, 2, 0), (A, 3, 1), (A, 2, -1), (A, 1, 0), (A, 0, 1), (A, [1, 0, 2], 0),
    (A, [2, 1, 0, 3], 1), (A, [2], 0), (A, np.array(2), None), (V, [1, 2, 3, 0, 1], None),
    (C, 2, 1), (1.5, 3, None), (np.zeros((0, 3)), 2, 0),
])
def test_repeat(x, repeats, axis):
    same(dd.repeat(x, repeats, axis), np.repeat(x, repeats, axis))
    same(np.repeat(dual(np.asarray(x, float)), repeats, axis), np.repeat(x, repeats, axis))
    if np.size(x):
        check_modes(lambda v: dd.repeat(v, repeats, axis), x)


def test_repeat_errors_are_numpys():
    with pytest.raises(ValueError):
        dd.repeat(dual(A), [1, 2], axis=0)
    with pytest.raises(ValueError):
        dd.repeat(dual(A), -1)
    with pytest.raises(TypeError):
        dd.repeat(dual(A), 1.5)
    with pytest.raises(np.exceptions.AxisError):
        dd.repeat(dual(A), 2, axis=2)


@pytest.mark.parametrize("x, reps", [
    (A, 2), (A, (2, 1)), (A, (1, 3)), (A, (2, 1, 2)), (C, (2, 1)), (V, (2, 3)), (V, 0),
    (1.5, (2, 3)), (A, (1, 1)), (A, (0, 2)),
])
def test_tile(x, reps):
    same(dd.tile(x, reps), np.tile(x, reps))
    same(np.tile(dual(np.asarray(x, float)), reps), np.tile(x, reps))
    if np.size(np.tile(x, reps)):
        check_modes(lambda v: dd.tile(v, reps), x)


# ---------------------------------------------------------------------------
# Joining
# ---------------------------------------------------------------------------

JOINS = [
    (np.vstack, dd.vstack, [A, B]), (np.vstack, dd.vstack, [V, V]),
    (np.vstack, dd.vstack, [1.0, 2.0]),
    (np.vstack, dd.vstack, [C, C]), (np.hstack, dd.hstack, [A, A[:, :2]]),
    (np.hstack, dd.hstack, [V, V[:2]]), (np.hstack, dd.hstack, [1.0, V]),
    (np.hstack, dd.hstack, [C, C[:, :1]]), (np.dstack, dd.dstack, [A, A]),
    (np.dstack, dd.dstack, [V, V]), (np.dstack, dd.dstack, [C, C[..., :1]]),
    (np.column_stack, dd.column_stack, [V, V]), (np.column_stack, dd.column_stack, [A, A[:, 0]]),
    (np.column_stack, dd.column_stack, [1.0, 2.0]),
]


@pytest.mark.parametrize("ours_numpy", range(len(JOINS)))
def test_joins(ours_numpy):
    theirs, ours, xs = JOINS[ours_numpy]
    same(ours(xs), theirs(xs))
    same(theirs([dual(np.asarray(x, float)) for x in xs]), theirs(xs))
    check_modes(lambda *v: ours(list(v)), *xs)


def test_vstack_of_one_array_iterates_over_it_as_numpy():
    same(dd.vstack(V), np.vstack(V))
    same(np.vstack(dual(V)), np.vstack(V))
    check_modes(dd.vstack, V)


def test_row_stack_is_vstack():
    same(dd.row_stack([A, B]), np.vstack([A, B]))
    check_modes(lambda a, b: dd.row_stack([a, b]), A, B)


def test_join_keywords():
    same(np.vstack([dual(A), B], dtype=np.float32), np.vstack([A, B]))
    for f in (np.vstack, np.hstack):
        with pytest.raises(TypeError, match=rf"numpy\.{f.__name__}\(\.\.\., dtype=\.\.\.\)"):
            f([dual(A), A], dtype=np.int64)
        with pytest.raises(TypeError, match=rf"numpy\.{f.__name__}\(\.\.\., casting=\.\.\.\)"):
            f([dual(A), A], casting="unsafe")
    with pytest.raises(TypeError, match="sequence"):
        dd.vstack(x for x in [A, A])


@pytest.mark.parametrize("arr, values, axis", [
    (V, 2.0, None), (A, B, 0), (A, A[:, :1], 1), (A, V, None), ([1.0, 2.0], [[3.0]], None),
])
def test_append(arr, values, axis):
    same(dd.append(arr, values, axis), np.append(arr, values, axis))
    check_modes(lambda a, b: dd.append(a, b, axis), arr, values)


def test_block():
    xs = [[A, A[:, :1]], [B, B[:, :1]]]
    same(dd.block(xs), np.block(xs))
    same(dd.block([V, 1.0]), np.block([V, 1.0]))
    same(dd.block(2.0), np.block(2.0))
    same(dd.block([[1.0], [2.0]]), np.block([[1.0], [2.0]]))
    same(np.block([[dual(A)], [B]]), np.block([[A], [B]]))
    check_modes(lambda a, b: dd.block([[a, a[:, :1]], [b, b[:, :1]]]), A, B)
    with pytest.raises(TypeError, match="tuple"):
        dd.block((A, A))
    with pytest.raises(ValueError, match="depths"):
        dd.block([A, [A]])
    with pytest.raises(ValueError, match="empty"):
        dd.block([])


def test_broadcast_arrays():
    out = dd.broadcast_arrays(A, V[:4], 1.5)
    assert isinstance(out, tuple)
    same_list(out, np.broadcast_arrays(A, V[:4], 1.5))
    same_list(np.broadcast_arrays(dual(A), V[:1], subok=True), np.broadcast_arrays(A, V[:1]))
    check_modes(lambda a, v: dd.broadcast_arrays(a, v), A, V[:4])


# ---------------------------------------------------------------------------
# Splitting
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("fn, x, spec, axis", [
    ("split", A, 3, 0), ("split", A, 2, 1), ("split", A, [1, 3], 1), ("split", A, [], 0),
    ("split", A, [-2, 10], 1), ("split", C, [1], -1), ("array_split", A, 2, 0),
    ("array_split", A, 3, 1), ("array_split", V, 3, 0), ("array_split", V, 7, 0),
    ("array_split", A, [3, 1], 1),
])
def test_split(fn, x, spec, axis):
    ours, theirs = getattr(dd, fn), getattr(np, fn)
    same_list(ours(x, spec, axis), theirs(x, spec, axis))
    same_list(theirs(dual(x), spec, axis), theirs(x, spec, axis))
    check_modes(lambda v: ours(v, spec, axis), x)


@pytest.mark.parametrize("fn, x, spec", [
    ("hsplit", A, 2), ("hsplit", V, [2]), ("vsplit", A, [1]), ("dsplit", C, 2), ("hsplit", C, 3),
])
def test_hsplit_vsplit_dsplit(fn, x, spec):
    ours, theirs = getattr(dd, fn), getattr(np, fn)
    same_list(ours(x, spec), theirs(x, spec))
    check_modes(lambda v: ours(v, spec), x)


def test_split_errors():
    with pytest.raises(ValueError, match="equal division"):
        dd.split(dual(A), 2)
    with pytest.raises(ValueError, match="larger than 0"):
        dd.array_split(dual(A), 0)
    with pytest.raises(ValueError, match="dimensions"):
        dd.vsplit(dual(V), 1)
    with pytest.raises(ValueError, match="dimensions"):
        dd.dsplit(dual(A), 1)
    with pytest.raises(ValueError):
        dd.hsplit(1.0, 1)


# ---------------------------------------------------------------------------
# roll, flip, rot90, rollaxis
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("x, shift, axis", [
    (A, 1, None), (A, -2, None), (A, 2, 1), (A, 7, 0), (A, -1, -1), (A, (1, 2), (0, 1)),
    (A, (1, 1), (1, 1)), (A, 2, (0, 1)), (A, (1, 2), None), (A, (1, -1), 0),
    (C, (1, 5, -2), (2, 0, 1)),
    (V, 0, 0), (V, 5, 0),
])
def test_roll(x, shift, axis):
    same(dd.roll(x, shift, axis), np.roll(x, shift, axis))
    same(np.roll(dual(x), shift, axis), np.roll(x, shift, axis))
    check_modes(lambda v: dd.roll(v, shift, axis), x)


def test_roll_errors():
    with pytest.raises(ValueError):
        dd.roll(dual(A), (1, 2, 3), (0, 1))
    with pytest.raises(np.exceptions.AxisError):
        dd.roll(dual(A), 1, 2)


@pytest.mark.parametrize("x, axis", [(A, None), (A, 0), (A, 1), (A, -1), (A, (0, 1)), (C, (0, 2)),
                                     (V, None), (C, ())])
def test_flip(x, axis):
    same(dd.flip(x, axis), np.flip(x, axis))
    check_modes(lambda v: dd.flip(v, axis), x)


@pytest.mark.parametrize("x", [A, C])
def test_fliplr_flipud(x):
    same(dd.fliplr(x), np.fliplr(x))
    same(dd.flipud(x), np.flipud(x))
    check_modes(dd.fliplr, x)
    check_modes(dd.flipud, x)
    same(dd.flipud(V), np.flipud(V))
    with pytest.raises(ValueError, match="2-d"):
        dd.fliplr(dual(V))
    with pytest.raises(ValueError, match="1-d"):
        dd.flipud(1.0)


@pytest.mark.parametrize("k", [-3, -1, 0, 1, 2, 3, 4, 5])
@pytest.mark.parametrize("x, axes", [(A, (0, 1)), (A, (1, 0)), (C, (0, 2)), (C, (2, 1)),
                                     (C, (-1, 0))])
def test_rot90(k, x, axes):
    same(dd.rot90(x, k, axes), np.rot90(x, k, axes))
    same(np.rot90(dual(x), k, axes), np.rot90(x, k, axes))
    if k in (1, 2, 3):
        check_modes(lambda v: dd.rot90(v, k, axes), x, second=k == 1)


def test_rot90_errors():
    for axes in [(0, 0), (0, 1, 2), (0, 2), (0, -2)]:
        with pytest.raises(ValueError):
            dd.rot90(dual(A), 1, axes)


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
@pytest.mark.parametrize("start", [0, 1, 2, 3, -1, -3])
def test_rollaxis(axis, start):
    same(dd.rollaxis(C, axis, start), np.rollaxis(C, axis, start))
    check_modes(lambda v: dd.rollaxis(v, axis, start), C, second=False)


def test_rollaxis_errors():
    with pytest.raises(np.exceptions.AxisError):
        dd.rollaxis(dual(C), 0, 4)
    with pytest.raises(np.exceptions.AxisError):
        dd.rollaxis(dual(C), 3)


# ---------------------------------------------------------------------------
# pad
# ---------------------------------------------------------------------------

WIDTHS = [0, 3, (3,), (3, 2), ((3, 2),), ((1, 2), (3, 4)), ((0, 0), (0, 0)),
          np.array([[1, 0], [0, 2]])]


@pytest.mark.parametrize("pad_width", WIDTHS, ids=str)
@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric", "wrap"])
def test_pad_modes_and_width_forms(pad_width, mode):
    same(dd.pad(A, pad_width, mode), np.pad(A, pad_width, mode))
    same(np.pad(dual(A), pad_width, mode), np.pad(A, pad_width, mode))
    check_modes(lambda v: dd.pad(v, pad_width, mode), A, second=mode == "reflect")


@pytest.mark.parametrize("mode", ["reflect", "symmetric", "wrap", "edge"])
def test_pad_wider_than_the_axis(mode):
    x = RNG.normal(size=(2, 3))
    same(dd.pad(x, ((5, 7), (4, 0)), mode), np.pad(x, ((5, 7), (4, 0)), mode))
    check_modes(lambda v: dd.pad(v, ((5, 7), (4, 0)), mode), x, second=False)
    same(dd.pad(V[:1], 3, mode), np.pad(V[:1], 3, mode))


@pytest.mark.parametrize("mode", ["reflect", "symmetric"])
@pytest.mark.parametrize("pad_width", [2, ((1, 6), (0, 3)), ((4, 4), (5, 1))])
def test_pad_odd_reflection(mode, pad_width):
    x = RNG.normal(size=(3, 4))
    want = np.pad(x, pad_width, mode, reflect_type="odd")
    np.testing.assert_allclose(dd.pad(x, pad_width, mode, reflect_type="odd"), want,
                               rtol=1e-13, atol=1e-13)
    check_modes(lambda v: dd.pad(v, pad_width, mode, reflect_type="odd"), x)
    same(dd.pad(x, pad_width, mode, reflect_type="even"), np.pad(x, pad_width, mode))


@pytest.mark.parametrize("constant_values", [1.5, (1.0, 2.0), ((1.0, 2.0), (3.0, 4.0)),
                                             ((5.0,), (6.0,)), np.array([[1.0, 2.0], [3.0, 4.0]])],
                         ids=str)
def test_pad_constant_values(constant_values):
    pw = ((1, 2), (2, 1))
    same(dd.pad(A, pw, constant_values=constant_values),
         np.pad(A, pw, constant_values=constant_values))
    same(np.pad(dual(A), pw, "constant", constant_values=constant_values),
         np.pad(A, pw, constant_values=constant_values))


def test_pad_constant_values_carry_derivatives():
    pw = ((1, 2), (2, 1))
    check_modes(lambda v, c: dd.pad(v, pw, constant_values=c), A, 0.3)
    # one value per axis and side: numpy fills the corners with the later axis' value
    check_modes(lambda v, a, b, c, d: dd.pad(v, pw, constant_values=((a, b), (c, d))),
                A, 0.1, 0.2, 0.3, 0.4)
    value = dd.pad(A, pw, constant_values=((dual(0.1), 0.2), (0.3, dual(0.4))))
    same(value, np.pad(A, pw, constant_values=((0.1, 0.2), (0.3, 0.4))))
    check_modes(lambda c: dd.pad(A, 1, constant_values=c), np.array([0.5, -0.5]))


def test_pad_refusals_and_errors():
    for mode in ["mean", "median", "maximum", "minimum", "linear_ramp", "empty", lambda *a: None]:
        with pytest.raises(TypeError, match=r"numpy\.pad\(\.\.\., mode=\.\.\.\)"):
            np.pad(dual(A), 1, mode)
    with pytest.raises(ValueError, match="not supported"):
        dd.pad(dual(A), 1, "clip")
    with pytest.raises(ValueError, match="unsupported keyword"):
        dd.pad(dual(A), 1, "edge", constant_values=1.0)
    with pytest.raises(ValueError, match="unsupported keyword"):
        dd.pad(dual(A), 1, "reflect", stat_length=2)
    with pytest.raises(TypeError, match="integral"):
        dd.pad(dual(A), 1.5)
    with pytest.raises(ValueError, match="negative"):
        dd.pad(dual(A), -1)
    with pytest.raises(ValueError, match="empty axis"):
        dd.pad(np.zeros((0, 2)), 1, "edge")
    same(dd.pad(np.zeros((0, 2)), 1), np.pad(np.zeros((0, 2)), 1))


# ---------------------------------------------------------------------------
# ravel, atleast_*d, copy and the methods
# ---------------------------------------------------------------------------

LAYOUTS = {"C": lambda a: a[:12].reshape(3, 4),
           "F": lambda a: np.asfortranarray(a[:12].reshape(3, 4)),
           "T": lambda a: a.reshape(2, 3, 4).transpose(2, 0, 1),
           "rev": lambda a: a[:12].reshape(3, 4)[::-1, ::2],
           "bcast": lambda a: np.broadcast_to(a[:4], (3, 4))}


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("order", ["C", "F", "A", "K"])
def test_ravel_orders_follow_the_primal_layout(layout, order):
    """The tangent is read in the order the values are: the same layout built on positions
    says where each raveled entry comes from."""
    make = LAYOUTS[layout]
    base, base_t = RNG.normal(size=24), RNG.normal(size=24)
    x, t = make(base), make(base_t)
    source = np.ravel(make(np.arange(24)), order)
    out = dd.ravel(dd.Dual(x, t), order)
    same(out.value, np.ravel(x, order))
    np.testing.assert_array_equal(out.value, base[source])
    np.testing.assert_array_equal(out.tangent, base_t[source])
    same(dd.Dual(x, t).flatten(order), x.flatten(order))


def test_ravel_derivatives_and_errors():
    check_modes(dd.ravel, C)
    check_modes(lambda v: dd.ravel(v, "F"), C)
    same(dd.ravel(2.0), np.ravel(2.0))
    with pytest.raises(ValueError, match="order"):
        dd.ravel(dual(A), "X")


@pytest.mark.parametrize("fn", ["atleast_1d", "atleast_2d", "atleast_3d"])
@pytest.mark.parametrize("x", [1.5, V, A, C, RNG.normal(size=(2, 1, 3, 2))],
                         ids=lambda x: str(np.shape(x)))
def test_atleast(fn, x):
    ours, theirs = getattr(dd, fn), getattr(np, fn)
    same(ours(x), theirs(x))
    check_modes(ours, x)
    several = ours(x, V, 2.0)
    assert isinstance(several, tuple)
    same_list(several, theirs(x, V, 2.0))


def test_copy():
    d = dual(A)
    assert dd.copy(d) is d
    assert np.copy(d) is d
    assert d.copy() is d
    plain = dd.copy(A)
    assert plain is not A and np.array_equal(plain, A)
    same(dd.copy([1, 2]), [1.0, 2.0])
    for order in ("C", "F", "A", "K"):
        same(np.copy(d, order=order).value, A)
        assert dd.copy(A, order=order).flags["F_CONTIGUOUS" if order == "F" else "C_CONTIGUOUS"]
    with pytest.raises(ValueError, match="order"):
        dd.copy(d, order="X")
    check_modes(dd.copy, A)


def test_methods():
    d = dual(A)
    same(d.ravel(), A.ravel())
    same(d.flatten(), A.flatten())
    same(d.flatten("F"), A.flatten("F"))
    same(d.copy(), A)
    same(d.repeat(2), A.repeat(2))
    same(d.repeat([1, 2, 0], axis=0), A.repeat([1, 2, 0], axis=0))
    check_modes(lambda v: v.repeat(2, axis=1).flatten(), A)


def test_indexing_a_scalar_value_adds_axes_as_numpy():
    """``x[None]`` of a 0-d value has shape (1,) as in numpy; it raised "'float' object is not
    subscriptable" because a scalar box holds a Python float. Checked against finite
    differences in every mode (check_modes)."""
    for index in (None, (None, None), (Ellipsis, None), ()):
        same(dd.primal(dd.getitem(dd.Dual(1.5, 1.0), index)), np.asarray(1.5)[index])
    check_modes(lambda v: dd.getitem(v, None) * v, 1.5)
    check_modes(lambda v: dd.sin(dd.getitem(v, (None, None)) * np.arange(1.0, 4.0)), -0.7)
    check_modes(lambda v: np.squeeze(dd.getitem(v, (Ellipsis, None))) ** 3, 0.4)
    # as users write it, on the scalar a transformation passes in: d/dx sum(sin(x * [1,2,3])) at -0.7
    expected = np.sum(np.arange(1.0, 4.0) * np.cos(-0.7 * np.arange(1.0, 4.0)))
    for transform in (dd.grad, dd.jacfwd, dd.jacrev):
        got = transform(lambda x: np.sum(np.sin(x[None] * np.arange(1.0, 4.0))))(-0.7)
        assert abs(got - expected) <= 1e-14
