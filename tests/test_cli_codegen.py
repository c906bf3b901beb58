"""``dualdiff codegen`` and the "compiled (generated code)" row of ``compare``.

The printed program is run here: it must compile, define its function, and
that function must compute what forward and reverse mode compute (at the
traced point and at another point on the same branch). References are
dualdiff's own uncompiled modes and the 40-digit Quiz #1 values.
"""

from __future__ import annotations

import io
import json
import math
import re

import pytest
from rich.console import Console
from typer.testing import CliRunner

import dualdiff as dd
from dualdiff import compare as library
from dualdiff import expr
from dualdiff.program import NotCompiled, derivative_program
from dualdiff_cli import output
from dualdiff_cli.app import app
from dualdiff_cli.commands import codegen as codegen_command

QUIZ = "exp(x*z) + x*z/log(x) + sin(log(x))/(x*z)"
QUIZ_VALUE = 412.1914572841211755
QUIZ_GRADIENT = (1208.381215126609629, 809.7074792185640812)
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["codegen", *args])


def program_of(*args: str) -> tuple[str, dict]:
    """The printed program, compiled and run as a module: (text, its namespace)."""
    result = run(*args)
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    text = result.stdout
    namespace: dict = {}
    exec(compile(text, "<dualdiff codegen>", "exec"), namespace)  # noqa: S102
    return text, namespace


def uncompiled(text: str, point: dict[str, float], mode: str, wrt: str | None = None):
    f = expr.compile(text, variables=tuple(point))
    values = tuple(point.values())
    if mode == "reverse":
        return dd.value_and_grad(f, argnums=tuple(range(len(values))))(*values)
    seed = tuple(1.0 if n == (wrt or next(iter(point))) else 0.0 for n in point)
    return dd.jvp(f, values, seed)


def close(got, want, rtol: float = 1e-15) -> bool:
    if isinstance(want, tuple):
        return len(got) == len(want) and all(close(g, w, rtol) for g, w in zip(got, want))
    return math.isclose(got, want, rel_tol=rtol, abs_tol=1e-300)


def test_forward_program_of_the_quiz_runs_and_equals_forward_mode():
    text, ns = program_of(QUIZ, "x=2", "z=3")
    assert "def f_and_df_dx(x, z):" in text and "math.exp(" in text
    value, dx = ns["f_and_df_dx"](2.0, 3.0)
    assert (value, dx) == uncompiled(QUIZ, {"x": 2.0, "z": 3.0}, "forward")
    assert math.isclose(value, QUIZ_VALUE, rel_tol=1e-15)
    assert math.isclose(dx, QUIZ_GRADIENT[0], rel_tol=1e-14)
    # the same straight-line code at another point of the same branch
    assert close(ns["f_and_df_dx"](1.5, 0.5), uncompiled(QUIZ, {"x": 1.5, "z": 0.5}, "forward"), 1e-14)


def test_forward_program_seeded_on_wrt():
    text, ns = program_of(QUIZ, "x=2", "z=3", "--wrt", "z")
    assert "def f_and_df_dz(x, z):" in text and "dx = 0, dz = 1" in text
    value, dz = ns["f_and_df_dz"](2.0, 3.0)
    assert math.isclose(dz, QUIZ_GRADIENT[1], rel_tol=1e-14)
    assert (value, dz) == uncompiled(QUIZ, {"x": 2.0, "z": 3.0}, "forward", "z")


def test_reverse_program_returns_value_and_gradient_like_reverse_mode():
    text, ns = program_of(QUIZ, "x=2", "z=3", "--mode", "reverse")
    assert "def f_and_grad(x, z):" in text and "returns (f, (∂f/∂x, ∂f/∂z))" in text
    value, (dx, dz) = ns["f_and_grad"](2.0, 3.0)
    assert (value, (dx, dz)) == uncompiled(QUIZ, {"x": 2.0, "z": 3.0}, "reverse")
    for got, want in zip((dx, dz), QUIZ_GRADIENT):
        assert math.isclose(got, want, rel_tol=1e-14)


@pytest.mark.parametrize("text, point", [
    ("relu(x) * y + abs(x - y)", {"x": 1.0, "y": 2.0}),
    ("sigmoid(x*y) + softplus(x) - tanh(y)^2", {"x": 0.3, "y": -1.2}),
    ("sqrt(x) * cbrt(y) + hypot(x, y) / x", {"x": 0.7, "y": 2.5}),
    ("sin(t)", {"t": 1.0}),
])
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_programs_using_the_tables_float_implementations_run_on_their_own(text, point, mode):
    args = [text, *(f"{k}={v}" for k, v in point.items()), "--mode", mode]
    source, ns = program_of(*args)
    name = re.search(r"^def (\w+)\(", source, re.M).group(1)
    got = ns[name](*point.values())
    assert close(got, uncompiled(text, point, mode), 1e-15)
    # the last comment line is that very call and its result
    assert source.rstrip().endswith(repr(got)) or repr(got) in source.replace("\n#     ", " ")


def test_piped_output_is_plain_text_and_the_terminal_gets_highlighting(monkeypatch):
    plain = run(QUIZ, "x=2", "z=3").stdout
    assert "\x1b[" not in plain and plain.startswith("# f = ")
    program = codegen_command.codegen([QUIZ, "x=2", "z=3"])
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, color_system="standard", width=100, record=True)
    monkeypatch.setattr(output, "console", lambda: console)
    codegen_command.render(program)
    assert "\x1b[" in screen.getvalue()
    assert console.export_text(styles=False).split() == program.text.split()


