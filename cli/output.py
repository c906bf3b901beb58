"""The render step's shared pieces: one console, JSON output, number formatting.

Width: rich decides, and it honours ``COLUMNS`` whether stdout is a terminal
or a pipe; a pipe without ``COLUMNS`` gets 80 columns (most terminals a pipe
ends in). Every command lays itself out for that width (:mod:`.layout`), so
``dualdiff compare | cat`` in an 80-column terminal reads as on screen, and
``COLUMNS=160 dualdiff compare > file`` gives the one-table layout.

Colour: rich decides too. Its console is plain when stdout is not a terminal
or ``NO_COLOR`` is set; nothing here forces a terminal or a colour system.
User text (expressions, names) is only ever put into a renderable as a
:class:`rich.text.Text` or through :func:`rich.markup.escape`, never parsed
as markup.
"""

from __future__ import annotations

import json
import math
import os
import sys
from typing import Any, Callable

from rich.console import Console, RenderableType

from .schema import SCHEMA_VERSION


MIN_WIDTH = 40
"""Narrowest layout: a smaller ``COLUMNS`` is taken as this (``COLUMNS=1`` would print a letter
per line), and ``COLUMNS=0`` as not set (rich would print nothing at all)."""


def console() -> Console:
    """A console on the current stdout (tests swap it), never forcing colour; the width is rich's
    (``COLUMNS``, else the terminal's, else 80) but at least :data:`MIN_WIDTH`."""
    columns = os.environ.get("COLUMNS", "")
    if not (columns.isdigit() and int(columns) < MIN_WIDTH):
        return Console(file=sys.stdout)
    environ = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    width = int(columns) and MIN_WIDTH
    return Console(file=sys.stdout, width=width or None, _environ=environ)


def emit(renderable: RenderableType, soft_wrap: bool = False) -> None:
    console().print(renderable, soft_wrap=soft_wrap)


def finite_or_none(value: float | None) -> float | None:
    """JSON has no NaN or inf: those become null."""
    return value if value is not None and math.isfinite(value) else None


def document(command: str, body: dict[str, Any]) -> dict[str, Any]:
    """The envelope every ``--json`` document shares: the schema version and the command first."""
    return {"schema": SCHEMA_VERSION, "command": command, **body}


def emit_json(command: str, body: dict[str, Any]) -> None:
    """One JSON document on stdout and nothing else. NaN/inf are refused (not JSON)."""
    sys.stdout.write(json.dumps(document(command, body), indent=2, allow_nan=False, ensure_ascii=False) + "\n")


def number(value: float | None, digits: int = 16) -> str:
    """A float with ``digits`` significant digits (enough to see where methods disagree)."""
    if value is None:
        return "n/a"
    if value == 0.0:
        return "0"
    return f"{value:.{digits}g}"


def difference(value: float | None) -> str:
    if value is None:
        return "n/a"
    return "0" if value == 0.0 else f"{value:.1e}"


def plural(count: int, noun: str) -> str:
    """``1 jvp pass``, ``2 jvp passes``, ``9 evaluations``."""
    if count == 1:
        return f"1 {noun}"
    suffix = "es" if noun.endswith(("s", "sh", "ch")) else "s"
    return f"{count} {noun}{suffix}"


def cost(count: int, unit: str) -> dict[str, Any]:
    """The JSON of a cost: ``{"count": 2, "unit": "jvp pass"}``."""
    return {"count": count, "unit": unit}


def show(command: str, result: Any, render: Callable[[Any], RenderableType],
         to_json: Callable[[Any], dict[str, Any]], as_json: bool) -> None:
    """The last step of every command: ``to_json(result)`` as JSON, or ``render(result)``."""
    if as_json:
        emit_json(command, to_json(result))
    else:
        emit(render(result))


def write_text(text: str) -> None:
    """Plain text (Markdown, LaTeX, DOT) on stdout, exactly as given."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
