"""Port of JAX's numpy derivative tests (jax-ml/jax, 2026 snapshot) to dualdiff.

Ported, with the JAX test each one comes from:
  tests/lax_numpy_test.py NumpyGradTests - testOpGrad over GRAD_TEST_RECORDS (arcsinh, arccosh,
      arctanh, logaddexp, logaddexp2 on every pair of JAX's nonempty_shapes),
      testOpGradSpecialValue (GRAD_SPECIAL_VALUE_TEST_RECORDS), testSincAtZero,
      testSincGradArrayInput, testTakeAlongAxisIssue1521, testGradLogaddexp(2)Complex,
      testGradLdexp, testGradFrexp; testIssue764 (tanh at 190..200)
  tests/lax_numpy_reducers_test.py - testNanStdGrad
  tests/lax_scipy_test.py - testLogSumExpWhereGrad
  tests/lax_autodiff_test.py, at the jax.numpy level (dualdiff has no lax): testCumulativeReduceGrad
      (np.cumsum/np.cumprod), testSortGrad, testPadGrad, testReverseGrad (np.flip),
      testSelectGrad (np.where), testClampGrad (np.clip), testReduceGrad (sum/prod/max/min),
      testTransposeGrad, testConcatenateGrad, testSplitGrad, testTileAutodiff, testIndexTakeGrad
      (np.take), testPowSecondDerivative, testPowIntPowerAtZero, testPowIntPowerAtZero2
  tests/lax_numpy_indexing_test.py - testStaticIndexingGrads, testAdvancedIntegerIndexingGrads,
      index-update grads (x.at[i].set / .add)
  no JAX counterpart (derivative tests JAX leaves to its lax tests): einsum, trace, diagonal, roll,
      logsumexp along axes, each against a closed form and check_grads.

Adapted: float64 only (JAX's float32/float16/bfloat16 rows dropped); complex dtypes become
"forward and reverse mode refuse the complex input"; `jnp.` -> numpy called on dualdiff values
(numpy's protocols) or `dd.`; `check_grads(f, args, order, modes, atol, rtol, eps)` ->
`dd.check_grads` with the same signature, Richardson finite differences, both modes. Tolerances are
dualdiff's defaults (atol 1e-8, rtol 1e-6 plus the FD error estimate), tighter than JAX's 1e-3,
unless a test states otherwise. lax.pad's negative and interior padding and lax.sort's is_stable
have no numpy spelling and are left out.
"""

import itertools
from functools import partial

import numpy as np
import pytest

import dualdiff as dd

check_grads = dd.check_grads


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# JAX's shape lists (tests/lax_numpy_test.py): a numpy scalar, a Python scalar, then arrays.
NP_SCALAR, PY_SCALAR = "np_scalar", "py_scalar"
NONEMPTY_SHAPES = [NP_SCALAR, PY_SCALAR, (), (4,), (3, 4), (3, 1), (1, 4), (2, 1, 4), (2, 3, 4)]


def _sample(values, shape):
    if shape == PY_SCALAR:
        return float(values(()))
    if shape == NP_SCALAR:
        return np.float64(values(()))
    return np.asarray(values(shape), dtype=np.float64)


def rand_positive(rng, shape):  # jtu.rand_positive: uniform [2, 4)
    return _sample(lambda s: (rng.random(s) + 1) * 2, shape)


def rand_uniform(rng, shape, low=-0.9, high=0.9):  # jtu.rand_uniform
    return _sample(lambda s: rng.uniform(low, high, s), shape)


def rand_default(rng, shape, scale=3.0):  # jtu.rand_default: 3 * standard normal
    return _sample(lambda s: scale * rng.standard_normal(s), shape)


def rand_small(rng, shape):  # jtu.rand_small: 0.1 * standard normal
    return rand_default(rng, shape, 0.1)


def rand_unique_int(rng, shape):  # jtu.rand_unique_int: distinct integers as floats
    n = int(np.prod(shape))
    return rng.permutation(n).reshape(shape).astype(np.float64)


