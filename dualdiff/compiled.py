"""``dualdiff.jit`` (this module: compiled derivatives): trace once, run generated straight-line code.

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

"Uncompiled" means ``f`` on dualdiff values, as in a trace: the arguments'
arithmetic goes through the table, with numpy's inf/NaN (``1 / x`` at 0 is
inf whether the call is the first or the hundredth, never Python's
``ZeroDivisionError``). Only a function that cannot be traced at all runs on
the plain arguments. Integer arguments are promoted to floats, as by every
transformation, and every argument is lifted as the table lifts it (a float32
array or an ``np.float64`` computes as float64 and a scalar result comes back as
a Python float: the values are the uncompiled ones, the Python types may not be);
``None`` and strings inside the arguments are passed through and keyed by value,
like static arguments. Whatever ``f`` captures instead of taking as an argument
(an array, a float in a dict or a global) is a constant of the generated code,
read once at trace time, as in JAX: pass values that change as arguments.
"""

from __future__ import annotations

import functools
import numbers
import threading
import types
import warnings
from typing import Any, Callable, NamedTuple, Sequence

import numpy as np

from .codegen import Retrace, compile_source, generate
from .core import Box, check_live, lift
from .errors import MATH_ERRORS
from .tracing import Graph, Ref, TraceError, Tracer
from .tree import flatten

__all__ = ["jit", "Jitted", "CacheInfo"]

MAX_VARIANTS = 8
MAX_NODES = 20_000
"""Past this many operations a trace stops and the function runs uncompiled (tracing and
generating cost about 20 µs an operation: 0.4 s at the limit)."""


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


_NO_FIT = object()
"""What :meth:`Jitted._first_fit` returns when no variant's guards hold for a call."""


