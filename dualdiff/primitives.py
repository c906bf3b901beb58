"""THE primitive table: every derivative rule of dualdiff, written once.

Each entry registers a name, the numpy implementation, an optional fast scalar
implementation on ``math``, and the derivative rule per argument, written with
dualdiff's own differentiable functions (so a derivative is differentiable
again: nested ``jvp``, ``hessian`` and symbolic derivatives all reuse these
lines). Forward mode (``dual.py``), reverse mode (``tape.py``), the CLI's
function list and the table-driven tests all read ``REGISTRY``; nothing else
in the project defines calculus.

Rule signatures
---------------
* Elementwise primitives give *partials*: ``partial_i(out, *args)``, the
  derivative of the output with respect to argument ``i``; ``out`` is the
  already computed output, so ``exp`` costs no second exponential (DESIGN
  §8.4). Forward and reverse rules are generated from them in one place
  (:func:`_elementwise_jvp`, :func:`_elementwise_vjp`), including
  broadcasting and the zero-tangent mask.
* Linear and structural primitives give a JVP (the op applied to the tangent)
  and a VJP (its transpose) per argument, with signatures
  ``jvp(t, out, args, params, batched)`` and ``vjp(g, out, args, params)``.
  ``batched`` says the tangent carries a leading axis of directions.

Conventions at kinks and edges (DESIGN §4) are stated in each entry's ``doc``:
abs'(0) = relu'(0) = 0, ties in maximum/minimum and max/min reductions share
the derivative equally, sqrt'(0) = +inf, d(x**y)/dy = 0 at x = 0, and a zero
tangent or cotangent contributes exactly zero (entries whose partial can be
non-finite are marked ``nonfinite=True`` and pay for that mask; the others do
not).

Rules call ``div(a, b)`` and ``pow_(a, b)`` instead of ``a / b`` and ``a ** b``
wherever both operands can be plain floats: Python's operators raise
``ZeroDivisionError`` or return complex numbers there, numpy's semantics
(inf/NaN) are the contract.
"""

from __future__ import annotations

import builtins
import math
import operator
from typing import Any, Callable, Sequence

import numpy as np

from .core import (_F64, REGISTRATION_HOOKS, Primitive, bind, is_finite_everywhere, known_primal,
                   make_function, ndim, primal, shape)

REGISTRY: dict[str, Primitive] = {}
"""name -> Primitive, in registration order."""

_py_sum = builtins.sum
_LN2, _LN10 = math.log(2.0), math.log(10.0)


# ---------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------

def elementwise(name: str, impl: Callable, *partials: Callable, scalar_impl: Callable | None = None,
                nonfinite: bool = False, doc: str = "", domain: Sequence[tuple] | None = None,
                edges: Sequence[tuple] = (), numpy: Sequence[Any] = ()) -> Callable:
    """Register an elementwise primitive and return its differentiable function.

    ``partials[i](out, *args)`` is the partial derivative with respect to
    argument ``i``, written with dualdiff functions. ``nonfinite=True`` marks
    a partial that can be inf/NaN inside or at the edge of the domain (log at
    0, sqrt at 0, ...), which switches on the zero-tangent mask. This is also
    the public way to add a primitive (``dualdiff.custom_primitive``): both
    modes pick the new entry up at once.
    """
    prim = Primitive(
        name, impl, kind="elementwise", nargs=len(partials), scalar_impl=scalar_impl,
        partials=partials, nonfinite=nonfinite, doc=doc, domain=domain, edges=edges,
        jvps=[_elementwise_jvp(i, p, nonfinite) for i, p in enumerate(partials)],
        vjps=[_elementwise_vjp(i, p, nonfinite) for i, p in enumerate(partials)],
    )
    return _register(prim, make_function(prim), numpy)


def structural(name: str, impl: Callable, jvps: Sequence[Callable], vjps: Sequence[Callable],
               public: Callable, *, kind: str = "structural", doc: str = "",
               samples: Callable | None = None, sample_call: Callable | None = None,
               numpy: Sequence[Any] = ()) -> Primitive:
    """Register a linear/structural primitive with explicit JVP and VJP rules.

    ``public`` is the user-facing function (it normalises arguments and calls
    :func:`dualdiff.core.bind`). A single JVP rule for a variadic primitive
    (concatenate, stack) receives the tuple of all tangents instead.
    """
    prim = Primitive(name, impl, kind=kind, nargs=len(vjps), jvps=jvps, vjps=vjps, doc=doc,
                     samples=samples, sample_call=sample_call)
    public.primitive = prim  # type: ignore[attr-defined]
    prim.fn = public
    _register(prim, public, numpy)
    return prim


def _register(prim: Primitive, fn: Callable, numpy_aliases: Sequence[Any]) -> Callable:
    if prim.name in REGISTRY:
        raise ValueError(f"a primitive named `{prim.name}` is already registered")
    prim.numpy_aliases = tuple(numpy_aliases)
    REGISTRY[prim.name] = prim
    for hook in REGISTRATION_HOOKS:
        hook(prim)
    return fn


def _scale(p: Any, t: Any) -> Any:
    """``p * t``, skipping the multiplication when the partial is exactly ±1 (DESIGN §8.6)."""
    if type(p) is float:
        if p == 1.0:
            return t
        if p == -1.0:
            return neg(t)
    return mul(p, t)


