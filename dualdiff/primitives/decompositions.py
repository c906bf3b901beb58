"""Matrix decompositions: cholesky, qr, svd (the eigendecompositions are in :mod:`.eigen`).

A table entry has one output, so a decomposition with several factors packs
them into one array: each factor flattened over its matrix axes, concatenated
along the last axis (the leading batch axes stay). The entry's rules unpack
``out`` and the cotangent with :func:`unpack`, a ``getitem`` and a ``reshape``,
so they stay differentiable; the public functions unpack the result into
numpy's own namedtuples. A factor (or column) the user does not read gets
a zero cotangent, and the rules keep such a zero from multiplying something
infinite (repeated or zero singular values) into NaN (:func:`masked`), so
that, e.g., the singular values keep a finite derivative when some singular
vectors have none.

Where numpy reads only one triangle of its input (cholesky, ``hermitian=True``),
the public function first rebuilds the symmetric matrix from that triangle
(:func:`symmetric_from`, linear): derivatives are with respect to the entries
numpy actually reads, and the entry's rules see a symmetric perturbation.

Formulas: Murray (arXiv:1602.07527) for cholesky; Walter and Lehmann, and
Townsend's notes, for qr and svd, as also used by JAX and autograd.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ..core import (COTANGENT_BATCH_LEVELS, Box, RowSweepNeeded, bind, is_finite_everywhere, ndim,
                    primal, shape)
from .keywords import refusal
from .matrices import (T, diagonal_matrix, diagonal_of, is_box, matmul, require_stack,
                       result_type, solve)
from .reductions import sum
from .registry import nonlinear
from .structural import concatenate, getitem, reshape, where

__all__ = ["cholesky", "qr", "svd", "svdvals"]

QRResult = result_type("QRResult", ("Q", "R"))
SVDResult = result_type("SVDResult", ("U", "S", "Vh"))


# ---------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------

def symmetric_from(a: Any, lower: bool = True) -> Any:
    """The symmetric matrices numpy works with when it reads one triangle of ``a`` only.

    ``tril(a) + tril(a, -1)ᵀ`` (or with ``triu``): linear, built from ``where``
    and the transpose, so the derivative reaches exactly the entries numpy reads.
    """
    n = shape(a)[-1]
    ones = np.ones((n, n), dtype=bool)
    keep, strict = (np.tril(ones), np.tril(ones, -1)) if lower else (np.triu(ones),
                                                                        np.triu(ones, 1))
    return where(keep, a, 0.0) + T(where(strict, a, 0.0))


def pack(parts: Sequence[np.ndarray], cores: Sequence[tuple]) -> np.ndarray:
    """numpy arrays of shapes ``lead + core`` flattened over their cores and concatenated."""
    return np.concatenate([p.reshape(p.shape[:p.ndim - len(c)] + (math.prod(c),))
                           for p, c in zip(parts, cores)], axis=-1)


def pack_values(parts: Sequence[Any], cores: Sequence[tuple]) -> Any:
    """:func:`pack` for any value type (the rules' tangents)."""
    return concatenate([reshape(p, shape(p)[:ndim(p) - len(c)] + (math.prod(c),))
                        for p, c in zip(parts, cores)], axis=-1)


def unpack(packed: Any, cores: Sequence[tuple]) -> list:
    """The factors of a packed value (any leading axes, e.g. a batch of tangents)."""
    lead = shape(packed)[:-1]
    parts, start = [], 0
    for core in cores:
        size = math.prod(core)
        parts.append(reshape(getitem(packed, (Ellipsis, slice(start, start + size))), lead + core))
        start += size
    return parts


def columns(x: Any, start: int, stop: int | None = None) -> Any:
    return getitem(x, (Ellipsis, slice(start, stop)))


def rows(x: Any, start: int, stop: int | None = None) -> Any:
    return getitem(x, (Ellipsis, slice(start, stop), slice(None)))


def inverse_gaps(values: Any) -> Any:
    """F with F_ij = 1/(v_j - v_i) off the diagonal and 0 on it (inf where v_i = v_j, i ≠ j)."""
    n = shape(values)[-1]
    eye = np.eye(n)
    gaps = reshape(values, shape(values)[:-1] + (1, n)) - reshape(values, shape(values) + (1,))
    with np.errstate(divide="ignore"):
        return 1.0 / (gaps + eye) - eye


def masked(factor: Any, x: Any) -> Any:
    """``factor ∘ x``, exactly 0 wherever ``x`` is 0 even where the factor is inf.

    The factors 1/(λ_j - λ_i) and 1/s are infinite at repeated eigenvalues or
    singular values and at zero singular values. A factor (column) the user
    does not read has a zero cotangent, and this keeps inf·0 from turning it
    into NaN, so the factors that are differentiable keep finite derivatives
    (the same convention as the elementwise rules' zero-cotangent mask).
    """
    if is_finite_everywhere(factor):
        return factor * x
    if getattr(x, "_level", None) in COTANGENT_BATCH_LEVELS:
        raise RowSweepNeeded  # a batch of cotangents: each row has its own zeros
    px = primal(x)
    zero = (px if isinstance(px, Box) else np.asarray(px)) == 0.0  # a traced value stays traced
    with np.errstate(invalid="ignore"):
        return where(zero, 0.0, factor * x)


# ---------------------------------------------------------------------------
# cholesky
# ---------------------------------------------------------------------------

def cholesky(a: Any, /, *, upper: bool = False) -> Any:
    """numpy.linalg.cholesky: L with A = L Lᵀ (``upper=True``: U = Lᵀ with A = Uᵀ U).

    numpy reads the lower triangle (the upper one with ``upper=True``); the
    derivative is with respect to those entries. A matrix that is not
    positive definite raises numpy's ``LinAlgError``.
    """
    require_stack(a, "cholesky")
    upper = bool(upper)
    if not is_box(a):
        return np.linalg.cholesky(a, upper=True) if upper else np.linalg.cholesky(a)
    return bind(_cholesky, (symmetric_from(a, lower=not upper),), {"upper": upper})


def _phi(n: int) -> np.ndarray:
    """The lower triangle with a halved diagonal: Φ in dL = L Φ(L⁻¹ dA L⁻ᵀ)."""
    return np.tril(np.ones((n, n))) - 0.5 * np.eye(n)


def _cholesky_jvp(t, out, args, p, batched):
    low = T(out) if p["upper"] else out
    z = solve(low, T(solve(low, T(t))))  # L⁻¹ dA L⁻ᵀ
    dl = matmul(low, z * _phi(shape(out)[-1]))
    return T(dl) if p["upper"] else dl


def _cholesky_vjp(g, out, args, p):
    low = T(out) if p["upper"] else out
    gl = T(g) if p["upper"] else g
    m = matmul(T(low), gl) * _phi(shape(out)[-1])
    return solve(T(low), T(solve(T(low), T(m))))  # L⁻ᵀ Φ(Lᵀ ḡ) L⁻¹


def _spd(rng: np.random.Generator, *lead: int, n: int = 3) -> np.ndarray:
    x = rng.normal(size=lead + (n, n))
    return x @ np.swapaxes(x, -1, -2) + n * np.eye(n)


_cholesky = nonlinear(
    "cholesky",
    lambda a, upper: np.linalg.cholesky(a, upper=True) if upper else np.linalg.cholesky(a),
    [_cholesky_jvp], [_cholesky_vjp], cholesky,
    doc="dL = L Φ(L⁻¹ dA L⁻ᵀ), Φ = lower triangle with the diagonal halved; with respect to "
        "the triangle numpy reads; not positive definite: LinAlgError (as numpy)",
    samples=lambda rng: (_spd(rng, 2),), numpy=[np.linalg.cholesky])


# ---------------------------------------------------------------------------
# qr
# ---------------------------------------------------------------------------

def qr(a: Any, mode: str = "reduced") -> Any:
    """numpy.linalg.qr: ``QRResult(Q, R)`` for modes 'reduced' and 'complete', R for 'r'.

    The derivative needs the first min(M, N) columns of ``a`` to be linearly
    independent (R's leading block invertible); otherwise it raises
    ``LinAlgError``. In 'complete' mode with M > N, the extra columns of Q
    (any orthonormal basis of the complement) move with the smallest rotation:
    dQ₂ = -Q₁ dQ₁ᵀ Q₂. 'raw' (LAPACK's Householder reflectors) is refused.
    """
    if mode == "raw":
        raise refusal("numpy.linalg.qr", "mode",
                      "mode='raw' returns LAPACK's Householder reflectors (h, tau), which "
                      "dualdiff does not differentiate; use mode='reduced' or 'complete'")
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"Unrecognized mode '{mode}'")
    require_stack(a, "qr", square=False)
    if not is_box(a):
        return np.linalg.qr(a, mode)
    if mode == "r":
        return qr(a, "reduced").R
    m, n = shape(a)[-2:]
    packed = bind(_qr, (a,), {"complete": mode == "complete"})
    return QRResult(*unpack(packed, _qr_cores(m, n, mode == "complete")))