class _NotCompiled(Exception):
    """The arguments of a call cannot be keyed or traced (the message says why)."""


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
        self._negative = any(i < 0 for i in self.static)  # counted from the end, as in JAX
        self.max_variants = max_variants
        self.max_nodes = max_nodes
        self._cache: dict[Any, _Entry] = {}
        self._float_entries: dict[int, _Entry] = {}  # all arguments Python floats, by count
        self._entry: Callable = self.__call__  # see fast_path
        self._count = -1  # how many arguments _entry takes (-1: none compiled yet)
        self._hits = self._traces = self._guard_failures = self._uncompiled = 0
        self._warned: set[str] = set()
        self._tracing = threading.RLock()  # see _no_variant (re-entrant: f may call itself)

    # --- calling ----------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        entry = self._float_entries.get(len(args))
        if entry is not None and not kwargs:
            for a in args:
                if type(a) is not float:
                    break
            else:  # the common scalar call: no flattening, no key to build
                return self._float_call(args, entry, None)
        return self._call(args, kwargs)

    def _float_call(self, args: tuple, entry: _Entry, tried: Callable | None) -> Any:
        """A call of floats only, through the variants of its entry (``tried`` has failed)."""
        seen = len(entry.variants)
        result = self._first_fit(entry.variants[:seen], args, args, tried)
        if result is _NO_FIT:
            return self._no_variant(args, list(args), entry, seen)  # without trying them again
        return result

    def _first_fit(self, variants: Sequence[_Variant], args: tuple, dynamic: Sequence,
                   skip: Callable | None = None) -> Any:
        """The result of the first variant whose guards hold for ``dynamic`` (``skip``, a
        variant that has failed already, is not tried again), or :data:`_NO_FIT`. A float
        error runs the call uncompiled, so numpy's inf/NaN semantics hold as uncompiled."""
        for variant in variants:
            if variant.function is skip:
                continue
            try:
                result = variant.function(*dynamic)  # the result, in its structure
            except Retrace:
                self._guard_failures += 1
                continue
            except MATH_ERRORS:
                self._uncompiled += 1
                return self._evaluate(args, dynamic)
            self._hits += 1
            return result
        return _NO_FIT

    def fast_path(self) -> Callable:
        """A plain function doing what calling this object does (what :func:`jit` returns).

        It calls ``_entry``: this object's own dispatch at first, and once a call of floats
        only has compiled, a generated entry that checks its arguments and runs that program
        in one function (:func:`_float_entry`), the shortest way in for scalar code.
        """
        state = self

        def compiled(*args: Any, **kwargs: Any) -> Any:
            if kwargs or len(args) != state._count:
                return state(*args, **kwargs)
            return state._entry(*args)

        functools.update_wrapper(compiled, self.f)
        compiled.source = self.source  # type: ignore[attr-defined]
        compiled.cache_info = self.cache_info  # type: ignore[attr-defined]
        compiled.namespace = self.namespace  # type: ignore[attr-defined]
        compiled.jitted = self  # type: ignore[attr-defined]
        return compiled

    def _call(self, args: tuple, kwargs: dict) -> Any:
        if kwargs:
            if any(isinstance(leaf, Box) for leaf in flatten((args, kwargs))[0]):
                return self.f(*args, **kwargs)  # inside a trace or transformation: see through
            return self._call_uncompiled(args, kwargs, "keyword arguments are not compiled")
        try:
            dynamic, key = self._split(args)
            if dynamic is None:
                return self.f(*args)  # inside another trace or transformation: see through it
            entry = self._cache.get(key)
        except (_NotCompiled, TypeError) as err:  # TypeError: an unhashable static argument
            return self._call_uncompiled(args, {}, str(err))
        if entry is None:
            entry = self._cache[key] = _Entry()
        seen = len(entry.variants)
        result = self._first_fit(entry.variants[:seen], args, dynamic)
        if result is _NO_FIT:
            return self._no_variant(args, dynamic, entry, seen)
        return result

    def _no_variant(self, args: tuple, dynamic: list, entry: _Entry, seen: int) -> Any:
        """No compiled variant fits this call (of the first ``seen``): trace one, or run uncompiled.

        One thread traces at a time. Threads that missed the same new branch together would
        otherwise each trace and cache a copy of it, filling ``max_variants`` with duplicates
        and sending the signature uncompiled with a false "more than N branches" warning. A
        thread that waited first tries the variants traced meanwhile.
        """
        with self._tracing:
            result = self._first_fit(entry.variants[seen:], args, dynamic)
            if result is _NO_FIT:
                return self._trace_or_give_up(args, dynamic, entry)
            return result

    def _trace_or_give_up(self, args: tuple, dynamic: list, entry: _Entry) -> Any:
        if entry.uncompiled:  # a trace of this signature failed: f cannot be followed
            self._uncompiled += 1
            return self.f(*args)
        if len(entry.variants) >= self.max_variants:
            self._warn(f"more than {self.max_variants} branches traced for one signature")
            self._uncompiled += 1
            return self._evaluate(args, dynamic)
        return self._trace(args, dynamic, entry)

    def _split(self, args: tuple) -> tuple[list | None, Any]:
        """The differentiable leaves (lifted) and the cache key of a call (``None, None`` when
        a leaf is a box: the call is inside a transformation)."""
        dynamic: list = []
        key: list = []
        static = self._statics(len(args))
        for i, a in enumerate(args):
            if i in static:
                key.append(("static", _static_key(a)))
                continue
            leaves, _ = flatten(a)
            shape_key = []
            for leaf in leaves:
                if isinstance(leaf, Box):
                    return None, None
                if _passed_through(leaf):
                    shape_key.append(("static", _static_key(leaf)))
                    continue
                if not isinstance(leaf, (numbers.Number, np.ndarray, np.generic)):
                    raise _NotCompiled(f"an argument holds a {type(leaf).__name__}, neither a "
                                       "number nor an array (pass it with static_argnums)")
                leaf = lift(leaf)
                dynamic.append(leaf)
                shape_key.append(_leaf_key(leaf))
            key.append((_structure(a), tuple(shape_key)))
        return dynamic, tuple(key)

    def _trace(self, args: tuple, dynamic: list, entry: _Entry) -> Any:
        graph = Graph(self.max_nodes)
        tracers = [graph.input(x) for x in dynamic]
        call = _with_tracers(args, self._statics(len(args)), tracers)
        try:
            out = self.f(*call)
            out_leaves, rebuild = flatten(out)
            outputs = rebuild([_output(leaf, graph) for leaf in out_leaves])
        except Exception as err:  # noqa: BLE001 (what the trace could not follow runs uncompiled)
            result = _checked(self.f(*args))  # a genuine error of f surfaces here, as uncompiled
            return self._give_up(entry, f"{type(err).__name__}: {err}", result)
        try:
            source, namespace = generate(graph, [t.index for t in tracers], outputs,
                                         _name(self.f))
            floats = all(type(x) is float for x in dynamic) and len(dynamic) == len(args)
            function = compile_source(source, namespace)
        except Exception as err:  # noqa: BLE001 (a defect here must not cost a user a result)
            return self._give_up(entry, f"no code generated, {type(err).__name__}: {err}",
                                 rebuild([_plain(leaf) for leaf in out_leaves]))
        self._traces += 1
        entry.variants.append(_Variant(function, source))
        if floats:
            self._float_entries[len(args)] = entry
            if len(entry.variants) == 1:
                self._entry = _float_entry(source, namespace, len(args), self, entry, function)
                self._count = len(args)
        return rebuild([_plain(leaf) for leaf in out_leaves])

    def _statics(self, n: int) -> tuple:
        """The static positions of a call with ``n`` arguments."""
        if not self._negative:
            return self.static
        return tuple(i + n if i < 0 else i for i in self.static)

    def _give_up(self, entry: _Entry, reason: str, result: Any) -> Any:
        """This signature runs uncompiled from now on (``result`` is this call's)."""
        entry.uncompiled = True
        entry.reason = reason
        self._uncompiled += 1
        self._warn(reason)
        return result

    def _evaluate(self, args: tuple, dynamic: list) -> Any:
        """``f`` uncompiled, on dualdiff values as in a trace (so ``1 / x`` at 0 is inf, as it
        was when traced), without generating code; on the plain arguments if that fails."""
        graph = Graph(self.max_nodes)
        call = _with_tracers(args, self._statics(len(args)), [graph.input(x) for x in dynamic])
        try:
            out = self.f(*call)
        except Exception:  # noqa: BLE001 (not traceable this time: the plain call decides)
            return self.f(*args)
        leaves, rebuild = flatten(out)
        return rebuild([_plain(leaf) for leaf in leaves])

    def _call_uncompiled(self, args: tuple, kwargs: dict, reason: str) -> Any:
        self._uncompiled += 1
        result = self.f(*args, **kwargs)  # a genuine error of f surfaces here, as uncompiled
        self._warn(reason)
        return result

    def _warn(self, reason: str) -> None:
        if reason not in self._warned:
            self._warned.add(reason)
            warnings.warn(f"dualdiff.jit({_name(self.f)}): running uncompiled ({reason})",
                          RuntimeWarning, stacklevel=4)

    # --- looking inside ---------------------------------------------------------------------
    def source(self, *args: Any) -> str:
        """The generated program for a call with ``args`` (traced now if needed)."""
        try:
            dynamic, key = self._split(args)
            hash(key)
        except (_NotCompiled, TypeError) as err:
            return f"# not compiled: {err}\n"
        if dynamic is None:
            raise TypeError("jit(f).source() takes plain floats and arrays")
        entry = self._cache.get(key)
        if entry is None or not (entry.variants or entry.uncompiled):
            self(*args)
            entry = self._cache[key]
        if entry.uncompiled:
            return f"# not compiled: {entry.reason}\n"
        return "\n".join(v.source for v in entry.variants)

    def namespace(self) -> dict[str, Any]:
        """What the generated programs read (their globals), for printing them standalone."""
        names: dict[str, Any] = {}
        for entry in self._cache.values():
            for variant in entry.variants:
                names.update(variant.function.__globals__)
        return names

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
        return lambda g: Jitted(g, static_argnums, max_variants, max_nodes).fast_path()
    return Jitted(f, static_argnums, max_variants, max_nodes).fast_path()


