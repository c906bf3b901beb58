"""Compiled equals uncompiled: random expressions and every entry of the table under ``jit``.

The random expressions are the property tests' own (:mod:`expressions`): each
tree is compiled as a plain function, as a ``jvp`` closure and as ``grad``, on
scalars and on arrays, traced at one point and then *run* at others (the
first call returns what the trace computed; the second is the generated code),
and every result is compared with the uncompiled path to a few ulps.

Every table entry's ``example(rng)`` runs under ``jit(grad(sum))`` and
``jit(jacfwd)``, traced on one draw and run on others; entries whose rules read
values (ties in ``max``, zeros in ``cumprod``, singular matrices) are also run
where the rule's decision changes, so their guards are exercised. No entry
falls back to uncompiled code today; :data:`FALLS_BACK` says so and a
deliberately untraceable rule shows what falling back looks like.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dualdiff as dd

from expressions import ELEMENTWISE, problems, scalar_function
from jit_checks import assert_same, compiled_only, fallbacks

SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}

# Random expressions may not depend on x at all (sign(x), constants): grad says so, rightly.
pytestmark = pytest.mark.filterwarnings("ignore:.*the output does not depend")


def _points(point: tuple, draw_shift: float) -> list[tuple]:
    """The traced point, a second point with the same signature, then the first again."""
    other = tuple(x + draw_shift * (k + 1) for k, x in enumerate(point))
    return [point, other, point]


def _all_compiled(compiled, calls: int) -> None:
    """Every call ran generated code (a rule's branch, such as sinc's near 0, may add a trace)."""
    info = compiled.cache_info()
    assert info.uncompiled == 0 and info.hits + info.traces == calls, info
    assert info.hits >= 1, info


def _directions(n: int) -> list[tuple]:
    return [tuple(1.0 if k == i else 0.0 for k in range(n)) for i in range(n)]


@settings(max_examples=300, **SETTINGS)
@given(problems(), st.floats(-0.75, 0.75))
def test_random_expressions_on_scalars(problem, shift):
    tree, point = problem
    n = len(point)
    f = scalar_function(tree)
    nums = tuple(range(n))
    compiled = dd.jit(f)
    forward = dd.jit(lambda xs, v: dd.jvp(f, xs, v))
    reverse = dd.jit(dd.value_and_grad(f, argnums=nums))
    with compiled_only():
        for p in _points(point, shift):
            assert_same(compiled(*p), f(*p))
            for v in _directions(n):
                assert_same(forward(p, v), dd.jvp(f, p, v))
            assert_same(reverse(*p), dd.value_and_grad(f, argnums=nums)(*p))
    for c, calls in ((compiled, 3), (forward, 3 * n), (reverse, 3)):
        _all_compiled(c, calls)


@settings(max_examples=150, **SETTINGS)
@given(problems(), st.floats(-0.75, 0.75))
def test_random_expressions_on_arrays(problem, shift):
    """Each variable a 3-vector of different values: numpy code instead of ``math``."""
    tree, point = problem
    n = len(point)
    f = scalar_function(tree)
    nums = tuple(range(n))

    def total(*xs):
        return dd.sum(f(*xs))

    def arrays(p):
        return tuple(np.array([x, x - 0.5, 0.25 * x + 0.1]) for x in p)

    compiled = dd.jit(f)
    forward = dd.jit(lambda xs, v: dd.jvp(f, xs, v))
    reverse = dd.jit(dd.grad(total, argnums=nums))
    with compiled_only():
        for p in map(arrays, _points(point, shift)):
            assert_same(compiled(*p), f(*p))
            v = tuple(np.array([1.0, -2.0, 0.5]) * (k + 1) for k in range(n))
            assert_same(forward(p, v), dd.jvp(f, p, v))
            assert_same(reverse(*p), dd.grad(total, argnums=nums)(*p))
    for c in (compiled, forward, reverse):
        _all_compiled(c, 3)


def _unsquashed(tree: tuple, xs: tuple):
    """The tree with every primitive applied to its children directly: arguments leave the
    domains (log of a negative, division by 0, overflow), where numpy gives inf/NaN and
    Python's float arithmetic raises."""
    kind = tree[0]
    if kind == "x":
        return xs[tree[1]]
    if kind == "c":
        return tree[1]
    return ELEMENTWISE[kind].fn(*(_unsquashed(child, xs) for child in tree[1:]))


