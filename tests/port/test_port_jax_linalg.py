"""Port of the derivative tests of JAX's tests/linalg_test.py (jax-ml/jax, 2026 snapshot).

Ported, with the JAX test each one comes from (NumpyLinalgTest unless said):
  testCholesky (its check_grads), testDetGrad (incl. its zero-matrix rows), testDetGradIssue6121,
  testDetGradOfSingularMatrixCorank1/Corank2, testSlogdetGrad, testEigvalsGrad /
  testEigGradRealInputs (see below), testIssue669 and testIssue1383 (eigh), testSVDGrad
  (compute_uv False, and _normalizing_svd), testSVD's jvp reconstruction, testQr's
  check_jvp(qr_and_mul), testPinv's check_grads, testPinvGradIssue2792, testIssue1151
  (jacobians of solve), plus grads for inv, solve, matrix_power, norm and eigh that JAX tests only
  through its lax-level rules (named by the closest JAX test).

Adapted: float64 only; JAX's complex dtypes become "refused: complex" (asserted once per function
family); `jnp.linalg.f(x)` -> `np.linalg.f(x)` on dualdiff values (numpy's protocols) and
`jax.jacobian` -> `dd.jacrev`/`dd.jacfwd`; JAX's loose tolerances (1e-1, 0.035) are replaced by
dualdiff's defaults (atol 1e-8, rtol 1e-6 + FD error estimate) except where a test says why.
Functions returning tuples (slogdet, eigh, svd, qr) are checked one output at a time.
`eig` of a non-symmetric matrix: JAX differentiates its complex eigenvalues; dualdiff refuses a
complex spectrum by name (ComplexEigenvaluesError) and differentiates a real, simple one.

Left alone (scipy.linalg / lax.linalg functions dualdiff does not provide): testLuGrad,
testTriangularSolveGrad(Precision), testExpmGrad, test_tridiagonal_solve_grad,
testCholeskyGradPrecision (matmul precision), testLstsq's grads (commented out in JAX too).
"""

import numpy as np
import pytest

import dualdiff as dd

check_grads = dd.check_grads


@pytest.fixture
def rng():
    return np.random.default_rng(1)


def rand_default(rng, shape):  # jtu.rand_default
    return 3.0 * rng.standard_normal(shape)


def T(a):
    return np.swapaxes(a, -1, -2)


def check_outputs(fun, args, order=2, **tol):
    """check_grads on each output of a function returning a tuple."""
    n = len(fun(*args))
    for k in range(n):
        check_grads(lambda *a, k=k: fun(*a)[k], args, order, **tol)


def well_conditioned(rng, shape):
    """A random matrix plus a multiple of the identity: far from singular."""
    return rng.standard_normal(shape) + 4.0 * np.eye(shape[-1])


# ---------------------------------------------------------------------------
# cholesky, det, slogdet
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(1, 1), (4, 4), (2, 5, 5)])
def test_cholesky_grad(rng, shape):
    """testCholesky's check_grads(order=2). numpy's cholesky reads the lower triangle; so does
    its derivative (FD along a non-symmetric direction agrees)."""
    a = rand_default(rng, shape[:-1] + (2 * shape[-1],))
    spd = a @ T(a) + np.eye(shape[-1])
    # eps: the Richardson ladder's default first step (0.1 max(|x|, 1), ~10 here) would leave
    # the positive definite matrices; JAX's check_grads steps 1e-4 (float64).
    check_grads(np.linalg.cholesky, (spd,), 2, eps=1e-2)
    # closed form: d(L L^T) = dA on a symmetric direction
    d = rng.standard_normal(shape)
    d = d + T(d)
    L, dL = dd.jvp(np.linalg.cholesky, (spd,), (d,))
    np.testing.assert_allclose(dL @ T(L) + L @ T(dL), d, atol=1e-10)


@pytest.mark.parametrize("shape", [(1, 1), (2, 2), (3, 3), (2, 2, 2), (2, 3, 3), (2, 4, 4),
                                   (5, 7, 7)])
