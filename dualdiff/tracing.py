"""Tracing: run a function once on :class:`Tracer` values and record every operation.

A Tracer is the innermost value of a traced call (its level is below every
transformation's), so whatever the function does — including ``jvp``,
``grad`` or ``hessian`` inside it, whose rules come from the table — ends in
operations on Tracers, and each one is appended to a :class:`Graph`:

* a table primitive (``prim``), recorded by :meth:`Tracer._apply`;
* a plain numpy call (``call``, ``ufunc``, ``method``) made on values where
  a rule looks at the numbers themselves (``np.where(x > y, 1.0, 0.5)`` in
  the rule of ``maximum``), recorded through numpy's protocols.

Every Tracer carries the concrete value of the call being traced, so tracing
computes the result too. What the recording cannot represent stops the trace
with :class:`TraceError` (a ``float()`` of a traced value, ``np.asarray``,
writing into an array), and the caller runs the function uncompiled: a value
is never baked into the generated code silently. A Python decision on a traced
value (``if``, ``bool``, ``and``) is recorded as a *guard*: the generated code
checks it on every call and asks for a new trace when it no longer holds.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import numpy as np

from .core import Box, shape

TRACE_LEVEL = -1
"""Below every transformation's level (and below symbolic values): the innermost value."""


class TraceError(Exception):
    """The function did something a trace cannot record; run it uncompiled instead."""


class Ref(NamedTuple):
    """A reference to node ``index`` of the graph inside a node's arguments."""

    index: int


class Node(NamedTuple):
    """One recorded operation: ``kind`` is ``input``, ``prim``, ``call``, ``ufunc``,
    ``method`` or ``item``; ``target`` the primitive, function, (ufunc, method) or method
    name; ``args``/``kwargs`` with :class:`Ref` for traced values; ``value`` its concrete
    result at the traced call."""

    kind: str
    target: Any
    args: tuple
    kwargs: dict
    value: Any


class Graph:
    """The nodes of one trace, in evaluation order (a topological order), and its guards."""

    def __init__(self, max_nodes: int):
        self.nodes: list[Node] = []
        self.guards: list[tuple[int, bool]] = []
        self.max_nodes = max_nodes

    def record(self, kind: str, target: Any, args: tuple, kwargs: dict, value: Any) -> Any:
        """Append a node; return its value as a Tracer (tuples of results become tuples of items)."""
        if len(self.nodes) >= self.max_nodes:
            raise TraceError(f"the trace passed {self.max_nodes} operations; too large to compile")
        index = len(self.nodes)
        self.nodes.append(Node(kind, target, args, kwargs, value))
        if isinstance(value, (tuple, list)):
            items = [self.record("item", k, (Ref(index),), {}, v) for k, v in enumerate(value)]
            return type(value)(items) if type(value) in (tuple, list) else type(value)(*items)
        if not isinstance(value, (float, np.ndarray, np.generic, int, bool)):
            raise TraceError(f"a traced operation returned {type(value).__name__}")
        return self._tracer(index, value)

    def input(self, value: Any) -> "Tracer":
        index = len(self.nodes)
        self.nodes.append(Node("input", index, (), {}, value))
        return self._tracer(index, value)

    def _tracer(self, index: int, value: Any) -> "Tracer":
        t = object.__new__(Tracer)
        t.graph = self
        t.index = index
        t.concrete = value
        t._level = TRACE_LEVEL
        return t


def _split(value: Any, graph: list) -> tuple[Any, Any]:
    """(structure with Refs, structure with concrete values) of an argument; finds the graph."""
    if type(value) is Tracer:
        graph.append(value.graph)
        return Ref(value.index), value.concrete
    if isinstance(value, Box):
        raise TraceError(f"a {type(value).__name__} reached the innermost level of a trace")
    if type(value) in (tuple, list):
        pairs = [_split(v, graph) for v in value]
        return type(value)(p[0] for p in pairs), type(value)(p[1] for p in pairs)
    if type(value) is dict:
        pairs = {k: _split(v, graph) for k, v in value.items()}
        return {k: p[0] for k, p in pairs.items()}, {k: p[1] for k, p in pairs.items()}
    if type(value) is slice and any(type(v) is Tracer for v in (value.start, value.stop,
                                                                 value.step)):
        raise TraceError("a slice bound depends on a traced value")
    return value, value


