"""spiker: an event-driven Izhikevich spiking-network simulator with numba kernels.

>>> import spiker as sp
>>> net = sp.Network(dt=0.1, seed=1)
>>> pop = net.add_neurons(10, sp.Izhikevich.preset("RS"))
>>> _ = net.add_current(pop, 10.0)
>>> spikes = net.record_spikes(pop)
>>> net.run(100.0, progress=False)
"""

from spiker import bridge, connect, inputs, store, streams
from spiker.distributions import Normal, Uniform
from spiker.groups import PoissonSource, Population, SpikeSource
from spiker.modulation import ContinuousModulation, Dopamine, IntervalModulation
from spiker.monitors import DopamineRecord, RateRecord, SpikeRecord, StateRecord, WeightRecord
from spiker.network import ConvergenceWarning, Network
from spiker.neurons import LIF, PRESETS_2003, PRESETS_2007, Izhikevich, Izhikevich2007
from spiker.plasticity import STDP, SpnetUpdate
from spiker.sweep import sweep
from spiker.synapses import Projection

__version__ = "0.1.0"


_LAZY = ("interop", "models", "plot")  # imported on first use: matplotlib, the models' builds


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return importlib.import_module(f"spiker.{name}")
    raise AttributeError(f"module 'spiker' has no attribute {name!r}")


def __dir__():
    # the lazily imported subpackages are part of the package: list them as if imported
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "PRESETS_2003",
    "PRESETS_2007",
    "ContinuousModulation",
    "ConvergenceWarning",
    "Dopamine",
    "DopamineRecord",
    "IntervalModulation",
    "Izhikevich",
    "Izhikevich2007",
    "LIF",
    "Network",
    "Normal",
    "PoissonSource",
    "Population",
    "Projection",
    "RateRecord",
    "SpikeRecord",
    "STDP",
    "SpikeSource",
    "SpnetUpdate",
    "StateRecord",
    "Uniform",
    "WeightRecord",
    "bridge",
    "connect",
    "inputs",
    "interop",
    "models",
    "plot",
    "store",
    "streams",
    "sweep",
]
