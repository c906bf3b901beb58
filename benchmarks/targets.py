"""The goals of issues #9 and #15, in one place: ratios to the primal of the same run, absolute
figures, or a time relative to another variant of the same run ("within 1.05× of hand-written").

A goal holds only at the size the issue names (``size`` below); at other
sizes the row shows no target rather than a misleading verdict.
"""

from __future__ import annotations

from typing import Any

from .rows import Target

_ANY = object()
MLP_FULL = (256, (784, 256, 10))


def within(factor: float, versus: str, name: str) -> Target:
    """At most ``factor`` times the time of the variant ``versus`` ("library · variant")."""
    return Target(f"≤ {factor:g}× {name}", factor, "<=", "relative", versus)


# (scenario, library, variant, size) -> Target; size _ANY applies at every size.
TARGETS: dict[tuple[str, str, str, Any], Target] = {
    ("quiz", "dualdiff", "jvp ×2", _ANY): Target("≤ 15×", 15.0),
    ("quiz", "dualdiff", "value_and_grad", _ANY): Target("≤ 25×", 25.0),
    ("elementwise", "dualdiff", "jvp", 1_000): Target("≤ 3.0×", 3.0),
    ("elementwise", "dualdiff", "grad", 1_000): Target("≤ 3.3×", 3.3),
    ("elementwise", "dualdiff", "jvp", 100_000): Target("≤ 3.2×", 3.2),
    ("elementwise", "dualdiff", "grad", 100_000): Target("≤ 3.2×", 3.2),
    ("mlp", "dualdiff", "grad", MLP_FULL): Target("≤ 2.2×", 2.2),
    ("jacobian", "dualdiff", "jacfwd (batched)", 200): Target("≤ 50×", 50.0),
    ("jacobian", "dualdiff", "n separate jvps", 200): Target(
        "≥ 20× jacfwd", 20.0, ">=", "relative", "dualdiff · jacfwd (batched)"),
    # issue #15: compiled derivatives (dd.jit) and one batched reverse sweep per Jacobian
    ("quiz", "dualdiff", "jit(jvp)", _ANY): Target("≤ 3×", 3.0),
    ("quiz", "dualdiff", "jit(value_and_grad)", _ANY): Target("≤ 3×", 3.0),
    ("quiz", "dualdiff", "first call, jit(value_and_grad)", _ANY): Target(
        "≤ 5 ms", 5.0, "<=", "metric"),
    ("elementwise", "dualdiff", "jit(grad)", 1_000): Target("≤ 1.3×", 1.3),
    ("elementwise", "dualdiff", "jit(grad)", 100_000): within(
        1.05, "numpy · hand-written gradient", "hand-written"),
    ("mlp", "dualdiff", "jit(grad)", MLP_FULL): within(
        1.05, "numpy · hand-written backprop", "hand-written"),
    ("mlp", "dualdiff", "first call, jit(grad)", MLP_FULL): Target("≤ 50 ms", 50.0, "<=", "metric"),
    ("jacobian", "dualdiff", "jacrev", 200): Target("≤ 60×", 60.0),
    ("jacobian", "dualdiff", "jit(jacfwd)", 200): Target("≤ 15×", 15.0),
    ("chain", "dualdiff", "reverse", _ANY): Target("≤ 0.6 µs/node", 0.6, "<=", "metric"),
    ("chain", "dualdiff", "peak memory", _ANY): Target("≤ 160 B/node", 160.0, "<=", "metric"),
    ("import", "dualdiff", "import dualdiff", _ANY): Target("≤ numpy + 15 ms", 15.0, "<=", "metric"),
    ("cli", "dualdiff", "dualdiff --help", _ANY): Target("≤ 150 ms", 150.0, "<=", "metric"),
    ("cli", "dualdiff", "dualdiff compare (cold)", _ANY): Target("≤ 300 ms", 300.0, "<=", "metric"),
}


def target_for(scenario: str, library: str, variant: str, size: Any = None) -> Target | None:
    """The goal for this row at this size, if the issue sets one."""
    return TARGETS.get((scenario, library, variant, size)) or TARGETS.get(
        (scenario, library, variant, _ANY))
