"""``dualdiff.jit``: every transformation compiled, pytrees, static arguments, the cache,
the generated source, and traces too large to compile.

Each compiled function is traced on one call and *run* on others (the first
call returns what the trace computed; later calls run the generated code), and
its results are compared with the uncompiled path (few ulps), with closed forms
(the quiz's partial derivatives) or with central differences. Branches, guards
and numpy's inf/NaN are in ``test_jit_branches``; random expressions and the
table's entries in ``test_jit_properties``.
"""

from __future__ import annotations

import collections
import math
import warnings

import numpy as np
import pytest

import dualdiff as dd
from dualdiff.tracing import Graph, Tracer

from jit_checks import assert_same, compiled_only


def quiz(x, z):
    """Quiz #1: exp(x·z) + x·z/log(x) + sin(log(x))/(x·z)."""
    return dd.exp(x * z) + x * z / dd.log(x) + dd.sin(dd.log(x)) / (x * z)


def quiz_partials(x, z):
    """The quiz's gradient in closed form."""
    lx = math.log(x)
    dx = (z * math.exp(x * z) + z / lx - z / lx ** 2
          + (math.cos(lx) - math.sin(lx)) / (x * x * z))
    dz = x * math.exp(x * z) + x / lx - math.sin(lx) / (x * z * z)
    return dx, dz


POINTS = [(1.5, 0.7), (2.0, -0.3), (0.5, 1.25), (1.5, 0.7)]


def close(a, b, rtol=1e-13):
    return abs(a - b) <= rtol * max(1.0, abs(a), abs(b))


# ---------------------------------------------------------------------------
# Every transformation under jit
# ---------------------------------------------------------------------------

def test_plain_function_and_value_and_grad_match_the_closed_form():
    f = dd.jit(quiz)
    vg = dd.jit(dd.value_and_grad(quiz, argnums=(0, 1)))
    with compiled_only():
        for x, z in POINTS:
            value, (dx, dz) = vg(x, z)
            assert value == f(x, z) == quiz(x, z)
            want = quiz_partials(x, z)
            assert close(dx, want[0]) and close(dz, want[1]), ((dx, dz), want)
            assert_same((value, (dx, dz)), dd.value_and_grad(quiz, argnums=(0, 1))(x, z))
    assert tuple(vg.cache_info()) == (len(POINTS) - 1, 1, 0, 0, 1)


def test_grad_and_jvp_closure():
    g = dd.jit(dd.grad(quiz, argnums=1))
    forward = dd.jit(lambda x, z, v: dd.jvp(quiz, (x, z), v))
    with compiled_only():
        for x, z in POINTS:
            dx, dz = quiz_partials(x, z)
            assert close(g(x, z), dz)
            value, tangent = forward(x, z, (1.0, 0.0))
            assert value == quiz(x, z) and close(tangent, dx)
            assert_same(forward(x, z, (0.25, -2.0)), dd.jvp(quiz, (x, z), (0.25, -2.0)))
    assert forward.cache_info().traces == 1


def test_value_and_grad_with_aux_and_argnums():
    def loss(w, b, x):
        pred = dd.tanh(x @ w + b)
        return dd.sum(pred ** 2), {"pred": pred, "scale": 2.0}

    rng = np.random.default_rng(0)
    vg = dd.jit(dd.value_and_grad(loss, argnums=(0, 1), has_aux=True))
    gr = dd.jit(dd.grad(loss, argnums=1, has_aux=True))
    with compiled_only():
        for _ in range(3):
            w, b, x = rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(4, 3))
            got = vg(w, b, x)
            assert_same(got, dd.value_and_grad(loss, argnums=(0, 1), has_aux=True)(w, b, x))
            (value, aux), (gw, gb) = got
            assert type(aux) is dict and aux["scale"] == 2.0
            assert gw.shape == (3, 2) and gb.shape == (2,)
            assert_same(gr(w, b, x), dd.grad(loss, argnums=1, has_aux=True)(w, b, x))
            # dL/db = Σ_rows 2·pred·(1 - pred²)
            pred = np.tanh(x @ w + b)
            np.testing.assert_allclose(gb, (2 * pred * (1 - pred ** 2)).sum(axis=0), rtol=1e-13)