_ENTRY = """
def entry({params}):
    if {test}:
        return _state({params})
    try:
{body}
    except _Retrace:
        _state._guard_failures += 1
        return _state._float_call(({params},), _cached, _variant)
    except _MATH_ERRORS:
        _state._uncompiled += 1
        return _state._evaluate(({params},), ({params},))
"""


def _float_entry(source: str, namespace: dict, count: int, state: Jitted, entry: _Entry,
                 variant: Callable) -> Callable:
    """The first program compiled for ``count`` float arguments, with the call's checks around
    it in one function: the arguments are floats, a failed guard or a float error hands the
    call to ``state`` (the program as :meth:`Jitted.source` shows it is unchanged)."""
    body = source.partition("\n")[2].rstrip("\n").splitlines()
    returns = [f"        _state._hits += 1\n    {line}" if line.lstrip().startswith("return ")
               else f"    {line}" for line in body]
    names = [f"x{k}" for k in range(count)]
    text = _ENTRY.format(params=", ".join(names),
                         test=" or ".join(f"type({n}) is not float" for n in names) or "False",
                         body="\n".join(returns))
    scope = {**namespace, "_state": state, "_cached": entry, "_variant": variant,
             "_MATH_ERRORS": MATH_ERRORS, "_Retrace": Retrace}
    exec(compile(text, "<dualdiff jit entry>", "exec"), scope)  # noqa: S102 (built here)
    return scope["entry"]


