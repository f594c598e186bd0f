"""The bridge between spiking networks and conventional ones.

Spike records -> rate features (:func:`rates`, :func:`population_rate`), features -> LSTM
sequences (:func:`windows`) and CNN images (:func:`images`); data -> input spikes
(:func:`poisson_encode`, :func:`latency_encode`, :func:`trials`); export to NEO
(:func:`to_neo`) and to a pickle-free ``.npz`` (:func:`save_npz`, :func:`load_npz`).

Time is in ms at this API and in integer steps inside: bins are whole numbers of steps, so an
edge never splits a step. See ``docs/bridge.md``.

>>> import numpy as np, spiker as sp
>>> from spiker import bridge
>>> net = sp.Network(dt=0.5, seed=1)
>>> inp = bridge.poisson_encode(np.full(4, 0.5), 100.0, 100.0, rng=1, dt=0.5).add_to(net)
>>> pop = net.add_neurons(4, sp.Izhikevich.preset("RS"))
>>> _ = net.connect(inp, pop, sp.connect.one_to_one(), weight=20.0)
>>> rec = net.record_spikes(pop)
>>> net.run(100.0, progress=False)
>>> bridge.rates(rec, bin_ms=10.0).shape
(10, 4)
"""

from spiker.bridge._spikes import Spikes
from spiker.bridge.encoders import ENCODERS, Trials, latency_encode, poisson_encode, trials
from spiker.bridge.features import KERNELS, images, population_rate, rates, windows
from spiker.bridge.io import load_npz, save_npz, to_neo

__all__ = [
    "ENCODERS",
    "KERNELS",
    "Spikes",
    "Trials",
    "images",
    "latency_encode",
    "load_npz",
    "poisson_encode",
    "population_rate",
    "rates",
    "save_npz",
    "to_neo",
    "trials",
    "windows",
]
