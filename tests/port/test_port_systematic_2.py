"""Port of HIPS/autograd tests/test_systematic.py, part 2: the "misc" combo_check tests
(transpose ... pad, without einsum, which is in test_port_einsum.py).

Each autograd ``combo_check(fun, argnums)(*arglists, **kwarglists)`` is one parametrized test,
one case per combination; differentiated arguments that are tuples of arrays (concatenate,
vstack, ...) have each array differentiated. Complex cases assert dualdiff's refusal.

Left out (no dualdiff counterpart):
  test_msort - autograd runs it only for numpy < 2 (numpy.msort is gone in numpy 2)
"""

import numpy as np
import pytest

from autograd_port_util import C, R, combo, combos, reseed, reseed_each_test  # noqa: F401

reseed(8)


def _params(fun, argnums, params, order=2):
    return [pytest.param(fun, argnums, order, p.values[0], p.values[1], id=p.id) for p in params]


def _run(fun, argnums, order, args, kwargs):
    combo(fun, argnums, args, kwargs, order=order)


SIG = "fun, argnums, order, args, kwargs"


@pytest.mark.parametrize(SIG, _params(np.transpose, [0], combos(
    [R(2, 3, 4)], axes=[None, [0, 1, 2], [0, 2, 1], [2, 0, 1], [2, 1, 0], [1, 0, 2], [1, 2, 0]])))
def test_transpose(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.moveaxis, [0], combos(
    [R(2, 3, 4)], source=[0, 1, 2], destination=[0, 1, 2])))
def test_moveaxis(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.repeat, [0], combos(
    [R(2, 3, 4), R(3, 1)], repeats=[0, 1, 2], axis=[None, 0, 1])))
def test_repeat(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.diff, [0], combos([R(5, 5), R(5, 5, 5)], n=[1, 2], axis=[0, 1])
                                      + combos([R(1), R(1, 1)], axis=[0])
                                      + combos([R(1, 1), R(3, 1)], axis=[1])))
def test_diff(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.gradient, [0], combos([R(5, 5), R(5, 5, 5)], axis=[None, 0, 1, -1])
                                      + combos([R(5, 5, 5)], axis=[(0, 1), (0, -1)])))
def test_gradient(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.tile, [0], combos([R(2, 1, 3, 1)], reps=[(1, 4, 1, 2)])
                                      + combos([R(1, 2)], reps=[(1, 2), (2, 3), (3, 2, 1)])
                                      + combos([R(1)], reps=[(2,), 2])))
def test_tile(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.kron, [0, 1], combos(
    [R(5, 5), R(4, 4), R(5), R(5, 1), R(1, 5), R(), C(5, 5)],
    [R(3, 3), R(2, 2), R(3), R(1, 3), R(3, 1), R(), C(3, 3)])))
def test_kron(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.inner, [0, 1], combos([1.5, R(3), R(2, 3)], [0.3, R(3), R(4, 3)])))
def test_inner(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.dot, [0, 1], combos(
    [1.5, R(3), R(2, 3), R(2, 2, 3), C(3), C(2, 3)], [0.3, R(3), R(3, 4), R(2, 3, 4), C(3)]), order=3))
def test_dot(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.outer, [0, 1], combos([R(3), C(3)], [R(3), C(3)]), order=3))
def test_outer(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.matmul, [0, 1], combos(
    [R(3), R(2, 3), R(2, 2, 3), C(3), C(2, 3)], [R(3), R(3, 4), R(2, 3, 4), C(3), C(3, 4)])))
