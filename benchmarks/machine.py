"""Thread pinning and the facts about the machine that a ratio is only meaningful with.

:func:`pin_threads` must run before numpy (or JAX, or torch) is imported:
BLAS libraries read their thread count once, when they load. Two BLAS
threads fighting over this machine's two cores with the Python thread turn
ratios into noise, so every library computes on one thread here.
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
XLA_ONE_THREAD = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
OPENBLAS_KERNEL_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
REPO = Path(__file__).resolve().parent.parent

_seen_at_start = {name: os.environ.get(name) for name in OPENBLAS_KERNEL_VARS}


MALLOC_PAD = str(64 * 2**20)


def steady_allocator(argv: list[str]) -> None:
    """Re-run this process with glibc's heap padded, unless ``--system-malloc`` is given.

    With glibc's defaults, a freed block of a few hundred KB at the top of the heap is handed
    back to the OS and the next array of that size page-faults its memory in again. Which
    calls pay for that depends on the heap's history, not on the code measured: the same
    numpy primal was seen at 1.06 ms and 2.06 ms in two runs. ``MALLOC_TOP_PAD_`` keeps
    64 MB at the top of the heap, so primal and AD both compute instead of page-faulting.
    glibc reads it only at start-up, hence the re-exec.
    """
    if "--system-malloc" in argv or os.environ.get("MALLOC_TOP_PAD_"):
        return
    os.environ["MALLOC_TOP_PAD_"] = MALLOC_PAD
    os.execv(sys.executable, [sys.executable, *argv])


def pin_threads() -> None:
    """One thread for every BLAS and for XLA; call before importing numpy."""
    for name in THREAD_VARS:
        os.environ[name] = "1"
    os.environ.setdefault("XLA_FLAGS", XLA_ONE_THREAD)


_limiter = None


def limit_threadpools() -> str:
    """Also cap already-loaded pools with threadpoolctl when it is installed; says which way was used."""
    global _limiter
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return "environment variables (threadpoolctl not installed)"
    _limiter = threadpool_limits(limits=1)
    return "environment variables and threadpoolctl.threadpool_limits(1)"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _thread_pools() -> list | str:
    """threadpoolctl's view of every loaded BLAS/OpenMP pool: library, version, kernel, threads."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed"
    return threadpool_info()


def _numpy_blas(pools: list | str) -> dict:
    """numpy's own BLAS: its threadpoolctl entry (loaded from numpy's folder), else its build config."""
    import numpy as np
    if isinstance(pools, list):
        for pool in pools:
            if pool.get("user_api") == "blas" and "numpy" in str(pool.get("filepath", "")):
                return pool
    try:
        return np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
    except TypeError:  # numpy < 1.25 has no mode=
        return {"note": "see numpy.show_config()"}


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def machine_info() -> dict:
    """Everything a reader needs to judge the numbers: versions, BLAS, CPU, date, environment."""
    import numpy as np

    import dualdiff
    dirty = _git("status", "--porcelain", "--", "dualdiff")
    pools = _thread_pools()
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "numpy": np.__version__,
        "dualdiff": getattr(dualdiff, "__version__", "?"),
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "dualdiff_sources_modified": None if dirty is None else bool(dirty),
        "numpy_blas": _numpy_blas(pools),
        "thread_pools": pools,
        "thread_env": {name: os.environ.get(name) for name in THREAD_VARS + ("XLA_FLAGS",)},
        "malloc_top_pad": os.environ.get("MALLOC_TOP_PAD_"),
        "openblas_kernel_env_at_start": _seen_at_start,
        "openblas_kernel_note": (
            "OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE were not set for this run"
            if not any(_seen_at_start.values()) else
            "OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE were set: numpy may run a slower kernel "
            "(run with `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE` to benchmark it)"),
    }