def test_json_document():
    result = run(QUIZ, "x=2", "z=3", "--mode", "reverse", "--json")
    assert result.exit_code == 0 and result.stderr == ""
    doc = json.loads(result.stdout)
    assert doc["command"] == "codegen" and doc["mode"] == "reverse" and doc["wrt"] == ["x", "z"]
    assert doc["function"] == "f_and_grad" and doc["parameters"] == ["x", "z"]
    assert doc["point"] == {"x": 2.0, "z": 3.0} and doc["expression"] == QUIZ
    assert doc["source"] == run(QUIZ, "x=2", "z=3", "--mode", "reverse").stdout
    forward = json.loads(run(QUIZ, "x=2", "z=3", "--json").stdout)
    assert forward["wrt"] == ["x"] and forward["mode"] == "forward"


@pytest.mark.parametrize("args, code, message", [
    ([QUIZ, "x=2", "z=3", "--mode", "reverse", "--wrt", "x"], 2, "--wrt applies to --mode forward"),
    ([QUIZ, "x=2", "z=3", "--wrt", "y"], 2, "`y` is not a variable"),
    (["log(x)", "x=-1"], 1, "log(-1.0)"),
    (["x +* 1", "x=1"], 2, "error:"),
    ([QUIZ, "x=2"], 2, "error:"),
    ([QUIZ, "x=2", "z=3", "--mode", "sideways"], 2, "error:"),
])
def test_errors_are_one_line_with_the_contracts_exit_codes(args, code, message):
    result = run(*args)
    assert result.exit_code == code and result.stdout == ""
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.startswith("error:")


def test_a_function_jit_does_not_compile_is_exit_1_with_the_reason(monkeypatch):
    def refuse(*args, **kwargs):
        raise NotCompiled("TraceError: float() of a traced value")
    monkeypatch.setattr(codegen_command, "derivative_program", refuse)
    result = run("x*y", "x=1", "y=2")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "float() of a traced value" in result.stderr
    doc = json.loads(run("x*y", "x=1", "y=2", "--json").stdout)
    assert doc["error"]["exit_code"] == 1 and doc["error"]["kind"] == "internal"


def test_help_has_examples_and_the_command_is_listed():
    result = run("-h")
    assert result.exit_code == 0 and "Examples:" in result.stdout and "--mode" in result.stdout
    assert "codegen" in runner.invoke(app, ["--help"]).stdout


def test_parameters_keep_generated_names_when_a_variable_would_clash():
    """A variable called like a name of the program (math, v0) leaves the parameters x0, x1."""
    for text, point in (("math * v0 + sin(math)", {"math": 0.5, "v0": 2.0}),):
        program = derivative_program(expr.compile(text, variables=tuple(point)), point, "reverse",
                                     text=text)
        assert program.parameters == ("x0", "x1")
        ns: dict = {}
        exec(compile(program.text, "<p>", "exec"), ns)  # noqa: S102
        assert ns[program.function](0.5, 2.0) == program.result


# --- compare: the compiled row ------------------------------------------------------------------

def test_compare_has_a_compiled_row_equal_to_reverse_mode():
    comparison = library.compare(QUIZ, {"x": 2.0, "z": 3.0})
    keys = [r.method.key for r in comparison.results]
    assert keys[:3] == ["forward", "reverse", "compiled"]
    compiled = comparison.result("compiled")
    assert compiled.method.label == "compiled (generated code)" and compiled.method.kind == "ad"
    assert compiled.outcome.gradient == comparison.result("reverse").outcome.gradient
    assert compiled.outcome.cost == 1 and compiled.outcome.unit == "generated-code call"
    assert compiled.seconds > 0 and compiled.first_call_seconds > 0 and compiled.samples >= 5
    assert compiled.note is None


def test_compare_compiled_row_of_a_function_jit_cannot_compile_is_a_note():
    def f(x, y):  # float() of a traced value: jit refuses rather than fix the number
        return x * y * (1.0 if float(dd.primal(x)) > 0 else -1.0)
    comparison = library.compare(f, (1.5, 2.0))
    compiled = comparison.result("compiled")
    assert compiled.outcome is None and "uncompiled" in compiled.note and "float()" in compiled.note
    assert comparison.result("reverse").outcome.gradient == (2.0, 1.5)


def test_compare_cli_shows_the_compiled_row():
    result = runner.invoke(app, ["compare"], env={"COLUMNS": "160"})
    assert result.exit_code == 0
    # the table's label drops the gloss; the cost column says what the row runs
    row = next(line for line in result.stdout.splitlines() if line.startswith("compiled "))
    assert "1208.38121512661" in row and "809.707479218564" in row
    assert "generated-code call" in result.stdout
    doc = json.loads(runner.invoke(app, ["compare", "--json"]).stdout)
    entry = doc["methods"]["compiled"]
    assert entry["kind"] == "ad" and entry["seconds"] > 0 and entry["first_call_seconds"] > 0
    assert entry["gradient"] == doc["methods"]["reverse"]["gradient"]


def test_readme_shows_the_real_program_of_quiz_1():
    from pathlib import Path
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("## Compiled derivatives", 1)[1].split("\n## ", 1)[0]
    shown = re.findall(r"```python\n(.*?)```", section, re.S)
    assert run(QUIZ, "x=2", "z=3", "--mode", "reverse").stdout in shown
    tour = shown[0]  # the library lines and the values their comments state
    namespace: dict = {}
    for line in tour.splitlines():
        code, _, comment = line.partition("  # ")
        if code.strip().startswith("print"):
            continue
        if comment and not code.startswith(("import", "f =", "vg =")):
            assert repr(eval(code, namespace)) == comment.strip(), code  # noqa: S307
        else:
            exec(code, namespace)  # noqa: S102
