"""Izhikevich (2006) polychronization (spnet): STDP with axonal delays, an hour of model time.

    python examples/polychronization.py [--minutes 60] [--seed 1] [--out polychronization.png]

Draws the raster of the last second and the histogram of excitatory weights, and prints the
weight statistics once per simulated minute. Ctrl+C stops early and still draws what was reached.
"""

import argparse
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import spiker as sp  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="model time to simulate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="polychronization.png")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args()

    model = sp.models.polychronization(seed=args.seed)
    net = model.net
    w = model.projections["exc"].weight
    tic = time.perf_counter()
    minutes = int(np.ceil(args.minutes))
    try:
        for _ in range(minutes):
            span = min(60_000.0, args.minutes * 60_000.0 - net.t)
            model.run(span, progress=not args.no_progress)
            print(
                f"t = {net.t / 1000:6.0f} s  weights < 1: {np.mean(w < 1):5.1%}  "
                f"at max (> 9.5): {np.mean(w > 9.5):5.1%}  mean {w.mean():.2f}  "
                f"wall {time.perf_counter() - tic:7.1f} s",
                flush=True,
            )
    except KeyboardInterrupt:
        print(f"interrupted at t = {net.t / 1000:.1f} s")
    wall = time.perf_counter() - tic
    print(model.summary())
    print(
        f"{net.t / 1000:.0f} s of model time in {wall:.0f} s wall: "
        f"{net.t / 1000 / wall:.1f} x real time"
    )

    t_end = net.t
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [2, 1]})
    last = {}
    for name, rec in model.spike_records().items():
        keep = rec.t >= t_end - 1000.0
        last[name] = (rec.t[keep], rec.i[keep])
    for (name, (t, i)), color in zip(last.items(), ("tab:blue", "tab:red"), strict=True):
        ax1.scatter(t / 1000.0, i, s=1.5, c=color, marker=".", linewidths=0, rasterized=True,
                    label=name)  # fmt: skip
    ax1.set_xlabel("time (s)")
    ax1.set_ylabel("neuron")
    ax1.set_title(f"last second (t = {t_end / 1000:.0f} s)")
    ax2.hist(w, bins=50, range=(0, 10), color="tab:blue")
    ax2.set_xlabel("excitatory weight")
    ax2.set_ylabel("synapses")
    ax2.set_title("weight distribution")
    fig.tight_layout()
    fig.savefig(args.out, dpi=150)
    print(f"figure written to {args.out}")


if __name__ == "__main__":
    main()
