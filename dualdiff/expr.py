"""The safe expression language shared by the CLI and the library.

``compile("exp(x*z) + x*z/log(x)")`` turns text into an :class:`Expression`:
a tree of small immutable nodes (:class:`Num`, :class:`Name`, :class:`Call`)
plus the functions it calls, ready to be evaluated on floats, numpy arrays or
dualdiff's differentiable values.

The language (DESIGN §5): numbers (``2``, ``1e-3``), variables, ``+ - * / **``,
``^`` as power (math notation), unary ``+``/``-``, parentheses, calls of the
primitive table's functions by name with positional arguments, the constants
``pi`` and ``e``, and ``;`` between several outputs.

Why it is safe: the text is checked in three stages and nothing is ever
executed. (1) A pre-scan caps the length and bracket nesting and rejects
characters the language never needs (quotes, ``#``, non-ASCII, control
characters) *before* Python's parser sees the text. (2) :func:`ast.parse`
(mode ``"eval"``) builds a syntax tree only, and an allowlist walk rejects
every node type outside the language, with a message naming it and the
column. (3) The tree is converted to our own nodes; evaluation walks them and
calls nothing but the callables of the function namespace. There is no
``eval``, ``exec``, code-object ``compile`` or sympy anywhere.

Decisions worth knowing:

* **Non-ASCII is rejected.** Python normalises identifiers with NFKC, so
  ``ｘ`` (fullwidth) and ``x`` would silently be the same variable and
  look-alike letters could hide a different name. Rejecting every non-ASCII
  character keeps "what you see is the name you get" and keeps columns equal
  to character offsets (the parser reports UTF-8 byte offsets).
* **``^`` is power with the precedence of ``**``.** Because quotes and
  comments are rejected by the pre-scan, every ``^`` left in the text is an
  operator token, so replacing the character by ``**`` *is* the token-level
  replacement (strings and numbers cannot contain one). A column map keeps
  error positions pointing into the user's original text.
* **Whitespace** (tabs, newlines) counts as a plain space, so a pasted
  multi-line expression works and every column is a character offset.
* **Numbers** are always floats; a literal that overflows to ``inf``
  (``1e999``) is rejected.
* **Names**: function names of the namespace cannot be variables, ``pi`` and
  ``e`` are constants, names starting with ``__`` are rejected.
* **Outputs**: ``x*y; x+y`` has two outputs; an empty output (``x;;y``) is an
  error, one trailing ``;`` is ignored.
* Everything the walk, the printer and the evaluator do is iterative, so deep
  trees (e.g. built by symbolic differentiation) cannot exhaust the Python
  stack; parsed text is nevertheless capped at :data:`MAX_DEPTH` levels.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import keyword
import math
import re
import warnings
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np

from .errors import (
    DisallowedSyntaxError,
    DomainError,
    ExpressionError,
    ExpressionSyntaxError,
    InvalidAssignmentError,
    MissingVariableError,
    UnknownFunctionError,
    UnknownVariableError,
)

__all__ = [
    "CONSTANTS",
    "MAX_BRACKET_DEPTH",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Call",
    "Expression",
    "Name",
    "Node",
    "Num",
    "compile",
    "looks_like_assignment",
    "parse",
    "parse_point",
    "postorder",
    "to_string",
]

MAX_LENGTH = 10_000
"""Longest accepted expression text, in characters (checked before anything else)."""

MAX_BRACKET_DEPTH = 100
"""Deepest accepted bracket nesting (checked by the pre-scan, before parsing)."""

MAX_DEPTH = 500
"""Deepest accepted syntax tree (operator chains such as ``1+1+...`` nest too)."""

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}
"""Named constants of the language; they can't be variables."""

# Operator primitives: name -> (symbol, precedence). Precedence grows with binding
# strength; unary minus sits between * and ** as in Python (-x**2 == -(x**2)).
_BINARY = {"add": ("+", 1), "sub": ("-", 1), "mul": ("*", 2), "div": ("/", 2), "pow": ("**", 4)}
_NEG_PREC = 3
_ATOM_PREC = 5
_AST_BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}

Functions = Mapping[str, Callable[..., Any]]


# ---------------------------------------------------------------------------
# Nodes
# ---------------------------------------------------------------------------


class Node:
    """Base class of expression nodes: immutable, hashable, compared by structure.

    The hash is computed once at construction from the children's cached
    hashes, and equality walks the trees with an explicit stack, so neither
    recurses however deep the tree is.
    """

    __slots__ = ("_hash",)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} nodes are immutable")

    __delattr__ = __setattr__  # type: ignore[assignment]

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Node):
            return NotImplemented
        return _same_tree(self, other)

    def __repr__(self) -> str:
        return _emit(self, _repr_pieces)

    def __str__(self) -> str:
        return to_string(self)


class Num(Node):
    """A number; the value is always a Python ``float``."""

    __slots__ = ("value",)
    value: float

    def __init__(self, value: float):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"Num needs a real number, got {type(value).__name__}")
        value = float(value)
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "_hash", hash(("Num", value)))

    def __reduce__(self):
        return (Num, (self.value,))


class Name(Node):
    """A variable, or one of the constants ``pi`` and ``e`` (see :data:`CONSTANTS`)."""

    __slots__ = ("id",)
    id: str

    def __init__(self, id: str):  # noqa: A002 - mirrors ast.Name.id
        if not isinstance(id, str) or not id.isidentifier() or keyword.iskeyword(id):
            raise TypeError(f"Name needs an identifier, got {id!r}")
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "_hash", hash(("Name", id)))

    def __reduce__(self):
        return (Name, (self.id,))


