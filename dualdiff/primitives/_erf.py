"""erf and erfc on float64 arrays (numpy has neither), accurate to a few ulps on the whole line.

W. J. Cody's near-minimax rational approximations ("Rational Chebyshev
approximations for the error function", Math. Comp. 23 (1969) 631-637; the
coefficients of his netlib SPECFUN routine CALERF), evaluated on numpy arrays:

* |x| ≤ 0.46875: erf(x) = x·P(x²)/Q(x²);
* 0.46875 < |x| ≤ 4: erfc(|x|) = exp(-x²)·P(|x|)/Q(|x|);
* |x| > 4: erfc(|x|) = exp(-x²)/|x|·(1/√π + 1/x²·P(1/x²)/Q(1/x²)).

exp(-x²) is formed as exp(-s²)·exp(-(|x|-s)(|x|+s)) with s = |x| rounded down
to a multiple of 1/16 (exact in float64), so the rounding of x² does not cost
accuracy in the tail: erfc(10) ≈ 2.09e-45 keeps its relative accuracy, and
erfc underflows to 0 only past x ≈ 27.2. erfc of negative x is 2 - erfc(|x|),
erf of large |x| is ±(1 - erfc(|x|)): no subtraction ever cancels.
"""

from __future__ import annotations

import numpy as np

_SMALL_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
            3.20937758913846947e03, 1.85777706184603153e-1)
_SMALL_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
            2.84423683343917062e03)
_MID_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
          2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
          2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8)
_MID_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
          1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
          3.43936767414372164e03, 1.23033935480374942e03)
_TAIL_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
           1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2)
_TAIL_Q = (2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
           6.05183413124413191e-2, 2.33520497626869185e-3)
_INV_SQRT_PI = 5.6418958354775628695e-1
_THRESH = 0.46875


def _erf_small(x: np.ndarray) -> np.ndarray:
    """erf(x) for |x| ≤ 0.46875."""
    z = x * x
    num = _SMALL_A[4] * z
    den = z
    for a, b in zip(_SMALL_A[:3], _SMALL_B[:3]):
        num = (num + a) * z
        den = (den + b) * z
    return x * (num + _SMALL_A[3]) / (den + _SMALL_B[3])


def _exp_minus_square(y: np.ndarray) -> np.ndarray:
    """exp(-y²) without the rounding error of y² (y ≥ 0)."""
    s = np.trunc(y * 16.0) / 16.0
    return np.exp(-s * s) * np.exp(-(y - s) * (y + s))


def _erfc_large(y: np.ndarray) -> np.ndarray:
    """erfc(y) for y > 0.46875 (NaN stays NaN; +inf gives 0)."""
    y = np.minimum(y, 40.0)  # erfc(40) underflows to 0 already; keeps inf out of the arithmetic
    out = np.empty_like(y)
    mid = y <= 4.0
    if mid.any():
        m = y[mid]
        num = _MID_C[8] * m
        den = m
        for c, d in zip(_MID_C[:7], _MID_D[:7]):
            num = (num + c) * m
            den = (den + d) * m
        out[mid] = _exp_minus_square(m) * (num + _MID_C[7]) / (den + _MID_D[7])
    tail = ~mid
    if tail.any():
        t = y[tail]
        z = 1.0 / (t * t)
        num = _TAIL_P[5] * z
        den = z
        for p, q in zip(_TAIL_P[:4], _TAIL_Q[:4]):
            num = (num + p) * z
            den = (den + q) * z
        r = z * (num + _TAIL_P[4]) / (den + _TAIL_Q[4])
        out[tail] = _exp_minus_square(t) * ((_INV_SQRT_PI - r) / t)
    return out


def erf_array(x) -> np.ndarray:
    """erf on a float64 array (any shape; NaN in, NaN out)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.abs(x)
    out = np.empty_like(x)
    small = y <= _THRESH
    out[small] = _erf_small(x[small])
    large = ~small
    if large.any():
        v = 1.0 - _erfc_large(y[large])
        out[large] = np.where(x[large] < 0.0, -v, v)
    return out


def erfc_array(x) -> np.ndarray:
    """erfc on a float64 array, accurate in the tail (no 1 - erf)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.abs(x)
    out = np.empty_like(x)
    small = y <= _THRESH
    out[small] = 1.0 - _erf_small(x[small])
    large = ~small
    if large.any():
        v = _erfc_large(y[large])
        out[large] = np.where(x[large] < 0.0, 2.0 - v, v)
    return out
