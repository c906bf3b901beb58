"""Messages that say what to write instead: the expression language's hints.

Text pasted from slides and PDFs carries math notation the language spells in
ASCII (``−`` ``×`` ``·`` ``²`` ``√x`` ``π`` ``|x|``), math writes products by
juxtaposition (``2x``) and much of Europe writes a decimal comma (``3,5``).
The parser still rejects all of it (a guess could change what the user
meant); these helpers turn the rejection into the spelling to use, with the
whole expression rewritten when that is unambiguous.
"""

from __future__ import annotations

import re

from ..primitives import expression_functions

_LOOKALIKES = {
    "\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u00d7": "*", "\u00b7": "*", "\u22c5": "*", "\u2219": "*", "\u2217": "*", "\u2022": "*",
    "\u00f7": "/", "\u2215": "/", "\u2044": "/",
    "\u03c0": "pi", "\u03a0": "pi",
    "\u207a": "+", "\u207b": "-",
}
"""Characters pasted from slides and PDFs that have one obvious ASCII spelling."""

_SUPERSCRIPTS = dict(zip("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b",
                         "0123456789-"))
"""Superscript digits (``x²``, ``x⁻¹``): a power, written ``^`` here."""

_INVISIBLE = {"\u200b": "a zero-width space", "\u200c": "a zero-width non-joiner",
              "\u200d": "a zero-width joiner", "\u2060": "a word joiner", "\ufeff": "a byte-order mark",
              "\u00ad": "a soft hyphen"}
"""Characters that show as nothing but come along when text is copied from web pages and slides."""


def _full_width(ch: str) -> str | None:
    """The ASCII character of a full-width form (``１`` -> ``1``, ``ｘ`` -> ``x``), else None."""
    return chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" else None


_ROOT = "\u221a"
_NAME_OR_NUMBER = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*|[0-9][0-9.]*(?:[eE][-+]?[0-9]+)?)")


def ascii_spelling(text: str) -> str:
    """``text`` with every pasted look-alike (− × · ÷ π ² ³ √ unicode spaces, ``|x|``) written in
    the language's ASCII notation; characters with no obvious spelling are left as they are."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _SUPERSCRIPTS:
            j = i
            while j < len(text) and text[j] in _SUPERSCRIPTS:
                j += 1
            exponent = "".join(_SUPERSCRIPTS[c] for c in text[i:j])
            out.append(f"^{exponent}" if exponent.lstrip("-").isdigit() and exponent[0] != "-"
                       else f"^({exponent})")
            i = j
            continue
        if ch == _ROOT:
            rest = text[i + 1:]
            match = _NAME_OR_NUMBER.match(rest)
            _times_if_glued(out)
            if match and not rest.lstrip().startswith("("):
                out.append(f"sqrt({match.group(1)})")
                i += 1 + match.end()
                continue
            out.append("sqrt")
        elif ch in _LOOKALIKES:
            word = _LOOKALIKES[ch]
            if word.isalpha():
                _times_if_glued(out)
                following = text[i + 1:i + 2]
                word += "*" if following and (following.isalnum() or following in "_(") else ""
            out.append(word)
        elif ord(ch) > 127 and ch.isspace():
            out.append(" ")
        elif ch in _INVISIBLE:
            pass
        elif _full_width(ch):
            out.append(_full_width(ch) or ch)
        else:
            out.append(ch)
        i += 1
    return _absolute_bars("".join(out))


def _times_if_glued(out: list[str]) -> None:
    """``2π`` means ``2*pi``: a word following a number, name or ``)`` needs its ``*``."""
    if out and (out[-1][-1:].isalnum() or out[-1][-1:] in "_)"):
        out.append("*")


def _absolute_bars(text: str) -> str:
    """``|x| + |y - 1|`` -> ``abs(x) + abs(y - 1)`` (bars paired left to right, not nested)."""
    if "|" not in text or text.count("|") % 2:
        return text
    pieces = text.split("|")
    return "".join(p if k % 2 == 0 else f"abs({p})" for k, p in enumerate(pieces))


def did_you_mean(text: str) -> str:
    """``; did you mean `…`?`` when the ASCII spelling of ``text`` is all ASCII (else nothing)."""
    suggestion = ascii_spelling(text).strip()
    if not suggestion or suggestion == text.strip() or not suggestion.isascii():
        return ""
    return f"; did you mean `{suggestion}`?"


def lookalike_message(ch: str, text: str) -> str | None:
    """What to write instead of a pasted character, or None when it has no ASCII spelling."""
    if ch == _ROOT:
        hint = "write sqrt(x) for √x"
    elif ch in _SUPERSCRIPTS:
        hint = "write a power with ^ (x^2)"
    elif ch in _LOOKALIKES:
        hint = f"write `{_LOOKALIKES[ch]}`"
    elif ch.isspace():
        hint = "write a plain space"
    elif ch in _INVISIBLE:  # shown by its code only: a terminal shows nothing
        return f"invisible character U+{ord(ch):04X} ({_INVISIBLE[ch]}); delete it{did_you_mean(text)}"
    else:
        return None
    return f"invalid character `{ch}` (U+{ord(ch):04X}); {hint}{did_you_mean(text)}"


def bars_message(text: str) -> str:
    """``|x|`` is math notation for the absolute value; the language spells it abs(x)."""
    if text.count("|") % 2:
        return "`|` is not allowed (for an absolute value |x| write abs(x))"
    return "`|x|` is not notation here; write abs(x)" + did_you_mean(text)


_DECIMAL_COMMA = re.compile(r"(?<![\w.])([0-9]+),([0-9]+)(?![\w.])")


def decimal_comma_hint(text: str) -> str:
    """`` (use `.` as the decimal point: 3.5)`` when ``text`` has a ``3,5``; else nothing."""
    match = _DECIMAL_COMMA.search(text)
    if not match:
        return ""
    return f" (use `.` as the decimal point: {match.group(1)}.{match.group(2)})"


_ATOM = r"[0-9][0-9.]*(?:[eE][-+]?[0-9]+)?|[A-Za-z_][A-Za-z0-9_]*|\)"
_SIDE_BY_SIDE = re.compile(rf"({_ATOM})\s+([A-Za-z_][A-Za-z0-9_]*|[0-9][0-9.]*|\()")
_NUMBER_THEN_NAME = re.compile(
    r"(?<![A-Za-z0-9_.])([0-9][0-9.]*(?:[eE][-+]?[0-9]+)?)([A-Za-z_][A-Za-z0-9_]*)")


def juxtaposition_hint(text: str, column: int) -> str | None:
    """Two operands side by side (``2x``, ``x y``, ``sin x``): say what to write instead.

    Math notation multiplies by juxtaposition and applies functions without
    parentheses; this language does neither, and Python's own message
    ("invalid decimal literal", "invalid syntax") does not say so. Python may
    point at the start of the enclosing expression, so the search starts a
    little before the reported column.
    """
    start = max(0, column - 40)
    glued = _NUMBER_THEN_NAME.search(text, start)
    if glued and glued.start() <= column <= glued.end():
        return f"a number followed by a name: write `{glued.group(1)}*{glued.group(2)}`"
    pair = _SIDE_BY_SIDE.search(text, start)
    if not pair:
        return None
    a, b = pair.group(1), pair.group(2)
    if a in expression_functions() and b != "(":
        return f"a function needs parentheses: write `{a}({b})`"
    return f"missing operator between `{a}` and `{b}`: write `{a}*{b}`"
