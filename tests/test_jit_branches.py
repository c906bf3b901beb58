"""``dualdiff.jit`` and value-dependent behaviour: branches, guards, numpy's inf/NaN.

A Python decision on a traced value becomes a guard of the generated code; a
call that fails it is traced again (a new variant), up to ``max_variants``,
past which the function runs uncompiled with one warning. These tests walk
each branchy function across its branches and back, count traces and failed
guards exactly, and compare every result with the uncompiled path. The second
half checks numpy's semantics where Python's float arithmetic would raise:
compiled equals uncompiled, on the first call and on every later one.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import dualdiff as dd

from jit_checks import assert_same, compiled_only


def abs_if(x):
    if x > 0:
        return x
    return -x


def relu_if(x):
    if x > 0:
        return x
    return 0.0 * x


def piecewise(x):
    """x² below -1, a line up to 1, √x·e beyond: three pieces, two kinks."""
    if x < -1.0:
        return x * x
    elif x <= 1.0:
        return 0.5 * x + 1.5
    return dd.sqrt(x) * 2.0


WALK = [1.0, -1.0, 2.0, -3.0, 0.0, 1.0, -0.5, 0.5]
"""Across the kink at 0 and back, landing on it once (x = 0 takes the second branch)."""


def _walk(f, points):
    """Compiled f, grad f and value_and_grad f at every point, each against uncompiled."""
    compiled = {"f": dd.jit(f), "grad": dd.jit(dd.grad(f)), "vg": dd.jit(dd.value_and_grad(f))}
    reference = {"f": f, "grad": dd.grad(f), "vg": dd.value_and_grad(f)}
    with compiled_only():
        for x in points:
            for name, c in compiled.items():
                assert_same(c(x), reference[name](x), ulps=0)
    return {name: c.cache_info() for name, c in compiled.items()}


@pytest.mark.parametrize("f", [abs_if, relu_if], ids=["abs", "relu"])
def test_abs_and_relu_written_with_if(f):
    infos = _walk(f, WALK)
    # 1.0 traces; -1.0 fails the guard and traces; every later call is one of the two
    # variants: the other side (-1, -3, 0, -0.5) first fails the positive variant's guard.
    for info in infos.values():
        assert (info.hits, info.traces, info.guard_failures, info.uncompiled) == (6, 2, 4, 0)
    assert dd.jit(dd.grad(f))(-2.0) == (-1.0 if f is abs_if else 0.0)


def test_a_piecewise_definition_on_every_piece_and_back():
    points = [-2.0, 0.0, 4.0, -1.0, 1.0, 0.25, -5.0, 9.0, 1.0000001]
    infos = _walk(piecewise, points)
    for info in infos.values():
        assert info.traces == 3 and info.hits == len(points) - 3 and info.uncompiled == 0
    g = dd.jit(dd.grad(piecewise))
    assert [g(x) for x in (-2.0, 0.0, 4.0)] == [-4.0, 0.5, 0.5]  # 2x; 0.5; 1/√x


def test_builtin_max_at_a_tie_and_maximum_at_a_tie():
    """Python's max(x, y) returns x at a tie (its guard records which); dd.maximum splits
    the derivative 0.5/0.5 there without any guard."""
    def builtin(x, y):
        return max(x, y) * 3.0

    def table(x, y):
        return dd.maximum(x, y) * 3.0

    g_builtin = dd.jit(dd.grad(builtin, argnums=(0, 1)))
    g_table = dd.jit(dd.grad(table, argnums=(0, 1)))
    with compiled_only():
        for x, y in [(1.0, 2.0), (2.0, 2.0), (3.0, 2.0), (2.0, 2.0), (1.0, 2.0)]:
            assert g_builtin(x, y) == dd.grad(builtin, argnums=(0, 1))(x, y)
            assert g_table(x, y) == dd.grad(table, argnums=(0, 1))(x, y)
        assert g_table(2.0, 2.0) == (1.5, 1.5)
        assert g_builtin(2.0, 2.0) == (3.0, 0.0)  # max keeps its first argument at a tie
    assert g_table.cache_info().traces == 1  # branch-free: numpy decides inside the code
    assert g_builtin.cache_info().traces == 2


def test_max_where_and_clip_on_arrays_across_ties_and_bounds():
    def f(x):
        return (dd.max(x) + dd.sum(dd.where(x > 0.0, x * x, -x))
                + dd.sum(dd.clip(x, -1.0, 1.0) * x))

    g = dd.jit(dd.grad(f))
    points = [np.array([0.5, -2.0, 3.0]), np.array([3.0, 3.0, -1.0]), np.array([1.0, -1.0, 0.0]),
              np.array([-0.5, 2.0, 2.0]), np.array([0.5, -2.0, 3.0])]
    with compiled_only():
        for x in points:
            assert_same(g(x), dd.grad(f)(x), ulps=0)
        # at the tie of max: half each; at the clip bounds the inside branch (numpy.clip's)
        assert_same(g(np.array([3.0, 3.0, -1.0])), dd.grad(f)(np.array([3.0, 3.0, -1.0])))
    assert g.cache_info().traces == 1


def test_a_comparison_with_an_inner_transformations_value():
    """The jitted argument compared with a jvp's Dual: the Dual's comparison decides."""
    def f(x):
        return dd.jvp(lambda y: y * y if x < y else y * 3.0, (x * 0.5 + 1.0,), (1.0,))[1]

    compiled = dd.jit(f)
    with compiled_only():
        for x in (1.0, 3.0, 1.5, 2.5, 0.0):
            assert compiled(x) == f(x)
    assert compiled.cache_info().traces == 2


def test_a_guard_on_an_argument_itself():
    """``if x:`` reads the argument directly; the guard must still be in the code."""
    f = dd.jit(lambda x: 1.0 if x else 2.0)
    with compiled_only():
        assert [f(1.0), f(0.0), f(-3.0), f(0.0)] == [1.0, 2.0, 1.0, 2.0]
    assert f.cache_info()[:3] == (2, 2, 2)
    assert "if not x0: raise _Retrace" in f.source(1.0)


def test_a_decision_and_the_same_comparison_used_as_a_value():
    """The guard's comparison and a later identical one are computed once, as a Python bool;
    numpy's methods on it still work."""
    def f(x):
        y = x * 2.0 if x > 0 else x * 3.0
        return y + (x > 0).any() * 1.0

    compiled = dd.jit(f)
    with compiled_only():
        assert [compiled(x) for x in (1.0, 2.0, -1.0, -2.0, 3.0)] == [3.0, 5.0, -3.0, -6.0, 7.0]
    assert compiled.cache_info()[:3] == (3, 2, 2)


