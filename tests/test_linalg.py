"""numpy.linalg, part 1: det, slogdet, inv, solve, pinv, matrix_power, lstsq, multi_dot,
tensorinv/tensorsolve, matrix_rank, norms and cond.

Values against numpy; derivatives in forward, reverse, forward-over-forward and
forward-over-reverse mode against five-point finite differences (tolerances in
``linalg_checks``) on well-conditioned inputs and stacks; the closed forms
d log|det A| = tr(A⁻¹dA), d inv(A) = -A⁻¹dA A⁻¹, d solve = A⁻¹(db - dA x);
every keyword; every degenerate-input contract stated in the entries' docs.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import dualdiff as dd
from linalg_checks import assert_close, assert_value, check_modes, five_point

RNG = np.random.default_rng(2024)
A3 = RNG.normal(size=(3, 3)) + 3.0 * np.eye(3)
STACK = RNG.normal(size=(2, 3, 3)) + 3.0 * np.eye(3)
B32 = RNG.normal(size=(3, 2))
B3 = RNG.normal(size=3)
TALL = RNG.normal(size=(4, 3))
WIDE = RNG.normal(size=(3, 4))
X34 = RNG.normal(size=(3, 4))
LinAlgError = np.linalg.LinAlgError


def cofactors(a: np.ndarray) -> np.ndarray:
    """The cofactor matrix adj(A)ᵀ from minors (an independent reference)."""
    n = a.shape[0]
    c = np.empty_like(a)
    for i in range(n):
        for j in range(n):
            minor = np.delete(np.delete(a, i, axis=0), j, axis=1)
            c[i, j] = (-1) ** (i + j) * np.linalg.det(minor)
    return c


# ---------------------------------------------------------------------------
# Values and derivatives in every mode
# ---------------------------------------------------------------------------

CASES = [
    ("det", np.linalg.det, (A3,)),
    ("det stack", np.linalg.det, (RNG.normal(size=(2, 3, 3)),)),
    ("slogdet", lambda a: np.linalg.slogdet(a)[1], (STACK,)),
    ("slogdet negative det", lambda a: np.linalg.slogdet(a).logabsdet, (-A3[::-1],)),
    ("inv stack", np.linalg.inv, (STACK,)),
    ("solve matrix rhs", np.linalg.solve, (A3, B32)),
    ("solve vector rhs", np.linalg.solve, (A3, B3)),
    ("solve stack, vector rhs", np.linalg.solve, (STACK, B3)),
    ("solve stack, stacked rhs", np.linalg.solve, (STACK, RNG.normal(size=(2, 3, 2)))),
    ("solve broadcast a", np.linalg.solve, (A3, RNG.normal(size=(2, 3, 2)))),
    ("solve broadcast b", np.linalg.solve, (STACK, B32)),
    ("pinv tall", np.linalg.pinv, (TALL,)),
    ("pinv wide stack", np.linalg.pinv, (RNG.normal(size=(2, 3, 4)),)),
    ("pinv hermitian", lambda a: np.linalg.pinv(a, hermitian=True), (A3,)),
    ("pinv rcond", lambda a: np.linalg.pinv(a, rcond=1e-3), (TALL,)),
    ("pinv rtol", lambda a: np.linalg.pinv(a, rtol=1e-3), (WIDE,)),
    ("matrix_power 5", lambda a: np.linalg.matrix_power(a, 5), (A3 / 3.0,)),
    ("matrix_power 2 stack", lambda a: np.linalg.matrix_power(a, 2), (STACK,)),
    ("matrix_power -3", lambda a: np.linalg.matrix_power(a, -3), (A3,)),
    ("lstsq x", lambda a, b: np.linalg.lstsq(a, b)[0], (TALL, RNG.normal(size=(4, 2)))),
    ("lstsq residuals", lambda a, b: np.linalg.lstsq(a, b)[1], (TALL, RNG.normal(size=4))),
    ("lstsq singular values", lambda a, b: np.linalg.lstsq(a, b)[3], (TALL, RNG.normal(size=4))),
    ("lstsq underdetermined", lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0], (WIDE, B3)),
    ("multi_dot", lambda a, b, c, d: np.linalg.multi_dot([a, b, c, d]),
     (RNG.normal(size=3), RNG.normal(size=(3, 5)), RNG.normal(size=(5, 2)), RNG.normal(size=2))),
    ("tensorinv", lambda a: np.linalg.tensorinv(a, ind=1),
     ((RNG.normal(size=(6, 6)) + 6.0 * np.eye(6)).reshape(6, 2, 3),)),
    ("tensorsolve", lambda a, b: np.linalg.tensorsolve(a, b, axes=(0,)),
     ((RNG.normal(size=(6, 6)) + 6.0 * np.eye(6)).reshape(6, 2, 3), RNG.normal(size=(2, 3)))),
    ("cond", np.linalg.cond, (A3,)),
    ("cond -2", lambda a: np.linalg.cond(a, -2), (STACK,)),
    ("cond 1", lambda a: np.linalg.cond(a, 1), (A3,)),
    ("cond fro", lambda a: np.linalg.cond(a, "fro"), (A3,)),
]


@pytest.mark.parametrize("name, f, args", CASES, ids=[c[0] for c in CASES])
def test_derivatives_in_every_mode(name, f, args):
    check_modes(f, *args)


@pytest.mark.parametrize("name, f, args", CASES, ids=[c[0] for c in CASES])
def test_values_match_numpy(name, f, args):
    boxed = [dd.Dual(a, np.zeros_like(a)) for a in args]
    assert_value(f(*boxed), f(*args), rtol=1e-11)


def test_namedtuples_and_plain_parts():
    s = np.linalg.slogdet(dd.Dual(-A3[::-1], np.ones((3, 3))))
    assert type(s) is type(np.linalg.slogdet(A3)) and s.sign == np.linalg.slogdet(-A3[::-1])[0]
    assert isinstance(s.logabsdet, dd.Dual) and not isinstance(s.sign, dd.Box)
    x, residuals, rank, sv = np.linalg.lstsq(dd.Dual(TALL, np.ones((4, 3))), B3 @ TALL.T)
    want = np.linalg.lstsq(TALL, B3 @ TALL.T)
    assert type(rank) is int and rank == want[2] == 3
    assert_value((x, residuals, sv), (want[0], want[1], want[3]), atol=1e-10)
    assert np.linalg.matrix_rank(dd.Dual(TALL, np.ones((4, 3)))) == 3


def test_every_function_is_reachable_by_name_and_through_numpy():
    for name in ["det", "slogdet", "inv", "solve", "pinv", "matrix_power", "lstsq", "multi_dot",
                 "tensorinv", "tensorsolve", "matrix_rank", "norm", "vector_norm",
                 "matrix_norm", "cond"]:
        assert callable(getattr(dd, name)), name
    x = dd.Dual(A3, np.eye(3))
    assert isinstance(np.linalg.matmul(x, A3), dd.Dual)
    np.testing.assert_allclose(dd.det(x).tangent, np.linalg.det(x).tangent)


# ---------------------------------------------------------------------------
# Closed forms
# ---------------------------------------------------------------------------

def test_log_det_gradient_and_hessian_closed_forms():
    inv = np.linalg.inv(A3)
    np.testing.assert_allclose(dd.grad(lambda a: dd.slogdet(a)[1])(A3), inv.T, rtol=1e-12)
    # d²/dA_ij dA_kl log|det A| = -(A⁻¹)_jk (A⁻¹)_li
    want = -np.einsum("jk,li->ijkl", inv, inv)
    np.testing.assert_allclose(dd.hessian(lambda a: dd.slogdet(a)[1])(A3), want, atol=1e-12)
    np.testing.assert_allclose(dd.jacfwd(dd.jacfwd(lambda a: dd.slogdet(a)[1]))(A3), want,
                               atol=1e-12)


def test_det_gradient_is_the_cofactor_matrix():
    np.testing.assert_allclose(dd.grad(dd.det)(A3), cofactors(A3), rtol=1e-11)
    e = RNG.normal(size=(3, 3))
    np.testing.assert_allclose(dd.jvp(dd.det, (A3,), (e,))[1],
                               np.linalg.det(A3) * np.trace(np.linalg.solve(A3, e)), rtol=1e-11)


def test_inverse_and_solve_closed_forms():
    e = RNG.normal(size=(3, 3))
    inv = np.linalg.inv(A3)
    np.testing.assert_allclose(dd.jvp(dd.inv, (A3,), (e,))[1], -inv @ e @ inv, rtol=1e-11)
    db = RNG.normal(size=(3, 2))
    x = np.linalg.solve(A3, B32)
    _, dx = dd.jvp(dd.solve, (A3, B32), (e, db))
    np.testing.assert_allclose(dx, np.linalg.solve(A3, db - e @ x), rtol=1e-11)
    g = RNG.normal(size=(3, 2))
    ga, gb = dd.vjp(dd.solve, A3, B32)[1](g)
    np.testing.assert_allclose(gb, np.linalg.solve(A3.T, g), rtol=1e-11)
    np.testing.assert_allclose(ga, -np.linalg.solve(A3.T, g) @ x.T, rtol=1e-11)


def test_solve_follows_numpy2_rule_for_vector_rhs():
    # b of shape (3,) is a vector; b of shape (2, 3) is a matrix (M=2 rows), as in numpy >= 2
    a = dd.Dual(STACK, np.ones_like(STACK))
    assert np.linalg.solve(a, B3).shape == (2, 3)
    assert np.linalg.solve(a, B32).shape == (2, 3, 2)
    with pytest.raises(ValueError):
        np.linalg.solve(a, RNG.normal(size=(2, 3)))  # numpy raises too: (2, 3) is a matrix
    with pytest.raises(ValueError):
        np.linalg.solve(STACK, RNG.normal(size=(2, 3)))


def test_pinv_closed_form_for_full_column_rank():
    # pinv(A) = (AᵀA)⁻¹Aᵀ for full column rank: its derivative through solve must agree
    e = RNG.normal(size=TALL.shape)
    direct = dd.jvp(dd.pinv, (TALL,), (e,))[1]
    through = dd.jvp(lambda a: dd.solve(a.T @ a, a.T), (TALL,), (e,))[1]
    np.testing.assert_allclose(direct, through, rtol=1e-10, atol=1e-12)


# ---------------------------------------------------------------------------
# Degenerate inputs
# ---------------------------------------------------------------------------

EXACTLY_SINGULAR = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 1.0, 1.0]])


def singular(rank: int, n: int = 3, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, rank)) @ rng.normal(size=(rank, n))


def test_det_derivative_at_singular_matrices_is_the_finite_adjugate():
    a1 = singular(2)
    assert abs(np.linalg.det(a1)) < 1e-12
    for g in (dd.grad(dd.det)(a1), dd.jacfwd(dd.det)(a1)):
        assert np.all(np.isfinite(g))
        np.testing.assert_allclose(g, cofactors(a1), atol=1e-12)
    np.testing.assert_array_equal(dd.grad(dd.det)(np.zeros((3, 3))), np.zeros((3, 3)))
    np.testing.assert_allclose(dd.grad(dd.det)(singular(1)), np.zeros((3, 3)), atol=1e-12)
    check_modes(dd.det, a1)  # rank n-1 with distinct singular values: second order too


def det_hessian(a: np.ndarray) -> np.ndarray:
    """The Hessian of det from numpy's det alone: det(A + s·E_ij + t·E_kl) is affine in s
    and in t (rank-one updates), so its mixed partial is exactly p(1,1)-p(1,0)-p(0,1)+p(0,0)."""
    n = a.shape[0]
    e = np.eye(n * n).reshape(n * n, n, n)
    h = np.array([[np.linalg.det(a + e[p] + e[q]) - np.linalg.det(a + e[p])
                   - np.linalg.det(a + e[q]) + np.linalg.det(a) for q in range(n * n)]
                  for p in range(n * n)])
    return h.reshape(n, n, n, n)


@pytest.mark.parametrize("a", [np.diag([1.0, 1.0, 0.0]), np.diag([1.0, 0.0, 0.0]), np.zeros((2, 2)),
                               np.zeros((3, 3)), np.diag([2.0, 3.0, 0.0, 0.0]), np.ones((3, 3))],
                         ids=["rank2-repeated", "rank1", "zero2", "zero3", "rank2of4", "ones"])
def test_det_second_derivative_at_singular_matrices_is_exact_in_every_mode(a):
    """Repeated singular values (rank n-2 or less, or a repeated nonzero one) used to give NaN
    forward over reverse and a silently wrong Hessian reverse over reverse (0 at diag(1, 0, 0),
    the diagonal only at the 2x2 zero matrix); cofactors make every order exact."""
    expected = det_hessian(a)
    for h in (dd.hessian(dd.det), dd.jacrev(dd.jacrev(dd.det)), dd.jacrev(dd.jacfwd(dd.det)),
              dd.jacfwd(dd.jacfwd(dd.det)), dd.jit(dd.hessian(dd.det))):
        np.testing.assert_allclose(h(a), expected, rtol=0, atol=1e-12)


def test_det_third_derivative_at_the_zero_matrix_is_the_determinant_form():
    b = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 3.0], [4.0, 0.0, 1.0]])  # det(t·B) = t³ det B
    for d3 in (dd.derivative(lambda t: dd.det(t * b), 3),
               dd.grad(dd.grad(dd.grad(lambda t: dd.det(t * b))))):
        assert d3(0.0) == pytest.approx(6.0 * 25.0, rel=1e-13)


def test_det_second_derivative_at_a_large_rank_deficient_matrix_is_refused():
    a = np.diag([1.0, 2.0, 3.0, 4.0, 0.0, 0.0])
    np.testing.assert_array_equal(dd.grad(dd.det)(a), np.zeros((6, 6)))  # first order exact
    with pytest.raises(LinAlgError, match="det: a derivative of order 2"):
        dd.hessian(dd.det)(a)


def test_slogdet_of_singular_matrix_has_no_derivative():
    a = EXACTLY_SINGULAR
    assert tuple(dd.slogdet(a)) == (0.0, -np.inf)  # the value, as numpy
    with pytest.raises(LinAlgError, match="slogdet: the matrix is singular"):
        dd.jvp(lambda x: dd.slogdet(x)[1], (a,), (np.ones((3, 3)),))
    with pytest.raises(LinAlgError, match="slogdet: the matrix is singular"):
        dd.grad(lambda x: dd.slogdet(x)[1])(a)


@pytest.mark.parametrize("f", [dd.inv, lambda a: dd.solve(a, B3)], ids=["inv", "solve"])
def test_inv_and_solve_of_singular_matrix_raise_like_numpy(f):
    a = EXACTLY_SINGULAR
    with pytest.raises(LinAlgError):
        f(a)
    with pytest.raises(LinAlgError):
        dd.jvp(f, (a,), (np.ones((3, 3)),))
    with pytest.raises(LinAlgError):
        dd.grad(lambda x: dd.sum(f(x)))(a)


def test_pinv_rank_deficient_along_rank_preserving_directions():
    # pinv(XᵀX) with X 2x3: rank 2 whatever X is, so FD along any direction of X keeps the rank
    x = RNG.normal(size=(2, 3))
    check_modes(lambda x: dd.pinv(x.T @ x), x)
    # at the rank-deficient matrix itself, along a rank-preserving direction (U S Vᵀ scaled)
    a = singular(2)
    u, s, vh = np.linalg.svd(a)
    e = u[:, :2] @ RNG.normal(size=(2, 2)) @ vh[:2]
    assert_close(dd.jvp(dd.pinv, (a,), (e,))[1], five_point(np.linalg.pinv, a, e), "pinv")


def test_truncated_pinv_is_differentiated_exactly():
    # cut-offs that discard singular values that are not negligible: V_r S_r⁻¹ U_rᵀ through svd
    s = np.linalg.svd(A3, compute_uv=False)
    assert s[2] < 0.5 * s[0] < s[1] or s[1] < 0.5 * s[0]
    check_modes(lambda a: np.linalg.pinv(a, rtol=0.5), A3)
    check_modes(lambda a: np.linalg.pinv(a, rcond=0.3, hermitian=True), A3)
    stack = np.stack([np.diag([3.0, 2.0, 0.5]), np.diag([3.0, 0.5, 0.4])]) + 0.01 * RNG.normal(
        size=(2, 3, 3))  # the cut-off keeps 2 singular values of one and 1 of the other
    f = lambda a: np.linalg.pinv(a, rcond=np.array([0.3, 0.3]))  # noqa: E731
    assert_value(f(dd.Dual(stack, np.ones_like(stack))), f(stack))
    check_modes(f, stack)


def test_matrix_power_zero_is_a_constant_identity():
    out = dd.matrix_power(dd.Dual(STACK, np.ones_like(STACK)), 0)
    assert not isinstance(out, dd.Box)
    np.testing.assert_array_equal(out, np.broadcast_to(np.eye(3), STACK.shape))
    with pytest.raises(TypeError, match="integer"):
        dd.matrix_power(dd.Dual(A3, np.ones((3, 3))), 1.5)


# ---------------------------------------------------------------------------
# Norms
# ---------------------------------------------------------------------------

VECTOR_ORDS = [None, 2, 1, np.inf, -np.inf, 3, 0.5, -1.5, 0]


@pytest.mark.parametrize("ord", VECTOR_ORDS, ids=str)
@pytest.mark.parametrize("axis, keepdims", [(None, False), (1, False), (-1, True), ((0,), True)])
def test_vector_norms(ord, axis, keepdims):
    x = RNG.uniform(0.5, 2.0, size=(3, 4)) * np.where(RNG.random((3, 4)) < 0.5, -1.0, 1.0)
    if axis is None:
        x = x[0]
    f = lambda v: np.linalg.norm(v, ord=ord, axis=axis, keepdims=keepdims)  # noqa: E731
    assert_value(f(dd.Dual(x, np.ones_like(x))), f(x))
    if ord == 0:
        assert not isinstance(f(dd.Dual(x, np.ones_like(x))), dd.Box)  # a count: no derivative
    else:
        check_modes(f, x)


MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]


@pytest.mark.parametrize("ord", MATRIX_ORDS, ids=str)
@pytest.mark.parametrize("axis, keepdims", [(None, False), ((2, 0), True), ((-3, -1), False)])
def test_matrix_norms(ord, axis, keepdims):
    x = RNG.normal(size=(3, 4)) if axis is None else RNG.normal(size=(3, 2, 4))
    f = lambda v: np.linalg.norm(v, ord=ord, axis=axis, keepdims=keepdims)  # noqa: E731
    assert_value(f(dd.Dual(x, np.ones_like(x))), f(x))
    check_modes(f, x, second=ord not in (1, -1, np.inf, -np.inf))  # those are piecewise linear


def test_vector_norm_and_matrix_norm_keywords():
    x = RNG.normal(size=(2, 3, 4))
    for kw in [{}, {"axis": (0, 2), "ord": 3}, {"axis": 1, "keepdims": True, "ord": np.inf},
               {"axis": (2, 0), "keepdims": True}]:
        f = lambda v: np.linalg.vector_norm(v, **kw)  # noqa: E731, B023
        assert_value(f(dd.Dual(x, np.ones_like(x))), f(x))
        check_modes(f, x, second=False)
    for kw in [{}, {"ord": "nuc", "keepdims": True}, {"ord": -2}]:
        f = lambda v: np.linalg.matrix_norm(v, **kw)  # noqa: E731, B023
        assert_value(f(dd.Dual(x, np.ones_like(x))), f(x))
        check_modes(f, x, second=False)


def test_norm_errors_are_numpys():
    d = dd.Dual(X34, np.ones((3, 4)))
    for kw in [{"ord": "fro", "axis": 0}, {"ord": 3}, {"ord": "nuc", "axis": 1},
               {"axis": (0, 0)}, {"ord": 2, "axis": (0, 1, 2)}]:
        with pytest.raises(Exception) as ours:
            np.linalg.norm(d, **kw)
        with pytest.raises(type(ours.value)):
            np.linalg.norm(X34, **kw)
    with pytest.raises(ValueError, match="Improper number of dimensions"):
        np.linalg.norm(dd.Dual(np.ones((2, 2, 2)), np.ones((2, 2, 2))), ord=2)


def test_two_norm_at_zero_has_derivative_zero_in_every_mode():
    z = np.zeros(3)
    assert dd.norm(dd.Dual(z, np.ones(3))).tangent == 0.0
    np.testing.assert_array_equal(dd.grad(dd.norm)(z), z)
    np.testing.assert_array_equal(dd.hessian(dd.norm)(z), np.zeros((3, 3)))
    np.testing.assert_array_equal(dd.jacfwd(dd.jacfwd(dd.norm))(z), np.zeros((3, 3)))
    # per column: a zero column has gradient 0, the others x/‖x‖
    x = np.array([[0.0, 3.0], [0.0, 4.0]])
    np.testing.assert_allclose(dd.grad(lambda v: dd.sum(dd.norm(v, axis=0)))(x),
                               [[0.0, 0.6], [0.0, 0.8]])
    np.testing.assert_array_equal(dd.grad(lambda v: dd.norm(v, "fro"))(np.zeros((2, 2))),
                                  np.zeros((2, 2)))


def test_norm_gradients_closed_forms():
    x = RNG.normal(size=5)
    np.testing.assert_allclose(dd.grad(dd.norm)(x), x / np.linalg.norm(x), rtol=1e-13)
    assert dd.grad(dd.norm)(-3.0) == -1.0 and dd.norm(dd.Dual(-3.0, 1.0), keepdims=True).value == 3.0
    np.testing.assert_allclose(dd.grad(lambda v: dd.norm(v, 1))(x), np.sign(x))
    p = 3.0
    want = np.sign(x) * np.abs(x) ** (p - 1) / np.linalg.norm(x, p) ** (p - 1)
    np.testing.assert_allclose(dd.grad(lambda v: dd.norm(v, p))(x), want, rtol=1e-12)
    h = dd.hessian(dd.norm)(x)
    r = np.linalg.norm(x)
    np.testing.assert_allclose(h, (np.eye(5) - np.outer(x, x) / r**2) / r, rtol=1e-12)
    u, s, vh = np.linalg.svd(X34, full_matrices=False)
    np.testing.assert_allclose(dd.grad(lambda m: dd.norm(m, "nuc"))(X34), u @ vh, rtol=1e-11)
    np.testing.assert_allclose(dd.grad(lambda m: dd.norm(m, 2))(X34), np.outer(u[:, 0], vh[0]),
                               rtol=1e-11)


def test_nuclear_norm_at_rank_deficient_matrix_is_finite():
    a = singular(2, n=4)[:, :3]  # 4x3 of rank 2: one zero singular value
    g = dd.grad(lambda m: dd.norm(m, "nuc"))(a)
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, u @ vh, atol=1e-10)  # U Vᵀ with numpy's vectors: a subgradient
    e = u[:, :2] @ RNG.normal(size=(2, 2)) @ vh[:2]  # a rank-preserving direction
    assert_close(dd.jvp(lambda m: dd.norm(m, "nuc"), (a,), (e,))[1],
                 five_point(lambda m: np.linalg.norm(m, "nuc"), a, e), "nuc")


def test_norm_of_a_list_of_values():
    assert dd.grad(lambda x: dd.norm([x, x + 2.0]))(0.0) == pytest.approx(1.0, rel=1e-14)
    # ‖[[x, 1], [2, x]]‖_F = sqrt(2x² + 5): derivative 2x / sqrt(2x² + 5)
    assert dd.grad(lambda x: dd.norm(([x, 1.0], (2.0, x))))(1.0) == pytest.approx(
        2.0 / np.sqrt(7.0), rel=1e-14)


# ---------------------------------------------------------------------------
# Keywords honoured or refused
# ---------------------------------------------------------------------------

def test_refusals_name_the_function_and_the_keyword():
    with pytest.raises(TypeError, match=r"numpy\.linalg\.multi_dot\(\.\.\., out=\.\.\.\)"):
        dd.multi_dot([dd.Dual(A3, np.eye(3)), A3], out=np.empty((3, 3)))


def test_matrix_rank_and_cutoff_keywords_carry_no_derivative():
    a = dd.Dual(singular(2), np.ones((3, 3)))
    assert dd.matrix_rank(a) == 2 and dd.matrix_rank(a, tol=100.0) == 0
    assert dd.matrix_rank(a, rtol=1e-3) == np.linalg.matrix_rank(singular(2), rtol=1e-3)
    sym = singular(2) + singular(2).T
    assert dd.matrix_rank(dd.Dual(sym, np.ones((3, 3))), hermitian=True) == np.linalg.matrix_rank(
        sym, hermitian=True)
    big = dd.pinv(dd.Dual(TALL, np.ones((4, 3))), rcond=0.99)  # cuts all but the largest σ
    np.testing.assert_allclose(big.value, np.linalg.pinv(TALL, rcond=0.99), atol=1e-14)
    _, _, rank, _ = dd.lstsq(dd.Dual(TALL, np.ones((4, 3))), B3 @ TALL.T, rcond=0.99)
    assert rank == 1


# ---------------------------------------------------------------------------
# numpy 2's array-API functions in numpy.linalg
# ---------------------------------------------------------------------------

ARRAY_API = [
    ("matrix_transpose", lambda x: np.linalg.matrix_transpose(x), (STACK,)),
    ("vecdot", lambda x, y: np.linalg.vecdot(x, y, axis=0), (X34, RNG.normal(size=(3, 4)))),
    ("outer", lambda x, y: np.linalg.outer(x, y), (B3, RNG.normal(size=4))),
    ("diagonal", lambda x: np.linalg.diagonal(x, offset=1), (RNG.normal(size=(2, 3, 4)),)),
    ("trace", lambda x: np.linalg.trace(x, offset=-1), (RNG.normal(size=(2, 4, 3)),)),
    ("tensordot", lambda x, y: np.linalg.tensordot(x, y, axes=1), (X34, RNG.normal(size=(4, 2)))),
    ("cross", lambda x, y: np.linalg.cross(x, y, axis=0), (X34, RNG.normal(size=(3, 4)))),
]


@pytest.mark.parametrize("name, f, args", ARRAY_API, ids=[c[0] for c in ARRAY_API])
def test_array_api_functions_of_numpy_linalg(name, f, args):
    from dualdiff import operators
    if getattr(np.linalg, name) not in operators._FUNCTIONS:
        pytest.skip(f"numpy.linalg.{name} is answered once the table has {name} (contractions)")
    assert_value(f(*[dd.Dual(a, np.zeros_like(a)) for a in args]), f(*args))
    check_modes(f, *args, second=False)


def test_array_api_errors_are_numpys():
    d = dd.Dual(X34, np.ones((3, 4)))
    with pytest.raises(ValueError, match="one-dimensional"):
        np.linalg.outer(d, d)
    with pytest.raises(ValueError, match="at least 2-dimensional"):
        np.linalg.matrix_transpose(d[0])
    with pytest.raises(TypeError, match=r"numpy\.linalg\.trace\(\.\.\., dtype=\.\.\.\)"):
        np.linalg.trace(d, dtype=np.int64)


MATMUL_SHAPES = [((3, 4), (4, 5)), ((3, 4), (4, 1)), ((3, 4), (4,)), ((4,), (4, 5)),
                 ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5))]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=[f"{a}@{b}" for a, b in MATMUL_SHAPES])
@pytest.mark.parametrize("argnum", [0, 1])
def test_batched_matmul_rules_equal_one_direction_at_a_time(shapes, argnum):
    """jacfwd (batched tangents) and jacrev (batched cotangents) of tanh(a @ b), whose 2-D cases
    run as one BLAS product over all directions, equal the Jacobian built one jvp per column."""
    rng = np.random.default_rng(3)
    a, b = (rng.normal(size=s) for s in shapes)
    f = lambda a, b: dd.tanh(a @ b)  # noqa: E731
    arg = (a, b)[argnum]
    columns = []
    for e in np.eye(arg.size):
        t = e.reshape(arg.shape)
        tangents = (t, np.zeros_like(b)) if argnum == 0 else (np.zeros_like(a), t)
        columns.append(np.asarray(dd.jvp(f, (a, b), tangents)[1]))
    want = np.stack(columns, axis=-1).reshape(np.shape(f(a, b)) + arg.shape)
    np.testing.assert_allclose(dd.jacfwd(f, argnums=argnum)(a, b), want, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(dd.jacrev(f, argnums=argnum)(a, b), want, rtol=1e-14, atol=1e-15)


def test_det_derivative_at_a_non_finite_matrix_is_nan_without_calling_the_svd():
    """det'(A) = adj(A)ᵀ has no value at a matrix holding inf/NaN; the rule says NaN for that
    matrix of a stack (its neighbours keep theirs: adj(2I) = 4I) instead of handing the matrix
    to LAPACK's SVD, which can fail to return on inf."""
    a = np.array([[1.0, 2.0, 0.5], [np.inf, 1.0, 3.0], [0.2, 0.1, 4.0]])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.isnan(dd.grad(np.linalg.det)(a)).all()
        g = dd.grad(lambda s: dd.sum(np.linalg.det(s)))(np.stack([a, 2.0 * np.eye(3)]))
    assert np.isnan(g[0]).all() and np.allclose(g[1], 4.0 * np.eye(3), rtol=1e-14, atol=1e-14)
