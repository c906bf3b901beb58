"""Linear algebra: the matrix product.

``matmul`` is bilinear: the tangent of each operand goes through the product
with the other operand fixed, and the transposes are ``g @ bᵀ`` and ``aᵀ @ g``
(with numpy's rules for 1-D operands and stacks of matrices).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import bind, ndim, shape
from .registry import bilinear, unbroadcast
from .structural import batch_size, moveaxis, reshape, transpose

__all__ = ["matmul"]


def matmul(a: Any, b: Any) -> Any:
    """numpy.matmul (the ``@`` operator), including 1-D and stacked operands."""
    return bind(_matmul, (a, b), {})


def _matmul_jvp_a(t, out, args, p, batched):
    a, b = args
    if not batched:
        return matmul(t, b)
    k = batch_size(t)
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
    if ndim(b) == 1:
        g = reshape(g, shape(g) + (1,))
        b = reshape(b, (shape(b)[0], 1))
    if ndim(a) == 1:
        g = reshape(g, shape(g)[:-1] + (1, shape(g)[-1]))
        return reshape(unbroadcast(matmul(g, _swap_last(b)), (1, shape(a)[0])), shape(a))
    return unbroadcast(matmul(g, _swap_last(b)), shape(a))


def _matmul_vjp_b(g, out, args, p):
    a, b = args
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