class Call(Node):
    """A call of a namespace function; operators are calls too (``x + y`` is ``add(x, y)``)."""

    __slots__ = ("func", "args")
    func: str
    args: tuple[Node, ...]

    def __init__(self, func: str, args: Iterable[Node]):
        args = tuple(args)
        if not isinstance(func, str) or not func.isidentifier() or keyword.iskeyword(func):
            raise TypeError(f"Call needs a function name, got {func!r}")
        for a in args:
            if not isinstance(a, Node):
                raise TypeError(f"Call arguments must be nodes, got {type(a).__name__} "
                                "(wrap numbers in Num)")
        object.__setattr__(self, "func", func)
        object.__setattr__(self, "args", args)
        object.__setattr__(self, "_hash", hash(("Call", func, tuple(a._hash for a in args))))

    def __reduce__(self):
        return (Call, (self.func, self.args))


def _same_float(a: float, b: float) -> bool:
    """Equal as printed numbers: -0.0 differs from 0.0, and nan equals nan."""
    if a == b:
        return a != 0.0 or math.copysign(1.0, a) == math.copysign(1.0, b)
    return a != a and b != b


def _same_tree(a: Node, b: Node) -> bool:
    """Structural equality with an explicit stack (no recursion)."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if x is y:
            continue
        if type(x) is not type(y) or x._hash != y._hash:
            return False
        if type(x) is Num:
            if not _same_float(x.value, y.value):
                return False
        elif type(x) is Name:
            if x.id != y.id:
                return False
        else:
            if x.func != y.func or len(x.args) != len(y.args):
                return False
            stack.extend(zip(x.args, y.args))
    return True


def postorder(root: Node) -> Iterator[Node]:
    """The nodes of ``root``, children before parents, left to right.

    Iterative (an explicit stack), so trees of any depth are fine; this is
    the order a stack machine evaluates them in.
    """
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        if ready or type(node) is not Call:
            yield node
        else:
            stack.append((node, True))
            stack.extend((arg, False) for arg in reversed(node.args))


def _emit(root: Node, expand: Callable[[Node, Any], list]) -> str:
    """Join the text of a tree written top-down with an explicit stack.

    ``expand(node, context)`` returns the node's pieces in order: strings,
    and ``(child, context)`` pairs to expand in their place. Building one
    list of pieces and joining once keeps printing linear in the size of the
    tree (concatenating the children's strings at each level would be
    quadratic for a long ``a + b + c + ...`` chain).
    """
    out: list[str] = []
    stack: list = [(root, None)]
    while stack:
        item = stack.pop()
        if type(item) is str:
            out.append(item)
        else:
            stack.extend(reversed(expand(*item)))
    return "".join(out)


def _repr_pieces(node: Node, _context: Any) -> list:
    if type(node) is Num:
        return [f"Num({node.value!r})"]
    if type(node) is Name:
        return [f"Name({node.id!r})"]
    pieces: list = [f"Call({node.func!r}, ("]
    for i, arg in enumerate(node.args):
        pieces += [", "] if i else []
        pieces.append((arg, None))
    pieces.append(",))" if len(node.args) == 1 else "))")
    return pieces


# ---------------------------------------------------------------------------
# Printing
# ---------------------------------------------------------------------------


def _format_number(value: float) -> str:
    """Shortest text that parses back to exactly ``value``.

    Integral values below 1e16 print without ``.0`` (``2`` rather than
    ``2.0``), which still round-trips because the parser makes every number a
    float; everything else uses ``repr(float)`` (17 significant digits at most).
    """
    if not math.isfinite(value):
        raise ValueError(f"cannot print the non-finite number {value!r} in the expression language")
    if value == 0.0 and math.copysign(1.0, value) < 0:
        return "-0.0"
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _precedence(node: Node) -> int:
    """How tightly ``node`` binds as printed (higher binds tighter)."""
    if type(node) is Call:
        if node.func in _BINARY and len(node.args) == 2:
            return _BINARY[node.func][1]
        if node.func == "neg" and len(node.args) == 1:
            return _NEG_PREC
    elif type(node) is Num and math.copysign(1.0, node.value) < 0:
        return _NEG_PREC  # printed with a leading minus
    return _ATOM_PREC


def _print_pieces(node: Node, at_least: int | None) -> list:
    """Pieces of ``node`` printed where its precedence must be at least ``at_least``.

    ``+ - * /`` are left-associative (the right operand needs a strictly
    higher precedence: ``a - (b - c)``); ``**`` is right-associative and binds
    tighter than unary minus on its left (``(-x) ** 2``) but accepts it on its
    right (``x ** -y``); the operand of unary minus needs more than unary
    minus, so ``-(-x)`` keeps its parentheses and ``-x ** 2`` needs none.
    """
    if type(node) is Num:
        pieces: list = [_format_number(node.value)]
    elif type(node) is Name:
        pieces = [node.id]
    elif node.func in _BINARY and len(node.args) == 2:
        symbol, prec = _BINARY[node.func]
        left, right = (_ATOM_PREC, _NEG_PREC) if node.func == "pow" else (prec, prec + 1)
        pieces = [(node.args[0], left), f" {symbol} ", (node.args[1], right)]
    elif node.func == "neg" and len(node.args) == 1:
        pieces = ["-", (node.args[0], _NEG_PREC + 1)]
    else:
        pieces = [f"{node.func}("]
        for i, arg in enumerate(node.args):
            pieces += [", "] if i else []
            pieces.append((arg, None))
        pieces.append(")")
    if at_least is not None and _precedence(node) < at_least:
        return ["(", *pieces, ")"]
    return pieces


def to_string(node: Node) -> str:
    """Print ``node`` as text that :func:`parse` turns back into an identical tree.

    Parentheses are the minimal ones for Python's precedence and
    associativity, power prints as ``**`` and ``pi``/``e`` stay names.
    Raises ``ValueError`` for a non-finite :class:`Num` (it has no literal).
    """
    if not isinstance(node, Node):
        raise TypeError(f"to_string needs an expression node, got {type(node).__name__}")
    return _emit(node, _print_pieces)


# ---------------------------------------------------------------------------
# Stage 1: pre-scan (before Python's parser sees anything)
# ---------------------------------------------------------------------------

_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_WHITESPACE = " \t\n\r\x0b\x0c"
_INVALID_ASCII = set("$?`\\!")  # never part of a valid token of ours (`!` only in `!=`)
_STRING_PREFIX = set("rRbBuUfF")


def _syntax_error(message: str, text: str, column: int | None) -> ExpressionSyntaxError:
    return ExpressionSyntaxError(message, text=text, column=column)


def _disallowed(message: str, text: str, column: int | None) -> DisallowedSyntaxError:
    return DisallowedSyntaxError(message, text=text, column=column)


def _check_character(text: str, i: int) -> None:
    """Reject one character the language never uses, with a message naming it."""
    ch = text[i]
    if ch in "'\"":
        start = i
        while start > 0 and i - start < 2 and text[start - 1] in _STRING_PREFIX:
            start -= 1
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            start = i  # the letters belong to a longer name, not a string prefix
        kind = "f-strings" if "f" in text[start:i].lower() else "strings"
        raise _disallowed(f"{kind} are not allowed", text, start)
    if ch == "#":
        raise _disallowed("comments (`#`) are not allowed", text, i)
    if ord(ch) > 127:
        if ("a" + ch).isidentifier():
            raise _disallowed(
                f"non-ASCII character `{ch}` (U+{ord(ch):04X}) is not allowed; "
                "names must use ASCII letters, digits and `_`", text, i)
        raise _syntax_error(f"invalid character `{ch}` (U+{ord(ch):04X})", text, i)
    if ch in _WHITESPACE:
        return
    if ord(ch) < 32 or ord(ch) == 127:
        raise _syntax_error(f"invalid control character U+{ord(ch):04X}", text, i)
    if ch in _INVALID_ASCII and not (ch == "!" and text.startswith("!=", i)):
        raise _syntax_error(f"invalid character `{ch}`", text, i)


def _prescan(text: str) -> list[tuple[int, int]]:
    """Check characters and brackets; return the (start, end) spans of the outputs.

    The spans are the pieces between top-level ``;`` (a ``;`` inside brackets
    is left for the parser to reject). Raises for an empty expression and
    for empty outputs other than one trailing ``;``.
    """
    if not isinstance(text, str):
        raise TypeError(f"an expression must be a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise _syntax_error(f"expression is too long ({len(text)} characters; "
                            f"the limit is {MAX_LENGTH})", text, MAX_LENGTH)
    open_brackets: list[int] = []
    cuts = [-1]
    for i, ch in enumerate(text):
        if ch in _OPENERS:
            open_brackets.append(i)
            if len(open_brackets) > MAX_BRACKET_DEPTH:
                raise _syntax_error(f"brackets are nested too deeply "
                                    f"(the limit is {MAX_BRACKET_DEPTH} levels)", text, i)
        elif ch in _CLOSERS:
            if not open_brackets:
                raise _syntax_error(f"unmatched `{ch}`", text, i)
            opener = text[open_brackets.pop()]
            if opener != _CLOSERS[ch]:
                raise _syntax_error(f"closing `{ch}` does not match opening `{opener}`", text, i)
        elif ch == ";":
            if not open_brackets:
                cuts.append(i)
        elif not ("a" <= ch <= "z" or "A" <= ch <= "Z" or "0" <= ch <= "9" or ch in " _.+-*/^,"):
            _check_character(text, i)
    if open_brackets:
        i = open_brackets[-1]
        raise _syntax_error(f"`{text[i]}` was never closed", text, i)
    cuts.append(len(text))
    return _output_spans(text, cuts)


def _output_spans(text: str, cuts: list[int]) -> list[tuple[int, int]]:
    """Spans between the ``;`` in ``cuts``; reject empty ones (one trailing ``;`` is fine)."""
    if not text.replace(";", " ").strip(_WHITESPACE):
        raise _syntax_error("empty expression", text, 0)
    spans = []
    for k in range(len(cuts) - 1):
        start, end = cuts[k] + 1, cuts[k + 1]
        if text[start:end].strip(_WHITESPACE):
            spans.append((start, end))
        elif k < len(cuts) - 2:  # an empty piece followed by a `;`
            raise _syntax_error("empty output before `;`", text, end)
    return spans


# ---------------------------------------------------------------------------
# Stage 2: Python's parser and the allowlist
# ---------------------------------------------------------------------------


class _Piece:
    """One output's text, as handed to :func:`ast.parse`, with a map back to the user's columns.

    ``source`` is the piece with whitespace made plain spaces and each ``^``
    replaced by ``**``; ``columns[i]`` is the column in the full original
    text of ``source[i]`` (one extra entry for the end).
    """

    __slots__ = ("text", "source", "columns")

    def __init__(self, text: str, start: int, end: int):
        while text[start] in _WHITESPACE:  # the parser rejects leading spaces ("unexpected indent")
            start += 1
        chars: list[str] = []
        columns: list[int] = []
        for i in range(start, end):
            ch = text[i]
            if ch == "^":
                chars.append("**")
                columns += (i, i)
            else:
                chars.append(" " if ch in _WHITESPACE else ch)
                columns.append(i)
        columns.append(end)
        self.text = text
        self.source = "".join(chars)
        self.columns = columns

    def syntax_error(self, message: str, column: int) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(message, text=self.text, column=column)

    def disallowed(self, message: str, column: int) -> DisallowedSyntaxError:
        return DisallowedSyntaxError(message, text=self.text, column=column)

    def column(self, offset: int | None) -> int:
        """The original column of ``source`` offset ``offset`` (clamped to the piece)."""
        if offset is None:
            return self.columns[0]
        return self.columns[max(0, min(offset, len(self.columns) - 1))]

    def node_column(self, node: ast.AST) -> int:
        return self.column(getattr(node, "col_offset", None))

    def literal(self, node: ast.AST) -> str:
        """The user's original text of ``node``."""
        return self.text[self.node_column(node):self.column(node.end_col_offset)]

    def operator_column(self, left: ast.AST, right: ast.AST) -> int:
        """Column of the operator between two operands (skipping spaces and closing brackets)."""
        i = left.end_col_offset
        while i < right.col_offset and self.source[i] in " )":
            i += 1
        return self.column(i)


