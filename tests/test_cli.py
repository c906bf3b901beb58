"""The command line: every command through typer's CliRunner, JSON read back and checked
against independent references, the exit-code contract (README, "Command line") on a table of
hostile and malformed inputs, and a few real subprocesses (``python -m dualdiff_cli``).

References are closed forms written here, and the 40-digit mpmath values of the lecture's
Quiz #1; finite differences are held to their stated tolerance.
"""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys

import pytest
from rich.console import Console
from typer.testing import CliRunner

from dualdiff import REGISTRY, expr
from dualdiff import compare as library
from dualdiff.primitives import expression_functions
from dualdiff_cli import compute, output
from dualdiff_cli.app import app
from dualdiff_cli.arguments import QUIZ, Problem
from dualdiff_cli.commands import compare as compare_command
from dualdiff_cli.commands import functions as functions_command

QUIZ_VALUE = 412.1914572841211755
QUIZ_GRADIENT = {"x": 1208.381215126609629, "z": 809.7074792185640812}

runner = CliRunner()


def run(*args: str, env: dict | None = None):
    return runner.invoke(app, list(args), env=env)


def ok_json(*args: str) -> dict:
    """Run a command with --json; it must succeed and print exactly one JSON document."""
    result = run(args[0], "--json", *args[1:])  # before any `--`
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def rel(a: float, b: float) -> float:
    return abs(a - b) / abs(b)


# ---------------------------------------------------------------------------
# compare
# ---------------------------------------------------------------------------

def test_compare_default_is_quiz1_and_matches_the_40_digit_reference():
    doc = ok_json("compare")
    assert doc["expression"] == QUIZ
    assert doc["point"] == {"x": 2.0, "z": 3.0}
    assert rel(doc["value"], QUIZ_VALUE) < 1e-14
    m = doc["methods"]
    for mode in ("forward", "reverse"):
        assert list(m[mode]["gradient"]) == ["x", "z"]
        for name, exact in QUIZ_GRADIENT.items():
            assert rel(m[mode]["gradient"][name], exact) < 1e-12
    assert m["forward"]["cost"]["count"] == 2 and m["reverse"]["cost"]["count"] == 1
    for name, exact in QUIZ_GRADIENT.items():
        assert rel(m["central"]["gradient"][name], exact) < 1e-7
        assert rel(m["richardson"]["gradient"][name], exact) < 1e-9
        assert rel(m["complex-step"]["gradient"][name], exact) < 1e-13
    # finite differences report an honest error estimate (real error within a factor of 10)
    for key in ("central", "richardson", "complex-step"):
        for name, exact in QUIZ_GRADIENT.items():
            error = abs(m[key]["gradient"][name] - exact)
            assert error <= 10 * m[key]["error_estimate"][name] + 1e-12


def test_compare_json_has_every_method_with_timings():
    doc = ok_json("compare")
    assert doc["command"] == "compare" and doc["reference"] == "forward"
    m = doc["methods"]
    assert list(m) == ["forward", "reverse", "compiled", "symbolic", "central", "richardson", "complex-step"]
    for key, entry in m.items():
        assert entry["seconds"] > 0 and entry["first_call_seconds"] > 0 and entry["samples"] >= 5
        assert entry["note"] is None and isinstance(entry["cost"]["count"], int)
        expected = max(abs(entry["gradient"][n] - m["forward"]["gradient"][n]) for n in ("x", "z"))
        assert entry["max_abs_difference"] == expected
    for key in ("central", "richardson", "complex-step"):
        assert m[key]["kind"] == "finite-difference" and m[key]["cost"]["unit"] == "evaluation"
        assert set(m[key]["step"]) == set(m[key]["error_estimate"]) == {"x", "z"}
    assert m["forward"]["max_abs_difference"] == 0.0 and m["forward"]["digits"] == 16
    assert doc["timing"]["statistic"] == "median" and doc["timing"]["setup_seconds"] > 0


