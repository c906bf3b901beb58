"""Acceptance tests for reverse mode (issue 4): the tape, grad/vjp/jacrev, hessian/hvp.

Every number is checked against a reference that does not read the primitive
table: the lecture's 40-digit mpmath values, mpmath's own numerical
derivatives, closed forms written out here, finite differences
(``dualdiff.finite_diff``), or the other AD mode (forward mode shares the rules
but not the machinery that transposes them, so agreement tests the tape).
"""

from __future__ import annotations

import gc
import math
import sys
import threading
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

import mpmath
import numpy as np
import pytest

import dualdiff as dd
from dualdiff import finite_diff

RNG_SEED = 20240611
AD_RTOL = 1e-12       # two AD modes, or AD against a closed form
FD_RTOL = 1e-6        # AD against central differences


def assert_close(actual, expected, rtol, atol=0.0):
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float),
                               rtol=rtol, atol=atol)


# ---------------------------------------------------------------------------
# Quiz #1 of the lecture
# ---------------------------------------------------------------------------

QUIZ_X, QUIZ_Z = 2.0, 3.0
QUIZ_Y = 412.1914572841211755
QUIZ_DYDX = 1208.381215126609629
QUIZ_DYDZ = 809.7074792185640812


def quiz(x, z):
    """y = exp(x z) + x z / log(x) + sin(log(x)) / (x z), written once for every value type."""
    return dd.exp(x * z) + x * z / dd.log(x) + dd.sin(dd.log(x)) / (x * z)


def quiz_mp(x, z):
    return mpmath.exp(x * z) + x * z / mpmath.log(x) + mpmath.sin(mpmath.log(x)) / (x * z)


def test_quiz1_gradient_matches_the_40_digit_reference():
    dydx, dydz = dd.grad(quiz, argnums=(0, 1))(QUIZ_X, QUIZ_Z)
    assert_close([dydx, dydz], [QUIZ_DYDX, QUIZ_DYDZ], rtol=AD_RTOL)


def test_quiz1_value_and_grad_gives_the_value_too():
    y, (dydx, dydz) = dd.value_and_grad(quiz, argnums=(0, 1))(QUIZ_X, QUIZ_Z)
    assert_close(y, QUIZ_Y, rtol=AD_RTOL)
    assert_close([dydx, dydz], [QUIZ_DYDX, QUIZ_DYDZ], rtol=AD_RTOL)


def test_quiz1_integer_inputs_are_promoted():
    assert_close(dd.grad(quiz, argnums=(0, 1))(2, 3), [QUIZ_DYDX, QUIZ_DYDZ], rtol=AD_RTOL)


def test_quiz1_reverse_matches_forward_mode():
    rev = dd.grad(quiz, argnums=(0, 1))(QUIZ_X, QUIZ_Z)
    y_x, fwd_x = dd.jvp(quiz, (QUIZ_X, QUIZ_Z), (1.0, 0.0))
    y_z, fwd_z = dd.jvp(quiz, (QUIZ_X, QUIZ_Z), (0.0, 1.0))
    assert_close(rev, [fwd_x, fwd_z], rtol=AD_RTOL)
    assert_close([y_x, y_z], [QUIZ_Y, QUIZ_Y], rtol=AD_RTOL)


def _mp_second_derivatives() -> np.ndarray:
    with mpmath.workdps(40):
        x, z = mpmath.mpf(2), mpmath.mpf(3)
        h = [[mpmath.diff(quiz_mp, (x, z), (2, 0)), mpmath.diff(quiz_mp, (x, z), (1, 1))],
             [mpmath.diff(quiz_mp, (x, z), (1, 1)), mpmath.diff(quiz_mp, (x, z), (0, 2))]]
        return np.array([[float(v) for v in row] for row in h])


def test_quiz1_hessian_matches_mpmath():
    expected = _mp_second_derivatives()
    hxx_hxz, hzx_hzz = dd.hessian(quiz, argnums=(0, 1))(QUIZ_X, QUIZ_Z)
    assert_close([hxx_hxz, hzx_hzz], expected, rtol=1e-9)


