"""Generating straight-line Python from a trace: the source-transformation view of AD.

:func:`generate` turns a :class:`~dualdiff.tracing.Graph` into one Python
function, one line per operation, in evaluation order:

* only what the outputs and the guards need is emitted (dead code dropped);
* an operation with the same inputs and parameters as an earlier one reuses
  its variable (common subexpressions computed once);
* operations on constants never reach the graph: they were computed while
  tracing (constant folding, so an identity seed's ``A @ I`` is just ``A``);
* floats go through each entry's ``math`` implementation and Python's
  operators, arrays through the entry's numpy implementation — the same
  functions the uncompiled path calls, so results agree to the last bit or
  few ulps; Python's float errors (``1.0 / 0.0``) escape as exceptions the
  caller turns into an uncompiled run with numpy's inf/NaN semantics;
* each guard (a decision taken on a traced value) is checked right after the
  value it reads, raising :class:`Retrace` when it no longer holds.

No derivative rule is written here: the operations are whatever the table's
rules did while tracing. The source is kept and shown (``jit(f).source()``,
``dualdiff codegen``).
"""

from __future__ import annotations

import keyword
import math
from typing import Any

import numpy as np

from .errors import MATH_ERRORS
from .nodes import OPERATORS
from .primitives import Kind
from .tracing import Graph, Node, Ref, numpy_scalar

_INFIX = {name: symbol for name, (symbol, _) in OPERATORS.items() if symbol != "**"}  # math.pow
"""Entries written as Python operators on floats (``**`` goes through ``math.pow``: numpy's NaN)."""
_COMPARE = {np.less: "<", np.less_equal: "<=", np.greater: ">", np.greater_equal: ">=",
            np.equal: "==", np.not_equal: "!="}
_FLOAT_UFUNCS = {np.isfinite: "math.isfinite({})", np.isnan: "math.isnan({})",
                 np.isinf: "math.isinf({})", np.negative: "(-{})", np.absolute: "abs({})",
                 np.add: "({} + {})", np.subtract: "({} - {})", np.multiply: "({} * {})",
                 np.true_divide: "({} / {})", np.power: "math.pow({}, {})"}
"""numpy ufuncs on float scalars as float code (a float error raises; the caller then runs
the function uncompiled, with numpy's inf/NaN)."""


class Retrace(Exception):
    """A guard of the generated code failed: the call needs a trace of its own."""


def _is_float(value: Any) -> bool:
    return isinstance(value, float) or (isinstance(value, np.generic) and value.dtype.kind == "f"
                                        and value.ndim == 0)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (float, int, bool, np.generic))


