"""Poisson sources against a replay of the same trains (issue 10: ``add_poisson`` no slower than
replaying the same trains from a spike source).

The network: ``--inputs`` Poisson units at ``--rate`` Hz onto ``--neurons`` Izhikevich neurons
(all to all, "jump" synapses, dt 0.1 ms). Built twice with the same seed: once with
``net.add_poisson`` (trains drawn while it runs), once with ``net.add_spike_source`` holding the
trains the first network will draw (``spiker.interop.source_spikes``). Both give the same
spikes; the runs alternate and the script prints the median run time of each and their ratio.

    python benchmarks/poisson_replay.py [--inputs 1000] [--rate 10] [--seconds 10] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import spiker as sp
from spiker.interop import source_spikes


def build(inputs: int, neurons: int, rate: float, replay: tuple | None, seed: int = 1):
    net = sp.Network(dt=0.1, seed=seed)
    if replay is None:
        src = net.add_poisson(inputs, rate, name="in")
    else:
        steps, idx = replay
        src = net.add_spike_source(steps * net.dt, idx, n=inputs, name="in")
    pop = net.add_neurons(neurons, sp.Izhikevich(), name="out")
    net.connect(src, pop, weight=0.5, delay=1.0)
    rec = net.record_spikes(pop)
    return net, rec


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inputs", type=int, default=1000)
    ap.add_argument("--neurons", type=int, default=100)
    ap.add_argument("--rate", type=float, default=10.0, help="Hz per input")
    ap.add_argument("--seconds", type=float, default=10.0, help="model time per run")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args(argv)
    ms = args.seconds * 1000.0
    first, _ = build(args.inputs, args.neurons, args.rate, None)
    n_steps = int(round(ms / first.dt))
    trains = source_spikes(first, n_steps)["in"]
    times = {"add_poisson": [], "replay": []}
    counts = {}
    build(10, 2, args.rate, None)[0].run(10.0, progress=False)  # kernels loaded
    for _ in range(args.repeats):
        for kind in times:  # alternating
            net, rec = build(args.inputs, args.neurons, args.rate,
                             None if kind == "add_poisson" else trains)  # fmt: skip
            tic = time.perf_counter()
            net.run(ms, progress=False)
            times[kind].append(time.perf_counter() - tic)
            counts[kind] = (rec.count, rec.steps.copy(), rec.i.copy())
    same = all(
        np.array_equal(a, b)
        for a, b in zip(counts["add_poisson"][1:], counts["replay"][1:], strict=True)
    )
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"{args.inputs} Poisson inputs at {args.rate:g} Hz -> {args.neurons} neurons, "
          f"{args.seconds:g} s of model time, {trains[0].shape[0]} input spikes, "
          f"{counts['replay'][0]} output spikes (identical: {same})")  # fmt: skip
    for k, v in med.items():
        each = ", ".join(f"{x:.3f}" for x in times[k])
        print(f"  {k:12s} median {v:.3f} s of {args.repeats} runs ({each})")
    print(f"  add_poisson / replay: {med['add_poisson'] / med['replay']:.2f}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
