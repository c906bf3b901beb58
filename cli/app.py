"""The ``dualdiff`` command line: a typer app whose commands are thin wrappers.

Every command is registered the same way, with :func:`command`: it declares
the command's arguments and help, runs inside
:func:`~dualdiff_cli.errors.reported` (the one place failures become exit
codes, or JSON errors with ``--json``) and hands over to
``dualdiff_cli.commands.<name>.main``, imported only when the command runs, so
``dualdiff --help`` does not pay for numpy. :class:`_Group` does the same for
the framework's own usage errors, so those are one line on stderr (or a JSON
error) and exit 2 too. ``-h`` is ``--help`` everywhere.

Expressions may start with ``-`` (``dualdiff grad "-x^2" x=1``): unknown
options are passed through as arguments (``ignore_unknown_options``), and
options may come anywhere. ``--`` works as usual to end the options.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, List, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from . import coercion
from .errors import USAGE, printable, reported, write_error, write_json_error
from .options import (DIGITS, FORMAT, JSON, OPTIONAL_POINT, POINT, QUIZ_POINT, SHARE, STANDALONE, STEP,
                      CodegenMode, Format, GradMode, GraphFormat, JacobianMode, QuizMode, QuizName, TraceMode,
                      check_format)

_EXPRESSION_COMMAND = {"ignore_unknown_options": True, "allow_interspersed_args": True}
_HELP = {"help_option_names": ["-h", "--help"]}

_LANGUAGE = """

\b
Expressions: numbers, variables, + - * / ** (and ^ for power), unary minus,
  parentheses, the functions listed by `dualdiff functions`, the constants
  pi and e; `;` separates several outputs (jacobian, jvp). Quote them:
  the shell would expand a bare * into file names.
Points: NAME=VALUE; a value may be a constant expression (t=pi/4); the
  decimal point is `.`. Variables are ordered as their NAME=VALUE arguments.
An expression starting with `-` works as is (dualdiff grad "-x^2" x=1).
Exit codes: 0 success, 1 not defined or overflowing at the point (log(-1.0),
  exp(800.0), a derivative that is not finite), 2 usage error. --json prints
  one JSON document, errors included (README: "JSON output").
"""


def _no_args_is_help_error() -> type | None:
    try:
        from typer._click.exceptions import NoArgsIsHelpError
    except ImportError:  # older typer, on click
        try:
            from click.exceptions import NoArgsIsHelpError  # type: ignore[no-redef]
        except ImportError:
            return None
    return NoArgsIsHelpError


def _json_command(args: list[str], names: list[str]) -> str | None:
    """The command name when ``--json`` is among the options of ``args`` (before ``--``), else None."""
    options = args[:args.index("--")] if "--" in args else args
    if "--json" not in options:
        return None
    return next((a for a in options if a in names), "dualdiff")


class _Group(TyperGroup):
    """The app's group: the framework's usage errors become one ``error:`` line (or a JSON error)
    and exit 2, and option values are converted without pydantic (:mod:`.coercion`)."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            coercion.install(self, [option])
        return option

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        arguments = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.TyperException as exc:
            no_args = _no_args_is_help_error()
            code = getattr(exc, "exit_code", USAGE)
            command = _json_command(arguments, list(self.commands))
            if no_args is not None and isinstance(exc, no_args):
                exc.show()
            elif command is not None:
                write_json_error(command, code, "usage", [f"error: {printable(exc.format_message())}"])
            else:
                write_error([f"error: {printable(exc.format_message())}"])
        except typer.Abort:
            write_error(["error: aborted"])
            code = 1
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


class _Command(TyperCommand):
    """A command whose option values are converted without pydantic (:mod:`.coercion`)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        coercion.install(self)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            coercion.install(self, [option])
        return option


app = typer.Typer(
    name="dualdiff",
    cls=_Group,
    help="Automatic differentiation from the command line: forward mode, reverse mode, symbolic "
         "differentiation and finite differences, side by side." + _LANGUAGE,
    epilog="\b\nTry:\n  dualdiff compare              (the lecture's Quiz #1)\n"
           "  dualdiff grad \"x^2 * y\" x=3 y=2\n  dualdiff quiz new --seed 7\n  dualdiff COMMAND -h",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings=_HELP,
)


def command(name: str, examples: str, *, expression: bool = True,
            no_args_is_help: bool = True) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a command, the one way: the app's command class, ``-h``, arguments that may start
    with ``-`` (for expressions), the examples as epilog, and failures reported by :func:`reported`."""
    def register(function: Callable[..., None]) -> Callable[..., None]:
        settings = {**_HELP, **(_EXPRESSION_COMMAND if expression else {})}
        epilog = "\b\nExamples:\n" + "\n".join(f"  {line}" for line in examples.strip().splitlines())
        app.command(name=name, cls=_Command, context_settings=settings, no_args_is_help=no_args_is_help,
                    epilog=epilog)(reported(function, name))
        return function
    return register


