"""Izhikevich (2006), "Polychronization: computation with spikes", Neural Comput 18:245 (spnet)."""

from __future__ import annotations

import numpy as np

import spiker as sp
from spiker.models.base import Model


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


def polychronization(
    seed: int = 1, duration: float = 3_600_000.0, input_amplitude: float = 20.0
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

    The neurons form one population ``"neurons"`` (0..799 excitatory). Records: spike records
    ``"exc"`` and ``"inh"`` (indices within the population); projections ``"exc"`` (every
    excitatory synapse, plastic) and ``"inh"``.
    """
    ne, ni, m, d_max = 800, 200, 100, 20
    net = sp.Network(dt=1.0, seed=seed)
    rng = net.rng
    # one population (so that one projection holds every excitatory synapse): 0..799 excitatory
    is_exc = np.arange(ne + ni) < ne
    model = sp.Izhikevich(
        a=np.where(is_exc, 0.02, 0.1), b=0.2, c=-65.0, d=np.where(is_exc, 8.0, 2.0),
        method="izhikevich", order="spnet",
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
            synapse="pulse", plasticity=stdp, name="exc",
        ),
        "inh": net.connect(
            pop, pop, i=np.repeat(np.arange(ne, ne + ni), m), j=post_i.ravel(), weight=-5.0,
            delay=1.0, synapse="pulse", name="inh",
        ),
    }  # fmt: skip
    net.add_current(pop, sp.inputs.RandomPulse(amplitude=input_amplitude, interval=1.0))
    records = {
        "exc": net.record_spikes(pop, neurons=np.arange(ne)),
        "inh": net.record_spikes(pop, neurons=np.arange(ne, ne + ni)),
    }
    return Model("polychronization", net, records, duration, projections)