def test_a_partial_that_turns_infinite_switches_variant():
    """sqrt's partial is inf at 0: a zero tangent must still contribute 0 there (a guard on
    isfinite picks the masked variant), in every mode, bit for bit."""
    def f(x):
        return dd.sqrt(x) * x[::-1] + dd.log(x[0] + 1.0)

    for transform in (dd.jacrev(f), dd.jacfwd(f), dd.hessian(lambda x: dd.sum(f(x)))):
        compiled = dd.jit(transform)
        with np.errstate(all="ignore"), compiled_only():
            for x in ([1.0, 4.0, 9.0], [0.0, 4.0, 9.0], [1.0, 0.0, 9.0], [1.0, 4.0, 9.0]):
                assert_same(compiled(np.array(x)), transform(np.array(x)), ulps=0)
        assert compiled.cache_info()[:3] == (2, 2, 2)


def test_a_shape_that_depends_on_the_values_is_guarded():
    count = dd.jit(lambda x: len(np.flatnonzero(x > 0)) * dd.sum(x))
    with compiled_only():
        for x in ([1.0, -1.0, 2.0], [1.0, 1.0, 2.0], [-1.0, -1.0, -2.0], [3.0, -1.0, 2.0]):
            x = np.array(x)
            assert count(x) == int(np.sum(x > 0)) * np.sum(x)
    assert count.cache_info()[:3] == (1, 3, 3)
    assert "guard: the traced shape" in count.source(np.ones(3))


