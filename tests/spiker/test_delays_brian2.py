"""Zero delay and Brian2's rounding of delays and spike times, against Brian2 run in the test.

Reference: Brian2 2.9.0 built natively (its own SpikeGeneratorGroup, Synapses with ``delay`` in
ms, ``on_pre='v += w'``), not through spiker's export, so that Brian2 itself decides on which
step a time or a delay lands. Its runtime targets use the compiled spike queue (half a step of
delay rounds up); spike times go to the step that contains them. Spike steps must be *equal*.
"""

from __future__ import annotations

import numpy as np
import pytest

import spiker as sp

brian2 = pytest.importorskip("brian2")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

from spiker.interop.brian2 import compare  # noqa: E402


def counter(net, n, name):
    """Neurons that only count input: v' = 0 (an Izhikevich neuron with a = b = 0 and no
    quadratic), a spike when v > 0.5, reset to 0. A jump of 1 arriving in step n makes a spike
    labelled n + 1, in spiker and in Brian2 alike (arrivals come after the threshold)."""
    model = sp.Izhikevich(
        a=0.0, b=0.0, c=0.0, d=0.0, v_peak=0.5, threshold=">", coefficients=(0.0, 0.0, 0.0),
        method="izhikevich", substeps=1,
    )  # fmt: skip
    return net.add_neurons(n, model, name=name, v0=0.0, u0=0.0)


def brian2_counter(n):
    return brian2.NeuronGroup(n, "v : 1", threshold="v > 0.5", reset="v = 0", method="euler")


def steps_of(monitor, dt):
    return np.rint(np.asarray(monitor.t / brian2.ms) / dt).astype(np.int64), np.asarray(monitor.i)


@pytest.mark.parametrize(
    ("dt", "times", "delays"),
    [
        # the cases: Brian2 puts 2.5 ms at dt = 1 on 3 steps, 0.25 and 0.45 ms at
        # dt = 0.1 on 3 and 5, and spikes at 0.26, 0.06, 0.55 ms on steps 2, 0, 5
        (1.0, [0.0, 3.0, 7.5], [2.5, 2.5, 0.5]),
        (0.1, [0.26, 0.06, 0.55], [0.25, 0.45, 0.0]),
        # exact multiples, times a hair below a step, half steps that are not exact in binary
        (0.1, [0.3, 0.7, 0.0999999999, 1.15], [0.05, 0.35, 0.65, 1.25]),
        (0.25, [0.125, 0.375, 0.6249999, 2.0], [0.125, 0.375, 0.0, 1.0]),
    ],
)
def test_spike_times_and_delays_land_on_brian2s_steps(dt, times, delays):
    n = len(times)
    net = sp.Network(dt=dt, seed=1)
    src = net.add_spike_source(times, np.arange(n), name="src")
    out = counter(net, n, "out")
    net.connect(src, out, i=np.arange(n), j=np.arange(n), weight=1.0, delay=delays)
    rec_src, rec_out = net.record_spikes(src), net.record_spikes(out)
    net.run(20.0, progress=False)

    b2 = brian2
    b2.start_scope()
    b2.prefs.codegen.target = "numpy"  # runtime targets share the compiled spike queue
    b2.defaultclock.dt = dt * b2.ms
    gen = b2.SpikeGeneratorGroup(n, np.arange(n), np.asarray(times) * b2.ms)
    grp = brian2_counter(n)
    syn = b2.Synapses(gen, grp, "w : 1", on_pre="v += w")
    syn.connect(j="i")
    syn.w = 1.0
    syn.delay = np.asarray(delays) * b2.ms
    m_src, m_out = b2.SpikeMonitor(gen), b2.SpikeMonitor(grp)
    b2.run(20.0 * b2.ms)

    theirs_src, theirs_out = steps_of(m_src, dt), steps_of(m_out, dt)
    order = np.argsort(theirs_src[1], kind="stable")
    np.testing.assert_array_equal(rec_src.steps[np.argsort(rec_src.i)], theirs_src[0][order])
    order = np.argsort(theirs_out[1], kind="stable")
    np.testing.assert_array_equal(rec_out.steps[np.argsort(rec_out.i)], theirs_out[0][order])
    # and the arithmetic of the rule itself: arrival = source step + delay steps, spike one later
    dt_s = dt * 1e-3
    expect = np.floor((np.asarray(times) * 1e-3 + 1e-3 * dt_s) / dt_s).astype(int)
    expect += np.floor(np.asarray(delays) * 1e-3 / dt_s + 0.5).astype(int) + 1
    np.testing.assert_array_equal(np.sort(rec_out.steps), np.sort(expect))


