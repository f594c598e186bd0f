"""Network: continuation, determinism, synapse kinds, delays, monitors, interruption, errors."""

import math
import signal
import threading

import numpy as np
import pytest

import spiker as sp
from tests.spiker.test_kernels import build_mixed


def noisy_net(seed=3, n_steps_chunk=None):
    net = sp.Network(dt=0.5, seed=seed)
    pop = net.add_neurons(50, sp.Izhikevich.preset("RS", method="izhikevich"), name="pop")
    poi = net.add_poisson(20, 30.0)
    net.connect(poi, pop, sp.connect.fixed_probability(0.2), weight=sp.Uniform(0, 8), delay=1.0)
    net.connect(
        pop,
        pop,
        sp.connect.fixed_probability(0.1),
        weight=sp.Uniform(-3, 3),
        delay=sp.Uniform(0.5, 10),
        synapse="exponential",
    )
    net.add_current(pop, sp.inputs.Noise(std=4.0, mean=3.0, interval=1.0))
    if n_steps_chunk:
        net._max_chunk = n_steps_chunk
    return net, pop


def spikes_of(net, pop, duration, pieces=1):
    rec = net.record_spikes(pop)
    for _ in range(pieces):
        net.run(duration / pieces, progress=False)
    return rec


def test_two_runs_give_the_same_spikes_as_one():
    a, pa = noisy_net()
    b, pb = noisy_net()
    ra = spikes_of(a, pa, 1000.0)
    rb = spikes_of(b, pb, 1000.0, pieces=2)
    assert ra.count > 100
    np.testing.assert_array_equal(ra.steps, rb.steps)
    np.testing.assert_array_equal(ra.i, rb.i)
    np.testing.assert_array_equal(a._x, b._x)
    assert b.t == 1000.0


def test_spikes_do_not_depend_on_the_chunk_size():
    a, pa = noisy_net(n_steps_chunk=7)
    b, pb = noisy_net(n_steps_chunk=10_000)
    ra, rb = spikes_of(a, pa, 600.0), spikes_of(b, pb, 600.0)
    np.testing.assert_array_equal(ra.steps, rb.steps)
    np.testing.assert_array_equal(ra.i, rb.i)


def test_same_seed_bit_identical_other_seed_different():
    r1 = spikes_of(*noisy_net(seed=11), 500.0)
    r2 = spikes_of(*noisy_net(seed=11), 500.0)
    r3 = spikes_of(*noisy_net(seed=12), 500.0)
    np.testing.assert_array_equal(r1.steps, r2.steps)
    np.testing.assert_array_equal(r1.i, r2.i)
    assert r1.count != r3.count or not np.array_equal(r1.steps, r3.steps)


def test_connection_added_between_runs_keeps_input_in_flight():
    # a spike emitted in the first run with a 5 ms delay arrives in the second, after a new
    # projection with a longer maximum delay has resized the ring buffer
    net = sp.Network(dt=1.0, seed=0)
    src = net.add_spike_source([9.0], [0], name="src")
    pop = net.add_neurons(2, sp.Izhikevich.preset("RS", method="rk4"), name="pop")
    net.connect(src, pop, i=[0], j=[0], weight=3.0, delay=5.0)
    trace = net.record_state(pop, "v")
    net.run(11.0, progress=False)
    net.connect(src, pop, i=[0], j=[0], weight=1.0, delay=30.0)
    net.run(30.0, progress=False)
    diff = trace.values[0] - trace.values[1]  # neuron 1 is an unconnected control
    # spike at step 9, arrival at step 14, applied after integration of step 14: seen at t = 15
    assert np.all(diff[:15] == 0.0) and diff[15] == pytest.approx(3.0, abs=1e-12)
    assert np.all(np.abs(diff[16:]) < 3.0)


# ----------------------------------------------------------------- synapse kinds and delays
def single_target(kind, delay=3.0, w=2.0, dt=0.5, tau=4.0):
    net = sp.Network(dt=dt, seed=0)
    src = net.add_spike_source([10.0], [0], name="src")
    pop = net.add_neurons(2, sp.Izhikevich.preset("RS", method="euler"), name="pop")
    net.connect(src, pop, i=[0], j=[0], weight=w, delay=delay, synapse=kind, tau_syn=tau)
    v = net.record_state(pop, "v")
    syn = net.record_state(pop, "I_syn")
    cur = net.record_state(pop, "I")
    net.run(40.0, progress=False)
    return net, v.values, syn.values, cur.values


