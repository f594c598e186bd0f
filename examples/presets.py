"""The seven 2003 neuron classes (RS, IB, CH, FS, LTS, TC, RZ) under a current step.

python examples/presets.py [--current 10] [--out presets.png]
"""

import argparse
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import spiker as sp  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--current", type=float, default=10.0, help="step amplitude")
    parser.add_argument("--dt", type=float, default=0.1, help="ms")
    parser.add_argument("--out", default="presets.png")
    args = parser.parse_args()

    net = sp.Network(dt=args.dt, seed=0)
    names = list(sp.PRESETS_2003)
    traces, spikes = {}, {}
    for name in names:
        model = sp.Izhikevich.preset(name, method="rk4")
        # start at rest: the lower root of 0.04 v^2 + (5 - b) v + 140 = 0, u = b v
        b = model.b
        v_rest = (-(5 - b) - math.sqrt((5 - b) ** 2 - 4 * 0.04 * 140)) / (2 * 0.04)
        pop = net.add_neurons(1, model, name=name, v0=v_rest)
        net.add_current(pop, sp.inputs.Step(args.current, start=20.0, stop=220.0))
        traces[name] = net.record_state(pop, "v")
        spikes[name] = net.record_spikes(pop)
    net.run(250.0, progress=False)

    fig, axes = plt.subplots(len(names), 1, figsize=(8, 11), sharex=True)
    for ax, name in zip(axes, names, strict=True):
        # spikes drawn up to v_peak = 30 mV, as in the 2003 paper's figure 2
        sp.plot.trace(traces[name], ax=ax, spikes=spikes[name])
        a, b, c, d = sp.PRESETS_2003[name]
        ax.set_ylabel(name, rotation=0, labelpad=18)
        ax.set_xlabel("time (ms)" if ax is axes[-1] else "")
        ax.set_ylim(-90, 40)
        ax.set_yticks([-80, -40, 0, 30])
        ax.text(
            1.01,
            0.5,
            f"a={a} b={b}\nc={c} d={d}\n{spikes[name].count} spikes",
            transform=ax.transAxes,
            fontsize=7,
            va="center",
        )
        print(
            f"{name:>4}: {spikes[name].count:3d} spikes, first at "
            f"{spikes[name].t[0] if spikes[name].count else float('nan'):.1f} ms"
        )
    axes[0].set_title(f"Izhikevich (2003) classes, I = {args.current:g} from 20 to 220 ms")
    fig.supylabel("membrane potential v (mV)")
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print(f"figure written to {args.out}")


if __name__ == "__main__":
    main()