def test_zero_delay_chain_and_jump_lost_to_reset_equal_brian2():
    """A source drives neuron 0 (zero delay), which drives neuron 1 (zero delay) in the step it
    spikes; neuron 2 spikes by its own input in step 10 and receives a zero-delay jump in that
    very step, which its reset discards (so it does not spike again in step 11)."""
    dt = 0.1
    net = sp.Network(dt=dt, seed=1)
    src = net.add_spike_source([0.5, 1.0, 1.0], [0, 1, 2], name="src")
    out = counter(net, 3, "out")
    # step 5: src0 -> out0 (v = 1); step 6: out0 spikes -> out1 in step 6 -> out1 spikes step 7
    net.connect(src, out, i=[0], j=[0], weight=1.0, delay=0.0)
    net.connect(out, out, i=[0], j=[1], weight=1.0, delay=0.0)
    # step 10: src1 -> out2 (+1, delay 0) and src2 -> out2 (+1, delay 0): out2 spikes at 11,
    # and out1 (already reset) gets a jump from out2 at 11 with delay 0 -> spikes at 12
    net.connect(src, out, i=[1, 2], j=[2, 2], weight=1.0, delay=0.0)
    net.connect(out, out, i=[2], j=[1], weight=1.0, delay=0.0)
    # out2 spikes at 11 and receives a zero-delay jump from itself in step 11: lost to reset
    net.connect(out, out, i=[2], j=[2], weight=1.0, delay=0.0)
    rec = net.record_spikes(out)
    net.run(5.0, progress=False)

    b2 = brian2
    b2.start_scope()
    b2.prefs.codegen.target = "numpy"  # runtime targets share the compiled spike queue
    b2.defaultclock.dt = dt * b2.ms
    gen = b2.SpikeGeneratorGroup(3, [0, 1, 2], [0.5, 1.0, 1.0] * b2.ms)
    grp = brian2_counter(3)
    s1 = b2.Synapses(gen, grp, "w : 1", on_pre="v += w")
    s1.connect(i=[0, 1, 2], j=[0, 2, 2])
    s1.w = 1.0
    s2 = b2.Synapses(grp, grp, "w : 1", on_pre="v += w")
    s2.connect(i=[0, 2, 2], j=[1, 1, 2])
    s2.w = 1.0
    mon = b2.SpikeMonitor(grp)
    b2.run(5.0 * b2.ms)
    steps, idx = steps_of(mon, dt)
    got = sorted(zip(rec.steps.tolist(), rec.i.tolist(), strict=True))
    assert got == sorted(zip(steps.tolist(), idx.tolist(), strict=True))
    assert got == [(6, 0), (7, 1), (11, 2), (12, 1)]


def zero_delay_network(seed: int = 2) -> sp.Network:
    """Recurrent Izhikevich neurons (forward Euler, dt = 0.1 ms) with zero-delay jump and
    exponential synapses, a Poisson drive with zero delay, and a plastic zero-delay projection;
    dyadic weights so that arrival order cannot matter."""
    net = sp.Network(dt=0.1, seed=seed)
    pop = net.add_neurons(40, sp.Izhikevich.preset("RS", method="euler"), name="pop")
    poi = net.add_poisson(30, rate_hz=60.0, name="poi")

    def dyadic(lo, hi):
        return lambda r, size: r.integers(lo, hi, size) / 16.0

    net.connect(poi, pop, sp.connect.fixed_probability(0.3), weight=dyadic(32, 160), delay=0.0)
    net.connect(pop, pop, sp.connect.fixed_probability(0.1), weight=dyadic(-64, 64),
                delay=sp.Uniform(0.0, 0.4), synapse="exponential", tau_syn=3.0)  # fmt: skip
    net.connect(poi, pop, sp.connect.fixed_probability(0.2), weight=dyadic(0, 64), delay=0.0,
                plasticity=sp.STDP(a_plus=2**-6, a_minus=2**-6, w_min=0.0, w_max=8.0))  # fmt: skip
    net.add_current(pop, 3.0)
    return net


def test_zero_delay_network_equals_brian2_export():
    report = compare(zero_delay_network(), 500.0)
    for pop in report.populations.values():
        assert pop.identical, pop.describe_first_difference()
    assert report.populations["pop"].ours > 200
    assert max(report.weights.values()) < 1e-9
