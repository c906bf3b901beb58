"""Minimal pytrees: nested tuples, lists and dicts of arrays, as JAX users expect.

``grad`` of a loss over a list of weight matrices returns a list of the same
shape; :func:`flatten` is all the container handling the API needs.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable


def flatten(tree: Any, none_is_leaf: bool = True) -> tuple[list, Callable[[list], Any]]:
    """Leaves in a fixed order, and a function rebuilding the same structure from new leaves.

    With ``none_is_leaf=False`` a ``None`` is an empty subtree, as in JAX: the transformations
    read a None inside an argument so (``{"w": w, "b": None}`` has one leaf, and its gradient
    keeps the ``None``); a None that is the whole argument or output stays a leaf, so it is
    refused by name (a forgotten ``return``, a missing argument).
    """
    if tree is None and not none_is_leaf:
        return [], lambda new: None
    if isinstance(tree, (tuple, list)):
        parts = [flatten(t, none_is_leaf) for t in tree]
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
        leaves, rebuild = flatten([tree[k] for k in keys], none_is_leaf)
        kind = OrderedDict if type(tree) is OrderedDict else dict  # JAX keeps an OrderedDict
        return leaves, lambda new: kind(zip(keys, rebuild(new)))
    return [tree], lambda new: new[0]