def test_vjp_closure_returns_the_pullbacks_result():
    def f(x):
        return dd.sin(x) * x[::-1]

    def pulled(x, ct):
        return dd.vjp(f, x)[1](ct)

    compiled = dd.jit(pulled)
    rng = np.random.default_rng(1)
    with compiled_only():
        for _ in range(3):
            x, ct = rng.normal(size=4), rng.normal(size=4)
            (got,) = compiled(x, ct)
            assert_same((got,), pulled(x, ct))
            np.testing.assert_allclose(got, ct @ dd.jacfwd(f)(x), rtol=1e-13, atol=1e-15)
            batch = rng.normal(size=(3, 4))  # a leading axis of cotangents: one batched sweep
            assert_same(compiled(x, batch), pulled(x, batch))


def test_jacobians_hessian_and_hvp():
    A = np.random.default_rng(2).normal(size=(5, 4))

    def f(x):
        return dd.tanh(A @ x)

    def energy(x):
        return dd.sum(dd.exp(dd.sin(x)) * dd.log1p(x * x))

    jf, jr, h = dd.jit(dd.jacfwd(f)), dd.jit(dd.jacrev(f)), dd.jit(dd.hessian(energy))
    hv = dd.jit(lambda x, v: dd.hvp(energy, (x,), (v,)))
    rng = np.random.default_rng(3)
    with compiled_only():
        for _ in range(3):
            x, v = rng.normal(size=4), rng.normal(size=4)
            closed = (1 - np.tanh(A @ x) ** 2)[:, None] * A
            np.testing.assert_allclose(jf(x), closed, rtol=1e-13, atol=1e-15)
            np.testing.assert_allclose(jr(x), closed, rtol=1e-13, atol=1e-15)
            assert_same(jf(x), dd.jacfwd(f)(x))
            assert_same(jr(x), dd.jacrev(f)(x))
            H = h(x)
            assert_same(H, dd.hessian(energy)(x))
            np.testing.assert_allclose(H, H.T, rtol=1e-13, atol=1e-14)
            assert_same(hv(x, v), dd.hvp(energy, (x,), (v,)))
            np.testing.assert_allclose(hv(x, v), H @ v, rtol=1e-12, atol=1e-13)
    for compiled in (jf, jr, h, hv):
        assert compiled.cache_info().traces == 1


def test_third_derivative_and_nested_jit():
    f3 = dd.jit(dd.derivative(lambda x: dd.sin(x) * dd.exp(x), 3))
    inner = dd.jit(lambda x: dd.sum(dd.sin(x) * dd.exp(x)))
    outer = dd.jit(dd.grad(inner))
    with compiled_only():
        for x in (0.3, -1.2, 2.0, 0.3):
            # (sin·exp)''' = 2 e^x (cos x - sin x)
            assert close(f3(x), 2 * math.exp(x) * (math.cos(x) - math.sin(x)), 1e-12)
            assert_same(f3(x), dd.derivative(lambda x: dd.sin(x) * dd.exp(x), 3)(x))
            xs = np.array([x, x / 2])
            np.testing.assert_allclose(outer(xs), np.exp(xs) * (np.sin(xs) + np.cos(xs)),
                                       rtol=1e-14)
            assert inner(xs) == dd.sum(dd.sin(xs) * dd.exp(xs))
    # The inner jit saw the outer trace's values and ran through: one trace, of the outer.
    assert outer.cache_info().traces == 1 and inner.cache_info().traces == 1


