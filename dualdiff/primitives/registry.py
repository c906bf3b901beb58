"""What a primitive is, and the named ways to register one.

A :class:`Primitive` is one entry of the table: the numpy function that computes
it, optionally a fast ``math`` version for floats, and its derivative rule. The
rule comes in one of a few shapes, and each shape has its own registration
helper here (the idea of JAX's ``defjvp``/``deflinear``/``defbilinear``/
``defjvp_zero``, see ``docs/architecture.md``):

=====================  ======================================================
:func:`elementwise`    one partial derivative per argument, written with
                       dualdiff's own functions; forward and reverse rules,
                       broadcasting, batching and the zero-tangent mask are
                       generated from the partials (:func:`partials_jvp`,
                       :func:`partials_vjp`)
:func:`zero_derivative` piecewise constant (sign, floor, comparisons,
                       argmax): the result is a constant at every level
:func:`linear`         linear in its arguments (reshape, sum, indexing): the
                       JVP applies the operation to the tangent, the VJP is
                       its transpose
:func:`bilinear`       linear in each argument separately (matmul)
:func:`variadic`       linear (concatenate, stack) or multilinear (einsum)
                       in any number of arguments: one joint JVP, and the
                       transpose for the argument at each position
:func:`nonlinear`      anything else (max, prod, det, solve, eigh): a JVP and
                       a VJP per argument, written out
=====================  ======================================================

JVP rules have the signature ``jvp(t, out, args, params, batched)``: the
contribution of argument ``i``'s tangent ``t`` to the output tangent, where
``batched`` says ``t`` carries a leading axis of directions. VJP rules have the
signature ``vjp(g, out, args, params)``: the cotangent of argument ``i`` given
the output's cotangent ``g``. Rules run on any value type (floats, arrays,
Duals, tape values, symbolic values), which is what makes derivatives
differentiable again.

The generic rules below need a few table functions (``mul``, ``where``,
``reshape``, ``sum``) that are themselves entries registered later, so they
look them up by name at call time (:func:`table`); nothing here imports an
entry module.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..core import (COTANGENT_BATCH_LEVELS, F64, RowSweepNeeded, bind, is_finite_everywhere,
                    is_float_zero, lift,
                    ndim, primal, shape)
from ..errors import MATH_ERRORS

ndarray = np.ndarray

JvpRule = Callable[..., Any]
"""``jvp(t, out, args, params, batched) -> contribution to the output tangent``."""
VjpRule = Callable[..., Any]
"""``vjp(g, out, args, params) -> cotangent of one argument``."""


class Kind(str, Enum):
    """The shape of a primitive's derivative rule (which helper registered it)."""

    ELEMENTWISE = "elementwise"
    ZERO = "zero"
    LINEAR = "linear"
    BILINEAR = "bilinear"
    VARIADIC = "variadic"
    NONLINEAR = "nonlinear"


REGISTRY: dict[str, "Primitive"] = {}
"""name -> Primitive, in registration order."""

ON_REGISTER: list[Callable[["Primitive"], None]] = []
"""Called with every newly registered primitive (the fast paths install themselves here)."""


def table(name: str) -> Callable:
    """The public function of the entry ``name`` (for rules that need an entry defined later)."""
    return REGISTRY[name].fn


