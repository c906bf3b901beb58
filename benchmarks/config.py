"""Sizes and repeat counts of a benchmark run, with the presets the runner offers."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Config:
    """Everything that sets the size of a run. The defaults are the sizes issue #9 names."""

    repeats: int = 7
    """Timed repeats per variant; the table reports their minimum and median."""
    min_time: float = 0.2
    """Seconds each repeat should last at least; short calls are looped to reach it."""
    array_sizes: tuple[int, ...] = (1_000, 100_000)
    mlp_batch: int = 256
    mlp_layers: tuple[int, int, int] = (784, 256, 10)
    jac_n: int = 200
    jac_chunks: tuple[int, ...] = (10, 50)
    chain_n: int = 1_000_000
    peer_chain_n: int = 5_000
    """Chain length for peers that run op by op (eager JAX, autograd, torch): they cost far
    more per node, and the per-node figure barely depends on the length."""
    poly_chain_n: int = 1_000
    """Chain length of the +/* chain micrograd can run (its recursive topological sort limits depth)."""
    import_repeats: int = 7
    seed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


FULL = Config()
QUICK = Config(repeats=3, min_time=0.02, chain_n=200_000, peer_chain_n=1_000,
               poly_chain_n=500, import_repeats=3)
TINY = Config(repeats=1, min_time=0.0, array_sizes=(50,), mlp_batch=4, mlp_layers=(12, 8, 3),
              jac_n=6, jac_chunks=(4,), chain_n=200, peer_chain_n=50, poly_chain_n=30,
              import_repeats=1)
"""Sizes small enough for the smoke test: every code path, next to no time."""
