"""Port of the differentiation-API tests of JAX's tests/api_test.py (APITest) and
tests/custom_api_test.py (CustomJVPTest, CustomVJPTest), jax-ml/jax 2026 snapshot.

Ported (JAX name -> here): test_grad_argnums, test_value_and_grad_argnums, test_grad_item,
test_grad_tuple_output / test_grad_unit_output / test_grad_nonscalar_output(_hint),
test_grad_bad_input / test_grad_object_array_error, test_jacobian, test_hessian,
test_hessian_aux, test_jacobian_on_pytrees, test_hessian_on_pytrees, test_issue1372,
test_grad_and_aux_basic / _error / _nested / _constant / _no_tracers, test_jac{fwd,rev}_and_aux_
{basic,nested}, test_jvp_and_aux_basic, test_jvp_mismatched_arguments,
test_jvp_non_tuple_arguments, test_vjp_mismatched_arguments, test_vjp_bad_cotangent_shape,
test_complex_grad_raises_error, test_complex_input_jacfwd_raises_error,
test_complex_output_jacrev_raises_error, test_grad_of_int_errors, test_vjp_of_int_index,
test_grad_without_enough_args_error_message; custom_jvp: test_basic, test_invariance,
test_python_control_flow, test_pytrees, test_kwargs, test_nondiff_argnums,
test_missing_jvp_rule_error_message, test_jvp_rule_doesnt_return_pair_error_message,
test_primal_tangent_aval_disagreement_error_message; custom_vjp: test_basic,
test_python_control_flow, test_pytrees, test_jvp_error, test_kwargs, test_nondiff_argnums,
test_missing_vjp_rule_error, test_vjp_rule_inconsistent_pytree_structures_error,
test_vjp_bwd_returns_non_tuple_error, test_clip_gradient, test_nestable_vjp; closures.

Adapted: float64; `jax.`/`api.` -> `dd.`; error messages matched on dualdiff's wording (same
exception types as JAX where dualdiff raises them). dualdiff conventions that differ from JAX,
each said at its test: an int or bool input is differentiated as a float (JAX raises without
allow_int; dualdiff has no float0); custom_vjp under forward mode differentiates the function's
own code (JAX raises); a custom rule's function returns one float or array (JAX's dict outputs are
refused by name).
Left out: holomorphic=True, jit/vmap/pmap/remat/scan interplay, float0, symbolic zeros,
linear_transpose, allow_int, dtype-promotion tests (float16/float32 inputs are promoted to
float64, so JAX's heterogeneous-dtype jacobians have no counterpart).
"""

from functools import partial

import numpy as np
import pytest

import dualdiff as dd

grad, jacfwd, jacrev, hessian = dd.grad, dd.jacfwd, dd.jacrev, dd.hessian


def assert_tree_close(a, b, rtol=1e-12, atol=1e-12):
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys()
        for k in a:
            assert_tree_close(a[k], b[k], rtol, atol)
    elif isinstance(a, (tuple, list)):
        assert type(a) is type(b) and len(a) == len(b), (a, b)
        for x, y in zip(a, b):
            assert_tree_close(x, y, rtol, atol)
    else:
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


# ---------------------------------------------------------------------------
# grad and value_and_grad
# ---------------------------------------------------------------------------

def test_grad_argnums():
    def f(x, y, z, flag=False):
        assert flag
        return 1.0 * x + 2.0 * y + 3.0 * z

    assert grad(f)(1.0, 1.0, 1.0, flag=True) == 1.0
    assert grad(f, argnums=1)(1.0, 1.0, 1.0, flag=True) == 2.0
    assert grad(f, argnums=(2, 0))(1.0, 1.0, 1.0, flag=True) == (3.0, 1.0)
    assert grad(f, argnums=(1,))(1.0, 1.0, 1.0, flag=True) == (2.0,)
    assert grad(f, argnums=-1)(1.0, 1.0, 1.0, flag=True) == 3.0


def test_value_and_grad_argnums():
    def f(x, y, z, flag=False):
        assert flag
        return 1.0 * x + 2.0 * y + 3.0 * z

    y = f(1.0, 1.0, 1.0, flag=True)
    assert dd.value_and_grad(f)(1.0, 1.0, 1.0, flag=True) == (y, 1.0)
    assert dd.value_and_grad(f, argnums=1)(1.0, 1.0, 1.0, flag=True) == (y, 2.0)
    assert dd.value_and_grad(f, argnums=(2, 0))(1.0, 1.0, 1.0, flag=True) == (y, (3.0, 1.0))


