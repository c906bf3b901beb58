"""State that must not leak from one call into the next: custom rules' caches, values kept from a
finished transformation, and jit's variant cache under threads."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import dualdiff as dd
from dualdiff.errors import LeakedValueError


def test_a_custom_vjp_identity_does_not_reuse_the_previous_calls_cotangents():
    """A gradient-scaling identity returns its input object, and the seed 1.0 is one object:
    the rule's cache, keyed on those two alone, gave the second call the first call's answer."""
    @dd.custom_vjp
    def scaled(x, s):
        return x

    scaled.defvjp(lambda x, s: (x, s), lambda s, g: (g * s, 2.0 * g * s))
    x = 3.0
    assert dd.grad(scaled, argnums=(0, 1))(x, 5.0) == (5.0, 10.0)
    assert dd.grad(scaled, argnums=(0, 1))(x, 7.0) == (7.0, 14.0)


def _leak(transform):
    kept = []

    def f(x):
        y = dd.sin(x) * x
        kept.append(y)
        return y

    transform(f)
    return kept[0]


@pytest.mark.parametrize("make", [
    lambda: _leak(lambda f: dd.grad(f)(1.0)),
    lambda: _leak(lambda f: dd.jvp(f, (1.0,), (1.0,))),
    lambda: _leak(lambda f: dd.hessian(f)(1.0)),
    lambda: _leak(lambda f: dd.vjp(f, 1.0)),
])
@pytest.mark.parametrize("use", [
    lambda v: dd.grad(lambda x: x * v)(2.0),
    lambda v: dd.jvp(lambda x: x * v, (2.0,), (1.0,)),
    lambda v: dd.jacfwd(lambda x: x * v)(np.ones(2)),
    lambda v: dd.jacrev(lambda x: x * v)(np.ones(2)),
    lambda v: dd.grad(lambda x: (x * x, v), has_aux=True)(2.0),
])
def test_a_value_kept_from_a_finished_transformation_is_refused_in_a_later_one(make, use):
    """It used to come back as a box of the dead level (a Var or Dual where a number belongs)."""
    with pytest.raises(LeakedValueError, match="transformation that has already returned"):
        use(make())


def test_jit_refuses_a_leaked_value_instead_of_returning_it():
    leaked = _leak(lambda f: dd.grad(f)(1.0))
    with pytest.raises(LeakedValueError):
        dd.jit(lambda x: x * leaked)(2.0)


def test_values_of_running_outer_transformations_and_hand_made_boxes_are_not_leaks():
    assert dd.grad(lambda x: dd.grad(lambda y: x * y * y)(x))(3.0) == 12.0  # inner returns outer
    assert dd.jvp(lambda x: x * dd.Dual(2.0, 1.0), (3.0,), (1.0,))[1] == dd.Dual(2.0, 1.0)
    tape = dd.Tape()
    v = tape.leaf(2.0)
    assert dd.primal(dd.grad(lambda x: x * v)(3.0)) == 2.0


def test_an_exception_inside_a_transformation_leaves_nothing_behind():
    from dualdiff.core import LIVE_LEVELS
    before = set(LIVE_LEVELS)

    def boom(x):
        x * 2.0
        raise ValueError("boom")

    for call in (lambda: dd.grad(boom)(1.0), lambda: dd.jvp(boom, (1.0,), (1.0,)),
                 lambda: dd.hessian(boom)(1.0), lambda: dd.jacrev(boom)(np.ones(2))):
        with pytest.raises(ValueError, match="boom"):
            call()
    assert LIVE_LEVELS == before
    assert dd.grad(lambda x: dd.sin(x) * x)(1.3) == pytest.approx(np.cos(1.3) * 1.3 + np.sin(1.3))


def test_threads_missing_the_same_branch_trace_it_once():
    """Each thread traced its own copy of a new branch, filling max_variants with duplicates
    and sending the signature uncompiled with a false 'more than 8 branches' warning."""
    def f(x):
        if not isinstance(x, float):
            time.sleep(0.02)  # a trace in progress: the other threads miss the branch too
        return dd.sin(x) * x

    jitted = dd.jit(f)
    barrier = threading.Barrier(8)

    def call(_):
        barrier.wait()
        return jitted(1.5)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(call, range(8)))
    assert results == [np.sin(1.5) * 1.5] * 8
    info = jitted.cache_info()
    assert (info.traces, info.uncompiled, info.hits) == (1, 0, 7)