@command("compare", no_args_is_help=False, examples="""
dualdiff compare
dualdiff compare x=1.5
dualdiff compare "sin(x) * y" x=1 y=2 --json
dualdiff compare --format markdown""")
def compare(arguments: Optional[List[str]] = QUIZ_POINT,
            step: Optional[float] = typer.Option(
                None, "--step", metavar="H",
                help="Step of central differences and first step of Richardson (complex step keeps 1e-20)."),
            fmt: Format = FORMAT, standalone: bool = STANDALONE, as_json: bool = JSON) -> None:
    """Gradient by every method, side by side: forward mode, reverse mode, symbolic differentiation,
    central differences, Richardson extrapolation and complex step, with the passes or evaluations
    each used, its time (warm median, and its first call apart) and its difference from forward mode.

    Without an expression: the lecture's Quiz #1, exp(x*z) + x*z/log(x) + sin(log(x))/(x*z),
    at x=2, z=3.
    """
    from .commands import compare as run

    run.main(arguments or [], step, check_format(fmt, standalone, as_json), standalone, as_json)


@command("grad", examples="""
dualdiff grad "x^2 * y" x=3 y=2
dualdiff grad "-x^2" x=1 --mode forward
dualdiff grad "exp(x*z) + x*z/log(x)" x=2 z=3 --json""")
def grad(arguments: Optional[List[str]] = POINT,
         mode: GradMode = typer.Option(GradMode.reverse, "--mode",
                                       help="reverse: one backward sweep; forward: one jvp pass per "
                                            "variable; central: central finite differences (fd: the same)."),
         step: Optional[float] = STEP, as_json: bool = JSON) -> None:
    """Gradient of a scalar expression at a point."""
    from .commands import grad as run

    run.main(arguments or [], mode.value, step, as_json)


@command("jvp", examples="""
dualdiff jvp "x*y + sin(x)" x=1 y=2 --tangent x=1
dualdiff jvp "x*y; x+y" x=1 y=2 --tangent x=1 --tangent y=-1""")
def jvp(arguments: Optional[List[str]] = POINT,
        tangent: Optional[List[str]] = typer.Option(
            None, "--tangent", metavar="NAME=VALUE",
            help="Tangent (direction) of a variable; repeat for several. At least one is required; "
                 "variables without one have tangent 0."),
        as_json: bool = JSON) -> None:
    """Jacobian-vector product J·v by one forward-mode pass: the derivative of every output
    along the direction v given by --tangent."""
    from .commands import jvp as run

    run.main(arguments or [], tangent or [], as_json)


@command("jacobian", examples="""
dualdiff jacobian "x*y; x+y; sin(x)" x=1 y=2
dualdiff jacobian "x*y*z" x=1 y=2 z=3 --mode reverse --json""")
def jacobian(arguments: Optional[List[str]] = typer.Argument(
                 None, metavar="\"E1; E2; ...\" NAME=VALUE", show_default=False,
                 help="The outputs, separated by `;`, then a value for each variable."),
             mode: JacobianMode = typer.Option(
                 JacobianMode.auto, "--mode",
                 help="auto: forward mode when #inputs <= #outputs (one pass per input), else reverse "
                      "(one sweep per output); the output says which it chose and why."),
             as_json: bool = JSON) -> None:
    """Jacobian of several outputs, separated by ';', by forward or reverse mode."""
    from .commands import jacobian as run

    run.main(arguments or [], mode.value, as_json)


@command("derivative", examples="""
dualdiff derivative "sin(x)" x=1 --order 3
dualdiff derivative "x^3 * y" x=2 y=5 --wrt x --order 2 --json""")
def derivative(arguments: Optional[List[str]] = POINT,
               order: int = typer.Option(
                   1, "--order", metavar="N",
                   help="Order of the derivative, 0 to 10 (each order costs several times the previous)."),
               wrt: Optional[str] = typer.Option(
                   None, "--wrt", metavar="NAME",
                   help="Variable to differentiate in (needed when there are several; the others stay fixed)."),
               as_json: bool = JSON) -> None:
    """N-th derivative in one variable by nested forward mode (dualdiff.derivative),
    with every lower order shown too."""
    from .commands import derivative as run

    run.main(arguments or [], order, wrt, as_json)


