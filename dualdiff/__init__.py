"""dualdiff: forward-mode (dual numbers) and reverse-mode automatic differentiation.

Every derivative rule lives once in :mod:`dualdiff.primitives`; forward mode
(:class:`Dual`, :func:`jvp`, :func:`jacfwd`, :func:`derivative`), reverse mode
(:func:`grad`, :func:`vjp`, :func:`jacrev`) and their combinations
(:func:`hessian`, :func:`hvp`) all read it. ``import dualdiff`` imports numpy
only.
"""

from .api import derivative, grad, hessian, hvp, jacfwd, jacrev, jvp, value_and_grad, vjp
from .core import Box, lift, primal
from .dual import Dual
from . import errors  # noqa: F401  (dd.errors.SymbolicBranchError etc.)
from .errors import (DisallowedSyntaxError, DomainError, DualdiffError, ExpressionError,
                     ExpressionSyntaxError, InvalidAssignmentError, MissingVariableError,
                     NoDerivativeRule,
                     PrecisionLossError, UnknownFunctionError, UnknownVariableError)
from .operators import install as _install
from .primitives import (REGISTRY, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh,
                         broadcast_to, cbrt, clip, concatenate, cos, cosh, div, dot, exp,
                         expand_dims, expm1, getitem, hypot, leaky_relu, log, log1p, log2, log10,
                         log_softmax, logsumexp, matmul, maximum, mean, minimum, moveaxis, mul,
                         neg, prod, reciprocal, relu, reshape, sigmoid, sign, sin, sinh, softmax,
                         softplus, sqrt, square, squeeze, stack, stop_gradient, sub, tan, tanh,
                         transpose, where)
from .primitives import abs_ as abs  # noqa: A001  (the numpy name, on purpose)
from .primitives import add
from .primitives import elementwise as custom_primitive
from .primitives import max_ as max  # noqa: A001
from .primitives import min_ as min  # noqa: A001
from .primitives import pow_ as pow  # noqa: A001
from .primitives import sum_ as sum  # noqa: A001
from .tape import Tape, Var

_install()

__version__ = "0.1.0"

__all__ = [
    "Dual", "Var", "Tape", "Box", "REGISTRY", "custom_primitive", "lift", "primal",
    "jvp", "jacfwd", "derivative", "grad", "value_and_grad", "vjp", "jacrev", "hessian", "hvp",
    "DualdiffError", "NoDerivativeRule", "PrecisionLossError", "ExpressionError",
    "ExpressionSyntaxError", "DisallowedSyntaxError", "UnknownFunctionError",
    "UnknownVariableError", "MissingVariableError", "DomainError",
    "abs", "add", "sub", "mul", "div", "neg", "pow", "square", "reciprocal",
    "exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "cbrt",
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh",
    "arcsinh", "arccosh", "arctanh", "hypot",
    "sigmoid", "softplus", "relu", "leaky_relu", "sign", "maximum", "minimum", "clip", "where",
    "sum", "mean", "prod", "max", "min", "logsumexp", "softmax", "log_softmax",
    "dot", "matmul", "reshape", "transpose", "moveaxis", "broadcast_to", "expand_dims",
    "squeeze", "getitem", "concatenate", "stack", "stop_gradient",
]

_LAZY_MODULES = ("expr", "finite_diff", "symbolic", "trace")


def __getattr__(name: str):
    """Import the expression language, finite differences, symbolic mode and traces on first use.

    They are not needed for ``jvp``/``grad`` in a hot loop, and importing them
    eagerly would add to every ``import dualdiff``.
    """
    import importlib

    if name in _LAZY_MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name == "check_grads":
        return importlib.import_module(".finite_diff", __name__).check_grads
    raise AttributeError(f"module 'dualdiff' has no attribute {name!r}")


__all__ += ["expr", "finite_diff", "symbolic", "trace", "check_grads", "InvalidAssignmentError"]
