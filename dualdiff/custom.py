"""User-defined derivative rules with JAX's names and semantics: :class:`custom_jvp`,
:class:`custom_vjp`, and :func:`custom_primitive` for elementwise functions.

``custom_jvp`` takes a function and, through ``@f.defjvp``, a rule
``rule(primals, tangents) -> (primal_out, tangent_out)``. Forward mode calls the
rule; reverse mode *transposes* it: the rule is run once more with the tangents
recorded on a fresh tape, and since ``tangent_out`` is linear in the tangents,
one backward sweep over that recording gives the cotangents. Written with
dualdiff's functions, the rule is differentiated again for higher orders
(``hessian`` of a function using it).

``custom_vjp`` takes ``f.defvjp(fwd, bwd)``: ``fwd(*primals) -> (out,
residuals)``, ``bwd(residuals, g) -> cotangents`` (one per positional
argument). Reverse mode calls them; forward mode, which a VJP cannot serve,
differentiates the function's own code (so it must be written with
dualdiff's or numpy's functions for ``jvp``/``jacfwd`` and ``hessian``).

Both wrap one function call as a single node whose arguments are the leaves of
the positional arguments (floats, arrays, or tuples/lists/dicts of them), and
the output is one float or array. Neither is added to the table of
primitives: they are rules of the user's, not entries of the table.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Sequence

import numpy as np

from .arguments import zeros
from .core import Box, bind, lift, shape
from .forward import jvp
from .primitives import elementwise, stack
from .primitives.registry import Kind, PerPosition, Primitive
from .tape import Tape, Var
from .tree import flatten

__all__ = ["custom_jvp", "custom_vjp", "custom_primitive"]


def _positional(fun: Callable, args: tuple, kwargs: dict) -> tuple:
    """Keyword arguments resolved to positions (rules see only positional arguments, as in JAX)."""
    if not kwargs:
        return args
    bound = inspect.signature(fun).bind(*args, **kwargs)
    bound.apply_defaults()
    return bound.args + tuple(bound.kwargs.values())


class _Rule:
    """What both kinds share: argument flattening, the one-output check, the node."""

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int], kind: str):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.kind = kind
        self._cache: tuple = (None, None, None, None)
        self.primitive = Primitive(
            f"{kind}:{getattr(fun, '__name__', 'function')}", self._evaluate, Kind.NONLINEAR,
            nargs=None, joint_jvp=self._jvp, vjps=PerPosition(self._vjp_at),
            doc=f"the user's rule ({kind})")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        args = _positional(self.fun, args, kwargs)
        static = {i: args[i] for i in self.nondiff_argnums}
        diff = tuple(a for i, a in enumerate(args) if i not in static)
        leaves, rebuild = flatten(diff)
        if not any(isinstance(leaf, Box) for leaf in leaves):
            return self.fun(*args)
        if self.kind == "custom_vjp" and not _reverse_on_top(leaves):
            return self.fun(*args)  # forward mode differentiates the function's own code
        leaves = [lift(leaf) for leaf in leaves]
        return bind(self.primitive, tuple(leaves),
                    {"rebuild": rebuild, "static": tuple(sorted(static.items()))})

    def _arguments(self, leaves: Sequence[Any], params: dict) -> list:
        """The full positional argument list from the node's leaves and the static arguments."""
        diff = list(params["rebuild"](list(leaves)))
        for i, value in params["static"]:
            diff.insert(i, value)
        return diff

    def _evaluate(self, *leaves: Any, rebuild: Callable, static: tuple) -> Any:
        out = self.fun(*self._arguments(leaves, {"rebuild": rebuild, "static": static}))
        if isinstance(out, (tuple, list, dict)):
            raise TypeError(f"{self.kind} function `{self.__name__}` returned a "
                            f"{type(out).__name__}; it must return one float or array (stack "
                            "several outputs into one array)")
        return lift(out)

    def _cached(self, g: Any, out: Any, args: tuple, compute: Callable[[], list]) -> list:
        """All cotangents of one node, computed once for the backward step over its arguments.

        The node is recognised by the identity of its argument tuple (one per recorded node, and
        kept alive here so its id cannot be reused), not only by ``g`` and ``out``: a function
        that returns an input unchanged (a gradient-scaling identity) gives the same ``out``
        object in a later call, and the seed ``1.0`` is the same object, so those two alone
        would hand a later call the previous call's cotangents.
        """
        cached_g, cached_out, cached_args, cots = self._cache
        if cached_g is not g or cached_out is not out or cached_args is not args:
            cots = compute()
            self._cache = (g, out, args, cots)
        return cots

    def _vjp_at(self, i: int) -> Callable:
        def vjp(g, out, args, params):
            return self._cached(g, out, args, lambda: self._cotangents(g, args, params))[i]
        return vjp


