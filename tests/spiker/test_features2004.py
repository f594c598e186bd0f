"""Izhikevich (2004), figure 1: ``sp.models.izhikevich2004`` against figure1.m, and the 20 features.

The reference is a plain-Python transcription of the published figure1.m (below, ``figure1_m``),
written from the MATLAB code and independent of the model module: same time step, same loop over
``t = 0:tau:T`` (t computed as ``k*tau``), same operation order (Python, like MATLAB, evaluates
``V + tau*(0.04*(V*V) + 5*V + 140 - u + I)`` left to right), same strict ``V > 30``. The engine must
reproduce its spikes and its V trace bit for bit; the feature tests then assert, with the numbers
this very code produces, that each panel shows what its name claims.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

import spiker as sp
from spiker.models import FEATURES_2004, izhikevich2004

# ---- figure1.m, transcribed ------------------------------------------------------------------
# name: (a, b, c, d, V0, tau, T, I(t), variant); variant "GL" is 0.04V^2 + 4.1V + 108,
# "R" is u = u + tau*a*(b*(V+65)) from u0 = -16.


def _res(t):  # (K) T1 = tspan(end)/10; T2 = T1+20; T3 = 0.7*tspan(end); T4 = T3+40
    T1 = 400 / 10
    T2 = T1 + 20
    T3 = 0.7 * 400
    T4 = T3 + 40
    on = (t > T1) & (t < T1 + 4) | (t > T2) & (t < T2 + 4) | (t > T3) & (t < T3 + 4)
    return 0.65 if on | (t > T4) & (t < T4 + 4) else 0


def _int(t):  # (L) T1 = tspan(end)/11; T2 = T1+5; T3 = 0.7*tspan(end); T4 = T3+10
    T1 = 100 / 11
    T2 = T1 + 5
    T3 = 0.7 * 100
    T4 = T3 + 10
    on = (t > T1) & (t < T1 + 2) | (t > T2) & (t < T2 + 2) | (t > T3) & (t < T3 + 2)
    return 9 if on | (t > T4) & (t < T4 + 2) else 0


def _thr(t):  # (O)
    if ((t > 10) & (t < 15)) | ((t > 80) & (t < 85)):
        return 1
    if (t > 70) & (t < 75):
        return -6
    return 0


def _acc(t):  # (R)
    if t < 200:
        return t / 25
    if t < 300:
        return 0
    if t < 312.5:
        return (t - 300) / 12.5 * 4
    return 0


FIGURE1_M = {
    "tonic_spiking": (0.02, 0.2, -65, 6, -70, 0.25, 100, lambda t: 14 if t > 100 / 10 else 0, ""),
    "phasic_spiking": (0.02, 0.25, -65, 6, -64, 0.25, 200, lambda t: 0.5 if t > 20 else 0, ""),
    "tonic_bursting": (0.02, 0.2, -50, 2, -70, 0.25, 220, lambda t: 15 if t > 22 else 0, ""),
    "phasic_bursting": (0.02, 0.25, -55, 0.05, -64, 0.2, 200, lambda t: 0.6 if t > 20 else 0, ""),
    "mixed_mode": (0.02, 0.2, -55, 4, -70, 0.25, 160, lambda t: 10 if t > 160 / 10 else 0, ""),
    "spike_frequency_adaptation": (
        *(0.01, 0.2, -65, 8, -70, 0.25, 85),
        lambda t: 30 if t > 85 / 10 else 0,
        "",
    ),
    "class_1_excitable": (
        *(0.02, -0.1, -55, 6, -60, 0.25, 300),
        lambda t: (0.075 * (t - 30)) if t > 30 else 0,
        "GL",
    ),
    "class_2_excitable": (
        *(0.2, 0.26, -65, 0, -64, 0.25, 300),
        lambda t: -0.5 + (0.015 * (t - 30)) if t > 30 else -0.5,
        "",
    ),
    "spike_latency": (
        *(0.02, 0.2, -65, 6, -70, 0.2, 100),
        lambda t: 7.04 if (t > 100 / 10) & (t < 100 / 10 + 3) else 0,
        "",
    ),
    "subthreshold_oscillations": (
        *(0.05, 0.26, -60, 0, -62, 0.25, 200),
        lambda t: 2 if (t > 200 / 10) & (t < 200 / 10 + 5) else 0,
        "",
    ),
    "resonator": (0.1, 0.26, -60, -1, -62, 0.25, 400, _res, ""),
    "integrator": (0.02, -0.1, -55, 6, -60, 0.25, 100, _int, "GL"),
    "rebound_spike": (
        *(0.03, 0.25, -60, 4, -64, 0.2, 200),
        lambda t: -15 if (t > 20) & (t < 20 + 5) else 0,
        "",
    ),
    "rebound_burst": (
        *(0.03, 0.25, -52, 0, -64, 0.2, 200),
        lambda t: -15 if (t > 20) & (t < 20 + 5) else 0,
        "",
    ),
    "threshold_variability": (0.03, 0.25, -60, 4, -64, 0.25, 100, _thr, ""),
    "bistability": (
        *(0.1, 0.26, -60, 0, -61, 0.25, 300),
        lambda t: 1.24 if (t > 37.5) & (t < 37.5 + 5) | (t > 216) & (t < 216 + 5) else 0.24,
        "",
    ),
    "depolarizing_after_potential": (
        *(1, 0.2, -60, -21, -70, 0.1, 50),
        lambda t: 20 if abs(t - 10) < 1 else 0,
        "",
    ),
    "accommodation": (0.02, 1, -55, 4, -65, 0.5, 400, _acc, "R"),
    "inhibition_induced_spiking": (
        *(-0.02, -1, -60, 8, -63.8, 0.5, 350),
        lambda t: 80 if (t < 50) | (t > 250) else 75,
        "",
    ),
    "inhibition_induced_bursting": (
        *(-0.026, -1, -45, -2, -63.8, 0.5, 350),
        lambda t: 80 if (t < 50) | (t > 250) else 75,
        "",
    ),
}


def figure1_m(name):
    """figure1.m's loop for one panel: (spike iterations k, V before each iteration, I, tau)."""
    a, b, c, d, V, tau, T, current, variant = FIGURE1_M[name]
    u = -16 if variant == "R" else b * V
    spikes, VV, II = [], [], []
    for k in range(round(T / tau) + 1):
        t = k * tau
        I = current(t)
        VV.append(V)
        II.append(I)
        if variant == "GL":
            V = V + tau * (0.04 * (V * V) + 4.1 * V + 108 - u + I)
        else:
            V = V + tau * (0.04 * (V * V) + 5 * V + 140 - u + I)
        if variant == "R":
            u = u + tau * a * (b * (V + 65))
        else:
            u = u + tau * a * (b * V - u)
        if V > 30:
            spikes.append(k)
            V = c
            u = u + d
    return np.array(spikes), np.array(VV, dtype=float), np.array(II, dtype=float), tau


