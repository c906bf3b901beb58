"""Run the dualdiff benchmark suite: a rich table on stdout, the same numbers as JSON.

    python benchmarks/run.py --quick            # under a minute
    python benchmarks/run.py                    # the sizes of issue #9
    python benchmarks/run.py --only mlp --only quiz --no-peers --json out.json

On machines that set OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE (see benchmarks/README.md),
measure with ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/run.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.machine import pin_threads, steady_allocator  # noqa: E402  (imports no numpy)

if __name__ == "__main__":
    steady_allocator(sys.argv)  # re-executes once with a padded heap (see its docstring)
pin_threads()  # before anything imports numpy: BLAS reads its thread count when it loads

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import gc  # noqa: E402
import time  # noqa: E402

from rich.console import Console  # noqa: E402

from benchmarks import peers as peer_registry  # noqa: E402
from benchmarks import report  # noqa: E402
from benchmarks.config import FULL, QUICK, Config  # noqa: E402
from benchmarks.machine import limit_threadpools, machine_info  # noqa: E402
from benchmarks.rows import Row  # noqa: E402
from benchmarks.scenarios import SCENARIOS  # noqa: E402

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "latest.json"


def _ints(text: str) -> tuple[int, ...]:
    return tuple(int(float(part)) for part in text.split(",") if part.strip())


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small sizes and few repeats (< 1 minute)")
    p.add_argument("--json", metavar="FILE", default=str(DEFAULT_JSON),
                   help="where to write the JSON (default: %(default)s)")
    p.add_argument("--only", metavar="SCENARIO", action="append", default=[],
                   help=f"run only these scenarios (repeat or comma-separate): {', '.join(SCENARIOS)}")
    p.add_argument("--peers", action=argparse.BooleanOptionalAction, default=True,
                   help="include peer libraries that are installed (default: yes)")
    p.add_argument("--peer", metavar="NAME", action="append", default=[],
                   help=f"only these peers: {', '.join(peer_registry.PEERS)}")
    p.add_argument("--list", action="store_true", help="list the scenarios and exit")
    p.add_argument("--system-malloc", action="store_true",
                   help="keep glibc's default heap trimming (page faults then swing the ratios)")
    sizes = p.add_argument_group("sizes (override the preset)")
    sizes.add_argument("--repeats", type=int)
    sizes.add_argument("--min-time", type=float, help="seconds each timed repeat lasts at least")
    sizes.add_argument("--array-sizes", type=_ints, metavar="N,N", help="e.g. 1000,100000")
    sizes.add_argument("--mlp-batch", type=int)
    sizes.add_argument("--mlp-layers", type=_ints, metavar="IN,HIDDEN,OUT")
    sizes.add_argument("--jac-n", type=int)
    sizes.add_argument("--jac-chunks", type=_ints, metavar="C,C")
    sizes.add_argument("--chain-n", type=lambda s: int(float(s)), help="e.g. 1e6")
    sizes.add_argument("--peer-chain-n", type=lambda s: int(float(s)))
    sizes.add_argument("--poly-chain-n", type=int)
    sizes.add_argument("--import-repeats", type=int)
    return p.parse_args(argv)


def build_config(args: argparse.Namespace) -> tuple[Config, str]:
    base, preset = (QUICK, "quick") if args.quick else (FULL, "full")
    overrides = {f.name: getattr(args, f.name) for f in dataclasses.fields(Config)
                 if getattr(args, f.name, None) is not None}
    return dataclasses.replace(base, **overrides), preset + ("+custom" if overrides else "")


def selected_scenarios(only: list[str]) -> list[str]:
    names = [n.strip() for item in only for n in item.split(",") if n.strip()]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        raise SystemExit(f"unknown scenario(s): {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    return names or list(SCENARIOS)


def header(meta: dict, threads: str, preset: str, peers: dict) -> str:
    blas = meta["numpy_blas"]
    blas_text = (f"{blas.get('internal_api', blas.get('name'))} {blas.get('version')} "
                 f"(kernel {blas.get('architecture', '?')}, {blas.get('num_threads', '?')} thread)")
    present = ", ".join(f"{k} {v}" for k, v in peers.items() if not v.startswith("absent"))
    return (f"[bold]dualdiff benchmarks[/] ({preset}) · {meta['date']} · commit {meta['git_commit']}"
            f"{' + local changes' if meta['dualdiff_sources_modified'] else ''}\n"
            f"Python {meta['python']} · numpy {meta['numpy']} · numpy's BLAS: {blas_text}\n"
            f"CPU: {meta['cpu']} ({meta['cpu_count']} cores) · threads pinned to 1 via {threads}\n"
            f"{meta['openblas_kernel_note']}\n"
            f"peers: {present or 'none'}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 160)
    if args.list:
        for name, fn in SCENARIOS.items():
            console.print(f"[bold]{name}[/]: {(fn.__doc__ or '').strip().splitlines()[0]}")
        return 0
    cfg, preset = build_config(args)
    names = selected_scenarios(args.only)
    loaded, missing = peer_registry.load(args.peer or None) if args.peers else ({}, {})
    threads = limit_threadpools()
    gc.collect()
    gc.freeze()  # the libraries' own objects are permanent: collections need not rescan them
    peers = {name: peer_registry.version(m) for name, m in loaded.items()}
    peers.update({name: f"absent: {why}" for name, why in missing.items()})
    meta = machine_info()
    meta["thread_pinning"] = threads
    console.print(header(meta, threads, preset, peers))
    rows: list[Row] = []
    started = time.perf_counter()
    for name in names:
        with console.status(f"running {name} ..."):
            t0 = time.perf_counter()
            new_rows = SCENARIOS[name](cfg, loaded)
        rows += new_rows
        console.print(f"  {name}: {len(new_rows)} rows in {time.perf_counter() - t0:.1f} s")
    meta["wall_seconds"] = time.perf_counter() - started
    console.print(report.table(rows, "ratio = min time / min time of the primal of the same run"))
    for note in report.footnotes(rows):
        console.print(note, markup=False, highlight=False)
    console.print(f"{report.summary(rows)} · wall time {meta['wall_seconds']:.1f} s")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        report.write_json(args.json, report.document(rows, meta, cfg.as_dict(), peers, preset))
        console.print(f"JSON written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
