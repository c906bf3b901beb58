"""Matrices: the matrix product, the linear solves, and what every matrix function shares.

``matmul`` is bilinear: the tangent of each operand goes through the product
with the other operand fixed, and the transposes are ``g @ bᵀ`` and ``aᵀ @ g``
(with numpy's rules for 1-D operands and stacks of matrices). ``inv`` and
``solve`` are entries with the classical matrix-calculus rules (Giles, "An
extended collection of matrix derivative results", 2008): d inv(A) =
−A⁻¹ dA A⁻¹, d solve(A, b) = A⁻¹(db − dA x). The helpers below (``T``,
``diagonal_of``, ``require_stack``, ...) serve the decompositions, the norms and
:mod:`.linalg`, which all build on this module.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Box, bind, ndim, shape
from .reductions import sum
from .registry import align_batched, bilinear, nonlinear, unbroadcast
from .structural import (
    batch_size,
    moveaxis,
    reshape,
    swapaxes,
    transpose,
)

__all__ = ["matmul", "inv", "solve"]

LinAlgError = np.linalg.LinAlgError


def matmul(a: Any, b: Any) -> Any:
    """numpy.matmul (the ``@`` operator), including 1-D and stacked operands."""
    return bind(_matmul, (a, b), {})


def _matmul_jvp_a(t, out, args, p, batched):
    a, b = args
    if not batched:
        return matmul(t, b)
    k = batch_size(t)
    if ndim(a) == 1 and ndim(b) == 2:
        return matmul(t, b)  # every direction a row: one matrix product
    if ndim(a) == 1:
        t2 = reshape(t, (k,) + (1,) * max(ndim(b) - 2, 0) + (1, shape(a)[0]))
        return reshape(matmul(t2, b), (k,) + shape(out))
    return matmul(reshape(t, (k,) + (1,) * max(ndim(b) - ndim(a), 0) + shape(a)), b)


def _matmul_jvp_b(t, out, args, p, batched):
    a, b = args
    if not batched:
        return matmul(a, t)
    k = batch_size(t)
    if ndim(b) == 1 and ndim(a) == 2:
        return matmul(t, transpose(a))  # (k, m): every direction as a row, contiguous
    if ndim(b) == 1:
        r = matmul(a, transpose(t))  # (..., k): every direction as a column
        return moveaxis(r, -1, 0)
    return matmul(a, reshape(t, (k,) + (1,) * max(ndim(a) - ndim(b), 0) + shape(b)))


def _swap_last(x: Any) -> Any:
    nd = ndim(x)
    return transpose(x, tuple(range(nd - 2)) + (nd - 1, nd - 2))


def _matmul_vjp_a(g, out, args, p):
    a, b = args
    if ndim(a) == 1 and ndim(b) == 2:
        return matmul(g, _swap_last(b))  # b·g as a row: one matrix product even for a batch of g
    if ndim(b) == 1:
        g = reshape(g, shape(g) + (1,))
        b = reshape(b, (shape(b)[0], 1))
    if ndim(a) == 1:
        g = reshape(g, shape(g)[:-1] + (1, shape(g)[-1]))
        return reshape(unbroadcast(matmul(g, _swap_last(b)), (1, shape(a)[0])), shape(a))
    return unbroadcast(matmul(g, _swap_last(b)), shape(a))


def _matmul_vjp_b(g, out, args, p):
    a, b = args
    if ndim(a) == 2 and ndim(b) == 1:
        return matmul(g, a)  # aᵀ·g as a row: one matrix product even for a batch of g
    if ndim(a) == 1:
        g = reshape(g, shape(g)[:-1] + (1, shape(g)[-1])) if ndim(b) > 1 else reshape(g, (1,) + shape(g))
        a = reshape(a, (1, shape(a)[0]))
    if ndim(b) == 1:
        g = reshape(g, shape(g) + (1,))
        return reshape(unbroadcast(matmul(_swap_last(a), g), (shape(b)[0], 1)), shape(b))
    return unbroadcast(matmul(_swap_last(a), g), shape(b))


_matmul = bilinear(
    "matmul", np.matmul, [_matmul_jvp_a, _matmul_jvp_b], [_matmul_vjp_a, _matmul_vjp_b], matmul,
    doc="bilinear: d(a@b) = da@b + a@db; the transposes are g@bᵀ and aᵀ@g",
    samples=lambda rng: (rng.normal(size=(3, 4)), rng.normal(size=(4,))), numpy=[np.matmul])


# ---------------------------------------------------------------------------
# Helpers shared by the matrix functions (here and in decompositions.py, norms.py)
# ---------------------------------------------------------------------------

def T(x: Any) -> Any:
    """The transpose of every matrix in a stack (the last two axes swapped)."""
    return swapaxes(x, -1, -2)


def diagonal_of(x: Any) -> Any:
    """The diagonals of a stack of square matrices, shape (..., n) (a masked sum)."""
    return sum(x * np.eye(shape(x)[-1]), axis=-1)


def diagonal_matrix(v: Any) -> Any:
    """Stack of diagonal matrices with ``v`` (..., n) on the diagonals."""
    n = shape(v)[-1]
    return reshape(v, shape(v)[:-1] + (1, n)) * np.eye(n)


def trailing(x: Any, k: int) -> Any:
    """``x`` of shape (...) as (..., 1, ..., 1) with ``k`` trailing unit axes (to broadcast)."""
    return reshape(x, shape(x) + (1,) * k)


def is_box(*xs: Any) -> bool:
    """Whether any argument carries a derivative (else numpy is called directly)."""
    return any(isinstance(x, Box) for x in xs)


def require_stack(a: Any, function: str, square: bool = True) -> None:
    """numpy's own checks and messages: at least 2-D, and square when ``square``."""
    s = shape(a)
    if len(s) < 2:
        raise LinAlgError(f"{len(s)}-dimensional array given. Array must be at least "
                          "two-dimensional")
    if square and s[-1] != s[-2]:
        raise LinAlgError("Last 2 dimensions of the array must be square")


