"""Random expressions over the table's elementwise primitives, shared by the property tests.

A tree is ``("x", i)`` (variable i), ``("c", value)`` (a constant) or
``(primitive name, child, ...)``. Every argument of a primitive is squashed
into that primitive's declared domain, ``lo + (hi - lo) * (1/2 + arctan(child)/π)``,
so every random point is a legal one. :func:`evaluate_dd` runs a tree with
dualdiff's functions, so one tree serves forward mode, reverse mode, mpmath
(:mod:`test_properties`) and compiled code (:mod:`test_jit_properties`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

import dualdiff as dd

from mp_reference import MPMATH

ELEMENTWISE = {name: p for name, p in dd.REGISTRY.items() if p.kind == "elementwise"}


NAMES = sorted(ELEMENTWISE)
MIRRORED = [name for name in NAMES if name in MPMATH]
# Unary and binary primitives are drawn equally often, so trees branch and mix variables.
BY_ARITY = [[n for n in MIRRORED if ELEMENTWISE[n].nargs == k] for k in (1, 2)]
MAX_DEPTH = 6
VAR_NAMES = ("x0", "x1", "x2", "x3")


# ---------------------------------------------------------------------------
# Random trees: ("x", i) | ("c", value) | (primitive name, child, ...)
# ---------------------------------------------------------------------------

def _leaves(n_vars: int) -> st.SearchStrategy:
    variable = st.integers(0, n_vars - 1).map(lambda i: ("x", i))
    constant = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False).map(lambda c: ("c", c))
    return st.one_of(variable, variable, variable, constant)


def _node(name: str, child: st.SearchStrategy) -> st.SearchStrategy:
    return st.tuples(st.just(name), *[child] * ELEMENTWISE[name].nargs)


@st.composite
def trees(draw, n_vars: int, depth: int) -> tuple:
    """A tree exactly ``depth`` calls deep (one child carries the depth, the others are shallower).

    Drawing the depth first, instead of letting recursion decide, keeps deep
    trees as common as shallow ones; shrinking still reduces the depth.
    """
    if depth == 0:
        return draw(_leaves(n_vars))
    name = draw(st.sampled_from(draw(st.sampled_from(BY_ARITY))))
    nargs = ELEMENTWISE[name].nargs
    deep = draw(st.integers(0, nargs - 1))
    children = []
    for k in range(nargs):
        child_depth = depth - 1 if k == deep else draw(st.integers(0, depth - 1))
        children.append(draw(trees(n_vars, child_depth)))
    return (name, *children)


@st.composite
def problems(draw, max_vars: int = 4) -> tuple[tuple, tuple[float, ...]]:
    """A tree over 1..max_vars variables and a point to evaluate it at."""
    n = draw(st.integers(1, max_vars))
    tree = draw(trees(n, draw(st.integers(1, MAX_DEPTH))))
    point = tuple(draw(st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False))
                  for _ in range(n))
    return tree, point


def _domain(name: str) -> list[tuple[float, float]]:
    return list(ELEMENTWISE[name].domain)


# The squash into (lo, hi) is lo + (hi - lo) * (0.5 + arctan(z) / pi). arctan rather than
# sigmoid: its derivative decays only like 1/z², so deep trees keep sizeable derivatives,
# and the scaffolding itself never depends on sigmoid's accuracy far out in its tails.
INV_PI = 1.0 / math.pi


def evaluate_dd(tree: tuple, xs: tuple) -> Any:
    """The tree with dualdiff's functions (works on floats, Duals and tape values)."""
    kind = tree[0]
    if kind == "x":
        return xs[tree[1]]
    if kind == "c":
        return tree[1]
    args = []
    for child, (lo, hi) in zip(tree[1:], _domain(kind)):
        unit = dd.add(0.5, dd.mul(dd.arctan(evaluate_dd(child, xs)), INV_PI))
        args.append(dd.add(lo, dd.mul(hi - lo, unit)))
    return ELEMENTWISE[kind].fn(*args)


def scalar_function(tree: tuple) -> Callable[..., Any]:
    return lambda *xs: evaluate_dd(tree, xs)


def vector_function(tree: tuple, n: int) -> Callable[[Any], Any]:
    return lambda v: evaluate_dd(tree, tuple(v[i] for i in range(n)))
