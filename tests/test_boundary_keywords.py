"""The keyword audit: every keyword of every numpy function dualdiff answers for is honoured or refused.

For each numpy function and ufunc the dispatch table routes to dualdiff, the
test enumerates the keywords of numpy's own signature and calls the function
on dualdiff values with non-default values of each. Every call must either

* give numpy's value (on the plain inputs) and a derivative that matches
  central finite differences of the plain numpy call (relative 1e-6), or
* raise a ``TypeError`` that names the function and the keyword,

and when numpy itself rejects the call, dualdiff must raise too. The
signatures of dualdiff's functions must have numpy's parameter names, so a
keyword numpy adds later can never be swallowed silently: this test fails
until it is handled. Functions and keywords are listed in ``CASES`` and
``KEYWORD_VALUES``; a dispatched function without a case fails the test.
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

import dualdiff as dd
from dualdiff import operators
from dualdiff.core import primal
from dualdiff.primitives.keywords import UFUNC_KEYWORDS

pytestmark = pytest.mark.filterwarnings("ignore:'where' used without 'out'")

RNG = np.random.default_rng(0)
X = RNG.uniform(0.5, 2.0, (3, 4))
Y = RNG.uniform(0.5, 2.0, (3, 4))
MASK = np.array([[True, False, True, True], [False, True, True, False], [True, True, False, True]])

# (positional arguments, keyword arguments); the float arrays among them are differentiated.
CASES = {
    np.sum: ((X,), {}), np.mean: ((X,), {}), np.prod: ((X,), {}),
    np.max: ((X,), {}), np.amax: ((X,), {}), np.min: ((X,), {}), np.amin: ((X,), {}),
    np.reshape: ((X, (4, 3)), {}), np.transpose: ((X,), {}), np.moveaxis: ((X, 0, 1), {}),
    np.swapaxes: ((X, 0, 1), {}), np.expand_dims: ((X, 0), {}), np.squeeze: ((X[None],), {}),
    np.broadcast_to: ((X[:1], (3, 4)), {}), np.concatenate: (([X, Y],), {}),
    np.stack: (([X, Y],), {}), np.where: ((MASK, X, Y), {}), np.dot: ((X, Y.T), {}),
    np.clip: ((X, 0.8, 1.5), {}), np.shape: ((X,), {}), np.ndim: ((X,), {}),
    np.size: ((X,), {}),
}

# Each part of the numpy surface lists its functions in its own block below (one block per
# module group, so that changes to different parts never touch the same lines).

# -- numpy.linalg (dualdiff/primitives/linalg.py, decompositions.py, eigen.py, norms.py) -------
_LA = np.random.default_rng(14)
_LA_SQ = _LA.normal(size=(3, 3)) + 3.0 * np.eye(3)  # well conditioned
_LA_SPD = _LA_SQ @ _LA_SQ.T
_LA_P = np.eye(3) + 0.2 * _LA.normal(size=(3, 3))
_LA_REAL_SPECTRUM = _LA_P @ np.diag([-1.0, 0.5, 2.0]) @ np.linalg.inv(_LA_P)
_LA_TENSOR = (_LA.normal(size=(6, 6)) + 6.0 * np.eye(6)).reshape(2, 3, 6)
CASES.update({
    np.linalg.det: ((_LA_SQ,), {}), np.linalg.slogdet: ((_LA_SQ,), {}),
    np.linalg.inv: ((_LA_SQ,), {}), np.linalg.solve: ((_LA_SQ, X), {}),
    np.linalg.pinv: ((_LA_SQ,), {}), np.linalg.matrix_power: ((_LA_SQ, 3), {}),
    np.linalg.lstsq: ((X.T, _LA.normal(size=4)), {}), np.linalg.multi_dot: (([X, Y.T, X],), {}),
    np.linalg.matrix_rank: ((X,), {}), np.linalg.tensorinv: ((_LA_TENSOR,), {}),
    np.linalg.tensorsolve: ((_LA_TENSOR, X[:2, :3]), {}), np.linalg.matmul: ((X, Y.T), {}),
    np.linalg.cholesky: ((_LA_SPD,), {}), np.linalg.qr: ((X,), {}), np.linalg.svd: ((X,), {}),
    np.linalg.svdvals: ((X,), {}), np.linalg.eigh: ((_LA_SPD,), {}),
    np.linalg.eigvalsh: ((_LA_SPD,), {}), np.linalg.eig: ((_LA_REAL_SPECTRUM,), {}),
    np.linalg.eigvals: ((_LA_REAL_SPECTRUM,), {}), np.linalg.norm: ((X,), {}),
    np.linalg.vector_norm: ((X,), {}), np.linalg.matrix_norm: ((X,), {}),
    np.linalg.cond: ((_LA_SQ,), {}), np.linalg.matrix_transpose: ((X,), {}),
    np.linalg.vecdot: ((X, Y), {}), np.linalg.outer: ((X[0], Y[0]), {}),
    np.linalg.diagonal: ((X,), {}), np.linalg.trace: ((X,), {}),
    np.linalg.tensordot: ((X, Y.T), {}), np.linalg.cross: ((X[:, :3], Y[:, :3]), {}),
})


# -- contractions, statistics, scans (contractions.py, statistics.py, scans.py) ---------------
CASES.update({
    np.einsum: (("ij,kj->ik", X, Y), {}), np.tensordot: ((X, Y), {}), np.inner: ((X, Y), {}),
    np.outer: ((X, Y), {}), np.vdot: ((X, Y), {}), np.kron: ((X, Y), {}),
    np.cross: ((X[:, :3], Y[:, :3]), {}),
    np.var: ((X,), {}), np.std: ((X,), {}), np.average: ((X,), {}), np.median: ((X,), {}),
    np.trace: ((X,), {}), np.nansum: ((X,), {}), np.nanmean: ((X,), {}), np.ptp: ((X,), {}),
    np.cumsum: ((X,), {}), np.cumprod: ((X,), {}), np.diff: ((X,), {}), np.gradient: ((X,), {"axis": 0}),
})
if hasattr(np, "cumulative_sum"):
    CASES.update({np.cumulative_sum: ((X,), {"axis": 1}), np.cumulative_prod: ((X,), {"axis": 1})})


# -- elementwise additions, indices, construction (elementary.py, piecewise.py, indices.py,
#    construction.py) ---------------------------------------------------------------------------
CASES.update({
    np.sinc: ((X,), {}), np.fix: ((X,), {}), np.round: ((X,), {}), np.around: ((X,), {}),
    np.nan_to_num: ((X,), {}), np.real: ((X,), {}), np.imag: ((X,), {}),
    np.real_if_close: ((X,), {}), np.angle: ((X,), {}), np.iscomplex: ((X,), {}),
    np.isreal: ((X,), {}), np.iscomplexobj: ((X,), {}), np.isrealobj: ((X,), {}),
    np.argmax: ((X,), {}), np.argmin: ((X,), {}), np.argsort: ((X,), {}),
    np.nonzero: ((X,), {}), np.flatnonzero: ((X,), {}), np.argwhere: ((X,), {}),
    np.searchsorted: ((np.sort(X[0]), Y[0]), {}), np.count_nonzero: ((X,), {}),
    np.zeros_like: ((X,), {}), np.ones_like: ((X,), {}), np.full_like: ((X, Y), {}),
    # empty_like's values are uninitialised, so no value can be compared: the case fixes every
    # keyword (tests/test_indices.py checks shape and dtype instead).
    np.empty_like: ((X,), {"dtype": None, "order": "K", "subok": True, "device": None}),
    np.isclose: ((X, Y), {}), np.allclose: ((X, Y), {}), np.array_equal: ((X, Y), {}),
    np.array_equiv: ((X, Y), {}),
    # retstep=True returns a tuple, which this audit does not compare (tests/test_construction.py
    # checks it against numpy and finite differences).
    np.linspace: ((X[0], Y[0]), {"retstep": False}), np.logspace: ((X[0], Y[0]), {}),
})


# -- shaping and selection (shaping.py, selection.py) -----------------------------------------
X3 = RNG.uniform(0.5, 2.0, (3, 4, 2))
CASES.update({
    np.repeat: ((X, 2), {}), np.tile: ((X, (2, 1)), {}), np.vstack: (([X, Y],), {}),
    np.hstack: (([X, Y],), {}), np.dstack: (([X, Y],), {}), np.column_stack: (([X, Y],), {}),
    np.append: ((X, Y), {}), np.split: ((X, 2, 1), {}), np.array_split: ((X, 3, 1), {}),
    np.hsplit: ((X, 2), {}), np.vsplit: ((X[:2], 2), {}), np.dsplit: ((X3, 2), {}),
    np.roll: ((X, 1), {}), np.flip: ((X,), {}), np.fliplr: ((X,), {}), np.flipud: ((X,), {}),
    np.rot90: ((X,), {}), np.pad: ((X, 1), {}), np.rollaxis: ((X3, 2), {}),
    np.ravel: ((X,), {}), np.atleast_1d: ((X,), {}), np.atleast_2d: ((X,), {}),
    np.atleast_3d: ((X,), {}), np.copy: ((X,), {}), np.block: (([[X, Y]],), {}),
    np.broadcast_arrays: ((X, Y[:1]), {}), np.diag: ((X,), {}), np.diagonal: ((X3,), {}),
    np.diagflat: ((X,), {}), np.tril: ((X,), {}), np.triu: ((X,), {}),
    np.select: (([MASK, ~MASK], [X, Y]), {}), np.take: ((X, np.array([0, 2, 1])), {}),
    np.take_along_axis: ((X, np.argsort(X, axis=1)), {}), np.sort: ((X,), {}),
    np.partition: ((X, 1), {}), np.compress: ((np.array([True, False, True]), X), {}),
    np.extract: ((MASK, X), {}),
})


KEYWORD_VALUES = {
    "axis": [0, 1, -1, (0, 1), None],
    "keepdims": [True, False],
    "dtype": [np.float32, np.float64, np.int64, None],
    "out": ["out"],
    "initial": [5.0, -3.0],
    "where": ["mask"],
    "order": ["C", "F", "A", "K"],
    "copy": [True, False, None],
    "subok": [True, False],
    "casting": ["unsafe", "no", "same_kind"],
    "signature": ["dd->d"],
    "axes": [[(0, 1), (0, 1), (0, 1)]],
    "a_min": [0.9, None], "a_max": [1.2, None], "min": [0.9], "max": [1.4],
    "source": [1, (0, 1)], "destination": [0, (1, 0)],
    "repeats": [3, [1, 0, 2]], "reps": [2, (2, 1)], "A": [X], "tup": [[X, Y]], "arr": [X],
    "values": [Y], "ary": [X], "indices_or_sections": [2, [1, 3]], "shift": [1, -2, (1, 2)],
    "m": [X], "k": [1, -1, 2, 5], "pad_width": [1, (1, 2), ((0, 1), (2, 0))],
    "mode": ["constant", "edge", "reflect", "symmetric", "wrap", "mean", "raise", "clip",
             "reduced", "complete", "r", "raw"],
    "start": [0, 1, 3, -1, 5], "arys": [X], "args": [X], "v": [X], "offset": [0, 1, -1, -2, 7],
    "condlist": [[MASK]], "choicelist": [[X]], "default": [0.5, -2.0], "indices": [[0, 1]],
    "kth": [0, 2, (0, 2), -1], "kind": ["quicksort", "mergesort", "heapsort", "stable",
                                        "introselect"],
    "stable": [True, False, None],
    # numpy.linalg (also "mode", "offset" above, "tol", "rtol" below)
    "ord": [None, "fro", "nuc", 1, -1, 2, -2, 3, 0, np.inf, -np.inf],
    "UPLO": ["U", "L", "X"], "upper": [True, False], "full_matrices": [False, True],
    "compute_uv": [False, True], "hermitian": [True, False], "rcond": [None, -1, 1e-3],
    "p": [None, 1, -1, 2, -2, np.inf, -np.inf, "fro", "nuc"], "n": [3, -2, 0], "ind": [1, 2],
    # elementwise additions, indices, construction
    "decimals": [1, -1, 3], "deg": [True], "tol": [1000, 1, 1e-3], "nan": [1.5], "posinf": [1e3, None],
    "neginf": [-1e3, None], "side": ["right", "left"], "sorter": [np.arange(4), None], "rtol": [0.5, 0.0, 1e-3],
    "atol": [0.5, 0.0], "equal_nan": [True, False], "device": ["cpu", None], "num": [7, 1, 0],
    "endpoint": [False, True], "retstep": [True, False], "base": [2.0, 3.0],
    # data arguments that the cases give positionally (never passed by name)
    "val": [X], "z": [X], "a1": [X], "a2": [Y], "fill_value": [2.5],
    "stop": [Y[0]],
    # contractions, statistics, scans
    "operands": [], "optimize": [True, "greedy", "optimal"], "axisa": [0, 1], "axisb": [0, -1],
    "axisc": [0, 1], "ddof": [1, 2.5], "mean": [np.mean(X, keepdims=True)],
    "correction": [1, 0.5], "weights": [Y], "returned": [True], "overwrite_input": [True],
    "n": [0, 2, 5], "prepend": [0.5, Y[:, :2]], "append": [-1.0, Y[:, :1]],
    "include_initial": [True], "edge_order": [1, 2], "f": [X],
}
"""Non-default values tried for each keyword; a keyword missing here fails the audit."""

POSITIONAL_DATA = {"a", "array", "arrays", "condition", "x", "y", "b", "shape", "axis1", "axis2"}
"""Parameters that carry the call's data; the basic call gives them."""


