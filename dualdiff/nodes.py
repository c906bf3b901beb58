"""Expression nodes and their printer, shared by the expression language, symbolic
differentiation and the float specialisation of the rules.

Three small immutable node types (:class:`Num`, :class:`Name`, :class:`Call`)
describe an expression; operators are calls too (``x + y`` is
``Call("add", (x, y))``). :data:`OPERATORS` is the one map from an operator
primitive's name to its symbol and precedence, read by the printer here, the
parser, the float source generator and the CLI.

Everything here is iterative (explicit stacks), so trees of any depth, such as
those built by symbolic differentiation, cannot exhaust the Python stack.
"""

from __future__ import annotations

import keyword
import math
from typing import Any, Callable, Iterable, Iterator

import numpy as np

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}
"""Named constants of the language; they can't be variables."""

OPERATORS: dict[str, tuple[str, int]] = {
    "add": ("+", 1), "sub": ("-", 1), "mul": ("*", 2), "div": ("/", 2), "pow": ("**", 4)}
"""Operator primitive name -> (symbol, precedence). Precedence grows with binding
strength; unary minus (``neg``) sits between ``*`` and ``**`` as in Python
(``-x**2 == -(x**2)``)."""

NEG_PRECEDENCE = 3
ATOM_PRECEDENCE = 5


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


def postorder(root: Node, unique: bool = False) -> Iterator[Node]:
    """The nodes of ``root``, children before parents, left to right.

    ``unique=False`` visits every occurrence (the tree as written, the order
    a stack machine evaluates it in); ``unique=True`` visits each distinct
    node *object* once (the DAG as it sits in memory: a subexpression that
    symbolic differentiation or the parser shares is visited once).
    Iterative, so trees of any depth are fine.
    """
    seen: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        if not ready:
            if unique:
                if id(node) in seen:
                    continue
                seen.add(id(node))
            if type(node) is Call:
                stack.append((node, True))
                stack.extend((arg, False) for arg in reversed(node.args))
                continue
        yield node


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


def format_number(value: float) -> str:
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
        if node.func in OPERATORS and len(node.args) == 2:
            return OPERATORS[node.func][1]
        if node.func == "neg" and len(node.args) == 1:
            return NEG_PRECEDENCE
    elif type(node) is Num and math.copysign(1.0, node.value) < 0:
        return NEG_PRECEDENCE  # printed with a leading minus
    return ATOM_PRECEDENCE


def _print_pieces(node: Node, context: tuple[int | None, str]) -> list:
    """Pieces of ``node`` printed where its precedence must be at least ``context[0]``;
    ``context[1]`` is the power symbol (``**`` or ``^``).

    ``+ - * /`` are left-associative (the right operand needs a strictly
    higher precedence: ``a - (b - c)``); ``**`` is right-associative and binds
    tighter than unary minus on its left (``(-x) ** 2``) but accepts it on its
    right (``x ** -y``); the operand of unary minus needs more than unary
    minus, so ``-(-x)`` keeps its parentheses and ``-x ** 2`` needs none.
    """
    at_least, power = context
    if type(node) is Num:
        pieces: list = [format_number(node.value)]
    elif type(node) is Name:
        pieces = [node.id]
    elif node.func in OPERATORS and len(node.args) == 2:
        symbol, prec = OPERATORS[node.func]
        if node.func == "pow":
            symbol, (left, right) = power, (ATOM_PRECEDENCE, NEG_PRECEDENCE)
        else:
            left, right = prec, prec + 1
        pieces = [(node.args[0], (left, power)), f" {symbol} ", (node.args[1], (right, power))]
    elif node.func == "neg" and len(node.args) == 1:
        pieces = ["-", (node.args[0], (NEG_PRECEDENCE + 1, power))]
    else:
        pieces = [f"{node.func}("]
        for i, arg in enumerate(node.args):
            pieces += [", "] if i else []
            pieces.append((arg, (None, power)))
        pieces.append(")")
    if at_least is not None and _precedence(node) < at_least:
        return ["(", *pieces, ")"]
    return pieces


POWER_SYMBOLS = ("**", "^")
"""The two spellings of power the language reads (``^`` is math notation)."""


def to_string(node: Node, power: str = "**") -> str:
    """Print ``node`` as text that :func:`parse` turns back into an identical tree.

    Parentheses are the minimal ones for Python's precedence and
    associativity and ``pi``/``e`` stay names. Power prints as ``power``:
    ``**`` by default, or ``^`` to echo a user who wrote math notation (both
    parse to the same tree, with the same precedence). Raises ``ValueError``
    for a non-finite :class:`Num` (it has no literal).
    """
    if not isinstance(node, Node):
        raise TypeError(f"to_string needs an expression node, got {type(node).__name__}")
    if power not in POWER_SYMBOLS:
        raise ValueError(f"power must be one of {POWER_SYMBOLS}, got {power!r}")
    return _emit(node, lambda n, context: _print_pieces(n, context or (None, power)))


