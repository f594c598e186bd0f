"""Dopamine-modulated STDP (spiker/modulation.py) and the distal-reward experiment.

References: the formulas of the two schedules (hand-placed spikes and rewards); a transcription of
daspnet.m's loop (Izhikevich 2007, ModelDB 84167), written here, run on a small network with the
same connectivity, thalamic input and reward draws as spiker's ``distal_reward`` model; Brian2
running spiker's export of both schedules (test_interop_brian2.py style).
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

import spiker as sp
from spiker.interop import external_current

DT = 1.0


# ---- dopamine ---------------------------------------------------------------------------------
def test_dopamine_decays_by_its_factor_bit_for_bit_and_releases_add_after_the_decay():
    net = sp.Network(dt=1.0, seed=0)
    da = net.add_dopamine(factor=0.995)
    da.release(0.5, at=[3.0, 10.0, 10.0])  # two in one step add up
    da.release([0.25], at=[10.4])  # the step that contains 10.4 ms
    rec = net.record_dopamine(da, record_final=True)
    net.run(40.0, progress=False)
    d, expected = 0.0, [0.0]
    for n in range(40):  # daspnet: DA = DA*0.995; ... if reward: DA = DA + 0.5
        d *= 0.995
        d += {3: 0.5, 10: 1.25}.get(n, 0.0)
        expected.append(d)
    assert np.array_equal(rec.d, expected)  # bit for bit
    assert np.array_equal(rec.t, np.arange(41.0))
    assert da.concentration == expected[-1] and da.tau == pytest.approx(199.4996, abs=1e-4)


def test_dopamine_tau_and_factor_at_other_dt_and_releases_at_spikes():
    net = sp.Network(dt=0.5, seed=0)
    src = net.add_spike_source([2.0, 2.0, 7.5], [0, 2, 1], n=3, name="src")
    by_tau = net.add_dopamine(tau=200.0)
    by_factor = net.add_dopamine(factor=0.995, name="f")
    by_tau.release_on_spikes(src, [0.1, 0.2, 0.4])
    by_factor.release_on_spikes(src, 0.3, neurons=[1])
    r1, r2 = net.record_dopamine(by_tau), net.record_dopamine(by_factor, every_ms=2.5)
    net.run(10.0, progress=False)
    t = r1.t
    d = np.where(t > 2.0, 0.5 * np.exp(-(t - 2.5) / 200.0), 0.0)
    d += np.where(t > 7.5, 0.2 * np.exp(-(t - 8.0) / 200.0), 0.0)
    np.testing.assert_allclose(r1.d, d, rtol=1e-14, atol=0)
    np.testing.assert_allclose(r2.d, np.where(r2.t > 7.5, 0.3 * 0.995 ** (r2.t - 8.0), 0),
                               rtol=1e-14)  # fmt: skip
    assert by_tau.decay == math.exp(-0.5 / 200.0) and by_factor.decay == 0.995**0.5


# ---- the rule against its formulas --------------------------------------------------------------
def paired(modulation_of, lag_ms, rewards, duration, w0=1.0, dt=DT, rule=None):
    """One synapse between two spike sources: a presynaptic arrival at 100 ms and a postsynaptic
    spike at 100 + lag ms; rewards (time, amount). Returns (net, projection, dopamine)."""
    net = sp.Network(dt=dt, seed=0)
    pre = net.add_spike_source([100.0 - 1.0], [0], name="pre")
    post = net.add_spike_source([100.0 + lag_ms], [0], name="post")
    da = net.add_dopamine(tau=200.0)
    rule = rule or dict(a_plus=0.1, a_minus=0.15, tau_plus=20.0, tau_minus=20.0)
    stdp = sp.STDP(**rule, w_min=0.0, w_max=4.0, pairing="nearest", modulation=modulation_of(da))
    proj = net.connect(pre, post, weight=w0, delay=1.0, plasticity=stdp)
    for t, amount in rewards:
        da.release(amount, at=t)
    return net, proj, da


@pytest.mark.parametrize("lag", [5.0, -5.0])
def test_interval_schedule_equals_its_sum(lag):
    # c = +-A exp(-|lag|/tau) from the pairing on; at every update u (steps with (u+1) % 10 == 0)
    # w += (0.002 + d_u) * c_u, c *= 0.99; d_u = sum of releases r < u of A_r * f**(u - r)
    rewards = [(400.0, 0.5), (1234.0, 0.3)]
    mod = lambda da: sp.IntervalModulation(da, interval=10.0, baseline=0.002, decay=0.99)  # noqa: E731
    net, proj, da = paired(mod, lag, rewards, 3000)
    rec_c = net.record_weights(proj, var="c", every_ms=10.0)
    net.run(3000.0, progress=False)
    c0 = 0.1 * math.exp(-5 / 20) if lag > 0 else -0.15 * math.exp(-5 / 20)
    n_pair = 105 if lag > 0 else 100  # the step whose plasticity sets c
    f = da.decay
    w, c = 1.0, 0.0
    for u in range(9, 3000, 10):
        if u > n_pair and c == 0.0:
            c = c0
        d = sum(a * f ** (u - round(r)) for r, a in rewards if round(r) < u)
        w = min(max(w + (0.002 + d) * c, 0.0), 4.0)
        c *= 0.99
    assert proj.weight[0] == pytest.approx(w, rel=1e-12)
    assert proj.eligibility[0] == pytest.approx(c, rel=1e-12)
    assert abs(proj.weight[0] - 1.0) > 0.01  # the rewards moved it
    # c is recorded every 10 ms, at the start of the step (after the update before it)
    assert rec_c.values[0, 10] == 0.0 and rec_c.values[0, 11] == pytest.approx(c0 * 0.99, rel=1e-14)


@pytest.mark.parametrize("dt", [1.0, 0.1])
@pytest.mark.parametrize("lag", [5.0, -5.0])
def test_continuous_schedule_equals_the_integral(dt, lag):
    # dw/dt = (b + d) c / tau_s with c = c0 exp(-(t - t0)/tau_c) from t0 (the end of the pairing
    # step) and d = A exp(-(t - tr)/tau_d) from tr (the end of the reward step): exact at any dt
    b, tau_c, tau_s, tau_d, A = 0.001, 1000.0, 100.0, 200.0, 0.5
    mod = lambda da: sp.ContinuousModulation(da, tau_c=tau_c, tau_s=tau_s, baseline=b)  # noqa: E731
    net, proj, da = paired(mod, lag, [(600.0, A)], 2000.0, dt=dt)
    net.run(2000.0, progress=False)
    c0 = 0.1 * math.exp(-5 / 20) if lag > 0 else -0.15 * math.exp(-5 / 20)
    # potentiation comes after the step's update, depression (at the arrival) before it
    t0 = 105.0 + dt if lag > 0 else 100.0
    tr, T = 600.0 + dt, 2000.0
    tau = 1.0 / (1.0 / tau_c + 1.0 / tau_d)
    w = 1.0 + c0 / tau_s * (
        b * tau_c * (1.0 - math.exp(-(T - t0) / tau_c))
        + A * math.exp(-(tr - t0) / tau_c) * tau * (1.0 - math.exp(-(T - tr) / tau))
    )
    assert proj.weight[0] == pytest.approx(w, rel=1e-11)
    assert proj.eligibility[0] == pytest.approx(c0 * math.exp(-(T - t0) / tau_c), rel=1e-11)
    assert abs(proj.weight[0] - 1.0) > 0.005


def test_continuous_c_is_clipped_at_each_change_and_w_at_its_bounds():
    mod = lambda da: sp.ContinuousModulation(da, tau_c=1000.0, tau_s=1.0, c_min=-0.01, c_max=0.01)  # noqa: E731
    net, proj, _ = paired(mod, 5.0, [(200.0, 5.0)], 2000.0, w0=3.9)
    rec = net.record_weights(proj, var="c", every_ms=1.0)
    net.run(2000.0, progress=False)
    assert rec.values.max() == 0.01  # 0.078 clipped to c_max
    assert proj.weight[0] == 4.0


# ---- daspnet.m, transcribed -------------------------------------------------------------------
def daspnet(post, s, thal, n_ms, n_exc, n1, syn, rng, ltd=1.5):
    """daspnet.m's loop (0-based; ``post``, ``s`` of shape (N, M), the thalamic input ``thal`` of
    shape (n_ms, N), the reward delays drawn from ``rng``), written from the program, with one
    change: a step's synaptic input is summed as spiker sums it (inhibitory presynaptic neurons
    first, then excitatory, each in ascending order, each neuron's synapses by target), while
    daspnet.m adds it to I neuron by neuron in descending order and its vectorised
    ``I(ind) = I(ind) + s(...)`` keeps only one of a neuron's repeated targets. Returns spikes
    as (spiker's step label, neuron), the weights, DA after each ms, the reward steps."""
    N, M = post.shape
    exc = np.arange(N) < n_exc
    a, d = np.where(exc, 0.02, 0.1), np.where(exc, 8.0, 2.0)
    s, sd = s.copy(), np.zeros((N, M))
    v = np.full(N, -65.0)
    u = 0.2 * v
    stdp_t, stdp_t1 = np.zeros(N), np.zeros(N)  # STDP(:, t) and STDP(:, t+D), D = 1
    DA, rew, n1f = 0.0, [], -100
    n2 = post[n1, syn]
    spikes, da_trace = [], []
    order = np.argsort(post, axis=1, kind="stable")
    for g in range(1, n_ms + 1):  # daspnet's ms, 1-based; integrates spiker's step g - 1
        fired = np.flatnonzero(v >= 30)
        v[fired] = -65.0
        u[fired] += d[fired]
        stdp_t1[fired] = 0.1
        for j in fired:  # LTP: sd(pre{j}) += STDP(pre, t)
            rows, cols = np.nonzero((post == j) & exc[:, None])
            sd[rows, cols] += stdp_t[rows]
        spikes += [(g - 2, j) for j in fired]
        syn_in = np.zeros(N)
        for i in [*fired[~exc[fired]], *fired[exc[fired]]]:  # spiker's order
            np.add.at(syn_in, post[i, order[i]], s[i, order[i]])
        for i in fired:  # LTD: sd(i, :) -= 1.5 * STDP(post, t + D)
            sd[i] -= ltd * stdp_t1[post[i]]
        I = thal[g - 1] + syn_in
        v = v + 0.5 * ((0.04 * v + 5) * v + 140 - u + I)
        v = v + 0.5 * ((0.04 * v + 5) * v + 140 - u + I)
        u = u + a * (0.2 * v - u)
        stdp_t, stdp_t1 = stdp_t1, 0.95 * stdp_t1
        DA = DA * 0.995
        if g % 10 == 0:
            s[:n_exc] = np.maximum(0, np.minimum(4.0, s[:n_exc] + (0.002 + DA) * sd[:n_exc]))
            sd = 0.99 * sd
        if n1 in fired:
            n1f = g
        if n2 in fired and g - n1f < 20 and g > n1f:
            rew.append(g + int(rng.integers(1001, 3001)))
        if g in rew:
            DA = DA + 0.5
        da_trace.append(DA)
    labels = np.array(spikes, dtype=np.int64).reshape(-1, 2)
    return labels, s, np.array(da_trace), sorted({r - 1 for r in rew})  # as spiker's steps


def small_daspnet(seed):
    m = sp.models.distal_reward(seed=seed, n_exc=80, n_inh=20, synapses=10)
    pop = m.net.groups[0]
    m.net.add_current(pop, 4.0, neurons=[m.n1, m.n2])  # a reward every few hundred ms
    return m


@pytest.fixture(scope="module")
def transcribed():
    """daspnet.m transcribed, on the network, input and reward draws of spiker's small model."""
    n_ms = 6000
    m = small_daspnet(seed=2)
    net, exc, inh = m.net, m.projections["exc"], m.projections["inh"]
    M = 10
    post = np.concatenate([exc.j.reshape(80, M), inh.j.reshape(20, M)])
    s = np.concatenate([exc.weight.reshape(80, M), inh.weight.reshape(20, M)])
    thal = external_current(net, n_ms)
    out = daspnet(post, s, thal, n_ms, 80, m.n1, m.synapse, copy.deepcopy(m.rng))
    return m, n_ms, out


def test_spiker_equals_a_transcription_of_daspnet(transcribed):
    m, n_ms, (spikes, s, da, rewards) = transcribed
    rec = m.net.record_spikes(m.net.groups[0])
    rec_da = m.net.record_dopamine(m.dopamine, record_final=True)
    m.run(n_ms, progress=False)
    ours = np.stack([rec.steps, rec.i], axis=1)
    ours = ours[ours[:, 0] <= n_ms - 2]  # the transcription detects spikes of step <= n_ms - 2
    assert len(rewards) > 20 and m.rewards_given().size > 10  # the loop closed, many times
    assert np.array_equal(ours, spikes)  # every spike, bit for bit
    # rewards delivered (those of spikes in the last ms would be found by spiker only)
    assert [r for r in sorted(m.rewards) if r < n_ms] == [r for r in rewards if r < n_ms]
    assert np.array_equal(rec_da.d[1:], da)  # DA after each ms, bit for bit
    # weights: daspnet multiplies its traces by 0.95 each ms, spiker takes exp(-lag/tau): the
    # same numbers to rounding
    w = m.projections["exc"].weight.reshape(80, 10)
    assert np.max(np.abs(w - s[:80])) < 1e-12
    assert np.max(np.abs(w - 1.0)) > 0.05 and w.ravel()[m.synapse] > 0.0  # they learned


def test_daspnet_ltd_is_a_minus_0_15_over_0_95_in_spikers_convention(transcribed):
    # with a_minus = 0.15 (LTD read at the lag, not one ms before it) the weights part
    m, n_ms, (_, s, _, _) = transcribed
    other = small_daspnet(seed=2)
    proj = other.projections["exc"]
    rule = proj.plasticity
    import dataclasses

    proj.plasticity = dataclasses.replace(rule, a_minus=0.15)
    other.run(n_ms, progress=False)
    assert np.max(np.abs(proj.weight.reshape(80, 10) - s[:80])) > 1e-3


# ---- against Brian2 ---------------------------------------------------------------------------
def rewarded_feed_forward(schedule: str, seed: int = 4) -> sp.Network:
    """20 spike-source units (10 Hz for 1 s) onto 10 RS neurons (forward Euler, dt = 0.1 ms)
    through modulated plastic jumps, 40 % of pairs, delays 0.1-5 ms; rewards at fixed times and
    at the spikes of neuron 0."""
    net = sp.Network(dt=0.1, seed=seed)
    rng = np.random.default_rng(seed)
    steps, idx = np.nonzero(rng.random((10_000, 20)) < 10 * 1e-4)
    src = net.add_spike_source(steps * 0.1, idx, n=20, name="src")
    pop = net.add_neurons(10, sp.Izhikevich.preset("RS", method="euler"), name="cells")
    net.add_current(pop, rng.uniform(3.0, 5.0, 10))
    da = net.add_dopamine(tau=200.0)
    if schedule == "interval":
        mod = sp.IntervalModulation(da, interval=10.0, baseline=0.002, tau_c=995.0)
    else:
        mod = sp.ContinuousModulation(da, tau_c=1000.0, tau_s=20.0, baseline=0.01, c_min=-0.05,
                                      c_max=0.05)  # fmt: skip
    stdp = sp.STDP(a_plus=0.05, a_minus=0.06, tau_plus=20.0, tau_minus=20.0, w_min=0.0,
                   w_max=8.0, modulation=mod)  # fmt: skip
    i, j = np.nonzero(rng.random((20, 10)) < 0.4)
    delay = np.round(rng.uniform(0.1, 5.0, i.size), 1)
    net.connect(src, pop, i=i, j=j, weight=rng.uniform(2.0, 6.0, i.size), delay=delay,
                plasticity=stdp, name="plastic")  # fmt: skip
    da.release(0.5, at=[150.0, 400.0, 401.0, 650.0])
    da.release_on_spikes(pop, 0.05, neurons=[0])
    return net


# Brian2 2.9.0 calls pyparsing's camelCase API, deprecated in pyparsing 3.3: not ours to fix
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("schedule", ["interval", "continuous"])
def test_both_schedules_spike_and_learn_as_brian2(schedule):
    # Reference: Brian2 2.9.0 running spiker's export (numpy target); spikes identical, final
    # weights within 1e-9 (Brian2 decays the STDP traces in seconds, spiker in steps*dt)
    brian2 = pytest.importorskip("brian2")  # noqa: F841
    from spiker.interop.brian2 import compare

    net = rewarded_feed_forward(schedule)
    w0 = net.projections[0].weight.copy()
    report = compare(net, 1000.0)
    for pop in report.populations.values():
        assert pop.identical, pop.describe_first_difference()
    assert report.populations["cells"].ours > 50
    assert np.max(np.abs(net.projections[0].weight - w0)) > 0.05  # they learned
    assert report.weights["plastic"] < 1e-9


# ---- bad input --------------------------------------------------------------------------------
def _bad_cases():
    net = sp.Network(dt=1.0, seed=0)
    src = net.add_spike_source([1.0], [0], name="src")
    da = net.add_dopamine(tau=200.0)
    other = sp.Network(dt=1.0, seed=0)
    other_src = other.add_spike_source([1.0], [0], name="src")
    other_da = other.add_dopamine(tau=200.0)
    plain = net.connect(src, src, weight=0.5, plasticity=sp.STDP())
    interval = sp.IntervalModulation
    return [
        (lambda: net.add_dopamine(), ValueError, r"give tau \(ms\) or factor"),
        (lambda: net.add_dopamine(tau=200.0, factor=0.99, name="b"), ValueError, "not both"),
        (
            lambda: net.add_dopamine(factor=1.5, name="b"),
            ValueError,
            r"factor must lie in \(0, 1\]",
        ),
        (lambda: net.add_dopamine(tau=-1.0, name="b"), ValueError, "tau must be > 0"),
        (lambda: net.add_dopamine(tau=1.0, name="dopamine"), ValueError, "already used"),
        (lambda: da.release(-0.5, at=10.0), ValueError, "amount must be >= 0"),
        (lambda: da.release(0.5, at=[1.0, float("nan")]), ValueError, "at must be finite"),
        (
            lambda: da.release([0.5, 0.1], at=[1.0, 2.0, 3.0]),
            ValueError,
            "amount must be a scalar or have length 3",
        ),
        (lambda: da.release_on_spikes(other_src, 0.5), ValueError, "belongs to another network"),
        (lambda: da.release_on_spikes(src, 0.5, neurons=[3]), ValueError, "index 3, out of range"),
        (lambda: interval("da"), TypeError, "dopamine must be an sp.Dopamine"),
        (lambda: interval(da, interval=0.0), ValueError, "interval must be > 0"),
        (
            lambda: interval(da, decay=0.99, tau_c=995.0),
            ValueError,
            "give tau_c or decay, not both",
        ),
        (lambda: interval(da, decay=0.0), ValueError, r"decay must lie in \(0, 1\]"),
        (lambda: interval(da, c_min=1.0, c_max=0.0), ValueError, "c_max must be >= c_min"),
        (lambda: sp.ContinuousModulation(da, tau_s=0.0), ValueError, "tau_s must be > 0"),
        (lambda: sp.ContinuousModulation(da, baseline=-0.1), ValueError, "baseline must be >= 0"),
        (lambda: sp.STDP(modulation="dopamine"), TypeError, "modulation must be None, an sp.Inter"),
        (
            lambda: sp.STDP(update=sp.SpnetUpdate(), modulation=interval(da)),
            ValueError,
            "give update .* or modulation .*, not both",
        ),
        (
            lambda: net.connect(src, src, plasticity=sp.STDP(modulation=interval(other_da))),
            ValueError,
            "dopamine 'dopamine' of another network",
        ),
        (
            lambda: net.connect(
                src, src, plasticity=sp.STDP(modulation=interval(da, interval=2.5))
            ),
            ValueError,
            "interval must be a positive multiple of dt = 1.0 ms; got 2.5",
        ),
        (lambda: net.record_weights(plain, var="c"), ValueError, "has no eligibility trace"),
        (lambda: net.record_weights(plain, var="x"), ValueError, "var must be one of"),
        (lambda: net.record_dopamine(other_da), ValueError, "must be a Dopamine of this network"),
        (lambda: sp.inputs.UniformNoise(low=1.0, high=-1.0), ValueError, "high must be >= low"),
        (lambda: sp.models.distal_reward(n_exc=0), ValueError, "n_exc must be an integer >= 1"),
    ]


@pytest.mark.parametrize("case", range(len(_bad_cases())))
def test_bad_input_is_refused_naming_the_argument(case):
    call, error, message = _bad_cases()[case]
    with pytest.raises(error, match=message):
        call()


def test_a_release_in_the_past_is_refused():
    net = sp.Network(dt=1.0, seed=0)
    da = net.add_dopamine(factor=0.995)
    net.run(10.0, progress=False)
    with pytest.raises(ValueError, match="at must be >= the network's current time 10.0 ms"):
        da.release(0.5, at=9.0)


# ---- the model ----------------------------------------------------------------------------------
def test_distal_reward_two_runs_equal_one_bit_for_bit():
    # dopamine, eligibility traces, scheduled rewards and the callback's state carry over runs
    whole, parts = small_daspnet(seed=5), small_daspnet(seed=5)
    d_whole = whole.net.record_dopamine(whole.dopamine)
    d_parts = parts.net.record_dopamine(parts.dopamine)
    whole.run(4000.0, progress=False)
    parts.run(1700.0, progress=False)  # not a multiple of the callback's 100 ms
    parts.run(2300.0, progress=False)
    assert whole.rewards == parts.rewards and len(whole.rewards) > 5
    assert np.array_equal(d_whole.d, d_parts.d)
    for name in ("exc",):
        a, b = whole.projections[name], parts.projections[name]
        assert np.array_equal(a.weight, b.weight) and np.array_equal(a.eligibility, b.eligibility)


def test_distal_reward_is_daspnet_and_its_figure_shows_the_synapse_and_the_rewards():
    m = sp.models.distal_reward(seed=3)
    exc, inh = m.projections["exc"], m.projections["inh"]
    assert (exc.n, inh.n) == (80_000, 20_000) and np.all(inh.j < 800)
    assert np.all(exc.delay == 1.0) and np.all(inh.delay == 1.0) and exc.kind == "pulse"
    assert np.sum(exc.weight == 0.0) == 1 and exc.weight[m.synapse] == 0.0
    assert exc.i[m.synapse] == m.n1 == 0 and exc.j[m.synapse] == m.n2 != 0
    assert np.sum(exc.i == exc.j) > 40  # self-connections, as daspnet.m draws them
    rule = exc.plasticity
    assert rule.a_minus == 0.15 / 0.95 and math.exp(-1.0 / rule.tau_plus) == pytest.approx(0.95)
    assert m.dopamine.decay == 0.995 and rule.modulation.c_decay(1.0) == 0.99
    m.net.add_current(m.net.groups[0], 4.0, neurons=[m.n1, m.n2])  # rewards within 3 s
    m.run(3000.0, progress=False)
    fig = m.figure()
    raster, weight, trace, hist = fig.axes
    assert raster.collections[0].get_offsets().shape[0] > 1000  # the last second's spikes
    lines = {line.get_label().split(" (")[0]: line for line in weight.get_lines()}
    assert np.array_equal(lines["rewarded synapse"].get_ydata(), m.records["w"].values[0])
    assert lines["rewards"].get_xdata().size == m.rewards_given().size > 0
    others = np.delete(exc.weight, m.synapse)
    assert np.array_equal(lines["others: mean"].get_xdata(), [0.0, 3.0])  # start and end (s)
    assert lines["others: mean"].get_ydata()[-1] == others.mean()
    assert np.array_equal(trace.get_lines()[0].get_ydata(), m.records["c"].values[0])
    dot = hist.get_lines()[0]
    assert dot.get_xdata()[0] == exc.weight[m.synapse]
    assert "rewarded synapse" in m.summary()


@pytest.mark.slow  # ~2.5 min; examples/distal_reward.py runs the hour
def test_the_rewarded_synapse_climbs_while_the_others_fall_in_ten_minutes():
    # Threshold: seed 1 first reaches 3.5 at 439 s of model time; seeds 2 and 3 take longer
    # (docs/reward.md lists them): the climb's speed depends on the seed, so the test takes the
    # one seed it documents and 10 minutes. After 10 minutes seed 1's others have mean 0.749,
    # median 0.521, 99th percentile 3.47 (benchmarks/daspnet.py --delivery every: the same).
    m = sp.models.distal_reward(seed=1).run(600_000.0, progress=False)
    w = m.projections["exc"].weight
    others = np.delete(w, m.synapse)
    assert m.reached(3.5) is not None and m.reached(3.5) < 600_000.0
    assert w[m.synapse] >= 3.5 and w[m.synapse] > np.percentile(others, 99)
    assert np.median(others) < 0.6 and others.mean() < 0.8  # the bulk fell from 1
    assert m.rewards_given().size > 20


def test_store_and_restore_keep_dopamine_and_its_scheduled_releases(tmp_path):
    def build():
        net = sp.Network(dt=1.0, seed=1)
        pre = net.add_poisson(20, 20.0, name="pre")
        post = net.add_neurons(5, sp.Izhikevich(), name="post")
        net.add_current(post, 6.0)
        da = net.add_dopamine(factor=0.995)
        stdp = sp.STDP(a_plus=0.1, a_minus=0.15 / 0.95, w_max=4.0, pairing="nearest",
                       modulation=sp.IntervalModulation(da, interval=10.0, baseline=0.002,
                                                        decay=0.99))  # fmt: skip
        syn = net.connect(pre, post, weight=1.0, delay=1.0, plasticity=stdp)
        da.release(0.5, at=300.0)
        da.release_on_spikes(post, 0.01)
        return net, da, syn

    def reward(net):  # a release scheduled from the callback, still pending at the store
        net._modulators[0].release(0.7, at=net.t + 250.0)

    net, da, syn = build()
    net.run(500.0, progress=False, callback=reward, every_ms=200.0)
    net.store(tmp_path / "s.npz")
    assert da._steps.max() > net.step  # a release is still to come
    net.run(1000.0, progress=False)
    other, da2, syn2 = build()
    other.restore(tmp_path / "s.npz")
    other.run(1000.0, progress=False)
    assert da.concentration > 0
    assert da2.concentration == da.concentration
    np.testing.assert_array_equal(syn2.weight, syn.weight)
    np.testing.assert_array_equal(syn2.eligibility, syn.eligibility)
    assert np.any(syn.weight != 1.0)


def test_distal_reward_resumes_from_a_checkpoint_with_its_closed_loop(tmp_path):
    # the model's own closed loop (spikes read, n1's last spike, rewards scheduled, the reward
    # delays' generator, the weight statistics) travels in net.meta with the checkpoint: a run
    # cut at 48 s and resumed in a fresh model ends as the uninterrupted one
    def build():
        return sp.models.distal_reward(seed=1, duration=70_000.0, n_exc=200, n_inh=50)

    full = build().run(progress=False)
    assert len(full.rewards) >= 4
    path = tmp_path / "ck.npz"
    build().run(48_000.0, progress=False, checkpoint=path, checkpoint_every=16_000.0)
    resumed = build()
    resumed.net.restore(path)
    resumed.run(22_000.0, progress=False)
    assert resumed.net.t == full.net.t
    assert resumed.rewards == full.rewards
    assert resumed.others == full.others
    np.testing.assert_array_equal(resumed.projections["exc"].weight, full.projections["exc"].weight)
    with pytest.raises(ValueError, match="uses the callback itself"):
        build().run(10.0, callback=lambda net: None, every_ms=1.0)
