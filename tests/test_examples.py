"""The teaching examples run, and the numbers they print are right.

Each example is run as a user would run it (a subprocess with this Python,
small sizes through its flags), and its printed key numbers are parsed and
compared with references computed here independently: the lecture's 40-digit
values, closed forms, mpmath. An example that runs but prints a wrong number
fails here.
"""

from __future__ import annotations

import ast
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py"))
NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"

QUIZ_Y = 412.1914572841211755
QUIZ_GRADIENT = (1208.381215126609629, 809.7074792185640812)


def run_example(script: str, *args: str, check: bool = True, prelude: str | None = None) -> subprocess.CompletedProcess:
    """Run examples/<script> with ``args``; ``prelude`` is Python run first in the same process."""
    path = str(EXAMPLES / script)
    if prelude is None:
        command = [sys.executable, path, *args]
    else:
        launcher = (f"{prelude}\nimport runpy, sys\nsys.argv = {[path, *args]!r}\n"
                    f"runpy.run_path({path!r}, run_name='__main__')")
        command = [sys.executable, "-c", launcher]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=EXAMPLES.parent)
    if check:
        assert result.returncode == 0, f"{script} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def output_of(script: str, *args: str) -> str:
    return run_example(script, *args).stdout


def value_after(label: str, text: str) -> float:
    """The first number after ``label`` on the line where it appears."""
    match = re.search(re.escape(label) + r"\s*(" + NUMBER + ")", text)
    assert match, f"{label!r} not found in output:\n{text}"
    return float(match.group(1))


def numbers_in(line: str) -> list[float]:
    return [float(x) for x in re.findall(NUMBER, line)]


def line_starting(prefix: str, text: str) -> str:
    lines = [line for line in text.splitlines() if line.startswith(prefix)]
    assert lines, f"no line starts with {prefix!r}:\n{text}"
    return lines[0]


def rel(a: float, b: float) -> float:
    return abs(a - b) / abs(b)


# --- every example ----------------------------------------------------------------

ALLOWED_IMPORTS = {"dualdiff", "numpy", "rich", "matplotlib", "mpmath",
                   "__future__", "argparse", "collections", "dataclasses", "math", "os", "sys", "time", "typing"}


def test_the_six_examples_of_the_issue_exist():
    assert {"quiz1.py", "chain_rule.py", "backprop_mlp.py", "forward_vs_reverse_cost.py",
            "newton_krylov_jvp.py", "higher_order.py"} <= set(SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS)
def test_example_says_what_it_teaches_and_imports_only_what_it_may(script):
    tree = ast.parse((EXAMPLES / script).read_text())
    docstring = ast.get_docstring(tree)
    assert docstring and "teaches" in docstring and "Run:" in docstring
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported <= ALLOWED_IMPORTS, imported - ALLOWED_IMPORTS


@pytest.mark.parametrize("script", SCRIPTS)
def test_example_help(script):
    assert "usage:" in output_of(script, "--help")


def test_readme_lists_every_example_with_real_output():
    readme = (EXAMPLES / "README.md").read_text()
    for script in SCRIPTS:
        assert f"`{script}`" in readme, script
    assert "1208.3812151266095" in readme  # a line copied from a real run of quiz1.py


# --- quiz1.py ---------------------------------------------------------------------


def quiz_row(name: str, text: str) -> list[float]:
    return numbers_in(line_starting(name, text)[len(name):])


def test_quiz1_matches_the_40_digit_reference():
    text = output_of("quiz1.py")
    assert rel(value_after("y =", text), QUIZ_Y) < 1e-14
    for name in ("forward mode (jvp)", "reverse mode (grad)", "finite differences, complex-step"):
        dx, dz, *_ = quiz_row(name, text)
        assert rel(dx, QUIZ_GRADIENT[0]) < 1e-12 and rel(dz, QUIZ_GRADIENT[1]) < 1e-12, name
    assert "2 forward passes" in line_starting("forward mode (jvp)", text)
    assert "1 recorded evaluation + 1 backward sweep" in line_starting("reverse mode (grad)", text)
    for name, tolerance in [("finite differences, central", 1e-8), ("finite differences, forward", 1e-6)]:
        dx, dz, *_ = quiz_row(name, text)
        assert rel(dx, QUIZ_GRADIENT[0]) < tolerance and rel(dz, QUIZ_GRADIENT[1]) < tolerance, name
    assert quiz_row("lecture (rounded)", text) == [1208.0, 810.0]
    assert [round(g) for g in QUIZ_GRADIENT] == [1208, 810]
    assert value_after("max |forward - reverse| =", text) < 1e-12


