"""The computation graph of an expression: nodes, edges, Graphviz DOT, and SVG in notebooks.

Without a point the graph is the parsed expression's structure: one node per
variable, per constant use and per distinct call (equal subexpressions are one
node when the text is parsed with sharing, the default, so ``x*z`` written
three times is one node with three outgoing edges). With a point it is the
recorded evaluation (:func:`dualdiff.trace.evaluation_trace`): each node
carries its value and adjoint, and each edge the local partial derivative of
its target with respect to its source, from the primitive table. These edge
labels are what the backward sweep multiplies along every path, and a node
with several outgoing edges is where adjoints add up.

In a notebook a :class:`Graph` shows as SVG when Graphviz ``dot`` is on the
PATH, and as its DOT text otherwise.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Mapping

from . import notation
from .expr import Expression, compile as compile_expression
from .nodes import CONSTANTS, Call, Name, postorder, to_string
from .trace import Trace, TraceRow, evaluation_trace, variable_name


@dataclass(frozen=True)
class GraphNode:
    key: str
    """The DOT identifier (``n3``, ``c5_1``)."""
    name: str
    """``v₁``; empty for a constant."""
    text: str
    """What it computes: ``log(v₋₁)``, ``x1``, ``2``."""
    kind: str
    """``input``, ``op`` or ``constant``."""
    value: float | None = None
    adjoint: float | None = None


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    partial: float | None = None
    """∂target/∂source at the point (None without a point, or from a constant)."""


@dataclass(frozen=True)
class Graph:
    title: str
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    output: str | None
    """Key of the output node (None when the output is a constant)."""
    at_point: bool
    by_key: dict[str, GraphNode] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {n.key: n for n in self.nodes})

    def inputs_of(self, key: str) -> list[GraphEdge]:
        return [e for e in self.edges if e.target == key]

    def uses_of(self, key: str) -> list[GraphEdge]:
        return [e for e in self.edges if e.source == key]

    def to_dot(self, decimals: int = 3) -> str:
        return to_dot(self, decimals)

    def to_svg(self, decimals: int = 3) -> str | None:
        """SVG drawn by Graphviz ``dot``, or None when ``dot`` is not on the PATH (or fails)."""
        dot = shutil.which("dot")
        if dot is None:
            return None
        try:
            done = subprocess.run([dot, "-Tsvg"], input=self.to_dot(decimals), capture_output=True,
                                  text=True, timeout=30, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout if done.returncode == 0 and "<svg" in done.stdout else None

    def _repr_svg_(self) -> str | None:
        return self.to_svg()

    def _repr_markdown_(self) -> str | None:
        if shutil.which("dot") is not None:
            return None  # the SVG view is shown
        return "```dot\n" + self.to_dot() + "```\n"


def from_trace(trace: Trace, title: str) -> Graph:
    """The recorded evaluation: nodes with values and adjoints, edges with local partials."""
    rows: tuple[TraceRow, ...] = trace.rows
    keys = {row.name: f"n{row.id}" for row in rows}
    nodes, edges = [], []
    for row in rows:
        kind = "input" if row.op == "input" else "op"
        nodes.append(GraphNode(keys[row.name], row.name, notation.operation(row.op, row.inputs), kind,
                               row.value, row.adjoint))
        if kind == "input":
            continue
        for position, item in enumerate(row.inputs):
            if isinstance(item, str):
                partial = row.partials[position] if position < len(row.partials) else None
                edges.append(GraphEdge(keys[item], keys[row.name], partial))
            else:
                key = f"c{row.id}_{position}"
                nodes.append(GraphNode(key, "", notation.constant(float(item)), "constant", float(item)))
                edges.append(GraphEdge(key, keys[row.name]))
    out = trace.output_row
    return Graph(title, nodes, edges, keys[out.name] if out is not None else None, True)


def from_expression(expression: Expression, title: str) -> Graph:
    """The structure alone: variables first (``v₋ₙ₊₁ … v₀``), then every distinct call in
    evaluation order (a shared subexpression once)."""
    n = len(expression.variables)
    variables = {name: f"n{i}" for i, name in enumerate(expression.variables)}
    nodes = [GraphNode(key, variable_name(i, n), name, "input") for i, (name, key) in enumerate(variables.items())]
    edges = []
    made: dict[int, tuple[str, str]] = {}  # id(call node) -> (key, v-name)
    count = n
    for node in postorder(expression.outputs[0], unique=True):
        if type(node) is not Call:
            continue
        key, name = f"n{count}", variable_name(count, n)
        operands: list[object] = []
        for position, arg in enumerate(node.args):
            if type(arg) is Call:
                source, operand = made[id(arg)]
            elif type(arg) is Name and arg.id not in CONSTANTS:
                source, operand = variables[arg.id], variable_name(expression.variables.index(arg.id), n)
            else:
                label = arg.id if type(arg) is Name else notation.constant(arg.value)
                source, operand = f"c{count}_{position}", label
                nodes.append(GraphNode(source, "", label, "constant"))
            edges.append(GraphEdge(source, key))
            operands.append(operand)
        nodes.append(GraphNode(key, name, notation.operation(node.func, operands), "op"))
        made[id(node)] = (key, name)
        count += 1
    root = expression.outputs[0]
    if type(root) is Call:
        output_key = made[id(root)][0]
    elif type(root) is Name and root.id in variables:
        output_key = variables[root.id]
    else:
        output_key = None
    return Graph(title, nodes, edges, output_key, False)


def computation_graph(expression: Expression | str, point: Mapping[str, float] | None = None,
                      share: bool = True) -> Graph:
    """The graph of a one-output expression; with a ``point``, values, adjoints and edge partials.

    ``share=False`` draws every occurrence of a repeated subexpression apart
    (the literal evaluation order of the text).
    """
    if isinstance(expression, str):
        expression = compile_expression(expression, variables=tuple(point) if point else None, share=share)
    if len(expression.outputs) != 1:
        raise ValueError("a computation graph takes one expression (no `;`)")
    if point is None:
        return from_expression(expression, f"f = {to_string(expression.outputs[0])}")
    values = [point[name] for name in expression.variables]
    trace = evaluation_trace(expression, values, expression.variables)
    where = ", ".join(f"{name}={float(point[name])!r}" for name in expression.variables)
    return from_trace(trace, f"f = {to_string(expression.outputs[0])} at {where}")


# --- DOT -------------------------------------------------------------------------------

def _node_label(node: GraphNode, graph: Graph, decimals: int) -> str:
    if node.kind == "constant":
        return node.text
    lines = [f"{node.name} = {node.text}"]
    if graph.at_point:
        lines.append(f"value {notation.short(node.value, decimals)}")
        lines.append(f"adjoint {notation.short(node.adjoint, decimals)}")
    return "\n".join(lines)


def edge_label(edge: GraphEdge, graph: Graph, decimals: int) -> str | None:
    """``∂v₄/∂v₁ = 0.5`` for an edge with a local partial, else None."""
    if edge.partial is None:
        return None
    target, source = graph.by_key[edge.target].name, graph.by_key[edge.source].name
    return f"∂{target}/∂{source} = {notation.short(edge.partial, decimals)}"


_SHAPES = {"input": "ellipse", "op": "box", "constant": "plaintext"}


def to_dot(graph: Graph, decimals: int = 3) -> str:
    """Graphviz source: data flows left to right, the output has a double border."""
    q = notation.dot_quote
    lines = ["digraph computation {", "  rankdir=LR;", f"  label={q(graph.title)};", "  labelloc=t;",
             '  graph [fontname="Helvetica"];', '  node [fontname="Helvetica"];',
             '  edge [fontname="Helvetica", fontsize=10];']
    for node in graph.nodes:
        attributes = [f"label={q(_node_label(node, graph, decimals))}", f"shape={_SHAPES[node.kind]}"]
        if node.key == graph.output:
            attributes.append("peripheries=2")
        lines.append(f"  {node.key} [{', '.join(attributes)}];")
    for edge in graph.edges:
        label = edge_label(edge, graph, decimals)
        attributes = [f"label={q(label)}"] if label is not None else []
        if graph.by_key[edge.source].kind == "constant":
            attributes.append("style=dashed")
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"  {edge.source} -> {edge.target}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"
