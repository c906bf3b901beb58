"""The data a run produces: variants to time, targets to meet, and one row per measurement."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .timing import Timing


@dataclass
class Variant:
    """One way of computing a scenario's result, by one library.

    ``run`` takes no arguments and does the whole unit of work (JAX variants
    block until the result is ready). ``canonical`` turns its result into a
    numpy array that can be compared with another library's; ``mode`` names
    which results must agree (forward and reverse mode of the same quantity
    share a mode when their results have the same form).
    """

    library: str
    label: str
    run: Callable[[], Any]
    canonical: Callable[[Any], np.ndarray]
    mode: str
    work: int = 1
    """Units of work per call (nodes of a chain): times are reported per unit."""
    note: str = ""


@dataclass(frozen=True)
class Target:
    """A goal of the issues: ``value <sense> limit``, on the ratio, on another metric, or on the
    time relative to another variant of the same block."""

    label: str
    limit: float
    sense: str = "<="
    on: str = "ratio"
    """``"ratio"`` (time over the primal's), ``"metric"`` (the row's own metric, e.g. B/node) or
    ``"relative"`` (time over the time of the variant named by ``versus``)."""
    versus: str = ""
    """For ``on="relative"``: the other variant, as ``"library · variant"`` (same scenario and size)."""

    def __post_init__(self) -> None:
        if (self.on == "relative") != bool(self.versus):
            raise ValueError("a relative target names the variant it is relative to, and only it")

    def value(self, row: "Row") -> float | None:
        return {"ratio": row.ratio, "metric": row.metric, "relative": row.relative}[self.on]

    def met(self, row: "Row") -> bool | None:
        value = self.value(row)
        if value is None or not math.isfinite(value):
            return None
        return value <= self.limit if self.sense == "<=" else value >= self.limit


@dataclass
class Row:
    """One line of the table and one object of the JSON."""

    scenario: str
    library: str
    variant: str
    size: str = ""
    """The problem size, e.g. ``"n=1000"``."""
    timing: Timing | None = None
    unit: str = "s"
    """What the times are per: ``"s"`` per call, ``"s/node"`` per node of a chain."""
    ratio: float | None = None
    target: Target | None = None
    metric: float | None = None
    metric_unit: str = ""
    error: float | None = None
    """Largest relative disagreement with the reference result (dualdiff's, or mpmath's)."""
    relative: float | None = None
    """For a target relative to another variant: min time over that variant's min time."""
    primal: bool = False
    """The block's primal (the plain computation every ratio divides by)."""
    note: str = ""
    primal_median: float | None = None
    """The primal's median time, for the median-over-median ratio in the JSON."""
    result: Any = field(default=None, repr=False)
    """The canonical result (kept for checks, not written to JSON)."""

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.target.met(self)

    @property
    def is_primal(self) -> bool:
        return self.primal

    @property
    def name(self) -> str:
        """``"library · variant"``, how a relative target names this row."""
        return f"{self.library} · {self.variant}"

    def as_dict(self) -> dict:
        t = self.timing
        return {
            "scenario": self.scenario, "size": self.size, "library": self.library,
            "variant": self.variant,
            "unit": self.unit,
            "min": None if t is None else t.min, "median": None if t is None else t.median,
            "times": None if t is None else list(t.times),
            "loops": None if t is None else t.loops,
            "first_call": None if t is None else t.first_call,
            "ratio": self.ratio,
            "ratio_median": None if t is None or not self.primal_median else
            t.median / self.primal_median,
            "target": None if self.target is None else self.target.label,
            "target_limit": None if self.target is None else self.target.limit,
            "met": self.met, "metric": self.metric, "metric_unit": self.metric_unit,
            "relative": self.relative,
            "relative_to": None if self.target is None or not self.target.versus else self.target.versus,
            "error": self.error, "note": self.note,
        }


def relative_error(got: np.ndarray, want: np.ndarray) -> float:
    """max |got − want| / max(|want|, tiny): one number for "do these results agree"."""
    got = np.asarray(got, dtype=float)
    want = np.asarray(want, dtype=float)
    if got.shape != want.shape:
        return math.inf
    scale = max(float(np.max(np.abs(want))) if want.size else 0.0, 1e-300)
    return float(np.max(np.abs(got - want))) / scale if want.size else 0.0
