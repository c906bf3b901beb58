"""Tests of the safe expression language (dualdiff.expr).

Numbers are checked against independent references (the 40-digit mpmath value
of the lecture's Quiz #1, hand-computed values), errors by their type,
message and column, and safety by a canary: a hostile input must be rejected
with an ExpressionError subclass and must never run anything.
"""

from __future__ import annotations

import ast
import math
import pathlib
import pickle
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dualdiff import expr
from dualdiff.errors import (
    DisallowedSyntaxError,
    DomainError,
    ExpressionError,
    ExpressionSyntaxError,
    InvalidAssignmentError,
    MissingVariableError,
    UnknownFunctionError,
    UnknownVariableError,
)
from dualdiff.expr import Call, Name, Num, compile, parse, to_string
from dualdiff.expr.parser import _arity
from dualdiff.primitives import expression_functions

QUIZ = "exp(x*z) + x*z/log(x) + sin(log(x))/(x*z)"
QUIZ_VALUE = 412.1914572841211755  # Quiz #1, mpmath to 40 digits

# A namespace of plain numpy functions: the language must work with any injected table.
NUMPY_FUNCTIONS = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide, "pow": np.power,
    "neg": np.negative, "exp": np.exp, "log": np.log, "sin": np.sin, "cos": np.cos,
    "sqrt": np.sqrt, "maximum": np.maximum, "arctan2": np.arctan2,
}


def rel_err(a: float, b: float) -> float:
    return abs(a - b) / abs(b)


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------


def test_quiz_value_with_the_primitive_table():
    f = compile(QUIZ)
    assert f.variables == ("x", "z")
    assert rel_err(f(2.0, 3.0), QUIZ_VALUE) < 1e-13
    assert rel_err(f.evaluate({"x": 2.0, "z": 3.0}), QUIZ_VALUE) < 1e-13
    assert rel_err(f.evaluate({"z": 3.0, "x": 2.0}, check_domain=True), QUIZ_VALUE) < 1e-13


def test_quiz_value_with_an_injected_numpy_namespace():
    f = compile(QUIZ, functions=NUMPY_FUNCTIONS)
    assert rel_err(float(f(2.0, 3.0)), QUIZ_VALUE) < 1e-13


def test_quiz_on_arrays():
    f = compile(QUIZ)
    x = np.array([2.0, 3.0])
    z = np.array([3.0, 0.5])
    expected = np.exp(x * z) + x * z / np.log(x) + np.sin(np.log(x)) / (x * z)
    np.testing.assert_allclose(f(x, z), expected, rtol=1e-15)


@pytest.mark.parametrize("text, point, expected", [
    ("x^2+1", {"x": 3.0}, 10.0),
    ("x^2 + 1", {"x": 3}, 10.0),           # ints are fine as values
    ("-x**2", {"x": 3.0}, -9.0),
    ("-x^2", {"x": 3.0}, -9.0),
    ("(-x)^2", {"x": 3.0}, 9.0),
    ("2^3^2", {}, 512.0),
    ("(2^3)^2", {}, 64.0),
    ("2**-1", {}, 0.5),
    ("x^-2", {"x": 2.0}, 0.25),
    ("+x", {"x": 4.0}, 4.0),
    ("--x", {"x": 4.0}, 4.0),
    ("8 - 3 - 2", {}, 3.0),
    ("8 / 4 / 2", {}, 1.0),
    ("2 * 3 + 4 * 5", {}, 26.0),
    ("1e-3 * 1000", {}, 1.0),
    ("pi", {}, math.pi),
    ("e", {}, math.e),
    ("log(e)", {}, 1.0),
    ("sin(pi/6)", {}, 0.5),
    ("maximum(x, y)", {"x": 1.0, "y": -2.0}, 1.0),
    ("arctan2(1, 1) * 4", {}, math.pi),
    ("x\n + 1", {"x": 1.0}, 2.0),           # pasted multi-line text
    ("\tx*2", {"x": 1.5}, 3.0),
    ("0x10", {}, 16.0),
    ("1_000", {}, 1000.0),
])
def test_values(text, point, expected):
    value = compile(text).evaluate(point)
    assert value == pytest.approx(expected, rel=1e-15)