def _mask_zero(contribution: Any, t: Any, p: Any) -> Any:
    """A zero tangent/cotangent contributes exactly zero, even through an inf/NaN partial."""
    if is_finite_everywhere(p):
        return contribution
    if type(t) is float:
        return 0.0 if t == 0.0 else contribution
    return where(primal(t) == 0.0, 0.0, contribution)


def _align_batched(t: Any, arg_ndim: int, out_ndim: int) -> Any:
    """Insert axes after the batch axis so a broadcast argument's tangent lines up with the output."""
    if arg_ndim >= out_ndim:
        return t
    s = shape(t)
    return reshape(t, s[:1] + (1,) * (out_ndim - arg_ndim) + s[1:])


def _elementwise_jvp(i: int, partial: Callable, nonfinite: bool) -> Callable:
    def jvp(t, out, args, params, batched):
        if type(t) is float and t == 0.0:
            return 0.0  # a zero tangent contributes exactly zero; skip the partial
        p = partial(out, *args)
        if type(t) is float and type(p) is float:
            return p * t
        if batched:
            t = _align_batched(t, ndim(args[i]), ndim(out))
        c = _scale(p, t)
        return _mask_zero(c, t, p) if nonfinite else c
    return jvp


def _elementwise_vjp(i: int, partial: Callable, nonfinite: bool) -> Callable:
    def vjp(g, out, args, params):
        tg = type(g)
        if tg is float and g == 0.0:
            return 0.0 if shape(args[i]) == () else np.zeros(shape(args[i]))
        p = partial(out, *args)
        tp = type(p)
        if tg is float and tp is float:
            return p * g  # a scalar cotangent means every argument is a scalar
        if tg is np.ndarray and (tp is np.ndarray or tp is float):
            # Plain arrays (the hot case): the same steps as below, without the dispatch.
            c = g if tp is float and p == 1.0 else p * g
            if nonfinite and not is_finite_everywhere(p):
                c = np.where(g == 0.0, 0.0, c)
            target = shape(args[i])
            return c if c.shape == target else unbroadcast(c, target)
        c = _scale(p, g)
        if nonfinite:
            c = _mask_zero(c, g, p)
        return unbroadcast(c, shape(args[i]))
    return vjp


def unbroadcast(x: Any, target: tuple) -> Any:
    """Sum ``x`` over the axes that broadcasting added, giving shape ``target``.

    The transpose of broadcasting: the reverse-mode half of every elementwise
    rule and of ``broadcast_to``.
    """
    s = shape(x)
    if s == target:
        return x
    lead = len(s) - len(target)
    axes = tuple(range(lead)) + tuple(
        lead + k for k, n in enumerate(target) if n == 1 and s[lead + k] != 1)
    if axes:
        x = sum_(x, axis=axes)
    return x if shape(x) == target else reshape(x, target)


# ---------------------------------------------------------------------------
# Scalar implementations that keep numpy's semantics on special values
# ---------------------------------------------------------------------------

def _sigmoid_scalar(x: float) -> float:
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _sigmoid_array(x):
    return np.exp(-np.logaddexp(0.0, -x))


def _softplus_scalar(x: float) -> float:
    return x + math.log1p(math.exp(-x)) if x > 0.0 else math.log1p(math.exp(x))


def _maximum_scalar(x: float, y: float) -> float:
    return x if x >= y or x != x else y


def _minimum_scalar(x: float, y: float) -> float:
    return x if x <= y or x != x else y


def _sign_scalar(x: float) -> float:
    return 1.0 if x > 0.0 else -1.0 if x < 0.0 else x  # keeps 0.0 and NaN, as numpy


def _relu_scalar(x: float) -> float:
    return x if x > 0.0 or x != x else 0.0


def _leaky_relu_impl(x, slope):
    return np.where(x > 0, x, slope * x)


def _leaky_relu_scalar(x: float, slope: float) -> float:
    return x if x > 0.0 else slope * x


def _tie_share(x, y):
    """∂max(x, y)/∂x: 1 where x wins, 0.5 at a tie (as JAX), 0 where y wins."""
    px, py = primal(x), primal(y)
    if type(px) is float and type(py) is float:
        return 1.0 if px > py else 0.5 if px == py else 0.0
    return np.where(px > py, 1.0, np.where(px == py, 0.5, 0.0))


def _pow_dx(x, y):
    """y·x^(y-1), with 0 (not NaN) at the one singular point x = y = 0."""
    d = y * pow_(x, y - 1.0)
    px, py = known_primal(x), known_primal(y)
    if px is None or py is None:
        return d  # symbolic: the formula itself
    if type(px) is float and type(py) is float:
        return 0.0 if px == 0.0 and py == 0.0 else d
    singular = np.logical_and(np.equal(px, 0.0), np.equal(py, 0.0))
    return where(singular, 0.0, d) if singular.any() else d


def _pow_dy(out, x):
    """x^y·log x, taken as 0 at x = 0 (the limit from y > 0) instead of 0·(-inf) = NaN."""
    px = known_primal(x)
    if px is None or (type(px) is float and px != 0.0):
        return out * log(x)
    zero = np.equal(px, 0.0)
    if not np.any(zero):
        return out * log(x)
    return where(zero, 0.0, out * log(where(zero, 1.0, x)))


def _step(x) -> Any:
    """1 where x > 0 else 0, as a constant (the derivative of relu, relu'(0) = 0)."""
    px = primal(x)
    if type(px) is float:
        return 1.0 if px > 0.0 else 0.0
    return (px > 0).astype(np.float64)


