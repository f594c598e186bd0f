"""polychronization (spnet) and STDP competition: structure, and what the papers show."""

import numpy as np

import spiker as sp


def test_polychronization_structure_is_spnet():
    m = sp.models.polychronization(seed=4)
    (pop,) = m.net.groups
    exc, inh = m.projections["exc"], m.projections["inh"]
    assert pop.n == 1000 and exc.n == 800 * 100 and inh.n == 200 * 100
    np.testing.assert_array_equal(pop.a, np.where(np.arange(1000) < 800, 0.02, 0.1))
    np.testing.assert_array_equal(pop.d, np.where(np.arange(1000) < 800, 8.0, 2.0))
    for proj in (exc, inh):
        pairs = proj.i.astype(np.int64) * 1000 + proj.j
        assert np.unique(pairs).size == proj.n  # no duplicate synapses
        assert np.all(proj.i != proj.j)  # no self synapses
        np.testing.assert_array_equal(np.bincount(proj.i, minlength=1000)[proj.i], 100)
    assert inh.j.max() < 800 and inh.i.min() == 800 and np.all(inh.delay == 1.0)
    # 5 synapses per delay value 1..20 ms for every excitatory neuron
    per_delay = np.zeros((800, 21), int)
    np.add.at(per_delay, (exc.i, exc.delay_steps), 1)
    assert np.all(per_delay[:, 1:] == 5)
    assert np.all(exc.weight == 6.0) and np.all(inh.weight == -5.0)
    assert exc.plasticity.update.interval == 1000.0 and exc.plasticity.w_max == 10.0


def test_random_pulse_gives_one_neuron_the_current_each_ms_independent_of_chunks():
    def currents(chunk):
        net = sp.Network(dt=0.5, seed=9)
        a = net.add_neurons(7, sp.Izhikevich(), name="a")
        b = net.add_neurons(5, sp.Izhikevich(), name="b")
        net.add_current([a, b], sp.inputs.RandomPulse(amplitude=20.0, interval=1.0))
        ia, ib = net.record_state(a, "I"), net.record_state(b, "I")
        net._max_chunk = chunk
        net.run(300.0, progress=False)
        return np.vstack([ia.values, ib.values])

    cur = currents(3)
    np.testing.assert_array_equal(cur, currents(10_000))
    assert np.all(cur.sum(axis=0) == 20.0)  # exactly one of the 12 neurons each step
    np.testing.assert_array_equal(cur[:, 0::2], cur[:, 1::2])  # held for 1 ms = 2 steps
    hits = (cur[:, ::2] > 0).sum(axis=1)
    assert hits.min() > 5 and hits[7:].sum() > 0  # about 25 each, spread over both populations


def test_polychronization_weights_go_bimodal_in_ten_minutes():
    # issue 3: after 600 s of model time >= 25 % of excitatory weights below 1, >= 35 % at max
    # (about a minute of wall time; examples/polychronization.py runs the full hour)
    m = sp.models.polychronization(seed=1).run(600_000.0, progress=False)
    w = m.projections["exc"].weight
    assert np.mean(w < 1.0) >= 0.25
    assert np.mean(w >= 10.0 - 1e-9) >= 0.35
    exc_rate = m.records["exc"].rate()
    assert 0.5 < exc_rate < 10.0


def test_polychronization_first_ten_seconds_rates_and_learning():
    m = sp.models.polychronization(seed=1).run(10_000.0, progress=False)
    exc, inh = m.records["exc"], m.records["inh"]
    last = {k: np.sum(r.t >= 5000.0) / (len(r.neurons) * 5.0) for k, r in m.records.items()}
    assert 0.5 < last["exc"] < 8.0 and last["exc"] < last["inh"] < 60.0, last
    w = m.projections["exc"].weight
    # ten applications of the spnet schedule have moved the weights both ways from 6
    assert np.mean(w > 6.5) > 0.2 and np.mean(w < 5.5) > 0.05
    assert exc.count > 0 and inh.count > 0


def test_stdp_competition_histogram_turns_u_shaped():
    m = sp.models.stdp_competition(seed=2).run(100_000.0, progress=False)
    proj = m.projections["input"]
    w = proj.weight
    counts, _ = np.histogram(w, bins=10, range=(0, proj.plasticity.w_max))
    outer = counts[:2].sum() + counts[-2:].sum()
    # initially uniform: 40 % in the outer bins and every bin ~100
    assert outer / counts.sum() > 0.5, counts
    assert min(counts[0], counts[-1]) > max(counts[3:7]), counts
    rate = m.records["output"].rate()
    assert 5.0 < rate < 40.0
    traces = m.records["weights"]
    assert traces.values.shape == (2, 1001)  # every 100 ms from 0, and the final state
    np.testing.assert_array_equal(traces.values[:, -1], w[:2])
    assert traces.t[-1] == 100_000.0


def test_polychronization_euler_form_keeps_spnet_structure_with_jumps_at_0_1_ms():
    pub = sp.models.polychronization(seed=4)
    eul = sp.models.polychronization(seed=4, form="euler")
    (pop,) = eul.net.groups
    assert eul.net.dt == 0.1 and pop.model.method == "euler"
    for name in ("exc", "inh"):
        p, q = pub.projections[name], eul.projections[name]
        np.testing.assert_array_equal(p.i, q.i)
        np.testing.assert_array_equal(p.j, q.j)
        np.testing.assert_array_equal(q.delay_steps, 10 * p.delay_steps)  # same delays in ms
        assert q.kind == "jump" and p.kind == "pulse"
    assert eul.projections["exc"].plasticity == pub.projections["exc"].plasticity
    eul.run(2000.0, progress=False)
    # spnet's regime: excitatory cells fire a few Hz, inhibitory ones faster
    exc, inh = eul.records["exc"].rate(), eul.records["inh"].rate()
    assert 0.5 < exc < 10.0 and exc < inh < 60.0


def test_feedforward_stdp_fires_in_a_learning_regime_and_moves_weights():
    m = sp.models.feedforward_stdp(seed=3, n_inputs=500, n_neurons=20, rate_hz=20.0)
    proj = m.projections["input"]
    assert proj.n == 500 * 20 and proj.kind == "jump" and m.net.dt == 0.1
    w0 = proj.weight.copy()
    m.run(2000.0, progress=False)
    # mean drive 500 * 20 Hz * 0.5 mV = 5 mV/ms, as with the defaults: RS cells at ~5-25 Hz
    assert 5.0 < m.records["neurons"].rate() < 25.0
    moved = np.abs(proj.weight - w0)
    assert np.mean(moved > 1e-3) > 0.9 and proj.weight.min() >= 0 and proj.weight.max() <= 1.0
