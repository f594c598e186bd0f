"""The numba step kernel against its slow pure-NumPy twin (tests/spiker/naive.py)."""

import numpy as np
import pytest

import spiker as sp
from tests.spiker import naive


def build_mixed(seed: int, dt: float = 0.5, zero_delay: bool = False):
    """Every method, synapse kind (two exponential channels), source and input type at once;
    with ``zero_delay``, also jump and exponential projections of zero delay.

    Weights are dyadic (multiples of 1/8) so that sums of arrivals are exact in any order.
    """
    net = sp.Network(dt=dt, seed=seed)
    rng = np.random.default_rng(seed + 100)
    n = 20
    eu = net.add_neurons(
        n,
        sp.Izhikevich(
            a=rng.uniform(0.02, 0.1, n),
            b=rng.uniform(0.2, 0.25, n),
            c=rng.uniform(-65, -50, n),
            d=rng.uniform(2, 8, n),
            method="euler",
        ),
        name="euler",
    )
    iz = net.add_neurons(n, sp.Izhikevich.preset("CH", method="izhikevich", substeps=2), "iz")
    rk = net.add_neurons(
        n,
        sp.Izhikevich.preset("FS", method="rk4", threshold=">"),
        "rk4",
        v0=rng.uniform(-70, -60, n),
    )
    times = np.sort(rng.uniform(0, 400, 60))
    src = net.add_spike_source(times, rng.integers(0, 10, 60), n=10, name="src")
    poi = net.add_poisson(15, rate_hz=40.0, name="poisson")
    # the 2004 figure's variants: one sub-step, strict threshold, 4.1 v + 108, accommodation
    acc = net.add_neurons(
        n,
        sp.Izhikevich(
            a=0.02,
            b=1.0,
            c=-55,
            d=4,
            method="izhikevich",
            substeps=1,
            threshold=">",
            recovery="accommodation",
            coefficients=(0.04, 4.1, 108.0),
        ),
        "accommodation",
        u0=-16.0,
    )

    def dyadic(lo, hi):
        return lambda r, size: r.integers(lo, hi, size) / 8.0

    spn = net.add_neurons(
        n, sp.Izhikevich.preset("RS", method="izhikevich", order="spnet"), "spnet",
        v0=rng.uniform(-70, -55, n),
    )  # fmt: skip
    net.connect(src, acc, weight=dyadic(0, 80), delay=1.0, synapse="pulse")
    net.connect(poi, spn, weight=dyadic(0, 64), delay=sp.Uniform(0.5, 4.0), synapse="pulse")
    net.add_current(acc, sp.inputs.Step(2.0, start=100.0))
    for pre in (src, poi, eu, iz, rk):
        for post, kind, tau in ((eu, "jump", None), (iz, "pulse", None), (rk, "exponential", 5.0)):
            net.connect(
                pre,
                post,
                sp.connect.fixed_probability(0.3),
                weight=dyadic(-16, 48),
                delay=sp.Uniform(0.5, 8.0),
                synapse=kind,
                tau_syn=tau or 5.0,
            )
    net.connect(
        poi,
        eu,
        sp.connect.fixed_indegree(3),
        weight=dyadic(0, 40),
        delay=2.0,
        synapse="exponential",
        tau_syn=2.5,
    )
    if zero_delay:
        for pre, post, kind in ((eu, iz, "jump"), (src, rk, "exponential"), (iz, eu, "jump"),
                                (poi, spn, "exponential"), (rk, rk, "jump")):  # fmt: skip
            net.connect(pre, post, sp.connect.fixed_probability(0.2), weight=dyadic(-8, 40),
                        delay=0.0, synapse=kind, tau_syn=2.5)  # fmt: skip
    net.add_current(eu, 4.0)
    net.add_current(iz, sp.inputs.Step(6.0, start=50.0, stop=300.0))
    net.add_current(rk, sp.inputs.TimedArray(rng.uniform(0, 8, (40, n)), interval=10.0))
    net.add_current(eu, sp.inputs.Noise(std=2.0, mean=1.0, interval=1.0))
    net.add_current(rk, sp.inputs.Noise(std=1.0))
    return net


@pytest.mark.parametrize(("seed", "zero_delay"), [(0, False), (1, False), (2, True)])
def test_kernel_spike_steps_and_voltages_equal_naive_twin(seed, zero_delay):
    fast, slow = build_mixed(seed, zero_delay=zero_delay), build_mixed(seed, zero_delay=zero_delay)
    spikes = fast.record_spikes(fast.groups[0])
    all_spikes = [fast.record_spikes(g) for g in fast.groups]
    rec = fast.record_state(fast.groups[2], "v", neurons=[0, 5, 7])
    fast.run(400.0, progress=False)
    steps, idx, v_trace, x_end = naive.simulate(slow, 800, record_v=[40, 45, 47])
    got_steps = np.concatenate([r.steps for r in all_spikes])
    got_idx = np.concatenate([r.i + r.group.start for r in all_spikes])
    order = np.lexsort((got_idx, got_steps))
    assert spikes.count > 20, "the euler population must spike for the test to mean anything"
    assert steps.shape[0] > 200
    np.testing.assert_array_equal(got_steps[order], steps)
    np.testing.assert_array_equal(got_idx[order], idx)
    # bit-identical membrane potentials: same operations in the same order
    np.testing.assert_array_equal(rec.values.T, v_trace)
    np.testing.assert_array_equal(fast._x, x_end)


@pytest.mark.parametrize("seed", [0, 1])
def test_group_order_is_numpys_stable_lexsort(seed):
    # the counting + insertion sort that lays synapses out, against its twin np.lexsort
    from spiker.kernels.build import group_order

    rng = np.random.default_rng(seed)
    n, buckets = 5000, 97
    major = rng.integers(0, buckets, n)
    minor = rng.integers(0, 7, n)  # many ties: stability matters
    ptr = np.zeros(buckets + 1, np.int64)
    order = np.empty(n, np.int64)
    group_order(major, minor, ptr, order)
    np.testing.assert_array_equal(order, np.lexsort((minor, major)))
    np.testing.assert_array_equal(ptr, np.searchsorted(np.sort(major), np.arange(buckets + 1)))
