"""Network.connect and record_state: no silent surprises (issue 14, API points 1, 2, 3 and 5).

A starting weight outside a plastic rule's bounds, a projection into a spike source and a
recording interval that is not a whole number of steps are refused at the call, with the reason;
the caller's weight array is never written by plasticity.
"""

import numpy as np
import pytest

import spiker as sp


def pair_net(dt=0.5):
    net = sp.Network(dt=dt, seed=0)
    a = net.add_neurons(3, sp.Izhikevich.preset("RS"), name="a")
    b = net.add_neurons(2, sp.Izhikevich.preset("RS"), name="b")
    return net, a, b


# ---- point 1: starting weights outside [w_min, w_max] of a plastic rule --------------------------
@pytest.mark.parametrize(
    "weight, shown",
    [(-2.0, r"\[-2, -2\]"), (np.array([0.5, 0.2, 1.5, 0.0, 0.9, 0.3]), r"\[0, 1.5\]")],
)
def test_plastic_weight_outside_the_bounds_is_refused_at_connect(weight, shown):
    net, a, b = pair_net()
    with pytest.raises(ValueError, match=r"weight must lie in \[w_min, w_max\] = \[0, 1\]") as e:
        net.connect(a, b, sp.connect.all_to_all(), weight=weight,
                    plasticity=sp.STDP(w_min=0.0, w_max=1.0))  # fmt: skip
    assert e.match(shown) and e.match("negative bounds")
    assert net.projections == []


def test_inhibitory_plastic_projection_with_negative_bounds_stays_inhibitory():
    net = sp.Network(dt=0.5, seed=0)
    pre = net.add_spike_source(np.arange(5.0, 200.0, 10.0), np.zeros(20, int), name="pre")
    post = net.add_spike_source(np.arange(7.0, 200.0, 10.0), np.zeros(20, int), name="post")
    stdp = sp.STDP(a_plus=0.5, a_minus=0.5, w_min=-5.0, w_max=0.0)
    proj = net.connect(pre, post, weight=-2.0, plasticity=stdp)
    net.run(200.0, progress=False)
    # pre 1 ms (arrival, delay one step: 5.5) before post (7): potentiation towards w_max = 0
    assert -2.0 < proj.weight[0] <= 0.0


# ---- point 2: projections into spike sources -----------------------------------------------------
@pytest.mark.parametrize("kind", ["poisson", "spike source"])
def test_connecting_into_a_source_is_refused_with_the_reason(kind):
    net, a, _ = pair_net()
    if kind == "poisson":
        src = net.add_poisson(4, 10.0, name="src")
        expect = "post 'src' is a Poisson source: its spikes are given"
    else:
        src = net.add_spike_source([1.0, 2.0], [0, 1], name="src")
        expect = "post 'src' is a spike source: its spikes are given"
    with pytest.raises(ValueError, match=expect) as e:
        net.connect(a, src, sp.connect.all_to_all(), weight=1.0)
    assert e.match("would do nothing") and e.match("add_neurons")
    assert net.projections == []


def test_plastic_projection_into_a_source_learns_from_its_spikes():
    # the documented exception: a source imposes postsynaptic spike times on a plastic projection
    net = sp.Network(dt=0.5, seed=0)
    pre = net.add_spike_source([10.0], [0], name="pre")
    post = net.add_spike_source([20.0], [0], name="post")
    proj = net.connect(pre, post, weight=0.5, delay=1.0, plasticity=sp.STDP(a_plus=0.1))
    net.run(50.0, progress=False)
    assert proj.weight[0] == pytest.approx(0.5 + 0.1 * np.exp(-9.0 / 20.0), abs=1e-12)


# ---- point 3: the caller's weight array ----------------------------------------------------------
def test_connect_copies_the_weight_array_and_plasticity_leaves_it_alone():
    net = sp.Network(dt=0.5, seed=2)
    src = net.add_poisson(20, 40.0, name="in")
    out = net.add_neurons(1, sp.Izhikevich.preset("RS"), name="out")
    w0 = np.linspace(2.0, 6.0, 20)
    before = w0.copy()
    proj = net.connect(src, out, i=np.arange(20), j=np.zeros(20, int), weight=w0,
                       plasticity=sp.STDP(a_plus=0.2, a_minus=0.21, w_max=8.0))  # fmt: skip
    assert not np.shares_memory(proj.weight, w0)
    net.run(1000.0, progress=False)
    np.testing.assert_array_equal(w0, before)
    assert not np.array_equal(proj.weight, before)  # the projection did learn
    w0[:] = 0.0  # and writing the caller's array does not reach the projection
    assert proj.weight.min() > 0.0


