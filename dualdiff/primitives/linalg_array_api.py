"""numpy 2's array-API functions in numpy.linalg, answered by the table's functions.

``numpy.linalg.matrix_transpose``, ``vecdot``, ``outer``, ``diagonal``,
``trace``, ``tensordot`` and ``cross`` are numpy's functions of the same
names with the array API's conventions (the last two axes are the matrix,
1-D only for ``outer``, 3-vectors only for ``cross``). They are composites
with no calculus of their own; ``tensordot`` and ``cross`` are dispatched
only when the table has them (:mod:`.contractions`). Nothing here is exported
as ``dualdiff.<name>``: those names belong to the functions of numpy's main
namespace.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from ..core import ndim, shape
from . import contractions
from .keywords import float_dtype
from .matrices import T
from .reductions import sum
from .structural import getitem, reshape

__all__: list[str] = []


def _matrix_transpose(x: Any, /) -> Any:
    """numpy.linalg.matrix_transpose: the last two axes swapped."""
    if ndim(x) < 2:
        raise ValueError("Input array must be at least 2-dimensional")
    return T(x)


def _vecdot(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    """numpy.linalg.vecdot for real values: Σ x1·x2 along ``axis`` (after broadcasting)."""
    return sum(x1 * x2, axis=operator.index(axis))


def _outer(x1: Any, x2: Any, /) -> Any:
    """numpy.linalg.outer: the outer product of two 1-D arrays."""
    if ndim(x1) != 1 or ndim(x2) != 1:
        raise ValueError(f"Input arrays must be one-dimensional, but they are x1.ndim={ndim(x1)} "
                         f"and x2.ndim={ndim(x2)}.")
    return reshape(x1, (-1, 1)) * reshape(x2, (1, -1))


def _diagonal(x: Any, /, *, offset: int = 0) -> Any:
    """numpy.linalg.diagonal: the ``offset`` diagonals of the last two axes (an index)."""
    if ndim(x) < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    n, m = shape(x)[-2:]
    k = operator.index(offset)
    length = max(0, min(n - max(0, -k), m - max(0, k)))
    rows = np.arange(length) + max(0, -k)
    return getitem(x, (Ellipsis, rows, rows + k))


def _trace(x: Any, /, *, offset: int = 0, dtype: Any = None) -> Any:
    """numpy.linalg.trace: the sums of the ``offset`` diagonals of the last two axes."""
    float_dtype("numpy.linalg.trace", dtype)
    return sum(_diagonal(x, offset=offset), axis=-1)


NUMPY_FUNCTIONS: dict = {}
"""numpy 2's array-API functions in numpy.linalg (absent in numpy 1)."""
for _name, _fn in (("matrix_transpose", _matrix_transpose), ("vecdot", _vecdot),
                   ("outer", _outer), ("diagonal", _diagonal), ("trace", _trace)):
    if hasattr(np.linalg, _name):
        NUMPY_FUNCTIONS[getattr(np.linalg, _name)] = _fn

if hasattr(np.linalg, "tensordot") and hasattr(contractions, "tensordot"):
    def _tensordot(x1: Any, x2: Any, /, *, axes: Any = 2) -> Any:
        """numpy.linalg.tensordot: the table's tensordot."""
        return contractions.tensordot(x1, x2, axes=axes)

    NUMPY_FUNCTIONS[np.linalg.tensordot] = _tensordot

if hasattr(np.linalg, "cross") and hasattr(contractions, "cross"):
    def _cross(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
        """numpy.linalg.cross: the table's cross product, of 3-element vectors only."""
        if shape(x1)[axis] != 3 or shape(x2)[axis] != 3:
            raise ValueError("Both input arrays must be (arrays of) 3-dimensional vectors, but "
                             f"they are {shape(x1)[axis]} and {shape(x2)[axis]} dimensional "
                             "instead.")
        return contractions.cross(x1, x2, axis=axis)

    NUMPY_FUNCTIONS[np.linalg.cross] = _cross
