"""dualdiff: forward-mode (dual numbers) and reverse-mode automatic differentiation.

Every derivative rule lives once in :mod:`dualdiff.primitives`; forward mode
(:class:`Dual`, :func:`jvp`, :func:`jacfwd`, :func:`derivative`), reverse mode
(:func:`grad`, :func:`vjp`, :func:`jacrev`) and their combinations
(:func:`hessian`, :func:`hvp`) all read it. Every differentiable function of the
table is exported here under its numpy name (``dualdiff.exp``, ``dualdiff.sum``,
...), straight from the table's modules. ``import dualdiff`` imports numpy only;
``docs/architecture.md`` explains how the pieces fit.
"""

from . import errors  # noqa: F401  (dd.errors.SymbolicBranchError etc.)
from .api import derivative, grad, hessian, hvp, jacfwd, jacrev, jvp, value_and_grad, vjp
from .core import Box, lift, primal
from .dual import Dual
from .errors import (DisallowedSyntaxError, DomainError, DualdiffError, ExpressionError,
                     ExpressionSyntaxError, InvalidAssignmentError, MissingVariableError,
                     NoDerivativeRule, PrecisionLossError, UnknownFunctionError,
                     UnknownVariableError)
from .primitives import *  # noqa: F401,F403  (the table's functions: exp, sum, matmul, ...)
from .primitives import REGISTRY
from .primitives import __all__ as _table_functions
from .tape import Tape, Var
from .custom import custom_jvp, custom_primitive, custom_vjp
from . import fastpath  # noqa: E402,F401  (generates the entries' fast paths on first use)
from . import operators  # noqa: E402

operators.install()

__version__ = "0.1.0"

__all__ = [
    "Dual", "Var", "Tape", "Box", "REGISTRY", "custom_primitive", "custom_jvp", "custom_vjp",
    "lift", "primal", "jit",
    "jvp", "jacfwd", "derivative", "grad", "value_and_grad", "vjp", "jacrev", "hessian", "hvp",
    "DualdiffError", "NoDerivativeRule", "PrecisionLossError", "ExpressionError",
    "ExpressionSyntaxError", "DisallowedSyntaxError", "UnknownFunctionError",
    "UnknownVariableError", "MissingVariableError", "DomainError", "InvalidAssignmentError",
    *_table_functions,
    "expr", "finite_diff", "symbolic", "trace", "check_grads",
]

_LAZY_MODULES = ("expr", "finite_diff", "symbolic", "trace")
_LAZY_FUNCTIONS = {"check_grads": "finite_diff", "jit": "compiled"}


def __getattr__(name: str):
    """Import the expression language, finite differences, symbolic mode, traces and the
    compiler on first use.

    They are not needed for ``jvp``/``grad`` in a hot loop, and importing them
    eagerly would add to every ``import dualdiff``.
    """
    import importlib

    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _LAZY_FUNCTIONS:
        value = getattr(importlib.import_module(f".{_LAZY_FUNCTIONS[name]}", __name__), name)
        globals()[name] = value  # found directly from now on
        return value
    raise AttributeError(f"module 'dualdiff' has no attribute {name!r}")