def test_det_grad(rng, shape):
    """testDetGrad, and its zero-matrix rows (no NaN: the gradient of det is the adjugate)."""
    a = rand_default(rng, shape)
    check_grads(np.linalg.det, (a,), 2, rtol=1e-5)
    if len(shape) == 2:
        z = np.zeros(shape)
        check_grads(np.linalg.det, (z,), 1)
        g = dd.grad(np.linalg.det)(z)
        np.testing.assert_array_equal(g, np.ones((1, 1)) if shape == (1, 1) else np.zeros(shape))
    else:
        a[0] = 0
        check_grads(np.linalg.det, (a,), 1)
    if len(shape) == 2:  # closed form: d det / dA = det(A) A^{-T}
        np.testing.assert_allclose(dd.grad(np.linalg.det)(a),
                                   np.linalg.det(a) * np.linalg.inv(a).T, rtol=1e-9)


def test_det_grad_issue6121():
    """testDetGradIssue6121: a batch of 1x1 matrices."""
    f = lambda x: np.linalg.det(x).sum()
    x = np.ones((16, 1, 1))
    np.testing.assert_array_equal(dd.grad(f)(x), np.ones((16, 1, 1)))
    check_grads(f, (x,), 2)


def _adjugate(a):
    n = a.shape[0]
    adj = np.empty_like(a)
    for i in range(n):
        for j in range(n):
            minor = np.delete(np.delete(a, i, 0), j, 1)
            adj[j, i] = (-1) ** (i + j) * np.linalg.det(minor)
    return adj


def test_det_grad_singular_corank1():
    """testDetGradOfSingularMatrixCorank1: rank 2, the gradient is the (nonzero) cofactor
    matrix."""
    a = np.array([[50.0, -30, 45], [-30, 90, -81], [45, -81, 81]])
    check_grads(np.linalg.det, (a,), 1, rtol=1e-6, atol=1e-6)
    for grad in (dd.grad(np.linalg.det), lambda a: dd.jacfwd(np.linalg.det)(a)):
        np.testing.assert_allclose(grad(a), _adjugate(a).T, rtol=1e-8, atol=1e-8)


def test_det_grad_singular_corank2():
    """testDetGradOfSingularMatrixCorank2: rank 1, the gradient is zero (JAX's eps 1e-1)."""
    b = np.array([[36.0, -42, 18], [-42, 49, -21], [18, -21, 9]])
    check_grads(np.linalg.det, (b,), 1, atol=1e-6, eps=1e-1)
    np.testing.assert_allclose(dd.grad(np.linalg.det)(b), np.zeros((3, 3)), atol=1e-9)


@pytest.mark.parametrize("shape", [(1, 1), (4, 4), (5, 5), (2, 7, 7)])
def test_slogdet_grad(rng, shape):
    """testSlogdetGrad: (sign, logabsdet) output by output; d logabsdet/dA = A^{-T}."""
    a = rand_default(rng, shape)
    check_outputs(np.linalg.slogdet, (a,), 2)
    g = dd.grad(lambda a: np.sum(np.linalg.slogdet(a)[1]))(a)
    np.testing.assert_allclose(g, T(np.linalg.inv(a)), rtol=1e-9, atol=1e-12)
    with pytest.warns(UserWarning, match="does not depend"):  # the sign is piecewise constant
        assert np.all(dd.grad(lambda a: np.sum(np.linalg.slogdet(a)[0]))(a) == 0)


@pytest.mark.parametrize("fun", [np.linalg.det, lambda a: np.linalg.slogdet(a)[1],
                                 np.linalg.inv, np.linalg.cholesky,
                                 lambda a: np.linalg.eigh(a)[0], np.linalg.pinv,
                                 lambda a: np.linalg.svd(a, compute_uv=False)])
def test_linalg_complex_refused(fun):
    """The complex128 rows of the tests above: refused in both modes."""
    a = np.eye(3) + 0.5j * np.ones((3, 3))
    with pytest.raises(TypeError, match="complex"):
        dd.jvp(fun, (a,), (a,))
    with pytest.raises(TypeError, match="complex"):
        dd.grad(lambda a: np.sum(fun(a)))(a)


# ---------------------------------------------------------------------------
# inv, solve, pinv, matrix_power, norm
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(1, 1), (4, 4), (2, 5, 5), (5, 5, 5)])
def test_inv_grad(rng, shape):
    """testInv's shapes with check_grads (JAX checks inv's rule in lax tests); d inv = -A^-1 dA
    A^-1."""
    a = well_conditioned(rng, shape)
    check_grads(np.linalg.inv, (a,), 2)
    d = rng.standard_normal(shape)
    ai = np.linalg.inv(a)
    np.testing.assert_allclose(dd.jvp(np.linalg.inv, (a,), (d,))[1], -ai @ d @ ai, rtol=1e-10,
                               atol=1e-12)


