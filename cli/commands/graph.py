"""``dualdiff graph``: the computation graph, as Graphviz DOT or as a tree in the terminal.

Without a point the graph is the parsed expression's structure: one node per
variable, per constant and per call. With a point it is the recorded
evaluation (:func:`dualdiff.trace.evaluation_trace`): each node carries its
value and adjoint, and each edge the local partial derivative of its target
with respect to its source, read from the primitive table
(``REGISTRY[op].partials[i](out, *args)`` on floats). These edge labels are
what the backward sweep multiplies along every path; tangent ratios would
not be (they mix every path into one number).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Sequence

from rich.console import RenderableType
from rich.text import Text
from rich.tree import Tree

from dualdiff import REGISTRY, expr
from dualdiff.expr import CONSTANTS, Call, Name
from dualdiff.trace import TraceRow, evaluation_trace, variable_name

from .. import notation, output
from ..arguments import format_point
from ..teaching_args import parse_optional_point
from .trace import check_decimals, output_row


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


# --- building the graph --------------------------------------------------------------

def local_partial(op: str, position: int, out: float, args: Sequence[float]) -> float | None:
    """∂op/∂(argument ``position``) at ``args``, from the table's rule; None if it has no rule."""
    primitive = REGISTRY.get(op)
    partials = getattr(primitive, "partials", None)
    if not partials or position >= len(partials):
        return None
    try:
        return float(partials[position](out, *args))
    except (ArithmeticError, ValueError, TypeError):
        return None


def from_trace(rows: Sequence[TraceRow], out: TraceRow | None, title: str) -> Graph:
    """The recorded evaluation: nodes with values and adjoints, edges with local partials."""
    keys = {row.name: f"n{row.id}" for row in rows}
    values = {row.name: row.value for row in rows}
    nodes, edges = [], []
    for row in rows:
        kind = "input" if row.op == "input" else "op"
        nodes.append(GraphNode(keys[row.name], row.name, notation.operation(row.op, row.inputs), kind,
                               row.value, row.adjoint))
        if kind == "input":
            continue
        args = [values[i] if isinstance(i, str) else float(i) for i in row.inputs]
        for position, item in enumerate(row.inputs):
            if isinstance(item, str):
                partial = local_partial(row.op, position, row.value, args)
                edges.append(GraphEdge(keys[item], keys[row.name], partial))
            else:
                key = f"c{row.id}_{position}"
                nodes.append(GraphNode(key, "", notation.constant(float(item)), "constant", float(item)))
                edges.append(GraphEdge(key, keys[row.name]))
    return Graph(title, nodes, edges, keys[out.name] if out is not None else None, True)


def from_expression(expression: expr.Expression, title: str) -> Graph:
    """The structure alone: variables first (``v₋ₙ₊₁ … v₀``), then every call in evaluation order."""
    n = len(expression.variables)
    variables = {name: f"n{i}" for i, name in enumerate(expression.variables)}
    nodes = [GraphNode(key, variable_name(i, n), name, "input") for i, (name, key) in enumerate(variables.items())]
    edges = []
    made: dict[int, tuple[str, str]] = {}  # id(call node) -> (key, v-name)
    count = n
    for node in expr.postorder(expression.outputs[0]):
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


def graph(arguments: Sequence[str]) -> Graph:
    parsed = parse_optional_point(arguments, command="graph")
    problem = parsed.problem
    if problem is None:
        return from_expression(parsed.expression, f"f = {expr.to_string(parsed.expression.outputs[0])}")
    trace = evaluation_trace(problem.expression, problem.values, problem.variables)
    title = f"f = {problem.output_texts[0]} at {format_point(problem.point)}"
    return from_trace(trace.rows, output_row(trace), title)


# --- DOT ---------------------------------------------------------------------------

def _node_label(node: GraphNode, graph: Graph, decimals: int) -> str:
    if node.kind == "constant":
        return node.text
    lines = [f"{node.name} = {node.text}"]
    if graph.at_point:
        lines.append(f"value {notation.short(node.value, decimals)}")
        lines.append(f"adjoint {notation.short(node.adjoint, decimals)}")
    return "\n".join(lines)


def _edge_label(edge: GraphEdge, graph: Graph, decimals: int) -> str | None:
    if edge.partial is None:
        return None
    target, source = graph.by_key[edge.target].name, graph.by_key[edge.source].name
    return f"∂{target}/∂{source} = {notation.short(edge.partial, decimals)}"


_SHAPES = {"input": "ellipse", "op": "box", "constant": "plaintext"}


def to_dot(graph: Graph, decimals: int = 3) -> str:
    """Graphviz source: data flows left to right, the output has a double border."""
    q = notation.dot_quote
    lines = ["digraph computation {", "  rankdir=LR;", f"  label={q(graph.title)};", "  labelloc=t;",
             '  graph [fontname="Helvetica"];', '  node [fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];']
    for node in graph.nodes:
        attributes = [f"label={q(_node_label(node, graph, decimals))}", f"shape={_SHAPES[node.kind]}"]
        if node.key == graph.output:
            attributes.append("peripheries=2")
        lines.append(f"  {node.key} [{', '.join(attributes)}];")
    for edge in graph.edges:
        label = _edge_label(edge, graph, decimals)
        attributes = [f"label={q(label)}"] if label is not None else []
        if graph.by_key[edge.source].kind == "constant":
            attributes.append("style=dashed")
        suffix = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"  {edge.source} -> {edge.target}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- terminal tree --------------------------------------------------------------------

def _tree_label(node: GraphNode, edge: GraphEdge | None, graph: Graph, decimals: int, seen: bool) -> Text:
    if node.kind == "constant":
        text = Text(f"{node.text}  (constant)")
    else:
        text = Text(f"{node.name} = {node.text}")
        if graph.at_point and not seen:
            text.append(f"   value {notation.short(node.value, decimals)}"
                        f"   adjoint {notation.short(node.adjoint, decimals)}")
        if seen:
            text.append("   (shown above)")
    label = _edge_label(edge, graph, decimals) if edge is not None else None
    if label is not None:
        text.append(f"   [{label}]", style="dim")
    return text


def to_tree(graph: Graph, decimals: int = 3) -> RenderableType:
    """The graph from the output down; a node used twice is expanded the first time only."""
    if graph.output is None:
        return Text(f"{graph.title}: the output is a constant; it does not depend on the variables")
    root = Tree(Text(graph.title))
    expanded: set[str] = set()
    stack: list[tuple[Tree, str, GraphEdge | None]] = [(root, graph.output, None)]
    while stack:
        parent, key, edge = stack.pop()
        node = graph.by_key[key]
        seen = key in expanded and node.kind != "constant"
        branch = parent.add(_tree_label(node, edge, graph, decimals, seen))
        if seen:
            continue
        expanded.add(key)
        stack.extend((branch, e.source, e) for e in reversed(graph.inputs_of(key)))
    return root


def main(arguments: Sequence[str], fmt: str, decimals: int) -> None:
    check_decimals(decimals)
    result = graph(arguments)
    if fmt == "dot":
        sys.stdout.write(to_dot(result, decimals))
    else:
        output.emit(to_tree(result, decimals))

