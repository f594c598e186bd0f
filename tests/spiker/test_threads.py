"""Results do not depend on the number of threads: the same networks (static, plastic, noisy,
Poisson-driven, zero-delay, every family) at 1, 2 and 3 threads give identical spikes, weights,
state and records. Each thread owns a part of the units and the synapses onto them, so every sum
is taken in the same order whatever the number of parts."""

import numpy as np
import pytest

import spiker as sp
from tests.spiker.test_kernels import build_mixed


def plastic_net(seed, threads):
    net = sp.Network(dt=0.5, seed=seed, threads=threads)
    src = net.add_poisson(60, 25.0, name="src")
    pop = net.add_neurons(40, sp.Izhikevich.preset("RS", method="izhikevich"), name="pop")
    lif = net.add_neurons(30, sp.LIF(tau_m=15.0, v_rest=-60.0, v_reset=-65.0, v_th=-50.0),
                          name="lif")  # fmt: skip
    net.connect(src, pop, sp.connect.fixed_probability(0.3), weight=sp.Uniform(0.0, 4.0),
                delay=sp.Uniform(0.5, 5.0), plasticity=sp.STDP(w_max=4.0, a_plus=0.05,
                                                               a_minus=0.055))  # fmt: skip
    net.connect(pop, lif, sp.connect.fixed_probability(0.2), weight=sp.Uniform(0.0, 3.0),
                delay=0.0, synapse="exponential", tau_syn=4.0)  # fmt: skip
    net.connect(lif, pop, sp.connect.fixed_probability(0.2), weight=-1.5, delay=1.0)
    net.connect(pop, pop, sp.connect.fixed_probability(0.1), weight=sp.Uniform(0.0, 2.0),
                delay=sp.Uniform(1.0, 10.0), synapse="pulse")  # fmt: skip
    net.add_current(pop, sp.inputs.Noise(std=2.0, mean=2.0, interval=1.0))
    net.add_poisson_input(lif, 50, 20.0, weight=0.8)
    return net


def run(make, threads):
    net = make(threads)
    net.units_per_thread = 1  # small networks would otherwise run on one thread
    spikes = [net.record_spikes(g) for g in net.groups]
    trace = net.record_state(net.groups[1], "v", every_ms=1.0)
    rate = net.record_rate(net.groups[1])
    net.run(400.0, progress=False)
    assert net.parts == min(threads, net.n)
    return net, spikes, trace, rate


@pytest.mark.parametrize(
    "make",
    [lambda k: plastic_net(4, k),
     lambda k: (lambda net: (setattr(net, "threads", k), net)[1])(build_mixed(2, zero_delay=True))],
    ids=["plastic-noisy-poisson-lif", "every-method-and-kind-zero-delay"],
)  # fmt: skip
def test_one_two_and_three_threads_give_identical_results(make):
    ref_net, ref_spikes, ref_trace, ref_rate = run(make, 1)
    assert sum(r.count for r in ref_spikes) > 500
    for k in (2, 3):
        net, spikes, trace, rate = run(make, k)
        for a, b in zip(ref_spikes, spikes, strict=True):
            np.testing.assert_array_equal(a.steps, b.steps)
            np.testing.assert_array_equal(a.i, b.i)
        for p, q in zip(ref_net.projections, net.projections, strict=True):
            np.testing.assert_array_equal(p.weight, q.weight)
        np.testing.assert_array_equal(ref_trace.values, trace.values)
        np.testing.assert_array_equal(ref_rate.counts, rate.counts)
        np.testing.assert_array_equal(ref_net._x, net._x)
        np.testing.assert_array_equal(ref_net._I_syn, net._I_syn)


def test_threads_argument_is_checked_and_small_networks_use_fewer():
    with pytest.raises(ValueError, match="threads must be an integer >= 1"):
        sp.Network(threads=0)
    net = sp.Network(threads=2)
    net.add_neurons(100, sp.Izhikevich())
    assert net.parts == 1  # 100 units: one thread does it faster
    net.add_neurons(net.units_per_thread * 2, sp.Izhikevich())
    assert net.parts == 2


OMP_CHILD = """
import os, sys
os.environ.pop("NUMBA_THREADING_LAYER", None)
import numba, numpy as np
sys.path.insert(0, {root!r})
from tests.spiker.test_threads import plastic_net, run
ref = run(lambda k: plastic_net(4, k), 1)
net = run(lambda k: plastic_net(4, k), 2)
print(numba.threading_layer())
for a, b in zip(ref[1], net[1]):
    assert np.array_equal(a.steps, b.steps) and np.array_equal(a.i, b.i)
assert np.array_equal(ref[0].projections[0].weight, net[0].projections[0].weight)
try:
    from spiker.interop.nest import _import_nest
    _import_nest()
except RuntimeError as err:
    print("refused:", err)
"""


def test_the_default_layer_is_openmp_and_nest_is_then_refused():
    # in a process of its own: the suite's process uses workqueue (tests/conftest.py)
    import subprocess

    pytest.importorskip("numba.np.ufunc.omppool", reason="numba's OpenMP layer needs libgomp")
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[2])
    env = {k: v for k, v in __import__("os").environ.items() if k != "NUMBA_THREADING_LAYER"}
    out = subprocess.run([sys.executable, "-c", OMP_CHILD.format(root=root)], env=env,
                         capture_output=True, text=True, timeout=600)  # fmt: skip
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0] == "omp"
    assert lines[1].startswith("refused: NEST cannot be loaded into a process that has run")
