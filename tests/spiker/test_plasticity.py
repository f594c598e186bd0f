"""STDP: the learning window, pairings, rules, bounds, the spnet schedule, a per-step twin."""

import math

import numpy as np
import pytest

import spiker as sp

DT = 0.5
DELAY = 1.5  # ms, axonal: the rule sees the presynaptic spike at t_pre + DELAY


def window(stdp, lags_ms, w0=0.5):
    """One pre/post pair per synapse between two spike sources; returns final weights."""
    n = len(lags_ms)
    net = sp.Network(dt=DT, seed=0)
    t_arrival = 100.0
    pre = net.add_spike_source(np.full(n, t_arrival - DELAY), np.arange(n), n=n, name="pre")
    post = net.add_spike_source(t_arrival + np.asarray(lags_ms), np.arange(n), n=n, name="post")
    proj = net.connect(pre, post, sp.connect.one_to_one(), weight=w0, delay=DELAY,
                       plasticity=stdp)  # fmt: skip
    net.run(200.0, progress=False)
    return proj.weight


LAGS = np.concatenate([np.arange(-50, 0), np.arange(1, 51)]).astype(float)


@pytest.mark.parametrize("pairing", ["all", "nearest"])
@pytest.mark.parametrize("rule", ["additive", "multiplicative"])
def test_learning_window_equals_the_formula(pairing, rule):
    stdp = sp.STDP(a_plus=0.01, a_minus=0.012, tau_plus=16.8, tau_minus=33.7, w_min=0.1,
                   w_max=1.0, pairing=pairing, rule=rule)  # fmt: skip
    w0 = 0.5
    got = window(stdp, LAGS, w0)
    ltp = 0.01 * np.exp(-LAGS / 16.8) * ((1.0 - w0) if rule == "multiplicative" else 1.0)
    ltd = -0.012 * np.exp(LAGS / 33.7) * ((w0 - 0.1) if rule == "multiplicative" else 1.0)
    expected = w0 + np.where(LAGS > 0, ltp, ltd)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_simultaneous_arrival_and_post_spike_potentiates():
    stdp = sp.STDP(a_plus=0.01, a_minus=0.012, w_max=1.0)
    assert window(stdp, [0.0])[0] == pytest.approx(0.51, abs=1e-15)


def test_hard_bounds_are_respected():
    stdp = sp.STDP(a_plus=0.4, a_minus=0.4, w_min=0.2, w_max=0.6)
    got = window(stdp, [1.0, -1.0], w0=0.5)
    np.testing.assert_array_equal(got, [0.6, 0.2])


def test_all_versus_nearest_pairing_with_several_spikes():
    # pre arrivals at 100 and 110, post at 120: all pairs sum both, nearest takes 110 only
    res = {}
    for pairing in ("all", "nearest"):
        net = sp.Network(dt=DT, seed=0)
        pre = net.add_spike_source([100 - DELAY, 110 - DELAY], [0, 0], name="pre")
        post = net.add_spike_source([120.0, 160.0], [0, 0], name="post")
        stdp = sp.STDP(
            a_plus=0.01, a_minus=0.02, tau_plus=20, tau_minus=10, w_max=5, pairing=pairing
        )
        proj = net.connect(pre, post, weight=1.0, delay=DELAY, plasticity=stdp)
        net.run(200.0, progress=False)
        res[pairing] = proj.weight[0]
    e = math.exp
    # the post spike at 160 pairs again with 110 (and 100) under "all", with 110 under nearest
    assert res["all"] == pytest.approx(
        1.0 + 0.01 * (e(-20 / 20) + e(-10 / 20)) + 0.01 * (e(-60 / 20) + e(-50 / 20)), abs=1e-12
    )
    assert res["nearest"] == pytest.approx(1.0 + 0.01 * e(-10 / 20) + 0.01 * e(-50 / 20), abs=1e-12)


def naive_stdp(pre_arrivals, post_steps, n_steps, stdp, w0, dt):
    """Per-step (clock-driven) twin: traces decay every step; arrivals before post spikes."""
    n_syn = len(pre_arrivals)
    w = np.array(w0, dtype=float)
    x, y, sd = np.zeros(n_syn), np.zeros(n_syn), np.zeros(n_syn)
    fp, fm = math.exp(-dt / stdp.tau_plus), math.exp(-dt / stdp.tau_minus)
    deferred = stdp.update is not None
    every = round(stdp.update.interval / dt) if deferred else 0
    arrivals = [set(a) for a in pre_arrivals]
    posts = [set(p) for p in post_steps]
    for n in range(n_steps):
        x *= fp
        y *= fm
        for s in range(n_syn):
            if n in arrivals[s]:
                dw = -stdp.a_minus * y[s]
                if stdp.rule == "multiplicative":
                    dw *= w[s] - stdp.w_min
                if deferred:
                    sd[s] += dw
                else:
                    w[s] = np.clip(w[s] + dw, stdp.w_min, stdp.w_max)
                x[s] = 1.0 if stdp.pairing == "nearest" else x[s] + 1.0
            if n in posts[s]:
                dw = stdp.a_plus * x[s]
                if stdp.rule == "multiplicative":
                    dw *= stdp.w_max - w[s]
                if deferred:
                    sd[s] += dw
                else:
                    w[s] = np.clip(w[s] + dw, stdp.w_min, stdp.w_max)
                y[s] = 1.0 if stdp.pairing == "nearest" else y[s] + 1.0
        if deferred and (n + 1) % every == 0:
            w = np.clip(w + (stdp.update.bias + sd), stdp.w_min, stdp.w_max)
            sd *= stdp.update.decay
    return w


