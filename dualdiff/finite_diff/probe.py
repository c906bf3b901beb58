"""The complex-step probe: an array that refuses operations that are not analytic.

The complex step is only valid for analytic functions; the probe makes a function that
uses ``abs``, comparisons or ``max`` fail loudly instead of returning a wrong derivative."""

from __future__ import annotations

from typing import Any, Callable, Iterator

import numpy as np

# --- the complex-step probe -------------------------------------------------

_NOT_ANALYTIC = frozenset({
    "absolute", "fabs", "maximum", "minimum", "fmax", "fmin", "sign", "floor", "ceil", "rint",
    "trunc", "clip", "greater", "greater_equal", "less", "less_equal", "equal", "not_equal",
    "heaviside", "copysign", "conjugate", "remainder", "fmod", "floor_divide", "divmod", "modf",
    "nextafter", "spacing", "signbit", "logical_and", "logical_or", "logical_xor", "logical_not",
})

_NOT_ANALYTIC_FUNCTIONS = frozenset({
    # numpy functions (not ufuncs) that take moduli or conjugates of a complex input
    "norm", "vector_norm", "matrix_norm", "vdot", "svd", "svdvals", "cond",
})


def _refusal(operation: str) -> ValueError:
    return ValueError(f"complex step: {operation} is not analytic; use method='central'")


def _refuse(operation: str) -> Callable[..., Any]:
    def refuse(self: Any, *args: Any) -> Any:
        raise _refusal(operation)

    return refuse


class _ComplexProbe(np.ndarray):
    """The input f receives in complex-step mode: a complex array that refuses
    every operation that is not complex-analytic.

    ``Im f(x + ih) / h`` equals f'(x) only if f extends analytically to the
    complex plane. ``abs``, ``maximum``, comparisons and friends do not: on a
    complex number they either fail obscurely or silently return a wrong
    derivative. Refusing them (with the name of the operation) turns a wrong
    answer into a clear error. Analytic ufuncs run on the complex values and
    keep the subclass, so the guard follows the value through f, including
    through dualdiff's own functions, which are built from the same ufuncs.
    A function that strips the subclass (``np.asarray``) escapes the guard.
    """

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        name = ufunc.__name__
        if name in _NOT_ANALYTIC:
            raise _refusal(f"numpy.{name}")
        outputs = kwargs.get("out")
        if outputs is not None:
            kwargs["out"] = tuple(_plain(o) for o in outputs)
        try:
            result = getattr(ufunc, method)(*(_plain(a) for a in inputs), **kwargs)
        except TypeError as exc:
            if "not supported" not in str(exc):
                raise
            raise ValueError(f"complex step: numpy.{name} does not accept complex input; "
                             "use method='central'") from exc
        if outputs is not None:
            return outputs[0] if len(outputs) == 1 else outputs
        if isinstance(result, tuple):
            return tuple(_wrap(r) for r in result)
        return _wrap(result)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        if func.__name__ in _NOT_ANALYTIC_FUNCTIONS:
            raise _refusal(f"{func.__module__}.{func.__name__}")
        result = super().__array_function__(func, types, args, kwargs)
        return _wrap(result) if isinstance(result, (np.ndarray, np.generic)) else result

    def __getitem__(self, key: Any) -> Any:
        return _wrap(super().__getitem__(key))

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self)))

    @property
    def real(self) -> Any:  # type: ignore[override]
        raise _refusal("taking the real part")

    @property
    def imag(self) -> Any:  # type: ignore[override]
        raise _refusal("taking the imaginary part")

    def __float__(self) -> float:
        raise ValueError("complex step: float() of the input drops its imaginary part "
                         "(math.* functions call it); use numpy functions or method='central'")

    __int__ = __index__ = __float__
    __bool__ = _refuse("the truth value (if/while/and/or) of the input")
    __lt__ = _refuse("the comparison < (numpy.less)")
    __le__ = _refuse("the comparison <= (numpy.less_equal)")
    __gt__ = _refuse("the comparison > (numpy.greater)")
    __ge__ = _refuse("the comparison >= (numpy.greater_equal)")
    __eq__ = _refuse("the comparison == (numpy.equal)")  # type: ignore[assignment]
    __ne__ = _refuse("the comparison != (numpy.not_equal)")  # type: ignore[assignment]
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"complex-step probe {np.asarray(self)!r}"

    __str__ = __repr__


def _plain(a: Any) -> Any:
    return a.view(np.ndarray) if isinstance(a, _ComplexProbe) else a


def _wrap(result: Any) -> Any:
    """Keep the guard on inexact results; booleans and integers carry no derivative."""
    array = np.asarray(result)
    if array.dtype.kind in "fc":
        return array.view(_ComplexProbe)
    return result