def test_jump_adds_w_to_v_at_arrival_step_exactly():
    net, v, _, _ = single_target("jump", delay=3.0, w=2.0)
    # neuron 1 is the untouched control: identical dynamics except the jump
    diff = v[0] - v[1]
    arrival = round(10.0 / 0.5) + round(3.0 / 0.5)  # step 26: applied after its integration
    assert np.all(diff[: arrival + 1] == 0.0)
    assert diff[arrival + 1] == pytest.approx(2.0, abs=1e-12)


def test_pulse_is_a_current_during_the_arrival_step_only():
    net, v, _, cur = single_target("pulse", delay=1.0, w=4.0)
    arrival = 20 + 2
    assert cur[0, arrival] == 4.0 and cur[1, arrival] == 0.0
    assert np.count_nonzero(cur[0]) == 1
    # the effect on v is dt * w, to first order
    assert (v[0] - v[1])[arrival + 1] == pytest.approx(0.5 * 4.0, rel=1e-9)


def test_exponential_current_decays_with_tau_syn():
    net, v, syn, _ = single_target("exponential", delay=2.0, w=3.0, tau=4.0)
    arrival = 20 + 4
    k = np.arange(0, 20)
    # kicked after the integration of the arrival step, sampled at the start of each later step
    expected = 3.0 * np.exp(-0.5 * k / 4.0)
    np.testing.assert_allclose(syn[0, arrival + 1 : arrival + 21], expected, rtol=1e-12)
    assert np.all(syn[0, : arrival + 1] == 0.0) and np.all(syn[1] == 0.0)


def test_delays_are_rounded_to_whole_steps():
    net = sp.Network(dt=0.5, seed=0)
    a = net.add_neurons(1, sp.Izhikevich())
    p = net.connect(a, a, weight=1.0, delay=[1.26])
    assert p.delay_steps[0] == 3 and p.delay[0] == 1.5


def test_projection_exposes_arrays_and_weights_are_writable_between_runs():
    net = sp.Network(dt=0.5, seed=0)
    src = net.add_spike_source([5.0, 25.0], [0, 0])
    pop = net.add_neurons(1, sp.Izhikevich.preset("RS"))
    p = net.connect(src, pop, weight=1.0, delay=1.0)
    v = net.record_state(pop, "v")
    net.run(20.0, progress=False)
    p.weight[:] = 5.0
    net.run(20.0, progress=False)
    jumps = np.diff(v.values[0])
    assert p.i.dtype == np.int32 and p.j.dtype == np.int32 and p.weight.dtype == np.float64
    assert jumps[12] == pytest.approx(1.0 + np.diff(v.values[0])[11], abs=0.3)
    assert jumps[52] > 4.5


# --------------------------------------------------------------------------------- monitors
def test_record_state_every_k_steps_and_rate_matches_spike_counts():
    net, pop = noisy_net()
    tr = net.record_state(pop, "v", neurons=[3, 1], every_ms=2.0)
    rate = net.record_rate(pop)
    rec = net.record_spikes(pop)
    net.run(101.0, progress=False)
    net.run(99.0, progress=False)
    assert tr.values.shape == (2, 100)
    np.testing.assert_allclose(tr.t, np.arange(0, 200, 2.0))
    assert rate.counts.sum() == rec.count and rate.t.shape == (400,)
    assert rate.rate.mean() == pytest.approx(rec.rate(), rel=1e-12)
    trains = rec.trains()
    assert len(trains) == 50 and sum(len(t) for t in trains) == rec.count
    assert np.all(np.diff(trains[0]) > 0)


def test_record_spikes_of_a_subset_and_of_a_source():
    net = sp.Network(dt=1.0, seed=0)
    src = net.add_spike_source([1.0, 2.0, 3.0, 7.0], [0, 1, 2, 1], n=3)
    sub = net.record_spikes(src, neurons=[1])
    net.run(10.0, progress=False)
    np.testing.assert_array_equal(sub.t, [2.0, 7.0])
    np.testing.assert_array_equal(sub.i, [1, 1])


def test_monitor_that_cannot_fit_in_memory_is_refused_before_running():
    net = sp.Network(dt=0.1, seed=0)
    pop = net.add_neurons(10_000, sp.Izhikevich())
    net.record_state(pop, "v")
    with pytest.raises(MemoryError, match=r"record_state\('pop0', 'v'\) needs"):
        net.run(1e9, progress=False)
    assert net.step == 0


