"""The teaching commands: trace, graph, symbolic, quiz, fd-sweep (and compare's symbolic row).

Every number is checked against an independent reference: closed forms
written here (the Baydin et al. example, the quiz network's hand-derived
gradient), the 40-digit mpmath values of Quiz #1, mpmath's own
numerical derivative, or the other AD mode. The DOT output is checked by a
small parser below and, when Graphviz is installed, by ``dot`` itself.
"""

from __future__ import annotations

import io
import json
import math
import re
import shutil
import subprocess
import sys
import unicodedata

import mpmath as mp
import numpy as np
import pytest
from rich.console import Console
from typer.testing import CliRunner

import dualdiff as dd
from dualdiff import expr, notation
from dualdiff.graph import to_dot
from dualdiff_cli.commands.quiz import network as quiz_network
from dualdiff_cli.app import app
from dualdiff_cli.arguments import QUIZ, Problem
from dualdiff_cli.commands import fd_sweep as fd_sweep_command
from dualdiff_cli.commands import graph as graph_command
from dualdiff_cli.commands import trace as trace_command

QUIZ_VALUE = 412.1914572841211755
QUIZ_GRADIENT = {"x": 1208.381215126609629, "z": 809.7074792185640812}
BAYDIN = "log(x1) + x1*x2 - sin(x2)"

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert "\x1b[" not in result.stdout
    return result.stdout


def ok_json(*args: str) -> dict:
    return json.loads(ok(*args, "--json"))


def fails(code: int, message: str, *args: str) -> None:
    """The command fails with ``code``, one ``error:`` line naming ``message``, nothing on stdout."""
    result = run(*args)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    first = result.stderr.splitlines()[0]
    assert first.startswith("error: ") and message in first, result.stderr
    assert "Traceback" not in result.stderr


def rel(a: float, b: float) -> float:
    return abs(a - b) / abs(b)


# ---------------------------------------------------------------------------
# trace
# ---------------------------------------------------------------------------

def baydin_reference(x1: float = 2.0, x2: float = 5.0) -> dict:
    """Baydin et al.'s table, by hand: primals, tangents seeded on x1, adjoints of f."""
    return {
        "values": [x1, x2, math.log(x1), x1 * x2, math.log(x1) + x1 * x2, math.sin(x2),
                   math.log(x1) + x1 * x2 - math.sin(x2)],
        "tangents": [1.0, 0.0, 1 / x1, x2, 1 / x1 + x2, 0.0, 1 / x1 + x2],
        "gradient": {"x1": 1 / x1 + x2, "x2": x1 - math.cos(x2)},
    }


def test_trace_json_is_the_baydin_table():
    doc = ok_json("trace", BAYDIN, "x1=2", "x2=5", "--wrt", "x1", "--mode", "both")
    want = baydin_reference()
    nodes = doc["nodes"]
    assert [set(n) for n in nodes] == [{"id", "name", "op", "inputs", "value", "tangent", "adjoint", "partials",
                                        "used_by"}] * 7
    assert nodes[0]["used_by"] == ["v₁", "v₂"] and nodes[3]["partials"] == [5.0, 2.0]
    assert [n["name"] for n in nodes] == ["v₋₁", "v₀", "v₁", "v₂", "v₃", "v₄", "v₅"]
    assert [n["op"] for n in nodes] == ["input", "input", "log", "mul", "add", "sin", "sub"]
    assert nodes[0]["inputs"] == ["x1"] and nodes[3]["inputs"] == ["v₋₁", "v₀"]
    for node, value, tangent in zip(nodes, want["values"], want["tangents"]):
        assert node["value"] == pytest.approx(value, rel=1e-15)
        assert node["tangent"] == pytest.approx(tangent, rel=1e-15, abs=0)
    assert nodes[0]["adjoint"] == pytest.approx(want["gradient"]["x1"], rel=1e-15)
    assert nodes[1]["adjoint"] == pytest.approx(want["gradient"]["x2"], rel=1e-15)
    assert nodes[5]["adjoint"] == -1.0 and nodes[6]["adjoint"] == 1.0
    assert doc["wrt"] == "x1"
    out = doc["output"]
    assert out["name"] == "v₅" and out["value"] == pytest.approx(want["values"][-1], rel=1e-15)
    assert out["tangent"] == pytest.approx(5.5, rel=1e-15)
    assert out["gradient"]["x2"] == pytest.approx(want["gradient"]["x2"], rel=1e-15)


