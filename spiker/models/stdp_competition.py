"""Synaptic competition through STDP (after Song, Miller and Abbott 2000, and Brian2's example)."""

from __future__ import annotations

import spiker as sp
from spiker.models.base import Model, catalogue


class CompetitionModel(Model):
    """STDP competition; its default figure shows the weights splitting and the output rate."""

    def figure(self):
        """Weight distribution at the start and now, the traces of the recorded weights, and the
        output neuron's rate over time."""
        from spiker import _text, plot

        proj = self.projections["input"]
        stdp = proj.plasticity
        fig, (ax1, ax2, ax3) = plot.figure(1, 3, figsize=(13, 4))
        plot.weight_histograms(
            {"start": self.initial["input"], f"after {_text.duration(self.net.t)}": proj.weight},
            ax=ax1,
            bins=20,
            bounds=(stdp.w_min, stdp.w_max),
        )
        ax1.set_title("weight distribution")
        rec = self.records["weights"]
        for row, synapse in enumerate(rec.synapses):
            ax2.plot(rec.t / 1000.0, rec.values[row], lw=0.9, label=f"synapse {synapse}")
        ax2.set_ylim(stdp.w_min - 0.03 * stdp.w_max, 1.03 * stdp.w_max)
        ax2.set_xlabel("time (s)")
        ax2.set_ylabel("weight")
        ax2.set_title("weight traces")
        ax2.legend(frameon=False, loc="best")
        out = self.records["output"]
        span = out.t_stop - out.t_start
        bin_ms = 1000.0 if span >= 20_000.0 else max(span / 20.0, self.net.dt)
        plot.rate(out, bin_ms, ax=ax3)
        ax3.set_title(f"output rate ({_text.duration(bin_ms)} bins)")
        fig.suptitle(self.title())
        fig.tight_layout()
        return fig


@catalogue(
    "STDP competition (Song, Miller, Abbott 2000): 1000 Poisson inputs onto one neuron; "
    "the weights split"
)
def stdp_competition(
    seed: int = 1,
    duration: float = 100_000.0,
    n_inputs: int = 1000,
    rate_hz: float = 15.0,
    w_max: float = 2.0,
    learning_rate: float = 0.01,
    bias_current: float = -70.0,
) -> Model:
    """One Izhikevich RS neuron driven by ``n_inputs`` Poisson trains at ``rate_hz`` through
    exponential synapses (tau_syn = 5 ms) with additive, all-pairs STDP:
    a_plus = learning_rate * w_max,
    a_minus = 1.05 a_plus, tau_plus = tau_minus = 20 ms, weights in [0, w_max], initially uniform.
    Depression slightly outweighs potentiation, so inputs compete: the weight distribution
    becomes bimodal (U-shaped), with the output rate regulated.

    The mean synaptic drive is large (about 37.5 w_max = 75); a constant ``bias_current`` (an
    inhibitory background, the role of Song et al.'s 200 inhibitory inputs) brings it near the
    threshold so that the neuron is driven by input fluctuations and single inputs matter.
    Without it the neuron fires regularly whatever the inputs do and no competition arises.

    dt = 0.25 ms, RK4. Records: spike records ``"output"`` and ``"inputs"``, a ``WeightRecord``
    ``"weights"`` of synapses 0 and 1 every 100 ms, and the projection under ``"input"``;
    ``initial["input"]`` holds the starting weights.
    """
    net = sp.Network(dt=0.25, seed=seed)
    inputs = net.add_poisson(n_inputs, rate_hz, name="inputs")
    out = net.add_neurons(1, sp.Izhikevich.preset("RS", method="rk4"), name="output")
    a_plus = learning_rate * w_max
    stdp = sp.STDP(a_plus=a_plus, a_minus=1.05 * a_plus, tau_plus=20.0, tau_minus=20.0,
                   w_min=0.0, w_max=w_max)  # fmt: skip
    proj = net.connect(inputs, out, sp.connect.all_to_all(), weight=sp.Uniform(0.0, w_max),
                       delay=0.25, synapse="exponential", tau_syn=5.0, plasticity=stdp,
                       name="input")  # fmt: skip
    net.add_current(out, bias_current)
    records = {
        "output": net.record_spikes(out),
        "inputs": net.record_spikes(inputs),
        "weights": net.record_weights(proj, synapses=[0, 1], every_ms=100.0),
    }
    return CompetitionModel(
        "stdp_competition", net, records, duration, {"input": proj}, {"input": proj.weight.copy()}
    )
