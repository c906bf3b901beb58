"""Linear algebra: determinants, the pseudo-inverse, and composites of the matrix functions.

The matrix product, ``inv`` and ``solve`` live in :mod:`.matrices` (the
decompositions build on them); ``det``, ``slogdet`` and ``pinv`` are entries with the
classical matrix-calculus rules (Giles, "An extended collection of matrix
derivative results", 2008), written with dualdiff's own functions so that they
differentiate again. Every one accepts stacks of matrices (leading batch
axes), as numpy does. ``matrix_power``, ``lstsq``, ``multi_dot``,
``tensorinv`` and ``tensorsolve`` are composites of these entries, and
``matrix_rank`` is piecewise constant (a plain integer). The decompositions
(cholesky, eigh, svd, qr, eig) live in :mod:`.decompositions`, the norms in
:mod:`.norms`.
"""

from __future__ import annotations

import operator
from typing import Any, Sequence

import numpy as np

from ..core import Box, bind, ndim, primal, shape
from .decompositions import svd, svdvals, symmetric_from
from .keywords import NoValue, given, no_out
from .matrices import (LinAlgError, T, inv, is_box, matmul, require_stack, result_type, solve,
                       trailing)
from .reductions import prod, sum
from .registry import nonlinear
from .structural import getitem, reshape, stack, transpose, where

__all__ = ["det", "slogdet", "pinv", "matrix_power", "lstsq", "multi_dot", "matrix_rank",
           "tensorinv", "tensorsolve"]

# ---------------------------------------------------------------------------
# det and slogdet
# ---------------------------------------------------------------------------

_WELL_CONDITIONED = 1e-8
"""det's adjugate is det(A)·A⁻¹ when σ_min > 1e-8·σ_max for every matrix of the stack."""


def det(a: Any) -> Any:
    """numpy.linalg.det; its derivative tr(adj(A) dA) stays finite at singular matrices."""
    require_stack(a, "det")
    return bind(_det, (a,), {})


def adjugate(a: Any, d: Any) -> Any:
    """adj(A) for a stack of square matrices with determinants ``d``; differentiable.

    det(A)·A⁻¹ where every matrix is well conditioned. Otherwise (singular or
    nearly so) through the SVD A = U S Vᵀ: adj(A) = det(U)det(V)·V adj(S) Uᵀ,
    where adj(S) = diag(∏_{j≠i} s_j) is exact with zero singular values, so the
    adjugate is right (and finite) at every matrix.
    """
    finite = np.isfinite(primal(a)).all(axis=(-2, -1))
    if not finite.all():  # no derivative there, and LAPACK's SVD of inf/NaN can fail to return
        bad = ~finite[..., None, None]
        safe = where(bad, np.eye(shape(a)[-1]), a)
        return where(bad, np.nan, adjugate(safe, where(finite, d, 1.0)))
    s = np.linalg.svd(primal(a), compute_uv=False)
    if s.shape[-1] == 0 or np.all(s[..., -1] > _WELL_CONDITIONED * s[..., 0]):
        return trailing(d, 2) * inv(a)
    differentiated = isinstance(a, Box) and not a._innermost  # (a jit Tracer is plain)
    if differentiated and s.shape[-1] <= _COFACTOR_MAX:
        return _cofactor_adjugate(a)
    if differentiated and s.shape[-1] > 1 and np.any(s[..., -2] <= _WELL_CONDITIONED * s[..., 0]):
        raise LinAlgError(
            f"det: a derivative of order 2 or more at a matrix of rank n-2 or less is only "
            f"available up to n = {_COFACTOR_MAX} (cofactors); through the SVD it would be "
            f"wrong (repeated zero singular values), and this matrix is {s.shape[-1]}x"
            f"{s.shape[-1]}")
    u, s, vh = svd(a)
    sign = np.sign(np.linalg.det(primal(u)) * np.linalg.det(primal(vh)))
    n = shape(s)[-1]
    others = prod(where(np.eye(n, dtype=bool), 1.0, reshape(s, shape(s)[:-1] + (1, n))), axis=-1)
    v_scaled = T(vh) * reshape(others, shape(others)[:-1] + (1, n))
    return trailing(sign, 2) * matmul(v_scaled, T(u))


