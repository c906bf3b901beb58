"""Readable at 80 columns, usable at 60: every command rendered at 60, 80 and 160 columns
(``COLUMNS`` honoured although the output is not a terminal), with every label and every
number it shows, at the precision it promises, found whole in the text.

The numbers come from the same command's ``--json`` output, printed the way the table prints
them (16 significant digits, or the trace's 3 decimals), so a number cut or folded by a
narrow layout fails the test.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any, Callable

import pytest
from typer.testing import CliRunner

from dualdiff.notation import short
from dualdiff_cli.app import app
from dualdiff_cli.output import number

runner = CliRunner()
QUIZ = "exp(x*z) + x*z/log(x) + sin(log(x))/(x*z)"
WIDTHS = (60, 80, 160)


def _values(mapping: dict[str, Any]) -> list[str]:
    return [number(v) for v in mapping.values()]


def _compare(doc: dict) -> tuple[list[str], list[str]]:
    labels = ["forward mode", "reverse mode", "symbolic", "central differences", "Richardson", "complex step",
              "∂f/∂x", "∂f/∂z", "first call"]
    numbers = [number(doc["value"])]
    for entry in doc["methods"].values():
        numbers += _values(entry["gradient"])
    return labels, numbers


def _grad(doc: dict) -> tuple[list[str], list[str]]:
    return [*doc["point"], "∂f/∂variable"], _values(doc["gradient"])


def _jvp(doc: dict) -> tuple[list[str], list[str]]:
    return doc["outputs"], [number(v) for v in doc["jvp"] + doc["value"]]


def _jacobian(doc: dict) -> tuple[list[str], list[str]]:
    return [f"f{i + 1} = {o}" for i, o in enumerate(doc["outputs"])], [number(v) for row in doc["jacobian"]
                                                                       for v in row]


def _derivative(doc: dict) -> tuple[list[str], list[str]]:
    return ["f", "df/dx", "d³f/dx³"], [number(v) for v in doc["derivatives"]]


def _trace(doc: dict) -> tuple[list[str], list[str]]:
    names = [n["name"] for n in doc["nodes"]]
    numbers = [short(n[key]) for n in doc["nodes"] for key in ("value", "tangent", "adjoint") if n[key] is not None]
    return names, numbers


def _symbolic(doc: dict) -> tuple[list[str], list[str]]:
    numbers = [number(d[key]) for d in doc["derivatives"].values() for key in ("value", "forward", "reverse")]
    return [f"∂f/∂{name}" for name in doc["derivatives"]], numbers


def _quiz1(doc: dict) -> tuple[list[str], list[str]]:
    labels = ["forward mode", "reverse mode", "central differences", *(n["name"] for n in doc["nodes"])]
    return labels, [number(v) for m in doc["methods"].values() for v in m["gradient"].values()]


def _quiz2(doc: dict) -> tuple[list[str], list[str]]:
    numbers = [number(v) for g in doc["gradients"].values() for rows in g.values() for row in rows
               for v in (row if isinstance(row, list) else [row])]
    return ["∂y/∂α⁽¹⁾[0,0]", "∂y/∂β[1]", "backprop (reverse mode)", "closed form (the quiz)"], numbers


def _quiz_new(doc: dict) -> tuple[list[str], list[str]]:
    return [n["name"] for n in doc["nodes"]], [short(n["value"]) for n in doc["nodes"]]


def _confusion(doc: dict) -> tuple[list[str], list[str]]:
    steps = doc["tagged"]["steps"] + doc["untagged"]["steps"]
    return [s["step"] for s in steps] + [s["value"] for s in steps], []


def _fd_sweep(doc: dict) -> tuple[list[str], list[str]]:
    return ["step h", "forward difference", "central", "five-point"], [number(doc["reference"]["value"])]


def _functions(doc: dict) -> tuple[list[str], list[str]]:
    return [f["call"] for f in doc["functions"]], []


def _graph(doc: dict) -> tuple[list[str], list[str]]:
    return [n["name"] for n in doc["nodes"] if n["name"]], [short(n["value"]) for n in doc["nodes"]
                                                            if n["value"] is not None and n["name"]]


CASES: list[tuple[list[str], Callable[[dict], tuple[list[str], list[str]]]]] = [
    (["compare"], _compare),
    (["grad", QUIZ, "x=2", "z=3"], _grad),
    (["grad", QUIZ, "x=2", "z=3", "--mode", "central"], _grad),
    (["jvp", "x*y + sin(x); exp(x)/y", "x=1", "y=2", "--tangent", "x=1"], _jvp),
    (["jacobian", "x*y; x+y; sin(x)*exp(y)", "x=1.3", "y=2.7"], _jacobian),
    (["derivative", "sin(x)*exp(x)", "x=1.1", "--order", "3"], _derivative),
    (["trace", QUIZ, "x=2", "z=3"], _trace),
    (["trace", "log(x1) + x1*x2 - sin(x2)", "x1=2", "x2=5", "--digits", "3"], _trace),
    (["symbolic", QUIZ, "x=2", "z=3"], _symbolic),
    (["quiz", "1"], _quiz1),
    (["quiz", "2"], _quiz2),
    (["quiz", "confusion"], _confusion),
    (["quiz", "new", "--seed", "7", "--answers"], _quiz_new),
    (["quiz", "new", "--seed", "11", "--ops", "8", "--mode", "reverse", "--answers"], _quiz_new),
    (["fd-sweep"], _fd_sweep),
    (["functions"], _functions),
    (["graph", QUIZ, "x=2", "z=3", "--format", "text"], _graph),
]


def _render(args: list[str], width: int) -> str:
    result = runner.invoke(app, args, env={"COLUMNS": str(width)})
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    return unicodedata.normalize("NFC", result.stdout)


def _display(line: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in line)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("args, expect", CASES, ids=[" ".join(a)[:32] for a, _ in CASES])
def test_labels_and_numbers_survive_every_width(args, expect, width):
    document = json.loads(runner.invoke(app, [*args, "--json"] if "--format" not in args
                                        else [*args[:args.index("--format")], "--json"]).stdout)
    labels, numbers = expect(document)
    text = _render(args, width)
    assert "…" not in text
    for line in text.splitlines():
        if not line.startswith("∂f/∂"):  # symbolic's derivative lines are one line on purpose (copyable)
            assert _display(line) <= width, (width, line)
    words = set(text.replace("[", " ").replace("]", " ").replace("=", " ").split())
    for label in labels:
        assert unicodedata.normalize("NFC", label) in text, (width, label)
    for value in numbers:
        assert value in words, (width, value)


@pytest.mark.parametrize("width", (60, 80))
def test_titles_break_between_items_only(width):
    text = _render(["compare", "sin(x) * y + x^3 / (1 + y^2) + log(1 + x*x*y*y) + cos(x - y)", "x=1.25", "y=2.5"],
                   width)
    lines = text.splitlines()
    assert any(line.strip() in ("at x=1.25, y=2.5", "at x=1.25,") for line in lines), lines[:3]
    assert not any(line.rstrip().endswith(("x=", "y=")) for line in lines)


def test_piped_output_without_columns_is_80_wide():
    text = runner.invoke(app, ["compare"], env={"COLUMNS": None}).stdout
    assert max(_display(line) for line in text.splitlines()) <= 80
    assert max(_display(line) for line in _render(["compare"], 160).splitlines()) > 80  # COLUMNS honoured


def test_at_60_columns_compare_keeps_its_method_labels_first():
    text = _render(["compare"], 60)
    lines = [line for line in text.splitlines() if line and not line.startswith(" ")]
    for label in ("forward mode", "reverse mode", "complex step"):
        assert label in lines