GRAD_TEST_RECORDS = [  # (op, nargs, order, rng)
    (np.arcsinh, 1, 2, rand_positive),
    (np.arccosh, 1, 1, rand_positive),
    (np.arctanh, 1, 2, rand_uniform),
    (np.logaddexp, 2, 1, rand_uniform),
    (np.logaddexp2, 2, 2, rand_uniform),
]

OP_GRAD_CASES = [
    pytest.param(op, shapes, order, factory, id=f"{op.__name__}-{'-'.join(map(str, shapes))}")
    for op, nargs, order, factory in GRAD_TEST_RECORDS
    for shapes in itertools.combinations_with_replacement(NONEMPTY_SHAPES, nargs)
]


@pytest.mark.parametrize("op,shapes,order,factory", OP_GRAD_CASES)
def test_op_grad(rng, op, shapes, order, factory):
    """testOpGrad (float64 rows; JAX allows rank promotion, so does numpy)."""
    args = tuple(factory(rng, s) for s in shapes)
    check_grads(op, args, order, ["fwd", "rev"])


@pytest.mark.parametrize("op", [np.arcsinh, np.arccosh, np.arctanh, np.logaddexp, np.logaddexp2])
def test_op_grad_complex_refused(op):
    """testOpGrad's complex64 rows, testGradLogaddexpComplex, testGradLogaddexp2Complex:
    dualdiff differentiates real functions, so a complex input is refused in both modes."""
    z = np.array([1.5 + 0.5j, 2.0 - 0.25j])
    args = (z,) * (2 if op in (np.logaddexp, np.logaddexp2) else 1)
    with pytest.raises(TypeError, match="complex"):
        dd.jvp(lambda *a: op(*a), args, args)
    with pytest.raises(TypeError, match="complex"):
        dd.grad(lambda *a: np.sum(op(*a)))(*args)


@pytest.mark.parametrize("op,value,order", [
    (np.arcsinh, 0.0, 2), (np.arcsinh, 1000.0, 2), (np.arccosh, 1000.0, 2),
    (np.arctanh, 0.0, 2), (np.sinc, 0.0, 1)])
def test_op_grad_special_value(op, value, order):
    """testOpGradSpecialValue."""
    check_grads(op, (value,), order, ["fwd", "rev"])


def test_sinc_at_zero():
    """testSincAtZero: every mix of jvp-derivative and grad, orders 1-4, closed forms."""
    def deriv(f):
        return lambda x: dd.jvp(f, (x,), (1.0,))[1]

    expected = {1: 0.0, 2: -np.pi ** 2 / 3, 3: 0.0, 4: np.pi ** 4 / 5}
    for n, want in expected.items():
        for ops in itertools.combinations_with_replacement([deriv, dd.grad], n):
            f = np.sinc
            for op in ops:
                f = op(f)
            assert f(0.0) == pytest.approx(want, abs=1e-10, rel=1e-10), ops


def test_sinc_grad_array_input():
    """testSincGradArrayInput: and the numbers, sinc'(x) = (cos(pi x) - sinc(x)) / x."""
    x = np.arange(10.0)
    g = dd.grad(lambda x: np.sinc(x).sum())(x)
    want = np.zeros(10)
    want[1:] = (np.cos(np.pi * x[1:]) - np.sinc(x[1:])) / x[1:]
    np.testing.assert_allclose(g, want, atol=1e-14)


def test_take_along_axis_issue1521():
    """testTakeAlongAxisIssue1521 (dd.array/reshape spellings for jnp.arange(...).reshape)."""
    idx = np.repeat(np.arange(3), 10).reshape((30, 1))

    def f(x):
        y = x * np.arange(3.0).reshape((1, 3))
        return np.take_along_axis(y, idx, -1).sum()

    check_grads(f, (1.0,), order=1)
    assert dd.grad(f)(1.0) == pytest.approx(30.0)  # 10 * (0 + 1 + 2)


@pytest.mark.parametrize("name,fun", [("ldexp", lambda x: np.ldexp(x, 2)),
                                      ("frexp", lambda x: np.frexp(x)[0])])