def test_quiz1_elsewhere_matches_mpmath():
    mpmath = pytest.importorskip("mpmath")
    text = output_of("quiz1.py", "--x", "1.5", "--z", "-0.5", "--fd-methods", "richardson", "five-point")
    mpmath.mp.dps = 30

    def y(x, z):
        return mpmath.exp(x * z) + x * z / mpmath.log(x) + mpmath.sin(mpmath.log(x)) / (x * z)

    x, z = mpmath.mpf("1.5"), mpmath.mpf("-0.5")
    expected = (float(mpmath.diff(lambda t: y(t, z), x)), float(mpmath.diff(lambda t: y(x, t), z)))
    for name in ("forward mode (jvp)", "reverse mode (grad)"):
        dx, dz, *_ = quiz_row(name, text)
        assert rel(dx, expected[0]) < 1e-12 and rel(dz, expected[1]) < 1e-12, name
    dx, dz, *_ = quiz_row("finite differences, richardson", text)
    assert rel(dx, expected[0]) < 1e-8 and rel(dz, expected[1]) < 1e-8
    assert "for x = 2, z = 3 only" in text


# --- chain_rule.py ----------------------------------------------------------------


def test_chain_rule_modes_and_hand_derivation_agree():
    text = output_of("chain_rule.py", "--points", "4", "--seed", "3")
    assert value_after("points:", text) == 4
    assert value_after("max difference (forward, reverse, by hand) =", text) < 1e-12
    assert value_after("max difference (assembled chain rule vs by hand) =", text) < 1e-12
    rows = [numbers_in(line) for line in text.splitlines() if line.count("|") == 2 and "forward" not in line]
    assert len(rows) == 4
    for r, t, dr_fwd, dr_rev, dr_hand, dt_fwd, dt_rev, dt_hand in rows:
        assert abs(dr_fwd - dr_hand) < 1e-12 and abs(dr_rev - dr_hand) < 1e-12
        assert abs(dt_fwd - dt_hand) < 1e-12 and abs(dt_rev - dt_hand) < 1e-12
    # The first point is r = 1.5, t = pi/6: du/dr = 2 r sin^2 t, du/dt = (2 r^2 + 4) sin t cos t.
    first = rows[0]
    assert abs(first[2] - 0.75) < 1e-15
    assert abs(first[5] - (2 * 1.5**2 + 4) * 0.5 * math.sqrt(3) / 2) < 1e-14


# --- backprop_mlp.py --------------------------------------------------------------

MLP_SMALL = ("--points-per-class", "50", "--epochs", "60", "--quiet")


def test_backprop_mlp_checks_its_gradient_and_learns_the_spirals():
    text = output_of("backprop_mlp.py", *MLP_SMALL)
    assert "gradient check passed" in text
    losses = [value_after("loss", line) for line in text.splitlines() if line.startswith("epoch")]
    assert len(losses) >= 3 and losses[-1] < 0.2 * losses[0]
    assert value_after("final training accuracy:", text) >= 0.95
    assert "\x1b[" not in text  # no progress bar or colour when stdout is not a terminal


def test_backprop_mlp_plot(tmp_path):
    pytest.importorskip("matplotlib")
    target = tmp_path / "mlp.png"
    text = output_of("backprop_mlp.py", "--points-per-class", "20", "--epochs", "2", "--no-check", "--quiet",
                     "--plot", str(target))
    assert f"plot written to {target}" in text
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("script", ["backprop_mlp.py", "forward_vs_reverse_cost.py"])
def test_plot_without_matplotlib_says_so(script, tmp_path):
    hide_matplotlib = "import sys\nsys.modules['matplotlib'] = None"
    result = run_example(script, "--plot", str(tmp_path / "x.png"), check=False, prelude=hide_matplotlib)
    assert result.returncode == 2
    assert "matplotlib" in result.stderr and "pip install" in result.stderr
    assert not (tmp_path / "x.png").exists()