def test_trace_table_shows_the_lecture_numbers():
    text = ok("trace", BAYDIN, "x1=2", "x2=5", "--wrt", "x1", "--mode", "both")
    rows = {line.split()[0]: line for line in text.splitlines() if line.strip().startswith("v")}
    for name, value, tangent in [("v₁", "0.693", "0.5"), ("v₂", "10", "5"), ("v₄", "-0.959", "0"),
                                 ("v₃", "10.693", "5.5"), ("v₅", "11.652", "5.5")]:
        cells = rows[name].split()
        assert value in cells and tangent in cells, rows[name]
    assert "v₋₁ · v₀" in rows["v₂"] and "log(v₋₁)" in rows["v₁"] and "v₃ - v₄" in rows["v₅"]
    assert "x̄1 = 5.5" in text and "x̄2 = 1.716" in text
    assert "∂f/∂x1 = 5.5" in text


def test_trace_modes_and_default_wrt():
    forward = ok_json("trace", "x*y + sin(x)", "y=2", "x=1", "--mode", "forward")
    assert forward["wrt"] == "y"  # default: the first variable of the point
    assert all(n["adjoint"] is None for n in forward["nodes"])
    assert forward["output"]["tangent"] == 1.0 and forward["output"]["gradient"] is None
    reverse = ok_json("trace", "x*y + sin(x)", "x=1", "y=2", "--mode", "reverse")
    assert all(n["tangent"] is None for n in reverse["nodes"])
    assert reverse["output"]["gradient"] == {"x": pytest.approx(2 + math.cos(1.0), rel=1e-15), "y": 1.0}
    table = ok("trace", "x*y + sin(x)", "x=1", "y=2", "--mode", "reverse")
    assert "adjoint" in table and "tangent" not in table


def test_trace_of_quiz1_matches_the_40_digit_reference():
    for wrt in ("x", "z"):
        doc = ok_json("trace", QUIZ, "x=2", "z=3", "--wrt", wrt)
        assert rel(doc["output"]["value"], QUIZ_VALUE) < 1e-14
        assert rel(doc["output"]["tangent"], QUIZ_GRADIENT[wrt]) < 1e-13
        for name, exact in QUIZ_GRADIENT.items():
            assert rel(doc["output"]["gradient"][name], exact) < 1e-13


def test_trace_markdown_is_plain_text_for_notes():
    text = ok("trace", BAYDIN, "x1=2", "x2=5", "--format", "markdown")
    lines = text.splitlines()
    table = [line for line in lines if line.startswith("|")]
    assert table[0].startswith("| node | operation | value |")
    assert set(table[1].replace("|", "").split()) <= {"---", "---:"}
    assert len(table) == 2 + 7
    assert all(line.count("|") == table[0].count("|") for line in table)
    assert "| v₂ | v₋₁ · v₀ | 10 | 5 | 1 |" in table
    assert "| v₄ | sin(v₀) | -0.959 | 0 | -1 |" in table
    assert "x̄2 = 1.716" in text and "─" not in text  # plain text, not a rich table


def test_trace_latex_is_a_tabular_for_slides():
    text = ok("trace", BAYDIN, "x1=2", "x2=5", "--format", "latex", "--digits", "4")
    body = [line for line in text.splitlines() if not line.startswith("%")]
    assert body[0] == r"\begin{tabular}{llrrr}" and body[-1] == r"\end{tabular}"
    assert text.count("{") == text.count("}")
    rows = [line for line in body if line.startswith("$v_{")]
    assert len(rows) == 7 and all(line.endswith(r"\\") and line.count("&") == 4 for line in rows)
    assert r"$v_{2}$ & $= v_{-1} \cdot v_{0}$ & $10$ & $5$ & $1$ \\" in rows
    assert r"$= \log v_{-1}$" in text and r"$-0.9589$" in text and r"$= x_{1}$" in text


def test_trace_digits_and_constants():
    text = ok("trace", "2*x + pi + x^2", "x=0.5", "--digits", "5", "--format", "markdown")
    assert "| v₁ | 2 · v₀ | 1 |" in text
    assert "| v₂ | v₁ + 3.141592653589793 | 4.14159 |" in text
    assert "| v₃ | v₀ ^ 2 | 0.25 |" in text


def test_trace_of_a_constant_output_and_of_an_input():
    doc = ok_json("trace", "sign(x)", "x=2")
    assert doc["output"]["name"] is None and doc["output"]["gradient"] == {"x": 0.0}
    assert "a constant" in ok("trace", "sign(x)", "x=2")
    doc = ok_json("trace", "x", "x=2")
    assert doc["output"]["name"] == "v₀" and doc["output"]["gradient"] == {"x": 1.0}


