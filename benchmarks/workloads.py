"""The benchmark problems: their data, the plain primal, and dualdiff's derivatives of them.

Each ``*_primal`` function is what a user would write without AD (``math`` on
floats, numpy on arrays); every other public function does one unit of AD work
with dualdiff and returns its result. They are separate, importable and
cheap to call, so the core can be profiled on exactly what the suite times::

    python -m cProfile -s tottime -c "
    from benchmarks import workloads as w
    x, v = w.elementwise_data(100_000)
    for _ in range(50): w.elementwise_grad(x)"

(run from the repository root). The math of every problem is written once,
generically over a namespace ``m`` (``math``, ``numpy`` or ``dualdiff``), so
the primal and the differentiated function cannot drift apart.
"""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any, Callable

import numpy as np

import dualdiff as dd


# ---------------------------------------------------------------------------
# 1. Scalar quiz #1 of the lecture notes
# ---------------------------------------------------------------------------

QUIZ_POINT = (2.0, 3.0)
QUIZ_REFERENCE = (412.1914572841211755, 1208.381215126609629, 809.7074792185640812)
"""y, dy/dx, dy/dz at (2, 3), to 19 digits by mpmath (Quiz #1 of the lecture notes)."""


def quiz(x: Any, z: Any, m: ModuleType = dd) -> Any:
    """y = exp(x·z) + x·z/log(x) + sin(log(x))/(x·z)."""
    return m.exp(x * z) + x * z / m.log(x) + m.sin(m.log(x)) / (x * z)


def quiz_primal(x: float, z: float) -> float:
    """The primal every quiz ratio divides by: the float function written directly with ``math``.

    One call, no module argument and no wrapper (through :func:`quiz` with
    ``m=math`` it measured about 2x slower, which halved every quiz ratio).
    """
    return math.exp(x * z) + x * z / math.log(x) + math.sin(math.log(x)) / (x * z)


def quiz_forward(x: float = 2.0, z: float = 3.0) -> tuple[float, float, float]:
    """(y, ∂y/∂x, ∂y/∂z) by two forward passes, one per input direction."""
    y, dx = dd.jvp(quiz, (x, z), (1.0, 0.0))
    _, dz = dd.jvp(quiz, (x, z), (0.0, 1.0))
    return y, dx, dz


_quiz_value_and_grad = dd.value_and_grad(quiz, argnums=(0, 1))


def quiz_reverse(x: float = 2.0, z: float = 3.0) -> tuple[float, tuple[float, float]]:
    """(y, (∂y/∂x, ∂y/∂z)) by one recording and one backward sweep."""
    return _quiz_value_and_grad(x, z)


def quiz_jvp(x: float, z: float, tx: float, tz: float) -> tuple[float, float]:
    """(y, ∂y/∂(x, z) · (tx, tz)): one forward pass, the tangent an argument."""
    return dd.jvp(quiz, (x, z), (tx, tz))


def quiz_jit_jvp() -> Callable:
    """A fresh ``jit`` of one jvp (point and tangent are arguments, so nothing is folded away)."""
    return dd.jit(quiz_jvp)


def quiz_jit_value_and_grad() -> Callable:
    """A fresh ``jit(value_and_grad)`` of the quiz: traced and compiled at its first call."""
    return dd.jit(dd.value_and_grad(quiz, argnums=(0, 1)))


# ---------------------------------------------------------------------------
# 2. An elementwise array function
# ---------------------------------------------------------------------------

def elementwise(x: Any, m: ModuleType = dd) -> Any:
    """sum(exp(sin(x)) · log1p(x²))."""
    return m.sum(m.exp(m.sin(x)) * m.log1p(x * x))


