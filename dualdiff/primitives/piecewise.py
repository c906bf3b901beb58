"""Piecewise functions: sign, abs, relu, leaky_relu, maximum, minimum.

Their derivatives choose a branch from the value, with the conventions at the
kinks stated in each entry's ``doc`` (and listed in ``docs/architecture.md``):
abs'(0) = relu'(0) = 0, and a tie in ``maximum``/``minimum`` splits the
derivative 0.5/0.5 (as JAX). ``sign`` is piecewise constant: its result is a
constant at every level.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core import primal
from .registry import elementwise, zero_derivative
from .structural import where

__all__ = ["sign", "abs", "relu", "leaky_relu", "maximum", "minimum"]


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
    "abs", np.absolute, lambda out, x: sign(x), scalar_impl=math.fabs,
    doc="sign(x); abs'(0) = 0", domain=[(0.1, 3.0)], edges=[(-2.0,), (-0.1,)],
    numpy=[np.absolute, np.fabs])
relu = elementwise("relu", lambda x: np.maximum(x, 0.0), lambda out, x: _step(x),
                   scalar_impl=_relu_scalar, doc="1 for x > 0, else 0; relu'(0) = 0",
                   domain=[(0.1, 3.0)], edges=[(-2.0,), (-0.1,)])
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
    scalar_impl=_maximum_scalar,
    doc="1 for the larger argument, 0 for the other; a tie splits it 0.5/0.5 (as JAX)",
    domain=[(0.5, 2.0), (-2.0, 0.0)], edges=[(-1.0, 2.0)], numpy=[np.maximum])
minimum = elementwise(
    "minimum", np.minimum,
    lambda out, x, y: _tie_share(y, x), lambda out, x, y: _tie_share(x, y),
    scalar_impl=_minimum_scalar,
    doc="1 for the smaller argument, 0 for the other; a tie splits it 0.5/0.5 (as JAX)",
    domain=[(-2.0, 0.0), (0.5, 2.0)], edges=[(2.0, -1.0)], numpy=[np.minimum])