@pytest.mark.parametrize("args, code, message", [
    (["trace", "log(x)", "x=-1"], 1, "log(-1.0)"),
    (["trace", "sqrt(x)", "x=0"], 1, "not finite"),
    (["trace", "x*y", "x=1", "y=2", "--wrt", "w"], 2, "`w` is not a variable"),
    (["trace", "x*y", "x=1"], 2, "variable `y` has no value"),
    (["trace", "x", "x=1", "--format", "latex", "--standalone", "--digits", "2", "--wrt", "x", "--mode",
      "forward", "--format", "table"], 2, "--standalone applies to --format latex only"),
    (["trace", "x", "x=1", "--format", "html"], 2, "'html' is not one of"),
    (["trace", "x", "x=1", "--digits", "40"], 2, "--digits must be between"),
    (["trace", "x; x", "x=1"], 2, "single expression"),
    (["trace", "x=1"], 2, "needs an expression"),
])
def test_trace_errors(args, code, message):
    fails(code, message, *args)


def test_trace_render_escapes_markup():
    result = trace_command.trace(["x", "x=1"])
    problem = Problem("[red]x[/red]", result.problem.expression, result.problem.point, result.problem.outputs)
    bracketed = trace_command.TraceResult(problem, result.trace, "both")
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(trace_command.render_table(bracketed))
    assert "[red]x[/red]" in console.export_text()


@pytest.mark.parametrize("value, decimals, text", [
    (0.6931471805599453, 3, "0.693"), (10.0, 3, "10"), (-0.9589242746631385, 3, "-0.959"), (0.0, 3, "0"),
    (-1e-20, 3, "-1e-20"), (1.5e-8, 3, "1.5e-08"), (123456789.0, 2, "1.23e+08"), (-0.0004, 3, "-4e-04"),
    (0.01, 3, "0.01"), (2.5, 0, "2"), (0.4, 0, "4e-01"), (float("inf"), 3, "inf"), (-0.0001, 1, "-1e-04"),
])
def test_short_numbers(value, decimals, text):
    assert notation.short(value, decimals) == text


# ---------------------------------------------------------------------------
# graph
# ---------------------------------------------------------------------------

_DOT_TOKEN = re.compile(r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<arrow>->)|(?P<id>[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?)'
                        r'|(?P<punct>[{}\[\];,=]))', re.S)


def dot_tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(text.rstrip()):
        match = _DOT_TOKEN.match(text, position)
        assert match is not None, f"not DOT at {text[position:position + 40]!r}"
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def check_dot(text: str) -> tuple[set[str], list[tuple[str, str]]]:
    """A small DOT checker: the `digraph` header, balanced braces, statements of the forms we
    write (graph/node/edge attributes, node declarations, `a -> b` edges, `key=value`), quoted
    strings escaped, and every edge between declared nodes. Returns (nodes, edges)."""
    tokens = dot_tokens(text)
    assert tokens[:3] == [("id", "digraph"), ("id", "computation"), ("punct", "{")]
    assert tokens[-1] == ("punct", "}")
    depth = 0
    for kind, value in tokens:
        if kind == "punct" and value == "{":
            depth += 1
        elif kind == "punct" and value == "}":
            depth -= 1
            assert depth >= 0
        if kind == "string":
            inner = value[1:-1]
            assert re.fullmatch(r'(?:[^"\\]|\\["\\n])*', inner), f"badly escaped {value!r}"
    assert depth == 0
    statements, current = [], []
    for token in tokens[3:-1]:
        if token == ("punct", ";"):
            statements.append(current)
            current = []
        else:
            current.append(token)
    assert current == [], "statement without `;`"
    nodes, edges = set(), []

    def attributes(rest: list) -> None:
        if not rest:
            return
        assert rest[0] == ("punct", "[") and rest[-1] == ("punct", "]"), rest
        items = rest[1:-1]
        while items:
            assert items[0][0] == "id" and items[1] == ("punct", "=") and items[2][0] in ("id", "string"), items
            items = items[3:]
            if items:
                assert items[0] == ("punct", ",")
                items = items[1:]

    for statement in statements:
        kinds = [k for k, _ in statement]
        if len(statement) == 3 and statement[1] == ("punct", "="):
            continue  # rankdir=LR
        if statement[0][1] in ("graph", "node", "edge"):
            attributes(statement[1:])
        elif len(statement) >= 3 and statement[1] == ("arrow", "->"):
            assert kinds[0] == kinds[2] == "id"
            edges.append((statement[0][1], statement[2][1]))
            attributes(statement[3:])
        else:
            assert kinds[0] == "id"
            nodes.add(statement[0][1])
            attributes(statement[1:])
    for source, target in edges:
        assert source in nodes and target in nodes, (source, target)
    return nodes, edges


