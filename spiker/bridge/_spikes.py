"""Spikes: spike events on integer steps, the currency of :mod:`spiker.bridge`."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, TypeAlias

import numpy as np
from numpy.typing import ArrayLike

from spiker import _validate as check
from spiker.monitors import SpikeTimes

if TYPE_CHECKING:
    from spiker.groups import SpikeSource
    from spiker.monitors import SpikeRecord
    from spiker.network import Network


class Spikes(SpikeTimes):
    """Spike events of ``n`` units on a time grid of step ``dt``: unit ``i[k]`` at ``steps[k]``.

    The same fields as :class:`spiker.SpikeRecord`, without a network: encoders return it,
    :func:`spiker.bridge.load_npz` reads it back, and every function of :mod:`spiker.bridge` takes
    either.

    Parameters
    ----------
    steps : int array (count,)
        Step of each spike; its time is ``steps * dt`` ms.
    i : int array (count,)
        Unit of each spike, in ``0 .. n - 1``.
    n : int
        Number of units.
    dt : float
        Step, ms (> 0).
    t_start, t_stop : float
        Observed time window in ms, whole steps; ``t_stop`` defaults to one step after the last
        spike (``t_start`` if there is none).
    name : str
        Label (the group name for records).
    neurons : int array or None
        Units that were observed (sorted); default all ``n``.

    Attributes
    ----------
    steps : int64 array (count,)
    i : int32 array (count,)
    t : float64 array (count,)
        Spike times, ms.
    """

    def __init__(
        self,
        steps: ArrayLike,
        i: ArrayLike,
        n: int,
        dt: float,
        t_start: float = 0.0,
        t_stop: float | None = None,
        name: str = "spikes",
        neurons: ArrayLike | None = None,
    ) -> None:
        self.n = check.positive_int("n", n)
        check.fits_in_memory("n", 8 * self.n, f"the index of n = {self.n} units")
        self.dt = check.finite_float("dt", dt, positive=True)
        steps = check.real_array("steps", steps)
        if steps.ndim != 1 or (steps.size and steps.dtype.kind not in "iu"):
            raise TypeError(f"steps must be a 1-d integer array; got {steps.dtype} {steps.shape}")
        if steps.size and not (-check.MAX_STEPS <= steps.min() and steps.max() <= check.MAX_STEPS):
            raise ValueError(
                f"steps must lie within +-2**50; got values in [{steps.min()}, {steps.max()}]"
            )
        self.steps = steps.astype(np.int64)
        self.i = check.index_array("i", i, self.n).astype(np.int32)
        if self.i.shape != self.steps.shape:
            raise ValueError(
                f"steps and i must have equal lengths; got {self.steps.shape[0]} and "
                f"{self.i.shape[0]}"
            )
        s0 = check.whole_steps("t_start", t_start, self.dt, minimum=-check.MAX_STEPS)
        if t_stop is None:
            s1 = max(s0, int(self.steps.max()) + 1) if self.steps.size else s0
        else:
            s1 = check.whole_steps("t_stop", t_stop, self.dt, minimum=s0, minimum_name="t_start")
        widest = max(abs(s0), abs(s1), int(np.abs(self.steps).max()) if self.steps.size else 0)
        if not math.isfinite(widest * self.dt):
            raise ValueError(
                f"steps * dt must be finite times in ms; step {widest} of dt = {self.dt} ms is not"
            )
        self.t_start, self.t_stop = s0 * self.dt, s1 * self.dt
        if not isinstance(name, str):
            raise TypeError(f"name must be a string; got {check._short(name)}")
        self.name = name
        if neurons is None:
            self.neurons = np.arange(self.n, dtype=np.int64)
        else:
            self.neurons = np.unique(check.index_array("neurons", neurons, self.n))

    @classmethod
    def from_record(cls, record: SpikeRecord | Spikes) -> Spikes:
        """A copy of a :class:`spiker.SpikeRecord` (or of another Spikes)."""
        if isinstance(record, Spikes):
            return record
        from spiker.monitors import SpikeRecord

        if not isinstance(record, SpikeRecord):
            kind = type(record).__name__
            raise TypeError(
                f"record must be a spiker.SpikeRecord or spiker.bridge.Spikes; got {kind}"
            )
        group = record.group
        return cls(
            record.steps,
            record.i,
            group.n,
            record.dt,
            record.t_start,
            record.t_stop,
            group.name,
            record.neurons,
        )

    @property
    def n_units(self) -> int:
        return self.n

    def add_to(self, net: Network, name: str | None = None) -> SpikeSource:
        """Add these spikes to ``net`` as a spike source, ready for :meth:`Network.connect`.

        Calls ``net.add_spike_source(self.t, self.i, n=self.n, name=name)``; ``net.dt`` must
        equal ``self.dt`` so that no spike moves to another step. Returns the
        :class:`spiker.SpikeSource`.
        """
        from spiker.network import Network

        if not isinstance(net, Network):
            raise TypeError(f"net must be a spiker.Network; got {type(net)!r}")
        if not math.isclose(net.dt, self.dt, rel_tol=1e-12):
            raise ValueError(
                f"net.dt must equal the spikes' dt = {self.dt} ms; got {net.dt} ms (encode "
                "with dt=net.dt)"
            )
        return net.add_spike_source(self.t, self.i, n=self.n, name=name)

    def __repr__(self) -> str:
        return (
            f"Spikes({self.name!r}, n={self.n}, {self.count} spikes, "
            f"[{self.t_start}, {self.t_stop}) ms, dt={self.dt})"
        )


#: What the bridge accepts as spikes: a network's record, or network-free :class:`Spikes`.
SpikesLike: TypeAlias = "SpikeRecord | Spikes"


def as_spikes(argname: str, value: object) -> Spikes:
    """A :class:`Spikes` from a Spikes or a :class:`spiker.SpikeRecord`; TypeError otherwise."""
    from spiker.monitors import SpikeRecord

    if isinstance(value, Spikes | SpikeRecord):
        return Spikes.from_record(value)
    raise TypeError(
        f"{argname} must be a spiker.SpikeRecord or spiker.bridge.Spikes; got {type(value)!r}"
    )
