"""The evaluation trace of a function, as the lecture and Baydin et al. draw it.

One row per intermediate variable: inputs are ``v₋ₙ₊₁ … v₀``, intermediates
``v₁, v₂, …`` in evaluation order, each with its operation, primal value,
forward tangent (seeded on one input), reverse adjoint (of the output) and
the local partial derivative with respect to each of its inputs.

Nothing here differentiates by hand: the function is recorded once on a tape
whose values are Duals, so the tape's nodes carry the forward tangents, one
backward sweep over the same tape gives the adjoints, and each local partial
is one forward pass through that row's primitive alone. All of it comes from
the primitive table's rules through the two modes.

A row used by several later rows (a shared subexpression: ``x*z`` in Quiz #1
when the expression is parsed with sharing, the default) is where reverse
mode *accumulates*: its adjoint is the sum over its uses,
``v̄₁ = v̄₃·∂v₃/∂v₁ + v̄₇·∂v₇/∂v₁``; :meth:`Trace.adjoint_terms` lists the terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from .core import new_level, primal, release
from .dual import Dual, new_dual
from .tape import Tape, Var
from .views import NotebookViews


@dataclass(frozen=True)
class TraceRow:
    """One intermediate variable: ``inputs`` are row names (``v₋₁``) or constants (floats).

    ``partials[i]`` is ∂(this row)/∂(input ``i``) at the point (None for a
    constant input, or when the rule has no finite value there).
    """

    id: int
    name: str
    op: str
    inputs: tuple
    value: float
    tangent: float | None
    adjoint: float | None
    partials: tuple = ()


@dataclass(frozen=True)
class AdjointTerm:
    """One term of an adjoint's sum: ``v̄_user · ∂v_user/∂v_row``."""

    user: str
    """The row that uses this one."""
    user_adjoint: float | None
    partial: float | None


@dataclass(frozen=True)
class Trace(NotebookViews):
    """The rows, the output's value, ∂output/∂wrt (forward) and the gradient (reverse)."""

    _view = "trace"  # drawn by dualdiff.render.trace_markdown/_latex/_html
    _latex_array = True

    rows: tuple[TraceRow, ...]
    variables: tuple[str, ...]
    wrt: str | None
    value: float
    tangent: float | None
    gradient: dict[str, float]
    text: str | None = None
    """The expression, when the trace was made from text (for titles)."""
    point: dict[str, float] | None = None

    @property
    def output_row(self) -> TraceRow | None:
        """The row holding the function's value, or None when the output is a constant.

        The output is recorded last, and the backward sweep is seeded there
        with exactly 1, so the last row is the output when it has that value
        and that adjoint; a function whose result does not depend on its
        inputs (``sign(x)``) leaves no output row on the tape.
        """
        last = self.rows[-1]
        if last.value == self.value and last.adjoint == 1.0:
            return last
        return None

    def users(self, name: str) -> list[tuple[TraceRow, int]]:
        """The rows that take row ``name`` as an input, with the input's position."""
        return [(row, i) for row in self.rows for i, item in enumerate(row.inputs)
                if row.op != "input" and item == name]

    def fan_out(self, name: str) -> int:
        """How many times row ``name`` is used (more than one: its adjoint is a sum)."""
        return len(self.users(name))

    def adjoint_terms(self, name: str) -> list[AdjointTerm]:
        """The terms whose sum is the adjoint of row ``name``: one per use, ``v̄ⱼ·∂vⱼ/∂vᵢ``."""
        return [AdjointTerm(row.name, row.adjoint, row.partials[i] if i < len(row.partials) else None)
                for row, i in self.users(name)]


def _subscript(k: int) -> str:
    digits = str(abs(k)).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
    return ("₋" if k < 0 else "") + digits


def variable_name(index: int, n_inputs: int) -> str:
    """``v₋₁``, ``v₀`` for the inputs, ``v₁``, ``v₂``… for the intermediates."""
    return "v" + _subscript(index - n_inputs + 1)


def local_partials(op: str, args: Sequence[float]) -> tuple[float | None, ...]:
    """∂op/∂argᵢ at ``args``, each by one forward pass through the table's primitive alone."""
    from .api import jvp
    from .primitives import REGISTRY

    primitive = REGISTRY.get(op)
    if primitive is None:
        return tuple(None for _ in args)
    out: list[float | None] = []
    for i in range(len(args)):
        unit = tuple(1.0 if j == i else 0.0 for j in range(len(args)))
        try:
            out.append(float(primal(jvp(primitive.fn, tuple(float(a) for a in args), unit)[1])))
        except (ArithmeticError, ValueError, TypeError):
            out.append(None)
    return tuple(out)


def evaluation_trace(f: Callable[..., Any], point: Sequence[float], variables: Sequence[str],
                     wrt: str | None = None) -> Trace:
    """Record ``f(*point)`` and return its trace with tangents (seeded on ``wrt``) and adjoints.

    ``f`` may be any function of floats built from dualdiff's functions, or an
    :class:`~dualdiff.expr.Expression` (then the trace remembers its text,
    for titles, and shared subexpressions appear once).
    """
    variables = tuple(variables)
    point = tuple(point)
    if len(point) != len(variables):
        raise ValueError(f"the point has {len(point)} value{'s' if len(point) != 1 else ''} but "
                         f"there {'are' if len(variables) != 1 else 'is'} {len(variables)} "
                         f"variable{'s' if len(variables) != 1 else ''} ({', '.join(variables)})")
    if wrt is not None and wrt not in variables:
        raise ValueError(f"`{wrt}` is not one of the variables ({', '.join(variables)})")
    level = new_level()
    tape = Tape()
    leaves = [tape.leaf(new_dual(float(x), 1.0 if name == wrt else 0.0, level), name)
              for x, name in zip(point, variables)]
    try:
        out = f(*leaves)
    finally:
        release(level)
        tape.finished = True
    adjoints = tape.backward(out, 1.0, keep=True)
    n = len(variables)
    rows: list[TraceRow] = []
    for rec, stored in zip(tape.records(adjoints), tape.outs):
        tangent = stored.tangent if isinstance(stored, Dual) and stored._level == level else 0.0
        if rec.id < n:
            inputs: tuple = (rec.op,)
            partials: tuple = ()
        else:
            inputs = tuple(variable_name(i, n) if isinstance(i, int) else float(i[1]) for i in rec.inputs)
            values = [rows[i].value if isinstance(i, int) else float(i[1]) for i in rec.inputs]
            partials = tuple(p if isinstance(item, str) else None
                             for p, item in zip(local_partials(rec.op, values), inputs))
        rows.append(TraceRow(
            id=rec.id, name=variable_name(rec.id, n),
            op="input" if rec.id < n else rec.op, inputs=inputs,
            value=float(primal(rec.value)),
            tangent=float(primal(tangent)) if wrt is not None else None,
            adjoint=0.0 if rec.adjoint is None else float(primal(rec.adjoint)),
            partials=partials))
    out_value = primal(out)
    inner = out.value if isinstance(out, Var) else out
    out_tangent = inner.tangent if isinstance(inner, Dual) and inner._level == level else 0.0
    gradient = {name: rows[i].adjoint for i, name in enumerate(variables)}
    text = getattr(f, "text", None)
    return Trace(tuple(rows), variables, wrt, float(out_value),
                 float(primal(out_tangent)) if wrt is not None else None, gradient,
                 text if isinstance(text, str) else None,
                 {name: float(x) for name, x in zip(variables, point)})
