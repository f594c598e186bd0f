"""Spike-timing-dependent plasticity: rule parameters; the event-driven updates are kernels.

Pair-based STDP with event-driven traces (Song, Miller and Abbott 2000; Morrison et al. 2008).
For a synapse whose presynaptic spike *arrives* (axonal delay included) at t_pre and whose
postsynaptic neuron spikes at t_post, with Δt = t_post - t_pre::

    Δt >= 0 (pre before post):  w += a_plus  * exp(-Δt / tau_plus)
    Δt <  0 (post before pre):  w -= a_minus * exp(-|Δt| / tau_minus)

``rule="multiplicative"`` scales potentiation by (w_max - w) and depression by (w - w_min);
weights are clipped to [w_min, w_max] after every change (hard bounds). ``pairing="all"`` sums
over all pairs (traces add 1 per spike); ``"nearest"`` pairs each spike with the nearest earlier
spike of the other side only (traces are set to 1).

Within a step, presynaptic arrivals are processed before postsynaptic spikes (as Brian2 runs its
``on_pre`` before ``on_post``), so Δt = 0 potentiates. A spike is delivered with the weight it has
at its arrival, before that step's plasticity, as in Brian2's ``on_pre='v += w; ...'``.

Nothing per synapse is touched in a step where neither of its sides spikes: traces are decayed
from their last update when they are read, and a postsynaptic spike reaches only the incoming
plastic synapses of the neuron that fired (an index by postsynaptic neuron).

With ``modulation`` (:mod:`spiker.modulation`) the changes go into an eligibility trace c instead
of the weight, and the weight moves by (baseline + dopamine) x c.
"""

from __future__ import annotations

from dataclasses import dataclass

from spiker import _validate as check
from spiker.modulation import MODULATIONS, ContinuousModulation, IntervalModulation


@dataclass(frozen=True)
class SpnetUpdate:
    """Deferred weight updates, as in Izhikevich's spnet (2006).

    STDP changes accumulate into a per-synapse derivative ``sd`` instead of the weight; every
    ``interval`` ms ``w += bias + sd; sd *= decay``, then w is clipped to [w_min, w_max]
    (spnet: interval 1000 ms, bias 0.01, decay 0.9).
    """

    interval: float = 1000.0
    bias: float = 0.01
    decay: float = 0.9

    def __post_init__(self) -> None:
        check.finite_float("interval", self.interval, positive=True)
        check.finite_float("bias", self.bias)
        check.finite_float("decay", self.decay, nonnegative=True)


@dataclass(frozen=True)
class STDP:
    """Pair-based STDP; give it as ``plasticity=`` to :meth:`spiker.Network.connect`.

    Parameters
    ----------
    a_plus, a_minus : float
        Amplitudes (>= 0) of potentiation and depression, in weight units.
    tau_plus, tau_minus : float
        Time constants of the windows, ms (> 0).
    w_min, w_max : float
        Hard bounds.
    pairing : {"all", "nearest"}
    rule : {"additive", "multiplicative"}
    update : SpnetUpdate or None
        ``None`` applies every change at once; a :class:`SpnetUpdate` defers them.
    modulation : IntervalModulation or ContinuousModulation or None
        Dopamine-modulated STDP (:mod:`spiker.modulation`): the changes go into the synapse's
        eligibility trace c, and the weight moves by (baseline + dopamine) x c on the
        modulation's schedule. Not together with ``update``.
    """

    a_plus: float = 0.01
    a_minus: float = 0.0105
    tau_plus: float = 20.0
    tau_minus: float = 20.0
    w_min: float = 0.0
    w_max: float = 1.0
    pairing: str = "all"
    rule: str = "additive"
    update: SpnetUpdate | None = None
    modulation: IntervalModulation | ContinuousModulation | None = None

    def __post_init__(self) -> None:
        check.finite_float("a_plus", self.a_plus, nonnegative=True)
        check.finite_float("a_minus", self.a_minus, nonnegative=True)
        check.finite_float("tau_plus", self.tau_plus, positive=True)
        check.finite_float("tau_minus", self.tau_minus, positive=True)
        check.finite_float("w_min", self.w_min)
        check.finite_float("w_max", self.w_max)
        if self.w_max < self.w_min:
            raise ValueError(f"w_max must be >= w_min = {self.w_min}; got {self.w_max}")
        check.choice("pairing", self.pairing, {"all", "nearest"})
        check.choice("rule", self.rule, {"additive", "multiplicative"})
        if self.update is not None and not isinstance(self.update, SpnetUpdate):
            raise TypeError(f"update must be None or an sp.SpnetUpdate; got {self.update!r}")
        if self.modulation is not None:
            if not isinstance(self.modulation, MODULATIONS):
                raise TypeError(
                    "modulation must be None, an sp.IntervalModulation or an "
                    f"sp.ContinuousModulation; got {self.modulation!r}"
                )
            if self.update is not None:
                raise ValueError(
                    "give update (spnet's deferred changes) or modulation (dopamine-gated "
                    "changes), not both: a modulation has its own schedule"
                )