def test_argnums_out_of_range():
    with pytest.raises((ValueError, TypeError, IndexError), match="argnums"):
        grad(lambda x, y: x * y, argnums=2)(1.0, 2.0)


def test_grad_item():
    """test_grad_item: a Python branch on the value, as JAX's eager grad allows."""
    def f(x):
        return x ** 2 if x > 0 else x

    assert grad(f)(2.0) == 4.0
    assert grad(f)(-2.0) == 1.0


@pytest.mark.parametrize("fun,arg", [(lambda x: (x, x), 1.0), (lambda x: (), np.zeros(3)),
                                     (lambda x: x, np.zeros(3))])
def test_grad_nonscalar_output(fun, arg):
    """test_grad_tuple_output, _unit_output, _nonscalar_output: a TypeError naming the fix."""
    with pytest.raises(TypeError, match="scalar.*(jacrev or vjp|has_aux)"):
        grad(fun)(arg)


def test_grad_nonscalar_output_hint():
    """test_grad_nonscalar_output_hint: JAX refuses an output of shape (1,). dualdiff's
    documented convention (reverse.py, as autograd): a size-1 output counts as a scalar."""
    assert grad(lambda x: dd.array([x ** 2]))(1.5) == 3.0
    with pytest.raises(TypeError, match=r"shape \(2,\).*jacrev or vjp"):
        grad(lambda x: dd.array([x ** 2, x]))(1.0)


@pytest.mark.parametrize("bad", ["foo", np.array([1, 2, 3], dtype=object)])
def test_grad_bad_input(bad):
    """test_grad_bad_input, test_grad_object_array_error."""
    with pytest.raises(TypeError):
        grad(lambda x: x)(bad)


def test_complex_raises():
    """test_complex_grad_raises_error, test_complex_input_jacfwd_raises_error,
    test_complex_output_jacrev_raises_error: dualdiff refuses complex numbers in every mode."""
    for t in (grad, jacfwd, jacrev):
        with pytest.raises(TypeError, match="complex"):
            t(lambda x: np.sin(x))(1 + 2j)
    with pytest.raises(TypeError, match="complex"):
        dd.jvp(np.sin, (1 + 2j,), (1.0,))
    with pytest.raises(TypeError, match="complex"):
        jacrev(lambda x: x * 1j)(1.0)


def test_grad_of_int_convention():
    """test_grad_of_int_errors / test_grad_of_int / test_vjp_of_int_index. JAX refuses an int
    input without allow_int (and then returns float0 zeros). dualdiff's documented convention
    (docs/architecture.md, core.lift): ints and bools are lifted to float and differentiated."""
    assert grad(lambda x: x ** 2)(3) == 6.0
    assert grad(lambda x: x + 0.0)(1) == 1.0
    y, pullback = dd.vjp(lambda x: x[1], np.ones(2) * 2)
    assert y == 2.0
    np.testing.assert_array_equal(pullback(1.0)[0], [0.0, 1.0])
    # an integer used as an index is not differentiated: close over it
    gx = grad(lambda x, i: x[i], argnums=0)(np.ones(2), 1)
    np.testing.assert_array_equal(gx, [0.0, 1.0])


def test_grad_without_enough_args():
    """test_grad_without_enough_args_error_message."""
    def f(x, y):
        return x + y
    with pytest.raises(ValueError, match="argnums 0 is out of range"):  # JAX: TypeError
        partial(grad(f, argnums=0), x=0.0)(y=1.0)


# ---------------------------------------------------------------------------
# jacobians and hessians
# ---------------------------------------------------------------------------

def test_jacobian():
    rng = np.random.default_rng(0)
    A, x = rng.standard_normal((4, 3)), rng.standard_normal(3)
    f = lambda x: np.dot(A, x)
    np.testing.assert_allclose(jacfwd(f)(x), A, rtol=1e-14)
    np.testing.assert_allclose(jacrev(f)(x), A, rtol=1e-14)
    f = lambda x: np.tanh(np.dot(A, x))
    np.testing.assert_allclose(jacfwd(f)(x), jacrev(f)(x), rtol=1e-13)
    np.testing.assert_allclose(jacfwd(f)(x), (1 - np.tanh(A @ x) ** 2)[:, None] * A, rtol=1e-12)


