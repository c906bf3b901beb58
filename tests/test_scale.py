"""Scale and concurrency: wide graphs, long Python sums, no memory growth, thread safety.

(The 10⁶-node chain is in test_reverse.py; here the graph is wide instead of
deep: one node feeding 10⁵ others.) No timings are asserted; the sizes are
chosen so each test runs in about a second.
"""

from __future__ import annotations

import gc
import math
import sys
import threading
import tracemalloc

import numpy as np
import pytest

import dualdiff as dd

FAN_OUT = 100_000
TERMS = 10_000


def _coefficients(n: int) -> list[float]:
    return [((7 * i) % 11 - 5) / 8.0 for i in range(n)]


def test_input_used_100k_times_reverse_and_forward():
    cs = _coefficients(FAN_OUT)

    def f(x):
        acc = 0.0
        for c in cs:
            acc = acc + x * c
        return acc

    expected = math.fsum(cs)
    assert dd.grad(f)(0.3) == pytest.approx(expected, rel=1e-12, abs=1e-9)
    assert dd.jvp(f, (0.3,), (1.0,))[1] == pytest.approx(expected, rel=1e-12, abs=1e-9)


def test_intermediate_node_used_100k_times():
    cs = _coefficients(FAN_OUT)

    def f(x):
        u = dd.sin(x)  # one node, 10⁵ consumers: its adjoint gathers 10⁵ contributions
        acc = 0.0
        for c in cs:
            acc = acc + u * c
        return acc

    x = 0.7
    assert dd.grad(f)(x) == pytest.approx(math.cos(x) * math.fsum(cs), rel=1e-12, abs=1e-9)


def test_array_input_with_fan_out():
    cs = _coefficients(2_000)
    w = np.linspace(-1.0, 1.0, 50)

    def f(x):
        acc = 0.0
        for c in cs:
            acc = acc + dd.sum(x * c * w)
        return acc

    np.testing.assert_allclose(dd.grad(f)(np.ones(50)), math.fsum(cs) * w, rtol=1e-12, atol=1e-12)


def test_python_sum_of_10k_tape_values():
    cs = _coefficients(TERMS)
    f = lambda x: sum(dd.sin(x * c) for c in cs)
    x = 0.25
    expected = math.fsum(c * math.cos(x * c) for c in cs)
    assert dd.grad(f)(x) == pytest.approx(expected, rel=1e-12)


def test_python_sum_of_10k_duals():
    cs = _coefficients(TERMS)
    d = dd.Dual(0.25, 1.0)
    total = sum(dd.sin(d * c) for c in cs)
    assert isinstance(total, dd.Dual)
    assert total.tangent == pytest.approx(math.fsum(c * math.cos(0.25 * c) for c in cs), rel=1e-12)
    assert total.value == pytest.approx(math.fsum(math.sin(0.25 * c) for c in cs), rel=1e-12)


def _loss(w):
    return dd.sum(dd.tanh(w * 1.5) ** 2) + dd.log(dd.sum(dd.exp(w)))


@pytest.mark.parametrize("transform", ["grad", "hessian", "jvp"])
def test_repeated_calls_do_not_grow_memory(transform):
    w = np.linspace(-1.0, 1.0, 20)
    call = {
        "grad": lambda: dd.grad(_loss)(w),
        "hessian": lambda: dd.hessian(_loss)(w),
        "jvp": lambda: dd.jvp(_loss, (w,), (np.ones(20),)),
    }[transform]
    for _ in range(20):  # warm up caches that are allowed to exist
        call()
    gc.collect()
    tracemalloc.start()
    try:
        call()
        gc.collect()
        before, _ = tracemalloc.get_traced_memory()
        for _ in range(300):
            call()
        gc.collect()
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A leaked tape or level table would keep ≥ several kB per call (≥ 1 MB over 300 calls).
    assert after - before < 100_000, f"memory grew by {after - before} bytes over 300 calls"


# --- threads ----------------------------------------------------------------------------

THREADS = 8
CALLS = 200


def _task(k: int, i: int) -> tuple[str, float, float]:
    """A call distinct per (thread, iteration) with its closed-form answer."""
    a = 0.5 + 0.1 * k + 0.001 * i  # f(x) = sin(a x) + a x³
    x = -1.0 + 0.01 * i
    kind = i % 3
    if kind == 0:
        got = dd.jvp(lambda t: dd.sin(a * t) + a * t ** 3, (x,), (1.0,))[1]
        return "jvp", got, a * math.cos(a * x) + 3 * a * x * x
    if kind == 1:
        got = dd.grad(lambda t: dd.sin(a * t) + a * t ** 3)(x)
        return "grad", got, a * math.cos(a * x) + 3 * a * x * x
    v = np.array([x, a])
    got = dd.hessian(lambda p: dd.sin(p[0] * p[1]) + p[0] ** 3 * p[1])(v)[0, 1]
    # ∂²/∂x∂a [sin(a x) + a x³] = cos(a x) - a x sin(a x) + 3x²
    return "hessian", got, math.cos(a * x) - a * x * math.sin(a * x) + 3 * x * x


def test_threads_mixing_transformations_get_their_own_answers():
    barrier = threading.Barrier(THREADS)
    wrong: list = []
    errors: list = []

    def worker(k: int) -> None:
        try:
            barrier.wait()
            for i in range(CALLS):
                kind, got, expected = _task(k, i)
                if not math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-12):
                    wrong.append((k, i, kind, got, expected))
        except Exception as exc:  # noqa: BLE001  (reported below, with the thread)
            errors.append((k, repr(exc)))

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, to interleave the tapes and levels
    try:
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert errors == []
    assert wrong == [], f"{len(wrong)} wrong results, first: {wrong[:3]}"
