"""Groups of a network: neuron populations and spike sources, each a slice of the global index."""

from __future__ import annotations

import numpy as np


class Group:
    """``n`` units occupying global indices ``start .. start + n - 1`` of a network."""

    kind = "group"

    def __init__(self, net, name: str, n: int, start: int):
        self.net = net
        self.name = name
        self.n = n
        self.start = start

    @property
    def stop(self) -> int:
        return self.start + self.n

    def __len__(self) -> int:
        return self.n

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r}, n={self.n})"


class Population(Group):
    """Izhikevich neurons, created by :meth:`Network.add_neurons`.

    State and parameters are views into the network's arrays, shape (n,): ``v`` (mV), ``u``,
    ``a``, ``b``, ``c`` (mV), ``d``, ``v_peak`` (mV). Writing into them (``pop.v[:] = -70``)
    changes the network.
    """

    kind = "neurons"

    def __init__(self, net, name, n, start, model):
        super().__init__(net, name, n, start)
        self.model = model

    def _view(self, name: str) -> np.ndarray:
        return getattr(self.net, "_" + name)[self.start : self.stop]

    v = property(lambda self: self._view("v"), doc="membrane potential, mV, shape (n,)")
    u = property(lambda self: self._view("u"), doc="recovery variable, shape (n,)")
    a = property(lambda self: self._view("a"))
    b = property(lambda self: self._view("b"))
    c = property(lambda self: self._view("c"))
    d = property(lambda self: self._view("d"))
    v_peak = property(lambda self: self._view("v_peak"))


class SpikeSource(Group):
    """Units that spike at given steps, created by :meth:`Network.add_spike_source`.

    ``steps`` and ``i`` (local indices) are sorted by step, then index.
    """

    kind = "spike_source"

    def __init__(self, net, name, n, start, steps: np.ndarray, i: np.ndarray):
        super().__init__(net, name, n, start)
        self.steps = steps
        self.i = i

    def events(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """(steps, global indices) of the spikes in steps [lo, hi)."""
        a, b = np.searchsorted(self.steps, [lo, hi])
        return self.steps[a:b], self.i[a:b] + self.start


class PoissonSource(Group):
    """Independent Poisson spike trains at ``rate_hz`` (shape (n,)), created by
    :meth:`Network.add_poisson`: each unit spikes in a step with probability ``rate * dt``,
    drawn from its own generator spawned from the network's seed."""

    kind = "poisson"

    def __init__(self, net, name, n, start, rate_hz: np.ndarray, rng: np.random.Generator):
        super().__init__(net, name, n, start)
        self.rate_hz = rate_hz
        self.rng = rng

    def events(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        p = self.rate_hz * (self.net.dt / 1000.0)
        k, i = np.nonzero(self.rng.random((hi - lo, self.n)) < p)
        return k + lo, i + self.start
