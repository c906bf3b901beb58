"""numpy.linalg, part 2: cholesky, qr, svd/svdvals, eigh/eigvalsh, eig/eigvals.

Values against numpy (numpy's namedtuples, part by part); derivatives in every
mode against five-point finite differences of numpy's own functions, which
perturb every entry, so a derivative that ignored numpy's triangle (UPLO,
upper, hermitian) would fail; the closed form dλ = diag(Vᵀ dA V); each
keyword; each degenerate contract (repeated eigenvalues or singular values,
zero singular values, complex spectra, rank deficiency, non-SPD input).
"""

from __future__ import annotations

import numpy as np
import pytest

import dualdiff as dd
from linalg_checks import assert_close, assert_value, check_modes, five_point

RNG = np.random.default_rng(77)
LinAlgError = np.linalg.LinAlgError


def spd(*lead: int, n: int = 3) -> np.ndarray:
    x = RNG.normal(size=lead + (n, n))
    return x @ np.swapaxes(x, -1, -2) + n * np.eye(n)


def spread(n: int = 3, symmetric: bool = True, lead: tuple = ()) -> np.ndarray:
    """Matrices with eigenvalues spread 1 apart (real, distinct)."""
    w = np.diag(np.arange(1.0, n + 1) - 1.2)  # distinct absolute values too
    if symmetric:
        q, _ = np.linalg.qr(RNG.normal(size=lead + (n, n)))
        return q @ w @ np.swapaxes(q, -1, -2)
    p = np.eye(n) + 0.2 * RNG.normal(size=lead + (n, n))
    return p @ w @ np.linalg.inv(p)


SPD = spd()
GENERAL = RNG.normal(size=(3, 3))  # not symmetric: numpy reads one triangle of it

CASES = [
    ("cholesky", np.linalg.cholesky, (SPD,)),
    ("cholesky upper", lambda a: np.linalg.cholesky(a, upper=True), (SPD,)),
    ("cholesky stack", np.linalg.cholesky, (spd(2),)),
    ("cholesky lower triangle only", np.linalg.cholesky, (np.tril(SPD) + np.triu(GENERAL, 1),)),
    ("eigh values", lambda a: np.linalg.eigh(a)[0], (GENERAL,)),
    ("eigh vectors", lambda a: np.linalg.eigh(a)[1], (GENERAL,)),
    ("eigh UPLO=U", lambda a: np.linalg.eigh(a, UPLO="U").eigenvectors, (GENERAL,)),
    ("eigh stack", lambda a: np.linalg.eigh(a)[1], (spread(lead=(2,)),)),
    ("eigvalsh U", lambda a: np.linalg.eigvalsh(a, "U"), (GENERAL,)),
    ("eig values", lambda a: np.linalg.eig(a)[0], (spread(symmetric=False),)),
    ("eig vectors", lambda a: np.linalg.eig(a).eigenvectors, (spread(symmetric=False),)),
    ("eig stack", lambda a: np.linalg.eig(a)[1], (spread(symmetric=False, lead=(2,)),)),
    ("eigvals", np.linalg.eigvals, (spread(symmetric=False),)),
    ("svdvals", np.linalg.svdvals, (RNG.normal(size=(2, 4, 3)),)),
    ("svd compute_uv=False", lambda a: np.linalg.svd(a, compute_uv=False), (RNG.normal(size=(3, 4)),)),
    ("svd hermitian", lambda a: np.linalg.svd(a, hermitian=True).S, (GENERAL,)),
    ("svd hermitian U", lambda a: np.abs(np.linalg.svd(a, hermitian=True)[0]), (spread(),)),
    ("qr r", lambda a: np.linalg.qr(a, mode="r"), (RNG.normal(size=(4, 3)),)),
]
for shape in [(4, 3), (3, 4), (3, 3), (2, 4, 3)]:
    x = RNG.normal(size=shape)
    for k, part in enumerate("U S Vh".split()):
        CASES.append((f"svd reduced {part} {shape}",
                      lambda a, k=k: np.linalg.svd(a, full_matrices=False)[k], (x,)))
    for mode in ("reduced", "complete"):
        for k, part in enumerate("QR"):
            if mode == "complete" and shape[-2] - shape[-1] > 1 and part == "Q":
                continue  # several extra columns: covered by the invariant test below
            CASES.append((f"qr {mode} {part} {shape}",
                          lambda a, k=k, mode=mode: np.linalg.qr(a, mode)[k], (x,)))