def test_quiz1_hessian_of_a_vector_argument_matches_mpmath():
    expected = _mp_second_derivatives()
    h = dd.hessian(lambda v: quiz(v[0], v[1]))(np.array([QUIZ_X, QUIZ_Z]))
    assert h.shape == (2, 2)
    assert_close(h, expected, rtol=1e-9)


@pytest.mark.parametrize("v", [(1.0, 0.0), (0.0, 1.0), (0.3, -1.7)])
def test_quiz1_hvp_equals_hessian_times_v(v):
    h = np.array(dd.hessian(lambda w: quiz(w[0], w[1]))(np.array([QUIZ_X, QUIZ_Z])))
    hv = dd.hvp(lambda w: quiz(w[0], w[1]), (np.array([QUIZ_X, QUIZ_Z]),), (np.array(v),))
    assert_close(hv, h @ np.array(v), rtol=AD_RTOL)
    hv_pair = dd.hvp(quiz, (QUIZ_X, QUIZ_Z), v)
    assert_close(hv_pair, h @ np.array(v), rtol=AD_RTOL)


# ---------------------------------------------------------------------------
# Baydin et al. (2018), "Automatic differentiation in machine learning", Table 3
# ---------------------------------------------------------------------------

def baydin(x1, x2):
    return dd.log(x1) + x1 * x2 - dd.sin(x2)


def test_baydin_value_and_adjoints():
    y, (g1, g2) = dd.value_and_grad(baydin, argnums=(0, 1))(2.0, 5.0)
    assert_close(y, 11.652071455223084, rtol=AD_RTOL)
    assert_close([g1, g2], [5.5, 1.716337814536774], rtol=AD_RTOL)


def test_baydin_intermediate_adjoints_on_the_tape():
    """The reverse sweep of the survey's Table 3, node by node.

    Forward: v1 = ln v-1, v2 = v-1 v0, v4 = v1 + v2, v3 = sin v0, v5 = v4 - v3.
    Reverse: v̄5 = 1, v̄4 = 1, v̄3 = -1, v̄2 = v̄1 = 1,
    v̄0 = v̄2 v-1 + v̄3 cos v0 = 2 - cos 5, v̄-1 = v̄1 / v-1 + v̄2 v0 = 5.5.
    """
    tape = dd.Tape()
    x1, x2 = tape.leaf(2.0, "x1"), tape.leaf(5.0, "x2")
    out = baydin(x1, x2)
    adj = tape.backward(out, 1.0, keep=True)
    records = tape.records(adj)

    ln2, sin5, cos5 = math.log(2.0), math.sin(5.0), math.cos(5.0)
    expected = [  # (op, inputs, value, adjoint), in evaluation order
        ("x1", (), 2.0, 0.5 + 5.0),
        ("x2", (), 5.0, 2.0 - cos5),
        ("log", (0,), ln2, 1.0),
        ("mul", (0, 1), 10.0, 1.0),
        ("add", (2, 3), ln2 + 10.0, 1.0),
        ("sin", (1,), sin5, -1.0),
        ("sub", (4, 5), ln2 + 10.0 - sin5, 1.0),
    ]
    assert [r.id for r in records] == list(range(len(expected)))
    for record, (op, inputs, value, adjoint) in zip(records, expected):
        assert (record.op, record.inputs) == (op, inputs), record
        assert_close(record.value, value, rtol=1e-15)
        assert_close(record.adjoint, adjoint, rtol=1e-15)
    assert records[-1].id == out.index
    assert_close(records[-1].value, 11.652071455223084, rtol=1e-15)
    assert_close(records[1].adjoint, 1.716337814536774, rtol=1e-15)


def test_tape_records_show_constants_and_missing_adjoints():
    tape = dd.Tape()
    x = tape.leaf(3.0, "x")
    out = 2.0 * x
    records = tape.records()  # no sweep yet: adjoints are None
    assert [r.adjoint for r in records] == [None, None]
    assert records[1].op == "mul"
    assert ("const", 2.0) in records[1].inputs and 0 in records[1].inputs
    adj = tape.backward(out, 1.0, keep=True)
    assert_close(adj[x.index], 2.0, rtol=0)


# ---------------------------------------------------------------------------
# A chain of 10⁶ operations: the sweep is iterative, not recursive.
# Not marked slow on purpose: CI runs it (it takes a few seconds).
# ---------------------------------------------------------------------------

