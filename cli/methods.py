"""The methods ``dualdiff compare`` puts side by side: a list, so more can join.

Each :class:`Method` is a name, how to run it on a :class:`Problem`, and how
to write its JSON entry. ``compare`` loops over :data:`METHODS` in order; the
first one is the reference the others are measured against. To add a row
(say, symbolic differentiation)::

    from dualdiff_cli.methods import Method, ad_entry, register

    register(Method("symbolic", "symbolic (derivative expression)", "symbolic",
                    run=my_symbolic_gradient, entry=ad_entry), after="reverse")

where ``my_symbolic_gradient(problem, step) -> compute.Gradient``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

from . import compute
from .arguments import Problem
from .errors import NotDefined


def ad_entry(names: tuple[str, ...], outcome: compute.Gradient, seconds: float) -> dict[str, Any]:
    """JSON of an automatic-differentiation method: gradient, passes, seconds."""
    return {"gradient": dict(zip(names, outcome.gradient)), "passes": outcome.cost, "seconds": seconds}


def fd_entry(names: tuple[str, ...], outcome: compute.Gradient, seconds: float) -> dict[str, Any]:
    """JSON of a finite-difference method: gradient, evaluations, step and error estimate."""
    return {"gradient": dict(zip(names, outcome.gradient)), "evaluations": outcome.cost,
            "step": dict(zip(names, outcome.step)), "error_estimate": dict(zip(names, outcome.error_estimate))}


@dataclass(frozen=True)
class Method:
    """One row of ``compare``.

    ``key`` names it in JSON, ``label`` in the table, ``short`` in the
    caption. ``run(problem, step)`` returns a :class:`compute.Gradient`; a
    method that can fail at some points for reasons of its own (a finite
    difference near a singularity, complex step through ``abs``) raises
    :class:`NotDefined` and its row says why instead of failing the command.
    """

    key: str
    label: str
    short: str
    run: Callable[[Problem, float | None], compute.Gradient]
    entry: Callable[[tuple[str, ...], compute.Gradient, float], dict[str, Any]]


METHODS: list[Method] = [
    Method("forward", "forward mode", "forward",
           lambda problem, step: compute.forward_gradient(problem), ad_entry),
    Method("reverse", "reverse mode", "reverse",
           lambda problem, step: compute.reverse_gradient(problem), ad_entry),
    Method("symbolic", "symbolic (derivative expression)", "symbolic",
           lambda problem, step: _symbolic_gradient(problem, step), ad_entry),
    Method("finite_difference", "central differences", "central differences",
           lambda problem, step: compute.fd_gradient(problem, "central", step), fd_entry),
    Method("richardson", "Richardson", "Richardson",
           lambda problem, step: compute.fd_gradient(problem, "richardson", step), fd_entry),
    Method("complex_step", "complex step", "complex step",
           lambda problem, step: compute.fd_gradient(problem, "complex-step"), fd_entry),
]
"""The rows of ``compare``, in order; ``METHODS[0]`` is the reference (forward mode)."""


def _symbolic_gradient(problem: Problem, step: float | None) -> compute.Gradient:
    """The ``symbolic`` row (lives with the ``symbolic`` command; imported when compare runs it)."""
    from .commands.symbolic import gradient

    return gradient(problem, step)


def register(method: Method, after: str | None = None) -> None:
    """Add ``method`` to :data:`METHODS`, at the end or right after the method keyed ``after``."""
    if any(m.key == method.key for m in METHODS):
        raise ValueError(f"a compare method keyed {method.key!r} is already registered")
    if after is None:
        METHODS.append(method)
        return
    keys = [m.key for m in METHODS]
    METHODS.insert(keys.index(after) + 1, method)


TIME_BUDGET = 0.002
"""Seconds of repeats per method; the best run is reported (a single run of a
microsecond-scale pass is mostly noise)."""
MAX_REPEATS = 25


@dataclass(frozen=True)
class Run:
    """A method's outcome (or why it could not run) and its best wall time."""

    method: Method
    outcome: compute.Gradient | None
    seconds: float
    failure: str | None = None


def _timed(method: Method, problem: Problem, step: float | None) -> Run:
    best = float("inf")
    spent = 0.0
    outcome = None
    for _ in range(MAX_REPEATS):
        start = time.perf_counter()
        outcome = method.run(problem, step)
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        spent += elapsed
        if spent >= TIME_BUDGET:
            break
    return Run(method, outcome, best)


def run_all(problem: Problem, step: float | None, methods: list[Method] | None = None) -> list[Run]:
    """Run every method on ``problem``; a method's own :class:`NotDefined` becomes its row's note."""
    runs = []
    for method in METHODS if methods is None else methods:
        try:
            runs.append(_timed(method, problem, step))
        except NotDefined as exc:
            runs.append(Run(method, None, 0.0, exc.message))
    return runs
