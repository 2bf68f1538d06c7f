"""meter2cash benchmarks: ``python -m bench`` (quick), ``--full`` (larger), ``--smoke`` (tiny, for CI).

Every measurement runs in a child process of its own (``bench.child``), which times only the work
itself and reports counts; the parent reads the child's peak RSS from ``os.wait4``. Figures are the
median of several runs; comparisons are ratios of runs made side by side in the same invocation.
See ``bench/README.md``.
"""
