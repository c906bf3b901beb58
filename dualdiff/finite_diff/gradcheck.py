"""check_grads: dualdiff's forward and reverse mode against finite differences, as
``jax.test_util.check_grads`` does (see :mod:`dualdiff.finite_diff`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from .methods import Estimate, Function, Real, _point, _scalar_or_array, directional

# --- check_grads ------------------------------------------------------------

CHECK_ATOL = 1e-8
CHECK_RTOL = 1e-6
"""Default tolerances of check_grads, on top of the finite differences' own
error estimate: loose enough for any Richardson reference, tight enough that
a rule off by 0.1% fails."""

CHECK_SEED = 0
"""check_grads uses fixed random directions, so a failure is reproducible."""

_TABLE_ROWS = 10


@dataclass(frozen=True)
class _Row:
    """One comparison: an AD number, its finite-difference counterpart, the tolerance."""

    mode: str
    input: str
    index: str
    ad: float
    fd: float
    tolerance: float

    @property
    def difference(self) -> float:
        return abs(self.ad - self.fd)

    @property
    def failed(self) -> bool:
        return not self.difference <= self.tolerance


@dataclass(frozen=True)
class _Check:
    modes: tuple[str, ...]
    atol: float
    rtol: float
    eps: float | None
    rng: np.random.Generator


def check_grads(f: Callable[..., Any], args: Sequence[Any] | Any, order: int = 1,
                modes: Sequence[str] = ("fwd", "rev"), atol: float | None = None,
                rtol: float | None = None, eps: float | None = None) -> None:
    """Check dualdiff's forward and reverse mode on f at args against finite differences.

    As ``jax.test_util.check_grads``: "fwd" compares ``jvp`` along a random
    direction with the finite-difference directional derivative; "rev"
    compares ``<vjp(u), v>`` with ``<u, FD J v>`` for random u and v, which
    checks the pullback without building a Jacobian. Each argument is checked
    on its own, so a failure names the argument whose rule is wrong. With
    ``order=2`` the same checks are then applied to x -> jvp(f, x, w)[1] for a
    fixed random w (the derivative of the derivative), and so on.

    ``args`` is a tuple of primals (floats or arrays; a single one may be
    passed bare) and f returns a float or an array. The finite differences use
    Richardson extrapolation (``eps`` is the first step of its ladder); an
    entry passes within ``atol + rtol * |FD| + FD error estimate``.

    Raises ``AssertionError`` with a table of the worst disagreements.
    """
    if not isinstance(args, (tuple, list)):
        args = (args,)
    if not args:
        raise ValueError("check_grads needs at least one argument to differentiate; with none "
                         "there is nothing to check (pass the primals as a tuple: (x,) or (x, y))")
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
        raise ValueError(f"order must be an integer >= 1, got {order!r}")
    if isinstance(modes, str):
        modes = (modes,)
    for name, tol in (("atol", atol), ("rtol", rtol)):
        if tol is not None and not (isinstance(tol, (int, float, np.number)) and 0 <= tol < math.inf):
            raise ValueError(f"{name} must be a finite number >= 0, got {tol!r}")
    if not modes or set(modes) - {"fwd", "rev"}:
        raise ValueError("modes must be a non-empty subset of ('fwd', 'rev'), "
                         f"got {tuple(modes)!r}")
    primals = tuple(_primal(a, i) for i, a in enumerate(args))
    check = _Check(tuple(modes), CHECK_ATOL if atol is None else atol,
                   CHECK_RTOL if rtol is None else rtol, eps, np.random.default_rng(CHECK_SEED))
    for level in range(1, order + 1):
        rows = _first_order_rows(f, primals, check, level)
        failed = [r for r in rows if r.failed]
        if failed:
            raise AssertionError(_table(failed, len(rows), level))
        f = _derivative_along(f, tuple(_random_like(p, check.rng) for p in primals))


def _derivative_along(f: Function, w: tuple[Real, ...]) -> Function:
    """x -> jvp(f, x, w)[1]: checking it checks the derivative rules' own derivatives."""
    from dualdiff.api import jvp

    def f_jvp(*primals: Any) -> Any:
        return jvp(f, primals, w)[1]

    return f_jvp


