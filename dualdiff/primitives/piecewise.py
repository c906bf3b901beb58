"""Piecewise functions: sign, abs, relu, leaky_relu, maximum, minimum, fmax, fmin,
heaviside, the roundings (floor, ceil, trunc, rint, fix, round) and nan_to_num.

Their derivatives choose a branch from the value, with the conventions at the
kinks stated in each entry's ``doc`` (and listed in ``docs/architecture.md``):
abs'(0) = relu'(0) = 0, and a tie in ``maximum``/``minimum`` (and ``fmax``/
``fmin``) splits the derivative 0.5/0.5 (as JAX). ``sign`` and the roundings are
piecewise constant: their derivative is zero (refusing them is not what users
expect) and their result is a constant at every level.
"""

from __future__ import annotations

import builtins
import math
import operator
from typing import Any

import numpy as np

from ..core import Box, primal
from .arithmetic import div, square
from .keywords import no_out
from .registry import elementwise, zero_derivative
from .structural import where

__all__ = ["sign", "abs", "relu", "softsign", "leaky_relu", "maximum", "minimum", "fmax", "fmin",
           "heaviside", "floor", "ceil", "trunc", "rint", "fix", "round", "around", "nan_to_num"]


def _sign_scalar(x: float) -> float:
    return 1.0 if x > 0.0 else -1.0 if x < 0.0 else x  # keeps 0.0 and NaN, as numpy


def _relu_scalar(x: float) -> float:
    return x if x > 0.0 or x != x else 0.0


def _maximum_scalar(x: float, y: float) -> float:
    return x if x >= y or x != x else y


def _minimum_scalar(x: float, y: float) -> float:
    return x if x <= y or x != x else y


def _leaky_relu_impl(x, slope):
    return np.where(x > 0, x, slope * x)


def _leaky_relu_scalar(x: float, slope: float) -> float:
    return x if x > 0.0 else slope * x


def _step(x) -> Any:
    """1 where x > 0 else 0, as a constant (the derivative of relu, relu'(0) = 0)."""
    px = primal(x)
    if type(px) is float:
        return 1.0 if px > 0.0 else 0.0
    return (px > 0).astype(np.float64)


def _tie_share(x, y):
    """∂max(x, y)/∂x: 1 where x wins, 0.5 at a tie (as JAX), 0 where y wins."""
    px, py = primal(x), primal(y)
    if type(px) is float and type(py) is float:
        return 1.0 if px > py else 0.5 if px == py else 0.0
    return np.where(px > py, 1.0, np.where(px == py, 0.5, 0.0))


sign = zero_derivative("sign", np.sign, scalar_impl=_sign_scalar,
                       doc="0 everywhere (sign is piecewise constant)", domain=[(0.1, 3.0)],
                       numpy=[np.sign])
abs = elementwise(  # noqa: A001  (numpy's name; the builtin is not used in this module)
    "abs", np.absolute, lambda out, x: sign(x), scalar_impl=math.fabs, flat=True,
    doc="sign(x); abs'(0) = 0", domain=[(0.1, 3.0)], edges=[(-2.0,), (-0.1,)],
    numpy=[np.absolute, np.fabs])
relu = elementwise("relu", lambda x: np.maximum(x, 0.0), lambda out, x: _step(x), flat=True,
                   scalar_impl=_relu_scalar, doc="1 for x > 0, else 0; relu'(0) = 0",
                   domain=[(0.1, 3.0)], edges=[(-2.0,), (-0.1,)])
softsign = elementwise(
    "softsign", lambda x: x / (1.0 + np.abs(x)), lambda out, x: div(1.0, square(1.0 + abs(x))),
    scalar_impl=lambda x: x / (1.0 + math.fabs(x)),
    doc="1/(1+|x|)² (not (1-|out|)², which cancels for large |x|); smooth at 0, where it is 1",
    domain=[(-4.0, 4.0)], edges=[(0.0,), (-50.0,), (1e6,)])
_leaky_relu = elementwise(
    "leaky_relu", _leaky_relu_impl,
    lambda out, x, slope: where(primal(x) > 0.0, 1.0, slope),
    lambda out, x, slope: where(primal(x) > 0.0, 0.0, x),
    scalar_impl=_leaky_relu_scalar,
    doc="leaky_relu(x, slope): ∂/∂x = 1 for x > 0 else slope (slope at 0), ∂/∂slope = min(x, 0)",
    domain=[(0.1, 3.0), (0.01, 0.3)], edges=[(-2.0, 0.1), (-0.5, 0.2)])


