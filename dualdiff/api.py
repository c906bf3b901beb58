"""The transformations, with JAX's names, argument order and semantics.

Forward mode (:mod:`.forward`): :func:`jvp`, :func:`jacfwd`, :func:`derivative`.
Reverse mode (:mod:`.reverse`): :func:`grad`, :func:`value_and_grad`, :func:`vjp`,
:func:`jacrev`. Both: :func:`hessian` and :func:`hvp` (forward over reverse).

Each call takes a fresh level, so transformations nest freely: an outer
call's values are constants to an inner one (no perturbation confusion).
Keyword arguments of the function pass through every transformation
undifferentiated.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Sequence

from .arguments import ArgNums
from .forward import derivative, jacfwd, jvp
from .reverse import NonScalarOutput, grad, jacrev, value_and_grad, vjp

__all__ = ["jvp", "jacfwd", "derivative", "grad", "value_and_grad", "vjp", "jacrev", "hessian",
           "hvp"]


def hessian(f: Callable, argnums: ArgNums = 0, has_aux: bool = False) -> Callable:
    """The Hessian by forward over reverse: ``jacfwd(grad(f))``, all directions in one pass.

    Signature and layout as JAX's (``jacfwd(jacrev(f))``): an output that is not a scalar (an
    array, a tuple or dict of them) gives one Hessian per output entry, of shape
    ``out.shape + in.shape + in.shape``; with ``has_aux=True`` ``f`` returns ``(loss, aux)`` and
    the result is ``(hessian, aux)``. A scalar output goes through ``grad`` (its fast path);
    grad refuses any other output before differentiating, and then ``jacrev`` takes over.
    """
    g = grad(f, argnums, has_aux=has_aux)
    j = jacrev(f, argnums, has_aux=has_aux)

    def first(*args: Any, **kwargs: Any) -> Any:
        try:
            return g(*args, **kwargs)
        except NonScalarOutput:
            return j(*args, **kwargs)

    h = jacfwd(first, argnums, has_aux=has_aux)

    @functools.wraps(f)
    def hess(*args: Any, **kwargs: Any) -> Any:
        return h(*args, **kwargs)
    return hess


def hvp(f: Callable, primals: Sequence[Any], tangents: Sequence[Any]) -> Any:
    """Hessian–vector product ``H·v`` by forward over reverse, without forming ``H``."""
    nums = tuple(range(len(primals)))
    g = grad(f, argnums=nums if len(nums) > 1 else 0)
    return jvp(g, tuple(primals), tuple(tangents))[1]
