"""Elementary functions: exponentials, logarithms, powers, roots, trigonometric,
hyperbolic, sinc, logaddexp, the error function, and the smooth activations sigmoid,
softplus and gelu.

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

from ..core import Box, known_primal, primal
from ._erf import erf_array, erfc_array
from .arithmetic import div, square
from .registry import elementwise
from .structural import where

__all__ = ["exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "cbrt", "pow",
           "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh",
           "arcsinh", "arccosh", "arctanh", "hypot", "sigmoid", "softplus", "exp2", "sinc",
           "logaddexp", "logaddexp2", "erf", "erfc", "gelu"]

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
    if type(px) is float:  # a scalar base: the partial has y's shape (traced by jit: as is)
        return float(edge) if np.ndim(edge) == 0 and not isinstance(edge, Box) else edge
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
_TANH_TAIL_FROM = 300.0


def _tanh_dx(out, x):
    """sech²(x) as 1/cosh²(x), and as its asymptote 4·exp(-2|x|) for |x| ≥ 300.

    1/cosh² is accurate everywhere (1 - tanh² cancels to 0 for |x| ≳ 19), but its own
    derivative divides an overflowing cosh by an overflowing cosh² beyond |x| ≈ 355, so tanh''
    was NaN there (and in a batched Hessian NaN in every direction) where it is 0. The
    asymptote is exact to rounding from 300 on (relative error 2·e^(-600)) and its derivatives
    underflow to 0 as the true ones do. Symbolic arguments get the formula.
    """
    px = known_primal(x)
    if px is None or (type(px) is float and abs(px) < _TANH_TAIL_FROM):
        return div(1.0, square(cosh(x)))
    if type(px) is float:
        return 4.0 * exp(-2.0 * abs(x))
    tail = np.abs(px) >= _TANH_TAIL_FROM
    if not tail.any():
        return div(1.0, square(cosh(x)))
    near = where(tail, 0.0, x)  # the formula never sees the overflowing arguments
    return where(tail, 4.0 * exp(-2.0 * abs(x)), div(1.0, square(cosh(near))))


tanh = elementwise("tanh", np.tanh, _tanh_dx,
                   scalar_impl=math.tanh,
                   doc="1/cosh²(x) (not 1 - tanh², which cancels to 0 for |x| ≳ 19); "
                       "4·exp(-2|x|) for |x| ≥ 300, so higher derivatives are 0, not NaN, "
                       "where cosh overflows",
                   domain=_R, edges=[(10.0,), (-40.0,), (800.0,), (-1e4,)], numpy=[np.tanh])
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


# Base-2 exponential and the normalised sinc
exp2 = elementwise("exp2", np.exp2, lambda out, x: out * _LN2,
                   scalar_impl=getattr(math, "exp2", None) or (lambda x: math.pow(2.0, x)),
                   doc="2ˣ·ln 2 (reuses the output)", domain=_R, edges=[(-1030.0,), (40.0,)],
                   numpy=[np.exp2])


def _sinc_scalar(x: float) -> float:
    y = math.pi * (x if x != 0.0 else 1e-20)  # numpy's own formula, so floats and arrays agree
    return math.sin(y) / y


_SINC_SERIES_BELOW = 0.1
# sinc'(x) = x·Σ_{k≥1} c_k x^{2(k-1)}, c_k = (-1)^k π^{2k}·2k/(2k+1)!; 9 terms reach below
# 1e-19 relative at |x| = 0.1, and their derivatives (sinc'' ...) as well.
_SINC_DX_SERIES = tuple((-1) ** k * math.pi ** (2 * k) * 2 * k / math.factorial(2 * k + 1)
                        for k in range(1, 10))


def _sinc_dx_series(x):
    """sinc'(x) for small |x| as a polynomial: exact at 0 (0) and differentiable again."""
    u = x * x
    s = _SINC_DX_SERIES[-1]
    for c in reversed(_SINC_DX_SERIES[:-1]):
        s = s * u + c
    return x * s


def _sinc_dx(out, x):
    """(cos(πx) - sinc(x))/x, and its Taylor polynomial for |x| < 0.1.

    The quotient has a removable singularity at 0 and cancels near it; the
    polynomial gives sinc'(0) = 0 and sinc''(0) = -π²/3 exactly, and is
    differentiated like any other expression.
    """
    px = primal(x)
    if type(px) is float:
        if abs(px) < _SINC_SERIES_BELOW:
            return _sinc_dx_series(x)
        return div(cos(math.pi * x) - out, x)
    small = np.abs(px) < _SINC_SERIES_BELOW
    if not small.any():
        return div(cos(math.pi * x) - out, x)
    if small.all():
        return _sinc_dx_series(x)
    safe = where(small, 1.0, x)
    return where(small, _sinc_dx_series(x), div(cos(math.pi * safe) - out, safe))


sinc = elementwise("sinc", np.sinc, _sinc_dx, scalar_impl=_sinc_scalar,
                   doc="(cos(πx) - sinc(x))/x (numpy's normalised sinc, sin(πx)/(πx)); "
                       "sinc'(0) = 0 and sinc''(0) = -π²/3 (a Taylor polynomial for |x| < 0.1)",
                   domain=[(-0.9, 0.9)],
                   edges=[(0.0,), (1e-9,), (0.0999,), (0.1,), (-2.5,), (1.5,)], numpy=[np.sinc])