def _signature(func):
    try:
        return inspect.signature(func)
    except (TypeError, ValueError):
        return None


def _boxes(value, tangents):
    """Replace each float array in (nested lists of) arguments by a Dual with a random tangent."""
    if isinstance(value, list):
        return [_boxes(v, tangents) for v in value]
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        t = RNG.normal(size=value.shape)
        tangents.append((value, t))
        return dd.Dual(value, t)
    return value


def _shifted(value, pairs, h):
    if isinstance(value, list):
        return [_shifted(v, pairs, h) for v in value]
    for base, t in pairs:
        if value is base:
            return base + h * t
    return value


def _materialise(kwargs, expected_shape):
    out = dict(kwargs)
    if out.get("where") == "mask":
        out["where"] = MASK
    if out.get("out") == "out":
        out["out"] = np.empty(expected_shape)
    return out


CALLED: dict = {}
"""numpy name -> the dualdiff function answering it (its own name may be numpy's alias)."""


def _check_call(func, args, kwargs, name, keyword):
    """One call: numpy's value and FD derivative, or a refusal naming function and keyword."""
    try:
        plain_shape = np.shape(func(*args, **{k: v for k, v in kwargs.items() if v != "out"}))
    except Exception:  # noqa: BLE001
        plain_shape = ()
    call_kwargs = _materialise(kwargs, plain_shape)
    try:
        expected = func(*args, **call_kwargs)
        numpy_error = None
    except Exception as err:  # noqa: BLE001
        numpy_error = err
    pairs: list = []
    boxed = [_boxes(a, pairs) for a in args]
    try:
        result = func(*boxed, **_materialise(kwargs, plain_shape))
    except TypeError as err:
        message = str(err)
        if numpy_error is None:
            names = (name.split(".")[-1], getattr(CALLED.get(name), "__name__", "?"))
            assert keyword in message and any(n in message for n in names), (
                f"{name}(..., {keyword}={kwargs[keyword]!r}) raised without naming "
                f"function and keyword: {message}")
        return
    except Exception:  # noqa: BLE001
        assert numpy_error is not None, f"{name}(..., {keyword}=...) raised where numpy did not"
        return
    assert numpy_error is None, (
        f"{name}(..., {keyword}={kwargs[keyword]!r}) answered where numpy raises {numpy_error!r}")
    results, expecteds = _parts(result), _parts(expected)  # namedtuples (eigh, svd, ...) by part
    assert len(results) == len(expecteds), f"{name}: {len(results)} results, numpy has {len(expecteds)}"
    rtol = 1e-5 if kwargs.get("dtype") in (np.float32,) else 1e-12  # float32: numpy rounds
    for part, want in zip(results, expecteds):
        value = primal(part.value if isinstance(part, dd.Dual) else part)
        np.testing.assert_allclose(value, np.asarray(want, dtype=float), rtol=rtol, atol=1e-12,
                                   err_msg=f"{name} with {keyword}={kwargs[keyword]!r}")
    if not pairs or not any(isinstance(part, dd.Dual) for part in results):
        return
    h = 1e-6
    if call_kwargs.get("dtype") is np.float32:  # dualdiff promotes float32 to float64
        call_kwargs["dtype"] = np.float64
    plus = _parts(func(*[_shifted(a, pairs, h) for a in args], **call_kwargs))
    minus = _parts(func(*[_shifted(a, pairs, -h) for a in args], **call_kwargs))
    for part, up, down in zip(results, plus, minus):
        if isinstance(part, dd.Dual):
            fd = (np.asarray(up, dtype=float) - np.asarray(down, dtype=float)) / (2 * h)
            np.testing.assert_allclose(
                part.tangent, fd, rtol=1e-6, atol=1e-6,
                err_msg=f"derivative of {name} with {keyword}={kwargs[keyword]!r}")


