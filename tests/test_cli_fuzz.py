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


# ---------------------------------------------------------------------------
# text pasted from web pages: invisible and full-width characters get their ASCII spelling
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("args, spelled", [
    (("x\u200b^2", "x=3"), "x^2"),            # zero-width space
    (("\ufeffx^2", "x=3"), "x^2"),            # byte-order mark
    (("x\u00ad^2", "x=3"), "x^2"),            # soft hyphen
    (("\uff58^2", "x=3"), "x^2"),             # full-width x
    (("x^2", "x=\uff13"), "3"),               # full-width digit in a value
])
def test_invisible_and_full_width_characters_say_what_to_write(args, spelled):
    result = run("grad", *args)
    assert result.exit_code == 2 and result.stdout == ""
    first = result.stderr.splitlines()[0]
    assert f"did you mean `{spelled}`?" in first
    assert "\u200b" not in result.stderr and "\ufeff" not in result.stderr  # named by code, not printed


def test_an_expression_of_only_an_invisible_character_suggests_nothing_empty():
    result = run("grad", "\u200b", "x=1")
    assert result.exit_code == 2 and "U+200B" in result.stderr and "did you mean ``" not in result.stderr


def test_a_full_width_variable_name_gets_its_ascii_spelling():
    result = run("grad", "x^2", "\uff58=3")
    assert result.exit_code == 2 and "did you mean `x`?" in result.stderr
    assert "did you mean" not in run("grad", "x", "if=1").stderr


# ---------------------------------------------------------------------------
# a finite derivative beyond the largest float is "overflows", an infinite one "is inf"
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("args, operation", [
    (("jvp", "x*2", "x=1", "--tangent", "x=1e308"), "mul(1.0, 2.0)"),   # the tangent overflows
    (("grad", "1/x", "x=1e-300"), "div(1.0, 1e-300)"),                  # -1e600
    (("fd-sweep", "1/x", "x=1e-300"), "div(1.0, 1e-300)"),
    (("grad", "log(x)", "x=1e-320"), "log(1e-320)"),                    # 1e320
])
def test_a_derivative_beyond_the_largest_float_overflows(args, operation):
    result = run(*args)
    assert result.exit_code == 1
    assert f"the derivative of {operation} overflows" in result.stderr
    assert json_error(*args, "--json")["kind"] == "overflow"


@pytest.mark.parametrize("args, operation", [
    (("grad", "sqrt(x)", "x=0"), "sqrt(0.0) is inf"), (("grad", "acos(x)", "x=1"), "acos(1.0) is -inf"),
    (("jvp", "sqrt(x)", "x=0", "--tangent", "x=1e-300"), "sqrt(0.0) is inf"),
])
def test_an_infinite_derivative_is_not_called_an_overflow(args, operation):
    result = run(*args)
    assert result.exit_code == 1 and f"the derivative of {operation}" in result.stderr
    assert json_error(*args, "--json")["kind"] == "not-defined"


# ---------------------------------------------------------------------------
# options: a typo gets the option meant; an option after `--` is named as such
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("args, meant", [
    (("grad", "x^2", "x=3", "--jsn"), "--json"), (("derivative", "x^2", "x=3", "--wrtt", "x"), "--wrt"),
    (("grad", "x^2", "x=3", "--mod", "forward"), "--mode"), (("trace", "x^2", "x=3", "--digit", "3"), "--digits"),
])
def test_a_mistyped_option_gets_a_suggestion(args, meant):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr == f"error: no such option: {args[3]}; did you mean {meant}?\n"


def test_an_unknown_option_of_this_command_gets_no_other_commands_option():
    result = run("grad", "x^2", "x=3", "--wrtt", "x")  # grad has no --wrt
    assert result.exit_code == 2 and result.stderr == "error: no such option: --wrtt\n"


def test_an_option_after_the_double_dash_says_so():
    result = run("grad", "x^2", "x=3", "--", "--json")
    assert result.exit_code == 2 and "--json comes after `--`" in result.stderr
    assert "no such option" not in result.stderr


# ---------------------------------------------------------------------------
# COLUMNS: 0 is "not set" (rich printed nothing, exit 0), tiny widths are the narrowest layout
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("columns", ["0", "1", "10"])
def test_a_zero_or_tiny_columns_still_prints_the_numbers(columns):
    result = runner.invoke(app, ["grad", "x^2 * y", "x=3", "y=2"], env={"COLUMNS": columns})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80 and len(lines) < 12
    assert any(line.split()[:3] == ["x", "3", "12"] for line in lines if line.strip())
    assert any(line.split()[:3] == ["y", "2", "9"] for line in lines if line.strip())


