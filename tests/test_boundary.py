"""The boundary contract: every value entering dualdiff is honoured exactly or refused by name.

One section per case of the boundary issue: numpy keywords, non-numeric outputs,
complex values, the power edge 0**0, has_aux, keyword arguments of f, the
advice of refusal messages, user rules of any shape. Each either gives the
right number (against numpy, closed forms or central finite differences with
the tolerance stated) or the refusal whose text is checked.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import dualdiff as dd
from dualdiff.errors import PrecisionLossError

X = np.array([1.2, -0.7, 2.1, 0.4])
MASK = np.array([True, False, True, True])


def central_grad(f, x, h=1e-6):
    """Central differences of a scalar function of an array (error ~1e-9 for these inputs)."""
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


# --- 1. numpy keywords are honoured, with the right derivative ---------------------------

@pytest.mark.parametrize("f", [
    lambda x: np.sum(x ** 2, where=MASK),
    lambda x: np.max(x, initial=5.0),
    lambda x: np.max(x * 3, initial=0.5),
    lambda x: np.sum(x, initial=10.0),
    lambda x: np.prod(x, where=MASK, initial=2.0),
    lambda x: np.mean(x ** 3, where=MASK),
    lambda x: np.min(x, where=MASK, initial=3.0),
    lambda x: np.sum(np.reshape(x, (2, 2), order="F") * np.array([[1.0, 2.0], [3.0, 4.0]])),
    lambda x: np.add.reduce(x ** 2, where=MASK),
], ids=["sum-where", "max-initial", "max-initial-below", "sum-initial", "prod-where-initial",
        "mean-where", "min-where", "reshape-F", "add.reduce-where"])
def test_keywords_give_numpys_value_and_the_fd_derivative(f):
    value, g = dd.value_and_grad(f)(X)
    assert value == pytest.approx(float(f(X)), rel=1e-14)
    np.testing.assert_allclose(g, central_grad(lambda x: float(f(x)), X), rtol=1e-6, atol=1e-7)


def test_a_float32_dtype_is_computed_in_float64():
    # every input is promoted to float64; numpy rounds the same computation to float32
    value, g = dd.value_and_grad(lambda x: dd.sum(np.exp(x, dtype=np.float32) * X))(X)
    assert value == pytest.approx(float(np.sum(np.exp(X) * X)), rel=1e-15)
    assert value == pytest.approx(float(np.sum(np.exp(X, dtype=np.float32) * X)), rel=1e-6)
    np.testing.assert_allclose(g, np.exp(X) * X, rtol=1e-15)


def test_the_cases_of_the_issue_have_numpys_numbers():
    assert dd.grad(lambda x: np.sum(x ** 2, where=MASK))(X)[1] == 0.0
    assert dd.value_and_grad(lambda x: np.sum(x ** 2, where=MASK))(X)[0] == pytest.approx(6.01)
    assert dd.value_and_grad(lambda x: np.max(x, initial=5))(X)[0] == 5.0
    assert dd.value_and_grad(lambda x: np.sum(x, initial=10))(X)[0] == pytest.approx(13.0)
    y = dd.jvp(lambda x: np.reshape(x, (2, 2), order="F"), (X,), (np.ones(4),))[0]
    np.testing.assert_array_equal(y, np.reshape(X, (2, 2), order="F"))


@pytest.mark.parametrize("call, keyword", [
    (lambda x: np.sum(x, out=np.empty(())), "out"),
    (lambda x: np.exp(x, out=np.empty(4)), "out"),
    (lambda x: np.exp(x, where=MASK), "where"),
    (lambda x: np.sum(x, dtype=np.int64), "dtype"),
    (lambda x: np.concatenate([x, x], casting="unsafe"), "casting"),
])
def test_unsupported_keywords_are_refused_by_name(call, keyword):
    with pytest.raises(TypeError, match=rf"numpy\.\w+\(\.\.\., {keyword}=\.\.\.\)"):
        dd.grad(lambda x: dd.sum(call(x)))(X)


# --- 2. outputs that are not numbers -----------------------------------------------------

TRANSFORMS = {
    "grad": lambda f: dd.grad(f)(1.5), "value_and_grad": lambda f: dd.value_and_grad(f)(1.5),
    "jacfwd": lambda f: dd.jacfwd(f)(1.5), "jacrev": lambda f: dd.jacrev(f)(1.5),
    "hessian": lambda f: dd.hessian(f)(1.5), "derivative": lambda f: dd.derivative(f)(1.5),
    "jvp": lambda f: dd.jvp(f, (1.5,), (1.0,)), "vjp": lambda f: dd.vjp(f, 1.5),
}


@pytest.mark.parametrize("name", TRANSFORMS)
@pytest.mark.parametrize("returned, named", [(None, "None"), ("abc", "str"), ((), r"\(\)|tuple of 0"),
                                             ({"k": "v"}, "str|dict")])
def test_non_numeric_outputs_are_refused_naming_the_type(name, returned, named):
    def f(x):
        return returned
    with pytest.raises(TypeError, match=r"returned .*" + named):
        TRANSFORMS[name](f)


def test_a_forgotten_return_is_named():
    def f(x):
        x * 2  # noqa: B018  (no return: the classic mistake)
    with pytest.raises(TypeError, match=r"without `return`"):
        dd.grad(f)(1.0)


# --- 3. complex values are refused at every entry ----------------------------------------

@pytest.mark.parametrize("call", [
    lambda: dd.jvp(np.abs, (1 + 0.5j,), (1.0,)),
    lambda: dd.jvp(np.sin, (1.0,), (1j,)),
    lambda: dd.vjp(lambda x: x * (0.4 + 1.2j), 0.4)[1](1 + 0j),
    lambda: dd.vjp(lambda x: x * 2.0, 0.4)[1](1j),
    lambda: dd.grad(lambda x: x * (1 + 0.2j))(1.0),
    lambda: dd.grad(lambda x: dd.sum(np.sin(x)))(np.array([0.6 + 0.3j])),
    lambda: dd.jacfwd(lambda x: x * np.array([1j, 1.0]))(np.ones(2)),
    lambda: dd.Dual(1 + 2j, 1.0),
    lambda: dd.Dual(1.0, np.array([1j])),
    lambda: dd.jvp(lambda x: (x, 1j), (1.0,), (1.0,)),
], ids=["jvp-primal", "jvp-tangent", "vjp-constant", "vjp-cotangent", "grad-output",
        "grad-input", "jacfwd-constant", "Dual-value", "Dual-tangent", "complex-output"])
def test_complex_values_are_refused_pointing_to_the_complex_step(call):
    with pytest.raises(TypeError, match=r"real functions.*finite_diff"):
        call()


def test_the_complex_step_itself_still_works_on_plain_functions():
    from dualdiff import finite_diff

    result = finite_diff.derivative(lambda x: dd.exp(x) * dd.sin(x), 0.7, method="complex-step")
    assert result.value == pytest.approx(math.exp(0.7) * (math.sin(0.7) + math.cos(0.7)), rel=1e-14)


# --- 4. the power edge -------------------------------------------------------------------

def test_power_at_zero_base():
    # ∂(x**y)/∂y at x = 0: 0 for y > 0 (0**y is constant there), not finite at y <= 0
    assert dd.grad(lambda y: 0.0 ** y)(2.0) == 0.0
    assert dd.grad(lambda y: 0.0 ** y)(0.0) == -math.inf
    assert dd.grad(lambda y: 0.0 ** y)(-1.5) == -math.inf
    assert dd.grad(lambda x: x ** x)(0.0) == -math.inf
    assert dd.grad(lambda x, y: x ** y, argnums=(0, 1))(0.0, 0.0) == (0.0, -math.inf)
    g = dd.grad(lambda y: dd.sum(np.zeros(3) ** y))(np.array([2.0, 0.0, -1.0]))
    np.testing.assert_array_equal(g, [0.0, -math.inf, -math.inf])
    assert "-inf for y ≤ 0" in dd.REGISTRY["pow"].doc


# --- 5. has_aux returns plain values -----------------------------------------------------

def test_has_aux_returns_plain_values_in_every_transformation():
    f = lambda x: (dd.sum(x ** 2), {"double": x * 2, "n": 3})  # noqa: E731
    x = np.array([1.0, 2.0])
    g, aux = dd.grad(f, has_aux=True)(x)
    (value, aux2), g2 = dd.value_and_grad(f, has_aux=True)(x)
    jac, aux3 = dd.jacfwd(f, has_aux=True)(x)
    jac_r, aux4 = dd.jacrev(f, has_aux=True)(x)
    value5, tangent, aux5 = dd.jvp(f, (x,), (np.ones(2),), has_aux=True)
    _, pullback, aux6 = dd.vjp(f, x, has_aux=True)
    for a in (aux, aux2, aux3, aux4, aux5, aux6):
        assert type(a["double"]) is np.ndarray and a["n"] == 3
        np.testing.assert_array_equal(a["double"], [2.0, 4.0])
    np.testing.assert_array_equal(g, [2.0, 4.0])
    assert value == 5.0 and tangent == 6.0 and value5 == 5.0
    np.testing.assert_array_equal(jac, jac_r)
    assert pullback(1.0)[0].tolist() == [2.0, 4.0]
    scalar_aux = dd.grad(lambda x: (x ** 2, x * 21), has_aux=True)(1.0)[1]
    assert type(scalar_aux) is float and f"{scalar_aux:.3f}" == "21.000" and scalar_aux + 1 == 22.0


def test_has_aux_in_jaxs_positional_order_and_in_hessian():
    """``jacfwd(f, 0, True)`` is JAX's ``has_aux=True``; it set dualdiff's ``chunk`` instead and
    returned the aux's Jacobian as part of the result, silently. ``hessian`` takes has_aux too."""
    f = lambda x: (dd.sin(x), x ** 2)  # noqa: E731
    x = np.array([0.1, 0.2])
    for transform in (dd.jacfwd, dd.jacrev):
        jac, aux = transform(f, 0, True)(x)
        np.testing.assert_allclose(jac, np.diag(np.cos(x)), rtol=1e-15)   # closed form
        np.testing.assert_array_equal(aux, x ** 2)
    h, aux = dd.hessian(lambda x: (dd.sum(x ** 3), {"n": dd.sum(x)}), 0, True)(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(h, np.diag([6.0, 12.0]))                 # closed form 6x
    assert aux == {"n": 3.0} and type(aux["n"]) is float


def test_aux_keeps_an_outer_transformations_perturbation():
    def inner(x):
        return dd.grad(lambda y: (y * x, y * x), has_aux=True)(2.0)[1]
    assert dd.jvp(inner, (3.0,), (1.0,)) == (6.0, 2.0)


# --- 6. keyword arguments of f pass through every transformation -------------------------

def g_scaled(x, scale=1.0):
    return dd.sum(dd.sin(x) * scale)


@pytest.mark.parametrize("name, call, expected", [
    ("grad", lambda x: dd.grad(g_scaled)(x, scale=2.0), lambda x: 2 * np.cos(x)),
    ("jacfwd", lambda x: dd.jacfwd(g_scaled)(x, scale=2.0), lambda x: 2 * np.cos(x)),
    ("jacrev", lambda x: dd.jacrev(g_scaled)(x, scale=2.0), lambda x: 2 * np.cos(x)),
    ("hessian", lambda x: dd.hessian(g_scaled)(x, scale=2.0), lambda x: np.diag(-2 * np.sin(x))),
    ("vjp", lambda x: dd.vjp(g_scaled, x, scale=2.0)[1](1.0)[0], lambda x: 2 * np.cos(x)),
    ("value_and_grad", lambda x: dd.value_and_grad(g_scaled)(x, scale=2.0)[1],
     lambda x: 2 * np.cos(x)),
])
def test_keyword_arguments_pass_through_undifferentiated(name, call, expected):
    x = np.array([0.3, 1.1])
    np.testing.assert_allclose(call(x), expected(x), rtol=1e-14)


def test_derivative_passes_keyword_arguments():
    assert dd.derivative(lambda x, scale: dd.sin(x) * scale, 2)(0.4, scale=3.0) == pytest.approx(
        -3 * math.sin(0.4), rel=1e-14)


# --- 7. refusal messages give the fix that keeps the derivative --------------------------

@pytest.mark.parametrize("f, advice", [
    (lambda y: np.array([y[1], y[0]]), "dualdiff.array"),
    (lambda w: np.ones((2, 3)).dot(w), "A @ w"),
    (lambda x: math.sin(x[0]), "np.sin(x) or dualdiff.sin(x)"),
    (lambda x: int(x[0]), "dualdiff.primal"),
    (lambda x: x.item(), "x[i]"),
])
def test_refusals_point_to_the_fix_that_keeps_the_derivative(f, advice):
    with pytest.raises(TypeError) as info:
        dd.grad(lambda y: dd.sum(f(y)))(np.ones(3))
    assert advice in str(info.value)
    assert "use `.value`" not in str(info.value)


def test_a_tuple_without_has_aux_says_has_aux():
    with pytest.raises(TypeError, match="has_aux=True"):
        dd.grad(lambda x: (x ** 2, x))(1.0)


def test_float_of_a_box_is_a_precision_loss_error():
    with pytest.raises(PrecisionLossError, match="dualdiff.array"):
        dd.grad(lambda x: float(x))(1.0)


def test_an_unknown_numpy_function_points_to_custom_rules():
    with pytest.raises(TypeError, match=r"numpy\.fft\.fft.*custom_jvp"):
        dd.grad(lambda x: dd.sum(np.fft.fft(x)))(np.ones(4))


# --- 8. user rules of any shape ----------------------------------------------------------

@dd.custom_jvp
def norm2(x):
    return np.sqrt(np.sum(x * x))


@norm2.defjvp
def _norm2_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    out = norm2(x)
    return out, dd.sum(x * t) / out


def test_custom_jvp_in_every_mode_and_nested():
    x = np.array([3.0, 4.0, 12.0])
    expected = x / 13.0
    np.testing.assert_allclose(dd.grad(norm2)(x), expected, rtol=1e-15)
    np.testing.assert_allclose(dd.jacfwd(norm2)(x), expected, rtol=1e-15)
    np.testing.assert_allclose(dd.jacrev(norm2)(x), expected, rtol=1e-15)
    assert dd.jvp(norm2, (x,), (np.ones(3),))[1] == pytest.approx(19.0 / 13.0, rel=1e-15)
    hessian = (np.eye(3) - np.outer(x, x) / 169.0) / 13.0  # closed form of the norm's Hessian
    np.testing.assert_allclose(dd.hessian(norm2)(x), hessian, rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(dd.jacrev(dd.grad(norm2))(x), hessian, rtol=1e-13, atol=1e-16)


@dd.custom_vjp
def clipped_identity(x):
    return x * 1.0


clipped_identity.defvjp(lambda x: (clipped_identity(x), None),
                        lambda residual, g: (dd.clip(g, -1.0, 1.0),))


def test_custom_vjp_in_reverse_mode_and_forward_mode_through_the_function():
    x = np.array([0.5, -2.0])
    np.testing.assert_array_equal(dd.grad(lambda x: dd.sum(5.0 * clipped_identity(x)))(x), [1, 1])
    np.testing.assert_array_equal(dd.jvp(clipped_identity, (x,), (np.ones(2),))[1], [1, 1])
    np.testing.assert_array_equal(dd.jacfwd(clipped_identity)(x), np.eye(2))


def test_custom_primitive_refuses_a_non_elementwise_implementation():
    norm = dd.custom_primitive("test_norm_refused", lambda x: np.sqrt(np.sum(x ** 2)),
                               lambda out, x: x / out)
    try:
        with pytest.raises(TypeError, match="not elementwise.*custom_jvp"):
            dd.jvp(norm, (np.ones(3),), (np.ones(3),))
        with pytest.raises(TypeError, match="not elementwise"):
            dd.grad(norm)(np.ones(3))
    finally:
        del dd.REGISTRY["test_norm_refused"]


@dd.custom_vjp
def scaled(x, s):
    return x * s


def _scaled_bwd_unsummed(residuals, g):
    x, s = residuals
    return g * s, g * x        # forgets to sum over the axis s was broadcast along


def test_custom_rules_returning_a_wrong_shape_are_refused_not_broadcast():
    """A bwd cotangent or a defjvp tangent of another shape than its input/output came back as a
    gradient of the wrong shape (grad w.r.t. a scalar was an array); JAX refuses it too."""
    x = np.array([0.5, -1.0])
    scaled.defvjp(lambda x, s: (x * s, (x, s)), _scaled_bwd_unsummed)
    for transform in (dd.grad, dd.jacrev):
        with pytest.raises(ValueError, match=r"bwd rule of `scaled`.*shape \(2,\).*input 1 of "
                                             r"shape \(\)"):
            transform(lambda s: dd.sum(scaled(x, s) ** 2))(2.0)
    scaled.defvjp(lambda x, s: (x * s, (x, s)),
                  lambda r, g: (g * r[1], dd.sum(g * r[0])))
    # d/ds sum((x s)^2) = 2 s sum(x^2) = 2 * 2 * 1.25, a closed form
    assert dd.grad(lambda s: dd.sum(scaled(x, s) ** 2))(2.0) == pytest.approx(5.0, rel=1e-15)

    @dd.custom_jvp
    def sq_norm(v):
        return dd.sum(v * v)
    sq_norm.defjvp(lambda p, t: (sq_norm(p[0]), 2.0 * p[0] * t[0]))   # the sum forgotten
    for transform in (dd.grad, dd.jacfwd, dd.jacrev):
        with pytest.raises(ValueError, match=r"defjvp rule of `sq_norm`.*tangent of shape \(2,\)"):
            transform(sq_norm)(x)


def test_python_round_divmod_and_tolist_on_boxes():
    """round() and divmod() are numpy's round and floor_divide/remainder on the value (round's
    derivative is zero, remainder's ∂/∂x is 1 and ∂/∂y is -floor(x/y)); tolist() would drop the
    derivative and is refused with the spelling that keeps it."""
    x = np.array([1.35, -2.7])
    (q, r), (dq, dr) = dd.jvp(lambda v: divmod(v, 2.0), (x,), (np.ones(2),))
    assert np.array_equal(q, np.floor_divide(x, 2.0)) and np.allclose(r, np.remainder(x, 2.0))
    assert np.array_equal(dq, [0.0, 0.0]) and np.array_equal(dr, [1.0, 1.0])
    _, (_, dr5) = dd.jvp(lambda v: divmod(5.0, v), (x,), (np.ones(2),))
    h = 1e-6
    fd = (np.remainder(5.0, x + h) - np.remainder(5.0, x - h)) / (2 * h)
    assert np.allclose(dr5, fd, atol=1e-6) and np.array_equal(dr5, -np.floor(5.0 / x))
    assert dd.jvp(lambda v: round(v), (2.5,), (1.0,)) == (2.0, 0.0)  # half to even, as Python
    assert dd.jvp(lambda v: round(v, 1), (1.35,), (1.0,)) == (np.round(1.35, 1), 0.0)
    assert dd.grad(lambda v: round(v) * v)(2.6) == 3.0
    with pytest.raises(dd.PrecisionLossError, match=r"tolist\(\).*list\(x\)"):
        dd.jvp(lambda v: v.tolist(), (x,), (np.ones(2),))
