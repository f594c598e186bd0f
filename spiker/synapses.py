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

from spiker import _validate as check

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
        # event-driven STDP state. All synapses of one presynaptic unit with one delay (a
        # "segment") see the same arrivals, so they share one presynaptic trace; all synapses
        # onto one postsynaptic unit share its postsynaptic trace. Traces are stored with the
        # step of their last update; the deferred change (SpnetUpdate) is per synapse.
        self._plastic = None
        if plasticity is not None:
            keys = self.i.astype(np.int64) * (int(self.delay_steps.max(initial=0)) + 1)
            keys += self.delay_steps
            seg_keys, self._syn_seg = np.unique(keys, return_inverse=True)
            self._syn_seg = self._syn_seg.astype(np.int64)  # synapse -> its segment
            n_seg = seg_keys.shape[0]
            self._plastic = {
                "sd": np.zeros(self.i.shape[0]),  # deferred change per synapse
                "x": np.zeros(n_seg), "xl": np.zeros(n_seg, np.int64),  # per segment
                "y": np.zeros(post.n), "yl": np.zeros(post.n, np.int64),  # per post unit
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
        arr = check.float_array("weight", value, self.n)
        rule = self.plasticity
        if rule is not None and arr.size and (arr.min() < rule.w_min or arr.max() > rule.w_max):
            raise ValueError(
                f"weight must lie in [w_min, w_max] = [{rule.w_min:g}, {rule.w_max:g}] of the "
                f"plasticity rule of {self.name!r}; got values in [{arr.min():g}, {arr.max():g}]"
            )
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
