"""Input types and the numpy protocol: what goes in, what comes out, what is refused.

Contract (docs/architecture.md, "values that enter"): ints, bools, float32 and numpy scalars are
promoted to float64 / Python float in one place; 0-d and empty arrays work in
every transformation; ``float(dual)`` refuses with a hint; a non-numeric input
is a ``TypeError`` naming the argument; numpy functions reach the table
through ``__array_ufunc__``/``__array_function__``, and a numpy function with
no rule is refused by name.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import dualdiff as dd


def square(x):
    return x * x


def sum_of_squares(x):
    return dd.sum(x * x)


# --- promotion to float64 -----------------------------------------------------------------

@pytest.mark.parametrize("x", [3, True, np.int64(3), np.int32(3), np.float32(3.0), np.float64(3.0),
                               np.bool_(True)],
                         ids=["int", "bool", "np.int64", "np.int32", "np.float32", "np.float64",
                              "np.bool_"])
def test_scalar_inputs_give_python_floats(x):
    expected_value, expected_grad = float(x) ** 2, 2.0 * float(x)
    g = dd.grad(square)(x)
    value, tangent = dd.jvp(square, (x,), (1,))
    assert type(g) is float and g == expected_grad
    assert isinstance(value, float) and value == expected_value
    assert isinstance(tangent, float) and tangent == expected_grad
    assert dd.jacfwd(square)(x) == expected_grad and dd.jacrev(square)(x) == expected_grad
    assert dd.derivative(square)(x) == expected_grad
    assert dd.hessian(square)(x) == 2.0


def test_python_and_numpy_scalars_give_identical_results():
    f = lambda x: dd.sin(x) * dd.exp(x)
    results = {dd.grad(f)(x) for x in (0.75, np.float64(0.75), np.float32(0.75))}
    assert len(results) == 1


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.int32, np.bool_, np.uint8])
def test_array_inputs_are_promoted_to_float64(dtype):
    x = np.array([1, 2, 0], dtype=dtype)
    exact = x.astype(np.float64)
    g = dd.grad(sum_of_squares)(x)
    assert g.dtype == np.float64 and np.array_equal(g, 2 * exact)
    jac = dd.jacfwd(square)(x)
    assert jac.dtype == np.float64 and np.array_equal(jac, np.diag(2 * exact))
    jac_rev = dd.jacrev(square)(x)
    assert jac_rev.dtype == np.float64 and np.array_equal(jac_rev, np.diag(2 * exact))
    value, tangent = dd.jvp(square, (x,), (np.ones(3, dtype=dtype),))
    assert value.dtype == tangent.dtype == np.float64
    assert dd.Dual(x, np.ones(3, dtype=dtype)).value.dtype == np.float64


def test_float32_keeps_float64_accuracy_of_the_promoted_value():
    # float32(0.1) is exactly 0.100000001490116...; the derivative is taken at that float64 value.
    x32 = np.float32(0.1)
    assert dd.grad(dd.exp)(x32) == np.exp(np.float64(x32))


def test_mixed_dtypes_inside_a_function_stay_float64():
    w = np.array([1.0, 2.0], dtype=np.float32)
    k = np.array([3, 4])
    g = dd.grad(lambda x: dd.sum(w * x + k * x * x))(np.array([0.5, 0.25]))
    assert g.dtype == np.float64 and np.array_equal(g, [1.0 + 3.0, 2.0 + 2.0])


# --- 0-d and empty arrays ---------------------------------------------------------------

def test_zero_dimensional_arrays():
    x = np.array(2.0)
    assert dd.grad(square)(x) == 4.0
    assert dd.jacfwd(square)(x) == 4.0 and dd.jacrev(square)(x) == 4.0
    assert dd.hessian(square)(x) == 2.0
    value, tangent = dd.jvp(square, (x,), (np.array(1.0),))
    assert (value, tangent) == (4.0, 4.0)
    assert np.ndim(value) == 0 and np.ndim(tangent) == 0
    assert dd.grad(lambda v: dd.sum(dd.sin(v)))(x) == np.cos(2.0)


def test_empty_arrays_forward_and_grad():
    x = np.zeros(0)
    g = dd.grad(sum_of_squares)(x)
    assert g.shape == (0,) and g.dtype == np.float64
    value, tangent = dd.jvp(square, (x,), (np.zeros(0),))
    assert value.shape == tangent.shape == (0,)
    assert dd.jacfwd(square)(x).shape == (0, 0)
    assert dd.hessian(sum_of_squares)(x).shape == (0, 0)
    assert dd.jvp(dd.sum, (x,), (x,)) == (0.0, 0.0)


@pytest.mark.parametrize("f, x, shape", [
    (square, np.zeros(0), (0, 0)),
    (lambda v: v[:0], np.ones(2), (0, 2)),
], ids=["empty-input", "empty-output"])
def test_jacrev_of_empty_arrays(f, x, shape):
    assert dd.jacrev(f)(x).shape == shape


def test_jacfwd_of_empty_output():
    assert dd.jacfwd(lambda v: v[:0])(np.ones(2)).shape == (0, 2)


# --- lists as inputs ----------------------------------------------------------------------

def test_lists_are_accepted_by_every_transformation():
    """A list input is a pytree of scalars (as in JAX): derivatives come back list-shaped."""
    f = lambda x: x[0] * x[1] ** 2
    expected = [4.0, 4.0]  # at (1, 2): ∂/∂x0 = x1² = 4, ∂/∂x1 = 2 x0 x1 = 4
    assert list(dd.grad(f)([1.0, 2.0])) == expected
    assert list(dd.grad(f)([1, 2])) == expected
    assert list(dd.jacfwd(f)([1.0, 2.0])) == expected
    assert list(dd.jacrev(f)([1.0, 2.0])) == expected
    assert dd.jvp(f, ([1.0, 2.0],), ([1.0, 0.0],))[1] == 4.0
    np.testing.assert_array_equal(dd.hessian(f)([1.0, 2.0]), [[0.0, 4.0], [4.0, 2.0]])
    assert dd.Dual([1.0, 2.0], [1.0, 0.0]).value.dtype == np.float64


def test_list_input_means_the_same_thing_in_every_transformation():
    # Regression: grad treated a list as a pytree while jacfwd/jacrev made it an array.
    f = lambda x: x[0] * x[1]
    kinds = {type(t(f)([1.0, 2.0])) for t in (dd.grad, dd.jacfwd, dd.jacrev)}
    assert len(kinds) == 1


# --- refusing what would silently lose the derivative ----------------------------------

@pytest.mark.parametrize("convert, fix", [
    (float, "np.sin(x) or dualdiff.sin(x)"), (int, "dualdiff.primal"),
    (complex, "finite_diff")], ids=["float", "int", "complex"])
def test_converting_a_dual_raises_type_error_with_a_hint(convert, fix):
    with pytest.raises(TypeError, match=re.escape(fix)) as info:
        convert(dd.Dual(1.5, 1.0))
    assert "derivative" in str(info.value) or "real functions" in str(info.value)


@pytest.mark.parametrize("convert", [float, int], ids=["float", "int"])
def test_converting_a_tape_value_raises_type_error(convert):
    with pytest.raises(TypeError, match="derivative"):
        dd.grad(lambda x: convert(x))(1.5)


def test_numpy_asarray_of_a_dual_raises():
    with pytest.raises(TypeError, match="derivative"):
        np.asarray(dd.Dual(np.ones(2), np.ones(2)))


BAD_CALLS = {
    "grad": lambda bad: dd.grad(square)(bad),
    "grad-argnums": lambda bad: dd.grad(lambda x, y: x * y, argnums=1)(1.0, bad),
    "value_and_grad": lambda bad: dd.value_and_grad(square)(bad),
    "jvp-primal": lambda bad: dd.jvp(square, (bad,), (1.0,)),
    "jvp-tangent": lambda bad: dd.jvp(square, (1.0,), (bad,)),
    "jacfwd": lambda bad: dd.jacfwd(square)(bad),
    "jacrev": lambda bad: dd.jacrev(square)(bad),
    "hessian": lambda bad: dd.hessian(square)(bad),
    "derivative": lambda bad: dd.derivative(square)(bad),
    "vjp": lambda bad: dd.vjp(square, bad),
    "Dual": lambda bad: dd.Dual(bad, 1.0),
}


@pytest.mark.parametrize("call", BAD_CALLS, ids=list(BAD_CALLS))
@pytest.mark.parametrize("bad", ["x", None, np.array(["a"]), np.array([object()], dtype=object)],
                         ids=["str", "None", "str-array", "object-array"])
def test_non_numeric_input_is_a_type_error_naming_the_argument(call, bad):
    with pytest.raises(TypeError) as info:
        BAD_CALLS[call](bad)
    message = str(info.value)
    if call == "grad-argnums":
        assert "argument 1" in message
    elif call == "jvp-tangent":
        assert "tangent 0" in message
    elif call == "derivative" and np.ndim(bad) > 0:
        assert "scalar" in message  # refused for its shape before its dtype is looked at
        return
    elif call != "Dual":
        assert "argument 0" in message or "primal 0" in message
    assert "numeric" in message or "number" in message


# --- the numpy protocol on Duals and on tape values ------------------------------------

A = np.array([[1.0, 2.0], [3.0, -1.0]])
C = np.array([True, False])
X0 = np.array([0.5, -1.5])

# name, f (array -> array or scalar), Jacobian at X0 written by hand
NUMPY_CALLS = [
    ("np.exp", lambda x: np.exp(x), np.diag(np.exp(X0))),
    ("np.sin", lambda x: np.sin(x), np.diag(np.cos(X0))),
    ("np.sum", lambda x: np.sum(x), np.ones(2)),
    ("np.mean", lambda x: np.mean(x), np.full(2, 0.5)),
    ("A @ x", lambda x: A @ x, A),
    ("x @ A", lambda x: x @ A, A.T),
    ("np.dot", lambda x: np.dot(A, x), A),
    ("np.matmul", lambda x: np.matmul(A, x), A),
    ("np.where", lambda x: np.where(C, x, 0.0), np.diag([1.0, 0.0])),
    ("np.maximum", lambda x: np.maximum(x, 0.0), np.diag([1.0, 0.0])),
    ("np.abs", lambda x: np.abs(x), np.diag([1.0, -1.0])),
    ("ndarray + x", lambda x: np.ones(2) + x, np.eye(2)),
    ("ndarray * x", lambda x: np.array([2.0, 3.0]) * x, np.diag([2.0, 3.0])),
    ("ndarray - x", lambda x: np.ones(2) - x, -np.eye(2)),
    ("ndarray / x", lambda x: np.ones(2) / x, np.diag(-1.0 / X0 ** 2)),
    ("np.float64 * x", lambda x: np.float64(2.0) * x, 2 * np.eye(2)),
    ("x ** 2 (np.int64)", lambda x: x ** np.int64(2), np.diag(2 * X0)),
    ("np.reshape", lambda x: np.reshape(x, (2, 1))[:, 0], np.eye(2)),
    ("np.concatenate", lambda x: np.concatenate([x, x])[1:3], np.array([[0.0, 1.0], [1.0, 0.0]])),
]


@pytest.mark.parametrize("name, f, jac", NUMPY_CALLS, ids=[c[0] for c in NUMPY_CALLS])
def test_numpy_functions_on_duals(name, f, jac):
    for k in range(2):
        out = f(dd.Dual(X0, np.eye(2)[k]))
        assert isinstance(out, dd.Dual), f"{name} returned {type(out).__name__}"
        np.testing.assert_allclose(out.tangent, jac[..., k], rtol=1e-15)


@pytest.mark.parametrize("name, f, jac", NUMPY_CALLS, ids=[c[0] for c in NUMPY_CALLS])
def test_numpy_functions_on_tape_values(name, f, jac):
    def check_type(x):
        out = f(x)
        assert isinstance(out, dd.Var), f"{name} returned {type(out).__name__}"
        return out
    np.testing.assert_allclose(dd.jacrev(check_type)(X0), jac, rtol=1e-15)
    np.testing.assert_allclose(dd.jacfwd(f)(X0), jac, rtol=1e-15)


def test_ndarray_plus_dual_is_a_dual_not_an_object_array():
    d = dd.Dual(np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    for out in (np.ones(2) + d, d + np.ones(2), np.ones((3, 2)) * d, np.float64(1.0) + d):
        assert isinstance(out, dd.Dual)
        assert out.value.dtype == np.float64
    assert (np.ones((3, 2)) * d).shape == (3, 2)


def test_comparisons_give_plain_booleans():
    d = dd.Dual(np.array([1.0, -2.0]), np.ones(2))
    mask = np.greater(d, 0.0)
    assert mask.dtype == bool and list(mask) == [True, False]
    assert list(d > 0) == [True, False]


UNSUPPORTED = [
    ("numpy.fft.fft", lambda x: np.fft.fft(x)),
    ("numpy.fft.ifft", lambda x: np.fft.ifft(x)),
    ("numpy.histogram", lambda x: np.histogram(x)),
    ("numpy.spacing", lambda x: np.spacing(x)),
    ("numpy.fft.rfft", lambda x: np.fft.rfft(x)),
]


@pytest.mark.parametrize("name, f", UNSUPPORTED, ids=[u[0] for u in UNSUPPORTED])
@pytest.mark.parametrize("mode", ["Dual", "grad"])
def test_unsupported_numpy_function_is_refused_by_name(name, f, mode):
    x = np.array([1.0, 2.0, 3.0, 4.0])
    with pytest.raises(TypeError, match=f"no derivative rule for {name}\\b"):
        if mode == "Dual":
            f(dd.Dual(x, np.ones(4)))
        else:
            dd.grad(lambda v: dd.sum(f(v)))(x)


@pytest.mark.parametrize("call, name", [
    (lambda d: np.add.reduceat(d, [0, 2]), "numpy.add.reduceat"),
    (lambda d: np.multiply.outer(d, d), "numpy.multiply.outer"),
], ids=["add.reduceat", "multiply.outer"])
def test_unsupported_ufunc_method_is_refused_by_its_full_name(call, name):
    with pytest.raises(TypeError, match=f"no derivative rule for {name}"):
        call(dd.Dual(np.ones(3), np.ones(3)))