def test_a_derivative_of_a_jitted_function_is_uncompiled_and_right():
    inner = dd.jit(quiz)
    for x, z in POINTS:
        assert dd.grad(inner, argnums=(0, 1))(x, z) == dd.grad(quiz, argnums=(0, 1))(x, z)
    assert inner.cache_info().traces == 0  # Var arguments: the jit sees through itself


# ---------------------------------------------------------------------------
# Pytrees, static arguments, promotion, the cache
# ---------------------------------------------------------------------------

def mlp_loss(params, x, y):
    h = dd.tanh(x @ params["layers"][0]["w"] + params["layers"][0]["b"])
    out = h @ params["layers"][1]["w"] + params["layers"][1]["b"]
    return dd.mean((out - y) ** 2)


def test_pytrees_in_and_out():
    rng = np.random.default_rng(4)

    def params():
        return {"layers": [{"w": rng.normal(size=(3, 5)), "b": rng.normal(size=5)},
                           {"w": rng.normal(size=(5, 2)), "b": rng.normal(size=2)}]}

    g = dd.jit(dd.grad(mlp_loss))
    with compiled_only():
        for _ in range(3):
            p, x, y = params(), rng.normal(size=(7, 3)), rng.normal(size=(7, 2))
            got = g(p, x, y)
            assert type(got) is dict and type(got["layers"]) is list
            assert_same(got, dd.grad(mlp_loss)(p, x, y))
            # central difference on one weight
            e = np.zeros((5, 2))
            e[2, 1] = 1e-6
            up, down = params_with(p, e), params_with(p, -e)
            fd = (mlp_loss(up, x, y) - mlp_loss(down, x, y)) / 2e-6
            assert abs(got["layers"][1]["w"][2, 1] - fd) < 1e-8
    assert g.cache_info().traces == 1

    swap = dd.jit(lambda t: ([t[1], t[0]], {"sum": t[0] + t[1]}))
    a, b = np.arange(3.0), np.ones(3)
    out = swap((a, b))
    out = swap((a + 1, b))
    assert type(out) is tuple and type(out[0]) is list
    assert_same(out, ([b, a + 1], {"sum": a + 1 + b}))


def params_with(p, dw):
    q = {"layers": [dict(layer) for layer in p["layers"]]}
    q["layers"][1]["w"] = p["layers"][1]["w"] + dw
    return q


def test_named_tuples_are_their_own_signature():
    P = collections.namedtuple("P", "a b")
    Q = collections.namedtuple("Q", "b a")  # same leaves, fields the other way round
    f = dd.jit(lambda p: (p.a - p.b, p))
    d, back = f(P(1.0, 2.0))
    d, back = f(P(1.0, 4.0))
    assert d == -3.0 and type(back) is P and back == P(1.0, 4.0)
    assert f(Q(1.0, 2.0))[0] == 1.0  # Q(b=1, a=2): a - b = 1, not the P trace's -1
    assert f.cache_info().signatures == 2


def test_static_arguments_are_keyed_by_type_and_value():
    f = dd.jit(lambda x, n: x * n if type(n) is int else x + n, static_argnums=1)
    assert f(2.0, 3) == 6.0 and f(2.0, 3) == 6.0
    assert f(2.0, 3.0) == 5.0  # 3 and 3.0 are equal, but not the same static argument
    assert f(2.0, -0.0) == 2.0 and f(2.0, 0) == 0.0
    power = dd.jit(lambda x, k: dd.sum(x ** k), static_argnums=(1,))
    x = np.array([1.0, 2.0, 3.0])
    assert power(x, 2) == 14.0 and power(x, 3) == 36.0 and power(x + 1, 2) == 29.0
    info = power.cache_info()
    assert (info.traces, info.hits, info.signatures) == (2, 1, 2)
    from_the_end = dd.jit(lambda x, n: x * n, static_argnums=-1)  # as in JAX
    with compiled_only():
        assert (from_the_end(2.0, 3), from_the_end(2.0, 4), from_the_end(1.0, 4)) == (6, 8, 4)
    assert from_the_end.cache_info()[:2] == (1, 2)
    by_list = dd.jit(lambda x, k: x * len(k), static_argnums=1)
    assert by_list(2.0, [1, 2]) == 4.0 and by_list(2.0, [1, 2, 3]) == 6.0  # keyed by contents
    with pytest.warns(RuntimeWarning, match="running uncompiled .*unhashable"):
        assert dd.jit(lambda x, k: x * len(k), static_argnums=1)(2.0, np.ones(2)) == 4.0