def leaky_relu(x: Any, negative_slope: Any = 0.01) -> Any:
    """x for x > 0, else negative_slope·x (the slope is differentiable too)."""
    return _leaky_relu(x, negative_slope)


leaky_relu.primitive = _leaky_relu.primitive  # type: ignore[attr-defined]  (its public face)


maximum = elementwise(
    "maximum", np.maximum,
    lambda out, x, y: _tie_share(x, y), lambda out, x, y: _tie_share(y, x),
    scalar_impl=_maximum_scalar, flat=True,
    doc="1 for the larger argument, 0 for the other; a tie splits it 0.5/0.5 (as JAX)",
    domain=[(0.5, 2.0), (-2.0, 0.0)], edges=[(-1.0, 2.0)], numpy=[np.maximum])
minimum = elementwise(
    "minimum", np.minimum,
    lambda out, x, y: _tie_share(y, x), lambda out, x, y: _tie_share(x, y),
    scalar_impl=_minimum_scalar, flat=True,
    doc="1 for the smaller argument, 0 for the other; a tie splits it 0.5/0.5 (as JAX)",
    domain=[(-2.0, 0.0), (0.5, 2.0)], edges=[(2.0, -1.0)], numpy=[np.minimum])


# ---------------------------------------------------------------------------
# NaN-ignoring maximum and minimum
# ---------------------------------------------------------------------------

def _fmax_scalar(x: float, y: float) -> float:
    return x if x >= y or y != y else y


def _fmin_scalar(x: float, y: float) -> float:
    return x if x <= y or y != y else y


def _nan_share(x, y, x_wins):
    """∂fmax/∂x (``x_wins`` = x > y) or ∂fmin/∂x (x < y), as a constant.

    1 where x is chosen (it wins, or y is NaN), 0.5 at a tie, 0 where y is
    chosen or x is NaN (a NaN result, when both are NaN, has derivative 0).
    """
    px, py = primal(x), primal(y)
    if type(px) is float and type(py) is float:
        if px != px:
            return 0.0
        if py != py or x_wins(px, py):
            return 1.0
        return 0.5 if px == py else 0.0
    return np.where(np.isnan(px), 0.0, np.where(np.isnan(py) | x_wins(px, py), 1.0,
                                                np.where(px == py, 0.5, 0.0)))


def _greater(a, b):
    return a > b


def _less(a, b):
    return a < b


fmax = elementwise(
    "fmax", np.fmax,
    lambda out, x, y: _nan_share(x, y, _greater), lambda out, x, y: _nan_share(y, x, _greater),
    scalar_impl=_fmax_scalar, flat=True,
    doc="1 for the larger argument, 0 for the other, ignoring NaN; a tie splits it 0.5/0.5, "
        "a NaN argument gets 0 and the other 1",
    domain=[(0.5, 2.0), (-2.0, 0.0)], edges=[(-1.0, 2.0)], numpy=[np.fmax])
fmin = elementwise(
    "fmin", np.fmin,
    lambda out, x, y: _nan_share(x, y, _less), lambda out, x, y: _nan_share(y, x, _less),
    scalar_impl=_fmin_scalar, flat=True,
    doc="1 for the smaller argument, 0 for the other, ignoring NaN; a tie splits it 0.5/0.5, "
        "a NaN argument gets 0 and the other 1",
    domain=[(-2.0, 0.0), (0.5, 2.0)], edges=[(2.0, -1.0)], numpy=[np.fmin])


# ---------------------------------------------------------------------------
# heaviside: a step in x1, the value at the step in x2
# ---------------------------------------------------------------------------

def _heaviside_scalar(x1: float, x2: float) -> float:
    if x1 < 0.0:
        return 0.0
    if x1 > 0.0:
        return 1.0
    return x2 if x1 == 0.0 else x1


def _at_step(x1):
    """∂heaviside/∂x2: 1 where x1 == 0 (the result is x2 there), else 0 (a constant)."""
    p = primal(x1)
    if type(p) is float:
        return 1.0 if p == 0.0 else 0.0
    return (p == 0.0).astype(np.float64)


heaviside = elementwise(
    "heaviside", np.heaviside, lambda out, x1, x2: 0.0, lambda out, x1, x2: _at_step(x1),
    scalar_impl=_heaviside_scalar,
    doc="∂/∂x1 = 0 (a step: derivative zero), ∂/∂x2 = 1 where x1 = 0 (the result is x2 "
        "there), else 0; at x1 = 0, where it jumps, ∂/∂x1 is 0 too",
    domain=[(0.1, 2.0), (-1.0, 1.0)], edges=[(-1.0, 0.5)], numpy=[np.heaviside])


