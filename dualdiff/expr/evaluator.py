"""Evaluating the expression language: an :class:`Expression` is a callable function.

:func:`compile` parses the text (:mod:`dualdiff.expr.parser`) and turns each
output's node tree into postfix steps for a small stack machine, so evaluation
loops instead of recursing. The values may be floats, numpy arrays or
dualdiff's differentiable values, so an Expression can be handed to ``grad``,
``jacfwd`` and friends. ``evaluate(point, check_domain=True)`` is the checked
evaluation the CLI uses: the first call that leaves the finite numbers raises a
:class:`~dualdiff.errors.DomainError` naming it (``log(-1.0)``).
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..core import primal
from ..errors import DomainError, ExpressionError, MissingVariableError, UnknownVariableError
from ..nodes import CONSTANTS, OPERATORS, Call, Node, Num, postorder, to_string
from ..primitives import expression_functions
from .parser import Functions, parse_with_columns, variable_name_problem

_PUSH, _VAR, _CALL = 0, 1, 2


def _program(root: Node, slots: Mapping[str, int], functions: Functions) -> tuple[tuple, ...]:
    """Postfix steps for a stack machine: the evaluator loops instead of recursing.

    Steps are ``(_PUSH, value, None)``, ``(_VAR, index, name)`` and
    ``(_CALL, callable, (name, nargs))``.
    """
    steps: list[tuple] = []
    for node in postorder(root):
        if type(node) is Call:
            steps.append((_CALL, functions[node.func], (node.func, len(node.args))))
        elif type(node) is Num:
            steps.append((_PUSH, node.value, None))
        elif node.id in CONSTANTS:
            steps.append((_PUSH, CONSTANTS[node.id], None))
        else:
            steps.append((_VAR, slots[node.id], node.id))
    return tuple(steps)


def _run(program: tuple[tuple, ...], values: Sequence[Any], checked: bool = False) -> Any:
    """Run postfix steps on a stack; ``checked`` raises :class:`DomainError` where a call
    first leaves the finite numbers (see :func:`_checked_call`)."""
    stack: list = []
    for op, a, b in program:
        if op is _PUSH:
            stack.append(a)
        elif op is _VAR:
            stack.append(values[a])
        else:
            k = len(stack) - b[1]
            args = stack[k:]
            del stack[k:]
            stack.append(_checked_call(a, b[0], args) if checked else a(*args))
    return stack[0]


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
        raise _domain_error(name, plain, f"({err})") from None
    out = numeric_value(result) if checkable else None
    if out is not None and not _all_finite(out):
        raise _domain_error(name, plain, None, out)
    return result


def _domain_error(name: str, args: list, reason: str | None, out: Any = None) -> DomainError:
    """``DomainError`` naming the operation and the offending (element of the) arguments."""
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

    __slots__ = ("text", "outputs", "variables", "_functions", "_programs")

    def __init__(self, text: str, outputs: tuple[Node, ...], variables: tuple[str, ...],
                 functions: Functions):
        self.text = text
        self.outputs = outputs
        self.variables = variables
        self._functions = dict(functions)
        slots = {name: i for i, name in enumerate(variables)}
        self._programs = tuple(_program(node, slots, self._functions) for node in outputs)

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
                results = tuple(_run(p, values, checked=True) for p in self._programs)
        else:
            results = tuple(_run(p, values) for p in self._programs)
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
            functions: Functions | None = None) -> Expression:
    """Parse ``text`` and prepare it for evaluation.

    ``variables`` fixes the calling order (default: order of first
    appearance in the text); it may list names the text does not use, but
    every variable the text uses must be in it. ``functions`` is the callable
    namespace (default: the primitive table). Raises an
    :class:`~dualdiff.errors.ExpressionError` subclass, with the column, for
    anything outside the language. Never evaluates the text.
    """
    functions = expression_functions() if functions is None else functions
    outputs, columns = parse_with_columns(text, functions)
    if variables is None:
        names = tuple(columns)
    else:
        names = _declared_variables(variables, functions)
        for name, column in columns.items():
            if name not in names:
                raise UnknownVariableError(
                    f"the expression uses `{name}`, which is not one of the variables "
                    f"({', '.join(names) or 'none given'})", text=text, column=column)
    return Expression(text, outputs, names, functions)
