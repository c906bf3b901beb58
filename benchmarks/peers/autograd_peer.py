"""HIPS autograd: reverse mode by tracing numpy calls, forward mode by ``make_jvp``."""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np
from autograd import grad, jacobian as ag_jacobian, value_and_grad
from autograd.differential_operators import make_jvp
from autograd.scipy.special import logsumexp

from .. import workloads as w
from ..rows import Variant

DISTRIBUTION = "autograd"
LIB = "autograd"


def _flat(tree) -> np.ndarray:
    if isinstance(tree, (tuple, list)):
        return np.concatenate([_flat(t) for t in tree])
    return np.ravel(np.asarray(tree, dtype=float))


def quiz(x: float, z: float) -> list[Variant]:
    f = lambda x, z: w.quiz(x, z, anp)  # noqa: E731
    jvp_x, jvp_z = make_jvp(f, 0), make_jvp(f, 1)
    vg = value_and_grad(lambda xz: f(*xz))

    def two_jvps():
        y, dx = jvp_x(x, z)(1.0)
        return y, dx, jvp_z(x, z)(1.0)[1]
    return [Variant(LIB, "jvp ×2", two_jvps, _flat, "value+grad"),
            Variant(LIB, "value_and_grad", lambda: vg((x, z)), _flat, "value+grad")]


def elementwise(x: np.ndarray, v: np.ndarray) -> list[Variant]:
    f = lambda x: w.elementwise(x, anp)  # noqa: E731
    g = grad(f)
    return [Variant(LIB, "jvp", lambda: make_jvp(f)(x)(v), _flat, "jvp"),
            Variant(LIB, "grad", lambda: g(x), _flat, "grad")]


def _mlp_loss(params, X, Y):
    W1, b1, W2, b2 = params
    logits = anp.tanh(X @ W1 + b1) @ W2 + b2
    log_probs = logits - logsumexp(logits, axis=1, keepdims=True)
    return -anp.sum(Y * log_probs) / X.shape[0]


def mlp(params, X, Y) -> list[Variant]:
    g = grad(_mlp_loss)
    return [Variant(LIB, "grad", lambda: g(tuple(params), X, Y), _flat, "grad")]


def jacobian(A: np.ndarray, x: np.ndarray) -> list[Variant]:
    f = lambda x: anp.tanh(A @ x)  # noqa: E731
    rev = ag_jacobian(f)

    def separate():
        return np.stack([make_jvp(f)(x)(e)[1] for e in np.eye(x.shape[0])], axis=1)
    return [Variant(LIB, "n separate jvps", separate, np.asarray, "jacobian"),
            Variant(LIB, "jacobian (reverse)", lambda: rev(x), np.asarray, "jacobian")]


def sin_chain(n_eager: int, n_long: int) -> list[Variant]:
    vg = value_and_grad(lambda x: w.sin_chain(x, n_eager, anp))
    return [Variant(LIB, "reverse", lambda: vg(w.CHAIN_START), _flat, "chain", work=n_eager)]


def poly_chain(n: int) -> list[Variant]:
    vg = value_and_grad(lambda x: w.poly_chain(x, n))
    return [Variant(LIB, "reverse", lambda: vg(w.CHAIN_START), _flat, "chain", work=n)]
