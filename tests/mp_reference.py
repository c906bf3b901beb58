"""Every elementwise primitive of the table, written independently with mpmath.

The reference the table-driven and property tests compare the library against:
written from the mathematical definitions, never from dualdiff's rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mpmath as mp


def _cbrt(x):
    """The real cube root (mpmath's is the principal complex root for x < 0)."""
    return mp.sign(x) * mp.cbrt(abs(x))


def _heaviside(x1, x2):
    """0 for x1 < 0, x2 at x1 = 0, 1 for x1 > 0."""
    if x1 < 0:
        return mp.mpf(0)
    return x2 if x1 == 0 else mp.mpf(1)


MPMATH: dict[str, Callable[..., Any]] = {
    "neg": lambda x: -x,
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y,
    "pow": lambda x, y: mp.power(x, y),
    "square": lambda x: x * x,
    "reciprocal": lambda x: 1 / x,
    "exp": mp.exp,
    "expm1": mp.expm1,
    "log": mp.log,
    "log1p": mp.log1p,
    "log2": lambda x: mp.log(x, 2),
    "log10": mp.log10,
    "sqrt": mp.sqrt,
    "cbrt": _cbrt,
    "sin": mp.sin,
    "cos": mp.cos,
    "tan": mp.tan,
    "arcsin": mp.asin,
    "arccos": mp.acos,
    "arctan": mp.atan,
    "arctan2": mp.atan2,
    "sinh": mp.sinh,
    "cosh": mp.cosh,
    "tanh": mp.tanh,
    "arcsinh": mp.asinh,
    "arccosh": mp.acosh,
    "arctanh": mp.atanh,
    "hypot": mp.hypot,
    "sigmoid": lambda x: 1 / (1 + mp.exp(-x)),
    "softplus": lambda x: mp.log1p(mp.exp(x)),
    "relu": lambda x: x if x > 0 else 0 * x,
    "leaky_relu": lambda x, slope: x if x > 0 else slope * x,
    "abs": mp.fabs,
    "maximum": lambda x, y: max(x, y),
    "minimum": lambda x, y: min(x, y),
    "sign": mp.sign,
    "softsign": lambda x: x / (1 + abs(x)),
    "remainder": lambda x, y: x - y * mp.floor(x / y),
    "fmod": lambda x, y: x - y * (mp.floor(x / y) if x / y >= 0 else mp.ceil(x / y)),
    "deg2rad": lambda x: x * mp.pi / 180,
    "rad2deg": lambda x: x * 180 / mp.pi,
    "conj": mp.conj,
    "fmax": lambda x, y: max(x, y),
    "fmin": lambda x, y: min(x, y),
    "heaviside": _heaviside,
    "exp2": lambda x: mp.power(2, x),
    "sinc": mp.sincpi,
    "logaddexp": lambda x, y: mp.log(mp.exp(x) + mp.exp(y)),
    "logaddexp2": lambda x, y: mp.log(mp.power(2, x) + mp.power(2, y), 2),
    "erf": mp.erf,
    "erfc": mp.erfc,
}
