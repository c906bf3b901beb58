"""How dualdiff writes mathematics down: short numbers, trace operations, LaTeX, Markdown, DOT.

Plain strings only (no rich, no IPython), so the library's notebook views
(:mod:`dualdiff.render`) and the command line share one notation. The
evaluation trace names each operation by its primitive (``mul``) and its
inputs by row name (``v₋₁``) or constant; this module writes that as a slide
shows it (``v₋₁ · v₀``, ``log(v₋₁)``, ``v₀ ^ 2``) or in LaTeX. Expression
nodes print to LaTeX with the standard operators (``\\exp``, ``\\log``,
``\\sqrt{…}``, ``\\sigma``); ``\\operatorname`` (amsmath) only where LaTeX
has none. Nothing here knows a derivative.

The operator symbols come from :data:`dualdiff.nodes.OPERATORS`; only their
typeset look (``·`` for ``*``, ``^`` for ``**``) is chosen here.
"""

from __future__ import annotations

import math
import re
from typing import Callable, Sequence

from .nodes import ATOM_PRECEDENCE, NEG_PRECEDENCE, OPERATORS, Call, Name, Node, Num

_DISPLAY = {"*": "·", "**": "^"}
"""How an operator symbol of :data:`~dualdiff.nodes.OPERATORS` looks in a trace row."""

_LATEX_SYMBOL = {"*": r"\cdot"}

_SUBSCRIPT_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉₋", "0123456789-")


def infix(op: str) -> str | None:
    """The symbol a trace row writes between the operands of ``op`` (``·`` for mul), or None."""
    if op not in OPERATORS:
        return None
    symbol = OPERATORS[op][0]
    return _DISPLAY.get(symbol, symbol)


# --- numbers ------------------------------------------------------------------------

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


def full(value: float | None, digits: int = 16) -> str:
    """A float with ``digits`` significant digits (enough to see where methods disagree)."""
    if value is None:
        return ""
    if value == 0.0:
        return "0"
    return f"{value:.{digits}g}"


def constant(value: float) -> str:
    """A constant operand: as short as it round-trips (``2``, ``3.141592653589793``)."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def latex_number(text: str) -> str:
    """A printed number in math mode (``1.5e-08`` -> ``1.5 \\times 10^{-8}``)."""
    if "e" in text and text not in ("inf", "-inf", "nan"):
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    if text in ("inf", "-inf"):
        return text.replace("inf", r"\infty")
    return text


# --- trace rows ---------------------------------------------------------------------

def _operand(item: object) -> str:
    return item if isinstance(item, str) else constant(float(item))  # type: ignore[arg-type]


def operation(op: str, inputs: Sequence[object]) -> str:
    """The right-hand side of a trace row: ``v₋₁ · v₀``, ``log(v₋₁)``, ``-v₂``; an input's variable name."""
    if op == "input":
        return str(inputs[0])
    operands = [_operand(i) for i in inputs]
    symbol = infix(op)
    if symbol is not None and len(operands) == 2:
        return f"{operands[0]} {symbol} {operands[1]}"
    if op == "neg" and len(operands) == 1:
        return f"-{operands[0]}"
    return f"{op}({', '.join(operands)})"


def latex_name(name: str) -> str:
    """``v₋₁`` -> ``v_{-1}`` (a trace row's name in LaTeX)."""
    return f"v_{{{name[1:].translate(_SUBSCRIPT_DIGITS)}}}"


def latex_text(text: str) -> str:
    """A variable name as upright LaTeX text (underscores escaped)."""
    return r"\mathrm{" + latex_escape(text) + "}"


def latex_escape(text: str) -> str:
    """Plain text safe in LaTeX (``_`` ``%`` ``&`` ``#`` ``$`` ``{`` ``}`` escaped)."""
    for ch in "\\{}_%&#$":
        text = text.replace(ch, "\\" + ch if ch != "\\" else r"\textbackslash{}")
    return text.replace("^", r"\^{}").replace("~", r"\~{}")


def _latex_operand(item: object) -> str:
    if isinstance(item, str):
        return latex_name(item)
    return latex_number(constant(float(item)))  # type: ignore[arg-type]


def latex_operation(op: str, inputs: Sequence[object]) -> str:
    """:func:`operation` in LaTeX math: ``v_{-1} \\cdot v_{0}``, ``\\log v_{-1}``, ``\\sqrt{v_{2}}``."""
    if op == "input":
        return to_latex(Name(str(inputs[0])))
    operands = [_latex_operand(i) for i in inputs]
    return latex_call(op, operands, [True] * len(operands))


