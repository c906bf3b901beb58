"""``dualdiff functions``: what an expression can call, read from the primitive table.

Nothing here is written by hand per function: names, aliases, arguments,
derivative rules and notes all come from ``dualdiff.REGISTRY`` (through the
expression language's namespace), so a new primitive shows up by itself.
"""

from __future__ import annotations

import difflib
import inspect
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from rich.console import RenderableType
from rich.text import Text

from dualdiff.expr import CONSTANTS
from dualdiff.primitives import expression_functions

from .. import output
from ..errors import UsageProblem

OPERATORS = {"add": "x + y", "sub": "x - y", "mul": "x * y", "div": "x / y", "pow": "x ** y, x ^ y",
             "neg": "-x"}
"""How the operator primitives are written in an expression."""


@dataclass(frozen=True)
class FunctionInfo:
    name: str
    call: str
    """How to write it: ``sin(x)``, ``x + y``."""
    aliases: tuple[str, ...]
    derivative: str
    note: str


def _arguments(fn: Callable[..., Any]) -> list[str]:
    """Argument names: from the first partial rule (``(out, y, x)`` -> ``y, x``), else the signature."""
    primitive = getattr(fn, "primitive", None)
    partials = getattr(primitive, "partials", None)
    if partials:
        return list(inspect.signature(partials[0]).parameters)[1:]
    return list(inspect.signature(fn).parameters)


def _rule_and_note(fn: Callable[..., Any]) -> tuple[str, str]:
    """The entry's doc split at its first '; ': the rule, then the domain or kink note."""
    primitive = getattr(fn, "primitive", None)
    if primitive is not None:
        doc = primitive.doc
    else:  # a composite of primitives (clip): its docstring says what it is built from
        doc = (inspect.getdoc(fn) or "").splitlines()[0] if inspect.getdoc(fn) else ""
        return doc, "built from primitives (no rule of its own)"
    rule, _, note = doc.partition("; ")
    return rule, note


def catalogue() -> list[FunctionInfo]:
    """One entry per distinct function, in table order, with every name it answers to."""
    by_function: dict[int, list[str]] = {}
    functions = expression_functions()
    for name, fn in functions.items():
        by_function.setdefault(id(fn), []).append(name)
    entries = []
    for names in by_function.values():
        fn = functions[names[0]]
        primitive = getattr(fn, "primitive", None)
        name = primitive.name if primitive is not None else names[0]
        rule, note = _rule_and_note(fn)
        call = OPERATORS.get(name) or f"{name}({', '.join(_arguments(fn))})"
        entries.append(FunctionInfo(name, call, tuple(n for n in names if n != name), rule, note))
    return entries


def select(names: Sequence[str]) -> list[FunctionInfo]:
    """The entries for ``names`` (any alias works); all of them when ``names`` is empty."""
    entries = catalogue()
    if not names:
        return entries
    lookup = {n: e for e in entries for n in (e.name, *e.aliases)}
    chosen = []
    for name in names:
        if name not in lookup:
            close = difflib.get_close_matches(name, list(lookup), n=1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            raise UsageProblem(f"unknown function `{name}`{hint}")
        if lookup[name] not in chosen:
            chosen.append(lookup[name])
    return chosen


def render(entries: list[FunctionInfo]) -> RenderableType:
    table = output.table("Functions of the expression language (from the primitive table)")
    table.add_column("function", no_wrap=True)
    table.add_column("aliases")
    table.add_column("derivative rule")
    table.add_column("domain / kinks")
    for e in entries:
        table.add_row(Text(e.call), Text(", ".join(e.aliases)), Text(e.derivative), Text(e.note))
    return output.with_notes(table, f"constants: {', '.join(CONSTANTS)}; ^ is power, as **")


def to_json(entries: list[FunctionInfo]) -> dict[str, Any]:
    return {
        "functions": [{"name": e.name, "call": e.call, "aliases": list(e.aliases),
                       "derivative": e.derivative, "note": e.note} for e in entries],
        "constants": dict(CONSTANTS),
    }


def main(names: Sequence[str], as_json: bool) -> None:
    output.show(select(names), render, to_json, as_json)