# full matrices with one extra column/row: the complement is one direction, the derivative exact
CASES += [("svd full U (4, 3)", lambda a: np.linalg.svd(a)[0], (RNG.normal(size=(4, 3)),)),
          ("svd full Vh (3, 4)", lambda a: np.linalg.svd(a).Vh, (RNG.normal(size=(3, 4)),))]


@pytest.mark.parametrize("name, f, args", CASES, ids=[c[0] for c in CASES])
def test_derivatives_in_every_mode(name, f, args):
    check_modes(f, *args)


@pytest.mark.parametrize("name, f, args", CASES, ids=[c[0] for c in CASES])
def test_values_match_numpy(name, f, args):
    assert_value(f(*[dd.Dual(a, np.zeros_like(a)) for a in args]), f(*args), rtol=1e-11)


@pytest.mark.parametrize("call", [
    lambda a: np.linalg.eigh(a), lambda a: np.linalg.eigh(a, "U"),
    lambda a: np.linalg.svd(a), lambda a: np.linalg.svd(a, full_matrices=False),
    lambda a: np.linalg.qr(a), lambda a: np.linalg.qr(a, "complete"), lambda a: np.linalg.eig(a)])
def test_results_are_numpys_namedtuples_of_dualdiff_values(call):
    a = spread(symmetric=False)
    ours = call(dd.Dual(a, np.ones((3, 3))))
    want = call(a)
    assert type(ours) is type(want) and ours._fields == want._fields
    assert all(isinstance(part, dd.Dual) for part in ours)
    assert_value(ours, want)


def test_complete_factors_move_with_the_smallest_rotation():
    # Several extra columns: numpy's basis of the complement is LAPACK's choice, so compare what
    # does not depend on it (the projector U₂U₂ᵀ), and check the convention U₂ᵀ dU₂ = 0
    x = RNG.normal(size=(5, 2))
    for q_of in (lambda a: np.linalg.svd(a)[0], lambda a: np.linalg.qr(a, "complete")[0]):
        check_modes(lambda a: q_of(a)[:, 2:] @ q_of(a)[:, 2:].T, x)  # noqa: B023
        e = RNG.normal(size=x.shape)
        q, dq = dd.jvp(q_of, (x,), (e,))
        np.testing.assert_allclose(q[:, 2:].T @ dq[:, 2:], 0.0, atol=1e-12)
        np.testing.assert_allclose(q.T @ dq + dq.T @ q, 0.0, atol=1e-12)  # stays orthogonal
    check_modes(lambda a: np.linalg.svd(a)[2][2:].T @ np.linalg.svd(a)[2][2:], x.T)


# ---------------------------------------------------------------------------
# Closed forms and the triangle numpy reads
# ---------------------------------------------------------------------------

def test_eigh_closed_form_and_triangle():
    a = spread()
    w, v = np.linalg.eigh(a)
    e = RNG.normal(size=(3, 3))
    sym = np.tril(e) + np.tril(e, -1).T  # the perturbation numpy sees with UPLO='L'
    dw, dv = dd.jvp(dd.eigh, (a,), (e,))[1]
    np.testing.assert_allclose(dw, np.diag(v.T @ sym @ v), rtol=1e-11)
    gap = w[None, :] - w[:, None]
    f = np.where(np.eye(3, dtype=bool), 0.0, 1.0 / np.where(np.eye(3, dtype=bool), 1.0, gap))
    np.testing.assert_allclose(dv, v @ (f * (v.T @ sym @ v)), rtol=1e-10, atol=1e-12)
    # the entries numpy does not read have no derivative
    g_lower = dd.grad(lambda m: dd.sum(dd.eigvalsh(m) ** 2))(a)
    np.testing.assert_array_equal(np.triu(g_lower, 1), 0.0)
    g_upper = dd.grad(lambda m: dd.sum(dd.eigvalsh(m, UPLO="U") ** 2))(a)
    np.testing.assert_array_equal(np.tril(g_upper, -1), 0.0)
    # Σλ² = Σ S_ij²: an off-diagonal entry numpy reads stands for S_ij and S_ji
    np.testing.assert_allclose(g_lower + g_upper - np.diag(np.diag(g_upper)),
                               4 * a - 2 * np.diag(np.diag(a)), rtol=1e-11)