def test_ints_are_promoted_and_none_passes_through():
    f = dd.jit(lambda x, opts: x / 2 if opts["bias"] is None else x / 2 + opts["bias"])
    with compiled_only():
        half = f(3, {"bias": None})  # an int is a float here, as in every transformation
        assert half == 1.5 and type(half) is float
        assert f(5.0, {"bias": None}) == 2.5
        np.testing.assert_array_equal(f(np.arange(4), {"bias": 1.0}), [1.0, 1.5, 2.0, 2.5])
    info = f.cache_info()
    assert info.signatures == 2 and info.traces == 2 and info.hits == 1


def test_a_new_shape_or_type_retraces_and_the_cache_counts():
    f = dd.jit(lambda x: dd.sum(dd.sin(x)))
    with compiled_only():
        f(np.ones(3))
        f(np.zeros(3))
        f(np.ones((3, 1)))  # new shape
        f(np.ones(3, dtype=np.float32))  # promoted: the float64 signature
        f(1.0)  # a float
        f(np.float64(2.0))  # a numpy scalar is a float too
        f(np.ones(3))
    info = f.cache_info()
    assert (info.hits, info.traces, info.guard_failures, info.uncompiled, info.signatures) == (
        4, 3, 0, 0, 3)
    assert "hits=4" in repr(f)


def test_keyword_arguments_run_uncompiled_with_a_warning():
    f = dd.jit(lambda x, scale=1.0: x * scale)
    with pytest.warns(RuntimeWarning, match="keyword"):
        assert f(2.0, scale=3.0) == 6.0
    assert f.cache_info().uncompiled == 1
    outer = dd.jit(lambda x: f(x, scale=2.0) + 1.0)  # inside a trace: f is just recorded
    with compiled_only():
        assert (outer(1.0), outer(2.0)) == (3.0, 5.0)
    assert f.cache_info().uncompiled == 1 and outer.cache_info()[:2] == (1, 1)


def test_a_result_the_generated_code_cannot_rebuild_runs_uncompiled():
    import types

    f = dd.jit(lambda x: types.SimpleNamespace(y=x * 2.0))
    with pytest.warns(RuntimeWarning, match="returned a SimpleNamespace"):
        assert f(1.0).y == 2.0
    assert f(3.0).y == 6.0 and type(f(3.0).y) is float


def test_results_can_be_modified_without_touching_the_next_call():
    """Outputs are never the generated code's constants, nor each other."""
    f = dd.jit(dd.grad(lambda x, y: dd.sum(2.0 * x + 2.0 * y), argnums=(0, 1)))
    x = np.ones(3)
    gx, gy = f(x, x)
    gx, gy = f(x, x)
    gx += 1.0
    np.testing.assert_array_equal(gy, [2.0, 2.0, 2.0])
    const = dd.jit(lambda x: (x, np.ones(2)))
    const(1.0)[1][0] = 5.0
    np.testing.assert_array_equal(const(1.0)[1], [1.0, 1.0])


def test_a_constant_buffer_reused_by_the_function():
    """What each operation read is what the generated code uses, not the buffer's last state."""
    def f(x):
        buf = np.zeros(2)
        buf[0] = 1.0
        a = dd.sum(x * buf)
        buf[0], buf[1] = 0.0, 1.0
        return a, dd.sum(x * buf)

    compiled = dd.jit(f)
    with compiled_only():
        for x in (np.array([3.0, 5.0]), np.array([-1.0, 2.0])):
            assert compiled(x) == f(x) == (x[0], x[1])