def _parse_python(piece: _Piece) -> ast.Expression:
    """:func:`ast.parse` in eval mode, every failure turned into :class:`ExpressionSyntaxError`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. SyntaxWarning "'int' object is not callable"
            return ast.parse(piece.source, mode="eval")
    except SyntaxError as err:
        column = _syntax_column(piece, err)
        message = _syntax_message(err)
        if message == "invalid syntax" and piece.text.startswith("=", column):
            message = "`=` is not allowed in an expression; give values as NAME=VALUE"
        if message.startswith(("invalid syntax", "invalid decimal literal")):
            message = _juxtaposition_hint(piece.text, column) or message
        if message == "invalid syntax" and not piece.text[column + 1:].strip():
            message = "the expression ends too early (an operand is missing at the end)"
        raise piece.syntax_error(message, column) from None
    except (RecursionError, MemoryError):
        message = "expression is nested too deeply to parse"
        raise piece.syntax_error(message, piece.column(0)) from None
    except (ValueError, OverflowError) as err:
        raise piece.syntax_error(f"invalid expression: {err}", piece.column(0)) from None


_ATOM = r"[0-9][0-9.]*(?:[eE][-+]?[0-9]+)?|[A-Za-z_][A-Za-z0-9_]*|\)"
_SIDE_BY_SIDE = re.compile(rf"({_ATOM})\s+([A-Za-z_][A-Za-z0-9_]*|[0-9][0-9.]*|\()")
_NUMBER_THEN_NAME = re.compile(
    r"(?<![A-Za-z0-9_.])([0-9][0-9.]*(?:[eE][-+]?[0-9]+)?)([A-Za-z_][A-Za-z0-9_]*)")


def _juxtaposition_hint(text: str, column: int) -> str | None:
    """Two operands side by side (``2x``, ``x y``, ``sin x``): say what to write instead.

    Math notation multiplies by juxtaposition and applies functions without
    parentheses; this language does neither, and Python's own message
    ("invalid decimal literal", "invalid syntax") does not say so. Python may
    point at the start of the enclosing expression, so the search starts a
    little before the reported column.
    """
    start = max(0, column - 40)
    glued = _NUMBER_THEN_NAME.search(text, start)
    if glued and glued.start() <= column <= glued.end():
        return f"a number followed by a name: write `{glued.group(1)}*{glued.group(2)}`"
    pair = _SIDE_BY_SIDE.search(text, start)
    if not pair:
        return None
    a, b = pair.group(1), pair.group(2)
    if a in _default_functions() and b != "(":
        return f"a function needs parentheses: write `{a}({b})`"
    return f"missing operator between `{a}` and `{b}`: write `{a}*{b}`"


def _syntax_message(err: SyntaxError) -> str:
    message = err.msg or "invalid syntax"
    if message.startswith("invalid syntax"):
        # Python's "Perhaps you forgot a comma?" is misleading in a language without tuples.
        return "invalid syntax" + (" (missing operator?)" if "comma" in message else "")
    if message.startswith("Exceeds the limit"):
        return "number has too many digits"
    return message


def _syntax_column(piece: _Piece, err: SyntaxError) -> int:
    """0-based original column of a SyntaxError; offset 0 or a later line means 'at the end'."""
    if err.lineno is None or err.offset is None:
        return piece.column(0)
    if err.lineno > 1 or err.offset <= 0:
        return piece.columns[-1]
    return piece.column(err.offset - 1)


_DISALLOWED_NODES: dict[type, str] = {
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.FormattedValue: "f-strings are not allowed",
    ast.NamedExpr: "assignment expressions (`:=`) are not allowed",
    ast.IfExp: "conditional expressions (`if ... else ...`) are not allowed",
    ast.Subscript: "indexing (`[...]`) is not allowed",
    ast.Slice: "slices are not allowed",
    ast.Starred: "starred arguments (`*`) are not allowed",
    ast.Tuple: "tuples are not allowed; separate several outputs with `;`",
    ast.List: "lists (`[...]`) are not allowed",
    ast.Dict: "dicts (`{...}`) are not allowed",
    ast.Set: "sets (`{...}`) are not allowed",
    ast.Await: "`await` is not allowed",
    ast.Yield: "`yield` is not allowed",
    ast.YieldFrom: "`yield` is not allowed",
}

_OPERATOR_TEXT: dict[type, str] = {
    ast.FloorDiv: "`//` (floor division)", ast.Mod: "`%` (modulo)",
    ast.MatMult: "`@` (matrix product)", ast.LShift: "`<<`", ast.RShift: "`>>`",
    ast.BitAnd: "`&`", ast.BitOr: "`|`", ast.BitXor: "`^`",
    ast.Not: "`not`", ast.Invert: "`~`", ast.And: "`and`", ast.Or: "`or`",
    ast.Eq: "`==`", ast.NotEq: "`!=`", ast.Lt: "`<`", ast.LtE: "`<=`", ast.Gt: "`>`",
    ast.GtE: "`>=`", ast.Is: "`is`", ast.IsNot: "`is not`", ast.In: "`in`", ast.NotIn: "`not in`",
}


def _check_constant(node: ast.Constant, piece: _Piece) -> None:
    value = node.value
    where = piece.node_column(node)
    if type(value) in (int, float):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise piece.syntax_error(
                f"number `{piece.literal(node)}` is too large (it overflows to inf)", where)
        return
    if isinstance(value, complex):
        raise piece.disallowed(f"complex numbers (`{piece.literal(node)}`) are not allowed", where)
    if isinstance(value, (str, bytes)):
        raise piece.disallowed("strings are not allowed", where)
    raise piece.disallowed(f"`{piece.literal(node)}` is not allowed", where)  # True, None, ...


def _check_name(name: str, piece: _Piece, where: int) -> None:
    if name.startswith("__"):
        raise piece.disallowed(f"`{name}` is not allowed (names may not start with `__`)", where)


def _check_node(node: ast.AST, piece: _Piece) -> list[ast.AST]:
    """Raise if ``node`` is outside the language; return its children to check next."""
    kind = type(node)
    if kind is ast.BinOp:
        if operator := _OPERATOR_TEXT.get(type(node.op)):
            raise piece.disallowed(f"{operator} is not allowed",
                                   piece.operator_column(node.left, node.right))
        return [node.left, node.right]
    if kind is ast.UnaryOp:
        if type(node.op) in (ast.Not, ast.Invert):
            raise piece.disallowed(f"{_OPERATOR_TEXT[type(node.op)]} is not allowed",
                                   piece.node_column(node))
        return [node.operand]
    if kind is ast.Call:
        return _check_call(node, piece)
    if kind is ast.Constant:
        _check_constant(node, piece)
        return []
    if kind is ast.Name:
        _check_name(node.id, piece, piece.node_column(node))
        return []
    if kind is ast.Attribute:
        name_start = node.end_col_offset - len(node.attr)
        dot = piece.source.rfind(".", node.value.end_col_offset, name_start)
        raise piece.disallowed(f"attribute access `.{node.attr}` is not allowed",
                               piece.column(dot if dot >= 0 else name_start))
    if kind is ast.Compare:
        raise piece.disallowed(f"comparisons ({_OPERATOR_TEXT[type(node.ops[0])]}) are not allowed",
                               piece.operator_column(node.left, node.comparators[0]))
    if kind is ast.BoolOp:
        raise piece.disallowed(f"{_OPERATOR_TEXT[type(node.op)]} is not allowed",
                               piece.operator_column(node.values[0], node.values[1]))
    message = _DISALLOWED_NODES.get(kind, f"`{kind.__name__}` is not allowed")
    raise piece.disallowed(message, piece.node_column(node))


def _check_call(node: ast.Call, piece: _Piece) -> list[ast.AST]:
    """A call must name its function and pass plain positional arguments."""
    for arg in node.args:
        if type(arg) is ast.Starred:
            raise piece.disallowed("starred arguments (`*`) are not allowed",
                                   piece.node_column(arg))
    if node.keywords:
        kw = node.keywords[0]
        what = f"`{kw.arg}=...`" if kw.arg else "`**`"
        raise piece.disallowed(f"keyword arguments ({what}) are not allowed; "
                               "pass arguments by position", piece.node_column(kw))
    if type(node.func) is ast.Name:
        return [node.func, *node.args]
    if type(node.func) in (ast.Constant, ast.BinOp, ast.UnaryOp, ast.Call):
        raise piece.disallowed("only functions can be called, by name, e.g. `sin(x)`",
                               piece.column(node.func.end_col_offset))
    return [node.func, *node.args]  # the callee's own check names the problem (`.system`, lambda)


def _check_tree(tree: ast.Expression, piece: _Piece) -> None:
    """Allowlist walk (iterative, preorder): the first node outside the language raises."""
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise piece.syntax_error(f"expression is nested too deeply (the limit is {MAX_DEPTH} "
                                     "levels)", piece.node_column(node))
        children = _check_node(node, piece)
        stack.extend((child, depth + 1) for child in reversed(children))


# ---------------------------------------------------------------------------
# Stage 3: our nodes, with names resolved against the function namespace
# ---------------------------------------------------------------------------


def _default_functions() -> dict[str, Callable[..., Any]]:
    """The primitive table's functions, imported lazily (the table imports heavy modules)."""
    from .primitives import expression_functions

    return expression_functions()


