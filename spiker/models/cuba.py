"""Vogels & Abbott (2005) CUBA, as Brian2's ``examples/CUBA.py`` builds it (benchmark 2 of
Brette et al. 2007): LIF neurons with exponential synaptic currents and refractoriness."""

from __future__ import annotations

import spiker as sp
from spiker import _validate as check
from spiker.models.base import Model, catalogue


@catalogue("Vogels & Abbott (2005) CUBA: 4000 LIF neurons, exponential currents (Brian2's CUBA)")
def cuba(seed: int = 1, n: int = 4000, duration: float = 1000.0) -> Model:
    """Brian2's CUBA example: ``n`` LIF neurons, 80 % excitatory.

    ``tau_m dv/dt = (ge + gi) - (v - El)`` with tau_m = 20 ms, El = -49 mV, threshold
    ``v > Vt = -50 mV``, reset to Vr = -60 mV, refractory 5 ms (``unless refractory``), exact
    integration at dt = 0.1 ms; ``ge`` and ``gi`` decay with taue = 5 ms and taui = 10 ms
    (``sp.LIF`` with R = 1 and exponential synapses, currents in mV). Each pair is connected with
    probability ``p = 0.02 * 4000 / n`` (Brian2's 0.02 at n = 4000: 80 inputs per neuron at any
    size), excitatory weights ``we = 60*0.27/10 = 1.62 mV``, inhibitory ``wi = -20*4.5/10 = -9
    mV``, zero delay (Brian2's default). Initial ``v = Vr + rand()*(Vt - Vr)``, from the seed.

    Records: spike records ``"exc"`` and ``"inh"``.
    """
    n = check.positive_int("n", n)
    if n < 5:
        raise ValueError(f"n must be >= 5 (80 % excitatory, 20 % inhibitory); got {n}")
    net = sp.Network(dt=0.1, seed=seed)
    n_exc = round(0.8 * n)
    Vt, Vr = -50.0, -60.0
    model = sp.LIF(tau_m=20.0, v_rest=-49.0, v_reset=Vr, v_th=Vt, refractory=5.0,
                   method="exact", threshold=">")  # fmt: skip
    v0 = Vr + net.rng.random(n) * (Vt - Vr)
    exc = net.add_neurons(n_exc, model, name="exc", v0=v0[:n_exc])
    inh = net.add_neurons(n - n_exc, model, name="inh", v0=v0[n_exc:])
    rule = sp.connect.fixed_probability(min(1.0, 0.02 * 4000 / n))
    for pre, w, tau in ((exc, 60 * 0.27 / 10, 5.0), (inh, -20 * 4.5 / 10, 10.0)):
        for post in (exc, inh):
            net.connect(pre, post, rule, weight=w, delay=0.0, synapse="exponential",
                        tau_syn=tau)  # fmt: skip
    records = {"exc": net.record_spikes(exc), "inh": net.record_spikes(inh)}
    return Model("cuba", net, records, duration)