# --- LaTeX of functions ---------------------------------------------------------------

_COMMANDS = {name: "\\" + name for name in (
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "exp", "log")}
_COMMANDS.update({"maximum": r"\max", "minimum": r"\min", "ln": r"\log", "asin": r"\arcsin",
                  "acos": r"\arccos", "atan": r"\arctan", "log2": r"\log_{2}", "log10": r"\log_{10}"})
"""Functions LaTeX writes with a standard command (no package needed)."""


def _canonical(name: str) -> str:
    """The table name of ``name`` (an alias such as ``asinh`` becomes ``arcsinh``)."""
    from .primitives import REGISTRY, expression_functions

    if name in REGISTRY:
        return name
    fn = expression_functions().get(name)
    for primitive in REGISTRY.values():
        if fn is not None and (primitive.fn is fn or getattr(fn, "__name__", None) == primitive.name):
            return primitive.name
    return name


def latex_call(name: str, args: Sequence[str], simple: Sequence[bool]) -> str:
    """``name`` applied to LaTeX arguments; ``simple[i]`` says argument ``i`` needs no brackets.

    Standard commands where LaTeX has them (``\\sin v``, ``\\sqrt{x}``,
    ``\\sqrt[3]{x}``, ``\\left|x\\right|``, ``\\sigma(x)``, ``\\max(a, b)``);
    ``\\operatorname{…}`` (amsmath) for the rest, user primitives included.
    """
    def bracketed(i: int) -> str:
        return args[i] if simple[i] else rf"\left({args[i]}\right)"

    def joined() -> str:
        return r"\left(" + ", ".join(args) + r"\right)"

    if name in OPERATORS and len(args) == 2:
        return _latex_infix(name, args, simple)
    if name == "neg" and len(args) == 1:
        return f"-{bracketed(0)}"
    canonical = _canonical(name)
    if len(args) == 1:
        arg = args[0]
        special: dict[str, Callable[[], str]] = {
            "sqrt": lambda: rf"\sqrt{{{arg}}}", "cbrt": lambda: rf"\sqrt[3]{{{arg}}}",
            "abs": lambda: rf"\left|{arg}\right|", "square": lambda: f"{{{bracketed(0)}}}^{{2}}",
            "reciprocal": lambda: rf"\frac{{1}}{{{arg}}}", "sigmoid": lambda: rf"\sigma{joined()}",
        }
        if canonical in special:
            return special[canonical]()
        if canonical in _COMMANDS or name in _COMMANDS:
            command = _COMMANDS.get(name) or _COMMANDS[canonical]
            return f"{command} {args[0]}" if simple[0] else f"{command}{joined()}"
    elif canonical in ("maximum", "minimum"):
        return _COMMANDS[canonical] + joined()
    return rf"\operatorname{{{latex_escape(name)}}}" + joined()


def _latex_infix(name: str, args: Sequence[str], simple: Sequence[bool]) -> str:
    if name == "div":
        return rf"\frac{{{args[0]}}}{{{args[1]}}}"
    if name == "pow":
        base = args[0] if simple[0] else rf"\left({args[0]}\right)"
        return f"{{{base}}}^{{{args[1]}}}"
    symbol = OPERATORS[name][0]
    return f"{args[0]} {_LATEX_SYMBOL.get(symbol, symbol)} {args[1]}"


def uses_amsmath(latex: str) -> bool:
    """Whether LaTeX text needs ``\\usepackage{amsmath}`` (it uses ``\\operatorname``)."""
    return r"\operatorname" in latex or r"\text{" in latex


# --- LaTeX of expressions -------------------------------------------------------------

def _latex_precedence(node: Node) -> int:
    """Binding strength as typeset: a fraction is an atom (its bar groups it), unlike ``/``."""
    if type(node) is Call:
        if node.func == "div" and len(node.args) == 2:
            return ATOM_PRECEDENCE
        if node.func in OPERATORS and len(node.args) == 2:
            return OPERATORS[node.func][1]
        if node.func == "neg" and len(node.args) == 1:
            return NEG_PRECEDENCE
    elif type(node) is Num and math.copysign(1.0, node.value) < 0:
        return NEG_PRECEDENCE
    return ATOM_PRECEDENCE


