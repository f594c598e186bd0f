"""Sweep of the thalamic noise of Izhikevich's (2003) net.m on a local Dask cluster: firing rate
and the gamma rhythm against the noise amplitude, over seeds.

python examples/sweep_noise.py [--noise 0.4:2.0:17] [--seeds 6] [--duration 2000] [--workers 2]
                               [--out sweep_noise.png]

Each run builds net.m with its input noise scaled by ``noise`` (std 5*noise for excitatory and
2*noise for inhibitory cells; 1 is the published network), runs it and measures the mean rate
and the population-rate spectrum (``spiker.measures.rate`` and ``spiker.measures.gamma``). The
figure shows the rate, the share of the rate's power in 30-80 Hz (a flat, rhythmless spectrum gives
about 0.1) and the frequency of the gamma peak, each as mean and s.d. over seeds; the dotted
line marks the first amplitude whose gamma share is twice the flat one. The table goes to a CSV
beside the figure.

Default run (17 amplitudes x 6 seeds x 2 s of net.m = 102 runs, 2 workers): 60 s wall (measured
on the 2-core development machine, load average 5 to 22 from other work during the run).
"""

import argparse
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import spiker as sp  # noqa: E402
from spiker.measures import gamma, rate  # noqa: E402
from spiker.sweep import local_client  # noqa: E402

FLAT_SHARE = 13 / 128  # 30-80 Hz holds 13 of the 128 bins above 0 Hz of a 256 ms segment


def build(seed: int, noise: float):
    """net.m with its thalamic noise scaled by ``noise``."""
    return sp.models.izhikevich2003(seed=seed, noise=noise)


def measure(model) -> dict:
    return {**rate(model), **gamma(model)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--noise", default="0.4:2.0:17", help="LO:HI:N noise scales")
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--duration", type=float, default=2000.0, help="ms per run")
    parser.add_argument("--workers", type=int, default=2, help="Dask workers (1: serial)")
    parser.add_argument("--out", default="sweep_noise.png")
    args = parser.parse_args()
    lo, hi, n = args.noise.split(":")
    grid = {"noise": [round(x, 10) for x in np.linspace(float(lo), float(hi), int(n))]}

    tic = time.perf_counter()
    if args.workers > 1:
        with local_client(args.workers) as client:  # a LocalCluster of 1-thread processes
            table = sp.sweep(build, grid, args.duration, measure, seeds=args.seeds, client=client)
    else:
        table = sp.sweep(build, grid, args.duration, measure, seeds=args.seeds)
    wall = time.perf_counter() - tic
    print(f"{len(table)} runs of {args.duration:g} ms on {args.workers} worker(s): {wall:.1f} s")
    table.to_csv(args.out.rsplit(".", 1)[0] + ".csv")

    rates = table.aggregate("rate")
    shares = table.aggregate("gamma")
    freqs = table.aggregate("gamma_frequency")
    print("noise   rate (Hz)        gamma share     gamma peak (Hz)")
    for r, g, f in zip(rates, shares, freqs, strict=True):
        print(f"{r['noise']:5.2f}  {r['mean']:6.2f} ± {r['std']:4.2f}   {g['mean']:.3f} ± "
              f"{g['std']:.3f}   {f['mean']:5.1f} ± {f['std']:4.1f}")  # fmt: skip
    onset = next((g["noise"] for g in shares if g["mean"] > 2 * FLAT_SHARE), None)

    fig, (top, mid, bottom) = plt.subplots(3, 1, figsize=(7, 8.5), sharex=True)
    sp.plot.sweep(table, "rate", ax=top, label="mean rate (Hz)")
    sp.plot.sweep(table, "gamma", ax=mid, label="share of rate power\nin 30-80 Hz")
    mid.axhline(FLAT_SHARE, color="0.5", ls="--", lw=1)
    mid.annotate("no rhythm (flat spectrum)", (grid["noise"][-1], FLAT_SHARE), xytext=(0, 4),
                 textcoords="offset points", ha="right", color="0.4", fontsize="small")  # fmt: skip
    rhythmic = [f for f in freqs if onset is not None and f["noise"] >= onset]
    bottom.errorbar([f["noise"] for f in rhythmic], [f["mean"] for f in rhythmic],
                    yerr=[f["std"] for f in rhythmic], marker="o", ms=4, capsize=3)  # fmt: skip
    bottom.set_ylabel("gamma peak (Hz)\nmean ± s.d. over seeds")
    bottom.set_ylim(30, 80)
    if onset is not None:
        for ax in (top, mid, bottom):
            ax.axvline(onset, color="tab:red", ls=":", lw=1.2)
        top_of_mid = (onset, mid.get_ylim()[1])
        mid.annotate("gamma appears\n(share > 2x flat)", top_of_mid, xytext=(4, -26),
                     textcoords="offset points", color="tab:red", fontsize="small")  # fmt: skip
    for ax in (top, mid):
        ax.set_xlabel("")
    bottom.set_xlabel("thalamic noise amplitude (1 = net.m: std 5 exc, 2 inh)")
    top.set_title(
        f"Izhikevich (2003) network: {len(grid['noise'])} noise amplitudes x {args.seeds} "
        f"seeds, {args.duration:g} ms each",
        fontsize="medium",
    )
    fig.tight_layout()
    fig.savefig(args.out, dpi=150)
    print(f"figure written to {args.out}")


if __name__ == "__main__":
    main()
