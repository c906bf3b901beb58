"""Forward mode: the dual number ``value + tangent·ε`` with ε² = 0.

A :class:`Dual` carries a value and its tangent (the directional derivative
along the seeded direction). The tangent may carry a leading axis of ``k``
directions, so a whole Jacobian comes out of one pass. Every operation is a
primitive of the table; :meth:`Dual._apply` is the only forward-mode rule
there is: evaluate the primitive on the values, then add up each argument's
JVP contribution from the table.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import primitives as P
from .core import Box, bind, lift, ndim, shape, unbox_level

USER_LEVEL = 1
"""The level of Duals built by hand with ``Dual(value, tangent)``; ``jvp`` levels are above it."""


class Dual(Box):
    """A dual number: ``value`` (float or ndarray) and ``tangent`` (same shape, or a leading batch axis).

    Built by hand, ``Dual(2.0, 1.0)`` seeds d/dx at x = 2; the transformations
    (:func:`dualdiff.jvp`, :func:`dualdiff.jacfwd`) build their own Duals with
    a fresh tag (``level``) so that nested derivatives never confuse their
    perturbations. ``float(dual)`` raises: it would silently drop the tangent.
    """

    __slots__ = ("value", "tangent", "_level")

    def __init__(self, value: Any, tangent: Any = 0.0, *, level: int = USER_LEVEL):
        value = lift(value)
        tangent = lift(tangent)
        vs, ts = shape(value), shape(tangent)
        if ts != vs and ts[1:] != vs:
            tangent = np.broadcast_to(tangent, vs).copy() if ts == () else _bad_tangent(vs, ts)
        self.value = value
        self.tangent = tangent
        self._level = level

    @property
    def level(self) -> int:
        """The tag of this Dual's perturbation (which ``jvp`` call it belongs to)."""
        return self._level

    @property
    def batched(self) -> bool:
        """True when the tangent carries a leading axis of several directions."""
        return ndim(self.tangent) > ndim(self.value)

    def __repr__(self) -> str:
        return f"Dual(value={self.value!r}, tangent={self.tangent!r})"

    @classmethod
    def _apply(cls, prim, args, params, level):
        values, boxes = unbox_level(args, level)
        vals = tuple(values)
        out = bind(prim, vals, params)
        jvps = prim.jvps
        if jvps is None:
            return out  # piecewise constant: the result has no perturbation
        first = next(b for b in boxes if b is not None)
        batched = ndim(first.tangent) > ndim(first.value)
        if prim.nargs == -1:
            t_out = jvps(tuple(b.tangent if b is not None else None for b in boxes), out, vals,
                         params, batched)
        else:
            t_out = None
            for i, b in enumerate(boxes):
                if b is not None:
                    c = jvps[i](b.tangent, out, vals, params, batched)
                    t_out = c if t_out is None else P.add(t_out, c)
        return _new(out, _fit(t_out, out, batched), level)


def _bad_tangent(vs: tuple, ts: tuple):
    raise ValueError(f"tangent of shape {ts} does not fit a value of shape {vs} "
                     "(expected the same shape, or a leading axis of directions)")


def _fit(t: Any, out: Any, batched: bool) -> Any:
    """Broadcast a tangent to the output's shape (plus the batch axis)."""
    want = shape(out)
    have = shape(t)
    if batched:
        if have[1:] == want:
            return t
        t = P._align_batched(t, len(have) - 1, len(want))
        return P.broadcast_to(t, have[:1] + want)
    return t if have == want else P.broadcast_to(t, want)


def _new(value: Any, tangent: Any, level: int) -> Dual:
    d = object.__new__(Dual)
    d.value = value
    d.tangent = tangent
    d._level = level
    return d


def make_dual(value: Any, tangent: Any, level: int) -> Dual:
    """A Dual of the given level without the user-facing shape checks (for the transformations)."""
    return _new(value, tangent, level)