CHAIN_LENGTH = 10**6


def sine_chain(x):
    for _ in range(CHAIN_LENGTH):
        x = dd.sin(x)
    return x


def test_a_million_node_chain_differentiates_without_recursion():
    x0 = 0.5
    expected, x = 1.0, x0
    for _ in range(CHAIN_LENGTH):
        expected *= math.cos(x)
        x = math.sin(x)
    assert sys.getrecursionlimit() < CHAIN_LENGTH  # a recursive sweep would have to fail
    value, g = dd.value_and_grad(sine_chain)(x0)
    assert_close(value, x, rtol=1e-15)
    assert_close(g, expected, rtol=1e-9)


# ---------------------------------------------------------------------------
# Threads: every call owns its tape and levels
# ---------------------------------------------------------------------------

THREADS, CALLS_PER_THREAD = 8, 200


def _thread_worker(c: float, barrier: threading.Barrier) -> list[str]:
    """200 mixed derivative calls of f(x) = c x³ + sin(c x), checked against closed forms."""
    def f(x):
        return c * x**3 + dd.sin(c * x)

    def f1(x):
        return 3 * c * x**2 + c * math.cos(c * x)

    def f2(x):
        return 6 * c * x - c * c * math.sin(c * x)

    barrier.wait()
    failures = []
    for k in range(CALLS_PER_THREAD):
        x = 0.1 + 0.01 * k
        kind = k % 4
        if kind == 0:
            got, want = dd.grad(f)(x), f1(x)
        elif kind == 1:
            got, want = dd.jvp(f, (x,), (1.0,))[1], f1(x)
        elif kind == 2:
            got, want = dd.hessian(f)(x), f2(x)
        else:
            got, want = dd.grad(lambda v: dd.sum(f(v)))(np.array([x, -x])), [f1(x), f1(-x)]
        if not np.allclose(got, want, rtol=1e-12, atol=0):
            failures.append(f"c={c} k={k} kind={kind}: got {got}, want {want}")
    return failures


def test_threads_differentiate_independently():
    barrier = threading.Barrier(THREADS)
    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, so tapes really interleave
    try:
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            futures = [pool.submit(_thread_worker, 1.0 + 0.25 * t, barrier) for t in range(THREADS)]
            failures = [msg for fut in futures for msg in fut.result()]
    finally:
        sys.setswitchinterval(old_interval)
    assert failures == []


# ---------------------------------------------------------------------------
# Semantics of grad, value_and_grad and vjp
# ---------------------------------------------------------------------------

def test_grad_twice_gives_the_same_answer():
    g = dd.grad(quiz, argnums=(0, 1))
    first, second = g(QUIZ_X, QUIZ_Z), g(QUIZ_X, QUIZ_Z)
    assert first == second
    x = np.array([0.3, -1.2, 2.0])
    h = dd.grad(lambda v: dd.sum(v * v))
    assert_close(h(x), 2 * x, rtol=0)
    assert_close(h(x), 2 * x, rtol=0)


def test_vjp_fn_called_twice_is_not_accumulated():
    x = np.array([0.3, -1.2, 2.0])
    _, pullback = dd.vjp(lambda v: dd.sin(v) * v, x)
    ct = np.array([1.0, 2.0, -1.0])
    expected = ct * (np.cos(x) * x + np.sin(x))
    (first,) = pullback(ct)
    (second,) = pullback(ct)
    assert_close(first, expected, rtol=AD_RTOL)
    assert_close(second, expected, rtol=AD_RTOL)


def test_an_unused_input_gets_a_zero_gradient_of_its_shape():
    y = np.ones((2, 3))
    gx, gy, gz = dd.grad(lambda x, y, z: x * x, argnums=(0, 1, 2))(3.0, y, 7.0)
    assert gx == 6.0
    assert isinstance(gy, np.ndarray) and gy.shape == (2, 3) and not gy.any()
    assert gz == 0.0 and np.shape(gz) == ()


def test_a_constant_function_has_zero_gradient():
    assert dd.grad(lambda x: 4.0)(1.0) == 0.0
    g = dd.grad(lambda x: dd.sum(np.ones(3)))(np.zeros((2, 2)))
    assert g.shape == (2, 2) and not g.any()