def _parts(result):
    """A tuple or list result (numpy's namedtuples, lstsq, split) as its parts; else [result]."""
    return list(result) if isinstance(result, (tuple, list)) else [result]


def _dispatched_functions():
    return sorted(operators._FUNCTIONS, key=lambda f: f.__name__)


def _dispatched_ufuncs():
    return sorted(operators._UFUNCS, key=lambda f: f.__name__)


def test_every_dispatched_function_has_a_case():
    missing = [f"numpy.{f.__name__}" for f in _dispatched_functions() if f not in CASES]
    assert not missing, f"add a CASES entry for {missing}"


@pytest.mark.parametrize("func", _dispatched_functions(), ids=lambda f: f.__name__)
def test_signature_is_numpys(func):
    ours, theirs = _signature(operators._FUNCTIONS[func]), _signature(func)
    if theirs is None:
        pytest.skip(f"numpy.{func.__name__} has no introspectable signature")
    names = [p for p in theirs.parameters if p != "kwargs"]
    mine = [p for p in ours.parameters if p != "kwargs"]
    assert mine == names, f"numpy.{func.__name__}: numpy takes {names}, dualdiff takes {mine}"
    for keyword in names:
        if keyword not in POSITIONAL_DATA and theirs.parameters[keyword].kind not in (
                inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.VAR_POSITIONAL):
            assert keyword in KEYWORD_VALUES, f"no sample values for keyword `{keyword}`"