def _arity(fn: Callable[..., Any]) -> tuple[int, float] | None:
    """(fewest, most) positional arguments ``fn`` accepts, or None if that can't be known."""
    if isinstance(fn, np.ufunc):
        return fn.nin, fn.nin
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    fewest, most = 0, 0.0
    for p in params:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            most += 1
            fewest += p.default is p.empty
        elif p.kind is p.VAR_POSITIONAL:
            most = math.inf
        elif p.kind is p.KEYWORD_ONLY and p.default is p.empty:
            return None  # not callable positionally at all; leave it to the call
    return fewest, most


def _arity_message(name: str, arity: tuple[int, float], given: int) -> str | None:
    fewest, most = arity
    if fewest <= given <= most:
        return None
    if fewest == most:
        expected = f"{fewest} argument{'s' if fewest != 1 else ''}"
    elif most == math.inf:
        expected = f"at least {fewest} argument{'s' if fewest != 1 else ''}"
    else:
        expected = f"{fewest} to {int(most)} arguments"
    return f"`{name}` takes {expected} but {given} {'was' if given == 1 else 'were'} given"


class _Converter:
    """Turns checked Python AST into nodes, resolving names against a namespace.

    Records the first column of every variable so later errors (a variable
    not among those declared) can point at it.
    """

    def __init__(self, functions: Functions):
        self.functions = functions
        self.variable_columns: dict[str, int] = {}
        self._arities: dict[str, tuple[int, float] | None] = {}

    def convert(self, tree: ast.Expression, piece: _Piece) -> Node:
        results: list[Node] = []
        stack: list[tuple[ast.AST, bool]] = [(tree.body, False)]
        while stack:
            node, ready = stack.pop()
            children = _children(node)
            if children and not ready:
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(children))
                continue
            k = len(results) - len(children)
            args = results[k:]
            del results[k:]
            results.append(self._build(node, args, piece))
        return results[0]

    def _build(self, node: ast.AST, args: list[Node], piece: _Piece) -> Node:
        kind = type(node)
        if kind is ast.Constant:
            return Num(node.value)
        if kind is ast.Name:
            return self._name(node.id, piece, piece.node_column(node))
        if kind is ast.BinOp:
            where = piece.operator_column(node.left, node.right)
            return self._call(_AST_BINARY[type(node.op)], args, piece, where)
        if kind is ast.UnaryOp:
            if type(node.op) is ast.UAdd:
                return args[0]  # unary plus disappears
            return self._call("neg", args, piece, piece.node_column(node))
        return self._call(node.func.id, args, piece, piece.node_column(node))  # ast.Call

    def _name(self, name: str, piece: _Piece, where: int) -> Name:
        if name not in CONSTANTS:
            if name in self.functions:
                raise piece.disallowed(f"`{name}` is a function; call it, e.g. `{name}(x)`", where)
            self.variable_columns.setdefault(name, where)
        return Name(name)

    def _call(self, name: str, args: list[Node], piece: _Piece, where: int) -> Call:
        fn = self.functions.get(name)
        if fn is None:
            raise UnknownFunctionError(_unknown_function_message(name, self.functions),
                                       text=piece.text, column=where)
        if name not in self._arities:
            self._arities[name] = _arity(fn)
        arity = self._arities[name]
        message = arity and _arity_message(name, arity, len(args))
        if message:
            raise ExpressionError(message, text=piece.text, column=where)
        return Call(name, args)


