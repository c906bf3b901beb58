"""The teaching commands' typer wrappers: trace, graph, symbolic, quiz, fd-sweep.

They follow :mod:`.app` exactly (declare arguments and help, then hand over
to ``dualdiff_cli.commands.<name>.main``, imported only when the command
runs, inside :func:`~dualdiff_cli.errors.reported`) and live apart only to
keep ``app.py`` short; :func:`register` adds them to the app. Importing this
module costs typer only, so ``dualdiff --help`` stays fast.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, List, Optional

import typer

from .errors import reported


class TraceMode(str, Enum):
    forward = "forward"
    reverse = "reverse"
    both = "both"


class TraceFormat(str, Enum):
    table = "table"
    markdown = "markdown"
    latex = "latex"


class GraphFormat(str, Enum):
    dot = "dot"
    text = "text"


class QuizName(str, Enum):
    one = "1"
    two = "2"
    confusion = "confusion"


JSON = typer.Option(False, "--json", help="Print one JSON document and nothing else on stdout.")
POINT = typer.Argument(None, metavar="EXPR NAME=VALUE", show_default=False,
                       help="The expression, then a value for each of its variables.")
OPTIONAL_POINT = typer.Argument(None, metavar="EXPR [NAME=VALUE ...]", show_default=False,
                                help="The expression, then (optionally) a value for each of its variables.")
DIGITS = typer.Option(3, "--digits", metavar="N",
                      help="Decimal places shown (0 to 16); --json always has every digit.")
WRT = typer.Option(None, "--wrt", metavar="NAME",
                   help="Variable the forward tangent is seeded on (default: the first variable).")


@reported
def trace(arguments: Optional[List[str]] = POINT,
          wrt: Optional[str] = WRT,
          mode: TraceMode = typer.Option(TraceMode.both, "--mode",
                                         help="forward: tangent column; reverse: adjoint column; both."),
          fmt: TraceFormat = typer.Option(TraceFormat.table, "--format",
                                          help="table (rich), or markdown / latex text for notes and slides."),
          digits: int = DIGITS,
          as_json: bool = JSON) -> None:
    """The evaluation trace (Baydin et al.): one row per intermediate variable v₋₁, v₀, v₁, …
    with its operation, primal value, forward tangent and reverse adjoint."""
    from .commands import trace as command

    command.main(arguments or [], wrt, mode.value, fmt.value, digits, as_json)


@reported
def graph(arguments: Optional[List[str]] = OPTIONAL_POINT,
          fmt: GraphFormat = typer.Option(GraphFormat.dot, "--format",
                                          help="dot: Graphviz source (pipe it to `dot -Tpng`); "
                                               "text: a tree in the terminal."),
          digits: int = typer.Option(3, "--digits", metavar="N",
                                     help="Decimal places of the values and partials shown (0 to 16).")) -> None:
    """The computation graph of an expression. Without a point, its structure; with a point, each
    node's value and adjoint, and each edge labelled with its local partial derivative
    (read from the primitive table)."""
    from .commands import graph as command

    command.main(arguments or [], fmt.value, digits)


@reported
def symbolic(arguments: Optional[List[str]] = OPTIONAL_POINT,
             wrt: Optional[List[str]] = typer.Option(
                 None, "--wrt", metavar="NAME",
                 help="Differentiate in this variable; repeat for several (default: every variable)."),
             as_json: bool = JSON) -> None:
    """Symbolic differentiation: each derivative as an expression, its size written out as a tree
    and as a shared DAG (the expression swell), and, with a point, its value next to forward and
    reverse mode."""
    from .commands import symbolic as command

    command.main(arguments or [], wrt or [], as_json)


@reported
def quiz(which: QuizName = typer.Argument(..., metavar="1|2|confusion", show_default=False,
                                          help="1: Quiz #1; 2: backprop through a sigmoid network; "
                                               "confusion: perturbation confusion, live."),
         sizes: Optional[str] = typer.Option(None, "--sizes", metavar="N0,N1,N2",
                                             help="quiz 2: input size and the two hidden layer sizes "
                                                  "(default 4,3,2)."),
         seed: Optional[int] = typer.Option(None, "--seed", metavar="N",
                                            help="quiz 2: seed of the random weights and input (default 0)."),
         as_json: bool = JSON) -> None:
    """The lecture's quizzes, worked by the library: every method side by side."""
    from .commands import quiz as command

    command.main(which.value, sizes, seed, as_json)


@reported
def fd_sweep(arguments: Optional[List[str]] = typer.Argument(
                 None, metavar="[EXPR] [NAME=VALUE ...]", show_default=False,
                 help="The expression (default: Quiz #1) and a value for each variable (default: x=2 z=3)."),
             wrt: Optional[str] = typer.Option(None, "--wrt", metavar="NAME",
                                               help="Variable to differentiate in (default: the first)."),
             plot: Optional[str] = typer.Option(None, "--plot", metavar="FILE.png",
                                                help="Also draw the log-log error curves to FILE "
                                                     "(.png, .pdf or .svg; needs matplotlib)."),
             as_json: bool = JSON) -> None:
    """Finite-difference error against the step: forward, central and five-point differences
    compared with forward-mode AD for steps 1e-1 … 1e-15, the best step of each marked
    (truncation error falls with the step, round-off grows as it shrinks: a V)."""
    from .commands import fd_sweep as command

    command.main(arguments or [], wrt, plot, as_json)


COMMANDS: list[tuple[Any, str, dict[str, Any]]] = [
    (trace, """\b
Examples:
  dualdiff trace "log(x1) + x1*x2 - sin(x2)" x1=2 x2=5 --wrt x1
  dualdiff trace "log(x1) + x1*x2 - sin(x2)" x1=2 x2=5 --format latex
  dualdiff trace "x*y + sin(x)" x=1 y=2 --mode reverse --json
""", {"no_args_is_help": True}),
    (graph, """\b
Examples:
  dualdiff graph "log(x1) + x1*x2 - sin(x2)"
  dualdiff graph "log(x1) + x1*x2 - sin(x2)" x1=2 x2=5 | dot -Tpng -o graph.png
  dualdiff graph "x*y + sin(x)" x=1 y=2 --format text
""", {"no_args_is_help": True}),
    (symbolic, """\b
Examples:
  dualdiff symbolic "x^2 * sin(x)"
  dualdiff symbolic "exp(x*z) + x*z/log(x) + sin(log(x))/(x*z)" --wrt x x=2 z=3
  dualdiff symbolic "sin(sin(sin(x)))" x=1 --json
""", {"no_args_is_help": True}),
    (quiz, """\b
Examples:
  dualdiff quiz 1
  dualdiff quiz 2 --sizes 4,3,2 --seed 1
  dualdiff quiz confusion --json
""", {"no_args_is_help": True}),
    (fd_sweep, """\b
Examples:
  dualdiff fd-sweep
  dualdiff fd-sweep "sin(x)" x=1 --plot sweep.png
  dualdiff fd-sweep "exp(x*z)" x=2 z=3 --wrt z --json
""", {"name": "fd-sweep"}),
]


def register(app: typer.Typer, command_class: type, context_settings: dict[str, Any]) -> None:
    """Add the teaching commands to ``app``, with the app's command class and expression settings."""
    for function, epilog, extra in COMMANDS:
        settings = {} if function is quiz else {"context_settings": context_settings}
        app.command(cls=command_class, epilog=epilog, **settings, **extra)(function)
