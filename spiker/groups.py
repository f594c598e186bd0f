"""Groups of a network: neuron populations and spike sources, each a slice of the global index."""

from __future__ import annotations

import functools

import numpy as np

from spiker.kernels.noise import poisson_start, poisson_trains


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
    """Neurons of one family, created by :meth:`Network.add_neurons`.

    The family's state variables and parameters are views into the network's tables, shape (n,):
    ``v`` (mV) for every family, ``u`` for the Izhikevich families, and each parameter by name
    (``a``, ``b``, ``c``, ``d``, ``v_peak`` for :class:`~spiker.Izhikevich`; see the spec).
    Writing into them (``pop.v[:] = -70``) changes the network.
    """

    kind = "neurons"

    def __init__(self, net, name, n, start, model):
        super().__init__(net, name, n, start)
        self.model = model
        self.family = model.family

    @property
    def state(self) -> tuple[str, ...]:
        """Names of the state variables (all recordable with ``"I"`` and ``"I_syn"``)."""
        return self.family.state

    def __getattr__(self, name: str) -> np.ndarray:
        family = self.__dict__.get("family")
        if family is not None:
            if name in family.state:
                return self.net._x[family.state.index(name), self.start : self.stop]
            if name in family.params:
                return self.net._p[family.params.index(name), self.start : self.stop]
        raise AttributeError(f"{type(self).__name__} {self.__dict__.get('name')!r} has no {name!r}")

    def __setattr__(self, name: str, value) -> None:
        """``pop.v = -70.0`` (a number or one per neuron) writes into the network's table, as
        ``pop.v[:] = ...`` does; it must not hide the variable behind an attribute."""
        family = self.__dict__.get("family")
        if family is not None and (name in family.state or name in family.params):
            from spiker import _validate as check

            getattr(self, name)[:] = check.float_array(name, value, self.n)
            return
        if family is not None and name in _family_names():
            raise AttributeError(
                f"{self.name!r} ({type(self.model).__name__}) has no {name!r}; its state: "
                f"{', '.join(family.state)}; its parameters: {', '.join(family.params)}"
            )
        super().__setattr__(name, value)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.family.state) | set(self.family.params))


@functools.cache
def _family_names() -> frozenset[str]:
    """The state and parameter names of every family."""
    from spiker.neurons import FAMILIES

    return frozenset(name for f in FAMILIES.values() for name in f.state + f.params)


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
    drawn from its own generator spawned from the network's seed.

    The trains are drawn as intervals: the steps between two spikes of a unit are geometric
    with that probability, which gives the same distribution as one Bernoulli draw per unit and
    step at a cost in proportion to the spikes, not to units x steps (a uniform per unit and
    step made ``add_poisson`` 3x slower than replaying the same trains from a spike source).
    A unit whose rate changes between runs (or in a callback) draws its next spike afresh from
    the new rate, which the memorylessness of the process makes exact."""

    kind = "poisson"
    _NEVER = np.iinfo(np.int64).max // 2  # the next spike of a unit at rate 0

    def __init__(self, net, name, n, start, rate_hz: np.ndarray, rng: np.random.Generator):
        super().__init__(net, name, n, start)
        self.rate_hz = rate_hz
        self.rng = rng
        # per unit, the key of its counter-based generator (kernels/noise.py poisson_trains)
        self._keys = rng.integers(0, 2**64, n, dtype=np.uint64, endpoint=False)
        self._next: np.ndarray | None = None  # per unit, the step of its next spike
        self._count = np.zeros(n, np.int64)  # per unit, the gaps drawn so far
        self._p = np.zeros(0)  # the probabilities per step that _next was drawn with
        self._at = -1  # the step from which _next holds (the end of the last events())

    def state(self) -> dict:
        """What the next spikes depend on besides ``rate_hz``: each unit's next spike, the
        number of gaps it has drawn, the rates they were drawn with (see :mod:`spiker.store`)."""
        nxt = None if self._next is None else self._next.tolist()
        return {"next": nxt, "count": self._count.tolist(), "p": self._p.tolist(),
                "at": self._at}  # fmt: skip

    def set_state(self, state: dict) -> None:
        """Come back to a :meth:`state`."""
        nxt = state["next"]
        self._next = None if nxt is None else np.array(nxt, np.int64).reshape(-1)
        self._count = np.array(state["count"], np.int64).reshape(-1)
        self._p = np.array(state["p"], np.float64).reshape(-1)
        self._at = int(state["at"])

    def events(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """(steps, global indices) of the spikes in steps [lo, hi); called for consecutive
        chunks (another ``lo`` starts every train afresh from ``lo``)."""
        p = self.rate_hz * (self.net.dt / 1000.0)
        count = self._count.copy()  # (a clone of this source must not move the original)
        if self._next is None or self._at != lo or self._p.shape != p.shape:
            nxt = np.empty(self.n, np.int64)
            poisson_start(self._keys, count, p, nxt, np.arange(self.n), lo, self._NEVER)
        else:
            nxt = self._next.copy()
            changed = np.flatnonzero(p != self._p)
            if changed.size:
                poisson_start(self._keys, count, p, nxt, changed, lo, self._NEVER)
        cap = int(1.5 * float(p.sum()) * (hi - lo)) + self.n + 64
        while True:
            steps, units = np.empty(cap, np.int64), np.empty(cap, np.int64)
            n_nxt, n_count = nxt.copy(), count.copy()
            m = poisson_trains(self._keys, n_count, p, n_nxt, hi, steps, units)
            if m >= 0:
                break
            cap *= 2
        self._next, self._count, self._p, self._at = n_nxt, n_count, p.copy(), hi
        return steps[:m], units[:m] + self.start
