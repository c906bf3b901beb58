"""How the teaching commands write things down: trace operations, short numbers, DOT and Markdown text.

The evaluation trace of :mod:`dualdiff.trace` names each operation by its
primitive (``mul``) and its inputs by row name (``v₋₁``) or constant. This
module turns that into what a lecture slide shows: ``v₋₁ · v₀``,
``log(v₋₁)``, ``v₀ ^ 2``; in LaTeX for ``--format latex``. Nothing here
knows a derivative: it is notation only.
"""

from __future__ import annotations

import math
from typing import Sequence

INFIX = {"add": "+", "sub": "-", "mul": "·", "div": "/", "pow": "^"}
"""Operator primitives written between their operands, as on the lecture's slides."""

LATEX_INFIX = {"add": "+", "sub": "-", "mul": r"\cdot", "div": "/"}

LATEX_FUNCTIONS = {"sin", "cos", "tan", "exp", "sinh", "cosh", "tanh", "arcsin", "arccos", "arctan"}
"""Functions LaTeX has a command for (``\\sin``); ``log`` is written ``\\ln``, the rest ``\\operatorname``."""

_SUBSCRIPT_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉₋", "0123456789-")


def short(value: float | None, decimals: int = 3) -> str:
    """A number as the lecture's tables print it: ``decimals`` places, trailing zeros dropped.

    ``0.6931471805599453`` -> ``0.693``, ``10.0`` -> ``10``; numbers too small
    or too large for fixed point keep ``decimals`` significant places in
    scientific notation, so nothing shrinks to ``0`` that is not zero.
    """
    if value is None:
        return ""
    if not math.isfinite(value):
        return str(value)
    if value == 0.0:
        return "0"
    magnitude = abs(value)
    smallest_fixed = 10.0 ** (1 - decimals) if decimals else 1.0  # at least two significant digits
    if smallest_fixed <= magnitude < 1e7:
        text = f"{value:.{decimals}f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
    else:
        mantissa, exponent = f"{value:.{decimals}e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
        text = f"{mantissa}e{exponent}"
    return "0" if text in ("-0", "0") else text


def constant(value: float) -> str:
    """A constant operand: as short as it round-trips (``2``, ``3.141592653589793``)."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _operand(item: object) -> str:
    return item if isinstance(item, str) else constant(float(item))  # type: ignore[arg-type]


def operation(op: str, inputs: Sequence[object]) -> str:
    """The right-hand side of a trace row: ``v₋₁ · v₀``, ``log(v₋₁)``, ``-v₂``; an input's variable name."""
    if op == "input":
        return str(inputs[0])
    operands = [_operand(i) for i in inputs]
    if op in INFIX and len(operands) == 2:
        return f"{operands[0]} {INFIX[op]} {operands[1]}"
    if op == "neg" and len(operands) == 1:
        return f"-{operands[0]}"
    return f"{op}({', '.join(operands)})"


def latex_name(name: str) -> str:
    """``v₋₁`` -> ``v_{-1}`` (a trace row's name in LaTeX)."""
    return f"v_{{{name[1:].translate(_SUBSCRIPT_DIGITS)}}}"


def latex_text(text: str) -> str:
    """A variable name as upright LaTeX text (underscores escaped)."""
    return r"\mathrm{" + text.replace("_", r"\_") + "}"


def _latex_operand(item: object) -> str:
    if isinstance(item, str):
        return latex_name(item)
    return constant(float(item))  # type: ignore[arg-type]


def latex_operation(op: str, inputs: Sequence[object]) -> str:
    """:func:`operation` in LaTeX math: ``v_{-1} \\cdot v_{0}``, ``\\ln v_{-1}``."""
    if op == "input":
        return latex_text(str(inputs[0]))
    operands = [_latex_operand(i) for i in inputs]
    if op in LATEX_INFIX and len(operands) == 2:
        return f"{operands[0]} {LATEX_INFIX[op]} {operands[1]}"
    if op == "pow" and len(operands) == 2:
        return f"{{{operands[0]}}}^{{{operands[1]}}}"
    if op == "neg" and len(operands) == 1:
        return f"-{operands[0]}"
    if op == "log" and len(operands) == 1:
        return rf"\ln {operands[0]}"
    if op in LATEX_FUNCTIONS and len(operands) == 1:
        return rf"\{op} {operands[0]}"
    return rf"\operatorname{{{op}}}({', '.join(operands)})"


def latex_number(text: str) -> str:
    """A :func:`short` number in math mode (``1.5e-08`` -> ``1.5 \\times 10^{-8}``)."""
    if "e" in text and text not in ("inf", "-inf", "nan"):
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def markdown_cell(text: str) -> str:
    """Text safe inside a Markdown table cell (pipes and emphasis characters escaped)."""
    for ch in "\\|*_`":
        text = text.replace(ch, "\\" + ch)
    return text


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table; numeric columns (all but the first two) right-aligned."""
    align = ["---" if i < 2 else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(markdown_cell(h) for h in header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def dot_quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as DOT's ``\\n`` line break."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "").replace("\n", "\\n") + '"'