def test_operators_use_the_namespace_so_division_by_zero_is_numpy_like():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert compile("1/x")(0.0) == math.inf
        assert math.isnan(compile("log(x)")(-1.0))
        assert compile("1/x", functions=NUMPY_FUNCTIONS)(0.0) == math.inf


def test_operator_names_are_looked_up_in_the_namespace():
    calls = []

    def add(a, b):
        calls.append((a, b))
        return a + b

    f = compile("x + 1", functions={"add": add})
    assert f(2.0) == 3.0
    assert calls == [(2.0, 1.0)]
    with pytest.raises(UnknownFunctionError, match="unknown function `mul`"):
        compile("x * 2", functions={"add": add})


def test_several_outputs():
    f = compile("x*y; x+y")
    assert len(f.outputs) == 2
    assert f(2.0, 3.0) == (6.0, 5.0)
    assert f.evaluate({"x": 2.0, "y": 3.0}) == (6.0, 5.0)
    assert compile("x*y; x+y;")(2.0, 3.0) == (6.0, 5.0)     # one trailing `;` is ignored
    assert compile("x; 2*y").variables == ("x", "y")


def test_constant_expression_has_no_variables():
    f = compile("pi / 4")
    assert f.variables == ()
    assert f() == pytest.approx(math.pi / 4, rel=1e-16)


def test_numbers_are_floats():
    (node,) = parse("2")
    assert node == Num(2.0) and type(node.value) is float


def test_expression_works_with_derivatives():
    import dualdiff.api as api

    f = compile(QUIZ)
    dx, dz = api.grad(f, argnums=(0, 1))(2.0, 3.0)
    assert rel_err(dx, 1208.381215126609629) < 1e-13
    assert rel_err(dz, 809.7074792185640812) < 1e-13
    value, tangent = api.jvp(lambda x, z: f.evaluate({"x": x, "z": z}, check_domain=True),
                             (2.0, 3.0), (1.0, 0.0))
    assert rel_err(value, QUIZ_VALUE) < 1e-13
    assert rel_err(tangent, 1208.381215126609629) < 1e-13


# ---------------------------------------------------------------------------
# Variables
# ---------------------------------------------------------------------------


def test_variables_in_order_of_first_appearance():
    assert compile("y*x + z - x; w").variables == ("y", "x", "z", "w")
    assert compile("sin(b) + a").variables == ("b", "a")


def test_explicit_variables_fix_the_order_and_may_be_unused():
    f = compile("x - y", variables=("y", "x", "unused"))
    assert f.variables == ("y", "x", "unused")
    assert f(1.0, 5.0, 123.0) == 4.0


def test_explicit_variables_must_cover_the_expression():
    message = r"uses `y`, which is not one of the variables \(x\)"
    with pytest.raises(UnknownVariableError, match=message) as info:
        compile("x + y", variables=["x"])
    assert info.value.column == 4


@pytest.mark.parametrize("variables, message", [
    (["x", "x"], "listed twice"),
    (["pi"], "constant"),
    (["sin"], "is a function"),
    (["2x"], "not a valid variable name"),
    (["lambda"], "not a valid variable name"),
    (["__x"], "`__`"),
])
def test_bad_explicit_variables(variables, message):
    with pytest.raises(ExpressionError, match=message):
        compile("1", variables=variables)


def test_variables_must_not_be_a_plain_string():
    with pytest.raises(TypeError):
        compile("x", variables="x")


def test_missing_and_unknown_variable_messages():
    f = compile("x*z")
    with pytest.raises(MissingVariableError, match=r"^variable `z` has no value; pass z=VALUE$"):
        f.evaluate({"x": 1.0})
    message = r"^`w` is not a variable of the expression \(variables: x, z\)$"
    with pytest.raises(UnknownVariableError, match=message):
        f.evaluate({"x": 1.0, "z": 2.0, "w": 3.0})


