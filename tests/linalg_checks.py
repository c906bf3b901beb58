"""Shared checks of the numpy.linalg tests (test_linalg.py, test_decompositions.py); not a test module.

``check_modes(f, *args)`` compares, for every argument, dualdiff's derivatives
with five-point finite differences of plain numpy calls along random
directions: forward mode (J v), reverse mode (<u, J v> through the
pullback), forward-over-forward (the derivative of J v along w) and
forward-over-reverse (the derivative of Jᵀu along w), then checks that the
batched forward Jacobian (jacfwd) equals the reverse one (jacrev).

Tolerance: |AD - FD| <= RTOL·max|FD| + ATOL per output, with RTOL = 1e-6 and
ATOL = 1e-8 (the five-point stencil's error at its default step is ~1e-10 on
these well-scaled inputs; second derivatives are differences of first
derivatives, so they carry ~1e-9).
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

import dualdiff as dd
from dualdiff import finite_diff

RTOL = 1e-6
ATOL = 1e-8


def five_point(f: Callable, x: Any, v: Any) -> np.ndarray:
    """d/dt f(x + t v) at t = 0 by the five-point stencil (plain evaluations of f)."""
    return np.asarray(finite_diff.directional(f, x, v, method="five-point").value, float)


def assert_close(ad: Any, fd: Any, what: str, rtol: float = RTOL, atol: float = ATOL) -> None:
    ad = np.asarray(ad, dtype=float)
    fd = np.asarray(fd, dtype=float)
    scale = float(np.max(np.abs(fd), initial=0.0))
    np.testing.assert_allclose(ad, fd, rtol=0, atol=atol + rtol * scale, err_msg=what)


def check_modes(f: Callable, *args: Any, rtol: float = RTOL, atol: float = ATOL,
                second: bool = True, seed: int = 1) -> None:
    """Forward, reverse, forward-over-forward and forward-over-reverse against five-point FD
    (every argument in turn, the others held fixed), and jacfwd (batched) == jacrev."""
    rng = np.random.default_rng(seed)
    args = tuple(np.asarray(a, dtype=float) for a in args)
    for i, x in enumerate(args):
        def fi(z, i=i):
            return f(*args[:i], z, *args[i + 1:])

        v, w = rng.normal(size=x.shape), rng.normal(size=x.shape)
        u = rng.normal(size=np.shape(fi(x)))
        fd = five_point(fi, x, v)
        assert_close(dd.jvp(fi, (x,), (v,))[1], fd, f"forward, argument {i}", rtol, atol)
        _, pullback = dd.vjp(fi, x)
        (gx,) = pullback(u)
        assert_close(np.sum(gx * v), np.sum(u * fd), f"reverse, argument {i}", rtol,
                     atol * max(1.0, float(np.sum(np.abs(u)))))
        jf = dd.jacfwd(fi)(x)
        np.testing.assert_allclose(jf, dd.jacrev(fi)(x), rtol=1e-10, atol=1e-12,
                                   err_msg=f"jacfwd (batched tangents) vs jacrev, argument {i}")
        if not second:
            continue

        def tangent(z, v=v, fi=fi):
            return dd.jvp(fi, (z,), (v,))[1]

        def cotangent(z, u=u, fi=fi):
            return dd.vjp(fi, z)[1](u)[0]

        assert_close(dd.jvp(tangent, (x,), (w,))[1], five_point(tangent, x, w),
                     f"forward over forward, argument {i}", rtol, atol * 10)
        assert_close(dd.jvp(cotangent, (x,), (w,))[1], five_point(cotangent, x, w),
                     f"forward over reverse, argument {i}", rtol, atol * 10)


def assert_value(ours: Any, numpy_result: Any, rtol: float = 1e-12, atol: float = 1e-12) -> None:
    """dualdiff's value (any parts) equals numpy's, part by part for namedtuples."""
    if isinstance(numpy_result, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(numpy_result)
        for a, b in zip(ours, numpy_result):
            assert_value(a, b, rtol, atol)
        return
    np.testing.assert_allclose(np.asarray(dd.primal(ours), float), numpy_result, rtol=rtol,
                               atol=atol)
