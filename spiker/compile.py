"""Compile a network's projections into the flat arrays the step kernel reads.

Static synapses: one CSR by presynaptic global index sorted by (buffer, delay, post) within a
row and cut into segments of equal buffer and delay (``seg_*``, ``post``; weights gathered per
run in ``order``). Plastic synapses: state rows sorted by postsynaptic unit (``qptr``), a CSR
by presynaptic unit sorted by delay that points at them (``pptr``, ``prow``, ...), and a table
of rule parameters. The result is cached by the network until its structure changes.
"""

from __future__ import annotations

import math

import numpy as np

from spiker import _validate as check

_BUF_FOR_KIND = {"pulse": 0, "jump": 1}
# per plastic synapse, the columns S_* of kernels/plasticity.py (steps stored as float64)
PLASTIC_STATE = ("w", "x", "xl", "y", "yl", "sd")


def _cat(xs, dtype):
    return np.concatenate(xs).astype(dtype) if xs else np.zeros(0, dtype)


def _csr_ptr(keys: np.ndarray, n: int) -> np.ndarray:
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(keys, minlength=n), out=ptr[1:])
    return ptr


def compile_network(net) -> dict:
    """Arrays for the kernel; also resizes the network's ring buffer and spike history."""
    N = net.n
    taus = sorted({p.tau_syn for p in net.projections if p.kind == "exponential"})

    def columns(projs):
        pre, post, delay, buf = [], [], [], []
        for p in projs:
            pre.append(p.i.astype(np.int64) + p.pre.start)
            post.append(p.j.astype(np.int64) + p.post.start)
            delay.append(p.delay_steps)
            b = 2 + taus.index(p.tau_syn) if p.kind == "exponential" else _BUF_FOR_KIND[p.kind]
            buf.append(np.full(p.n, b, np.int32))
        return (
            _cat(pre, np.int64),
            _cat(post, np.int64),
            _cat(delay, np.int32),
            _cat(buf, np.int32),
        )

    static = [p for p in net.projections if p.plasticity is None]
    plastic = [p for p in net.projections if p.plasticity is not None]
    pre, post, delay, buf = columns(static)
    order = np.lexsort((post, delay, buf, pre))
    pre_s, delay_s, buf_s = pre[order], delay[order], buf[order]
    # segments: runs of equal (pre, buffer, delay), each written into one ring-buffer row
    cut = np.flatnonzero(
        (np.diff(pre_s) != 0) | (np.diff(delay_s) != 0) | (np.diff(buf_s) != 0)
    ) + 1  # fmt: skip
    starts = np.concatenate([[0], cut]).astype(np.int64) if pre_s.size else np.zeros(0, np.int64)
    comp = {
        "static": static,
        "order": order,
        "seg_ptr": _csr_ptr(pre_s[starts], N),
        "seg_buf": buf_s[starts].astype(np.int64),
        "seg_delay": delay_s[starts].astype(np.int64),
        "seg_lo": np.concatenate([starts, [pre_s.size]]).astype(np.int64),
        "post": post[order].astype(np.int32),
        "decay": np.array([math.exp(-net.dt / tau) for tau in taus]),
    }
    # plastic synapses
    ppre, ppost, pdelay, pbuf = columns(plastic)
    porder = np.lexsort((ppost, pdelay, ppre))
    index = {}  # id(rule) -> row of the rule tables; rules are compared by identity
    for p in plastic:
        index.setdefault(id(p.plasticity), len(index))
    rules = list({id(p.plasticity): p.plasticity for p in plastic}.values())
    prule = _cat([np.full(p.n, index[id(p.plasticity)]) for p in plastic], np.int32)
    rf = np.zeros((len(rules), 8))
    ri = np.zeros((len(rules), 3), np.int64)
    for k, r in enumerate(rules):
        rf[k] = (r.a_plus, r.a_minus, r.tau_plus, r.tau_minus, r.w_min, r.w_max, 0.0, 0.0)
        ri[k] = (r.pairing == "nearest", r.rule == "multiplicative", 0)
        if r.update is not None:
            rf[k, 6:] = (r.update.bias, r.update.decay)
            ri[k, 2] = check.whole_steps("SpnetUpdate interval", r.update.interval, net.dt,
                                         interval=True)  # fmt: skip
    # state rows in postsynaptic order (a postsynaptic spike then reads its incoming synapses
    # in sequence: these are the most frequent events); the CSR by presynaptic unit points at them
    sorder = np.lexsort((ppre, ppost))
    row = np.empty_like(sorder)
    row[sorder] = np.arange(sorder.shape[0])
    offsets = np.cumsum([0] + [p.n for p in plastic])
    comp.update(
        plastic=plastic,
        sorder=sorder,
        p_of={id(p): row[offsets[k] : offsets[k + 1]] for k, p in enumerate(plastic)},
        pptr=_csr_ptr(ppre, N),
        ppost=ppost[porder].astype(np.int32),
        pdelay=pdelay[porder],
        pbuf=pbuf[porder],
        prow=row[porder].astype(np.int64),
        prule=prule[sorder],
        dec=_decay_tables(rf, net.dt),
        qptr=_csr_ptr(ppost, N),
        rf=rf,
        ri=ri,
    )
    L = max(2, int(delay.max()) + 1 if delay.size else 2, int(pdelay.max()) + 1 if plastic else 2)
    H = int(pdelay.max()) + 1 if plastic else 1
    resize_state(net, N, taus, L, H)
    return comp


def _decay_tables(rf: np.ndarray, dt: float, size: int = 4096) -> np.ndarray:
    """exp(-(k*dt)/tau) for k < size, per rule, for tau_plus (0) and tau_minus (1).

    math.exp is libm's exp, the function the kernel falls back on, so both give the same bits.
    """
    dec = np.empty((rf.shape[0], 2, size))
    for r in range(rf.shape[0]):
        for which, tau in enumerate((rf[r, 2], rf[r, 3])):
            dec[r, which] = [math.exp(-(float(k) * dt) / tau) for k in range(size)]
    return dec


def gather_plastic(comp: dict) -> np.ndarray:
    """Per-plastic-synapse state, one 64-byte row per synapse in kernel order (see
    kernels/plasticity.py), from the projections."""
    sorder = comp["sorder"]
    out = np.zeros((sorder.shape[0], 8))
    for col, key in enumerate(PLASTIC_STATE):
        arrays = [p._plastic[key] if key != "w" else p.weight for p in comp["plastic"]]
        out[:, col] = _cat(arrays, np.float64)[sorder]
    out[:, len(PLASTIC_STATE)] = comp["prule"]
    return out


def scatter_plastic(comp: dict, state: np.ndarray) -> None:
    """Write the kernel's plastic state back into the projections."""
    for p in comp["plastic"]:
        rows = state[comp["p_of"][id(p)]]
        p.weight[:] = rows[:, 0]
        for col, key in enumerate(PLASTIC_STATE[1:], start=1):
            p._plastic[key][:] = rows[:, col]


def resize_state(net, N: int, taus: list[float], L: int, H: int) -> None:
    """Resize the ring buffer, synaptic currents and spike history, keeping what is in flight."""
    old_ring, old_L = net._ring, net._ring.shape[1]
    ring = np.zeros((2 + len(taus), L, N))
    I_syn = np.zeros((len(taus), N))
    n_old = old_ring.shape[2]
    for ch_old, tau in enumerate(net._channels):
        I_syn[taus.index(tau), :n_old] = net._I_syn[ch_old]
    buf_map = [0, 1] + [2 + taus.index(tau) for tau in net._channels]
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