class Primitive:
    """One entry of the table: how to compute an operation and how to differentiate it.

    ``jvps[i]``/``vjps[i]`` are the rules of argument ``i`` (see the module
    docstring); a variadic entry has one ``joint_jvp`` over all tangents and
    ``vjps`` built per position on demand. ``partials`` are the elementwise
    entries' partial derivatives, the source of their generated rules, of
    symbolic differentiation and of the float fast paths.
    """

    __slots__ = (
        "name", "impl", "scalar_impl", "kind", "nargs", "jvps", "joint_jvp", "vjps", "partials",
        "nonfinite", "flat", "doc", "domain", "edges", "samples", "sample_call", "fn", "numpy_aliases",
        "fast", "float_partials",
    )

    def __init__(self, name: str, impl: Callable, kind: Kind, *, nargs: int | None,
                 jvps: Sequence[JvpRule] = (), vjps: Sequence[VjpRule] | Mapping = (),
                 joint_jvp: Callable | None = None, scalar_impl: Callable | None = None,
                 partials: Sequence[Callable] | None = None, nonfinite: bool = False,
                 flat: bool = False, doc: str = "", domain: Sequence[tuple] | None = None, edges: Sequence[tuple] = (),
                 samples: Callable | None = None, sample_call: Callable | None = None):
        self.name = name
        self.impl = impl
        self.scalar_impl = scalar_impl
        self.kind = kind
        self.nargs = nargs
        self.jvps = tuple(jvps)
        self.joint_jvp = joint_jvp
        self.vjps = vjps if isinstance(vjps, PerPosition) else tuple(vjps)
        self.partials = tuple(partials) if partials is not None else None
        self.nonfinite = nonfinite
        self.flat = flat
        self.doc = doc
        self.domain = domain
        self.edges = tuple(edges)
        self.samples = samples
        self.sample_call = sample_call
        self.fn: Callable = None  # type: ignore[assignment]  # the public function, set on registration
        self.numpy_aliases: tuple = ()
        self.fast: dict = {}
        self.float_partials: Any = None  # the fast paths fill this in

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"

    def evaluate(self, args: tuple, params: dict) -> Any:
        """Run the implementation on plain (unboxed, lifted) arguments.

        Floats take ``scalar_impl`` (``math``), falling back to numpy where
        ``math`` raises, so results follow numpy's inf/NaN semantics. One rule
        for every entry: a 0-d float result is returned as a Python ``float``.
        """
        scalar = self.scalar_impl
        if scalar is not None and not params and _all_floats(args):
            try:
                return scalar(*args)
            except MATH_ERRORS:
                pass
            with np.errstate(all="ignore"):
                return float(self.impl(*args))
        out = self.impl(*args, **params)  # arrays: numpy's semantics, warnings included
        if type(out) is ndarray:
            return float(out) if out.ndim == 0 and out.dtype == np.float64 else out
        if type(out) is not float and not isinstance(out, ndarray):
            return lift(out)  # numpy scalars from reductions become float
        return out

    def tangent(self, tangents: Sequence[Any], out: Any, args: tuple, params: dict,
                batched: bool) -> Any:
        """The output tangent from the arguments' tangents (``None`` for constant arguments)."""
        if self.joint_jvp is not None:
            return self.joint_jvp(tangents, out, args, params, batched)
        total = None
        for rule, t in zip(self.jvps, tangents):
            if t is not None:
                c = rule(t, out, args, params, batched)
                total = c if total is None else table("add")(total, c)
        return total

    def example(self, rng: np.random.Generator) -> tuple[Callable, tuple]:
        """``(fn, args)``: a call of this primitive on random arguments inside its domain.

        ``fn`` takes only the differentiable arguments (static parameters such
        as an axis or a shape are fixed inside it), so table-driven tests can
        hand it straight to ``jacfwd``, ``grad`` or ``check_grads``.
        """
        return (self.sample_call or self.fn), self.sample_args(rng)

    def sample_args(self, rng: np.random.Generator) -> tuple:
        """A random argument tuple inside the domain (used by table-driven tests)."""
        if self.samples is not None:
            return self.samples(rng)
        nargs = self.nargs or 1
        return tuple(float(rng.uniform(lo, hi)) for lo, hi in self.domain or [(-2.0, 2.0)] * nargs)


class PerPosition(Mapping):
    """The VJP rules of a variadic primitive: ``rules[i]`` built by ``make(i)`` on first use."""

    def __init__(self, make: Callable[[int], VjpRule]):
        self.make = make
        self.cache: dict[int, VjpRule] = {}

    def __getitem__(self, i: int) -> VjpRule:
        rule = self.cache.get(i)
        if rule is None:
            rule = self.cache[i] = self.make(i)
        return rule

    def __iter__(self):
        return iter(self.cache)

    def __len__(self) -> int:
        return len(self.cache)


def _all_floats(args: tuple) -> bool:
    for a in args:
        if type(a) is not float:
            return False
    return True


# ---------------------------------------------------------------------------
# Registration helpers, one per shape of rule
# ---------------------------------------------------------------------------

