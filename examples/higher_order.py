"""Higher derivatives: n-th derivatives by nested forward mode, Hessians by forward over reverse.

What it teaches:

* Every derivative rule in dualdiff is written with dualdiff's own
  operations, so a derivative is itself differentiable. Nesting forward mode
  n times gives the n-th derivative: ``dualdiff.derivative(f, order=n)``.
  Dividing by n! gives the Taylor coefficients of f around x.
* The nested derivatives are exact up to round-off: here they are checked
  against mpmath at 30 digits (when mpmath is installed; ``pip install
  mpmath``). The work grows like 2**n (each level doubles the number
  carried), which is fine for small n.
* The Hessian of a function of several variables is the Jacobian of its
  gradient: ``dualdiff.hessian`` takes the gradient by reverse mode and
  differentiates it by forward mode (one batched pass). Checked against the
  Hessian of the Rosenbrock function derived by hand.

Run:  python examples/higher_order.py [--order 6] [--x 0.5] [--dim 3] [--no-mpmath]
"""

from __future__ import annotations

import argparse
import math
from typing import Any

import numpy as np

import dualdiff as dd


def f(x: Any) -> Any:
    """f(x) = exp(sin(x)): every derivative is a different polynomial in sin and cos."""
    return dd.exp(dd.sin(x))


def derivatives_by_nesting(x: float, order: int) -> list[float]:
    """f, f', ..., f^(order) at x, each by ``derivative(f, order=k)`` (k nested forward passes)."""
    return [float(dd.derivative(f, order=k)(x)) for k in range(order + 1)]


def derivatives_by_mpmath(x: float, order: int) -> list[float] | None:
    """The same derivatives from mpmath at 30 digits, or None without mpmath."""
    try:
        import mpmath
    except ImportError:
        return None
    with mpmath.workdps(30):
        values = mpmath.diffs(lambda t: mpmath.exp(mpmath.sin(t)), mpmath.mpf(x), order)
        return [float(v) for v in values]


def rosenbrock(x: Any) -> Any:
    """sum over i of 100 (x[i+1] - x[i]**2)**2 + (1 - x[i])**2."""
    return dd.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def rosenbrock_hessian_by_hand(x: np.ndarray) -> np.ndarray:
    """The closed-form Hessian (tridiagonal), differentiated on paper: the independent reference."""
    n = x.size
    hess = np.zeros((n, n))
    for i in range(n - 1):
        hess[i, i] += 1200.0 * x[i] ** 2 - 400.0 * x[i + 1] + 2.0
        hess[i + 1, i + 1] += 200.0
        hess[i, i + 1] = hess[i + 1, i] = -400.0 * x[i]
    return hess


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--order", type=int, default=6, help="highest derivative order (default 6)")
    parser.add_argument("--x", type=float, default=0.5, help="expansion point (default 0.5)")
    parser.add_argument("--dim", type=int, default=3, help="dimension of the Rosenbrock function (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the Rosenbrock point (default 0)")
    parser.add_argument("--no-mpmath", action="store_true", help="skip the mpmath comparison")
    args = parser.parse_args(argv)
    if args.order < 0 or args.dim < 2:
        parser.error("--order must be >= 0 and --dim >= 2")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    x = args.x
    ours = derivatives_by_nesting(x, args.order)
    reference = None if args.no_mpmath else derivatives_by_mpmath(x, args.order)

    print(f"f(x) = exp(sin(x)) at x = {x:g}: derivatives by nested forward mode")
    header = f"{'k':>3} {'f^(k)(x)':>24} {'Taylor coeff f^(k)/k!':>24}"
    if reference is not None:
        header += f" {'mpmath (30 digits)':>24} {'rel. error':>10}"
    print(header)
    worst = 0.0
    for k, value in enumerate(ours):
        line = f"{k:>3} {value:>24.16e} {value / math.factorial(k):>24.16e}"
        if reference is not None:
            error = abs(value - reference[k]) / abs(reference[k])
            worst = max(worst, error)
            line += f" {reference[k]:>24.16e} {error:>10.2e}"
        print(line)
    if reference is None:
        print("(mpmath is not installed or --no-mpmath: no reference column; pip install mpmath)")
    else:
        print(f"max relative error vs mpmath = {worst:.2e}")

    step = 0.1
    taylor = sum(c / math.factorial(k) * step**k for k, c in enumerate(ours))
    exact = math.exp(math.sin(x + step))
    print(f"Taylor polynomial of degree {args.order} at x + {step}: {taylor:.16f}  "
          f"(f = {exact:.16f}, |difference| = {abs(taylor - exact):.2e})")

    point = np.random.default_rng(args.seed).uniform(-1.5, 1.5, args.dim)
    ad = np.asarray(dd.hessian(rosenbrock)(point))
    by_hand = rosenbrock_hessian_by_hand(point)
    print(f"\nHessian of the {args.dim}-D Rosenbrock function at x = {np.array2string(point, precision=4)}")
    print("by dualdiff.hessian (forward over reverse):")
    print(np.array2string(ad, precision=6, suppress_small=True))
    print("by hand:")
    print(np.array2string(by_hand, precision=6, suppress_small=True))
    print(f"max |hessian - by hand| = {np.max(np.abs(ad - by_hand)):.3g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
