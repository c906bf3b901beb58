"""Quiz #1 of the lecture, three ways: forward mode, reverse mode, finite differences.

    y = exp(x*z) + x*z/log(x) + sin(log(x))/(x*z)      at x = 2, z = 3

What it teaches:

* Forward mode (dual numbers) pushes one direction through the function per
  pass, so a gradient with two inputs costs two ``jvp`` passes: seed (1, 0)
  for dy/dx, then (0, 1) for dy/dz.
* Reverse mode records one evaluation and sweeps back once: one ``grad`` call
  gives both partial derivatives.
* Both are exact up to round-off (they agree with the 40-digit reference to
  ~1e-13 relative), while finite differences are approximations whose error
  depends on the method and the step; the result reports both.

Calls of y are counted by a wrapper, so the printed pass counts are measured,
not asserted.

Run:  python examples/quiz1.py [--fd-methods forward central five-point richardson complex-step]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import numpy as np

import dualdiff as dd
from dualdiff import finite_diff

QUIZ_POINT = (2.0, 3.0)
LECTURE_ANSWER = (1208.0, 810.0)
# 40-digit mpmath values of Quiz #1 (the lecture notes' answer, rounded, is [1208, 810]).
REFERENCE_Y = 412.1914572841211755
REFERENCE_GRADIENT = (1208.381215126609629, 809.7074792185640812)


def quiz_function(x: Any, z: Any) -> Any:
    """The quiz's y; written with dualdiff functions so every mode can run it."""
    return dd.exp(x * z) + x * z / dd.log(x) + dd.sin(dd.log(x)) / (x * z)


class CallCounter:
    """Wraps a function and counts its calls: the honest way to count passes."""

    def __init__(self, fn: Callable[..., Any]):
        self.fn = fn
        self.calls = 0

    def __call__(self, *args: Any) -> Any:
        self.calls += 1
        return self.fn(*args)


def forward_mode(x: float, z: float) -> tuple[float, tuple[float, float], int]:
    """Two jvp passes, one per input direction."""
    y = CallCounter(quiz_function)
    value, dy_dx = dd.jvp(y, (x, z), (1.0, 0.0))
    _, dy_dz = dd.jvp(y, (x, z), (0.0, 1.0))
    return value, (dy_dx, dy_dz), y.calls


def reverse_mode(x: float, z: float) -> tuple[float, tuple[float, float], int]:
    """One recorded evaluation and one backward sweep give the whole gradient."""
    y = CallCounter(quiz_function)
    value, (dy_dx, dy_dz) = dd.value_and_grad(y, argnums=(0, 1))(x, z)
    return value, (dy_dx, dy_dz), y.calls


def finite_differences(x: float, z: float, method: str) -> finite_diff.FDResult:
    """The independent check: plain function evaluations near the point, no derivative rules."""
    return finite_diff.gradient(lambda v: quiz_function(v[0], v[1]), np.array([x, z]), method=method)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--x", type=float, default=QUIZ_POINT[0], help="x (default 2)")
    parser.add_argument("--z", type=float, default=QUIZ_POINT[1], help="z (default 3)")
    parser.add_argument("--fd-methods", nargs="+", default=["forward", "central", "complex-step"],
                        choices=finite_diff.METHODS, metavar="METHOD",
                        help=f"finite-difference methods, from {', '.join(finite_diff.METHODS)} "
                             "(default forward central complex-step)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    x, z = args.x, args.z
    reference = REFERENCE_GRADIENT if (x, z) == QUIZ_POINT else None
    print("Quiz #1: y = exp(x*z) + x*z/log(x) + sin(log(x))/(x*z)")
    print(f"at x = {x:g}, z = {z:g}\n")

    value, forward, forward_calls = forward_mode(x, z)
    _, reverse, reverse_calls = reverse_mode(x, z)
    print(f"y = {value:.17g}\n")

    def row(name: str, grad: Any, cost: str) -> None:
        error = f"{_relative_error(grad, reference):.2e}" if reference else ""
        print(f"{name:<34}{grad[0]:>24.17g}{grad[1]:>24.17g}{error:>11}   {cost}")

    print(f"{'method':<34}{'dy/dx':>24}{'dy/dz':>24}{'rel. error':>11}   cost")
    row("forward mode (jvp)", forward, f"{forward_calls} forward passes (counted calls of y)")
    row("reverse mode (grad)", reverse, f"{reverse_calls} recorded evaluation + 1 backward sweep")
    for method in args.fd_methods:
        fd = finite_differences(x, z, method)
        row(f"finite differences, {method}", fd.value,
            f"{fd.evaluations} evaluations, step {_pair(fd.step)}, error estimate {_pair(fd.error_estimate)}")
    if reference:
        print(f"{'lecture (rounded)':<34}{LECTURE_ANSWER[0]:>24g}{LECTURE_ANSWER[1]:>24g}")
        print(f"{'reference (40 digits, mpmath)':<34}{'1208.381215126609629':>24}{'809.7074792185640812':>24}")
        print("\n(rel. error: largest relative error of the two partials against the 40-digit reference)")
    else:
        print("\n(the lecture's answer and the 40-digit reference are for x = 2, z = 3 only)")
    print(f"max |forward - reverse| = {np.max(np.abs(np.subtract(forward, reverse))):.3g}")
    return 0


def _pair(values: Any) -> str:
    a, b = np.broadcast_to(np.asarray(values, dtype=float), (2,))
    return f"[{a:.3g}, {b:.3g}]"


def _relative_error(estimate: Any, reference: tuple[float, float]) -> float:
    estimate, reference = np.asarray(estimate, dtype=float), np.asarray(reference)
    return float(np.max(np.abs(estimate - reference) / np.abs(reference)))


if __name__ == "__main__":
    raise SystemExit(main())
