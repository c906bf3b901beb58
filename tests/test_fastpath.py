"""The generated fast paths (dualdiff.fastpath) agree exactly with the table's rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

import dualdiff as dd
from dualdiff import fastpath
from dualdiff.dual import Dual, new_dual
from dualdiff.tape import Tape

SPECIALISABLE = [p for p in dd.REGISTRY.values()
                 if p.kind == "elementwise" and p.partials and fastpath.float_partials(p)]


def test_most_of_the_table_is_specialised():
    names = {p.name for p in SPECIALISABLE}
    assert {"add", "mul", "div", "pow", "exp", "log", "sin", "tanh", "sigmoid"} <= names
    assert "relu" not in names and "maximum" not in names  # piecewise: they keep the general path


@pytest.mark.parametrize("prim", SPECIALISABLE, ids=lambda p: p.name)
def test_float_partials_equal_the_rule_bit_for_bit(prim):
    rng = np.random.default_rng(3)
    compiled = fastpath.float_partials(prim)
    for args in [prim.sample_args(rng) for _ in range(20)] + [tuple(e) for e in prim.edges]:
        out = prim.fn(*args)
        for fast, rule in zip(compiled, prim.partials):
            want, got = rule(out, *args), fast(out, *args)
            assert (got == want) or (math.isnan(got) and math.isnan(want)), (prim.name, args)


@pytest.mark.parametrize("prim", SPECIALISABLE, ids=lambda p: p.name)
def test_specialised_forward_equals_the_general_path(prim):
    rng = np.random.default_rng(5)
    handler = fastpath.dual_forward(prim)
    for args in [prim.sample_args(rng) for _ in range(20)] + [tuple(e) for e in prim.edges]:
        for seeds in ([1.0] * prim.nargs, [0.0] + [1.0] * (prim.nargs - 1)):
            duals = [new_dual(a, s, 9) for a, s in zip(args, seeds)]
            fast = handler(*duals)
            slow = Dual._apply(prim, tuple(duals), {}, 9)
            assert fast.value == slow.value, (prim.name, args)
            assert fast.tangent == slow.tangent or (
                math.isnan(fast.tangent) and math.isnan(slow.tangent)), (prim.name, args, seeds)


def test_singular_points_fall_back_to_numpy_semantics():
    assert dd.grad(dd.sqrt)(0.0) == math.inf
    assert dd.jvp(dd.log, (0.0,), (1.0,)) == (-math.inf, math.inf)
    # 0**y jumps at y = 0: the derivative in y is not finite there (in x it is 0: x**0 == 1)
    assert dd.grad(lambda x, y: x ** y, argnums=(0, 1))(0.0, 0.0) == (0.0, -math.inf)
    assert dd.jvp(lambda x: 1.0 / x, (0.0,), (1.0,))[0] == math.inf


def test_forward_over_reverse_still_goes_through_the_rules():
    # the compiled partials see Duals here and must hand them to the rule
    assert dd.hessian(lambda x: dd.sin(x) * dd.log(x))(2.0) == pytest.approx(
        -math.sin(2.0) * math.log(2.0) + 2 * math.cos(2.0) / 2.0 - math.sin(2.0) / 4.0, rel=1e-14)


def test_a_rule_that_cannot_run_symbolically_keeps_the_general_path():
    name = "test_spec_cosh_math"
    f = dd.custom_primitive(name, np.sinh, lambda out, x: math.cosh(x), scalar_impl=math.sinh)
    try:
        assert fastpath.float_partials(dd.REGISTRY[name]) is None
        assert dd.jvp(f, (0.5,), (1.0,))[1] == pytest.approx(math.cosh(0.5), rel=1e-15)
        assert dd.grad(f)(0.5) == pytest.approx(math.cosh(0.5), rel=1e-15)
    finally:
        del dd.REGISTRY[name]


@pytest.mark.parametrize("prim", [p for p in dd.REGISTRY.values()
                                  if p.kind == "elementwise" and p.nargs in (1, 2)
                                  and p.scalar_impl is not None], ids=lambda p: p.name)
def test_generated_array_paths_equal_the_general_path(prim):
    """Forward mode and recording on plain arrays: bit-identical to Dual._apply / Var._apply."""
    rng = np.random.default_rng(11)
    args = [np.array([prim.sample_args(rng)[k] for _ in range(4)]) for k in range(prim.nargs)]
    handler = fastpath.dual_forward(prim)
    for seeds in ([1.0] * prim.nargs, [0.0] + [1.0] * (prim.nargs - 1)):
        duals = [new_dual(a, np.full(4, s), 9) for a, s in zip(args, seeds)]
        fast = handler(*duals)
        slow = Dual._apply(prim, tuple(duals), {}, 9)
        np.testing.assert_array_equal(fast.value, slow.value)
        np.testing.assert_array_equal(fast.tangent, slow.tangent)
    record = fastpath.tape_record(prim)
    tape = Tape()
    leaves = [tape.leaf(a) for a in args]
    fast = record(*leaves)
    slow = type(leaves[0])._apply(prim, tuple(leaves), {}, tape.level)
    np.testing.assert_array_equal(fast.value, slow.value)
    assert tape.links[fast.index] == tape.links[slow.index]
