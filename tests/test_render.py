"""Notation, LaTeX, Markdown and the notebook views (the ``_repr_*_`` methods), without Jupyter.

LaTeX is checked for the standard operators of every function of the table and, when
``pdflatex`` is on the machine, compiled as a complete document; numbers in every view are the
library's own, checked against closed forms or the other mode.
"""

from __future__ import annotations

import math
import shutil
import subprocess

import pytest

import dualdiff as dd
from dualdiff import compare, expr, graph, notation, render
from dualdiff.nodes import Call, Name
from dualdiff.primitives import REGISTRY, expression_functions
from dualdiff.symbolic import differentiate
from dualdiff.trace import evaluation_trace

QUIZ = "exp(x*z) + x*z/log(x) + sin(log(x))/(x*z)"

STANDARD = {"sin": r"\sin", "cos": r"\cos", "tan": r"\tan", "exp": r"\exp", "log": r"\log", "ln": r"\log",
            "sinh": r"\sinh", "cosh": r"\cosh", "tanh": r"\tanh", "arcsin": r"\arcsin", "arccos": r"\arccos",
            "arctan": r"\arctan", "sqrt": r"\sqrt{x}", "cbrt": r"\sqrt[3]{x}", "sigmoid": r"\sigma",
            "abs": r"\left|x\right|", "maximum": r"\max", "minimum": r"\min", "log2": r"\log_{2}",
            "log10": r"\log_{10}", "square": "^{2}", "reciprocal": r"\frac{1}{x}", "pow": "{x}^{y}",
            "div": r"\frac{x}{y}", "mul": r"x \cdot y", "add": "x + y", "sub": "x - y", "neg": "-x",
            "asin": r"\arcsin", "acos": r"\arccos", "atan": r"\arctan", "logistic": r"\sigma"}


def _arity(name: str) -> int:
    fn = expression_functions()[name]
    primitive = next((p for p in REGISTRY.values() if p.fn is fn), None)
    return primitive.nargs if primitive is not None else 3  # clip(x, lo, hi)


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text.replace(r"\{", "").replace(r"\}", ""):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0 and text.count(r"\left") == text.count(r"\right")


@pytest.mark.parametrize("name", sorted(expression_functions()))
def test_every_function_of_the_table_renders_in_latex(name):
    args = [Name(v) for v in ("x", "y", "z")[:_arity(name)]]
    latex = notation.to_latex(Call(name, args))
    assert _balanced(latex), latex
    if name in STANDARD:
        assert STANDARD[name] in latex and r"\operatorname" not in latex, latex
    else:  # no standard LaTeX operator: an upright name (amsmath), never italic letters
        assert latex.startswith(r"\operatorname{"), latex
        assert notation.uses_amsmath(latex)


def _compile(tmp_path, document: str) -> None:
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    (tmp_path / "doc.tex").write_text(document)
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-2000:]
    assert (tmp_path / "doc.pdf").stat().st_size > 1000


def test_every_function_compiles_in_a_plain_article(tmp_path):
    lines = []
    for name in sorted(expression_functions()):
        args = [Name(v) for v in ("x", "y", "z")[:_arity(name)]]
        lines.append(rf"\[ {notation.to_latex(Call(name, args))} \]")
    _compile(tmp_path, render.latex_document("\n".join(lines)))


def test_trace_and_quiz_documents_compile(tmp_path):
    f = expr.compile(QUIZ)
    t = evaluation_trace(f, (2.0, 3.0), f.variables, wrt="x")
    document = render.trace_document(t)
    assert document.startswith(r"\documentclass{article}") and r"\usepackage{amsmath}" in document
    _compile(tmp_path, document)


def test_latex_of_the_quiz_uses_standard_operators_and_fractions():
    latex = notation.to_latex(expr.parse(QUIZ)[0])
    assert latex == (r"\exp\left(x \cdot z\right) + \frac{x \cdot z}{\log x} + "
                     r"\frac{\sin\left(\log x\right)}{x \cdot z}")
    assert notation.to_latex(expr.parse("sqrt(x1 + 1) * -x2")[0]) == r"\sqrt{x_{1} + 1} \cdot \left(-x_{2}\right)"


def quiz_trace(wrt: str = "x", share: bool = True):
    f = expr.compile(QUIZ, share=share)
    return evaluation_trace(f, (2.0, 3.0), f.variables, wrt=wrt)


def test_shared_trace_has_one_row_per_distinct_subexpression():
    shared, literal = quiz_trace(), quiz_trace(share=False)
    ops = [r.op for r in shared.rows]
    assert ops.count("mul") == 1 and ops.count("log") == 1 and len(shared.rows) == 10
    assert [r.op for r in literal.rows].count("mul") == 3 and len(literal.rows) == 13
    product = next(r for r in shared.rows if r.op == "mul")
    assert shared.fan_out(product.name) == 3
    assert shared.value == literal.value and shared.tangent == pytest.approx(literal.tangent, rel=1e-15)
    for name in ("x", "z"):
        assert shared.gradient[name] == pytest.approx(literal.gradient[name], rel=1e-14)


def test_adjoint_of_a_shared_row_is_the_sum_over_its_uses():
    t = quiz_trace()
    product = next(r for r in t.rows if r.op == "mul")
    terms = t.adjoint_terms(product.name)
    assert [term.user for term in terms] == ["v₂", "v₄", "v₇"]
    # closed forms of the local partials: d exp(u)/du = exp(6), d(u/w)/du = 1/log 2, d(s/u)/du = -sin(log 2)/36
    want = [math.exp(6.0), 1 / math.log(2.0), -math.sin(math.log(2.0)) / 36.0]
    for term, partial in zip(terms, want):
        assert term.partial == pytest.approx(partial, rel=1e-14)
    assert product.adjoint == pytest.approx(sum(t.user_adjoint * t.partial for t in terms), rel=1e-15)
    plain = [p for p, _ in render.accumulation(t)]
    assert any(p.startswith("v̄₁ = v̄₂·∂v₂/∂v₁ + v̄₄·∂v₄/∂v₁ + v̄₇·∂v₇/∂v₁") for p in plain), plain