# ---- point 5: recording intervals in ms ----------------------------------------------------------
def test_record_state_every_ms_samples_in_ms_like_record_weights():
    net, a, _ = pair_net(dt=0.25)
    net.add_current(a, 10.0)
    v = net.record_state(a, "v", neurons=[1], every_ms=1.5)
    net.run(30.0, progress=False)
    np.testing.assert_allclose(v.t, np.arange(0.0, 30.0, 1.5))
    assert v.values.shape == (1, 20)
    assert v.every == 6  # kept in steps inside


def test_record_state_interval_that_is_not_whole_steps_is_refused():
    net, a, _ = pair_net(dt=0.25)
    with pytest.raises(ValueError, match=r"every_ms must be a positive multiple of dt = 0.25 ms"):
        net.record_state(a, "v", every_ms=0.3)
    with pytest.raises(ValueError, match=r"every_ms must be a positive multiple"):
        net.record_state(a, "v", every_ms=0.0)


def test_record_state_old_every_in_steps_says_it_was_replaced():
    net, a, _ = pair_net()
    with pytest.raises(TypeError, match=r"replaced by every_ms= \(in ms"):
        net.record_state(a, "v", every=4)
    with pytest.raises(TypeError, match="unexpected keyword argument 'evry_ms'"):
        net.record_state(a, "v", evry_ms=4)


# ------------------------------------------------ durations and end-of-run samples (points 4, 6)
@pytest.mark.parametrize(
    ("dt", "duration", "steps"),
    [(0.1, 10.05, 101), (0.1, 10.0, 100), (1.0, 10.5, 11), (0.1, 0.1 * 3, 3),
     (0.1, 10.000001, 100), (0.25, 0.3, 2)],
)  # fmt: skip
def test_run_rounds_durations_up_to_whole_steps_as_brian2(dt, duration, steps):
    # Brian2's Clock._calc_timestep: the nearest step count when within 1e-4 steps, else ceil
    net = sp.Network(dt=dt, seed=1)
    net.add_neurons(2, sp.Izhikevich.preset("RS"), name="rs")
    net.run(duration, progress=False)
    assert net.step == steps
    net.run(duration, progress=False)
    assert net.step == 2 * steps


def test_weight_record_ends_with_the_final_weights_and_the_next_run_continues_it():
    net = sp.Network(dt=0.5, seed=3)
    src = net.add_poisson(50, 40.0, name="src")
    out = net.add_neurons(1, sp.Izhikevich.preset("RS"), name="out")
    proj = net.connect(src, out, weight=sp.Uniform(0.0, 1.0), delay=1.0,
                       plasticity=sp.STDP(w_min=0.0, w_max=1.0))  # fmt: skip
    net.add_current(out, 5.0)
    rec = net.record_weights(proj, synapses=[0, 1, 2], every_ms=50.0)
    net.run(2000.0, progress=False)
    assert rec.t[0] == 0.0 and rec.t[-2] == 1950.0 and rec.t[-1] == 2000.0
    np.testing.assert_array_equal(rec.values[:, -1], proj.weight[:3])
    net.run(100.0, progress=False)  # the sample at 2000 ms is taken again, not duplicated
    np.testing.assert_array_equal(rec.t[-3:], [2000.0, 2050.0, 2100.0])
    assert np.all(np.diff(rec.t) > 0)
    np.testing.assert_array_equal(rec.values[:, -1], proj.weight[:3])
    off = net.record_weights(proj, synapses=[0], every_ms=50.0, record_final=False)
    net.run(120.0, progress=False)
    assert off.t[-1] == 2200.0  # 2220 ms is not on the 50 ms grid, and not recorded
    np.testing.assert_array_equal(rec.t[-4:], [2100.0, 2150.0, 2200.0, 2220.0])  # 2100 replaced


def test_state_record_final_sample_is_the_state_after_the_last_step():
    net = sp.Network(dt=0.1, seed=1)
    pop = net.add_neurons(2, sp.Izhikevich.preset("RS"), name="rs")
    net.add_current(pop, 10.0)
    rec = net.record_state(pop, "u", every_ms=1.0, record_final=True)
    net.run(10.05, progress=False)
    assert rec.t[-1] == pytest.approx(10.1) and rec.t[-2] == pytest.approx(10.0)
    np.testing.assert_array_equal(rec.values[:, -1], pop.u)
    with pytest.raises(ValueError, match="record_final is not available for 'I'"):
        net.record_state(pop, "I", record_final=True)
