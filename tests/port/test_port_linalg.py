"""Port of HIPS/autograd tests/test_linalg.py to dualdiff.

autograd checks linalg in reverse mode only ("fwd mode not yet implemented" there); the port
checks both modes, at autograd's orders. Functions returning autograd ``tuple``s (eigh, eig,
svd) are checked one output at a time. Complex-input tests assert dualdiff's refusal.

Left out (no dualdiff counterpart): none. Changed inputs:
  test_eig_real - autograd's random real 8x8 has complex eigenvalues, a complex path inside;
      the port uses a real matrix with real, distinct eigenvalues (P diag(1..8) P^-1, P well
      conditioned), same function (abs of eigenvalues and eigenvectors)
  test_pinv (low rank) - autograd's internal np.linalg._dot(np.linalg.T(x), x) is written
      swapaxes(x, -1, -2) @ x
"""

# dualdiff: numpy builds np.array([...]), np.r_, np.c_ and np.int64(...) itself, without asking
# dualdiff values (no protocol reaches them), so dualdiff refuses them with a pointer to
# dualdiff.array / dualdiff.concatenate; the tests below use those spellings.

import numpy as np
import pytest

from autograd_port_util import (C, R, check, check_outputs, refuses_complex, reseed,
                                reseed_each_test)  # noqa: F401

reseed(3)


def T(A):
    return np.swapaxes(A, -1, -2)


def check_symmetric_matrix_grads(fun, *args, **kwargs):
    """autograd's helper: differentiate through the symmetrisation (L + L^T) / 2 of tril(A)."""
    def symmetrize(A):
        L = np.tril(A)
        return (L + T(L)) / 2.0

    check_outputs(lambda *a: fun(symmetrize(a[0]), *a[1:]), *args, **kwargs)


def rand_psd(D):
    mat = R(D, D)
    return np.dot(mat, mat.T)


def test_inv():
    D = 8
    mat = R(D, D)
    mat = np.dot(mat, mat) + 1.0 * np.eye(D)
    check(lambda x: np.linalg.inv(x), mat)


