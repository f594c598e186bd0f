"""STDP competition (after Song, Miller and Abbott 2000): 1000 Poisson inputs, one RS neuron.

    python examples/stdp_competition.py [--seconds 100] [--seed 1] [--out stdp_competition.png]

Draws the weight distribution at the start and at the end (it turns U-shaped), the traces of
two weights and the output rate over time: the model's default figure (``Model.figure``).
"""

import argparse

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402

import spiker as sp  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=100.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="stdp_competition.png")
    args = parser.parse_args()

    model = sp.models.stdp_competition(seed=args.seed)
    model.run(args.seconds * 1000.0)
    print(model.summary())
    w = model.projections["input"].weight
    w_max = model.projections["input"].plasticity.w_max
    counts, _ = np.histogram(w, bins=10, range=(0, w_max))
    print("weight histogram (10 bins over [0, w_max]):", counts.tolist())
    outer = (counts[:2].sum() + counts[-2:].sum()) / counts.sum()
    print(f"fraction in the outer 40 % of the range: {outer:.2f} (0.40 when uniform)")

    fig = model.figure()  # the model's default figure, as `spiker run stdp_competition` writes
    fig.savefig(args.out, dpi=150)
    print(f"figure written to {args.out}")


if __name__ == "__main__":
    main()
