"""``dualdiff graph``: the computation graph, as Graphviz DOT, SVG or a tree in the terminal.

The graph itself (nodes, edges with local partials, DOT) is the library's
:mod:`dualdiff.graph`; equal subexpressions are one node with several
outgoing edges unless ``--no-share``. ``--format svg`` asks Graphviz ``dot``
to draw it and needs ``dot`` on the PATH.
"""

from __future__ import annotations

import shutil
from typing import Any, Sequence

from rich.console import RenderableType
from rich.text import Text
from rich.tree import Tree

from dualdiff import notation
from dualdiff.graph import Graph, GraphEdge, GraphNode, computation_graph, edge_label

from .. import output
from ..arguments import Parsed, parse_optional_point
from ..diagnose import require_finite
from ..errors import UsageProblem
from ..output import finite_or_none
from ..tracing import check_decimals


def parsed_graph(arguments: Sequence[str], share: bool = True) -> tuple[Parsed, Graph]:
    parsed = parse_optional_point(arguments, command="graph", share=share)
    problem = parsed.problem
    result = computation_graph(parsed.expression, problem.point if problem is not None else None)
    if problem is not None:  # as trace: an adjoint of a variable (∂f/∂x) that is not finite is exit 1
        adjoints = {n.text: n.adjoint for n in result.nodes if n.kind == "input" and n.adjoint is not None}
        require_finite(problem, [(f"∂f/∂{name}", float(adjoints[name]), {name: 1.0})
                                 for name in problem.variables if name in adjoints])
    return parsed, result


def graph(arguments: Sequence[str], share: bool = True) -> Graph:
    return parsed_graph(arguments, share)[1]


# --- terminal tree --------------------------------------------------------------------

def _tree_label(node: GraphNode, edge: GraphEdge | None, graph: Graph, decimals: int, seen: bool) -> Text:
    if node.kind == "constant":
        text = Text(f"{node.text}  (constant)")
    else:
        text = Text(f"{node.name} = {node.text}")
        if graph.at_point and not seen:
            text.append(f"   value {notation.short(node.value, decimals)}"
                        f"   adjoint {notation.short(node.adjoint, decimals)}")
        uses = len(graph.uses_of(node.key))
        if not seen and uses > 1:
            text.append(f"   (used {uses} times)")
        if seen:
            text.append("   (shown above)")
    label = edge_label(edge, graph, decimals) if edge is not None else None
    if label is not None:  # written without spaces, so a narrow terminal never splits it
        text.append(f"   [{label.replace(' = ', '=')}]", style="dim")
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


def to_json(graph: Graph) -> dict[str, Any]:
    return {
        "title": graph.title, "at_point": graph.at_point,
        "nodes": [{"key": n.key, "name": n.name, "text": n.text, "kind": n.kind,
                   "value": finite_or_none(n.value), "adjoint": finite_or_none(n.adjoint)} for n in graph.nodes],
        "edges": [{"source": e.source, "target": e.target, "partial": finite_or_none(e.partial)}
                  for e in graph.edges],
        "output": graph.output,
    }


def main(arguments: Sequence[str], fmt: str, decimals: int, share: bool, as_json: bool) -> None:
    check_decimals(decimals)
    if fmt == "svg" and shutil.which("dot") is None:
        raise UsageProblem("--format svg needs Graphviz `dot` on the PATH; --format dot prints its source")
    parsed, result = parsed_graph(arguments, share)
    problem = parsed.problem
    if as_json:
        body = {"expression": parsed.text, "point": dict(problem.point) if problem is not None else None,
                "shared": parsed.expression.shared, **to_json(result)}
        output.emit_json("graph", body)
    elif fmt == "dot":
        output.write_text(result.to_dot(decimals))
    elif fmt == "svg":
        svg = result.to_svg(decimals)
        if svg is None:
            raise UsageProblem("Graphviz `dot` could not draw the graph; --format dot prints its source")
        output.write_text(svg)
    else:
        output.emit(to_tree(result, decimals))