_COFACTOR_MAX = 5
"""Largest n for which a differentiated singular det uses cofactors (n² dets of size n-1)."""


def _cofactor_adjugate(a: Any) -> Any:
    """adj(A)ⱼᵢ = (-1)^(i+j) det(A without row i and column j), differentiable at every order.

    Used when a derivative of det's rule is itself taken at a singular A. The SVD
    adjugate is exact in value, but its derivative needs U and V, which are not
    differentiable where singular values repeat (rank n-2 or less has two zero
    singular values): forward mode gave NaN and reverse mode silently dropped the
    U, V terms (the zero-cotangent mask meets adj(S) = 0), so the Hessian of det at
    diag(1, 0, 0) came out 0. The minors' dets differentiate through this same rule,
    one size smaller, so every order is exact.
    """
    n = shape(a)[-1]
    if n == 1:
        return a * 0.0 + 1.0
    rows = []
    for j in range(n):
        keep_j = np.array([k for k in range(n) if k != j])
        row = []
        for i in range(n):
            keep_i = np.array([k for k in range(n) if k != i])
            minor = getitem(a, (Ellipsis, keep_i[:, None], keep_j[None, :]))
            row.append(det(minor) * (-1.0 if (i + j) % 2 else 1.0))
        rows.append(stack(row, axis=-1))
    return stack(rows, axis=-2)


_det = nonlinear(
    "det", np.linalg.det,
    [lambda t, out, args, p, batched: sum(T(adjugate(args[0], out)) * t, axis=(-2, -1))],
    [lambda g, out, args, p: trailing(g, 2) * T(adjugate(args[0], out))], det,
    doc="d det A = tr(adj(A) dA): det(A)·tr(A⁻¹dA) for well-conditioned A; at singular (and "
        "nearly singular) A the adjugate comes from the SVD, so the first derivative is exact "
        "and finite (zero where the rank is n-2 or less). Higher derivatives at a singular A "
        "use cofactors up to 5x5 (exact at every rank); larger singular A of rank n-1 go "
        "through svd's rule, and rank n-2 or less raises LinAlgError",
    samples=lambda rng: (rng.normal(size=(3, 3)),), numpy=[np.linalg.det])


def slogdet(a: Any) -> Any:
    """numpy.linalg.slogdet: ``SlogdetResult(sign, logabsdet)``.

    ``sign`` is piecewise constant (a plain value); ``logabsdet`` carries the
    derivative tr(A⁻¹dA). At a singular matrix numpy gives (0, -inf) and the
    derivative does not exist: differentiating it raises ``LinAlgError``.
    """
    require_stack(a, "slogdet")
    sign = np.linalg.slogdet(primal(a))[0]
    sign = float(sign) if np.ndim(sign) == 0 else sign
    return SlogdetResult(sign, bind(_logabsdet, (a,), {}))


def _inverse_for_logdet(a: Any, out: Any) -> Any:
    if np.any(np.isneginf(primal(out))):
        raise LinAlgError("numpy.linalg.slogdet: the matrix is singular (log|det| = -inf), so "
                          "log|det| has no derivative there")
    return inv(a)


_logabsdet = nonlinear(
    "slogdet", lambda a: np.linalg.slogdet(a)[1],
    [lambda t, out, args, p, batched: sum(T(_inverse_for_logdet(args[0], out)) * t,
                                          axis=(-2, -1))],
    [lambda g, out, args, p: trailing(g, 2) * T(_inverse_for_logdet(args[0], out))], slogdet,
    doc="log|det A| has derivative tr(A⁻¹dA); at a singular A (log|det| = -inf) it raises "
        "LinAlgError; the sign is piecewise constant",
    samples=lambda rng: (rng.normal(size=(2, 3, 3)),),
    sample_call=lambda a: slogdet(a)[1], numpy=[np.linalg.slogdet])


SlogdetResult = result_type("SlogdetResult", ("sign", "logabsdet"))


# ---------------------------------------------------------------------------
# pinv
# ---------------------------------------------------------------------------

