"""The call-the-library step: gradients and Jacobians of a :class:`Problem` by each method.

Thin on purpose: each function is one way of calling :mod:`dualdiff`, and
reports what it cost (passes over the expression, or evaluations of it), so
``compare`` can put the modes side by side and the other commands share the
same code. Nothing here knows a derivative rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

import dualdiff
from dualdiff import finite_diff

from .arguments import Problem
from .errors import NotDefined, UsageProblem


@dataclass(frozen=True)
class Gradient:
    """A gradient (one entry per variable, in point order) and what it cost.

    ``cost`` counts ``unit``s: forward-mode passes, reverse-mode sweeps or
    function evaluations. Finite differences also give the step and their
    error estimate per variable.
    """

    gradient: tuple[float, ...]
    cost: int
    unit: str
    step: tuple[float, ...] = field(default=())
    error_estimate: tuple[float, ...] = field(default=())


def _unit(i: int, n: int) -> tuple[float, ...]:
    return tuple(1.0 if j == i else 0.0 for j in range(n))


def forward_gradient(problem: Problem) -> Gradient:
    """Forward mode: one ``jvp`` pass per variable, each seeded with a unit tangent."""
    n = len(problem.variables)
    partials = [dualdiff.jvp(problem.expression, problem.values, _unit(i, n))[1] for i in range(n)]
    return Gradient(tuple(float(p) for p in partials), n, "jvp pass")


def reverse_gradient(problem: Problem) -> Gradient:
    """Reverse mode: one ``value_and_grad`` (a recorded forward pass and one backward sweep)."""
    n = len(problem.variables)
    _, grads = dualdiff.value_and_grad(problem.expression, argnums=tuple(range(n)))(*problem.values)
    return Gradient(tuple(float(g) for g in grads), 1, "backward sweep")


def check_step(step: float | None) -> float | None:
    if step is not None and not (np.isfinite(step) and step > 0):
        raise UsageProblem(f"--step must be a positive number, got {step!r}")
    return step


def fd_gradient(problem: Problem, method: str = "central", step: float | None = None) -> Gradient:
    """Finite differences of ``dualdiff.finite_diff`` (the independent reference).

    A finite difference that cannot be formed (the stencil leaves the domain,
    complex step through a non-analytic function) raises :class:`NotDefined`
    with the library's explanation.
    """
    expression = problem.expression

    def f(x: np.ndarray) -> object:
        return expression(*x)

    try:
        result = finite_diff.gradient(f, np.array(problem.values), method=method, step=step)
    except (ValueError, ArithmeticError) as exc:
        reason = str(exc).replace("pass a smaller step=", "pass a smaller --step")
        raise NotDefined(f"finite differences ({method}): {reason}") from None
    return Gradient(_floats(result.value), result.evaluations, "evaluation",
                    _floats(result.step), _floats(result.error_estimate))


def _floats(values: object) -> tuple[float, ...]:
    return tuple(float(v) for v in np.atleast_1d(np.asarray(values, dtype=float)))


@dataclass(frozen=True)
class Jacobian:
    """Rows are outputs, columns variables; ``cost`` passes of ``unit``."""

    rows: tuple[tuple[float, ...], ...]
    cost: int
    unit: str


def forward_jacobian(problem: Problem) -> Jacobian:
    """One ``jvp`` pass per variable gives one column each."""
    n = len(problem.variables)
    columns = []
    for i in range(n):
        _, tangent = dualdiff.jvp(problem.expression, problem.values, _unit(i, n))
        columns.append(_as_outputs(tangent))
    return Jacobian(tuple(zip(*columns)), n, "jvp pass")


def reverse_jacobian(problem: Problem) -> Jacobian:
    """One recorded forward pass, then one backward sweep per output gives one row each."""
    m = len(problem.outputs)
    _, pullback = dualdiff.vjp(problem.expression, *problem.values)
    rows = []
    for i in range(m):
        cotangent = _unit(i, m) if m > 1 else 1.0
        rows.append(tuple(float(dualdiff.primal(g)) for g in pullback(cotangent)))
    return Jacobian(tuple(rows), m, "backward sweep")


def _as_outputs(value: object) -> tuple[float, ...]:
    if isinstance(value, tuple):
        return tuple(float(v) for v in value)
    return (float(value),)


def nth_derivatives(problem: Problem, variable: str, order: int) -> tuple[float, ...]:
    """f, f', ..., f^(order) in one variable (the others held fixed), by nested forward mode."""
    index = problem.variables.index(variable)
    values = list(problem.values)

    def along(t: object) -> object:
        args = values[:index] + [t] + values[index + 1:]
        return problem.expression(*args)

    x = values[index]
    return tuple(float(dualdiff.derivative(along, k)(x)) for k in range(order + 1))


def directional(problem: Problem, tangents: tuple[float, ...]) -> tuple[float, ...]:
    """J·v of every output by one forward pass (``jvp``), ``tangents`` in variable order."""
    _, tangent = dualdiff.jvp(problem.expression, problem.values, tangents)
    return _as_outputs(tangent)
