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

from spiker.compile_plastic import PlasticPart, compile_plastic
from spiker.kernels.layout import BUF_EXP0, BUF_JUMP, BUF_PULSE, Static

_BUF_FOR_KIND = {"pulse": BUF_PULSE, "jump": BUF_JUMP}


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
    plastic : PlasticPart
        The plastic projections, their kernel group and how to gather and scatter their state
        (spiker/compile_plastic.py).
    taus, decay : float arrays
        tau_syn (ms) and exp(-dt/tau_syn) of each exponential channel.
    """

    static: StaticPart
    static0: StaticPart
    plastic: PlasticPart
    taus: np.ndarray
    decay: np.ndarray
    pin_col: np.ndarray
    pin_buf: np.ndarray
    bounds: np.ndarray


def _static_part(projs, columns, N, bounds) -> StaticPart:
    """The segment CSR of the synapses of ``projs`` (given as (projection, mask) pairs), one
    per part of the units (``bounds``: part t owns units bounds[t] .. bounds[t+1]-1) holding
    the synapses onto that part's units."""
    pre, post, delay, buf = columns
    part = np.searchsorted(bounds, post, side="right") - 1
    order = np.lexsort((post, delay, buf, pre, part))
    pre_s, delay_s, buf_s, part_s = pre[order], delay[order], buf[order], part[order]
    # segments: runs of equal (part, pre, buffer, delay), each written into one ring-buffer row
    cut = np.flatnonzero(
        (np.diff(pre_s) != 0) | (np.diff(delay_s) != 0) | (np.diff(buf_s) != 0)
        | (np.diff(part_s) != 0)
    ) + 1  # fmt: skip
    starts = np.concatenate([[0], cut]).astype(np.int64) if pre_s.size else np.zeros(0, np.int64)
    seg_part, seg_pre = part_s[starts], pre_s[starts]
    T = bounds.shape[0] - 1
    seg_ptr = np.zeros((T, N + 1), np.int64)
    for t in range(T):
        mine = seg_part == t
        seg_ptr[t] = _csr_ptr(seg_pre[mine], N) + np.searchsorted(seg_part, t)
    arrays = Static(
        seg_ptr=seg_ptr,
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


def part_bounds(n_units: int, parts: int) -> np.ndarray:
    """Bounds of ``parts`` contiguous parts of the units (one per thread), as equal as can be."""
    return np.linspace(0, n_units, parts + 1).round().astype(np.int64)


def compile_network(net, parts: int = 1) -> Compiled:
    """The kernel's arrays, the units cut into ``parts`` parts (one per thread); also resizes
    the network's ring buffer and spike history."""
    bounds = part_bounds(net.n, parts)
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
    static_part = _static_part(delayed, columns(delayed), N, bounds)
    static0_part = _static_part(instant, columns(instant), N, bounds)
    delay = np.concatenate([p.delay_steps for p in static] or [np.zeros(0, np.int32)])
    plastic_part = compile_plastic(plastic, N, net.dt,
                                   lambda p: buffer_of(p.kind, p.tau_syn, taus))  # fmt: skip
    L = max(2, int(delay.max()) + 1 if delay.size else 2, plastic_part.max_delay + 1)
    H = plastic_part.max_delay + 1 if plastic else 1
    resize_state(net, N, taus, L, H)
    return Compiled(
        static=static_part,
        static0=static0_part,
        plastic=plastic_part,
        taus=np.array(taus, dtype=np.float64),
        decay=np.array([math.exp(-net.dt / tau) for tau in taus]),
        pin_col=_cat([b.cols for b in net._poisson_inputs], np.int64),
        bounds=bounds,
        pin_buf=_cat(
            [
                np.full(b.cols.shape[0], buffer_of(b.spec.synapse, b.spec.tau_syn, taus))
                for b in net._poisson_inputs
            ],
            np.int64,
        ),  # fmt: skip
    )


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
