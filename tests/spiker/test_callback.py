"""net.run(duration, callback=f, every_ms=...): a closed loop between chunks of steps."""

import numpy as np
import pytest

import spiker as sp


def build(seed=2):
    net = sp.Network(dt=0.5, seed=seed)
    src = net.add_poisson(50, 30.0, name="src")
    pop = net.add_neurons(10, sp.Izhikevich.preset("RS"), name="pop")
    plastic = net.connect(src, pop, weight=sp.Uniform(0.0, 1.0), delay=1.0,
                          plasticity=sp.STDP(w_max=1.0))  # fmt: skip
    static = net.connect(pop, pop, sp.connect.fixed_probability(0.3), weight=0.5, delay=2.0)
    net.add_current(pop, sp.inputs.Noise(std=2.0, mean=4.0, interval=1.0))
    records = {
        "spikes": net.record_spikes(pop),
        "v": net.record_state(pop, "v", every_ms=5.0),
        "w": net.record_weights(plastic, synapses=[0, 1], every_ms=50.0),
        "rate": net.record_rate(pop),
    }
    return net, pop, plastic, static, records


def assert_same(a, b):
    np.testing.assert_array_equal(a["spikes"].steps, b["spikes"].steps)
    np.testing.assert_array_equal(a["spikes"].i, b["spikes"].i)
    for key in ("v", "w"):
        np.testing.assert_array_equal(a[key].t, b[key].t)
        np.testing.assert_array_equal(a[key].values, b[key].values)
    np.testing.assert_array_equal(a["rate"].counts, b["rate"].counts)


def test_a_callback_that_changes_nothing_changes_nothing():
    net_a, *_, rec_a = build()
    net_a.run(1000.0, progress=False)
    net_b, *_, rec_b = build()
    calls = []
    net_b.run(1000.0, progress=False, every_ms=30.0,
              callback=lambda net: calls.append((net.t, rec_b["spikes"].count)))  # fmt: skip
    assert_same(rec_a, rec_b)
    # every 30 ms of model time, the records complete up to then
    assert [t for t, _ in calls] == [30.0 * k for k in range(1, 34)]
    for t, count in calls:
        assert count == np.sum(rec_a["spikes"].t < t)


def test_the_callback_changes_weights_and_currents_and_the_run_goes_on_with_them():
    net, pop, plastic, static, rec = build()

    def silence(net):
        if net.t == 500.0:
            plastic.weight = 0.0  # plastic weights (kernel state) and static ones
            static.weight = 0.0
            net._I_const[pop.start : pop.stop] -= 100.0  # a strong inhibitory constant current

    net.run(1000.0, progress=False, callback=silence, every_ms=100.0)
    before = np.sum(rec["spikes"].t < 500.0)
    after = np.sum(rec["spikes"].t >= 502.0)  # spikes already under way may finish
    assert before > 50 and after == 0
    assert np.all(plastic.weight == 0.0)  # nothing to learn from: no post spikes, w = 0 stays


def test_an_exception_in_the_callback_stops_the_run_there_with_consistent_records():
    net, pop, plastic, static, rec = build()

    def fail(net):
        if net.t == 300.0:
            raise RuntimeError("reward server down")

    with pytest.raises(RuntimeError, match="reward server down"):
        net.run(1000.0, progress=False, callback=fail, every_ms=100.0)
    assert net.t == 300.0 and rec["spikes"].t_stop == 300.0
    assert rec["v"].t[-1] == 295.0 and rec["w"].t[-1] == 300.0  # weights: final sample
    net.run(700.0, progress=False)  # continues as if it had not stopped
    ref_net, *_, ref = build()
    ref_net.run(1000.0, progress=False)
    np.testing.assert_array_equal(rec["spikes"].steps, ref["spikes"].steps)
    np.testing.assert_array_equal(plastic.weight, ref_net.projections[0].weight)


def test_keyboard_interrupt_in_the_callback_behaves_the_same():
    net, *_, rec = build()

    def interrupt(net):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        net.run(1000.0, progress=False, callback=interrupt, every_ms=250.0)
    assert net.t == 250.0 and rec["spikes"].t_stop == 250.0


def test_the_callback_may_not_change_the_structure():
    net, pop, *_ = build()

    def grow(net):
        net.add_current(pop, sp.inputs.Noise(std=1.0))

    with pytest.raises(RuntimeError, match="changed the network's structure"):
        net.run(100.0, progress=False, callback=grow, every_ms=10.0)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"callback": 3, "every_ms": 1.0}, TypeError, "callback must be a callable"),
        ({"callback": print}, ValueError, "every_ms is required with a callback"),
        ({"every_ms": 1.0}, ValueError, "give callback= too"),
        ({"callback": print, "every_ms": 0.75}, ValueError, "every_ms must be a positive multiple"),
    ],
)
def test_bad_callback_arguments_are_refused_before_the_run(kwargs, error, message):
    net, *_ = build()
    with pytest.raises(error, match=message):
        net.run(10.0, progress=False, **kwargs)
    assert net.t == 0.0
