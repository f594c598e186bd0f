"""Izhikevich (2006), "Polychronization: computation with spikes", Neural Comput 18:245 (spnet)."""

from __future__ import annotations

import numpy as np

import spiker as sp
from spiker import _validate as check
from spiker.models.base import Model, catalogue
from spiker.models.izhikevich2003 import FORMS


class PolychronizationModel(Model):
    """spnet; its default figure is the last second's raster and the weight distribution."""

    def figure(self):
        """The raster of the last second simulated (excitatory and inhibitory neurons labelled)
        beside the distribution of the excitatory weights, at the start and now."""
        from spiker import _text, plot

        t_end = self.net.t
        window = (max(0.0, t_end - 1000.0), max(t_end, 1.0))
        fig, (ax1, ax2) = plot.figure(1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [2, 1]})
        plot.raster(self.spike_records(), ax=ax1, window=window, time_unit="s", size=3.0)
        ax1.set_title(f"last second: {window[0] / 1000:g} s to {t_end / 1000:g} s")
        stdp = self.projections["exc"].plasticity
        plot.weight_histograms(
            {
                "start": self.initial["exc"],
                f"after {_text.duration(t_end)}": self.projections["exc"].weight,
            },
            ax=ax2,
            bins=50,
            bounds=(stdp.w_min, stdp.w_max),
        )
        ax2.set_yscale("log")
        ax2.set_xlabel("excitatory weight")
        ax2.set_title("excitatory weights")
        fig.suptitle(self.title())
        fig.tight_layout()
        return fig


def _distinct_targets(rng, n_pre, n_candidates, m, exclude_self):
    """For each presynaptic neuron, m distinct targets in range(n_candidates), never itself."""
    post = np.empty((n_pre, m), np.int64)
    for i in range(n_pre):
        if exclude_self:
            r = rng.choice(n_candidates - 1, m, replace=False)
            post[i] = r + (r >= i)
        else:
            post[i] = rng.choice(n_candidates, m, replace=False)
    return post


@catalogue(
    "Izhikevich (2006) spnet: 1000 neurons, axonal delays, STDP; polychronous groups (1 h)",
    choices={"form": tuple(FORMS)},
)
def polychronization(
    seed: int = 1,
    duration: float = 3_600_000.0,
    form: str = "published",
    input_amplitude: float = 20.0,
) -> Model:
    """spnet: 1000 neurons with axonal delays and STDP, as in Izhikevich (2006).

    800 excitatory RS cells (a = 0.02, d = 8) and 200 inhibitory FS cells (a = 0.1, d = 2), b = 0.2,
    c = -65. Each neuron has 100 outgoing synapses to distinct targets other than itself:
    excitatory ones to any neuron, with integer delays 1..20 ms (5 synapses per delay value),
    inhibitory ones to excitatory neurons only, with 1 ms. Initial weights 6 and -5, delivered as
    one-step currents. Published integration at dt = 1 ms (two half steps of v, then u), in
    spnet.cpp's operation order ``(0.04*v + 5)*v + 140 - u + I``. Each ms one random neuron
    receives I = ``input_amplitude`` (20 in spnet). Excitatory synapses learn: nearest-spike
    STDP with A+ = 0.1, A- = 0.12, tau = 20 ms, through spnet's schedule (every 1000 ms
    ``w += 0.01 + sd; sd *= 0.9``, clipped to [0, 10]).

    Differences from spnet.cpp that cannot matter statistically: random streams (numpy's, not
    C's ``rand``), trace decay exp(-1/20) = 0.9512 per ms instead of 0.95, and a post spike in the
    very step a presynaptic spike arrives potentiates only (spnet also depresses).

    ``form="euler"`` is the converged setting users run in Brian2: forward Euler at dt = 0.1 ms
    (``method="euler"``, operation order irrelevant), the synapses as ``"jump"`` (v += w on
    arrival) with the same weights, delays and plasticity (weights keep their unit, mV of jump,
    and their bounds [0, 10]: a 1 ms pulse of w carries the charge w, which the jump delivers at
    once; see :func:`spiker.models.izhikevich2003`), and the thalamic pulse held for 1 ms
    (10 steps) as in spnet. ``form="published"`` is spnet's own scheme described above.

    The neurons form one population ``"neurons"`` (0..799 excitatory). Records: spike records
    ``"exc"`` and ``"inh"`` (indices within the population); projections ``"exc"`` (every
    excitatory synapse, plastic) and ``"inh"``; ``initial["exc"]`` holds the starting excitatory
    weights.
    """
    check.choice("form", form, FORMS)
    dt, method, synapse = FORMS[form]
    ne, ni, m, d_max = 800, 200, 100, 20
    net = sp.Network(dt=dt, seed=seed)
    rng = net.rng
    # one population (so that one projection holds every excitatory synapse): 0..799 excitatory
    is_exc = np.arange(ne + ni) < ne
    order = {"order": "spnet"} if method == "izhikevich" else {}
    model = sp.Izhikevich(
        a=np.where(is_exc, 0.02, 0.1), b=0.2, c=-65.0, d=np.where(is_exc, 8.0, 2.0),
        method=method, **order,
    )  # fmt: skip
    pop = net.add_neurons(ne + ni, model, name="neurons")
    post_e = _distinct_targets(rng, ne, ne + ni, m, exclude_self=True)
    post_i = _distinct_targets(rng, ni, ne, m, exclude_self=False)
    stdp = sp.STDP(
        a_plus=0.1, a_minus=0.12, tau_plus=20.0, tau_minus=20.0, w_min=0.0, w_max=10.0,
        pairing="nearest", update=sp.SpnetUpdate(interval=1000.0, bias=0.01, decay=0.9),
    )  # fmt: skip
    projections = {
        "exc": net.connect(
            pop, pop, i=np.repeat(np.arange(ne), m), j=post_e.ravel(), weight=6.0,
            delay=np.tile(np.repeat(np.arange(1, d_max + 1), m // d_max), ne).astype(float),
            synapse=synapse, plasticity=stdp, name="exc",
        ),
        "inh": net.connect(
            pop, pop, i=np.repeat(np.arange(ne, ne + ni), m), j=post_i.ravel(), weight=-5.0,
            delay=1.0, synapse=synapse, name="inh",
        ),
    }  # fmt: skip
    net.add_current(pop, sp.inputs.RandomPulse(amplitude=input_amplitude, interval=1.0))
    records = {
        "exc": net.record_spikes(pop, neurons=np.arange(ne)),
        "inh": net.record_spikes(pop, neurons=np.arange(ne, ne + ni)),
    }
    initial = {"exc": projections["exc"].weight.copy()}
    name = "polychronization" if form == "published" else f"polychronization(form={form!r})"
    return PolychronizationModel(name, net, records, duration, projections, initial)
