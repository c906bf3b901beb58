"""A generated derivative program as text that runs on its own (what ``dualdiff codegen`` prints).

``jit(f).source(*args)`` is the straight-line function :mod:`dualdiff.codegen`
emitted; it refers to names of its namespace (``math``, ``np``, the table's
float implementations such as ``_sigmoid_scalar_0``, constants ``_c0``,
``_Retrace`` for guards). :func:`standalone` adds the lines defining them, so the
text can be ``exec``-ed or saved as a module. :func:`derivative_program` builds
the program of one scalar function at one point, in forward mode (one jvp
seeded on a variable) or reverse mode (value and gradient), and names the
function's parameters after the variables when no name of the program clashes.

Nothing here knows a derivative rule: the program is whatever the table's rules
did while ``jit`` traced them.
"""

from __future__ import annotations

import builtins
import io
import keyword
import math
import tokenize
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .api import jvp, value_and_grad
from .compiled import jit

__all__ = ["Program", "derivative_program", "standalone"]

MODES = ("forward", "reverse")
_RETRACE = ("class _Retrace(Exception):\n"
            '    """A guard failed: here f takes another branch than at the traced point,\n'
            '    so this program does not apply (dualdiff.jit would trace again)."""\n')


@dataclass(frozen=True)
class Program:
    """The derivative program of ``expression`` at ``point``: ``text`` runs on its own and
    defines ``function``, whose parameters are ``parameters`` (one per variable, in order)."""

    expression: str
    point: dict[str, float]
    mode: str
    wrt: tuple[str, ...]
    """The variables differentiated in: the seeded one (forward) or all of them (reverse)."""
    function: str
    parameters: tuple[str, ...]
    returns: str
    text: str
    result: Any
    """What the program returns at the point (the compiled call's result)."""


def derivative_program(f: Callable[..., Any], point: Mapping[str, float], mode: str = "forward",
                       wrt: str | None = None, text: str | None = None) -> Program:
    """The generated program of ``f`` (a scalar function of the point's variables, in order).

    ``mode="forward"``: ``jit`` of one ``jvp`` seeded on ``wrt`` (default: the first
    variable), returning ``(f, ∂f/∂wrt)``; ``mode="reverse"``: ``jit(value_and_grad)``
    in every variable, returning ``(f, (∂f/∂x, ...))``. Raises ``ValueError`` for a
    bad mode or variable, and :class:`NotCompiled` when ``jit`` runs ``f`` uncompiled.
    """
    names = tuple(point)
    values = tuple(float(v) for v in point.values())
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if mode == "reverse":
        if wrt is not None:
            raise ValueError("reverse mode differentiates in every variable at once; "
                             "a single variable is for forward mode")
        chosen = names
        traced = _named(value_and_grad(f, argnums=tuple(range(len(names)))), "f_and_grad")
        returns = f"(f, ({', '.join(f'∂f/∂{n}' for n in names)}{',' if len(names) == 1 else ''}))"
    else:
        variable = names[0] if wrt is None else wrt
        if variable not in names:
            raise ValueError(f"{variable!r} is not a variable (variables: {', '.join(names)})")
        seed = tuple(1.0 if n == variable else 0.0 for n in names)
        chosen = (variable,)
        traced = _named(lambda *xs: jvp(f, xs, seed), f"f_and_df_d{variable}")
        returns = f"(f, ∂f/∂{variable})"
    compiled = jit(traced)
    result = compiled(*values)
    source = compiled.source(*values)
    if compiled.cache_info().uncompiled or source.startswith("# not compiled"):
        raise NotCompiled(source.removeprefix("# not compiled:").strip() or "jit did not compile f")
    parameters = tuple(f"x{k}" for k in range(len(names)))
    renamed = _rename(source, dict(zip(parameters, names)))
    if renamed is not None:
        source, parameters = renamed, names
    seeded = ", ".join(f"d{n} = {1 if n in chosen else 0}" for n in names)
    how = (f"forward mode: one jvp seeded on {chosen[0]} ({seeded})" if mode == "forward"
           else "reverse mode: value_and_grad (one recording and one backward sweep)")
    at = ", ".join(f"{n}={v!r}" for n, v in zip(names, values))
    header = [f"# f = {text or getattr(f, '__name__', 'f')}",
              f"# {how},",
              f"# traced at {at} by dualdiff.jit from the table's rules",
              f"# {_name(traced)}({', '.join(parameters)}) returns {returns}"]
    body = standalone(compiled, values, source)
    call = f"# {_name(traced)}({', '.join(repr(v) for v in values)}) == {_plain(result)!r}"
    if len(call) > 80:
        call = call.replace(" == ", " ==\n#     ", 1)
    program = "\n".join(header) + "\n" + body + call + "\n"
    return Program(text or "", dict(zip(names, values)), mode, chosen, _name(traced), parameters,
                   returns, program, result)


class NotCompiled(Exception):
    """``jit`` ran the function uncompiled at this point (the message says why)."""


