"""Markdown, LaTeX and HTML views of traces, symbolic derivatives and comparisons.

Plain strings, no rich and no IPython: the notebook views (``_repr_markdown_``,
``_repr_latex_``, ``_repr_html_`` of :class:`~dualdiff.trace.Trace`,
:class:`~dualdiff.symbolic.SymbolicDerivative` and
:class:`~dualdiff.compare.Comparison`) call these, and so does the command
line for ``--format markdown|latex``, so a slide, a handout and a notebook
show the same table.

LaTeX uses the standard operators (:mod:`dualdiff.notation`); output that needs
``\\operatorname`` says so in a comment (``% needs \\usepackage{amsmath}``), and
:func:`latex_document` wraps any body in a complete document that compiles with
a plain ``pdflatex``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from . import notation
from .notation import (duration, full, html_escape, html_table, latex_escape, latex_name, latex_number,
                       latex_operation, markdown_cell, markdown_table, short, to_latex, uses_amsmath)

if TYPE_CHECKING:  # the result classes draw themselves through this module (dualdiff.views)
    from .compare import Comparison
    from .symbolic import SymbolicDerivative
    from .trace import Trace

SYMBOLIC_TYPESET_LIMIT = 2_000
"""Largest derivative (nodes written out) typeset in LaTeX; beyond it only its sizes are shown."""


def dotted(name: str) -> str:
    """``x1`` -> ``ẋ1``: the tangent of a variable (a dot over its first letter)."""
    return unicodedata.normalize("NFC", name[0] + "\u0307" + name[1:])


def barred(name: str) -> str:
    """``x1`` -> ``x̄1``: the adjoint of a variable (a bar over its first letter)."""
    return unicodedata.normalize("NFC", name[0] + "\u0304" + name[1:])


def to_latex_name(name: str) -> str:
    """A variable as LaTeX math (``x1`` -> ``x_{1}``), as :func:`~dualdiff.notation.to_latex` writes it."""
    from .nodes import Name

    return to_latex(Name(name))


# --- evaluation traces ------------------------------------------------------------------

@dataclass(frozen=True)
class TraceTable:
    """An evaluation trace laid out once, for every output format.

    ``kinds[i]`` is ``"text"`` or ``"number"`` for column ``i``; cells are
    plain Unicode (``rows``) and LaTeX math (``latex_rows``); ``blank`` columns
    (a quiz's) hold empty cells.
    """

    header: list[str]
    latex_header: list[str]
    kinds: list[str]
    rows: list[list[str]] = field(default_factory=list)
    latex_rows: list[list[str]] = field(default_factory=list)


def trace_table(trace: Trace, decimals: int = 3, *, forward: bool = True, reverse: bool = True,
                tangents: Sequence[Trace] | None = None, blank: Sequence[str] = ()) -> TraceTable:
    """The columns node, operation, value, one tangent per forward pass, adjoint.

    ``tangents`` are traces of the same function seeded on other variables
    (one tangent column each; default: ``trace`` itself when it has a seed).
    ``blank`` names columns (``"tangent"``, ``"adjoint"``) left empty for students, but for the
    seeds (the inputs' tangents, the output's adjoint), which state the question.
    """
    passes = list(tangents) if tangents is not None else ([trace] if trace.wrt is not None else [])
    passes = passes if forward else []
    header, latex_header, kinds = ["node", "operation", "value"], ["$v_i$", "operation", "value"], ["text"] * 2
    kinds.append("number")
    for t in passes:
        header.append(f"tangent v̇ ({dotted(t.wrt or '')}=1)")
        latex_header.append(rf"$\dot v_i$ (${_dot_latex(t.wrt or '')} = 1$)")
        kinds.append("number")
    if reverse:
        header.append("adjoint v̄")
        latex_header.append(r"$\bar v_i$")
        kinds.append("number")
    table = TraceTable(header, latex_header, kinds)
    out = trace.output_row
    for i, row in enumerate(trace.rows):
        hide_tangent = "tangent" in blank and row.op != "input"  # the seeds stay: they are the question
        hide_adjoint = "adjoint" in blank and row is not out
        numbers = [short(row.value, decimals)]
        numbers += ["" if hide_tangent else short(t.rows[i].tangent, decimals) for t in passes]
        if reverse:
            numbers.append("" if hide_adjoint else short(row.adjoint, decimals))
        table.rows.append([row.name, notation.operation(row.op, row.inputs), *numbers])
        table.latex_rows.append([f"${latex_name(row.name)}$", f"$= {latex_operation(row.op, row.inputs)}$",
                                 *(f"${latex_number(n)}$" if n else "" for n in numbers)])
    return table


def _dot_latex(name: str) -> str:
    return rf"\dot{{{to_latex_name(name)}}}" if name else r"\dot{x}"


def _bar_latex(name: str) -> str:
    return rf"\bar{{{to_latex_name(name)}}}"


def _times(factor: float | None, decimals: int) -> str:
    text = short(factor, decimals) if factor is not None else "?"
    return f"({text})" if text.startswith("-") else text


def accumulation(trace: Trace, decimals: int = 3, every: bool = False) -> list[tuple[str, str]]:
    """How reverse mode sums the adjoint of each row used more than once (every row with ``every``).

    One ``(plain, latex)`` pair per row, from the last row back, e.g.
    ``v̄₁ = v̄₂·∂v₂/∂v₁ + v̄₄·∂v₄/∂v₁ = 1·403.429 + 1·1.443 = 404.872``.
    """
    lines = []
    for row in reversed(trace.rows):
        terms = trace.adjoint_terms(row.name)
        if not terms or (len(terms) < 2 and not every):
            continue
        bar = row.name[0] + "\u0304" + row.name[1:]
        symbols = " + ".join(f"{t.user[0]}\u0304{t.user[1:]}·∂{t.user}/∂{row.name}" for t in terms)
        numbers = " + ".join(f"{_times(t.user_adjoint, decimals)}·{_times(t.partial, decimals)}" for t in terms)
        plain = unicodedata.normalize("NFC", f"{bar} = {symbols} = {numbers} = {short(row.adjoint, decimals)}")
        name = latex_name(row.name)
        latex_symbols = " + ".join(rf"\bar{{{latex_name(t.user)}}}\,\frac{{\partial {latex_name(t.user)}}}"
                                   rf"{{\partial {name}}}" for t in terms)
        latex_numbers = " + ".join(rf"{latex_number(_times(t.user_adjoint, decimals))} \cdot "
                                   rf"{latex_number(_times(t.partial, decimals))}" for t in terms)
        latex = (rf"\bar{{{name}}} = {latex_symbols} = {latex_numbers} = "
                 rf"{latex_number(short(row.adjoint, decimals))}")
        lines.append((plain, latex))
    return lines


def trace_notes(trace: Trace, decimals: int = 3, forward: bool = True,
                reverse: bool = True) -> list[tuple[str, str]]:
    """What the table adds up to, as ``(plain, latex)``: the value, the forward derivative, the gradient."""
    out = trace.output_row
    where = out.name if out is not None else "a constant (it does not depend on the variables)"
    value = short(trace.value, decimals)
    where_latex = f"${latex_name(out.name)}$" if out is not None else latex_escape(where)
    lines = [(f"f = {value}, the value of {where}", f"$f = {latex_number(value)}$, the value of {where_latex}")]
    if forward and trace.wrt is not None:
        d = short(trace.tangent, decimals)
        lines.append((f"forward mode (1 pass, seeded {dotted(trace.wrt)} = 1): ∂f/∂{trace.wrt} = {d}",
                      rf"forward mode (1 pass, seeded ${_dot_latex(trace.wrt)} = 1$): "
                      rf"$\partial f / \partial {to_latex_name(trace.wrt)} = {latex_number(d)}$"))
    if reverse:
        plain = ", ".join(f"{barred(n)} = {short(g, decimals)}" for n, g in trace.gradient.items())
        latex = ", ".join(f"${_bar_latex(n)} = {latex_number(short(g, decimals))}$" for n, g in trace.gradient.items())
        lines.append((f"reverse mode (1 backward sweep, seeded f̄ = 1): {plain}",
                      rf"reverse mode (1 backward sweep, seeded $\bar f = 1$): {latex}"))
    return lines


def trace_title(trace: Trace, label: str = "Evaluation trace") -> tuple[str, str]:
    """``(plain, latex)`` title: the function (when known) and the point."""
    point = ", ".join(f"{n}={v!r}" for n, v in (trace.point or {}).items())
    latex_point = ", ".join(f"{to_latex_name(n)} = {latex_number(repr(v))}" for n, v in (trace.point or {}).items())
    if trace.text is not None:
        from .expr import parse

        formula = to_latex(parse(trace.text)[0])
        return (f"{label} of f = {trace.text} at {point}",
                f"{latex_escape(label)} of $f = {formula}$ at ${latex_point}$")
    return f"{label} at {point}", f"{latex_escape(label)} at ${latex_point}$"


def trace_markdown(trace: Trace, decimals: int = 3, *, forward: bool = True, reverse: bool = True,
                   tangents: Sequence[Trace] | None = None, blank: Sequence[str] = (),
                   title: str | None = None) -> str:
    """The trace as a Markdown table with its notes (and the adjoint sums of shared rows)."""
    table = trace_table(trace, decimals, forward=forward, reverse=reverse, tangents=tangents, blank=blank)
    lines = [markdown_cell(title or trace_title(trace)[0]), "", markdown_table(table.header, table.rows), ""]
    if not blank:
        notes = [p for p, _ in trace_notes(trace, decimals, forward, reverse)]
        if reverse:
            notes += [p for p, _ in accumulation(trace, decimals)]
        lines += [markdown_cell(line) + "  " for line in notes]
    return "\n".join(lines).rstrip() + "\n"


def trace_latex(trace: Trace, decimals: int = 3, *, forward: bool = True, reverse: bool = True,
                tangents: Sequence[Trace] | None = None, blank: Sequence[str] = (),
                array: bool = False) -> str:
    """The trace as a LaTeX ``tabular`` for slides (or a math ``array`` for notebooks).

    The title and notes follow as ``%`` comments (a ``tabular`` has no room for
    them; :func:`latex_document` typesets them).
    """
    table = trace_table(trace, decimals, forward=forward, reverse=reverse, tangents=tangents, blank=blank)
    spec = "ll" + "r" * (len(table.header) - 2)
    if array:
        header = [rf"\text{{{h.replace('$', '')}}}" if "$" not in h else h.replace("$", "")
                  for h in table.latex_header]
        body = [" & ".join(c.replace("$", "") for c in row) + r" \\" for row in table.latex_rows]
        return "\n".join([rf"\begin{{array}}{{{spec}}}", " & ".join(header) + r" \\ \hline", *body,
                          r"\end{array}"])
    lines = [f"% {_comment(trace_title(trace)[0])}"]
    lines += [rf"\begin{{tabular}}{{{spec}}}", r"\hline", " & ".join(table.latex_header) + r" \\", r"\hline"]
    lines += [" & ".join(row) + r" \\" for row in table.latex_rows]
    lines += [r"\hline", r"\end{tabular}"]
    if not blank:
        lines += [f"% {_comment(p)}" for p, _ in trace_notes(trace, decimals, forward, reverse)]
        if reverse:
            lines += [f"% {_comment(p)}" for p, _ in accumulation(trace, decimals)]
    text = "\n".join(lines) + "\n"
    return (r"% needs \usepackage{amsmath} (for \operatorname)" + "\n" + text) if uses_amsmath(text) else text


def trace_document(trace: Trace, decimals: int = 3, *, forward: bool = True, reverse: bool = True,
                   tangents: Sequence[Trace] | None = None, blank: Sequence[str] = (),
                   title: str | None = None) -> str:
    """A complete LaTeX document: title, the trace table, the notes and the adjoint sums."""
    table = trace_latex(trace, decimals, forward=forward, reverse=reverse, tangents=tangents, blank=blank)
    table = "\n".join(line for line in table.splitlines() if not line.startswith("%"))
    body = [trace_title(trace)[1] if title is None else title, "", r"\begin{center}", table, r"\end{center}", ""]
    if not blank:
        body += [latex + r"\\" for _, latex in trace_notes(trace, decimals, forward, reverse)]
        if reverse:
            body += [rf"\[ {latex} \]" for _, latex in accumulation(trace, decimals)]
    return latex_document("\n".join(body))


def trace_html(trace: Trace, decimals: int = 3) -> str:
    """The trace as an HTML table with its notes, for notebooks."""
    table = trace_table(trace, decimals)
    notes = [p for p, _ in trace_notes(trace, decimals)] + [p for p, _ in accumulation(trace, decimals)]
    return html_table(table.header, table.rows, trace_title(trace)[0]) + _html_notes(notes)


def _comment(text: str) -> str:
    return " ".join(text.split())


def _html_notes(notes: Sequence[str]) -> str:
    return "".join(f"\n<p>{html_escape(n)}</p>" for n in notes if n)


# --- LaTeX documents ----------------------------------------------------------------------

def latex_document(body: str) -> str:
    """``body`` in a complete ``article`` that a plain ``pdflatex`` compiles (amsmath loaded)."""
    return "\n".join([r"\documentclass{article}", r"\usepackage{amsmath}", r"\begin{document}",
                      body.rstrip(), r"\end{document}", ""])


# --- symbolic derivatives ----------------------------------------------------------------

def _partial_label(d: "SymbolicDerivative") -> tuple[str, str]:
    return f"∂f/∂{d.wrt}", rf"\frac{{\partial f}}{{\partial {to_latex_name(d.wrt)}}}"


def _sizes(d: "SymbolicDerivative") -> str:
    swell = d.tree_size / d.dag_size if d.dag_size else 1.0
    return (f"tree size {d.tree_size}, DAG size {d.dag_size} (expression swell {swell:.1f}×)"
            + (f"; value {full(d.value)}" if d.value is not None else ""))


def symbolic_markdown(d: "SymbolicDerivative") -> str:
    label, _ = _partial_label(d)
    text = d.format() if d.tree_size <= 200_000 else f"(too large to print: {d.tree_size} nodes)"
    return f"**{markdown_cell(label)}** = `{text}`\n\n{markdown_cell(_sizes(d))}\n"


def symbolic_latex(d: "SymbolicDerivative") -> str:
    """``\\frac{\\partial f}{\\partial x} = …`` (only the sizes when too large to typeset)."""
    _, label = _partial_label(d)
    if d.tree_size > SYMBOLIC_TYPESET_LIMIT:
        return rf"{label}: \text{{{d.tree_size} nodes written out, too large to typeset}}"
    return f"{label} = {d.latex}"


def symbolic_block(derivatives: Sequence["SymbolicDerivative"], standalone: bool = False) -> str:
    """Display equations, one per derivative: a LaTeX snippet, or a complete document."""
    body = "\n".join(rf"\[ {symbolic_latex(d)} \]" for d in derivatives)
    if standalone:
        return latex_document(body)
    return (r"% needs \usepackage{amsmath}" + "\n" + body + "\n") if uses_amsmath(body) else body + "\n"


def symbolic_html(d: "SymbolicDerivative") -> str:
    label, _ = _partial_label(d)
    text = d.format() if d.tree_size <= 200_000 else f"(too large to print: {d.tree_size} nodes)"
    return (f"<p><b>{html_escape(label)}</b> = <code>{html_escape(text)}</code></p>"
            f"\n<p>{html_escape(_sizes(d))}</p>")


# --- comparisons ----------------------------------------------------------------------------

COMPARISON_COLUMNS = ("f", "cost", "time", "first call", "|Δ| vs forward")


def comparison_rows(c: "Comparison") -> tuple[list[str], list[list[str]]]:
    """Header and plain cells of a comparison table (a method that did not run shows n/a)."""

    names = c.target.variables
    reference = c.reference
    ref_label = reference.method.short if reference is not None else "forward"
    header = ["method", "f", *(f"∂f/∂{n}" for n in names), "cost", "time", "first call",
              f"|Δ| vs {ref_label}"]
    rows = []
    for r in c.results:
        if r.outcome is None:
            rows.append([r.method.label, "", *("n/a" for _ in names), "", "", "", "n/a"])
            continue
        o = r.outcome
        diff = c.difference(r)
        shown = "reference" if r is reference else ("0" if diff == 0 else f"{diff:.1e}")
        unit = o.unit if o.cost == 1 else o.unit + ("es" if o.unit.endswith(("s", "sh", "ch")) else "s")
        rows.append([r.method.label, full(c.value), *(full(g) for g in o.gradient), f"{o.cost} {unit}",
                     duration(r.seconds), duration(r.first_call_seconds), shown])
    return header, rows


def _comparison_title(c: "Comparison") -> str:
    point = ", ".join(f"{n}={v!r}" for n, v in c.target.point.items())
    return f"f = {c.target.text} at {point}"


def comparison_markdown(c: "Comparison") -> str:
    header, rows = comparison_rows(c)
    notes = [c.caption(), *c.notes(), c.timing_note()]
    return "\n".join([markdown_cell(_comparison_title(c)), "", markdown_table(header, rows, text_columns=1), "",
                      *(markdown_cell(n) + "  " for n in notes)]).rstrip() + "\n"


def comparison_latex(c: "Comparison", array: bool = False) -> str:
    """The comparison as a LaTeX ``tabular`` (or a math ``array`` for notebooks)."""
    header, rows = comparison_rows(c)
    spec = "l" + "r" * (len(header) - 1)

    def cell(text: str, i: int) -> str:
        if "µs" in text:  # a duration: the micro sign typeset in math mode
            number = text.replace(" µs", "")
            return rf"{number}\,\mu\mathrm{{s}}" if array else rf"{number}\,$\mu$s"
        if i == 0 or not text or text in ("n/a", "reference") or " " in text:
            return rf"\text{{{latex_escape(text)}}}" if array else latex_escape(text)
        return latex_number(text) if array else f"${latex_number(text)}$"

    def heading(h: str) -> str:
        if h.startswith("∂f/∂"):
            math = rf"\partial f/\partial {to_latex_name(h[4:])}"
            return math if array else f"${math}$"
        if h.startswith("|Δ|"):
            rest = latex_escape(h[3:])
            return rf"|\Delta|\text{{{rest}}}" if array else rf"$|\Delta|${rest}"
        return rf"\text{{{latex_escape(h)}}}" if array else latex_escape(h)

    latex_header = [heading(h) for h in header]
    body = [" & ".join(cell(t, i) for i, t in enumerate(row)) + r" \\" for row in rows]
    if array:
        return "\n".join([rf"\begin{{array}}{{{spec}}}", " & ".join(latex_header) + r" \\ \hline", *body,
                          r"\end{array}"])
    lines = [f"% {_comment(_comparison_title(c))}", rf"\begin{{tabular}}{{{spec}}}", r"\hline",
             " & ".join(latex_header) + r" \\", r"\hline", *body, r"\hline", r"\end{tabular}"]
    lines += [f"% {_comment(n)}" for n in (c.caption(), *c.notes(), c.timing_note())]
    return "\n".join(lines) + "\n"


def comparison_html(c: "Comparison") -> str:
    header, rows = comparison_rows(c)
    return html_table(header, rows, _comparison_title(c), text_columns=1) + _html_notes(
        [c.caption(), *c.notes(), c.timing_note()])


__all__ = [
    "TraceTable", "accumulation", "barred", "comparison_html", "comparison_latex", "comparison_markdown",
    "comparison_rows", "dotted", "latex_document", "symbolic_html", "symbolic_latex", "symbolic_markdown",
    "trace_document", "trace_html", "trace_latex", "trace_markdown", "trace_notes", "trace_table",
    "trace_title",
]
