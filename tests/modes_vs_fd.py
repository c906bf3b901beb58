"""Derivative checks in every mode against five-point finite differences (not a test module).

Used by the tests of contractions, statistics and scans:

* first order: ``jacfwd`` (batched tangents: every direction in one pass) against the
  five-point finite-difference Jacobian of the plain numpy-valued function, relative and
  absolute tolerance ``FIRST`` (1e-7); ``jacrev`` against ``jacfwd`` to 1e-12;
* second order, on ``s(args) = Σ sin(f(args))·w`` (the sine makes the second derivative
  non-trivial even for linear f): forward-over-reverse (``jacfwd(grad)``) against
  forward-over-forward (``jacfwd(jacfwd)``) to 1e-10, and against the five-point finite
  difference of the reverse-mode gradient, tolerance ``SECOND`` (1e-6), for every pair of
  arguments.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

import dualdiff as dd
from dualdiff.finite_diff import jacobian as fd_jacobian

FIRST = 1e-7
SECOND = 1e-6


def fd_jac(f: Callable, args: Sequence[Any], i: int) -> np.ndarray:
    """Five-point finite-difference Jacobian of f in argument i (plain evaluations only)."""
    def fi(x):
        a = list(args)
        a[i] = x
        return np.asarray(f(*a), dtype=float)
    return np.asarray(fd_jacobian(fi, np.asarray(args[i], dtype=float), method="five-point").value)


def _close(actual: Any, expected: Any, tol: float, what: str) -> None:
    expected = np.asarray(expected, dtype=float)
    np.testing.assert_allclose(actual, expected, rtol=tol, atol=tol * max(1.0, np.abs(
        expected).max(initial=0.0)), err_msg=what)


def check_modes(f: Callable, args: Sequence[Any], second: bool = True,
                first_tol: float = FIRST, second_tol: float = SECOND) -> None:
    """f's derivatives in every mode against each other and five-point finite differences."""
    args = tuple(args)
    nums = tuple(range(len(args)))
    fwd = dd.jacfwd(f, argnums=nums)(*args)
    rev = dd.jacrev(f, argnums=nums)(*args)
    for i in nums:
        _close(fwd[i], fd_jac(f, args, i), first_tol, f"jacfwd, argument {i}")
        np.testing.assert_allclose(rev[i], fwd[i], rtol=1e-12, atol=1e-12,
                                   err_msg=f"jacrev vs jacfwd, argument {i}")
    if not second:
        return
    w = np.random.default_rng(3).normal(size=np.shape(f(*args)))

    def scalar(*a):
        return dd.sum(dd.sin(f(*a)) * w)

    for i in nums:
        grad_i = dd.grad(scalar, argnums=i)
        for j in nums:
            fwd_rev = dd.jacfwd(grad_i, argnums=j)(*args)
            fwd_fwd = dd.jacfwd(dd.jacfwd(scalar, argnums=i), argnums=j)(*args)
            np.testing.assert_allclose(fwd_rev, fwd_fwd, rtol=1e-10, atol=1e-10,
                                       err_msg=f"fwd-over-rev vs fwd-over-fwd, ({i}, {j})")
            _close(fwd_rev, fd_jac(grad_i, args, j), second_tol, f"second order ({i}, {j})")