# ---------------------------------------------------------------------------
# Large traces
# ---------------------------------------------------------------------------

def chain(n):
    def f(x):
        for _ in range(n):
            x = dd.sin(x) * 0.5 + x
        return x
    return f


def _trace_size(f, x):
    graph = Graph(max_nodes=10 ** 7)
    out = f(graph.input(x))
    assert type(out) is Tracer
    return len(graph.nodes)


def test_trace_size_is_linear_in_the_number_of_operations():
    """Each op of the chain is a constant number of nodes (3 here: sin, mul, add), and so is
    each op of its derivatives: size(n) = a·n + b exactly, whatever the transformation."""
    assert [_trace_size(chain(n), 0.3) for n in (100, 1000, 10000)] == [301, 3001, 30001]
    for transform, x in ((dd.grad, 0.3), (dd.jacfwd, np.ones(3)), (dd.jacrev, np.ones(2)),
                         (dd.hessian, np.ones(2))):
        sizes = []
        for n in (10, 100, 1000):
            f = chain(n)
            target = (lambda v, f=f: dd.sum(f(v))) if transform is dd.hessian else f
            sizes.append(_trace_size(transform(target), x))
        assert sizes[2] - sizes[1] == 10 * (sizes[1] - sizes[0]) > 0, (transform, sizes)
    f = dd.jit(chain(10000))
    with compiled_only():
        f(0.3)
        assert f(0.7) == chain(10000)(0.7)
    assert f.source(0.1).count("\n") == 3 * 10000 + 2  # def, one line per node, return


def test_a_trace_above_max_nodes_runs_uncompiled_with_a_warning():
    f = dd.jit(dd.grad(chain(50)), max_nodes=100)
    with pytest.warns(RuntimeWarning, match="passed 100 operations"):
        assert f(0.3) == dd.grad(chain(50))(0.3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warned once
        for x in (0.1, 2.0):
            assert f(x) == dd.grad(chain(50))(x)
    assert f.cache_info()[:4] == (0, 0, 0, 3)
    assert f.source(0.3).startswith("# not compiled: TraceError: the trace passed 100")


# ---------------------------------------------------------------------------
# The generated source
# ---------------------------------------------------------------------------

def test_the_quiz_source_is_readable_and_shares_subexpressions():
    vg = dd.jit(dd.value_and_grad(quiz, argnums=(0, 1)))
    source = vg.source(1.5, 0.7)
    lines = source.splitlines()
    assert lines[0] == "def quiz(x0, x1):"
    assert lines[-1].startswith("    return (")
    assert source.count("(x0 * x1)") == 1  # x·z once, shared by the value and both partials
    assert source.count("math.log(x0)") == 1 and source.count("math.exp(") == 1
    assert "math.cos(" in source  # the derivative of sin, from the table's rule
    namespace = {"math": math, "np": np, "_Retrace": AssertionError}
    exec(compile(source, "<quiz>", "exec"), namespace)  # the text compiles as it is
    for x, z in POINTS:
        assert namespace["quiz"](x, z) == vg(x, z)
    jvp_source = dd.jit(lambda x, z: dd.jvp(quiz, (x, z), (1.0, 0.0))).source(1.5, 0.7)
    # a zero tangent folds away: nothing is multiplied by the 0.0 seed of z
    assert "* 0.0" not in jvp_source and "0.0 *" not in jvp_source


def test_array_source_calls_numpy_and_has_no_handwritten_rule():
    g = dd.jit(dd.grad(lambda x: dd.sum(dd.exp(dd.sin(x)) * dd.log1p(x * x))))
    source = g.source(np.linspace(0.0, 1.0, 5))
    assert "np.sin(x0)" in source and "np.exp(" in source and "np.cos(x0)" in source
    assert "math." not in source
    # log1p's partial 1/(1 + u) comes from its table entry, as a division by (1 + u)
    assert "np.divide(1.0, " in source


def test_no_derivative_rule_is_written_in_the_compiler():
    """The code generator names no table entry but the four it writes as operators (and neg):
    every derivative in the generated code comes from the table's rules, as traced. (The
    tracer names ndarray methods such as ``sum``: it records numpy's own, not a rule.)"""
    import ast
    import importlib
    import pathlib

    rules = set(dd.REGISTRY) - {"add", "sub", "mul", "div", "neg"}
    for name in ("dualdiff.codegen", "dualdiff.jit"):
        module = importlib.import_module(name)  # dualdiff.jit the attribute is the function
        tree = ast.parse(pathlib.Path(module.__file__).read_text())
        named = {node.value for node in ast.walk(tree)
                 if isinstance(node, ast.Constant) and isinstance(node.value, str)}
        named |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
                  and isinstance(node.value, ast.Name) and node.value.id in ("dd", "P")}
        assert not named & rules, (module.__name__, named & rules)


