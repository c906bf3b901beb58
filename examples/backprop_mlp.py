"""Backpropagation is reverse mode: train a small neural network with dualdiff.value_and_grad.

A multilayer perceptron (tanh hidden layers, softmax cross-entropy through
``dualdiff.log_softmax``, L2 weight penalty) learns to tell apart three
interleaved spirals in the plane, by mini-batch SGD with momentum.

What it teaches:

* The loss is an ordinary Python function of a list of weight arrays.
  ``value_and_grad(loss)(params, X, Y)`` records it once and sweeps back once,
  returning the loss and a list of gradients shaped like ``params``: that
  sweep *is* backpropagation, derived from the chain rule rather than written
  by hand layer by layer.
* One backward sweep costs a small multiple of one evaluation, whatever the
  number of weights (here hundreds); finite differences would need two
  evaluations per weight.
* Before training, ``dualdiff.finite_diff.check_grads`` compares forward and
  reverse mode with finite differences on the actual loss: the standard
  sanity check before trusting a gradient (it raises with a table on failure).

Run:  python examples/backprop_mlp.py [--points-per-class 100] [--epochs 200] [--quiet] [--plot FILE.png]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

import dualdiff as dd

Params = list[np.ndarray]


# --- data -----------------------------------------------------------------------


def make_spirals(points_per_class: int, classes: int, noise: float,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` spiral arms winding out of the origin, each turned by 2*pi/classes from the last."""
    radius = np.linspace(0.05, 1.0, points_per_class)
    points, labels = [], []
    for c in range(classes):
        angle = np.linspace(4.0 * c, 4.0 * (c + 1), points_per_class) + noise * rng.standard_normal(points_per_class)
        points.append(np.column_stack([radius * np.sin(angle), radius * np.cos(angle)]))
        labels.append(np.full(points_per_class, c))
    return np.concatenate(points), np.concatenate(labels)


# --- the model ------------------------------------------------------------------


def init_params(sizes: list[int], rng: np.random.Generator) -> Params:
    """[W1, b1, W2, b2, ...] with Glorot-scaled weights, so tanh starts in its linear range."""
    params: Params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params.append(rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / (fan_in + fan_out)))
        params.append(np.zeros(fan_out))
    return params


def logits(params: Any, x: np.ndarray) -> Any:
    """tanh hidden layers, linear output layer."""
    h = x
    for w, b in zip(params[:-2:2], params[1:-2:2]):
        h = dd.tanh(h @ w + b)
    return h @ params[-2] + params[-1]


def loss(params: Any, x: np.ndarray, onehot: np.ndarray, l2: float) -> Any:
    """Mean softmax cross-entropy plus (l2 / 2) * (sum of squared weights; biases are not penalised)."""
    cross_entropy = -dd.sum(onehot * dd.log_softmax(logits(params, x), axis=-1)) / x.shape[0]
    penalty = sum(dd.sum(w * w) for w in params[0::2])
    return cross_entropy + 0.5 * l2 * penalty


def accuracy(params: Params, x: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(np.argmax(np.asarray(logits(params, x)), axis=1) == labels))


# --- training -------------------------------------------------------------------


@dataclass
class Config:
    epochs: int
    batch_size: int
    learning_rate: float
    momentum: float
    l2: float
    log_every: int


