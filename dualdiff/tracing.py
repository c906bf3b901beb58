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

Three more things a trace could lose without noticing, and how it doesn't:

* a shape that depends on the values (``np.flatnonzero(x > 0)``): such results
  are *ragged*, and reading the shape of a ragged value (``len``, ``.shape``)
  adds a shape guard;
* a constant array written into after it was recorded (a buffer reused by the
  function): every constant array is recorded as a read-only copy, so the
  generated code sees what each operation saw;
* numpy's error handling set by a rule (``with np.errstate(divide="ignore")``):
  recorded per operation, so compiled code warns where uncompiled code warns.
"""

from __future__ import annotations

import math
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
        self.ragged: set[int] = set()
        """Nodes whose shape depends on the values, not only on the input shapes."""
        self.shapes: dict[int, tuple] = {}
        """Shape guards: ragged nodes whose shape the function read, and that shape."""
        self.errstates: dict[int, dict] = {}
        """numpy error handling a rule set around an operation (``np.errstate(divide=...)``),
        where it differs from the caller's: the generated code sets it there too."""
        self._errstate = np.geterr()
        self._constants: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def record(self, kind: str, target: Any, args: tuple, kwargs: dict, value: Any,
               ragged: bool = False) -> Any:
        """Append a node; return its value as a Tracer (tuples of results become tuples of items)."""
        if len(self.nodes) >= self.max_nodes:
            raise TraceError(f"the trace passed {self.max_nodes} operations; too large to compile")
        index = len(self.nodes)
        self.nodes.append(Node(kind, target, args, kwargs, value))
        if ragged:
            self.ragged.add(index)
        if isinstance(value, (tuple, list)):
            items = [self.record("item", k, (Ref(index),), {}, v, ragged)
                     for k, v in enumerate(value)]
            return type(value)(items) if type(value) in (tuple, list) else type(value)(*items)
        if not isinstance(value, (float, np.ndarray, np.generic, int, bool)):
            raise TraceError(f"a traced operation returned {type(value).__name__}")
        return self._tracer(index, value)

    def constant(self, array: np.ndarray) -> np.ndarray:
        """A read-only copy of a constant array as it is now (the same copy while it is unchanged).

        The generated code refers to the copy: writing into the original after
        an operation read it (a reused buffer) cannot change what that
        operation computes, nor make two different operations look alike.
        """
        kept = self._constants.get(id(array))
        if kept is not None and kept[0] is array:
            copy = kept[1]
            if copy.dtype == array.dtype and copy.shape == array.shape and (
                    copy.tobytes() == array.tobytes()):
                return copy
        copy = array.copy()
        copy.flags.writeable = False
        self._constants[id(array)] = (array, copy)  # the original kept alive: ids stay unique
        return copy

    def split(self, value: Any) -> tuple[Any, Any]:
        """(structure with Refs and frozen constants, the same with concrete values)."""
        if type(value) is Tracer:
            if value.graph is not self:
                raise TraceError("a value of another trace was used")
            return Ref(value.index), value.concrete
        if isinstance(value, Box):
            raise TraceError(f"a {type(value).__name__} reached the innermost level of a trace")
        if type(value) in (tuple, list):
            pairs = [self.split(v) for v in value]
            return type(value)(p[0] for p in pairs), type(value)(p[1] for p in pairs)
        if type(value) is dict:
            pairs = {k: self.split(v) for k, v in value.items()}
            return {k: p[0] for k, p in pairs.items()}, {k: p[1] for k, p in pairs.items()}
        if isinstance(value, np.ndarray):
            value = self.constant(value)
        elif type(value) is slice and any(type(v) is Tracer for v in (value.start, value.stop,
                                                                       value.step)):
            raise TraceError("a slice bound depends on a traced value")
        return value, value

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


def _graph_of(value: Any) -> Graph | None:
    """The graph of the first Tracer inside an argument structure."""
    if type(value) is Tracer:
        return value.graph
    if type(value) in (tuple, list):
        for v in value:
            graph = _graph_of(v)
            if graph is not None:
                return graph
    elif type(value) is dict:
        return _graph_of(tuple(value.values()))
    return None