@pytest.mark.parametrize(
    "stdp",
    [
        sp.STDP(a_plus=0.05, a_minus=0.06, tau_plus=15, tau_minus=25, w_max=6.0),
        sp.STDP(a_plus=0.05, a_minus=0.06, w_max=6.0, pairing="nearest", rule="multiplicative"),
        sp.STDP(
            a_plus=0.1,
            a_minus=0.12,
            w_max=6.0,
            pairing="nearest",
            update=sp.SpnetUpdate(interval=100.0, bias=0.01, decay=0.9),
        ),
    ],
    ids=["all-additive", "nearest-multiplicative", "spnet-schedule"],
)
def test_event_driven_equals_per_step_twin_in_a_spiking_network(stdp):
    net = sp.Network(dt=DT, seed=7)
    inp = net.add_poisson(40, rate_hz=30.0, name="inp")
    pop = net.add_neurons(5, sp.Izhikevich.preset("RS", method="rk4"), name="pop")
    net.add_current(pop, 3.0)
    proj = net.connect(inp, pop, sp.connect.fixed_probability(0.5), weight=sp.Uniform(2.0, 6.0),
                       delay=sp.Uniform(0.5, 8.0), plasticity=stdp)  # fmt: skip
    w0 = proj.weight.copy()
    rin, rpop = net.record_spikes(inp), net.record_spikes(pop)
    net.run(300.0, progress=False)
    net.run(200.0, progress=False)  # a second run continues the traces
    assert rpop.count > 20 and not np.allclose(proj.weight, w0)
    pre_steps = [rin.steps[rin.i == i] for i in range(inp.n)]
    post_steps = [rpop.steps[rpop.i == j] for j in range(pop.n)]
    arrivals = [pre_steps[i] + d for i, d in zip(proj.i, proj.delay_steps, strict=True)]
    posts = [post_steps[j] for j in proj.j]
    twin = naive_stdp(arrivals, posts, 1000, stdp, w0, DT)
    np.testing.assert_allclose(proj.weight, twin, rtol=1e-12, atol=1e-12)


def test_spnet_schedule_by_hand_on_three_synapses():
    # synapse 0: pre arrives 5 ms before post (LTP), 1: post 5 ms before pre (LTD), 2: no pairs
    upd = sp.SpnetUpdate(interval=100.0, bias=0.01, decay=0.9)
    stdp = sp.STDP(a_plus=0.1, a_minus=0.12, tau_plus=20, tau_minus=20, w_min=0, w_max=10,
                   pairing="nearest", update=upd)  # fmt: skip
    net = sp.Network(dt=1.0, seed=0)
    pre = net.add_spike_source([10.0, 30.0, 50.0], [0, 1, 2], n=3)
    post = net.add_spike_source([16.0, 26.0], [0, 1], n=3)
    proj = net.connect(pre, post, sp.connect.one_to_one(), weight=[5.0, 5.0, 9.995], delay=1.0,
                       plasticity=stdp)  # fmt: skip
    rec = net.record_weights(proj, every_ms=50.0)
    net.run(99.0, progress=False)
    np.testing.assert_array_equal(proj.weight, [5.0, 5.0, 9.995])  # nothing applied yet
    net.run(101.0, progress=False)
    sd0, sd1 = 0.1 * math.exp(-5 / 20), -0.12 * math.exp(-5 / 20)
    # after 100 ms: w += 0.01 + sd, then clipped; sd *= 0.9; after 200 ms: again
    w1 = np.array([5 + 0.01 + sd0, 5 + 0.01 + sd1, 10.0])
    w2 = np.minimum(w1 + 0.01 + 0.9 * np.array([sd0, sd1, 0.0]), 10.0)
    np.testing.assert_allclose(proj.weight, w2, rtol=0, atol=1e-12)
    # every 50 ms and the final weights; the end of the first run (99 ms) was provisional
    np.testing.assert_array_equal(rec.t, [0.0, 50.0, 100.0, 150.0, 200.0])
    np.testing.assert_allclose(rec.values[:, 2], w1, atol=1e-12)  # sampled at t = 100 ms
    np.testing.assert_allclose(rec.values[:, -1], w2, atol=1e-12)


def test_plastic_weights_are_writable_between_runs():
    net = sp.Network(dt=1.0, seed=0)
    pre = net.add_spike_source([10.0, 110.0], [0, 0])
    post = net.add_spike_source([20.0, 120.0], [0, 0])
    stdp = sp.STDP(a_plus=0.01, a_minus=0.0105, w_max=1.0, pairing="nearest")
    proj = net.connect(pre, post, weight=0.5, delay=1.0, plasticity=stdp)
    net.run(50.0, progress=False)
    after_first = proj.weight[0]
    assert after_first > 0.5
    proj.weight[:] = 0.2
    net.run(100.0, progress=False)
    assert after_first == pytest.approx(0.5 + 0.01 * math.exp(-9 / 20), abs=1e-15)
    # second pair: depression by the post spike at 20 when pre arrives at 111, then LTP
    expected = 0.2 - 0.0105 * math.exp(-91 / 20) + 0.01 * math.exp(-9 / 20)
    assert proj.weight[0] == pytest.approx(expected, abs=1e-15)


def test_plastic_bad_input():
    with pytest.raises(ValueError, match="w_max must be >= w_min = 1.0; got 0.5"):
        sp.STDP(w_min=1.0, w_max=0.5)
    with pytest.raises(ValueError, match="pairing must be one of"):
        sp.STDP(pairing="first")
    net = sp.Network(dt=0.5)
    a = net.add_neurons(2, sp.Izhikevich())
    p = net.connect(a, a)
    with pytest.raises(ValueError, match="is not plastic"):
        net.record_weights(p)
    with pytest.raises(TypeError, match="plasticity must be None or an sp.STDP"):
        net.connect(a, a, plasticity="stdp")
