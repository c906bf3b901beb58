"""The scenarios of issues #9 and #15. Each times its primal, dualdiff's variants and the installed peers'.

Every scenario is a function ``(config, peers) -> list[Row]`` registered in
:data:`SCENARIOS`; call one alone to look at one problem::

    from benchmarks import scenarios, config
    rows = scenarios.SCENARIOS["mlp"](config.QUICK, {})

Every row's ratio is its minimum time over the primal's minimum time, both
measured in this call. Every result is checked against a reference (mpmath
for the quiz, otherwise dualdiff's first variant of the same quantity) and
the relative disagreement is kept in ``Row.error``.
"""

from __future__ import annotations

import gc
import math
import os
import subprocess
import sys
from functools import partial
from types import ModuleType
from typing import Any, Callable

import numpy as np

from . import workloads as w
from .config import Config
from .machine import REPO
from .rows import Row, Variant, relative_error
from .targets import target_for
from .timing import Timing, first_call, measure, peak_memory

Peers = dict[str, ModuleType]
Scenario = Callable[[Config, Peers], list[Row]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str) -> Callable[[Scenario], Scenario]:
    def register(fn: Scenario) -> Scenario:
        SCENARIOS[name] = fn
        return fn
    return register


def flat(result: Any) -> np.ndarray:
    """Any nesting of tuples of floats and arrays, as one float vector (for comparisons)."""
    if isinstance(result, (tuple, list)):
        return np.concatenate([flat(r) for r in result]) if result else np.zeros(0)
    return np.ravel(np.asarray(result, dtype=float))


class Bench:
    """Times the variants of one scenario at one size against that size's primal."""

    def __init__(self, name: str, cfg: Config, size: str = "", target_size: Any = None,
                 nominal_work: int = 1):
        self.name, self.cfg, self.size = name, cfg, size
        self.target_size = target_size
        self.nominal_work = nominal_work
        self.rows: list[Row] = []
        self.primal: Row | None = None
        self.references: dict[tuple[str, int], np.ndarray] = {}

    def run_primal(self, library: str, label: str, fn: Callable[[], Any], work: int = 1) -> Row:
        self.primal = self.run(Variant(library, label, fn, flat, "primal", work))
        self.primal.primal = True
        return self.primal

    def run(self, v: Variant) -> Row:
        """Time ``v``, compare its result with the reference, relate it to the primal."""
        label = v.label if v.work in (1, self.nominal_work) else f"{v.label} (n={v.work})"
        row = Row(self.name, v.library, label, self.size, note=v.note)
        self.rows.append(row)
        try:
            result, first = first_call(v.run)
            timing = measure(v.run, self.cfg.repeats, self.cfg.min_time, first)
            row.result = v.canonical(result)
        except Exception as exc:  # noqa: BLE001  (one broken variant must not end the run)
            row.note = f"failed: {type(exc).__name__}: {exc}"[:300]
            return row
        if v.work != 1:
            timing, row.unit = timing.scaled(v.work), "s/node"
        row.timing = timing
        key = (v.mode, v.work)
        if v.mode != "primal":
            if key in self.references:
                row.error = relative_error(row.result, self.references[key])
            else:
                self.references[key] = row.result
        if self.primal is not None and self.primal.timing is not None and row is not self.primal:
            row.ratio = timing.min / self.primal.timing.min
            row.primal_median = self.primal.timing.median
        row.target = target_for(self.name, v.library, v.label, self.target_size)
        return row

    def first_calls(self, label: str, fresh: Callable[[], Callable[[], Any]], times: int) -> Row:
        """The first call of ``times`` fresh objects from ``fresh()`` (a new ``jit`` each: trace
        and compile), timed one by one; the metric is their median in ms."""
        seconds = []
        for _ in range(max(1, times)):
            call = fresh()
            gc.collect()
            seconds.append(first_call(call)[1])
        row = Row(self.name, "dualdiff", label, self.size, timing=Timing(tuple(seconds), 1, math.nan),
                  note="first call of a fresh jit object (trace + generate + compile), median of "
                       f"{len(seconds)}")
        row.metric, row.metric_unit = row.timing.median * 1e3, "ms"
        row.target = target_for(self.name, "dualdiff", label, self.target_size)
        self.rows.append(row)
        return row

    def finish(self) -> list[Row]:
        """The rows, with every target relative to another variant of the block resolved."""
        by_name = {row.name: row for row in self.rows}
        for row in self.rows:
            if row.target is None or row.target.on != "relative" or row.timing is None:
                continue
            other = by_name.get(row.target.versus)
            if other is not None and other.timing is not None:
                row.relative = row.timing.min / other.timing.min
        return self.rows

    def run_peers(self, peers: Peers, method: str, *args: Any) -> None:
        """Every installed peer's variants of this scenario (peers lacking ``method`` sit it out)."""
        for name, module in peers.items():
            make = getattr(module, method, None)
            if make is None:
                continue
            try:
                variants = make(*args)
            except Exception as exc:  # noqa: BLE001
                self.rows.append(Row(self.name, name, "setup", self.size,
                                     note=f"failed: {type(exc).__name__}: {exc}"[:300]))
                continue
            for v in variants:
                self.run(v)