@command("functions", expression=False, no_args_is_help=False, examples="""
dualdiff functions
dualdiff functions log sqrt --json""")
def functions(names: Optional[List[str]] = typer.Argument(None, metavar="NAME", show_default=False,
                                                         help="Show only these functions (aliases work)."),
              as_json: bool = JSON) -> None:
    """The functions expressions can call, with each derivative rule and its domain or kink note,
    straight from the primitive table."""
    from .commands import functions as run

    run.main(names or [], as_json)


@command("trace", examples="""
dualdiff trace "log(x1) + x1*x2 - sin(x2)" x1=2 x2=5 --wrt x1
dualdiff trace "exp(x*z) + x*z/log(x) + sin(log(x))/(x*z)" x=2 z=3 --mode reverse
dualdiff trace "log(x1) + x1*x2 - sin(x2)" x1=2 x2=5 --format latex --standalone
dualdiff trace "x*y + sin(x)" x=1 y=2 --json""")
def trace(arguments: Optional[List[str]] = POINT,
          wrt: Optional[str] = typer.Option(None, "--wrt", metavar="NAME",
                                            help="Variable the forward tangent is seeded on (default: the first)."),
          mode: TraceMode = typer.Option(TraceMode.both, "--mode",
                                         help="forward: tangent column; reverse: adjoint column; both."),
          fmt: Format = FORMAT, standalone: bool = STANDALONE, digits: int = DIGITS, share: bool = SHARE,
          as_json: bool = JSON) -> None:
    """The evaluation trace (Baydin et al.): one row per intermediate variable v₋₁, v₀, v₁, …
    with its operation, primal value, forward tangent and reverse adjoint; a subexpression used
    several times is one row, whose adjoint sums its uses."""
    from .commands import trace as run

    run.main(arguments or [], wrt, mode.value, check_format(fmt, standalone, as_json), standalone, digits,
             share, as_json)


@command("graph", examples="""
dualdiff graph "log(x1) + x1*x2 - sin(x2)"
dualdiff graph "log(x1) + x1*x2 - sin(x2)" x1=2 x2=5 | dot -Tpng -o graph.png
dualdiff graph "x*y + sin(x)" x=1 y=2 --format text""")
def graph(arguments: Optional[List[str]] = OPTIONAL_POINT,
          fmt: GraphFormat = typer.Option(GraphFormat.dot, "--format",
                                          help="dot: Graphviz source (pipe it to `dot -Tpng`); svg: drawn by "
                                               "Graphviz (needs `dot`); text: a tree in the terminal."),
          digits: int = DIGITS, share: bool = SHARE, as_json: bool = JSON) -> None:
    """The computation graph of an expression. Without a point, its structure; with a point, each
    node's value and adjoint, and each edge labelled with its local partial derivative
    (read from the primitive table)."""
    from .commands import graph as run

    run.main(arguments or [], fmt.value, digits, share, as_json)


@command("symbolic", examples="""
dualdiff symbolic "x^2 * sin(x)"
dualdiff symbolic "exp(x*z) + x*z/log(x) + sin(log(x))/(x*z)" --wrt x x=2 z=3
dualdiff symbolic "sin(sin(sin(x)))" x=1 --json""")
def symbolic(arguments: Optional[List[str]] = OPTIONAL_POINT,
             wrt: Optional[List[str]] = typer.Option(
                 None, "--wrt", metavar="NAME",
                 help="Differentiate in this variable; repeat for several (default: every variable)."),
             fmt: Format = FORMAT, standalone: bool = STANDALONE, share: bool = SHARE,
             as_json: bool = JSON) -> None:
    """Symbolic differentiation: each derivative as an expression, its size written out as a tree
    and as a shared DAG (the expression swell), and, with a point, its value next to forward and
    reverse mode."""
    from .commands import symbolic as run

    run.main(arguments or [], wrt or [], check_format(fmt, standalone, as_json), standalone, share, as_json)