def _primal(a: Any, i: int) -> Real:
    return _scalar_or_array(_point(a, f"args[{i}]"))


def _random_like(a: Any, rng: np.random.Generator) -> Real:
    return _scalar_or_array(rng.standard_normal(np.shape(a)))


def _first_order_rows(f: Function, primals: tuple[Real, ...], check: _Check,
                      level: int) -> list[_Row]:
    from dualdiff.api import jvp, vjp

    suffix = "" if level == 1 else f" (order {level})"
    directions = [_random_like(p, check.rng) for p in primals]
    references = [_fd_along_input(f, primals, i, v, check.eps) for i, v in enumerate(directions)]
    rows: list[_Row] = []
    if "fwd" in check.modes:
        for i, (v, (fd, fd_error)) in enumerate(zip(directions, references)):
            tangents = tuple(v if j == i else _zeros_like(p) for j, p in enumerate(primals))
            ad = np.broadcast_to(np.asarray(jvp(f, primals, tangents)[1], np.float64), fd.shape)
            tolerance = check.atol + check.rtol * np.abs(fd) + fd_error
            rows += [_Row("fwd" + suffix, f"args[{i}]", _show_index(k), float(ad[k]), float(fd[k]),
                          float(tolerance[k])) for k in np.ndindex(fd.shape)]
    if "rev" in check.modes:
        out, pullback = vjp(f, *primals)
        u = _random_like(np.asarray(out), check.rng)
        cotangents = pullback(u)
        for i, (v, (fd, fd_error)) in enumerate(zip(directions, references)):
            ad = float(np.sum(np.asarray(cotangents[i], np.float64) * v))
            weighted = u * fd
            tolerance = (check.atol + check.rtol * float(np.sum(np.abs(weighted)))
                         + float(np.sum(np.abs(u) * fd_error)))
            rows.append(_Row("rev" + suffix, f"args[{i}]", "<u, J v>", ad, float(np.sum(weighted)),
                             tolerance))
    return rows


def _zeros_like(p: Real) -> Real:
    return 0.0 if np.ndim(p) == 0 else np.zeros_like(p)


def _fd_along_input(f: Function, primals: tuple[Real, ...], i: int, v: Real,
                    eps: float | None) -> Estimate:
    """FD of f along v in argument i alone (the others held fixed): J_i v."""
    def f_i(p: Any) -> Any:
        return f(*primals[:i], p, *primals[i + 1:])

    result = directional(f_i, primals[i], v, method="richardson", step=eps)
    return np.asarray(result.value, np.float64), np.asarray(result.error_estimate, np.float64)


def _show_index(index: tuple[int, ...]) -> str:
    return str(list(index)) if index else "()"


def _table(failed: list[_Row], total: int, level: int) -> str:
    """A plain-text table of the worst disagreements, readable in a test log."""
    def badness(row: _Row) -> float:
        return row.difference / row.tolerance if row.tolerance > 0 else math.inf

    worst = sorted(failed, key=badness, reverse=True)[:_TABLE_ROWS]
    header = ("mode", "input", "index", "AD value", "FD value", "difference", "tolerance")
    body = [(r.mode, r.input, r.index, f"{r.ad:.12g}", f"{r.fd:.12g}", f"{r.difference:.3g}",
             f"{r.tolerance:.3g}") for r in worst]
    widths = [max(len(cell) for cell in column) for column in zip(header, *body)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip()
             for line in (header, *body)]
    lines.insert(1, "  ".join("-" * w for w in widths))
    where = "" if level == 1 else f" at derivative order {level}"
    more = [f"... and {len(failed) - _TABLE_ROWS} more"] if len(failed) > _TABLE_ROWS else []
    title = f"check_grads: {len(failed)} of {total} checks disagree with finite differences{where}"
    return "\n".join([title, *lines, *more])
