"""Slow pure-NumPy twin of the step kernel (spiker/kernels): one Python iteration per step.

It reads the network as the user built it (groups, projections, bound inputs), not the compiled
CSR, so it checks the compilation too. Pending synaptic input is a dict keyed by arrival step.
Each neuron family has its twin below (``TWINS``, by spec class), vectorised over the family's
units and written in the same operation order as its kernel, so the two must agree bit for bit;
tests use dyadic weights so that the order in which arrivals are summed cannot matter.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

import spiker as sp
from spiker.compile import exponential_channels
from spiker.groups import PoissonSource, Population, SpikeSource
from spiker.inputs import in_engine_order
from spiker.kernels import izhikevich as kizh
from spiker.kernels import izhikevich2007 as ki07
from spiker.kernels import lif as klif


# ---- Izhikevich (2003) ----------------------------------------------------------------------
def _euler(v, u, I, a, b, k2, k1, k0, dt):
    return v + dt * ((k0 + ((I + k2 * (v * v)) + k1 * v)) - u), u + dt * (a * (b * v - u))


def _published(v, u, I, a, b, k2, k1, k0, dt, substeps, recovery):
    h = dt / substeps
    for _ in range(int(substeps)):
        v = v + h * (((((k2 * (v * v)) + k1 * v) + k0) - u) + I)
    standard = u + (dt * a) * (b * v - u)
    accommodation = u + (dt * a) * (b * (v + 65.0))
    return v, np.where(recovery == 1, accommodation, standard)


def _spnet(v, u, I, a, b, k2, k1, k0, dt, substeps):
    h = dt / substeps
    for _ in range(int(substeps)):
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


class IzhikevichTwin:
    """sp.Izhikevich: state rows (v, u); ``advance`` returns the new state and who spiked.

    ``cases`` are the conformance test's: per case, a time step, a spec of random cortical
    parameters, and whether Brian2 reproduces it bit for bit (rk4 is Brian2's own order).
    """

    cases = {"euler": 0.1, "izhikevich": 0.5, "spnet": 1.0, "rk4": 0.25}
    brian2_exact = {"euler": True, "izhikevich": True, "spnet": True, "rk4": False}
    weight = 2.0  # mV of a typical jump
    current = 1.0  # the current unit per mV of jump

    @staticmethod
    def example(n, rng, case):
        method = "izhikevich" if case == "spnet" else case
        spec = sp.Izhikevich(
            a=rng.uniform(0.02, 0.1, n), b=rng.uniform(0.2, 0.25, n), c=rng.uniform(-65, -50, n),
            d=rng.uniform(2, 8, n), method=method, order="spnet" if case == "spnet" else "net.m",
        )  # fmt: skip
        return spec, rng.uniform(-70, -60, n)

    @staticmethod
    def advance(pop, x, p, I_ext, I, I_syn, n, dt):
        v, u = x[kizh.X_V], x[kizh.X_U]
        a, b, k2, k1, k0 = (p[r] for r in (kizh.P_A, kizh.P_B, kizh.P_K2, kizh.P_K1, kizh.P_K0))
        m = pop.model
        if m.order == "spnet":
            vn, un = _spnet(v, u, I, a, b, k2, k1, k0, dt, m.substeps)
        elif m.method == "izhikevich":
            rec = 1 if m.recovery == "accommodation" else 0
            vn, un = _published(v, u, I, a, b, k2, k1, k0, dt, m.substeps, rec)
        elif m.method == "rk4":
            vn, un = _rk4(v, u, I, a, b, k2, k1, k0, dt)
        else:
            vn, un = _euler(v, u, I, a, b, k2, k1, k0, dt)
        v_peak = p[kizh.P_V_PEAK]
        spiked = (vn > v_peak) | ((vn == v_peak) & (m.threshold == ">="))
        return np.stack([vn, un]), spiked

    @staticmethod
    def arrive_jump(pop, x, p, w, n):
        x[kizh.X_V] += w

    @staticmethod
    def reset(pop, x, p, which, n):
        x[kizh.X_V, which] = p[kizh.P_C, which]
        x[kizh.X_U, which] = x[kizh.X_U, which] + p[kizh.P_D, which]


# ---- LIF ---------------------------------------------------------------------------------------
class LIFTwin:
    """sp.LIF: state rows (v, step of the last spike)."""

    cases = {"exact": 0.1, "euler": 0.1}
    brian2_exact = {"exact": True, "euler": True}
    weight = 4.0  # mV of a typical jump
    current = 1.0  # R*I is mV

    @staticmethod
    def example(n, rng, case):
        spec = sp.LIF(
            tau_m=rng.uniform(10, 30, n), v_rest=-60.0, v_reset=rng.uniform(-70, -60, n),
            v_th=-50.0, refractory=rng.uniform(0, 5, n), R=rng.uniform(0.5, 2, n), method=case,
        )  # fmt: skip
        return spec, rng.uniform(-70, -50, n)

    @staticmethod
    def refractory(x, p, n):
        return n - x[klif.X_LAST] < p[klif.P_REF_STEPS]

    @staticmethod
    def advance(pop, x, p, I_ext, I, I_syn, n, dt):
        v = x[klif.X_V]
        tau_m, R, v_rest = p[klif.P_TAU_M], p[klif.P_R], p[klif.P_V_REST]
        if pop.model.method == "exact":
            E = p[klif.P_E]
            v_inf = v_rest + R * I_ext
            vn = v_inf + (v - v_inf) * E
            for k, tau in enumerate(exponential_channels(pop.net)):
                decay = math.exp(-dt / tau)
                K = np.where(tau == tau_m, (dt / tau_m) * E, (tau / (tau - tau_m)) * (decay - E))
                vn = vn + (R * I_syn[k]) * K
        else:
            vn = v + dt * (((v_rest - v) + R * I) / tau_m)
        held = LIFTwin.refractory(x, p, n)
        vn = np.where(held, v, vn)
        v_th = p[klif.P_V_TH]
        strict = p[klif.P_STRICT] == 1.0
        spiked = ~held & ((vn > v_th) | ((vn == v_th) & ~strict))
        return np.stack([vn, x[klif.X_LAST]]), spiked

    @staticmethod
    def arrive_jump(pop, x, p, w, n):
        x[klif.X_V] += np.where(LIFTwin.refractory(x, p, n), 0.0, w)

    @staticmethod
    def reset(pop, x, p, which, n):
        x[klif.X_V, which] = p[klif.P_V_RESET, which]
        x[klif.X_LAST, which] = n


# ---- Izhikevich (2007) -----------------------------------------------------------------------
class Izhikevich2007Twin:
    """sp.Izhikevich2007: state rows (v, u)."""

    cases = {"euler": 0.1, "rk4": 0.25}
    brian2_exact = {"euler": True, "rk4": False}
    weight = 4.0  # mV of a typical jump
    current = 32.0  # currents (pA) per mV of jump: a power of two keeps the weights dyadic

    @staticmethod
    def example(n, rng, case):
        spec = sp.Izhikevich2007.preset("RS", method=case, a=rng.uniform(0.02, 0.04, n),
                                        d=rng.uniform(50, 150, n))  # fmt: skip
        return spec, rng.uniform(-65, -55, n)

    @staticmethod
    def advance(pop, x, p, I_ext, I, I_syn, n, dt):
        v, u = x[ki07.X_V], x[ki07.X_U]
        C, k, vr, vt, a, b = (p[r] for r in (ki07.P_C_M, ki07.P_K, ki07.P_V_R, ki07.P_V_T,
                                            ki07.P_A, ki07.P_B))  # fmt: skip
        if pop.model.method == "euler":
            vn = v + (dt * ((((k * (v - vr)) * (v - vt)) - u) + I)) / C
            un = u + (dt * a) * (b * (v - vr) - u)
        else:

            def dv(v, u):
                return ((((k * (v - vr)) * (v - vt)) - u) + I) / C

            def du(v, u):
                return a * (b * (v - vr) - u)

            kv1, ku1 = dv(v, u), du(v, u)
            v2, u2 = v + 0.5 * dt * kv1, u + 0.5 * dt * ku1
            kv2, ku2 = dv(v2, u2), du(v2, u2)
            v3, u3 = v + 0.5 * dt * kv2, u + 0.5 * dt * ku2
            kv3, ku3 = dv(v3, u3), du(v3, u3)
            v4, u4 = v + dt * kv3, u + dt * ku3
            kv4, ku4 = dv(v4, u4), du(v4, u4)
            vn = v + (dt / 6.0) * (kv1 + 2.0 * kv2 + 2.0 * kv3 + kv4)
            un = u + (dt / 6.0) * (ku1 + 2.0 * ku2 + 2.0 * ku3 + ku4)
            bad = ~(np.isfinite(vn) & np.isfinite(un))
            vn[bad] = np.inf
            un[bad] = (u + dt * (a * (b * (v - vr) - u)))[bad]
        return np.stack([vn, un]), vn >= p[ki07.P_V_PEAK]

    @staticmethod
    def arrive_jump(pop, x, p, w, n):
        x[ki07.X_V] += w

    @staticmethod
    def reset(pop, x, p, which, n):
        x[ki07.X_V, which] = p[ki07.P_C, which]
        x[ki07.X_U, which] = x[ki07.X_U, which] + p[ki07.P_D, which]


#: The twins, by neuron spec class (every family of sp.neurons.FAMILIES has one).
TWINS = {sp.Izhikevich: IzhikevichTwin, sp.LIF: LIFTwin, sp.Izhikevich2007: Izhikevich2007Twin}


def simulate(net, n_steps: int, record_v: list[int] | None = None):
    """Advance ``net`` (never run by the kernel) by ``n_steps``.

    Returns ``(spike_steps, spike_global_idx, v_trace, x)`` with ``v_trace`` of shape
    (n_steps, len(record_v)): v (state row 0) at the start of each step; ``x`` the final state
    table (state variables, units).
    """
    dt = net.dt
    N = net.n
    x = net._x.copy()
    taus = exponential_channels(net)
    I_syn = {tau: np.zeros(N) for tau in taus}
    pending = defaultdict(lambda: defaultdict(lambda: np.zeros(N)))  # step -> key -> (N,)
    sources = [g for g in net.groups if isinstance(g, SpikeSource | PoissonSource)]
    pops = [g for g in net.groups if isinstance(g, Population)]
    out_steps, out_idx, trace = [], [], []
    record_v = record_v or []
    zero = [p for p in net.projections if np.any(p.delay_steps == 0)]

    def schedule(n, fired, projections, zero_delay):
        for p in projections:
            key = p.tau_syn if p.kind == "exponential" else p.kind
            pre = fired[(fired >= p.pre.start) & (fired < p.pre.stop)] - p.pre.start
            sel = np.isin(p.i, pre) & ((p.delay_steps == 0) == zero_delay)
            for s in np.flatnonzero(sel):
                pending[n + int(p.delay_steps[s])][key][p.post.start + p.j[s]] += p.weight[s]

    for n in range(net.step, net.step + n_steps):
        trace.append(x[0, record_v].copy())
        var = np.zeros((1, N))
        for cur in in_engine_order(net._currents):
            cur.fill(var, n)
        due = pending[n]
        for bound in net._poisson_inputs:  # zero-delay input drawn for this step
            amounts = np.zeros((1, bound.cols.shape[0]))
            bound.fill(amounts, n)
            spec = bound.spec
            key = spec.tau_syn if spec.synapse == "exponential" else spec.synapse
            np.add.at(due[key], bound.cols, amounts[0])
        I_ext = net._I_const + var[0]
        I_ext = I_ext + due["pulse"]
        I = I_ext.copy()
        for tau in taus:
            I = I + I_syn[tau]
        syn_now = np.array([I_syn[tau] for tau in taus]).reshape(len(taus), N)
        fired = []
        for pop in pops:
            sl = slice(pop.start, pop.stop)
            new, spiked = TWINS[type(pop.model)].advance(
                pop, x[:, sl], net._p[:, sl], I_ext[sl], I[sl], syn_now[:, sl], n, dt
            )
            x[: new.shape[0], sl] = new
            fired.append(np.flatnonzero(spiked) + pop.start)
        ext = [s.events(n, n + 1)[1] for s in sources]
        fired = np.sort(np.concatenate(fired + [np.zeros(0, np.int64)]).astype(np.int64))
        fired = np.concatenate([fired] + ext).astype(np.int64)
        for tau in taus:
            I_syn[tau] = I_syn[tau] * math.exp(-dt / tau)
        schedule(n, fired, zero, zero_delay=True)  # arrive in this step, before the reset
        due = pending.pop(n)
        for tau in taus:
            I_syn[tau] = I_syn[tau] + due[tau]
        for pop in pops:
            sl = slice(pop.start, pop.stop)
            twin = TWINS[type(pop.model)]
            twin.arrive_jump(pop, x[:, sl], net._p[:, sl], due["jump"][sl], n)
            which = fired[(fired >= pop.start) & (fired < pop.stop)] - pop.start
            twin.reset(pop, x[:, sl], net._p[:, sl], which, n)
        out_steps.append(np.full(fired.shape[0], n))
        out_idx.append(fired)
        schedule(n, fired, net.projections, zero_delay=False)
    steps = np.concatenate(out_steps) if out_steps else np.zeros(0, np.int64)
    idx = np.concatenate(out_idx) if out_idx else np.zeros(0, np.int64)
    order = np.lexsort((idx, steps))
    return steps[order], idx[order], np.array(trace).reshape(n_steps, len(record_v)), x