# ---------------------------------------------------------------------------
# 1-4: the problems with a numpy/float primal
# ---------------------------------------------------------------------------

@scenario("quiz")
def quiz(cfg: Config, peers: Peers) -> list[Row]:
    """Quiz #1 at (2, 3): jvps and value_and_grad, uncompiled and under jit, against plain ``math``."""
    x, z = w.QUIZ_POINT
    b = Bench("quiz", cfg, "(x, z) = (2, 3)")
    b.references[("value+grad", 1)] = np.array(w.QUIZ_REFERENCE)
    b.references[("jvp", 1)] = np.array(w.QUIZ_REFERENCE[:2])
    b.run_primal("math", "float evaluation", partial(w.quiz_primal, x, z))
    b.run(Variant("dualdiff", "jvp ×2", partial(w.quiz_forward, x, z), flat, "value+grad"))
    b.run(Variant("dualdiff", "jvp", partial(w.quiz_jvp, x, z, 1.0, 0.0), flat, "jvp"))
    b.run(Variant("dualdiff", "jit(jvp)", partial(w.quiz_jit_jvp(), x, z, 1.0, 0.0), flat, "jvp"))
    b.run(Variant("dualdiff", "value_and_grad", partial(w.quiz_reverse, x, z), flat, "value+grad"))
    b.run(Variant("dualdiff", "jit(value_and_grad)", partial(w.quiz_jit_value_and_grad(), x, z),
                  flat, "value+grad"))
    b.first_calls("first call, jit(value_and_grad)",
                  lambda: partial(w.quiz_jit_value_and_grad(), x, z), cfg.repeats)
    b.run_peers(peers, "quiz", x, z)
    return b.finish()


@scenario("elementwise")
def elementwise(cfg: Config, peers: Peers) -> list[Row]:
    """sum(exp(sin(x))·log1p(x²)) at each configured n: jvp, grad, jit(grad), numpy by hand."""
    return [row for n in cfg.array_sizes for row in _elementwise_at(n, cfg, peers)]


def _elementwise_at(n: int, cfg: Config, peers: Peers) -> list[Row]:
    x, v = w.elementwise_data(n, cfg.seed)
    b = Bench("elementwise", cfg, f"n={n}", target_size=n)
    b.run_primal("numpy", "forward", partial(w.elementwise_primal, x))
    b.run(Variant("dualdiff", "jvp", partial(w.elementwise_jvp, x, v), flat, "jvp"))
    b.run(Variant("dualdiff", "grad", partial(w.elementwise_grad, x), flat, "grad"))
    b.run(Variant("dualdiff", "jit(grad)", partial(w.elementwise_jit_grad(), x), flat, "grad"))
    b.run(Variant("numpy", "hand-written gradient", partial(w.elementwise_grad_by_hand, x), flat,
                  "grad"))
    b.run_peers(peers, "elementwise", x, v)
    return b.finish()


@scenario("mlp")
def mlp(cfg: Config, peers: Peers) -> list[Row]:
    """Gradient of a tanh MLP's softmax cross-entropy against the numpy forward loss."""
    params, X, Y = w.mlp_data(cfg.mlp_batch, cfg.mlp_layers, cfg.seed)
    layers = "-".join(map(str, cfg.mlp_layers))
    b = Bench("mlp", cfg, f"batch {cfg.mlp_batch}, {layers}",
              target_size=(cfg.mlp_batch, tuple(cfg.mlp_layers)))
    b.run_primal("numpy", "forward loss", partial(w.mlp_loss_primal, *params, X, Y))
    b.run(Variant("dualdiff", "grad", partial(w.mlp_grad, params, X, Y), flat, "grad"))
    b.run(Variant("dualdiff", "jit(grad)", partial(w.mlp_jit_grad(), *params, X, Y), flat, "grad"))
    b.run(Variant("numpy", "hand-written backprop", partial(w.mlp_backprop, *params, X, Y), flat,
                  "grad", note="tanh' = 1/cosh², as the table"))
    b.run(Variant("numpy", "hand-written backprop, 1 − tanh²",
                  partial(w.mlp_backprop, *params, X, Y, tanh_identity=True), flat, "grad"))
    b.first_calls("first call, jit(grad)", lambda: partial(w.mlp_jit_grad(), *params, X, Y),
                  cfg.repeats)
    b.run_peers(peers, "mlp", params, X, Y)
    return b.finish()


