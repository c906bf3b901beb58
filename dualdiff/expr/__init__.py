"""The safe expression language shared by the CLI and the library.

``compile("exp(x*z) + x*z/log(x)")`` turns text into an :class:`Expression`:
a tree of small immutable nodes (:class:`Num`, :class:`Name`, :class:`Call`)
plus the functions it calls, ready to be evaluated on floats, numpy arrays or
dualdiff's differentiable values.

The language: numbers (``2``, ``1e-3``), variables, ``+ - * / **``,
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

The package: :mod:`dualdiff.nodes` holds the node types and the printer,
:mod:`.parser` the three checking stages, :mod:`.evaluator` the compiled
:class:`Expression`.
"""

from __future__ import annotations

from ..nodes import CONSTANTS, Call, Name, Node, Num, postorder, to_string
from .evaluator import Expression, FloatOverflowError, compile, numeric_value
from .parser import MAX_BRACKET_DEPTH, MAX_DEPTH, MAX_LENGTH, parse, variable_name_problem

__all__ = [
    "CONSTANTS", "FloatOverflowError", "MAX_BRACKET_DEPTH", "MAX_DEPTH", "MAX_LENGTH", "Call", "Expression", "Name",
    "Node", "Num", "compile", "numeric_value", "parse", "postorder", "to_string",
    "variable_name_problem",
]