def _children(node: ast.AST) -> list[ast.AST]:
    kind = type(node)
    if kind is ast.BinOp:
        return [node.left, node.right]
    if kind is ast.UnaryOp:
        return [node.operand]
    if kind is ast.Call:
        return list(node.args)
    return []


def _unknown_function_message(name: str, functions: Functions) -> str:
    if name in CONSTANTS:
        return f"`{name}` is a constant, not a function"
    close = difflib.get_close_matches(name, list(functions), n=1)
    hint = f"; did you mean `{close[0]}`?" if close else ""
    return f"unknown function `{name}`{hint}"


def _parse_with_columns(text: str, functions: Functions) -> tuple[tuple[Node, ...], dict[str, int]]:
    """Every stage for every output; also the first column of each variable."""
    spans = _prescan(text)
    pieces = [_Piece(text, start, end) for start, end in spans]
    trees = []
    for piece in pieces:  # check all outputs before resolving any name
        tree = _parse_python(piece)
        _check_tree(tree, piece)
        trees.append(tree)
    converter = _Converter(functions)
    outputs = tuple(converter.convert(tree, piece) for tree, piece in zip(trees, pieces))
    return outputs, converter.variable_columns


def parse(text: str, functions: Functions | None = None) -> tuple[Node, ...]:
    """Parse ``text`` into one node tree per ``;``-separated output.

    ``functions`` is the namespace of callable names (default: the primitive
    table, :func:`dualdiff.primitives.expression_functions`). Raises an
    :class:`~dualdiff.errors.ExpressionError` subclass for anything outside
    the language; nothing is evaluated.
    """
    functions = _default_functions() if functions is None else functions
    return _parse_with_columns(text, functions)[0]