def test_past_max_variants_runs_uncompiled_with_one_warning_and_stays_right():
    def staircase(x):
        y = x * 0.0
        for step in (1.0, 2.0, 3.0, 4.0):
            if x > step:
                y = y + dd.sin(x * step)
        return y

    g = dd.jit(dd.grad(staircase), max_variants=3)
    reference = dd.grad(staircase)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for x in (0.5, 1.5, 2.5, 3.5, 4.5, 0.5, 3.7, 4.2, 1.5):
            assert g(x) == reference(x)
    messages = [str(w.message) for w in caught if "jit" in str(w.message)]
    assert messages == ["dualdiff.jit(staircase): running uncompiled (more than 3 branches "
                        "traced for one signature)"]
    info = g.cache_info()
    # variants: x<1, 1<x<2, 2<x<3; 3.5, 4.5, 3.7 and 4.2 run uncompiled after 3 guard failures
    # each; tracing the second and third variant took 1 and 2; 1.5 at the end 1
    assert (info.traces, info.uncompiled, info.hits) == (3, 4, 2)
    assert info.guard_failures == 1 + 2 + 4 * 3 + 1


def test_a_loop_until_convergence_retraces_per_iteration_count():
    """Newton's √a: the number of iterations is a guard; each count is a variant."""
    def newton_sqrt(a):
        x = a
        while dd.abs(x * x - a) > 1e-12 * a:
            x = 0.5 * (x + a / x)
        return x

    f = dd.jit(newton_sqrt)
    with compiled_only():
        for a in (2.0, 3.0, 2.5, 100.0, 2.0, 1e6):
            assert f(a) == newton_sqrt(a)
            assert abs(f(a) - math.sqrt(a)) <= 1e-12 * math.sqrt(a)
    assert f.cache_info().traces <= 4


# ---------------------------------------------------------------------------
# numpy's semantics: inf and NaN where Python's float arithmetic raises
# ---------------------------------------------------------------------------

SCALAR_CASES = [
    ("1/x at 0", lambda x: 1.0 / x, 1.0, 0.0, math.inf),
    ("1/x at -0", lambda x: 1.0 / x, 1.0, -0.0, -math.inf),
    ("log of a negative", dd.log, 2.0, -1.0, math.nan),
    ("log at 0", dd.log, 2.0, 0.0, -math.inf),
    ("exp overflow", dd.exp, 1.0, 1000.0, math.inf),
    ("x ** 0.5 of a negative", lambda x: x ** 0.5, 4.0, -1.0, math.nan),
    ("sqrt of a negative", dd.sqrt, 4.0, -4.0, math.nan),
    ("arcsin outside [-1, 1]", dd.arcsin, 0.5, 2.0, math.nan),
    ("0 * inf", lambda x: 0.0 * dd.exp(x), 1.0, 1000.0, math.nan),
    ("x / x at 0", lambda x: x / x, 1.0, 0.0, math.nan),
    ("cosh overflow", dd.cosh, 1.0, 800.0, math.inf),
    ("x % 0", lambda x: dd.remainder(x, x - 3.0), 1.0, 3.0, math.nan),
]


def _same_float(a, b):
    return a == b or (math.isnan(a) and math.isnan(b))


@pytest.mark.parametrize("case", SCALAR_CASES, ids=[c[0] for c in SCALAR_CASES])
def test_numpy_semantics_on_floats(case):
    _, f, ordinary, special, expected = case
    first_at_special = dd.jit(f)
    compiled_first = dd.jit(f)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert _same_float(first_at_special(special), expected)  # the traced call
        assert _same_float(first_at_special(special), expected)  # the generated code
        compiled_first(ordinary)
        for _ in range(2):
            got = compiled_first(special)
            assert _same_float(got, expected), got
            assert type(got) is float
        assert _same_float(compiled_first(ordinary), f(ordinary))


