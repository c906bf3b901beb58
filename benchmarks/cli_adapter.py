"""Rows for the CLI's cold-start timings, measured with the colleague's ``benchmarks/bench_cli.py``.

bench_cli.py owns how the CLI is started (which ``dualdiff`` executable, a
private bytecode cache so no run pays for compiling, wall and CPU time of the
child): this module only calls its ``measure`` once per run, so the table gets
every run's time for its minimum and median. Without bench_cli.py, or if its
interface changes, the scenario shows one skipped row saying so.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from pathlib import Path
from types import ModuleType

from .config import Config
from .rows import Row
from .targets import target_for
from .timing import Timing

HELP, COMPARE = "dualdiff --help", "dualdiff compare (cold)"
ARGUMENTS = {HELP: ["--help"], COMPARE: ["compare"]}


def _load() -> ModuleType | None:
    try:
        return importlib.import_module("benchmarks.bench_cli")
    except ModuleNotFoundError as exc:
        if exc.name != "benchmarks.bench_cli":
            raise
        return None


def _row(variant: str, note: str) -> Row:
    return Row("cli", "dualdiff", variant, "cold process", note=note)


def cli_rows(cfg: Config) -> list[Row]:
    module = _load()
    if module is None:
        return [_row(f"{HELP} / compare", "skipped: benchmarks/bench_cli.py is not present")]
    measure = getattr(module, "measure", None)
    command = getattr(module, "_dualdiff_command", None)
    if not (callable(measure) and callable(command)):
        return [_row(f"{HELP} / compare",
                     "skipped: benchmarks/bench_cli.py has no measure()/_dualdiff_command()")]
    try:
        return _measure_cli(measure, command(), cfg.import_repeats)
    except Exception as exc:  # noqa: BLE001  (a broken CLI must not end the run)
        return [_row(f"{HELP} / compare", f"failed: {type(exc).__name__}: {exc}"[:300])]


def _measure_cli(measure, dualdiff: list[str], repeats: int) -> list[Row]:
    """Each command once untimed (bytecode, file cache), then ``repeats`` fresh processes."""
    with tempfile.TemporaryDirectory() as scratch:
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONDONTWRITEBYTECODE", "FORCE_COLOR")}
        env["PYTHONPYCACHEPREFIX"] = str(Path(scratch) / "pycache")
        commands = {label: [*dualdiff, *args] for label, args in ARGUMENTS.items()}
        for cmd in commands.values():
            measure(cmd, 1, env, scratch)
        rows = []
        for label, cmd in commands.items():
            runs = [measure(cmd, 1, env, scratch) for _ in range(max(1, repeats))]
            cpu_ms = min(cpu for _, cpu in runs) * 1e3
            rows.append(timing_row(label, [wall for wall, _ in runs], f"min CPU time {cpu_ms:.0f} ms"))
    return rows


def timing_row(variant: str, seconds: list[float], note: str = "") -> Row:
    """A CLI row from raw wall times; the metric is the minimum in milliseconds."""
    timing = Timing(tuple(seconds), 1, float("nan"))
    row = Row("cli", "dualdiff", variant, "cold process", timing=timing, note=note,
              target=target_for("cli", "dualdiff", variant))
    row.metric, row.metric_unit = timing.min * 1e3, "ms"
    return row
