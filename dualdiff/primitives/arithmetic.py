"""Arithmetic: the operators ``+ - * / **`` and their relatives, as elementwise entries.

Each entry gives one partial derivative per argument (``partial(out, *args)``),
written with dualdiff's own functions so that it is differentiable again.
Rules call ``div(a, b)`` instead of ``a / b`` wherever both operands can be
plain floats: Python's ``/`` raises ``ZeroDivisionError`` where numpy's
semantics (inf/NaN) are the contract. ``pow`` lives with the logarithms in
:mod:`.elementary` because its rule needs ``log``.
"""

from __future__ import annotations

import operator

import numpy as np

from .registry import elementwise

__all__ = ["neg", "add", "sub", "mul", "div", "square", "reciprocal"]

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
                  scalar_impl=operator.mul, doc="∂/∂x = y, ∂/∂y = x", domain=_R * 2,
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