def elementwise(name: str, impl: Callable, *partials: Callable, scalar_impl: Callable | None = None,
                nonfinite: bool = False, flat: bool = False, doc: str = "",
                domain: Sequence[tuple] | None = None, edges: Sequence[tuple] = (),
                numpy: Sequence[Any] = ()) -> Callable:
    """Register an elementwise primitive by its partial derivatives; return its public function.

    ``impl``         the numpy implementation (broadcasting, arrays).
    ``partials[i]``  ``partial_i(out, *args)``: ∂out/∂(argument i), written with
                     dualdiff's functions (``out`` is the computed output, so
                     ``exp`` reuses it instead of computing a second exponential).
    ``scalar_impl``  the same function on Python floats (``math``), for speed;
                     where it raises, numpy's inf/NaN semantics take over.
    ``nonfinite``    a partial can be inf/NaN inside or at the edge of the
                     domain (log at 0, sqrt at 0): switches on the mask that
                     makes a zero tangent contribute exactly zero.
    ``flat``         a zero partial means the entry is constant in that argument
                     (the losing side of ``maximum``, ``relu`` below 0; by the
                     convention abs'(0) = relu'(0) = 0 also at those kinks): it then
                     contributes exactly zero, even against an inf/NaN tangent or
                     cotangent, as a zero tangent does through an inf partial, so
                     forward and reverse mode agree.
    ``doc``          the rule and its conventions at kinks and edges, shown by
                     ``dualdiff functions``.
    ``domain``       one ``(low, high)`` per argument where the tests sample.
    ``edges``        argument tuples at the edges the tests also check.
    ``numpy``        numpy ufuncs this entry answers for (``np.exp(dual)``).

    This is also the public ``dualdiff.custom_primitive``: every mode picks the
    new entry up at once.
    """
    prim = Primitive(
        name, impl, Kind.ELEMENTWISE, nargs=len(partials), scalar_impl=scalar_impl,
        partials=partials, nonfinite=nonfinite, flat=flat, doc=doc, domain=domain, edges=edges,
        jvps=[partials_jvp(i, p, nonfinite, flat) for i, p in enumerate(partials)],
        vjps=[partials_vjp(i, p, nonfinite, flat) for i, p in enumerate(partials)])
    return register(prim, make_function(prim), numpy)


def zero_derivative(name: str, impl: Callable, *, nargs: int = 1,
                    scalar_impl: Callable | None = None, doc: str,
                    domain: Sequence[tuple] | None = None, numpy: Sequence[Any] = (),
                    public: Callable | None = None) -> Callable:
    """Register a function whose derivative is zero wherever it exists (piecewise constant).

    Its result is a plain constant at every level, so nothing downstream
    carries a perturbation from it (sign, floor, comparisons, argmax, ...).
    ``public`` replaces the generated public function when the entry takes
    parameters (an axis, a side).
    """
    prim = Primitive(name, impl, Kind.ZERO, nargs=nargs, scalar_impl=scalar_impl, doc=doc,
                     domain=domain)
    return register(prim, public or make_function(prim), numpy)


def linear(name: str, impl: Callable, jvps: Sequence[JvpRule], transposes: Sequence[VjpRule],
           public: Callable, **options: Any) -> Primitive:
    """Register an operation linear in its arguments: the JVP applies it to the tangent
    (with a leading batch axis when batched), the VJP is its transpose.

    ``public`` is the user-facing function (it normalises arguments and calls
    :func:`~dualdiff.core.bind`); ``options`` as for :class:`Primitive`
    (``doc``, ``samples``, ``sample_call``) plus ``numpy`` aliases.
    """
    return _explicit(Kind.LINEAR, name, impl, jvps, transposes, public, options)


def bilinear(name: str, impl: Callable, jvps: Sequence[JvpRule], transposes: Sequence[VjpRule],
             public: Callable, **options: Any) -> Primitive:
    """Register an operation linear in each argument separately (``a @ b``): the tangent
    of each argument goes through the operation with the other argument fixed."""
    return _explicit(Kind.BILINEAR, name, impl, jvps, transposes, public, options)


def nonlinear(name: str, impl: Callable, jvps: Sequence[JvpRule], vjps: Sequence[VjpRule],
              public: Callable, **options: Any) -> Primitive:
    """Register any other operation with its JVP and VJP per argument, written out."""
    return _explicit(Kind.NONLINEAR, name, impl, jvps, vjps, public, options)


def variadic(name: str, impl: Callable, joint_jvp: Callable, transpose_at: Callable[[int], VjpRule],
             public: Callable, **options: Any) -> Primitive:
    """Register an operation linear (concatenate, stack) or multilinear (einsum) in any number
    of arguments.

    ``joint_jvp(tangents, out, args, params, batched)`` gets every argument's
    tangent (``None`` for constants); ``transpose_at(i)`` builds the VJP rule
    of the argument at position ``i``, which may read the other arguments.
    """
    numpy_aliases = options.pop("numpy", ())
    prim = Primitive(name, impl, Kind.VARIADIC, nargs=None, joint_jvp=joint_jvp,
                     vjps=PerPosition(transpose_at), **options)
    public.primitive = prim  # type: ignore[attr-defined]
    register(prim, public, numpy_aliases)
    return prim


