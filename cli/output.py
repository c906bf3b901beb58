"""The render step's shared pieces: one console, JSON output, number formatting.

Colour: rich decides. Its console is plain when stdout is not a terminal or
``NO_COLOR`` is set; nothing here forces a terminal or a colour system.
User text (expressions, names) is only ever put into a renderable as a
:class:`rich.text.Text` or through :func:`rich.markup.escape`, never parsed
as markup.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any, Iterable

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

WIDE = 160
"""Width used when stdout is not a terminal: a file or a pipe has no margin to
respect, and wrapping 16-digit numbers would only make them harder to read."""


def console() -> Console:
    """A console on the current stdout (tests swap it), never forcing colour."""
    out = Console(file=sys.stdout)
    if not out.is_terminal:
        out = Console(file=sys.stdout, width=WIDE)
    return out


def table(title: str) -> Table:
    """The house style: a title (markup: escape user text in it), a header rule, no side borders."""
    return Table(title=title, box=box.SIMPLE_HEAD)


def number_column(into: Table, header: str | Text) -> None:
    """A right-aligned numeric column that folds rather than truncates: every digit stays visible."""
    into.add_column(header, justify="right", no_wrap=True, overflow="fold")


class Fit:
    """The first of several renderables whose natural width fits the console (else the last).

    Tables squeeze their columns to fit, which cuts or folds long numbers;
    offering a narrower layout instead keeps every digit readable.
    """

    def __init__(self, *choices: RenderableType):
        self.choices = choices

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterable[RenderableType]:
        for choice in self.choices[:-1]:
            natural = Measurement.get(console, options.update_width(10_000), choice).maximum
            if natural <= options.max_width:
                yield choice
                return
        yield self.choices[-1]


def emit(renderable: RenderableType) -> None:
    console().print(renderable)


def with_notes(renderable: RenderableType, *notes: str) -> RenderableType:
    """``renderable`` followed by plain-text notes (never markup), wrapped to the console width."""
    return Group(renderable, *(Text(note) for note in notes if note))


def emit_json(document: dict[str, Any]) -> None:
    """One JSON document on stdout and nothing else. NaN/inf are refused (not JSON)."""
    sys.stdout.write(json.dumps(document, indent=2, allow_nan=False) + "\n")


def number(value: float, digits: int = 16) -> str:
    """A float with ``digits`` significant digits (enough to see where methods disagree)."""
    if value == 0.0:
        return "0"
    return f"{value:.{digits}g}"


def difference(value: float | None) -> str:
    if value is None:
        return "n/a"
    return "0" if value == 0.0 else f"{value:.1e}"


def duration(seconds: float) -> str:
    """Human time: µs below a millisecond, ms below a second."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def plural(count: int, noun: str) -> str:
    """``1 jvp pass``, ``2 jvp passes``, ``9 evaluations``."""
    if count == 1:
        return f"1 {noun}"
    suffix = "es" if noun.endswith(("s", "sh", "ch")) else "s"
    return f"{count} {noun}{suffix}"


def agreement_digits(values: tuple[float, ...], reference: tuple[float, ...]) -> int:
    """Significant digits to which ``values`` agree with ``reference`` (normwise, 0..16)."""
    scale = max((abs(r) for r in reference), default=0.0) or 1.0
    error = max((abs(v - r) for v, r in zip(values, reference)), default=0.0)
    if error == 0.0:
        return 16
    return int(max(0, min(16, math.floor(-math.log10(error / scale)))))


def show(result: Any, render: Any, to_json: Any, as_json: bool) -> None:
    """The last step of every command: ``to_json(result)`` as JSON, or ``render(result)`` as a table."""
    if as_json:
        emit_json(to_json(result))
    else:
        emit(render(result))