def result_type(name: str, fields: tuple[str, ...]) -> type:
    """numpy's own namedtuple class for a linalg result (numpy >= 2), else one like it."""
    found = getattr(getattr(np.linalg, "_linalg", None), name, None)
    if found is not None:
        return found
    from collections import namedtuple  # noqa: PLC0415
    return namedtuple(name, fields)


# ---------------------------------------------------------------------------
# inv and solve
# ---------------------------------------------------------------------------

def inv(a: Any) -> Any:
    """numpy.linalg.inv; a singular matrix raises numpy's ``LinAlgError``."""
    require_stack(a, "inv")
    return bind(_inv, (a,), {})


_inv = nonlinear(
    "inv", np.linalg.inv,
    [lambda t, out, args, p, batched: -matmul(out, matmul(t, out))],
    [lambda g, out, args, p: -matmul(T(out), matmul(g, T(out)))], inv,
    doc="d inv(A) = -A⁻¹ dA A⁻¹; a singular A raises LinAlgError (as numpy)",
    samples=lambda rng: (rng.normal(size=(2, 3, 3)) + 3.0 * np.eye(3),), numpy=[np.linalg.inv])


def solve(a: Any, b: Any) -> Any:
    """numpy.linalg.solve (numpy 2's rule: ``b`` is a vector only when it is 1-D, otherwise a
    stack of matrices); batch axes broadcast. A singular ``a`` raises ``LinAlgError``."""
    require_stack(a, "solve")
    return bind(_solve, (a, b), {"vector": ndim(b) == 1})


def _solve_impl(a, b, vector):
    if vector:  # numpy >= 2 does this itself; written out so the rule never depends on the version
        return np.linalg.solve(a, b[:, None])[..., 0]
    return np.linalg.solve(a, b)


def _column(x: Any, vector: bool) -> Any:
    return reshape(x, shape(x) + (1,)) if vector else x


def _uncolumn(x: Any, vector: bool) -> Any:
    return reshape(x, shape(x)[:-1]) if vector else x


def _solve_jvp_a(t, out, args, p, batched):
    x = _column(out, p["vector"])
    if batched:
        t = align_batched(t, ndim(args[0]), ndim(x))
    return _uncolumn(-solve(args[0], matmul(t, x)), p["vector"])


def _solve_jvp_b(t, out, args, p, batched):
    a, b = args
    t = _column(t, p["vector"])
    if batched:
        t = align_batched(t, ndim(b) + p["vector"], max(ndim(a), ndim(b) + p["vector"]))
    return _uncolumn(solve(a, t), p["vector"])


def _solve_vjp_a(g, out, args, p):
    y = solve(T(args[0]), _column(g, p["vector"]))
    return unbroadcast(-matmul(y, T(_column(out, p["vector"]))), shape(args[0]))


def _solve_vjp_b(g, out, args, p):
    y = solve(T(args[0]), _column(g, p["vector"]))
    return unbroadcast(_uncolumn(y, p["vector"]), shape(args[1]))


_solve = nonlinear(
    "solve", _solve_impl, [_solve_jvp_a, _solve_jvp_b], [_solve_vjp_a, _solve_vjp_b], solve,
    doc="x = A⁻¹b: dx = A⁻¹(db - dA x); the cotangents are ḡ_b = A⁻ᵀg and ḡ_A = -ḡ_b xᵀ; a "
        "singular A raises LinAlgError (as numpy)",
    samples=lambda rng: (rng.normal(size=(2, 3, 3)) + 3.0 * np.eye(3), rng.normal(size=(3, 2))),
    numpy=[np.linalg.solve])