def test_cholesky_closed_form_and_upper():
    l = np.linalg.cholesky(SPD)
    e = RNG.normal(size=(3, 3))
    sym = np.tril(e) + np.tril(e, -1).T
    z = np.linalg.solve(l, np.linalg.solve(l, sym.T).T)
    phi = np.tril(z) - 0.5 * np.diag(np.diag(z))
    np.testing.assert_allclose(dd.jvp(dd.cholesky, (SPD,), (e,))[1], l @ phi, rtol=1e-11)
    # upper=True reads the upper triangle and returns Lᵀ of that matrix
    upper_sym = np.triu(e) + np.triu(e, 1).T
    z = np.linalg.solve(l, np.linalg.solve(l, upper_sym.T).T)
    phi = np.tril(z) - 0.5 * np.diag(np.diag(z))
    np.testing.assert_allclose(dd.jvp(lambda m: dd.cholesky(m, upper=True), (SPD,), (e,))[1],
                               (l @ phi).T, rtol=1e-11)


def test_singular_values_closed_form():
    x = RNG.normal(size=(4, 3))
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    e = RNG.normal(size=(4, 3))
    np.testing.assert_allclose(dd.jvp(dd.svdvals, (x,), (e,))[1], np.diag(u.T @ e @ vh.T),
                               rtol=1e-11)
    np.testing.assert_allclose(dd.grad(lambda m: dd.sum(dd.svd(m, compute_uv=False)))(x),
                               u @ vh, rtol=1e-11)


# ---------------------------------------------------------------------------
# Degenerate inputs
# ---------------------------------------------------------------------------

def test_repeated_eigenvalues_contract():
    a = np.diag([1.0, 1.0, 2.0])
    e = RNG.normal(size=(3, 3))
    # eigenvalues: finite; right for functions symmetric in the repeated ones
    np.testing.assert_allclose(dd.grad(lambda m: dd.sum(dd.eigvalsh(m)))(a), np.eye(3))
    np.testing.assert_allclose(dd.grad(lambda m: dd.sum(dd.eigh(m)[0] ** 2))(a), 2 * a)
    with np.errstate(all="ignore"):
        (dw, dv) = dd.jvp(dd.eigh, (a,), (e,))[1]
        assert np.all(np.isfinite(dw)) and not np.all(np.isfinite(dv))
        assert not np.all(np.isfinite(dd.grad(lambda m: dd.sum(dd.eigh(m)[1]))(a)))
    # the eigenvector of the simple eigenvalue keeps its derivative, in both modes
    check_modes(lambda m: np.linalg.eigh(m)[1][:, 2], a, second=False)
    with np.errstate(all="ignore"):
        assert np.all(np.isfinite(dv[:, 2])) and not np.all(np.isfinite(dv[:, :2]))
    # ... and along perturbations that keep them repeated, each eigenvalue is right too
    keep = np.diag([0.3, 0.3, -0.2])
    assert_close(dd.jvp(dd.eigvalsh, (a,), (keep,))[1], five_point(np.linalg.eigvalsh, a, keep),
                 "eigvalsh")
    b = np.diag([1.0, 1.0, 3.0])
    with np.errstate(all="ignore"):
        assert np.all(np.isfinite(dd.grad(lambda m: dd.sum(dd.eigvals(m)))(b)))
        assert not np.all(np.isfinite(dd.jvp(lambda m: dd.eig(m)[1], (b,), (e,))[1]))