def minibatches(n: int, batch_size: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def train(params: Params, x: np.ndarray, onehot: np.ndarray, config: Config, rng: np.random.Generator,
          report: Callable[[str], None], advance: Callable[[], None]) -> list[float]:
    """SGD with momentum; returns the mean mini-batch loss of every epoch."""
    loss_and_grad = dd.value_and_grad(loss)
    velocity = [np.zeros_like(p) for p in params]
    history = []
    for epoch in range(1, config.epochs + 1):
        losses = []
        for batch in minibatches(len(x), config.batch_size, rng):
            value, grads = loss_and_grad(params, x[batch], onehot[batch], config.l2)
            for i, g in enumerate(grads):
                velocity[i] = config.momentum * velocity[i] - config.learning_rate * g
                params[i] = params[i] + velocity[i]
            losses.append(value)
        history.append(float(np.mean(losses)))
        if epoch == 1 or epoch % config.log_every == 0 or epoch == config.epochs:
            report(f"epoch {epoch:>4}  loss {history[-1]:.4f}")
        advance()
    return history


def check_gradient(params: Params, x: np.ndarray, onehot: np.ndarray, l2: float) -> str:
    """check_grads on the loss as a function of each weight array (forward and reverse vs finite differences)."""
    from dualdiff.finite_diff import check_grads

    check_grads(lambda *p: loss(list(p), x, onehot, l2), tuple(params), modes=("fwd", "rev"))
    return f"gradient check passed: jvp and vjp agree with finite differences for all {len(params)} weight arrays"


# --- the script -----------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points-per-class", type=int, default=100, help="points per spiral arm (default 100)")
    parser.add_argument("--noise", type=float, default=0.2, help="angular noise of the spirals (default 0.2)")
    parser.add_argument("--hidden", type=int, nargs="+", default=[32, 32], help="hidden layer sizes (default 32 32)")
    parser.add_argument("--epochs", type=int, default=200, help="training epochs (default 200)")
    parser.add_argument("--batch-size", type=int, default=32, help="mini-batch size (default 32)")
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate (default 0.1)")
    parser.add_argument("--momentum", type=float, default=0.9, help="momentum (default 0.9)")
    parser.add_argument("--l2", type=float, default=1e-4, help="L2 penalty (default 1e-4)")
    parser.add_argument("--seed", type=int, default=0, help="seed for data, weights and batches (default 0)")
    parser.add_argument("--log-every", type=int, default=20, help="print the loss every N epochs (default 20)")
    parser.add_argument("--no-check", action="store_true", help="skip the finite-difference gradient check")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--plot", metavar="FILE.png", help="draw decision regions and the loss curve (needs matplotlib)")
    args = parser.parse_args(argv)
    if min(args.points_per_class, args.epochs, args.batch_size, args.log_every, *args.hidden) < 1:
        parser.error("sizes, epochs, batch size and --log-every must be positive")
    if args.plot and not _have_matplotlib():
        parser.error("--plot needs matplotlib, which is not installed: pip install 'dualdiff[plot]'")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rng = np.random.default_rng(args.seed)
    x, labels = make_spirals(args.points_per_class, 3, args.noise, rng)
    onehot = np.eye(3)[labels]
    sizes = [2, *args.hidden, 3]
    params = init_params(sizes, rng)
    n_weights = sum(p.size for p in params)
    print(f"3 interleaved spirals, {len(x)} points; MLP {' -> '.join(map(str, sizes))} (tanh), "
          f"{n_weights} weights in {len(params)} arrays")

    if not args.no_check:
        try:
            print(check_gradient(params, x[:16], onehot[:16], args.l2))
        except AssertionError as failure:
            print(failure, file=sys.stderr)
            return 1

    config = Config(args.epochs, args.batch_size, args.lr, args.momentum, args.l2, args.log_every)
    with _progress(args.epochs, enabled=not args.quiet) as (report, advance):
        history = train(params, x, onehot, config, rng, report, advance)

    final_accuracy = accuracy(params, x, labels)
    print(f"final loss {history[-1]:.4f}")
    print(f"final training accuracy: {final_accuracy:.4f}")
    if args.plot:
        plot(args.plot, params, x, labels, history)
        print(f"plot written to {args.plot}")
    return 0


class _progress:
    """A rich progress bar over epochs when stdout is a terminal; plain prints otherwise."""

    def __init__(self, total: int, enabled: bool):
        self.total = total
        self.bar = None
        if enabled and sys.stdout.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("training"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())

    def __enter__(self) -> tuple[Callable[[str], None], Callable[[], None]]:
        if self.bar is None:
            return print, lambda: None
        self.bar.__enter__()
        task = self.bar.add_task("training", total=self.total)
        return self.bar.console.print, lambda: self.bar.advance(task)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _have_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def plot(path: str, params: Params, x: np.ndarray, labels: np.ndarray, history: list[float]) -> None:
    """Decision regions over the data (left) and the training loss per epoch (right)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = np.linspace(-1.15, 1.15, 300)
    gx, gy = np.meshgrid(grid, grid)
    regions = np.argmax(np.asarray(logits(params, np.column_stack([gx.ravel(), gy.ravel()]))), axis=1)
    colours = ["#d62728", "#1f77b4", "#2ca02c"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 5))
    left.contourf(gx, gy, regions.reshape(gx.shape), levels=[-0.5, 0.5, 1.5, 2.5], colors=colours, alpha=0.25)
    left.scatter(x[:, 0], x[:, 1], c=[colours[c] for c in labels], s=12, edgecolors="k", linewidths=0.3)
    left.set_aspect("equal")
    left.set_title("decision regions")
    right.semilogy(np.arange(1, len(history) + 1), history)
    right.set_xlabel("epoch")
    right.set_ylabel("mean mini-batch loss")
    right.set_title("training loss")
    right.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    raise SystemExit(main())