@pytest.mark.parametrize("func", _dispatched_functions(), ids=lambda f: f.__name__)
def test_each_keyword_is_honoured_or_refused(func):
    theirs = _signature(func)
    if theirs is None or func not in CASES:
        pytest.skip("covered by the two tests above")
    args, base = CASES[func]
    name = f"numpy.{func.__name__}"
    CALLED[name] = operators._FUNCTIONS[func]
    for keyword, parameter in theirs.parameters.items():
        if keyword in POSITIONAL_DATA or parameter.kind in (
                inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.VAR_KEYWORD,
                inspect.Parameter.VAR_POSITIONAL):
            continue
        if keyword in base or len(args) > list(theirs.parameters).index(keyword):
            continue  # given positionally by the case
        for value in KEYWORD_VALUES[keyword]:
            _check_call(func, args, {**base, keyword: value}, name, keyword)


@pytest.mark.parametrize("ufunc", _dispatched_ufuncs(), ids=lambda f: f.__name__)
def test_each_ufunc_keyword_is_honoured_or_refused(ufunc):
    prim = operators._UFUNCS[ufunc].primitive
    lows_highs = prim.domain or [(0.5, 1.5)] * ufunc.nin
    rng = np.random.default_rng(1)
    args = tuple(rng.uniform(lo, hi, size=(3, 4)) for lo, hi in lows_highs[:ufunc.nin])
    if ufunc is np.matmul:
        args = (args[0], args[1].T)
    name = f"numpy.{ufunc.__name__}"
    for keyword in UFUNC_KEYWORDS:
        for value in KEYWORD_VALUES[keyword]:
            _check_call(ufunc, args, {keyword: value}, name, keyword)


def test_methods_accept_every_keyword_of_the_ndarray_method():
    for name, method in dd.primitives.box_methods().items():
        doc = getattr(np.ndarray, name, None).__doc__ if hasattr(np.ndarray, name) else None
        if not doc or isinstance(method, property):
            continue
        match = re.match(rf"\s*a\.{name}\((.*)\)", doc)
        if not match:
            continue
        text = match.group(1)
        if "/" in text:
            text = text.split("/", 1)[1]  # positional-only parameters cannot be passed by name
        params = [p.split("=")[0].strip(" *") for p in text.split(",") if p.strip()]
        params = [p for p in params if p and p != "kwargs" and not p.startswith("*")]
        ours = _signature(method)
        accepted = set(ours.parameters)
        has_var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in ours.parameters.values())
        missing = [p for p in params if p not in accepted and p not in ("shape", "axes")]
        if name == "clip":
            missing = [p for p in missing if p not in ("min", "max")]
        assert not missing or has_var_kw, f"ndarray.{name} takes {missing}, the box method does not"