def pinv(a: Any, rcond: Any = None, hermitian: bool = False, *, rtol: Any = NoValue) -> Any:
    """numpy.linalg.pinv (stacks, ``rcond``/``rtol`` cut-offs, ``hermitian``).

    The cut-offs only decide which singular values count as zero (no
    derivative flows through them). When the discarded ones are negligible
    (the matrix has the rank pinv sees), the entry's closed form is used;
    when the cut-off discards singular values that are not (a truncated
    pseudo-inverse V_r S_r⁻¹ U_rᵀ), pinv is built from ``svd`` instead, whose
    rule gives the exact derivative of the truncation. With
    ``hermitian=True`` numpy reads the lower triangle only, and so does the
    derivative.
    """
    require_stack(a, "pinv", square=hermitian)
    params = {"rcond": primal(rcond), "hermitian": bool(hermitian),
              "rtol": primal(rtol) if given(rtol) else NoValue}
    if not is_box(a):
        return bind(_pinv, (a,), params)
    if hermitian:
        a = symmetric_from(a, lower=True)
    keep = _kept_singular_values(primal(a), **params)
    if keep is None:
        return bind(_pinv, (a,), params)
    u, s, vh = svd(a, full_matrices=False, hermitian=bool(hermitian))
    return _truncated_pinv(u, s, vh, keep)


def _kept_singular_values(a: np.ndarray, rcond: Any, hermitian: bool, rtol: Any) -> Any:
    """numpy's mask of the singular values pinv keeps, or None when the discarded ones are
    negligible (at most √eps times the smallest kept one, so the closed form is exact)."""
    if rcond is not None and given(rtol):
        raise ValueError("`rtol` and `rcond` can't be both set.")
    if rcond is None:
        rcond = 1e-15 if not given(rtol) else (
            max(a.shape[-2:]) * np.finfo(np.float64).eps if rtol is None else rtol)
    s = np.linalg.svd(a, compute_uv=False, hermitian=hermitian)
    if s.shape[-1] == 0:
        return None
    keep = s > np.asarray(rcond)[..., None] * np.max(s, axis=-1, keepdims=True)
    smallest_kept = np.min(np.where(keep, s, np.inf), axis=-1, keepdims=True)
    if np.all(np.where(keep, 0.0, s) <= np.sqrt(np.finfo(np.float64).eps) * smallest_kept):
        return None
    return keep


def _truncated_pinv(u: Any, s: Any, vh: Any, keep: np.ndarray) -> Any:
    """V_r S_r⁻¹ U_rᵀ from the kept singular triplets (matrix by matrix if the ranks differ)."""
    ranks = np.sum(keep, axis=-1)
    if np.ndim(ranks) and np.any(ranks != np.ravel(ranks)[0]):
        return stack([_truncated_pinv(u[i], s[i], vh[i], keep[i]) for i in range(len(keep))])
    r = int(np.ravel(ranks)[0])
    s_r = getitem(s, (Ellipsis, slice(0, r)))
    v_r = T(getitem(vh, (Ellipsis, slice(0, r), slice(None)))) / reshape(s_r, shape(s_r)[:-1] + (1, r))
    return matmul(v_r, T(getitem(u, (Ellipsis, slice(0, r)))))


def _pinv_impl(a, rcond, hermitian, rtol):
    if given(rtol):
        return np.linalg.pinv(a, rcond=rcond, hermitian=hermitian, rtol=rtol)
    return np.linalg.pinv(a, rcond=rcond, hermitian=hermitian)


def _pinv_jvp(t, out, args, p, batched):
    a, x = args[0], out
    dt = T(t)
    term1 = -matmul(x, matmul(t, x))
    xxt = matmul(x, T(x))
    term2 = matmul(xxt, dt) - matmul(matmul(xxt, matmul(dt, a)), x)  # X Xᵀ dAᵀ (I - A X)
    xtx = matmul(T(x), x)
    term3 = matmul(dt, xtx) - matmul(x, matmul(a, matmul(dt, xtx)))  # (I - X A) dAᵀ Xᵀ X
    return term1 + term2 + term3