def test_call_with_the_wrong_number_of_values():
    f = compile("x*z")
    with pytest.raises(TypeError, match="takes 2 arguments but 1 was given"):
        f(1.0)


def test_function_names_and_constants_are_not_variables():
    with pytest.raises(DisallowedSyntaxError, match="`sin` is a function") as info:
        compile("x + sin")
    assert info.value.column == 4
    with pytest.raises(UnknownFunctionError, match="`pi` is a constant, not a function"):
        compile("pi(2)")


# ---------------------------------------------------------------------------
# Errors: type, message, column, caret
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, error, column, message", [
    ("x^2 + sinn(x)", UnknownFunctionError, 6, "unknown function `sinn`; did you mean `sin`?"),
    ("qqqq(x)", UnknownFunctionError, 0, "unknown function `qqqq`"),
    ("x + y.real", DisallowedSyntaxError, 5, "attribute access `.real` is not allowed"),
    ("exp(x) // 2", DisallowedSyntaxError, 7, "`//` (floor division) is not allowed"),
    ("(x) % 2", DisallowedSyntaxError, 4, "`%` (modulo) is not allowed"),
    ("x @ x", DisallowedSyntaxError, 2, "`@` (matrix product) is not allowed"),
    ("x < 1", DisallowedSyntaxError, 2, "comparisons (`<`) are not allowed"),
    ("x or y", DisallowedSyntaxError, 2, "`or` is not allowed"),
    ("1 + (lambda: 1)()", DisallowedSyntaxError, 5, "lambda is not allowed"),
    ("exp(x=1)", DisallowedSyntaxError, 4, "keyword arguments (`x=...`) are not allowed"),
    ("exp(*y)", DisallowedSyntaxError, 4, "starred arguments (`*`) are not allowed"),
    ("x, y", DisallowedSyntaxError, 0, "tuples are not allowed; separate several outputs with `;`"),
    ("__class__", DisallowedSyntaxError, 0, "`__class__` is not allowed"),
    ("2 * 'a'", DisallowedSyntaxError, 4, "strings are not allowed"),
    ("1 + f'{x}'", DisallowedSyntaxError, 4, "f-strings are not allowed"),
    ("x # note", DisallowedSyntaxError, 2, "comments (`#`) are not allowed"),
    ("1j + x", DisallowedSyntaxError, 0, "complex numbers (`1j`) are not allowed"),
    ("x + None", DisallowedSyntaxError, 4, "`None` is not allowed"),
    ("sin(x, x)", ExpressionError, 0, "`sin` takes 1 argument but 2 were given"),
    ("maximum(x)", ExpressionError, 0, "`maximum` takes 2 arguments but 1 was given"),
    ("2(3)", DisallowedSyntaxError, 1, "only functions can be called"),
    ("sin(x", ExpressionSyntaxError, 3, "`(` was never closed"),
    ("x)", ExpressionSyntaxError, 1, "unmatched `)`"),
    ("(x]", ExpressionSyntaxError, 2, "closing `]` does not match opening `(`"),
    ("x +", ExpressionSyntaxError, 3, "the expression ends too early"),
    ("x*y; x +", ExpressionSyntaxError, 8, "the expression ends too early"),
    ("a; b.c", DisallowedSyntaxError, 4, "attribute access `.c` is not allowed"),
    ("x y", ExpressionSyntaxError, 2, "missing operator between `x` and `y`: write `x*y`"),
    ("sin(x y)", ExpressionSyntaxError, 4, "missing operator between `x` and `y`: write `x*y`"),
    ("2x + 1", ExpressionSyntaxError, 0, "a number followed by a name: write `2*x`"),
    ("sin x", ExpressionSyntaxError, 4, "a function needs parentheses: write `sin(x)`"),
    ("x ^^ 2", ExpressionSyntaxError, 3, "invalid syntax"),
    ("x + 1 = 2", ExpressionSyntaxError, 6, "`=` is not allowed in an expression"),
    ("1e999 * x", ExpressionSyntaxError, 0, "number `1e999` is too large"),
    ("x;;y", ExpressionSyntaxError, 2, "empty output before `;`"),
    (";x", ExpressionSyntaxError, 0, "empty output before `;`"),
    ("", ExpressionSyntaxError, 0, "empty expression"),
    (" \t ", ExpressionSyntaxError, 0, "empty expression"),
    (";", ExpressionSyntaxError, 0, "empty expression"),
    ("x $ y", ExpressionSyntaxError, 2, "invalid character `$`"),
    ("x\0", ExpressionSyntaxError, 1, "invalid control character U+0000"),
    ("x \u2212 1", ExpressionSyntaxError, 2, "invalid character `\u2212` (U+2212)"),
    ("\uff58 + 1", DisallowedSyntaxError, 0,
     "non-ASCII character `\uff58` (U+FF58) is not allowed"),
])
def test_error_type_message_and_column(text, error, column, message):
    with pytest.raises(ExpressionError) as info:
        compile(text)
    err = info.value
    assert type(err) is error
    assert message in err.message
    assert err.text == text
    assert err.column == column


