"""Float specialisations of the table's rules, derived from the rules themselves.

A scalar Dual operation spends most of its time in calls: the partial's
lambda, and inside it dualdiff functions (``div(1.0, x)`` in the rule of log) that
dispatch on their arguments' types before reaching ``math``. For plain floats
none of that dispatch is needed. So, once per primitive (on first use), each
partial is run on *symbolic* arguments (:mod:`dualdiff.symbolic`): the result
is the rule as an expression (``1 / x`` for log), which is printed as
Python source over floats (operators and the primitives' own ``math``
implementations) and compiled into the forward handler and the float partials
the backward sweep uses. No rule is written here: the source is derived from
the table entry, and a rule that branches on values (relu, maximum, ...) is
simply not specialised.

Python floats raise where numpy returns inf/NaN (``1.0 / 0.0``,
``math.log(-1.0)``); the generated code catches those and hands the call to
the general path, which follows numpy. That is the only behaviour difference
the general path has to cover, so results are identical.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from .core import Primitive
from .errors import SymbolicBranchError
from .nodes import Name, Num

MATH_ERRORS = (ValueError, ZeroDivisionError, OverflowError)
_OPERATORS = {"add": "+", "sub": "-", "mul": "*", "div": "/"}


def float_source(node: Any, namespace: dict[str, Any]) -> str | None:
    """Python source computing ``node`` on floats, or None when a function has no float form.

    Operators become Python operators (their float semantics match numpy's up
    to the exceptions the caller catches); every other call becomes the
    primitive's scalar implementation, bound into ``namespace``.
    """
    from .primitives import REGISTRY
    from .nodes import postorder

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
            if n.func in _OPERATORS:
                text[id(n)] = f"({args[0]} {_OPERATORS[n.func]} {args[1]})"
            elif n.func == "neg":
                text[id(n)] = f"(-{args[0]})"
            else:
                prim = REGISTRY.get(n.func)
                if prim is None or prim.scalar_impl is None or prim.kind != "elementwise":
                    return None
                namespace[f"_f_{n.func}"] = prim.scalar_impl
                text[id(n)] = f"_f_{n.func}({', '.join(args)})"
    return text[id(node)]


def partial_sources(prim: Primitive, names: tuple[str, ...], namespace: dict) -> list[str] | None:
    """Each partial of ``prim`` as float source over ``out`` and ``names``, or None."""
    from .symbolic import Sym, as_node

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
            return None  # a piecewise rule: it needs the value, keep the general path
        except Exception:  # noqa: BLE001
            # Any other failure (a user rule calling math.* on its argument, a rule that
            # needs arrays, ...) only means "not specialisable": the general path is exact.
            return None
        if source is None:
            return None
        sources.append(source)
    return sources


def compile_function(source: str, name: str, namespace: dict[str, Any]) -> Callable:
    """Compile one generated function. The only place generated code is executed.

    Like :mod:`dataclasses`, this runs source we built ourselves from the table
    (never user text); ``namespace`` holds every name it refers to.
    """
    namespace.setdefault("_MATH_ERRORS", MATH_ERRORS)
    namespace.setdefault("math", math)
    exec(compile(source, f"<dualdiff specialised {name}>", "exec"), namespace)  # noqa: S102
    return namespace[name]


def float_partials(prim: Primitive) -> tuple[Callable, ...] | None:
    """``partial_i(out, *args)`` for float arguments, falling back to the rule on math errors."""
    names = tuple(f"x{i}" for i in range(prim.nargs))
    namespace: dict[str, Any] = {}
    sources = partial_sources(prim, names, namespace)
    if sources is None:
        return None
    functions = []
    for i, (source, rule) in enumerate(zip(sources, prim.partials)):
        namespace[f"_rule{i}"] = rule
        params = ", ".join(("out",) + names)
        floats = " and ".join(f"type({n}) is float" for n in ("out",) + names)
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


_UNARY_FORWARD = """
def forward(x):
    x0 = x.value
    t = x.tangent
    if type(x0) is float and type(t) is float:
        try:
            out = _scalar(x0)
            tangent = ({p0}) * t if t != 0.0 else 0.0
        except _MATH_ERRORS:
            return _general(x)
        d = _new_object(Dual)
        d.value = out
        d.tangent = tangent
        d._level = x._level
        return d
    return _general(x)
"""

_BINARY_FORWARD = """
def forward(x, y):
    if type(x) is Dual:
        x0 = x.value
        t0 = x.tangent
        if type(y) is Dual:
            if x._level == y._level:
                x1 = y.value
                t1 = y.tangent
                if type(x0) is float and type(x1) is float and type(t0) is float and type(t1) is float:
                    try:
                        out = {op}
                        tangent = ({p0}) * t0 if t0 != 0.0 else 0.0
                        if t1 != 0.0:
                            tangent = tangent + ({p1}) * t1
                    except _MATH_ERRORS:
                        return _general(x, y)
                    d = _new_object(Dual)
                    d.value = out
                    d.tangent = tangent
                    d._level = x._level
                    return d
        elif type(y) is float and type(x0) is float and type(t0) is float:
            x1 = y
            try:
                out = {op}
                tangent = ({p0}) * t0 if t0 != 0.0 else 0.0
            except _MATH_ERRORS:
                return _general(x, y)
            d = _new_object(Dual)
            d.value = out
            d.tangent = tangent
            d._level = x._level
            return d
    elif type(x) is float and type(y) is Dual:
        x0 = x
        x1 = y.value
        t1 = y.tangent
        if type(x1) is float and type(t1) is float:
            try:
                out = {op}
                tangent = ({p1}) * t1 if t1 != 0.0 else 0.0
            except _MATH_ERRORS:
                return _general(x, y)
            d = _new_object(Dual)
            d.value = out
            d.tangent = tangent
            d._level = y._level
            return d
    return _general(x, y)
"""


def dual_forward(prim: Primitive, general: Callable) -> Callable | None:
    """Forward mode on Duals of plain floats with the rule inlined; ``general`` handles the rest.

    Generated from the template above with the partials' float source (and
    the operator itself for ``+ - * /``); None when the rule cannot be
    specialised, and the caller keeps ``general``.
    """
    from .dual import Dual

    names = tuple(f"x{i}" for i in range(prim.nargs))
    namespace: dict[str, Any] = {"Dual": Dual, "_new_object": object.__new__,
                                 "_general": general, "_scalar": prim.scalar_impl}
    sources = partial_sources(prim, names, namespace)
    if sources is None or prim.nargs not in (1, 2):
        return None
    if prim.nargs == 1:
        return compile_function(_UNARY_FORWARD.format(p0=sources[0]), "forward", namespace)
    op = (f"x0 {_OPERATORS[prim.name]} x1" if prim.name in _OPERATORS else "_scalar(x0, x1)")
    return compile_function(_BINARY_FORWARD.format(op=op, p0=sources[0], p1=sources[1]),
                            "forward", namespace)