def _pinv_vjp(g, out, args, p):
    a, x = args[0], out
    gt = T(g)
    term1 = -matmul(T(x), matmul(g, T(x)))
    m2 = matmul(gt, matmul(x, T(x)))
    term2 = m2 - matmul(a, matmul(x, m2))  # (I - A X) Gᵀ X Xᵀ
    m3 = matmul(matmul(T(x), x), gt)
    term3 = m3 - matmul(matmul(m3, x), a)  # Xᵀ X Gᵀ (I - X A)
    return term1 + term2 + term3


_pinv = nonlinear(
    "pinv", _pinv_impl, [_pinv_jvp], [_pinv_vjp], pinv,
    doc="dA⁺ = -A⁺dA A⁺ + A⁺A⁺ᵀdAᵀ(I - AA⁺) + (I - A⁺A)dAᵀA⁺ᵀA⁺ (Golub & Pereyra): exact "
        "where the rank is locally constant; at a rank-deficient A (singular values below the "
        "cut-off count as zero) it is the derivative along perturbations that keep the rank, "
        "since pinv jumps under the others. A cut-off that discards singular values that are "
        "not negligible goes through svd instead (the truncated pseudo-inverse)",
    samples=lambda rng: (rng.normal(size=(2, 4, 3)),), numpy=[np.linalg.pinv])


# ---------------------------------------------------------------------------
# Composites: matrix_power, lstsq, multi_dot, tensorinv, tensorsolve, matrix_rank
# ---------------------------------------------------------------------------

def matrix_power(a: Any, n: int) -> Any:
    """numpy.linalg.matrix_power by repeated squaring (numpy's order of products), built from
    ``matmul`` and, for negative ``n``, ``inv``; ``n = 0`` gives identities (a constant)."""
    require_stack(a, "matrix_power")
    try:
        n = operator.index(n)
    except TypeError as err:
        raise TypeError("exponent must be an integer") from err
    if not is_box(a):
        return np.linalg.matrix_power(np.asarray(a, dtype=np.float64), n)
    if n == 0:
        return np.broadcast_to(np.eye(shape(a)[-1]), shape(a)).copy()
    if n < 0:
        a, n = inv(a), -n
    if n <= 3:
        result = a
        for _ in range(n - 1):
            result = matmul(result, a)
        return result
    z = result = None
    while n > 0:
        z = a if z is None else matmul(z, z)
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else matmul(result, z)
    return result


def lstsq(a: Any, b: Any, rcond: Any = None) -> tuple:
    """numpy.linalg.lstsq: ``(x, residuals, rank, s)``.

    ``x = pinv(a) @ b`` with numpy's cut-off (the minimum-norm solution numpy
    returns; derivative as pinv's: exact where the rank is locally constant),
    ``residuals`` = Σ(b - a x)² per column when rank = N < M (else empty, as
    numpy), ``s`` the singular values of ``a`` (differentiable), ``rank`` a
    plain integer.
    """
    pa, pb = primal(a), primal(b)
    if not is_box(a, b):
        return np.linalg.lstsq(np.asarray(pa, dtype=float), np.asarray(pb, dtype=float), rcond)
    _, _, rank, _ = np.linalg.lstsq(pa, pb, rcond)  # numpy's checks and its rank
    m, n = shape(a)
    cutoff = np.finfo(np.float64).eps * max(m, n) if rcond is None else primal(rcond)
    if cutoff < 0:
        cutoff = np.finfo(np.float64).eps  # LAPACK's meaning of a negative rcond
    x = matmul(pinv(a, rcond=cutoff), b)
    if rank == n and m > n:
        residuals = sum((b - matmul(a, x)) ** 2, axis=0)
        if ndim(b) == 1:
            residuals = reshape(residuals, (1,))
    else:
        residuals = np.empty((0,))
    return x, residuals, int(rank), svdvals(a)


