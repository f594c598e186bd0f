"""Brian2's own published examples, ported to spiker, against Brian2 running them in the test.

References: Brian2 2.9.0's ``examples/CUBA.py`` and ``examples/frompapers/Brunel_2000.py``, written
here as those scripts write them (their equations, ``method='exact'``, refractoriness, threshold
and reset), with spiker's connectivity, initial values and external input handed over, so that
both simulators run the same network. Agreement is reported as ``spiker.interop.compare`` does.

Tolerances, and why: the two simulators round the same exact solution differently (Brian2's
sympy form of the propagators against spiker's ``v_inf + (v - v_inf)E + sum K_k I_k``; Brian2
adds each arriving jump to v one at a time, spiker adds their sum), so single spikes may move
after a while, and both networks are chaotic. Rates must agree within 3 % and spike trains must
agree exactly for a first stretch (the first differing spike is asserted to come late).
"""

from __future__ import annotations

import numpy as np
import pytest

import spiker as sp
from spiker.interop import compare_spikes, poisson_input_amounts

brian2 = pytest.importorskip("brian2")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def brian2_spikes(monitor, dt):
    steps = np.rint(np.asarray(monitor.t / brian2.ms) / dt).astype(np.int64)
    return steps, np.asarray(monitor.i, np.int64)


def global_pairs(net):
    """(i, j, weight, delay ms) of every projection in the network's global neuron index."""
    out = []
    for p in net.projections:
        out.append((p.i + p.pre.start, p.j + p.post.start, p.weight.copy(), p.delay.copy()))
    return out


def report(net, ours, theirs, duration):
    """Per-population agreement (spiker's records vs Brian2's spikes of the whole group)."""
    rows = {}
    for name, rec in ours.items():
        steps, idx = theirs
        g = rec.group
        keep = (idx >= g.start) & (idx < g.stop)
        rows[name] = compare_spikes(name, g.n, net.dt, duration, (rec.steps, rec.i),
                                    (steps[keep], idx[keep] - g.start))  # fmt: skip
    return rows


def test_cuba_1000_neurons_agrees_with_brian2s_cuba_example():
    duration = 1000.0
    model = sp.models.cuba(seed=3, n=1000)
    net = model.net
    v0 = np.concatenate([g.v for g in net.groups])
    pairs = global_pairs(net)
    b2 = brian2
    b2.start_scope()
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = 0.1 * b2.ms
    ms, mV = b2.ms, b2.mV
    constants = {"taum": 20 * ms, "taue": 5 * ms, "taui": 10 * ms, "Vt": -50 * mV,
                 "Vr": -60 * mV, "El": -49 * mV, "we": (60 * 0.27 / 10) * mV,
                 "wi": (-20 * 4.5 / 10) * mV}  # fmt: skip
    eqs = """
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    """
    P = b2.NeuronGroup(1000, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * b2.ms,
                       method="exact", namespace=constants)  # fmt: skip
    P.v = v0 * b2.mV
    P.ge = 0 * b2.mV
    P.gi = 0 * b2.mV
    Ce = b2.Synapses(P, P, on_pre="ge += we", namespace=constants)
    Ci = b2.Synapses(P, P, on_pre="gi += wi", namespace=constants)
    exc = [(pre, post) for pre, post, weight, _ in pairs if weight[0] > 0]
    inh = [(pre, post) for pre, post, weight, _ in pairs if weight[0] < 0]
    Ce.connect(i=np.concatenate([a for a, _ in exc]), j=np.concatenate([b for _, b in exc]))
    Ci.connect(i=np.concatenate([a for a, _ in inh]), j=np.concatenate([b for _, b in inh]))
    mon = b2.SpikeMonitor(P)
    b2.run(duration * b2.ms)
    model.run(duration, progress=False)
    rows = report(net, model.records, brian2_spikes(mon, 0.1), duration)
    for row in rows.values():
        print(row.describe_first_difference(), f"{row.rate_ours:.3f} vs {row.rate_theirs:.3f} Hz")
        assert abs(row.rate_difference) < 0.03, row
        assert row.ours > 1000
    first = min((r.first_divergence_ms for r in rows.values() if not r.identical), default=None)
    assert first is None or first > 100.0, f"spikes differ already at {first} ms"


def test_brunel2000_panel_c_scaled_agrees_with_brian2s_example():
    duration = 500.0
    model = sp.models.brunel2000("C", seed=2, n_e=2000)
    net = model.net
    all_e = net.record_spikes(net.groups[0])
    all_i = net.record_spikes(net.groups[1])
    n = net.n
    pairs = global_pairs(net)
    n_steps = round(duration / net.dt)
    ext = np.zeros((n_steps, n))
    for bound, amounts in poisson_input_amounts(net, n_steps):
        ext[:, bound.cols] += amounts
    b2 = brian2
    b2.start_scope()
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = 0.1 * b2.ms
    constants = {"tau": 20 * b2.ms, "theta": 20 * b2.mV, "V_r": 10 * b2.mV,
                 "P_ext": b2.TimedArray(ext * b2.mV, dt=0.1 * b2.ms)}  # fmt: skip
    neurons = b2.NeuronGroup(n, "dv/dt = -v/tau : volt (unless refractory)",
                             threshold="v > theta", reset="v = V_r", refractory=2 * b2.ms,
                             method="exact", namespace=constants)  # fmt: skip
    for k, (pre, post, weight, delay) in enumerate(pairs):
        syn = b2.Synapses(neurons, neurons, "w : volt", on_pre="v += w", name=f"syn{k}")
        syn.connect(i=pre, j=post)
        syn.w = weight * b2.mV
        syn.delay = delay * b2.ms
        neurons.contained_objects.append(syn)
    # the example's PoissonInput, with spiker's draws: v += J*k in the synapses slot
    neurons.run_regularly("v += P_ext(t, i)", when="synapses")
    mon = b2.SpikeMonitor(neurons)
    b2.run(duration * b2.ms)
    model.run(duration, progress=False)
    rows = report(net, {"exc": all_e, "inh": all_i}, brian2_spikes(mon, 0.1), duration)
    for row in rows.values():
        print(row.describe_first_difference(), f"{row.rate_ours:.3f} vs {row.rate_theirs:.3f} Hz")
        assert abs(row.rate_difference) < 0.03, row
        assert row.ours > 1000
    first = min((r.first_divergence_ms for r in rows.values() if not r.identical), default=None)
    assert first is None or first > 100.0, f"spikes differ already at {first} ms"