def test_hessian():
    rng = np.random.default_rng(1)
    A, x = rng.standard_normal((4, 4)), rng.standard_normal(4)
    f = lambda x: np.dot(x, np.dot(A, x))
    np.testing.assert_allclose(hessian(f)(x), A + A.T, rtol=1e-13)


def test_hessian_aux():
    rng = np.random.default_rng(2)
    A, x = rng.standard_normal((4, 4)), rng.standard_normal(4)
    h, aux = hessian(lambda x: (np.dot(x, np.dot(A, x)), x), has_aux=True)(x)
    np.testing.assert_allclose(h, A + A.T, rtol=1e-13)
    np.testing.assert_array_equal(aux, x)


@pytest.mark.parametrize("jacfun", [jacfwd, jacrev], ids=["jacfwd", "jacrev"])
def test_jacobian_on_pytrees(jacfun):
    assert_tree_close(jacfun(lambda x, y: (x, y))(0.0, 1.0), (1.0, 0.0))
    assert_tree_close(jacfun(lambda x, y: (x, y), 1)(0.0, 1.0), (0.0, 1.0))
    assert_tree_close(jacfun(lambda x, y: (x, y), (0, 1))(0.0, 1.0), ((1.0, 0.0), (0.0, 1.0)))
    assert_tree_close(jacfun(lambda x: x[:2])((1.0, 2.0, 3.0)),
                      ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0)))
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal(2), rng.standard_normal(3)
    ans = jacfun(lambda x, y: {"x": x, "xy": np.outer(x, y)})(x, y)
    expected = {"x": np.eye(2), "xy": np.kron(np.eye(2), y[:, None]).reshape(2, 3, 2)}
    assert_tree_close(ans, expected)


@pytest.mark.parametrize("jacfun", [jacfwd, jacrev], ids=["jacfwd", "jacrev"])
def test_jacobian_dict_and_list_inputs(jacfun):
    """Jacobian structure: output tree on the outside, input tree inside, leaf shapes
    out.shape + in.shape (JAX's layout)."""
    params = {"w": np.arange(6.0).reshape(2, 3), "b": [np.ones(2), 0.5]}
    f = lambda p: p["w"] @ np.ones(3) + p["b"][0] * p["b"][1]
    j = jacfun(f)(params)
    assert set(j) == {"w", "b"} and isinstance(j["b"], list)
    assert j["w"].shape == (2, 2, 3) and j["b"][0].shape == (2, 2) and j["b"][1].shape == (2,)
    np.testing.assert_allclose(j["b"][0], 0.5 * np.eye(2))
    np.testing.assert_allclose(j["b"][1], np.ones(2))


def test_hessian_on_pytrees():
    """A vector output: one Hessian per output entry (JAX's hessian is jacfwd(jacrev))."""
    ans = hessian(lambda x: dd.array(x) ** 2)((1.0, 2.0))
    expected = ((np.array([2.0, 0.0]), np.array([0.0, 0.0])),
                (np.array([0.0, 0.0]), np.array([0.0, 2.0])))
    assert_tree_close(ans, expected)


def test_hessian_nonscalar_outputs():
    """hessian of an array output has shape out + in + in; of a dict output, a dict."""
    x = np.array([0.3, -0.7, 1.1])
    h = hessian(lambda x: np.sin(x) * x[0])(x)
    assert h.shape == (3, 3, 3)
    np.testing.assert_allclose(h, dd.jacfwd(dd.jacfwd(lambda x: np.sin(x) * x[0]))(x),
                               rtol=1e-13, atol=1e-15)
    h = hessian(lambda x: {"a": np.sum(x ** 3), "b": x ** 2})(x)
    np.testing.assert_allclose(h["a"], np.diag(6 * x), rtol=1e-14)
    np.testing.assert_allclose(h["b"], 2 * np.eye(3)[:, :, None] * np.eye(3)[:, None, :])
    (h, aux) = hessian(lambda x: (x ** 3, "aux"), has_aux=True)(x)
    assert aux == "aux" and h.shape == (3, 3, 3)


