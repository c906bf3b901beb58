"""Ratio benchmarks for dualdiff: each AD timing divided by the plain numpy/float primal of the same run.

Run the suite with ``python benchmarks/run.py`` (see ``benchmarks/README.md``).
The workloads in :mod:`benchmarks.workloads` are plain functions, so they can
be profiled one at a time; :mod:`benchmarks.scenarios` times them against the
primal and against peer libraries (:mod:`benchmarks.peers`) when installed.
"""
