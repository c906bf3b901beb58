"""The README's tour runs, and prints what the README says it prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def tour_lines() -> list[tuple[str, str]]:
    block = re.search(r"## A 30-second tour\n\n```python\n(.*?)```", README, re.S).group(1)
    lines = []
    for line in block.splitlines():
        code, _, comment = line.partition("  # ")
        if code.strip():
            lines.append((code.strip(), comment.strip()))
    return lines


def test_every_tour_line_runs_and_shows_the_documented_value():
    namespace: dict = {}
    checked = 0
    for code, comment in tour_lines():
        if comment.startswith("TypeError"):
            with pytest.raises(TypeError, match=re.escape(comment.split(": ", 1)[1].split(" ...")[0])):
                exec(code, namespace)
            continue
        if "=" in code.split("(")[0] or code.startswith(("import", "from")):
            exec(code, namespace)  # an assignment or an import
            continue
        shown = repr(eval(code, namespace))
        claimed = comment.split("  ")[0]
        if claimed.startswith(("(", "D", "'", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9")):
            assert shown.startswith(claimed.split(" ==")[0].rstrip()), (code, shown, claimed)
            checked += 1
    assert checked >= 5


def test_the_generated_quiz_shown_is_what_its_seed_gives():
    """The README's quiz is real output: a new table entry changes a seed's quiz, and this says so."""
    from typer.testing import CliRunner

    from dualdiff_cli.app import app

    block = re.search(r"A generated quiz \(`dualdiff quiz new --seed 7`.*?```\n(.*?)```", README,
                      re.S).group(1)
    result = CliRunner().invoke(app, ["quiz", "new", "--seed", "7"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    shown = [line.rstrip() for line in block.strip().splitlines()]
    assert [line.rstrip() for line in result.stdout.strip().splitlines()] == shown


def _without_timings(text: str) -> list[str]:
    """Lines with every duration (``24.8 µs``, ``1.85 ms``) and run count masked: they vary."""
    text = re.sub(r"\d+(\.\d+)? (µs|ms|s)\b", "T", text)
    text = re.sub(r"median of \d+ warm", "median of N warm", text)
    return [re.sub(r" +", " ", line.rstrip()) for line in text.strip().splitlines()]


def test_the_compare_output_shown_is_what_compare_prints():
    """The README's `dualdiff compare` block is the real 80-column output: every method's row,
    the same derivatives digit for digit, the same notes (timings masked)."""
    from typer.testing import CliRunner

    from dualdiff_cli.app import app

    block = re.search(r"`dualdiff compare` prints \(a real run, 80 columns\):\n\n```\n(.*?)```",
                      README, re.S).group(1)
    result = CliRunner().invoke(app, ["compare"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert _without_timings(result.stdout) == _without_timings(block)
    assert "1208.38121512661" in block and "compiled" in block
    assert max(len(line) for line in block.splitlines()) <= 80
