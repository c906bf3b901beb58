"""Finite differences and gradient checking: the independent reference.

Forward mode, reverse mode and symbolic differentiation all read the derivative
rules of the primitive table. This module reads none of them: it only evaluates
the user's function at nearby points with plain numpy arithmetic. When the
modes agree with it, that agreement is evidence; when they agree only with each
other, it is not. ``check_grads`` is the single place that calls into the
library (lazily, so this module imports without it) to make that comparison.

Every estimate comes back as an :class:`FDResult` that carries, next to the
value, the step actually used, the number of function evaluations and an error
estimate, because a finite difference without its error is a number one cannot
trust or compare.

Methods (``method=``):

``"forward"``, ``"backward"``
    one-sided, error O(h); default step ``eps**(1/2) * max(|x|, 1)``.
``"central"`` (default)
    error O(h**2); default step ``eps**(1/3) * max(|x|, 1)``.
``"five-point"``
    error O(h**4); default step ``eps**(1/5) * max(|x|, 1)``.
``"richardson"``
    central differences on the ladder h, h/2, h/4, ... combined in a Neville
    tableau (polynomial extrapolation in h**2 to h = 0); the entry whose
    neighbours agree best is returned, with that disagreement as the error
    (Ridders' method). Base step ``0.1 * max(|x|, 1)``.
``"complex-step"``
    ``f'(x) = Im f(x + i h) / h`` with h = 1e-20: no subtraction, so no
    round-off amplification, but only valid for analytic functions. The
    perturbed input refuses non-analytic operations (see :class:`_ComplexProbe`).

The default steps balance truncation error (which grows with h) against
round-off error (``eps * |f| / h``, which grows as h shrinks); each step is
then replaced by ``(x + h) - x`` so that the step used is exactly the distance
between the two points the function saw.
"""

from __future__ import annotations

from .gradcheck import check_grads
from .methods import (COMPLEX_STEP, EPS, METHODS, RICHARDSON_BASE, RICHARDSON_LEVELS, FDResult,
                      StepSweep, derivative, directional, gradient, jacobian, step_sweep)

__all__ = ["FDResult", "StepSweep", "METHODS", "derivative", "gradient", "jacobian",
           "directional", "step_sweep", "check_grads", "EPS", "COMPLEX_STEP", "RICHARDSON_BASE",
           "RICHARDSON_LEVELS"]
