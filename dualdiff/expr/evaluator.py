"""Evaluating the expression language: an :class:`Expression` is a callable function.

:func:`compile` parses the text (:mod:`dualdiff.expr.parser`) and turns the
outputs' nodes into one straight-line program (each step computes one node
into a register), so evaluation loops instead of recursing, and a node object
shared by several parents (the parser shares equal subexpressions) is computed
once: ``x*z`` written three times is one multiplication, one tape record and
one trace row. The values may be floats, numpy arrays or dualdiff's
differentiable values, so an Expression can be handed to ``grad``, ``jacfwd``
and friends. ``evaluate(point, check_domain=True)`` is the checked evaluation
the CLI uses: the first call that leaves the finite numbers raises a
:class:`~dualdiff.errors.DomainError` naming it (``log(-1.0)``), or
:class:`FloatOverflowError` when the result exists but is beyond the largest
float (``exp(800.0)``).
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..core import primal
from ..errors import (DomainError, ExpressionError, FloatOverflowError, MissingVariableError,
                      UnknownVariableError)
from ..nodes import CONSTANTS, OPERATORS, Call, Node, Num, postorder, to_string
from ..primitives import REGISTRY, expression_functions
from .parser import Functions, parse_with_columns, variable_name_problem

_CONST, _VAR, _CALL = 0, 1, 2


def _program(outputs: Sequence[Node], slots: Mapping[str, int],
             functions: Functions) -> tuple[tuple[tuple, ...], tuple[int, ...], int]:
    """A straight-line program computing every node object of ``outputs`` once.

    Steps are ``(_CONST, value, None, register)``, ``(_VAR, index, name,
    register)`` and ``(_CALL, callable, (name, argument registers),
    register)``; returns the steps, the register of each output and the
    number of registers. Nodes are visited by identity, so a node shared by
    several parents gets one step and one register.
    """
    steps: list[tuple] = []
    registers: dict[int, int] = {}
    for root in outputs:
        for node in postorder(root, unique=True):
            if id(node) in registers:
                continue
            register = registers[id(node)] = len(registers)
            if type(node) is Call:
                arguments = tuple(registers[id(a)] for a in node.args)
                steps.append((_CALL, functions[node.func], (node.func, arguments), register))
            elif type(node) is Num:
                steps.append((_CONST, node.value, None, register))
            elif node.id in CONSTANTS:
                steps.append((_CONST, CONSTANTS[node.id], None, register))
            else:
                steps.append((_VAR, slots[node.id], node.id, register))
    return tuple(steps), tuple(registers[id(root)] for root in outputs), len(registers)


def _run(program: tuple[tuple, ...], size: int, values: Sequence[Any], checked: bool = False) -> list:
    """Run the steps; ``checked`` raises :class:`DomainError` where a call first leaves the
    finite numbers (see :func:`_checked_call`). Returns every register."""
    registers: list = [None] * size
    for op, a, b, out in program:
        if op is _CONST:
            registers[out] = a
        elif op is _VAR:
            registers[out] = values[a]
        else:
            args = [registers[r] for r in b[1]]
            registers[out] = _checked_call(a, b[0], args) if checked else a(*args)
    return registers


def numeric_value(value: Any) -> Any:
    """The plain float/array under ``value`` (through Dual/tape boxes), or None if not numeric."""
    value = primal(value)
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return value
    if isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
        return value
    return None


def _all_finite(value: Any) -> bool:
    return bool(np.all(np.isfinite(value)))


def _checked_call(fn: Callable[..., Any], name: str, args: list) -> Any:
    plain = [numeric_value(a) for a in args]
    checkable = all(p is not None for p in plain) and all(_all_finite(p) for p in plain)
    try:
        result = fn(*args)
    except (ArithmeticError, ValueError) as err:
        if not checkable or not all(np.ndim(p) == 0 for p in plain):
            raise  # e.g. a shape mismatch: not a question of the domain
        overflow = isinstance(err, OverflowError)
        raise _domain_error(name, plain, None if overflow else f"({_reason(err)})",
                            overflow=overflow) from None
    out = numeric_value(result) if checkable else None
    if out is not None and not _all_finite(out):
        raise _domain_error(name, plain, None, out)
    return result


def _reason(err: BaseException) -> str:
    """An exception as words: never the raw ``(34, 'Numerical result out of range')`` tuple."""
    if isinstance(err, ZeroDivisionError):
        return "division by zero"
    if isinstance(err, OverflowError):
        return "the result is beyond the largest float"
    text = str(err)
    return "outside the domain" if not text or text.startswith(("(", "math domain")) else text


_BY_FUNCTION: dict[int, Any] = {}


def overflows(name: str, args: Sequence[Any]) -> bool:
    """Whether ``name(*args)`` (finite scalars, non-finite result) is an overflow: the exact
    result exists but exceeds the largest float, as ``exp(800.0)``, rather than a pole or a
    point outside the domain (``log(0.0)``, ``1.0 / 0.0``).

    Asks the entry's scalar (``math``) implementation, which tells the two apart
    by raising ``OverflowError`` or returning ``inf`` for an overflow and
    ``ValueError``/``ZeroDivisionError`` outside the domain. Without one the
    answer is no (the message then says "not defined").
    """
    fn = expression_functions().get(name)
    if not _BY_FUNCTION:
        _BY_FUNCTION.update({id(p.fn): p for p in REGISTRY.values()})
    primitive = _BY_FUNCTION.get(id(fn)) or REGISTRY.get(name)
    impl = getattr(primitive, "scalar_impl", None)
    if impl is None or not all(np.ndim(a) == 0 for a in args):
        return False
    try:
        with np.errstate(all="ignore"):
            result = impl(*(float(a) for a in args))
    except OverflowError:
        return True
    except (ArithmeticError, ValueError, TypeError):
        return False
    return isinstance(result, float) and math.isinf(result)


def _domain_error(name: str, args: list, reason: str | None, out: Any = None,
                  overflow: bool | None = None) -> DomainError:
    """``DomainError`` naming the operation and the offending (element of the) arguments
    (:class:`FloatOverflowError` when the result overflows)."""
    where = ""
    if out is not None and np.ndim(out) > 0:
        try:
            arrays = np.broadcast_arrays(*args) if args else []
        except ValueError:
            arrays = None
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(out))[0])
        if arrays is not None and all(a.shape == np.shape(out) for a in arrays):
            args = [a[bad] for a in arrays]
            out = np.asarray(out)[bad]
            where = f" at index {bad}"
    scalars = tuple(float(a) if np.ndim(a) == 0 else a for a in args)
    if overflow is None:
        overflow = out is not None and bool(np.all(np.isinf(out))) and overflows(name, scalars)
    if overflow:
        return FloatOverflowError(f"{_render_call(name, scalars)} overflows{where} (the result is beyond "
                                  "the largest float, 1.8e308)", operation=name, arguments=scalars)
    if reason is None:
        reason = (f"(the result is {float(out)!r})" if np.ndim(out) == 0
                  else "(the result is not finite)")
    return DomainError(f"{_render_call(name, scalars)} is not defined{where} {reason}",
                       operation=name, arguments=scalars)


def _render_call(name: str, args: tuple) -> str:
    """``log(-1.0)``, and operators in math form: ``1.0 / 0.0``, ``(-8.0) ** 0.5``."""
    texts = [repr(a) if isinstance(a, float) else np.array2string(np.asarray(a), threshold=6)
             for a in args]
    if name in OPERATORS and len(args) == 2:
        left = f"({texts[0]})" if texts[0].startswith("-") and name == "pow" else texts[0]
        return f"{left} {OPERATORS[name][0]} {texts[1]}"
    if name == "neg" and len(args) == 1:
        return f"-({texts[0]})"
    return f"{name}({', '.join(texts)})"


class Expression:
    """A parsed expression, callable like a function of its variables.

    ``outputs`` holds one node tree per ``;``-separated output and
    ``variables`` the variable names in calling order. ``expr(*values)``
    returns one value, or a tuple when there are several outputs; values may
    be floats, numpy arrays or dualdiff's differentiable values, so an
    Expression can be handed to ``grad``, ``jacfwd`` and friends.
    """

    __slots__ = ("text", "outputs", "variables", "shared", "_functions", "_program", "_results", "_size")

    def __init__(self, text: str, outputs: tuple[Node, ...], variables: tuple[str, ...],
                 functions: Functions, shared: bool = True):
        self.text = text
        self.outputs = outputs
        self.variables = variables
        self.shared = shared
        """Whether equal subexpressions are one node (computed once); see :func:`compile`."""
        self._functions = dict(functions)
        slots = {name: i for i, name in enumerate(variables)}
        self._program, self._results, self._size = _program(outputs, slots, self._functions)

    def __call__(self, *values: Any) -> Any:
        if len(values) != len(self.variables):
            names = ", ".join(self.variables) or "no variables"
            raise TypeError(f"expression of ({names}) takes {len(self.variables)} "
                            f"argument{'s' if len(self.variables) != 1 else ''} but {len(values)} "
                            f"{'was' if len(values) == 1 else 'were'} given")
        return self._evaluate(values, check_domain=False)

    def evaluate(self, point: Mapping[str, Any], check_domain: bool = False) -> Any:
        """Evaluate at ``point`` (variable name -> value).

        With ``check_domain=True`` every call is checked on plain numbers
        (and on the primal value of dualdiff boxes): the first call that turns
        finite inputs into a NaN/inf result raises
        :class:`~dualdiff.errors.DomainError` naming it, e.g. ``log(-1.0)``,
        and numpy's RuntimeWarnings are silenced meanwhile.
        """
        for name in point:
            if name not in self.variables:
                known = ", ".join(self.variables) if self.variables else "none"
                raise UnknownVariableError(
                    f"`{name}` is not a variable of the expression (variables: {known})",
                    text=self.text)
        values = []
        for name in self.variables:
            if name not in point:
                raise MissingVariableError(f"variable `{name}` has no value; pass {name}=VALUE",
                                           text=self.text)
            values.append(point[name])
        return self._evaluate(values, check_domain)

    def _evaluate(self, values: Sequence[Any], check_domain: bool) -> Any:
        if check_domain:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                registers = _run(self._program, self._size, values, checked=True)
        else:
            registers = _run(self._program, self._size, values)
        results = tuple(registers[r] for r in self._results)
        return results[0] if len(results) == 1 else results

    def __str__(self) -> str:
        return "; ".join(to_string(node) for node in self.outputs)

    def __repr__(self) -> str:
        return f"Expression({self.text!r}, variables={self.variables!r})"


def _declared_variables(variables: Sequence[str], functions: Functions) -> tuple[str, ...]:
    if isinstance(variables, str):
        raise TypeError("variables must be a sequence of names such as ('x', 'y'), "
                        f"not the string {variables!r}")
    names = tuple(variables)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"variable names must be str, got {type(name).__name__}")
        problem = variable_name_problem(name, functions)
        if problem:
            raise ExpressionError(problem)
    seen = set()
    for name in names:
        if name in seen:
            raise ExpressionError(f"variable `{name}` is listed twice")
        seen.add(name)
    return names


def compile(text: str, variables: Sequence[str] | None = None,  # noqa: A001 - the natural name
            functions: Functions | None = None, share: bool = True) -> Expression:
    """Parse ``text`` and prepare it for evaluation.

    ``variables`` fixes the calling order (default: order of first
    appearance in the text); it may list names the text does not use, but
    every variable the text uses must be in it. ``functions`` is the callable
    namespace (default: the primitive table). ``share`` (the default) makes
    equal subexpressions one node, computed once per call, as a hand-drawn
    computation graph shares them; ``share=False`` keeps every occurrence
    apart, in the literal order of the text (same values either way). Raises
    an :class:`~dualdiff.errors.ExpressionError` subclass, with the column,
    for anything outside the language. Never evaluates the text.
    """
    functions = expression_functions() if functions is None else functions
    outputs, columns = parse_with_columns(text, functions, share)
    if variables is None:
        names = tuple(columns)
    else:
        names = _declared_variables(variables, functions)
        for name, column in columns.items():
            if name not in names:
                raise UnknownVariableError(
                    f"the expression uses `{name}`, which is not one of the variables "
                    f"({', '.join(names) or 'none given'})", text=text, column=column)
    return Expression(text, outputs, names, functions, share)