def _qr_cores(m: int, n: int, complete: bool) -> tuple:
    k = min(m, n)
    return ((m, m if complete else k), (m if complete else k, n))


def _qr_impl(a, complete):
    q, r = np.linalg.qr(a, "complete" if complete else "reduced")
    m, n = a.shape[-2:]
    return pack([q, r], _qr_cores(m, n, complete))


def _strictly_lower(x: Any) -> Any:
    n = shape(x)[-1]
    return x * np.tril(np.ones((n, n)), -1)


def _qr_tall_jvp(q1, r1, dx):
    """(dQ₁, dR₁, B = dX R₁⁻¹) for X = Q₁R₁ with R₁ square: Ω = L(C) - L(C)ᵀ, C = Q₁ᵀB."""
    b = T(solve(T(r1), T(dx)))
    c = matmul(T(q1), b)
    low = _strictly_lower(c)
    omega = low - T(low)
    return matmul(q1, omega - c) + b, matmul(c - omega, r1), b


def _qr_tall_vjp(q1, r1, gq1, gr1, extra_b=None):
    """The cotangent of X from those of Q₁ and R₁ (the transpose of :func:`_qr_tall_jvp`)."""
    d = matmul(T(q1), gq1) - matmul(gr1, T(r1))
    c_bar = _strictly_lower(d - T(d)) - d
    b_bar = gq1 + matmul(q1, c_bar)
    if extra_b is not None:
        b_bar = b_bar + extra_b
    return T(solve(r1, T(b_bar)))  # B̄ R₁⁻ᵀ