@command("codegen", examples="""
dualdiff codegen "exp(x*z) + x*z/log(x) + sin(log(x))/(x*z)" x=2 z=3
dualdiff codegen "x*y + sin(x)" x=1 y=2 --wrt y
dualdiff codegen "exp(x*z) + x*z/log(x)" x=2 z=3 --mode reverse
dualdiff codegen "relu(x) * y" x=1 y=2 --mode reverse > program.py
dualdiff codegen "x^2 * y" x=3 y=2 --json""")
def codegen(arguments: Optional[List[str]] = POINT,
            mode: CodegenMode = typer.Option(
                CodegenMode.forward, "--mode",
                help="forward: one jvp seeded on --wrt, returning (f, df/dwrt); reverse: value and "
                     "gradient in every variable (a recording and a backward sweep)."),
            wrt: Optional[str] = typer.Option(None, "--wrt", metavar="NAME",
                                              help="forward mode: the variable the tangent is seeded on "
                                                   "(default: the first)."),
            as_json: bool = JSON) -> None:
    """The derivative program dualdiff.jit generates: the table's rules traced once at the point
    and written out as straight-line Python, one line per operation (source transformation, the
    third way to implement AD). It runs on its own: save it and call it. A guard line marks a
    decision taken at the point (a branch, a kink); elsewhere the program raises _Retrace."""
    from .commands import codegen as run

    run.main(arguments or [], mode.value, wrt, as_json)


@command("quiz", expression=False, examples="""
dualdiff quiz 1
dualdiff quiz 2 --sizes 4,3,2 --seed 1
dualdiff quiz confusion --json
dualdiff quiz new --seed 7 --ops 5 --mode reverse
dualdiff quiz new --seed 7 --answers --format latex --standalone""")
def quiz(which: QuizName = typer.Argument(..., metavar="1|2|confusion|new", show_default=False,
                                          help="1: Quiz #1; 2: backprop through a sigmoid network; "
                                               "confusion: perturbation confusion, live; new: a generated quiz."),
         sizes: Optional[str] = typer.Option(None, "--sizes", metavar="N0,N1,N2",
                                             help="quiz 2: input size and the two hidden layer sizes "
                                                  "(default 4,3,2)."),
         seed: Optional[int] = typer.Option(None, "--seed", metavar="N",
                                            help="quiz 2 and new: the seed (default 0); the same seed gives "
                                                 "the same quiz on any machine."),
         ops: Optional[int] = typer.Option(None, "--ops", metavar="K",
                                           help="quiz new: operations in the expression (1 to 12, default 5)."),
         mode: Optional[QuizMode] = typer.Option(None, "--mode",
                                                 help="quiz new: forward (fill in the tangents, the default) or "
                                                      "reverse (fill in the adjoints)."),
         fmt: Format = FORMAT, answers: bool = typer.Option(False, "--answers",
                                                            help="quiz new: the completed answer key."),
         standalone: bool = STANDALONE, as_json: bool = JSON) -> None:
    """The lecture's quizzes, worked by the library, and generated quizzes for students."""
    from .commands import quiz as run

    run.main(which.value, sizes, seed, ops, mode.value if mode is not None else None,
             check_format(fmt, standalone, as_json), answers, standalone, as_json)


@command("fd-sweep", no_args_is_help=False, examples="""
dualdiff fd-sweep
dualdiff fd-sweep "sin(x)" x=1 --plot sweep.png
dualdiff fd-sweep "exp(x*z)" x=2 z=3 --wrt z --json""")
def fd_sweep(arguments: Optional[List[str]] = QUIZ_POINT,
             wrt: Optional[str] = typer.Option(None, "--wrt", metavar="NAME",
                                               help="Variable to differentiate in (default: the first)."),
             plot: Optional[str] = typer.Option(None, "--plot", metavar="FILE.png",
                                                help="Also draw the log-log error curves with their guide "
                                                     "slopes to FILE (.png, .pdf or .svg; needs matplotlib)."),
             as_json: bool = JSON) -> None:
    """Finite-difference error against the step: forward, central and five-point differences
    compared with forward-mode AD for steps 1e-1 … 1e-15, the best step of each marked
    (truncation error falls with the step, round-off grows as it shrinks: a V)."""
    from .commands import fd_sweep as run

    run.main(arguments or [], wrt, plot, as_json)


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            text = version("dualdiff")
        except PackageNotFoundError:  # running from a source tree that is not installed
            text = "unknown (not installed)"
        typer.echo(f"dualdiff {text}")
        raise typer.Exit()


@app.callback()
def _root(show_version: bool = typer.Option(False, "--version", callback=_show_version,
                                             is_eager=True, help="Show the version and exit.")
          ) -> None:
    """Automatic differentiation from the command line (see ``dualdiff --help``)."""


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point (also ``python -m dualdiff`` and ``python -m dualdiff_cli``)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    typer.main.get_command(app).main(args=argv, prog_name="dualdiff")