@pytest.mark.parametrize("lhs_shape,rhs_shape", [((1, 1), (1, 1)), ((4, 4), (4,)),
                                                 ((4, 4), (4, 3)), ((2, 4, 4), (2, 4, 2)),
                                                 ((2, 2, 2), (2, 2)), ((3, 3), (2, 3, 1))])
def test_solve_grad(rng, lhs_shape, rhs_shape):
    """testSolve / testSolveBroadcasting's shapes with check_grads in both arguments."""
    a = well_conditioned(rng, lhs_shape)
    b = rng.standard_normal(rhs_shape)
    check_grads(np.linalg.solve, (a, b), 2)


def test_solve_jacobians_issue1151(rng):
    """testIssue1151: jacobians of solve wrt each argument, batched and not; jacfwd == jacrev."""
    a = well_conditioned(rng, (5, 3, 3))
    b = rng.standard_normal((5, 3, 1))
    for argnums in (0, 1):
        for A, B in ((a, b), (a[0], b[0])):
            jf = dd.jacfwd(np.linalg.solve, argnums)(A, B)
            jr = dd.jacrev(np.linalg.solve, argnums)(A, B)
            assert jf.shape == np.linalg.solve(A, B).shape + (A, B)[argnums].shape
            np.testing.assert_allclose(jf, jr, rtol=1e-10, atol=1e-12)
    # closed form for b: d solve(A, b)/db = A^{-1}
    np.testing.assert_allclose(dd.jacrev(np.linalg.solve, 1)(a[0], b[0, :, 0]),
                               np.linalg.inv(a[0]), rtol=1e-10)


@pytest.mark.parametrize("shape", [(1, 1), (4, 4), (3, 7, 7), (2, 7, 4), (7, 4), (4, 7)])
@pytest.mark.parametrize("hermitian", [False, True])
def test_pinv_grad(rng, shape, hermitian):
    """testPinv's check_grads (JAX: order 1, rtol 6e-2; here order 2 at the defaults)."""
    if hermitian and shape[-1] != shape[-2]:
        return
    a = rand_default(rng, shape)
    if hermitian:
        a = (a + T(a)) / 2
        f = lambda a: np.linalg.pinv((a + T(a)) / 2, hermitian=True)
    else:
        f = np.linalg.pinv
    check_grads(f, (a,), 2, rtol=1e-5)


def test_pinv_grad_issue2792():
    """testPinvGradIssue2792: a rank-deficient family with constant rank, and pinv at I."""
    def f(p):
        a = dd.array([[0.0, 0.0], [-p, 1.0]]) * 1 / (1 + p ** 2)
        return np.linalg.pinv(a)

    for jac in (dd.jacfwd, dd.jacrev):
        np.testing.assert_allclose(jac(f)(2.0), [[0.0, -1.0], [0.0, 0.0]], atol=1e-12)
        expected = np.array([[[[-1.0, 0.0], [0.0, 0.0]], [[0.0, -1.0], [0.0, 0.0]]],
                             [[[0.0, 0.0], [-1.0, 0.0]], [[0.0, 0.0], [0.0, -1.0]]]])
        np.testing.assert_allclose(jac(np.linalg.pinv)(np.eye(2)), expected, atol=1e-12)


@pytest.mark.parametrize("shape", [(1, 1), (2, 2), (4, 4), (2, 3, 3)])
@pytest.mark.parametrize("n", [-5, -2, -1, 0, 1, 2, 3, 10])
def test_matrix_power_grad(rng, shape, n):
    """testMatrixPower's shapes and powers, with check_grads (scaled so A^10 stays moderate)."""
    a = well_conditioned(rng, shape) / 4.0
    check_grads(lambda a: np.linalg.matrix_power(a, n), (a,), 2, rtol=1e-5)
    if n == 2:
        d = rng.standard_normal(shape)
        np.testing.assert_allclose(dd.jvp(lambda a: np.linalg.matrix_power(a, 2), (a,), (d,))[1],
                                   a @ d + d @ a, rtol=1e-12)


VECTOR_ORDS = [None, 1, 2, 3, -1, -2, np.inf, -np.inf]
MATRIX_ORDS = [None, "fro", 1, 2, -1, -2, np.inf, -np.inf, "nuc"]