def test_ctrl_c_stops_between_chunks_and_keeps_records():
    net = sp.Network(dt=0.1, seed=0)
    pop = net.add_neurons(100, sp.Izhikevich.preset("RS"), name="pop")
    net.add_current(pop, 10.0)
    rec = net.record_spikes(pop)
    net._max_chunk = 200
    timer = threading.Timer(1.5, signal.raise_signal, args=(signal.SIGINT,))
    timer.start()
    with pytest.raises(KeyboardInterrupt, match="records kept"):
        net.run(2e7, progress=False)  # hours of wall time if the interrupt were ignored
    timer.cancel()
    assert 0 < net.step < 2e8
    assert rec.count > 0 and rec.steps.max() < net.step
    assert rec.t_stop == net.t
    # the network continues from where it stopped
    before = net.step
    net.run(10.0, progress=False)
    assert net.step == before + 100


def test_divergence_stops_with_the_neuron_and_time():
    net = sp.Network(dt=0.1, seed=0)
    pop = net.add_neurons(3, sp.Izhikevich(a=-50.0, b=0.2, method="euler"), name="blow")
    net.add_current(pop, 10.0)
    with pytest.raises(
        FloatingPointError, match=r"at t = 39.6 ms \(step 396\): neuron 0 of 'blow'"
    ):
        net.run(100.0, progress=False)
    assert net.step == 396


def test_forward_euler_at_1ms_warns():
    net = sp.Network(dt=1.0)
    with pytest.warns(sp.ConvergenceWarning, match="not converged"):
        net.add_neurons(1, sp.Izhikevich(method="euler"))
    net2 = sp.Network(dt=0.5)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net2.add_neurons(1, sp.Izhikevich(method="euler"))
        net.add_neurons(1, sp.Izhikevich(method="izhikevich"))


# ----------------------------------------------------------------------------- bad input
def test_bad_input_is_rejected_with_name_value_and_allowed():
    net = sp.Network(dt=0.1)
    pop = net.add_neurons(5, sp.Izhikevich())
    other = sp.Network(dt=0.1).add_neurons(5, sp.Izhikevich())
    cases = [
        (lambda: sp.Network(dt=0.0), ValueError, "dt must be > 0; got 0.0"),
        (lambda: sp.Network(dt=-1), ValueError, "dt must be > 0"),
        (lambda: net.add_neurons(0, sp.Izhikevich()), ValueError, "n must be an integer >= 1"),
        (lambda: net.add_neurons(-3, sp.Izhikevich()), ValueError, "got -3"),
        (lambda: net.add_neurons(2.5, sp.Izhikevich()), TypeError, "n must be an integer"),
        (lambda: sp.Izhikevich(a=float("nan")), ValueError, "a must be finite; found nan"),
        (lambda: sp.Izhikevich(c=[1.0, float("inf")]), ValueError, "c must be finite"),
        (
            lambda: net.add_neurons(3, sp.Izhikevich(d=[1.0, 2.0])),
            ValueError,
            "d must be a scalar or have length 3; got length 2",
        ),
        (lambda: sp.Izhikevich(method="heun"), ValueError, "method must be one of"),
        (lambda: sp.Izhikevich.preset("XX"), ValueError, "name must be one of"),
        (
            lambda: net.connect(pop, pop, delay=0.04, synapse="pulse"),
            ValueError,
            r"delay must be >= dt = 0.1 ms \(one step\) for synapse='pulse'.*given is 0.04 ms",
        ),
        (lambda: net.connect(pop, pop, delay=-1.0), ValueError, "delay must be finite and >= 0"),
        (
            lambda: net.connect(pop, pop, i=[0, 7], j=[1, 2]),
            ValueError,
            "i holds index 7, out of range: allowed 0..4",
        ),
        (lambda: net.connect(pop, pop, synapse="alpha"), ValueError, "synapse must be one of"),
        (lambda: net.connect(pop, other), ValueError, "post 'pop0' belongs to another network"),
        (lambda: net.connect(pop, pop, weight=[1.0, 2.0]), ValueError, "weight must be"),
        (lambda: net.record_spikes(other), ValueError, "belongs to another network"),
        (lambda: net.record_state(pop, "w"), ValueError, "var must be one of"),
        (lambda: net.record_state(pop, "v", neurons=[9]), ValueError, "neurons holds index 9"),
        (lambda: net.run(-1.0), ValueError, "duration must be >= 0; got -1.0"),
        (lambda: net.run(float("nan")), ValueError, "duration must be finite"),
        (lambda: net.add_current(pop, [1.0, 2.0]), ValueError, "current must be"),
        (lambda: net.add_poisson(3, -1.0), ValueError, "rate_hz must lie in"),
        (lambda: net.add_spike_source([1.0, 1.02], [0, 0]), ValueError, "spikes twice"),
        (lambda: net.add_spike_source([1.0], [0, 1]), ValueError, "equal lengths"),
        (lambda: sp.connect.fixed_probability(1.5), ValueError, r"p must be a probability"),
        (
            lambda: net.connect(pop, pop, sp.connect.fixed_indegree(9)),
            ValueError,
            "exceeds the 5 available",
        ),
        (
            lambda: (
                net.connect(pop, pop, sp.connect.one_to_one(), weight=1.0)
                and net.connect(pop, net.add_neurons(2, sp.Izhikevich()), sp.connect.one_to_one())
            ),
            ValueError,
            "one_to_one needs populations of equal size",
        ),
        (lambda: sp.inputs.Noise(std=-1.0), ValueError, "std must be >= 0"),
        (
            lambda: net.add_current(pop, sp.inputs.Noise(interval=0.15)),
            ValueError,
            "interval must be a positive multiple of dt = 0.1 ms; got 0.15 ms",
        ),
    ]
    for fn, exc, message in cases:
        with pytest.raises(exc, match=message):
            fn()
    assert net.step == 0


