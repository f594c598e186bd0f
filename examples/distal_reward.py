"""Izhikevich (2007) distal reward: dopamine-modulated STDP finds the one rewarded synapse.

    python examples/distal_reward.py [--minutes 60] [--seed 1] [--out distal_reward.png]

daspnet.m (the paper's figure 1): 1000 neurons, 80,000 plastic excitatory synapses. Every time
neuron n2 fires 1-19 ms after neuron n1, a reward (dopamine) comes 1-3 s later, by then after
hundreds of other spikes; only the synapse n1 -> n2 is strengthened consistently, and it climbs
to the maximum, 4, while the other excitatory weights fall. Prints, every simulated minute, the
rewarded synapse's weight, the other weights' mean and 99th percentile and the rewards so far;
at the end the time the synapse first reached 3.5, and writes the model's figure (raster of the
last second; the synapse's weight and eligibility trace with the rewards; the weight
distribution with the synapse marked; ``spiker run distal_reward`` draws the same). Ctrl+C stops
early and still draws what was reached.
"""

import argparse
import time

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402

import spiker as sp  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="model time to simulate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="distal_reward.png")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args()
    if not args.minutes > 0:
        parser.error(f"--minutes must be > 0; got {args.minutes}")

    model = sp.models.distal_reward(seed=args.seed)
    net = model.net
    w = model.projections["exc"].weight
    others = np.ones(w.shape[0], bool)
    others[model.synapse] = False
    print(f"rewarded synapse: neuron {model.n1} -> neuron {model.n2} (synapse {model.synapse})")
    tic = time.perf_counter()
    total = args.minutes * 60_000.0
    try:
        while net.t < total - 1e-9:
            model.run(min(60_000.0, total - net.t), progress=not args.no_progress)
            print(
                f"t = {net.t / 60_000:5.1f} min  rewarded {w[model.synapse]:5.3f}  others: mean "
                f"{w[others].mean():.3f}, median {np.median(w[others]):.3f}, 99th percentile "
                f"{np.percentile(w[others], 99):.3f}  rewards {model.rewards_given().size:4d}  "
                f"wall {time.perf_counter() - tic:6.0f} s",
                flush=True,
            )
    except KeyboardInterrupt:
        print(f"interrupted at t = {net.t / 1000:.1f} s")
    wall = time.perf_counter() - tic
    print(model.summary())
    first = model.reached(3.5)
    print(
        "rewarded synapse first >= 3.5 at "
        + ("never" if first is None else f"{first / 1000:.0f} s ({first / 60_000:.1f} min)")
    )
    print(
        f"{net.t / 1000:.0f} s of model time in {wall:.0f} s wall: "
        f"{net.t / 1000 / wall:.1f} x real time"
    )
    fig = model.figure()  # the model's default figure, as `spiker run distal_reward` writes
    fig.savefig(args.out, dpi=150)
    print(f"figure written to {args.out}")


if __name__ == "__main__":
    main()
