"""Neuromodulation: an extracellular dopamine concentration and STDP gated by it.

Izhikevich (2007), "Solving the distal reward problem through linkage of STDP and dopamine
signaling", Cerebral Cortex 17:2443. STDP does not change a modulated synapse's weight w: its
changes go into the synapse's *eligibility trace* c, which decays slowly, and w moves by
(baseline + d) x c, where d is the dopamine concentration. A reward released seconds after the
spikes that earned it then strengthens the synapses whose traces still remember them.

- :class:`Dopamine` (``net.add_dopamine(tau=... or factor=...)``): the concentration d. It decays
  exponentially, rises by ``amount`` at scheduled times (:meth:`Dopamine.release`) and at the
  spikes of chosen units (:meth:`Dopamine.release_on_spikes`), and can be recorded
  (``net.record_dopamine``).
- ``sp.STDP(..., modulation=...)``: the pair-based rule of :mod:`spiker.plasticity` writing into c,
  with one of two schedules for the weight:

  :class:`IntervalModulation` (daspnet.m, the paper's program): every ``interval`` ms
  ``w += (baseline + d) * c``, then ``c *= decay``; w clipped to [w_min, w_max].

  :class:`ContinuousModulation` (Brian2's ``Izhikevich_2007.py`` example):
  ``dw/dt = (baseline + d) * c / tau_s``, ``dc/dt = -c / tau_c``, integrated exactly over each
  step, c clipped to [c_min, c_max] at every STDP change.

Within step n (schedule in :meth:`spiker.Network.run`, phase 9) the order is: the concentration
decays by its factor, the modulated weights that are due move, the releases of step n are added,
then the potentiation at the spikes of step n. With dt = 1 ms, plastic synapses of delay 1 ms and
``a_minus = 0.15/0.95`` this is daspnet.m's order (tests/spiker/test_reward.py transcribes it).

Decay factors can be given exactly: ``factor=0.995`` multiplies the concentration by 0.995 each
ms (with dt = 1 ms, bit for bit); it is ``tau = -1/ln(0.995) = 199.5 ms``, not 200 ms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from spiker import _validate as check
from spiker.kernels.build import csr_ptr
from spiker.kernels.layout import Modulators


def _factor_or_tau(tau, factor, *, tau_name="tau", factor_name="factor", default=None):
    """Check that at most one of ``tau`` (ms, > 0) and ``factor`` (in (0, 1]) is given; returns
    ``(tau, factor)`` with the other None (``default`` = (tau, factor) when neither is)."""
    if tau is not None and factor is not None:
        raise ValueError(
            f"give {tau_name} or {factor_name}, not both; got {tau_name}={tau!r}, "
            f"{factor_name}={factor!r}"
        )
    if tau is None and factor is None:
        if default is None:
            raise ValueError(f"give {tau_name} (ms) or {factor_name} (a decay factor in (0, 1])")
        return default
    if tau is not None:
        return check.finite_float(tau_name, tau, positive=True), None
    factor = check.finite_float(factor_name, factor)
    if not 0.0 < factor <= 1.0:
        raise ValueError(f"{factor_name} must lie in (0, 1]; got {factor}")
    return None, factor


def _per_step(tau: float | None, factor: float | None, span: float, dt: float) -> float:
    """The decay factor over ``dt`` ms of a quantity that decays by ``factor`` every ``span``
    ms, or with time constant ``tau``: ``factor`` itself, bit for bit, when dt == span."""
    if factor is not None:
        return factor if dt == span else factor ** (dt / span)
    return math.exp(-dt / tau)


def _integral(rate: float, dt: float) -> float:
    """``∫_0^dt exp(-rate*t) dt`` (rate in 1/ms, >= 0)."""
    return dt if rate == 0.0 else -math.expm1(-rate * dt) / rate


class Dopamine:
    """The extracellular dopamine concentration d of a network; create it with
    :meth:`spiker.Network.add_dopamine`.

    d is dimensionless (daspnet.m's ``DA``: the level above the tonic baseline, which the rules
    carry as ``baseline``). It starts at 0, is multiplied by its decay factor every step (phase 9
    of the schedule) and rises by the amounts released.

    Attributes
    ----------
    name : str
    tau : float
        Time constant, ms (``-1/ln(factor)`` when a factor was given).
    factor : float or None
        The factor per ms, when given.
    index : int
        Its row among the network's neuromodulators.
    """

    def __init__(self, net, index: int, name: str, tau: float | None, factor: float | None):
        self.net = net
        self.index = index
        self.name = name
        self.factor = factor
        self.tau = (
            tau if tau is not None else (math.inf if factor == 1.0 else -1.0 / math.log(factor))
        )
        self._tau = tau
        self._steps = np.zeros(0, np.int64)  # scheduled releases, sorted by step
        self._amounts = np.zeros(0)
        self._on_spikes: list[tuple] = []  # (group, local indices, amounts)

    @property
    def decay(self) -> float:
        """The factor applied every step of the network's dt."""
        return _per_step(self._tau, self.factor, 1.0, self.net.dt)

    @property
    def concentration(self) -> float:
        """d now (readable and writable between runs and in a callback)."""
        return float(self.net._mod_conc[self.index])

    @concentration.setter
    def concentration(self, value: float) -> None:
        self.net._mod_conc[self.index] = check.finite_float("concentration", value)

    def release(self, amount, at) -> None:
        """Add ``amount`` to d at time(s) ``at`` (ms), in the step that contains each time, after
        that step's decay and weight update (daspnet.m's reward, ``DA = DA + 0.5``).

        ``at`` is a time or an array of times, >= the network's current time; ``amount`` a number
        >= 0 or one per time. Amounts released in the same step add up (release them once if
        they should count once, as daspnet.m's ``any(rew == t)``). May be called between runs
        and from a run's callback (for times not yet simulated).
        """
        at = check.float_array("at", at)
        times = at.reshape(-1)
        amounts = check.float_array("amount", amount, times.shape[0])
        if amounts.size and amounts.min() < 0:
            raise ValueError(
                f"amount must be >= 0 (a concentration cannot fall below 0); got {amounts.min()}"
            )
        if times.size and times.min() < self.net.t:
            raise ValueError(
                f"at must be >= the network's current time {self.net.t} ms (a release cannot be "
                f"scheduled in the past); got {times.min()} ms"
            )
        steps = check.time_steps(times, self.net.dt)
        all_steps = np.concatenate([self._steps, steps])
        order = np.argsort(all_steps, kind="stable")
        self._steps = all_steps[order]
        self._amounts = np.concatenate([self._amounts, amounts])[order]

    def release_on_spikes(self, group, amount, neurons=None) -> None:
        """Add ``amount`` to d at every spike of ``group`` (or of its local indices ``neurons``):
        a projection from dopaminergic units. A spike of step n releases in step n, after that
        step's weight update. ``amount`` is a number >= 0 or one per neuron."""
        group = self.net._own("group", group)
        local = self.net._neurons("neurons", group, neurons)
        amounts = check.float_array("amount", amount, local.shape[0])
        if amounts.size and amounts.min() < 0:
            raise ValueError(
                f"amount must be >= 0 (a concentration cannot fall below 0); got {amounts.min()}"
            )
        self._on_spikes.append((group, local, amounts))

    def state(self) -> dict:
        """The releases still scheduled (see :mod:`spiker.store`); the concentration is run
        state (``Network._run_state``)."""
        return {"steps": self._steps.tolist(), "amounts": self._amounts.tolist()}

    def set_state(self, state: dict) -> None:
        """Come back to a :meth:`state`."""
        self._steps = np.array(state["steps"], np.int64).reshape(-1)
        self._amounts = np.array(state["amounts"], np.float64).reshape(-1)

    def released(self, lo: int, k: int) -> np.ndarray:
        """Amounts scheduled in steps ``lo .. lo + k - 1``, shape (k,)."""
        out = np.zeros(k)
        a, b = np.searchsorted(self._steps, [lo, lo + k])
        np.add.at(out, self._steps[a:b] - lo, self._amounts[a:b])
        return out

    def __repr__(self) -> str:
        # what it is, not its state: a rule's repr (spiker.store's layout check) names it
        what = (
            f"factor={self.factor!r} per ms" if self.factor is not None else f"tau={self.tau!r} ms"
        )
        return f"Dopamine({self.name!r}, {what})"