def test_matmul(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.matmul, [0, 1], combos([R(1, 2, 2)], [R(3, 2, 1)])))
def test_matmul_broadcast(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


TENSORDOT = {
    "1": combos([R(1, 3), R(2, 3, 2), C(1, 3)], [R(3), R(3, 1), R(3, 4, 2), C(3)], axes=[[(1,), (0,)]]),
    "2": combos([R(3), R(3, 1), R(3, 4, 2)], [R(1, 3), R(2, 3, 2)], axes=[[(0,), (1,)]]),
    "3": combos([R(2, 3), R(2, 3, 4)], [R(1, 2, 3), R(2, 2, 3, 4)], axes=[[(0, 1), (1, 2)], [(1, 0), (2, 1)]]),
    "4": combos([R(2, 2), R(4, 2, 2)], [R(2, 2), R(2, 2, 4)], axes=[1, 2]),
    "5": combos([R(4)], [R()], axes=[0]),
    "6": combos([R(2, 6)], [R(6, 3)], axes=[[[-1], [0]]]),
    "7": combos([R(2, 6)], [R(6, 3)], axes=[[-1, 0]]),
    "8": combos([R(2)], [R(2, 2)], axes=[[0, 1]]),
}


@pytest.mark.parametrize(SIG, [pytest.param(np.tensordot, [0, 1], 3, p.values[0], p.values[1],
                                            id=f"tensordot_{k}-{p.id}")
                               for k, ps in TENSORDOT.items() for p in ps])
def test_tensordot(fun, argnums, order, args, kwargs):
    # autograd: test_tensordot_1 ... test_tensordot_8
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.sort, [0], combos([R(1), R(7)])))
def test_sort(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.partition, [0], combos([R(7), R(14)], kth=[0, 3, 6])))
def test_partition(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


_ATLEAST = [1.2, R(1), R(7), R(1, 4), R(2, 4), R(2, 4, 5)]


@pytest.mark.parametrize(SIG, _params(np.atleast_1d, [0], combos(_ATLEAST)))
def test_atleast_1d(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.atleast_2d, [0], combos(_ATLEAST)))
def test_atleast_2d(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.atleast_3d, [0], combos(_ATLEAST + [R(2, 4, 3, 5)])))
def test_atleast_3d(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.trace, [0], combos([R(5, 5), R(4, 5), R(5, 4), R(3, 4, 5)],
                                                          offset=[-1, 0, 1])))
def test_trace(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.diag, [0], combos([R(5, 5)], k=[-1, 0, 1])))
def test_diag(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.diag, [0], combos([R(5)], k=[-1, 0, 1])))
def test_diag_flat(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.tril, [0], combos([R(5, 5)], k=[-1, 0, 1])))
def test_tril(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.triu, [0], combos([R(5, 5)], k=[-1, 0, 1])))
def test_triu(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.tril, [0], combos([R(5, 5, 4)], k=[-1, 0, 1])))
def test_tril_3d(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.triu, [0], combos([R(5, 5, 4)], k=[-1, 0, 1])))
def test_triu_3d(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.swapaxes, [0], combos([R(3, 4, 5)], axis1=[0, 1, 2], axis2=[0, 1, 2])))
def test_swapaxes(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.rollaxis, [0], combos([R(2, 3, 4)], axis=[0, 1, 2], start=[0, 1, 2])))
def test_rollaxis(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.cross, [0, 1], combos(
    [R(3, 3)], [R(3, 3)], axisa=[-1, 0, 1], axisb=[-1, 0, 1], axisc=[-1, 0, 1], axis=[None, -1, 0, 1])))
