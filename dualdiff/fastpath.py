"""The fast paths of forward and reverse mode, generated from the table's entries.

A scalar Dual operation through the general path (:meth:`Dual._apply`) spends
most of its time in calls: dispatch, the partial's lambda, and inside it
dualdiff functions (``div(1.0, x)`` in the rule of log) that dispatch again
before reaching ``math``. For the common cases none of that is needed. So for
every elementwise entry of one or two arguments this module generates, from
one template per case, small handlers bound into ``prim.fast``:

* forward mode on a :class:`~dualdiff.dual.Dual` of floats or plain arrays;
* recording on the tape (:class:`~dualdiff.tape.Var`) of floats or arrays;
* the float partials the backward sweep uses with a scalar cotangent.

No rule is written here. Each partial is run once on *symbolic* arguments
(:mod:`dualdiff.symbolic`); the result is the rule as an expression (``1 / x``
for log), printed as Python source over floats (operators and the entries' own
``math`` implementations) and inlined into the handler. A rule that branches on
values (relu, maximum, ...) cannot be printed and is called as it is.

Python floats raise where numpy returns inf/NaN (``1.0 / 0.0``,
``math.log(-1.0)``); the generated code catches exactly those
(:data:`~dualdiff.errors.MATH_ERRORS`) and hands the call to the general path,
which follows numpy, so results are identical (tested per entry). Every
handler falls back to the general path for anything else (nesting, batches,
broadcasting, mixed levels). Handlers are compiled on the first call that can
use them, so ``import dualdiff`` pays nothing for them.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from .core import F64, bind
from .dual import Dual
from .errors import MATH_ERRORS, SymbolicBranchError
from .nodes import OPERATORS, Name, Num, postorder
from .primitives import ON_REGISTER, REGISTRY, Kind, Primitive
from .sym import Sym, as_node
from .tape import Var

_INFIX = {name: symbol for name, (symbol, _) in OPERATORS.items() if name != "pow"}


# ---------------------------------------------------------------------------
# Rules as float source
# ---------------------------------------------------------------------------

def float_source(node: Any, namespace: dict[str, Any]) -> str | None:
    """Python source computing ``node`` on floats, or None when a function has no float form.

    ``+ - * /`` become Python operators (their float semantics match numpy's
    up to the exceptions the caller catches); every other call becomes the
    entry's scalar implementation, bound into ``namespace``.
    """
    if isinstance(node, float):
        return repr(node)
    text: dict[int, str] = {}
    for n in postorder(node, unique=True):
        if type(n) is Num:
            if not math.isfinite(n.value):
                return None
            text[id(n)] = f"({n.value!r})"
        elif type(n) is Name:
            text[id(n)] = n.id
        else:
            args = [text[id(a)] for a in n.args]
            if n.func in _INFIX:
                text[id(n)] = f"({args[0]} {_INFIX[n.func]} {args[1]})"
            elif n.func == "neg":
                text[id(n)] = f"(-{args[0]})"
            else:
                prim = REGISTRY.get(n.func)
                if prim is None or prim.scalar_impl is None or prim.kind is not Kind.ELEMENTWISE:
                    return None
                namespace[f"_f_{n.func}"] = prim.scalar_impl
                text[id(n)] = f"_f_{n.func}({', '.join(args)})"
    return text[id(node)]


def partial_sources(prim: Primitive, names: tuple[str, ...], namespace: dict) -> list[str] | None:
    """Each partial of ``prim`` as float source over ``out`` and ``names``, or None."""
    if prim.partials is None or prim.scalar_impl is None:
        return None
    out = Sym("out")
    args = [Sym(name) for name in names]
    sources = []
    for partial in prim.partials:
        try:
            value = partial(out, *args)
            source = float_source(value.node if isinstance(value, Sym) else as_node(value),
                                  namespace)
        except SymbolicBranchError:
            return None  # a piecewise rule: it needs the value
        except Exception:  # noqa: BLE001
            # Any other failure (a user rule calling math.* on its argument, a rule that
            # needs arrays, ...) only means "not printable": calling the rule is exact.
            return None
        if source is None:
            return None
        sources.append(source)
    return sources


def compile_function(source: str, name: str, namespace: dict[str, Any]) -> Callable:
    """Compile one generated function. The only place generated code is executed.

    Like :mod:`dataclasses`, this runs source built here from the table (never
    user text); ``namespace`` holds every name it refers to.
    """
    namespace.setdefault("_MATH_ERRORS", MATH_ERRORS)
    exec(compile(source, f"<dualdiff fast path {name}>", "exec"), namespace)  # noqa: S102
    return namespace[name]


def float_partials(prim: Primitive) -> tuple[Callable, ...] | None:
    """``partial_i(out, *args)`` for float arguments, falling back to the rule otherwise."""
    names = _names(prim)
    namespace: dict[str, Any] = {}
    sources = partial_sources(prim, names, namespace)
    if sources is None:
        return None
    functions = []
    params = ", ".join(("out",) + names)
    floats = " and ".join(f"type({n}) is float" for n in ("out",) + names)
    for i, (source, rule) in enumerate(zip(sources, prim.partials)):
        namespace[f"_rule{i}"] = rule
        functions.append(compile_function(
            f"def _partial{i}({params}):\n"
            f"    if {floats}:\n"
            f"        try:\n"
            f"            return {source}\n"
            f"        except _MATH_ERRORS:\n"
            f"            pass\n"
            f"    return _rule{i}({params})\n",
            f"_partial{i}", namespace))
    return tuple(functions)


def _names(prim: Primitive) -> tuple[str, ...]:
    return tuple(f"x{i}" for i in range(prim.nargs))


# ---------------------------------------------------------------------------
# The templates: forward mode on Duals, recording on the tape
# ---------------------------------------------------------------------------
# {out} is the operation on floats, {p0}/{p1} the partials' float source (or a
# call of the rule), a {new} line builds the result Dual (see _fill). Each template has a float
# branch, a plain-array branch, and hands everything else to _general.

_NEW_DUAL = ("d = _object_new(Dual)", "d.value = out", "d.tangent = tangent", "d._level = level",
             "return d")


def _fill(template: str, **parts: str) -> str:
    """``template.format(**parts)``, with a line holding only ``{new}`` expanded to the
    statements of :data:`_NEW_DUAL` at that line's indentation."""
    lines = []
    for line in template.splitlines():
        if line.strip() == "{new}":
            indent = line[:len(line) - len(line.lstrip())]
            lines.extend(indent + statement for statement in _NEW_DUAL)
        else:
            lines.append(line)
    return "\n".join(lines).format(**parts) + "\n"