def test_compare_table_has_a_row_per_method_and_says_what_agrees():
    result = run("compare")
    assert result.exit_code == 0 and result.stderr == ""
    out = result.stdout
    for label in ("forward mode", "reverse mode", "central differences", "Richardson", "complex step",
                  "∂f/∂x", "∂f/∂z", "2 jvp passes", "1 backward sweep", "evaluations", "first call",
                  "median of"):
        assert label in out
    assert "forward" in out and "agree to 1" in out  # "... agree to 16 digits"
    assert "central differences to " in out or "central differences and" in out
    assert "\x1b[" not in out  # not a terminal: no colour, no styles


def test_compare_caption_counts_digits():
    _, comparison = compare_command.compare([])
    digits = {r.method.key: comparison.digits(r) for r in comparison.results}
    assert digits["reverse"] >= 15 and digits["complex-step"] >= 14
    assert 7 <= digits["central"] <= 11  # central differences: about eps^(2/3)
    text = comparison.caption()
    assert text.startswith("forward") and f"central differences to {digits['central']}" in text


def test_compare_user_expression_and_point_order():
    doc = ok_json("compare", "sin(x) * y", "y=2", "x=1")
    assert list(doc["point"]) == ["y", "x"]  # variables follow the point's order
    g = doc["methods"]["reverse"]["gradient"]
    assert list(g) == ["y", "x"]
    assert g["y"] == pytest.approx(math.sin(1.0), rel=1e-15)
    assert g["x"] == pytest.approx(2 * math.cos(1.0), rel=1e-15)


def test_compare_point_only_uses_the_quiz_expression():
    doc = ok_json("compare", "x=1.5", "z=2")
    assert doc["expression"] == QUIZ and doc["point"] == {"x": 1.5, "z": 2.0}
    doc = ok_json("compare", "x=5")  # the quiz's other default stays
    assert doc["point"] == {"x": 5.0, "z": 3.0}


def test_compare_step_option_reaches_central_differences():
    doc = ok_json("compare", "x^3", "x=1", "--step", "1e-3")
    fd = doc["methods"]["central"]
    assert fd["step"]["x"] == pytest.approx(1e-3, rel=1e-9)
    # central difference of x^3 has truncation error exactly h^2 (the third derivative / 6 * 6)
    assert fd["gradient"]["x"] == pytest.approx(3.0 + 1e-6, rel=1e-9)


def test_compare_method_that_cannot_run_is_reported_not_fatal():
    doc = ok_json("compare", "abs(x) * y", "x=1", "y=2")
    assert doc["methods"]["complex-step"]["gradient"] is None
    assert "not analytic" in doc["methods"]["complex-step"]["note"]
    assert "method=" not in doc["methods"]["complex-step"]["note"]  # no library keyword for a CLI user
    assert doc["methods"]["complex-step"]["max_abs_difference"] is None
    assert doc["methods"]["reverse"]["gradient"] == {"x": 2.0, "y": 1.0}
    table = run("compare", "abs(x) * y", "x=1", "y=2")
    assert table.exit_code == 0 and "not available" in table.stdout


def test_compare_near_a_singularity_keeps_the_ad_rows():
    doc = ok_json("compare", "sqrt(x)", "x=1e-12")
    assert doc["methods"]["forward"]["gradient"]["x"] == pytest.approx(0.5e6, rel=1e-14)
    assert doc["methods"]["central"]["gradient"] is None
    assert "--step" in doc["methods"]["central"]["note"] and "step=" not in doc["methods"]["central"]["note"]


def test_a_new_method_joins_compare_through_the_registry(monkeypatch):
    monkeypatch.setattr(library, "METHODS", list(library.METHODS))
    twice = library.Method("reverse-again", "reverse mode again", "reverse again", library.reverse_gradient)
    library.register(twice, after="reverse")
    doc = ok_json("compare")
    assert list(doc["methods"])[:3] == ["forward", "reverse", "reverse-again"]
    assert doc["methods"]["reverse-again"]["max_abs_difference"] < 1e-9
    assert "reverse mode again" in run("compare").stdout
    with pytest.raises(ValueError):
        library.register(twice)


