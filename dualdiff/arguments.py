"""What the transformations share: checking what goes in and what comes out.

Every transformation (:mod:`.forward`, :mod:`.reverse`) converts its
arguments with :func:`lift_argument`, picks the differentiated ones with
:func:`argnum_tuple`, flattens pytrees (tuples, lists and dicts of arrays), and
checks the function's output with :func:`check_output`: a ``None`` (a
forgotten ``return``), a string or a complex number is refused with a
``TypeError`` naming it, never turned into a zero derivative. Auxiliary outputs
(``has_aux=True``) come back as plain values of the same structure
(:func:`plain_aux`).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from .core import Box, check_live, lift
from .tree import flatten

ArgNums = int | Sequence[int]


def lift_argument(x: Any, what: str) -> Any:
    """A transformation's argument as a float or float64 array; complex and non-numbers refused."""
    try:
        return lift(x)
    except TypeError as exc:
        raise TypeError(f"{what}: {exc}") from None


def argnum_tuple(argnums: ArgNums, nargs: int) -> tuple[int, ...]:
    """``argnums`` (an int or a sequence) as non-negative positions, checked against the call."""
    nums = (argnums,) if isinstance(argnums, (int, np.integer)) else tuple(argnums)
    for n in nums:
        if not -nargs <= n < nargs:
            raise ValueError(f"argnums {n} is out of range for a call with {nargs} arguments")
    return tuple(int(n) % nargs for n in nums)


def _describe(leaf: Any) -> str:
    if leaf is None:
        return "None (a function without `return` returns None)"
    return f"{type(leaf).__name__} {leaf!r:.40}"


def check_output(out: Any, transform: str) -> None:
    """Refuse outputs that are not numbers or arrays (or tuples/lists/dicts of them).

    JAX raises a ``TypeError`` naming what was returned; a zero derivative for
    ``None`` or a string would be a silent wrong answer.
    """
    if out is None:
        raise TypeError(f"{transform}: the function returned {_describe(out)}; it must return "
                        "a number or an array, or a tuple, list or dict of them")
    # inside a container a None is an empty subtree, as in JAX (a gradient of {"b": None} is
    # {"b": None}, so jacfwd(grad(f)) sees one), not a value
    leaves, _ = flatten(out, none_is_leaf=False)
    if not leaves:
        raise TypeError(f"{transform}: the function returned {out!r}, which holds no value to "
                        "differentiate")
    for leaf in leaves:
        if type(leaf) is float:
            continue
        if isinstance(leaf, Box):
            check_live(leaf, transform)
            continue
        if isinstance(leaf, (complex, np.complexfloating)) or (
                isinstance(leaf, np.ndarray) and leaf.dtype.kind == "c"):
            raise TypeError(f"{transform}: the function returned the complex value {leaf!r:.40}; "
                            "dualdiff differentiates real functions (for the complex-step "
                            "technique use dualdiff.finite_diff)")
        if isinstance(leaf, np.ndarray) and leaf.dtype.kind in "biuf":
            continue
        if isinstance(leaf, (int, float, np.integer, np.floating, np.bool_)):
            continue
        raise TypeError(f"{transform}: the function returned {_describe(leaf)}; it must return "
                        "a number or an array, or a tuple, list or dict of them")


def strip_level(tree: Any, is_own: Callable[[Any], bool]) -> Any:
    """``tree`` with every box for which ``is_own`` holds replaced by its value.

    Boxes of outer transformations stay (an enclosing ``jvp`` still sees its
    perturbation in the auxiliary output), as in JAX.
    """
    leaves, rebuild = flatten(tree)
    out = []
    for leaf in leaves:
        while isinstance(leaf, Box) and is_own(leaf):
            leaf = leaf.value
        check_live(leaf, "has_aux")
        out.append(leaf)
    return rebuild(out)


def split_aux(out: Any, transform: str) -> tuple[Any, Any]:
    """``(output, aux)`` of a function called with ``has_aux=True``."""
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise TypeError(f"{transform} with has_aux=True: the function must return a pair "
                        f"(output, auxiliary data), got {_describe(out)}")
    return out[0], out[1]


def input_leaves(args: tuple, nums: tuple[int, ...]) -> tuple[list[tuple[list, Callable]], list]:
    """Per differentiated argument its lifted leaves and structure, and all leaves in flat order."""
    trees = []
    for i in nums:
        leaves, rebuild = flatten(args[i], none_is_leaf=args[i] is None)
        trees.append(([lift_argument(x, f"argument {i}") for x in leaves], rebuild))
    return trees, [x for leaves, _ in trees for x in leaves]


def with_leaves(args: tuple, nums: tuple[int, ...], trees: list, new_leaves: list) -> list:
    """``args`` with the differentiated arguments rebuilt from ``new_leaves`` (in flat order)."""
    call = list(args)
    pos = 0
    for i, (leaves, rebuild) in zip(nums, trees):
        call[i] = rebuild(new_leaves[pos:pos + len(leaves)])
        pos += len(leaves)
    return call


def assemble(jac: Callable[[int, int], Any], out_leaves: list, out_rebuild: Callable,
             trees: list, single: bool) -> Any:
    """JAX's layout: the output structure, each leaf holding (per argument) the input structure.

    With a tuple ``argnums`` every output leaf becomes a tuple over the arguments, so a
    Hessian block ``H[i][j]`` is ``∂²f/∂x_i∂x_j`` with shape ``x_i.shape + x_j.shape``, as
    in JAX; putting the arguments outermost would silently transpose the off-diagonal blocks.
    """
    groups, flat_index = [], 0
    for leaves, rebuild in trees:
        groups.append((range(flat_index, flat_index + len(leaves)), rebuild))
        flat_index += len(leaves)

    def per_output(o: int) -> Any:
        per_arg = [rebuild([jac(o, k) for k in ks]) for ks, rebuild in groups]
        return per_arg[0] if single else tuple(per_arg)
    return out_rebuild([per_output(o) for o in range(len(out_leaves))])


def zeros(shape: tuple, batch: int | None = None) -> Any:
    """A zero tangent or cotangent: a float for a scalar, else an array (with a batch axis)."""
    if batch is not None:
        return np.zeros((batch,) + shape)
    return 0.0 if shape == () else np.zeros(shape)