def test_caret_points_into_the_original_text_after_caret_power():
    with pytest.raises(UnknownFunctionError) as info:
        compile("x^2 + sinn(x)")
    assert info.value.caret() == "x^2 + sinn(x)\n      ^"


def test_caret_of_a_syntax_error_in_the_second_output():
    with pytest.raises(ExpressionSyntaxError) as info:
        compile("x^2; (x^2 + )")
    assert info.value.caret() == "x^2; (x^2 + )\n            ^"


def test_too_long_and_too_deep():
    with pytest.raises(ExpressionSyntaxError, match="too long") as info:
        compile("x" * (expr.MAX_LENGTH + 1))
    assert info.value.column == expr.MAX_LENGTH
    compile("(" * expr.MAX_BRACKET_DEPTH + "x" + ")" * expr.MAX_BRACKET_DEPTH)
    with pytest.raises(ExpressionSyntaxError, match="nested too deeply") as info:
        compile("(" * (expr.MAX_BRACKET_DEPTH + 1) + "x" + ")" * (expr.MAX_BRACKET_DEPTH + 1))
    assert info.value.column == expr.MAX_BRACKET_DEPTH
    with pytest.raises(ExpressionSyntaxError, match="nested too deeply"):
        compile("1+" * expr.MAX_DEPTH + "1")
    with pytest.raises(ExpressionSyntaxError, match="nested too deeply"):
        compile("-" * 9000 + "x")


def test_not_a_string():
    with pytest.raises(TypeError):
        compile(b"x")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Safety: hostile inputs never run and always give the documented error
# ---------------------------------------------------------------------------


