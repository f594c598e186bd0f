"""CUBA (Vogels & Abbott 2005) as Brian2's examples/CUBA.py: 4000 LIF neurons, raster and rate.

python examples/cuba.py [--n 4000] [--duration 1000] [--seed 1] [--out cuba.png] [--brian2]

With --brian2 the same network (connectivity, initial v) also runs in Brian2's own CUBA code
and the agreement is printed (tests/spiker/test_ported_brian2.py does this at 1000 neurons).
"""

import argparse

import matplotlib

matplotlib.use("Agg")

import spiker as sp  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000, help="neurons (80 %% excitatory)")
    parser.add_argument("--duration", type=float, default=1000.0, help="ms")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="cuba.png")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args()

    model = sp.models.cuba(seed=args.seed, n=args.n)
    net = model.net
    rates = [net.record_rate(g) for g in net.groups]
    model.run(args.duration, progress=False if args.no_progress else None)
    print(model.summary())

    fig, (top, bottom) = sp.plot.figure(2, 1, figsize=(9, 6), sharex=True,
                                        gridspec_kw={"height_ratios": [3, 1]})  # fmt: skip
    sp.plot.raster(model.spike_records(), ax=top, size=1.0)
    top.set_xlabel("")
    top.set_title(f"CUBA (Vogels & Abbott 2005): {args.n} LIF neurons, seed {args.seed}")
    counts = sum(r.counts for r in rates)
    width = 5  # ms bins
    k = round(width / net.dt)
    binned = counts[: counts.shape[0] // k * k].reshape(-1, k).sum(axis=1)
    t = rates[0].t[: binned.shape[0] * k : k]
    bottom.stairs(binned / (net.n * width / 1000.0), list(t) + [t[-1] + width], color="k")
    bottom.set_xlabel("time (ms)")
    bottom.set_ylabel(f"rate (Hz, {width} ms bins)")
    fig.tight_layout()
    fig.savefig(args.out, dpi=150)
    print(f"figure written to {args.out}")


if __name__ == "__main__":
    main()
