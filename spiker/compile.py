"""Compile a network's projections into the array groups the step kernel reads.

Static synapses: one CSR by presynaptic global index sorted by (buffer, delay, post) within a
row and cut into segments of equal buffer and delay (kernels/layout.py ``Static``; weights
gathered per run in ``order``), one for delays of a step or more and one for zero delays.
Plastic synapses: state rows sorted by postsynaptic unit (``qptr``), a CSR by presynaptic unit
sorted by delay that points at them (``pptr``, ``prow``, ...), and a table of rule parameters.
The result, a :class:`Compiled`, is cached by the network until its structure changes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from spiker import _validate as check
from spiker.kernels.layout import BUF_EXP0, BUF_JUMP, BUF_PULSE, Plastic, Static
from spiker.kernels.plasticity import (
    N_RF,
    N_RI,
    N_STATE,
    RF_BASELINE,
    RF_C_DECAY,
    RF_C_MAX,
    RF_C_MIN,
    RF_K_B,
    RF_K_D,
    RI_MOD_INTERVAL,
    RI_MODULATOR,
    RI_SCHEDULE,
    SCHEDULE_CONTINUOUS,
    SCHEDULE_INTERVAL,
)
from spiker.modulation import IntervalModulation

_BUF_FOR_KIND = {"pulse": BUF_PULSE, "jump": BUF_JUMP}
# per plastic synapse, the columns S_* of kernels/plasticity.py (steps stored as float64)
PLASTIC_STATE = ("w", "x", "xl", "y", "yl", "sd")


def _cat(xs, dtype):
    return np.concatenate(xs).astype(dtype) if xs else np.zeros(0, dtype)


def _csr_ptr(keys: np.ndarray, n: int) -> np.ndarray:
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(keys, minlength=n), out=ptr[1:])
    return ptr


@dataclass
class StaticPart:
    """Static synapses of one delay class: the projections, the kernel's ``Static`` group (its
    weights ``w`` are gathered from the projections at each run) and the synapse order."""

    projections: list
    arrays: Static
    order: np.ndarray  # synapse k of the group is entry order[k] of the projections' weights
    mask: list  # per projection, the boolean selection of its synapses in this part

    def with_weights(self) -> Static:
        w = np.concatenate(
            [p.weight[m] for p, m in zip(self.projections, self.mask, strict=True)] or [np.zeros(0)]
        )
        return self.arrays._replace(w=w[self.order])


@dataclass
class Compiled:
    """A network compiled for the kernel (what :func:`compile_network` returns).

    Attributes
    ----------
    static, static0 : StaticPart
        Static synapses with delays of one step or more, and with zero delay.
    plastic : list of Projection
        The plastic projections.
    plastic_arrays : kernels.layout.Plastic
        Their layout; ``hist``, ``hist_n`` and ``ps`` are placeholders filled at each run.
    sorder : int array
        Kernel state row order of the plastic synapses (all plastic projections concatenated).
    p_of : dict
        ``id(projection) -> state rows`` of its synapses, in the projection's order.
    prule : int array
        Rule index per state row.
    taus, decay : float arrays
        tau_syn (ms) and exp(-dt/tau_syn) of each exponential channel.
    """

    static: StaticPart
    static0: StaticPart
    plastic: list
    plastic_arrays: Plastic
    sorder: np.ndarray
    p_of: dict
    prule: np.ndarray
    taus: np.ndarray
    decay: np.ndarray
    pin_col: np.ndarray
    pin_buf: np.ndarray


def _static_part(projs, columns, N) -> StaticPart:
    """The segment CSR of the synapses of ``projs`` (given as (projection, mask) pairs)."""
    pre, post, delay, buf = columns
    order = np.lexsort((post, delay, buf, pre))
    pre_s, delay_s, buf_s = pre[order], delay[order], buf[order]
    # segments: runs of equal (pre, buffer, delay), each written into one ring-buffer row
    cut = np.flatnonzero(
        (np.diff(pre_s) != 0) | (np.diff(delay_s) != 0) | (np.diff(buf_s) != 0)
    ) + 1  # fmt: skip
    starts = np.concatenate([[0], cut]).astype(np.int64) if pre_s.size else np.zeros(0, np.int64)
    arrays = Static(
        seg_ptr=_csr_ptr(pre_s[starts], N),
        seg_buf=buf_s[starts].astype(np.int64),
        seg_delay=delay_s[starts].astype(np.int64),
        seg_lo=np.concatenate([starts, [pre_s.size]]).astype(np.int64),
        post=post[order].astype(np.int32),
        w=np.zeros(0),
    )
    return StaticPart([p for p, _ in projs], arrays, order, [m for _, m in projs])


def exponential_channels(net) -> list[float]:
    """tau_syn (ms) of the network's exponential synaptic-current channels, sorted: one channel
    per distinct time constant of its "exponential" projections and Poisson inputs."""
    taus = {p.tau_syn for p in net.projections if p.kind == "exponential"}
    taus |= {b.spec.tau_syn for b in net._poisson_inputs if b.spec.synapse == "exponential"}
    return sorted(taus)


def buffer_of(kind: str, tau_syn: float, channels: list[float]) -> int:
    """The ring buffer of a synapse kind (kernels/layout.py BUF_*)."""
    if kind == "exponential":
        return BUF_EXP0 + channels.index(tau_syn)
    return _BUF_FOR_KIND[kind]


def compile_network(net) -> Compiled:
    """The kernel's arrays; also resizes the network's ring buffer and spike history."""
    N = net.n
    taus = exponential_channels(net)

    def columns(projs):
        pre, post, delay, buf = [], [], [], []
        for p, m in projs:
            pre.append(p.i[m].astype(np.int64) + p.pre.start)
            post.append(p.j[m].astype(np.int64) + p.post.start)
            delay.append(p.delay_steps[m])
            b = buffer_of(p.kind, p.tau_syn, taus)
            buf.append(np.full(int(np.count_nonzero(m)), b, np.int32))
        return (
            _cat(pre, np.int64),
            _cat(post, np.int64),
            _cat(delay, np.int32),
            _cat(buf, np.int32),
        )

    static = [p for p in net.projections if p.plasticity is None]
    plastic = [p for p in net.projections if p.plasticity is not None]
    delayed = [(p, p.delay_steps > 0) for p in static]
    instant = [(p, p.delay_steps == 0) for p in static]
    static_part = _static_part(delayed, columns(delayed), N)
    static0_part = _static_part(instant, columns(instant), N)
    delay = np.concatenate([p.delay_steps for p in static] or [np.zeros(0, np.int32)])
    # plastic synapses
    ppre, ppost, pdelay, pbuf = columns([(p, np.ones(p.n, bool)) for p in plastic])
    porder = np.lexsort((ppost, pdelay, ppre))
    index = {}  # id(rule) -> row of the rule tables; rules are compared by identity
    for p in plastic:
        index.setdefault(id(p.plasticity), len(index))
    rules = list({id(p.plasticity): p.plasticity for p in plastic}.values())
    prule = _cat([np.full(p.n, index[id(p.plasticity)]) for p in plastic], np.int32)
    rf = np.zeros((len(rules), N_RF))
    ri = np.zeros((len(rules), N_RI), np.int64)
    for k, r in enumerate(rules):
        rf[k, :8] = (r.a_plus, r.a_minus, r.tau_plus, r.tau_minus, r.w_min, r.w_max, 0.0, 0.0)
        ri[k, :3] = (r.pairing == "nearest", r.rule == "multiplicative", 0)
        if r.update is not None:
            rf[k, 6:8] = (r.update.bias, r.update.decay)
            ri[k, 2] = check.whole_steps("SpnetUpdate interval", r.update.interval, net.dt,
                                         interval=True)  # fmt: skip
        if r.modulation is not None:
            _modulation_row(r.modulation, net.dt, rf[k], ri[k])
    # state rows in postsynaptic order (a postsynaptic spike then reads its incoming synapses
    # in sequence: these are the most frequent events); the CSR by presynaptic unit points at them
    sorder = np.lexsort((ppre, ppost))
    row = np.empty_like(sorder)
    row[sorder] = np.arange(sorder.shape[0])
    offsets = np.cumsum([0] + [p.n for p in plastic])
    arrays = Plastic(
        hist=np.zeros((1, 1), np.int64),
        hist_n=np.zeros(1, np.int64),
        pptr=_csr_ptr(ppre, N),
        ppost=ppost[porder].astype(np.int32),
        pdelay=pdelay[porder],
        pbuf=pbuf[porder],
        prow=row[porder].astype(np.int64),
        ps=np.zeros((0, N_STATE)),
        qptr=_csr_ptr(ppost, N),
        rf=rf,
        ri=ri,
        dec=_decay_tables(rf, net.dt),
        zero=bool(np.any(pdelay == 0)),
    )
    L = max(2, int(delay.max()) + 1 if delay.size else 2, int(pdelay.max()) + 1 if plastic else 2)
    H = int(pdelay.max()) + 1 if plastic else 1
    resize_state(net, N, taus, L, H)
    return Compiled(
        static=static_part,
        static0=static0_part,
        plastic=plastic,
        plastic_arrays=arrays,
        sorder=sorder,
        p_of={id(p): row[offsets[k] : offsets[k + 1]] for k, p in enumerate(plastic)},
        prule=prule[sorder],
        taus=np.array(taus, dtype=np.float64),
        decay=np.array([math.exp(-net.dt / tau) for tau in taus]),
        pin_col=_cat([b.cols for b in net._poisson_inputs], np.int64),
        pin_buf=_cat(
            [
                np.full(b.cols.shape[0], buffer_of(b.spec.synapse, b.spec.tau_syn, taus))
                for b in net._poisson_inputs
            ],
            np.int64,
        ),  # fmt: skip
    )


def _modulation_row(mod, dt: float, rf: np.ndarray, ri: np.ndarray) -> None:
    """A modulated rule's columns of the rule tables (kernels/plasticity.py RF_*, RI_*)."""
    rf[RF_C_DECAY] = mod.c_decay(dt)
    rf[RF_C_MIN], rf[RF_C_MAX] = mod.c_min, mod.c_max
    rf[RF_BASELINE] = mod.baseline
    ri[RI_MODULATOR] = mod.dopamine.index
    if isinstance(mod, IntervalModulation):
        ri[RI_SCHEDULE] = SCHEDULE_INTERVAL
        ri[RI_MOD_INTERVAL] = check.whole_steps("interval", mod.interval, dt, interval=True)
    else:
        ri[RI_SCHEDULE] = SCHEDULE_CONTINUOUS
        rf[RF_K_B], rf[RF_K_D] = mod.coefficients(dt)


