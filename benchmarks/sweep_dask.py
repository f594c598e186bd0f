"""Speed-up of spiker.sweep on a local Dask cluster over the serial sweep, and Dask's overhead.

Measures, each the median of ``--repeats`` timings:

1. a sweep of 16 runs of net.m (1000 neurons, ``izhikevich2003``: 4 noise scales x 4 seeds,
   1000 ms each), serially and on a ``LocalCluster`` of ``--workers`` processes with one thread
   each (started and warmed once: every worker has imported spiker and loaded the compiled
   kernels before the timing; the one-off cost of that is printed too);
2. the scheduling overhead per task: trivial tasks through the client, one at a time (round
   trip) and 1000 at once (time per task when the workers are kept busy);
3. a sweep of 1000 trivial runs, one run per task (``batch_size=1``) and batched automatically.

    python benchmarks/sweep_dask.py [--repeats 5] [--workers 2]

The machine's load (``os.getloadavg``) is printed before and after: timings on a shared machine
mean little without it.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import time
from functools import partial

import spiker as sp
from spiker.measures import rate
from spiker.sweep import _build_model

NET_M = partial(_build_model, "izhikevich2003")
GRID = {"noise": [0.8, 1.0, 1.2, 1.4]}


class Nothing:
    """A 'model' whose run does nothing: a sweep of these measures the sweep's own cost."""

    def run(self, duration, progress=None):
        pass


def nothing(seed: int, x: float) -> Nothing:
    return Nothing()


def zero(model) -> float:
    return 0.0


def noop(k: int) -> int:
    return k


def warm() -> None:
    """Import spiker and load (or compile) its kernels in this process."""
    sp.models.izhikevich2003(seed=0).run(10.0, progress=False)


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        tic = time.perf_counter()
        fn()
        times.append(time.perf_counter() - tic)
    return statistics.median(times)


def load() -> str:
    return "load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    print(f"{os.cpu_count()} CPUs; {load()}")
    warm()
    sweep16 = partial(sp.sweep, NET_M, GRID, 1000.0, rate, seeds=4, progress=False)
    serial_table = sweep16()
    serial = median_time(sweep16, args.repeats)

    tic = time.perf_counter()
    with (
        LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                     dashboard_address=None, silence_logs=logging.ERROR) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        client.run(warm)
        start = time.perf_counter() - tic
        on_dask = partial(sweep16, client=client)
        assert on_dask() == serial_table, "the Dask sweep differs from the serial one"
        dask = median_time(on_dask, args.repeats)

        round_trip = median_time(lambda: client.submit(noop, 0, pure=False).result(), 50)
        n = 1000
        burst = median_time(lambda: client.gather(client.map(noop, range(n), pure=False)), 3)

        trivial = partial(sp.sweep, nothing, {"x": list(range(250))}, 1.0, zero, seeds=4,
                          progress=False, client=client)  # fmt: skip
        one_per_task = median_time(partial(trivial, batch_size=1), 3)
        batched = median_time(trivial, 3)

    rows = [
        (f"16 runs of net.m (1000 neurons, 1000 ms), median of {args.repeats}:", None, ""),
        ("  serial", serial, "s"),
        (f"  Dask, {args.workers} workers", dask, f"s   speed-up {serial / dask:.2f}x"),
        ("  one-off: cluster start and worker warm-up", start, "s"),
        ("scheduling overhead per trivial task:", None, ""),
        ("  one at a time (round trip)", 1000 * round_trip, "ms"),
        (f"  {n} at once", 1000 * burst / n, "ms"),
        ("sweep of 1000 runs that do nothing, on Dask:", None, ""),
        ("  one run per task", one_per_task, "s"),
        ("  batched automatically", batched, "s"),
    ]
    print()
    for label, value, unit in rows:
        print(label if value is None else f"{label:<46}{value:8.2f} {unit}")
    print(load())


if __name__ == "__main__":
    main()