def test_dot_checker_rejects_broken_dot():
    good = 'digraph computation {\n  a [label="x \\"q\\" \\\\ \\n"];\n  b;\n  a -> b;\n}\n'
    check_dot(good)
    for bad in (good.replace("digraph", "graph"), good[:-2], good.replace("a -> b", "a -> c"),
                good.replace('\\"q\\"', '"q"')):
        with pytest.raises(AssertionError):
            check_dot(bad)


def test_graph_dot_at_a_point_has_values_adjoints_and_local_partials():
    text = ok("graph", BAYDIN, "x1=2", "x2=5")
    nodes, edges = check_dot(text)
    assert len(nodes) == 7 and len(edges) == 8
    assert '"v₋₁ = x1\\nvalue 2\\nadjoint 5.5"' in text
    assert '"v₅ = v₃ - v₄\\nvalue 11.652\\nadjoint 1", shape=box, peripheries=2' in text
    labels = dict(re.findall(r'(n\d+ -> n\d+) \[label="[^=]+= ([^"]+)"\]', text))
    # closed forms: d log(x1)/dx1 = 1/x1, d(x1 x2)/dx1 = x2, /dx2 = x1, d sin(x2)/dx2 = cos(x2)
    assert labels == {"n0 -> n2": "0.5", "n0 -> n3": "5", "n1 -> n3": "2", "n2 -> n4": "1", "n3 -> n4": "1",
                      "n1 -> n5": f"{math.cos(5.0):.3f}", "n4 -> n6": "1", "n5 -> n6": "-1"}


def _path_sum(graph, key: str) -> float:
    """d output / d key as the sum over paths of products of the edges' local partials."""
    total = 1.0 if key == graph.output else 0.0
    for edge in graph.edges:
        if edge.source == key and edge.partial is not None:
            total += edge.partial * _path_sum(graph, edge.target)
    return total


@pytest.mark.parametrize("text, point", [
    (BAYDIN, ["x1=2", "x2=5"]),
    (QUIZ, ["x=2", "z=3"]),
    ("x^3 / hypot(x, y) + arctan2(y, x) * exp(-y)", ["x=0.7", "y=1.3"]),
])
def test_graph_edge_partials_compose_to_the_gradient(text, point):
    """The chain rule on the drawn graph: summing products of edge labels over all paths gives
    the gradient, checked against central finite differences (and equal to the node adjoints)."""
    graph = graph_command.graph([text, *point])
    f = expr.compile(text, variables=[p.split("=")[0] for p in point])
    values = np.array([float(p.split("=")[1]) for p in point])
    fd = dd.finite_diff.gradient(lambda v: f(*v), values, method="richardson")
    for i, node in enumerate(n for n in graph.nodes if n.kind == "input"):
        by_paths = _path_sum(graph, node.key)
        assert by_paths == pytest.approx(node.adjoint, rel=1e-12)
        assert by_paths == pytest.approx(fd.value[i], rel=1e-8)


def test_graph_without_a_point_is_the_structure():
    text = ok("graph", "2*pi*x + x^2")
    nodes, _ = check_dot(text)
    assert "value" not in text and "adjoint" not in text and "∂" not in text
    assert '"v₀ = x", shape=ellipse' in text and '"v₁ = 2 · pi", shape=box' in text
    assert '"pi", shape=plaintext' in text and "style=dashed" in text
    assert '"v₄ = v₂ + v₃", shape=box, peripheries=2' in text
    assert len(nodes) == 1 + 3 + 4  # x, constants 2, pi, 2 and four calls


def test_graph_text_tree():
    text = ok("graph", BAYDIN, "x1=2", "x2=5", "--format", "text")
    assert text.splitlines()[0].startswith("f = log(x1) + x1 * x2 - sin(x2) at x1=2.0, x2=5.0")
    assert "v₅ = v₃ - v₄   value 11.652   adjoint 1" in text
    assert "[∂v₄/∂v₀=0.284]" in text and "(shown above)" in text
    structure = ok("graph", BAYDIN, "--format", "text")
    assert "value" not in structure and "v₂ = v₋₁ · v₀" in structure