def test_issue1372():
    """Shapes of every nesting of jacfwd/jacrev with argnums."""
    def quad(x):
        return np.dot(x, x)

    def f(x, u):
        return quad(x) + quad(u)

    x, u = np.ones(5), np.ones(2)
    for outer in (jacrev, jacfwd):
        for inner in (jacrev, jacfwd):
            assert outer(inner(f, 0), 0)(x, u).shape == (5, 5)
            assert outer(inner(f, 1), 1)(x, u).shape == (2, 2)
            assert outer(inner(f, 1), 0)(x, u).shape == (2, 5)
            assert outer(inner(f, 0), 1)(x, u).shape == (5, 2)
    np.testing.assert_allclose(jacfwd(jacrev(f, 0), 0)(x, u), 2 * np.eye(5))


# ---------------------------------------------------------------------------
# has_aux
# ---------------------------------------------------------------------------

def test_grad_and_aux_basic():
    g, aux = grad(lambda x: (x ** 3, [x ** 2]), has_aux=True)(3.0)
    assert g == pytest.approx(grad(lambda x: x ** 3)(3.0), rel=1e-15)
    assert aux == [9.0]


@pytest.mark.parametrize("fun", [lambda x: (1, 2, 3), lambda x: x, lambda x: (x,)])
def test_grad_and_aux_error(fun):
    with pytest.raises(TypeError, match="pair"):
        grad(fun, has_aux=True)(1.0)


def test_grad_and_aux_nested():
    def f(x):
        g, aux = grad(lambda x: (x ** 3, [x ** 3]), has_aux=True)(x)
        return aux[0]

    assert grad(f)(4.0) == pytest.approx(grad(lambda x: x ** 3)(4.0), rel=1e-15)

    def f(x):
        g, aux = grad(lambda x: (x ** 3, [x ** 3]), has_aux=True)(x)
        return aux[0] * np.sin(x)

    assert grad(f)(4.0) == pytest.approx(grad(lambda x: x ** 3 * np.sin(x))(4.0), rel=1e-15)


def test_grad_and_aux_constant():
    g, aux = grad(lambda x: (x ** 3, [4.0]), has_aux=True)(4.0)
    assert g == grad(lambda x: x ** 3)(4.0) and aux == [4.0]
    g, aux = grad(lambda x: (x ** 3, [x ** 2, 4.0]), has_aux=True)(4.0)
    assert aux == [16.0, 4.0]


def test_grad_and_aux_no_boxes():
    """test_grad_and_aux_no_tracers: the aux output comes back as plain values."""
    _, aux = grad(lambda x: (x ** 2, dict(identity=x, p1=x + 1)), has_aux=True)(3.0)
    assert isinstance(aux, dict)
    for val in aux.values():
        assert not isinstance(val, dd.Box)


@pytest.mark.parametrize("jac", [jacfwd, jacrev], ids=["jacfwd", "jacrev"])
def test_jac_and_aux(jac):
    """test_jacfwd_and_aux_basic/_nested, test_jacrev_and_aux_basic/_nested."""
    j, aux = jac(lambda x: (x ** 3, [x ** 2]), has_aux=True)(3.0)
    assert j == jac(lambda x: x ** 3)(3.0) and aux == [9.0]

    def f(x):
        _, aux = jac(lambda x: (x ** 3, [x ** 3]), has_aux=True)(x)
        return aux[0] * np.sin(x)

    assert jac(f)(4.0) == pytest.approx(jac(lambda x: x ** 3 * np.sin(x))(4.0), rel=1e-15)


def test_jvp_and_aux_basic():
    primals, tangents, aux = dd.jvp(lambda x: (x ** 3, [x ** 2]), (3.0,), (4.0,), has_aux=True)
    assert (primals, tangents) == dd.jvp(lambda x: x ** 3, (3.0,), (4.0,))
    assert aux == [9.0]


def test_vjp_and_aux():
    y, pullback, aux = dd.vjp(lambda x: (x ** 3, {"sq": x ** 2}), 3.0, has_aux=True)
    assert y == 27.0 and aux == {"sq": 9.0}
    assert pullback(1.0) == (27.0,)


# ---------------------------------------------------------------------------
# jvp / vjp argument checks
# ---------------------------------------------------------------------------