def _name(f: Callable) -> str:
    name = getattr(f, "__name__", "f")
    return name if name.isidentifier() else "compiled"


def _structure(a: Any) -> Any:
    """The container structure of an argument, as :func:`~dualdiff.tree.flatten` sees it
    (the container types included: two named tuples with the same leaves differ)."""
    if isinstance(a, (tuple, list)):
        return (type(a),) + tuple(_structure(x) for x in a)
    if isinstance(a, dict):
        return (type(a),) + tuple((k, _structure(v)) for k, v in a.items())
    return None


def _static_key(a: Any) -> Any:
    """A static value as a key: by type and value (2 and 2.0 are different calls; a float by
    its repr, so -0.0 and NaN key as themselves)."""
    if isinstance(a, (tuple, list)):
        return (type(a),) + tuple(_static_key(x) for x in a)
    if type(a) is float:
        return (float, repr(a))
    return (type(a), a)


def _passed_through(leaf: Any) -> bool:
    """Leaves that are neither numbers nor arrays but safe to key by value: None, strings,
    functions (immutable, so nothing read from them can go stale)."""
    return leaf is None or isinstance(leaf, (str, bytes, types.FunctionType,
                                             types.BuiltinFunctionType, np.ufunc))


def _with_tracers(args: tuple, static: tuple, tracers: list) -> list:
    call = []
    pos = 0
    for i, a in enumerate(args):
        if i in static:
            call.append(a)
            continue
        leaves, rebuild = flatten(a)
        new = []
        for leaf in leaves:
            if _passed_through(leaf):
                new.append(leaf)
            else:
                new.append(tracers[pos])
                pos += 1
        call.append(rebuild(new))
    return call


def _output(leaf: Any, graph: Graph) -> Any:
    if type(leaf) is Tracer:
        if leaf.graph is not graph:
            raise TraceError("an output comes from another trace")
        return Ref(leaf.index)
    if isinstance(leaf, Box):
        raise TraceError(f"the function returned a {type(leaf).__name__} (a value of an "
                         "unfinished transformation)")
    if isinstance(leaf, np.ndarray) and leaf.dtype.kind in "biufcSU":
        return graph.constant(leaf)  # this call returns leaf itself, which its caller may write
    if leaf is None or isinstance(leaf, (numbers.Number, str, bytes, np.generic)):  # into
        return leaf
    raise TraceError(f"the function returned a {type(leaf).__name__}, which may hold traced "
                     "values the generated code cannot rebuild")


def _checked(result: Any) -> Any:
    """An uncompiled result of plain arguments, refused if it holds a value leaked from a
    finished transformation (the trace fails on it, and the plain call would return it)."""
    for leaf in flatten(result)[0]:
        check_live(leaf, "jit")
    return result


def _plain(leaf: Any) -> Any:
    return leaf.concrete if type(leaf) is Tracer else leaf
