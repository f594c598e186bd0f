"""Izhikevich (2006) polychronization (spnet): STDP with axonal delays, an hour of model time.

    python examples/polychronization.py [--minutes 60] [--seed 1] [--out polychronization.png]

Draws the raster of the last second (excitatory and inhibitory neurons labelled) and the
distribution of the excitatory weights at the start and at the end (the model's default figure,
``Model.figure``), and prints the weight statistics once per simulated minute. Ctrl+C stops
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

    fig = model.figure()  # the model's default figure, as `spiker run polychronization` writes
    fig.savefig(args.out, dpi=150)
    print(f"figure written to {args.out}")


if __name__ == "__main__":
    main()