# --- forward_vs_reverse_cost.py ---------------------------------------------------

COST_ROW = re.compile(r"^\s*(\S+) \| (jacfwd chunk=1|jacfwd|jacrev)\s+(\d+)\s+(\d+)\s+(" + NUMBER + r") \| \s*("
                      + NUMBER + r")\s+(" + NUMBER + ")$")


def cost_rows(text: str) -> list[tuple[str, str, int, int, float, float]]:
    rows = []
    for line in text.splitlines():
        match = COST_ROW.match(line)
        if match:
            label, method, calls, sweeps, _, gap, fd_gap = match.groups()
            rows.append((label, method, int(calls), int(sweeps), float(gap), float(fd_gap)))
    return rows


def test_forward_vs_reverse_counts_passes_and_sweeps():
    text = output_of("forward_vs_reverse_cost.py", "--sizes", "1", "3", "7", "--total", "8", "--repeats", "1")
    rows = cost_rows(text)
    assert len(rows) == 3 * 3 + 3 * 3 + 3 * 5
    expected = {}
    for k in (1, 3, 7):
        expected[f"n={k}"] = {"jacfwd": (1, 0), "jacfwd chunk=1": (k, 0), "jacrev": (1, 1)}
        expected[f"m={k}"] = {"jacfwd": (1, 0), "jacfwd chunk=1": (1, 0), "jacrev": (1, k)}
    for n in (1, 2, 4, 6, 7):
        expected[f"{n}->{8 - n}"] = {"jacfwd": (1, 0), "jacfwd chunk=1": (n, 0), "jacrev": (1, 8 - n)}
    for label, method, calls, sweeps, gap, fd_gap in rows:
        assert (calls, sweeps) == expected[label][method], (label, method)
        assert gap < 1e-12 and fd_gap < 1e-6, (label, method)
    verdicts = re.findall(r"n=(\d+)\s+m=(\d+)\s+forward passes\s+(\d+)\s+reverse sweeps\s+(\d+)\s+-> (\w+)", text)
    assert len(verdicts) == 5
    for n, m, passes, sweeps, winner in verdicts:
        assert (int(passes), int(sweeps)) == (int(n), int(m))
        assert winner == ("forward" if int(n) < int(m) else "reverse" if int(n) > int(m) else "tie")


def test_forward_vs_reverse_plot(tmp_path):
    pytest.importorskip("matplotlib")
    target = tmp_path / "cost.png"
    output_of("forward_vs_reverse_cost.py", "--sizes", "1", "2", "--total", "4", "--repeats", "1", "--plot", str(target))
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- newton_krylov_jvp.py ---------------------------------------------------------


def bratu_reference():
    """theta and u(1/2) of the analytic Bratu solution for lambda = 1, from mpmath."""
    mpmath = pytest.importorskip("mpmath")
    with mpmath.workdps(30):
        theta = mpmath.findroot(lambda t: t - mpmath.sqrt(2) * mpmath.cosh(t / 4), 1)
        return float(theta), float(2 * mpmath.log(mpmath.cosh(theta / 4)))


def newton_history(text: str) -> list[float]:
    return [numbers_in(line)[1] for line in text.splitlines() if re.match(r"^\s+\d+\s+" + NUMBER + r"\s", line)]