# ---------------------------------------------------------------------------
# Compiled expressions
# ---------------------------------------------------------------------------

_PUSH, _VAR, _CALL = 0, 1, 2


def _program(root: Node, slots: Mapping[str, int], functions: Functions) -> tuple[tuple, ...]:
    """Postfix steps for a stack machine: the evaluator loops instead of recursing.

    Steps are ``(_PUSH, value, None)``, ``(_VAR, index, name)`` and
    ``(_CALL, callable, (name, nargs))``.
    """
    steps: list[tuple] = []
    for node in postorder(root):
        if type(node) is Call:
            steps.append((_CALL, functions[node.func], (node.func, len(node.args))))
        elif type(node) is Num:
            steps.append((_PUSH, node.value, None))
        elif node.id in CONSTANTS:
            steps.append((_PUSH, CONSTANTS[node.id], None))
        else:
            steps.append((_VAR, slots[node.id], node.id))
    return tuple(steps)


def _run(program: tuple[tuple, ...], values: Sequence[Any], checked: bool = False) -> Any:
    """Run postfix steps on a stack; ``checked`` raises :class:`DomainError` where a call
    first leaves the finite numbers (see :func:`_checked_call`)."""
    stack: list = []
    for op, a, b in program:
        if op is _PUSH:
            stack.append(a)
        elif op is _VAR:
            stack.append(values[a])
        else:
            k = len(stack) - b[1]
            args = stack[k:]
            del stack[k:]
            stack.append(_checked_call(a, b[0], args) if checked else a(*args))
    return stack[0]