def test_ldexp_frexp_refused(name, fun):
    """testGradLdexp, testGradFrexp: dualdiff has no rule for numpy.ldexp / numpy.frexp and
    refuses them by name in both modes (x * 2.0**n is the differentiable spelling of ldexp)."""
    x = np.array([0.5, -1.5, 3.0])
    with pytest.raises(dd.NoDerivativeRule, match=name):
        dd.jvp(fun, (x,), (x,))
    with pytest.raises(dd.NoDerivativeRule, match=name):
        dd.grad(lambda x: np.sum(fun(x)))(x)


def test_issue764_tanh_saturated():
    """testIssue764: tanh(190..200) is 1 in float64, so the gradient is 0."""
    x = np.linspace(190, 200, 4)
    np.testing.assert_allclose(dd.grad(lambda x: np.sum(np.tanh(x)))(x), np.zeros(4),
                               atol=1e-14, rtol=0)


def test_nan_std_grad_refused():
    """testNanStdGrad: numpy.nanvar / nanstd have no rule in dualdiff; refused by name."""
    x = np.array([np.nan, 1.0, 2.0, 3.0, 4.0])
    for f in (np.nanvar, np.nanstd):
        with pytest.raises(dd.NoDerivativeRule, match=f.__name__):
            dd.grad(f)(x)
    # The spelling dualdiff does differentiate: the variance of the non-NaN entries.
    g = dd.grad(lambda x: np.var(x[1:]))(x)
    np.testing.assert_allclose(g, [0.0, -0.75, -0.25, 0.25, 0.75])


def test_logsumexp_where_grad():
    """testLogSumExpWhereGrad. dd.logsumexp takes no `where` (refused by Python as an unknown
    keyword); the same mask written as a boolean index gives JAX's gradient."""
    x = np.array([0.0, 0.0, 0.0, 0.0, 100.0])
    with pytest.raises(TypeError, match="where"):
        dd.logsumexp(x, where=np.arange(5) < 4)
    g = dd.grad(lambda x: dd.logsumexp(x[np.arange(5) < 4]))(x)
    np.testing.assert_allclose(g, [0.25, 0.25, 0.25, 0.25, 0.0])


@pytest.mark.parametrize("axis,keepdims", [(None, False), (0, False), (1, True), (-1, False)])
def test_logsumexp_grad(rng, axis, keepdims):
    """logsumexp's gradient is the softmax along the axis; large entries do not overflow."""
    x = rng.standard_normal((3, 4)) * 3
    check_grads(lambda x: dd.logsumexp(x, axis=axis, keepdims=keepdims), (x,), 2)
    big = x + 800.0
    g = dd.grad(lambda x: np.sum(dd.logsumexp(x, axis=axis, keepdims=keepdims)))(big)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    np.testing.assert_allclose(g, e / e.sum(axis=axis, keepdims=True), rtol=1e-12)


@pytest.mark.parametrize("op", [np.cumsum, np.cumprod])
@pytest.mark.parametrize("shape,axis", [((10,), 0), ((3, 4, 5), 0), ((3, 4, 5), 1),
                                        ((3, 4, 5), 2)])
@pytest.mark.parametrize("reverse", [False, True])
def test_cumulative_reduce_grad(rng, op, shape, axis, reverse):
    """testCumulativeReduceGrad (lax.cumsum/cumprod; reverse=True written with np.flip)."""
    x = rand_small(rng, shape)
    if reverse:
        f = lambda x: np.flip(op(np.flip(x, axis), axis=axis), axis)
    else:
        f = lambda x: op(x, axis=axis)
    check_grads(f, (x,), order=2)


def test_cumsum_grad_closed_form():
    """d sum(cumsum(x)) / dx_i = n - i; cumprod's VJP with a zero entry stays finite."""
    x = np.arange(1.0, 6.0)
    np.testing.assert_allclose(dd.grad(lambda x: np.sum(np.cumsum(x)))(x), [5, 4, 3, 2, 1])
    z = np.array([2.0, 0.0, 3.0])
    g = dd.grad(lambda x: np.sum(np.cumprod(x)))(z)
    # cumprod = [x0, x0 x1, x0 x1 x2]: at x1 = 0, d/dx0 = 1, d/dx1 = x0 + x0 x2 = 8, d/dx2 = 0
    np.testing.assert_allclose(g, [1.0, 8.0, 0.0])
    check_grads(np.cumprod, (z,), order=2)