# ---------------------------------------------------------------------------
# Rounding: piecewise constant, derivative zero
# ---------------------------------------------------------------------------

def _integral(rounding):
    """A float version of ``math.floor``-like ``rounding`` that keeps numpy's signed zeros.

    ``math.floor`` returns an int: -0.0 and ceil(-0.5) would lose their sign;
    inf and NaN raise, and the caller falls back to numpy.
    """
    def scalar(x: float) -> float:
        r = float(rounding(x))
        return r if r != 0.0 else math.copysign(0.0, x)
    scalar.__name__ = rounding.__name__
    return scalar


_ZERO_DOC = "0 everywhere ({} is piecewise constant: derivative zero); it jumps at {}"

floor = zero_derivative("floor", np.floor, scalar_impl=_integral(math.floor),
                        doc=_ZERO_DOC.format("floor", "the integers"), domain=[(0.1, 0.9)],
                        numpy=[np.floor])
ceil = zero_derivative("ceil", np.ceil, scalar_impl=_integral(math.ceil),
                       doc=_ZERO_DOC.format("ceil", "the integers"), domain=[(0.1, 0.9)],
                       numpy=[np.ceil])
trunc = zero_derivative("trunc", np.trunc, scalar_impl=_integral(math.trunc),
                        doc=_ZERO_DOC.format("trunc", "the nonzero integers"),
                        domain=[(0.1, 0.9)], numpy=[np.trunc])
rint = zero_derivative("rint", np.rint, scalar_impl=_integral(builtins.round),
                       doc=_ZERO_DOC.format("rint (round half to even)", "the half-integers"),
                       domain=[(0.1, 0.4)], numpy=[np.rint])


def _plain(value: Any) -> Any:
    return float(value) if np.ndim(value) == 0 else value


def fix(x: Any, out: Any = None) -> Any:
    """numpy.fix: rounding towards zero, which for floats is ``trunc`` (derivative zero)."""
    no_out("numpy.fix", out)
    return trunc(x)


def round(a: Any, decimals: int = 0, out: Any = None) -> Any:  # noqa: A001  (numpy's name)
    """numpy.round/around to ``decimals`` places: piecewise constant, derivative zero.

    ``decimals=0`` is the ``rint`` entry (half to even); other values round the
    value as numpy does (a constant at every level).
    """
    no_out("numpy.round", out)
    decimals = operator.index(decimals)
    if decimals == 0:
        return rint(a)
    return _plain(np.round(primal(a), decimals))


around = round


def _round_method(self: Any, decimals: int = 0, out: Any = None) -> Any:
    """``x.round(decimals)``, as ndarray.round."""
    return round(self, decimals, out)


# ---------------------------------------------------------------------------
# nan_to_num: the finite entries pass through, the replaced ones are constants
# ---------------------------------------------------------------------------

_BIG = float(np.finfo(np.float64).max)


def nan_to_num(x: Any, copy: bool = True, nan: Any = 0.0, posinf: Any = None,
               neginf: Any = None) -> Any:
    """numpy.nan_to_num: derivative 1 where x is finite, 0 where an entry was replaced.

    The replacements may be dualdiff values themselves (their derivative flows
    where they are used). ``posinf``/``neginf`` default to the largest finite
    float, as numpy. ``copy=False`` cannot modify a dualdiff value in place (a
    derivative-carrying value is never mutated): the result is returned, as with
    ``copy=True``; plain arrays follow numpy exactly.
    """
    if not any(isinstance(v, Box) for v in (x, nan, posinf, neginf)):
        return _plain(np.nan_to_num(x, copy=copy, nan=nan, posinf=posinf, neginf=neginf))
    posinf = _BIG if posinf is None else posinf
    neginf = -_BIG if neginf is None else neginf
    px = primal(x)
    if type(px) is float:
        if px != px:
            return nan
        return posinf if px == math.inf else neginf if px == -math.inf else x
    result = x
    for mask, value in ((np.isnan(px), nan), (np.isposinf(px), posinf),
                        (np.isneginf(px), neginf)):
        if mask.any():
            result = where(mask, value, result)
    return result


NUMPY_FUNCTIONS = {np.fix: fix, np.round: round, np.around: around, np.nan_to_num: nan_to_num}
"""numpy functions answered by the functions above (the entries declare their own)."""

METHODS = {"round": _round_method}
"""ndarray-style methods (the box first)."""