def _qr_jvp(t, out, args, p, batched):
    a = args[0]
    m, n = shape(a)[-2:]
    q, r = unpack(out, _qr_cores(m, n, p["complete"]))
    if m < n:  # A = [X Y] = Q [R₁ R₂]: R₂ = Qᵀ Y
        dq, dr1, _ = _qr_tall_jvp(q, columns(r, 0, m), columns(t, 0, m))
        dr2 = matmul(T(dq), columns(a, m)) + matmul(T(q), columns(t, m))
        return pack_values([dq, concatenate([dr1, dr2], axis=-1)], _qr_cores(m, n, False))
    q1 = columns(q, 0, n)
    r1 = rows(r, 0, n)
    dq, dr, b = _qr_tall_jvp(q1, r1, t)
    if p["complete"] and m > n:
        q2 = columns(q, n)
        dq = concatenate([dq, -matmul(q1, matmul(T(b), q2))], axis=-1)
        dr = concatenate([dr, np.zeros(shape(dr)[:-2] + (m - n, n))], axis=-2)
    return pack_values([dq, dr], _qr_cores(m, n, p["complete"]))


def _qr_vjp(g, out, args, p):
    a = args[0]
    m, n = shape(a)[-2:]
    cores = _qr_cores(m, n, p["complete"])
    q, r = unpack(out, cores)
    gq, gr = unpack(g, cores)
    if m < n:
        gr2 = columns(gr, m)
        gq = gq + matmul(columns(a, m), T(gr2))
        gx = _qr_tall_vjp(q, columns(r, 0, m), gq, columns(gr, 0, m))
        return concatenate([gx, matmul(q, gr2)], axis=-1)
    q1 = columns(q, 0, n)
    extra = None
    if p["complete"] and m > n:
        q2 = columns(q, n)
        extra = -matmul(q2, matmul(T(columns(gq, n)), q1))
    return _qr_tall_vjp(q1, rows(r, 0, n), columns(gq, 0, n), rows(gr, 0, n), extra)


