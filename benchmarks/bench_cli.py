"""Cold start of the command line and of the library, each in a fresh process.

Measures, as the minimum over several runs (the least disturbed one):

* ``dualdiff --help``      target <= 150 ms: needs typer only, never numpy;
* ``dualdiff compare``     target <= 300 ms: typer, rich, numpy, dualdiff, five methods;
* ``import dualdiff`` next to ``import numpy`` and an empty interpreter, as a ratio.

Wall time is what a user feels; CPU time (user + system of the child) is also
reported because it barely moves when other work shares the machine. Bytecode
is compiled once before timing, into a private cache directory (as it would be
for an installed package), so no run pays for compiling the sources; this
matters where ``PYTHONDONTWRITEBYTECODE`` is set.

Run: ``python benchmarks/bench_cli.py [--runs 9] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS_MS = {"dualdiff --help": 150.0, "dualdiff compare": 300.0}


def _dualdiff_command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m dualdiff_cli``."""
    script = Path(sys.executable).with_name("dualdiff")
    if script.exists():
        return [str(script)]
    found = shutil.which("dualdiff")
    return [found] if found else [sys.executable, "-m", "dualdiff_cli"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(command: list[str], runs: int, env: dict[str, str], cwd: str) -> tuple[float, float]:
    """(min wall seconds, min CPU seconds) of ``command`` over ``runs`` fresh processes."""
    walls, cpus = [], []
    for _ in range(runs):
        cpu = _children_cpu()
        start = time.perf_counter()
        subprocess.run(command, check=True, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="fresh processes per measurement")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    options = parser.parse_args()

    dualdiff = _dualdiff_command()
    commands = {
        "python (empty)": [sys.executable, "-c", "pass"],
        "import numpy": [sys.executable, "-c", "import numpy"],
        "import dualdiff": [sys.executable, "-c", "import dualdiff"],
        "dualdiff --help": [*dualdiff, "--help"],
        "dualdiff compare": [*dualdiff, "compare"],
    }
    with tempfile.TemporaryDirectory() as scratch:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "FORCE_COLOR")}
        env["PYTHONPYCACHEPREFIX"] = str(Path(scratch) / "pycache")
        for command in commands.values():  # warm-up: compile bytecode, fill the OS file cache
            subprocess.run(command, check=True, env=env, cwd=scratch, stdout=subprocess.DEVNULL)
        results = {name: measure(command, options.runs, env, scratch) for name, command in commands.items()}

    ms = {name: (wall * 1e3, cpu * 1e3) for name, (wall, cpu) in results.items()}
    numpy_wall, numpy_cpu = ms["import numpy"]
    dualdiff_wall, dualdiff_cpu = ms["import dualdiff"]
    ratios = {"import dualdiff / import numpy (wall)": dualdiff_wall / numpy_wall,
              "import dualdiff / import numpy (cpu)": dualdiff_cpu / numpy_cpu}
    if options.json:
        print(json.dumps({"runs": options.runs, "ms": {k: {"wall": w, "cpu": c} for k, (w, c) in ms.items()},
                          "ratios": ratios, "targets_ms": TARGETS_MS}, indent=2))
        return
    print(f"cold start, min of {options.runs} fresh processes ({' '.join(dualdiff)})")
    print(f"{'':22} {'wall ms':>9} {'cpu ms':>9}  target")
    for name, (wall, cpu) in ms.items():
        target = TARGETS_MS.get(name)
        verdict = "" if target is None else f"<= {target:.0f} ms: {'ok' if wall <= target else 'OVER'}"
        print(f"{name:22} {wall:9.1f} {cpu:9.1f}  {verdict}")
    for name, ratio in ratios.items():
        print(f"{name}: {ratio:.2f}x")


if __name__ == "__main__":
    main()
