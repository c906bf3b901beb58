"""Honour or refuse: the shared handling of numpy keywords the table's functions accept.

Every public function of the table takes numpy's own signature, so
``np.sum(box, where=mask)`` or ``dualdiff.reshape(x, s, order="F")`` reach a
parameter that is either honoured (tested against finite differences) or
refused here with a :class:`TypeError` naming the function and the keyword and
saying how to keep the derivative. Nothing is swallowed: a keyword numpy adds
later fails the keyword audit test until it is handled
(``tests/test_boundary_keywords.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

NoValue: Any = getattr(np, "_NoValue", None)
"""numpy's "argument not given" marker, so our defaults read like numpy's signatures."""

_FLOATS = (None, float, np.float64, np.float32, np.float16)


def refusal(function: str, keyword: str, fix: str) -> TypeError:
    """The error for a keyword dualdiff cannot honour: names both and gives the fix."""
    return TypeError(f"{function}(..., {keyword}=...) is not supported on dualdiff values: {fix}")


def no_out(function: str, out: Any) -> None:
    """``out=`` would write a derivative-carrying result into a plain array: refuse it."""
    if out is not None:
        raise refusal(function, "out", "a numpy array cannot hold a derivative; use the returned "
                                       "value instead (y = ...)")


def float_dtype(function: str, dtype: Any) -> None:
    """Accept float dtypes (computed in float64, as every input is promoted); refuse others."""
    if dtype is None or dtype in _FLOATS:
        return
    try:
        kind = np.dtype(dtype).kind
    except TypeError:
        kind = "?"
    if kind != "f":
        raise refusal(function, "dtype", f"dtype={dtype!r} would truncate or change the values and "
                                         "has no derivative; leave dtype out (dualdiff computes in "
                                         "float64)")


def default_only(function: str, keyword: str, value: Any, default: Any, fix: str) -> None:
    """Refuse ``keyword`` unless it has its default value (or is not given)."""
    if value is NoValue or value is default:
        return
    try:
        same = bool(value == default)
    except (TypeError, ValueError):
        same = False
    if not same:
        raise refusal(function, keyword, fix)


def given(value: Any) -> bool:
    """Whether an optional numpy keyword was passed (not numpy's no-value marker)."""
    return value is not NoValue


UFUNC_KEYWORDS = ("out", "where", "axes", "axis", "keepdims", "casting", "order", "dtype",
                  "subok", "signature")
"""The keywords of numpy's ``ufunc.__call__``; every one is honoured or refused below."""


def check_ufunc_keywords(function: str, kwargs: dict) -> None:
    """Honour or refuse the keywords of a ufunc call (``np.exp(box, dtype=...)``).

    ``casting``, ``order`` and ``subok`` only choose how numpy converts and lays
    out float64 results, which are the same for dualdiff values: honoured as
    given. ``dtype`` must be a float type (computed in float64). ``out=``,
    ``where=`` (numpy leaves the masked entries uninitialised), ``signature``
    and the generalised-ufunc ``axes``/``axis``/``keepdims`` are refused.
    """
    for keyword, value in kwargs.items():
        if keyword == "out":
            if value is not None and not (isinstance(value, tuple)
                                          and all(v is None for v in value)):
                no_out(function, value)
        elif keyword == "where":
            default_only(function, "where", value, True,
                         "numpy leaves the masked-out entries unset; select with "
                         "np.where(mask, f(x), other) instead")
        elif keyword == "dtype":
            float_dtype(function, value)
        elif keyword in ("casting", "order", "subok"):
            continue
        elif keyword == "signature":
            default_only(function, "signature", value, None, "leave signature out")
        elif keyword in ("axes", "axis"):
            default_only(function, keyword, value, None,
                         "move the axes with np.moveaxis before and after instead")
        elif keyword == "keepdims":
            default_only(function, keyword, value, False, "reshape the result instead")
        else:
            raise TypeError(f"{function}() got an unexpected keyword argument '{keyword}'")
