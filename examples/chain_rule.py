"""The chain rule, worked by hand and by both modes of automatic differentiation.

    u = x**2 + 2*y,    x = r*sin(t),    y = sin(t)**2

What it teaches:

* By hand, the chain rule gives  du/dr = du/dx dx/dr + du/dy dy/dr = 2 r sin(t)**2
  and  du/dt = du/dx dx/dt + du/dy dy/dt = 2 r**2 sin(t) cos(t) + 4 sin(t) cos(t).
* Automatic differentiation applies the same chain rule mechanically, one
  elementary operation at a time: forward mode carries dx/dr, dy/dr, ... along
  with the values; reverse mode carries du/dx, du/dy, ... back from u.
* The first point is also assembled explicitly from its pieces (the four
  partials of the two stages, each computed by dualdiff), which is the chain
  rule written out.
* All three agree to round-off at every point; the table shows the largest
  difference.

Run:  python examples/chain_rule.py [--points N] [--seed S]
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

import dualdiff as dd


def outer(x: Any, y: Any) -> Any:
    """u(x, y) = x**2 + 2*y."""
    return x**2 + 2 * y


def inner(r: Any, t: Any) -> tuple[Any, Any]:
    """(x, y) as functions of (r, t)."""
    return r * dd.sin(t), dd.sin(t) ** 2


def u_of(r: Any, t: Any) -> Any:
    """The composition u(x(r, t), y(r, t))."""
    return outer(*inner(r, t))


def by_hand(r: float, t: float) -> tuple[float, float]:
    """The closed forms derived on paper with the chain rule: the independent reference."""
    s, c = np.sin(t), np.cos(t)
    return 2 * r * s**2, 2 * r**2 * s * c + 4 * s * c


def by_forward_mode(r: float, t: float) -> tuple[float, float]:
    """One jvp pass per input: seed dr = 1, then dt = 1."""
    _, du_dr = dd.jvp(u_of, (r, t), (1.0, 0.0))
    _, du_dt = dd.jvp(u_of, (r, t), (0.0, 1.0))
    return du_dr, du_dt


def by_reverse_mode(r: float, t: float) -> tuple[float, float]:
    """One backward sweep from u gives both partials."""
    return dd.grad(u_of, argnums=(0, 1))(r, t)


def assembled_chain_rule(r: float, t: float) -> dict[str, float]:
    """The chain rule written out: stage partials from dualdiff, combined by hand."""
    x, y = inner(r, t)
    du_dx, du_dy = dd.grad(outer, argnums=(0, 1))(x, y)
    _, (dx_dr, dy_dr) = dd.jvp(inner, (r, t), (1.0, 0.0))
    _, (dx_dt, dy_dt) = dd.jvp(inner, (r, t), (0.0, 1.0))
    return {"du/dx": du_dx, "du/dy": du_dy, "dx/dr": dx_dr, "dy/dr": dy_dr,
            "dx/dt": dx_dt, "dy/dt": dy_dt,
            "du/dr": du_dx * dx_dr + du_dy * dy_dr, "du/dt": du_dx * dx_dt + du_dy * dy_dt}


def sample_points(count: int, seed: int) -> list[tuple[float, float]]:
    """A fixed, readable first point, then seeded random points in r in [-2, 2], t in [-pi, pi]."""
    rng = np.random.default_rng(seed)
    points = [(1.5, np.pi / 6)]
    for _ in range(count - 1):
        points.append((float(rng.uniform(-2, 2)), float(rng.uniform(-np.pi, np.pi))))
    return points[:count]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=6, help="number of (r, t) points (default 6)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the random points (default 0)")
    args = parser.parse_args(argv)
    if args.points < 1:
        parser.error("--points must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    points = sample_points(args.points, args.seed)
    print("u = x**2 + 2*y,  x = r*sin(t),  y = sin(t)**2")
    print("by hand: du/dr = 2 r sin^2 t,  du/dt = 2 r^2 sin t cos t + 4 sin t cos t\n")

    r0, t0 = points[0]
    pieces = assembled_chain_rule(r0, t0)
    print(f"the chain rule assembled at r = {r0:g}, t = pi/6:")
    print(f"  du/dr = du/dx*dx/dr + du/dy*dy/dr = {pieces['du/dx']:.6g}*{pieces['dx/dr']:.6g} "
          f"+ {pieces['du/dy']:.6g}*{pieces['dy/dr']:.6g} = {pieces['du/dr']:.17g}")
    print(f"  du/dt = du/dx*dx/dt + du/dy*dy/dt = {pieces['du/dx']:.6g}*{pieces['dx/dt']:.6g} "
          f"+ {pieces['du/dy']:.6g}*{pieces['dy/dt']:.6g} = {pieces['du/dt']:.17g}\n")

    header = (f"{'r':>8} {'t':>8} | {'du/dr forward':>22} {'du/dr reverse':>22} {'du/dr by hand':>22} | "
              f"{'du/dt forward':>22} {'du/dt reverse':>22} {'du/dt by hand':>22}")
    print(header)
    print("-" * len(header))
    largest = 0.0
    for r, t in points:
        fwd, rev, hand = by_forward_mode(r, t), by_reverse_mode(r, t), by_hand(r, t)
        print(f"{r:>8.4f} {t:>8.4f} | {fwd[0]:>22.17g} {rev[0]:>22.17g} {hand[0]:>22.17g} | "
              f"{fwd[1]:>22.17g} {rev[1]:>22.17g} {hand[1]:>22.17g}")
        largest = max(largest, float(np.max(np.abs(np.subtract(fwd, hand)))),
                      float(np.max(np.abs(np.subtract(rev, hand)))), float(np.max(np.abs(np.subtract(fwd, rev)))))
    assembled_gap = max(abs(pieces["du/dr"] - by_hand(r0, t0)[0]), abs(pieces["du/dt"] - by_hand(r0, t0)[1]))
    print(f"\npoints: {len(points)}")
    print(f"max difference (forward, reverse, by hand) = {largest:.3g}")
    print(f"max difference (assembled chain rule vs by hand) = {assembled_gap:.3g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