def _numeric(value: Any) -> Any:
    """The plain float/array under ``value`` (through Dual/tape boxes), or None if not numeric."""
    from .core import primal  # lazy: core may one day import the symbolic nodes from here

    value = primal(value)
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return value
    if isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
        return value
    return None


def _all_finite(value: Any) -> bool:
    return bool(np.all(np.isfinite(value)))


def _checked_call(fn: Callable[..., Any], name: str, args: list) -> Any:
    plain = [_numeric(a) for a in args]
    checkable = all(p is not None for p in plain) and all(_all_finite(p) for p in plain)
    try:
        result = fn(*args)
    except (ArithmeticError, ValueError) as err:
        if not checkable or not all(np.ndim(p) == 0 for p in plain):
            raise  # e.g. a shape mismatch: not a question of the domain
        raise _domain_error(name, plain, f"({err})") from None
    out = _numeric(result) if checkable else None
    if out is not None and not _all_finite(out):
        raise _domain_error(name, plain, None, out)
    return result


def _domain_error(name: str, args: list, reason: str | None, out: Any = None) -> DomainError:
    """``DomainError`` naming the operation and the offending (element of the) arguments."""
    where = ""
    if out is not None and np.ndim(out) > 0:
        try:
            arrays = np.broadcast_arrays(*args) if args else []
        except ValueError:
            arrays = None
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(out))[0])
        if arrays is not None and all(a.shape == np.shape(out) for a in arrays):
            args = [a[bad] for a in arrays]
            out = np.asarray(out)[bad]
            where = f" at index {bad}"
    scalars = tuple(float(a) if np.ndim(a) == 0 else a for a in args)
    if reason is None:
        reason = (f"(the result is {float(out)!r})" if np.ndim(out) == 0
                  else "(the result is not finite)")
    return DomainError(f"{_render_call(name, scalars)} is not defined{where} {reason}",
                       operation=name, arguments=scalars)


def _render_call(name: str, args: tuple) -> str:
    """``log(-1.0)``, and operators in math form: ``1.0 / 0.0``, ``(-8.0) ** 0.5``."""
    texts = [repr(a) if isinstance(a, float) else np.array2string(np.asarray(a), threshold=6)
             for a in args]
    if name in _BINARY and len(args) == 2:
        left = f"({texts[0]})" if texts[0].startswith("-") and name == "pow" else texts[0]
        return f"{left} {_BINARY[name][0]} {texts[1]}"
    if name == "neg" and len(args) == 1:
        return f"-({texts[0]})"
    return f"{name}({', '.join(texts)})"


class Expression:
    """A parsed expression, callable like a function of its variables.

    ``outputs`` holds one node tree per ``;``-separated output and
    ``variables`` the variable names in calling order. ``expr(*values)``
    returns one value, or a tuple when there are several outputs; values may
    be floats, numpy arrays or dualdiff's differentiable values, so an
    Expression can be handed to ``grad``, ``jacfwd`` and friends.
    """

    __slots__ = ("text", "outputs", "variables", "_functions", "_programs")

    def __init__(self, text: str, outputs: tuple[Node, ...], variables: tuple[str, ...],
                 functions: Functions):
        self.text = text
        self.outputs = outputs
        self.variables = variables
        self._functions = dict(functions)
        slots = {name: i for i, name in enumerate(variables)}
        self._programs = tuple(_program(node, slots, self._functions) for node in outputs)

    def __call__(self, *values: Any) -> Any:
        if len(values) != len(self.variables):
            names = ", ".join(self.variables) or "no variables"
            raise TypeError(f"expression of ({names}) takes {len(self.variables)} "
                            f"argument{'s' if len(self.variables) != 1 else ''} but {len(values)} "
                            f"{'was' if len(values) == 1 else 'were'} given")
        return self._evaluate(values, check_domain=False)

    def evaluate(self, point: Mapping[str, Any], check_domain: bool = False) -> Any:
        """Evaluate at ``point`` (variable name -> value).

        With ``check_domain=True`` every call is checked on plain numbers
        (and on the primal value of dualdiff boxes): the first call that turns
        finite inputs into a NaN/inf result raises
        :class:`~dualdiff.errors.DomainError` naming it, e.g. ``log(-1.0)``,
        and numpy's RuntimeWarnings are silenced meanwhile.
        """
        for name in point:
            if name not in self.variables:
                known = ", ".join(self.variables) if self.variables else "none"
                raise UnknownVariableError(
                    f"`{name}` is not a variable of the expression (variables: {known})",
                    text=self.text)
        values = []
        for name in self.variables:
            if name not in point:
                raise MissingVariableError(f"variable `{name}` has no value; pass {name}=VALUE",
                                           text=self.text)
            values.append(point[name])
        return self._evaluate(values, check_domain)

    def _evaluate(self, values: Sequence[Any], check_domain: bool) -> Any:
        if check_domain:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                results = tuple(_run(p, values, checked=True) for p in self._programs)
        else:
            results = tuple(_run(p, values) for p in self._programs)
        return results[0] if len(results) == 1 else results

    def __str__(self) -> str:
        return "; ".join(to_string(node) for node in self.outputs)

    def __repr__(self) -> str:
        return f"Expression({self.text!r}, variables={self.variables!r})"