# ---------------------------------------------------------------------------
# a long flat sum is refused with a reason a user can see in it
# ---------------------------------------------------------------------------

def test_a_5000_character_sum_names_the_operator_chain_and_a_shorter_one_works():
    result = run("grad", "+".join(["x"] * 2500), "x=1")
    assert result.exit_code == 2 and "each operator of a chain" in result.stderr
    assert json.loads(run("grad", "+".join(["x"] * 400), "x=1", "--json").stdout)["gradient"]["x"] == 400.0


def test_central_differences_across_a_pole_say_they_have_not_settled():
    """1/x at x=1e-7: the default step (6e-6) straddles the pole at 0 and central differences
    return +2.7e10 where the derivative is -1e14. The number is shown (it is what the method
    gives) with a warning naming the step; a smooth point gets none."""
    result = runner.invoke(app, ["grad", "1/x", "x=1e-7", "--mode", "central", "--json"])
    doc = json.loads(result.stdout)
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert doc["gradient"]["x"] > 0 > -1e14  # the wrong-signed estimate the warning is about
    assert len(doc["warnings"]) == 1 and "step 6.06e-06" in doc["warnings"][0]
    text = runner.invoke(app, ["grad", "1/x", "x=1e-7", "--mode", "central"], env={"COLUMNS": "80"})
    assert "warning: the error estimate of ∂f/∂x" in text.stdout
    for expression, point, exact in (("1/x", "x=0.5", -4.0), ("x^3", "x=0", 0.0),
                                     ("sin(100*x)", "x=0.3", 100 * math.cos(30.0))):
        doc = json.loads(runner.invoke(app, ["grad", expression, point, "--mode", "central",
                                             "--json"]).stdout)
        assert doc["warnings"] == []
        assert abs(doc["gradient"]["x"] - exact) <= 1e-6 * max(1.0, abs(exact))
    kink = json.loads(runner.invoke(app, ["grad", "abs(x)", "x=1e-9", "--mode", "central",
                                          "--json"]).stdout)
    assert kink["warnings"] and abs(kink["gradient"]["x"] - 1.0) > 0.5


@pytest.mark.parametrize("mode", ["forward", "reverse"])
@pytest.mark.parametrize("expression", ["sqrt(x)*sqrt(x)", "sqrt(x^2)"])
def test_a_derivative_that_one_mode_gives_only_by_convention_exits_1(expression, mode):
    """At x=0 the chain rule meets sqrt'(0) = inf: sqrt(x)*sqrt(x) is 0 by reverse mode and nan
    by forward mode, sqrt(x^2) the other way round. Neither number is the derivative, so both
    modes exit 1 saying what each gives; a smooth point is untouched."""
    result = run("grad", expression, "x=0", "--mode", mode, "--json")
    assert result.exit_code == 1
    message = json.loads(result.stdout)["error"]["message"]
    assert "∂f/∂x" in message and ("nan" in message or "not finite" in message)
    doc = json.loads(run("grad", expression, "x=2", "--mode", mode, "--json").stdout)
    assert abs(doc["gradient"]["x"] - 1.0) <= 1e-15  # both are x for x > 0


def test_pasted_whitespace_is_not_echoed_and_an_empty_wrt_is_named():
    result = run("grad", "x*y\n+\tx", "x=1", "y=2", "--json")
    doc = json.loads(result.stdout)
    assert result.exit_code == 0 and doc["expression"] == "x*y + x"
    assert doc["gradient"] == {"x": 3.0, "y": 1.0}
    error = json_error("derivative", "sin(x)", "x=1", "--wrt", "", "--json")
    assert error["exit_code"] == 2 and "--wrt needs a variable name" in error["message"]


def test_an_option_swallowed_as_a_tangent_is_named_and_json_is_kept():
    error = json_error("jvp", "x*y", "x=1", "y=2", "--tangent", "--json")
    assert error["exit_code"] == 2 and error["kind"] == "usage"
    assert "--tangent needs NAME=VALUE" in error["message"] and "--json" in error["message"]
    doc = json.loads(run("jvp", "x*y", "x=1", "y=2", "--tangent", "x=1", "--json").stdout)
    assert doc["jvp"] == [2.0]
