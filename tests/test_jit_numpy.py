"""``dualdiff.jit`` and numpy: what the generated code must keep (types, dtypes, signs of
zero, result structures, writable results) and numpy called directly on traced values
(recorded as numpy's own calls, not through the table), each against numpy or the
uncompiled path on a call after the trace.
"""

from __future__ import annotations

import collections

import numpy as np
import pytest

import dualdiff as dd

from jit_checks import compiled_only


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


def test_dtype_questions_are_answered_without_recording():
    f = dd.jit(lambda x: x * 2.0 if np.result_type(x) == np.float64 and np.isrealobj(x) else x)
    with compiled_only():
        for x in (np.ones(2), np.arange(2)):
            np.testing.assert_array_equal(f(x), 2.0 * x)
    assert f.cache_info()[:2] == (1, 1)


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
