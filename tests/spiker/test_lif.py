"""sp.LIF: exact integration against closed forms, refractoriness as Brian2 counts it, errors."""

import math

import numpy as np
import pytest

import spiker as sp


def single(method="exact", dt=0.1, **kw):
    net = sp.Network(dt=dt, seed=0)
    params = {"tau_m": 20.0, "v_rest": -70.0, "v_reset": -70.0, "v_th": 0.0, "refractory": 0.0}
    pop = net.add_neurons(1, sp.LIF(method=method, **{**params, **kw}), name="lif")
    return net, pop


def test_exact_method_follows_the_closed_form_under_a_constant_current():
    # v(t) = v_inf + (v0 - v_inf) exp(-t/tau_m), v_inf = v_rest + R*I: exact at every step,
    # to rounding (1e-12 mV over 200 steps)
    net, pop = single(R=2.0)
    net.add_current(pop, 7.5)
    trace = net.record_state(pop, "v")
    net.run(20.0, progress=False)
    t = trace.t
    v_inf = -70.0 + 2.0 * 7.5
    np.testing.assert_allclose(trace.values[0], v_inf + (-70.0 - v_inf) * np.exp(-t / 20.0),
                               rtol=0, atol=1e-12)  # fmt: skip


@pytest.mark.parametrize("tau_syn", [5.0, 20.0])  # 20: tau_syn == tau_m, the limit case
def test_exact_method_integrates_the_exponential_current_with_the_membrane(tau_syn):
    # one spike of weight w at t = 0 (arrives at the end of step 0): for t >= dt,
    # v - v_rest = R w tau_s/(tau_s - tau_m) (e^{-s/tau_s} - e^{-s/tau_m}), s = t - dt
    # (and R w (s/tau_m) e^{-s/tau_m} when the time constants are equal)
    net, pop = single(R=1.5)
    src = net.add_spike_source([0.0], [0], name="src")
    net.connect(src, pop, weight=4.0, delay=0.0, synapse="exponential", tau_syn=tau_syn)
    trace = net.record_state(pop, "v")
    net.run(60.0, progress=False)
    s = trace.t[1:] - 0.1
    if tau_syn == 20.0:
        psp = 1.5 * 4.0 * (s / 20.0) * np.exp(-s / 20.0)
    else:
        psp = 1.5 * 4.0 * tau_syn / (tau_syn - 20.0) * (np.exp(-s / tau_syn) - np.exp(-s / 20.0))
    np.testing.assert_allclose(trace.values[0, 1:] + 70.0, psp, rtol=0, atol=1e-12)
    assert psp.max() > 0.5  # a real PSP (peak ~0.9 mV)


def test_euler_method_is_forward_euler_on_the_total_current():
    net, pop = single(method="euler", dt=0.5)
    net.add_current(pop, 10.0)
    trace = net.record_state(pop, "v")
    net.run(2.0, progress=False)
    v, expect = -70.0, []
    for _ in range(4):
        expect.append(v)
        v = v + 0.5 * (((-70.0 - v) + 1.0 * 10.0) / 20.0)
    np.testing.assert_array_equal(trace.values[0], expect)


def spike_steps(refractory, dt=0.1, jumps=()):
    """A LIF driven far above threshold: it spikes as soon as it may. Returns its spike steps."""
    net, pop = single(dt=dt, v_th=-60.0, v_reset=-70.0, refractory=refractory, R=1.0)
    net.add_current(pop, 1e6)  # one step from v_reset to far above v_th
    if jumps:
        src = net.add_spike_source([t for t, _ in jumps], [0] * len(jumps), name="src")
        net.connect(src, pop, weight=[w for _, w in jumps], delay=0.0)
    rec = net.record_spikes(pop)
    net.run(5.0, progress=False)
    return rec.steps


def test_refractory_period_holds_ref_steps_minus_one_steps_as_brian2():
    # Brian2: not_refractory = timestep(t - lastspike, dt) >= timestep(refractory, dt): after a
    # spike at s, steps s+1 .. s+k-1 are held and step s+k integrates (and can spike), so the
    # interval between spikes of an always-driven neuron is k steps (k = 1 for 0 and 0.1 ms)
    assert np.all(np.diff(spike_steps(0.0)) == 1)
    assert np.all(np.diff(spike_steps(0.1)) == 1)  # one step: changes nothing
    assert np.all(np.diff(spike_steps(1.0)) == 10)
    assert np.all(np.diff(spike_steps(0.25)) == 2)  # int(2.5 + 0.001): Brian2 truncates


def test_refractory_neuron_drops_jump_input():
    # below threshold without input: v_rest -70, v_th -60. A jump of +20 mV makes it spike at
    # once; a second jump 0.5 ms later, while refractory for 2 ms, is dropped, one 3 ms later
    # is not
    net, pop = single(v_th=-60.0, v_reset=-70.0, refractory=2.0)
    src = net.add_spike_source([1.0, 1.5, 4.0], [0, 0, 0], name="src")
    net.connect(src, pop, weight=20.0, delay=0.0)
    rec = net.record_spikes(pop)
    trace = net.record_state(pop, "v")
    net.run(6.0, progress=False)
    assert rec.steps.tolist() == [11, 41]
    assert np.all(trace.values[0, 12:41] == -70.0)  # held at v_reset, the jump at 1.5 ms lost