def test_trace_views_in_a_notebook():
    t = quiz_trace()
    markdown = t._repr_markdown_()
    assert "| v₁ | v₋₁ · v₀ | 6 | 3 | 404.854 |" in markdown and "v̄₁ = v̄₂" in markdown
    latex = t._repr_latex_()
    assert latex.startswith("$$") and r"\begin{array}" in latex and r"\exp v_{1}" in latex
    html = t._repr_html_()
    assert html.startswith("<table>") and "<td>v₋₁ · v₀</td>" in html and "404.854" in html


def test_symbolic_views_and_readable_text():
    d = differentiate(QUIZ, "x", {"x": 2.0, "z": 3.0})
    forward = dd.jvp(expr.compile(QUIZ), (2.0, 3.0), (1.0, 0.0))[1]
    assert d.value == pytest.approx(forward, rel=1e-15)
    for unreadable in ("+ -", "- -", "* 1 ", "1 *", "(1 /", "* (1 / "):
        assert unreadable not in d.text, (unreadable, d.text)
    assert expr.compile(d.text, variables=("x", "z"))(2.0, 3.0) == pytest.approx(forward, rel=1e-15)
    assert r"\frac{\partial f}{\partial x}" in d._repr_latex_() and r"\exp" in d._repr_latex_()
    assert "**∂f/∂x**" in d._repr_markdown_() and "<code>" in d._repr_html_()
    caret = differentiate("x^3 * y", "x")
    assert caret.format() == "y * (3 * x ^ 2)" and caret.text == "y * (3 * x ** 2)"  # ^ kept where typed
    assert differentiate("x**3 * y", "x").format() == "y * (3 * x ** 2)"


@pytest.mark.parametrize("text, wrt, point", [
    (QUIZ, "z", {"x": 2.0, "z": 3.0}), ("1/(1+exp(-x))", "x", {"x": 0.7}),
    ("-x*y - (-(x) / -y) + 1*x*1 - 0*y", "y", {"x": 1.3, "y": -0.4}), ("2*(3*(x*-4))", "x", {"x": 1.1}),
])
def test_readable_simplification_keeps_the_value(text, wrt, point):
    d = differentiate(text, wrt, point)
    names = tuple(point)
    f = expr.compile(text, variables=names)
    unit = tuple(1.0 if n == wrt else 0.0 for n in names)
    assert d.value == pytest.approx(dd.jvp(f, tuple(point.values()), unit)[1], rel=1e-14, abs=1e-15)
    assert "+ -" not in d.text and "--" not in d.text.replace(" ", "")


def test_comparison_views_in_a_notebook():
    c = compare.compare(QUIZ, {"x": 2.0, "z": 3.0})
    markdown = c._repr_markdown_()
    assert "| forward mode |" in markdown and "1208.38121512661" in markdown and "median of" in markdown
    assert c._repr_latex_().startswith("$$\\begin{array}") and "<table>" in c._repr_html_()
    for r in c.results:
        assert r.seconds > 0 and r.first_call_seconds > 0 and r.samples >= compare.MIN_ROUNDS
    python = compare.compare(lambda a, b: dd.sin(a) * b, [1.0, 2.0])
    assert python.result("symbolic").outcome is None and "expression" in python.result("symbolic").note
    assert python.result("reverse").outcome.gradient == (2 * math.cos(1.0), math.sin(1.0))


def test_graph_is_svg_with_graphviz_and_dot_text_without(monkeypatch):
    g = graph.computation_graph(QUIZ, {"x": 2.0, "z": 3.0})
    assert len([n for n in g.nodes if n.kind == "op"]) == 8
    product = next(n for n in g.nodes if n.text == "v₋₁ · v₀")
    assert len(g.uses_of(product.key)) == 3
    if shutil.which("dot") is not None:
        assert "<svg" in g._repr_svg_() and g._repr_markdown_() is None
    monkeypatch.setattr(graph.shutil, "which", lambda name: None)
    assert g._repr_svg_() is None and g._repr_markdown_().startswith("```dot\ndigraph computation {")


def test_no_rich_or_typer_in_the_library_views():
    import subprocess
    import sys

    code = ("import sys, dualdiff, dualdiff.render, dualdiff.compare, dualdiff.graph, dualdiff.quizgen\n"
            "print(sorted(m for m in ('rich', 'typer', 'click') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("args", [
    ["compare", "--format", "latex", "--standalone"],
    ["trace", QUIZ, "x=2", "z=3", "--format", "latex", "--standalone"],
    ["symbolic", "sigmoid(x) * arctan2(x, 2) + leaky_relu(x, 0.1)", "x=1", "--format", "latex", "--standalone"],
    ["quiz", "new", "--seed", "11", "--ops", "8", "--mode", "reverse", "--format", "latex", "--standalone"],
    ["quiz", "new", "--seed", "11", "--answers", "--format", "latex", "--standalone"],
])
def test_the_command_lines_latex_documents_compile(args, tmp_path):
    from typer.testing import CliRunner

    from dualdiff_cli.app import app

    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0 and result.stdout.startswith(r"\documentclass{article}")
    _compile(tmp_path, result.stdout)