_R = [(-3.0, 3.0)]
_POS = [(0.05, 5.0)]
_UNIT = [(-0.95, 0.95)]

# ---------------------------------------------------------------------------
# Arithmetic
# ---------------------------------------------------------------------------
neg = elementwise("neg", np.negative, lambda out, x: -1.0, scalar_impl=operator.neg,
                  doc="d(-x) = -1", domain=_R, numpy=[np.negative])
add = elementwise("add", np.add, lambda out, x, y: 1.0, lambda out, x, y: 1.0,
                  scalar_impl=operator.add, doc="∂/∂x = 1, ∂/∂y = 1", domain=_R * 2, numpy=[np.add])
sub = elementwise("sub", np.subtract, lambda out, x, y: 1.0, lambda out, x, y: -1.0,
                  scalar_impl=operator.sub, doc="∂/∂x = 1, ∂/∂y = -1", domain=_R * 2,
                  numpy=[np.subtract])
mul = elementwise("mul", np.multiply, lambda out, x, y: y, lambda out, x, y: x,
                  scalar_impl=operator.mul, doc="∂/∂x = y, ∂/∂y = x", domain=_R * 2,
                  numpy=[np.multiply])
div = elementwise("div", np.true_divide, lambda out, x, y: div(1.0, y), lambda out, x, y: div(-out, y),
                  scalar_impl=operator.truediv, nonfinite=True,
                  doc="∂/∂x = 1/y, ∂/∂y = -x/y²; y = 0 is outside the domain",
                  domain=[(-3.0, 3.0), (0.2, 3.0)], numpy=[np.true_divide, np.divide])
pow_ = elementwise(
    "pow", np.power,
    lambda out, x, y: _pow_dx(x, y),
    lambda out, x, y: _pow_dy(out, x),
    scalar_impl=math.pow, nonfinite=True,
    doc="∂/∂x = y·x^(y-1) (so x**2 has derivative 0 at 0, and 0**0 has ∂/∂x = 0), "
        "∂/∂y = x^y·log x, taken as 0 at x = 0; x**c never goes through exp(c·log x)",
    domain=[(0.2, 3.0), (-2.0, 2.0)], edges=[(0.0, 2.0), (0.0, 3.0), (-1.5, 2.0), (2.0, 0.0)],
    numpy=[np.power, np.float_power])
square = elementwise("square", np.square, lambda out, x: 2.0 * x, scalar_impl=lambda x: x * x,
                     doc="2x", domain=_R, numpy=[np.square])
reciprocal = elementwise("reciprocal", np.reciprocal, lambda out, x: -(out * out),
                         scalar_impl=lambda x: 1.0 / x, nonfinite=True,
                         doc="-1/x²; x = 0 is outside the domain", domain=[(0.2, 3.0)],
                         numpy=[np.reciprocal])

# ---------------------------------------------------------------------------
# Exponentials and logarithms
# ---------------------------------------------------------------------------
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

# ---------------------------------------------------------------------------
# Trigonometric and hyperbolic
# ---------------------------------------------------------------------------
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

# ---------------------------------------------------------------------------
# Neural-network activations and piecewise functions
# ---------------------------------------------------------------------------
sigmoid = elementwise("sigmoid", _sigmoid_array, lambda out, x: out * sigmoid(-x),
                      scalar_impl=_sigmoid_scalar,
                      doc="σ(x)σ(-x) (= σ(1-σ), without the cancellation of 1-σ for x ≫ 0)",
                      domain=[(-8.0, 8.0)], edges=[(-30.0,), (30.0,), (40.0,)])
softplus = elementwise("softplus", lambda x: np.logaddexp(0.0, x), lambda out, x: sigmoid(x),
                       scalar_impl=_softplus_scalar, doc="σ(x); computed as log(1+eˣ) stably",
                       domain=[(-8.0, 8.0)], edges=[(-30.0,), (30.0,)])
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


leaky_relu.primitive = REGISTRY["leaky_relu"]  # type: ignore[attr-defined]
REGISTRY["leaky_relu"].fn = leaky_relu

abs_ = elementwise("abs", np.absolute, lambda out, x: sign(x), scalar_impl=math.fabs,
                   doc="sign(x); abs'(0) = 0", domain=[(0.1, 3.0)], edges=[(-2.0,), (-0.1,)],
                   numpy=[np.absolute, np.fabs])
maximum = elementwise(
    "maximum", np.maximum,
    lambda out, x, y: _tie_share(x, y), lambda out, x, y: _tie_share(y, x),
    scalar_impl=_maximum_scalar,
    doc="1 for the larger argument, 0 for the other; a tie splits it 0.5/0.5 (as JAX)",
    domain=[(0.5, 2.0), (-2.0, 0.0)], edges=[(-1.0, 2.0)], numpy=[np.maximum, np.fmax])
minimum = elementwise(
    "minimum", np.minimum,
    lambda out, x, y: _tie_share(y, x), lambda out, x, y: _tie_share(x, y),
    scalar_impl=_minimum_scalar,
    doc="1 for the smaller argument, 0 for the other; a tie splits it 0.5/0.5 (as JAX)",
    domain=[(-2.0, 0.0), (0.5, 2.0)], edges=[(2.0, -1.0)], numpy=[np.minimum, np.fmin])


