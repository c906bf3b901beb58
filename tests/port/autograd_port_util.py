"""Helpers of the autograd port: autograd's test_util.check_grads and numpy_utils in dualdiff terms.

Not a test module. The test modules import it by name (pytest's default "prepend" import
mode puts tests/port on sys.path, as autograd's own tests import numpy_utils).

* ``check(fun, *args, order=2)`` is autograd's ``check_grads(fun)(*args)``: every positional
  argument is differentiated, in forward and reverse mode, against Richardson finite
  differences (``dd.check_grads``); order 2 also checks the derivative of the derivative.
* ``check_outputs`` is the same for a function returning a tuple or list (autograd's
  ``tuple`` outputs, ``np.split``, ``np.gradient``): each output is checked on its own.
* ``combos``/``combo`` are autograd's ``combo_check``: ``combos`` builds the pytest
  parameters (every product of the argument lists and keyword lists), ``combo`` runs one.
* ``refuses_complex``: dualdiff refuses complex numbers by design, so an autograd case whose
  differentiated input is complex becomes "forward and reverse mode both raise TypeError".
"""

from __future__ import annotations

import itertools
from typing import Any, Callable, Sequence

import numpy as np
import pytest

import dualdiff as dd

MODES = ("fwd", "rev")


_RNG = [np.random.default_rng(0)]


def reseed(seed: int) -> None:
    """Restart the generator behind R, C, U and RI (``np.random.default_rng(seed)``)."""
    _RNG[0] = np.random.default_rng(seed)


@pytest.fixture(autouse=True)
def reseed_each_test() -> None:
    """autograd's conftest seeds numpy before every test; so do we (import this fixture)."""
    reseed(42)


def R(*shape: int) -> Any:
    """autograd's ``npr.randn(*shape)``: a float for no shape, else a float64 array."""
    return float(_RNG[0].standard_normal()) if not shape else _RNG[0].standard_normal(shape)


def C(*shape: int) -> Any:
    """autograd's complex ``npr.randn(*shape) + 1j * npr.randn(*shape)``."""
    if not shape:
        return complex(_RNG[0].standard_normal(), _RNG[0].standard_normal())
    return _RNG[0].standard_normal(shape) + 1j * _RNG[0].standard_normal(shape)


def U(*shape: int) -> Any:
    """autograd's ``npr.rand(*shape)`` (uniform on [0, 1))."""
    return float(_RNG[0].random()) if not shape else _RNG[0].random(shape)


def RI(low: int, high: int) -> int:
    """autograd's ``npr.randint(low, high)``."""
    return int(_RNG[0].integers(low, high))


def check(fun: Callable, *args: Any, order: int = 2, modes: Sequence[str] = MODES) -> None:
    """autograd's ``check_grads(fun, modes, order)(*args)``, all arguments differentiated."""
    dd.check_grads(fun, args, order=order, modes=tuple(modes))


def check_outputs(fun: Callable, *args: Any, order: int = 2,
                  modes: Sequence[str] = MODES) -> None:
    """``check`` for a function that may return a tuple/list: each output on its own."""
    out = fun(*args)
    if isinstance(out, (tuple, list)):
        assert len(out) > 0
        for k in range(len(out)):
            check(lambda *a, k=k: fun(*a)[k], *args, order=order, modes=modes)
    else:
        check(fun, *args, order=order, modes=modes)


def is_complex(x: Any) -> bool:
    if isinstance(x, (tuple, list)):
        return any(is_complex(e) for e in x)
    return bool(np.iscomplexobj(x))


def refuses_complex(fun: Callable, *args: Any) -> None:
    """A complex input is refused with a TypeError in both modes (not a missing rule).

    The TypeError must not be ``NoDerivativeRule``: a refusal of the complex input itself
    comes before any rule is looked up, so a missing rule would mean the complex value got in.
    """
    tangents = tuple(np.ones(np.shape(a)) if np.ndim(a) else 1.0 for a in args)
    for mode, run in (("fwd", lambda: dd.jvp(fun, args, tangents)),
                      ("rev", lambda: dd.vjp(fun, *args))):
        with pytest.raises(TypeError) as info:
            run()
        assert not isinstance(info.value, dd.NoDerivativeRule), (
            f"{mode}: complex input reached a missing rule instead of being refused: {info.value}")


def _ident(x: Any) -> str:
    if isinstance(x, str):
        return repr(x)
    if isinstance(x, (tuple, list)):
        inner = ",".join(_ident(e) for e in x)
        return f"({inner})" if isinstance(x, tuple) else f"[{inner}]"
    if isinstance(x, np.ndarray):
        kind = "C" if np.iscomplexobj(x) else ("B" if x.dtype == bool else "R")
        return kind + "x".join(map(str, x.shape)) if x.shape else kind + "0d"
    if isinstance(x, complex):
        return "c"
    if isinstance(x, float):
        return f"{x:.3g}"
    return repr(x)


def combos(*arglists: Sequence[Any], **kwarglists: Sequence[Any]) -> list:
    """pytest parameters ``(args, kwargs)``: autograd's combo_check products, one case each."""
    keys = list(kwarglists)
    params = []
    for args in itertools.product(*arglists):
        for values in itertools.product(*(kwarglists[k] for k in keys)):
            kwargs = dict(zip(keys, values))
            name = "-".join([_ident(a) for a in args] + [f"{k}={_ident(v)}" for k, v in kwargs.items()])
            params.append(pytest.param(args, kwargs, id=name))
    return params


def combo(fun: Callable, argnums: Sequence[int], args: Sequence[Any], kwargs: dict,
          order: int = 2) -> None:
    """One combo_check case: ``fun(*args, **kwargs)`` differentiated in the arguments ``argnums``.

    A differentiated argument that is a tuple/list of arrays (``np.concatenate((a, b))``,
    ``np.select(conds, [a, b, c])``) contributes each element as its own input and is rebuilt
    as the same container of boxes inside the function, as autograd differentiates containers.
    """
    leaves: list = []
    layout: list = []
    for i in argnums:
        a = args[i]
        if isinstance(a, (tuple, list)):
            layout.append((i, type(a), len(a)))
            leaves.extend(a)
        else:
            layout.append((i, None, 1))
            leaves.append(a)

    def f(*xs: Any) -> Any:
        full = list(args)
        k = 0
        for i, kind, n in layout:
            full[i] = xs[k] if kind is None else kind(xs[k:k + n])
            k += n
        return fun(*full, **kwargs)

    if is_complex(leaves):
        refuses_complex(f, *leaves)
    else:
        check_outputs(f, *leaves, order=order)


def assert_close(actual: Any, expected: Any, rtol: float = 1e-10, atol: float = 1e-12) -> None:
    """Values against a closed form or a reference: numpy's assert_allclose, shapes must match."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)
