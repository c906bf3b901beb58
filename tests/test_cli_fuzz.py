"""Inputs a new user or a teacher types, found by trying the command line as one: each test is a
case that once broke the contract of the README's "Command line" section (exit 0/1/2, one line,
no traceback, JSON errors as JSON) or printed a wrong or unusable result.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from dualdiff.program import _definition
from dualdiff_cli.app import app

runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def json_error(*args: str) -> dict:
    result = run(*args)
    assert result.stderr == ""
    doc = json.loads(result.stdout)
    assert doc["error"]["exit_code"] == result.exit_code
    return doc["error"]


# ---------------------------------------------------------------------------
# codegen: the printed program runs, and only derivatives that exist are printed
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_program_constants_that_are_not_finite_are_spelled_so_they_run(value):
    import numpy as np

    for constant in (value, np.float64(value), np.array([value, 1.0])):
        line = _definition("_c", constant)
        namespace: dict = {}
        exec("import math\nimport numpy as np\n" + line, namespace)  # noqa: S102 - the test's own text
        assert np.array_equal(namespace["_c"], constant, equal_nan=True), line


@pytest.mark.parametrize("args, operation", [
    (("sqrt(x)", "x=0"), "sqrt(0.0)"),
    (("x^x", "x=0"), "pow(0.0, 0.0)"),
    (("x^x", "x=0", "--mode", "reverse"), "pow(0.0, 0.0)"),
    (("x*sqrt(y)", "x=1", "y=0", "--wrt", "y"), "sqrt(0.0)"),
])
def test_codegen_where_the_derivative_is_not_finite_is_exit_1(args, operation):
    result = run("codegen", *args)
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "not finite" in lines[0] and operation in lines[0]
    error = json_error("codegen", "--json", *args)
    assert error["kind"] == "not-defined" and operation in error["message"]


def test_codegen_of_a_finite_derivative_next_to_a_singular_one_still_prints():
    result = run("codegen", "x*sqrt(y)", "x=1", "y=0")  # ∂f/∂x = sqrt(0) = 0 is fine
    assert result.exit_code == 0
    namespace: dict = {}
    exec(result.stdout, namespace)  # noqa: S102 - the program dualdiff printed
    assert namespace["f_and_df_dx"](1.0, 0.0) == (0.0, 0.0)
    assert namespace["f_and_df_dx"](2.0, 4.0) == (4.0, 2.0)


# ---------------------------------------------------------------------------
# graph: with a point, a derivative that is not finite is exit 1, as in trace
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "dot"])
def test_graph_at_a_point_where_the_derivative_is_not_finite_is_exit_1(fmt):
    result = run("graph", "sqrt(x)", "x=0", "--format", fmt)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "the derivative of sqrt(0.0) is inf" in result.stderr
    assert json_error("graph", "sqrt(x)", "x=0", "--json")["kind"] == "not-defined"


def test_graph_without_a_point_or_at_a_regular_point_is_unchanged():
    assert run("graph", "sqrt(x)").exit_code == 0
    result = run("graph", "x*sqrt(y)", "x=1", "y=4", "--format", "text")
    assert result.exit_code == 0 and "adjoint 0.25" in result.stdout  # ∂f/∂y = x/(2√y)


# ---------------------------------------------------------------------------
# output that cannot be written: one line on stderr, exit 1, never a traceback
# ---------------------------------------------------------------------------

@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [("grad", "x^2", "x=3"), ("grad", "x^2", "x=3", "--json"),
                                  ("functions", "--json"), ("codegen", "x^2", "x=3")])
def test_a_full_disk_is_one_line_and_exit_1(args, tmp_path):
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "dualdiff_cli", *args], stdout=full,
                              stderr=subprocess.PIPE, text=True, cwd=tmp_path, timeout=60, check=False)
    assert done.returncode == 1
    assert done.stderr == "error: cannot write the output: No space left on device\n"