class _Emitter:
    """Names, constants and the lines of one generated function."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.namespace: dict[str, Any] = {"np": np, "math": math, "_Retrace": Retrace,
                                          "_inf": math.inf, "_nan": math.nan}
        self.names: dict[int, str] = {}
        self.alias: dict[int, int] = {}
        self.lines: list[str] = []
        self._constants: dict[int, str] = {}
        self.python: set[int] = set()
        """Nodes emitted as Python floats/bools whose traced value was a numpy scalar."""

    # --- names -------------------------------------------------------------------------------
    def bind(self, value: Any, stem: str) -> str:
        """A namespace name for an object the source cannot spell (arrays, functions)."""
        key = id(value)
        name = self._constants.get(key)
        if name is None:
            name = f"{stem}{len(self._constants)}"
            self._constants[key] = name
            self.namespace[name] = value
        return name

    def function(self, fn: Any, stem: str) -> str:
        name = getattr(fn, "__name__", None)
        if name and getattr(np, name, None) is fn:
            return f"np.{name}"
        if name and getattr(math, name, None) is fn:
            return f"math.{name}"
        stem = name.lstrip("_") if name and name.isidentifier() else stem
        return self.bind(fn, f"_{stem}_")

    def ref(self, index: int) -> str:
        return self.names[self.alias.get(index, index)]

    def const(self, value: Any) -> str:
        """Source for a constant argument (or a Ref inside a structure)."""
        if type(value) is Ref:
            return self.ref(value.index)
        if value is None or value is Ellipsis or type(value) in (bool, int, str):
            return repr(value)
        if type(value) is float:
            if math.isfinite(value):
                return repr(value)
            return "_nan" if value != value else ("_inf" if value > 0 else "(-_inf)")
        if type(value) is tuple:
            inner = ", ".join(self.const(v) for v in value)
            return f"({inner},)" if len(value) == 1 else f"({inner})"
        if type(value) is list:
            return "[" + ", ".join(self.const(v) for v in value) + "]"
        if type(value) is dict:
            return "{" + ", ".join(f"{k!r}: {self.const(v)}" for k, v in value.items()) + "}"
        if isinstance(value, type) and getattr(np, value.__name__, None) is value:
            return f"np.{value.__name__}"  # np.float64 and friends
        if type(value) is slice:
            return f"slice({self.const(value.start)}, {self.const(value.stop)}, " \
                   f"{self.const(value.step)})"
        return self.bind(value, "_c")

    def call(self, fn: str, args: tuple, kwargs: dict) -> str:
        parts = [self.const(a) for a in args] + [f"{k}={self.const(v)}" for k, v in kwargs.items()]
        return f"{fn}({', '.join(parts)})"

    # --- one node ----------------------------------------------------------------------------
    def expression(self, node: Node) -> str:
        values = [self._value(a) for a in node.args]
        scalars = all(_is_scalar(v) for v in values)
        if node.kind == "prim":
            return self._primitive(node, values, scalars)
        if node.kind == "item":
            return f"{self.const(node.args[0])}[{node.target}]"
        if node.kind == "method":
            owner, *rest = node.args
            receiver = self.const(owner)
            value = self._value(owner)
            if type(owner) is Ref and self.alias.get(owner.index, owner.index) in self.python:
                # emitted as a Python float/bool; numpy's scalar type has the method
                receiver = f"np.{type(value).__name__}({receiver})"
            elif type(value) in (bool, int, float):  # a Python scalar: numpy's has the method
                receiver = f"{self.bind(numpy_scalar, '_numpy_scalar')}({receiver})"
            return self.call(f"{receiver}.{node.target}", tuple(rest), node.kwargs)
        if node.kind == "ufunc":
            ufunc, method = node.target
            if method == "__call__":
                if scalars and not node.kwargs and _is_scalar(node.value):
                    float_form = self._float_ufunc(ufunc, node.args)
                    if float_form is not None:
                        return float_form
                text = self.call(self.function(ufunc, "ufunc"), node.args, node.kwargs)
                if type(node.value) in (bool, int, float):  # traced as a Python scalar
                    return f"{type(node.value).__name__}({text})"
                return text
            return self.call(f"{self.function(ufunc, 'ufunc')}.{method}", node.args, node.kwargs)
        if node.kind == "call":
            if node.target in (np.all, np.any) and scalars and len(node.args) == 1 \
                    and not node.kwargs:
                return f"bool({self.const(node.args[0])})"
            if node.target is np.where and scalars and len(node.args) == 3:
                c, a, b = (self.const(x) for x in node.args)
                return f"({a} if {c} else {b})"
            return self.call(self.function(node.target, "f"), node.args, node.kwargs)
        raise AssertionError(node.kind)

    def _value(self, arg: Any) -> Any:
        if type(arg) is Ref:
            return self.graph.nodes[self.alias.get(arg.index, arg.index)].value
        return arg

    def _float_ufunc(self, ufunc: Any, args: tuple) -> str | None:
        if ufunc in _COMPARE and len(args) == 2:
            return f"({self.const(args[0])} {_COMPARE[ufunc]} {self.const(args[1])})"
        form = _FLOAT_UFUNCS.get(ufunc)
        if form is None or not all(_is_float(self._value(a)) for a in args):
            return None  # Python's bool and int arithmetic is not numpy's (True + True)
        return form.format(*(self.const(a) for a in args))

    def _primitive(self, node: Node, values: list, scalars: bool) -> str:
        prim = node.target
        if (scalars and prim.scalar_impl is not None and not node.kwargs
                and all(_is_float(v) for v in values) and _is_float(node.value)):
            args = [self.const(a) for a in node.args]
            if prim.name in _INFIX:
                text = f"({args[0]} {_INFIX[prim.name]} {args[1]})"
            elif prim.name == "neg":
                text = f"(-{args[0]})"
            else:
                return f"{self.function(prim.scalar_impl, prim.name)}({', '.join(args)})"
            if all(type(v) is float for v in values):
                return text
            return f"float{text}"  # a numpy scalar operand: the result is a float, as uncompiled
        text = self.call(self.function(prim.impl, prim.name), node.args, node.kwargs)
        if isinstance(node.value, float):
            return f"float({text})"  # the table's rule for 0-d results (Primitive.evaluate)
        return text


def _freeze(value: Any) -> Any:
    """A hashable key for an argument: same key, same value (arrays and objects by identity)."""
    if type(value) is Ref:
        return ("ref", value.index)
    if type(value) in (tuple, list):
        return (type(value).__name__,) + tuple(_freeze(v) for v in value)
    if type(value) is dict:
        return ("dict",) + tuple((k, _freeze(v)) for k, v in value.items())
    if type(value) is float:
        return ("float", repr(value))
    if type(value) is slice:
        return ("slice", _freeze(value.start), _freeze(value.stop), _freeze(value.step))
    if isinstance(value, np.ndarray):
        return ("ndarray", id(value))  # constants are frozen copies (Graph.constant): never change
    if isinstance(value, np.generic):
        return (type(value), value.tobytes())  # -0.0 is not 0.0, and NaN is itself
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return (type(value), value)  # 1 and True are different arguments


def _needed(graph: Graph, outputs: list) -> set[int]:
    """Nodes the outputs and the guards depend on (everything else is dead code)."""
    stack = _refs(outputs) + [g for g, _ in graph.guards] + list(graph.shapes)
    seen: set[int] = set()
    while stack:
        k = stack.pop()
        if k in seen:
            continue
        seen.add(k)
        node = graph.nodes[k]
        stack.extend(_refs(node.args))
        stack.extend(_refs(node.kwargs))
    return seen


def _uses(graph: Graph, needed: set[int], outputs: Any) -> dict[int, int]:
    """How many needed nodes (and outputs) read each node (guards not counted)."""
    counts: dict[int, int] = {}
    for k in needed:
        node = graph.nodes[k]
        if _is_truth_identity(node, graph):
            continue  # emitted as its argument, reads nothing
        for r in _refs(node.args) + _refs(node.kwargs):
            counts[r] = counts.get(r, 0) + 1
    for r in _refs(outputs):
        counts[r] = counts.get(r, 0) + 1
    return counts


def _identity_of(node: Node, emitter: _Emitter) -> int | None:
    """The node an operation returns unchanged (``x * 1.0``, ``bool`` of a bool), if any."""
    if len(node.args) == 2 and (
            (node.kind == "prim" and node.target.name == "mul")
            or (node.kind == "ufunc" and node.target == (np.multiply, "__call__")
                and not node.kwargs)):
        a, b = node.args
        for this, other in ((a, b), (b, a)):
            if type(this) is not Ref or not _is_one(other):
                continue
            value = emitter.graph.nodes[this.index].value
            if np.shape(other) in ((), np.shape(value)) and _same_kind(value, node.value):
                return this.index
    if _is_truth_identity(node, emitter.graph):
        return node.args[0].index
    return None


def _same_kind(a: Any, b: Any) -> bool:
    """Same type, shape and dtype: ``a`` can stand for ``b`` (``x * 1.0`` of ints is not x)."""
    return type(a) is type(b) and np.shape(a) == np.shape(b) and (
        not isinstance(a, (np.ndarray, np.generic)) or a.dtype == b.dtype)


def _is_truth_identity(node: Node, graph: Graph) -> bool:
    """``np.all``/``np.any`` of one scalar truth value: the value itself."""
    return (node.kind == "call" and node.target in (np.all, np.any) and len(node.args) == 1
            and not node.kwargs and type(node.args[0]) is Ref
            and isinstance(graph.nodes[node.args[0].index].value, (bool, np.bool_)))


def _is_one(value: Any) -> bool:
    if type(value) is float:
        return value == 1.0
    return isinstance(value, np.ndarray) and value.dtype == np.float64 and bool(np.all(value == 1.0))


def _refs(value: Any) -> list[int]:
    if type(value) is Ref:
        return [value.index]
    if isinstance(value, (tuple, list)):  # named tuples among the outputs too
        return [k for v in value for k in _refs(v)]
    if type(value) is dict:
        return [k for v in value.values() for k in _refs(v)]
    return []


def _resolve(value: Any, alias: dict[int, int]) -> Any:
    if type(value) is Ref:
        return Ref(alias.get(value.index, value.index))
    if type(value) in (tuple, list):
        return type(value)(_resolve(v, alias) for v in value)
    if type(value) is dict:
        return {k: _resolve(v, alias) for k, v in value.items()}
    return value


def generate(graph: Graph, inputs: list[int], outputs: Any, name: str = "compiled"
             ) -> tuple[str, dict[str, Any]]:
    """The source of ``def name(x0, x1, ...)`` and its namespace.

    ``inputs`` are the graph's input node indices in argument order;
    ``outputs`` is the function's result with every traced leaf replaced by
    its :class:`Ref` (tuples, lists and dicts of them), which the generated
    function returns in the same structure.
    """
    emitter = _Emitter(graph)
    needed = _needed(graph, outputs)
    guards: dict[int, list[bool]] = {}
    for index, expected in graph.guards:
        while _is_truth_identity(graph.nodes[index], graph):
            index = graph.nodes[index].args[0].index  # guard the value itself
        guards.setdefault(index, []).append(expected)
    seen: dict[Any, int] = {}
    checked: set[tuple[int, bool]] = set()
    uses = _uses(graph, needed, outputs)
    for k, index in enumerate(inputs):
        emitter.names[index] = f"x{k}"
    count = 0
    for index, node in enumerate(graph.nodes):
        if index not in needed:
            continue
        if node.kind == "input":  # a parameter; only its guards, if any, need lines
            _emit_guards(emitter, index, guards, checked, graph.shapes)
            continue
        node = Node(node.kind, node.target, _resolve(node.args, emitter.alias),
                    _resolve(node.kwargs, emitter.alias), node.value)
        target = (node.kind, id(node.target) if node.kind in ("prim", "call") else
                  _freeze(node.target), _freeze(node.args), _freeze(node.kwargs))
        earlier = seen.get(target)
        same = _identity_of(node, emitter)
        if earlier is not None or same is not None:
            emitter.alias[index] = earlier if earlier is not None else same
        else:
            seen[target] = index
            text = emitter.expression(node)
            if isinstance(node.value, np.generic) and not text.startswith(("np.", "_")):
                emitter.python.add(index)  # a Python float/bool: wrapped for numpy's methods
            if index in guards and uses.get(index, 0) == 0 and index not in graph.errstates:
                emitter.names[index] = f"({text})"  # only the guard reads it (and CSE twins)
                _emit_guards(emitter, index, guards, checked, graph.shapes)
                continue
            emitter.names[index] = f"v{count}"
            count += 1
            line = f"    {emitter.names[index]} = {text}"
            comment = _comment(node)
            state = graph.errstates.get(index)
            if state is not None and not _python_only(node, emitter):
                options = ", ".join(f"{k}={v!r}" for k, v in state.items())
                emitter.lines.append(f"    with np.errstate({options}):")
                line = "    " + line
            emitter.lines.append(line + (f"  # {comment}" if comment else ""))
        _emit_guards(emitter, index, guards, checked, graph.shapes)
    params = ", ".join(f"x{k}" for k in range(len(inputs)))
    while name in emitter.namespace or keyword.iskeyword(name):
        name += "_"  # a function called np (or _c0) must not replace what its code reads
    body = emitter.lines or ["    pass"]
    source = (f"def {name}({params}):\n" + "\n".join(body) +
              f"\n    return {_output_expression(emitter, outputs)}\n")
    return source, emitter.namespace


def _python_only(node: Node, emitter: _Emitter) -> bool:
    """Python floats in and out: the line cannot reach numpy's error handling."""
    return type(node.value) in (float, bool) and all(
        type(emitter._value(a)) in (float, bool, int) for a in node.args)


