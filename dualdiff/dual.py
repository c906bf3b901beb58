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
from .core import USER_LEVEL, Box, bind, lift, ndim, shape, unbox_level


class Dual(Box):
    """A dual number: ``value`` (float or ndarray) and ``tangent`` (same shape, or a leading batch axis).

    Built by hand, ``Dual(2.0, 1.0)`` seeds d/dx at x = 2; the transformations
    (:func:`dualdiff.jvp`, :func:`dualdiff.jacfwd`) build their own Duals with
    a fresh tag (``level``) so that nested derivatives never confuse their
    perturbations. ``float(dual)`` raises: it would silently drop the tangent.
    """

    __slots__ = ("value", "tangent", "_level")
    value: Any
    tangent: Any

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


# ---------------------------------------------------------------------------
# Fast paths (DESIGN §8.1): one small function per elementwise primitive,
# specialised at table-load time for the common cases — a Dual of one level
# whose value and tangent are both floats, or both float64 arrays without a
# batch axis. They compute exactly what ``Dual._apply`` computes; anything
# else (nesting, batching, broadcasting, mixed levels) falls back to it.
#
# For every rule that can be specialised, :mod:`dualdiff.specialize` compiles
# a faster scalar handler on first use and keeps these as its fallback; they
# remain the scalar path only for piecewise rules (relu, maximum, ...).
# ---------------------------------------------------------------------------

_MATH_ERRORS = (ValueError, ZeroDivisionError, OverflowError)


def _masked(p, t, nonfinite):
    """p * t for arrays, where a zero tangent contributes exactly zero through an inf/NaN partial."""
    if type(p) is float and p == 1.0:
        return t
    c = p * t
    if nonfinite and not P.is_finite_everywhere(p):
        c = np.where(t == 0.0, 0.0, c)
    return c


def _fast_unary(prim):
    partial = prim.partials[0]
    impl, scalar, evaluate = prim.impl, prim.scalar_impl, prim.evaluate
    nonfinite = prim.nonfinite
    ndarray = np.ndarray

    def forward(x):
        v = x.value
        t = x.tangent
        tv = type(v)
        if tv is float and type(t) is float:
            try:
                out = scalar(v)
            except _MATH_ERRORS:
                out = evaluate((v,), {})
            return _new(out, partial(out, v) * t if t != 0.0 else 0.0, x._level)
        if tv is ndarray and type(t) is ndarray:
            out = impl(v)
            p = partial(out, v)
            if type(p) is ndarray or type(p) is float:
                return _new(out, _masked(p, t, nonfinite), x._level)
        return bind(prim, (x,), {})
    return forward


def _fast_binary(prim):
    p0, p1 = prim.partials
    impl, scalar, evaluate = prim.impl, prim.scalar_impl, prim.evaluate
    nonfinite = prim.nonfinite
    ndarray = np.ndarray

    def scalar_out(a, b):
        try:
            return scalar(a, b)
        except _MATH_ERRORS:
            return evaluate((a, b), {})

    def forward(x, y):
        tx = type(x)
        ty = type(y)
        if tx is Dual:
            a, ta = x.value, x.tangent
            if ty is Dual:
                if x._level == y._level:
                    b, tb = y.value, y.tangent
                    if type(a) is float and type(b) is float and type(ta) is float and type(tb) is float:
                        out = scalar_out(a, b)
                        t = p0(out, a, b) * ta if ta != 0.0 else 0.0
                        if tb != 0.0:
                            t = t + p1(out, a, b) * tb
                        return _new(out, t, x._level)
                    if (type(a) is ndarray and type(b) is ndarray and type(ta) is ndarray
                            and type(tb) is ndarray and a.shape == b.shape
                            and ta.shape == a.shape and tb.shape == b.shape):
                        out = impl(a, b)
                        return _new(out, _masked(p0(out, a, b), ta, nonfinite)
                                    + _masked(p1(out, a, b), tb, nonfinite), x._level)
            elif ty is float:
                if type(a) is float and type(ta) is float:
                    out = scalar_out(a, y)
                    return _new(out, p0(out, a, y) * ta if ta != 0.0 else 0.0, x._level)
                if type(a) is ndarray and type(ta) is ndarray and ta.ndim == a.ndim:
                    out = impl(a, y)
                    return _new(out, _masked(p0(out, a, y), ta, nonfinite), x._level)
            elif (ty is ndarray and type(a) is ndarray and type(ta) is ndarray
                  and ta.shape == a.shape == y.shape):
                out = impl(a, y)
                return _new(out, _masked(p0(out, a, y), ta, nonfinite), x._level)
        elif ty is Dual:
            b, tb = y.value, y.tangent
            if tx is float:
                if type(b) is float and type(tb) is float:
                    out = scalar_out(x, b)
                    return _new(out, p1(out, x, b) * tb if tb != 0.0 else 0.0, y._level)
                if type(b) is ndarray and type(tb) is ndarray and tb.ndim == b.ndim:
                    out = impl(x, b)
                    return _new(out, _masked(p1(out, x, b), tb, nonfinite), y._level)
            elif (tx is ndarray and type(b) is ndarray and type(tb) is ndarray
                  and tb.shape == b.shape == x.shape):
                out = impl(x, b)
                return _new(out, _masked(p1(out, x, b), tb, nonfinite), y._level)
        return bind(prim, (x, y), {})
    return forward


def _specialise_on_first_use(prim, general):
    """A handler that, on its first call, compiles the float-specialised one and steps aside.

    :func:`dualdiff.specialize.dual_forward` inlines the rule's float form
    (about 25% off a scalar op). Doing it lazily keeps ``import dualdiff``
    cheap; afterwards ``prim.fast`` and the Dual operators point straight at
    the compiled handler (reflected operators keep one extra lookup).
    """
    def first_use(*args):
        handler = prim.fast[Dual]
        if handler is first_use:
            from . import specialize
            handler = specialize.dual_forward(prim, general) or general
            prim.fast[Dual] = handler
            for name, value in list(vars(Dual).items()):
                if value is first_use:
                    setattr(Dual, name, handler)
        return handler(*args)
    return first_use


def _install_fast_path(prim) -> None:
    if prim.kind != "elementwise" or prim.partials is None or prim.scalar_impl is None:
        return
    if prim.nargs == 1:
        prim.fast[Dual] = _specialise_on_first_use(prim, _fast_unary(prim))
    elif prim.nargs == 2:
        prim.fast[Dual] = _specialise_on_first_use(prim, _fast_binary(prim))


for _prim in P.REGISTRY.values():
    _install_fast_path(_prim)
P.REGISTRATION_HOOKS.append(_install_fast_path)
