"""Minimal pytrees: nested tuples, lists and dicts of arrays, as JAX users expect.

``grad`` of a loss over a list of weight matrices returns a list of the same
shape; :func:`flatten` is all the container handling the API needs.
"""

from __future__ import annotations

from typing import Any, Callable


def flatten(tree: Any) -> tuple[list, Callable[[list], Any]]:
    """Leaves in a fixed order, and a function rebuilding the same structure from new leaves."""
    if isinstance(tree, (tuple, list)):
        parts = [flatten(t) for t in tree]
        leaves = [leaf for p, _ in parts for leaf in p]
        sizes = [len(p) for p, _ in parts]
        kind = type(tree)

        def unflatten(new: list) -> Any:
            out, k = [], 0
            for (_, rebuild), n in zip(parts, sizes):
                out.append(rebuild(new[k:k + n]))
                k += n
            return kind(out) if kind in (tuple, list) else kind(*out)
        return leaves, unflatten
    if isinstance(tree, dict):
        keys = list(tree)
        leaves, rebuild = flatten([tree[k] for k in keys])
        return leaves, lambda new: dict(zip(keys, rebuild(new)))
    return [tree], lambda new: new[0]