@pytest.mark.parametrize("shape,axis", [((5,), -1), ((5, 7), -1), ((4, 9, 3), -1),
                                        ((4, 9, 3), 0)])
def test_sort_grad(rng, shape, axis):
    """testSortGrad (distinct values, as JAX's rand_unique_int; eps 1e-2 as JAX)."""
    x = rand_unique_int(rng, shape)
    check_grads(lambda x: np.sort(x, axis=axis), (x,), 2, ["fwd", "rev"], eps=1e-2)
    # The gradient of a weighted sort is the weight of each entry's rank.
    w = np.arange(1.0, 6.0)
    v = np.arange(5.0) * 1.5 - 2.0
    g = dd.grad(lambda v: np.sum(np.sort(v) * w))(v[::-1].copy())
    np.testing.assert_allclose(g, w[::-1])


def test_sort_grad_empty():
    """testSortGrad's shape (0,): an empty sort has an empty derivative."""
    x = np.zeros((0,))
    y, t = dd.jvp(np.sort, (x,), (x,))
    assert y.shape == (0,) and t.shape == (0,)


@pytest.mark.parametrize("shape,pads", [((2, 3), ((1, 2), (0, 1))), ((2, 3), ((0, 0), (2, 0))),
                                        ((4,), ((3, 1),))])
def test_pad_grad(rng, shape, pads):
    """testPadGrad: the operand, then the operand and the padding value, both differentiated
    (lax.pad's negative/interior padding has no numpy spelling)."""
    x = rand_small(rng, shape)
    check_grads(lambda x: np.pad(x, pads), (x,), 2, ["fwd", "rev"], eps=1.0)
    # numpy dispatches np.pad on its first argument only, so with a plain array and a dualdiff
    # constant numpy pads by itself and dualdiff refuses the conversion; dd.pad is the spelling.
    with pytest.raises(dd.errors.PrecisionLossError):
        dd.grad(lambda v: np.sum(np.pad(x, pads, constant_values=v)))(0.3)
    pad = lambda x, v: dd.pad(x, pads, constant_values=v)
    check_grads(pad, (x, 0.3), 2, ["fwd", "rev"], eps=1.0)
    # d/dv of sum(pad(x, v)) counts the padded cells.
    n_pad = np.prod([s + a + b for s, (a, b) in zip(shape, pads)]) - np.prod(shape)
    assert dd.grad(lambda v: np.sum(pad(x, v)))(0.3) == pytest.approx(n_pad)


@pytest.mark.parametrize("mode", ["edge", "reflect", "symmetric", "wrap"])
def test_pad_modes_grad(rng, mode):
    """np.pad's other modes copy entries: linear, checked to order 2."""
    x = rng.standard_normal((3, 4))
    check_grads(lambda x: np.pad(x, ((1, 2), (2, 1)), mode=mode), (x,), 2)


def test_reverse_grad():
    """testReverseGrad (lax.rev -> np.flip)."""
    check_grads(lambda x: np.flip(x, 0), (np.array([3.0, 2.0, 1.0]),), 2)
    check_grads(lambda x: np.flip(x, (0, 1)), (np.array([[6.0, 5.0, 4.0], [3.0, 2.0, 1.0]]),), 2)


@pytest.mark.parametrize("pred_shape,arg_shape", [((), ()), ((), (3,)), ((3,), (3,)),
                                                  ((), (2, 3)), ((2, 3), (2, 3))])
def test_select_grad(rng, pred_shape, arg_shape):
    """testSelectGrad (lax.select -> np.where), and the gradient lands where it was selected."""
    pred = rng.random(pred_shape) < 0.5
    a, b = rand_default(rng, arg_shape), rand_default(rng, arg_shape)
    check_grads(lambda a, b: np.where(pred, a, b), (a, b), 2, ["fwd", "rev"], eps=1.0)
    ga, gb = dd.grad(lambda a, b: np.sum(np.where(pred, a, b)), (0, 1))(a, b)
    np.testing.assert_array_equal(ga, np.broadcast_to(pred, np.shape(a)) * 1.0)
    np.testing.assert_array_equal(gb, np.broadcast_to(~pred, np.shape(b)) * 1.0)


