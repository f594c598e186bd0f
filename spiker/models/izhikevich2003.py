"""Izhikevich (2003), "Simple model of spiking neurons", IEEE TNN 14:1569: the net.m network."""

from __future__ import annotations

import spiker as sp
from spiker.models.base import Model


def izhikevich2003(seed: int = 1, duration: float = 1000.0, noise: float = 1.0) -> Model:
    """The 1000-neuron random cortical network of net.m, built exactly as published.

    800 excitatory cells with ``re ~ U(0,1)``: a = 0.02, b = 0.2, c = -65 + 15 re^2,
    d = 8 - 6 re^2; 200 inhibitory cells with ``ri ~ U(0,1)``: a = 0.02 + 0.08 ri,
    b = 0.25 - 0.05 ri, c = -65, d = 2; v0 = -65, u0 = b v0. All-to-all (autapses included)
    weights 0.5 U(0,1) from excitatory and -U(0,1) from inhibitory cells, delivered as a one-step
    current ("pulse", delay 1 ms). Thalamic input: Gaussian noise with std 5 (excitatory) and
    2 (inhibitory), drawn afresh each ms. The published integration: dt = 1 ms, v in two half
    steps, then u.

    ``noise`` scales the thalamic input (std ``5*noise`` and ``2*noise``; 1 is net.m), the
    parameter that ``spiker sweep izhikevich2003 --grid noise=...`` varies.

    Records: spike records ``"exc"`` and ``"inh"``.
    """
    net = sp.Network(dt=1.0, seed=seed)
    rng = net.rng
    re = rng.random(800)
    ri = rng.random(200)
    exc = net.add_neurons(
        800,
        sp.Izhikevich(a=0.02, b=0.2, c=-65 + 15 * re**2, d=8 - 6 * re**2, method="izhikevich"),
        name="exc",
    )
    inh = net.add_neurons(
        200,
        sp.Izhikevich(a=0.02 + 0.08 * ri, b=0.25 - 0.05 * ri, c=-65.0, d=2.0, method="izhikevich"),
        name="inh",
    )
    for pre, scale in ((exc, 0.5), (inh, -1.0)):
        for post in (exc, inh):
            net.connect(
                pre,
                post,
                sp.connect.all_to_all(),
                weight=lambda rng, size, s=scale: s * rng.random(size),
                delay=1.0,
                synapse="pulse",
            )
    net.add_current(exc, sp.inputs.Noise(std=5.0 * noise, interval=1.0))
    net.add_current(inh, sp.inputs.Noise(std=2.0 * noise, interval=1.0))
    records = {"exc": net.record_spikes(exc), "inh": net.record_spikes(inh)}
    return Model("izhikevich2003", net, records, duration)