@functools.cache
def run(name):
    """The model run for its duration: (spike times ms, v trace, sample times ms, model)."""
    m = izhikevich2004(name).run(progress=False)
    return m.records["spikes"].t, m.records["v"].values[0], m.records["v"].t, m


def isi(name):
    return np.diff(run(name)[0])


# ---- the model object -----------------------------------------------------------------------
def test_features_are_the_20_panels_in_order_and_the_model_is_registered():
    assert isinstance(FEATURES_2004, tuple) and len(FEATURES_2004) == 20
    assert FEATURES_2004[0] == "tonic_spiking" and FEATURES_2004[10] == "resonator"
    assert FEATURES_2004[-1] == "inhibition_induced_bursting"
    assert set(FIGURE1_M) == set(FEATURES_2004)
    assert sp.models.MODELS["izhikevich2004"] is izhikevich2004
    m = izhikevich2004("integrator")
    assert m.name == "izhikevich2004:integrator" and m.net.dt == 0.25 and m.net.n == 1
    assert set(m.records) == {"spikes", "v", "I"}
    assert m.duration == pytest.approx(100.25)  # t = 0, 0.25, ..., 100: 401 steps
    neuron = m.net.groups[0].model
    assert (neuron.method, neuron.substeps, neuron.threshold) == ("izhikevich", 1, ">")
    assert neuron.coefficients == (0.04, 4.1, 108.0)
    r = izhikevich2004("accommodation")
    assert r.net.groups[0].model.recovery == "accommodation" and r.net.groups[0].u[0] == -16


def test_unknown_feature_name_is_rejected_with_the_allowed_names():
    with pytest.raises(ValueError, match=r"name must be one of .*'tonic_spiking'.*; got 'tonic'"):
        izhikevich2004("tonic")
    with pytest.raises(ValueError, match="name must be one of"):
        sp.models.feature_current("bursting")