def test_where_zero_cotangent_convention():
    """JAX's documented "double where" NaN: grad of where(x > 0, sqrt(x), 0) at x = -1 is NaN in
    JAX. dualdiff's convention (docs/architecture.md) is that a zero cotangent contributes
    exactly zero even through an infinite/NaN partial, so the gradient is 0 here."""
    f = lambda x: np.sum(np.where(x > 0, np.sqrt(x), 0.0))
    x = np.array([-1.0, 4.0])
    with np.errstate(invalid="ignore"):  # sqrt(-1) is evaluated, as in numpy
        np.testing.assert_array_equal(dd.grad(f)(x), [0.0, 0.25])
        assert dd.jvp(f, (x,), (np.array([1.0, 0.0]),))[1] == 0.0
        assert dd.jvp(f, (x,), (np.array([1.0, 1.0]),))[1] == 0.25


@pytest.mark.parametrize("shape", [(), (2, 3)])
def test_clamp_grad(rng, shape):
    """testClampGrad (lax.clamp(lo, x, hi) -> np.clip(x, lo, hi)); each argument in turn is the
    one strictly between the others, as JAX arranges."""
    op = rand_default(rng, shape)
    low, high = op - 10.0, op + 10.0
    clamp = lambda lo, x, hi: np.clip(x, lo, hi)
    check_grads(clamp, (low, op, high), 2, ["fwd", "rev"], eps=1e-2)
    check_grads(clamp, (op, low, high), 2, ["fwd", "rev"], eps=1e-2)  # x below lo: d/dlo = 1
    check_grads(clamp, (low, high, op), 2, ["fwd", "rev"], eps=1e-2)  # x above hi: d/dhi = 1
    g = dd.grad(lambda lo, x, hi: np.sum(clamp(lo, x, hi)), (0, 1, 2))(op, low, high)
    np.testing.assert_array_equal(g[0], np.ones(shape))
    np.testing.assert_array_equal(g[1], np.zeros(shape))


REDUCERS = [(np.sum, rand_small), (np.prod, partial(rand_default, scale=1.0)),
            (np.max, rand_unique_int), (np.min, rand_unique_int)]


@pytest.mark.parametrize("op,factory", REDUCERS, ids=["sum", "prod", "max", "min"])
@pytest.mark.parametrize("shape,axis", [((), None), ((3, 4, 5), None), ((3, 4, 5), 0),
                                        ((3, 4, 5), (1, 2)), ((3, 4, 5), (0, 2)),
                                        ((3, 4, 5), (0, 1, 2)), ((3, 1), 1), ((3, 0, 5), 1)])
def test_reduce_grad(rng, op, factory, shape, axis):
    """testReduceGrad (max/min skipped on empty shapes, as JAX)."""
    if op in (np.max, np.min) and 0 in shape:
        return
    x = factory(rng, shape)
    check_grads(lambda x: op(x, axis=axis), (x,), 2, ["fwd", "rev"])


@pytest.mark.parametrize("shape,perm", [((3, 4), (1, 0)), ((3, 4), (0, 1)),
                                        ((3, 4, 5), (2, 1, 0)), ((3, 4, 5), (1, 0, 2))])
def test_transpose_grad(rng, shape, perm):
    """testTransposeGrad."""
    check_grads(lambda x: np.transpose(x, perm), (rand_default(rng, shape),), 2)


@pytest.mark.parametrize("base_shape,dim", [((4,), 0), ((3, 4), 0), ((3, 4), 1),
                                            ((2, 3, 4), 0), ((2, 3, 4), 2)])