def _decay_tables(rf: np.ndarray, dt: float, size: int = 4096) -> np.ndarray:
    """exp(-(k*dt)/tau) for k < size, per rule, for tau_plus (0) and tau_minus (1).

    math.exp is libm's exp, the function the kernel falls back on, so both give the same bits.
    """
    dec = np.empty((rf.shape[0], 2, size))
    for r in range(rf.shape[0]):
        for which, tau in enumerate((rf[r, 2], rf[r, 3])):
            dec[r, which] = [math.exp(-(float(k) * dt) / tau) for k in range(size)]
    return dec


def gather_plastic(comp: Compiled) -> np.ndarray:
    """Per-plastic-synapse state, one 64-byte row per synapse in kernel order (see
    kernels/plasticity.py), from the projections."""
    sorder = comp.sorder
    out = np.zeros((sorder.shape[0], N_STATE))
    for col, key in enumerate(PLASTIC_STATE):
        arrays = [p._plastic[key] if key != "w" else p.weight for p in comp.plastic]
        out[:, col] = _cat(arrays, np.float64)[sorder]
    out[:, len(PLASTIC_STATE)] = comp.prule
    return out


def scatter_plastic(comp: Compiled, state: np.ndarray) -> None:
    """Write the kernel's plastic state back into the projections."""
    for p in comp.plastic:
        rows = state[comp.p_of[id(p)]]
        p.weight[:] = rows[:, 0]
        for col, key in enumerate(PLASTIC_STATE[1:], start=1):
            p._plastic[key][:] = rows[:, col]