_DUAL_UNARY = """
def forward(x):
    x0 = x.value
    t0 = x.tangent
    level = x._level
    if type(x0) is float:
        if type(t0) is float:
            try:
                out = {out}
                tangent = ({p0}) * t0 if t0 != 0.0 else 0.0
            except _MATH_ERRORS:
                return _general(x)
            {new}
    elif type(x0) is ndarray and type(t0) is ndarray and t0.shape == x0.shape:
        out = _impl(x0)
        tangent = _times(_partial0(out, x0), t0)
        if tangent is not None:
            {new}
    return _general(x)
"""

_DUAL_BINARY = """
def forward(x, y):
    if type(x) is Dual:
        x0 = x.value
        t0 = x.tangent
        level = x._level
        if type(y) is Dual:
            if y._level != level:
                return _general(x, y)
            x1 = y.value
            t1 = y.tangent
            if type(x0) is float and type(x1) is float and type(t0) is float and type(t1) is float:
                try:
                    out = {out}
                    tangent = ({p0}) * t0 if t0 != 0.0 else 0.0
                    if t1 != 0.0:
                        tangent = tangent + ({p1}) * t1
                except _MATH_ERRORS:
                    return _general(x, y)
                {new}
            if (type(x0) is ndarray and type(x1) is ndarray and type(t0) is ndarray
                    and type(t1) is ndarray and x0.shape == x1.shape == t0.shape == t1.shape):
                out = _impl(x0, x1)
                c0 = _times(_partial0(out, x0, x1), t0)
                c1 = _times(_partial1(out, x0, x1), t1)
                if c0 is not None and c1 is not None:
                    tangent = c0 + c1
                    {new}
            return _general(x, y)
        x1 = y
        if type(x0) is float and type(t0) is float and type(x1) is float:
            try:
                out = {out}
                tangent = ({p0}) * t0 if t0 != 0.0 else 0.0
            except _MATH_ERRORS:
                return _general(x, y)
            {new}
        if (type(x0) is ndarray and type(t0) is ndarray and t0.shape == x0.shape
                and (type(x1) is float or (type(x1) is ndarray and x1.dtype is F64
                                           and x1.shape == x0.shape))):
            out = _impl(x0, x1)
            tangent = _times(_partial0(out, x0, x1), t0)
            if tangent is not None:
                {new}
        return _general(x, y)
    if type(y) is Dual:
        x0 = x
        x1 = y.value
        t1 = y.tangent
        level = y._level
        if type(x0) is float and type(x1) is float and type(t1) is float:
            try:
                out = {out}
                tangent = ({p1}) * t1 if t1 != 0.0 else 0.0
            except _MATH_ERRORS:
                return _general(x, y)
            {new}
        if (type(x1) is ndarray and type(t1) is ndarray and t1.shape == x1.shape
                and (type(x0) is float or (type(x0) is ndarray and x0.dtype is F64
                                           and x0.shape == x1.shape))):
            out = _impl(x0, x1)
            tangent = _times(_partial1(out, x0, x1), t1)
            if tangent is not None:
                {new}
    return _general(x, y)
"""