@dataclass(frozen=True, eq=False)
class IntervalModulation:
    """daspnet.m's schedule: every ``interval`` ms ``w += (baseline + d) * c``, then
    ``c *= decay``; w clipped to [w_min, w_max] of the rule.

    The update comes at the end of every ``interval``-th step (where ``(n + 1) * dt`` is a
    multiple of ``interval``), after that step's STDP and before its releases; d is the
    concentration after that step's decay.

    Parameters
    ----------
    dopamine : Dopamine
        From :meth:`spiker.Network.add_dopamine` of the same network.
    interval : float
        ms, a positive multiple of dt (daspnet: 10).
    baseline : float
        Tonic dopamine (daspnet: 0.002): with d = 0 the weights still drift by baseline * c.
    decay, tau_c : float
        c's factor per update (daspnet: 0.99), or its time constant in ms (then
        ``decay = exp(-interval/tau_c)``; 0.99 per 10 ms is tau_c = 995 ms). Default 0.99.
    c_min, c_max : float
        Bounds of c after each STDP change (daspnet: none).
    """

    dopamine: Dopamine
    interval: float = 10.0
    baseline: float = 0.002
    decay: float | None = None
    tau_c: float | None = None
    c_min: float = -math.inf
    c_max: float = math.inf

    def __post_init__(self) -> None:
        _check_dopamine(self.dopamine)
        check.finite_float("interval", self.interval, positive=True)
        check.finite_float("baseline", self.baseline)
        _factor_or_tau(self.tau_c, self.decay, tau_name="tau_c", factor_name="decay",
                       default=(None, 0.99))  # fmt: skip
        _check_bounds(self.c_min, self.c_max)

    def c_decay(self, dt: float) -> float:
        """The factor applied to c at each update."""
        tau, factor = _factor_or_tau(self.tau_c, self.decay, tau_name="tau_c",
                                     factor_name="decay", default=(None, 0.99))  # fmt: skip
        return _per_step(tau, factor, self.interval, self.interval)