def resize_state(net, N: int, taus: list[float], L: int, H: int) -> None:
    """Resize the ring buffer, synaptic currents and spike history, keeping what is in flight."""
    old_ring, old_L = net._ring, net._ring.shape[1]
    ring = np.zeros((BUF_EXP0 + len(taus), L, N))
    I_syn = np.zeros((len(taus), N))
    n_old = old_ring.shape[2]
    for ch_old, tau in enumerate(net._channels):
        I_syn[taus.index(tau), :n_old] = net._I_syn[ch_old]
    buf_map = [BUF_PULSE, BUF_JUMP] + [BUF_EXP0 + taus.index(tau) for tau in net._channels]
    for k in range(1, old_L):  # future steps step+1 .. step+old_L-1 are pending
        s = net.step + k
        for b_old, b_new in enumerate(buf_map):
            ring[b_new, s % L, :n_old] = old_ring[b_old, s % old_L]
    hist = np.zeros((H, max(N, 1)), np.int64)
    hist_n = np.zeros(H, np.int64)
    old_H = net._hist.shape[0]
    for k in range(1, min(old_H, H)):  # spikes of the last steps, for plastic arrivals
        s = net.step - k
        if s >= 0:
            cnt = net._hist_n[s % old_H]
            hist[s % H, :cnt] = net._hist[s % old_H, :cnt]
            hist_n[s % H] = cnt
    net._ring, net._I_syn, net._channels = ring, I_syn, list(taus)
    net._hist, net._hist_n = hist, hist_n
