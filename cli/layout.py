"""Layouts that read at 80 columns and stay usable at 60: no label or number is ever cut.

A :class:`Sheet` is a title, a table and notes. Rendered, it picks the first
layout whose natural width fits the console: the whole table; the table split
into several narrower tables (each keeping the label column); the table
without its secondary columns (only when what they hold is said elsewhere);
and finally one record per row, the label on its own line and each
``header value`` pair after it, packed to the width. A rich table squeezed
below its natural width would cut or fold numbers (``1208.38121`` next to
``1208.381215``, as if the methods disagreed); choosing a layout never does.

A :class:`Title` breaks only between its items (``f = …`` / ``at x=2.0,``
``z=3.0``), never inside ``x=2.0``.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

Cell = str | Text


class Title:
    """Lines made of ``groups`` of atoms: the whole title on one line when it fits, else each
    group starting a new line and its atoms packed greedily (a break only between atoms)."""

    def __init__(self, *groups: Sequence[str], style: str = "bold"):
        self.groups = [list(g) for g in groups if g]
        self.style = style

    @classmethod
    def of(cls, head: str, point: dict[str, float] | None = None, *more: Sequence[str]) -> "Title":
        """``head`` and ``at x=2.0, z=3.0`` (each assignment an atom)."""
        groups: list[Sequence[str]] = [[head]]
        if point:
            groups.append(point_atoms("at", point))
        return cls(*groups, *more)

    def plain(self) -> str:
        return " ".join(" ".join(g) for g in self.groups)

    def lines(self, width: int) -> list[str]:
        whole = self.plain()
        if len(whole) <= width:
            return [whole]
        lines: list[str] = []
        for group in self.groups:
            line = ""
            for atom in group:
                if line and len(line) + 1 + len(atom) > width:
                    lines.append(line)
                    line = atom
                else:
                    line = f"{line} {atom}" if line else atom
            lines.append(line)
        return lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterable[RenderableType]:
        for line in self.lines(options.max_width):
            yield Text(line, style=self.style, overflow="fold")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((len(a) for g in self.groups for a in g), default=0)
        return Measurement(min(longest, options.max_width), len(self.plain()))


WRAP_MIN = 24
"""Width a wrapping text column needs at least (longer text wraps inside it)."""


def point_atoms(lead: str, point: dict[str, float]) -> list[str]:
    """``["at", "x=2.0,", "z=3.0"]``: a point as title atoms (a line may break after a comma)."""
    items = [f"{name}={value!r}" for name, value in point.items()]
    return [lead, *(item + "," for item in items[:-1]), *items[-1:]]


@dataclass(frozen=True)
class Column:
    header: str
    number: bool = True
    secondary: bool = False
    """May be dropped at narrow widths (its content is said elsewhere)."""
    wrap: bool = False
    """Long prose (a derivative rule): wraps at spaces inside the column instead of widening it."""


@dataclass
class Sheet:
    """A titled table with notes that lays itself out for the console width (see the module doc).

    ``columns[0]`` is the label column, never dropped. ``splits`` are
    alternative groupings of the other columns' indices into several tables.
    """

    title: Title | None
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    splits: list[list[list[int]]] = field(default_factory=list)

    def add_row(self, *cells: Cell) -> None:
        self.rows.append(list(cells))

    def _table(self, indices: Sequence[int], proxy: bool = False) -> Table:
        """The table of these columns; ``proxy`` cuts wrapping cells to :data:`WRAP_MIN` (only to
        measure the width the table needs)."""
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for i in indices:
            column = self.columns[i]
            table.add_column(Text(column.header), justify="right" if column.number else "left",
                             no_wrap=not column.wrap, overflow="fold")
        for row in self.rows:
            cells = [_text(row[i]) for i in indices]
            if proxy:
                cells = [Text(c.plain[:WRAP_MIN]) if self.columns[i].wrap else c for i, c in zip(indices, cells)]
            table.add_row(*cells)
        return table

    def _option(self, *groups: Sequence[int]) -> "Option":
        tables = [self._table(g) for g in groups]
        spaced = [part for table in tables for part in (Text(""), table)][1:]
        return Option(Group(*spaced), Group(*(self._table(g, True) for g in groups)))

    def layouts(self) -> list[RenderableType]:
        """Every layout, widest first; the last (records) always fits."""
        others = list(range(1, len(self.columns)))
        choices: list[RenderableType] = [self._option([0, *others])]
        for split in self.splits:
            choices.append(self._option(*([0, *part] for part in split)))
        primary = [i for i in others if not self.columns[i].secondary]
        if len(primary) < len(others):
            choices.append(self._option([0, *primary]))
        choices.append(Records(self.columns, self.rows))
        return choices

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterable[RenderableType]:
        if self.title is not None:
            yield self.title
            yield Text("")
        yield Fit(*self.layouts())
        notes = [note for note in self.notes if note]
        if notes:
            yield Text("")
        for note in notes:
            yield Prose(note)


class Records:
    """One block per row: the label, then ``header value`` pairs packed to the width, indented."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Sequence[Cell]]):
        self.columns = columns
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterable[RenderableType]:
        width = options.max_width
        for row in self.rows:
            yield Text(_plain(row[0]), style="bold", overflow="fold")
            line = "  "
            for column, cell in zip(self.columns[1:], row[1:]):
                value = _plain(cell)
                if not value:
                    continue
                pair = f"{column.header}: {value}"
                if line.strip() and len(line) + 3 + len(pair) > width:
                    yield Text(line, overflow="fold")
                    line = "  "
                line = f"{line}   {pair}" if line.strip() else f"  {pair}"
            if line.strip():
                yield Text(line, overflow="fold")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, options.max_width)


@dataclass(frozen=True)
class Option:
    """A layout and the renderable whose natural width is the width it needs."""

    renderable: RenderableType
    measure: RenderableType

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterable[RenderableType]:
        yield self.renderable


class Fit:
    """The first of several renderables whose natural width fits the console (else the last)."""

    def __init__(self, *choices: RenderableType):
        self.choices = choices

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterable[RenderableType]:
        for choice in self.choices[:-1]:
            probe = choice.measure if isinstance(choice, Option) else choice
            natural = Measurement.get(console, options.update_width(10_000), probe).maximum
            if natural <= options.max_width:
                yield choice
                return
        yield self.choices[-1]


def _text(cell: Cell) -> Text:
    return cell if isinstance(cell, Text) else Text(cell)


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


class Prose:
    """Plain text wrapped at spaces to the console width, with no space left at a line's end
    (rich's own wrapping keeps it, which shows when the output is piped or diffed)."""

    def __init__(self, text: str):
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterable[RenderableType]:
        for line in textwrap.wrap(self.text, options.max_width, break_on_hyphens=False) or [""]:
            yield Text(line, overflow="fold")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((len(word) for word in self.text.split()), default=0)
        return Measurement(min(longest, options.max_width), len(self.text))


def notes(renderable: RenderableType, *lines: str) -> RenderableType:
    """``renderable`` followed by plain-text notes (never markup), wrapped to the console width."""
    return Group(renderable, *(Prose(line) for line in lines if line))
