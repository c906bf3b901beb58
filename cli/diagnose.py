"""Why is a derivative not finite? Find the operation and say so (exit 1).

The value is checked before differentiating (``log(-1.0)`` is caught
there), but a function can be finite where its derivative is not:
``sqrt(x)`` at 0. When a command meets a non-finite derivative it calls
:func:`require_finite`, which reruns one forward pass with every function of
the expression watched, and names the first call whose output tangent stops
being finite although its inputs' tangents were finite: ``the derivative of
sqrt(0.0) is inf``. No derivative is computed here, only observed.
"""

from __future__ import annotations

import functools
import math
from typing import Any, Callable, Iterable

import numpy as np

import dualdiff
from dualdiff import expr
from dualdiff.primitives import expression_functions

from .arguments import Problem
from .errors import NotDefined, Overflows


def _tangent(value: Any) -> Any:
    return value.tangent if isinstance(value, dualdiff.Dual) else 0.0


def _finite(value: Any) -> bool:
    return bool(np.all(np.isfinite(value)))


def _call_text(name: str, args: tuple) -> str:
    return f"{name}({', '.join(repr(float(dualdiff.primal(a))) for a in args)})"


OVERFLOW_NEAR = 1e300
"""A derivative that is inf while the operation's value is this large has overflowed (the exact
derivative is finite but beyond the largest float), rather than being infinite."""


TINY = 1e-150
"""A non-zero input this small to an operation whose derivative is inf: the derivative is finite
(no function of the table has a singular point there) but beyond the largest float (1/x at 1e-300)."""


def _overflowed(fn: Callable[..., Any], args: tuple, value: float) -> bool:
    """Whether an inf output tangent of ``fn(*args)`` is a finite derivative beyond the largest float
    rather than an infinite one (``sqrt`` at 0)."""
    if math.isfinite(value) and value >= OVERFLOW_NEAR:
        return True
    primals = [abs(float(dualdiff.primal(a))) for a in args]
    if all(0.0 < p < math.inf for p in primals) and min(primals) < TINY:
        return True
    # The output tangent is linear in the input tangents: if it is finite for the input tangents
    # scaled down, the derivative is finite and only the tangent overflowed (2*x along 1e308).
    scale = 2.0 ** -600
    duals = [a for a in args if isinstance(a, dualdiff.Dual)]
    if not duals or any(not isinstance(a.tangent, float) for a in duals):
        return False
    scaled = tuple(dualdiff.Dual(a.value, a.tangent * scale, level=a.level)
                   if isinstance(a, dualdiff.Dual) else a for a in args)
    small = float(dualdiff.primal(_tangent(fn(*scaled))))
    return math.isfinite(small) and small != 0.0


def _watched(name: str, fn: Callable[..., Any], found: list[str]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def watched(*args: Any) -> Any:
        out = fn(*args)
        if not found and all(_finite(_tangent(a)) for a in args) and not _finite(_tangent(out)):
            tangent = float(dualdiff.primal(_tangent(out)))
            value = abs(float(dualdiff.primal(out)))
            if abs(tangent) == math.inf and _overflowed(fn, args, value):
                found.append(f"the derivative of {_call_text(name, args)} overflows "
                             "(beyond the largest float, 1.8e308)")
            else:
                found.append(f"the derivative of {_call_text(name, args)} is {tangent!r}")
        return out

    return watched


def culprit(problem: Problem, direction: dict[str, float]) -> str | None:
    """The first operation whose derivative is not finite along ``direction``, described; or None."""
    found: list[str] = []
    functions = {name: _watched(name, fn, found) for name, fn in expression_functions().items()}
    watched = expr.compile(problem.text, variables=problem.variables, functions=functions,
                           share=problem.expression.shared)
    tangents = tuple(float(direction.get(name, 0.0)) for name in problem.variables)
    with np.errstate(all="ignore"):
        dualdiff.jvp(watched, problem.values, tangents)
    return found[0] if found else None


def require_finite(problem: Problem, entries: Iterable[tuple[str, float, dict[str, float]]]) -> None:
    """Raise :class:`NotDefined` for the first ``(label, value, direction)`` whose value is not finite.

    ``label`` names the derivative (``∂f/∂x``); ``direction`` is the tangent
    that produces it, used to find the operation responsible.
    """
    for label, value, direction in entries:
        if not math.isfinite(value):
            reason = culprit(problem, direction)
            where = f" at {problem.describe_point()}"
            if reason and "overflows" in reason:
                raise Overflows(f"the derivative {label} overflows{where}: {reason}")
            raise NotDefined(f"the derivative {label} is not finite ({value!r}){where}"
                             + (f": {reason}" if reason else ""))
