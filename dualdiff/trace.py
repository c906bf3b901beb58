"""The evaluation trace of a function, as the lecture and Baydin et al. draw it.

One row per intermediate variable: inputs are ``v₋ₙ₊₁ … v₀``, intermediates
``v₁, v₂, …`` in evaluation order, each with its operation, primal value,
forward tangent (seeded on one input) and reverse adjoint (of the output).

Nothing here differentiates: the function is recorded once on a tape whose
values are Duals, so the tape's nodes carry the forward tangents, and one
backward sweep over the same tape gives the adjoints. Both come from the
primitive table's rules through the two modes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from .core import new_level, primal
from .dual import Dual, new_dual
from .tape import Tape, Var


@dataclass(frozen=True)
class TraceRow:
    """One intermediate variable: ``inputs`` are row names (``v₋₁``) or constants (floats)."""

    id: int
    name: str
    op: str
    inputs: tuple
    value: float
    tangent: float | None
    adjoint: float | None


@dataclass(frozen=True)
class Trace:
    """The rows, the output's value, ∂output/∂wrt (forward) and the gradient (reverse)."""

    rows: tuple[TraceRow, ...]
    variables: tuple[str, ...]
    wrt: str | None
    value: float
    tangent: float | None
    gradient: dict[str, float]


def _subscript(k: int) -> str:
    digits = str(abs(k)).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
    return ("₋" if k < 0 else "") + digits


def variable_name(index: int, n_inputs: int) -> str:
    """``v₋₁``, ``v₀`` for the inputs, ``v₁``, ``v₂``… for the intermediates."""
    return "v" + _subscript(index - n_inputs + 1)


def evaluation_trace(f: Callable[..., Any], point: Sequence[float], variables: Sequence[str],
                     wrt: str | None = None) -> Trace:
    """Record ``f(*point)`` and return its trace with tangents (seeded on ``wrt``) and adjoints."""
    variables = tuple(variables)
    if wrt is not None and wrt not in variables:
        raise ValueError(f"`{wrt}` is not one of the variables ({', '.join(variables)})")
    level = new_level()
    tape = Tape()
    leaves = [tape.leaf(new_dual(float(x), 1.0 if name == wrt else 0.0, level), name)
              for x, name in zip(point, variables)]
    out = f(*leaves)
    adjoints = tape.backward(out, 1.0, keep=True)
    n = len(variables)
    rows = []
    for rec, stored in zip(tape.records(adjoints), tape.outs):
        tangent = stored.tangent if isinstance(stored, Dual) and stored._level == level else 0.0
        rows.append(TraceRow(
            id=rec.id, name=variable_name(rec.id, n),
            op="input" if rec.id < n else rec.op,
            inputs=(rec.op,) if rec.id < n else tuple(
                variable_name(i, n) if isinstance(i, int) else float(i[1]) for i in rec.inputs),
            value=float(primal(rec.value)),
            tangent=float(primal(tangent)) if wrt is not None else None,
            adjoint=0.0 if rec.adjoint is None else float(primal(rec.adjoint))))
    out_value = primal(out)
    inner = out.value if isinstance(out, Var) else out
    out_tangent = inner.tangent if isinstance(inner, Dual) and inner._level == level else 0.0
    gradient = {name: rows[i].adjoint for i, name in enumerate(variables)}
    return Trace(tuple(rows), variables, wrt, float(out_value),
                 float(primal(out_tangent)) if wrt is not None else None, gradient)
