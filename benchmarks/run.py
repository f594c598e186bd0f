"""Benchmark suite: spiker against Brian2 and NEST on the workloads of issue 10.

    python benchmarks/run.py [--quick] [--only WORKLOAD ...] [--peers PEER ...] [--repeats N]

The same as ``spiker bench``; the harness is :mod:`spiker.bench`. Writes its table into
``benchmarks/README.md``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's spiker

from spiker.bench import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