def hostile_inputs(canary: pathlib.Path) -> list[tuple[str, type]]:
    touch = f"__import__('os').system('touch {canary}')"
    return [
        (touch, DisallowedSyntaxError),
        ("__import__(os).system(touch)", DisallowedSyntaxError),
        ("().__class__.__bases__[0].__subclasses__()", DisallowedSyntaxError),
        ("x.__class__", DisallowedSyntaxError),
        ("__builtins__", DisallowedSyntaxError),
        ("__import__", DisallowedSyntaxError),
        ("(lambda: 1)()", DisallowedSyntaxError),
        ("lambda: 0", DisallowedSyntaxError),
        ("[x for x in ()]", DisallowedSyntaxError),
        ("(x for x in y)", DisallowedSyntaxError),
        ("open('f')", DisallowedSyntaxError),
        ("x.real", DisallowedSyntaxError),
        ('"a"', DisallowedSyntaxError),
        ("b'a'", DisallowedSyntaxError),
        ('f"{x}"', DisallowedSyntaxError),
        ("x if x else 1", DisallowedSyntaxError),
        ("x < 1", DisallowedSyntaxError),
        ("x == 1", DisallowedSyntaxError),
        ("x @ x", DisallowedSyntaxError),
        ("x // 2", DisallowedSyntaxError),
        ("x % 2", DisallowedSyntaxError),
        ("x | 1", DisallowedSyntaxError),
        ("x & 1", DisallowedSyntaxError),
        ("x << 1", DisallowedSyntaxError),
        ("~x", DisallowedSyntaxError),
        ("not x", DisallowedSyntaxError),
        ("x and y", DisallowedSyntaxError),
        ("(x := 3)", DisallowedSyntaxError),
        ("exp(*[1])", DisallowedSyntaxError),
        ("exp(x=1)", DisallowedSyntaxError),
        ("exp(**d)", DisallowedSyntaxError),
        ("exp(^d)", DisallowedSyntaxError),      # `^` -> `**`: still a keyword splat
        ("1j", DisallowedSyntaxError),
        ("True", DisallowedSyntaxError),
        ("None", DisallowedSyntaxError),
        ("...", DisallowedSyntaxError),
        ("'\\0'", DisallowedSyntaxError),
        ("x[0]", DisallowedSyntaxError),
        ("[1, 2]", DisallowedSyntaxError),
        ("{1: 2}", DisallowedSyntaxError),
        ("{x}", DisallowedSyntaxError),
        ("x, y", DisallowedSyntaxError),
        ("await x", DisallowedSyntaxError),
        ("(yield x)", DisallowedSyntaxError),
        ("x # comment", DisallowedSyntaxError),
        ("sin + 1", DisallowedSyntaxError),
        ("(x+1)(2)", DisallowedSyntaxError),
        ("\uff58 + 1", DisallowedSyntaxError),    # fullwidth x: NFKC would make it `x`
        ("\u0445 + 1", DisallowedSyntaxError),    # Cyrillic ha, looks like x
        ("\U0001d465 + 1", DisallowedSyntaxError),  # mathematical italic x
        ("x\u200b+1", ExpressionSyntaxError),     # zero-width space
        ("x \u2212 1", ExpressionSyntaxError),    # minus sign
        ("x\u00a0+ 1", ExpressionSyntaxError),    # no-break space
        ("x\0", ExpressionSyntaxError),
        ("x \\\n+ 1", ExpressionSyntaxError),
        ("x $ 1", ExpressionSyntaxError),
        ("x" * 10_001, ExpressionSyntaxError),
        ("(" * 1000 + "x" + ")" * 1000, ExpressionSyntaxError),
        ("-" * 9999 + "x", ExpressionSyntaxError),
        ("x**" * 3000 + "x", ExpressionSyntaxError),
        ("1+" * 4999 + "1", ExpressionSyntaxError),
        ("9" * 5000, ExpressionSyntaxError),
        ("sin(", ExpressionSyntaxError),
        (")", ExpressionSyntaxError),
        ("x +", ExpressionSyntaxError),
        ("1e999999", ExpressionSyntaxError),
        ("", ExpressionSyntaxError),
        ("x;;", ExpressionSyntaxError),
        ("eval(x)", UnknownFunctionError),
        ("exec(x)", UnknownFunctionError),
        ("globals()", UnknownFunctionError),
        ("getattr(x, y)", UnknownFunctionError),
        ("open(f)", UnknownFunctionError),
        ("sin(x, y, z)", ExpressionError),
    ]


def test_hostile_inputs_are_rejected_and_never_run(tmp_path):
    canary = tmp_path / "canary_x"
    cases = hostile_inputs(canary)
    assert len(cases) >= 40
    for text, error in cases:
        try:
            result = compile(text)
        except ExpressionError as err:
            assert type(err) is error, (text, err)
            assert err.message and (err.column is None or 0 <= err.column <= len(text)), text
        else:
            pytest.fail(f"accepted hostile input {text[:60]!r} as {result}")
        # An exception of any other type propagates and fails the test.
    assert not canary.exists()