def test_cross(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


SPLITS = {
    "vsplit_2d": (np.vsplit, combos([R(4, 8)], [4, [1, 2]])),
    "vsplit_3d": (np.vsplit, combos([R(4, 4, 4)], [2, [1, 2]])),
    "hsplit_2d": (np.hsplit, combos([R(4, 8)], [4, [1, 2]])),
    "hsplit_3d": (np.hsplit, combos([R(4, 4, 4)], [2, [1, 2]])),
    "dsplit_3d": (np.dsplit, combos([R(4, 4, 4)], [2, [1, 2]])),
    "split_1d": (np.split, combos([R(1), R(7)], [1], axis=[0])),
    "split_2d": (np.split, combos([R(4, 8)], [4, [1, 2]], axis=[0, 1])),
    "split_3d": (np.split, combos([R(4, 4, 4)], [2, [1, 2]], axis=[0, 1, 2])),
    "array_split_1d": (np.array_split, combos([R(1), R(7)], [1, 3], axis=[0])),
    "array_split_2d": (np.array_split, combos([R(7, 7)], [4, [3, 5]], axis=[0, 1])),
    "array_split_3d": (np.array_split, combos([R(7, 7, 7)], [4, [3, 5]], axis=[0, 1, 2])),
}


@pytest.mark.parametrize(SIG, [pytest.param(fun, [0], 2, p.values[0], p.values[1], id=f"{k}-{p.id}")
                               for k, (fun, ps) in SPLITS.items() for p in ps])
def test_split(fun, argnums, order, args, kwargs):
    # autograd: test_vsplit_2d ... test_array_split_3d
    _run(fun, argnums, order, args, kwargs)


ROW_STACK = getattr(np, "row_stack", np.vstack)  # deprecated in numpy 2.0, an alias of vstack
JOINS = {
    "concatenate_1ist": (np.concatenate, combos([(R(1), R(3))], axis=[0])),
    "concatenate_tuple": (np.concatenate, combos([[R(1), R(3)]], axis=[0])),
    "concatenate_2d": (np.concatenate, combos([(R(2, 2), R(2, 2))], axis=[0, 1])),
    "concatenate_3d": (np.concatenate, combos([(R(2, 2, 2), R(2, 2, 2))], axis=[0, 1, 2])),
    "vstack_1d": (np.vstack, combos([R(2), (R(2), R(2))])),
    "vstack_2d": (np.vstack, combos([R(2, 3), (R(2, 4), R(1, 4))])),
    "vstack_3d": (np.vstack, combos([R(2, 3, 4), (R(2, 3, 4), R(5, 3, 4))])),
    "hstack_1d": (np.hstack, combos([R(2), (R(2), R(2))])),
    "hstack_2d": (np.hstack, combos([R(3, 2), (R(3, 4), R(3, 5))])),
    "hstack_3d": (np.hstack, combos([R(2, 3, 4), (R(2, 1, 4), R(2, 5, 4))])),
    "stack_1d": (np.stack, combos([(R(2),), (R(2), R(2))], axis=[0, 1])),
    "row_stack_1d": (ROW_STACK, combos([R(2), (R(2), R(2))])),
    "row_stack_2d": (ROW_STACK, combos([R(2, 3), (R(2, 4), R(1, 4))])),
    "column_stack_1d": (np.column_stack, combos([R(2), (R(2), R(2))])),
    "column_stack_2d": (np.column_stack, combos([R(2, 2), (R(2, 2), R(2, 2))])),
}


@pytest.mark.parametrize(SIG, [pytest.param(fun, [0], 2, p.values[0], p.values[1], id=f"{k}-{p.id}")
                               for k, (fun, ps) in JOINS.items() for p in ps])
@pytest.mark.filterwarnings("ignore:`row_stack` alias is deprecated:DeprecationWarning")
def test_join(fun, argnums, order, args, kwargs):
    # autograd: test_concatenate_1ist ... test_column_stack_2d
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.select, [1], combos(
    [[R(3, 4, 5) > 0, R(3, 4, 5) > 0, R(3, 4, 5) > 0]], [[R(3, 4, 5), R(3, 4, 5), R(3, 4, 5)]],
    default=[0.0, 1.1])))
def test_select(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)


@pytest.mark.parametrize(SIG, _params(np.pad, [0], combos(
    [R(2, 2)], [0, 3, (3,), (3, 2), ((3, 2),), ((1, 2), (3, 4)), ((0, 0), (0, 0))], ["constant"])))
def test_pad(fun, argnums, order, args, kwargs):
    _run(fun, argnums, order, args, kwargs)