def _sign_impl(x):
    return np.sign(x)


_sign = Primitive("sign", _sign_impl, kind="elementwise", nargs=1, jvps=None, vjps=None,
                  scalar_impl=_sign_scalar, doc="0 everywhere (sign is piecewise constant)",
                  domain=[(0.1, 3.0)])
sign = _register(_sign, make_function(_sign), [np.sign])


# ---------------------------------------------------------------------------
# where: selection, differentiable in both branches, never in the condition
# ---------------------------------------------------------------------------

def _where_impl(a, b, cond):
    out = np.where(cond, a, b)
    return float(out) if out.ndim == 0 else out


def _where_jvp(select_a: bool) -> Callable:
    def jvp(t, out, args, params, batched):
        if batched:
            t = _align_batched(t, ndim(args[0 if select_a else 1]), ndim(out))
        cond = params["cond"]
        return where(cond, t, 0.0) if select_a else where(cond, 0.0, t)
    return jvp


def _where_vjp(select_a: bool) -> Callable:
    def vjp(g, out, args, params):
        cond = params["cond"]
        c = where(cond, g, 0.0) if select_a else where(cond, 0.0, g)
        return unbroadcast(c, shape(args[0 if select_a else 1]))
    return vjp


def where(cond: Any, a: Any, b: Any) -> Any:
    """``a`` where ``cond`` else ``b`` (numpy.where), differentiable in ``a`` and ``b``.

    The derivative flows only through the selected branch; because the
    unselected branch's tangent is replaced, not multiplied by 0, a NaN there
    cannot poison the result (no "double where" needed).
    """
    c = primal(cond)
    if type(c) is not bool:
        c = np.asarray(c, dtype=bool)
        if c.ndim == 0:
            c = bool(c)
    if type(c) is bool and shape(a) == shape(b):
        return a if c else b  # nothing to select elementwise (and symbolic values stay symbolic)
    return bind(_where, (a, b), {"cond": c})


_where = structural("where", _where_impl, [_where_jvp(True), _where_jvp(False)],
                    [_where_vjp(True), _where_vjp(False)], where, kind="selection",
                    samples=lambda rng: (rng.normal(size=(3, 4)), rng.normal(size=(4,))),
                    sample_call=lambda a, b: where(primal(a) > 0.0, a, b),
                    doc="the tangent of the selected branch; the condition has no derivative",
                    numpy=[np.where])

# ---------------------------------------------------------------------------
# Structural (linear) primitives: reshape, transpose, broadcast, index, join
# ---------------------------------------------------------------------------


def _batch(t: Any) -> int:
    return shape(t)[0]


def reshape(x: Any, newshape: Any) -> Any:
    """numpy.reshape (one ``-1`` allowed)."""
    newshape = (newshape,) if isinstance(newshape, (int, np.integer)) else tuple(newshape)
    if -1 in newshape:
        newshape = np.empty(shape(x), dtype=bool).reshape(newshape).shape
    if shape(x) == newshape:
        return x
    if type(x) is np.ndarray and x.dtype is _F64:  # plain array: what evaluate would do, directly
        out = x.reshape(newshape)
        return float(out) if out.ndim == 0 else out
    return bind(_reshape, (x,), {"shape": tuple(int(n) for n in newshape)})


_reshape = structural(
    "reshape", lambda x, shape: np.reshape(x, shape),
    [lambda t, out, args, p, batched: reshape(t, shape(t)[:1] + p["shape"] if batched else p["shape"])],
    [lambda g, out, args, p: reshape(g, shape(args[0]))],
    reshape, doc="linear: reshape the tangent; the transpose reshapes back",
    samples=lambda rng: (rng.normal(size=(2, 3)),), sample_call=lambda x: reshape(x, (3, 2)),
    numpy=[np.reshape])


def transpose(x: Any, axes: Sequence[int] | None = None) -> Any:
    """numpy.transpose (axes default: reversed)."""
    nd = ndim(x)
    axes = tuple(reversed(range(nd))) if axes is None else tuple(int(a) % nd for a in axes)
    if axes == tuple(range(nd)):
        return x
    if type(x) is np.ndarray and x.dtype is _F64:
        return x.transpose(axes)
    return bind(_transpose, (x,), {"axes": axes})


_transpose = structural(
    "transpose", lambda x, axes: np.transpose(x, axes),
    [lambda t, out, args, p, batched: transpose(
        t, (0,) + tuple(a + 1 for a in p["axes"]) if batched else p["axes"])],
    [lambda g, out, args, p: transpose(g, tuple(np.argsort(p["axes"])))],
    transpose, doc="linear: transpose the tangent; the transpose applies the inverse permutation",
    samples=lambda rng: (rng.normal(size=(2, 3)),), numpy=[np.transpose])


def moveaxis(x: Any, source: int, destination: int) -> Any:
    """numpy.moveaxis, built on transpose."""
    nd = ndim(x)
    order = [a for a in range(nd) if a != source % nd]
    order.insert(destination % nd, source % nd)
    return transpose(x, order)


def broadcast_to(x: Any, newshape: Sequence[int]) -> Any:
    """numpy.broadcast_to (a real copy is never made; the transpose sums back)."""
    newshape = tuple(int(n) for n in newshape)
    if shape(x) == newshape:
        return x
    return bind(_broadcast_to, (x,), {"shape": newshape})