def _refs(value: Any) -> list[int]:
    if type(value) is Ref:
        return [value.index]
    if type(value) in (tuple, list):
        return [k for v in value for k in _refs(v)]
    if type(value) is dict:
        return [k for v in value.values() for k in _refs(v)]
    return []


_RAGGED_FUNCTIONS = {getattr(np, name) for name in (
    "nonzero", "flatnonzero", "argwhere", "extract", "compress", "unique", "trim_zeros",
    "intersect1d", "setdiff1d", "setxor1d", "union1d", "bincount", "repeat", "delete", "insert",
    "split", "array_split", "unique_values", "unique_counts", "unique_inverse", "unique_all")
    if hasattr(np, name)}
_RAGGED_METHODS = {"nonzero", "repeat", "compress"}
"""Operations whose result shape can depend on the values of their arguments."""


def _record(kind: str, target: Any, args: tuple, kwargs: dict, compute: Callable,
            ragged: bool = False) -> Any:
    graph = _graph_of(args) or _graph_of(kwargs)
    if graph is None:
        raise TraceError("a traced value inside a container a trace cannot look into")
    ref_args, values = graph.split(args)
    ref_kwargs, kw_values = graph.split(kwargs)
    value = compute(*values, **kw_values)
    if type(value) is not float or kw_values or not _floats(values):  # floats never warn
        state = np.geterr()
        if state != graph._errstate:  # inside a rule's np.errstate: warnings as it chose
            graph.errstates[len(graph.nodes)] = {k: v for k, v in state.items()
                                                 if graph._errstate[k] != v}
    ragged = ragged or (target in _RAGGED_FUNCTIONS if kind == "call" else
                        target in _RAGGED_METHODS if kind == "method" else False)
    if graph.ragged and not ragged:  # shapes computed from a ragged value are ragged too
        ragged = any(k in graph.ragged for k in _refs((ref_args, ref_kwargs)))
    return graph.record(kind, target, ref_args, ref_kwargs, value, ragged)


def _floats(values: tuple) -> bool:
    for v in values:
        if type(v) is not float:
            return False
    return True


def _other_box(values: Any) -> bool:
    """Is a box of a transformation among these values? Then that box's rules handle the call."""
    for v in values:
        if isinstance(v, Box) and type(v) is not Tracer:
            return True
    return False


def _raw_method(name: str) -> Callable:
    def method(self: "Tracer", *args: Any, **kwargs: Any) -> Any:
        return _record("method", name, (self, *args), kwargs,
                       lambda obj, *a, **k: getattr(obj, name)(*a, **k))
    method.__name__ = name
    return method


def _comparison(ufunc: np.ufunc) -> Callable:
    def compare(self: "Tracer", other: Any) -> Any:
        if isinstance(other, Box) and type(other) is not Tracer:
            return NotImplemented  # the reflected comparison of a Dual/Var compares primals
        return _record("ufunc", (ufunc, "__call__"), (self, other), {}, ufunc)
    return compare


def _bitwise(ufunc: np.ufunc, reflected: bool = False) -> Callable:
    """``&``, ``|``, ``^`` of boolean arrays (masks in rules), recorded as numpy's ufuncs."""
    def operate(self: "Tracer", other: Any) -> Any:
        if isinstance(other, Box) and type(other) is not Tracer:
            return NotImplemented
        pair = (other, self) if reflected else (self, other)
        return _record("ufunc", (ufunc, "__call__"), pair, {}, ufunc)
    return operate


