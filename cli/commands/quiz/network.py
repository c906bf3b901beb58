"""Quiz #2: the gradient of a two-hidden-layer sigmoid network, four ways.

    y = σ(βᵀ σ(α⁽²⁾ᵀ σ(α⁽¹⁾ᵀ x)))      x ∈ R^n0, α⁽¹⁾ n0×n1, α⁽²⁾ n1×n2, β ∈ R^n2

The gradient with respect to every weight by backprop (``dualdiff.grad``,
one backward sweep), by forward mode (``dualdiff.jvp``, one pass per weight,
counted), by the closed form the quiz asks students to derive, and by central
finite differences; then the largest difference between each pair. One output
and many weights is the case reverse mode is made for, and the pass count
shows it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from rich.console import Group, RenderableType
from rich.text import Text

import dualdiff
from dualdiff import finite_diff

from ... import output
from ...errors import UsageProblem
from ...layout import Column, Sheet, Title

DEFAULT_SIZES = (4, 3, 2)
MAX_LAYER = 32
"""Largest layer accepted by --sizes: forward mode makes one pass per weight (2112 at 32,32,32)."""

PARAMETERS = ("alpha1", "alpha2", "beta")
SYMBOLS = {"alpha1": "α⁽¹⁾", "alpha2": "α⁽²⁾", "beta": "β"}
METHODS = ("reverse", "forward", "closed-form", "central")
LABELS = {"reverse": "backprop (reverse mode)", "forward": "forward mode", "closed-form": "closed form (the quiz)",
          "central": "central differences"}
SHORT = {"reverse": "backprop", "forward": "forward mode", "closed-form": "closed form", "central": "central"}


def parse_sizes(text: str | None) -> tuple[int, int, int]:
    """``"4,3,2"`` -> ``(4, 3, 2)``: the input size and the two hidden layer sizes."""
    if text is None:
        return DEFAULT_SIZES
    parts = [p.strip() for p in text.split(",")]
    try:
        sizes = tuple(int(p) for p in parts)
    except ValueError:
        sizes = ()
    if len(sizes) != 3 or not all(1 <= s <= MAX_LAYER for s in sizes):
        raise UsageProblem(f"--sizes must be three integers from 1 to {MAX_LAYER} such as 4,3,2, got {text!r}")
    return sizes  # type: ignore[return-value]


@dataclass(frozen=True)
class Network:
    """The input and the random weights of the quiz network."""

    x: np.ndarray
    alpha1: np.ndarray
    alpha2: np.ndarray
    beta: np.ndarray

    @classmethod
    def random(cls, sizes: tuple[int, int, int], seed: int) -> "Network":
        n0, n1, n2 = sizes
        rng = np.random.default_rng(seed)
        return cls(rng.standard_normal(n0), rng.standard_normal((n0, n1)), rng.standard_normal((n1, n2)),
                   rng.standard_normal(n2))

    @property
    def weights(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.alpha1, self.alpha2, self.beta

    @property
    def count(self) -> int:
        return sum(w.size for w in self.weights)

    def output(self, alpha1: Any, alpha2: Any, beta: Any) -> Any:
        """y for the given weights (any of dualdiff's values: arrays, Duals, tape values)."""
        z1 = dualdiff.sigmoid(dualdiff.matmul(self.x, alpha1))
        z2 = dualdiff.sigmoid(dualdiff.matmul(z1, alpha2))
        return dualdiff.sigmoid(dualdiff.dot(z2, beta))

    def unflatten(self, flat: np.ndarray) -> list[np.ndarray]:
        pieces, start = [], 0
        for w in self.weights:
            pieces.append(flat[start:start + w.size].reshape(w.shape))
            start += w.size
        return pieces


Gradient = dict[str, np.ndarray]


def backprop_gradient(net: Network) -> Gradient:
    """Reverse mode: one recorded forward pass and one backward sweep for every weight."""
    grads = dualdiff.grad(net.output, argnums=(0, 1, 2))(*net.weights)
    return dict(zip(PARAMETERS, (np.asarray(g, dtype=float) for g in grads)))


def forward_gradient(net: Network) -> tuple[Gradient, int]:
    """Forward mode: one jvp pass per weight, each seeded with a unit tangent; returns the pass count."""
    weights = net.weights
    result = {name: np.zeros_like(w) for name, w in zip(PARAMETERS, weights)}
    passes = 0
    for k, (name, w) in enumerate(zip(PARAMETERS, weights)):
        for index in np.ndindex(w.shape):
            tangents = [np.zeros_like(v) for v in weights]
            tangents[k][index] = 1.0
            result[name][index] = float(dualdiff.jvp(net.output, weights, tuple(tangents))[1])
            passes += 1
    return result, passes


def closed_form_gradient(net: Network) -> Gradient:
    """The quiz's ANSWER, derived by hand and computed with numpy: the independent reference.

    This is the formula the lecture asks students to derive (so it is written
    here on purpose, once, to check the library against): with σ' = σ(1 − σ),
    ∂y/∂β = y(1−y)·z⁽²⁾, δ⁽²⁾ = y(1−y)·β ⊙ z⁽²⁾(1−z⁽²⁾), ∂y/∂α⁽²⁾ = z⁽¹⁾ δ⁽²⁾ᵀ,
    δ⁽¹⁾ = (α⁽²⁾ δ⁽²⁾) ⊙ z⁽¹⁾(1−z⁽¹⁾), ∂y/∂α⁽¹⁾ = x δ⁽¹⁾ᵀ.
    """
    def sigma(t: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-t))

    z1 = sigma(net.x @ net.alpha1)
    z2 = sigma(z1 @ net.alpha2)
    y = sigma(z2 @ net.beta)
    d_output = y * (1.0 - y)
    delta2 = d_output * net.beta * z2 * (1.0 - z2)
    delta1 = (net.alpha2 @ delta2) * z1 * (1.0 - z1)
    return {"alpha1": np.outer(net.x, delta1), "alpha2": np.outer(z1, delta2), "beta": d_output * z2}


