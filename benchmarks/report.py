"""The run as a rich table (for people) and as JSON (for tools and for comparing runs)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from .rows import Row

COLUMNS = ("scenario", "variant", "min", "median", "ratio to primal", "target", "met?")
MISMATCH = 1e-6
"""Relative disagreement with the reference above which a row is flagged."""


def format_seconds(seconds: float | None, unit: str = "s") -> str:
    if seconds is None or not math.isfinite(seconds):
        return "—"
    per = "/node" if unit == "s/node" else ""
    for scale, name in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {name}{per}"
    return f"{seconds * 1e9:.3g} ns{per}"


def _ratio(row: Row) -> str:
    if row.is_primal and row.timing is not None:
        return "1× (primal)"
    return "—" if row.ratio is None else f"{row.ratio:.3g}×"


def _met(row: Row) -> Text:
    met = row.met
    metric = f" {row.metric:.3g} {row.metric_unit}" if row.metric is not None else ""
    if row.relative is not None and row.target is not None and row.target.on == "relative":
        metric = f" {row.relative:.3g}× {row.target.versus.split(' · ', 1)[-1]}"
    if met is None:
        return Text(metric.strip(), style="dim")
    return Text(("yes" if met else "NO") + metric, style="green" if met else "bold red")


def _variant(row: Row) -> Text:
    label = "setup" if row.variant == "setup" else f"{row.library} · {row.variant}"
    text = Text(label, style="dim" if row.is_primal else ("bold" if row.library == "dualdiff" else ""))
    if row.error is not None and row.error > MISMATCH:
        text.append(" ≠", style="bold red")
    if row.note.startswith(("failed", "skipped")):
        text.append(" *", style="yellow")
    return text


def table(rows: list[Row], title: str) -> Table:
    """One line per row, in the columns issue #9 asks for; notes go in :func:`footnotes`."""
    t = Table(title=title, title_justify="left", header_style="bold")
    for name in COLUMNS:
        t.add_column(name, justify="right" if name in ("min", "median", "ratio to primal") else "left")
    previous = None
    for row in rows:
        scenario = f"{row.scenario} {row.size}".strip()
        if previous is not None and scenario != previous:
            t.add_section()
        t.add_row(scenario if scenario != previous else "", _variant(row),
                  format_seconds(row.timing.min if row.timing else None, row.unit),
                  format_seconds(row.timing.median if row.timing else None, row.unit),
                  _ratio(row), row.target.label if row.target else "", _met(row))
        previous = scenario
    return t


def footnotes(rows: list[Row]) -> list[str]:
    """Failures, skips and result mismatches, one line each."""
    notes = []
    for row in rows:
        where = f"{row.scenario} {row.size} · {row.library} · {row.variant}"
        if row.note.startswith(("failed", "skipped")):
            notes.append(f"* {where}: {row.note}")
        if row.error is not None and row.error > MISMATCH:
            notes.append(f"≠ {where}: result differs from the reference by {row.error:.2g} (relative)")
    return notes


def summary(rows: list[Row]) -> str:
    checked = [r for r in rows if r.met is not None]
    met = sum(1 for r in checked if r.met)
    return f"targets met: {met} of {len(checked)}"


def _clean(value: Any) -> Any:
    """NaN and inf are not JSON: they become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def document(rows: list[Row], meta: dict, config: dict, peers: dict, preset: str) -> dict:
    return _clean({"suite": "dualdiff benchmarks (issue #9)", "preset": preset, "meta": meta,
                   "config": config, "peers": peers, "summary": summary(rows),
                   "rows": [r.as_dict() for r in rows]})


def write_json(path: str | Path, doc: dict) -> None:
    Path(path).write_text(json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n")