def test_output_that_is_the_input_itself():
    assert dd.grad(lambda x: x)(3.0) == 1.0
    assert dd.value_and_grad(lambda x: x)(3.0) == (3.0, 1.0)
    assert dd.grad(lambda x, y: y, argnums=(0, 1))(2.0, 5.0) == (0.0, 1.0)
    x = np.array([1.0, 2.0])
    out, pullback = dd.vjp(lambda v: v, x)
    assert_close(out, x, rtol=0)
    assert_close(pullback(np.array([3.0, -4.0]))[0], [3.0, -4.0], rtol=0)
    assert_close(dd.jacrev(lambda v: v)(x), np.eye(2), rtol=0)


def test_output_that_is_an_input_inside_a_tuple():
    x = np.array([1.0, 2.0])
    _, pullback = dd.vjp(lambda v: (v, 2.0 * v), x)
    (g,) = pullback((np.array([1.0, 1.0]), np.array([1.0, -1.0])))
    assert_close(g, [3.0, -1.0], rtol=0)


def test_grad_of_a_non_scalar_output_points_to_jacrev_and_vjp():
    with pytest.raises(TypeError, match="jacrev") as info:
        dd.grad(lambda x: x * 2.0)(np.ones(3))
    assert "vjp" in str(info.value)


@pytest.mark.parametrize("bad", ["abc", None, object()])
def test_a_non_numeric_argument_is_named(bad):
    with pytest.raises(TypeError, match="argument 0"):
        dd.grad(lambda x: x)(bad)
    with pytest.raises(TypeError, match="argument 1"):
        dd.grad(lambda x, y: x * y, argnums=(0, 1))(1.0, bad)


def test_has_aux_returns_the_auxiliary_output_untouched():
    def loss(w):
        pred = dd.sin(w)
        return dd.sum(pred * pred), {"pred": pred, "note": "aux"}

    w = np.array([0.2, -0.4, 1.1])
    g, aux = dd.grad(loss, has_aux=True)(w)
    assert_close(g, 2 * np.sin(w) * np.cos(w), rtol=AD_RTOL)
    assert aux["note"] == "aux"
    assert_close(dd.primal(aux["pred"]), np.sin(w), rtol=0)
    (value, aux2), g2 = dd.value_and_grad(loss, has_aux=True)(w)
    assert_close(value, np.sum(np.sin(w) ** 2), rtol=AD_RTOL)
    assert_close(g2, g, rtol=0)
    assert aux2["note"] == "aux"


def test_argnums_tuple_and_negative():
    def f(a, b, c):
        return a * b**2 + dd.exp(c)

    a, b, c = 2.0, 3.0, 0.5
    assert_close(dd.grad(f, argnums=(0, 1, 2))(a, b, c), [b**2, 2 * a * b, math.exp(c)], rtol=AD_RTOL)
    assert_close(dd.grad(f, argnums=-1)(a, b, c), math.exp(c), rtol=AD_RTOL)
    assert_close(dd.grad(f, argnums=(-2, 0))(a, b, c), [2 * a * b, b**2], rtol=AD_RTOL)
    assert isinstance(dd.grad(f, argnums=(1,))(a, b, c), tuple)
    with pytest.raises(ValueError, match="argnums"):
        dd.grad(f, argnums=3)(a, b, c)


def test_pytree_arguments_give_pytree_gradients():
    params = {"w": np.array([1.0, -2.0]), "b": 0.5, "layers": [np.eye(2), 3.0]}

    def f(p):
        return dd.sum(p["w"] ** 2) * p["b"] + dd.sum(p["layers"][0]) * p["layers"][1]

    g = dd.grad(f)(params)
    assert set(g) == {"w", "b", "layers"} and isinstance(g["layers"], list)
    assert_close(g["w"], 2 * params["w"] * 0.5, rtol=AD_RTOL)
    assert_close(g["b"], 5.0, rtol=AD_RTOL)
    assert_close(g["layers"][0], np.full((2, 2), 3.0), rtol=AD_RTOL)
    assert_close(g["layers"][1], 2.0, rtol=AD_RTOL)


