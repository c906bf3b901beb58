"""Elementary functions: exponentials, logarithms, powers, roots, trigonometric,
hyperbolic, and the smooth activations sigmoid and softplus.

Each entry gives one partial derivative per argument, written with dualdiff's
own functions (so it is differentiable again), and reuses the output where
that costs no accuracy (``exp`` -> ``out``). Where a textbook form cancels
catastrophically the entry says so in its ``doc`` and uses a stable one
(``tanh' = 1/cosh²``, not ``1 - tanh²``). Rules call ``div(a, b)`` and
``pow(a, b)`` instead of ``a / b`` and ``a ** b`` wherever both can be plain
floats: Python's operators raise or go complex where numpy's inf/NaN semantics
are the contract.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core import known_primal
from .arithmetic import div, square
from .registry import elementwise
from .structural import where

__all__ = ["exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "cbrt", "pow",
           "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh",
           "arcsinh", "arccosh", "arctanh", "hypot", "sigmoid", "softplus"]

_R = [(-3.0, 3.0)]
_POS = [(0.05, 5.0)]
_UNIT = [(-0.95, 0.95)]
_LN2, _LN10 = math.log(2.0), math.log(10.0)


def _sigmoid_scalar(x: float) -> float:
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _sigmoid_array(x):
    return np.exp(-np.logaddexp(0.0, -x))


def _softplus_scalar(x: float) -> float:
    return x + math.log1p(math.exp(-x)) if x > 0.0 else math.log1p(math.exp(x))


def _pow_dx(x, y):
    """y·x^(y-1), with 0 (not NaN) at the one singular point x = y = 0 (x**0 is constant)."""
    d = y * pow(x, y - 1.0)
    px, py = known_primal(x), known_primal(y)
    if px is None or py is None:
        return d  # symbolic: the formula itself
    if type(px) is float and type(py) is float:
        return 0.0 if px == 0.0 and py == 0.0 else d
    singular = np.logical_and(np.equal(px, 0.0), np.equal(py, 0.0))
    return where(singular, 0.0, d) if singular.any() else d


def _pow_dy(out, x, y):
    """x^y·log x; at x = 0 the limit 0 where y > 0, and -inf where y ≤ 0.

    0**y is 0 for y > 0, 1 at y = 0 and inf for y < 0, so at x = 0 the
    derivative in y is 0 for y > 0 but not finite at y ≤ 0 (both one-sided
    difference quotients at y = 0 tend to -inf); 0·log 0 would give NaN.
    """
    px = known_primal(x)
    if px is None or (type(px) is float and px != 0.0):
        return out * log(x)
    zero = np.equal(px, 0.0)
    if not np.any(zero):
        return out * log(x)
    py = known_primal(y)
    if py is None:
        return out * log(x)
    edge = np.where(np.greater(py, 0.0), 0.0, -np.inf)
    if type(px) is float:
        return float(edge)
    return where(zero, edge, out * log(where(zero, 1.0, x)))


exp = elementwise("exp", np.exp, lambda out, x: out, scalar_impl=math.exp,
                  doc="exp(x) (reuses the output)", domain=_R, numpy=[np.exp])
expm1 = elementwise("expm1", np.expm1, lambda out, x: exp(x), scalar_impl=math.expm1,
                    doc="exp(x) (not out + 1, which cancels for x ≪ 0)", domain=_R,
                    edges=[(-20.0,), (-40.0,)], numpy=[np.expm1])
log = elementwise("log", np.log, lambda out, x: div(1.0, x), scalar_impl=math.log, nonfinite=True,
                  doc="1/x; domain x > 0 (log 0 = -inf, negative x gives NaN)",
                  domain=_POS, edges=[(1e-8,), (1e8,)], numpy=[np.log])
log1p = elementwise("log1p", np.log1p, lambda out, x: div(1.0, 1.0 + x), scalar_impl=math.log1p,
                    nonfinite=True, doc="1/(1+x); domain x > -1", domain=[(-0.9, 5.0)],
                    edges=[(1e-12,), (-1 + 1e-6,)], numpy=[np.log1p])
log2 = elementwise("log2", np.log2, lambda out, x: div(1.0, x * _LN2), scalar_impl=math.log2,
                   nonfinite=True, doc="1/(x ln 2); domain x > 0", domain=_POS, numpy=[np.log2])
log10 = elementwise("log10", np.log10, lambda out, x: div(1.0, x * _LN10), scalar_impl=math.log10,
                    nonfinite=True, doc="1/(x ln 10); domain x > 0", domain=_POS,
                    numpy=[np.log10])
sqrt = elementwise("sqrt", np.sqrt, lambda out, x: div(0.5, out), scalar_impl=math.sqrt,
                   nonfinite=True, doc="1/(2√x); sqrt'(0) = +inf; domain x ≥ 0",
                   domain=_POS, edges=[(1e-10,), (1e10,)], numpy=[np.sqrt])
cbrt = elementwise("cbrt", np.cbrt, lambda out, x: div(1.0, 3.0 * out * out),
                   scalar_impl=getattr(math, "cbrt", None), nonfinite=True,
                   doc="1/(3·x^(2/3)); cbrt'(0) = +inf", domain=[(0.05, 5.0)],
                   edges=[(-2.0,), (-0.3,)], numpy=[np.cbrt])


# Trigonometric and hyperbolic
sin = elementwise("sin", np.sin, lambda out, x: cos(x), scalar_impl=math.sin, doc="cos(x)",
                  domain=[(-6.0, 6.0)], numpy=[np.sin])
cos = elementwise("cos", np.cos, lambda out, x: -sin(x), scalar_impl=math.cos, doc="-sin(x)",
                  domain=[(-6.0, 6.0)], numpy=[np.cos])
tan = elementwise("tan", np.tan, lambda out, x: 1.0 + out * out, scalar_impl=math.tan,
                  doc="1 + tan²(x) (reuses the output)", domain=[(-1.4, 1.4)], numpy=[np.tan])
arcsin = elementwise("arcsin", np.arcsin, lambda out, x: div(1.0, sqrt((1.0 - x) * (1.0 + x))),
                     scalar_impl=math.asin, nonfinite=True,
                     doc="1/√(1-x²); +inf at x = ±1; domain |x| ≤ 1", domain=_UNIT,
                     edges=[(0.999999,), (-0.999999,), (0.0,)], numpy=[np.arcsin])
arccos = elementwise("arccos", np.arccos, lambda out, x: div(-1.0, sqrt((1.0 - x) * (1.0 + x))),
                     scalar_impl=math.acos, nonfinite=True,
                     doc="-1/√(1-x²); -inf at x = ±1; domain |x| ≤ 1", domain=_UNIT,
                     edges=[(0.999999,), (0.0,)], numpy=[np.arccos])
arctan = elementwise("arctan", np.arctan, lambda out, x: div(1.0, 1.0 + x * x),
                     scalar_impl=math.atan, doc="1/(1+x²)", domain=[(-5.0, 5.0)],
                     edges=[(1e6,)], numpy=[np.arctan])
arctan2 = elementwise(
    "arctan2", np.arctan2,
    lambda out, y, x: div(x, x * x + y * y),
    lambda out, y, x: div(-y, x * x + y * y),
    scalar_impl=math.atan2, nonfinite=True,
    doc="arctan2(y, x): ∂/∂y = x/(x²+y²), ∂/∂x = -y/(x²+y²); undefined at the origin",
    domain=[(-3.0, 3.0), (0.2, 3.0)], edges=[(1.0, -2.0), (-1.0, -2.0)], numpy=[np.arctan2])
sinh = elementwise("sinh", np.sinh, lambda out, x: cosh(x), scalar_impl=math.sinh,
                   doc="cosh(x)", domain=_R, numpy=[np.sinh])
cosh = elementwise("cosh", np.cosh, lambda out, x: sinh(x), scalar_impl=math.cosh,
                   doc="sinh(x)", domain=_R, numpy=[np.cosh])
tanh = elementwise("tanh", np.tanh, lambda out, x: div(1.0, square(cosh(x))),
                   scalar_impl=math.tanh,
                   doc="1/cosh²(x) (not 1 - tanh², which cancels to 0 for |x| ≳ 19)",
                   domain=_R, edges=[(10.0,), (-40.0,)], numpy=[np.tanh])
arcsinh = elementwise("arcsinh", np.arcsinh, lambda out, x: div(1.0, sqrt(x * x + 1.0)),
                      scalar_impl=math.asinh, doc="1/√(x²+1)", domain=_R, numpy=[np.arcsinh])
arccosh = elementwise("arccosh", np.arccosh, lambda out, x: div(1.0, sqrt((x - 1.0) * (x + 1.0))),
                      scalar_impl=math.acosh, nonfinite=True,
                      doc="1/√(x²-1); +inf at x = 1; domain x ≥ 1", domain=[(1.05, 5.0)],
                      edges=[(1.000001,)], numpy=[np.arccosh])
arctanh = elementwise("arctanh", np.arctanh, lambda out, x: div(1.0, (1.0 - x) * (1.0 + x)),
                      scalar_impl=math.atanh, nonfinite=True,
                      doc="1/(1-x²); ±inf at x = ±1; domain |x| < 1", domain=_UNIT,
                      edges=[(0.999999,)], numpy=[np.arctanh])
hypot = elementwise("hypot", np.hypot, lambda out, x, y: div(x, out), lambda out, x, y: div(y, out),
                    scalar_impl=math.hypot, nonfinite=True,
                    doc="∂/∂x = x/hypot, ∂/∂y = y/hypot; undefined at the origin",
                    domain=[(0.2, 3.0), (-3.0, 3.0)], numpy=[np.hypot])


# Powers (the rule of x**y needs log, so it lives here rather than in arithmetic)
pow = elementwise(  # noqa: A001  (numpy's name; the builtin is not used in this module)
    "pow", np.power,
    lambda out, x, y: _pow_dx(x, y),
    lambda out, x, y: _pow_dy(out, x, y),
    scalar_impl=math.pow, nonfinite=True,
    doc="∂/∂x = y·x^(y-1) (so x**2 has derivative 0 at 0, and 0**0 has ∂/∂x = 0), "
        "∂/∂y = x^y·log x; at x = 0 it is 0 for y > 0 and -inf for y ≤ 0 (0**y jumps at "
        "y = 0, so x**x has no finite derivative at 0); x**c never goes through exp(c·log x)",
    domain=[(0.2, 3.0), (-2.0, 2.0)], edges=[(0.0, 2.0), (0.0, 3.0), (-1.5, 2.0), (2.0, 0.0)],
    numpy=[np.power, np.float_power])

# Smooth activations
sigmoid = elementwise("sigmoid", _sigmoid_array, lambda out, x: out * sigmoid(-x),
                      scalar_impl=_sigmoid_scalar,
                      doc="σ(x)σ(-x) (= σ(1-σ), without the cancellation of 1-σ for x ≫ 0)",
                      domain=[(-8.0, 8.0)], edges=[(-30.0,), (30.0,), (40.0,)])
softplus = elementwise("softplus", lambda x: np.logaddexp(0.0, x), lambda out, x: sigmoid(x),
                       scalar_impl=_softplus_scalar, doc="σ(x); computed as log(1+eˣ) stably",
                       domain=[(-8.0, 8.0)], edges=[(-30.0,), (30.0,)])

METHODS = {"exp": exp, "log": log, "sin": sin, "cos": cos, "tanh": tanh, "sqrt": sqrt}
"""Not ndarray methods, but part of dualdiff's API since the start (``x.exp()``)."""