class Tracer(Box):
    """A traced value: a plain float or array whose every use is recorded (see the module)."""

    __slots__ = ("graph", "index", "concrete", "_level")
    _innermost = True  # dualdiff.core.primal stops here: a Tracer *is* the plain value
    graph: Graph
    index: int
    concrete: Any

    @property
    def shape(self) -> tuple:
        s = shape(self.concrete)
        if self.index in self.graph.ragged:  # the code reads a shape the values decided
            self.graph.shapes[self.index] = s
        return s

    @property
    def ndim(self) -> int:
        return np.ndim(self.concrete)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

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
        if _other_box(inputs):
            return NotImplemented  # a Dual/Var argument: its level's rules take the call
        return _record("ufunc", (ufunc, method), inputs, kwargs, getattr(ufunc, method))

    def __array_function__(self, func, types, args, kwargs):
        if func in _SHAPE_READERS:
            return func(*[_shaped(a) if type(a) is Tracer else a for a in args], **kwargs)
        if func in _TYPE_READERS:  # a dtype never depends on the values: nothing to record
            return func(*[a.concrete if type(a) is Tracer else a for a in args], **kwargs)
        if kwargs.get("out") is not None:
            raise TraceError(f"numpy.{func.__name__}(..., out=...) writes into an array")
        for t in types:
            if t is not Tracer and issubclass(t, Box):
                return NotImplemented  # a Dual/Var argument: its level's rules take the call
        if func is np.where and len(args) == 3 and not kwargs:
            return _record("call", func, tuple(args), {}, _scalar_where)
        return _record("call", func, tuple(args), dict(kwargs), func,
                       ragged=func is np.where and len(args) == 1)  # where(c) is nonzero(c)

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

    __and__ = _bitwise(np.bitwise_and)
    __rand__ = _bitwise(np.bitwise_and, reflected=True)
    __or__ = _bitwise(np.bitwise_or)
    __ror__ = _bitwise(np.bitwise_or, reflected=True)
    __xor__ = _bitwise(np.bitwise_xor)
    __rxor__ = _bitwise(np.bitwise_xor, reflected=True)

    def __invert__(self) -> Any:
        return _record("ufunc", (np.invert, "__call__"), (self,), {}, np.invert)

    __lt__ = _comparison(np.less)
    __le__ = _comparison(np.less_equal)
    __gt__ = _comparison(np.greater)
    __ge__ = _comparison(np.greater_equal)
    __eq__ = _comparison(np.equal)
    __ne__ = _comparison(np.not_equal)
    __hash__ = None


def _shaped(t: Tracer) -> Any:
    """A stand-in with the Tracer's shape for numpy.shape/ndim/size (reading a ragged shape
    adds its guard)."""
    return np.broadcast_to(0.0, t.shape) if t.index in t.graph.ragged else t.concrete


_SHAPE_READERS = (np.shape, np.ndim, np.size)
_TYPE_READERS = (np.result_type, np.iscomplexobj, np.isrealobj)


def _scalar_where(c: Any, a: Any, b: Any) -> Any:
    """numpy.where; on three scalars a scalar, as the generated ``(a if c else b)`` gives."""
    out = np.where(c, a, b)
    if _is_scalar(c) and _is_scalar(a) and _is_scalar(b):
        return out[()]
    return out


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (float, int, bool, np.generic))


# A Tracer is a plain array: its ndarray methods are numpy's own, recorded as they are.
for _name in ("astype", "any", "all", "sum", "mean", "max", "min", "prod", "reshape", "transpose",
              "ravel", "flatten", "copy", "cumsum", "cumprod", "clip", "dot", "squeeze",
              "swapaxes", "round", "argmax", "argmin", "argsort", "nonzero", "take", "repeat",
              "diagonal", "conj", "var", "std", "trace"):
    setattr(Tracer, _name, _raw_method(_name))
Tracer.T = property(_raw_method("transpose"))


def _part(func: Callable) -> property:
    """``.real``/``.imag``: of a real value, itself and zeros (its dtype says so: nothing to
    record); of a complex one (numpy.fft's), numpy's real or imaginary part, recorded."""
    def get(self: Tracer) -> Any:
        if np.iscomplexobj(self.concrete):
            return _record("call", func, (self,), {}, func)
        return self if func is np.real else np.zeros_like(self)
    return property(get)


Tracer.real = _part(np.real)
Tracer.imag = _part(np.imag)
