"""Slow pure-NumPy twin of the step kernel (spiker/kernels): one Python iteration per step.

It reads the network as the user built it (groups, projections, bound inputs), not the compiled
CSR, so it checks the compilation too. Pending synaptic input is a dict keyed by arrival step.
The arithmetic of each integration method is written in the same operation order as the kernel, so
the two must agree bit for bit; tests use dyadic weights so that the order in which arrivals are
summed cannot matter.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from spiker.groups import PoissonSource, Population, SpikeSource
from spiker.kernels import METHOD_EULER, METHOD_IZHIKEVICH, METHOD_RK4, METHOD_SPNET


def _euler(v, u, I, a, b, k2, k1, k0, dt):
    return v + dt * ((k0 + ((I + k2 * (v * v)) + k1 * v)) - u), u + dt * (a * (b * v - u))


def _izhikevich(v, u, I, a, b, k2, k1, k0, dt, substeps, recovery):
    out_v = v.copy()
    for s in np.unique(substeps):
        m = substeps == s
        vv, uu = v[m], u[m]
        h = dt / s
        for _ in range(int(s)):
            vv = vv + h * (((((k2[m] * (vv * vv)) + k1[m] * vv) + k0[m]) - uu) + I[m])
        out_v[m] = vv
    standard = u + (dt * a) * (b * out_v - u)
    accommodation = u + (dt * a) * (b * (out_v + 65.0))
    return out_v, np.where(recovery == 1, accommodation, standard)


def _spnet(v, u, I, a, b, k2, k1, k0, dt, substeps):
    h = dt / substeps
    for _ in range(int(substeps[0])):  # one value per call: callers group by substeps
        v = v + h * ((((((k2 * v) + k1) * v) + k0) - u) + I)
    return v, u + (dt * a) * (b * v - u)


def _rk4(v, u, I, a, b, k2, k1, k0, dt):
    def dv(v, u):
        return (k0 + ((I + k2 * (v * v)) + k1 * v)) - u

    kv1, ku1 = dv(v, u), a * (b * v - u)
    v2, u2 = v + 0.5 * dt * kv1, u + 0.5 * dt * ku1
    kv2, ku2 = dv(v2, u2), a * (b * v2 - u2)
    v3, u3 = v + 0.5 * dt * kv2, u + 0.5 * dt * ku2
    kv3, ku3 = dv(v3, u3), a * (b * v3 - u3)
    v4, u4 = v + dt * kv3, u + dt * ku3
    kv4, ku4 = dv(v4, u4), a * (b * v4 - u4)
    vn = v + (dt / 6.0) * (kv1 + 2.0 * kv2 + 2.0 * kv3 + kv4)
    un = u + (dt / 6.0) * (ku1 + 2.0 * ku2 + 2.0 * ku3 + ku4)
    bad = ~(np.isfinite(vn) & np.isfinite(un))
    vn[bad] = np.inf
    un[bad] = (u + dt * (a * (b * v - u)))[bad]
    return vn, un


def simulate(net, n_steps: int, record_v: list[int] | None = None):
    """Advance ``net`` (never run by the kernel) by ``n_steps``.

    Returns ``(spike_steps, spike_global_idx, v_trace, v, u)`` with ``v_trace`` of shape
    (n_steps, len(record_v)): v at the start of each step; ``v`` and ``u`` the final state.
    """
    dt = net.dt
    N = net.n
    v, u = net._v.copy(), net._u.copy()
    a, b, c, d = net._a, net._b, net._c, net._d
    k2, k1, k0 = net._k2, net._k1, net._k0
    method, substeps, strict, v_peak = net._method, net._substeps, net._strict, net._v_peak
    taus = sorted({p.tau_syn for p in net.projections if p.kind == "exponential"})
    I_syn = {tau: np.zeros(N) for tau in taus}
    pending = defaultdict(lambda: defaultdict(lambda: np.zeros(N)))  # step -> key -> (N,)
    sources = [g for g in net.groups if isinstance(g, SpikeSource | PoissonSource)]
    pops = [g for g in net.groups if isinstance(g, Population)]
    is_neuron = np.zeros(N, bool)
    for p in pops:
        is_neuron[p.start : p.stop] = True
    out_steps, out_idx, trace = [], [], []
    record_v = record_v or []
    for n in range(net.step, net.step + n_steps):
        trace.append(v[record_v].copy())
        var = np.zeros((1, N))
        for cur in net._currents:
            cur.fill(var, n)
        due = pending.pop(n, {})
        I = net._I_const + var[0]
        I = I + due.get("pulse", np.zeros(N))
        for tau in taus:
            I = I + I_syn[tau]
        vn, un = v.copy(), u.copy()
        for code, fn in ((METHOD_EULER, _euler), (METHOD_RK4, _rk4)):
            m = method == code
            if m.any():
                vn[m], un[m] = fn(v[m], u[m], I[m], a[m], b[m], k2[m], k1[m], k0[m], dt)
        for s in np.unique(substeps[method == METHOD_SPNET]):
            m = (method == METHOD_SPNET) & (substeps == s)
            vn[m], un[m] = _spnet(
                v[m], u[m], I[m], a[m], b[m], k2[m], k1[m], k0[m], dt, substeps[m]
            )
        m = method == METHOD_IZHIKEVICH
        if m.any():
            vn[m], un[m] = _izhikevich(
                v[m], u[m], I[m], a[m], b[m], k2[m], k1[m], k0[m], dt, substeps[m], net._recovery[m]
            )
        v, u = vn, un
        fired = np.flatnonzero(is_neuron & ((v > v_peak) | ((v == v_peak) & ~strict)))
        ext = [s.events(n, n + 1)[1] for s in sources]
        fired = np.concatenate([fired] + ext).astype(np.int64)
        for tau in taus:
            I_syn[tau] = I_syn[tau] * math.exp(-dt / tau)
        v = v + due.get("jump", np.zeros(N))
        for tau in taus:
            I_syn[tau] = I_syn[tau] + due.get(tau, np.zeros(N))
        neurons = fired[is_neuron[fired]]
        v[neurons] = c[neurons]
        u[neurons] = u[neurons] + d[neurons]
        out_steps.append(np.full(fired.shape[0], n))
        out_idx.append(fired)
        for p in net.projections:
            key = p.tau_syn if p.kind == "exponential" else p.kind
            pre = fired[(fired >= p.pre.start) & (fired < p.pre.stop)] - p.pre.start
            for s in np.flatnonzero(np.isin(p.i, pre)):
                pending[n + int(p.delay_steps[s])][key][p.post.start + p.j[s]] += p.weight[s]
    steps = np.concatenate(out_steps) if out_steps else np.zeros(0, np.int64)
    idx = np.concatenate(out_idx) if out_idx else np.zeros(0, np.int64)
    order = np.lexsort((idx, steps))
    return steps[order], idx[order], np.array(trace).reshape(n_steps, len(record_v)), v, u
