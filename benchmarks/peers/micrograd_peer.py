"""karpathy's micrograd: scalar reverse mode with +, *, ** and relu only.

It has no exp, log, sin or tanh, so of the suite's problems it can run only
the +/* chain; its topological sort recurses once per node, so the chain is
short and the recursion limit is raised while it runs.
"""

from __future__ import annotations

import sys

import numpy as np
from micrograd.engine import Value

from .. import workloads as w
from ..rows import Variant

DISTRIBUTION = "micrograd"


def poly_chain(n: int) -> list[Variant]:
    def value_and_grad():
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 10 * n + 1000))
        try:
            x = Value(w.CHAIN_START)
            y = w.poly_chain(x, n)
            y.backward()
            return y.data, x.grad
        finally:
            sys.setrecursionlimit(limit)
    return [Variant("micrograd", "reverse", value_and_grad, np.array, "chain", work=n)]