def test_jvp_mismatched_arguments():
    with pytest.raises((TypeError, ValueError)):
        dd.jvp(lambda x, y: x * y, (2.0,), ())
    with pytest.raises((TypeError, ValueError)):
        dd.jvp(lambda x, y: x * y, (2.0,), [2.0])
    fun = lambda x: x + 1
    for p, t in [(np.array([1.0, 2, 3]), np.array([1.0, 2, 3, 4])),
                 (np.array([1.0, 2, 3]), 20.0)]:
        with pytest.raises(ValueError, match="shape"):
            dd.jvp(fun, (p,), (t,))
    # JAX refuses a scalar primal with a (3,) tangent. dualdiff's documented convention
    # (dd.jvp's docstring): a tangent with one more leading axis is a batch of directions.
    y, t = dd.jvp(lambda x: x ** 2, (10.0,), (np.array([1.0, 2, 3]),))
    assert y == 100.0
    np.testing.assert_array_equal(t, [20.0, 40.0, 60.0])


def test_jvp_non_tuple_arguments():
    f = lambda x, y: x + y
    with pytest.raises(TypeError, match="tuple"):
        dd.jvp(f, 0.0, (1.0,))
    with pytest.raises(TypeError, match="tuple"):
        dd.jvp(f, (0.0,), np.array([1.0, 2.0]))


def test_vjp_mismatched_arguments():
    _, pullback = dd.vjp(lambda x, y: x * y, 3.0, 4.0)
    assert pullback(1.0) == (4.0, 3.0)
    with pytest.raises((TypeError, ValueError)):
        pullback((7.0, 100.0))


def test_vjp_bad_cotangent_shape():
    _, pullback = dd.vjp(np.matmul, np.ones((2, 5)), np.ones((5, 3)))
    with pytest.raises(ValueError, match="shape"):
        pullback(np.ones((2, 4)))


def test_vjp_pytree_output():
    """vjp of a tuple/dict output takes a cotangent of the same structure."""
    y, pullback = dd.vjp(lambda x: {"a": x ** 2, "b": (np.sin(x),)}, 0.5)
    (g,) = pullback({"a": 1.0, "b": (2.0,)})
    assert g == pytest.approx(2 * 0.5 + 2 * np.cos(0.5), rel=1e-15)


# ---------------------------------------------------------------------------
# custom_jvp
# ---------------------------------------------------------------------------

def _custom_sin():
    @dd.custom_jvp
    def f(x):
        return np.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (g,) = primals, tangents
        return f(x), 2 * np.cos(x) * g

    return f


def test_custom_jvp_basic():
    f = _custom_sin()
    x = 3.0
    assert f(x) == np.sin(x)
    assert dd.jvp(f, (x,), (1.0,)) == pytest.approx((np.sin(x), 2 * np.cos(x)), rel=1e-15)
    assert grad(f)(x) == pytest.approx(2 * np.cos(x), rel=1e-15)
    np.testing.assert_allclose(jacrev(f)(np.array([1.0, 2.0])), np.diag(2 * np.cos([1.0, 2.0])))


def test_custom_jvp_invariance():
    @dd.custom_jvp
    def f(x):
        return np.cos(2 * x) / 2.0

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (g,) = primals, tangents
        return f(x), 3 * g

    f2 = lambda x: dd.jvp(f, (x,), (x,))[0]
    f3 = lambda x: dd.jvp(f2, (x,), (x,))[0]
    assert dd.jvp(f, (1.0,), (1.0,)) == dd.jvp(f2, (1.0,), (1.0,)) == dd.jvp(f3, (1.0,), (1.0,))


