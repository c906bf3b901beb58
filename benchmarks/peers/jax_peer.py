"""JAX, eagerly (op by op) and under ``jax.jit``, in float64 on one CPU thread.

``XLA_FLAGS`` pinning XLA's CPU threads is set by ``benchmarks/run.py`` before
this module imports JAX. The first call of a jitted variant compiles it; the
suite times later calls and records the first one separately.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from .. import workloads as w
from ..rows import Variant

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platforms", "cpu")
DISTRIBUTION = "jax"

_ready = jax.block_until_ready


def _eager_and_jit(make) -> list[Variant]:
    """The eager variants and the jitted ones, from one builder ``make(library, wrap)``."""
    return make("jax", lambda f: f) + make("jax jit", jax.jit)


def _scalars(tree) -> np.ndarray:
    return np.array([float(v) for v in jax.tree_util.tree_leaves(tree)])


def _flat(tree) -> np.ndarray:
    return np.concatenate([np.ravel(np.asarray(v)) for v in jax.tree_util.tree_leaves(tree)])


def quiz(x: float, z: float) -> list[Variant]:
    f = lambda x, z: w.quiz(x, z, jnp)  # noqa: E731

    def make(lib, wrap):
        jvp = wrap(lambda x, z, tx, tz: jax.jvp(f, (x, z), (tx, tz)))
        vg = wrap(jax.value_and_grad(f, argnums=(0, 1)))
        two_jvps = lambda: _ready((jvp(x, z, 1.0, 0.0), jvp(x, z, 0.0, 1.0)))  # noqa: E731
        return [
            Variant(lib, "jvp ×2", two_jvps,
                    lambda r: np.array([float(r[0][0]), float(r[0][1]), float(r[1][1])]), "value+grad"),
            Variant(lib, "value_and_grad", lambda: _ready(vg(x, z)), _scalars, "value+grad"),
        ]
    return _eager_and_jit(make)


def elementwise(x: np.ndarray, v: np.ndarray) -> list[Variant]:
    xj, vj = jnp.asarray(x), jnp.asarray(v)
    f = lambda x: w.elementwise(x, jnp)  # noqa: E731

    def make(lib, wrap):
        jvp = wrap(lambda x, v: jax.jvp(f, (x,), (v,)))
        g = wrap(jax.grad(f))
        return [Variant(lib, "jvp", lambda: _ready(jvp(xj, vj)), _scalars, "jvp"),
                Variant(lib, "grad", lambda: _ready(g(xj)), _flat, "grad")]
    return _eager_and_jit(make)


def _mlp_loss(W1, b1, W2, b2, X, Y):
    logits = jnp.tanh(X @ W1 + b1) @ W2 + b2
    return -jnp.sum(Y * jax.nn.log_softmax(logits, axis=-1)) / X.shape[0]


def mlp(params, X, Y) -> list[Variant]:
    args = [jnp.asarray(a) for a in (*params, X, Y)]

    def make(lib, wrap):
        g = wrap(jax.grad(_mlp_loss, argnums=(0, 1, 2, 3)))
        return [Variant(lib, "grad", lambda: _ready(g(*args)), _flat, "grad")]
    return _eager_and_jit(make)


def jacobian(A: np.ndarray, x: np.ndarray) -> list[Variant]:
    Aj, xj = jnp.asarray(A), jnp.asarray(x)
    f = lambda x: jnp.tanh(Aj @ x)  # noqa: E731
    basis = list(jnp.eye(x.shape[0]))

    def make(lib, wrap):
        fwd, rev = wrap(jax.jacfwd(f)), wrap(jax.jacrev(f))
        jvp = wrap(lambda x, e: jax.jvp(f, (x,), (e,))[1])
        separate = lambda: _ready(jnp.stack([jvp(xj, e) for e in basis], axis=1))  # noqa: E731
        return [Variant(lib, "jacfwd", lambda: _ready(fwd(xj)), np.asarray, "jacobian"),
                Variant(lib, "n separate jvps", separate, np.asarray, "jacobian"),
                Variant(lib, "jacrev", lambda: _ready(rev(xj)), np.asarray, "jacobian")]
    return _eager_and_jit(make)


def sin_chain(n_eager: int, n_long: int) -> list[Variant]:
    """Eager: a Python loop of ``n_eager`` ops. Jit: ``lax.fori_loop`` over ``n_long`` steps."""
    eager = jax.value_and_grad(lambda x: w.sin_chain(x, n_eager, jnp))
    looped = jax.jit(jax.value_and_grad(
        lambda x: jax.lax.fori_loop(0, n_long, lambda i, y: jnp.sin(y), x)))
    x0 = jnp.asarray(w.CHAIN_START)
    return [Variant("jax", "reverse", lambda: _ready(eager(x0)), _scalars, "chain", work=n_eager),
            Variant("jax jit", "reverse (fori_loop)", lambda: _ready(looped(x0)), _scalars, "chain",
                    work=n_long)]


def poly_chain(n: int) -> list[Variant]:
    eager = jax.value_and_grad(lambda x: w.poly_chain(x, n))
    looped = jax.jit(jax.value_and_grad(
        lambda x: jax.lax.fori_loop(0, n, lambda i, y: 0.5 * y * y + 0.5, x)))
    x0 = jnp.asarray(w.CHAIN_START)
    return [Variant("jax", "reverse", lambda: _ready(eager(x0)), _scalars, "chain", work=n),
            Variant("jax jit", "reverse (fori_loop)", lambda: _ready(looped(x0)), _scalars, "chain",
                    work=n)]
