"""``native_inputs=True``: Brian2 and NEST draw noise and Poisson trains themselves.

Reference: the distributions spiker's inputs define (``sp.inputs.Noise``: mean + std * N(0, 1)
drawn each interval and held; ``add_poisson``: rate * dt per step). The peers' numbers differ from
spiker's, so the tests check the statistics, with tolerances of about four standard errors of
the estimate (stated at each), and the exact parts exactly: the hold of the noise over its
interval and ``RandomPulse``, whose picks are handed over, not re-drawn.
"""

from __future__ import annotations

import numpy as np
import pytest

import spiker as sp
from spiker.interop import external_current, random_pulse_picks, split_currents

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Brian2 and pyparsing


def pulsed(seed: int = 9) -> sp.Network:
    """Two populations of uncoupled neurons sharing one RandomPulse (2 picks per ms) at 0.5 ms."""
    net = sp.Network(dt=0.5, seed=seed)
    a = net.add_neurons(7, sp.Izhikevich(method="euler"), name="a")
    b = net.add_neurons(5, sp.Izhikevich.preset("FS", method="euler"), name="b")
    net.add_current([a, b], sp.inputs.RandomPulse(amplitude=20.0, interval=1.0, k=2))
    net.add_current(a, 3.0)
    return net


def test_random_pulse_picks_rebuild_the_precomputed_current_exactly():
    net = pulsed()
    (bound,) = net._currents
    picks = random_pulse_picks(bound, 301)
    assert picks.shape == (151, 2)  # ceil(301 / 2) intervals of 2 steps
    dense = np.zeros((301, net.n))
    for step in range(301):
        np.add.at(dense[step], picks[step // 2], 20.0)
    dense += net._I_const
    np.testing.assert_array_equal(dense, external_current(net, 301))
    assert split_currents(net, (sp.inputs.RandomPulse,)) == ([], [bound])


def test_brian2_random_pulse_from_picks_gives_spikers_spikes_exactly():
    b2 = pytest.importorskip("brian2")
    from spiker.interop.brian2 import to_brian2

    net = pulsed()
    bm = to_brian2(net, 1000.0, native_inputs=True)
    bm.network.run(1000.0 * b2.ms, namespace={})
    records = {name: net.record_spikes(g) for name, g in zip("ab", net.groups, strict=True)}
    net.run(1000.0, progress=False)
    for name, rec in records.items():
        steps, idx = bm.spikes(name)
        assert rec.count > 20
        np.testing.assert_array_equal(steps, rec.steps)
        np.testing.assert_array_equal(idx, rec.i)


def test_brian2_native_noise_is_held_for_its_interval_with_its_mean_and_std():
    b2 = pytest.importorskip("brian2")
    from spiker.interop.brian2 import to_brian2

    net = sp.Network(dt=0.25, seed=2)
    pop = net.add_neurons(400, sp.Izhikevich(method="euler"), name="cells")
    net.add_current(pop, sp.inputs.Noise(std=5.0, mean=1.0, interval=1.0), neurons=np.arange(300))
    net.add_current(pop, 2.0)
    bm = to_brian2(net, 100.0, native_inputs=True)
    mon = b2.StateMonitor(bm.groups["cells"], "I", record=True, when="thresholds")
    bm.network.add(mon)
    b2.seed(3)
    bm.network.run(100.0 * b2.ms, namespace={})
    current = np.asarray(mon.I)  # (400 neurons, 400 steps)
    assert np.all(current[300:] == 2.0)  # neurons without noise keep the constant current
    noise = (current[:300] - 2.0).reshape(300, 100, 4)  # 100 intervals of 4 steps
    assert np.all(noise == noise[:, :, :1])  # held over each 1 ms interval
    assert np.mean(np.abs(np.diff(noise[:, :, 0], axis=1)) > 0) > 0.99  # redrawn each interval
    # 30,000 draws: standard error 0.029 of the mean and 0.020 of the std
    assert noise[:, :, 0].mean() == pytest.approx(1.0, abs=0.12)
    assert noise[:, :, 0].std() == pytest.approx(5.0, abs=0.08)


def test_brian2_native_poisson_group_fires_at_the_sources_rate():
    b2 = pytest.importorskip("brian2")
    from spiker.interop.brian2 import to_brian2

    net = sp.Network(dt=0.1, seed=4)
    src = net.add_poisson(500, 40.0, name="inputs")
    cells = net.add_neurons(2, sp.Izhikevich(method="euler"), name="cells")
    net.connect(src, cells, weight=0.25)
    bm = to_brian2(net, 1000.0, native_inputs=True)
    assert isinstance(bm.groups["inputs"], b2.PoissonGroup)
    mon = b2.SpikeMonitor(bm.groups["inputs"])
    bm.network.add(mon)
    b2.seed(5)
    bm.network.run(1000.0 * b2.ms, namespace={})
    # 500 trains x 40 Hz x 1 s = 20,000 spikes, standard deviation 141: within 3 % (4.2 sd)
    assert mon.num_spikes == pytest.approx(20_000, rel=0.03)


def test_nest_native_noise_drives_uncoupled_neurons_at_spikers_rate():
    pytest.importorskip("nest")
    from spiker.interop.nest import to_nest

    def build():
        net = sp.Network(dt=0.1, seed=6)
        pop = net.add_neurons(500, sp.Izhikevich(method="euler"), name="cells")
        # 2 ms, not NEST's default switching interval (10 steps = 1 ms here)
        net.add_current(pop, sp.inputs.Noise(std=6.0, mean=3.0, interval=2.0))
        return net, pop

    net, pop = build()
    nm = to_nest(net, 2000.0, native_inputs=True)
    nm.run()
    theirs = nm.spikes("cells")[0].size
    net, pop = build()
    rec = net.record_spikes(pop)
    net.run(2000.0, progress=False)
    # about 16 Hz x 500 cells x 2 s = 16,000 spikes (measured: spiker 16044, NEST 16040; with a
    # 1 ms interval both give ~13,000, so a wrong interval fails). Over seeds spiker's count
    # moves by 0.3 %: tolerance 2 %
    assert rec.count > 14_000
    assert theirs == pytest.approx(rec.count, rel=0.02)


def test_nest_native_poisson_generators_relay_trains_at_the_sources_rate():
    nest = pytest.importorskip("nest")
    from spiker.interop.nest import to_nest

    net = sp.Network(dt=0.1, seed=7)
    src = net.add_poisson(300, np.r_[np.full(150, 10.0), np.full(150, 30.0)], name="inputs")
    cells = net.add_neurons(2, sp.Izhikevich(method="euler"), name="cells")
    net.connect(src, cells, weight=0.25)
    nm = to_nest(net, 1000.0, native_inputs=True)
    rec = nest.Create("spike_recorder")
    nest.Connect(nm.nodes["inputs"], rec)
    nm.run()
    senders = np.asarray(rec.get("events")["senders"]) - nm.nodes["inputs"][0].global_id
    counts = np.bincount(senders, minlength=300)
    # 1,500 and 4,500 spikes expected per half (sd 39 and 67): within 10 % and 6 % (4 sd)
    assert counts[:150].sum() == pytest.approx(1500, rel=0.10)
    assert counts[150:].sum() == pytest.approx(4500, rel=0.06)
