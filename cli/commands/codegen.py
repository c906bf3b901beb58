"""``dualdiff codegen``: the derivative program ``dualdiff.jit`` generates for an expression at a point.

Source transformation, the third way of implementing AD: ``jit`` traces the
table's rules once (forward mode: one jvp seeded on ``--wrt``; reverse mode:
``value_and_grad``) and emits one line of straight-line Python per operation.
The program (:func:`dualdiff.program.derivative_program`) runs on its own: it
defines every name it reads, and its last line is the call at the point with
its result. Highlighted on a terminal, plain text in a pipe (so it can be
saved and run), one JSON string with ``--json``.
"""

from __future__ import annotations

import sys
import warnings
from typing import Any, Sequence

import numpy as np

from dualdiff.program import NotCompiled, Program, derivative_program

from .. import output
from ..arguments import parse_problem, variable
from ..diagnose import require_finite
from ..errors import CliError, UsageProblem


def codegen(arguments: Sequence[str], mode: str = "forward", wrt: str | None = None) -> Program:
    problem = parse_problem(arguments, command="codegen")
    if mode == "reverse" and wrt is not None:
        raise UsageProblem("--wrt applies to --mode forward; reverse mode differentiates in every "
                           "variable at once")
    name = variable(problem.variables, wrt) if mode == "forward" else None
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            program = derivative_program(problem.expression, problem.point, mode, name, problem.text)
    except NotCompiled as exc:
        raise CliError(f"dualdiff.jit does not compile {problem.text} here ({exc}); "
                       f"`dualdiff grad` still computes its derivatives") from None
    # As every command: a derivative that is not finite at the point is exit 1, naming the operation
    # (a program whose own last line would return inf or nan is no answer).
    derivatives = program.result[1]
    names = program.wrt if mode == "forward" else problem.variables
    values = (derivatives,) if mode == "forward" else tuple(derivatives)
    require_finite(problem, [(f"∂f/∂{n}", float(v), {n: 1.0}) for n, v in zip(names, values)])
    return program


def to_json(program: Program) -> dict[str, Any]:
    return {"expression": program.expression, "point": dict(program.point), "mode": program.mode,
            "wrt": list(program.wrt), "function": program.function,
            "parameters": list(program.parameters), "returns": program.returns,
            "source": program.text}


def render(program: Program) -> None:
    """Highlighted on a terminal; exactly the program text otherwise (it runs as saved)."""
    console = output.console()
    if not console.is_terminal:
        output.write_text(program.text)
        return
    from rich.syntax import Syntax

    console.print(Syntax(program.text, "python", theme="ansi_dark", background_color="default",
                         word_wrap=True))


def main(arguments: Sequence[str], mode: str, wrt: str | None, as_json: bool) -> None:
    program = codegen(arguments, mode, wrt)
    if as_json:
        output.emit_json("codegen", to_json(program))
    else:
        render(program)
        sys.stdout.flush()
