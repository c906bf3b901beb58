"""``dualdiff.jit``: trace once, run generated straight-line code afterwards.

``jit(f)`` works for any function built from dualdiff and numpy, including
transformed ones (``jit(value_and_grad(f))``, ``jit(hessian(f))``, a ``jvp``
inside a lambda). The first call with a given *signature* — the structure of
the arguments, and the type, dtype and shape of each leaf, plus the static
arguments — traces ``f`` (:mod:`dualdiff.tracing`) and compiles the trace to a
Python function (:mod:`dualdiff.codegen`); later calls with that signature run
the compiled function. Derivative rules are the table's: tracing runs them.

Value-dependent decisions (``if x > 0``, the branch of ``abs`` or ``relu`` at
its kink, ties in ``max``) become guards; a call that fails a guard is traced
again and the variant cached, up to ``max_variants`` per signature; past that,
calls run uncompiled (with one warning). Anything a trace cannot record, a
trace that passes ``max_nodes`` operations, or a float error (``1.0 / 0.0``
raises in Python where numpy gives inf) also runs the function uncompiled, so
results always follow the uncompiled semantics.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any, Callable, NamedTuple, Sequence

import numpy as np

from .codegen import Retrace, compile_source, generate
from .core import Box, lift
from .errors import MATH_ERRORS
from .tracing import Graph, Ref, TraceError, Tracer
from .tree import flatten

__all__ = ["jit", "Jitted", "CacheInfo"]

MAX_VARIANTS = 8
MAX_NODES = 200_000


class CacheInfo(NamedTuple):
    """Counts of a jitted function: compiled calls, traces, failed guards, uncompiled calls."""

    hits: int
    traces: int
    guard_failures: int
    uncompiled: int
    signatures: int


class _Variant(NamedTuple):
    function: Callable
    source: str


class _Entry:
    """What is known about one call signature: its compiled variants, or that it can't compile."""

    __slots__ = ("variants", "uncompiled", "reason")

    def __init__(self) -> None:
        self.variants: list[_Variant] = []
        self.uncompiled = False
        self.reason = ""


def _leaf_key(x: Any) -> Any:
    t = type(x)
    if t is float:
        return float
    if t is np.ndarray:
        return (x.dtype.str, x.shape)
    return (t, np.shape(x))


