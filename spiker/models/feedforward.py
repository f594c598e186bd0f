"""A Poisson-driven feed-forward layer with STDP (the benchmark of issue 10, after Song, Miller
and Abbott 2000)."""

from __future__ import annotations

import spiker as sp
from spiker import _validate as check
from spiker.models.base import Model, catalogue


@catalogue("Feed-forward STDP: 1000 Poisson inputs into 100 RS neurons (a benchmark workload)")
def feedforward_stdp(
    seed: int = 1,
    duration: float = 10_000.0,
    n_inputs: int = 1000,
    n_neurons: int = 100,
    rate_hz: float = 10.0,
    w_max: float = 1.0,
) -> Model:
    """``n_inputs`` Poisson trains at ``rate_hz`` into ``n_neurons`` RS neurons, all to all,
    through plastic "jump" synapses (v += w on arrival, delay 1 ms).

    Weights start uniform in [0, w_max] (mV) and learn by additive all-pairs STDP:
    a_plus = 0.01 w_max, a_minus = 1.05 a_plus, tau_plus = tau_minus = 20 ms, hard bounds
    [0, w_max]. Forward Euler at dt = 0.1 ms. With the defaults the mean drive is about
    n_inputs * rate * w_max / 2 = 5 mV/ms, and the neurons fire at about 12 Hz.

    Every part has a counterpart in Brian2 (``PoissonGroup``, ``on_pre='v += w'``) and NEST
    (``poisson_generator``, ``stdp_synapse``), so the network is built by both for comparisons.

    Records: spike records ``"neurons"``; projection ``"input"``.
    """
    n_inputs = check.positive_int("n_inputs", n_inputs)
    n_neurons = check.positive_int("n_neurons", n_neurons)
    w_max = check.finite_float("w_max", w_max, positive=True)
    net = sp.Network(dt=0.1, seed=seed)
    inputs = net.add_poisson(n_inputs, rate_hz, name="inputs")
    out = net.add_neurons(n_neurons, sp.Izhikevich.preset("RS", method="euler"), name="neurons")
    a_plus = 0.01 * w_max
    stdp = sp.STDP(a_plus=a_plus, a_minus=1.05 * a_plus, tau_plus=20.0, tau_minus=20.0,
                   w_min=0.0, w_max=w_max)  # fmt: skip
    proj = net.connect(inputs, out, sp.connect.all_to_all(), weight=sp.Uniform(0.0, w_max),
                       delay=1.0, synapse="jump", plasticity=stdp, name="input")  # fmt: skip
    records = {"neurons": net.record_spikes(out)}
    return Model("feedforward_stdp", net, records, duration, {"input": proj})