_qr = nonlinear(
    "qr", _qr_impl, [_qr_jvp], [_qr_vjp], qr,
    doc="with B = dA R⁻¹, C = QᵀB, Ω = L(C) - L(C)ᵀ (L: strictly lower part): dQ = Q(Ω - C) "
        "+ B, dR = (C - Ω)R; wide A = [X Y]: dR₂ = dQᵀY + QᵀdY; complete Q: dQ₂ = -Q₁BᵀQ₂; "
        "rank-deficient leading columns: LinAlgError",
    samples=lambda rng: (rng.normal(size=(4, 3)),),
    sample_call=lambda a: concatenate([reshape(x, (-1,)) for x in qr(a)]),
    numpy=[np.linalg.qr])


# ---------------------------------------------------------------------------
# svd and svdvals
# ---------------------------------------------------------------------------

def svd(a: Any, full_matrices: bool = True, compute_uv: bool = True,
        hermitian: bool = False) -> Any:
    """numpy.linalg.svd: ``SVDResult(U, S, Vh)``, or the singular values alone.

    Contracts: a pair of singular vectors needs its singular value to be
    distinct from the others (and, for a non-square matrix, nonzero);
    otherwise its derivative is not finite (inf or NaN), while the other
    vectors and all singular values keep finite ones (at repeated singular
    values diag(Uᵀ dA V) for numpy's U, V: right for functions symmetric in
    the repeated ones, such as their sum). With ``full_matrices=True`` and a
    non-square matrix, the extra columns of U (rows of Vh) move with the
    smallest rotation (dU₂ = -U₁ dU₁ᵀ U₂). ``hermitian=True`` reads the
    lower triangle only, as numpy.
    """
    require_stack(a, "svd", square=bool(hermitian))
    hermitian = bool(hermitian)
    if not is_box(a):
        return np.linalg.svd(a, full_matrices=full_matrices, compute_uv=compute_uv,
                             hermitian=hermitian)
    if hermitian:
        a = symmetric_from(a, lower=True)
    if not compute_uv:
        return bind(_svdvals, (a,), {"hermitian": hermitian})
    full = bool(full_matrices)
    m, n = shape(a)[-2:]
    packed = bind(_svd, (a,), {"full_matrices": full, "hermitian": hermitian})
    return SVDResult(*unpack(packed, _svd_cores(m, n, full)))


def svdvals(x: Any, /) -> Any:
    """numpy.linalg.svdvals: the singular values (``svd(x, compute_uv=False)``)."""
    return svd(x, compute_uv=False)


def _svd_cores(m: int, n: int, full: bool) -> tuple:
    k = min(m, n)
    return ((m, m if full else k), (k,), (n if full else k, n))


def _svd_impl(a, full_matrices, hermitian):
    m, n = a.shape[-2:]
    return pack(np.linalg.svd(a, full_matrices=full_matrices, hermitian=hermitian),
                _svd_cores(m, n, full_matrices))


def _svd_factors(out: Any, a: Any, full: bool) -> tuple:
    """U₁, s, V₁ (the reduced factors), s as a row (to scale columns), and U, V as returned."""
    m, n = shape(a)[-2:]
    k = min(m, n)
    u, s, vh = unpack(out, _svd_cores(m, n, full))
    v = T(vh)
    return columns(u, 0, k), s, columns(v, 0, k), reshape(s, shape(s)[:-1] + (1, k)), u, v


def _svd_jvp(t, out, args, p, batched):
    with np.errstate(divide="ignore", invalid="ignore"):  # inf/NaN in dU, dV as documented
        return _svd_tangent(t, out, args[0], p["full_matrices"])


def _svd_tangent(t, out, a, full):
    m, n = shape(a)[-2:]
    k = min(m, n)
    u1, s, v1, s_row, u, v = _svd_factors(out, a, full)
    f = inverse_gaps(s * s)  # 1/(s_j² - s_i²)
    dp = matmul(T(u1), matmul(t, v1))  # U₁ᵀ dA V₁
    dps, sdp = dp * s_row, T(s_row) * dp  # dP S, S dP
    du = matmul(u1, f * (dps + T(dps)))
    dv = matmul(v1, f * (sdp + T(sdp)))
    if m > k:
        du = du + (matmul(t, v1) - matmul(u1, dp)) / s_row  # (I - U₁U₁ᵀ) dA V₁ S⁻¹
        if full:
            u2 = columns(u, k)
            du = concatenate([du, -matmul(u1, T(matmul(T(u2), matmul(t, v1)) / s_row))], axis=-1)
    if n > k:
        dv = dv + (matmul(T(t), u1) - matmul(v1, T(dp))) / s_row  # (I - V₁V₁ᵀ) dAᵀ U₁ S⁻¹
        if full:
            v2 = columns(v, k)
            dv = concatenate([dv, -matmul(v1, matmul(T(u1), matmul(t, v2)) / T(s_row))],
                             axis=-1)
    return pack_values([du, diagonal_of(dp), T(dv)], _svd_cores(m, n, full))


