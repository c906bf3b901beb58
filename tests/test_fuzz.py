"""Bulk fuzzing of the expression language and the CLI (issue 10).

Hypothesis (in test_expr.py) shrinks failures; this file pushes volume: 12,000
seeded random texts through ``dualdiff.expr`` and 400 through the real CLI
entry point. Only the documented outcomes are allowed (a parsed expression, an
``ExpressionError`` subclass, a ``DomainError`` at evaluation; exit codes
0/1/2 with one error line and no traceback), and nothing may run: a canary
file must not appear.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dualdiff import expr
from dualdiff.errors import DomainError, ExpressionError
from dualdiff_cli.app import app

CANARY = Path("/tmp/dualdiff_fuzz_canary")
ATTACKS = [
    f"__import__('os').system('touch {CANARY}')",
    f"open('{CANARY}', 'w')",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__",
    "(lambda: 1)()",
    "[c for c in ()]",
    "exec('1')",
    "eval('1')",
    "globals()",
]
PIECES = (list("xyz+-*/^()., ;0123456789eE_[]{}'\"@%<>=!~&|:#\\`$\t")
          + ["sin", "exp", "log", "pi", "maximum(", "arctan2(", "**", "1e999", "1e-300",
             "lambda", "__", "import", "if", "else", "for", "not", "j", "\u2212", "\u00e9",
             "(" * 40, ")" * 40] + ATTACKS)


def random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 25))) for _ in range(count)]


@pytest.fixture(autouse=True)
def no_canary():
    CANARY.unlink(missing_ok=True)
    yield
    assert not CANARY.exists(), "a fuzz input managed to run code"


def test_twelve_thousand_random_texts_only_raise_expression_errors():
    accepted = 0
    for text in random_texts(12_000, seed=20261123):
        try:
            f = expr.compile(text)
        except ExpressionError:
            continue
        accepted += 1
        try:
            f.evaluate({name: 0.5 for name in f.variables}, check_domain=True)
        except DomainError:
            pass
    assert accepted > 100  # the generator also produces valid expressions, not only noise


@pytest.mark.parametrize("attack", ATTACKS)
def test_attacks_are_rejected_before_anything_runs(attack):
    with pytest.raises(ExpressionError):
        expr.compile(attack)


def test_cli_survives_random_input():
    runner = CliRunner()
    commands = ["grad", "compare", "jvp", "jacobian", "derivative", "symbolic", "trace", "graph"]
    rng = random.Random(7)
    for text in random_texts(400, seed=11):
        command = rng.choice(commands)
        args = [command, "--", text, "x=0.5", "y=1.5"]
        if command == "jvp":
            args += ["--tangent", "x=1"]
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
        assert "Traceback" not in result.output + result.stderr, args
        if result.exit_code != 0:
            assert result.stdout == "", args
            assert result.stderr.startswith("error: "), (args, result.stderr)
            assert len(result.stderr.strip().splitlines()) <= 2, (args, result.stderr)