def _emit_guards(emitter: _Emitter, index: int, guards: dict, checked: set, shapes: dict) -> None:
    """The checks of the decisions taken on node ``index``, right after its value exists."""
    canonical = emitter.alias.get(index, index)
    for expected in guards.get(index, ()):
        if (canonical, expected) in checked:
            continue
        checked.add((canonical, expected))
        emitter.lines.append(f"    if {'not ' if expected else ''}{emitter.ref(index)}:"
                             f" raise _Retrace  # guard: the traced branch")
    if index in shapes and (canonical, shapes[index]) not in checked:
        checked.add((canonical, shapes[index]))
        emitter.lines.append(f"    if np.shape({emitter.ref(index)}) != {shapes[index]!r}:"
                             f" raise _Retrace  # guard: the traced shape")


def _output_expression(emitter: _Emitter, value: Any, returned: set | None = None) -> str:
    """The result in its structure: variables for traced leaves, fresh copies of constant arrays.

    An array returned twice (two outputs that common subexpressions made one)
    is copied the second time: the caller may write into one of them.
    """
    returned = set() if returned is None else returned
    if type(value) is Ref:
        index = emitter.alias.get(value.index, value.index)
        text = emitter.ref(value.index)
        if index in returned and isinstance(emitter.graph.nodes[index].value, np.ndarray):
            return f"{text}.copy()"
        returned.add(index)
        return text
    if isinstance(value, (tuple, list)):
        inner = ", ".join(_output_expression(emitter, v, returned) for v in value)
        if type(value) is list:
            return f"[{inner}]"
        if type(value) is tuple:
            return f"({inner},)" if len(value) == 1 else f"({inner})"
        kind = emitter.bind(type(value), "_T")
        return f"{kind}({inner})" if hasattr(value, "_fields") else f"{kind}([{inner}])"
    if type(value) is dict:
        return "{" + ", ".join(f"{k!r}: {_output_expression(emitter, v, returned)}"
                               for k, v in value.items()) + "}"
    text = emitter.const(value)
    return f"{text}.copy()" if isinstance(value, np.ndarray) else text


def _comment(node: Node) -> str:
    if node.kind == "prim" and node.target.kind is not Kind.ELEMENTWISE:
        return node.target.name
    return ""


def compile_source(source: str, namespace: dict[str, Any]) -> Any:
    """Compile generated source (built here from a trace, never from user text); the function
    it defines."""
    name = source[len("def "):source.index("(")]
    exec(compile(source, f"<dualdiff jit {name}>", "exec"), namespace)  # noqa: S102
    return namespace[name]


__all__ = ["MATH_ERRORS", "Retrace", "generate", "compile_source"]
