"""Evaluation traces in the terminal and in JSON, shared by ``trace``, ``graph`` and ``quiz``.

The numbers and the layout of the table come from the library
(:func:`dualdiff.render.trace_table`, the same cells Markdown and LaTeX
show); this module puts them in a :class:`~dualdiff_cli.layout.Sheet` for the
terminal and writes the nodes' JSON.
"""

from __future__ import annotations

from typing import Any, Sequence

from dualdiff import render
from dualdiff.render import TraceTable
from dualdiff.trace import Trace

from .errors import UsageProblem
from .layout import Column, Sheet, Title
from .output import finite_or_none

MAX_DECIMALS = 16


def check_decimals(decimals: int) -> int:
    if not 0 <= decimals <= MAX_DECIMALS:
        raise UsageProblem(f"--digits must be between 0 and {MAX_DECIMALS}, got {decimals}")
    return decimals


def sheet(table: TraceTable, title: Title | None, notes: Sequence[str] = ()) -> Sheet:
    """A trace table for the terminal: node and operation are text, the rest numbers."""
    columns = [Column(h, number=(kind == "number")) for h, kind in zip(table.header, table.kinds)]
    splits = [[[1, 2], list(range(3, len(columns)))]] if len(columns) > 4 else []
    return Sheet(title, columns, [list(row) for row in table.rows], list(notes), splits)


def adjoint_sums(trace: Trace, decimals: int = 3) -> list[str]:
    """The adjoint sums of the rows used more than once, each as two lines: the terms, then their
    numbers (``v̄₁ = v̄₂·∂v₂/∂v₁ + …`` / ``   = 1·403.429 + … = 404.854``)."""
    lines = []
    for plain, _ in render.accumulation(trace, decimals):
        first = plain.index(" = ")
        second = plain.index(" = ", first + 3)
        lines += [plain[:second], " " * first + plain[second:]]
    return ["adjoints of the rows used more than once add up over their uses:", *lines] if lines else []


def nodes_json(trace: Trace, tangent: bool = True, adjoint: bool = True) -> list[dict[str, Any]]:
    """One object per row: its operation, value, tangent, adjoint, local partials and users."""
    return [{"id": r.id, "name": r.name, "op": r.op, "inputs": list(r.inputs), "value": r.value,
             "tangent": finite_or_none(r.tangent) if tangent else None,
             "adjoint": finite_or_none(r.adjoint) if adjoint else None,
             "partials": [finite_or_none(p) for p in r.partials],
             "used_by": [user.name for user, _ in trace.users(r.name)]} for r in trace.rows]


def output_json(trace: Trace, tangent: bool = True, adjoint: bool = True) -> dict[str, Any]:
    out = trace.output_row
    return {"name": out.name if out is not None else None, "value": trace.value,
            "tangent": finite_or_none(trace.tangent) if tangent else None,
            "gradient": {n: finite_or_none(g) for n, g in trace.gradient.items()} if adjoint else None}