@pytest.mark.parametrize("num_arrs", [1, 2, 3])
def test_concatenate_grad(rng, base_shape, dim, num_arrs):
    """testConcatenateGrad (shapes grow along dim, as JAX's)."""
    shapes = [base_shape[:dim] + (size,) + base_shape[dim + 1:]
              for size, _ in zip(itertools.cycle([3, 1, 4]), range(num_arrs))]
    operands = tuple(rand_default(rng, s) for s in shapes)
    check_grads(lambda *xs: np.concatenate(xs, dim), operands, 2, ["fwd", "rev"], eps=1.0)


@pytest.mark.parametrize("shape,axis,pieces", [((4,), 0, 2), ((6, 4), 0, 3), ((3, 4), 1, 2),
                                               ((2, 3, 4), 2, [1, 3])])
def test_split_grad(rng, shape, axis, pieces):
    """testSplitGrad: every piece checked (np.split / np.array_split indices)."""
    x = rand_default(rng, shape)
    n = len(np.split(np.zeros(shape), pieces, axis))
    for k in range(n):
        check_grads(lambda x, k=k: np.split(x, pieces, axis)[k], (x,), 2, ["fwd", "rev"],
                    eps=1.0)


@pytest.mark.parametrize("shape,reps", [((), (2,)), ((3,), (2,)), ((2, 3), (2, 1)),
                                        ((2, 3), (1, 2, 2))])
def test_tile_autodiff(rng, shape, reps):
    """testTileAutodiff."""
    check_grads(lambda x: np.tile(x, reps), (rand_default(rng, shape),), 2)


@pytest.mark.parametrize("idx,axis", [([0, 2], 0), ([1, 1, 0], 1), ([[0, 1], [2, 0]], 0),
                                      ([3, 0, 3], None)])
def test_index_take_grad(rng, idx, axis):
    """testIndexTakeGrad (lax's index_take -> np.take; repeated indices accumulate)."""
    x = rand_default(rng, (3, 4))
    check_grads(lambda x: np.take(x, np.array(idx), axis=axis), (x,), 2)


def test_pow_second_derivative():
    """testPowSecondDerivative: jacfwd∘jacfwd and jacrev∘jacrev of pow at (4, 0)."""
    x, y = 4.0, 0.0
    expected = ((0.0, 1 / x), (1 / x, np.log(x) ** 2))
    for jac in (dd.jacfwd, dd.jacrev):
        result = jac(jac(lambda a, b: a ** b, (0, 1)), (0, 1))(x, y)
        np.testing.assert_allclose(np.array(result, dtype=float), expected, rtol=1e-14)


def test_pow_zero_to_the_zero_convention():
    """testPowSecondDerivative "zero to the zero": JAX's grad of x**y at (0, 0) is NaN. dualdiff's
    documented convention: d(x**y)/dx = y x**(y-1) is 0 for y = 0, and d/dy at x = 0 is -inf
    where y <= 0 (0**y jumps at y = 0)."""
    gx, gy = dd.grad(lambda a, b: a ** b, (0, 1))(0.0, 0.0)
    assert gx == 0.0
    assert gy == -np.inf


def test_pow_int_power_at_zero():
    """testPowIntPowerAtZero, testPowIntPowerAtZero2: x**0 has derivative 0 at 0, and z**[0, 1]
    summed has derivative 1 whatever the exponents' dtype."""
    assert dd.grad(lambda x, n: x ** n)(0.0, 0) == 0.0
    for f in (lambda z: np.sum(z ** np.arange(0, 2, dtype=int)),
              lambda z: np.sum(z ** np.arange(0, 2, dtype=float)),
              lambda z: 1 + z, lambda z: z ** 0 + z, lambda z: z ** 0.0 + z):
        assert dd.grad(f)(3.14) == pytest.approx(1.0, abs=1e-15)


STATIC_INDEXERS = [((3,), 1), ((3,), -1), ((4,), slice(1, 3)), ((4,), slice(None, None, -1)),
                   ((4, 5), (1, slice(0, 3))), ((4, 5), (Ellipsis, 2)),
                   ((3, 4, 5), (slice(None), None, 1)), ((3, 4), (slice(0, 3, 2), slice(None)))]


@pytest.mark.parametrize("shape,indexer", STATIC_INDEXERS)
def test_static_indexing_grads(rng, shape, indexer):
    """testStaticIndexingGrads (lax_numpy_indexing_test)."""
    check_grads(lambda x: x[indexer], (rand_default(rng, shape),), 2)