def test_graph_quotes_are_escaped():
    assert notation.dot_quote('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\nd"'
    graph = graph_command.Graph('title with "quotes" and \\', [graph_command.GraphNode("n0", "v₀", 'x"', "input")],
                                [], "n0", False)
    check_dot(to_dot(graph))


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
@pytest.mark.parametrize("args", [[BAYDIN, "x1=2", "x2=5"], [QUIZ], ["relu(x) * 2 + e^x", "x=1"]])
def test_graphviz_accepts_the_dot(args):
    text = ok("graph", *args)
    proc = subprocess.run(["dot", "-Tsvg"], input=text, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "<svg" in proc.stdout


@pytest.mark.parametrize("args, code, message", [
    (["graph", "log(x)", "x=-1"], 1, "log(-1.0)"),
    (["graph", "x +* 1"], 2, "invalid syntax"),
    (["graph", "x; y"], 2, "single expression"),
    (["graph", "2 + 3"], 2, "no variables"),
    (["graph", "x", "x=1", "--format", "png"], 2, "'png' is not one of"),
])
def test_graph_errors(args, code, message):
    fails(code, message, *args)


# ---------------------------------------------------------------------------
# symbolic
# ---------------------------------------------------------------------------

def mp_quiz(x, z):
    return mp.exp(x * z) + x * z / mp.log(x) + mp.sin(mp.log(x)) / (x * z)


def printed_derivative(text: str, variable: str) -> str:
    prefix = f"∂f/∂{variable} = "
    (line,) = [line for line in text.splitlines() if line.startswith(prefix)]
    return line[len(prefix):]


def test_symbolic_quiz_prints_an_expression_that_is_the_derivative():
    text = ok("symbolic", QUIZ, "--wrt", "x", "x=2", "z=3")
    printed = printed_derivative(text, "x")
    f = expr.compile(QUIZ, variables=("x", "z"))
    derivative = expr.compile(printed, variables=("x", "z"))
    forward = dd.jvp(f, (2.0, 3.0), (1.0, 0.0))[1]
    assert rel(derivative(2.0, 3.0), forward) < 1e-13
    assert rel(derivative(2.0, 3.0), QUIZ_GRADIENT["x"]) < 1e-13
    second = dd.jvp(derivative, (2.0, 3.0), (1.0, 0.0))[1]  # differentiate the printed text again
    with mp.workdps(40):
        want = mp.diff(lambda x: mp_quiz(x, mp.mpf(3)), mp.mpf(2), 2)
    assert rel(second, float(want)) < 1e-12
    assert "tree size" in text and "DAG size" in text and "forward mode" in text


def test_symbolic_json_sizes_values_and_the_other_modes():
    doc = ok_json("symbolic", QUIZ, "x=2", "z=3")
    assert doc["point"] == {"x": 2.0, "z": 3.0} and list(doc["derivatives"]) == ["x", "z"]
    for name, d in doc["derivatives"].items():
        assert set(d) == {"expression", "tree_size", "dag_size", "value", "forward", "reverse"}
        assert d["tree_size"] > d["dag_size"] > 1
        for key in ("value", "forward", "reverse"):
            assert rel(d[key], QUIZ_GRADIENT[name]) < 1e-13
        assert rel(expr.compile(d["expression"], variables=("x", "z"))(2.0, 3.0), QUIZ_GRADIENT[name]) < 1e-13


def test_symbolic_nested_sin_swells():
    text = "x"
    for _ in range(20):
        text = f"sin({text})"
    doc = ok_json("symbolic", text)
    d = doc["derivatives"]["x"]
    assert doc["point"] is None and d["value"] is None
    assert d["tree_size"] > 4 * d["dag_size"]
    # the derivative of the 20-fold sin is the product of cos(sin^k(x)), k = 0..19
    x = 0.3
    want, inner = 1.0, x
    for _ in range(20):
        want *= math.cos(inner)
        inner = math.sin(inner)
    assert expr.compile(d["expression"])(x) == pytest.approx(want, rel=1e-14)
    table = ok("symbolic", text)
    assert f"{d['tree_size']}" in table and f"{d['dag_size']}" in table and "swell" in table


def test_symbolic_without_a_point_and_several_wrt():
    doc = ok_json("symbolic", "x^2 * y + y", "--wrt", "y", "--wrt", "x", "--wrt", "y")
    assert list(doc["derivatives"]) == ["y", "x"]
    assert expr.compile(doc["derivatives"]["y"]["expression"], variables=("x", "y"))(3.0, 5.0) == 10.0
    assert expr.compile(doc["derivatives"]["x"]["expression"], variables=("x", "y"))(3.0, 5.0) == 30.0


@pytest.mark.parametrize("args, code, message", [
    (["symbolic", "relu(x) * x"], 2, "give a point"),
    (["symbolic", "x*y", "--wrt", "w"], 2, "`w` is not a variable"),
    (["symbolic", "x*y", "x=1"], 2, "variable `y` has no value"),
    (["symbolic", "log(x)", "x=-1"], 1, "log(-1.0)"),
    (["symbolic", "sqrt(x)", "x=0"], 1, "not finite"),
])
def test_symbolic_errors(args, code, message):
    fails(code, message, *args)


def test_symbolic_with_a_point_takes_the_branch_there():
    assert ok_json("symbolic", "relu(x) * x", "x=2")["derivatives"]["x"]["value"] == 4.0
    assert ok_json("symbolic", "relu(x) * x", "x=-2")["derivatives"]["x"]["value"] == 0.0


def test_compare_has_a_symbolic_row():
    doc = ok_json("compare")
    assert list(doc["methods"])[:4] == ["forward", "reverse", "compiled", "symbolic"]
    symbolic = doc["methods"]["symbolic"]
    assert symbolic["cost"] == {"count": 2, "unit": "derivative expression"}
    for name, exact in QUIZ_GRADIENT.items():
        assert rel(symbolic["gradient"][name], exact) < 1e-13
    assert symbolic["max_abs_difference"] < 1e-9
    assert "2 derivative expressions" in ok("compare")


# ---------------------------------------------------------------------------
# quiz
# ---------------------------------------------------------------------------

def test_quiz1_json_worked_every_way():
    doc = ok_json("quiz", "1")
    assert doc["expression"] == QUIZ and doc["point"] == {"x": 2.0, "z": 3.0}
    assert rel(doc["value"], QUIZ_VALUE) < 1e-14
    assert doc["answer"] == [1208, 810]
    m = doc["methods"]
    assert m["forward"]["cost"]["count"] == 2 and m["reverse"]["cost"]["count"] == 1
    assert m["central"]["cost"]["count"] > 0 and m["central"]["cost"]["unit"] == "evaluation"
    for name, exact in QUIZ_GRADIENT.items():
        assert rel(m["forward"]["gradient"][name], exact) < 1e-13
        assert rel(m["reverse"]["gradient"][name], exact) < 1e-13
        assert rel(m["central"]["gradient"][name], exact) < 1e-7
    last = doc["nodes"][-1]
    assert set(last["tangent"]) == {"x", "z"}
    for name, exact in QUIZ_GRADIENT.items():  # the two forward passes end in the two partials
        assert rel(last["tangent"][name], exact) < 1e-13
    inputs = {n["inputs"][0]: n["adjoint"] for n in doc["nodes"] if n["op"] == "input"}
    for name, exact in QUIZ_GRADIENT.items():  # the one backward sweep ends in both
        assert rel(inputs[name], exact) < 1e-13


def test_quiz1_table():
    text = unicodedata.normalize("NFC", " ".join(ok("quiz", "1").split()))
    assert "[1208, 810]" in text and "2 jvp passes" in text and "1 backward sweep" in text
    for header in ("tangent v̇ (ẋ=1)", "tangent v̇ (ż=1)"):
        assert unicodedata.normalize("NFC", header) in text
    assert "exp(v₁)" in text


def quiz2_reference(sizes, seed):
    """y of the quiz network in plain numpy, on the same random draws as the command."""
    rng = np.random.default_rng(seed)
    n0, n1, n2 = sizes
    x, a1, a2, b = (rng.standard_normal(n0), rng.standard_normal((n0, n1)), rng.standard_normal((n1, n2)),
                    rng.standard_normal(n2))

    def sigma(t):
        return 1 / (1 + np.exp(-t))

    return x, a1, a2, b, sigma(sigma(sigma(x @ a1) @ a2) @ b)


@pytest.mark.parametrize("sizes, seed", [((4, 3, 2), 0), ((3, 5, 1), 7)])
def test_quiz2_backprop_forward_closed_form_and_fd_agree(sizes, seed):
    doc = ok_json("quiz", "2", "--sizes", ",".join(map(str, sizes)), "--seed", str(seed))
    x, a1, a2, b, y = quiz2_reference(sizes, seed)
    assert doc["sizes"] == list(sizes) and doc["seed"] == seed
    assert np.array_equal(doc["x"], x) and np.array_equal(doc["weights"]["alpha1"], a1)
    assert doc["y"] == pytest.approx(y, rel=1e-15)
    n0, n1, n2 = sizes
    assert doc["cost"]["forward"] == {"count": n0 * n1 + n1 * n2 + n2, "unit": "jvp pass"}
    assert doc["cost"]["reverse"] == {"count": 1, "unit": "backward sweep"}
    for pair, difference in doc["max_abs_difference"].items():
        if "central" in pair:
            assert doc["max_relative_difference"][pair] <= 1e-6
        else:
            assert difference <= 1e-10
    g = doc["gradients"]["reverse"]
    assert np.shape(g["alpha1"]) == (n0, n1) and np.shape(g["alpha2"]) == (n1, n2) and np.shape(g["beta"]) == (n2,)
    # dy/dbeta_k to first order in beta_k: an independent secant check on the numpy reference
    for k in range(n2):
        h = 1e-6
        bp, bm = b.copy(), b.copy()
        bp[k] += h
        bm[k] -= h
        secant = (quiz2_y(x, a1, a2, bp) - quiz2_y(x, a1, a2, bm)) / (2 * h)
        assert g["beta"][k] == pytest.approx(secant, rel=1e-6, abs=1e-12)


def quiz2_y(x, a1, a2, b):
    def sigma(t):
        return 1 / (1 + np.exp(-t))

    return sigma(sigma(sigma(x @ a1) @ a2) @ b)


def test_quiz2_table_counts_the_passes():
    text = " ".join(ok("quiz", "2").split())
    assert "20 jvp passes" in text and "1 backward sweep" in text and "why reverse mode" in text
    assert "∂y/∂β[1]" in text and "∂y/∂α⁽¹⁾[3,2]" in text
    big = " ".join(ok("quiz", "2", "--sizes", "10,8,5").split())
    assert "125 jvp passes" in big and "∂y/∂β" not in big  # too many weights for the entry table


def test_quiz2_closed_form_is_independent_of_the_library():
    net = quiz_network.Network.random((4, 3, 2), 1)
    closed = quiz_network.closed_form_gradient(net)
    fd = quiz_network.fd_gradient(net)[0]
    for name in quiz_network.PARAMETERS:
        np.testing.assert_allclose(closed[name], fd[name], rtol=1e-6, atol=1e-10)


def test_quiz_confusion():
    doc = ok_json("quiz", "confusion")
    assert doc["correct"] == 1.0
    assert doc["tagged"]["result"] == 1.0 and doc["untagged"]["result"] == 2.0
    tagged = {s["step"]: s["value"] for s in doc["tagged"]["steps"]}
    untagged = {s["step"]: s["value"] for s in doc["untagged"]["steps"]}
    assert tagged["x"] == "1 + 1·ε₁" and tagged["y"] == "1 + 1·ε₂" and tagged["x + y"] == "2 + 1·ε₁ + 1·ε₂"
    assert tagged["d/dy (x + y)"] == "1"
    assert untagged["x"] == untagged["y"] == "1 + 1·ε" and untagged["x + y"] == "2 + 2·ε"
    assert untagged["d/dy (x + y)"] == "2"
    text = ok("quiz", "confusion")
    assert "d/dx [x · d/dy (x + y)]" in text  # the brackets survive the table title
    flat = " ".join(text.split())
    assert "with tags (dualdiff.derivative): 1 (right); without tags (one shared ε): 2 (wrong)" in flat
    assert "own ε" in flat


@pytest.mark.parametrize("args, message", [
    (["quiz", "3"], "'3' is not one of"),
    (["quiz", "1", "--sizes", "4,3,2"], "quiz 2` only"),
    (["quiz", "confusion", "--seed", "1"], "--seed applies to `dualdiff quiz 2` and `dualdiff quiz new` only"),
    (["quiz", "2", "--sizes", "4,3"], "three integers"),
    (["quiz", "2", "--sizes", "4,x,2"], "three integers"),
    (["quiz", "2", "--sizes", "4,3,0"], "three integers"),
    (["quiz", "2", "--sizes", "4,3,99"], "three integers"),
    (["quiz", "2", "--seed", "-1"], "--seed must be"),
    (["quiz", "2", "--seed", "one"], "--seed"),
])
def test_quiz_errors(args, message):
    fails(2, message, *args)


# ---------------------------------------------------------------------------
# fd-sweep
# ---------------------------------------------------------------------------

def test_fd_sweep_default_is_the_quiz_against_ad():
    doc = ok_json("fd-sweep")
    assert doc["expression"] == QUIZ and doc["wrt"] == "x" and doc["point"] == {"x": 2.0, "z": 3.0}
    assert rel(doc["reference"]["value"], QUIZ_GRADIENT["x"]) < 1e-13 and doc["reference"]["mode"] == "forward"
    assert doc["steps"] == pytest.approx([10.0 ** -k for k in range(1, 16)], rel=1e-12)
    errors = doc["errors"]
    assert set(errors) == {"forward-difference", "central", "five-point"}
    # truncation: the error falls as h, h^2, h^4 at large steps (ratio per decade 10, 100, 10^4)
    assert 5 < errors["forward-difference"][1] / errors["forward-difference"][2] < 20
    assert 50 < errors["central"][1] / errors["central"][2] < 200
    assert 5e3 < errors["five-point"][0] / errors["five-point"][1] < 2e4
    for method, e in errors.items():
        best = doc["best_step"][method]
        at = doc["steps"].index(best)
        assert e[at] == min(e)
        assert e[0] > 100 * e[at] and e[-1] > 100 * e[at]  # the V: both ends far above the bottom
    assert e[at] / doc["reference"]["value"] < 1e-9  # five-point at its best step: ~12 digits
    assert doc["best_step"]["forward-difference"] < doc["best_step"]["central"] < doc["best_step"]["five-point"]


def test_fd_sweep_table_marks_the_best_steps():
    text = ok("fd-sweep")
    assert text.count(fd_sweep_command.BEST) == 3 + 1  # one per method column, one in the note
    assert "reference: forward-mode AD" in text and "1e-15" in text


def test_fd_sweep_other_variable_and_domain_edges():
    doc = ok_json("fd-sweep", "exp(x*z)", "x=2", "z=3", "--wrt", "z")
    assert doc["reference"]["value"] == pytest.approx(2 * math.exp(6.0), rel=1e-15)
    doc = ok_json("fd-sweep", "sqrt(x)", "x=0.05")
    assert doc["errors"]["central"][0] is None  # the stencil leaves the domain: no number
    assert doc["errors"]["forward-difference"][0] is not None


def test_fd_sweep_plot_is_a_real_picture(tmp_path):
    image = pytest.importorskip("matplotlib.image")
    path = tmp_path / "sweep.png"
    text = ok("fd-sweep", "--plot", str(path))
    assert f"plot written to {path}" in " ".join(text.split())
    assert path.stat().st_size > 10_000
    pixels = image.imread(str(path))
    assert pixels.ndim == 3 and pixels.shape[0] > 200 and pixels.shape[1] > 300
    assert float(np.var(pixels[..., :3])) > 1e-3  # not blank
    doc = ok_json("fd-sweep", "sin(x)", "x=1", "--plot", str(tmp_path / "sin.svg"))
    assert doc["plot"] == str(tmp_path / "sin.svg") and (tmp_path / "sin.svg").read_text().count("<svg") == 1


def test_fd_sweep_plot_without_matplotlib_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(fd_sweep_command, "matplotlib_available", lambda: False)
    fails(2, 'pip install "dualdiff[plot]"', "fd-sweep", "--plot", str(tmp_path / "x.png"))
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("args, code, message", [
    (["fd-sweep", "--plot", "sweep.gif"], 2, "must end in .png"),
    (["fd-sweep", "--plot", "no/such/folder/sweep.png"], 2, "does not exist"),
    (["fd-sweep", "x*z", "x=1", "z=2", "--wrt", "y"], 2, "`y` is not a variable"),
    (["fd-sweep", "log(x)", "x=-1"], 1, "log(-1.0)"),
    (["fd-sweep", "sqrt(x)", "x=0"], 1, "not finite"),
])
def test_fd_sweep_errors(args, code, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fails(code, message, *args)


# ---------------------------------------------------------------------------
# help, and the library bugs found on the way
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("command, has_json", [("trace", True), ("graph", True), ("symbolic", True),
                                               ("quiz", True), ("fd-sweep", True)])
def test_every_teaching_command_help_shows_an_example(command, has_json):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout and f"dualdiff {command}" in result.stdout
    assert ("--json" in result.stdout) == has_json


def test_help_of_a_teaching_command_imports_neither_numpy_nor_matplotlib(tmp_path):
    code = ("import sys\nfrom dualdiff_cli.app import main\n"
            "try:\n    main(['fd-sweep', '--help'])\nexcept SystemExit:\n    pass\n"
            "print('numpy' in sys.modules, 'matplotlib' in sys.modules, file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          timeout=60, check=False)
    assert proc.stderr.strip().splitlines()[-1] == "False False"


def test_first_transform_does_not_share_the_tag_of_hand_built_duals(tmp_path):
    code = ("import dualdiff as dd\n"
            "f = lambda x: x * dd.Dual(3.0, 1.0)\n"
            "print(repr(dd.derivative(f)(2.0)))\nprint(repr(dd.derivative(f)(2.0)))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          timeout=60, check=True)
    first, second = proc.stdout.splitlines()
    assert first == second == "Dual(value=3.0, tangent=1.0)"


def test_symbolic_value_of_a_long_derivative():
    from dualdiff.symbolic import differentiate

    text = "sin(" * 70 + "x" + ")" * 70
    d = differentiate(text, "x", {"x": 0.5})
    assert d.value == pytest.approx(dd.jvp(expr.compile(text), (0.5,), (1.0,))[1], rel=1e-13)