def test_method_order_does_not_change_the_results():
    forward = library.compare(QUIZ, {"x": 2.0, "z": 3.0})
    backward = library.compare(QUIZ, {"x": 2.0, "z": 3.0}, methods=list(reversed(library.METHODS)))
    for r in forward.results:
        other = backward.result(r.method.key)
        assert other.outcome.gradient == r.outcome.gradient and other.outcome.cost == r.outcome.cost
        assert backward.difference(other) == forward.difference(r)  # both relative to forward mode
        assert r.samples >= library.MIN_ROUNDS and other.samples >= library.MIN_ROUNDS
    assert backward.reference.method.key == "complex-step"  # the first that ran
    assert forward.caption().startswith("forward")


def test_render_escapes_user_text_as_markup():
    expression = expr.compile("x")
    problem = Problem("[bold]x[/bold]", expression, {"x": 1.0}, (1.0,))
    comparison = library.compare(expression, {"x": 1.0})
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(compare_command.render_table(problem, comparison))
    assert "[bold]x[/bold]" in console.export_text()


@pytest.mark.parametrize("width", [60, 80, 200])
def test_compare_table_never_cuts_digits(width):
    problem, comparison = compare_command.compare([])
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(compare_command.render_table(problem, comparison))
    text = console.export_text()
    for r in comparison.results:
        for g in r.outcome.gradient:
            assert output.number(g) in text
        assert r.method.label.split(" (")[0] in text
    assert "…" not in text


# ---------------------------------------------------------------------------
# grad, jvp, jacobian, derivative, functions
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["forward", "reverse", "central", "fd"])
def test_grad_modes(mode):
    doc = ok_json("grad", "x^2 * y", "x=3", "y=2", "--mode", mode)
    assert doc["mode"] == ("central" if mode == "fd" else mode) and doc["value"] == 18.0
    tolerance = 1e-7 if mode in ("fd", "central") else 0.0
    assert doc["gradient"]["x"] == pytest.approx(12.0, rel=tolerance, abs=tolerance)
    assert doc["gradient"]["y"] == pytest.approx(9.0, rel=tolerance, abs=tolerance)
    if tolerance:
        assert doc["cost"]["count"] > 0 and set(doc["error_estimate"]) == {"x", "y"}
    else:
        assert doc["cost"]["count"] == (2 if mode == "forward" else 1) and doc["step"] is None


def test_grad_quiz_reverse_mode():
    doc = ok_json("grad", QUIZ, "x=2", "z=3")
    for name, exact in QUIZ_GRADIENT.items():
        assert rel(doc["gradient"][name], exact) < 1e-12


def test_grad_table():
    result = run("grad", "x^2 * y", "x=3", "y=2")
    assert result.exit_code == 0
    assert "12" in result.stdout and "1 backward sweep" in result.stdout


@pytest.mark.parametrize("args", [["-x^2", "x=1"], ["--", "-x^2", "x=1"],
                                  ["--mode", "forward", "--", "-x^2", "x=1"], ["-2*x", "x=1"]])
def test_expression_starting_with_minus(args):
    doc = ok_json("grad", *args)
    expected_value, expected_slope = (-1.0, -2.0) if "-x^2" in args else (-2.0, -2.0)
    assert doc["value"] == expected_value and doc["gradient"] == {"x": expected_slope}


def test_point_values_may_be_constant_expressions():
    doc = ok_json("grad", "sin(t)", "t=pi/4")
    assert doc["point"]["t"] == math.pi / 4
    assert doc["gradient"]["t"] == pytest.approx(math.cos(math.pi / 4), rel=1e-15)


def test_jvp_single_and_several_outputs():
    doc = ok_json("jvp", "x*y + sin(x)", "x=1", "y=2", "--tangent", "x=1")
    assert doc["tangent"] == {"x": 1.0, "y": 0.0}  # missing tangents are 0
    assert doc["jvp"] == [pytest.approx(2.0 + math.cos(1.0), rel=1e-15)]
    assert doc["cost"] == {"count": 1, "unit": "jvp pass"}
    doc = ok_json("jvp", "x*y; x+y", "x=1", "y=2", "--tangent", "x=1", "--tangent", "y=-1")
    assert doc["outputs"] == ["x * y", "x + y"]
    assert doc["value"] == [2.0, 3.0]
    assert doc["jvp"] == [2.0 * 1 + 1.0 * -1, 0.0]