def _explicit(kind: Kind, name: str, impl: Callable, jvps: Sequence[JvpRule],
              vjps: Sequence[VjpRule], public: Callable, options: dict) -> Primitive:
    if len(jvps) != len(vjps):
        raise ValueError(f"`{name}`: one JVP and one VJP rule per argument")
    numpy_aliases = options.pop("numpy", ())
    prim = Primitive(name, impl, kind, nargs=len(jvps), jvps=jvps, vjps=vjps, **options)
    public.primitive = prim  # type: ignore[attr-defined]
    register(prim, public, numpy_aliases)
    return prim


def register(prim: Primitive, fn: Callable, numpy_aliases: Sequence[Any] = ()) -> Callable:
    """Add ``prim`` to the table with its public function ``fn``; return ``fn``."""
    if prim.name in REGISTRY:
        raise ValueError(f"a primitive named `{prim.name}` is already registered")
    prim.fn = fn
    fn.primitive = prim  # type: ignore[attr-defined]
    prim.numpy_aliases = tuple(numpy_aliases)
    REGISTRY[prim.name] = prim
    for hook in ON_REGISTER:
        hook(prim)
    return fn


def make_function(prim: Primitive) -> Callable:
    """The public function of a primitive taking arrays only, specialised on exact types.

    Plain floats go straight to the ``math`` implementation and float64
    arrays straight to numpy. ``prim.fast`` maps a box type to a handler that
    the fast paths generated for this primitive (:mod:`dualdiff.fastpath`);
    everything else takes the generic :func:`~dualdiff.core.bind`. One dict
    lookup on the exact type replaces isinstance chains.
    """
    impl, scalar = prim.impl, prim.scalar_impl
    fast = prim.fast
    evaluate = prim.evaluate
    if prim.nargs == 1 and scalar is not None:
        def unary(x):
            tx = type(x)
            if tx is float:
                try:
                    return scalar(x)
                except MATH_ERRORS:
                    return evaluate((x,), {})
            handler = fast.get(tx)
            if handler is not None:
                return handler(x)
            if tx is ndarray and x.dtype is F64 and x.ndim:
                return impl(x)
            return bind(prim, (x,), {})
        fn = unary
    elif prim.nargs == 2 and scalar is not None:
        def binary(x, y):
            tx = type(x)
            ty = type(y)
            if tx is float:
                if ty is float:
                    try:
                        return scalar(x, y)
                    except MATH_ERRORS:
                        return evaluate((x, y), {})
                if ty is ndarray and y.dtype is F64 and y.ndim:
                    return impl(x, y)
            elif tx is ndarray and x.dtype is F64 and x.ndim and (
                    ty is float or (ty is ndarray and y.dtype is F64)):
                return impl(x, y)
            handler = fast.get(tx) or fast.get(ty)
            if handler is not None:
                return handler(x, y)
            return bind(prim, (x, y), {})
        fn = binary
    else:
        def general(*args):
            return bind(prim, args, {})
        fn = general
    fn.__name__ = fn.__qualname__ = prim.name
    fn.__doc__ = f"{prim.name}: differentiable primitive.\n\nDerivative: {prim.doc}"
    return fn


# ---------------------------------------------------------------------------
# Rules generated from partial derivatives (elementwise entries)
# ---------------------------------------------------------------------------

def _scale(p: Any, t: Any) -> Any:
    """``p * t``, skipping the multiplication when the partial is exactly ±1."""
    if type(p) is float:
        if p == 1.0:
            return t
        if p == -1.0:
            return table("neg")(t)
    return table("mul")(p, t)


def _mask_zero(contribution: Any, t: Any, p: Any) -> Any:
    """A zero tangent/cotangent contributes exactly zero, even through an inf/NaN partial.

    So ``where(x > 0, sqrt(x), 0)`` at x = -1 has derivative 0 (no "double
    where" needed) and ``x + log(z)`` at z = 0 has ∂/∂x = 1.
    """
    if getattr(type(t), "_innermost", False) and type(t.concrete) in (float, np.float64):
        return contribution  # a traced float: is_float_zero's guard already skipped t == 0.0
    if is_finite_everywhere(p):
        return contribution
    if getattr(t, "_level", None) in COTANGENT_BATCH_LEVELS:
        raise RowSweepNeeded  # each row of the batch has its own zeros
    if type(t) is float:
        return 0.0 if t == 0.0 else contribution
    return table("where")(primal(t) == 0.0, 0.0, contribution)