# ---- (1) bit for bit against figure1.m --------------------------------------------------------
@pytest.mark.parametrize("name", FEATURES_2004)
def test_spikes_v_and_current_equal_figure1_m_exactly(name):
    spikes, VV, II, tau = figure1_m(name)
    t, v, _, m = run(name)
    rec = m.records
    assert m.net.dt == tau and v.shape == VV.shape and rec["I"].values.shape == (1, II.shape[0])
    np.testing.assert_array_equal(rec["I"].values[0], II)  # I(k*tau), as tspan = 0:tau:T
    np.testing.assert_array_equal(rec["spikes"].steps, spikes)  # the iteration that detects it
    np.testing.assert_array_equal(t, spikes * tau)  # ... so spike times are figure1.m's t
    np.testing.assert_array_equal(v, VV)  # exact: same scheme, same operation order


def test_spike_counts_per_feature():
    counts = {name: run(name)[0].shape[0] for name in FEATURES_2004}
    assert counts == {
        "tonic_spiking": 5,
        "phasic_spiking": 1,
        "tonic_bursting": 28,
        "phasic_bursting": 6,
        "mixed_mode": 6,
        "spike_frequency_adaptation": 6,
        "class_1_excitable": 10,
        "class_2_excitable": 14,
        "spike_latency": 1,
        "subthreshold_oscillations": 1,
        "resonator": 1,
        "integrator": 1,
        "rebound_spike": 1,
        "rebound_burst": 7,
        "threshold_variability": 1,
        "bistability": 5,
        "depolarizing_after_potential": 1,
        "accommodation": 1,
        "inhibition_induced_spiking": 3,
        "inhibition_induced_bursting": 12,
    }


# ---- (2) what each panel shows ------------------------------------------------------------------
def local_maxima(t, v, lo, hi):
    """Times and values of the strict-left local maxima of v in lo < t < hi."""
    k = np.flatnonzero((t[1:-1] > lo) & (t[1:-1] < hi)) + 1
    k = k[(v[k] > v[k - 1]) & (v[k] >= v[k + 1])]
    return t[k], v[k]


def test_tonic_spiking_fires_only_after_onset_and_settles_to_a_regular_period():
    t, v, _, _ = run("tonic_spiking")
    assert t[0] == 13.0 and np.all(v[:41] == -70.0)  # at rest until the step at 10 ms
    np.testing.assert_array_equal(isi("tonic_spiking"), [4.0, 14.5, 27.75, 27.5])
    # after a two-spike transient, a steady period of 27.6 +/- 0.15 ms (about 36 Hz)


def test_phasic_spiking_fires_once_at_onset_then_stays_silent_under_the_same_input():
    t, v, ts, _ = run("phasic_spiking")
    assert t.tolist() == [43.75]  # 23.75 ms after the step at 20 ms; input on until 200 ms
    assert v[ts > 60].max() < -55  # no second spike in 140 ms


def test_tonic_bursting_has_bimodal_intervals_four_bursts():
    t = run("tonic_bursting")[0]
    d = isi("tonic_bursting")
    short, long = d[d < 10], d[d >= 10]
    assert short.max() == 7.5 and long.min() == 34.0  # nothing between 7.5 and 34 ms
    bursts = np.split(t, np.flatnonzero(d >= 10) + 1)
    assert [b.shape[0] for b in bursts] == [10, 6, 6, 6]
    np.testing.assert_array_equal([b[0] for b in bursts], [25.0, 80.0, 132.75, 185.5])


def test_phasic_bursting_is_one_burst_at_onset():
    t = run("phasic_bursting")[0]
    assert t[0] == 39.0 and t[-1] == 67.2  # six spikes within 28.2 ms, none in the last 132.8
    assert isi("phasic_bursting").max() < 10


def test_mixed_mode_is_a_burst_then_tonic_spikes():
    np.testing.assert_array_equal(isi("mixed_mode"), [2.75, 4.5, 39.75, 32.25, 32.25])


def test_spike_frequency_adaptation_intervals_grow():
    d = isi("spike_frequency_adaptation")
    np.testing.assert_array_equal(d, [2.0, 2.75, 4.75, 22.75, 29.0])
    assert np.all(np.diff(d) > 0)


def test_class_1_starts_at_a_low_rate_that_grows_with_the_ramp():
    t = run("class_1_excitable")[0]
    d = isi("class_1_excitable")
    assert t[0] == 84.5 and d[0] == 40.5 and d[-1] == 15.0  # 25 Hz up to 67 Hz
    assert np.all(np.diff(d) < 0)


def test_class_2_starts_at_a_higher_rate_than_class_1():
    t = run("class_2_excitable")[0]
    d = isi("class_2_excitable")
    assert t[0] == 105.75 and d[0] == 20.75 and d[-1] == 11.0  # 48 Hz at onset, vs 25 Hz for G
    assert np.all(np.diff(d) <= 0)


