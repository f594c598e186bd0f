"""STDP competition (after Song, Miller and Abbott 2000): 1000 Poisson inputs, one RS neuron.

    python examples/stdp_competition.py [--seconds 100] [--seed 1] [--out stdp_competition.png]

Plots the final weight histogram (it turns U-shaped) and the traces of two weights.
"""

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import spiker as sp  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=100.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="stdp_competition.png")
    args = parser.parse_args()

    model = sp.models.stdp_competition(seed=args.seed)
    w0 = model.projections["input"].weight.copy()
    model.run(args.seconds * 1000.0)
    print(model.summary())
    w = model.projections["input"].weight
    w_max = model.projections["input"].plasticity.w_max
    counts, edges = np.histogram(w, bins=10, range=(0, w_max))
    print("weight histogram (10 bins over [0, w_max]):", counts.tolist())
    outer = (counts[:2].sum() + counts[-2:].sum()) / counts.sum()
    print(f"fraction in the outer 40 % of the range: {outer:.2f} (0.40 when uniform)")

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    ax1.hist(w0, bins=edges, alpha=0.4, label="initial")
    ax1.hist(w, bins=edges, alpha=0.8, label=f"after {args.seconds:g} s")
    ax1.set_xlabel("weight")
    ax1.set_ylabel("synapses")
    ax1.legend()
    rec = model.records["weights"]
    ax2.plot(rec.t / 1000.0, rec.values.T)
    ax2.set_xlabel("time (s)")
    ax2.set_ylabel("weight of synapses 0 and 1")
    fig.tight_layout()
    fig.savefig(args.out, dpi=150)
    print(f"figure written to {args.out}")


if __name__ == "__main__":
    main()