def test_broadcasting_vjp_matches_finite_differences():
    rng = np.random.default_rng(RNG_SEED)
    x, y = rng.normal(size=(3, 1)), rng.normal(size=(4,))

    def f(x, y):
        return dd.sum(dd.sin(x + y) * (x * y) + x / (2.0 + dd.cos(y)))

    gx, gy = dd.grad(f, argnums=(0, 1))(x, y)
    assert gx.shape == (3, 1) and gy.shape == (4,)
    assert_close(gx, finite_diff.gradient(lambda v: f(v, y), x).value, rtol=FD_RTOL)
    assert_close(gy, finite_diff.gradient(lambda v: f(x, v), y).value, rtol=FD_RTOL)
    assert_close(gx, dd.jacfwd(f, argnums=0)(x, y), rtol=AD_RTOL)
    assert_close(gy, dd.jacfwd(f, argnums=1)(x, y), rtol=AD_RTOL)


def test_broadcasting_a_scalar_against_an_array():
    x = np.array([1.0, 2.0, 3.0])
    gs, gx = dd.grad(lambda s, v: dd.sum(s * v + s), argnums=(0, 1))(2.0, x)
    assert_close(gs, x.sum() + 3.0, rtol=0)
    assert_close(gx, np.full(3, 2.0), rtol=0)


def test_vjp_of_a_tuple_output():
    x = np.array([0.4, -1.0, 2.5])

    def f(v):
        return dd.sin(v), dd.sum(v * v), v[0] * v[2]

    (s, q, p), pullback = dd.vjp(f, x)
    assert_close(s, np.sin(x), rtol=0)
    assert_close([q, p], [np.sum(x * x), x[0] * x[2]], rtol=1e-15)
    ct = (np.array([1.0, -2.0, 0.5]), 3.0, -1.5)
    (g,) = pullback(ct)
    expected = ct[0] * np.cos(x) + ct[1] * 2 * x + ct[2] * np.array([x[2], 0.0, x[0]])
    assert_close(g, expected, rtol=AD_RTOL)
    with pytest.raises(ValueError):
        pullback((np.ones(3), 1.0))


def test_vjp_of_several_primals_matches_jacfwd():
    rng = np.random.default_rng(RNG_SEED + 1)
    a, b = rng.normal(size=(3, 2)), rng.normal(size=(2,))

    def f(a, b):
        return dd.tanh(a @ b)

    out, pullback = dd.vjp(f, a, b)
    ct = rng.normal(size=3)
    ga, gb = pullback(ct)
    ja, jb = dd.jacfwd(f, argnums=(0, 1))(a, b)
    assert_close(out, np.tanh(a @ b), rtol=1e-15)
    assert_close(ga, np.tensordot(ct, ja, axes=1), rtol=AD_RTOL)
    assert_close(gb, ct @ jb, rtol=AD_RTOL)


@pytest.mark.parametrize("loss", [
    lambda v: dd.sum(v * v),
    lambda v: dd.max(dd.sin(v)),
    lambda v: dd.sum(v + np.ones((2, 3))),
    lambda v: dd.sum(np.ones((2, 3)) @ v),
], ids=["square", "max", "broadcast add", "matmul"])
def test_gradients_are_fresh_writeable_arrays(loss):
    """Users clip or rescale gradients in place (``g *= 0.5``); that must not fail or alias."""
    x = np.array([0.5, -1.0, 2.0])
    g = dd.grad(loss)(x)
    expected = g.copy()
    g *= 0.5
    assert_close(g, 0.5 * expected, rtol=0)
    assert not np.shares_memory(g, x)


@pytest.mark.parametrize("reduce", [dd.sum, dd.mean], ids=["sum", "mean"])
def test_gradient_of_a_reduction_is_writeable(reduce):
    x = np.array([0.5, -1.0, 2.0])
    g = dd.grad(lambda v: reduce(v))(x)
    g *= 0.5  # regression: was a read-only broadcast view
    assert_close(g, np.full(3, 0.5 if reduce is dd.sum else 0.5 / 3), rtol=1e-15)


def test_vjp_result_does_not_alias_the_cotangent():
    ct = np.array([3.0, -4.0])
    (g,) = dd.vjp(lambda v: v, np.array([1.0, 2.0]))[1](ct)
    g *= 2.0
    assert_close(ct, [3.0, -4.0], rtol=0)