def _mask_flat(contribution: Any, t: Any, p: Any) -> Any:
    """A zero partial of a flat entry contributes exactly zero, even against an inf/NaN t.

    The mirror of :func:`_mask_zero`: forward mode already gives
    ``sqrt(maximum(x, 0))`` at x = -1 the derivative 0 (maximum's zero tangent meets
    sqrt's inf partial); reverse mode met sqrt's inf cotangent with maximum's zero
    partial and gave NaN. The mask depends on ``p`` only, so a batch of cotangents
    needs no row-by-row sweep.
    """
    batch = getattr(t, "_level", None) in COTANGENT_BATCH_LEVELS
    if not batch and is_finite_everywhere(t):
        return contribution
    pp = primal(p)
    if type(pp) is float:
        return contribution if pp != 0.0 else table("where")(False, contribution, 0.0)
    return table("where")(pp == 0.0, 0.0, contribution)


def align_batched(t: Any, arg_ndim: int, out_ndim: int) -> Any:
    """Insert axes after the batch axis so a broadcast argument's tangent lines up with the output."""
    if arg_ndim >= out_ndim:
        return t
    s = shape(t)
    return table("reshape")(t, s[:1] + (1,) * (out_ndim - arg_ndim) + s[1:])


def partials_jvp(i: int, partial: Callable, nonfinite: bool, flat: bool = False) -> JvpRule:
    """The JVP rule of argument ``i`` of an elementwise entry: ``partial_i · t``."""
    def jvp(t, out, args, params, batched):
        if is_float_zero(t):
            return 0.0  # a zero tangent contributes exactly zero; skip the partial
        p = partial(out, *args)
        if type(t) is float and type(p) is float:
            return p * t
        if batched:
            t = align_batched(t, ndim(args[i]), ndim(out))
        c = _scale(p, t)
        if flat:
            c = _mask_flat(c, t, p)
        return _mask_zero(c, t, p) if nonfinite else c
    return jvp


def partials_vjp(i: int, partial: Callable, nonfinite: bool, flat: bool = False) -> VjpRule:
    """The VJP rule of argument ``i`` of an elementwise entry: ``partial_i · g``, unbroadcast."""
    def vjp(g, out, args, params):
        tg = type(g)
        target = shape(args[i])
        if is_float_zero(g):
            return 0.0 if target == () else np.zeros(target)
        p = partial(out, *args)
        tp = type(p)
        if tg is float and tp is float:
            return 0.0 if flat and p == 0.0 else p * g  # scalars: every argument is a scalar
        if tg is ndarray and (tp is ndarray or tp is float):
            # Plain arrays (the hot case): the same steps as below, without the dispatch.
            c = g if tp is float and p == 1.0 else p * g
            if nonfinite and not is_finite_everywhere(p):
                c = np.where(g == 0.0, 0.0, c)
            if flat and not is_finite_everywhere(g):
                c = np.where(p == 0.0, 0.0, c)
            return c if c.shape == target else unbroadcast(c, target)
        c = _scale(p, g)
        if flat:
            c = _mask_flat(c, g, p)
        if nonfinite:
            c = _mask_zero(c, g, p)
        return unbroadcast(c, target)
    return vjp


def unbroadcast(x: Any, target: tuple) -> Any:
    """Sum ``x`` over the axes that broadcasting added, giving shape ``target``.

    The transpose of broadcasting: the reverse-mode half of every elementwise
    rule and of ``broadcast_to``.
    """
    s = shape(x)
    if s == target:
        return x
    lead = len(s) - len(target)
    axes = tuple(range(lead)) + tuple(
        lead + k for k, n in enumerate(target) if n == 1 and s[lead + k] != 1)
    if axes:
        x = table("sum")(x, axis=axes)
    return x if shape(x) == target else table("reshape")(x, target)


def samples_in(*shapes: tuple, low: float = -2.0, high: float = 2.0) -> Callable:
    """A ``samples`` function: uniform random arrays of the given shapes (table-driven tests)."""
    def draw(rng: np.random.Generator) -> tuple:
        return tuple(rng.uniform(low, high, size=s) if s else float(rng.uniform(low, high))
                     for s in shapes)
    return draw

