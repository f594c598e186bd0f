"""Every registered neuron family and method, against its twin bit for bit and against Brian2.

Registry-driven: the cases are ``sp.neurons.FAMILIES`` x the twin's ``cases``
(tests/spiker/naive.py), so a new family is covered as soon as it is registered with a twin. Each
case builds the same small network: two populations of the family, a spike source and a Poisson
source, every synapse kind (two exponential channels), zero and non-zero delays, Poisson inputs
(Brian2's PoissonInput), constant, step and noise currents. Weights are dyadic (multiples of 1/16
of the family's typical jump, times a power of two for currents), so that arrivals summed in
another order give the same sum.

References and tolerances:
- the twin (pure NumPy, the same operation order): spike steps and final state *equal*;
- Brian2 2.9.0 (numpy target) through ``to_brian2``, where the family has a mapping: spike steps
  *equal* where the mapping is written in the kernel's operation order; otherwise (rk4: Brian2's
  own order) rates within 3 % after 300 ms.
"""

from __future__ import annotations

import numpy as np
import pytest

import spiker as sp
from spiker.interop.brian2 import BRIAN2_FAMILIES, compare
from spiker.neurons import FAMILIES
from tests.spiker import naive

CASES = [(spec, case) for spec in FAMILIES for case in naive.TWINS[spec].cases]
IDS = [f"{spec.__name__}-{case}" for spec, case in CASES]


def build(spec, case, seed: int = 7) -> sp.Network:
    twin = naive.TWINS[spec]
    net = sp.Network(dt=twin.cases[case], seed=seed)
    rng = np.random.default_rng(seed)
    n = 30
    spec_a, v0_a = twin.example(n, rng, case)
    spec_b, v0_b = twin.example(n, rng, case)
    a = net.add_neurons(n, spec_a, name="a", v0=v0_a)
    b = net.add_neurons(n, spec_b, name="b", v0=v0_b)
    src = net.add_spike_source(rng.uniform(0, 300, 80), rng.integers(0, 10, 80), n=10, name="src")
    poi = net.add_poisson(10, rate_hz=50.0, name="poi")
    unit = twin.weight / 16.0

    def dyadic(lo, hi, scale):
        return lambda r, size: r.integers(lo, hi, size) * (unit * scale)

    for pre in (src, poi, a, b):
        for post, kind, tau, delay in ((a, "jump", 5.0, sp.Uniform(0.0, 3.0)),
                                       (b, "pulse", 5.0, sp.Uniform(1.0, 3.0)),
                                       (a, "exponential", 3.0, 0.0),
                                       (b, "exponential", 8.0, sp.Uniform(0.0, 2.0))):  # fmt: skip
            delay = max(delay, net.dt) if kind == "pulse" and np.isscalar(delay) else delay
            scale = 1.0 if kind == "jump" else twin.current
            net.connect(pre, post, sp.connect.fixed_probability(0.15),
                        weight=dyadic(-8, 40, scale), delay=delay, synapse=kind,
                        tau_syn=tau)  # fmt: skip
    net.add_poisson_input(a, 20, 30.0, weight=unit * 4, synapse="jump")
    net.add_poisson_input(b, 10, 40.0, weight=unit * 2 * twin.current, synapse="exponential",
                          tau_syn=8.0, neurons=np.arange(0, 30, 2))  # fmt: skip
    current = twin.weight * twin.current
    net.add_current(a, current * 2.0)
    net.add_current(b, sp.inputs.Step(current * 3.0, start=50.0, stop=250.0))
    net.add_current(a, sp.inputs.Noise(std=current, interval=1.0))
    return net


def all_spikes(net):
    return [net.record_spikes(g) for g in net.groups]


def joined(records):
    steps = np.concatenate([r.steps for r in records])
    idx = np.concatenate([r.i + r.group.start for r in records])
    order = np.lexsort((idx, steps))
    return steps[order], idx[order]


@pytest.mark.parametrize(("spec", "case"), CASES, ids=IDS)
def test_family_kernel_equals_its_twin_bit_for_bit(spec, case):
    fast, slow = build(spec, case), build(spec, case)
    records = all_spikes(fast)
    n_steps = round(300.0 / fast.dt)
    fast.run(300.0, progress=False)
    steps, idx, _, x = naive.simulate(slow, n_steps)
    got_steps, got_idx = joined(records)
    neurons = records[0].count + records[1].count
    assert neurons > 100, f"{neurons} spikes of the neurons: too few for the test to mean much"
    np.testing.assert_array_equal(got_steps, steps)
    np.testing.assert_array_equal(got_idx, idx)
    np.testing.assert_array_equal(fast._x, x)


B2_CASES = [(spec, case) for spec, case in CASES if spec in BRIAN2_FAMILIES]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize(("spec", "case"), B2_CASES, ids=[f"{s.__name__}-{c}" for s, c in B2_CASES])
def test_family_equals_brian2(spec, case):
    pytest.importorskip("brian2")
    report = compare(build(spec, case), 300.0)
    if naive.TWINS[spec].brian2_exact[case]:
        for pop in report.populations.values():
            assert pop.identical, pop.describe_first_difference() + "\n" + str(report)
    else:
        for pop in report.populations.values():
            assert abs(pop.rate_difference) < 0.03, str(report)
    assert sum(p.ours for p in report.populations.values()) > 100


def mixed(seed: int = 11) -> sp.Network:
    """One population of every family at dt = 0.1 ms, all connected to all with every kind."""
    net = sp.Network(dt=0.1, seed=seed)
    rng = np.random.default_rng(seed)
    pops = []
    for spec_cls in FAMILIES:
        twin = naive.TWINS[spec_cls]
        case = next(c for c, dt in twin.cases.items() if dt == 0.1 and twin.brian2_exact[c])
        spec, v0 = twin.example(20, rng, case)
        pop = net.add_neurons(20, spec, name=spec_cls.__name__, v0=v0)
        net.add_current(pop, twin.weight * twin.current * 3.0)
        pops.append((pop, twin))
    for pre, _ in pops:
        for post, twin in pops:
            for kind, delay in (("jump", sp.Uniform(0.0, 2.0)), ("exponential", 0.5)):
                scale = twin.weight / 16 * (1.0 if kind == "jump" else twin.current)
                net.connect(pre, post, sp.connect.fixed_probability(0.2), delay=delay,
                            weight=lambda r, size, s=scale: r.integers(-8, 32, size) * s,
                            synapse=kind, tau_syn=4.0)  # fmt: skip
    return net


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_families_share_one_network_and_connect_to_each_other():
    fast, slow = mixed(), mixed()
    records = all_spikes(fast)
    fast.run(300.0, progress=False)
    steps, idx, _, x = naive.simulate(slow, 3000)
    got_steps, got_idx = joined(records)
    assert all(r.count > 20 for r in records), [r.count for r in records]
    np.testing.assert_array_equal(got_steps, steps)
    np.testing.assert_array_equal(got_idx, idx)
    np.testing.assert_array_equal(fast._x, x)
    pytest.importorskip("brian2")
    report = compare(mixed(), 300.0)
    for pop in report.populations.values():
        assert pop.identical, pop.describe_first_difference()