@scenario("jacobian")
def jacobian(cfg: Config, peers: Peers) -> list[Row]:
    """Jacobian of tanh(A @ x): batched jacfwd, chunked, column by column, jacrev, jit, by hand."""
    n = cfg.jac_n
    A, x = w.jacobian_data(n, cfg.seed)
    b = Bench("jacobian", cfg, f"n={n}", target_size=n)
    b.run_primal("numpy", "tanh(A @ x)", partial(w.tanh_layer_primal, A, x))
    b.run(Variant("dualdiff", "jacfwd (batched)", partial(w.jacobian_fwd, A, x), np.asarray,
                  "jacobian"))
    for chunk in cfg.jac_chunks:
        b.run(Variant("dualdiff", f"jacfwd chunk={chunk}", partial(w.jacobian_fwd, A, x, chunk),
                      np.asarray, "jacobian"))
    b.run(Variant("dualdiff", "n separate jvps", partial(w.jacobian_separate_jvps, A, x),
                  np.asarray, "jacobian"))
    b.run(Variant("dualdiff", "jacrev", partial(w.jacobian_rev, A, x), np.asarray, "jacobian"))
    b.run(Variant("dualdiff", "jit(jacfwd)", partial(w.jacobian_jit_fwd(A), x), np.asarray,
                  "jacobian"))
    b.run(Variant("numpy", "hand-written Jacobian", partial(w.jacobian_by_hand, A, x), np.asarray,
                  "jacobian"))
    b.run_peers(peers, "jacobian", A, x)
    return b.finish()


# ---------------------------------------------------------------------------
# 5: deep chains
# ---------------------------------------------------------------------------

def _add_chain_reference(b: Bench, n: int, reverse: Callable[[int], Any]) -> None:
    """dualdiff's result at the peers' chain length, so their results are checked too."""
    b.references.setdefault(("chain", n), flat(reverse(n)))


@scenario("chain")
def chain(cfg: Config, peers: Peers) -> list[Row]:
    """x → sin(x), n times: reverse-mode time and peak memory per node against the float loop."""
    n, n_peer = cfg.chain_n, min(cfg.peer_chain_n, cfg.chain_n)
    b = Bench("chain", cfg, f"n={n}", nominal_work=n)
    b.run_primal("math", "float loop", lambda: w.sin_chain_primal(n), work=n)
    rev = b.run(Variant("dualdiff", "reverse", lambda: w.sin_chain_reverse(n), flat, "chain", n))
    if rev.timing:
        rev.metric, rev.metric_unit = rev.timing.min * 1e6, "µs/node"
    memory = Row("chain", "dualdiff", "peak memory", b.size, unit="B/node",
                 note="tracemalloc peak of one value_and_grad, over n",
                 target=target_for("chain", "dualdiff", "peak memory"))
    memory.metric, memory.metric_unit = peak_memory(lambda: w.sin_chain_reverse(n)) / n, "B/node"
    b.rows.append(memory)
    _add_chain_reference(b, n_peer, w.sin_chain_reverse)
    b.run_peers(peers, "sin_chain", n_peer, n)
    return b.rows


@scenario("chain_ops")
def chain_ops(cfg: Config, peers: Peers) -> list[Row]:
    """x → x·x/2 + 1/2, n times: a chain of + and * only, so micrograd can run it too."""
    n = cfg.poly_chain_n
    b = Bench("chain_ops", cfg, f"n={n}", nominal_work=n)
    b.run_primal("python", "float loop", lambda: w.poly_chain(w.CHAIN_START, n), work=n)
    b.run(Variant("dualdiff", "reverse", lambda: w.poly_chain_reverse(n), flat, "chain", n))
    b.run_peers(peers, "poly_chain", n)
    return b.rows


# ---------------------------------------------------------------------------
# 6: start-up costs
# ---------------------------------------------------------------------------

def cold_python(code: str, repeats: int) -> Timing:
    """Wall time of a fresh interpreter running ``code`` (so start-up and imports are cold).

    Bytecode caches are allowed and written by one untimed run first, as on a user's machine
    after the first import; otherwise every timed run would compile every module again.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    run = partial(subprocess.run, [sys.executable, "-c", code], cwd=REPO, check=True,
                  capture_output=True, env=env)
    run()
    times = []
    for _ in range(max(1, repeats)):
        _, seconds = first_call(run)
        times.append(seconds)
    return Timing(tuple(times), 1, math.nan)


@scenario("import")
def import_time(cfg: Config, peers: Peers) -> list[Row]:
    """``python -c "import dualdiff"`` against ``python -c "import numpy"``, each in a new process."""
    base = Row("import", "numpy", "import numpy", "cold process",
               timing=cold_python("import numpy", cfg.import_repeats), primal=True)
    rows = [base]
    for module, library in (("dualdiff", "dualdiff"),):
        row = Row("import", library, f"import {module}", "cold process",
                  timing=cold_python(f"import {module}", cfg.import_repeats),
                  target=target_for("import", library, f"import {module}"))
        row.ratio = row.timing.min / base.timing.min
        row.primal_median = base.timing.median
        row.metric, row.metric_unit = (row.timing.min - base.timing.min) * 1e3, "ms over numpy"
        rows.append(row)
    return rows


@scenario("cli")
def cli(cfg: Config, peers: Peers) -> list[Row]:
    """The CLI's start-up timings, from the colleague's ``benchmarks/bench_cli.py`` when present."""
    from .cli_adapter import cli_rows
    return cli_rows(cfg)
