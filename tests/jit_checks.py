"""Comparisons for the jit tests (compiled results against the uncompiled path), and the
quiz function several of them compile.

The generated code calls the functions the uncompiled path calls (``math`` on
floats, numpy on arrays), but it follows the table's generic rules where the
uncompiled path may take a fused fast path, so results agree to the last bit
or within a few units in the last place; NaN where NaN, inf where inf.
"""

from __future__ import annotations

import contextlib
import warnings
from typing import Any, Iterator

import numpy as np

import dualdiff as dd
from dualdiff.tree import flatten


def assert_same(got: Any, want: Any, ulps: float = 4, floor: float = 0.0) -> None:
    """Same structure, shapes, NaN/inf pattern, and values within ``ulps`` units in the last
    place (or within ``floor`` absolutely, for sums that cancel)."""
    got_leaves, _ = flatten(got)
    want_leaves, _ = flatten(want)
    assert len(got_leaves) == len(want_leaves), (got, want)
    for g, w in zip(got_leaves, want_leaves):
        assert np.shape(g) == np.shape(w), (np.shape(g), np.shape(w))
        g = np.asarray(g, dtype=float)
        w = np.asarray(w, dtype=float)
        assert np.array_equal(np.isnan(g), np.isnan(w)), (g, w)
        finite = np.isfinite(g) & np.isfinite(w)
        assert np.array_equal(g[~finite & ~np.isnan(g)], w[~finite & ~np.isnan(w)]), (g, w)
        a, b = g[finite], w[finite]
        tolerance = np.maximum(ulps * np.spacing(np.maximum(np.abs(a), np.abs(b))), floor)
        assert np.all(np.abs(a - b) <= tolerance), (g, w, np.abs(a - b).max())


@contextlib.contextmanager
def compiled_only() -> Iterator[None]:
    """Fail on jit's "running uncompiled" warning: the calls inside must all compile."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"dualdiff\.jit", category=RuntimeWarning)
        yield


def fallbacks(caught: list) -> list[str]:
    """The "running uncompiled" warnings among recorded ones."""
    return [str(w.message) for w in caught
            if issubclass(w.category, RuntimeWarning) and "running uncompiled" in str(w.message)]


def quiz(x, z):
    """Quiz #1: exp(x·z) + x·z/log(x) + sin(log(x))/(x·z)."""
    return dd.exp(x * z) + x * z / dd.log(x) + dd.sin(dd.log(x)) / (x * z)


POINTS = [(1.5, 0.7), (2.0, -0.3), (0.5, 1.25), (1.5, 0.7)]
"""Points of the quiz, the first again at the end (a compiled call where it was traced)."""
