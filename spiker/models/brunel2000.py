"""Brunel (2000), "Dynamics of sparsely connected networks of excitatory and inhibitory spiking
neurons", J Comput Neurosci 8:183, figure 8, as Brian2's ``examples/frompapers/Brunel_2000.py``
builds it."""

from __future__ import annotations

import spiker as sp
from spiker import _validate as check
from spiker.models.base import Model, catalogue

#: Figure 8's panels: g (inhibition relative to excitation), nu_ext / nu_thr, shown time (ms).
PANELS_2000 = {
    "A": (3.0, 2.0, (500.0, 600.0)),  # synchronous regular
    "B": (6.0, 4.0, (1000.0, 1200.0)),  # asynchronous irregular, fast oscillation
    "C": (5.0, 2.0, (1000.0, 1200.0)),  # asynchronous irregular
    "D": (4.5, 0.9, (1000.0, 1200.0)),  # synchronous irregular, slow oscillation
}


@catalogue(
    "Brunel (2000) sparse E/I LIF network, delta synapses, figure 8 panels A-D",
    variant="panel",
    choices={"panel": tuple(PANELS_2000)},
)
def brunel2000(panel: str = "A", seed: int = 1, n_e: int = 10000, duration: float | None = None):
    """Brian2's Brunel (2000) example, panel ``panel`` of figure 8.

    N_E = ``n_e`` excitatory and N_I = N_E/4 inhibitory LIF neurons: ``tau dv/dt = -v``,
    tau = 20 ms, threshold ``v > 20 mV``, reset 10 mV, refractory 2 ms, v0 = 0, exact integration
    at dt = 0.1 ms. Every pair is connected with probability 0.1 (C_E = 0.1 N_E inputs from
    excitatory neurons, autapses allowed); an excitatory spike adds J = 0.1 mV to v, an
    inhibitory one -g J, after D = 1.5 ms. Each neuron receives C_ext = C_E external Poisson
    inputs (``add_poisson_input``, Brian2's PoissonInput) of weight J at
    ``nu_ext = ratio * nu_thr``, nu_thr = theta / (J C_E tau). ``duration`` defaults to the end
    of the panel's window.

    Records: the spike record ``"exc"`` of the first 50 excitatory neurons (as the example) and
    the population rates ``"rate_exc"`` and ``"rate_inh"``.
    """
    check.choice("panel", panel, PANELS_2000)
    n_e = check.positive_int("n_e", n_e)
    g, ratio, window = PANELS_2000[panel]
    n_i = round(0.25 * n_e)
    c_e = 0.1 * n_e
    tau, theta, J = 20.0, 20.0, 0.1
    nu_thr = theta / (J * c_e * tau) * 1000.0  # Hz
    net = sp.Network(dt=0.1, seed=seed)
    model = sp.LIF(tau_m=tau, v_rest=0.0, v_reset=10.0, v_th=theta, refractory=2.0,
                   method="exact", threshold=">")  # fmt: skip
    exc = net.add_neurons(n_e, model, name="exc", v0=0.0)
    inh = net.add_neurons(n_i, model, name="inh", v0=0.0)
    rule = sp.connect.fixed_probability(0.1)
    for pre, w in ((exc, J), (inh, -g * J)):
        for post in (exc, inh):
            net.connect(pre, post, rule, weight=w, delay=1.5, synapse="jump")
    for pop in (exc, inh):
        net.add_poisson_input(pop, round(c_e), ratio * nu_thr, weight=J)
    records = {
        "exc": net.record_spikes(exc, neurons=range(min(50, n_e))),
        "rate_exc": net.record_rate(exc),
        "rate_inh": net.record_rate(inh),
    }
    model = Model(f"brunel2000:{panel}", net, records, window[1] if duration is None else duration)
    model.window = window
    return model
