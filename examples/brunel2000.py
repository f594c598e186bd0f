"""Brunel (2000) figure 8, panels A-D, as Brian2's examples/frompapers/Brunel_2000.py.

python examples/brunel2000.py [--panels ABCD] [--n-e 10000] [--seed 1] [--out brunel2000.png]

12,500 LIF neurons (10,000 excitatory), 15.6 M delta synapses with 1.5 ms delays, 1000 external
Poisson inputs per neuron. Each panel: the raster of 50 excitatory neurons over the panel's
window, and the population rate: synchronous regular (A), asynchronous irregular with fast
oscillation (B), asynchronous irregular (C), synchronous irregular with slow oscillation (D).
"""

import argparse
import time

import matplotlib

matplotlib.use("Agg")

import spiker as sp  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--panels", default="ABCD", help="which of A, B, C, D")
    parser.add_argument("--n-e", type=int, default=10000, help="excitatory neurons")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="brunel2000.png")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args()
    panels = [p for p in args.panels.upper() if p in sp.models.PANELS_2000]
    if not panels:
        parser.error(f"--panels must name some of A, B, C, D; got {args.panels!r}")

    fig, axes = sp.plot.figure(2, len(panels), figsize=(4 * len(panels), 6), squeeze=False,
                               gridspec_kw={"height_ratios": [4, 1]})  # fmt: skip
    for col, panel in enumerate(panels):
        model = sp.models.brunel2000(panel, seed=args.seed, n_e=args.n_e)
        tic = time.perf_counter()
        model.run(progress=False if args.no_progress else None)
        print(f"{model.summary()}\n  ({time.perf_counter() - tic:.1f} s)")
        model.figure(axes=(axes[0, col], axes[1, col]))
    fig.suptitle(f"Brunel (2000), figure 8: N_E = {args.n_e}, seed {args.seed}")
    fig.tight_layout()
    fig.savefig(args.out, dpi=150)
    print(f"figure written to {args.out}")


if __name__ == "__main__":
    main()