def _latex_leaf(node: Node) -> str:
    if type(node) is Num:
        return latex_number(constant(node.value)) if math.isfinite(node.value) else latex_number(str(node.value))
    name = node.id  # type: ignore[attr-defined]
    if name == "pi":
        return r"\pi"
    if name == "e":
        return r"\mathrm{e}"
    indexed = re.fullmatch(r"([A-Za-z])_?([0-9]+)", name)
    if indexed:
        return f"{indexed.group(1)}_{{{indexed.group(2)}}}"
    return name if len(name) == 1 else latex_text(name)


def _needs(parent: Node, position: int) -> int:
    """The precedence argument ``position`` of ``parent`` needs to go without brackets."""
    func = parent.func  # type: ignore[attr-defined]
    if func == "pow":
        return ATOM_PRECEDENCE if position == 0 else 0
    if func == "neg":
        return NEG_PRECEDENCE + 1
    if func in OPERATORS and len(parent.args) == 2:  # type: ignore[attr-defined]
        if func == "div":
            return 0
        prec = OPERATORS[func][1]
        return prec if position == 0 else prec + 1
    return ATOM_PRECEDENCE  # a function's argument: bracketed unless an atom


def to_latex(root: Node) -> str:
    """An expression node (tree or DAG) as LaTeX math, iteratively (no recursion limit).

    ``x*z/log(x)`` -> ``\\frac{x \\cdot z}{\\log x}``; brackets only where the
    typeset precedence needs them.
    """
    done: dict[int, str] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        if id(node) in done:
            continue
        if type(node) is not Call:
            done[id(node)] = _latex_leaf(node)
            continue
        if not ready:
            stack.append((node, True))
            stack.extend((a, False) for a in reversed(node.args) if id(a) not in done)
            continue
        args, simple = [], []
        for position, arg in enumerate(node.args):
            fits = _latex_precedence(arg) >= _needs(node, position)
            if node.func not in OPERATORS and node.func != "neg":
                fits = type(arg) is Name or (type(arg) is Num and _latex_precedence(arg) == ATOM_PRECEDENCE)
            if (_latex_precedence(arg) == NEG_PRECEDENCE and position > 0
                    and node.func in ("add", "sub", "mul")):
                fits = False  # a \cdot (-b), not a \cdot -b
            text = done[id(arg)]
            if node.func in OPERATORS and not fits and node.func != "pow":
                text, fits = rf"\left({text}\right)", True
            args.append(text)
            simple.append(fits)
        done[id(node)] = latex_call(node.func, args, simple)
    return done[id(root)]


# --- Markdown, HTML and DOT -------------------------------------------------------------

def markdown_cell(text: str) -> str:
    """Text safe inside a Markdown table cell (pipes and emphasis characters escaped)."""
    for ch in "\\|*_`":
        text = text.replace(ch, "\\" + ch)
    return text


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], text_columns: int = 2) -> str:
    """A GitHub-flavoured Markdown table; columns after the first ``text_columns`` right-aligned."""
    align = ["---" if i < text_columns else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(markdown_cell(h) for h in header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def html_table(header: Sequence[str], rows: Sequence[Sequence[str]], caption: str = "",
               text_columns: int = 2) -> str:
    """An HTML table (escaped), numbers right-aligned, for notebooks."""
    def cell(tag: str, i: int, text: str) -> str:
        align = "" if i < text_columns else ' style="text-align:right"'
        return f"<{tag}{align}>{html_escape(text)}</{tag}>"

    lines = ["<table>"]
    if caption:
        lines.append(f"<caption>{html_escape(caption)}</caption>")
    lines.append("<thead><tr>" + "".join(cell("th", i, h) for i, h in enumerate(header)) + "</tr></thead>")
    lines.append("<tbody>")
    lines += ["<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>" for row in rows]
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def dot_quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as DOT's ``\\n`` line break."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "").replace("\n", "\\n") + '"'


def duration(seconds: float | None) -> str:
    """Human time: ns/µs/ms/s with three significant figures."""
    if seconds is None:
        return ""
    for unit, scale in (("ns", 1e-9), ("µs", 1e-6), ("ms", 1e-3)):
        if seconds < 1000 * scale:
            value = seconds / scale
            return f"{value:.3g} {unit}" if value >= 1 or unit == "ns" else f"{value:.2g} {unit}"
    return f"{seconds:.3g} s"
