"""Speed-up of spiker.sweep on a local Dask cluster over the serial sweep, and Dask's overhead.

Measures, each the median of ``--repeats`` timings:

1. a sweep of 16 runs of net.m (1000 neurons, ``izhikevich2003``: 4 noise scales x 4 seeds,
   1000 ms each), serially and on ``spiker.sweep.local_client(--workers)`` (a LocalCluster of
   processes with one thread each; started and warmed once: every worker has imported spiker
   and loaded the compiled kernels before the timing; the one-off cost of that is printed too).
   Serial and Dask sweeps alternate, so that a pair sees the same load; the speed-up is the
   median of the pairs' ratios, and the CPU seconds spent (this process for serial, the workers
   for Dask) show whether a slower wall time is work or waiting for a core;
2. the scheduling overhead per task: trivial tasks through the client, one at a time (round
   trip) and 1000 at once (time per task when the workers are kept busy);
3. a sweep of 1000 trivial runs, one run per task (``batch_size=1``) and batched automatically.

    python benchmarks/sweep_dask.py [--repeats 5] [--workers 2] [--scheduler ADDRESS]

``--scheduler tcp://HOST:PORT`` runs on an existing cluster instead (``dask scheduler`` and
``dask worker --nthreads 1`` processes started by hand, as on a real cluster).

The machine's load (``os.getloadavg``) is printed before and after: timings on a shared machine
mean little without it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from functools import partial

import spiker as sp
from spiker.measures import rate
from spiker.sweep import _build_model, local_client

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


def cpu_seconds() -> float:
    """User + system CPU time of this process so far, s."""
    t = os.times()
    return t.user + t.system


def load() -> str:
    return "load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scheduler", help="address of a running Dask scheduler")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; {load()}")
    warm()
    sweep16 = partial(sp.sweep, NET_M, GRID, 1000.0, rate, seeds=4, progress=False)
    serial_table = sweep16()

    tic = time.perf_counter()
    from distributed import Client

    cluster = local_client(args.workers) if args.scheduler is None else Client(args.scheduler)
    with cluster as client:
        n_workers = len(client.nthreads())
        client.run(warm)
        start = time.perf_counter() - tic
        on_dask = partial(sweep16, client=client)
        assert on_dask() == serial_table, "the Dask sweep differs from the serial one"
        # serial and Dask alternate, so that both see the same load; CPU seconds are summed over
        # this process (serial) and over the workers (Dask)
        serial, dask, ratio, cpu_serial, cpu_dask = [], [], [], [], []
        for _ in range(args.repeats):
            cpu0, tic = cpu_seconds(), time.perf_counter()
            sweep16()
            serial.append(time.perf_counter() - tic)
            cpu_serial.append(cpu_seconds() - cpu0)
            cpu0, tic = sum(client.run(cpu_seconds).values()), time.perf_counter()
            on_dask()
            dask.append(time.perf_counter() - tic)
            cpu_dask.append(sum(client.run(cpu_seconds).values()) - cpu0)
            ratio.append(serial[-1] / dask[-1])
        serial, dask, ratio = (statistics.median(x) for x in (serial, dask, ratio))
        cpu_serial, cpu_dask = statistics.median(cpu_serial), statistics.median(cpu_dask)

        round_trip = median_time(lambda: client.submit(noop, 0, pure=False).result(), 50)
        n = 1000
        burst = median_time(lambda: client.gather(client.map(noop, range(n), pure=False)), 3)

        trivial = partial(sp.sweep, nothing, {"x": list(range(250))}, 1.0, zero, seeds=4,
                          progress=False, client=client)  # fmt: skip
        one_per_task = median_time(partial(trivial, batch_size=1), 3)
        batched = median_time(trivial, 3)

    rows = [
        (f"16 runs of net.m (1000 neurons, 1000 ms), median of {args.repeats}:", None, ""),
        ("  serial", serial, f"s   ({cpu_serial:.2f} s CPU)"),
        (f"  Dask, {n_workers} workers", dask, f"s   ({cpu_dask:.2f} s CPU in the workers)"),
        ("  speed-up (median of the paired ratios)", ratio, "x"),
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