@pytest.mark.parametrize("case", SCALAR_CASES, ids=[c[0] for c in SCALAR_CASES])
def test_numpy_semantics_of_derivatives(case):
    _, f, ordinary, special, _ = case
    for transform in (dd.grad(f), dd.derivative(f, 2), lambda x: dd.jvp(f, (x,), (1.0,))):
        compiled = dd.jit(transform)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            want = transform(special)
            compiled(ordinary)
            assert_same(compiled(special), want, ulps=0)
            assert_same(compiled(special), want, ulps=0)
            assert_same(compiled(ordinary), transform(ordinary), ulps=0)


def test_numpy_semantics_on_arrays():
    def f(x):
        return dd.sum(1.0 / x + dd.log(x) + dd.exp(x * 800.0))

    compiled, g = dd.jit(f), dd.jit(dd.grad(f))
    ordinary, special = np.array([1.0, 0.5]), np.array([0.0, -1.0])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        compiled(ordinary), g(ordinary)
        assert math.isnan(compiled(special)) and math.isnan(f(special))
        assert_same(g(special), dd.grad(f)(special), ulps=0)
        assert compiled(np.array([1.0, 2.0])) == math.inf
    assert compiled.cache_info().uncompiled == 0  # numpy never raised: all compiled


def test_a_float_error_in_generated_code_counts_as_uncompiled():
    f = dd.jit(lambda x: 1.0 / x)
    with compiled_only():
        f(2.0)
        assert f(0.0) == math.inf
        assert f(4.0) == 0.25
    assert f.cache_info()[:4] == (1, 1, 0, 1)


def test_compiled_code_warns_where_uncompiled_code_warns():
    """A rule that silences numpy around an operation (eigh's 1/(λj - λi) at a repeated
    eigenvalue) silences it in the generated code too; elsewhere numpy warns as usual."""
    def spectrum(a):
        w, v = dd.eigh(a)
        return dd.sum(w * w) + dd.sum(v[:, 0] ** 2 * w[0])

    g = dd.jit(dd.grad(spectrum))
    g(np.eye(3))  # traced at a repeated eigenvalue
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for a in (np.diag([1.0, 1.0, 2.0]), np.eye(3), 2.0 * np.eye(3)):
            assert_same(g(a), dd.grad(spectrum)(a), ulps=0)
    assert g.cache_info()[:2] == (3, 1)
    log = dd.jit(dd.log)
    log(np.ones(2))
    with pytest.warns(RuntimeWarning, match="invalid value encountered in log"):
        assert math.isnan(log(np.array([-1.0, 1.0]))[0])
    assert log.cache_info()[:2] == (1, 1)


def test_a_zero_float_tangent_through_a_nan_partial_contributes_zero():
    """Uncompiled, a tangent or cotangent that is the float 0.0 is skipped whatever the partial;
    the generated code makes the same decision (a guard) instead of computing 0 * NaN."""
    def forward_f(w):
        return -dd.sigmoid(dd.maximum(np.nan, w[-1]))  # maximum's tangent is 0.0; sigmoid' NaN

    def reverse_f(z):
        return dd.maximum(-1.5, dd.var(z))  # var's cotangent is 0.0; its partials NaN at inf

    forward = dd.jit(lambda w, v: dd.jvp(forward_f, (w,), (v,)))
    reverse = dd.jit(dd.grad(reverse_f))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for w in (np.array([0.3, 0.5]), np.array([-1.0, 2.0]), np.array([0.3, 0.5])):
            got = forward(w, np.ones(2))
            assert got[1] == 0.0
            assert_same(got, dd.jvp(forward_f, (w,), (np.ones(2),)), ulps=0)
        finite = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        for z in (finite, np.array([[-0.9, -np.inf, -2.4], [0.6, 2.0, -0.0]]), finite * 0.0):
            got = reverse(z)
            assert_same(got, dd.grad(reverse_f)(z), ulps=0)
            assert not np.isnan(got).any()
    kinked = dd.jit(dd.grad(lambda y: dd.relu(dd.softplus(y @ np.zeros(3)))))  # relu'(NaN) = 0
    with np.errstate(all="ignore"):
        for y in (np.array([1.0, 2.0, 3.0]), np.array([0.5, -0.0, -np.inf])):
            assert_same(kinked(y), np.zeros(3), ulps=0)
