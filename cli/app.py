"""The ``dualdiff`` command line: a typer app whose commands are thin wrappers.

Each wrapper declares the command's arguments and help, then hands over to
``dualdiff_cli.commands.<name>.main`` (imported only when the command runs,
so ``dualdiff --help`` does not pay for numpy). Every wrapper runs inside
:func:`~dualdiff_cli.errors.reported`, the one place failures become exit
codes; :class:`_Group` does the same for the framework's own usage errors, so
those are one line on stderr and exit 2 too.

Expressions may start with ``-`` (``dualdiff grad "-x^2" x=1``): unknown
options are passed through as arguments (``ignore_unknown_options``), and
options may come anywhere. ``--`` works as usual to end the options.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import Any, List, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from . import coercion
from .errors import USAGE, printable, reported, write_error

_EXPRESSION_COMMAND = {"ignore_unknown_options": True, "allow_interspersed_args": True}

_LANGUAGE = """

\b
Expressions: numbers, variables, + - * / ** (and ^ for power), unary minus,
  parentheses, the functions listed by `dualdiff functions`, the constants
  pi and e; `;` separates several outputs (jacobian, jvp).
Points: NAME=VALUE; a value may be a constant expression (t=pi/4).
  Variables are ordered as their NAME=VALUE arguments are.
An expression starting with `-` works as is (dualdiff grad "-x^2" x=1).
Exit codes: 0 success, 1 not defined at the point (log(-1.0), a derivative
  that is not finite), 2 usage error. --json prints one JSON document.
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


class _Group(TyperGroup):
    """The app's group: the framework's usage errors become one ``error:`` line and exit 2,
    and option values are converted without pydantic (:mod:`.coercion`)."""

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            coercion.install(self, [option])
        return option

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.TyperException as exc:
            no_args = _no_args_is_help_error()
            if no_args is not None and isinstance(exc, no_args):
                exc.show()
            else:
                write_error([f"error: {printable(exc.format_message())}"])
            code = getattr(exc, "exit_code", USAGE)
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
    help="Automatic differentiation from the command line: forward mode, reverse mode and "
         "finite differences, side by side." + _LANGUAGE,
    epilog="\b\nTry:\n  dualdiff compare              (the lecture's Quiz #1)\n"
           "  dualdiff grad \"x^2 * y\" x=3 y=2\n  dualdiff COMMAND --help",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class GradMode(str, Enum):
    forward = "forward"
    reverse = "reverse"
    fd = "fd"


class JacobianMode(str, Enum):
    auto = "auto"
    forward = "forward"
    reverse = "reverse"


Arguments = typer.Argument(None, metavar="EXPR NAME=VALUE", show_default=False,
                           help="The expression, then a value for each of its variables.")
JSON = typer.Option(False, "--json", help="Print one JSON document and nothing else on stdout.")
STEP = typer.Option(None, "--step", metavar="H", help="Finite-difference step (default: chosen per variable).")


@app.command(cls=_Command, context_settings=_EXPRESSION_COMMAND, epilog="""\b
Examples:
  dualdiff compare
  dualdiff compare "sin(x) * y" x=1 y=2
  dualdiff compare x=1.5 z=2 --json
""")
@reported
def compare(arguments: Optional[List[str]] = typer.Argument(
                None, metavar="EXPR NAME=VALUE", show_default=False,
                help="The expression (default: Quiz #1) and a value for each variable (default: x=2 z=3)."),
            step: Optional[float] = typer.Option(
                None, "--step", metavar="H",
                help="Step of central differences and first step of Richardson (complex step keeps 1e-20)."),
            as_json: bool = JSON) -> None:
    """Gradient by every method, side by side: forward mode, reverse mode, central differences,
    Richardson extrapolation and complex step, with the passes or evaluations each used, its time
    and its difference from forward mode.

    Without an expression: the lecture's Quiz #1, exp(x*z) + x*z/log(x) + sin(log(x))/(x*z),
    at x=2, z=3.
    """
    from .commands import compare as command

    command.main(arguments or [], step, as_json)