def test_dtype_questions_are_answered_without_recording():
    f = dd.jit(lambda x: x * 2.0 if np.result_type(x) == np.float64 and np.isrealobj(x) else x)
    with compiled_only():
        for x in (np.ones(2), np.arange(2)):
            np.testing.assert_array_equal(f(x), 2.0 * x)
    assert f.cache_info()[:2] == (1, 1)


def test_a_function_named_like_what_its_code_reads():
    def named(name):
        def f(x):
            return dd.sum(dd.sin(x) * np.array([1.0, 2.0]))
        f.__name__ = name
        return f

    # the generated code calls np.sin, and binds the constant array as _c0
    renamed, constant = dd.jit(named("np")), dd.jit(named("_c0"))
    with compiled_only():
        for x in (np.ones(2), np.zeros(2)):
            assert renamed(x) == constant(x) == np.sin(x[0]) + 2 * np.sin(x[1])
    assert renamed.source(np.ones(2)).startswith("def np_(x0):")
    assert constant.source(np.ones(2)).startswith("def _c0_(x0):")


def test_source_of_an_unseen_signature_traces_it():
    f = dd.jit(lambda x: x * x)
    assert f.source(2.0) == "def compiled(x0):\n    v0 = (x0 * x0)\n    return v0\n"
    assert f.cache_info().traces == 1 and f(3.0) == 9.0 and f.cache_info().hits == 1


# ---------------------------------------------------------------------------
# What the generated code must not change: types, dtypes, signs, structures
# ---------------------------------------------------------------------------

def test_numpy_results_keep_their_types_and_dtypes():
    where = dd.jit(lambda x: np.where(x > 0, 1.0, 2.0).astype(np.float64) * x)
    logical = dd.jit(lambda x: np.add(x > 0, x > 1))  # numpy's add of bools is "or"
    as_float = dd.jit(lambda x: np.argsort(x) * 1.0)  # not the int array itself
    with compiled_only():
        for _ in range(2):
            assert [where(1.0), where(-1.0)] == [1.0, -2.0]
            assert logical(2.0) is np.True_
            out = as_float(np.array([3.0, 1.0, 2.0]))
            assert out.dtype == np.float64 and out.tolist() == [1.0, 2.0, 0.0]


def test_common_subexpressions_tell_negative_zero_apart():
    f = dd.jit(lambda x: (np.multiply(x, np.float64(0.0)), np.multiply(x, np.float64(-0.0))))
    with compiled_only():
        for _ in range(2):
            plus, minus = f(1.0)
            assert not np.signbit(plus) and np.signbit(minus)


def test_named_tuples_out():
    P = collections.namedtuple("P", "a b")
    f = dd.jit(lambda x: P(x, 2 * x))
    with compiled_only():
        f(1.0)
        out = f(2.0)
    assert type(out) is P and out == P(2.0, 4.0)