@settings(max_examples=300, **SETTINGS)
@given(problems(), st.sampled_from([0.0, -1.0, 1.0, 0.5, -2.5, 3.0, 700.0, -0.0]))
def test_random_expressions_outside_their_domains(problem, special):
    """Compiled equals uncompiled, NaN for NaN and inf for inf, also where the generated float
    code raises and the call runs uncompiled (counted, never wrong).

    The value always equals the uncompiled one. The gradient equals the uncompiled sweep on
    floats wherever the sweep on 1-element arrays (the table's VJP rules, which the trace
    records) agrees with it. Where NaN flows into a branch that is discarded (fmax of NaN,
    a zero-derivative entry), the two uncompiled sweeps can disagree (the float sweep skips a
    zero cotangent outright, the rules multiply it by the NaN partial); there the compiled
    gradient must equal a fresh trace's at that very point: the generated code, a guard's
    retrace and the uncompiled fallback all give the trace's numbers."""
    tree, point = problem
    n = len(point)
    nums = tuple(range(n))

    def f(*xs):
        return _unsquashed(tree, xs)

    def by_rules(*xs):
        value, grads = dd.value_and_grad(lambda *a: dd.sum(f(*a)), argnums=nums)(
            *(np.array([x]) for x in xs))
        return value, tuple(float(g[0]) for g in grads)

    compiled = dd.jit(f)
    reverse = dd.jit(dd.value_and_grad(f, argnums=nums))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for p in (point, tuple(special for _ in point), (special,) + point[1:], point):
            assert_same(compiled(*p), f(*p), ulps=4)
            got, want = reverse(*p), dd.value_and_grad(f, argnums=nums)(*p)
            try:
                assert_same(want, by_rules(*p), ulps=1e5, floor=1e-12)  # math against numpy
            except AssertionError:  # the uncompiled sweeps differ: the trace decides
                want = dd.jit(dd.value_and_grad(f, argnums=nums))(*p)
            assert_same(got, want, ulps=4)
    for c in (compiled, reverse):
        info = c.cache_info()
        assert info.hits + info.traces + info.uncompiled == 4, info


@settings(max_examples=60, **SETTINGS)
@given(problems(max_vars=2), st.floats(-0.75, 0.75))
def test_random_expressions_second_order(problem, shift):
    """hessian (forward over reverse) and derivative(f, 2) compiled, against uncompiled."""
    tree, point = problem
    n = len(point)
    f = scalar_function(tree)

    def vector(v):
        return f(*(v[i] for i in range(n)))

    hessian = dd.jit(dd.hessian(vector))
    with compiled_only():
        for p in _points(point, shift):
            x = np.array(p)
            assert_same(hessian(x), dd.hessian(vector)(x), ulps=16)
    if n == 1:
        second = dd.jit(dd.derivative(f, 2))
        with compiled_only():
            for p in _points(point, shift):
                assert_same(second(p[0]), dd.derivative(f, 2)(p[0]), ulps=16)


# ---------------------------------------------------------------------------
# Every entry of the table
# ---------------------------------------------------------------------------

FALLS_BACK: set[str] = set()
"""Entries whose rules cannot be traced, so ``jit`` runs them uncompiled (none today)."""


def _scalar(fn):
    def total(*args):
        y = fn(*args)
        return dd.sum(y * y)
    return total


def _transforms(fn, nargs):
    nums = tuple(range(nargs))
    return {"grad": dd.grad(_scalar(fn), argnums=nums), "jacfwd": dd.jacfwd(fn, argnums=nums)}


@pytest.mark.parametrize("name", list(dd.REGISTRY))
def test_every_entry_compiles_and_agrees(name):
    prim = dd.REGISTRY[name]
    fn, traced_args = prim.example(np.random.default_rng(0))
    for label, transform in _transforms(fn, len(traced_args)).items():
        compiled = dd.jit(transform)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            compiled(*traced_args)
            for seed in (1, 2, 0):
                _, args = prim.example(np.random.default_rng(seed))
                assert_same(compiled(*args), transform(*args), ulps=64, floor=1e-13)
        assert bool(fallbacks(caught)) == (name in FALLS_BACK), (label, fallbacks(caught))
        info = compiled.cache_info()
        if name not in FALLS_BACK:  # every call compiled: traced once, or again on a new branch
            assert info.uncompiled == 0 and info.hits + info.traces == 4, (label, info)
            assert info.traces <= 2, (label, info)


