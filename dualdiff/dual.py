"""Forward mode: the dual number ``value + tangent·ε`` with ε² = 0.

A :class:`Dual` carries a value and its tangent (the directional derivative
along the seeded direction). The tangent may carry a leading axis of ``k``
directions, so a whole Jacobian comes out of one pass. Every operation is a
primitive of the table, and :meth:`Dual._apply` is the one forward-mode rule:
evaluate the primitive on the values, then let the entry combine the
arguments' tangents (:meth:`~dualdiff.primitives.Primitive.tangent`). The fast
paths for floats and plain arrays are generated from the same entries
(:mod:`dualdiff.fastpath`) and fall back to :meth:`Dual._apply`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .core import USER_LEVEL, Box, bind, lift, ndim, shape
from .primitives import Kind, broadcast_to
from .primitives.registry import align_batched


class Dual(Box):
    """A dual number: ``value`` (float or ndarray) and ``tangent`` (same shape, or a leading batch axis).

    Built by hand, ``Dual(2.0, 1.0)`` seeds d/dx at x = 2; the transformations
    (:func:`dualdiff.jvp`, :func:`dualdiff.jacfwd`) build their own Duals with
    a fresh tag (``level``) so that nested derivatives never confuse their
    perturbations. ``float(dual)`` raises: it would silently drop the tangent;
    ``f"{dual:.3f}"`` formats the value for display.
    """

    __slots__ = ("value", "tangent", "_level")
    value: Any
    tangent: Any

    def __init__(self, value: Any, tangent: Any = 0.0, *, level: int = USER_LEVEL):
        value = lift(value)
        tangent = lift(tangent)
        vs, ts = shape(value), shape(tangent)
        if ts != vs and ts[1:] != vs:
            if ts != ():
                raise ValueError(f"tangent of shape {ts} does not fit a value of shape {vs} "
                                 "(expected the same shape, or a leading axis of directions)")
            tangent = np.broadcast_to(tangent, vs).copy()
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
        values, tangents = [], []
        first = None
        for a in args:
            if type(a) is Dual and a._level == level:
                values.append(a.value)
                tangents.append(a.tangent)
                if first is None:
                    first = a
            else:
                values.append(a)
                tangents.append(None)
        vals = tuple(values)
        out = bind(prim, vals, params)
        if prim.kind is Kind.ZERO:
            return out  # piecewise constant: the result has no perturbation
        batched = ndim(first.tangent) > ndim(first.value)
        t_out = prim.tangent(tangents, out, vals, params, batched)
        return new_dual(out, _fit(t_out, out, batched), level)


def _fit(t: Any, out: Any, batched: bool) -> Any:
    """Broadcast a tangent to the output's shape (plus the batch axis)."""
    want = shape(out)
    have = shape(t)
    if batched:
        if have[1:] == want:
            return t
        t = align_batched(t, len(have) - 1, len(want))
        return broadcast_to(t, have[:1] + want)
    return t if have == want else broadcast_to(t, want)


def new_dual(value: Any, tangent: Any, level: int) -> Dual:
    """A Dual of the given level without the user-facing checks (for the transformations)."""
    d = object.__new__(Dual)
    d.value = value
    d.tangent = tangent
    d._level = level
    return d