# ---------------------------------------------------------------------------
# jacrev against jacfwd: the transposed (VJP) rules against the JVP rules
# ---------------------------------------------------------------------------

MATMUL_SHAPES = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 4)),
    ((2, 3), (3, 4)),
    ((5, 2, 3), (5, 3, 4)),
    ((5, 2, 3), (3, 4)),
    ((2, 3), (5, 3, 4)),
    ((1, 2, 3), (4, 3, 2)),
    ((3,), (5, 3, 4)),
    ((5, 2, 3), (3,)),
]


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES, ids=[f"{a}@{b}" for a, b in MATMUL_SHAPES])
def test_matmul_jacobians_agree_in_both_modes(sa, sb):
    rng = np.random.default_rng(RNG_SEED)
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    rev = dd.jacrev(dd.matmul, argnums=(0, 1))(a, b)
    fwd = dd.jacfwd(dd.matmul, argnums=(0, 1))(a, b)
    out_shape = np.shape(a @ b)
    assert np.shape(rev[0]) == out_shape + sa and np.shape(rev[1]) == out_shape + sb
    assert_close(rev[0], fwd[0], rtol=AD_RTOL, atol=1e-14)
    assert_close(rev[1], fwd[1], rtol=AD_RTOL, atol=1e-14)
    # operator form and numpy dispatch give the same Jacobians
    assert_close(dd.jacrev(lambda a, b: a @ b, argnums=(0, 1))(a, b)[1], fwd[1], rtol=AD_RTOL, atol=1e-14)
    assert_close(dd.jacrev(lambda b: np.matmul(a, b))(b), fwd[1], rtol=AD_RTOL, atol=1e-14)


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES, ids=[f"{a}@{b}" for a, b in MATMUL_SHAPES])
def test_matmul_scalar_loss_grad_matches_jvp(sa, sb):
    rng = np.random.default_rng(RNG_SEED + 2)
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    va, vb = rng.normal(size=sa), rng.normal(size=sb)

    def loss(a, b):
        return dd.sum(dd.sin(a @ b))

    ga, gb = dd.grad(loss, argnums=(0, 1))(a, b)
    _, directional = dd.jvp(loss, (a, b), (va, vb))
    assert_close(np.sum(ga * va) + np.sum(gb * vb), directional, rtol=1e-10)


MASK = np.array([[True, False, True, True], [False, False, True, False], [True, True, False, True]])
REPEATS = np.array([2, 0, 2, 2, 1])

