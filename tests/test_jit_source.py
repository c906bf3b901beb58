"""``dualdiff.jit``: the generated source (readable, compiling as printed, common
subexpressions once, no rule written by hand) and traces too large to compile (their size
linear in the number of operations, an uncompiled run past ``max_nodes``).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import dualdiff as dd
from dualdiff.tracing import Graph, Tracer

from jit_checks import POINTS, compiled_only, quiz


# ---------------------------------------------------------------------------
# Large traces
# ---------------------------------------------------------------------------

def chain(n):
    def f(x):
        for _ in range(n):
            x = dd.sin(x) * 0.5 + x
        return x
    return f


def _trace_size(f, x):
    graph = Graph(max_nodes=10 ** 7)
    out = f(graph.input(x))
    assert type(out) is Tracer
    return len(graph.nodes)


def test_trace_size_is_linear_in_the_number_of_operations():
    """Each op of the chain is a constant number of nodes (3 here: sin, mul, add), and so is
    each op of its derivatives: size(n) = a·n + b exactly, whatever the transformation."""
    assert [_trace_size(chain(n), 0.3) for n in (100, 1000, 10000)] == [301, 3001, 30001]
    for transform, x in ((dd.grad, 0.3), (dd.jacfwd, np.ones(3)), (dd.jacrev, np.ones(2)),
                         (dd.hessian, np.ones(2))):
        sizes = []
        for n in (10, 100, 1000):
            f = chain(n)
            target = (lambda v, f=f: dd.sum(f(v))) if transform is dd.hessian else f
            sizes.append(_trace_size(transform(target), x))
        assert sizes[2] - sizes[1] == 10 * (sizes[1] - sizes[0]) > 0, (transform, sizes)
    f = dd.jit(chain(10000), max_nodes=10 ** 6)  # past the default limit on purpose
    with compiled_only():
        f(0.3)
        assert f(0.7) == chain(10000)(0.7)
    assert f.source(0.1).count("\n") == 3 * 10000 + 2  # def, one line per node, return


def test_a_trace_above_max_nodes_runs_uncompiled_with_a_warning():
    f = dd.jit(dd.grad(chain(50)), max_nodes=100)
    with pytest.warns(RuntimeWarning, match="passed 100 operations"):
        assert f(0.3) == dd.grad(chain(50))(0.3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warned once
        for x in (0.1, 2.0):
            assert f(x) == dd.grad(chain(50))(x)
    assert f.cache_info()[:4] == (0, 0, 0, 3)
    assert f.source(0.3).startswith("# not compiled: TraceError: the trace passed 100")


# ---------------------------------------------------------------------------
# The generated source
# ---------------------------------------------------------------------------

def test_the_quiz_source_is_readable_and_shares_subexpressions():
    vg = dd.jit(dd.value_and_grad(quiz, argnums=(0, 1)))
    source = vg.source(1.5, 0.7)
    lines = source.splitlines()
    assert lines[0] == "def quiz(x0, x1):"
    assert lines[-1].startswith("    return (")
    assert source.count("(x0 * x1)") == 1  # x·z once, shared by the value and both partials
    assert source.count("math.log(x0)") == 1 and source.count("math.exp(") == 1
    assert "math.cos(" in source  # the derivative of sin, from the table's rule
    namespace = {"math": math, "np": np, "_Retrace": AssertionError}
    exec(compile(source, "<quiz>", "exec"), namespace)  # the text compiles as it is
    for x, z in POINTS:
        assert namespace["quiz"](x, z) == vg(x, z)
    jvp_source = dd.jit(lambda x, z: dd.jvp(quiz, (x, z), (1.0, 0.0))).source(1.5, 0.7)
    # a zero tangent folds away: nothing is multiplied by the 0.0 seed of z
    assert "* 0.0" not in jvp_source and "0.0 *" not in jvp_source


def test_array_source_calls_numpy_and_has_no_handwritten_rule():
    g = dd.jit(dd.grad(lambda x: dd.sum(dd.exp(dd.sin(x)) * dd.log1p(x * x))))
    source = g.source(np.linspace(0.0, 1.0, 5))
    assert "np.sin(x0)" in source and "np.exp(" in source and "np.cos(x0)" in source
    # math appears only in the finiteness guard on a reduced float, never in a rule
    rule_lines = [line for line in source.splitlines() if "# guard" not in line]
    assert not any("math." in line for line in rule_lines)
    assert "math.isfinite(" in source
    # log1p's partial 1/(1 + u) comes from its table entry, as a division by (1 + u)
    assert "np.divide(1.0, " in source


def test_no_derivative_rule_is_written_in_the_compiler():
    """The code generator names no table entry but the four it writes as operators (and neg):
    every derivative in the generated code comes from the table's rules, as traced. (The
    tracer names ndarray methods such as ``sum``: it records numpy's own, not a rule.)"""
    import ast
    import importlib
    import pathlib

    rules = set(dd.REGISTRY) - {"add", "sub", "mul", "div", "neg"}
    for name in ("dualdiff.codegen", "dualdiff.compiled"):
        module = importlib.import_module(name)
        tree = ast.parse(pathlib.Path(module.__file__).read_text())
        named = {node.value for node in ast.walk(tree)
                 if isinstance(node, ast.Constant) and isinstance(node.value, str)}
        named |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
                  and isinstance(node.value, ast.Name) and node.value.id in ("dd", "P")}
        assert not named & rules, (module.__name__, named & rules)


def test_a_function_named_like_what_its_code_reads():
    def named(name):
        def f(x):
            return dd.sum(dd.sin(x) * np.array([1.0, 2.0]))
        f.__name__ = name
        return f

    # the generated code calls np.sin, and binds the constant array as _c0
    renamed, constant = dd.jit(named("np")), dd.jit(named("_c0"))
    with compiled_only():
        for x in (np.ones(2), np.zeros(2)):
            assert renamed(x) == constant(x) == np.sin(x[0]) + 2 * np.sin(x[1])
    assert renamed.source(np.ones(2)).startswith("def np_(x0):")
    assert constant.source(np.ones(2)).startswith("def _c0_(x0):")


def test_source_of_an_unseen_signature_traces_it():
    f = dd.jit(lambda x: x * x)
    assert f.source(2.0) == "def compiled(x0):\n    v0 = (x0 * x0)\n    return v0\n"
    assert f.cache_info().traces == 1 and f(3.0) == 9.0 and f.cache_info().hits == 1
