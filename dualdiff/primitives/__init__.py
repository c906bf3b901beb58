"""THE primitive table: every derivative rule of dualdiff, written once.

Each entry registers a name, its numpy implementation, optionally a fast
``math`` implementation for floats, and its derivative rule, through one of
the named helpers of :mod:`.registry` (one per shape of rule). Forward mode
(:mod:`dualdiff.dual`), reverse mode (:mod:`dualdiff.tape`), symbolic
differentiation, the float fast paths, the CLI's function list and the
table-driven tests all read :data:`REGISTRY`; nothing else in the project
defines calculus. ``docs/architecture.md`` explains the design and
``CONTRIBUTING.md`` how to add an entry.

The modules, one kind of rule each:

* :mod:`.arithmetic`, :mod:`.elementary`, :mod:`.piecewise`: elementwise
  entries (partial derivatives);
* :mod:`.structural`: reshape, transpose, broadcasting, indexing, joining,
  ``where`` (linear: JVP and transpose);
* :mod:`.reductions`: sum, mean, max, min, prod;
* :mod:`.linalg`, :mod:`.decompositions`, :mod:`.eigen`, :mod:`.norms`: numpy.linalg
  (matrix product, det, inv, solve, pinv; cholesky, qr, svd; eigh, eig; norms);
* :mod:`.composites`: functions built from the entries, with no rule of their own.

A module may also list ``NUMPY_FUNCTIONS`` (numpy function -> its function,
for functions that are not entries) and ``METHODS`` (ndarray-style method
name -> function taking the box first); :func:`numpy_dispatch` and
:func:`box_methods` collect them.

Every public function here is exported as ``dualdiff.<name>`` (the modules'
``__all__``) and, through numpy's protocols, answers for the numpy functions
its entry names.
"""

from __future__ import annotations

from typing import Any, Callable

from . import (arithmetic, composites, construction, contractions, decompositions, elementary,
               indices, linalg, piecewise, reductions, scans, selection, shaping, statistics,
               structural, updates)
from . import eigen, linalg_array_api, matrices, norms  # noqa: E402  (numpy.linalg, continued)
from .arithmetic import *  # noqa: F401,F403
from .composites import *  # noqa: F401,F403
from .construction import *  # noqa: F401,F403
from .contractions import *  # noqa: F401,F403
from .decompositions import *  # noqa: F401,F403
from .eigen import *  # noqa: F401,F403
from .elementary import *  # noqa: F401,F403
from .indices import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .matrices import *  # noqa: F401,F403
from .norms import *  # noqa: F401,F403
from .piecewise import *  # noqa: F401,F403
from .reductions import *  # noqa: F401,F403
from .scans import *  # noqa: F401,F403
from .selection import *  # noqa: F401,F403
from .shaping import *  # noqa: F401,F403
from .statistics import *  # noqa: F401,F403
from .updates import *  # noqa: F401,F403
from .registry import (ON_REGISTER, REGISTRY, Kind, Primitive, bilinear, elementwise, linear,
                       nonlinear, register, unbroadcast, variadic, zero_derivative)
from .structural import *  # noqa: F401,F403

_MODULES = (arithmetic, elementary, piecewise, structural, shaping, selection, updates, indices,
            construction, reductions, statistics, scans, matrices, linalg, decompositions, eigen,
            norms, contractions, composites, linalg_array_api)

__all__ = [name for module in _MODULES for name in module.__all__]
"""The differentiable functions, exported by ``dualdiff`` under these names."""

ALIASES = {"ln": "log", "asin": "arcsin", "acos": "arccos", "atan": "arctan", "atan2": "arctan2",
           "asinh": "arcsinh", "acosh": "arccosh", "atanh": "arctanh", "logistic": "sigmoid"}
"""The expression language's extra spellings (math notation people type)."""


def public_functions() -> dict[str, Callable]:
    """name -> public function, for every name in the modules' ``__all__``."""
    return {name: getattr(module, name) for module in _MODULES for name in module.__all__}


def expression_functions() -> dict[str, Callable]:
    """Functions callable by name in the expression language (scalar in, scalar out).

    The elementwise entries of the table and the piecewise-constant ones that
    have a float form (under their public function, so ``leaky_relu(x)``
    takes its default slope) plus ``clip``, under their
    table names and the common aliases; the operators ``add sub mul div pow
    neg`` are included because the parser maps ``+ - * / ** ^`` to them.
    """
    exported = public_functions()
    funcs = {name: exported.get(name, prim.fn) for name, prim in REGISTRY.items()
             if prim.kind is Kind.ELEMENTWISE
             or (prim.kind is Kind.ZERO and prim.scalar_impl is not None)}
    funcs["clip"] = exported["clip"]
    for alias, target in ALIASES.items():
        funcs[alias] = funcs[target]
    return funcs


def box_methods() -> dict[str, Callable]:
    """ndarray-style method name -> function taking the box first (``x.sum(axis=0)``).

    Each module lists its own in ``METHODS``; a method with numpy's
    ``ndarray`` signature is usually the table function itself.
    """
    methods: dict[str, Callable] = {}
    for module in _MODULES:
        methods.update(getattr(module, "METHODS", {}))
    return methods


def ufunc_methods() -> dict[tuple[Any, str], Callable]:
    """``(ufunc, method) -> function``: ``np.add.reduce(box)`` is the table's ``sum``, ...

    Each module lists its own in ``UFUNC_METHODS``; the function takes the
    method's own signature (``np.add.reduce(array, axis=0, ...)``).
    """
    methods: dict[tuple[Any, str], Callable] = {}
    for module in _MODULES:
        methods.update(getattr(module, "UFUNC_METHODS", {}))
    return methods


def numpy_dispatch() -> dict[Any, Callable]:
    """numpy function or ufunc -> dualdiff function, for ``__array_ufunc__``/``__array_function__``.

    Built from the entries' ``numpy`` aliases and the composites' own list:
    the one place numpy names meet the table.
    """
    dispatch: dict[Any, Callable] = {}
    for prim in REGISTRY.values():
        for alias in prim.numpy_aliases:
            dispatch[alias] = prim.fn
    for module in _MODULES:
        dispatch.update(getattr(module, "NUMPY_FUNCTIONS", {}))
    return dispatch
