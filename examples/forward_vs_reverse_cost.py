"""The order of computation matters: forward mode costs one pass per input, reverse one sweep per output.

What it teaches:

* For f: R^n -> R (here f(x) = sum(tanh(A @ x))), the whole gradient is one
  reverse sweep (``jacrev``), whatever n is; forward mode needs one pass per
  input direction (``jacfwd(f, chunk=1)`` makes n passes). ``jacfwd`` without
  ``chunk`` carries all n directions in one batched pass: one call of f, but
  every operation does n times the work.
* For g: R -> R^m (here g(s) = tanh(s * w + b) * cos(s)), it is the other way
  round: one forward pass gives the whole Jacobian column, while reverse mode
  needs one backward sweep per output row (m sweeps over one recording).
* For F: R^n -> R^m with n + m fixed, the pass counts cross where n = m: that
  is the crossover the lecture draws.

Every Jacobian is checked against central finite differences (last column).
Counts are measured: calls of the function by a counting wrapper, backward
sweeps by counting the pullback calls of ``dualdiff.vjp`` (the reverse
Jacobian written out row by row, as ``jacrev`` does it). Times are the best of
``--repeats`` runs of ``jacfwd`` / ``jacrev`` themselves.

Run:  python examples/forward_vs_reverse_cost.py [--sizes 1 4 16 64 256] [--total 64] [--plot FILE.png]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# One BLAS thread: on a small, busy machine a multithreaded product of small
# matrices can stall for tens of milliseconds waiting for its threads, which
# would time the thread pool instead of the differentiation. Set before numpy loads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

import dualdiff as dd  # noqa: E402
from dualdiff import finite_diff  # noqa: E402


class CallCounter:
    """Wraps a function and counts its calls: the honest way to count forward passes."""

    def __init__(self, fn: Callable[..., Any]):
        self.fn = fn
        self.calls = 0

    def __call__(self, *args: Any) -> Any:
        self.calls += 1
        return self.fn(*args)


def many_to_one(n: int, rng: np.random.Generator) -> Callable[[Any], Any]:
    """f: R^n -> R, f(x) = sum(tanh(A @ x)) with a fixed random 16 x n matrix A."""
    a = rng.standard_normal((16, n)) / np.sqrt(n)
    return lambda x: dd.sum(dd.tanh(a @ x))


def one_to_many(m: int, rng: np.random.Generator) -> Callable[[Any], Any]:
    """g: R -> R^m, g(s) = tanh(s * w + b) * cos(s) with fixed random w, b."""
    w, b = rng.standard_normal(m), rng.standard_normal(m)
    return lambda s: dd.tanh(s * w + b) * dd.cos(s)


def many_to_many(n: int, m: int, rng: np.random.Generator) -> Callable[[Any], Any]:
    """F: R^n -> R^m, F(x) = tanh(B @ x) with a fixed random m x n matrix B."""
    b = rng.standard_normal((m, n)) / np.sqrt(n)
    return lambda x: dd.tanh(b @ x)


@dataclass
class Measurement:
    """What one Jacobian method cost on one function."""

    method: str
    calls: int
    sweeps: int
    seconds: float
    jacobian: np.ndarray


def best_time(run: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Best wall time of ``repeats`` runs (the least disturbed one) and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def counted_reverse_jacobian(fn: Callable[[Any], Any], x: Any) -> tuple[np.ndarray, int]:
    """The reverse-mode Jacobian row by row, counting backward sweeps (pullback calls)."""
    out, pullback = dd.vjp(fn, x)
    out_shape = np.shape(out)
    m = int(np.prod(out_shape))
    rows, sweeps = [], 0
    for r in range(m):
        seed = np.zeros(m)
        seed[r] = 1.0
        (row,) = pullback(seed.reshape(out_shape) if out_shape else 1.0)
        sweeps += 1
        rows.append(np.asarray(row, dtype=float))
    return np.stack(rows).reshape(out_shape + np.shape(x)), sweeps


def measure(fn: Callable[[Any], Any], x: Any, repeats: int) -> list[Measurement]:
    """jacfwd (batched), jacfwd(chunk=1) and jacrev on one function at one point."""
    results = []
    for method, transform in [("jacfwd", lambda f: dd.jacfwd(f)),
                              ("jacfwd chunk=1", lambda f: dd.jacfwd(f, chunk=1)),
                              ("jacrev", lambda f: dd.jacrev(f))]:
        counter = CallCounter(fn)
        seconds, jac = best_time(lambda t=transform, c=counter: t(c)(x), repeats)
        calls = counter.calls // repeats
        sweeps = counted_reverse_jacobian(fn, x)[1] if method == "jacrev" else 0
        results.append(Measurement(method, calls, sweeps, seconds, np.asarray(jac, dtype=float)))
    return results


def finite_difference_gap(fn: Callable[[Any], Any], x: Any, jacobian: np.ndarray) -> float:
    """Largest difference between a Jacobian and central finite differences (the independent check)."""
    return float(np.max(np.abs(jacobian - np.asarray(finite_diff.jacobian(fn, x).value))))


def report(title: str, size_name: str, rows: list[tuple[str, list[Measurement], float]]) -> None:
    print(title)
    print(f"{size_name:>10} | {'method':<15} {'fn calls':>10} {'backward sweeps':>16} {'time [ms]':>10}"
          f" | {'max|fwd-rev|':>12} {'max|rev-FD|':>12}")
    print("-" * 99)
    for label, measurements, fd_gap in rows:
        gap = max(float(np.max(np.abs(m.jacobian - measurements[-1].jacobian))) for m in measurements)
        for m in measurements:
            print(f"{label:>10} | {m.method:<15} {m.calls:>10} {m.sweeps:>16} {1e3 * m.seconds:>10.3f}"
                  f" | {gap:>12.2e} {fd_gap:>12.2e}")
    print()


def measured_row(label: str, fn: Callable[[Any], Any], x: Any, repeats: int) -> tuple[str, list[Measurement], float]:
    measurements = measure(fn, x, repeats)
    return label, measurements, finite_difference_gap(fn, x, measurements[-1].jacobian)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 4, 16, 64, 256],
                        help="values of n (for f) and m (for g) (default 1 4 16 64 256)")
    parser.add_argument("--total", type=int, default=64,
                        help="n + m for the crossover table of F: R^n -> R^m (default 64)")
    parser.add_argument("--repeats", type=int, default=3, help="timing repeats, best kept (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random matrices (default 0)")
    parser.add_argument("--plot", metavar="FILE.png", help="also draw passes and times (needs matplotlib)")
    args = parser.parse_args(argv)
    if min(args.sizes) < 1 or args.total < 2 or args.repeats < 1:
        parser.error("sizes must be >= 1, --total >= 2 and --repeats >= 1")
    if args.plot and not _have_matplotlib():
        parser.error("--plot needs matplotlib, which is not installed: pip install 'dualdiff[plot]'")
    return args


def crossover_splits(total: int) -> list[tuple[int, int]]:
    """(n, m) pairs with n + m = total, from few inputs to few outputs."""
    ns = sorted({max(1, min(total - 1, round(total * f))) for f in (1 / 16, 1 / 4, 1 / 2, 3 / 4, 15 / 16)})
    return [(n, total - n) for n in ns]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rng = np.random.default_rng(args.seed)

    f_rows = [measured_row(f"n={n}", many_to_one(n, rng), rng.standard_normal(n), args.repeats)
              for n in args.sizes]
    report("f: R^n -> R, f(x) = sum(tanh(A @ x)): gradient", "inputs", f_rows)

    g_rows = [measured_row(f"m={m}", one_to_many(m, rng), 0.3, args.repeats) for m in args.sizes]
    report("g: R -> R^m, g(s) = tanh(s*w + b) * cos(s): Jacobian column", "outputs", g_rows)

    splits = crossover_splits(args.total)
    cross_rows = [measured_row(f"{n}->{m}", many_to_many(n, m, rng), rng.standard_normal(n), args.repeats)
                  for n, m in splits]
    report(f"F: R^n -> R^m with n + m = {args.total}, F(x) = tanh(B @ x): the crossover", "n->m", cross_rows)

    print("passes: forward mode with one direction per pass needs n passes, reverse mode m sweeps;")
    for (n, m), (_, ms, _) in zip(splits, cross_rows):
        chunked, rev = ms[1], ms[2]
        winner = "forward" if chunked.calls < rev.sweeps else "reverse" if rev.sweeps < chunked.calls else "tie"
        print(f"  n={n:<4} m={m:<4} forward passes {chunked.calls:>4}  reverse sweeps {rev.sweeps:>4}  -> {winner}")
    if args.plot:
        plot(args.plot, args.sizes, f_rows, g_rows, splits, cross_rows)
        print(f"\nplot written to {args.plot}")
    return 0


def _have_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def plot(path: str, sizes: list[int], f_rows: list, g_rows: list,
         splits: list[tuple[int, int]], cross_rows: list) -> None:
    """Time against size for f and g, and the crossover of F, on log axes."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    methods = ("jacfwd", "jacfwd chunk=1", "jacrev")
    for ax, rows, label in [(axes[0], f_rows, "n (inputs), f: R^n -> R"),
                            (axes[1], g_rows, "m (outputs), g: R -> R^m")]:
        for k, method in enumerate(methods):
            ax.loglog(sizes, [1e3 * ms[k].seconds for _, ms, _ in rows], "o-", label=method)
        ax.set_xlabel(label)
        ax.set_ylabel("time [ms]")
    ns = [n for n, _ in splits]
    total = splits[0][0] + splits[0][1]
    axes[2].semilogy(ns, [1e3 * ms[1].seconds for _, ms, _ in cross_rows], "o-", color="C1",
                     label="jacfwd chunk=1 (n passes)")
    axes[2].semilogy(ns, [1e3 * ms[2].seconds for _, ms, _ in cross_rows], "o-", color="C2",
                     label="jacrev (m sweeps)")
    axes[2].axvline(total / 2, color="grey", linestyle=":", label="n = m")
    axes[2].set_xlabel(f"n (inputs), F: R^n -> R^m, m = {total} - n")
    axes[2].set_ylabel("time [ms]")
    for ax in axes:
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("forward mode pays per input, reverse mode per output")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    sys.exit(main())