def test_noise_is_held_for_its_interval_and_has_its_moments():
    net = sp.Network(dt=0.25, seed=5)
    pop = net.add_neurons(2000, sp.Izhikevich(), name="p")
    net.add_current(pop, sp.inputs.Noise(std=5.0, mean=1.0, interval=1.0))
    cur = net.record_state(pop, "I", neurons=np.arange(0, 2000, 7))
    net._max_chunk = 3  # chunk edges inside the held intervals
    net.run(20.0, progress=False)
    values = cur.values
    blocks = values.reshape(values.shape[0], 20, 4)
    assert np.all(blocks == blocks[:, :, :1])  # constant within each 1 ms
    assert np.all(blocks[:, 1:, 0] != blocks[:, :-1, 0])  # a fresh draw each ms
    assert values[:, ::4].mean() == pytest.approx(1.0, abs=0.1)
    assert values[:, ::4].std() == pytest.approx(5.0, rel=0.03)


def test_step_and_timed_array_currents_are_applied_at_the_right_steps():
    net = sp.Network(dt=0.5, seed=0)
    pop = net.add_neurons(2, sp.Izhikevich(), name="p")
    net.add_current(pop, sp.inputs.Step([1.0, 2.0], start=2.0, stop=4.0))
    net.add_current(pop, sp.inputs.TimedArray([10.0, 20.0, 30.0], interval=1.0), neurons=[1])
    net.add_current(pop, [0.25, 0.5])
    cur = net.record_state(pop, "I")
    net.run(5.0, progress=False)
    np.testing.assert_array_equal(
        cur.values[0], [0.25, 0.25, 0.25, 0.25, 1.25, 1.25, 1.25, 1.25, 0.25, 0.25]
    )
    np.testing.assert_array_equal(
        cur.values[1], [10.5, 10.5, 20.5, 20.5, 32.5, 32.5, 32.5, 32.5, 30.5, 30.5]
    )


def test_poisson_source_rate_and_spike_source_times():
    net = sp.Network(dt=0.1, seed=2)
    poi = net.add_poisson(200, rate_hz=50.0)
    src = net.add_spike_source([0.0, 0.04, 12.34], [2, 0, 1])
    rp, rs = net.record_spikes(poi), net.record_spikes(src)
    net.run(2000.0, progress=False)
    expected = 200 * 2.0 * 50.0
    assert abs(rp.count - expected) < 4 * math.sqrt(expected)
    np.testing.assert_allclose(rs.t, [0.0, 0.0, 12.3])
    np.testing.assert_array_equal(rs.i, [0, 2, 1])


def test_mixed_network_deterministic_across_builds():
    a, b = build_mixed(4), build_mixed(4)
    ra = [a.record_spikes(g) for g in a.groups]
    rb = [b.record_spikes(g) for g in b.groups]
    a.run(100.0, progress=False)
    b.run(100.0, progress=False)
    for x, y in zip(ra, rb, strict=True):
        np.testing.assert_array_equal(x.steps, y.steps)
        np.testing.assert_array_equal(x.i, y.i)