@pytest.mark.parametrize("shape,axis,ord", [((7,), None, o) for o in VECTOR_ORDS]
                         + [((4, 5), 0, o) for o in VECTOR_ORDS]
                         + [((10, 7, 3), (1,), 2), ((5, 8), None, None), ((7, 8, 11), None, None)]
                         + [((4, 5), None, o) for o in MATRIX_ORDS]
                         + [((3, 4, 5), (0, 2), o) for o in ("fro", "nuc", 2, np.inf)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_norm_grad(rng, shape, axis, ord, keepdims):
    """testNorm's grid (float64, distinct entries so max/min norms are differentiable)."""
    x = rng.permutation(int(np.prod(shape))).reshape(shape) * 0.37 + 0.11
    x = x * np.where(rng.random(shape) < 0.5, -1.0, 1.0)
    f = lambda x: np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    check_grads(f, (x,), 2, rtol=1e-5)


def test_norm_grad_closed_forms():
    """2-norm: x/|x|; Frobenius: A/|A|_F; nuclear: U V^T."""
    x = np.array([3.0, -4.0])
    np.testing.assert_allclose(dd.grad(np.linalg.norm)(x), x / 5.0)
    a = np.array([[1.0, 2.0], [3.0, 5.0]])
    np.testing.assert_allclose(dd.grad(lambda a: np.linalg.norm(a, "fro"))(a),
                               a / np.sqrt(np.sum(a * a)))
    u, _, vt = np.linalg.svd(a)
    np.testing.assert_allclose(dd.grad(lambda a: np.linalg.norm(a, "nuc"))(a), u @ vt,
                               rtol=1e-10)


def test_norm_grad_at_zero_convention():
    """JAX's norm has gradient 0 at x = 0 (a where in its rule). dualdiff: norm'(0) of the
    2-norm is 0 as well (the subgradient, as abs'(0) = 0); checked in both modes."""
    z = np.zeros(3)
    np.testing.assert_array_equal(dd.grad(np.linalg.norm)(z), np.zeros(3))
    np.testing.assert_array_equal(dd.jacfwd(np.linalg.norm)(z), np.zeros(3))


# ---------------------------------------------------------------------------
# eigh, eig, svd, qr
# ---------------------------------------------------------------------------

def _sym(a):
    return (a + T(a)) / 2


def _normalized_eigh(a):
    """eigh of the symmetrized input, eigenvectors with a positive first row (unique)."""
    w, v = np.linalg.eigh(_sym(a))
    s = np.sign(v[..., 0:1, :])
    return w, v * s


@pytest.mark.parametrize("shape", [(1, 1), (4, 4), (2, 5, 5)])
def test_eigh_grad(rng, shape):
    """Eigenvalues and sign-normalized eigenvectors of a symmetric matrix (JAX's former
    testEighGrad / testEighGradVectorComplex, real rows), order 2."""
    a = rand_default(rng, shape)
    check_outputs(_normalized_eigh, (a,), 2, rtol=1e-5)
    check_grads(lambda a: np.linalg.eigvalsh(_sym(a)), (a,), 2)


def test_eigh_eigenvalue_closed_form(rng):
    """d lambda_i = v_i^T dA v_i."""
    a = _sym(rand_default(rng, (4, 4)))
    d = _sym(rng.standard_normal((4, 4)))
    w, v = np.linalg.eigh(a)
    dw = dd.jvp(lambda a: np.linalg.eigh(a)[0], (a,), (d,))[1]
    np.testing.assert_allclose(dw, np.einsum("ji,jk,ki->i", v, d, v), rtol=1e-10)


def test_eigh_issue669():
    """testIssue669 (real rows): grad of the sum of the eigenvalues is the identity."""
    g = dd.grad(lambda x: np.sum(np.linalg.eigh(x)[0]))(np.eye(3) + 0.1 * np.ones((3, 3)))
    np.testing.assert_allclose(g, np.eye(3), atol=1e-12)


def test_eigh_issue1383_third_derivative():
    """testIssue1383: jacfwd three times through eigh has no NaN."""
    tmp = np.array([[0.3, 0.8], [0.5, 0.1]])
    a = tmp @ tmp.T

    def f(inp):
        val, vec = np.linalg.eigh(inp)
        return (vec @ inp) @ vec.T

    cube = dd.jacfwd(dd.jacfwd(dd.jacfwd(f)))(a)
    assert cube.shape == (2, 2) * 4
    assert not np.any(np.isnan(cube))


def test_eigvals_complex_spectrum_refused():
    """testEigvalsGrad / testEigGradComplexInputs: a real matrix with complex eigenvalues has no
    real derivative; dualdiff refuses it by name."""
    a = np.array([[0.0, 1.0], [-1.0, 0.0]])
    for fun in (np.linalg.eigvals, lambda a: np.linalg.eig(a)[0]):
        with pytest.raises(dd.errors.DualdiffError, match="complex eigenvalues"):
            dd.grad(lambda a: np.sum(fun(a)))(a)
        with pytest.raises(dd.errors.DualdiffError, match="complex eigenvalues"):
            dd.jvp(fun, (a,), (a,))


@pytest.mark.parametrize("n", [2, 4])
def test_eig_grad_real_spectrum(rng, n):
    """testEigGradRealInputs, restricted to dualdiff's surface: a non-symmetric matrix with real,
    distinct eigenvalues (P diag P^-1); sorted eigenvalues and d lambda = u^T dA v / u^T v."""
    p = rng.standard_normal((n, n)) + 3 * np.eye(n)
    a = p @ np.diag(np.arange(1.0, n + 1)) @ np.linalg.inv(p)
    check_grads(lambda a: np.sort(np.linalg.eigvals(a)), (a,), 2, rtol=1e-5)
    g = dd.grad(lambda a: np.max(np.linalg.eigvals(a)))(a)
    w, v = np.linalg.eig(a)
    wl, u = np.linalg.eig(a.T)
    i, j = np.argmax(w.real), np.argmax(wl.real)
    want = np.outer(u[:, j], v[:, i]).real / np.dot(u[:, j], v[:, i]).real
    np.testing.assert_allclose(g, want, rtol=1e-8, atol=1e-10)


def _normalizing_svd(a, full_matrices):
    """JAX's helper: the first row of U made non-negative (V^T's rows flipped alike)."""
    u, s, vt = np.linalg.svd(a, full_matrices=full_matrices, compute_uv=True)
    phase = np.sign(u[..., 0:1, :])
    return u * phase, s, vt * T(phase)


@pytest.mark.parametrize("shape", [(1, 1), (4, 4), (2, 5), (5, 2), (5, 5), (2, 5, 5)])
@pytest.mark.parametrize("full_matrices,compute_uv", [(False, False), (False, True),
                                                      (True, True)])
def test_svd_grad(rng, shape, full_matrices, compute_uv):
    """testSVDGrad (JAX's rtol 0.035, eps 1/512; here rtol 1e-5). full_matrices with a
    non-square input is skipped, as in JAX (the extra columns are arbitrary)."""
    if full_matrices and shape[-1] != shape[-2]:
        return
    a = rand_default(rng, shape)
    if not compute_uv:
        check_grads(lambda a: np.linalg.svd(a, compute_uv=False), (a,), 2, rtol=1e-5)
    else:
        check_outputs(lambda a: _normalizing_svd(a, full_matrices), (a,), 2, rtol=1e-5)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4), (2, 3, 3)])