def elementwise_data(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A point x and a tangent direction v, both of length ``n``."""
    rng = np.random.default_rng(seed)
    return rng.uniform(-2.0, 2.0, n), rng.normal(size=n)


def elementwise_primal(x: np.ndarray) -> float:
    return elementwise(x, np)


def elementwise_jvp(x: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    return dd.jvp(elementwise, (x,), (v,))


_elementwise_grad = dd.grad(elementwise)


def elementwise_grad(x: np.ndarray) -> np.ndarray:
    return _elementwise_grad(x)


def elementwise_jit_grad() -> Callable:
    return dd.jit(dd.grad(elementwise))


def elementwise_grad_by_hand(x: np.ndarray) -> np.ndarray:
    """The gradient written out in numpy, with the table's formulas (exp' = exp, sin' = cos,
    log1p'(u) = 1/(1 + u)): what straight-line code doing the same derivative arithmetic costs."""
    e = np.exp(np.sin(x))
    u = x * x
    return e * (np.cos(x) * np.log1p(u) + 2.0 * x / (1.0 + u))


# ---------------------------------------------------------------------------
# 3. MLP loss: tanh hidden layer, softmax cross-entropy
# ---------------------------------------------------------------------------

MlpParams = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def mlp_data(batch: int = 256, layers: tuple[int, int, int] = (784, 256, 10),
             seed: int = 0) -> tuple[MlpParams, np.ndarray, np.ndarray]:
    """Weights (W1, b1, W2, b2) with 1/√fan-in scale, inputs X and one-hot labels Y."""
    n_in, n_hidden, n_out = layers
    rng = np.random.default_rng(seed)
    params = (rng.normal(size=(n_in, n_hidden)) / math.sqrt(n_in), rng.normal(size=n_hidden) * 0.1,
              rng.normal(size=(n_hidden, n_out)) / math.sqrt(n_hidden), rng.normal(size=n_out) * 0.1)
    X = rng.normal(size=(batch, n_in))
    Y = np.eye(n_out)[rng.integers(0, n_out, size=batch)]
    return params, X, Y


def mlp_loss_primal(W1, b1, W2, b2, X, Y) -> float:
    """The loss as plain numpy: what a forward pass costs without AD."""
    logits = np.tanh(X @ W1 + b1) @ W2 + b2
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -np.sum(Y * log_probs) / X.shape[0]


def mlp_loss(W1, b1, W2, b2, X, Y) -> Any:
    """The same loss with dualdiff's functions (``log_softmax`` is the stable form)."""
    logits = dd.tanh(X @ W1 + b1) @ W2 + b2
    return -dd.sum(Y * dd.log_softmax(logits, axis=-1)) / X.shape[0]


_mlp_grad = dd.grad(mlp_loss, argnums=(0, 1, 2, 3))


def mlp_grad(params: MlpParams, X: np.ndarray, Y: np.ndarray) -> tuple:
    """Gradient of the loss with respect to the four weight arrays (X and Y are data)."""
    return _mlp_grad(*params, X, Y)


def mlp_jit_grad() -> Callable:
    """A fresh ``jit(grad)`` of the loss in the four weight arrays."""
    return dd.jit(dd.grad(mlp_loss, argnums=(0, 1, 2, 3)))


def mlp_backprop(W1, b1, W2, b2, X, Y, tanh_identity: bool = False) -> tuple:
    """The gradient by hand-written backpropagation in numpy.

    It uses the table's derivative formulas, so that set beside ``jit(grad)``
    the difference is dispatch, not arithmetic: tanh'(a) = 1/cosh²(a), and
    log_softmax as a max-shifted logsumexp, whose pullback of ḡ is
    ḡ − softmax · Σḡ. ``tanh_identity=True`` uses the cheaper
    tanh'(a) = 1 − tanh²(a) instead (reusing the forward tanh), for the
    comparison in benchmarks/README.md.
    """
    n = X.shape[0]
    a = X @ W1 + b1
    h = np.tanh(a)
    logits = h @ W2 + b2
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    g_out = -Y / n                                  # ∂loss/∂log_softmax
    g_logits = g_out + e / e.sum(axis=1, keepdims=True) * (Y.sum(axis=1, keepdims=True) / n)
    g_h = g_logits @ W2.T
    g_a = g_h * (1.0 - h * h) if tanh_identity else g_h / np.cosh(a) ** 2
    return X.T @ g_a, g_a.sum(axis=0), h.T @ g_logits, g_logits.sum(axis=0)


# ---------------------------------------------------------------------------
# 4. The Jacobian of tanh(A @ x)
# ---------------------------------------------------------------------------

def jacobian_data(n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, n)) / math.sqrt(n), rng.normal(size=n)


def tanh_layer_primal(A: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.tanh(A @ x)


def tanh_layer(A: np.ndarray, x: Any) -> Any:
    return dd.tanh(A @ x)


def jacobian_fwd(A: np.ndarray, x: np.ndarray, chunk: int | None = None) -> np.ndarray:
    """All n directions batched in one forward pass (or ``chunk`` directions per pass)."""
    return dd.jacfwd(lambda y: tanh_layer(A, y), chunk=chunk)(x)


def jacobian_separate_jvps(A: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The Jacobian column by column: n unbatched forward passes (what batching saves)."""
    f = lambda y: tanh_layer(A, y)  # noqa: E731
    columns = [dd.jvp(f, (x,), (e,))[1] for e in np.eye(x.shape[0])]
    return np.stack(columns, axis=1)


def jacobian_rev(A: np.ndarray, x: np.ndarray) -> np.ndarray:
    """One recording, one backward sweep with all n cotangents batched."""
    return dd.jacrev(lambda y: tanh_layer(A, y))(x)


def jacobian_jit_fwd(A: np.ndarray) -> Callable:
    """A fresh ``jit(jacfwd)`` of x ↦ tanh(A @ x) (A is a constant of the generated code)."""
    return dd.jit(dd.jacfwd(lambda y: tanh_layer(A, y)))


def jacobian_by_hand(A: np.ndarray, x: np.ndarray) -> np.ndarray:
    """diag(tanh'(A @ x)) · A in numpy, with the table's tanh' = 1/cosh²."""
    return (1.0 / np.cosh(A @ x) ** 2)[:, None] * A


# ---------------------------------------------------------------------------
# 5. Deep chains: per-node cost of reverse mode
# ---------------------------------------------------------------------------

CHAIN_START = 0.5


def sin_chain(x: Any, n: int, m: ModuleType = dd) -> Any:
    """x → sin(x), ``n`` times: a tape of n nodes, one long dependency path."""
    sin = m.sin
    for _ in range(n):
        x = sin(x)
    return x


def sin_chain_primal(n: int, x: float = CHAIN_START) -> float:
    return sin_chain(x, n, math)


_sin_chain_value_and_grad = dd.value_and_grad(sin_chain)


def sin_chain_reverse(n: int, x: float = CHAIN_START) -> tuple[float, float]:
    """Forward recording plus backward sweep over an n-node chain."""
    return _sin_chain_value_and_grad(x, n)


def poly_chain(x: Any, n: int) -> Any:
    """x → x·x/2 + 1/2, ``n`` times: only + and *, the operations micrograd has.

    Written with operators only, so the same code runs on floats, dualdiff
    values and micrograd's ``Value``; starting in (0, 1) it stays there.
    """
    for _ in range(n):
        x = 0.5 * x * x + 0.5
    return x


_poly_chain_value_and_grad = dd.value_and_grad(poly_chain)


def poly_chain_reverse(n: int, x: float = CHAIN_START) -> tuple[float, float]:
    return _poly_chain_value_and_grad(x, n)