def _variable_name_problem(name: str, functions: Functions | None) -> str | None:
    """Why ``name`` can't be a variable, or None if it can."""
    if not (name.isascii() and name.isidentifier()) or keyword.iskeyword(name):
        return f"`{name}` is not a valid variable name"
    if name.startswith("__"):
        return f"`{name}` is not allowed (names may not start with `__`)"
    if name in CONSTANTS:
        return f"`{name}` is a constant and cannot be a variable"
    if functions is not None and name in functions:
        return f"`{name}` is a function and cannot be a variable"
    return None


def _declared_variables(variables: Sequence[str], functions: Functions) -> tuple[str, ...]:
    if isinstance(variables, str):
        raise TypeError("variables must be a sequence of names such as ('x', 'y'), "
                        f"not the string {variables!r}")
    names = tuple(variables)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"variable names must be str, got {type(name).__name__}")
        problem = _variable_name_problem(name, functions)
        if problem:
            raise ExpressionError(problem)
    seen = set()
    for name in names:
        if name in seen:
            raise ExpressionError(f"variable `{name}` is listed twice")
        seen.add(name)
    return names


def compile(text: str, variables: Sequence[str] | None = None,  # noqa: A001 - the natural name
            functions: Functions | None = None) -> Expression:
    """Parse ``text`` and prepare it for evaluation.

    ``variables`` fixes the calling order (default: order of first
    appearance in the text); it may list names the text does not use, but
    every variable the text uses must be in it. ``functions`` is the callable
    namespace (default: the primitive table). Raises an
    :class:`~dualdiff.errors.ExpressionError` subclass, with the column, for
    anything outside the language. Never evaluates the text.
    """
    functions = _default_functions() if functions is None else functions
    outputs, columns = _parse_with_columns(text, functions)
    if variables is None:
        names = tuple(columns)
    else:
        names = _declared_variables(variables, functions)
        for name, column in columns.items():
            if name not in names:
                raise UnknownVariableError(
                    f"the expression uses `{name}`, which is not one of the variables "
                    f"({', '.join(names) or 'none given'})", text=text, column=column)
    return Expression(text, outputs, names, functions)


# ---------------------------------------------------------------------------
# NAME=VALUE point arguments (the CLI)
# ---------------------------------------------------------------------------

_ASSIGNMENT = re.compile(r"\s*[A-Za-z_][A-Za-z0-9_]*\s*=(?!=)")


def looks_like_assignment(argument: str) -> bool:
    """Whether a command-line argument is ``NAME=VALUE`` rather than an expression.

    True when it starts with an identifier followed by a single ``=``
    (``x=1``, ``t = pi/4``); ``x==1`` or ``x*y`` are expressions.
    """
    return bool(_ASSIGNMENT.match(argument))


def parse_point(assignments: Iterable[str], functions: Functions | None = None) -> dict[str, float]:
    """Turn ``["x=2", "t=pi/4"]`` into ``{"x": 2.0, "t": 0.785...}``.

    A value is a constant expression of this same language. Raises
    :class:`~dualdiff.errors.InvalidAssignmentError` for a malformed argument,
    a bad or repeated name or a value that is not a finite number, and the
    usual ExpressionError subclasses (columns into the whole argument) for a
    value that does not parse.
    """
    functions = _default_functions() if functions is None else functions
    point: dict[str, float] = {}
    for argument in assignments:
        name, value = _split_assignment(argument, functions)
        if name in point:
            raise InvalidAssignmentError(f"`{name}` is given twice", text=argument,
                                         column=argument.index(name))
        point[name] = _constant_value(argument, name, value, functions)
    return point


def _split_assignment(argument: str, functions: Functions) -> tuple[str, str]:
    if not isinstance(argument, str):
        raise TypeError(f"a point argument must be a str, got {type(argument).__name__}")
    name, equals, value = argument.partition("=")
    if not equals:
        raise InvalidAssignmentError(f"`{argument}` is not of the form NAME=VALUE",
                                     text=argument, column=0)
    stripped = name.strip()
    if not stripped:
        raise InvalidAssignmentError("missing name before `=`; write NAME=VALUE",
                                     text=argument, column=0)
    if not value.strip():
        raise InvalidAssignmentError(f"missing value after `{stripped}=`",
                                     text=argument, column=len(argument))
    problem = _variable_name_problem(stripped, functions)
    if problem:
        raise InvalidAssignmentError(problem, text=argument, column=len(name) - len(name.lstrip()))
    return stripped, value


def _constant_value(argument: str, name: str, value: str, functions: Functions) -> float:
    """Evaluate the VALUE part: a finite number, possibly written as an expression."""
    offset = len(argument) - len(value)
    try:
        expression = compile(value, functions=functions)
    except ExpressionError as err:
        column = None if err.column is None else err.column + offset
        raise type(err)(err.message, text=argument, column=column) from None
    text = value.strip()
    start = offset + len(value) - len(value.lstrip())
    names = expression.variables
    if names and all(v.lower() in ("nan", "inf", "infinity") for v in names):
        raise InvalidAssignmentError(f"value of `{name}` must be a finite number, not `{text}`",
                                     text=argument, column=start)
    if expression.variables or len(expression.outputs) != 1:
        raise InvalidAssignmentError(f"value of `{name}` is not a number: `{text}`",
                                     text=argument, column=start)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = _numeric(expression())
    if result is None or np.ndim(result) != 0:
        raise InvalidAssignmentError(f"value of `{name}` is not a number: `{text}`",
                                     text=argument, column=start)
    number = float(result)
    if not math.isfinite(number):
        raise InvalidAssignmentError(f"value of `{name}` is not finite: `{text}` is {number!r}",
                                     text=argument, column=start)
    return number
