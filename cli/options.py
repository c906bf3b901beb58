"""The options commands share, each defined once, and their choices.

Importing this module costs typer only (no numpy), so ``dualdiff --help``
stays fast; the checks below raise the CLI's own usage error.
"""

from __future__ import annotations

from enum import Enum

import typer

from .errors import UsageProblem


class Format(str, Enum):
    table = "table"
    markdown = "markdown"
    latex = "latex"


class GradMode(str, Enum):
    forward = "forward"
    reverse = "reverse"
    central = "central"
    fd = "fd"


class JacobianMode(str, Enum):
    auto = "auto"
    forward = "forward"
    reverse = "reverse"


class TraceMode(str, Enum):
    forward = "forward"
    reverse = "reverse"
    both = "both"


class QuizMode(str, Enum):
    forward = "forward"
    reverse = "reverse"


class CodegenMode(str, Enum):
    forward = "forward"
    reverse = "reverse"


class GraphFormat(str, Enum):
    dot = "dot"
    text = "text"
    svg = "svg"


class QuizName(str, Enum):
    one = "1"
    two = "2"
    confusion = "confusion"
    new = "new"


JSON = typer.Option(False, "--json", help="Print one JSON document and nothing else on stdout "
                                          "(an error too: {\"error\": {kind, message, exit_code}}).")
FORMAT = typer.Option(Format.table, "--format", help="table (terminal), or markdown / latex text for notes, "
                                                     "slides and handouts.")
STANDALONE = typer.Option(False, "--standalone", help="With --format latex: a complete document "
                                                      "(pdflatex compiles it as is).")
DIGITS = typer.Option(3, "--digits", metavar="N", help="Decimal places shown (0 to 16); --json always has "
                                                       "every digit.")
SHARE = typer.Option(True, "--share/--no-share", help="One node per distinct subexpression (default), or "
                                                      "every occurrence in the literal order of the text.")
POINT = typer.Argument(None, metavar="EXPR NAME=VALUE", show_default=False,
                       help="The expression, then a value for each of its variables.")
OPTIONAL_POINT = typer.Argument(None, metavar="EXPR [NAME=VALUE ...]", show_default=False,
                                help="The expression, then (optionally) a value for each of its variables.")
QUIZ_POINT = typer.Argument(None, metavar="[EXPR] [NAME=VALUE ...]", show_default=False,
                            help="The expression (default: Quiz #1) and values (default: x=2 z=3; "
                                 "NAME=VALUE alone changes that variable only).")
STEP = typer.Option(None, "--step", metavar="H", help="Finite-difference step (default: chosen per variable).")


def check_format(fmt: Format, standalone: bool, as_json: bool) -> str:
    """The format's name, after refusing the combinations that cannot both hold."""
    if as_json and fmt is not Format.table:
        raise UsageProblem(f"choose --json or --format {fmt.value}, not both")
    if standalone and fmt is not Format.latex:
        raise UsageProblem("--standalone applies to --format latex only")
    return fmt.value