def test_jacobian_auto_mode_and_both_modes_agree():
    doc = ok_json("jacobian", "x*y; x+y; sin(x)", "x=1", "y=2")
    assert doc["mode"] == "forward" and "2 <= " in doc["reason"] and doc["cost"]["count"] == 2
    expected = [[2.0, 1.0], [1.0, 1.0], [math.cos(1.0), 0.0]]
    assert doc["jacobian"] == [[pytest.approx(v, rel=1e-15) for v in row] for row in expected]
    rev = ok_json("jacobian", "x*y; x+y; sin(x)", "x=1", "y=2", "--mode", "reverse")
    assert rev["mode"] == "reverse" and rev["cost"]["count"] == 3
    assert rev["jacobian"] == [[pytest.approx(v, rel=1e-15) for v in row] for row in expected]
    wide = ok_json("jacobian", "x*y*z", "x=1", "y=2", "z=3")
    assert wide["mode"] == "reverse" and "3 > " in wide["reason"]
    assert wide["jacobian"] == [[6.0, 3.0, 2.0]]
    table = run("jacobian", "x*y; x+y; sin(x)", "x=1", "y=2")
    assert "forward mode because" in table.stdout


def test_derivative_orders():
    doc = ok_json("derivative", "sin(x)", "x=1", "--order", "3")
    c, s = math.cos(1.0), math.sin(1.0)
    assert doc["derivative"] == pytest.approx(-c, rel=1e-15)
    assert doc["derivatives"] == [pytest.approx(v, rel=1e-15) for v in (s, c, -s, -c)]
    doc = ok_json("derivative", "x^3 * y", "x=2", "y=5", "--wrt", "x", "--order", "2")
    assert doc["wrt"] == "x" and doc["derivative"] == 6 * 2 * 5
    table = run("derivative", "exp(2*x)", "x=0", "--order", "4")
    assert table.exit_code == 0 and "16" in table.stdout  # 2^4


def test_functions_lists_the_table():
    doc = ok_json("functions")
    entries = {e["name"]: e for e in doc["functions"]}
    for name, prim in REGISTRY.items():
        if prim.kind == "elementwise":
            assert name in entries
            assert entries[name]["derivative"] in prim.doc
    assert "ln" in entries["log"]["aliases"]
    assert entries["log"]["call"] == "log(x)" and "domain" in entries["log"]["note"]
    assert entries["arctan2"]["call"] == "arctan2(y, x)"
    assert entries["add"]["call"] == "x + y"
    assert doc["constants"] == {"pi": math.pi, "e": math.e}
    picked = ok_json("functions", "ln", "sqrt")
    assert [e["name"] for e in picked["functions"]] == ["log", "sqrt"]
    assert "inf" in picked["functions"][1]["note"]


def test_functions_table_and_unknown_name():
    table = run("functions")
    assert table.exit_code == 0 and "sqrt(x)" in table.stdout and "domain" in table.stdout
    bad = run("functions", "sinn")
    assert bad.exit_code == 2 and "did you mean `sin`" in bad.stderr and bad.stdout == ""


def test_function_catalogue_covers_the_language():
    names = {n for e in functions_command.catalogue() for n in (e.name, *e.aliases)}
    assert names == set(expression_functions())


@pytest.mark.parametrize("command", ["compare", "grad", "jvp", "jacobian", "derivative", "functions"])
def test_every_command_help_shows_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout and f"dualdiff {command}" in result.stdout
    assert "--json" in result.stdout


def test_bare_command_shows_help():
    result = run()
    assert result.exit_code == 2 and "Usage" in result.stderr + result.stdout
    result = run("grad")
    assert result.exit_code == 2 and "Examples:" in result.stderr + result.stdout


# ---------------------------------------------------------------------------
# The exit-code contract on hostile and malformed input
# ---------------------------------------------------------------------------

CANARY = "dualdiff_cli_canary"