def fd_gradient(net: Network) -> tuple[Gradient, int]:
    """Central differences over every weight (dualdiff.finite_diff); returns the evaluation count."""
    def y_of(flat: np.ndarray) -> Any:
        return net.output(*net.unflatten(flat))

    flat = np.concatenate([w.ravel() for w in net.weights])
    result = finite_diff.gradient(y_of, flat, method="central")
    return dict(zip(PARAMETERS, net.unflatten(np.asarray(result.value, dtype=float)))), result.evaluations


@dataclass(frozen=True)
class NetworkQuiz:
    sizes: tuple[int, int, int]
    seed: int
    net: Network
    y: float
    gradients: dict[str, Gradient]
    """method -> parameter -> ∂y/∂parameter."""
    cost: dict[str, tuple[int, str]]
    """method -> (count, unit)."""

    def flat(self, method: str) -> np.ndarray:
        return np.concatenate([self.gradients[method][p].ravel() for p in PARAMETERS])

    def differences(self) -> list[tuple[str, str, float, float]]:
        """``(method a, method b, max |a − b|, that over max |∂y/∂w|)`` for every pair."""
        scale = float(np.max(np.abs(self.flat("reverse")))) or 1.0
        rows = []
        for a, b in itertools.combinations(METHODS, 2):
            largest = float(np.max(np.abs(self.flat(a) - self.flat(b))))
            rows.append((a, b, largest, largest / scale))
        return rows


