"""Peer AD libraries, each used only if it imports: never a dependency of dualdiff.

A peer module offers, for each scenario it can run, a function with the same
name as the scenario in :mod:`benchmarks.scenarios` that returns
:class:`~benchmarks.rows.Variant` objects. A scenario a peer cannot express
(micrograd has no ``exp``) is simply absent from its module. All peers
compute in float64 on one thread, as numpy and dualdiff do here.
"""

from __future__ import annotations

import importlib
from types import ModuleType

PEERS = {
    "jax": "benchmarks.peers.jax_peer",
    "autograd": "benchmarks.peers.autograd_peer",
    "torch": "benchmarks.peers.torch_peer",
    "micrograd": "benchmarks.peers.micrograd_peer",
}


def load(names: list[str] | None = None) -> tuple[dict[str, ModuleType], dict[str, str]]:
    """Import the peers that are installed: ``({name: module}, {name: why not})``."""
    loaded, missing = {}, {}
    for name in names or list(PEERS):
        try:
            loaded[name] = importlib.import_module(PEERS[name])
        except ImportError as exc:
            missing[name] = f"not installed ({exc.name or exc})"
        except Exception as exc:  # noqa: BLE001  (a broken install must not stop the suite)
            missing[name] = f"failed to import: {type(exc).__name__}: {exc}"
    return loaded, missing


def version(module: ModuleType) -> str:
    """The installed version of the peer's distribution (e.g. ``"0.10.2"``)."""
    from importlib.metadata import PackageNotFoundError, version as dist_version
    try:
        return dist_version(module.DISTRIBUTION)
    except PackageNotFoundError:
        return "?"