JACOBIAN_CASES = {
    "getitem int": (lambda x: x[1] * 2.0, (3, 4)),
    "getitem negative int": (lambda x: dd.sin(x[-1, 2]), (3, 4)),
    "getitem slices": (lambda x: x[1:, ::2] ** 2, (3, 4)),
    "getitem int array with repeats": (lambda x: x[REPEATS] * x[REPEATS], (3,)),
    "getitem 2-D fancy index with repeats": (lambda x: x[REPEATS % 3, [0, 3, 0, 0, 1]] ** 3, (3, 4)),
    "getitem boolean mask": (lambda x: dd.exp(x[MASK]), (3, 4)),
    "getitem ellipsis and newaxis": (lambda x: x[..., None, 1] * x[0, 0], (3, 4)),
    "concatenate": (lambda x: dd.concatenate([x, dd.sin(x), x[:1]], axis=0), (2, 3)),
    "concatenate axis 1": (lambda x: dd.concatenate([x, x * x], axis=1), (2, 3)),
    "stack": (lambda x: dd.stack([x, dd.cos(x)], axis=1), (2, 3)),
    "transpose": (lambda x: dd.transpose(dd.sin(x)), (2, 3)),
    "transpose axes": (lambda x: dd.transpose(x * x, (1, 2, 0)), (2, 3, 2)),
    "T property": (lambda x: x.T @ x, (3, 2)),
    "reshape": (lambda x: dd.reshape(x * x, (3, 2)) @ x, (2, 3)),
    "reshape method -1": (lambda x: dd.sin(x).reshape(-1), (2, 3)),
    "sum all": (lambda x: dd.sum(x * x), (2, 3)),
    "sum axis": (lambda x: dd.sum(dd.sin(x), axis=1), (2, 3)),
    "sum axis keepdims": (lambda x: dd.sum(x * x, axis=0, keepdims=True) * x, (2, 3)),
    "sum axis tuple": (lambda x: dd.sum(x ** 3, axis=(0, 2)), (2, 3, 2)),
    "mean axis": (lambda x: dd.mean(dd.exp(x), axis=0), (2, 3)),
    "mean keepdims": (lambda x: x - dd.mean(x, axis=1, keepdims=True), (2, 3)),
    "max all": (lambda x: dd.max(x * x), (2, 3)),
    "max axis": (lambda x: dd.max(dd.sin(x), axis=1), (2, 3)),
    "max axis keepdims": (lambda x: x - dd.max(x, axis=0, keepdims=True), (2, 3)),
    "min axis": (lambda x: dd.min(x ** 3, axis=0), (3, 2)),
    "min keepdims": (lambda x: dd.min(x, axis=-1, keepdims=True) * x, (2, 3)),
    "prod all": (lambda x: dd.prod(x), (2, 3)),
    "prod axis": (lambda x: dd.prod(x, axis=1), (2, 3)),
    "prod keepdims": (lambda x: dd.prod(x + 3.0, axis=0, keepdims=True), (2, 3)),
    "where": (lambda x: dd.where(x > 0, x * x, dd.sin(x)), (2, 3)),
    "np.where": (lambda x: np.where(x < 0.3, dd.exp(x), 2.0), (2, 3)),
    "maximum": (lambda x: dd.maximum(x, dd.cos(x)), (2, 3)),
    "maximum with constant": (lambda x: dd.maximum(x, 0.1), (2, 3)),
    "minimum": (lambda x: dd.minimum(x[0], x[1]), (2, 3)),
    "logsumexp all": (lambda x: dd.logsumexp(x), (2, 3)),
    "logsumexp axis 0": (lambda x: dd.logsumexp(x, axis=0), (2, 3)),
    "logsumexp axis 1 keepdims": (lambda x: dd.logsumexp(x, axis=1, keepdims=True), (2, 3)),
    "softmax axis -1": (lambda x: dd.softmax(x), (2, 3)),
    "softmax axis 0": (lambda x: dd.softmax(x, axis=0), (2, 3)),
    "log_softmax axis -1": (lambda x: dd.log_softmax(x), (2, 3)),
    "log_softmax axis 0": (lambda x: dd.log_softmax(x, axis=0), (2, 3)),
    "numpy dispatch": (lambda x: np.sum(np.tanh(x) * np.exp(x), axis=0), (2, 3)),
}


@pytest.mark.parametrize("name", list(JACOBIAN_CASES))
def test_jacrev_equals_jacfwd(name):
    f, in_shape = JACOBIAN_CASES[name]
    x = np.random.default_rng(RNG_SEED).uniform(-1.5, 1.5, size=in_shape)
    rev, fwd = dd.jacrev(f)(x), dd.jacfwd(f)(x)
    out_shape = np.shape(dd.primal(f(x)))
    assert np.shape(rev) == out_shape + in_shape
    assert_close(rev, fwd, rtol=AD_RTOL, atol=1e-14)


@pytest.mark.parametrize("name", list(JACOBIAN_CASES))
def test_jacrev_equals_finite_differences(name):
    f, in_shape = JACOBIAN_CASES[name]
    x = np.random.default_rng(RNG_SEED).uniform(-1.5, 1.5, size=in_shape)
    fd = finite_diff.jacobian(f, x).value
    assert_close(dd.jacrev(f)(x), fd, rtol=FD_RTOL, atol=1e-8)


def test_getitem_with_repeated_indices_accumulates():
    x = np.array([1.0, 2.0, 3.0])
    g = dd.grad(lambda v: dd.sum(v[REPEATS] ** 2))(x)
    counts = np.bincount(REPEATS, minlength=3)
    assert_close(g, 2 * x * counts, rtol=0)


# ---------------------------------------------------------------------------
# Memory: a grad call leaves nothing behind
# ---------------------------------------------------------------------------