def _zero_like(a: Any) -> Any:
    return zeros(shape(a))


def _reverse_on_top(leaves: Sequence[Any]) -> bool:
    """Whether the innermost transformation seeing these arguments is reverse mode."""
    top = max((leaf for leaf in leaves if isinstance(leaf, Box)), key=lambda b: b._level)
    return isinstance(top, Var)


class custom_jvp(_Rule):
    """A function with its own JVP rule (JAX's ``jax.custom_jvp``).

    >>> @custom_jvp
    ... def f(x):
    ...     return np.log1p(np.exp(x))
    >>> @f.defjvp
    ... def f_jvp(primals, tangents):
    ...     (x,), (t,) = primals, tangents
    ...     return f(x), dualdiff.sigmoid(x) * t
    """

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = ()):
        super().__init__(fun, nondiff_argnums, "custom_jvp")
        self.jvp_rule: Callable | None = None

    def defjvp(self, rule: Callable) -> Callable:
        """Set ``rule(primals, tangents) -> (primal_out, tangent_out)``; returns ``rule``.

        With ``nondiff_argnums`` the rule is ``rule(*nondiff_args, primals, tangents)`` and
        ``primals``/``tangents`` hold the other arguments only, in order (JAX's signature).
        """
        self.jvp_rule = rule
        return rule

    def _rule(self, primals: list, tangents: list, params: dict) -> Any:
        if self.jvp_rule is None:
            raise TypeError(f"custom_jvp function `{self.__name__}` has no rule: decorate one "
                            f"with @{self.__name__}.defjvp")
        # JAX's signature: the nondiff arguments first, then primals and tangents of the
        # differentiated arguments only, so the two tuples always have the same length
        nondiff = [value for _, value in params["static"]]
        diff_primals = tuple(params["rebuild"](list(primals)))
        diff_tangents = tuple(params["rebuild"](list(tangents)))
        result = self.jvp_rule(*nondiff, diff_primals, diff_tangents)
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise TypeError(f"the defjvp rule of `{self.__name__}` must return "
                            "(primal_out, tangent_out)")
        # a tangent of another shape would be broadcast or reshaped downstream into a silently
        # wrong derivative (JAX refuses it the same way)
        if shape(result[1]) != shape(result[0]):
            raise ValueError(f"the defjvp rule of `{self.__name__}` returned a tangent of shape "
                             f"{shape(result[1])} for a primal output of shape {shape(result[0])}; "
                             "the tangent must have the output's shape")
        return result[1]

    def _jvp(self, tangents, out, args, params, batched):
        """The rule, once per direction when the tangents carry a batch of them."""
        if not batched:
            return self._rule(list(args), [_zero_like(a) if t is None else t
                                           for t, a in zip(tangents, args)], params)
        k = next(shape(t)[0] for t in tangents if t is not None)
        return stack([self._rule(list(args), [_zero_like(a) if t is None else t[r]
                                              for t, a in zip(tangents, args)], params)
                      for r in range(k)])

    def _cotangents(self, g, args, params) -> list:
        """Transpose the rule: record it with the tangents on a tape, sweep back with ``g``."""
        tape = Tape()
        try:
            leaves = [tape.leaf(_zero_like(a)) for a in args]
            tangent_out = self._rule(list(args), leaves, params)
        finally:
            tape.finished = True
        adj = tape.backward(tangent_out, g)
        return [_zero_like(a) if adj[v.index] is None else adj[v.index]
                for v, a in zip(leaves, args)]