@pytest.mark.parametrize("M", range(5 // 2, 5 + 5 // 2 + 1))
def test_pinv(M):
    N, D = 5, 2
    fun = lambda x: np.linalg.pinv(x)
    check(fun, R(N, M))  # non-square
    check(fun, R(D, N, M))  # stacked

    def fun_low_rank(x):  # square, low (fixed) rank
        return np.linalg.pinv(T(x) @ x)

    check(fun_low_rank, R(N, M))
    check(fun_low_rank, R(D, N, M))


def test_inv_3d():
    fun = lambda x: np.linalg.inv(x)
    D = 4
    check(fun, R(D, D, D) + 5 * np.eye(D))
    check(fun, R(D, D, D, D) + 5 * np.eye(D))


def test_solve_arg1():
    D = 8
    A = R(D, D) + 10.0 * np.eye(D)
    B = R(D, D - 1)
    check(lambda a: np.linalg.solve(a, B), A)


def test_solve_arg1_1d():
    D = 8
    A = R(D, D) + 10.0 * np.eye(D)
    B = R(D)
    check(lambda a: np.linalg.solve(a, B), A)


def test_solve_arg2():
    D = 6
    A = R(D, D) + 1.0 * np.eye(D)
    B = R(D, D - 1)
    assert np.linalg.cond(A) < 1e3
    check(lambda b: np.linalg.solve(A, b), B)


def test_solve_arg1_3d():
    D = 4
    A = R(D + 1, D, D) + 5 * np.eye(D)
    B = R(D + 1, D)
    check(lambda A: np.linalg.solve(A, B[..., None])[..., 0], A)  # numpy >= 2 form


def test_solve_arg1_3d_3d():
    D = 4
    A = R(D + 1, D, D) + 5 * np.eye(D)
    B = R(D + 1, D, D + 2)
    check(lambda A: np.linalg.solve(A, B), A)


def test_det():
    check(lambda x: np.linalg.det(x), R(6, 6))


def test_det_3d():
    check(lambda x: np.linalg.det(x), R(3, 3, 3))


def test_slogdet():
    def fun(x):
        _sign, logdet = np.linalg.slogdet(x)
        return logdet

    mat = R(6, 6)
    check(fun, mat)
    check(fun, -mat)


def test_slogdet_3d():
    fun = lambda x: np.sum(np.linalg.slogdet(x)[1])
    mat = np.concatenate([(rand_psd(5) + 5 * np.eye(5))[None, ...] for _ in range(3)])
    check(fun, mat)


def test_vector_2norm():
    check(lambda x: np.linalg.norm(x), R(6))


def test_norm_list_of_boxes():
    import dualdiff as dd

    # d/dx sqrt(x**2 + (x + 2)**2) at x=0 is 2/sqrt(4) = 1.
    # numpy turns the list into an array itself (refused): dualdiff.array builds it
    assert dd.grad(lambda x: np.linalg.norm(dd.array([x, x + 2])))(0.0) == pytest.approx(1.0, rel=1e-14)
    assert dd.grad(lambda x: dd.norm([x, x + 2]))(0.0) == pytest.approx(1.0, rel=1e-14)


def test_vector_2norm_complex():
    refuses_complex(lambda x: np.linalg.norm(x), C(6))


def test_frobenius_norm():
    check(lambda x: np.linalg.norm(x), R(6, 5))


def test_frobenius_norm_complex():
    refuses_complex(lambda x: np.linalg.norm(x), C(6, 5))


def test_frobenius_norm_axis():
    check(lambda x: np.linalg.norm(x, axis=(0, 1)), R(6, 5, 4))


def test_frobenius_norm_axis_complex():
    refuses_complex(lambda x: np.linalg.norm(x, axis=(0, 1)), C(6, 5, 4))


@pytest.mark.parametrize("ord", range(2, 5))
@pytest.mark.parametrize("size", [6])
def test_vector_norm_ord(size, ord):
    check(lambda x: np.linalg.norm(x, ord=ord), R(size))


@pytest.mark.parametrize("ord", range(2, 5))
@pytest.mark.parametrize("size", [6])
def test_vector_norm_ord_complex(size, ord):
    refuses_complex(lambda x: np.linalg.norm(x, ord=ord), C(size))


@pytest.mark.parametrize("axis", range(3))
@pytest.mark.parametrize("shape", [(6, 5, 4)])
def test_norm_axis(shape, axis):
    check(lambda x: np.linalg.norm(x, axis=axis), R(*shape))


@pytest.mark.parametrize("axis", range(3))
@pytest.mark.parametrize("shape", [(6, 5, 4)])
def test_norm_axis_complex(shape, axis):
    refuses_complex(lambda x: np.linalg.norm(x, axis=axis), C(*shape))


def test_norm_nuclear():
    # Order 1 as autograd (its svd has no jvp)
    check(lambda x: np.linalg.norm(x, ord="nuc"), R(6, 5), order=1)


def test_norm_nuclear_complex():
    refuses_complex(lambda x: np.linalg.norm(x, ord="nuc"), C(6, 5))


def test_norm_nuclear_axis():
    check(lambda x: np.linalg.norm(x, ord="nuc", axis=(0, 1)), R(6, 5, 4), order=1)


def test_norm_nuclear_axis_complex():
    refuses_complex(lambda x: np.linalg.norm(x, ord="nuc", axis=(0, 1)), C(6, 5, 4))


def test_eigvalh_lower():
    check_outputs(lambda x: tuple(np.linalg.eigh(x)), R(6, 6))


def test_eigvalh_upper():
    check_outputs(lambda x: tuple(np.linalg.eigh(x, "U")), R(6, 6))


def _hmat():
    D = 6
    mat = R(2, 3, D, D) + 10 * np.eye(D)[None, None, ...]
    return np.einsum("...ij,...kj->...ik", mat, mat)  # test data, plain numpy


def test_eigvalh_lower_broadcasting():
    check_outputs(lambda x: tuple(np.linalg.eigh(x)), _hmat())


def test_eigvalh_upper_broadcasting():
    check_outputs(lambda x: tuple(np.linalg.eigh(x, "U")), _hmat())


def test_eigvalh_lower_complex():
    def fun(x):
        w, v = np.linalg.eigh(x)
        return (w, np.abs(v))

    refuses_complex(fun, C(6, 6))


def test_eigvalh_upper_complex():
    def fun(x):
        w, v = np.linalg.eigh(x, "U")
        return (w, np.abs(v))

    refuses_complex(fun, C(6, 6))


def test_eig_real():
    def fun(x):
        w, v = np.linalg.eig(x)
        return (np.abs(w), np.abs(v))

    D = 8
    P = np.eye(D) + 0.1 * R(D, D)
    mat = P @ np.diag(np.arange(1.0, D + 1)) @ np.linalg.inv(P)
    assert np.isrealobj(np.linalg.eig(mat)[0])
    check_outputs(fun, mat)


def test_eig_complex():
    def fun(x):
        w, v = np.linalg.eig(x)
        return (w, np.abs(v))

    refuses_complex(fun, C(8, 8))


def test_eig_batched():
    def fun(x):
        w, v = np.linalg.eig(x)
        return (w, np.abs(v))

    refuses_complex(fun, C(5, 8, 8))


def test_cholesky():
    check_symmetric_matrix_grads(lambda A: np.linalg.cholesky(A), rand_psd(6))


def test_cholesky_broadcast():
    A = np.concatenate([rand_psd(6)[None, :, :] for i in range(3)], axis=0)
    check_symmetric_matrix_grads(lambda A: np.linalg.cholesky(A), A)


def test_cholesky_reparameterization_trick():
    def fun(A):
        rng = np.random.default_rng(0)
        z = np.dot(np.linalg.cholesky(A), rng.standard_normal(A.shape[0]))
        return np.linalg.norm(z)

    check_symmetric_matrix_grads(fun, rand_psd(6))


def _svd(x):
    u, s, v = np.linalg.svd(x, full_matrices=False)
    return (u, s, v)


def _svd_abs(x):
    u, s, v = np.linalg.svd(x, full_matrices=False)
    return (np.abs(u), s, np.abs(v))


def _svd_s(x):
    return np.linalg.svd(x, full_matrices=False, compute_uv=False)


SVD_SHAPES = {"wide_2d": (3, 5), "wide_3d": (4, 3, 5), "square_2d": (4, 4),
              "square_3d": (3, 4, 4), "tall_2d": (5, 3), "tall_3d": (4, 5, 3)}


@pytest.mark.parametrize("name", list(SVD_SHAPES))
def test_svd(name):
    # autograd: test_svd_wide_2d ... test_svd_tall_3d
    check_outputs(_svd, R(*SVD_SHAPES[name]))


@pytest.mark.parametrize("name", list(SVD_SHAPES))
def test_svd_complex(name):
    # autograd: test_svd_wide_2d_complex ... test_svd_tall_3d_complex
    refuses_complex(_svd_abs, C(*SVD_SHAPES[name]))


@pytest.mark.parametrize("shape", [(5, 3), (4, 5, 3)], ids=["2d", "3d"])
def test_svd_only_s(shape):
    check(_svd_s, R(*shape))


@pytest.mark.parametrize("shape", [(5, 3), (4, 5, 3)], ids=["2d", "3d"])
def test_svd_only_s_complex(shape):
    refuses_complex(_svd_s, C(*shape))