def standalone(compiled: Any, args: Sequence[Any], source: str | None = None) -> str:
    """``source`` (default ``compiled.source(*args)``) preceded by definitions of the names it
    reads from its namespace, so that it runs on its own."""
    source = compiled.source(*args) if source is None else source
    namespace = compiled.namespace()
    used = _names(source)
    lines: list[str] = []
    definitions = [_definition(name, namespace[name]) for name in sorted(used)
                   if name.startswith("_") and name in namespace and name != "_Retrace"]
    if "math" in used or any("math." in d for d in definitions):
        lines.append("import math")
    if "np" in used or any("np." in d for d in definitions):
        lines.append("import numpy as np")
    if any("_table[" in d for d in definitions):
        lines.append("from dualdiff.primitives import REGISTRY as _table  # the table of rules")
    lines += definitions
    if "_Retrace" in used:
        lines += ["", "", _RETRACE.rstrip("\n")]
    prelude = "\n".join(lines)
    return (prelude + "\n\n\n" if prelude else "") + source


def _named(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    def program(*xs: Any) -> Any:
        return fn(*xs)
    program.__name__ = program.__qualname__ = name
    return program


def _name(fn: Callable[..., Any]) -> str:
    return fn.__name__


def _plain(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return type(value)(_plain(v) for v in value)
    return float(value) if isinstance(value, (float, np.floating)) else value


def _tokens(source: str) -> list[tokenize.TokenInfo]:
    return list(tokenize.generate_tokens(io.StringIO(source).readline))


def _names(source: str) -> set[str]:
    return {t.string for t in _tokens(source) if t.type == tokenize.NAME}


def _definition(name: str, value: Any) -> str:
    """``name = <expression>`` recreating ``value``: a table implementation, a numpy function, or a
    constant whose ``repr`` evaluates back to it."""
    from .primitives import REGISTRY

    for entry in REGISTRY.values():
        for attribute in ("scalar_impl", "impl"):
            if getattr(entry, attribute, None) is value:
                kind = "float" if attribute == "scalar_impl" else "numpy"
                return f"{name} = _table[{entry.name!r}].{attribute}  # the table's {kind} {entry.name}"
    module, qualname = getattr(value, "__module__", None), getattr(value, "__qualname__", "")
    if callable(value) and module and qualname.isidentifier():
        if getattr(np, qualname, None) is value:
            return f"{name} = np.{qualname}"
        if getattr(math, qualname, None) is value:
            return f"{name} = math.{qualname}"
        return f"from {module.lstrip('_')} import {qualname} as {name}"
    text = _spelled(repr(value))
    try:
        same = eval(text, {"np": np, "math": math})  # noqa: S307
    except Exception:  # noqa: BLE001 - not a constant that repr can spell
        same = None
    if same is not None and type(same) is type(value) and np.array_equal(same, value, equal_nan=True):
        return f"{name} = {text}"
    if isinstance(value, np.ndarray) and value.size <= 64:
        return f"{name} = np.array({_spelled(repr(value.tolist()))}, dtype=np.{value.dtype.name})"
    raise NotCompiled(f"the program needs a constant {name} that cannot be written as text "
                      f"({type(value).__name__})")


def _spelled(text: str) -> str:
    """``text`` (a ``repr``) with the names ``inf`` and ``nan``, which Python's ``repr`` writes for
    infinite and NaN floats but no program defines, written ``math.inf`` and ``math.nan``."""
    if "inf" not in text and "nan" not in text:
        return text
    try:
        tokens = _tokens(text)
    except (tokenize.TokenError, SyntaxError):
        return text
    names = {"inf": "math.inf", "nan": "math.nan"}
    spans = [(t.start[1], t.end[1], names[t.string]) for t in tokens
             if t.type == tokenize.NAME and t.string in names and t.start[0] == 1]
    for start, end, spelled in reversed(spans):
        text = text[:start] + spelled + text[end:]
    return text


def _rename(source: str, renames: dict[str, str]) -> str | None:
    """``source`` with parameters renamed (``x0`` -> ``x``), or None when a new name would clash
    with a name the program already uses (or with Python's keywords and built-ins)."""
    if all(old == new for old, new in renames.items()):
        return source
    taken = _names(source) | {"math", "np", "_table", "_Retrace", "_inf", "_nan"}
    for new in renames.values():
        if new in taken or keyword.iskeyword(new) or hasattr(builtins, new):
            return None
    if len(set(renames.values())) != len(renames):
        return None
    out = []
    for token in _tokens(source):
        if token.type == tokenize.NAME and token.string in renames:
            token = token._replace(string=renames[token.string])
        out.append(token)
    return _untokenize(out)


def _untokenize(tokens: list[tokenize.TokenInfo]) -> str:
    """Tokens back to text, keeping the original layout of every line (names may change length)."""
    lines: dict[int, list[tokenize.TokenInfo]] = {}
    for token in tokens:
        if token.type in (tokenize.ENDMARKER,):
            continue
        lines.setdefault(token.start[0], []).append(token)
    text = []
    for number in sorted(lines):
        row = lines[number]
        pieces, column = [], 0
        for token in row:
            if token.type in (tokenize.NEWLINE, tokenize.NL):
                continue
            if token.type == tokenize.DEDENT or token.type == tokenize.INDENT:
                if token.type == tokenize.INDENT:
                    pieces.append(token.string)
                    column = token.end[1]
                continue
            gap = token.start[1] - column
            pieces.append(" " * max(gap, 0) + token.string)
            column = token.end[1]
        text.append("".join(pieces))
    return "\n".join(text) + "\n"
