"""The call-the-library step: gradients and Jacobians of a :class:`Problem` by each method.

Thin on purpose: each function is one way of calling :mod:`dualdiff` (the
gradients are :mod:`dualdiff.compare`'s, the same ones ``compare`` times), and
reports what it cost (passes over the expression, or evaluations of it), so
the commands share the same code. Nothing here knows a derivative rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import dualdiff
from dualdiff import compare as library

from .arguments import Problem
from .errors import NotDefined, UsageProblem

Gradient = library.Outcome
"""A gradient (one entry per variable, in point order) and its cost."""

FD_METHODS = {"central": "central", "richardson": "richardson", "complex-step": "complex-step",
              "five-point": "five-point", "forward-difference": "forward"}
"""The CLI's name of each finite-difference method -> :mod:`dualdiff.finite_diff`'s."""


def target(problem: Problem) -> library.Target:
    return library.Target(problem.expression, problem.variables, problem.values, problem.expression)


def _unit(i: int, n: int) -> tuple[float, ...]:
    return tuple(1.0 if j == i else 0.0 for j in range(n))


def forward_gradient(problem: Problem) -> Gradient:
    """Forward mode: one ``jvp`` pass per variable, each seeded with a unit tangent."""
    return library.forward_gradient(target(problem))


def reverse_gradient(problem: Problem) -> Gradient:
    """Reverse mode: one ``value_and_grad`` (a recorded forward pass and one backward sweep)."""
    return library.reverse_gradient(target(problem))


def check_step(step: float | None) -> float | None:
    if step is not None and not (np.isfinite(step) and step > 0):
        raise UsageProblem(f"--step must be a positive number, got {step!r}")
    return step


def fd_gradient(problem: Problem, method: str = "central", step: float | None = None) -> Gradient:
    """Finite differences of ``dualdiff.finite_diff`` (the independent reference).

    A finite difference that cannot be formed (the stencil leaves the domain,
    complex step through a non-analytic function) raises :class:`NotDefined`
    with the library's explanation in the CLI's words.
    """
    run = library.fd_gradient(FD_METHODS[method])
    try:
        return run(target(problem), step)
    except (ValueError, ArithmeticError, TypeError) as exc:
        row = next((m for m in library.METHODS if m.key == method), None)
        row = row or library.Method(method, method, method, run, "finite-difference")
        raise NotDefined(cli_wording(library.note(row, exc))) from None


def cli_wording(note: str) -> str:
    """A library note in the command line's terms (``--step`` for the step)."""
    return note.replace("pass a smaller step", "pass a smaller --step")


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
        return tuple(float(dualdiff.primal(v)) for v in value)
    return (float(dualdiff.primal(value)),)


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
