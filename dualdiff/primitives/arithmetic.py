"""Arithmetic: the operators ``+ - * / ** % //`` and their relatives, as elementwise entries.

Each entry gives one partial derivative per argument (``partial(out, *args)``),
written with dualdiff's own functions so that it is differentiable again.
Rules call ``div(a, b)`` instead of ``a / b`` wherever both operands can be
plain floats: Python's ``/`` raises ``ZeroDivisionError`` where numpy's
semantics (inf/NaN) are the contract. ``pow`` lives with the logarithms in
:mod:`.elementary` because its rule needs ``log``.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from ..core import Box, primal, shape
from .registry import elementwise, zero_derivative

__all__ = ["neg", "add", "sub", "mul", "div", "square", "reciprocal", "remainder", "mod", "fmod",
           "floor_divide", "deg2rad", "radians", "rad2deg", "degrees", "conj", "conjugate",
           "real", "real_if_close", "imag", "angle", "iscomplex", "isreal", "iscomplexobj",
           "isrealobj"]

_R = [(-3.0, 3.0)]

neg = elementwise("neg", np.negative, lambda out, x: -1.0, scalar_impl=operator.neg,
                  doc="d(-x) = -1", domain=_R, numpy=[np.negative])
add = elementwise("add", np.add, lambda out, x, y: 1.0, lambda out, x, y: 1.0,
                  scalar_impl=operator.add, doc="∂/∂x = 1, ∂/∂y = 1", domain=_R * 2,
                  numpy=[np.add])
sub = elementwise("sub", np.subtract, lambda out, x, y: 1.0, lambda out, x, y: -1.0,
                  scalar_impl=operator.sub, doc="∂/∂x = 1, ∂/∂y = -1", domain=_R * 2,
                  numpy=[np.subtract])
mul = elementwise("mul", np.multiply, lambda out, x, y: y, lambda out, x, y: x,
                  scalar_impl=operator.mul, nonfinite=True,
                  doc="∂/∂x = y, ∂/∂y = x; a partial is the other factor, which may be "
                      "±inf (x·log x at 0), so a zero tangent/cotangent is masked",
                  domain=_R * 2,
                  numpy=[np.multiply])
div = elementwise("div", np.true_divide, lambda out, x, y: div(1.0, y),
                  lambda out, x, y: div(-out, y),
                  scalar_impl=operator.truediv, nonfinite=True,
                  doc="∂/∂x = 1/y, ∂/∂y = -x/y²; y = 0 is outside the domain",
                  domain=[(-3.0, 3.0), (0.2, 3.0)], numpy=[np.true_divide])
square = elementwise("square", np.square, lambda out, x: 2.0 * x, scalar_impl=lambda x: x * x,
                     doc="2x", domain=_R, numpy=[np.square])
reciprocal = elementwise("reciprocal", np.reciprocal, lambda out, x: -(out * out),
                         scalar_impl=lambda x: 1.0 / x, nonfinite=True,
                         doc="-1/x²; x = 0 is outside the domain", domain=[(0.2, 3.0)],
                         numpy=[np.reciprocal])


# ---------------------------------------------------------------------------
# Remainders: piecewise linear, with the integer quotient as a constant
# ---------------------------------------------------------------------------

def _neg_quotient(out, x, y):
    """-q, where ``out = x - q·y`` with q the integer quotient numpy used (a constant).

    Recovered from the result itself, ``q = rint((x - out) / y)``, so the
    derivative always belongs to the branch the value came from, also where
    x/y rounds onto an integer: floor(x/y) for ``remainder``, trunc(x/y) for
    ``fmod``. NaN where y = 0 or an argument is not finite.
    """
    px, py, po = primal(x), primal(y), primal(out)
    with np.errstate(all="ignore"):
        q = np.rint(np.divide(np.subtract(px, po), py))
    if isinstance(q, Box):  # traced by dualdiff.jit: negated as recorded, never read
        return -q
    return -float(q) if np.ndim(q) == 0 else -q


remainder = elementwise(
    "remainder", np.remainder, lambda out, x, y: 1.0, _neg_quotient,
    scalar_impl=operator.mod,
    doc="∂/∂x = 1, ∂/∂y = -floor(x/y) (x - y·floor(x/y), the sign of the divisor); where the "
        "result jumps (x/y an integer) the branch with floor(x/y) = x/y, ∂/∂y = -x/y; "
        "y = 0 gives NaN",
    domain=[(3.1, 3.9), (2.0, 3.0)], edges=[(-3.5, 2.0), (3.5, -2.0), (-3.5, -2.0), (0.7, 5.0)],
    numpy=[np.remainder])
mod = remainder
fmod = elementwise(
    "fmod", np.fmod, lambda out, x, y: 1.0, _neg_quotient,
    scalar_impl=math.fmod,
    doc="∂/∂x = 1, ∂/∂y = -trunc(x/y) (x - y·trunc(x/y), the sign of the dividend); where the "
        "result jumps (x/y a nonzero integer) the branch with trunc(x/y) = x/y, ∂/∂y = -x/y; "
        "y = 0 gives NaN",
    domain=[(3.1, 3.9), (2.0, 3.0)], edges=[(-3.5, 2.0), (3.5, -2.0), (-3.5, -2.0), (0.7, 5.0)],
    numpy=[np.fmod])


floor_divide = zero_derivative(
    "floor_divide", np.floor_divide, nargs=2, scalar_impl=operator.floordiv,
    doc="0 everywhere (x // y is piecewise constant: derivative zero); it jumps where x/y is "
        "an integer", domain=[(3.1, 3.9), (2.0, 3.0)], numpy=[np.floor_divide])


# ---------------------------------------------------------------------------
# Angle units: constant scalings
# ---------------------------------------------------------------------------

_RAD_PER_DEG = math.pi / 180.0
_DEG_PER_RAD = 180.0 / math.pi

deg2rad = elementwise("deg2rad", np.deg2rad, lambda out, x: _RAD_PER_DEG,
                      scalar_impl=math.radians, doc="π/180 (numpy.radians is the same entry)",
                      domain=[(-300.0, 300.0)], numpy=[np.deg2rad, np.radians])
radians = deg2rad
rad2deg = elementwise("rad2deg", np.rad2deg, lambda out, x: _DEG_PER_RAD,
                      scalar_impl=math.degrees, doc="180/π (numpy.degrees is the same entry)",
                      domain=_R, numpy=[np.rad2deg, np.degrees])
degrees = rad2deg


# ---------------------------------------------------------------------------
# Complex-number views of real values: dualdiff's values are real
# ---------------------------------------------------------------------------

conj = elementwise("conj", np.conjugate, lambda out, x: 1.0,
                   scalar_impl=lambda x: x,
                   doc="1 (the conjugate of a real number is itself; numpy.conjugate and "
                       "numpy.positive, also the identity on reals, are the same entry)",
                   domain=_R, numpy=[np.conjugate, np.positive])
conjugate = conj


def _plain(value: Any) -> Any:
    """numpy's result on plain values, with 0-d float results as Python floats."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind == "f":
        return float(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def real(val: Any) -> Any:
    """numpy.real: a dualdiff value itself (its values are real), derivative 1."""
    return val if isinstance(val, Box) else _plain(np.real(val))


def real_if_close(a: Any, tol: Any = 100) -> Any:
    """numpy.real_if_close: a dualdiff value itself (real already: ``tol`` decides nothing)."""
    return a if isinstance(a, Box) else _plain(np.real_if_close(a, tol=tol))


def imag(val: Any) -> Any:
    """numpy.imag: plain zeros of the value's shape (the imaginary part of a real is 0)."""
    if not isinstance(val, Box):
        return _plain(np.imag(val))
    s = shape(val)
    return 0.0 if s == () else np.zeros(s)


def angle(z: Any, deg: bool = False) -> Any:
    """numpy.angle: 0 for x ≥ 0 and π for x < 0 (180 with ``deg``), a constant: derivative zero.

    As numpy, -0.0 has angle π (arctan2(0, -0.0)).
    """
    return _plain(np.angle(primal(z), deg=deg))


def iscomplex(x: Any) -> Any:
    """numpy.iscomplex on the value (all False: dualdiff's values are real)."""
    return np.iscomplex(primal(x))


def isreal(x: Any) -> Any:
    """numpy.isreal on the value (all True: dualdiff's values are real)."""
    return np.isreal(primal(x))


def iscomplexobj(x: Any) -> bool:
    """numpy.iscomplexobj on the value (False)."""
    return np.iscomplexobj(primal(x))


def isrealobj(x: Any) -> bool:
    """numpy.isrealobj on the value (True)."""
    return np.isrealobj(primal(x))


NUMPY_FUNCTIONS = {np.real: real, np.imag: imag, np.real_if_close: real_if_close,
                   np.angle: angle, np.iscomplex: iscomplex, np.isreal: isreal,
                   np.iscomplexobj: iscomplexobj, np.isrealobj: isrealobj}
"""numpy functions answered by the functions above (the entries declare their own)."""

METHODS = {"conj": conj, "conjugate": conj,
           "real": property(real), "imag": property(imag)}
"""ndarray-style methods and attributes (the box first)."""