def multi_dot(arrays: Sequence[Any], *, out: Any = None) -> Any:
    """numpy.linalg.multi_dot: the chain of products in the cheapest order (as numpy chooses
    it); a 1-D first or last array is a row or column vector. Built from ``matmul``."""
    no_out("numpy.linalg.multi_dot", out)
    xs = list(arrays)
    if len(xs) < 2:
        raise ValueError("Expecting at least two arrays.")
    if not is_box(*xs):
        return np.linalg.multi_dot([np.asarray(x, dtype=float) for x in xs])
    first_vector, last_vector = ndim(xs[0]) == 1, ndim(xs[-1]) == 1
    if first_vector:
        xs[0] = reshape(xs[0], (1, -1))
    if last_vector:
        xs[-1] = reshape(xs[-1], (-1, 1))
    for x in xs:
        if ndim(x) != 2:
            raise ValueError(f"{ndim(x)}-dimensional array given. Array must be two-dimensional")
    result = _chain(xs, _chain_order([shape(x) for x in xs]), 0, len(xs) - 1)
    if first_vector and last_vector:
        return reshape(result, ())
    if first_vector or last_vector:
        return reshape(result, (-1,))
    return result


def _chain_order(shapes: list[tuple]) -> np.ndarray:
    """The textbook matrix-chain dynamic programme; ties keep the earliest split, as numpy."""
    dims = [s[0] for s in shapes] + [shapes[-1][1]]
    n = len(shapes)
    cost = np.zeros((n, n))
    split = np.zeros((n, n), dtype=int)
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i, j] = np.inf
            for k in range(i, j):
                c = cost[i, k] + cost[k + 1, j] + dims[i] * dims[k + 1] * dims[j + 1]
                if c < cost[i, j]:
                    cost[i, j], split[i, j] = c, k
    return split


def _chain(xs: list, split: np.ndarray, i: int, j: int) -> Any:
    if i == j:
        return xs[i]
    k = split[i, j]
    return matmul(_chain(xs, split, i, k), _chain(xs, split, k + 1, j))


def tensorinv(a: Any, ind: int = 2) -> Any:
    """numpy.linalg.tensorinv: ``inv`` of ``a`` reshaped to a square matrix, reshaped back."""
    s = shape(a)
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    rows = int(np.prod(s[:ind]))
    return reshape(inv(reshape(a, (rows, -1))), s[ind:] + s[:ind])


def tensorsolve(a: Any, b: Any, axes: Any = None) -> Any:
    """numpy.linalg.tensorsolve: ``solve`` on ``a`` and ``b`` reshaped to a matrix and a vector."""
    nd = ndim(a)
    if axes is not None:
        order = list(range(nd))
        for k in axes:
            order.remove(k)
            order.insert(nd, k)
        a = transpose(a, order)
    unknowns = shape(a)[-(nd - ndim(b)):]
    size = int(np.prod(unknowns))
    if int(np.prod(shape(a)[:ndim(b)])) != size:
        raise LinAlgError("Input arrays must satisfy the requirement prod(a.shape[b.ndim:]) == "
                          "prod(a.shape[:b.ndim])")
    return reshape(solve(reshape(a, (size, size)), reshape(b, (-1,))), unknowns)


def matrix_rank(A: Any, tol: Any = None, hermitian: bool = False, *, rtol: Any = None) -> Any:
    """numpy.linalg.matrix_rank: an integer count, piecewise constant (no derivative)."""
    return np.linalg.matrix_rank(primal(A), tol=primal(tol), hermitian=hermitian,
                                 rtol=primal(rtol))


def _linalg_matmul(x1: Any, x2: Any, /) -> Any:
    """numpy.linalg.matmul (numpy 2's array-API spelling of ``@``)."""
    return matmul(x1, x2)


NUMPY_FUNCTIONS = {np.linalg.matrix_power: matrix_power, np.linalg.lstsq: lstsq,
                   np.linalg.multi_dot: multi_dot, np.linalg.tensorinv: tensorinv,
                   np.linalg.tensorsolve: tensorsolve, np.linalg.matrix_rank: matrix_rank}
"""numpy functions answered by the composites above (the entries declare their own)."""
if hasattr(np.linalg, "matmul"):
    NUMPY_FUNCTIONS[np.linalg.matmul] = _linalg_matmul
