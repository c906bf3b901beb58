"""Parsing the expression language: text -> checked Python AST -> our nodes.

The text is checked in three stages and nothing is ever executed. (1) A
pre-scan caps the length and bracket nesting and rejects characters the
language never needs (quotes, ``#``, non-ASCII, control characters) *before*
Python's parser sees the text. (2) :func:`ast.parse` (mode ``"eval"``) builds a
syntax tree only, and an allowlist walk rejects every node type outside the
language, with a message naming it and the column. (3) The tree is converted
to :mod:`dualdiff.nodes`, each name resolved against the function namespace.
The language and the decisions behind these checks are described in
:mod:`dualdiff.expr`.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import keyword
import math
import warnings
from typing import Any, Callable, Mapping

import numpy as np

from ..errors import (DisallowedSyntaxError, ExpressionError, ExpressionSyntaxError,
                      UnknownFunctionError)
from ..nodes import CONSTANTS, Call, Name, Node, Num
from ..primitives import expression_functions
from .hints import (ascii_spelling, bars_message, decimal_comma_hint, did_you_mean, juxtaposition_hint,
                    lookalike_message)

MAX_LENGTH = 10_000
"""Longest accepted expression text, in characters (checked before anything else)."""

MAX_BRACKET_DEPTH = 100
"""Deepest accepted bracket nesting (checked by the pre-scan, before parsing)."""

MAX_DEPTH = 500
"""Deepest accepted syntax tree (operator chains such as ``1+1+...`` nest too)."""

_AST_BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}

Functions = Mapping[str, Callable[..., Any]]

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
    """Reject one character the language never uses, with a message naming it
    (and, for characters pasted from slides, the ASCII spelling to use)."""
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
        pasted = lookalike_message(ch, text)
        if pasted is not None:
            raise _syntax_error(pasted, text, i)
        if ("a" + ch).isidentifier():
            raise _disallowed(
                f"non-ASCII character `{ch}` (U+{ord(ch):04X}) is not allowed; "
                f"names must use ASCII letters, digits and `_`{did_you_mean(text)}", text, i)
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
            message = juxtaposition_hint(piece.text, column) or message
        if message == "invalid syntax" and not piece.text[column + 1:].strip():
            message = "the expression ends too early (an operand is missing at the end)"
        if "|" in piece.text:
            message = bars_message(piece.text)
        raise piece.syntax_error(message, column) from None
    except (RecursionError, MemoryError):
        message = "expression is nested too deeply to parse"
        raise piece.syntax_error(message, piece.column(0)) from None
    except (ValueError, OverflowError) as err:
        raise piece.syntax_error(f"invalid expression: {err}", piece.column(0)) from None


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
            message = bars_message(piece.text) if type(node.op) is ast.BitOr else f"{operator} is not allowed"
            raise piece.disallowed(message, piece.operator_column(node.left, node.right))
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
    if kind is ast.Tuple:
        hint = decimal_comma_hint(piece.literal(node))
        message = f"a comma between numbers{hint}; separate several outputs with `;`" if hint else message
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


def _chain_length(node: ast.BinOp) -> int:
    """How many binary operators hang below ``node`` along left operands (``a+b+c``: 2)."""
    count = 0
    while type(node) is ast.BinOp:
        count, node = count + 1, node.left
    return count


def _check_tree(tree: ast.Expression, piece: _Piece) -> None:
    """Allowlist walk (iterative, preorder): the first node outside the language raises."""
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            chain = type(node) is ast.BinOp and _chain_length(node) > MAX_DEPTH // 2
            why = "; each operator of a chain such as x+x+...+x is one level" if chain else ""
            raise piece.syntax_error(f"expression is nested too deeply (the limit is {MAX_DEPTH} "
                                     f"levels{why})", piece.node_column(node))
        children = _check_node(node, piece)
        stack.extend((child, depth + 1) for child in reversed(children))


# ---------------------------------------------------------------------------
# Stage 3: our nodes, with names resolved against the function namespace
# ---------------------------------------------------------------------------


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

    def __init__(self, functions: Functions, share: bool = True):
        self.functions = functions
        self.variable_columns: dict[str, int] = {}
        self._arities: dict[str, tuple[int, float] | None] = {}
        self.interned: dict[Node, Node] | None = {} if share else None

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
            return self._shared(Num(node.value))
        if kind is ast.Name:
            return self._shared(self._name(node.id, piece, piece.node_column(node)))
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
            raise ExpressionError(message + decimal_comma_hint(piece.text[where:]),
                                  text=piece.text, column=where)
        return self._shared(Call(name, args))

    def _shared(self, node: Node) -> Node:
        """The one node object standing for every occurrence of an equal subexpression.

        Hash-consing: structurally equal nodes (compared in O(1) once their
        children are shared) become one object, so ``x*z`` written three times
        is one node with three parents, evaluated once, recorded once in a
        trace and drawn once in a graph, as a hand-drawn graph would. With
        ``share=False`` every occurrence stays its own object, in the order the
        text is written.
        """
        if self.interned is None:
            return node
        return self.interned.setdefault(node, node)


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


def parse_with_columns(text: str, functions: Functions,
                       share: bool = True) -> tuple[tuple[Node, ...], dict[str, int]]:
    """Every stage for every output; also the first column of each variable.

    ``share`` makes equal subexpressions one node object, across outputs too
    (see :meth:`_Converter._shared`)."""
    spans = _prescan(text)
    pieces = [_Piece(text, start, end) for start, end in spans]
    trees = []
    for piece in pieces:  # check all outputs before resolving any name
        tree = _parse_python(piece)
        _check_tree(tree, piece)
        trees.append(tree)
    converter = _Converter(functions, share)
    outputs = tuple(converter.convert(tree, piece) for tree, piece in zip(trees, pieces))
    return outputs, converter.variable_columns


def parse(text: str, functions: Functions | None = None, share: bool = True) -> tuple[Node, ...]:
    """Parse ``text`` into one node tree per ``;``-separated output.

    ``functions`` is the namespace of callable names (default: the primitive
    table, :func:`dualdiff.primitives.expression_functions`). With ``share``
    (the default) equal subexpressions are one node object, so the result is a
    DAG in memory (it prints as the same tree). Raises an
    :class:`~dualdiff.errors.ExpressionError` subclass for anything outside
    the language; nothing is evaluated.
    """
    functions = expression_functions() if functions is None else functions
    return parse_with_columns(text, functions, share)[0]


def variable_name_problem(name: str, functions: Functions | None) -> str | None:
    """Why ``name`` can't be a variable, or None if it can."""
    if not (name.isascii() and name.isidentifier()) or keyword.iskeyword(name):
        spelled = ascii_spelling(name).strip()
        plain = spelled != name and spelled.isascii() and spelled.isidentifier()
        hint = f"; did you mean `{spelled}`?" if plain else ""
        return f"`{name}` is not a valid variable name{hint}"
    if name.startswith("__"):
        return f"`{name}` is not allowed (names may not start with `__`)"
    if name in CONSTANTS:
        return f"`{name}` is a constant and cannot be a variable"
    if functions is not None and name in functions:
        return f"`{name}` is a function and cannot be a variable"
    return None