def test_spike_latency_spike_comes_long_after_the_pulse():
    assert run("spike_latency")[0].tolist() == [26.6]  # pulse 10 < t < 13: 13.6 ms after its end


def test_subthreshold_oscillations_damped_after_the_response():
    t, v, ts, _ = run("subthreshold_oscillations")
    assert t.tolist() == [26.5]  # figure1.m's pulse does elicit one spike (as the paper's panel)
    tm, vm = local_maxima(ts, v, 30, 200)
    np.testing.assert_array_equal(tm, [77.25, 132.75, 188.75])  # period 55.5-56 ms
    assert np.all(np.diff(vm) < 0) and vm[0] - v[-1] > 0.5  # damped, around -62.5 mV


def test_resonator_fires_for_the_pair_spaced_at_its_own_period_only():
    t, v, ts, _ = run("resonator")
    tm, _ = local_maxima(ts, v, 80, 280)  # free oscillation after the first pair
    period = np.diff(tm)
    assert np.all((period > 40.0) & (period < 41.0))  # ~40.7 ms
    # pulses 4 ms long start at 40 and 60 (20 ms: half a period), at 280 and 320 (40 ms: one period)
    assert v[(ts > 40) & (ts < 280)].max() < -59 and t.tolist() == [338.0]


def test_integrator_fires_for_the_close_pair_only():
    t, v, ts, _ = run("integrator")
    assert t.tolist() == [20.0]  # pulses at 9.09 and 14.09 (5 ms apart)
    assert v[ts > 60].max() < -52  # pulses at 70 and 80 (10 ms apart): no spike


@pytest.mark.parametrize(
    ("name", "steps"),
    [("rebound_spike", [340]), ("rebound_burst", [340, 355, 371, 389, 409, 432, 461])],
)
def test_rebound_fires_only_after_the_inhibitory_pulse(name, steps):
    t, v, ts, m = run(name)
    # the pulse -15 lasts 20 < t < 25; the spikes (steps of 0.2 ms) come from t = 68 ms on:
    # 68, 71, 74.2, 77.8, 81.8, 86.4, 92.2 ms for the burst
    np.testing.assert_array_equal(m.records["spikes"].steps, steps)
    assert v[(ts > 20) & (ts < 26)].min() < -80  # hyperpolarised by the pulse first


def test_threshold_variability_same_pulse_fires_only_after_inhibition():
    t, v, ts, _ = run("threshold_variability")
    assert v[ts < 70].max() < -60.8  # the pulse at 10-15: sub-threshold (peak -60.84 mV)
    assert t.tolist() == [93.25]  # the identical pulse at 80-85, after -6 at 70-75, fires


def test_bistability_first_pulse_switches_spiking_on_second_switches_it_off():
    t, v, ts, _ = run("bistability")
    np.testing.assert_array_equal(t, [45.25, 86.0, 126.5, 167.25, 208.0])  # pulses 37.5, 216
    np.testing.assert_array_equal(isi("bistability"), [40.75, 40.5, 40.75, 40.75])
    assert v[ts > 216].max() < -60  # silent for the last 84 ms under the same 0.24


def test_dap_one_spike_then_a_depolarized_after_potential():
    t, v, ts, _ = run("depolarizing_after_potential")
    assert t.tolist() == [11.3]  # after the pulse 9 < t < 11
    tm, vm = local_maxima(ts, v, 11.5, 30)
    assert tm.tolist() == [14.5] and -51.1 < vm[0] < -51.0  # 19 mV above rest, after reset -60
    assert abs(v[ts == 40.0][0] + 70) < 0.1  # back to rest


def test_accommodation_slow_ramp_no_spike_fast_ramp_spike():
    t, v, ts, m = run("accommodation")
    current = m.records["I"].values[0]
    assert t.tolist() == [311.5]  # during the fast ramp 300 <= t < 312.5
    assert current[ts < 200].max() == 7.98 and current[ts == 311.5][0] == 3.68
    # a slow ramp up to 7.98 does not fire; a fast one fires at 3.68


@pytest.mark.parametrize(
    ("name", "n_bursts"), [("inhibition_induced_spiking", 3), ("inhibition_induced_bursting", 2)]
)
def test_inhibition_induced_firing_only_while_the_current_is_lowered(name, n_bursts):
    t = run(name)[0]
    assert t.min() > 50 and t.max() < 250  # I = 75 for 50 <= t <= 250, 80 otherwise
    assert np.sum(np.diff(t) > 50) + 1 == n_bursts
