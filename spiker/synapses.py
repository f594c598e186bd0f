"""Projections: the synapses from one group to another, as flat arrays.

A projection holds one entry per synapse: presynaptic index ``i`` and postsynaptic index ``j``
(local to their groups), ``weight`` and ``delay``. When a presynaptic spike is emitted at step n
(see :meth:`spiker.Network.run`) every synapse of the neuron delivers its weight at step
``n + delay_steps`` (axonal delay, at least one step), acting on the target by its kind:

``"jump"``
    ``v += w`` at arrival (NEST ``izhikevich``, Brian2 ``on_pre='v += w'``).
``"pulse"``
    ``I += w`` during the arrival step only (net.m, spnet); its effect on v scales with dt.
``"exponential"``
    ``I_syn += w`` at arrival, ``dI_syn/dt = -I_syn / tau_syn`` (integrated exactly), and
    ``I_syn`` is part of the neuron's input current.
"""

from __future__ import annotations

import numpy as np

KINDS = ("jump", "pulse", "exponential")


class Projection:
    """Synapses from ``pre`` to ``post``, created by :meth:`spiker.Network.connect`.

    Attributes
    ----------
    i, j : int32 arrays of shape (n_synapses,)
        Pre- and postsynaptic indices within their groups.
    weight : float64 array of shape (n_synapses,)
        Live: read it after a run, or assign it (whole or in part) before the next one.
    delay : float64 array of shape (n_synapses,)
        Axonal delays in ms, after rounding to whole steps.
    delay_steps : int32 array of shape (n_synapses,)
    kind : str
        ``"jump"``, ``"pulse"`` or ``"exponential"``.
    tau_syn : float or None
        Decay time constant (ms) of the ``"exponential"`` kind.
    plasticity : STDP or None
    """

    def __init__(self, pre, post, i, j, weight, delay_steps, dt, kind, tau_syn, name, plasticity):
        self.pre = pre
        self.post = post
        self.i = np.ascontiguousarray(i, dtype=np.int32)
        self.j = np.ascontiguousarray(j, dtype=np.int32)
        self._weight = np.ascontiguousarray(weight, dtype=np.float64)
        self.delay_steps = np.ascontiguousarray(delay_steps, dtype=np.int32)
        self._dt = dt
        self.kind = kind
        self.tau_syn = tau_syn
        self.name = name
        self.plasticity = plasticity
        # event-driven STDP state per synapse (traces, their last update step, deferred change)
        self._plastic = None
        if plasticity is not None:
            n = self.i.shape[0]
            self._plastic = {
                "x": np.zeros(n), "xl": np.zeros(n, np.int64), "y": np.zeros(n),
                "yl": np.zeros(n, np.int64), "sd": np.zeros(n),
            }  # fmt: skip

    @property
    def n(self) -> int:
        """Number of synapses."""
        return int(self.i.shape[0])

    def __len__(self) -> int:
        return self.n

    @property
    def weight(self) -> np.ndarray:
        return self._weight

    @weight.setter
    def weight(self, value) -> None:
        arr = np.asarray(value, dtype=np.float64)
        if arr.ndim == 0:
            arr = np.full(self.n, arr.item())
        if arr.shape != (self.n,):
            raise ValueError(f"weight must be a scalar or have shape ({self.n},); got {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError("weight must be finite; found NaN or infinity")
        self._weight[:] = arr

    @property
    def eligibility(self) -> np.ndarray:
        """The eligibility trace c of each synapse of a rule with ``modulation`` (its deferred
        change with an ``SpnetUpdate``), shape (n_synapses,); live, like ``weight``."""
        if self._plastic is None:
            raise AttributeError(f"projection {self.name!r} is not plastic: it has no eligibility")
        return self._plastic["sd"]

    @property
    def delay(self) -> np.ndarray:
        return self.delay_steps * self._dt

    def __repr__(self) -> str:
        return (
            f"Projection({self.name!r}: {self.pre.name} -> {self.post.name}, {self.n} synapses, "
            f"kind={self.kind!r})"
        )