def test_newton_krylov_converges_quadratically_to_the_bratu_solution():
    theta, midpoint = bratu_reference()
    text = output_of("newton_krylov_jvp.py", "--n", "199")
    assert value_after("final residual ||F(u)||_2 =", text) <= 1e-10
    assert value_after("total matvecs (jvp calls):", text) >= 1
    norms = newton_history(text)
    assert len(norms) >= 3
    for previous, current in zip(norms, norms[1:]):
        assert current < 1e-1 * previous  # and faster each time:
    assert norms[2] / norms[1] < norms[1] / norms[0]
    assert abs(value_after("theta =", text) - theta) < 1e-14
    assert abs(value_after("u(1/2) analytic =", text) - midpoint) < 1e-12
    h = 1 / 200
    assert abs(value_after("u(1/2) computed =", text) - midpoint) < 0.05 * h**2


def test_newton_krylov_discretization_error_is_second_order():
    errors = [value_after("max |u - u_exact| on the grid =", output_of("newton_krylov_jvp.py", "--n", str(n)))
              for n in (49, 99)]
    assert 3.8 < errors[0] / errors[1] < 4.2  # h halves, error quarters


def test_newton_krylov_default_size_and_unpreconditioned_gmres():
    text = output_of("newton_krylov_jvp.py")
    assert value_after("n =", text) == 3000
    assert value_after("final residual ||F(u)||_2 =", text) <= 1e-10
    preconditioned = value_after("total matvecs (jvp calls):", output_of("newton_krylov_jvp.py", "--n", "63"))
    plain = output_of("newton_krylov_jvp.py", "--n", "63", "--preconditioner", "none")
    assert value_after("final residual ||F(u)||_2 =", plain) <= 1e-10
    assert value_after("total matvecs (jvp calls):", plain) > preconditioned


def test_newton_krylov_compiled_jvps_solve_the_same_problem_and_both_are_timed():
    """The compiled solve (dd.jit of the jvp closure) retraces the uncompiled one exactly; both
    times are reported (their values are not asserted: times on a shared machine prove nothing)."""
    text = output_of("newton_krylov_jvp.py", "--n", "199")
    assert "the same number of Newton steps" in text
    assert value_after("max |u_compiled - u| =", text) <= 1e-14
    assert value_after("time per jvp, uncompiled:", text) > 0
    assert value_after("time per jvp, compiled with dd.jit:", text) > 0
    assert value_after("first compiled call (trace + compile):", text) > 0
    jvps = value_after("total matvecs (jvp calls):", text)
    assert f"(median of {int(jvps)})" in text and f"(median of {int(jvps) - 1};" in text


# --- higher_order.py --------------------------------------------------------------


def derivative_rows(text: str) -> list[list[float]]:
    return [numbers_in(line) for line in text.splitlines() if re.match(r"^\s+\d+\s+" + NUMBER + r"\s", line)]


@pytest.mark.parametrize("x, order", [(0.5, 6), (-1.2, 8)])
def test_higher_order_derivatives_match_mpmath(x, order):
    mpmath = pytest.importorskip("mpmath")
    text = output_of("higher_order.py", "--x", str(x), "--order", str(order))
    rows = derivative_rows(text)
    assert [int(r[0]) for r in rows] == list(range(order + 1))
    with mpmath.workdps(30):
        expected = [float(d) for d in mpmath.diffs(lambda t: mpmath.exp(mpmath.sin(t)), mpmath.mpf(x), order)]
    for (k, value, taylor, *_), reference in zip(rows, expected):
        assert rel(value, reference) < 1e-10, k
        assert rel(taylor, reference / math.factorial(int(k))) < 1e-10, k
    assert value_after("max relative error vs mpmath =", text) < 1e-10
    assert value_after("max |hessian - by hand| =", text) < 1e-9


def test_higher_order_runs_without_mpmath():
    result = run_example("higher_order.py", "--order", "3", "--dim", "4", prelude="import sys\nsys.modules['mpmath'] = None")
    text = result.stdout
    assert "mpmath is not installed" in text and "mpmath (30 digits)" not in text
    rows = derivative_rows(text)
    assert len(rows) == 4 and all(len(r) == 3 for r in rows)
    # f'(x) = cos(x) exp(sin(x)) at x = 0.5, differentiated by hand here as the reference
    assert rel(rows[1][1], math.cos(0.5) * math.exp(math.sin(0.5))) < 1e-14
    assert value_after("max |hessian - by hand| =", text) < 1e-9