def _broadcast_to_jvp(t, out, args, p, batched):
    if not batched:
        return broadcast_to(t, p["shape"])
    t = _align_batched(t, ndim(args[0]), len(p["shape"]))
    return broadcast_to(t, shape(t)[:1] + p["shape"])


_broadcast_to = structural(
    "broadcast_to", lambda x, shape: np.broadcast_to(x, shape), [_broadcast_to_jvp],
    [lambda g, out, args, p: unbroadcast(g, shape(args[0]))], broadcast_to,
    doc="linear: broadcast the tangent; the transpose sums over the broadcast axes",
    samples=lambda rng: (rng.normal(size=(3, 1)),),
    sample_call=lambda x: broadcast_to(x, (2, 3, 4)), numpy=[np.broadcast_to])


def _as_index(idx: Any) -> tuple:
    idx = idx if isinstance(idx, tuple) else (idx,)
    return tuple(np.asarray(primal(i)) if isinstance(i, (list,)) or hasattr(i, "_level") else i
                 for i in idx)


def getitem(x: Any, idx: Any) -> Any:
    """``x[idx]``: integers, slices, ``None``, ``...``, integer and boolean arrays."""
    return bind(_getitem, (x,), {"index": _as_index(idx), "shape": shape(x)})


def _getitem_impl(x, index, shape):
    out = x[index]
    return float(out) if type(out) is not np.ndarray else out


def _advanced_axes_in_front(index: tuple, source_shape: tuple) -> int:
    """How many leading result axes numpy's advanced indices take when it moves them to the front.

    numpy keeps the axes of adjacent advanced indices in place but moves them
    to the front when a slice separates them (``x[0, :, [1, 2]]``). Prefixing
    a batch slice then puts them *before* the batch axis; batched rules move
    them back. 0 when nothing moves.
    """
    arrays = [i for i in index if isinstance(i, np.ndarray)]
    if not arrays:
        return 0  # basic indexing: nothing moves
    advanced = [isinstance(i, np.ndarray) or (isinstance(i, (int, np.integer))
                                              and not isinstance(i, bool)) for i in index]
    where = [k for k, a in enumerate(advanced) if a]
    if where == list(range(where[0], where[-1] + 1)):
        return 0  # adjacent advanced indices keep their place
    shapes = [(int(a.sum()),) if a.dtype == bool else a.shape for a in arrays]
    return len(np.broadcast_shapes(*shapes))


def _getitem_jvp(t, out, args, p, batched):
    if not batched:
        return getitem(t, p["index"])
    r = getitem(t, (slice(None),) + p["index"])
    front = _advanced_axes_in_front(p["index"], p["shape"])
    return moveaxis(r, front, 0) if front else r


def _scatter_add_jvp(t, out, args, p, batched):
    if not batched:
        return scatter_add(t, p["index"], p["shape"])
    front = _advanced_axes_in_front(p["index"], p["shape"])
    if front:
        t = moveaxis(t, 0, front)
    return scatter_add(t, (slice(None),) + p["index"], shape(t)[front:front + 1] + p["shape"]
                       if front else shape(t)[:1] + p["shape"])


_getitem = structural(
    "getitem", _getitem_impl,
    [_getitem_jvp],
    [lambda g, out, args, p: scatter_add(g, p["index"], p["shape"])],
    getitem, doc="linear: index the tangent; the transpose scatters (adds) back into zeros",
    samples=lambda rng: (rng.normal(size=(4, 3)),),
    sample_call=lambda x: getitem(x, (slice(1, 4), np.array([0, 2, 0]))))


def _is_basic_index(index: tuple) -> bool:
    return all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis for i in index)


def _scatter_add_impl(g, index, shape):
    z = np.zeros(shape)
    if _is_basic_index(index):
        z[index] = g
    else:
        np.add.at(z, index, g)
    return z


def scatter_add(g: Any, index: tuple, target_shape: tuple) -> Any:
    """zeros(target_shape) with ``g`` added at ``index`` (repeated indices accumulate)."""
    return bind(_scatter_add, (g,), {"index": index, "shape": tuple(target_shape)})


_scatter_add = structural(
    "scatter_add", _scatter_add_impl,
    [_scatter_add_jvp],
    [lambda g, out, args, p: getitem(g, p["index"])],
    scatter_add, doc="linear: the transpose of indexing",
    samples=lambda rng: (rng.normal(size=(3,)),),
    sample_call=lambda g: scatter_add(g, (np.array([0, 2, 0]),), (4,)))


def _filled(tangents: Sequence[Any], args: Sequence[Any]) -> list:
    """Tangents with zeros (batched like the others) for the constant arguments."""
    k = next(shape(t)[0] for t in tangents if t is not None)
    return [t if t is not None else np.zeros((k,) + shape(a)) for t, a in zip(tangents, args)]


def concatenate(xs: Sequence[Any], axis: int = 0) -> Any:
    """numpy.concatenate of a sequence of arrays."""
    xs = tuple(xs)
    axis = int(axis) % ndim(xs[0])
    return bind(_concatenate, xs, {"axis": axis})


def _concat_jvp(tangents, out, args, p, batched):
    if batched:
        return concatenate(_filled(tangents, args), axis=p["axis"] + 1)
    return concatenate([t if t is not None else np.zeros(shape(a)) for t, a in zip(tangents, args)],
                       axis=p["axis"])