# (arguments, exit code, text the message must contain, caret line expected)
HOSTILE = [
    (["grad", f"__import__('os').system('touch {CANARY}')", "x=1"], 2, "strings are not allowed", True),
    (["grad", f'__import__("os").system("touch {CANARY}")', "x=1"], 2, "strings are not allowed", True),
    (["grad", "__import__(x)", "x=1"], 2, "`__import__`", True),
    (["grad", "x.__class__.__bases__[0].__subclasses__()", "x=1"], 2, "not allowed", True),
    (["grad", "x.real", "x=1"], 2, "attribute access `.real`", True),
    (["grad", "lambda: 1", "x=1"], 2, "lambda", True),
    (["grad", "(lambda x: x)(x)", "x=1"], 2, "lambda", True),
    (["grad", "[x for x in (1,)]", "x=1"], 2, "not allowed", True),
    (["grad", "x if x else 1", "x=1"], 2, "conditional", True),
    (["grad", "(y := x)", "x=1"], 2, ":=", True),
    (["grad", "log(x, base=2)", "x=1"], 2, "keyword arguments", True),
    (["grad", "x @ x", "x=1"], 2, "`@`", True),
    (["grad", "x // 2", "x=1"], 2, "`//`", True),
    (["grad", "x +* 2", "x=1"], 2, "invalid syntax", True),
    (["grad", "x;;x", "x=1"], 2, "empty output", True),
    (["grad", "open(x)", "x=1"], 2, "unknown function `open`", False),
    (["grad", "eval(x)", "x=1"], 2, "unknown function `eval`", False),
    (["grad", "sinn(x)", "x=1"], 2, "did you mean `sin`", False),
    (["grad", "x+" * 50_000 + "x", "x=1"], 2, "too long", True),
    (["grad", "(" * 4_000 + "x" + ")" * 4_000, "x=1"], 2, "nested too deeply", True),
    (["grad", "-" * 1_000 + "x", "x=1"], 2, "nested too deeply", True),
    (["grad", "x²", "x=1"], 2, "U+00B2", True),
    (["grad", "ｘ", "x=1"], 2, "non-ASCII", True),
    (["grad", "x", "ｘ=1"], 2, "not a valid variable name", False),
    (["grad", "x + \U0001F600", "x=1"], 2, "U+1F600", True),
    (["grad", "x\x1b[31m", "x=1"], 2, "control character", True),
    (["grad", "", "x=1"], 2, "empty expression", False),
    (["grad", "   ", "x=1"], 2, "empty expression", False),
    (["grad", "x^2", "x="], 2, "missing value after `x=`", False),
    (["grad", "x^2", "x=2", "x=3"], 2, "`x` is given twice", False),
    (["grad", "x^2", "x=abc"], 2, "not a number", False),
    (["grad", "x^2", "x=nan"], 2, "finite number", False),
    (["grad", "x^2", "x=inf"], 2, "finite number", False),
    (["grad", "x^2", "x=1e999"], 2, "too large", True),
    (["grad", "x^2", "x=2+"], 2, "ends too early", True),
    (["grad", "x^2", f"x=__import__('os').system('touch {CANARY}')"], 2, "strings are not allowed", True),
    (["grad", "x^2", "x=1;2"], 2, "not a number", False),
    (["grad", "x^2", "x=1", "extra"], 2, "`extra` is not of the form NAME=VALUE", False),
    (["grad", "x^2", "1x=2"], 2, "`1x` is not a valid variable name", False),
    (["grad", "x^2", "__class__=1"], 2, "`__class__`", False),
    (["grad", "x", "pi=3"], 2, "constant", False),
    (["grad", "x", "sin=3"], 2, "function", False),
    (["grad", "x*y", "x=1"], 2, "variable `y` has no value; pass y=VALUE", False),
    (["grad", "x", "x=1", "y=2"], 2, "`y` is not a variable", False),
    (["grad", "x=1"], 2, "needs an expression", False),
    (["grad", "2 + 3"], 2, "no variables", False),
    (["grad", "x; x^2", "x=1"], 2, "jacobian", False),
    (["grad", "x^2", "x=1", "--mode", "sideways"], 2, "'sideways' is not one of", False),
    (["grad", "x^2", "x=1", "--step", "abc"], 2, "--step", False),
    (["grad", "x^2", "x=1", "--mode", "fd", "--step", "-1"], 2, "--step must be a positive", False),
    (["grad", "x^2", "x=1", "--jsno"], 2, "no such option: --jsno", False),
    (["grad", "x^2", "x=1", "--step", "1e-3"], 2, "--mode central", False),
    (["jvp", "x*y", "x=1", "y=2"], 2, "--tangent", False),
    (["jvp", "x*y", "x=1", "y=2", "--tangent", "w=1"], 2, "`w` is not a variable", False),
    (["jvp", "x*y", "x=1", "y=2", "--tangent", "x"], 2, "NAME=VALUE", False),
    (["derivative", "x*y", "x=1", "y=2"], 2, "--wrt", False),
    (["derivative", "x*y", "x=1", "y=2", "--wrt", "w"], 2, "`w` is not a variable", False),
    (["derivative", "x^2", "x=1", "--order", "99"], 2, "--order must be between", False),
    (["derivative", "x^2", "x=1", "--order", "two"], 2, "--order", False),
    (["grad", "log(x)", "x=-1"], 1, "log(-1.0)", False),
    (["grad", "ln(x)", "x=0"], 1, "ln(0.0)", False),
    (["grad", "1/x", "x=0"], 1, "1.0 / 0.0", False),
    (["grad", "sqrt(x)", "x=0"], 1, "the derivative of sqrt(0.0) is inf", False),
    (["grad", "arcsin(x)", "x=1", "--mode", "forward"], 1, "not finite", False),
    (["grad", "x ** 2 ** 1000", "x=2"], 1, "overflows", False),
    (["grad", "1/(1+exp(-x))", "x=-800"], 1, "exp(800.0) overflows", False),
    (["grad", "x^2", "x=3,5"], 2, "use `.` as the decimal point: x=3.5", False),
    (["grad", "exp(\u2212x)", "x=1"], 2, "did you mean `exp(-x)`?", True),
    (["grad", "2\u00d7x", "x=1"], 2, "did you mean `2*x`?", True),
    (["grad", "x\u00b7y", "x=1", "y=2"], 2, "did you mean `x*y`?", True),
    (["grad", "x\u00b2 + x\u00b3", "x=1"], 2, "did you mean `x^2 + x^3`?", True),
    (["grad", "\u221ax", "x=1"], 2, "did you mean `sqrt(x)`?", True),
    (["grad", "\u03c0*x", "x=1"], 2, "did you mean `pi*x`?", True),
    (["grad", "|x| + 1", "x=1"], 2, "did you mean `abs(x) + 1`?", True),
    (["grad", "x^y", "x=2", "y=1023"], 1, "overflows", False),
    (["grad", "exp(1000*x)", "x=1"], 1, "exp(1000.0)", False),
    (["compare", "log(x)", "x=-1"], 1, "log(-1.0)", False),
    (["compare", "sqrt(x)", "x=0"], 1, "not finite", False),
    (["jacobian", "x; sqrt(x)", "x=0"], 1, "∂f2/∂x is not finite", False),
    (["jvp", "sqrt(x)", "x=0", "--tangent", "x=1"], 1, "not finite", False),
    (["derivative", "sqrt(x)", "x=0"], 1, "not finite", False),
]


