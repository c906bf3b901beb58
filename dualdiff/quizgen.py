"""Generated quizzes: a random expression from the primitive table at a valid random point.

``generate(seed, ops=5, mode="forward")`` draws a function of ``x`` and ``y``
made of ``ops`` operations of the table's elementwise entries, at a point,
and returns its evaluation trace: the worksheet shows the values and leaves
the tangent (forward mode) or adjoint (reverse mode) column for the student;
the key is the same trace filled in by dualdiff.

Validity by construction: the expression is built bottom-up, and an entry is
applied only to operands whose values lie in that entry's own ``domain`` (the
argument ranges the table declares for sampling it), so every operation is
defined, smooth and of moderate size at the point. Constants are drawn from
the same ranges (integers when the range has one).

Reproducible on any machine: one :class:`random.Random` seeded with ``seed``,
read only through ``random()`` (whose Mersenne Twister stream Python
guarantees across platforms and versions), and the entries in sorted order,
so neither hash randomisation nor registration order changes a quiz. A new
entry in the table does change the quizzes of a seed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any, Sequence

from .expr import Expression, compile as compile_expression
from .nodes import Call, Name, Node, Num, to_string
from .primitives import REGISTRY
from .trace import Trace, evaluation_trace

VARIABLES = ("x", "y")
MIN_OPS, MAX_OPS = 1, 12
MODES = ("forward", "reverse")
ARITHMETIC = ("add", "sub", "mul", "div")
"""Drawn more often than the functions, as in hand-made quizzes."""
ARITHMETIC_WEIGHT = 4.0
EXCLUDED = ("sign",)
"""Piecewise constant: its derivative is 0 everywhere, nothing to practise."""
MAX_MAGNITUDE = 1e3
ATTEMPTS = 500


@dataclass(frozen=True)
class GeneratedQuiz:
    """A generated quiz and its answer key (the completed trace)."""

    seed: int
    ops: int
    mode: str
    expression: Expression
    point: dict[str, float]
    trace: Trace
    """Seeded on :attr:`wrt`; tangents and adjoints are the answer key."""

    @property
    def text(self) -> str:
        return self.expression.text

    @property
    def wrt(self) -> str:
        return self.trace.wrt or self.expression.variables[0]

    @property
    def blank(self) -> str:
        """The column the student fills in: ``"tangent"`` (forward) or ``"adjoint"`` (reverse)."""
        return "tangent" if self.mode == "forward" else "adjoint"

    @property
    def answer(self) -> dict[str, float]:
        """What the completed column adds up to: ∂f/∂wrt (forward) or the gradient (reverse)."""
        if self.mode == "forward":
            return {self.wrt: float(self.trace.tangent)}  # type: ignore[arg-type]
        return dict(self.trace.gradient)

    def _repr_markdown_(self) -> str:
        from .render import trace_markdown

        return trace_markdown(self.trace, forward=self.mode == "forward", reverse=self.mode == "reverse",
                              blank=(self.blank,), title=f"Quiz (seed {self.seed}): f = {self.text} at "
                              + ", ".join(f"{n}={v!r}" for n, v in self.point.items()))


@dataclass
class _Operand:
    node: Node
    value: float
    used: bool = False


class _Draw:
    """Random choices through ``random()`` only (see the module doc)."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.rng.random()

    def index(self, n: int) -> int:
        return min(n - 1, int(self.rng.random() * n))

    def pick(self, items: Sequence[Any]) -> Any:
        return items[self.index(len(items))]

    def weighted(self, items: Sequence[Any], weights: Sequence[float]) -> Any:
        mark = self.rng.random() * sum(weights)
        for item, weight in zip(items, weights):
            mark -= weight
            if mark < 0:
                return item
        return items[-1]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p


def entries() -> list[Any]:
    """The table's elementwise entries a quiz may use, in name order (one or two arguments, a domain)."""
    chosen = [p for name, p in sorted(REGISTRY.items())
              if p.kind == "elementwise" and p.domain and p.nargs in (1, 2) and name not in EXCLUDED
              and len(p.domain) == p.nargs]
    return chosen


def _inside(value: float, interval: tuple) -> bool:
    low, high = interval[0], interval[1]
    return low <= value <= high