def test_module_never_evaluates_code():
    """The implementation itself calls no eval/exec/code compile and imports no sympy."""
    package = pathlib.Path(expr.__file__).parent
    sources = [path.read_text() for path in sorted(package.glob("*.py"))]
    assert len(sources) >= 3
    for node in (n for source in sources for n in ast.walk(ast.parse(source))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in {"eval", "exec", "__import__"}, node.func.id
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            assert not any("sympy" in n for n in names)
    assert not any("builtins" in source for source in sources)


# ---------------------------------------------------------------------------
# Checked evaluation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, point, message, operation, arguments", [
    ("log(x)", {"x": -1.0}, "log(-1.0) is not defined (the result is nan)", "log", (-1.0,)),
    ("log(x)", {"x": 0.0}, "log(0.0) is not defined (the result is -inf)", "log", (0.0,)),
    ("1 / x", {"x": 0.0}, "1.0 / 0.0 is not defined (the result is inf)", "div", (1.0, 0.0)),
    ("x ^ 0.5", {"x": -8.0}, "(-8.0) ** 0.5 is not defined (the result is nan)", "pow",
     (-8.0, 0.5)),
    ("2 + sqrt(x - 3)", {"x": 1.0}, "sqrt(-2.0) is not defined (the result is nan)", "sqrt",
     (-2.0,)),
    ("x; log(x)", {"x": -1.0}, "log(-1.0)", "log", (-1.0,)),
])
def test_domain_errors(text, point, message, operation, arguments):
    f = compile(text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # checked evaluation must not leak RuntimeWarnings
        with pytest.raises(DomainError) as info:
            f.evaluate(point, check_domain=True)
    assert message in str(info.value)
    assert info.value.operation == operation
    assert info.value.arguments == arguments


def test_domain_error_names_the_first_failing_operation():
    with pytest.raises(DomainError) as info:
        compile("exp(log(x))").evaluate({"x": -1.0}, check_domain=True)
    assert info.value.operation == "log"


def test_domain_error_on_arrays_names_the_element():
    with pytest.raises(DomainError, match=r"log\(-1.0\) is not defined at index \(2,\)") as info:
        compile("log(x)").evaluate({"x": np.array([1.0, 2.0, -1.0])}, check_domain=True)
    assert info.value.arguments == (-1.0,)


def test_non_finite_inputs_pass_through_a_checked_evaluation():
    assert math.isnan(compile("x + 1").evaluate({"x": math.nan}, check_domain=True))
    assert compile("exp(x)").evaluate({"x": math.inf}, check_domain=True) == math.inf


def test_checked_evaluation_works_with_numpy_namespace():
    with pytest.raises(DomainError, match=r"^log\(-1.0\)"):
        compile("log(x)", functions=NUMPY_FUNCTIONS).evaluate({"x": -1.0}, check_domain=True)


def test_checked_evaluation_of_dual_values_checks_the_primal():
    import dualdiff.api as api

    f = compile("log(x)")
    with pytest.raises(DomainError, match=r"log\(-1.0\)"):
        api.jvp(lambda x: f.evaluate({"x": x}, check_domain=True), (-1.0,), (1.0,))


# ---------------------------------------------------------------------------
# Nodes and printing
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, printed", [
    ("x^2+1", "x ** 2 + 1"),
    ("-x**2", "-x ** 2"),
    ("(-x)**2", "(-x) ** 2"),
    ("x ** -y", "x ** -y"),
    ("a ** b ** c", "a ** b ** c"),
    ("(a ** b) ** c", "(a ** b) ** c"),
    ("a - (b - c)", "a - (b - c)"),
    ("(a - b) - c", "a - b - c"),
    ("a + (b + c)", "a + (b + c)"),
    ("(a + b) * c", "(a + b) * c"),
    ("a / (b * c)", "a / (b * c)"),
    ("a / b * c", "a / b * c"),
    ("-(a + b)", "-(a + b)"),
    ("-(-x)", "-(-x)"),
    ("2 * -x", "2 * -x"),
    ("x - -y", "x - -y"),
    ("+x", "x"),
    ("((x))", "x"),
    ("pi * e", "pi * e"),
    ("1e-3", "0.001"),
    ("0.1 + 1/3", "0.1 + 1 / 3"),
    ("1e300", "1e+300"),
    ("2.5", "2.5"),
    ("maximum(x, -y) ^ 2", "maximum(x, -y) ** 2"),
    ("sin(x)^2 + cos(x)^2", "sin(x) ** 2 + cos(x) ** 2"),
])
def test_to_string(text, printed):
    (node,) = parse(text)
    assert to_string(node) == printed
    assert parse(printed) == (node,)


