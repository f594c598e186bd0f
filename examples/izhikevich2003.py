"""Izhikevich (2003) net.m: 1000 neurons, raster plot (the main job, as ``spiker run``).

python examples/izhikevich2003.py [--duration 1000] [--seed 1] [--out izhikevich2003.png]
"""

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import spiker as sp  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=1000.0, help="ms")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="izhikevich2003.png")
    args = parser.parse_args()

    model = sp.models.izhikevich2003(seed=args.seed)
    rate = model.net.record_rate(model.net.groups[0])
    model.run(args.duration)
    print(model.summary())

    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(9, 6), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    sp.plot.raster([model.records["exc"], model.records["inh"]], ax=top)
    top.set_title(f"Izhikevich (2003) network, seed {args.seed}")
    top.set_xlabel("")
    bottom.plot(rate.t, rate.smooth(5.0), lw=0.8, color="tab:blue")
    bottom.set_xlabel("time (ms)")
    bottom.set_ylabel("exc rate (Hz)")
    fig.tight_layout()
    fig.savefig(args.out, dpi=150)
    print(f"figure written to {args.out}")


if __name__ == "__main__":
    main()