@dataclass(frozen=True, eq=False)
class ContinuousModulation:
    """Brian2's ``Izhikevich_2007.py`` schedule: ``dw/dt = (baseline + d) * c / tau_s`` and
    ``dc/dt = -c / tau_c`` between STDP changes, c clipped to [c_min, c_max] at each change (that
    example clips c to [-gmax, gmax]); w clipped to [w_min, w_max] of the rule.

    Integrated exactly over every step: with c and d at the start of step n,
    ``w += c * (baseline * E(1/tau_c) + d * E(1/tau_c + 1/tau_d)) / tau_s`` with
    ``E(r) = (1 - exp(-r*dt))/r``, then ``c *= exp(-dt/tau_c)``. Every modulated synapse is
    updated every step (as Brian2's clock-driven example does): cost synapses x steps.

    Parameters
    ----------
    dopamine : Dopamine
    tau_c : float, optional
        ms (Brian2's example: 1000). Or ``decay``: c's factor per ms. Default tau_c = 1000.
    tau_s : float
        ms (> 0): the weight's time scale (the example: 1 ms).
    baseline : float
        Tonic dopamine, >= 0 (the example: 0).
    c_min, c_max : float
        Bounds of c (the example: -gmax, gmax).
    """

    dopamine: Dopamine
    tau_c: float | None = None
    decay: float | None = None
    tau_s: float = 1.0
    baseline: float = 0.0
    c_min: float = -math.inf
    c_max: float = math.inf

    def __post_init__(self) -> None:
        _check_dopamine(self.dopamine)
        _factor_or_tau(self.tau_c, self.decay, tau_name="tau_c", factor_name="decay",
                       default=(1000.0, None))  # fmt: skip
        check.finite_float("tau_s", self.tau_s, positive=True)
        check.finite_float("baseline", self.baseline, nonnegative=True)
        _check_bounds(self.c_min, self.c_max)

    def c_decay(self, dt: float) -> float:
        """The factor applied to c every step."""
        tau, factor = _factor_or_tau(self.tau_c, self.decay, tau_name="tau_c",
                                     factor_name="decay", default=(1000.0, None))  # fmt: skip
        return _per_step(tau, factor, 1.0, dt)

    def coefficients(self, dt: float) -> tuple[float, float]:
        """``(k_b, k_d)``: a step moves w by ``c * (k_b + k_d * d)``."""
        rate_c = -math.log(self.c_decay(dt)) / dt
        rate_d = -math.log(self.dopamine.decay) / dt
        k_b = self.baseline * _integral(rate_c, dt) / self.tau_s
        k_d = _integral(rate_c + rate_d, dt) / self.tau_s
        return k_b, k_d


# ---- the kernel's arrays (spiker/runtime.py) -------------------------------------------------
def kernel_group(net) -> Modulators | None:
    """The kernel's ``Modulators`` group (kernels/layout.py) of the network's dopamine; None
    when it has none. ``conc`` and ``rel_var`` are set per chunk."""
    mods = net._modulators
    if not mods:
        return None
    units, which, amounts = [], [], []
    for m, da in enumerate(mods):
        for group, local, amount in da._on_spikes:
            cols = local + group.start
            units.append(cols)
            which.append(np.full(cols.shape[0], m, np.int64))
            amounts.append(amount)
    units = np.concatenate(units) if units else np.zeros(0, np.int64)
    order = np.argsort(units, kind="stable")
    ptr = csr_ptr(units, net.n)
    return Modulators(
        conc=net._mod_conc,
        decay=np.array([da.decay for da in mods]),
        before=np.zeros(len(mods)),
        rel_var=np.zeros((0, len(mods))),
        src_ptr=ptr,
        src_mod=(np.concatenate(which) if which else np.zeros(0, np.int64))[order],
        src_amount=(np.concatenate(amounts) if amounts else np.zeros(0))[order],
    )


def released(net, n_start: int, k: int) -> np.ndarray:
    """The amounts each neuromodulator releases in steps ``n_start .. n_start + k - 1`` by
    schedule, shape (k, M); (0, M) when nothing is scheduled."""
    mods = net._modulators
    if not any(da._steps.size for da in mods):
        return np.zeros((0, len(mods)))
    return np.stack([da.released(n_start, k) for da in mods], axis=1)


#: The modulations a rule can take (``sp.STDP(modulation=...)``).
MODULATIONS = (IntervalModulation, ContinuousModulation)


def _check_dopamine(dopamine) -> None:
    if not isinstance(dopamine, Dopamine):
        raise TypeError(
            f"dopamine must be an sp.Dopamine made by net.add_dopamine(...); got {dopamine!r}"
        )


def _check_bounds(c_min, c_max) -> None:
    for name, value in (("c_min", c_min), ("c_max", c_max)):
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise TypeError(f"{name} must be a number (infinite for no bound); got {value!r}")
    if c_max < c_min:
        raise ValueError(f"c_max must be >= c_min = {c_min}; got {c_max}")