@app.command(cls=_Command, context_settings=_EXPRESSION_COMMAND, no_args_is_help=True, epilog="""\b
Examples:
  dualdiff grad "x^2 * y" x=3 y=2
  dualdiff grad "-x^2" x=1 --mode forward
  dualdiff grad "exp(x*z) + x*z/log(x)" x=2 z=3 --json
""")
@reported
def grad(arguments: Optional[List[str]] = Arguments,
         mode: GradMode = typer.Option(GradMode.reverse, "--mode",
                                       help="reverse: one backward sweep; forward: one jvp pass per "
                                            "variable; fd: central finite differences."),
         step: Optional[float] = STEP,
         as_json: bool = JSON) -> None:
    """Gradient of a scalar expression at a point."""
    from .commands import grad as command

    command.main(arguments or [], mode.value, step, as_json)


@app.command(cls=_Command, context_settings=_EXPRESSION_COMMAND, no_args_is_help=True, epilog="""\b
Examples:
  dualdiff jvp "x*y + sin(x)" x=1 y=2 --tangent x=1
  dualdiff jvp "x*y; x+y" x=1 y=2 --tangent x=1 --tangent y=-1
""")
@reported
def jvp(arguments: Optional[List[str]] = Arguments,
        tangent: Optional[List[str]] = typer.Option(
            None, "--tangent", metavar="NAME=VALUE",
            help="Tangent (direction) of a variable; repeat for several. At least one is required; "
                 "variables without one have tangent 0."),
        as_json: bool = JSON) -> None:
    """Jacobian-vector product J·v by one forward-mode pass: the derivative of every output
    along the direction v given by --tangent."""
    from .commands import jvp as command

    command.main(arguments or [], tangent or [], as_json)


@app.command(cls=_Command, context_settings=_EXPRESSION_COMMAND, no_args_is_help=True, epilog="""\b
Examples:
  dualdiff jacobian "x*y; x+y; sin(x)" x=1 y=2
  dualdiff jacobian "x*y*z" x=1 y=2 z=3 --mode reverse --json
""")
@reported
def jacobian(arguments: Optional[List[str]] = typer.Argument(
                 None, metavar="\"E1; E2; ...\" NAME=VALUE", show_default=False,
                 help="The outputs, separated by `;`, then a value for each variable."),
             mode: JacobianMode = typer.Option(
                 JacobianMode.auto, "--mode",
                 help="auto: forward mode when #inputs <= #outputs (one pass per input), else reverse "
                      "(one sweep per output); the output says which it chose and why."),
             as_json: bool = JSON) -> None:
    """Jacobian of several outputs, separated by ';', by forward or reverse mode."""
    from .commands import jacobian as command

    command.main(arguments or [], mode.value, as_json)


@app.command(cls=_Command, context_settings=_EXPRESSION_COMMAND, no_args_is_help=True, epilog="""\b
Examples:
  dualdiff derivative "sin(x)" x=1 --order 3
  dualdiff derivative "x^3 * y" x=2 y=5 --wrt x --order 2 --json
""")
@reported
def derivative(arguments: Optional[List[str]] = Arguments,
               order: int = typer.Option(
                   1, "--order", metavar="N",
                   help="Order of the derivative, 0 to 10 (each order costs several times the previous)."),
               wrt: Optional[str] = typer.Option(
                   None, "--wrt", metavar="NAME",
                   help="Variable to differentiate in (needed when there are several; the others stay fixed)."),
               as_json: bool = JSON) -> None:
    """N-th derivative in one variable by nested forward mode (dualdiff.derivative),
    with every lower order shown too."""
    from .commands import derivative as command

    command.main(arguments or [], order, wrt, as_json)


@app.command(cls=_Command, epilog="""\b
Examples:
  dualdiff functions
  dualdiff functions log sqrt --json
""")
@reported
def functions(names: Optional[List[str]] = typer.Argument(None, metavar="NAME", show_default=False,
                                                         help="Show only these functions (aliases work)."),
              as_json: bool = JSON) -> None:
    """The functions expressions can call, with each derivative rule and its domain or kink note,
    straight from the primitive table."""
    from .commands import functions as command

    command.main(names or [], as_json)


from . import teaching  # noqa: E402  (the teaching commands: trace, graph, symbolic, quiz, fd-sweep)

teaching.register(app, _Command, _EXPRESSION_COMMAND)


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
    """Console-script entry point."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    typer.main.get_command(app).main(args=argv, prog_name="dualdiff")