def _constant(draw: _Draw, interval: tuple, positive: bool) -> float:
    """A constant for an argument: an integer of the range when it has one (not 0 or ±1), else one
    decimal; ``positive`` for arithmetic, where ``x + -3`` would only read worse than ``x - 3``."""
    low, high = float(interval[0]), float(interval[1])
    if positive:
        low = max(low, 0.1)
    integers = [k for k in range(math.ceil(low), math.floor(high) + 1) if k not in (-1, 0, 1)]
    if integers and draw.chance(0.7):
        return float(draw.pick(integers))
    value = round(draw.uniform(low, high), 1)
    if value in (-1.0, 0.0, 1.0) or not low <= value <= high:
        value = round((low + high) / 2, 1)
    return value


def _apply(entry: Any, operands: list[Any]) -> float | None:
    values = [o.value if isinstance(o, _Operand) else o for o in operands]
    try:
        result = float(entry.fn(*values))
    except (ArithmeticError, ValueError, TypeError):
        return None
    return result if math.isfinite(result) and abs(result) < MAX_MAGNITUDE else None


def _step(draw: _Draw, pool: list[_Operand], table: list[Any], merge: bool) -> bool:
    """Add one operation to ``pool``; False if no entry fits this time."""
    for _ in range(40):
        candidates = [e for e in table if e.nargs == 2] if merge else table
        weights = [ARITHMETIC_WEIGHT if e.name in ARITHMETIC else 1.0 for e in candidates]
        entry = draw.weighted(candidates, weights)
        first = [o for o in pool if not o.used and _inside(o.value, entry.domain[0])]
        if not first:
            continue
        a = draw.pick(first)
        operands: list[Any] = [a]
        if entry.nargs == 2:
            if merge:
                second = [o for o in pool if not o.used and o is not a and _inside(o.value, entry.domain[1])]
            elif draw.chance(0.35):
                second = [_constant(draw, entry.domain[1], entry.name in ARITHMETIC)]
            else:
                second = [o for o in pool if o is not a and _inside(o.value, entry.domain[1])]
            if not second:
                continue
            operands.append(draw.pick(second))
        value = _apply(entry, operands)
        if value is None:
            continue
        for o in operands:
            if isinstance(o, _Operand):
                o.used = True
        nodes = [o.node if isinstance(o, _Operand) else Num(o) for o in operands]
        pool.append(_Operand(Call(entry.name, nodes), value))
        return True
    return False


def _attempt(draw: _Draw, ops: int, table: list[Any]) -> tuple[Node, dict[str, float]] | None:
    point = {name: round(draw.uniform(0.3, 2.5), 1) for name in VARIABLES[: 1 if ops == 1 and draw.chance(0.5)
                                                                           else 2]}
    pool = [_Operand(Name(name), value) for name, value in point.items()]
    for done in range(ops):
        unused = sum(not o.used for o in pool)
        if not _step(draw, pool, table, merge=unused - 1 >= ops - done):
            return None
    if sum(not o.used for o in pool) != 1:
        return None
    return pool[-1].node, point


def generate(seed: int, ops: int = 5, mode: str = "forward") -> GeneratedQuiz:
    """The quiz of ``seed``: ``ops`` operations on ``x`` (and ``y``) at a valid point, with its key."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"the seed must be a non-negative integer, got {seed!r}")
    if not MIN_OPS <= ops <= MAX_OPS:
        raise ValueError(f"ops must be between {MIN_OPS} and {MAX_OPS}, got {ops}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    draw = _Draw(seed)
    table = entries()
    for _ in range(ATTEMPTS):
        made = _attempt(draw, ops, table)
        if made is None:
            continue
        node, point = made
        text = to_string(node, power="^")
        expression = compile_expression(text, variables=tuple(point))
        values = tuple(point.values())
        try:
            expression.evaluate(point, check_domain=True)
        except ArithmeticError:
            continue
        trace = evaluation_trace(expression, values, expression.variables, wrt=expression.variables[0])
        return GeneratedQuiz(seed, ops, mode, expression, point, trace)
    raise RuntimeError(f"no quiz with {ops} operations found for seed {seed}")  # not reached in practice