# log(eˣ + eʸ) and its base-2 twin
def _logaddexp_scalar(x: float, y: float) -> float:
    if x == y:
        return x + _LN2  # also ±inf: numpy's convention
    d = x - y
    if d > 0.0:
        return x + math.log1p(math.exp(-d))
    if d <= 0.0:
        return y + math.log1p(math.exp(d))
    return d  # NaN


def _logaddexp2_scalar(x: float, y: float) -> float:
    if x == y:
        return x + 1.0
    d = x - y
    if d > 0.0:
        return x + math.log1p(2.0 ** -d) / _LN2
    if d <= 0.0:
        return y + math.log1p(2.0 ** d) / _LN2
    return d


def _softmax_weight(x, y, scale):
    """∂out/∂x = exp(x - out) = σ(x - y) (base e, ``scale`` 1) or 2^(x - out) = σ((x - y)·ln 2).

    σ of the difference rather than exp(x - out): the same number without the
    rounding of out (at x = y = 1000, exactly 0.5). Where x - y is NaN with no
    NaN argument (x = y = ±inf), the limit along the diagonal, 0.5.
    """
    with np.errstate(invalid="ignore"):
        d = x - y
    pd = primal(d)
    if type(pd) is float:
        if pd == pd:
            return sigmoid(d if scale == 1.0 else d * scale)
        px, py = primal(x), primal(y)
        return pd if px != px or py != py else 0.5
    px, py = primal(x), primal(y)
    limit = np.isnan(pd) & ~np.isnan(px) & ~np.isnan(py)
    if limit.any():
        d = where(limit, 0.0, d)  # σ(0) = 0.5, the limit
    return sigmoid(d if scale == 1.0 else d * scale)


logaddexp = elementwise(
    "logaddexp", np.logaddexp,
    lambda out, x, y: _softmax_weight(x, y, 1.0),
    lambda out, x, y: _softmax_weight(y, x, 1.0),
    scalar_impl=_logaddexp_scalar,
    doc="∂/∂x = exp(x - out) = σ(x - y), ∂/∂y = σ(y - x) (the softmax weights, computed from "
        "the difference: never overflowing, exactly 0.5 at a tie); at x = y = ±inf 0.5 each; "
        "with one argument -inf, 0 for it and 1 for the other",
    domain=[(-3.0, 3.0), (-3.0, 3.0)], edges=[(0.5, 0.5), (-800.0, 2.0), (700.0, 710.0)],
    numpy=[np.logaddexp])
logaddexp2 = elementwise(
    "logaddexp2", np.logaddexp2,
    lambda out, x, y: _softmax_weight(x, y, _LN2),
    lambda out, x, y: _softmax_weight(y, x, _LN2),
    scalar_impl=_logaddexp2_scalar,
    doc="∂/∂x = 2^(x - out) = σ((x - y)·ln 2), ∂/∂y likewise (never overflowing, exactly 0.5 "
        "at a tie); at x = y = ±inf 0.5 each; with one argument -inf, 0 for it and 1 for "
        "the other",
    domain=[(-3.0, 3.0), (-3.0, 3.0)], edges=[(0.5, 0.5), (-1200.0, 2.0), (1000.0, 1020.0)],
    numpy=[np.logaddexp2])


# The error function (numpy has none: see ._erf for the implementation)
_2_SQRT_PI = 2.0 / math.sqrt(math.pi)

erf = elementwise("erf", erf_array, lambda out, x: _2_SQRT_PI * exp(-(x * x)),
                  scalar_impl=math.erf, doc="2/√π·exp(-x²)", domain=_R,
                  edges=[(0.0,), (1e-12,), (0.46875,), (4.0,), (6.0,), (-5.5,)])
erfc = elementwise("erfc", erfc_array, lambda out, x: -_2_SQRT_PI * exp(-(x * x)),
                   scalar_impl=math.erfc,
                   doc="-2/√π·exp(-x²) (erfc computed directly: no 1 - erf in the tail)",
                   domain=[(-3.0, 5.0)], edges=[(0.0,), (10.0,), (26.0,), (-6.0,), (4.0,)])


def gelu(x: Any, approximate: bool = False) -> Any:
    """The Gaussian error linear unit x·Φ(x), built from the table (numpy has none).

    ``approximate=False``: 0.5·x·(1 + erf(x/√2)), computed as 0.5·x·erfc(-x/√2),
    the same function without the cancellation of 1 + erf for x ≪ 0.
    ``approximate=True``: the tanh form 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))),
    computed as x·σ(2√(2/π)(x + 0.044715x³)) (1 + tanh z = 2σ(2z), no cancellation).
    """
    if approximate:
        return x * sigmoid(_GELU_TANH * (x + 0.044715 * (x * x * x)))
    return 0.5 * x * erfc(x * -_SQRT_HALF)


_SQRT_HALF = math.sqrt(0.5)
_GELU_TANH = 2.0 * math.sqrt(2.0 / math.pi)