def test_to_string_of_nodes_not_made_by_the_parser():
    assert to_string(Call("pow", (Num(-2.0), Name("x")))) == "(-2) ** x"
    assert to_string(Call("neg", (Num(-2.0),))) == "-(-2)"
    assert to_string(Call("pow", (Name("x"), Num(-0.5)))) == "x ** -0.5"
    assert to_string(Num(-0.0)) == "-0.0"
    assert to_string(Num(0.1)) == "0.1"
    assert to_string(Num(1 / 3)) == repr(1 / 3)
    assert to_string(Call("add", (Name("x"),))) == "add(x)"      # operator with a wrong arity
    with pytest.raises(ValueError, match="non-finite"):
        to_string(Num(math.inf))
    with pytest.raises(TypeError):
        to_string("x")  # type: ignore[arg-type]


def test_numbers_round_trip_exactly():
    for value in [0.1, 1 / 3, math.pi, 1e-320, 5e-324, 1.7976931348623157e308, 2.0 ** 53 + 2,
                  1e16, 123456.789]:
        (node,) = parse(to_string(Num(value)))
        assert node.value == value


def test_nodes_are_immutable_hashable_and_compared_by_structure():
    a = Call("add", (Name("x"), Num(1)))
    b = Call("add", [Name("x"), Num(1.0)])
    assert a == b and hash(a) == hash(b)
    assert a != Call("add", (Num(1.0), Name("x")))
    assert Num(0.0) != Num(-0.0)
    assert Num(math.nan) == Num(math.nan)
    assert len({a, b}) == 1
    with pytest.raises(AttributeError):
        a.func = "sub"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        Num(1.0).value = 2.0  # type: ignore[misc]
    assert not hasattr(a, "__dict__")
    assert repr(a) == "Call('add', (Name('x'), Num(1.0)))"
    assert repr(Call("neg", (Name("x"),))) == "Call('neg', (Name('x'),))"
    assert pickle.loads(pickle.dumps(a)) == a
    assert str(a) == "x + 1"


@pytest.mark.parametrize("bad", [lambda: Num(True), lambda: Num("1"), lambda: Name("a b"),
                                 lambda: Call("f", (1.0,)), lambda: Call("a.b", ()),
                                 lambda: Name("lambda"), lambda: Call("if", ())])
def test_node_constructors_check_their_arguments(bad):
    with pytest.raises(TypeError):
        bad()


def test_deep_trees_do_not_recurse():
    """Trees deeper than the recursion limit (symbolic derivatives can be) still work."""
    depth = 20_000
    a, b = Name("x"), Name("x")
    for _ in range(depth):
        a = Call("add", (a, Num(1.0)))
        b = Call("add", (b, Num(1.0)))
    assert a == b and hash(a) == hash(b)
    text = to_string(a)
    assert text.startswith("x + 1 + 1") and text.count("+") == depth
    assert repr(a).startswith("Call('add', (Call('add'")
    f = expr.Expression("deep", (a,), ("x",), {"add": lambda p, q: p + q})
    assert f(0.5) == depth + 0.5
    assert len(list(expr.postorder(a))) == 2 * depth + 1


def test_expression_str_and_repr():
    f = compile("x^2;  y+1")
    assert str(f) == "x ** 2; y + 1"
    assert repr(f) == "Expression('x^2;  y+1', variables=('x', 'y'))"
    assert f.text == "x^2;  y+1"


# ---------------------------------------------------------------------------
# Fuzzing
# ---------------------------------------------------------------------------

_TABLE = expression_functions()
_ALPHABET = (list("xyz pi e 0123456789 . + - * / ^ ( ) , ; eE _")  # the language
             + list("[]{}'\"@%<>=!~&|:#\\`$\t\n\0")  # hostile ASCII
             + ["\u00e9", "\uff58", "\u2212", "\u200b"])  # hostile Unicode
