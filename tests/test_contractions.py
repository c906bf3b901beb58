"""einsum, tensordot, inner, outer, vdot, kron, cross and numpy.dot above two dimensions.

Values against numpy (relative 1e-13); derivatives by ``modes_vs_fd.check_modes``: jacfwd
(batched) and jacrev against five-point finite differences (tolerance 1e-7), second order
forward-over-reverse and forward-over-forward against each other and against five-point
differences of the gradient (1e-6); closed forms where they exist; every keyword honoured or
refused; numpy's errors for malformed subscripts.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import dualdiff as dd
from dualdiff.finite_diff import check_grads
from modes_vs_fd import check_modes

RNG = np.random.default_rng(2024)


def R(*shape):
    return RNG.normal(size=shape) if shape else float(RNG.normal())


def same_value(ours, theirs):
    assert np.shape(ours) == np.shape(theirs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-13)


# ---------------------------------------------------------------------------
# einsum: a battery of subscripts
# ---------------------------------------------------------------------------

EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),             # matrix product
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),    # batched matrix product
    ("ii", [(3, 3)]),                            # trace (implicit: i appears twice)
    ("ii->", [(3, 3)]),                          # trace (explicit)
    ("ii->i", [(3, 3)]),                         # diagonal
    ("iij->j", [(3, 3, 2)]),                     # traces of a stack
    ("iji->ij", [(2, 3, 2)]),                    # a diagonal kept in the output
    ("i,j->ij", [(3,), (4,)]),                   # outer product
    ("i,i", [(4,)] * 2),                         # inner product, implicit
    ("ij", [(2, 3)]),                            # implicit identity
    ("ba", [(2, 3)]),                            # implicit output is sorted: a transpose
    ("ij,jk", [(2, 3), (3, 4)]),                 # implicit matrix product
    ("ij->", [(2, 3)]),                          # full sum
    ("ijk->ki", [(2, 3, 2)]),                    # sum over an index and transpose
    ("ij,k", [(3, 4), (3,)]),                    # no shared index: outer, implicit
    ("k,nk->", [(5,), (4, 5)]),                  # naked sum
    ("ijj,k->", [(2, 3, 3), (4,)]),              # repeated and output-free indices
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),  # three operands
    ("ijk,lji,lli->lki", [(3, 4, 4), (4, 4, 3), (4, 4, 3)]),
    ("...ij,...jk", [(2, 2, 3), (3, 4)]),        # ellipsis, implicit, broadcast ranks
    ("...ij,...jk->...ik", [(1, 2, 3), (4, 3, 2)]),  # ellipsis with a size-1 axis broadcast
    ("ij,ij->ij", [(1, 3), (2, 3)]),             # a named size-1 axis broadcast (numpy does)
    ("jk...,lj...->lk...", [(3, 2), (2, 3, 4)]),  # trailing ellipsis
    ("j...k,lj...->lk...", [(2, 2, 2), (2, 2)]),  # ellipsis in the middle
    ("...,...->...", [(3, 4, 4), (4, 4)]),
    (",ij->ij", [(), (2, 3)]),                   # a scalar operand
    ("i->", [(5,)]),
]


@pytest.mark.parametrize("spec, shapes", EINSUM_CASES, ids=[c[0] for c in EINSUM_CASES])
def test_einsum_values_and_derivatives(spec, shapes):
    ops = [R(*s) for s in shapes]
    same_value(dd.einsum(spec, *ops), np.einsum(spec, *ops))
    check_modes(lambda *o: dd.einsum(spec, *o), ops)


@pytest.mark.parametrize("spec, shapes", EINSUM_CASES[:8], ids=[c[0] for c in EINSUM_CASES[:8]])
def test_einsum_through_numpy_dispatch_and_check_grads(spec, shapes):
    ops = [R(*s) for s in shapes]
    check_grads(lambda *o: np.einsum(spec, *o), tuple(ops), order=2)


def test_einsum_sublist_form():
    a, b, c = R(2, 3), R(3, 4), R(2, 2, 3)
    same_value(dd.einsum(a, [0, 1], b, [1, 2], [0, 2]), np.einsum(a, [0, 1], b, [1, 2], [0, 2]))
    same_value(dd.einsum(a, [0, 1], b, [1, 2]), np.einsum(a, [0, 1], b, [1, 2]))
    same_value(dd.einsum(c, [Ellipsis, 0, 1], b, [1, 2], [Ellipsis, 0, 2]),
               np.einsum(c, [Ellipsis, 0, 1], b, [1, 2], [Ellipsis, 0, 2]))
    same_value(dd.einsum(R(3, 3) * 0 + 1, [5, 5]), 3.0)
    check_modes(lambda x, y: dd.einsum(x, (0, 1), y, (1, 2), (2, 0)), [a, b])
    with pytest.raises(ValueError, match=r"\[0, 52\)"):
        dd.einsum(a, [0, 60])


def test_einsum_closed_forms():
    a = R(4, 4)
    np.testing.assert_array_equal(dd.grad(lambda x: dd.einsum("ii", x))(a), np.eye(4))
    np.testing.assert_array_equal(dd.grad(lambda x: dd.einsum("ii->", x))(a), np.eye(4))
    x, y = R(4), R(4)
    np.testing.assert_allclose(dd.grad(lambda u: dd.einsum("i,i", u, y))(x), y, rtol=0, atol=0)
    # d/dx xᵀAx = (A + Aᵀ) x; its Hessian is A + Aᵀ
    np.testing.assert_allclose(dd.grad(lambda u: dd.einsum("i,ij,j", u, a, u))(x),
                               (a + a.T) @ x, rtol=1e-13)
    np.testing.assert_allclose(dd.hessian(lambda u: dd.einsum("i,ij,j", u, a, u))(x), a + a.T,
                               rtol=1e-13)
    # the diagonal's cotangent lands on the diagonal only
    g = dd.vjp(lambda m: dd.einsum("ii->i", m), a)[1](np.arange(1.0, 5.0))[0]
    np.testing.assert_array_equal(g, np.diag(np.arange(1.0, 5.0)))


def test_einsum_zero_sized_operands():
    a, b = R(0, 2, 3), R(0, 3, 4)
    out = dd.einsum("...ij,...jk->...ik", a, b)
    assert out.shape == (0, 2, 4)
    pullback = dd.vjp(lambda x, y: dd.einsum("...ij,...jk->...ik", x, y), a, b)[1]
    ga, gb = pullback(np.zeros((0, 2, 4)))
    assert ga.shape == a.shape and gb.shape == b.shape
    assert dd.jacfwd(lambda x: dd.einsum("ij,jk->ik", x, R(3, 0)))(R(2, 3)).shape == (2, 0, 2, 3)


def test_einsum_scalar_result_is_a_float():
    assert type(dd.einsum("i,i", R(3), R(3))) is float
    value, grad = dd.value_and_grad(lambda x: dd.einsum("ij,ij", x, x))(R(2, 2))
    assert type(value) is float and grad.shape == (2, 2)


@pytest.mark.parametrize("optimize", [False, True, "greedy", "optimal"])
def test_einsum_optimize_is_honoured(optimize):
    ops = [R(2, 3), R(3, 4), R(4, 2)]
    f = lambda *o: dd.einsum("ij,jk,kl->il", *o, optimize=optimize)  # noqa: E731
    same_value(f(*ops), np.einsum("ij,jk,kl->il", *ops))
    check_modes(f, ops)


def test_einsum_optimize_path_is_honoured():
    ops = [R(2, 3), R(3, 4), R(4, 2)]
    path, _ = np.einsum_path("ij,jk,kl->il", *ops, optimize="optimal")
    f = lambda *o: dd.einsum("ij,jk,kl->il", *o, optimize=path)  # noqa: E731
    same_value(f(*ops), np.einsum("ij,jk,kl->il", *ops, optimize=path))
    check_modes(f, ops, second=False)


def test_einsum_large_operands_keep_their_derivatives():
    # above the BLAS threshold the derivative contractions are planned by numpy
    a, b = R(80, 70), R(70, 60)
    g = R(80, 60)
    ga, gb = dd.vjp(lambda x, y: dd.einsum("ij,jk->ik", x, y), a, b)[1](g)
    np.testing.assert_allclose(ga, g @ b.T, rtol=1e-12)
    np.testing.assert_allclose(gb, a.T @ g, rtol=1e-12)
    t = R(80, 70)
    np.testing.assert_allclose(dd.jvp(lambda x: dd.einsum("ij,jk->ik", x, b), (a,), (t,))[1],
                               t @ b, rtol=1e-12)


def test_einsum_keywords():
    a, b = R(2, 3), R(3, 4)
    d = dd.Dual(a, R(2, 3))
    with pytest.raises(TypeError, match=r"numpy\.einsum\(\.\.\., out=\.\.\.\)"):
        dd.einsum("ij,jk->ik", d, b, out=np.empty((2, 4)))
    with pytest.raises(TypeError, match=r"numpy\.einsum\(\.\.\., dtype=\.\.\.\)"):
        np.einsum("ij,jk->ik", d, b, dtype=np.int64)
    for dtype in (np.float64, np.float32, float, None):
        out = np.einsum("ij,jk->ik", d, b, dtype=dtype)
        same_value(out.value, a @ b)
    for casting in ("no", "equiv", "safe", "same_kind", "unsafe"):
        same_value(np.einsum("ij,jk->ik", d, b, casting=casting).value, a @ b)
    for order in ("C", "F", "A", "K"):
        same_value(np.einsum("ij,jk->ik", d, b, order=order).value, a @ b)
    with pytest.raises(ValueError, match="casting must be one of"):
        dd.einsum("ij,jk->ik", d, b, casting="sideways")
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
        dd.einsum("ij,jk->ik", d, b, foo=1)


@pytest.mark.parametrize("spec, shapes", [
    ("ij,jk->ik", [(2, 3)]),                 # fewer operands than terms
    ("ij->ji", [(2, 3), (3,)]),              # more operands than terms
    ("ij->ii", [(2, 3)]),                    # repeated output index
    ("ij->k", [(2, 3)]),                     # output index not in the inputs
    ("ij", [(2, 3, 4)]),                     # too few subscripts, no ellipsis
    ("ijk", [(2, 3)]),                       # too many subscripts
    ("...ij->ij", [(2, 3, 4)]),              # ellipsis dims dropped from the output
    ("ii->i", [(1, 3)]),                     # a diagonal of unequal axes
    ("ij,jk->ik", [(2, 3), (4, 5)]),         # contracted axes of different lengths
    ("i$->i", [(2, 3)]),                     # not a letter
])
def test_einsum_malformed_calls_raise_as_numpy(spec, shapes):
    ops = [R(*s) for s in shapes]
    with pytest.raises(ValueError):
        np.einsum(spec, *ops)
    with pytest.raises(ValueError):
        dd.einsum(spec, *[dd.Dual(o, np.ones_like(o)) for o in ops])


def test_einsum_refuses_complex_boxes():
    with pytest.raises(TypeError):
        dd.jvp(lambda x: dd.einsum("ij,jk->ik", x, R(3, 2)), (R(2, 3) + 1j,), (np.ones((2, 3)),))


def test_einsum_entry_is_in_the_table_and_plain_complex_still_evaluates():
    assert dd.REGISTRY["einsum"].fn is dd.einsum
    a = R(2, 3) + 1j * R(2, 3)
    b = R(3, 2)
    np.testing.assert_allclose(dd.einsum("ij,jk->ik", a, b), a @ b)


# ---------------------------------------------------------------------------
# tensordot, inner, outer, vdot, kron, dot
# ---------------------------------------------------------------------------

TENSORDOT_CASES = [
    ((3, 4), (4, 5), 1), ((2, 3, 4), (3, 4, 2), 2), ((3,), (4,), 0), ((2, 3), (3, 2), [1, 0]),
    ((2, 3, 4), (4, 3, 2), [(1, 2), (1, 0)]), ((2, 6), (6, 3), [[-1], [0]]),
    ((2, 6), (6, 3), [-1, 0]), ((2,), (2, 2), [0, 1]), ((4,), (), 0), ((2, 3), (2, 3), 2),
]


@pytest.mark.parametrize("sa, sb, axes", TENSORDOT_CASES)
def test_tensordot(sa, sb, axes):
    a, b = R(*sa), R(*sb)
    same_value(dd.tensordot(a, b, axes), np.tensordot(a, b, axes))
    check_modes(lambda x, y: np.tensordot(x, y, axes=axes), [a, b])


def test_tensordot_default_axes_and_errors():
    a, b = R(2, 3, 4), R(3, 4, 5)
    same_value(dd.tensordot(a, b), np.tensordot(a, b))
    with pytest.raises(ValueError, match="shape-mismatch"):
        dd.tensordot(R(2, 3), R(4, 5), 1)
    with pytest.raises(ValueError, match="shape-mismatch"):
        dd.tensordot(R(2, 3), R(3, 5), [(1,), (0, 1)])


def test_tensordot_matches_the_matrix_product_closed_form():
    a, b, g = R(6, 5), R(5, 4), R(6, 4)
    ga, gb = dd.vjp(lambda x, y: dd.tensordot(x, y, 1), a, b)[1](g)
    np.testing.assert_allclose(ga, g @ b.T, rtol=1e-13)
    np.testing.assert_allclose(gb, a.T @ g, rtol=1e-13)


@pytest.mark.parametrize("sa, sb", [((), ()), ((), (3,)), ((3,), (3,)), ((2, 3), (3,)),
                                    ((2, 3), (4, 3)), ((2, 2, 3), (3,))])
def test_inner(sa, sb):
    a, b = R(*sa), R(*sb)
    same_value(dd.inner(a, b), np.inner(a, b))
    check_modes(lambda x, y: np.inner(x, y), [a, b])


@pytest.mark.parametrize("sa, sb", [((3,), (4,)), ((2, 3), (2,)), ((), (3,)), ((2, 2), (3, 1))])
def test_outer_flattens(sa, sb):
    a, b = R(*sa), R(*sb)
    same_value(dd.outer(a, b), np.outer(a, b))
    check_modes(lambda x, y: np.outer(x, y), [a, b])
    with pytest.raises(TypeError, match=r"numpy\.outer\(\.\.\., out=\.\.\.\)"):
        dd.outer(dd.Dual(a, np.ones_like(a)), b, out=np.empty((np.size(a), np.size(b))))


@pytest.mark.parametrize("sa, sb", [((4,), (4,)), ((2, 3), (3, 2)), ((2, 2), (4,)), ((), ())])
def test_vdot_flattens(sa, sb):
    a, b = R(*sa), R(*sb)
    same_value(dd.vdot(a, b), np.vdot(a, b))
    check_modes(lambda x, y: np.vdot(x, y), [a, b])
    with pytest.raises(ValueError):
        dd.vdot(R(3), R(4))


@pytest.mark.parametrize("sa, sb", [((2, 2), (3, 3)), ((2,), (3,)), ((2, 1), (1, 3)), ((), (2, 2)),
                                    ((2, 3), ()), ((2,), (2, 3)), ((2, 1, 2), (3, 2))])
def test_kron(sa, sb):
    a, b = R(*sa), R(*sb)
    same_value(dd.kron(a, b), np.kron(a, b))
    check_modes(lambda x, y: np.kron(x, y), [a, b])


@pytest.mark.parametrize("sa, sb", [((2, 2, 3), (2, 3, 4)), ((2, 2, 3), (3,)), ((3,), (2, 3, 4)),
                                    ((2, 3), (2, 3, 4)), ((2, 1, 3), (3, 2)), ((2, 3), (3,))])
def test_dot_above_two_dimensions(sa, sb):
    a, b = R(*sa), R(*sb)
    same_value(dd.dot(a, b), np.dot(a, b))
    check_modes(lambda x, y: np.dot(x, y), [a, b])


def test_dot_refuses_out():
    d = dd.Dual(R(2, 2, 3), np.ones((2, 2, 3)))
    with pytest.raises(TypeError, match=r"numpy\.dot\(\.\.\., out=\.\.\.\)"):
        np.dot(d, R(3), out=np.empty((2, 2)))


# ---------------------------------------------------------------------------
# cross
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("sa, sb", [((3,), (3,)), ((4, 3), (4, 3)), ((4, 3), (3,)),
                                    ((2, 1, 3), (4, 3))])
def test_cross_of_3_vectors(sa, sb):
    a, b = R(*sa), R(*sb)
    same_value(dd.cross(a, b), np.cross(a, b))
    check_modes(lambda x, y: np.cross(x, y), [a, b])


def test_cross_closed_form():
    a, b = R(3), R(3)
    # d(a×b)/da is the matrix of v ↦ v×b, i.e. -[b]ₓ
    bx = np.array([[0, -b[2], b[1]], [b[2], 0, -b[0]], [-b[1], b[0], 0]])
    np.testing.assert_allclose(dd.jacfwd(lambda x: dd.cross(x, b))(a), -bx, rtol=0, atol=0)
    np.testing.assert_allclose(dd.jacrev(lambda y: dd.cross(a, y))(b),
                               np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]]),
                               rtol=0, atol=0)


@pytest.mark.parametrize("kwargs", [dict(axisa=0), dict(axisb=0), dict(axisa=0, axisb=0, axisc=0),
                                    dict(axis=0), dict(axis=-1), dict(axisa=1, axisb=0, axisc=1),
                                    dict(axisc=0), dict(axis=1)])
def test_cross_axes(kwargs):
    a, b = R(3, 3), R(3, 3)
    same_value(dd.cross(a, b, **kwargs), np.cross(a, b, **kwargs))
    check_modes(lambda x, y: np.cross(x, y, **kwargs), [a, b])


@pytest.mark.parametrize("sa, sb", [((2,), (2,)), ((4, 2), (4, 2)), ((2,), (3,)), ((4, 3), (2,))])
def test_cross_of_2_vectors_warns_as_numpy(sa, sb):
    a, b = R(*sa), R(*sb)
    with pytest.warns(DeprecationWarning):
        expected = np.cross(a, b)
    with pytest.warns(DeprecationWarning, match="2-dimensional vectors are deprecated"):
        same_value(dd.cross(a, b), expected)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        check_modes(lambda x, y: dd.cross(x, y), [a, b])


def test_cross_errors_as_numpy():
    for a, b, kwargs in [(R(4), R(3), {}), (R(3), 2.0, {}), (R(3, 3), R(3, 3), dict(axisa=2)),
                         (R(3, 3), R(3, 3), dict(axisc=2))]:
        with pytest.raises((ValueError, np.exceptions.AxisError)):
            np.cross(a, b, **kwargs)
        with pytest.raises((ValueError, np.exceptions.AxisError)):
            dd.cross(a, b, **kwargs)
