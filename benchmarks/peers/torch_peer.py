"""PyTorch: reverse mode with ``torch.autograd.grad``, forward mode and Jacobians with ``torch.func``.

Tensors are float64 and ``torch.set_num_threads(1)``, matching numpy's pinned BLAS.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.func import jacfwd, jacrev, jvp

from .. import workloads as w
from ..rows import Variant

torch.set_num_threads(1)
DISTRIBUTION = "torch"
LIB = "torch"
F64 = torch.float64


def _t(a, grad: bool = False) -> torch.Tensor:
    return torch.tensor(a, dtype=F64, requires_grad=grad)


def _flat(tree) -> np.ndarray:
    if isinstance(tree, (tuple, list)):
        return np.concatenate([_flat(t) for t in tree])
    return np.ravel(tree.detach().numpy() if isinstance(tree, torch.Tensor) else np.asarray(tree))


def quiz(x: float, z: float) -> list[Variant]:
    f = lambda x, z: w.quiz(x, z, torch)  # noqa: E731
    xt, zt, one, zero = _t(x), _t(z), _t(1.0), _t(0.0)

    def two_jvps():
        y, dx = jvp(f, (xt, zt), (one, zero))
        return y, dx, jvp(f, (xt, zt), (zero, one))[1]

    def value_and_grad():
        xg, zg = _t(x, True), _t(z, True)
        y = f(xg, zg)
        return y, torch.autograd.grad(y, (xg, zg))
    return [Variant(LIB, "jvp ×2", two_jvps, _flat, "value+grad"),
            Variant(LIB, "value_and_grad", value_and_grad, _flat, "value+grad")]


def elementwise(x: np.ndarray, v: np.ndarray) -> list[Variant]:
    f = lambda x: w.elementwise(x, torch)  # noqa: E731
    xt, vt = torch.from_numpy(x), torch.from_numpy(v)
    xg = torch.from_numpy(x.copy()).requires_grad_(True)
    return [Variant(LIB, "jvp", lambda: jvp(f, (xt,), (vt,)), _flat, "jvp"),
            Variant(LIB, "grad", lambda: torch.autograd.grad(f(xg), xg)[0], _flat, "grad")]


def _mlp_loss(W1, b1, W2, b2, X, Y):
    logits = torch.tanh(X @ W1 + b1) @ W2 + b2
    return -torch.sum(Y * torch.log_softmax(logits, dim=-1)) / X.shape[0]


def mlp(params, X, Y) -> list[Variant]:
    ps = [torch.from_numpy(p.copy()).requires_grad_(True) for p in params]
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    return [Variant(LIB, "grad", lambda: torch.autograd.grad(_mlp_loss(*ps, Xt, Yt), ps),
                    _flat, "grad")]


def jacobian(A: np.ndarray, x: np.ndarray) -> list[Variant]:
    At, xt = torch.from_numpy(A), torch.from_numpy(x)
    f = lambda x: torch.tanh(At @ x)  # noqa: E731
    basis = list(torch.eye(x.shape[0], dtype=F64))

    def separate():
        return torch.stack([jvp(f, (xt,), (e,))[1] for e in basis], dim=1)
    return [Variant(LIB, "jacfwd", lambda: jacfwd(f)(xt), _as_matrix, "jacobian"),
            Variant(LIB, "n separate jvps", separate, _as_matrix, "jacobian"),
            Variant(LIB, "jacrev", lambda: jacrev(f)(xt), _as_matrix, "jacobian")]


def _as_matrix(t: torch.Tensor) -> np.ndarray:
    return t.detach().numpy()


def _chain_variant(body, n: int) -> Variant:
    def value_and_grad():
        x = _t(w.CHAIN_START, True)
        y = body(x)
        return y, torch.autograd.grad(y, x)[0]
    return Variant(LIB, "reverse", value_and_grad, _flat, "chain", work=n)


def sin_chain(n_eager: int, n_long: int) -> list[Variant]:
    return [_chain_variant(lambda x: w.sin_chain(x, n_eager, torch), n_eager)]


def poly_chain(n: int) -> list[Variant]:
    return [_chain_variant(lambda x: w.poly_chain(x, n), n)]