def test_repeated_grad_calls_do_not_grow_memory():
    x = np.random.default_rng(RNG_SEED).normal(size=50)
    g = dd.grad(lambda v: dd.sum(dd.tanh(v) * v) + quiz(v[0] + 3.0, v[1] + 3.0))
    for _ in range(5):  # warm caches (ufunc loops, interned objects) before measuring
        g(x)
    gc.collect()
    tracemalloc.start()
    try:
        g(x)
        gc.collect()
        before, _ = tracemalloc.get_traced_memory()
        for _ in range(50):
            g(x)
        gc.collect()
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after - before < 4096, f"memory grew by {after - before} bytes over 50 grad calls"


def test_jacobians_of_pytree_outputs_nest_outputs_outside_argnums_as_jax():
    """JAX's layout for a tuple ``argnums``: each output leaf holds a tuple over the arguments.

    The off-diagonal Hessian block ``H[0][1]`` is ∂²f/∂a∂b with shape a.shape + b.shape; it was
    returned transposed (b.shape + a.shape). Checked against a closed form.
    """
    a, b = np.array([[0.3], [0.5], [-0.4]]), np.array([[0.2, 0.9, -0.7, 1.1]])

    def f(a, b):
        return dd.sum(a * a * b)          # ∂²f/∂a_i∂b_j = 2 a_i (all b broadcast over a)
    h = dd.hessian(f, argnums=(0, 1))(a, b)
    assert [[blk.shape for blk in row] for row in h] == [[(3, 1, 3, 1), (3, 1, 1, 4)],
                                                         [(1, 4, 3, 1), (1, 4, 1, 4)]]
    expected_ab = np.zeros((3, 1, 1, 4))
    expected_ab[:, 0, 0, :] = 2 * a
    assert_close(h[0][1], expected_ab, rtol=AD_RTOL)
    assert_close(h[1][0], np.transpose(expected_ab, (2, 3, 0, 1)), rtol=AD_RTOL)
    x, y = np.array([0.3, -0.8]), np.array([1.2, 0.4, 2.0])

    def g(x, y):
        return {"p": x * y[0], "q": dd.sum(y) * x[1]}
    for jac in (dd.jacfwd, dd.jacrev):
        j = jac(g, argnums=(0, 1))(x, y)
        assert set(j) == {"p", "q"}
        assert_close(j["p"][0], np.diag([y[0], y[0]]), rtol=AD_RTOL)
        assert_close(j["p"][1], np.array([[x[0], 0, 0], [x[1], 0, 0]]), rtol=AD_RTOL)
        assert_close(j["q"][0], np.array([0.0, np.sum(y)]), rtol=AD_RTOL)
        assert_close(j["q"][1], np.full(3, x[1]), rtol=AD_RTOL)


def test_none_in_an_argument_pytree_is_an_empty_subtree_as_in_jax():
    """``{"w": w, "b": None}`` (a layer without bias) was refused as "expected a number, got
    NoneType"; JAX reads None as an empty subtree and returns it in the gradient's place.
    Values against the closed form d/dw sum(w²)·s = 2ws, d/ds = sum(w²)."""
    w, s = np.array([0.5, -1.0]), 2.0

    def loss(p, s):
        return dd.sum(p["w"] ** 2) * s + (0.0 if p["b"] is None else 1.0)
    params = {"w": w, "b": None}
    for transform in (dd.grad, dd.jacfwd, dd.jacrev):
        g, gs = transform(loss, argnums=(0, 1))(params, s)
        assert g["b"] is None and gs == pytest.approx(1.25, rel=1e-15)
        assert_close(g["w"], 2 * w * s, rtol=AD_RTOL)
    h = dd.hessian(loss)(params, s)
    assert h["b"] is None and h["w"]["b"] is None
    assert_close(h["w"]["w"], 2 * s * np.eye(2), rtol=AD_RTOL)
    out, pullback = dd.vjp(loss, params, s)
    gp, gs = pullback(1.0)
    assert gp["b"] is None and gs == pytest.approx(1.25, rel=1e-15)
    assert dd.jvp(loss, (params, s), ({"w": np.ones(2), "b": None}, 0.0))[1] == pytest.approx(
        np.sum(2 * w * s), rel=1e-15)
    with pytest.raises(TypeError, match="without `return`"):
        dd.grad(lambda p, s: None)(params, s)
