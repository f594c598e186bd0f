"""Izhikevich (2004), figure 1: the 20 neuro-computational features, as figure1.m makes them.

Each panel is one neuron (``sp.models.izhikevich2004(name)``) stepped with the figure's own scheme
and time step; the membrane potential is drawn with the input current below it, as in the paper
(spikes drawn up to 30 mV, the current rescaled to a band under the trace; panel J adds, as
figure1.m does, its oscillation magnified 20 times, in red). Prints the spike count of every
feature.

    python examples/features2004.py [--out features2004.png]
"""

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import spiker as sp  # noqa: E402


def trace_with_spikes(model) -> tuple[np.ndarray, np.ndarray]:
    """figure1.m's plotted VV: V after each iteration, 30 mV in the iterations that spike."""
    v = model.records["v"].values[0]
    # v[k] is V before iteration k, so V after iteration k is v[k+1], the last one the final v
    after = np.append(v[1:], model.net.groups[0].v[0])
    after[model.records["spikes"].steps] = 30.0
    return model.records["v"].t, after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="features2004.png")
    args = parser.parse_args()

    fig, axes = plt.subplots(5, 4, figsize=(11, 11))
    for k, (ax, name) in enumerate(zip(axes.flat, sp.models.FEATURES_2004, strict=True)):
        model = sp.models.izhikevich2004(name).run(progress=False)
        t, v = trace_with_spikes(model)
        current = model.records["I"].values[0]
        spikes = model.records["spikes"]
        ax.plot(t, v, lw=0.6, color="k")
        if name == "subthreshold_oscillations":  # figure1.m also draws the oscillation x20
            late = t >= 54.75
            ax.plot(t[late], -10 + 20 * (v[late] - v.mean()), lw=0.6, color="tab:red")
        # the input, scaled into a 12 mV band under the trace
        span = np.ptp(current)
        level = (current - current.min()) / span if span > 0 else np.zeros_like(current)
        ax.plot(t, -100 + 12 * level, lw=0.6, color="tab:blue")
        ax.set_xlim(t[0], t[-1])
        ax.set_ylim(-105, 35)
        ax.set_title(f"({chr(ord('A') + k)}) {name.replace('_', ' ')}", fontsize=8)
        ax.axis("off")
        ax.plot([t[-1] - 20, t[-1]], [-104, -104], lw=1.5, color="0.4")  # 20 ms scale bar
        print(f"({chr(ord('A') + k)}) {name:<30} {spikes.count:3d} spikes")
    fig.suptitle("Izhikevich (2004), figure 1 (scale bars: 20 ms)", fontsize=10)
    fig.tight_layout()
    fig.savefig(args.out, dpi=130)
    print(f"figure written to {args.out}")


if __name__ == "__main__":
    main()