def test_svd_jvp_reconstruction(rng, shape):
    """testSVD: the JVP of U diag(s) V^T along d at x = 0 is d (JAX's tol 6e-4; here 1e-10)."""
    a, d = rand_default(rng, shape), rand_default(rng, shape)

    def f(x):
        u, s, v = np.linalg.svd(a + x * d, full_matrices=False)
        return (u * s[..., None, :]) @ v

    _, t_out = dd.jvp(f, (1.0,), (1.0,))
    np.testing.assert_allclose(t_out, d, atol=1e-10, rtol=1e-10)


@pytest.mark.parametrize("shape", [(1, 1), (3, 3), (5, 3), (2, 4, 4)])
@pytest.mark.parametrize("mode", ["reduced", "complete"])
def test_qr_grad(rng, shape, mode):
    """testQr's check_jvp(qr_and_mul) (identity, robust to column signs), then Q and R with
    numpy's own signs, order 2. 'complete' on a tall input has arbitrary extra columns (JAX
    does not differentiate them); that row checks qr_and_mul only."""
    a = rand_default(rng, shape)

    def qr_and_mul(a):
        q, r = np.linalg.qr(a, mode=mode)
        return q @ r

    check_grads(qr_and_mul, (a,), 2)
    d = rng.standard_normal(shape)
    np.testing.assert_allclose(dd.jvp(qr_and_mul, (a,), (d,))[1], d, atol=1e-10)
    if mode == "reduced" or shape[-2] <= shape[-1]:
        check_outputs(lambda a: tuple(np.linalg.qr(a, mode=mode)), (a,), 2, rtol=1e-5)