_RECORD = ("index = len(tape.prims)", "tape.prims.append(_prim)", "tape.links.append(link)",
           "tape.args.append(args)", "tape.outs.append(out)", "tape.local.append(local)",
           "var = _object_new(Var)", "var.value = out", "var.index = index", "var.tape = tape",
           "var._level = tape.level", "return var")
"""Appending a node (what :meth:`Tape.record` does), inlined where a ``{record}`` line stands."""

_TAPE_UNARY = """
def record(x):
    x0 = x.value
    if type(x0) is float:
        try:
            out = {out}
            local = {p0}
        except _MATH_ERRORS:
            out = _evaluate((x0,), _NO_PARAMS)
            local = None
    elif type(x0) is ndarray:
        out = _impl(x0)
        local = None
    else:
        return _general(x)
    tape = x.tape
    link = x.index
    args = x0
    {record}
"""

_TAPE_BINARY = """
def record(x, y):
    if type(x) is Var:
        x0 = x.value
        tape = x.tape
        if type(y) is Var:
            if y._level != x._level:
                return _general(x, y)
            x1 = y.value
            link = ((0, x.index), (1, y.index))
            both = True
        elif type(y) is float or (type(y) is ndarray and y.dtype is F64 and y.ndim):
            x1 = y
            link = x.index
            both = False
        else:
            return _general(x, y)
        first = True
    elif type(y) is Var and (type(x) is float or (type(x) is ndarray and x.dtype is F64
                                                   and x.ndim)):
        x0 = x
        x1 = y.value
        tape = y.tape
        link = ((1, y.index),)
        both = False
        first = False
    else:
        return _general(x, y)
    if type(x0) is float and type(x1) is float:
        try:
            out = {out}
            if both:
                local = ({p0}, {p1})
            elif first:
                local = {p0}
            else:
                local = ({p1},)
        except _MATH_ERRORS:
            out = _evaluate((x0, x1), _NO_PARAMS)
            local = None
    elif (type(x0) is ndarray or type(x0) is float) and (type(x1) is ndarray or type(x1) is float):
        out = _impl(x0, x1)
        local = None
    else:
        return _general(x, y)
    args = (x0, x1)
    {record}
"""


def _fill_record(template: str, **parts: str) -> str:
    """The template with its ``{record}`` line expanded (see :data:`_RECORD`), then formatted."""
    lines = []
    for line in template.splitlines():
        if line.strip() == "{record}":
            indent = line[:len(line) - len(line.lstrip())]
            lines.extend(indent + statement for statement in _RECORD)
        else:
            lines.append(line)
    return "\n".join(lines).format(**parts) + "\n"


def _times(p: Any, t: np.ndarray, nonfinite: bool, flat: bool = False) -> Any:
    """``p * t`` on plain arrays as the general rule computes it, or None to take that path.

    A zero tangent contributes exactly zero even through an inf/NaN partial, and (for a flat
    entry) a zero partial exactly zero even against an inf/NaN tangent.
    """
    tp = type(p)
    if tp is float:
        if p == 1.0:
            return t
        if p == -1.0:
            return -t
    elif tp is not np.ndarray:
        return None
    c = p * t
    if nonfinite and not math.isfinite(np.add.reduce(p, axis=None)):
        c = np.where(t == 0.0, 0.0, c)
    if flat and not math.isfinite(np.add.reduce(t, axis=None)):
        c = np.where(p == 0.0, 0.0, c)
    return c


def _flat_times(p: float, t: float) -> float:
    """``p * t`` on floats for a flat entry: a zero partial gives 0 even for t = ±inf."""
    return 0.0 if p == 0.0 else p * t


def _general(prim: Primitive) -> Callable:
    def general(*args):
        return bind(prim, args, {})
    return general