def solve(sizes: tuple[int, int, int], seed: int) -> NetworkQuiz:
    if seed < 0:
        raise UsageProblem(f"--seed must be a non-negative integer, got {seed}")
    net = Network.random(sizes, seed)
    forward, passes = forward_gradient(net)
    fd, evaluations = fd_gradient(net)
    gradients = {"reverse": backprop_gradient(net), "forward": forward,
                 "closed-form": closed_form_gradient(net), "central": fd}
    cost = {"reverse": (1, "backward sweep"), "forward": (passes, "jvp pass"),
            "closed-form": (1, "formula"), "central": (evaluations, "evaluation")}
    return NetworkQuiz(sizes, seed, net, float(net.output(*net.weights)), gradients, cost)


def entry_names(quiz: NetworkQuiz) -> list[tuple[str, str, tuple[int, ...]]]:
    """``(label, parameter, index)`` of every weight, in the order of :meth:`NetworkQuiz.flat`."""
    names = []
    for parameter, w in zip(PARAMETERS, quiz.net.weights):
        for index in np.ndindex(w.shape):
            names.append((f"{SYMBOLS[parameter]}[{','.join(str(i) for i in index)}]", parameter, index))
    return names



# --- output ---------------------------------------------------------------------------

MAX_ENTRY_ROWS = 40
"""Beyond this many weights the table shows the differences only (--json has every entry)."""


def render(quiz: NetworkQuiz) -> RenderableType:
    n0, n1, n2 = quiz.sizes
    title = Title(["Quiz #2:", "y = σ(βᵀσ(α⁽²⁾ᵀσ(α⁽¹⁾ᵀx))),"],
                  [f"x ∈ R^{n0},", f"α⁽¹⁾ {n0}×{n1},", f"α⁽²⁾ {n1}×{n2},", f"β ∈ R^{n2}", f"(seed {quiz.seed}):",
                   f"y = {output.number(quiz.y)}"])
    parts: list[RenderableType] = [title, Text("")]
    if quiz.net.count <= MAX_ENTRY_ROWS:
        columns = [Column("weight", number=False), *(Column(LABELS[m]) for m in METHODS)]
        entries = Sheet(None, columns, splits=[[[1, 2], [3, 4]]])
        flats = {method: quiz.flat(method) for method in METHODS}
        for i, (label, _, _) in enumerate(entry_names(quiz)):
            entries.add_row(f"∂y/∂{label}", *(output.number(float(flats[m][i])) for m in METHODS))
        parts += [entries, Text("")]
    differences = Sheet(None, [Column("pair", number=False), Column("max |Δ|"),
                               Column("relative to max |∂y/∂w|")])
    for a, b, largest, relative in quiz.differences():
        differences.add_row(f"{SHORT[a]} vs {SHORT[b]}", output.difference(largest), output.difference(relative))
    parts += [differences, Text("")]
    count = quiz.net.count
    costs = "; ".join(f"{LABELS[m]}: {output.plural(*quiz.cost[m])}" for m in METHODS)
    parts += [Text(costs),
              Text(f"one output, {count} weights: reverse mode gets all {count} partials from one backward "
                   f"sweep, forward mode needs {output.plural(quiz.cost['forward'][0], 'pass')}, one per weight. "
                   "That pass count is why reverse mode (backprop) wins here.")]
    return Group(*parts)


def to_json(quiz: NetworkQuiz) -> dict[str, Any]:
    def as_lists(gradient: Gradient) -> dict[str, Any]:
        return {p: gradient[p].tolist() for p in PARAMETERS}

    return {
        "quiz": "2", "sizes": list(quiz.sizes), "seed": quiz.seed, "x": quiz.net.x.tolist(),
        "weights": dict(zip(PARAMETERS, (w.tolist() for w in quiz.net.weights))),
        "y": quiz.y,
        "gradients": {m: as_lists(quiz.gradients[m]) for m in METHODS},
        "cost": {m: output.cost(c, u) for m, (c, u) in quiz.cost.items()},
        "max_abs_difference": {f"{a}/{b}": d for a, b, d, _ in quiz.differences()},
        "max_relative_difference": {f"{a}/{b}": r for a, b, _, r in quiz.differences()},
    }
