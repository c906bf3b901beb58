"""``dualdiff.jit``: every transformation compiled, pytrees, static arguments, the cache.

Each compiled function is traced on one call and *run* on others (the first
call returns what the trace computed; later calls run the generated code), and
its results are compared with the uncompiled path (few ulps), with closed forms
(the quiz's partial derivatives) or with central differences. Branches, guards
and numpy's inf/NaN are in ``test_jit_branches``; random expressions and the
table's entries in ``test_jit_properties``; the generated source and large
traces in ``test_jit_source``; types and raw numpy calls in ``test_jit_numpy``.
"""

from __future__ import annotations

import collections
import math

import numpy as np
import pytest

import dualdiff as dd

from jit_checks import POINTS, assert_same, compiled_only, quiz


def quiz_partials(x, z):
    """The quiz's gradient in closed form."""
    lx = math.log(x)
    dx = (z * math.exp(x * z) + z / lx - z / lx ** 2
          + (math.cos(lx) - math.sin(lx)) / (x * x * z))
    dz = x * math.exp(x * z) + x / lx - math.sin(lx) / (x * z * z)
    return dx, dz




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
    # A zero tangent is skipped (it contributes zero even through an inf/NaN partial): the
    # direction (1, 0) and the direction (0.25, -2) are two variants, each traced once.
    assert forward.cache_info().traces == 2


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


@dd.custom_vjp
def _soft_clip(x):
    return dd.tanh(x) * 2.0


def _soft_clip_fwd(x):
    y = dd.tanh(x)
    return y * 2.0, y


_soft_clip.defvjp(_soft_clip_fwd, lambda y, g: (g * 2.0 * (1.0 - y * y),))


@dd.custom_jvp
def _softplus(x):
    return dd.log1p(dd.exp(x))


@_softplus.defjvp
def _softplus_jvp(primals, tangents):
    return _softplus(primals[0]), tangents[0] * dd.sigmoid(primals[0])


def _vector(rng):
    return (rng.normal(size=3),)


def _pytree_pair(rng):
    return {"u": rng.normal(size=2)}, [rng.normal(size=2), 1.5]


def _mixed(a, b):
    return dd.sin(a["u"]) * b[0] + b[1]


MORE = {
    "custom_vjp under grad": (dd.grad(lambda x: dd.sum(_soft_clip(x) ** 2)), _vector),
    "custom_jvp under jacfwd": (dd.jacfwd(lambda x: _softplus(x) * x), _vector),
    "custom_jvp under grad": (dd.grad(lambda x: dd.sum(_softplus(x))), _vector),
    "jacfwd has_aux": (dd.jacfwd(lambda x: (dd.sin(x), {"n": dd.sum(x)}), has_aux=True), _vector),
    "jacrev has_aux": (dd.jacrev(lambda x: (dd.sin(x), dd.cos(x)), has_aux=True), _vector),
    "jacfwd in chunks": (dd.jacfwd(lambda x: dd.sin(x) * x[0], chunk=2),
                         lambda rng: (rng.normal(size=5),)),
    "jacfwd argnums pytrees": (dd.jacfwd(_mixed, argnums=(0, 1)), _pytree_pair),
    "jacrev argnums pytrees": (dd.jacrev(_mixed, argnums=(0, 1)), _pytree_pair),
    "vjp has_aux": (lambda x, c: dd.vjp(lambda y: (y * y, dd.sum(y)), x, has_aux=True)[1](c),
                    lambda rng: (rng.normal(size=3), rng.normal(size=3))),
    "jvp has_aux": (lambda x, v: dd.jvp(lambda y: (dd.exp(y), 3.0), (x,), (v,), has_aux=True),
                    lambda rng: (rng.normal(size=3), rng.normal(size=3))),
    "derivative with constants": (lambda x, a: dd.derivative(lambda y, a: dd.sin(a * y), 2)(x, a),
                                  lambda rng: (rng.normal(), rng.normal())),
}


@pytest.mark.parametrize("name", list(MORE))
def test_custom_rules_aux_outputs_chunks_and_argnums(name):
    transform, draw = MORE[name]
    compiled = dd.jit(transform)
    rng = np.random.default_rng(5)
    with compiled_only():
        compiled(*draw(rng))
        for _ in range(2):
            args = draw(rng)
            assert_same(compiled(*args), transform(*args))
    assert compiled.cache_info()[:4] == (2, 1, 0, 0)


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
    assert "hits=4" in repr(f.jitted)  # the state behind the function jit returns


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