def _namespace(prim: Primitive) -> dict[str, Any]:
    ns: dict[str, Any] = {
        "Dual": Dual, "Var": Var, "ndarray": np.ndarray, "F64": F64, "_object_new": object.__new__,
        "_impl": prim.impl, "_scalar": prim.scalar_impl, "_prim": prim, "_general": _general(prim),
        "_evaluate": prim.evaluate, "_NO_PARAMS": {},
        "_times": lambda p, t, _nonfinite=prim.nonfinite, _flat=prim.flat: _times(
            p, t, _nonfinite, _flat),
        "_flat_times": _flat_times,
    }
    for i, rule in enumerate(prim.partials or ()):
        ns[f"_partial{i}"] = rule
    return ns


def _float_operation(prim: Primitive) -> str:
    if prim.name in _INFIX:
        return f"x0 {_INFIX[prim.name]} x1"
    return "_scalar(" + ", ".join(_names(prim)) + ")"


def dual_forward(prim: Primitive) -> Callable:
    """Forward mode on Duals of floats and plain arrays, generated from the entry."""
    names = _names(prim)
    ns = _namespace(prim)
    sources = partial_sources(prim, names, ns) or [
        f"_partial{i}(out, {', '.join(names)})" for i in range(prim.nargs)]
    template = _DUAL_UNARY if prim.nargs == 1 else _DUAL_BINARY
    if prim.flat:
        template = template.replace("({p0}) * t0", "_flat_times({p0}, t0)").replace(
            "({p1}) * t1", "_flat_times({p1}, t1)")
    source = _fill(template, out=_float_operation(prim),
                   **{f"p{i}": s for i, s in enumerate(sources)})
    return compile_function(source, "forward", ns)


def tape_record(prim: Primitive) -> Callable:
    """Recording on the tape of floats and plain arrays, generated from the entry.

    A float node also stores its partial derivatives, computed from the
    rules' float source while the inputs are at hand, so the backward sweep
    multiplies instead of calling a rule; arrays store only what the rules need.
    """
    names = _names(prim)
    ns = _namespace(prim)
    sources = partial_sources(prim, names, ns) or [
        f"_partial{i}(out, {', '.join(names)})" for i in range(prim.nargs)]
    template = _TAPE_UNARY if prim.nargs == 1 else _TAPE_BINARY
    source = _fill_record(template, out=_float_operation(prim),
                          **{f"p{i}": f"({s})" for i, s in enumerate(sources)})
    return compile_function(source, "record", ns)


# ---------------------------------------------------------------------------
# Installation: compiled on the first call that can use them
# ---------------------------------------------------------------------------

_PLAIN = (float, np.ndarray)


def _plain_call(args: tuple) -> bool:
    """Whether a call's box values are floats or arrays (a fast path could take it)."""
    return all(type(a.value) in _PLAIN if isinstance(a, (Dual, Var)) else True for a in args)


def _compile_on_first_use(prim: Primitive, box: type, build: Callable[[Primitive], Callable]):
    def first_use(*args):
        handler = prim.fast[box]
        if handler is not first_use:
            return handler(*args)  # compiled already (reached through a reflected operator)
        if not _plain_call(args):
            return bind(prim, args, {})  # e.g. Duals over symbolic values: nothing to gain
        handler = build(prim)
        prim.fast[box] = handler
        for name, value in list(vars(box).items()):
            if value is first_use:
                setattr(box, name, handler)  # the operators bound to this handler
        return handler(*args)
    return first_use


class _LazyFloatPartials:
    """``prim.float_partials`` until first read: compiles them and takes their place."""

    __slots__ = ("prim",)

    def __init__(self, prim: Primitive):
        self.prim = prim

    def __getitem__(self, i: int) -> Callable:
        compiled = float_partials(self.prim) or self.prim.partials
        self.prim.float_partials = compiled
        return compiled[i]


def install(prim: Primitive) -> None:
    """Give an elementwise entry of one or two arguments its fast paths (lazily compiled)."""
    if prim.kind is not Kind.ELEMENTWISE or prim.scalar_impl is None or prim.nargs not in (1, 2):
        return
    prim.fast[Dual] = _compile_on_first_use(prim, Dual, dual_forward)
    prim.fast[Var] = _compile_on_first_use(prim, Var, tape_record)
    prim.float_partials = _LazyFloatPartials(prim)


for _prim in REGISTRY.values():
    install(_prim)
ON_REGISTER.append(install)