def test_repeated_and_zero_singular_values_contract():
    a = np.vstack([np.diag([2.0, 1.0, 1.0]), np.zeros((1, 3))])  # 4x3, σ = 2, 1, 1 exactly
    e = RNG.normal(size=(4, 3))
    with np.errstate(all="ignore"):
        u, s, vh = dd.jvp(lambda m: dd.svd(m, full_matrices=False), (a,), (e,))[1]
        assert np.all(np.isfinite(s)) and not np.all(np.isfinite(u))
        assert np.all(np.isfinite(dd.grad(lambda m: dd.sum(dd.svd(m)[1]))(a)))
        # per singular vector: the pair of σ = 2 (simple) keeps its derivative, σ = 1 (twice) not
        assert not np.all(np.isfinite(dd.grad(lambda m: dd.sum(dd.svd(m)[0][:, 1]))(a)))
        assert np.all(np.isfinite(u[:, 0])) and not np.all(np.isfinite(u[:, 1:]))
    def first(m):  # u₀u₀ᵀ: LAPACK flips u₀'s sign under perturbations of this diagonal matrix
        u0 = np.linalg.svd(m, full_matrices=False)[0][:, 0]
        return u0[:, None] * u0[None, :]

    check_modes(first, a, second=False)
    z = np.vstack([np.diag([2.0, 1.0, 0.0]), np.zeros((1, 3))])  # a zero singular value, 4x3
    with np.errstate(all="ignore"):
        u, s, vh = dd.jvp(lambda m: dd.svd(m, full_matrices=False), (z,), (e,))[1]
        assert np.all(np.isfinite(s)) and not np.all(np.isfinite(u))
        assert np.all(np.isfinite(dd.grad(lambda m: dd.sum(dd.svd(m).S))(z)))
    np.testing.assert_allclose(dd.jvp(dd.svdvals, (z,), (e,))[1],
                               np.diag(np.linalg.svd(z)[0][:, :3].T @ e @ np.linalg.svd(z)[2].T),
                               rtol=1e-10, atol=1e-12)


def test_complex_eigenvalues_are_refused_by_name():
    rotation = np.array([[0.0, -1.0], [1.0, 0.0]])
    calls = [(dd.eig, rotation), (dd.eigvals, rotation)] + [
        (f, dd.Dual(rotation, np.ones((2, 2))))
        for f in (dd.eig, dd.eigvals, np.linalg.eig, np.linalg.eigvals)]
    for call, arg in calls:
        with pytest.raises(TypeError, match=r"numpy\.linalg\.eig(vals)?: this matrix has "
                                            r"complex eigenvalues") as info:
            call(arg)
        assert isinstance(info.value, dd.DomainError)  # finite differences step back from it
    with pytest.raises(TypeError, match="complex"):
        dd.grad(lambda m: dd.sum(dd.eig(m)[0]))(rotation)


def test_qr_of_rank_deficient_matrix_has_no_derivative():
    a = np.array([[1.0, 0.0, 0.0], [2.0, 0.0, 1.0], [3.0, 0.0, 2.0], [1.0, 0.0, 5.0]])
    np.linalg.qr(a)  # the value exists
    with pytest.raises(LinAlgError):
        dd.jvp(lambda m: dd.qr(m)[0], (a,), (np.ones((4, 3)),))
    with pytest.raises(LinAlgError):
        dd.grad(lambda m: dd.sum(dd.qr(m).R))(a)


def test_cholesky_of_non_positive_definite_raises_like_numpy():
    a = -np.eye(3)
    with pytest.raises(LinAlgError, match="positive definite"):
        dd.cholesky(dd.Dual(a, np.ones((3, 3))))
    with pytest.raises(LinAlgError, match="positive definite"):
        dd.grad(lambda m: dd.sum(dd.cholesky(m)))(a)


# ---------------------------------------------------------------------------
# Keywords
# ---------------------------------------------------------------------------

def test_keyword_refusals_and_errors():
    d = dd.Dual(RNG.normal(size=(4, 3)), np.ones((4, 3)))
    with pytest.raises(TypeError, match=r"numpy\.linalg\.qr\(\.\.\., mode=\.\.\.\).*'reduced'"):
        np.linalg.qr(d, mode="raw")
    with pytest.raises(ValueError, match="Unrecognized mode"):
        dd.qr(d, mode="full-ish")
    with pytest.raises(ValueError, match="UPLO"):
        dd.eigh(dd.Dual(SPD, np.ones((3, 3))), UPLO="X")
    with pytest.raises(LinAlgError, match="square"):
        dd.svd(d, hermitian=True)
    with pytest.raises(LinAlgError, match="two-dimensional"):
        dd.cholesky(dd.Dual(np.ones(3), np.ones(3)))


def test_every_function_is_reachable_by_name_and_through_numpy():
    d = dd.Dual(SPD, np.eye(3))
    for name in ["cholesky", "qr", "svd", "svdvals", "eigh", "eigvalsh", "eig", "eigvals"]:
        ours = getattr(dd, name)(d)
        theirs = getattr(np.linalg, name)(d)
        assert_value(ours, dd.primal(theirs) if not isinstance(theirs, tuple) else
                     tuple(dd.primal(t) for t in theirs))