class custom_vjp(_Rule):
    """A function with its own VJP (JAX's ``jax.custom_vjp``): ``f.defvjp(fwd, bwd)``."""

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = ()):
        super().__init__(fun, nondiff_argnums, "custom_vjp")
        self.fwd: Callable | None = None
        self.bwd: Callable | None = None

    def defvjp(self, fwd: Callable, bwd: Callable) -> None:
        """``fwd(*primals) -> (out, residuals)``, ``bwd(residuals, g) -> tuple of cotangents``.

        With ``nondiff_argnums`` (JAX's signature): ``fwd`` takes every argument in order, and
        ``bwd(*nondiff_args, residuals, g)`` returns one cotangent per differentiated argument.
        """
        self.fwd, self.bwd = fwd, bwd

    def _jvp(self, tangents, out, args, params, batched):
        """Forward mode through the function's own code (a VJP cannot give a JVP)."""
        k = next(shape(t)[0] for t in tangents if t is not None) if batched else None
        filled = tuple(t if t is not None else zeros(shape(a), k) for t, a in zip(tangents, args))
        return jvp(lambda *leaves: self.fun(*self._arguments(leaves, params)),
                   tuple(args), filled)[1]

    def _cotangents(self, g, args, params) -> list:
        if self.fwd is None or self.bwd is None:
            raise TypeError(f"custom_vjp function `{self.__name__}` has no rule: call "
                            f"{self.__name__}.defvjp(fwd, bwd)")
        full = self._arguments(args, params)
        nondiff = [value for _, value in params["static"]]
        _, residuals = self.fwd(*full)
        cots = self.bwd(*nondiff, residuals, g)
        if not isinstance(cots, (tuple, list)):
            raise TypeError(f"the bwd rule of `{self.__name__}` must return a tuple with one "
                            "cotangent per differentiated positional argument")
        leaves, _ = flatten(tuple(cots))
        if len(leaves) != len(args):
            raise TypeError(f"the bwd rule of `{self.__name__}` returned {len(leaves)} "
                            f"cotangents for {len(args)} differentiable inputs")
        for k, (c, a) in enumerate(zip(leaves, args)):
            if c is not None and shape(c) != shape(a):
                # a cotangent of another shape would become a gradient of the wrong shape
                # (or be reshaped into wrong numbers); JAX refuses it the same way
                raise ValueError(
                    f"the bwd rule of `{self.__name__}` returned a cotangent of shape "
                    f"{shape(c)} for differentiable input {k} of shape {shape(a)}; each "
                    "cotangent must have its input's shape (sum over the axes the input was "
                    "broadcast along)")
        return [_zero_like(a) if c is None else c for c, a in zip(leaves, args)]


def custom_primitive(name: str, impl: Callable, *partials: Callable, **options: Any) -> Callable:
    """Register an *elementwise* function by its partial derivatives (see
    :func:`dualdiff.primitives.elementwise` for the options); every mode uses it at once.

    The implementation is checked on every call to be elementwise (the output
    has the broadcast shape of the inputs); anything else is refused with a
    pointer to :class:`custom_jvp`/:class:`custom_vjp`, which take rules of
    any shape.
    """
    _check_custom_primitive(name, impl, partials)

    def checked(*args: Any) -> Any:
        out = impl(*args)
        expected = np.broadcast_shapes(*(np.shape(a) for a in args))
        if np.shape(out) != expected:
            raise TypeError(
                f"custom_primitive `{name}` is not elementwise: for inputs of shapes "
                f"{[np.shape(a) for a in args]} it returned shape {np.shape(out)}; register "
                "functions of any shape with dualdiff.custom_jvp (or custom_vjp) instead")
        return out

    checked.__name__ = getattr(impl, "__name__", name)
    return elementwise(name, checked, *partials, **options)


def _accepts(fn: Callable, n: int) -> bool:
    """Whether ``fn`` can be called with ``n`` positional arguments (True if unknowable)."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return True
    positional = [p for p in params if p.kind in (inspect.Parameter.POSITIONAL_ONLY,
                                                  inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    required = sum(p.default is inspect.Parameter.empty for p in positional)
    variadic = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)
    return required <= n and (variadic or n <= len(positional))


def _check_custom_primitive(name: str, impl: Callable, partials: tuple) -> None:
    """Refuse, by name, a registration whose partials cannot match its implementation."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"custom_primitive name must be an identifier, got {name!r}")
    if not callable(impl):
        raise TypeError(f"custom_primitive `{name}`: impl must be callable, got {type(impl).__name__}")
    if not partials:
        raise TypeError(f"custom_primitive `{name}` needs one partial per argument, "
                        "partial_i(out, *args), and got none")
    n = len(partials)
    for i, p in enumerate(partials):
        if not callable(p):
            raise TypeError(f"custom_primitive `{name}`: partial {i} must be callable, "
                            f"got {type(p).__name__}")
    if not _accepts(impl, n):
        raise TypeError(f"custom_primitive `{name}`: {n} partial{'s were' if n != 1 else ' was'} "
                        f"given (one per argument), but impl cannot take {n} argument"
                        f"{'s' if n != 1 else ''}")
    for i, p in enumerate(partials):
        if not _accepts(p, n + 1):
            raise TypeError(f"custom_primitive `{name}`: partial {i} is called as "
                            f"partial(out, *args) with {n + 1} arguments, which it cannot take")