class Jitted:
    """A function compiled per call signature (see the module docstring)."""

    def __init__(self, f: Callable, static_argnums: int | Sequence[int] = (),
                 max_variants: int = MAX_VARIANTS, max_nodes: int = MAX_NODES):
        functools.update_wrapper(self, f)
        self.f = f
        self.static = (static_argnums,) if isinstance(static_argnums, int) else tuple(
            static_argnums)
        self.max_variants = max_variants
        self.max_nodes = max_nodes
        self._cache: dict[Any, _Entry] = {}
        self._float_entries: dict[int, _Entry] = {}  # all arguments Python floats, by count
        self._hits = self._traces = self._guard_failures = self._uncompiled = 0
        self._warned: set[str] = set()

    # --- calling ----------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        entry = self._float_entries.get(len(args))
        if entry is not None and not kwargs:
            for a in args:
                if type(a) is not float:
                    break
            else:  # the common scalar call: no flattening, no key to build
                for variant in entry.variants:
                    try:
                        result = variant.function(*args)
                    except Retrace:
                        self._guard_failures += 1
                        continue
                    except MATH_ERRORS:
                        self._uncompiled += 1
                        return self.f(*args)
                    self._hits += 1
                    return result
        return self._call(args, kwargs)

    def _call(self, args: tuple, kwargs: dict) -> Any:
        if kwargs:
            return self._call_uncompiled(args, kwargs, "keyword arguments are not compiled")
        dynamic, key = self._split(args)
        if dynamic is None:
            return self.f(*args)  # called inside another trace or transformation: see through it
        entry = self._cache.get(key)
        if entry is None:
            entry = self._cache[key] = _Entry()
        if entry.uncompiled:
            self._uncompiled += 1
            return self.f(*args)
        for variant in entry.variants:
            try:
                leaves = variant.function(*dynamic)  # the result, in its structure
            except Retrace:
                self._guard_failures += 1
                continue
            except MATH_ERRORS:
                self._uncompiled += 1
                return self.f(*args)  # numpy's inf/NaN semantics, as uncompiled
            self._hits += 1
            return leaves
        if len(entry.variants) >= self.max_variants:
            return self._call_uncompiled(args, {}, f"more than {self.max_variants} branches "
                                                   "traced for one signature")
        return self._trace(args, dynamic, entry)

    def _split(self, args: tuple) -> tuple[list | None, Any]:
        """The differentiable leaves (lifted) and the cache key of a call."""
        dynamic: list = []
        key: list = []
        for i, a in enumerate(args):
            if i in self.static:
                key.append(("static", a))
                continue
            leaves, _ = flatten(a)
            shape_key = []
            for leaf in leaves:
                if isinstance(leaf, Box):
                    return None, None
                leaf = lift(leaf)
                dynamic.append(leaf)
                shape_key.append(_leaf_key(leaf))
            key.append((_structure(a), tuple(shape_key)))
        return dynamic, tuple(key)

    def _trace(self, args: tuple, dynamic: list, entry: _Entry) -> Any:
        graph = Graph(self.max_nodes)
        tracers = [graph.input(x) for x in dynamic]
        call = _with_tracers(args, self.static, tracers)
        try:
            out = self.f(*call)
            out_leaves, rebuild = flatten(out)
            outputs = rebuild([_output(leaf, graph) for leaf in out_leaves])
            source, namespace = generate(graph, [t.index for t in tracers], outputs,
                                         _name(self.f))
            function = compile_source(source, namespace, _name(self.f))
        except (TraceError, TypeError, ValueError, AttributeError, IndexError) as err:
            entry.uncompiled = True
            entry.reason = f"{type(err).__name__}: {err}"
            return self._call_uncompiled(args, {}, entry.reason)
        self._traces += 1
        entry.variants.append(_Variant(function, source))
        if all(type(x) is float for x in dynamic) and len(dynamic) == len(args):
            self._float_entries[len(args)] = entry
        return rebuild([_plain(leaf) for leaf in out_leaves])

    def _call_uncompiled(self, args: tuple, kwargs: dict, reason: str) -> Any:
        self._uncompiled += 1
        result = self.f(*args, **kwargs)  # a genuine error of f surfaces here, as uncompiled
        if reason not in self._warned:
            self._warned.add(reason)
            warnings.warn(f"dualdiff.jit({_name(self.f)}): running uncompiled ({reason})",
                          RuntimeWarning, stacklevel=3)
        return result

    # --- looking inside ---------------------------------------------------------------------
    def source(self, *args: Any) -> str:
        """The generated program for a call with ``args`` (traced now if needed)."""
        dynamic, key = self._split(args)
        if dynamic is None:
            raise TypeError("jit(f).source() takes plain floats and arrays")
        entry = self._cache.get(key)
        if entry is None or not (entry.variants or entry.uncompiled):
            self(*args)
            entry = self._cache[key]
        if entry.uncompiled:
            return f"# not compiled: {entry.reason}\n"
        return "\n".join(v.source for v in entry.variants)

    def cache_info(self) -> CacheInfo:
        """How calls went: compiled runs, traces, failed guards, uncompiled runs, signatures."""
        return CacheInfo(self._hits, self._traces, self._guard_failures, self._uncompiled,
                         len(self._cache))

    def __repr__(self) -> str:
        return f"<dualdiff.jit of {_name(self.f)}: {self.cache_info()}>"


def jit(f: Callable | None = None, *, static_argnums: int | Sequence[int] = (),
        max_variants: int = MAX_VARIANTS, max_nodes: int = MAX_NODES) -> Any:
    """Compile ``f`` per call signature (usable as ``@jit`` or ``jit(f, static_argnums=1)``)."""
    if f is None:
        return lambda g: Jitted(g, static_argnums, max_variants, max_nodes)
    return Jitted(f, static_argnums, max_variants, max_nodes)


def _name(f: Callable) -> str:
    name = getattr(f, "__name__", "f")
    return name if name.isidentifier() else "compiled"


def _structure(a: Any) -> Any:
    if type(a) in (tuple, list):
        return (type(a).__name__,) + tuple(_structure(x) for x in a)
    if type(a) is dict:
        return ("dict",) + tuple((k, _structure(v)) for k, v in a.items())
    return None


def _with_tracers(args: tuple, static: tuple, tracers: list) -> list:
    call = []
    pos = 0
    for i, a in enumerate(args):
        if i in static:
            call.append(a)
            continue
        leaves, rebuild = flatten(a)
        call.append(rebuild(tracers[pos:pos + len(leaves)]))
        pos += len(leaves)
    return call


def _output(leaf: Any, graph: Graph) -> Any:
    if type(leaf) is Tracer:
        if leaf.graph is not graph:
            raise TraceError("an output comes from another trace")
        return Ref(leaf.index)
    if isinstance(leaf, Box):
        raise TraceError(f"the function returned a {type(leaf).__name__} (a value of an "
                         "unfinished transformation)")
    return leaf


def _plain(leaf: Any) -> Any:
    return leaf.concrete if type(leaf) is Tracer else leaf