def _svd_vjp(g, out, args, p):
    a, full = args[0], p["full_matrices"]
    m, n = shape(a)[-2:]
    k = min(m, n)
    u1, s, v1, s_row, u, v = _svd_factors(out, a, full)
    gu, gs, gvh = unpack(g, _svd_cores(m, n, full))
    gv = T(gvh)
    gu1, gv1 = columns(gu, 0, k), columns(gv, 0, k)
    f = inverse_gaps(s * s)
    with np.errstate(divide="ignore"):
        inv_s = 1.0 / s_row  # inf at zero singular values: only ever used through masked()
    inner = diagonal_matrix(gs) + masked(f, matmul(T(u1), gu1) - matmul(T(gu1), u1)) * s_row
    inner = inner + T(s_row) * masked(f, matmul(T(v1), gv1) - matmul(T(gv1), v1))
    ga = matmul(u1, matmul(inner, T(v1)))
    if m > k:
        ga = ga + matmul(masked(inv_s, gu1 - matmul(u1, matmul(T(u1), gu1))), T(v1))
        if full:
            u2 = columns(u, k)
            ga = ga - matmul(masked(inv_s, matmul(u2, matmul(T(columns(gu, k)), u1))), T(v1))
    if n > k:
        gv1t = T(gv1)
        ga = ga + matmul(u1, masked(T(inv_s), gv1t - matmul(matmul(gv1t, v1), T(v1))))
        if full:
            v2 = columns(v, k)
            ga = ga - matmul(u1, matmul(masked(T(inv_s), matmul(T(v1), columns(gv, k))), T(v2)))
    return ga


def _svd_sample_call(a: Any) -> Any:
    u, s, vh = svd(a, full_matrices=False)
    return concatenate([s, reshape(u * u, (-1,)), reshape(vh * vh, (-1,))])


_svd = nonlinear(
    "svd", _svd_impl, [_svd_jvp], [_svd_vjp], svd,
    doc="dP = U₁ᵀdA V₁, ds = diag(dP), dU = U₁(F∘(dP S + S dPᵀ)) + (I - U₁U₁ᵀ)dA V₁S⁻¹, "
        "dV likewise, F_ij = 1/(s_j² - s_i²): a singular vector needs its singular value "
        "distinct (and, non-square, nonzero), else its derivative is inf/NaN; the other "
        "vectors and the singular values stay finite",
    samples=lambda rng: (rng.normal(size=(4, 3)),), sample_call=_svd_sample_call,
    numpy=[np.linalg.svd])


def _svdvals_jvp(t, out, args, p, batched):
    u1, _, vh1 = svd(args[0], full_matrices=False)
    return sum(u1 * matmul(t, T(vh1)), axis=-2)  # u_iᵀ dA v_i


def _svdvals_vjp(g, out, args, p):
    u1, _, vh1 = svd(args[0], full_matrices=False)
    return matmul(u1 * reshape(g, shape(g)[:-1] + (1, shape(g)[-1])), vh1)  # U diag(g) Vᵀ


_svdvals = nonlinear(
    "svdvals", lambda a, hermitian: np.linalg.svd(a, compute_uv=False, hermitian=hermitian),
    [_svdvals_jvp], [_svdvals_vjp], svdvals,
    doc="ds_i = u_iᵀ dA v_i (U, V from the SVD; finite at repeated and zero singular values, "
        "where it is a subgradient: right for functions symmetric in the repeated ones, e.g. "
        "the nuclear norm); second derivatives need distinct singular values",
    samples=lambda rng: (rng.normal(size=(2, 4, 3)),),
    numpy=[np.linalg.svdvals] if hasattr(np.linalg, "svdvals") else [])
