"""Eigendecompositions: eigh and eigvalsh (symmetric), eig and eigvals (real spectra only).

Like the other decompositions (:mod:`.decompositions`), ``eigh`` and ``eig``
are single entries whose output packs the eigenvalues and the eigenvectors;
the public functions return numpy's namedtuples. With V the eigenvectors and
F_ij = 1/(λ_j - λ_i) (0 on the diagonal):

* eigh: dλ = diag(Vᵀ dA V), dV = V (F ∘ (Vᵀ dA V)), with respect to the
  triangle numpy reads (``UPLO``);
* eig: dλ = diag(V⁻¹ dA V), dV = V (F ∘ (V⁻¹ dA V)), then projected so each
  column keeps numpy's unit length.

Repeated eigenvalues: a single eigenvalue is not differentiable there; the
rule gives diag(Vᵀ dA V) for numpy's V, which is right for every function
symmetric in the repeated eigenvalues (their sum, a trace, log det) and for
perturbations that keep them repeated. An eigenvector whose eigenvalue is
repeated has no derivative: its derivative comes out inf or NaN, in both
modes, while the other eigenvectors and all eigenvalues keep finite (and
right) ones. Complex eigenvalues are refused by name: dualdiff
differentiates real functions only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import bind, shape
from ..errors import DomainError
from .decompositions import inverse_gaps, masked, pack, pack_values, symmetric_from, unpack
from .matrices import (T, diagonal_matrix, diagonal_of, is_box, matmul, require_stack,
                       result_type, solve)
from .reductions import sum
from .registry import nonlinear
from .structural import concatenate, reshape

__all__ = ["eigh", "eigvalsh", "eig", "eigvals"]

EighResult = result_type("EighResult", ("eigenvalues", "eigenvectors"))
EigResult = result_type("EigResult", ("eigenvalues", "eigenvectors"))


def _cores(a: Any) -> tuple:
    n = shape(a)[-1]
    return ((n,), (n, n))


def _sample_call(decompose):
    """Eigenvalues and squared eigenvectors (each column's sign is arbitrary; its square is not)."""
    def call(a: Any) -> Any:
        w, v = decompose(a)
        return concatenate([reshape(w, (-1,)), reshape(v * v, (-1,))])
    return call


def _spread_spectrum(rng: np.random.Generator, symmetric: bool) -> np.ndarray:
    """A 3x3 matrix with eigenvalues -1, 0.5, 2 (well separated), for the table's tests."""
    if symmetric:
        q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
        return q @ np.diag([-1.0, 0.5, 2.0]) @ q.T
    p = np.eye(3) + 0.2 * rng.normal(size=(3, 3))
    return p @ np.diag([-1.0, 0.5, 2.0]) @ np.linalg.inv(p)


# ---------------------------------------------------------------------------
# eigh and eigvalsh
# ---------------------------------------------------------------------------

def eigh(a: Any, UPLO: str = "L") -> Any:  # noqa: N803  (numpy's name)
    """numpy.linalg.eigh: ``EighResult(eigenvalues, eigenvectors)`` from the ``UPLO`` triangle.

    The derivative is with respect to the entries numpy reads (the other
    triangle has none). Repeated eigenvalues: see the module docstring.
    """
    if UPLO not in ("L", "U"):
        raise ValueError("UPLO argument must be 'L' or 'U'")
    require_stack(a, "eigh")
    if not is_box(a):
        return np.linalg.eigh(a, UPLO)
    packed = bind(_eigh, (symmetric_from(a, lower=UPLO == "L"),), {"UPLO": UPLO})
    return EighResult(*unpack(packed, _cores(a)))


def eigvalsh(a: Any, UPLO: str = "L") -> Any:  # noqa: N803
    """numpy.linalg.eigvalsh: the eigenvalues of ``eigh`` (ascending)."""
    if not is_box(a):
        if UPLO not in ("L", "U"):
            raise ValueError("UPLO argument must be 'L' or 'U'")
        return np.linalg.eigvalsh(a, UPLO)
    return eigh(a, UPLO).eigenvalues


def _eigh_jvp(t, out, args, p, batched):
    w, v = unpack(out, _cores(args[0]))
    x = matmul(T(v), matmul(t, v))  # Vᵀ dA V
    with np.errstate(invalid="ignore"):  # repeated eigenvalues: inf·0 in dV, as documented
        dv = matmul(v, inverse_gaps(w) * x)
    return pack_values([diagonal_of(x), dv], _cores(args[0]))


def _eigh_vjp(g, out, args, p):
    w, v = unpack(out, _cores(args[0]))
    gw, gv = unpack(g, _cores(args[0]))
    inner = diagonal_matrix(gw) + masked(inverse_gaps(w), matmul(T(v), gv))
    return matmul(v, matmul(inner, T(v)))


_eigh = nonlinear(
    "eigh", lambda a, UPLO: pack(np.linalg.eigh(a, UPLO), _cores(a)),
    [_eigh_jvp], [_eigh_vjp], eigh,
    doc="dλ = diag(Vᵀ dA V), dV = V(F∘(Vᵀ dA V)), F_ij = 1/(λ_j - λ_i), with respect to the "
        "UPLO triangle; repeated eigenvalues: eigenvalue derivatives right for symmetric "
        "functions of them, their eigenvectors' derivatives inf/NaN (the others finite)",
    samples=lambda rng: (_spread_spectrum(rng, symmetric=True),),
    sample_call=_sample_call(eigh), numpy=[np.linalg.eigh])


# ---------------------------------------------------------------------------
# eig and eigvals: real eigenvalues only
# ---------------------------------------------------------------------------

class ComplexEigenvaluesError(DomainError, TypeError):
    """eig of a real matrix whose eigenvalues are complex: outside the real functions dualdiff
    differentiates (a TypeError, like every refusal, and a DomainError: not defined as real)."""


def _refuse_complex(w: np.ndarray, function: str) -> None:
    if np.iscomplexobj(w):
        raise ComplexEigenvaluesError(f"{function}: this matrix has complex eigenvalues, and dualdiff "
                        "differentiates real functions only (for a symmetric matrix use "
                        "numpy.linalg.eigh)")


def eig(a: Any) -> Any:
    """numpy.linalg.eig for matrices whose eigenvalues are all real.

    Returns ``EigResult(eigenvalues, eigenvectors)`` (unit-length columns, as
    numpy). A matrix with complex eigenvalues is refused with a ``TypeError``
    naming the function. Repeated eigenvalues: see the module docstring.
    """
    require_stack(a, "eig")
    if not is_box(a):
        result = np.linalg.eig(a)
        _refuse_complex(result.eigenvalues, "numpy.linalg.eig")
        return result
    return EigResult(*unpack(bind(_eig, (a,), {}), _cores(a)))


def eigvals(a: Any) -> Any:
    """numpy.linalg.eigvals for matrices whose eigenvalues are all real (else a TypeError)."""
    if not is_box(a):
        require_stack(a, "eigvals")
        w = np.linalg.eigvals(a)
        _refuse_complex(w, "numpy.linalg.eigvals")
        return w
    return eig(a).eigenvalues


def _eig_impl(a):
    w, v = np.linalg.eig(a)
    _refuse_complex(w, "numpy.linalg.eig")
    return pack([w, v], _cores(a))


def _unit_columns(v: Any, dv: Any) -> Any:
    """dv with each column's component along its eigenvector removed (numpy's unit length)."""
    n = shape(v)[-1]
    along = sum(v * dv, axis=-2)
    return dv - v * reshape(along, shape(along)[:-1] + (1, n))


def _eig_jvp(t, out, args, p, batched):
    w, v = unpack(out, _cores(args[0]))
    x = solve(v, matmul(t, v))  # V⁻¹ dA V
    with np.errstate(invalid="ignore"):  # repeated eigenvalues: inf·0 in dV, as documented
        dv = _unit_columns(v, matmul(v, inverse_gaps(w) * x))
    return pack_values([diagonal_of(x), dv], _cores(args[0]))


def _eig_vjp(g, out, args, p):
    w, v = unpack(out, _cores(args[0]))
    gw, gv = unpack(g, _cores(args[0]))
    inner = diagonal_matrix(gw) + masked(inverse_gaps(w), matmul(T(v), _unit_columns(v, gv)))
    return solve(T(v), matmul(inner, T(v)))  # V⁻ᵀ (diag(ḡ_λ) + F∘(Vᵀḡ_V)) Vᵀ


_eig = nonlinear(
    "eig", _eig_impl, [_eig_jvp], [_eig_vjp], eig,
    doc="real spectra only: dλ = diag(V⁻¹dA V), dV = V(F∘(V⁻¹dA V)) projected to keep unit "
        "columns; repeated eigenvalues as eigh; complex eigenvalues: TypeError",
    samples=lambda rng: (_spread_spectrum(rng, symmetric=False),),
    sample_call=_sample_call(eig), numpy=[np.linalg.eig])


NUMPY_FUNCTIONS = {np.linalg.eigvalsh: eigvalsh, np.linalg.eigvals: eigvals}
"""numpy functions answered by the composites above (the entries declare their own)."""