def _concat_vjp(i: int) -> Callable:
    def vjp(g, out, args, p):
        axis = p["axis"]
        start = _py_sum(shape(a)[axis] for a in args[:i])
        return getitem(g, (slice(None),) * axis + (slice(start, start + shape(args[i])[axis]),))
    return vjp


class _Variadic:
    """VJP rules for any number of arguments (concatenate, stack)."""

    def __init__(self, make: Callable):
        self.make = make
        self.cache: dict[int, Callable] = {}

    def __getitem__(self, i: int) -> Callable:
        if i not in self.cache:
            self.cache[i] = self.make(i)
        return self.cache[i]

    def __len__(self) -> int:
        return 2


def _variadic_primitive(name, impl, joint_jvp, make_vjp, public, doc, samples, numpy):
    prim = structural(name, impl, [joint_jvp], [make_vjp(0)], public, doc=doc, samples=samples,
                      sample_call=lambda *xs: public(xs, axis=1 if name == "stack" else 0),
                      numpy=numpy)
    prim.jvps = joint_jvp  # one joint rule for all arguments
    prim.vjps = _Variadic(make_vjp)  # type: ignore[assignment]
    prim.nargs = -1
    return prim


_concatenate = _variadic_primitive(
    "concatenate", lambda *xs, axis: np.concatenate(xs, axis=axis), _concat_jvp, _concat_vjp,
    concatenate, "linear: concatenate the tangents; the transpose slices the pieces back",
    lambda rng: (rng.normal(size=(2, 3)), rng.normal(size=(1, 3))), [np.concatenate])


def stack(xs: Sequence[Any], axis: int = 0) -> Any:
    """numpy.stack of a sequence of same-shape arrays or scalars."""
    xs = tuple(xs)
    axis = int(axis) % (ndim(xs[0]) + 1)
    return bind(_stack, xs, {"axis": axis})


def _stack_jvp(tangents, out, args, p, batched):
    if batched:
        return stack(_filled(tangents, args), axis=p["axis"] + 1)
    return stack([t if t is not None else np.zeros(shape(a)) for t, a in zip(tangents, args)],
                 axis=p["axis"])


def _stack_vjp(i: int) -> Callable:
    def vjp(g, out, args, p):
        return getitem(g, (slice(None),) * p["axis"] + (i,))
    return vjp


_stack = _variadic_primitive(
    "stack", lambda *xs, axis: np.stack(xs, axis=axis), _stack_jvp, _stack_vjp, stack,
    "linear: stack the tangents; the transpose takes each slice back",
    lambda rng: (rng.normal(size=(3,)), rng.normal(size=(3,))), [np.stack])


# ---------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------

def _norm_axis(axis: Any, nd: int) -> tuple | None:
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    return tuple(sorted(int(a) % nd for a in axes)) if nd else ()


def _shift_axis(axis: tuple | None, nd: int, batched: bool) -> tuple | None:
    """The same reduction applied to a batched tangent: skip the leading batch axis."""
    if not batched:
        return axis
    if axis is None:
        return tuple(range(1, nd + 1))
    return tuple(a + 1 for a in axis)


def _expand_reduced(g: Any, xshape: tuple, axis: tuple | None, keepdims: bool) -> Any:
    """Broadcast a reduction's cotangent back to the input shape."""
    if type(g) is float:
        # A scalar seed (the usual loss): small arrays are cheaper to fill than to view through
        # np.broadcast_to (a Python-level function); large ones are not worth allocating.
        return np.full(xshape, g) if math.prod(xshape) <= 4096 else np.broadcast_to(g, xshape)
    if not keepdims:
        kept = tuple(1 if (axis is None or k in axis) else n for k, n in enumerate(xshape))
        g = reshape(g, kept)
    return broadcast_to(g, xshape)


def _reduction(name: str, impl: Callable, public: Callable, jvp: Callable, vjp: Callable,
               doc: str, numpy: Sequence[Any]) -> Primitive:
    return structural(name, impl, [jvp], [vjp], public, kind="reduction", doc=doc,
                      samples=lambda rng: (rng.uniform(0.5, 2.0, size=(3, 4)),),
                      sample_call=lambda x: public(x, axis=1), numpy=numpy)