def _record(kind: str, target: Any, args: tuple, kwargs: dict, compute: Callable) -> Any:
    graphs: list = []
    ref_args, values = _split(args, graphs)
    ref_kwargs, kw_values = _split(kwargs, graphs)
    value = compute(*values, **kw_values)
    return graphs[0].record(kind, target, ref_args, ref_kwargs, value)


def _raw_method(name: str) -> Callable:
    def method(self: "Tracer", *args: Any, **kwargs: Any) -> Any:
        return _record("method", name, (self, *args), kwargs,
                       lambda obj, *a, **k: getattr(obj, name)(*a, **k))
    method.__name__ = name
    return method


def _comparison(ufunc: np.ufunc) -> Callable:
    def compare(self: "Tracer", other: Any) -> Any:
        return _record("ufunc", (ufunc, "__call__"), (self, other), {}, ufunc)
    return compare


class Tracer(Box):
    """A traced value: a plain float or array whose every use is recorded (see the module)."""

    __slots__ = ("graph", "index", "concrete", "_level")
    _innermost = True  # dualdiff.core.primal stops here: a Tracer *is* the plain value
    graph: Graph
    index: int
    concrete: Any

    @property
    def shape(self) -> tuple:
        return shape(self.concrete)

    @property
    def ndim(self) -> int:
        return np.ndim(self.concrete)

    @property
    def size(self) -> int:
        return int(np.size(self.concrete))

    @property
    def dtype(self) -> Any:
        return np.result_type(self.concrete)

    def __repr__(self) -> str:
        return f"Tracer(v{self.index}, {type(self.concrete).__name__} {np.shape(self.concrete)})"

    @classmethod
    def _apply(cls, prim, args, params, level):
        return _record("prim", prim, tuple(args), dict(params),
                       lambda *values, **kw: prim.evaluate(values, kw))

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if kwargs.get("out") is not None or method == "at":
            raise TraceError(f"numpy.{ufunc.__name__} writes into an array")
        return _record("ufunc", (ufunc, method), inputs, kwargs, getattr(ufunc, method))

    def __array_function__(self, func, types, args, kwargs):
        if func in (np.shape, np.ndim, np.size):
            return func(*[a.concrete if type(a) is Tracer else a for a in args], **kwargs)
        if kwargs.get("out") is not None:
            raise TraceError(f"numpy.{func.__name__}(..., out=...) writes into an array")
        return _record("call", func, tuple(args), dict(kwargs), func)

    # A decision taken in Python on a traced value becomes a guard of the generated code.
    def __bool__(self) -> bool:
        value = bool(self.concrete)
        self.graph.guards.append((self.index, value))
        return value

    def _refuse(self, what: str):
        raise TraceError(f"{what} of a traced value would fix its number in the generated code")

    def __float__(self):
        self._refuse("float()")

    def __int__(self):
        self._refuse("int()")

    def __index__(self):
        self._refuse("an index")

    def __complex__(self):
        self._refuse("complex()")

    def __array__(self, dtype=None, copy=None):
        self._refuse("numpy.asarray()")

    def __format__(self, spec: str) -> str:
        return format(self.concrete, spec)  # display only

    def __setitem__(self, key, value):
        raise TraceError("writing into a traced array")

    __lt__ = _comparison(np.less)
    __le__ = _comparison(np.less_equal)
    __gt__ = _comparison(np.greater)
    __ge__ = _comparison(np.greater_equal)
    __eq__ = _comparison(np.equal)
    __ne__ = _comparison(np.not_equal)
    __hash__ = None


# A Tracer is a plain array: its ndarray methods are numpy's own, recorded as they are.
for _name in ("astype", "any", "all", "sum", "mean", "max", "min", "prod", "reshape", "transpose",
              "ravel", "flatten", "copy", "cumsum", "cumprod", "clip", "dot", "squeeze",
              "swapaxes", "round", "argmax", "argmin", "argsort", "nonzero", "take", "repeat",
              "diagonal", "conj", "var", "std", "trace"):
    setattr(Tracer, _name, _raw_method(_name))
Tracer.T = property(_raw_method("transpose"))
Tracer.real = property(lambda self: self)
Tracer.imag = property(lambda self: np.zeros_like(self))