# Points where a rule's decision differs from a random draw's: ties, kinks, zeros, bounds,
# rank deficiency. Each is compiled at the random draw first, then run here (a guard must
# notice), then the draw again.
SPECIAL = {
    "max": (lambda x: dd.max(x, axis=1), np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])),
    "min": (lambda x: dd.min(x), np.array([[0.5, -1.0, 2.0], [-1.0, 4.0, -1.0]])),
    "maximum": (lambda x: dd.maximum(x, 1.0), np.array([[1.0, 0.0, 2.0], [1.0, 1.0, -3.0]])),
    "minimum": (lambda x: dd.minimum(x, x[::-1]), np.array([[1.0, 2.0, 1.0], [0.0, 5.0, 0.0]])),
    "fmax": (lambda x: dd.fmax(x, 0.0), np.array([[0.0, np.nan, 1.0], [-1.0, 0.0, 2.0]])),
    "abs": (dd.abs, np.array([[0.0, -1.0, 2.0], [0.0, 0.0, -0.5]])),
    "relu": (dd.relu, np.array([[0.0, -1.0, 2.0], [0.0, 3.0, -0.5]])),
    "clip": (lambda x: dd.clip(x, -1.0, 1.0), np.array([[-1.0, 1.0, 0.5], [2.0, -1.0, 1.0]])),
    "sign": (lambda x: x * dd.sign(x), np.array([[0.0, -1.0, 2.0], [0.0, 1.0, -0.5]])),
    "cumprod": (lambda x: dd.cumprod(x, axis=1), np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]])),
    "prod": (lambda x: dd.prod(x, axis=1), np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]])),
    "norm": (lambda x: dd.norm(x, axis=1), np.array([[0.0, 0.0, 0.0], [3.0, 4.0, 0.0]])),
    "sort": (lambda x: dd.sort(x, axis=1), np.array([[2.0, 2.0, 1.0], [3.0, 1.0, 2.0]])),
    "median": (lambda x: dd.median(x, axis=1), np.array([[2.0, 2.0, 1.0], [3.0, 1.0, 2.0]])),
    "pinv": (dd.pinv, np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]])),
    "svdvals": (dd.svdvals, np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])),
    "eigh": (lambda a: dd.eigh(a + a.T)[0], np.diag([0.5, 0.5, 1.0])),  # a repeated eigenvalue
    "svd": (lambda a: dd.svd(a)[1], np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])),
    "sqrt": (dd.sqrt, np.array([[0.0, 1.0, 4.0], [0.0, 0.0, 2.0]])),
    "remainder": (lambda x: dd.remainder(x, 1.5), np.array([[3.0, 1.5, -1.5], [0.0, 4.5, 2.0]])),
    "where": (lambda x: dd.where(x > 0.0, x, x * x),
              np.array([[0.0, -1.0, 2.0], [1.0, -3.0, 0.0]])),
}


def _random_like(x, seed):
    return np.random.default_rng(seed).normal(size=x.shape)


@pytest.mark.parametrize("name", list(SPECIAL))
def test_value_reading_rules_at_their_special_points(name):
    fn, special = SPECIAL[name]
    for label, transform in _transforms(fn, 1).items():
        compiled = dd.jit(transform)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for x in (_random_like(special, 3), special, _random_like(special, 4), special,
                      _random_like(special, 3)):
                with np.errstate(all="ignore"):
                    want = transform(x)
                    got = compiled(x)
                assert_same(got, want, ulps=64, floor=1e-13)
        info = compiled.cache_info()
        if name in ("sort", "median"):
            continue  # composites that read values with numpy.asarray: they may run uncompiled
        assert not fallbacks(caught), (label, fallbacks(caught))
        assert info.hits + info.traces == 5, info


def test_an_untraceable_rule_falls_back_with_the_same_numbers():
    """A rule that reads its argument with float() cannot be recorded: jit warns once and
    runs uncompiled; the numbers are the uncompiled ones, on every call."""

    @dd.custom_jvp
    def cube(x):
        return x * x * x

    @cube.defjvp
    def _(primals, tangents):
        (x,), (t,) = primals, tangents
        scale = 3.0 * float(dd.primal(x)) ** 2  # reads the number: not recordable
        return cube(x), scale * t

    f = dd.grad(lambda x: cube(x) + dd.sin(x))
    compiled = dd.jit(f)
    with pytest.warns(RuntimeWarning, match="running uncompiled .*float"):
        assert compiled(2.0) == f(2.0) == 12.0 + np.cos(2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for x in (0.5, -1.0, 3.0):
            assert compiled(x) == f(x)
    info = compiled.cache_info()
    assert (info.traces, info.uncompiled, info.hits) == (0, 4, 0)
    assert compiled.source(2.0).startswith("# not compiled: TraceError")