_WORDS = ["sin", "exp", "log", "maximum", "arctan2", "clip", "sinn", "lambda", "__import__", "pi",
          "e", "1e999", "1e-3", "**", "if", "else", "not", "for", "in", "and", ".real", "j", "True",
          "None",
          "await", "yield", ":=", "(" * 60, ")" * 60]

random_text = st.lists(st.one_of(st.sampled_from(_ALPHABET), st.sampled_from(_WORDS)),
                       max_size=60).map("".join)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_text)
def test_fuzz_random_text_only_raises_expression_errors(text):
    try:
        f = compile(text)
    except ExpressionError:
        return
    # Whatever was accepted prints back to the same trees and evaluates.
    assert compile("; ".join(to_string(node) for node in f.outputs)).outputs == f.outputs
    try:
        f.evaluate({name: 0.5 for name in f.variables}, check_domain=True)
    except DomainError:
        pass


_NAMES = st.sampled_from(["x", "y", "z", "pi", "e", "t1", "_a"])
_NUMBERS = st.one_of(
    st.integers(0, 10**6).map(str),
    st.floats(0, 1e6, allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["1e-3", "2.5E+3", ".5", "1.", "0", "007.5"]),
)
_SPACE = st.sampled_from(["", " ", "  "])
_UNARY = [name for name, fn in _TABLE.items() if name not in ("neg",) and _arity(fn) == (1, 1)]
_BINARY = [name for name, fn in _TABLE.items() if name not in ("add", "sub", "mul", "div", "pow")
           and _arity(fn) == (2, 2)]


def _grammar(children):
    return st.one_of(
        st.tuples(children, _SPACE, st.sampled_from(["+", "-", "*", "/", "**", "^"]), _SPACE,
                  children).map("".join),
        st.tuples(st.sampled_from(["-", "+"]), children).map(lambda t: "".join(t)),
        children.map(lambda c: f"({c})"),
        st.tuples(st.sampled_from(_UNARY), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(_BINARY), children, children)
        .map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
    )


grammar_text = st.recursive(st.one_of(_NAMES, _NUMBERS), _grammar, max_leaves=25)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(grammar_text, min_size=1, max_size=3))
def test_fuzz_generated_expressions_round_trip(pieces):
    text = "; ".join(pieces)
    f = compile(text)
    printed = "; ".join(to_string(node) for node in f.outputs)
    again = compile(printed)
    assert again.outputs == f.outputs
    assert again.variables == f.variables
    point = {name: 0.75 for name in f.variables}
    try:
        f.evaluate(point, check_domain=True)
    except DomainError as err:
        assert err.operation in _TABLE


def _canonical(node: expr.Node) -> expr.Node:
    """The tree the parser builds for the printed text: negative numbers become neg(number)."""
    built: list = []
    for n in expr.postorder(node):
        if type(n) is Call:
            k = len(built) - len(n.args)
            args = built[k:]
            del built[k:]
            built.append(Call(n.func, args))
        elif type(n) is Num and math.copysign(1.0, n.value) < 0:
            built.append(Call("neg", (Num(-n.value),)))
        else:
            built.append(n)
    return built[0]


_FUNCS = sorted(_TABLE)
node_trees = st.recursive(
    st.one_of(st.floats(allow_nan=False, allow_infinity=False).map(Num), _NAMES.map(Name)),
    lambda children: st.one_of(
        st.tuples(st.sampled_from(["add", "sub", "mul", "div", "pow"]), children, children)
        .map(lambda t: Call(t[0], t[1:])),
        children.map(lambda c: Call("neg", (c,))),
        st.tuples(st.sampled_from(_UNARY), children).map(lambda t: Call(t[0], t[1:])),
        st.tuples(st.sampled_from(_BINARY), children, children).map(lambda t: Call(t[0], t[1:])),
    ),
    max_leaves=25,
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(node_trees)
def test_fuzz_printed_trees_parse_back(tree):
    (parsed,) = parse(to_string(tree))
    assert parsed == _canonical(tree)
