"""Port of the einsum tests of HIPS/autograd tests/test_systematic.py (autograd has no
test_einsum.py): subscript-string and sublist (interleaved) forms, as combo_checks over the
operand arguments. Complex cases assert dualdiff's refusal.

Left out (no dualdiff counterpart): none.
"""

import numpy as np
import pytest

from autograd_port_util import C, R, combo, combos, reseed, reseed_each_test  # noqa: F401

reseed(9)

EINSUM = {
    "transpose": ([1], combos(["ij->ji"], [R(1, 1), R(4, 4), R(3, 4)])),
    "matmult": ([1, 2], combos(["ij,jk->ik"], [R(2, 3), C(2, 3)], [R(3, 4), C(3, 4)])),
    "matmult_broadcast": ([1, 2], combos(["...ij,...jk->...ik"], [R(2, 3), R(2, 2, 3)],
                                         [R(3, 4), R(2, 3, 4)])),
    "matmult_broadcast_leadzero": ([1, 2], combos(["...ij,...jk->...ik"], [R(0, 2, 3)], [R(0, 3, 4)])),
    "covsum": ([1, 2], combos(["ijk,lji->lki"], [R(3, 4, 4)], [R(4, 4, 3)])),
    "ellipses": ([1, 2], combos(["...jk,...lj->...lk", "...,...->..."], [R(4, 4), R(3, 4, 4)],
                                [R(4, 4), R(3, 4, 4)])),
    "ellipses_tail": ([1, 2], combos(["jk...,lj...->lk..."], [R(3, 2), R(3, 2, 4)],
                                     [R(2, 3), R(2, 3, 4)])),
    "ellipses_center": ([1, 2], combos(["j...k,lj...->lk..."], [R(2, 2), R(2, 2, 2)],
                                       [R(2, 2), R(2, 2, 2)])),
    "three_args": ([1, 2], combos(["ijk,lji,lli->lki"], [R(3, 4, 4)], [R(4, 4, 3)], [R(4, 4, 3)])),
    "2_transpose": ([0], combos([R(1, 1), R(4, 4), R(3, 4)], [(0, 1)], [(1, 0)])),
    "2_matmult": ([0, 2], combos([R(2, 3)], [(0, 1)], [R(3, 4)], [(1, 2)], [(0, 2)])),
    "2_matmult_broadcast": ([0, 2], combos([R(2, 3), R(2, 2, 3)], [(Ellipsis, 0, 1)],
                                           [R(3, 4), R(2, 3, 4)], [(Ellipsis, 1, 2)],
                                           [(Ellipsis, 0, 2)])),
    "2_covsum": ([0, 2], combos([R(3, 4, 4)], [(0, 1, 2)], [R(4, 4, 3)], [(3, 1, 0)], [(3, 2, 0)])),
    "2_three_args": ([0, 2], combos([R(3, 4, 4)], [(0, 1, 2)], [R(4, 4, 3)], [(3, 1, 0)],
                                    [R(4, 4, 3)], [(3, 3, 0)], [(3, 2, 0)])),
    "naked_sum": ([1, 2], combos(["k,nk->"], [R(5)], [R(10, 5)])),
    "naked_sum2": ([1], combos(["abcd->bd"], [R(3, 2, 3, 2)])),
    "naked_sum_ellipsis": ([1, 2], combos(["...k,...nk->..."], [R(3, 5)], [R(3, 10, 5)])),
    "no_output_indices": ([1, 2], combos(["ij,k"], [R(3, 4)], [R(3)])),
}


@pytest.mark.parametrize("argnums, args", [pytest.param(argnums, p.values[0], id=f"{name}-{p.id}")
                                           for name, (argnums, ps) in EINSUM.items() for p in ps])
def test_einsum(argnums, args):
    # autograd: test_einsum_transpose ... test_einsum_no_output_indices and test_einsum2_*.
    # Note autograd's three_args cases differentiate operands 1 and 2 only (the third operand
    # of "ijk,lji,lli->lki" is held fixed), and einsum2_three_args operands 0 and 2.
    combo(np.einsum, argnums, args, {})