def recording(var):
    net = sp.Network()
    return net.record_state(net.add_neurons(1, sp.LIF()), var)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: sp.LIF(tau_m=0.0), "tau_m must be > 0"),
        (lambda: sp.LIF(refractory=-1.0), "refractory must be >= 0"),
        (lambda: sp.LIF(method="rk4"), "method must be one of"),
        (lambda: sp.LIF(threshold="=="), "threshold must be one of"),
        (lambda: sp.LIF(v_th=[1.0, np.nan]), "v_th must be finite"),
        (lambda: sp.Network().add_neurons(2, sp.LIF(), u0=0.0), "u0 is not a state variable"),
        (lambda: recording("u"), r"var must be one of \['I', 'I_syn', 'v'\]"),
    ],
)
def test_bad_lif_input_is_refused(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


def test_forward_euler_warns_when_the_step_is_large_for_tau_m():
    with pytest.warns(sp.ConvergenceWarning, match=r"decays the membrane .* off per step"):
        sp.Network(dt=5.0).add_neurons(1, sp.LIF(tau_m=20.0, method="euler"))
    error = abs((1 - 5 / 20) - math.exp(-5 / 20)) / math.exp(-5 / 20)
    assert error > 0.03  # the message's figure is a real error


def test_tau_m_changed_after_the_build_takes_effect_in_the_next_run():
    def net_with(tau_build, tau_run=None):
        net = sp.Network(dt=0.1, seed=3)
        pop = net.add_neurons(20, sp.LIF(tau_m=tau_build, method="exact"), name="lif")
        net.add_current(pop, np.linspace(15.0, 40.0, 20))
        if tau_run is not None:
            pop.tau_m[:] = tau_run
        v = net.record_state(pop, "v")
        spikes = net.record_spikes(pop)
        net.run(50.0, progress=False)
        return pop, v, spikes

    changed, v1, s1 = net_with(20.0, 5.0)
    built, v2, s2 = net_with(5.0)
    np.testing.assert_array_equal(changed.E, built.E)  # E = exp(-dt/tau_m), libm's
    np.testing.assert_array_equal(v1.values, v2.values)
    np.testing.assert_array_equal(s1.steps, s2.steps)
    assert s1.count > 0
    changed.tau_m[3] = 0.0
    with pytest.raises(ValueError, match=r"lif.tau_m holds 0.0 at index 3; allowed: > 0 ms"):
        changed.net.run(1.0, progress=False)


@pytest.mark.parametrize("taus", [(), (3.0,), (3.0, 8.0), (3.0, 8.0, 13.0), (2.0, 3.0, 5.0, 8.0)])
def test_exact_method_with_any_number_of_channels_equals_the_twin(taus):
    # the kernel spells out one and two channels and loops over more (kernels/lif.py): every
    # count against the NumPy twin, bit for bit; tau_m written after the build must reach the
    # per-channel factors, which each run computes afresh
    from tests.spiker import naive

    tau_m = np.random.default_rng(3).uniform(8.0, 30.0, 60)
    changed = tau_m.copy()
    changed[::2] = 12.0

    def build(tau_m):
        net = sp.Network(dt=0.1, seed=3)
        rng = np.random.default_rng(4)
        model = sp.LIF(tau_m=tau_m, v_rest=-65.0, v_reset=-70.0, v_th=-50.0, refractory=2.0,
                       method="exact")  # fmt: skip
        pop = net.add_neurons(60, model, name="lif", v0=rng.uniform(-70.0, -50.0, 60))
        src = net.add_poisson(40, rate_hz=80.0, name="src")
        net.add_current(pop, 15.5)  # v_inf = -49.5: above the threshold
        for k, tau in enumerate(taus):
            net.connect(src, pop, sp.connect.fixed_probability(0.3), delay=0.1 * k,
                        weight=lambda r, size: r.integers(-4, 12, size) * 0.5,
                        synapse="exponential", tau_syn=tau)  # fmt: skip
        net.connect(pop, pop, sp.connect.fixed_probability(0.1), weight=0.75, delay=1.0)
        return net, pop

    (fast, pop), (slow, _) = build(tau_m), build(changed)
    pop.tau_m[::2] = 12.0
    spikes = fast.record_spikes(pop)
    fast.run(200.0, progress=False)
    steps, idx, _, x = naive.simulate(slow, 2000)
    mine = idx < 60  # the population's spikes (the twin gives the sources' too)
    assert spikes.count > 200
    np.testing.assert_array_equal(spikes.steps, steps[mine])
    np.testing.assert_array_equal(spikes.i, idx[mine])
    np.testing.assert_array_equal(fast._x, x)
