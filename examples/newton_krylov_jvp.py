"""Newton–Krylov with Jacobian–vector products: solve a nonlinear PDE without ever forming the Jacobian.

The 1-D Bratu problem  u'' + lam * exp(u) = 0  on (0, 1),  u(0) = u(1) = 0,
discretized with second differences on n interior points, h = 1/(n+1),
and multiplied through by h**2:

    F(u)_i = u[i-1] - 2 u[i] + u[i+1] + h**2 lam exp(u[i]) = 0.

(The h**2 puts the residual on the scale of u: unscaled, its round-off alone
would be ~eps |u| / h**2, about 1e-9 in norm for a few thousand points.)

What it teaches:

* Newton's method needs J(u) @ v, not J(u) itself. ``dualdiff.jvp`` gives
  J(u) @ v in one forward pass for any v, so a Krylov solver (GMRES here,
  written out below) can solve J du = -F using only those products. With n
  unknowns, J has n**2 entries; the solver touches only a few dozen vectors.
* Inexact Newton: GMRES only has to reduce the linear residual by a factor
  eta_k proportional to the current ||F||, which is enough to keep Newton's
  quadratic convergence (the exponent column approaches 2).
* A preconditioner makes Krylov methods practical: J = L + h**2 lam diag(exp(u))
  where L is the second-difference matrix. L^-1 is applied in O(n) by two
  cumulative sums (``--preconditioner laplace``, the default), so GMRES needs a
  handful of products per Newton step, independent of n. Without it
  (``--preconditioner none``) the iteration count grows with n.
* Compiling the product pays when it is called many times: ``dd.jit`` of the
  jvp closure traces F's rules once and runs straight-line numpy code
  afterwards (the primal half, which GMRES does not need, is dropped). The
  solve runs twice, uncompiled and compiled, and prints the time per jvp of
  each, measured in this run; the first compiled call (trace and compile) is
  shown apart.
* The answer is checked twice: the residual of the discrete equations, and
  the distance to the analytic solution u(x) = -2 ln(cosh((x - 1/2) theta/2) /
  cosh(theta/4)), where theta solves theta = sqrt(2 lam) cosh(theta/4); that
  scalar equation is itself solved by Newton with ``dualdiff.derivative``.
  The discretization error is O(h**2).

Run:  python examples/newton_krylov_jvp.py [--n 3000] [--lam 1] [--preconditioner laplace|none]
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import dualdiff as dd

LAMBDA_CRITICAL = 3.513830719125162
"""Above this lam the Bratu problem has no solution (Frank-Kamenetskii's critical value)."""

Operator = Callable[[np.ndarray], np.ndarray]


# --- the problem --------------------------------------------------------------


def bratu_residual(lam: float, h: float) -> Callable[[Any], Any]:
    """F(u) on the interior points; written with dualdiff functions so jvp can push tangents through."""
    boundary = np.zeros(1)

    def residual(u: Any) -> Any:
        left = dd.concatenate([boundary, u[:-1]])
        right = dd.concatenate([u[1:], boundary])
        return left - 2 * u + right + h**2 * lam * dd.exp(u)

    return residual


def laplacian_solve(f: np.ndarray) -> np.ndarray:
    """Solve u[i-1] - 2 u[i] + u[i+1] = f[i] with u = 0 at both ends, in O(n).

    The differences d[i] = u[i+1] - u[i] satisfy d[i] - d[i-1] = f[i], so d
    is a cumulative sum up to its first value d[0], which the right boundary
    condition (the differences add up to zero) fixes.
    """
    n = f.size
    partial = np.concatenate([[0.0], np.cumsum(f)])  # d[i] - d[0], i = 0..n
    d0 = -partial.sum() / (n + 1)
    return np.cumsum(d0 + partial)[:-1]


# --- GMRES, matrix-free -------------------------------------------------------


@dataclass
class KrylovResult:
    solution: np.ndarray
    matvecs: int
    converged: bool


def gmres(apply_a: Operator, b: np.ndarray, tol: float, restart: int = 30, max_matvecs: int = 2000,
          precondition: Operator = lambda v: v) -> KrylovResult:
    """Right-preconditioned restarted GMRES: find x with ||b - A x|| <= tol ||b||, using only A @ v.

    Arnoldi builds an orthonormal basis of the Krylov space of A M^-1; Givens
    rotations keep the small least-squares problem triangular, so the residual
    norm is known at every step without forming x. Right preconditioning
    means the monitored residual is the true residual of A x = b.
    """
    x = np.zeros_like(b)
    target = tol * np.linalg.norm(b)
    matvecs = 0
    residual = b.copy()
    while matvecs < max_matvecs:
        beta = np.linalg.norm(residual)
        if beta <= target:
            return KrylovResult(x, matvecs, True)
        basis = [residual / beta]
        hess = np.zeros((restart + 1, restart))
        cs, sn = np.zeros(restart), np.zeros(restart)
        g = np.zeros(restart + 1)
        g[0] = beta
        steps = 0
        for j in range(restart):
            w = apply_a(precondition(basis[j]))
            matvecs += 1
            for i in range(j + 1):  # modified Gram-Schmidt
                hess[i, j] = basis[i] @ w
                w = w - hess[i, j] * basis[i]
            w_norm = float(np.linalg.norm(w))
            hess[j + 1, j] = w_norm
            for i in range(j):  # apply the earlier rotations to the new column
                hess[i, j], hess[i + 1, j] = (cs[i] * hess[i, j] + sn[i] * hess[i + 1, j],
                                              -sn[i] * hess[i, j] + cs[i] * hess[i + 1, j])
            rho = math.hypot(hess[j, j], hess[j + 1, j])
            cs[j], sn[j] = hess[j, j] / rho, hess[j + 1, j] / rho
            hess[j, j], hess[j + 1, j] = rho, 0.0
            g[j], g[j + 1] = cs[j] * g[j], -sn[j] * g[j]
            steps = j + 1
            lucky = w_norm == 0.0  # the Krylov space is invariant: the solution is in it
            if lucky or abs(g[j + 1]) <= target or matvecs >= max_matvecs:
                break
            basis.append(w / w_norm)
        y = np.linalg.solve(np.triu(hess[:steps, :steps]), g[:steps])
        x = x + precondition(np.stack(basis[:steps], axis=1) @ y)
        residual = b - apply_a(x)
        matvecs += 1
    return KrylovResult(x, matvecs, np.linalg.norm(residual) <= target)


# --- Jacobian-vector products, uncompiled or compiled ------------------------


JacobianTimes = Callable[[np.ndarray, np.ndarray], Any]


def jvp_product(residual: Callable[[Any], Any], compiled: bool = False) -> JacobianTimes:
    """(u, v) -> J(u) @ v by one forward pass; with ``compiled``, that pass under ``dd.jit``."""
    def product(u: np.ndarray, v: np.ndarray) -> Any:
        return dd.jvp(residual, (u,), (v,))[1]

    return dd.jit(product) if compiled else product


@dataclass
class JvpTimer:
    """Seconds of every jvp call, in order (the first of a compiled product traces and compiles)."""

    seconds: list[float]

    def per_call(self, skip_first: bool = False) -> float:
        timed = self.seconds[1:] if skip_first else self.seconds
        return float(np.median(timed)) if timed else math.nan


# --- Newton -------------------------------------------------------------------


@dataclass
class NewtonStep:
    iteration: int
    residual_norm: float
    matvecs: int


def newton_krylov(residual: Callable[[Any], Any], u0: np.ndarray, tol: float, precondition: Operator,
                  max_iterations: int = 20, product: JacobianTimes | None = None,
                  timer: JvpTimer | None = None) -> tuple[np.ndarray, list[NewtonStep]]:
    """Inexact Newton: each step solves J(u) du = -F(u) by GMRES on jvp products, to accuracy ~ ||F||."""
    product = jvp_product(residual) if product is None else product
    timer = JvpTimer([]) if timer is None else timer
    u = u0.copy()
    history: list[NewtonStep] = []
    first_norm = None
    for k in range(max_iterations + 1):
        f = np.asarray(residual(u))
        norm = float(np.linalg.norm(f))
        first_norm = first_norm or norm
        if norm <= tol or k == max_iterations:
            history.append(NewtonStep(k, norm, 0))
            break
        jvp_calls = 0

        def jacobian_times(v: np.ndarray, u: np.ndarray = u) -> np.ndarray:
            nonlocal jvp_calls
            jvp_calls += 1
            start = time.perf_counter()
            out = np.asarray(product(u, v))
            timer.seconds.append(time.perf_counter() - start)
            return out

        eta = min(1e-2, norm / first_norm)  # forcing term ~ ||F||: keeps convergence quadratic
        step = gmres(jacobian_times, -f, eta, precondition=precondition)
        history.append(NewtonStep(k, norm, jvp_calls))
        u = u + step.solution
    return u, history


def round_off_floor(u: np.ndarray) -> float:
    """The residual norm below which F(u) is round-off: a few ulps of each term of u[i-1] - 2u[i] + u[i+1]."""
    return 4 * float(np.finfo(float).eps) * float(np.linalg.norm(u))


# --- the analytic solution ----------------------------------------------------


def bratu_theta(lam: float, theta0: float = 1.0) -> tuple[float, int]:
    """theta with theta = sqrt(2 lam) cosh(theta/4) (lower branch), by scalar Newton using dualdiff.derivative."""
    def phi(theta: Any) -> Any:
        return theta - math.sqrt(2 * lam) * dd.cosh(theta / 4)

    dphi = dd.derivative(phi)
    theta = theta0
    for iteration in range(1, 51):
        step = phi(theta) / dphi(theta)
        theta -= step
        if abs(step) <= 1e-15 * abs(theta):
            return theta, iteration
    raise RuntimeError(f"theta iteration did not converge for lam = {lam}")


def bratu_exact(x: np.ndarray, theta: float) -> np.ndarray:
    return -2 * np.log(np.cosh((x - 0.5) * theta / 2) / np.cosh(theta / 4))


# --- the script ---------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=3000, help="interior grid points (default 3000)")
    parser.add_argument("--lam", type=float, default=1.0, help=f"lambda, 0 < lam < {LAMBDA_CRITICAL:.4f} (default 1)")
    parser.add_argument("--tol", type=float, default=1e-12, help="stop when ||F(u)||_2 <= tol (default 1e-12)")
    parser.add_argument("--preconditioner", choices=("laplace", "none"), default="laplace",
                        help="right preconditioner for GMRES (default laplace)")
    args = parser.parse_args(argv)
    if args.n < 3:
        parser.error("--n must be at least 3")
    if not 0 < args.lam < LAMBDA_CRITICAL:
        parser.error(f"--lam must lie in (0, {LAMBDA_CRITICAL:.6f}): above it Bratu has no solution")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    n, lam = args.n, args.lam
    h = 1.0 / (n + 1)
    x = np.linspace(h, 1 - h, n)
    residual = bratu_residual(lam, h)

    def precondition(v: np.ndarray) -> np.ndarray:
        return laplacian_solve(v) if args.preconditioner == "laplace" else v

    print(f"Bratu u'' + {lam:g} exp(u) = 0 on (0, 1), n = {n} interior points, h = {h:.3g}")
    print(f"Newton-GMRES with jvp products only, preconditioner: {args.preconditioner}\n")
    plain_timer, compiled_timer = JvpTimer([]), JvpTimer([])
    u, history = newton_krylov(residual, np.zeros(n), args.tol, precondition, timer=plain_timer)
    u_compiled, history_compiled = newton_krylov(residual, np.zeros(n), args.tol, precondition,
                                                 product=jvp_product(residual, compiled=True),
                                                 timer=compiled_timer)

    print("(quadratic convergence: ||F_k|| / ||F_k-1||**2 stays bounded while ||F_k|| collapses)")
    print(f"{'newton':>6} {'||F(u)||_2':>12} {'||F_k||/||F_k-1||^2':>20} {'jvps':>6}")
    floor = round_off_floor(u)
    for prev, step in zip([None] + history[:-1], history):
        ratio = "" if prev is None else f"{step.residual_norm / prev.residual_norm**2:.3g}"
        if prev is not None and step.residual_norm <= floor:
            ratio = "round-off floor"
        print(f"{step.iteration:>6} {step.residual_norm:>12.3e} {ratio:>20} {step.matvecs:>6}")
    total = sum(s.matvecs for s in history)
    final = history[-1].residual_norm
    print(f"\nnewton iterations: {history[-1].iteration}")
    print(f"total matvecs (jvp calls): {total}   (the Jacobian, never formed, has {n}**2 = {n * n:.2e} entries)")
    print(f"final residual ||F(u)||_2 = {final:.3e}  ({'<=' if final <= args.tol else '>'} tol {args.tol:g})")

    plain, compiled = plain_timer.per_call(), compiled_timer.per_call(skip_first=True)
    print(f"\ntime per jvp, uncompiled: {plain * 1e6:.1f} us (median of {len(plain_timer.seconds)})")
    print(f"time per jvp, compiled with dd.jit: {compiled * 1e6:.1f} us "
          f"(median of {len(compiled_timer.seconds) - 1}; {plain / compiled:.1f}x faster)")
    print(f"first compiled call (trace + compile): {compiled_timer.seconds[0] * 1e3:.2f} ms")
    same = len(history_compiled) == len(history)
    print(f"compiled solve: {'the same' if same else 'a different'} number of Newton steps, "
          f"max |u_compiled - u| = {float(np.max(np.abs(u_compiled - u))):.1e}")

    theta, theta_iterations = bratu_theta(lam)
    grid = np.concatenate([[0.0], x, [1.0]])
    solution = np.concatenate([[0.0], u, [0.0]])
    midpoint = float(np.interp(0.5, grid, solution))
    exact_mid = float(bratu_exact(np.array(0.5), theta))
    max_error = float(np.max(np.abs(u - bratu_exact(x, theta))))
    print(f"\ntheta = {theta:.16f}  (scalar Newton with dualdiff.derivative, {theta_iterations} steps)")
    print(f"u(1/2) computed = {midpoint:.12f}")
    print(f"u(1/2) analytic = {exact_mid:.12f}")
    print(f"max |u - u_exact| on the grid = {max_error:.3e}  (h**2 = {h * h:.3e}; error / h**2 = {max_error / h**2:.4f})")
    return 0 if final <= args.tol else 1


if __name__ == "__main__":
    raise SystemExit(main())
