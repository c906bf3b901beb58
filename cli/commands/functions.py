"""``dualdiff functions``: what an expression can call, read from the primitive table.

Nothing here is written by hand per function: names, aliases, arguments,
derivative rules and notes all come from ``dualdiff.primitives.REGISTRY``
(through the expression language's namespace), and the operators' symbols
from :data:`dualdiff.nodes.OPERATORS`, so a new primitive shows up by itself.
"""

from __future__ import annotations

import difflib
import inspect
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from rich.console import RenderableType

from dualdiff.expr import CONSTANTS
from dualdiff.nodes import OPERATORS
from dualdiff.primitives import REGISTRY, expression_functions

from .. import output
from ..errors import UsageProblem
from ..layout import Column, Sheet, Title


@dataclass(frozen=True)
class FunctionInfo:
    name: str
    call: str
    """How to write it: ``sin(x)``, ``x + y``."""
    aliases: tuple[str, ...]
    derivative: str
    note: str


def _call(name: str, arguments: list[str]) -> str:
    """``sin(x)``; an operator as it is written between its operands (``x + y``, ``-x``)."""
    if name in OPERATORS and len(arguments) == 2:
        symbol = OPERATORS[name][0]
        text = f"{arguments[0]} {symbol} {arguments[1]}"
        return text + (f", {arguments[0]} ^ {arguments[1]}" if name == "pow" else "")
    if name == "neg" and len(arguments) == 1:
        return f"-{arguments[0]}"
    return f"{name}({', '.join(arguments)})"


def _primitive(name: str, fn: Callable[..., Any]) -> Any:
    """The table entry of the function ``name`` (a public wrapper such as ``leaky_relu``'s, with its
    default slope, is not the entry's own function, so the name decides then)."""
    return next((p for p in REGISTRY.values() if p.fn is fn), None) or REGISTRY.get(name)


def _doc(name: str, fn: Callable[..., Any]) -> tuple[list[str], str]:
    """The argument names and the entry's doc without its call: an entry whose doc starts with
    its call (``arctan2(y, x): …``) names its arguments there; else the function's signature."""
    primitive = _primitive(name, fn)
    doc = primitive.doc if primitive is not None else ""
    if doc.startswith(name + "(") and "): " in doc:
        call, _, rest = doc.partition("): ")
        return [a.strip() for a in call[len(name) + 1:].split(",")], rest
    return list(inspect.signature(fn).parameters), doc


def _rule_and_note(name: str, fn: Callable[..., Any], doc: str) -> tuple[str, str]:
    """The entry's doc split at its first '; ': the rule, then the domain or kink note."""
    if _primitive(name, fn) is None:  # a composite of primitives (clip): its docstring says what it is built from
        text = inspect.getdoc(fn) or ""
        return (text.splitlines()[0] if text else ""), "built from primitives (no rule of its own)"
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
        primitive = _primitive(names[0], fn)
        name = primitive.name if primitive is not None else names[0]
        arguments, doc = _doc(name, fn)
        rule, note = _rule_and_note(name, fn, doc)
        entries.append(FunctionInfo(name, _call(name, arguments), tuple(n for n in names if n != name),
                                    rule, note))
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
    columns = [Column("function", number=False), Column("aliases", number=False, wrap=True),
               Column("derivative rule", number=False, wrap=True),
               Column("domain / kinks", number=False, wrap=True)]
    sheet = Sheet(Title(["Functions of the expression language"], ["(from the primitive table)"]), columns)
    for e in entries:
        sheet.add_row(e.call, ", ".join(e.aliases), e.derivative, e.note)
    sheet.notes = [f"constants: {', '.join(CONSTANTS)}; ^ is power, as **"]
    return sheet


def to_json(entries: list[FunctionInfo]) -> dict[str, Any]:
    return {
        "functions": [{"name": e.name, "call": e.call, "aliases": list(e.aliases),
                       "derivative": e.derivative, "note": e.note} for e in entries],
        "constants": dict(CONSTANTS),
    }


def main(names: Sequence[str], as_json: bool) -> None:
    output.show("functions", select(names), render, to_json, as_json)
