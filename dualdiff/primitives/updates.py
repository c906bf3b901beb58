"""Functional index updates, in JAX's style: ``dd.at(x)[idx].set(v)``, ``x.at[idx].add(v)``.

A write into an array (``x[i] = v``) cannot carry a derivative: the array
would have to change under the boxes that already read it. Instead, an
update returns a new value and leaves ``x`` alone; it is built from the
structural entries (``scatter_add`` places the new values, ``where`` with the
constant mask of the written positions keeps the rest), so it differentiates
in ``x`` and in ``v`` in every mode. ``dd.at`` works on plain arrays too, which
is the idiom for a right-hand side assembled from pieces::

    dy = dd.at(np.zeros(3))[0].set(y[1])
    dy = dd.at(dy)[1:].set(-y[:2])

Repeated indices (integer arrays naming a position twice): ``set`` keeps the
last write, as ``x[idx] = v`` does in numpy; ``add``, ``multiply``, ``divide``, ``power``,
``min`` and ``max`` apply every write, as ``np.add.at`` and friends (and JAX) do (unlike
``x[idx] += v``, which applies one; ``add`` sums the writes to a position before adding them,
so its last bit may differ from ``np.add.at``'s running sum). ``min``/``max`` split the
derivative at a tie between the old and the new value 0.5/0.5, as ``dd.minimum``/``dd.maximum``.

The in-place ndarray methods (``sort``, ``fill``, ``put``, ...) and item
assignment are refused on boxes, each naming the out-of-place alternative.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import shape
from .piecewise import maximum, minimum
from .shaping import as_value
from .structural import (_as_index, _is_basic_index, broadcast_to, getitem, reshape, scatter_add,
                         where)

__all__ = ["at"]


class IndexUpdate:
    """``at(x)[index]``: the updates of ``x`` at ``index``, each returning a new value."""

    __slots__ = ("x", "index")

    def __init__(self, x: Any, index: Any):
        self.x = x
        self.index = index

    def __repr__(self) -> str:
        return f"<update of a value of shape {shape(self.x)} at {self.index!r}>"

    def get(self) -> Any:
        """``x[index]``."""
        return getitem(self.x, self.index)

    def set(self, values: Any) -> Any:
        """``x`` with ``x[index]`` replaced by ``values`` (the last write wins on repeats)."""
        return _update(self.x, self.index, values, "set")

    def add(self, values: Any) -> Any:
        """``x`` with ``values`` added at ``index`` (repeated indices accumulate)."""
        return _update(self.x, self.index, values, "add")

    def multiply(self, values: Any) -> Any:
        """``x`` with ``x[index]`` multiplied by ``values`` (every repeated write applies)."""
        return _update(self.x, self.index, values, "multiply")

    def divide(self, values: Any) -> Any:
        """``x`` with ``x[index]`` divided by ``values`` (every repeated write applies, as in
        ``np.divide.at`` and JAX's ``x.at[idx].divide``)."""
        return _update(self.x, self.index, values, "divide")

    def power(self, values: Any) -> Any:
        """``x`` with ``x[index]`` raised to ``values`` (every repeated write applies, as in
        ``np.power.at`` and JAX's ``x.at[idx].power``)."""
        return _update(self.x, self.index, values, "power")

    def min(self, values: Any) -> Any:  # noqa: A003  (JAX's name)
        """``x`` with ``x[index]`` replaced by ``minimum(x[index], values)``, write by write."""
        return _update(self.x, self.index, values, "min")

    def max(self, values: Any) -> Any:  # noqa: A003
        """``x`` with ``x[index]`` replaced by ``maximum(x[index], values)``, write by write."""
        return _update(self.x, self.index, values, "max")


class At:
    """``at(x)``: index it (``at(x)[1:, 0]``) to choose where to update."""

    __slots__ = ("x",)

    def __init__(self, x: Any):
        self.x = x

    def __getitem__(self, index: Any) -> IndexUpdate:
        return IndexUpdate(self.x, index)

    def __repr__(self) -> str:
        return f"<functional updates of a value of shape {shape(self.x)}>"


def at(x: Any) -> At:
    """Functional updates of ``x`` (a box or a plain array): ``at(x)[idx].set(v)`` returns a
    new value; ``.add``, ``.multiply``, ``.divide``, ``.power``, ``.min``, ``.max`` and ``.get``
    likewise."""
    return At(as_value(x))


def _fit(v: Any, target: tuple) -> Any:
    """``v`` broadcast to the indexed shape, as numpy's assignment broadcasts it (leading
    unit axes beyond the target's dimensions are dropped)."""
    s = shape(v)
    if s == target:
        return v
    extra = len(s) - len(target)
    if extra > 0:
        if any(n != 1 for n in s[:extra]):
            raise ValueError(f"could not broadcast input array from shape {s} into shape "
                             f"{target}")
        v = reshape(v, s[extra:])
    return broadcast_to(v, target)


def _ranks(flat: np.ndarray) -> np.ndarray:
    """For each write, how many earlier writes went to the same position."""
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    starts = np.r_[True, ordered[1:] != ordered[:-1]] if flat.size else np.zeros(0, bool)
    first = np.maximum.accumulate(np.where(starts, np.arange(flat.size), 0))
    ranks = np.empty(flat.size, dtype=np.int64)
    ranks[order] = np.arange(flat.size) - first
    return ranks


def _update(x: Any, index: Any, values: Any, op: str) -> Any:
    s = shape(x)
    index = _as_index(index)
    target = np.broadcast_to(np.False_, s)[index].shape
    v = _fit(as_value(values), target)
    if op == "add":
        return x + scatter_add(v, index, s)
    repeated = False
    if not _is_basic_index(index):
        flat = np.arange(int(np.prod(s, dtype=np.int64))).reshape(s)[index].ravel()
        repeated = np.unique(flat).size != flat.size
    if not repeated:
        return _unique_update(x, index, v, op, s)
    if op == "set":
        last = flat.size - 1 - np.unique(flat[::-1], return_index=True)[1]
        keep = np.zeros(flat.size, dtype=bool)
        keep[last] = True
        # The earlier writes contribute zeros to the accumulating scatter.
        return _unique_update(x, index, where(keep.reshape(target), v, 0.0), "set", s)
    # Every write applies: in rounds, the r-th write to each position in round r (no position
    # twice in a round), on the flattened value.
    ranks = _ranks(flat)
    xf, vf = reshape(x, (-1,)), reshape(v, (-1,))
    for r in range(int(ranks.max()) + 1):
        writes = np.nonzero(ranks == r)[0]
        xf = _unique_update(xf, (flat[writes],), getitem(vf, writes), op, shape(xf))
    return reshape(xf, s)


def _unique_update(x: Any, index: tuple, v: Any, op: str, s: tuple) -> Any:
    """The update where no position is written twice."""
    mask = np.zeros(s, dtype=bool)
    mask[index] = True
    if op == "set":
        return where(mask, scatter_add(v, index, s), x)
    if op == "multiply":
        return x * where(mask, scatter_add(v, index, s), 1.0)
    if op == "divide":  # x / 1 and x ** 1 are exact where nothing is written
        return x / where(mask, scatter_add(v, index, s), 1.0)
    if op == "power":
        return x ** where(mask, scatter_add(v, index, s), 1.0)
    pick = minimum if op == "min" else maximum
    return where(mask, scatter_add(pick(getitem(x, index), v), index, s), x)


# ---------------------------------------------------------------------------
# In-place ndarray methods: refused on boxes, naming the alternative
# ---------------------------------------------------------------------------

def _in_place(name: str, fix: str) -> Any:
    def refuse(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"{name} changes the array in place, which cannot carry a derivative "
                        f"(dualdiff values are never modified): {fix}")
    return refuse


METHODS = {
    "at": property(at),
    "__setitem__": _in_place("x[index] = value", "write y = dd.at(x)[index].set(value) "
                                                 "(or x.at[index].set(value)) and use y"),
    "sort": _in_place("ndarray.sort()", "use y = np.sort(x, axis=...) (or dd.sort)"),
    "partition": _in_place("ndarray.partition()", "use y = np.partition(x, kth)"),
    "fill": _in_place("ndarray.fill()", "use y = dd.at(x)[...].set(value)"),
    "put": _in_place("ndarray.put()", "use y = dd.at(x)[np.unravel_index(ind, x.shape)]"
                                      ".set(v)"),
    "itemset": _in_place("ndarray.itemset()", "use y = dd.at(x)[index].set(value)"),
    "resize": _in_place("ndarray.resize()", "use y = np.reshape(x, shape), or "
                                            "np.take(x, np.arange(n), mode='wrap') to repeat "
                                            "the entries cyclically"),
}
"""ndarray-style methods (the box first): the ``at`` property and the refused in-place ones."""