@pytest.mark.parametrize("args, code, message, caret", HOSTILE,
                         ids=[f"{i}-{a[1][:24]!r}" for i, (a, *_ ) in enumerate(HOSTILE)])
def test_hostile_and_malformed_input(args, code, message, caret, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == code
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == (2 if caret else 1), lines
    assert lines[0].startswith("error: ")
    assert message in lines[0]
    if caret:
        assert lines[1].strip() == "^"
    for text in (result.stdout, result.stderr):
        assert "Traceback" not in text and "\x1b" not in text
    assert not (tmp_path / CANARY).exists()


@pytest.mark.parametrize("args, code, kind, message", [
    (["grad", "--json", "log(x)", "x=-1"], 1, "not-defined", "f is not defined at x=-1.0: log(-1.0)"),
    (["compare", "--json", "sinn(x)", "x=1"], 2, "usage", "unknown function"),
    (["jacobian", "--json", "x; y", "x=1"], 2, "usage", "variable `y` has no value"),
    (["grad", "1/(1+exp(-x))", "x=-800", "--json"], 1, "overflow", "exp(800.0) overflows"),
    (["grad", "x^2", "x=1", "--mode", "sideways", "--json"], 2, "usage", "'sideways' is not one of"),
    (["trace", "x", "x=1", "--json", "--format", "latex"], 2, "usage", "not both"),
])
def test_json_errors_are_one_json_object_on_stdout(args, code, kind, message):
    result = run(*args)
    assert result.exit_code == code and result.stderr == ""
    doc = json.loads(result.stdout)
    assert doc["command"] == args[0] and set(doc) == {"schema", "command", "error"}
    assert doc["error"]["kind"] == kind and doc["error"]["exit_code"] == code
    assert message in doc["error"]["message"] and "\n" not in doc["error"]["message"]


def test_caret_points_at_the_column():
    result = run("grad", "sin(x) +* 2", "x=1")
    first, caret = result.stderr.splitlines()
    column = caret.index("^")
    assert first[column] == "*"


def test_documented_working_inputs():
    assert ok_json("grad", "x^2", "x=3")["gradient"] == {"x": 6.0}
    assert ok_json("grad", "x ** 2", "x=0")["gradient"] == {"x": 0.0}  # powers: x**2 has slope 0 at 0
    assert ok_json("grad", "x\n+\t1", "x=1")["gradient"] == {"x": 1.0}  # whitespace is a space


def test_internal_errors_are_one_line_and_exit_1(monkeypatch):
    def broken(problem):
        raise RuntimeError("simulated bug\nsecond line")

    monkeypatch.setattr(compute, "reverse_gradient", broken)
    result = run("grad", "x", "x=1")
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "internal error (RuntimeError)" in lines[0]
    assert "Traceback" not in result.stderr


def test_no_colour_codes_with_no_color_even_when_forced():
    forced = run("grad", "x^2", "x=3", env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout  # a terminal gets styles: we never strip them ourselves
    plain = run("grad", "x^2", "x=3", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[3" not in plain.stdout.replace("\x1b[3m", "")  # no foreground colour codes
    assert "\x1b[38;" not in plain.stdout


# ---------------------------------------------------------------------------
# Real processes
# ---------------------------------------------------------------------------

def _python(*args: str, cwd) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=60, check=False)


def test_subprocess_compare_json(tmp_path):
    proc = _python("-m", "dualdiff_cli", "compare", "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    doc = json.loads(proc.stdout)
    for name, exact in QUIZ_GRADIENT.items():
        assert rel(doc["methods"]["reverse"]["gradient"][name], exact) < 1e-12
        assert rel(doc["methods"]["central"]["gradient"][name], exact) < 1e-7


def test_subprocess_exit_codes(tmp_path):
    domain = _python("-m", "dualdiff_cli", "grad", "log(x)", "x=-1", cwd=tmp_path)
    assert domain.returncode == 1 and domain.stdout == ""
    assert domain.stderr.count("\n") == 1 and "log(-1.0)" in domain.stderr
    usage = _python("-m", "dualdiff_cli", "grad", "x +* 1", "x=1", cwd=tmp_path)
    assert usage.returncode == 2 and usage.stderr.count("\n") == 2 and "Traceback" not in usage.stderr


def test_library_does_not_import_the_cli_stack_and_help_does_not_import_numpy(tmp_path):
    proc = _python("-c", "import sys, dualdiff; print(sorted(m for m in ('rich', 'typer') if m in sys.modules))",
                   cwd=tmp_path)
    assert proc.stdout.strip() == "[]"
    code = ("import sys\nfrom dualdiff_cli.app import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('numpy' in sys.modules, 'pydantic' in sys.modules, file=sys.stderr)")
    proc = _python("-c", code, cwd=tmp_path)
    assert proc.stderr.strip() == "False False"


def test_version_option_prints_the_installed_version():
    from importlib.metadata import version

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"dualdiff {version('dualdiff')}"