def sum_(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """numpy.sum with ``axis`` (int, tuple or None) and ``keepdims``."""
    return bind(_sum, (x,), {"axis": _norm_axis(axis, ndim(x)), "keepdims": bool(keepdims)})


_sum = _reduction(
    "sum", lambda x, axis, keepdims: np.add.reduce(x, axis=axis, keepdims=keepdims), sum_,
    lambda t, out, args, p, batched: sum_(t, _shift_axis(p["axis"], ndim(args[0]), batched),
                                          p["keepdims"]),
    lambda g, out, args, p: _expand_reduced(g, shape(args[0]), p["axis"], p["keepdims"]),
    "linear: sum the tangent; the transpose broadcasts the cotangent back", [np.sum])


def _count(x: Any, axis: tuple | None) -> int:
    s = shape(x)
    return math.prod(s) if axis is None else math.prod(s[a] for a in axis)


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """numpy.mean, as sum / count (no new calculus)."""
    return sum_(x, axis, keepdims) / float(_count(x, _norm_axis(axis, ndim(x))))


def _tie_weights(x: Any, out: Any, axis: tuple | None, keepdims: bool) -> np.ndarray:
    """Where x attains the max/min, weight 1/(number of ties); elsewhere 0 (a constant)."""
    px, po = primal(x), primal(out)
    if not keepdims:
        po = np.reshape(po, tuple(1 if (axis is None or k in axis) else n
                                  for k, n in enumerate(np.shape(px))))
    hits = (px == po).astype(np.float64)
    return hits / np.sum(hits, axis=axis, keepdims=True)


def _extremum(name: str, impl: Callable, numpy_fns: Sequence[Any]) -> tuple[Primitive, Callable]:
    def public(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
        return bind(prim, (x,), {"axis": _norm_axis(axis, ndim(x)), "keepdims": bool(keepdims)})

    def jvp(t, out, args, p, batched):
        w = _tie_weights(args[0], out, p["axis"], p["keepdims"])
        return sum_(w * t, _shift_axis(p["axis"], ndim(args[0]), batched), p["keepdims"])

    def vjp(g, out, args, p):
        w = _tie_weights(args[0], out, p["axis"], p["keepdims"])
        return w * _expand_reduced(g, shape(args[0]), p["axis"], p["keepdims"])

    public.__name__ = name
    public.__doc__ = f"numpy.{impl.__name__} over ``axis``; ties share the derivative equally."
    prim = _reduction(name, lambda x, axis, keepdims: impl(x, axis=axis, keepdims=keepdims),
                      public, jvp, vjp,
                      "1 at the extremum, shared equally between ties (maxout over pieces)",
                      numpy_fns)
    return prim, public


_max, max_ = _extremum("max", np.max, [np.max, np.amax])
_min, min_ = _extremum("min", np.min, [np.min, np.amin])


def _prod_others(x: Any, axis: tuple | None) -> Any:
    """∏_{j≠i} x_j along ``axis``, exact even with zeros (differentiable: built from primitives)."""
    nd = ndim(x)
    axes = tuple(range(nd)) if axis is None else axis
    rest = [a for a in range(nd) if a not in axes]
    xt = transpose(x, rest + list(axes)) if nd else x
    lead = shape(xt)[:len(rest)]
    flat = reshape(xt, lead + (-1,))
    n = shape(flat)[-1]
    eye = np.eye(n, dtype=bool)
    others = prod(where(eye, 1.0, reshape(flat, lead + (1, n))), axis=-1)
    back = reshape(others, shape(xt))
    return transpose(back, tuple(np.argsort(rest + list(axes)))) if nd else back


def prod(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """numpy.prod over ``axis``; exact derivative even where entries are zero."""
    return bind(_prod, (x,), {"axis": _norm_axis(axis, ndim(x)), "keepdims": bool(keepdims)})


def _prod_partial(x: Any, out: Any, axis: tuple | None, keepdims: bool) -> Any:
    if np.all(primal(x) != 0.0):
        return _expand_reduced(out, shape(x), axis, keepdims) / x
    return _prod_others(x, axis)


_prod = _reduction(
    "prod", lambda x, axis, keepdims: np.prod(x, axis=axis, keepdims=keepdims), prod,
    lambda t, out, args, p, batched: sum_(
        _prod_partial(args[0], out, p["axis"], p["keepdims"]) * t,
        _shift_axis(p["axis"], ndim(args[0]), batched), p["keepdims"]),
    lambda g, out, args, p: _prod_partial(args[0], out, p["axis"], p["keepdims"])
    * _expand_reduced(g, shape(args[0]), p["axis"], p["keepdims"]),
    "∏_{j≠i} x_j (out/x where no entry is zero, the exact exclusive product otherwise)",
    [np.prod])


# ---------------------------------------------------------------------------
# Matrix products
# ---------------------------------------------------------------------------

def matmul(a: Any, b: Any) -> Any:
    """numpy.matmul (the ``@`` operator), including 1-D and stacked operands."""
    return bind(_matmul, (a, b), {})


def _matmul_jvp_a(t, out, args, p, batched):
    a, b = args
    if not batched:
        return matmul(t, b)
    k = _batch(t)
    if ndim(a) == 1:
        t2 = reshape(t, (k,) + (1,) * max(ndim(b) - 2, 0) + (1, shape(a)[0]))
        return reshape(matmul(t2, b), (k,) + shape(out))
    return matmul(reshape(t, (k,) + (1,) * max(ndim(b) - ndim(a), 0) + shape(a)), b)


def _matmul_jvp_b(t, out, args, p, batched):
    a, b = args
    if not batched:
        return matmul(a, t)
    k = _batch(t)
    if ndim(b) == 1 and ndim(a) == 2:
        return matmul(t, transpose(a))  # (k, m): every direction as a row, contiguous
    if ndim(b) == 1:
        r = matmul(a, transpose(t))  # (..., k): every direction as a column
        return moveaxis(r, -1, 0)
    return matmul(a, reshape(t, (k,) + (1,) * max(ndim(a) - ndim(b), 0) + shape(b)))


def _swap_last(x: Any) -> Any:
    nd = ndim(x)
    return transpose(x, tuple(range(nd - 2)) + (nd - 1, nd - 2))


def _matmul_vjp_a(g, out, args, p):
    a, b = args
    if ndim(b) == 1:
        g = reshape(g, shape(g) + (1,))
        b = reshape(b, (shape(b)[0], 1))
    if ndim(a) == 1:
        g = reshape(g, shape(g)[:-1] + (1, shape(g)[-1]))
        return reshape(unbroadcast(matmul(g, _swap_last(b)), (1, shape(a)[0])), shape(a))
    return unbroadcast(matmul(g, _swap_last(b)), shape(a))


def _matmul_vjp_b(g, out, args, p):
    a, b = args
    if ndim(a) == 1:
        g = reshape(g, shape(g)[:-1] + (1, shape(g)[-1])) if ndim(b) > 1 else reshape(g, (1,) + shape(g))
        a = reshape(a, (1, shape(a)[0]))
    if ndim(b) == 1:
        g = reshape(g, shape(g) + (1,))
        return reshape(unbroadcast(matmul(_swap_last(a), g), (shape(b)[0], 1)), shape(b))
    return unbroadcast(matmul(_swap_last(a), g), shape(b))


_matmul = structural(
    "matmul", np.matmul, [_matmul_jvp_a, _matmul_jvp_b], [_matmul_vjp_a, _matmul_vjp_b], matmul,
    kind="bilinear",
    doc="bilinear: d(a@b) = da@b + a@db; the transposes are g@bᵀ and aᵀ@g",
    samples=lambda rng: (rng.normal(size=(3, 4)), rng.normal(size=(4,))), numpy=[np.matmul])


# ---------------------------------------------------------------------------
# Composite functions: built from the primitives above, no new calculus
# ---------------------------------------------------------------------------

def dot(a: Any, b: Any) -> Any:
    """numpy.dot for scalars, vectors and matrices (mul or matmul)."""
    if ndim(a) == 0 or ndim(b) == 0:
        return mul(a, b)
    if ndim(a) <= 2 and ndim(b) <= 2:
        return matmul(a, b)
    raise NotImplementedError("dot of arrays with more than 2 dimensions: use matmul or tensordot")


def clip(x: Any, lo: Any, hi: Any) -> Any:
    """numpy.clip as minimum(maximum(x, lo), hi): derivative 1 inside, 0 outside, 0.5 at a bound."""
    if lo is not None:
        x = maximum(x, lo)
    return x if hi is None else minimum(x, hi)


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """log Σ exp(x), stable: the max shift is a constant, so the derivative is exactly softmax."""
    ax = _norm_axis(axis, ndim(x))
    m = np.max(primal(x), axis=ax, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    s = log(sum_(exp(x - m), axis=ax, keepdims=True)) + m
    if keepdims:
        return s
    out_shape = tuple(n for k, n in enumerate(shape(x)) if ax is not None and k not in ax)
    return reshape(s, out_shape) if ax is not None else reshape(s, ())


def log_softmax(x: Any, axis: int = -1) -> Any:
    """x - logsumexp(x): stable log-probabilities."""
    return x - logsumexp(x, axis=axis, keepdims=True)


def softmax(x: Any, axis: int = -1) -> Any:
    """exp(log_softmax(x)): stable probabilities along ``axis``."""
    return exp(log_softmax(x, axis=axis))


def expand_dims(x: Any, axis: int) -> Any:
    """numpy.expand_dims via reshape."""
    s = list(shape(x))
    s.insert(int(axis) % (len(s) + 1), 1)
    return reshape(x, tuple(s))


def squeeze(x: Any, axis: Any = None) -> Any:
    """numpy.squeeze via reshape."""
    s = shape(x)
    ax = _norm_axis(axis, len(s))
    return reshape(x, tuple(n for k, n in enumerate(s)
                            if not (n == 1 and (ax is None or k in ax))))


def stop_gradient(x: Any) -> Any:
    """The value of ``x`` with every derivative removed (a constant for all levels)."""
    return primal(x)


def sigmoid_cross_entropy(logits: Any, labels: Any) -> Any:
    """Mean binary cross-entropy from logits, stably: softplus(z) - y z."""
    return mean(softplus(logits) - labels * logits)


# ---------------------------------------------------------------------------
# What other modules read
# ---------------------------------------------------------------------------

#: The expression language's extra spellings (math notation people type).
ALIASES = {"ln": "log", "asin": "arcsin", "acos": "arccos", "atan": "arctan", "atan2": "arctan2",
           "asinh": "arcsinh", "acosh": "arccosh", "atanh": "arctanh", "logistic": "sigmoid"}

PUBLIC_NAMES = {"abs": abs_, "pow": pow_, "sum": sum_, "max": max_, "min": min_}


def expression_functions() -> dict[str, Callable]:
    """Functions callable by name in the expression language (scalar in, scalar out).

    The elementwise primitives of the table plus ``clip``, under their table
    names and the common aliases; the operators ``add sub mul div pow neg``
    are included because the parser maps ``+ - * / ** ^`` to them.
    """
    funcs = {name: prim.fn for name, prim in REGISTRY.items() if prim.kind == "elementwise"}
    funcs["clip"] = clip
    for alias, target in ALIASES.items():
        funcs[alias] = funcs[target]
    return funcs


def numpy_dispatch() -> dict[Any, Callable]:
    """numpy function or ufunc -> dualdiff function, for ``__array_ufunc__``/``__array_function__``."""
    table: dict[Any, Callable] = {}
    for prim in REGISTRY.values():
        for alias in prim.numpy_aliases:
            table[alias] = prim.fn
    table.update({np.mean: mean, np.dot: dot, np.clip: clip, np.moveaxis: moveaxis,
                  np.expand_dims: expand_dims, np.squeeze: squeeze})
    return table