ADVANCED_INDEXERS = [((3,), np.array([0, 1])), ((3,), np.array([2, 2, 0])),
                     ((3, 4), np.array([[0, 1], [2, 2]])), ((3, 4), (np.array([0, 2]), 1)),
                     ((3, 4, 5), (slice(None), np.array([1, 1, 3]))),
                     ((3, 4), np.array([True, False, True]))]


@pytest.mark.parametrize("shape,indexer", ADVANCED_INDEXERS)
def test_advanced_integer_indexing_grads(rng, shape, indexer):
    """testAdvancedIntegerIndexingGrads (plus a boolean mask); repeats accumulate in reverse."""
    check_grads(lambda x: x[indexer], (rand_default(rng, shape),), 2, eps=1.0)


def test_advanced_indexing_repeated_closed_form():
    g = dd.grad(lambda x: np.sum(x[np.array([0, 0, 2, 0])]))(np.ones(3))
    np.testing.assert_array_equal(g, [3.0, 0.0, 1.0])


@pytest.mark.parametrize("method", ["set", "add", "multiply"])
@pytest.mark.parametrize("index", [1, slice(0, 2), np.array([0, 2])])
def test_index_update_grads(rng, method, index):
    """The index-update grads (lax_numpy_indexing_test IndexedUpdateTest.testStaticIndexingGrads
    and testAdvancedIndexingGrads; x.at -> dd.at(x), since a plain array has no .at): both the
    array and the update differentiated."""
    x = rand_default(rng, (3, 4))
    y = rand_default(rng, np.zeros((3, 4))[index].shape)
    check_grads(lambda x, y: getattr(dd.at(x)[index], method)(y), (x, y), 2)


@pytest.mark.parametrize("spec,shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij->", [(3, 4)]), ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]), ("i,i,i->", [(4,)] * 3),
    ("ij,j->i", [(3, 4), (4,)]), ("...ij,...jk", [(2, 3, 4), (4, 2)])])
def test_einsum_grad(rng, spec, shapes):
    """einsum, every operand differentiated, to order 2."""
    args = tuple(rng.standard_normal(s) for s in shapes)
    check_grads(lambda *a: np.einsum(spec, *a), args, 2)


def test_einsum_same_operand_twice():
    """x used twice in one einsum: d/dx x^T A x = (A + A^T) x."""
    a = np.arange(9.0).reshape(3, 3)
    x = np.array([1.0, -2.0, 0.5])
    g = dd.grad(lambda x: np.einsum("i,ij,j->", x, a, x))(x)
    np.testing.assert_allclose(g, (a + a.T) @ x)


@pytest.mark.parametrize("offset", [0, 1, -1])
def test_trace_diagonal_grad(rng, offset):
    """trace and diagonal: d trace(X, k) / dX is the k-th diagonal's indicator."""
    x = rng.standard_normal((3, 4))
    check_grads(lambda x: np.trace(x, offset), (x,), 2)
    check_grads(lambda x: np.diagonal(x, offset), (x,), 2)
    np.testing.assert_array_equal(dd.grad(lambda x: np.trace(x, offset))(x),
                                  np.eye(3, 4, offset))
    x3 = rng.standard_normal((2, 3, 3))
    check_grads(lambda x: np.diagonal(x, offset, axis1=1, axis2=2), (x3,), 2)
    check_grads(lambda x: np.trace(x, offset, axis1=0, axis2=2), (x3,), 2)


@pytest.mark.parametrize("shift,axis", [(1, None), (-2, 0), ((1, 2), (0, 1)), (5, 1)])
def test_roll_grad(rng, shift, axis):
    """roll: its VJP rolls back."""
    x = rng.standard_normal((3, 4))
    check_grads(lambda x: np.roll(x, shift, axis), (x,), 2)
    w = rng.standard_normal((3, 4))
    g = dd.grad(lambda x: np.sum(w * np.roll(x, shift, axis)))(x)
    np.testing.assert_allclose(g, np.roll(w, np.negative(shift), axis))
