"""Generated quizzes: reproducible from the seed (in another process, with another hash seed),
valid at their point, and with an answer key equal to dualdiff's own derivatives (jvp, grad) and
to central finite differences; ``dualdiff quiz new`` prints the worksheet and the key."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

import dualdiff as dd
from dualdiff import finite_diff
from dualdiff.notation import short
from dualdiff.quizgen import MAX_OPS, entries, generate
from dualdiff_cli.app import app

runner = CliRunner()
SEEDS = range(40)


def test_the_same_seed_gives_the_same_quiz_in_any_process():
    here = [(generate(s, 6).text, generate(s, 6).point) for s in (0, 7, 123)]
    code = ("from dualdiff.quizgen import generate\n"
            "print([(generate(s, 6).text, generate(s, 6).point) for s in (0, 7, 123)])")
    for hash_seed in ("0", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60,
                              check=True)
        assert done.stdout.strip() == repr(here)
    assert len({generate(s, 6).text for s in SEEDS}) > 30  # and different seeds differ


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("ops", [1, 4, 8])
def test_every_operation_is_inside_its_entry_domain_and_the_key_is_dualdiffs(seed, ops):
    quiz = generate(seed, ops, "reverse" if seed % 2 else "forward")
    table = {e.name: e for e in entries()}
    rows = [r for r in quiz.trace.rows if r.op != "input"]
    assert len(rows) <= ops  # a repeated subexpression is one row
    for row in rows:
        entry = table[row.op]
        for item, interval in zip(row.inputs, entry.domain):
            value = item if not isinstance(item, str) else next(r.value for r in quiz.trace.rows if r.name == item)
            assert interval[0] <= value <= interval[1], (quiz.text, row)
    f = quiz.expression
    x = np.array(list(quiz.point.values()))
    fd = finite_diff.gradient(lambda v: f(*v), x, method="richardson")
    grad = dd.grad(f, argnums=tuple(range(len(x))))(*x)
    for i, name in enumerate(quiz.point):
        assert quiz.trace.gradient[name] == pytest.approx(grad[i], rel=1e-13, abs=1e-13)
        assert quiz.trace.gradient[name] == pytest.approx(fd.value[i], rel=1e-7, abs=1e-9)
    unit = tuple(1.0 if i == 0 else 0.0 for i in range(len(x)))
    assert quiz.trace.tangent == pytest.approx(dd.jvp(f, tuple(x), unit)[1], rel=1e-13, abs=1e-13)
    assert quiz.answer == ({quiz.wrt: quiz.trace.tangent} if quiz.mode == "forward" else quiz.trace.gradient)


def test_refusals():
    for bad in (dict(seed=-1), dict(seed=1.5), dict(seed=1, ops=0), dict(seed=1, ops=MAX_OPS + 1),
                dict(seed=1, mode="sideways")):
        with pytest.raises(ValueError):
            generate(**bad)


def _run(*args: str) -> str:
    result = runner.invoke(app, ["quiz", "new", *args], env={"COLUMNS": "100"})
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    return result.stdout


def test_worksheet_leaves_the_column_blank_but_the_seeds_and_the_key_fills_it():
    doc = json.loads(_run("--seed", "7", "--json"))
    key = json.loads(_run("--seed", "7", "--answers", "--json"))
    quiz = generate(7, 5)
    assert doc["expression"] == key["expression"] == quiz.text and doc["point"] == quiz.point
    assert [n["tangent"] for n in doc["nodes"]] == [None] * len(doc["nodes"]) and doc["answer"] is None
    assert [n["tangent"] for n in key["nodes"]] == [r.tangent for r in quiz.trace.rows]
    assert key["answer"] == {"x": quiz.trace.tangent}
    sheet = _run("--seed", "7")
    lines = {line.split()[0]: line.rstrip() for line in sheet.splitlines() if line.startswith("v")}
    assert lines["v₋₁"].endswith(" 1") and lines["v₀"].endswith(" 0")  # the seeds are given
    for row in quiz.trace.rows[2:]:  # every other tangent cell is blank: the line ends at the value
        assert lines[row.name].endswith(" " + short(row.value)), lines[row.name]
    assert "Fill in the tangent column" in sheet and "answer key" in _run("--seed", "7", "--answers")


def test_reverse_worksheet_markdown_and_latex():
    markdown = _run("--seed", "3", "--mode", "reverse", "--format", "markdown")
    rows = [line for line in markdown.splitlines() if line.startswith("| v")]
    assert rows and all(line.endswith("|  |") for line in rows[:-1]) and rows[-1].endswith("| 1 |")
    assert "Fill in the adjoint column" in markdown
    latex = _run("--seed", "3", "--mode", "reverse", "--format", "latex", "--standalone", "--answers")
    assert latex.startswith(r"\documentclass{article}") and r"\bar v_i" in latex and "answer key" in latex


@pytest.mark.parametrize("args, message", [
    (["--ops", "0"], "--ops must be between"), (["--seed", "-3"], "--seed must be"),
    (["--mode", "sideways"], "'sideways' is not one of"), (["--standalone"], "--format latex only"),
])
def test_quiz_new_errors(args, message):
    result = runner.invoke(app, ["quiz", "new", *args])
    assert result.exit_code == 2 and result.stdout == "" and message in result.stderr
    result = runner.invoke(app, ["quiz", "1", "--ops", "3"])
    assert result.exit_code == 2 and "--ops applies to `dualdiff quiz new` only" in result.stderr