def test_numpy_on_the_argument_and_an_inner_dual():
    """np.multiply(traced x, Dual y) inside a jvp: the Dual's rules take the call."""
    f = dd.jit(lambda x: dd.jvp(lambda y: np.multiply(x, y), (x,), (1.0,)))
    with compiled_only():
        assert f(2.0) == (4.0, 2.0) and f(3.0) == (9.0, 3.0)


def test_an_error_of_the_function_itself_is_not_a_reason_to_stop_compiling():
    def f(x):
        if x < 0:
            raise ValueError("negative")
        return dd.sqrt(x)

    compiled = dd.jit(f)
    with pytest.raises(ValueError, match="negative"):
        compiled(-1.0)
    with compiled_only():
        assert compiled(4.0) == 2.0 and compiled(9.0) == 3.0
    assert compiled.cache_info()[:2] == (1, 1)


def test_an_argument_that_is_no_number_runs_uncompiled():
    class Scale:
        factor = 3.0

    f = dd.jit(lambda x, s: x * s.factor)
    with pytest.warns(RuntimeWarning, match="holds a Scale"):
        assert f(2.0, Scale()) == 6.0
    assert dd.jit(lambda x, s: x * s.factor, static_argnums=1)(2.0, Scale) == 6.0


# ---------------------------------------------------------------------------
# Raw numpy on traced values: recorded as numpy's own calls
# ---------------------------------------------------------------------------

RAW_NUMPY = {
    "ufunc reduce": lambda x: np.add.reduce(x * x),
    "ufunc accumulate": lambda x: np.maximum.accumulate(x),
    "ufunc outer": lambda x: np.multiply.outer(x, x[:2]),
    "sort": lambda x: np.sort(x) * 1.0,
    "methods": lambda x: x.max() - x.min() + x.sum(axis=0),
    "linalg": lambda x: np.linalg.norm(x) + np.linalg.det(np.outer(x, x) + np.eye(4)),
    "where(c)": lambda x: np.where(x > 0.5)[0] * 1.0,
    "clip and round": lambda x: np.clip(x, 0.2, 0.8) + np.round(x, 1),
    "fft real part": lambda x: np.fft.fft(x).real,
    "fft imaginary part": lambda x: np.fft.fft(x).imag,
    "astype": lambda x: x.astype(np.float32) * 2,
    "einsum": lambda x: np.einsum("i,i->", x, x),
    "stack and transpose": lambda x: np.stack([x, x]).T,
    "concatenate a list": lambda x: np.concatenate([x, [1.0, 2.0]]),
    "broadcasting": lambda x: x.reshape(-1, 1) + x,
    "where= keyword": lambda x: np.sum(x, where=x > 0.5),
}


@pytest.mark.parametrize("name", list(RAW_NUMPY))
def test_raw_numpy_on_traced_values(name):
    f = RAW_NUMPY[name]
    compiled = dd.jit(f)
    with compiled_only():
        compiled(np.array([0.3, 0.9, 0.1, 0.6]))
        for x in ([0.7, 0.2, 0.95, 0.4], [0.3, 0.9, 0.1, 0.6]):
            got, want = compiled(np.array(x)), f(np.array(x))
            # arithmetic on traced values goes through the table (a float where numpy's own
            # arithmetic on numpy scalars gives np.float64, a float too); dtypes are numpy's
            assert isinstance(got, np.ndarray) == isinstance(want, np.ndarray)
            assert np.result_type(got) == np.result_type(want)
            np.testing.assert_array_equal(got, want)
    assert compiled.cache_info()[:4] == (2, 1, 0, 0)


def test_an_index_computed_from_the_values_runs_uncompiled():
    f = dd.jit(lambda x: np.cumsum(x)[np.argmax(x)])
    with pytest.warns(RuntimeWarning, match="running uncompiled"):
        assert f(np.array([0.3, 0.9, 0.1])) == 1.2
    assert f(np.array([0.3, 0.1, 0.9])) == 1.3