def test_custom_jvp_python_control_flow():
    @dd.custom_jvp
    def f(x):
        return np.sin(x) if x > 0 else np.cos(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (g,) = primals, tangents
        return f(x), (2 * g if x > 0 else 3 * g)

    assert dd.jvp(f, (2.0,), (1.0,)) == (np.sin(2.0), 2.0)
    assert dd.jvp(f, (-2.0,), (1.0,)) == (np.cos(-2.0), 3.0)
    assert grad(f)(2.0) == 2.0 and grad(f)(-2.0) == 3.0


def test_custom_jvp_pytree_input():
    """test_pytrees with a dict input; JAX's dict *output* is refused by name (dualdiff's rules
    return one float or array)."""
    @dd.custom_jvp
    def f(x):
        return np.sin(x["a"])

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (g,) = primals, tangents
        return f(x), 2 * np.cos(x["a"]) * g["a"]

    x = {"a": 3.0}
    assert dd.jvp(f, (x,), (x,)) == pytest.approx((np.sin(3.0), 2 * np.cos(3.0) * 3.0))
    assert_tree_close(grad(f)(x), {"a": 2 * np.cos(3.0)})

    @dd.custom_jvp
    def g(x):
        return {"b": np.sin(x["a"])}

    g.defjvp(lambda p, t: (g(p[0]), {"b": t[0]["a"]}))
    with pytest.raises(TypeError, match="returned a dict"):
        dd.jvp(g, (x,), (x,))


def test_custom_jvp_kwargs():
    """test_kwargs (issue 1938): a keyword default reaches the rule as a primal."""
    @dd.custom_jvp
    def my_fun(x, y, c=1.0):
        return c * (x + y)

    @my_fun.defjvp
    def my_jvp(primals, tangents):
        x, y, c = primals
        t_x, t_y, t_c = tangents
        return my_fun(x, y, c), t_c

    f = lambda x, y: np.square(my_fun(x, y, c=2.0)).sum()
    assert f(10.0, 5.0) == 900.0
    assert dd.jvp(f, (10.0, 5.0), (1.0, 1.0))[1] == 0.0  # the rule says: only c matters


def test_custom_jvp_closure():
    """A rule closing over an outer value; the outer derivative sees the closure."""
    def outer(a):
        @dd.custom_jvp
        def f(x):
            return a * np.sin(x)

        @f.defjvp
        def f_jvp(primals, tangents):
            (x,), (t,) = primals, tangents
            return f(x), a * np.cos(x) * t

        return f(1.0)

    assert grad(outer)(2.0) == pytest.approx(np.sin(1.0), rel=1e-15)


def test_custom_jvp_nondiff_argnums():
    @partial(dd.custom_jvp, nondiff_argnums=(0,))
    def app(f, x):
        return f(x)

    @app.defjvp
    def app_jvp(f, primals, tangents):
        (x,), (t,) = primals, tangents
        return app(f, x), 3 * t

    assert app(lambda x: 2 * x, 1) == 2
    assert dd.jvp(lambda x: app(lambda y: 2 * y, x), (1.0,), (1.0,)) == (2.0, 3.0)
    assert grad(lambda x: app(lambda y: 2 * y, x))(1.0) == 3.0


def test_custom_jvp_missing_rule():
    @dd.custom_jvp
    def foo(x):
        return x ** 2

    with pytest.raises(TypeError, match="foo.*no rule"):
        dd.jvp(foo, (2.0,), (1.0,))
    with pytest.raises(TypeError, match="foo.*no rule"):
        grad(foo)(2.0)


def test_custom_jvp_rule_errors():
    """test_jvp_rule_doesnt_return_pair_error_message, test_primal_tangent_aval_disagreement."""
    @dd.custom_jvp
    def f(x):
        return x ** 2

    f.defjvp(lambda p, t: t[0])
    with pytest.raises(TypeError, match="defjvp rule of `f`"):
        dd.jvp(f, (2.0,), (1.0,))

    @dd.custom_jvp
    def g(x):
        return x ** 2

    g.defjvp(lambda p, t: (g(p[0]), np.reshape(t[0], (1,))))
    with pytest.raises(ValueError, match="shape"):
        dd.jvp(g, (2.0,), (1.0,))


def test_custom_jvp_second_order():
    """hessian through a custom_jvp: the rule is differentiated again."""
    f = _custom_sin()
    assert hessian(f)(0.7) == pytest.approx(-2 * np.sin(0.7), rel=1e-14)


# ---------------------------------------------------------------------------
# custom_vjp
# ---------------------------------------------------------------------------

def _custom_vjp_sin():
    @dd.custom_vjp
    def f(x):
        return np.sin(x)

    f.defvjp(lambda x: (f(x), np.cos(x)), lambda cos_x, g: (2 * cos_x * g,))
    return f


def test_custom_vjp_basic():
    f = _custom_vjp_sin()
    x = 3.0
    assert f(x) == np.sin(x)
    assert grad(f)(x) == pytest.approx(2 * np.cos(x), rel=1e-15)
    assert dd.value_and_grad(f)(x) == pytest.approx((np.sin(x), 2 * np.cos(x)), rel=1e-15)


def test_custom_vjp_forward_mode_convention():
    """test_jvp_error: JAX raises for jvp of a custom_vjp function. dualdiff's documented
    convention (dualdiff/custom.py): forward mode differentiates the function's own code."""
    f = _custom_vjp_sin()
    assert dd.jvp(f, (3.0,), (1.0,)) == pytest.approx((np.sin(3.0), np.cos(3.0)), rel=1e-15)


def test_custom_vjp_python_control_flow():
    @dd.custom_vjp
    def f(x):
        return np.sin(x) if x > 0 else np.cos(x)

    f.defvjp(lambda x: (f(x), x), lambda x, g: ((2 * g,) if x > 0 else (3 * g,)))
    assert dd.value_and_grad(f)(2.0) == (np.sin(2.0), 2.0)
    assert dd.value_and_grad(f)(-2.0) == (np.cos(-2.0), 3.0)


def test_custom_vjp_pytrees():
    @dd.custom_vjp
    def f(x):
        return np.sin(x["a"])

    f.defvjp(lambda x: (f(x), {"r": np.cos(x["a"])}),
             lambda res, g: ({"a": 2 * res["r"] * g},))
    assert_tree_close(grad(f)({"a": 3.0}), {"a": 2 * np.cos(3.0)})


def test_custom_vjp_kwargs():
    @dd.custom_vjp
    def my_fun(x, y, c=1.0):
        return c * (x + y)

    my_fun.defvjp(lambda x, y, c=1.0: (my_fun(x, y, c), None), lambda _, g: (g, g, g))
    f = lambda x, y: np.square(my_fun(x, y, c=2.0)).sum()
    assert grad(f)(10.0, 5.0) == 2 * 30.0  # bwd passes g = 2 * 30 through to x


def test_custom_vjp_nondiff_argnums():
    @partial(dd.custom_vjp, nondiff_argnums=(0,))
    def app(f, x):
        return f(x)

    app.defvjp(lambda f, x: (app(f, x), np.cos(x)), lambda f, cos_x, g: (cos_x * g,))
    assert app(lambda x: 2 * x, 1) == 2
    assert dd.value_and_grad(lambda x: app(lambda y: 2 * y, x))(1.0) == (2.0, np.cos(1.0))


def test_custom_vjp_rule_errors():
    """test_missing_vjp_rule_error, test_vjp_rule_inconsistent_pytree_structures_error,
    test_vjp_bwd_returns_non_tuple_error."""
    @dd.custom_vjp
    def foo(x):
        return x ** 2

    with pytest.raises(TypeError, match="foo.*no rule"):
        grad(foo)(2.0)

    @dd.custom_vjp
    def f(x):
        return x

    f.defvjp(lambda x: (x, None), lambda _, g: (g, g))
    with pytest.raises(TypeError, match="bwd rule of `f`"):
        grad(f)(2.0)

    @dd.custom_vjp
    def h(x):
        return x

    h.defvjp(lambda x: (x, None), lambda _, g: 2.0 * g)
    with pytest.raises(TypeError, match="bwd rule of `h` must return a tuple"):
        grad(h)(3.0)


def test_custom_vjp_clip_gradient():
    """test_clip_gradient (issue 2784): None cotangents for lo and hi."""
    @dd.custom_vjp
    def _clip_gradient(lo, hi, x):
        return x

    _clip_gradient.defvjp(lambda lo, hi, x: (x, (lo, hi)),
                          lambda res, g: (None, None, np.clip(g, res[0], res[1])))

    def clip_gradient(x):
        return _clip_gradient(-0.1, x + 0.1, x)

    assert grad(clip_gradient)(0.1) == pytest.approx(0.2, rel=1e-15)


def test_custom_vjp_nestable():
    """test_nestable_vjp (issue 3667): a vjp inside fwd, its pullback as the residual."""
    def f(x):
        return x ** 2

    @dd.custom_vjp
    def g(x):
        return f(x)

    g.defvjp(lambda x: dd.vjp(f, x), lambda f_vjp, y_bar: f_vjp(y_bar))
    _, g_vjp = dd.vjp(g, 1.0)
    assert g_vjp(1.0) == (2.0,)
    _, g_vjp = dd.vjp(g, 3.0)
    assert g_vjp(1.0) == (6.0,)


def test_custom_vjp_closure():
    """A custom_vjp defined inside a differentiated function, closing over its input."""
    def outer(a):
        @dd.custom_vjp
        def f(x):
            return a * x

        f.defvjp(lambda x: (f(x), None), lambda _, g: (a * g,))
        return grad(f)(2.0) * a

    assert outer(3.0) == 9.0
    assert grad(outer)(3.0) == pytest.approx(6.0)
