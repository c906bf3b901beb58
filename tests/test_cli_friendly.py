"""Input as a new user types or pastes it, and failures of one method: what the CLI says.

Pasted notation gets the ASCII spelling, a decimal comma gets "use `.`", an overflow is named
as one, ``-h`` is help everywhere, an unquoted ``*`` expanded by the shell gets a hint to quote,
no note names a library keyword or shows a raw exception tuple, and a method that cannot run
(complex step through a user primitive built on ``math.erf``) is a note on its row.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from dualdiff import expr
from dualdiff.errors import ExpressionError
from dualdiff.expr import FloatOverflowError
from dualdiff_cli.app import app
from dualdiff_cli.schema import COMMANDS

runner = CliRunner()


def run(*args: str, env: dict | None = None):
    return runner.invoke(app, list(args), env=env)


@pytest.mark.parametrize("command", COMMANDS)
def test_dash_h_is_help_everywhere(command):
    result = run(command, "-h")
    assert result.exit_code == 0 and result.stdout.startswith("Usage: dualdiff")
    assert "Examples:" in result.stdout and "-h, --help" in result.stdout


def test_shell_completion_is_offered():
    result = run("--help")
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout


@pytest.mark.parametrize("pasted, spelled", [
    ("exp(\u2212x)", "exp(-x)"), ("2\u00d7x", "2*x"), ("x\u00b7y", "x*y"), ("x\u00b2 + y\u00b3", "x^2 + y^3"),
    ("\u221ax + \u221a(x + 1)", "sqrt(x) + sqrt(x + 1)"), ("2\u03c0x", "2*pi*x"), ("\u03c0*x", "pi*x"),
    ("|x - y|", "abs(x - y)"), ("x\u207b\u00b9", "x^(-1)"), ("x\u00a0+ y", "x + y"),
])
def test_pasted_notation_gets_its_ascii_spelling(pasted, spelled):
    with pytest.raises(ExpressionError) as info:
        expr.compile(pasted)
    assert f"did you mean `{spelled}`?" in str(info.value)
    assert expr.compile(spelled).variables  # the suggestion itself parses


def test_the_suggestion_means_what_was_pasted():
    result = run("grad", "\u221a(x\u00b2 + 1) \u00d7 \u03c0", "x=2")
    assert result.exit_code == 2
    suggested = result.stderr.split("did you mean `")[1].split("`?")[0]
    doc = json.loads(run("grad", suggested, "x=2", "--json").stdout)
    assert doc["gradient"]["x"] == pytest.approx(math.pi * 2 / math.sqrt(5), rel=1e-15)


def test_decimal_comma_and_overflow_messages():
    comma = run("compare", "x^2", "x=3,5")
    assert comma.exit_code == 2 and "use `.` as the decimal point: x=3.5" in comma.stderr
    assert "separate several outputs" not in comma.stderr
    with pytest.raises(FloatOverflowError, match=r"exp\(800.0\) overflows"):
        expr.compile("1/(1+exp(-x))").evaluate({"x": -800.0}, check_domain=True)
    overflow = run("grad", "1/(1+exp(-x))", "x=-800")
    assert overflow.exit_code == 1 and "exp(800.0) overflows" in overflow.stderr
    assert "not defined" not in overflow.stderr
    pole = run("grad", "log(x)", "x=0")
    assert pole.exit_code == 1 and "log(0.0) is not defined" in pole.stderr


def test_an_unquoted_star_expanded_by_the_shell_gets_a_hint(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("README.md", "notes.txt"):
        (tmp_path / name).write_text("")
    result = run("grad", "x", "README.md", "notes.txt", "y", "x=1", "y=2")  # what `x * y` became
    assert result.exit_code == 2 and "quote the expression" in result.stderr and "README.md" in result.stderr
    result = run("graph", "README.md")
    assert result.exit_code == 2 and "quote the expression" in result.stderr


def test_compare_keeps_the_quizs_other_default():
    doc = json.loads(run("compare", "z=5", "--json").stdout)
    assert doc["point"] == {"x": 2.0, "z": 5.0}
    bad = run("compare", "y=5")
    assert bad.exit_code == 2 and "`y` is not a variable of the default expression" in bad.stderr


@pytest.mark.parametrize("args", [["compare", "abs(x) * y", "x=1", "y=2"], ["compare", "sqrt(x)", "x=1e-12"],
                                  ["compare", "x^y", "x=2", "y=1000"], ["compare", "2^x", "x=1020"]])
def test_no_note_names_a_library_keyword_or_an_exception_tuple(args):
    result = run(*args)
    assert result.exit_code in (0, 1)
    for text in (result.stdout, result.stderr):
        assert "method=" not in text and "step=" not in text and "(34," not in text and "Errno" not in text


def test_python_dash_m_dualdiff(tmp_path):
    done = subprocess.run([sys.executable, "-m", "dualdiff", "grad", "x^2", "x=3", "--json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["gradient"] == {"x": 6.0}


ERF = """
import json, math, sys
import numpy as np
import dualdiff as dd
from typer.testing import CliRunner
impl = {impl}
dd.custom_primitive("erf_user", impl, lambda out, x: 2.0 / math.sqrt(math.pi) * dd.exp(-x * x))
from dualdiff_cli.app import app
runs = [CliRunner().invoke(app, args) for args in json.loads(sys.argv[1])]
print(json.dumps([(r.exit_code, r.stdout, r.stderr, repr(r.exception)) for r in runs]))
"""

POINT = ["erf_user(x*z)", "x=0.5", "z=0.3"]


@pytest.mark.parametrize("impl", ["lambda x: math.erf(x)", "np.vectorize(math.erf, otypes=[float])"])
def test_a_method_that_cannot_run_is_a_note_not_an_internal_error(impl, tmp_path):
    """Complex step through a user primitive without complex support (math.erf): its row says so,
    every other method still answers, equal to the closed form 2/√π·exp(-(xz)²)·(z, x); no other
    command fails on it either. (A subprocess: the registration must not outlive the test.)"""
    script = tmp_path / "erf_cli.py"
    script.write_text(ERF.format(impl=impl))
    commands = [["compare", *POINT, "--json"], ["compare", *POINT], ["trace", *POINT], ["symbolic", *POINT],
                ["graph", *POINT], ["grad", *POINT, "--mode", "central"], ["fd-sweep", *POINT]]
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    done = subprocess.run([sys.executable, str(script), json.dumps(commands)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path, env=env, check=True)
    runs = json.loads(done.stdout)
    for (code, _, stderr, exception), command in zip(runs, commands):
        assert code == 0 and stderr == "" and "internal error" not in stderr, (command, stderr, exception)
    doc = json.loads(runs[0][1])
    slope = 2 / math.sqrt(math.pi) * math.exp(-0.15 ** 2)
    for key, entry in doc["methods"].items():
        if key == "complex-step":
            assert entry["gradient"] is None and entry["note"].startswith("complex step: not available here")
            assert "method=" not in entry["note"]
            continue
        tolerance = 1e-7 if entry["kind"] == "finite-difference" else 1e-14
        assert entry["gradient"]["x"] == pytest.approx(slope * 0.3, rel=tolerance)
        assert entry["gradient"]["z"] == pytest.approx(slope * 0.5, rel=tolerance)
    assert "complex step: not available here" in " ".join(runs[1][1].split())


def test_fd_sweep_plot_names_f_and_the_point_and_draws_the_guide_slopes():
    pytest.importorskip("matplotlib")
    from dualdiff_cli.commands import fd_sweep

    result = fd_sweep.fd_sweep(["sin(x)*y", "x=1.5", "y=2"])
    axes = fd_sweep.figure(result).axes[0]
    assert "sin(x)*y" in axes.get_title() and "x=1.5, y=2.0" in axes.get_title()
    assert axes.get_ylabel() == "absolute error" and axes.get_xlabel() == "step h"
    lines = {line.get_label(): line for line in axes.get_lines()}
    for label, power in (("∝ h (truncation)", 1), ("∝ h² (truncation)", 2), ("∝ h⁴ (truncation)", 4),
                         ("∝ ε/h (round-off)", -1)):
        h, error = lines[label].get_data()
        assert error[0] / error[1] == pytest.approx((h[0] / h[1]) ** power, rel=1e-9)  # the slope itself
