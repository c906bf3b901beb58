"""Shared checks of test_shaping.py, test_selection.py and test_updates.py (not a test module).

``check_modes(f, *args)`` differentiates ``f`` in every argument in every mode and compares:

* batched forward mode (``jacfwd``: every direction in one pass) against five-point finite
  differences (``rtol 1e-7``, ``atol 1e-8``; the functions are piecewise linear, so the stencil
  is exact up to rounding) and reverse mode (``jacrev``) against forward mode (``rtol 1e-12``);
* one unbatched ``jvp`` and one ``vjp`` against the Jacobian;
* second order through a nonlinear loss ``sum(w * sin(f(x)))``: forward-over-reverse
  (``hessian``), forward-over-forward and reverse-over-reverse against each other
  (``rtol 1e-10``) and against five-point differences of the gradient (``rtol 1e-6``).

Outputs that are lists or tuples (``split``) are compared piece by piece, flattened.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

import dualdiff as dd
from dualdiff import finite_diff


def joined(f: Callable) -> Callable:
    """``f`` with a list/tuple output flattened into one vector (a box-aware concatenate)."""
    def g(*args: Any) -> Any:
        out = f(*args)
        if isinstance(out, (list, tuple)):
            pieces = [dd.reshape(o, (-1,)) for o in out]
            return dd.concatenate(pieces) if pieces else np.zeros(0)
        return out
    return g


def _plain(f: Callable, args: tuple, i: int) -> Callable:
    def fi(v: Any) -> np.ndarray:
        a = list(args)
        a[i] = v
        return np.asarray(dd.primal(f(*a)), dtype=float)
    return fi


def fd_jacobian(f: Callable, args: tuple, i: int) -> np.ndarray:
    return np.asarray(finite_diff.jacobian(_plain(f, args, i), args[i], method="five-point").value)


def check_modes(f: Callable, *args: Any, second: bool = True, seed: int = 0) -> None:
    f = joined(f)
    rng = np.random.default_rng(seed)
    args = tuple(float(a) if np.ndim(a) == 0 else np.asarray(a, dtype=float) for a in args)
    nums = tuple(range(len(args)))
    out = np.asarray(dd.primal(f(*args)))
    fwd = dd.jacfwd(f, argnums=nums)(*args)
    rev = dd.jacrev(f, argnums=nums)(*args)
    for i in nums:
        np.testing.assert_allclose(fwd[i], fd_jacobian(f, args, i), rtol=1e-7, atol=1e-8)
        np.testing.assert_allclose(rev[i], fwd[i], rtol=1e-12, atol=1e-13)
    tangents = tuple(rng.normal(size=np.shape(a)) if np.ndim(a) else float(rng.normal())
                     for a in args)
    _, tangent = dd.jvp(f, args, tangents)
    want = sum(np.tensordot(np.asarray(fwd[i]), tangents[i], axes=np.ndim(args[i])) for i in nums)
    np.testing.assert_allclose(tangent, want, rtol=1e-12, atol=1e-12)
    if out.size:
        u = rng.normal(size=out.shape) if out.ndim else float(rng.normal())
        _, pullback = dd.vjp(f, *args)
        cotangents = pullback(u)
        for i in nums:
            np.testing.assert_allclose(
                cotangents[i], np.tensordot(u, np.asarray(fwd[i]), axes=out.ndim),
                rtol=1e-12, atol=1e-12)
    if not second or not out.size:
        return
    w = rng.normal(size=out.shape)

    def loss(*a: Any) -> Any:
        return dd.sum(w * dd.sin(f(*a)))

    for i in nums:
        fwd_rev = dd.hessian(loss, argnums=i)(*args)
        fwd_fwd = dd.jacfwd(dd.jacfwd(loss, argnums=i), argnums=i)(*args)
        rev_rev = dd.jacrev(dd.grad(loss, argnums=i), argnums=i)(*args)
        np.testing.assert_allclose(fwd_rev, fwd_fwd, rtol=1e-10, atol=1e-11)
        np.testing.assert_allclose(rev_rev, fwd_fwd, rtol=1e-10, atol=1e-11)
        numeric = fd_jacobian(lambda *a: dd.grad(loss, argnums=i)(*a), args, i)
        np.testing.assert_allclose(fwd_fwd, numeric, rtol=1e-6, atol=1e-7)


def same(actual: Any, expected: Any) -> None:
    """Values equal to numpy's, shapes included (a 0-d result is a float)."""
    actual = dd.primal(actual)
    expected = np.asarray(expected, dtype=float)
    assert np.shape(actual) == expected.shape, (np.shape(actual), expected.shape)
    np.testing.assert_array_equal(np.asarray(actual, dtype=float), expected)


def same_list(actual: Any, expected: Any) -> None:
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        same(a, e)
