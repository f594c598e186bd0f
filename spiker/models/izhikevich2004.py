"""Izhikevich (2004), "Which model to use for cortical spiking neurons?", IEEE TNN 15:1063,
figure 1: the 20 neuro-computational features of the simple model, as its code figure1.m makes them.

Each feature is one neuron stepped with the figure's own scheme at its own time step tau (ms)::

    V = V + tau*(0.04*V^2 + 5*V + 140 - u + I)      (left to right, as MATLAB evaluates it)
    u = u + tau*a*(b*V - u)                         (with the new V)
    if V > 30: V = c, u = u + d                     (strict threshold)

for ``t = 0, tau, ..., T`` (``T/tau + 1`` iterations), the input of the iteration at t being I(t),
from V0 and ``u0 = b*V0``. Three features change the equations: class 1 excitability (G) and the
integrator (L) use ``4.1*V + 108`` in place of ``5*V + 140``; accommodation (R) uses
``u = u + tau*a*(b*(V + 65))`` from ``u0 = -16`` (spiker's ``recovery="accommodation"`` evaluates
``((tau*a)*b)*(V + 65)``, bit-identical to figure1.m's order because b = 1 there).

In spiker this is ``Izhikevich(method="izhikevich", substeps=1, threshold=">")`` at ``dt = tau``
with I(t) sampled at ``t = k*tau`` and fed as a :class:`~spiker.inputs.TimedArray`. The spike
labelled step k is the one figure1.m detects in its iteration k, so spike times equal figure1.m's t.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import spiker as sp
from spiker import _validate as check
from spiker.models.base import Model, catalogue

#: The 20 features of the 2004 figure 1, panels A to T, in the figure's order.
FEATURES_2004 = (
    "tonic_spiking",
    "phasic_spiking",
    "tonic_bursting",
    "phasic_bursting",
    "mixed_mode",
    "spike_frequency_adaptation",
    "class_1_excitable",
    "class_2_excitable",
    "spike_latency",
    "subthreshold_oscillations",
    "resonator",
    "integrator",
    "rebound_spike",
    "rebound_burst",
    "threshold_variability",
    "bistability",
    "depolarizing_after_potential",
    "accommodation",
    "inhibition_induced_spiking",
    "inhibition_induced_bursting",
)


# ---- the input currents, written as figure1.m writes them (t in ms, a float) -------------------
def _pulses(t: float, starts: tuple[float, ...], width: float, amp: float) -> float:
    """``amp`` if ``start < t < start + width`` for any start (figure1.m's pulse trains)."""
    return amp if any(t > s and t < s + width for s in starts) else 0.0


def _step_after(t1: float, amp: float) -> Callable[[float], float]:
    return lambda t: amp if t > t1 else 0.0


def _window(t1: float, t2: float, amp: float) -> Callable[[float], float]:
    return lambda t: amp if t > t1 and t < t2 else 0.0


def _class_1(t: float) -> float:
    return 0.075 * (t - 30) if t > 30 else 0.0


def _class_2(t: float) -> float:
    return -0.5 + (0.015 * (t - 30)) if t > 30 else -0.5


_RES_T1 = 400 / 10  # resonator: T1 = tspan(end)/10, T2 = T1+20, T3 = 0.7*tspan(end), T4 = T3+40
_RES_T3 = 0.7 * 400
_INT_T1 = 100 / 11  # integrator: T1 = tspan(end)/11, T2 = T1+5, T3 = 0.7*tspan(end), T4 = T3+10
_INT_T3 = 0.7 * 100


def _resonator(t: float) -> float:
    return _pulses(t, (_RES_T1, _RES_T1 + 20, _RES_T3, _RES_T3 + 40), 4, 0.65)


def _integrator(t: float) -> float:
    return _pulses(t, (_INT_T1, _INT_T1 + 5, _INT_T3, _INT_T3 + 10), 2, 9.0)


def _threshold_variability(t: float) -> float:
    if (t > 10 and t < 15) or (t > 80 and t < 85):
        return 1.0
    if t > 70 and t < 75:
        return -6.0
    return 0.0


def _bistability(t: float) -> float:
    t1, t2 = 300 / 8, 216
    return 1.24 if (t > t1 and t < t1 + 5) or (t > t2 and t < t2 + 5) else 0.24


def _dap(t: float) -> float:
    return 20.0 if abs(t - 10) < 1 else 0.0


def _accommodation(t: float) -> float:
    if t < 200:
        return t / 25
    if t < 300:
        return 0.0
    if t < 312.5:
        return (t - 300) / 12.5 * 4
    return 0.0


def _inhibition_induced(t: float) -> float:
    return 80.0 if t < 50 or t > 250 else 75.0


@dataclass(frozen=True)
class _Feature:
    letter: str  # panel of figure 1
    a: float
    b: float
    c: float
    d: float
    v0: float  # mV
    tau: float  # time step, ms
    T: float  # last time of the loop, ms
    current: Callable[[float], float]
    coefficients: tuple[float, float, float] = (0.04, 5.0, 140.0)
    recovery: str = "standard"
    u0: float | None = None  # default b*v0


_G_L = (0.04, 4.1, 108.0)

#: figure1.m's parameters per feature (name -> _Feature), in FEATURES_2004 order.
_TABLE = {
    "tonic_spiking": _Feature("A", 0.02, 0.2, -65, 6, -70, 0.25, 100, _step_after(10, 14.0)),
    "phasic_spiking": _Feature("B", 0.02, 0.25, -65, 6, -64, 0.25, 200, _step_after(20, 0.5)),
    "tonic_bursting": _Feature("C", 0.02, 0.2, -50, 2, -70, 0.25, 220, _step_after(22, 15.0)),
    "phasic_bursting": _Feature("D", 0.02, 0.25, -55, 0.05, -64, 0.2, 200, _step_after(20, 0.6)),
    "mixed_mode": _Feature("E", 0.02, 0.2, -55, 4, -70, 0.25, 160, _step_after(16, 10.0)),
    "spike_frequency_adaptation": _Feature(
        "F", 0.01, 0.2, -65, 8, -70, 0.25, 85, _step_after(85 / 10, 30.0)
    ),
    "class_1_excitable": _Feature("G", 0.02, -0.1, -55, 6, -60, 0.25, 300, _class_1, _G_L),
    "class_2_excitable": _Feature("H", 0.2, 0.26, -65, 0, -64, 0.25, 300, _class_2),
    "spike_latency": _Feature("I", 0.02, 0.2, -65, 6, -70, 0.2, 100, _window(10, 13, 7.04)),
    "subthreshold_oscillations": _Feature(
        "J", 0.05, 0.26, -60, 0, -62, 0.25, 200, _window(20, 25, 2.0)
    ),
    "resonator": _Feature("K", 0.1, 0.26, -60, -1, -62, 0.25, 400, _resonator),
    "integrator": _Feature("L", 0.02, -0.1, -55, 6, -60, 0.25, 100, _integrator, _G_L),
    "rebound_spike": _Feature("M", 0.03, 0.25, -60, 4, -64, 0.2, 200, _window(20, 25, -15.0)),
    "rebound_burst": _Feature("N", 0.03, 0.25, -52, 0, -64, 0.2, 200, _window(20, 25, -15.0)),
    "threshold_variability": _Feature(
        "O", 0.03, 0.25, -60, 4, -64, 0.25, 100, _threshold_variability
    ),
    "bistability": _Feature("P", 0.1, 0.26, -60, 0, -61, 0.25, 300, _bistability),
    "depolarizing_after_potential": _Feature("Q", 1, 0.2, -60, -21, -70, 0.1, 50, _dap),
    "accommodation": _Feature(
        "R", 0.02, 1, -55, 4, -65, 0.5, 400, _accommodation, recovery="accommodation", u0=-16
    ),
    "inhibition_induced_spiking": _Feature(
        "S", -0.02, -1, -60, 8, -63.8, 0.5, 350, _inhibition_induced
    ),
    "inhibition_induced_bursting": _Feature(
        "T", -0.026, -1, -45, -2, -63.8, 0.5, 350, _inhibition_induced
    ),
}


def feature_current(name: str) -> tuple[np.ndarray, float]:
    """The input of feature ``name`` as figure1.m applies it: ``(I, tau)``.

    ``I`` has shape ``(T/tau + 1,)``: ``I[k]`` is the current of the iteration at ``t = k*tau``
    (computed as ``k*tau``, as MATLAB's ``tspan = 0:tau:T`` does), tau in ms.
    """
    check.choice("name", name, FEATURES_2004)
    f = _TABLE[name]
    n_steps = round(f.T / f.tau) + 1
    return np.array([f.current(k * f.tau) for k in range(n_steps)], dtype=np.float64), f.tau


class FeatureModel(Model):
    """One neuron of the 2004 figure 1; its default figure is the panel of its feature."""

    def feature(self) -> str:
        """The feature's name, e.g. ``"phasic_spiking"``."""
        return self.name.split(":", 1)[1]

    def figure(self):
        """The feature's membrane potential (spikes drawn up to 30 mV, as in the paper) above its
        input current, titled with the panel letter and the feature's name."""
        from spiker import plot

        name = self.feature()
        fig, (top, bottom) = plot.figure(
            2, 1, figsize=(7, 4.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
        )
        plot.trace(self.records["v"], ax=top, spikes=self.records["spikes"])
        plot.trace(self.records["I"], ax=bottom)
        top.set_xlabel("")
        bottom.set_ylabel("input I")
        top.set_title(
            f"({_TABLE[name].letter}) {name.replace('_', ' ')}: Izhikevich (2004), figure 1"
        )
        for ax in (top, bottom):
            ax.margins(x=0, y=0.08)
            ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        return fig


@catalogue(
    "one neuron showing one of the 20 features of Izhikevich (2004), figure 1 "
    "(izhikevich2004:FEATURE)",
    variant="name",
    choices={"name": FEATURES_2004},
)
def izhikevich2004(name: str = "tonic_spiking", seed: int = 1) -> Model:
    """One neuron of Izhikevich (2004), figure 1, showing feature ``name``, as figure1.m makes it.

    Parameters
    ----------
    name : str
        One of :data:`FEATURES_2004` (panels A to T): tonic_spiking (A), phasic_spiking (B),
        tonic_bursting (C), phasic_bursting (D), mixed_mode (E), spike_frequency_adaptation (F),
        class_1_excitable (G), class_2_excitable (H), spike_latency (I),
        subthreshold_oscillations (J), resonator (K), integrator (L), rebound_spike (M),
        rebound_burst (N), threshold_variability (O), bistability (P),
        depolarizing_after_potential (Q), accommodation (R), inhibition_induced_spiking (S),
        inhibition_induced_bursting (T).
    seed : int
        The network's seed (nothing is random here; accepted so ``spiker run`` can pass one).

    Returns
    -------
    Model
        ``net`` has ``dt = tau``, the feature's time step, and one neuron (population ``name``)
        with ``method="izhikevich"``, ``substeps=1``, ``threshold=">"`` and the feature's a, b,
        c, d, V0, u0, quadratic and recovery rule; its input is a :class:`~spiker.inputs.TimedArray`
        of I(k*tau). ``records``: ``"spikes"`` (SpikeRecord), ``"v"`` (StateRecord of v, sampled
        at the start of each step, i.e. figure1.m's V before the iteration at t) and ``"I"``
        (StateRecord of the current applied in each step). ``duration`` is ``(T/tau + 1)*tau``:
        the steps at t = 0, tau, ..., T, the iterations of figure1.m's loop (one step more than T).
    """
    check.choice("name", name, FEATURES_2004)
    f = _TABLE[name]
    current, tau = feature_current(name)
    net = sp.Network(dt=tau, seed=seed)
    neuron = sp.Izhikevich(
        a=f.a,
        b=f.b,
        c=f.c,
        d=f.d,
        method="izhikevich",
        substeps=1,
        threshold=">",
        recovery=f.recovery,
        coefficients=f.coefficients,
    )
    pop = net.add_neurons(1, neuron, name=name, v0=f.v0, u0=f.u0)
    net.add_current(pop, sp.inputs.TimedArray(current, interval=tau))
    records = {
        "spikes": net.record_spikes(pop),
        "v": net.record_state(pop, "v"),
        "I": net.record_state(pop, "I"),
    }
    return FeatureModel(f"izhikevich2004:{name}", net, records, current.shape[0] * tau)
