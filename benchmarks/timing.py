"""Timing and memory measurement: ``time.perf_counter``, several repeats, minimum and median.

Like :mod:`timeit`, the garbage collector is off while a repeat runs (it would
charge one variant for garbage another left behind) and each repeat loops the
call enough times to last ``min_time``, so clock resolution never matters.
The runner also calls ``gc.freeze()`` once the peers are imported, so a
collection does not rescan JAX's and torch's many objects every time.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
import tracemalloc
from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Timing:
    """Seconds per call for each repeat, plus the untimed first call (warm-up, JIT compile)."""

    times: tuple[float, ...]
    loops: int
    first_call: float

    @property
    def min(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def scaled(self, divisor: float) -> "Timing":
        """The same timing per unit of work (per node of a chain, say)."""
        return Timing(tuple(t / divisor for t in self.times), self.loops, self.first_call / divisor)


def first_call(fn: Callable[[], Any]) -> tuple[Any, float]:
    """Run ``fn`` once (warm-up: caches, JIT compilation) and return its result and duration."""
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def measure(fn: Callable[[], Any], repeats: int, min_time: float,
            first_call_seconds: float = math.nan) -> Timing:
    """Time ``fn`` (no arguments): ``repeats`` repeats of ``loops`` calls each.

    One untimed call first sets ``loops`` (a JIT's first call, which compiles,
    is too slow to calibrate on: callers make that one themselves and pass its
    duration as ``first_call_seconds`` to have it recorded).
    """
    _, once = first_call(fn)
    loops = 1 if once >= min_time else max(1, math.ceil(min_time / max(once, 1e-7)))
    times = []
    gc_was_enabled = gc.isenabled()
    gc.collect()
    try:
        for _ in range(max(1, repeats)):
            gc.disable()
            start = time.perf_counter()
            for _ in range(loops):
                fn()
            times.append((time.perf_counter() - start) / loops)
            if gc_was_enabled:
                gc.enable()
    finally:
        if gc_was_enabled:
            gc.enable()
    return Timing(tuple(times), loops, first_call_seconds)


def peak_memory(fn: Callable[[], Any]) -> int:
    """Peak bytes allocated through Python's allocator while ``fn`` runs (``tracemalloc``).

    numpy's data buffers are traced too; memory allocated by other native
    libraries (torch, XLA) is not, so this is meaningful for dualdiff only.
    """
    gc.collect()
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        result = fn()
        peak = tracemalloc.get_traced_memory()[1]
        del result
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return max(0, peak - base)
