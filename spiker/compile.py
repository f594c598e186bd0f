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
from spiker.kernels.build import group_order
from spiker.kernels.layout import BUF_EXP0, BUF_JUMP, BUF_PULSE, Static

_BUF_FOR_KIND = {"pulse": BUF_PULSE, "jump": BUF_JUMP}


def _cat(xs, dtype):
    return np.concatenate(xs).astype(dtype) if xs else np.zeros(0, dtype)


@dataclass
class StaticPart:
    """Static synapses of one delay class: the projections, the kernel's ``Static`` group (its
    weights ``w`` are copied from the projections at each run) and where each synapse goes."""

    projections: list
    arrays: Static
    # entry k of the projections' (selected) weights, taken in turn, is synapse where[k] of the
    # group; None: synapse k (the projections are already in the group's order)
    where: np.ndarray | None
    mask: list  # per projection, the selection of its synapses in this part (None: all)
    _w: np.ndarray | None = None  # the kernel's weights, refilled at each run

    def with_weights(self) -> Static:
        """The group with the projections' current weights, scattered straight into one array
        (no concatenated transient: 8 bytes per synapse less at the peak of a run)."""
        if self._w is None:  # one buffer for every run: a fresh one costs its page faults
            self._w = np.empty(self.arrays.post.shape[0])
        w = self._w
        lo = 0
        for p, m in zip(self.projections, self.mask, strict=True):
            part = p.weight if m is None else p.weight[m]
            hi = lo + part.shape[0]
            if self.where is None:
                w[lo:hi] = part
            else:
                w[self.where[lo:hi]] = part
            lo = hi
        return self.arrays._replace(w=w)


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


def _static_part(projs, N, bounds, taus) -> StaticPart:
    """The segment CSR of the synapses of ``projs`` (given as (projection, mask or None for
    all) pairs), one per part of the units (``bounds``: part t owns units bounds[t] ..
    bounds[t+1]-1) holding the synapses onto that part's units. Synapses are grouped by (part,
    presynaptic unit) with a counting sort, then by (buffer, delay) within a unit."""
    T = bounds.shape[0] - 1
    sizes = [p.n if m is None else int(np.count_nonzero(m)) for p, m in projs]
    n = int(sum(sizes))
    span = 1 + max((int(p.delay_steps.max(initial=0)) for p, _ in projs), default=0)
    small = T * N < 2**31 and (BUF_EXP0 + len(taus)) * span < 2**31
    key = np.int32 if small else np.int64  # 4 bytes per synapse and key where they fit
    major = np.empty(n, key)  # part * N + presynaptic unit
    minor = np.empty(n, key)  # buffer * (max delay + 1) + delay
    post = np.empty(n, np.int32)
    lo = 0
    for (p, m), size in zip(projs, sizes, strict=True):
        sel = slice(None) if m is None else m
        j = p.j[sel].astype(np.int64) + p.post.start
        hi = lo + size
        post[lo:hi] = j
        major[lo:hi] = (np.searchsorted(bounds, j, side="right") - 1) * N
        major[lo:hi] += p.i[sel]
        major[lo:hi] += p.pre.start
        minor[lo:hi] = p.delay_steps[sel]
        minor[lo:hi] += buffer_of(p.kind, p.tau_syn, taus) * span
        lo = hi
    ptr = np.zeros(T * N + 1, np.int64)
    order = np.empty(n, np.int32 if n < 2**31 else np.int64)
    group_order(major, minor, ptr, order)
    # segments: runs of equal (part, pre, buffer, delay), each written into one ring-buffer row
    major = major[order]
    minor = minor[order]
    starts = np.flatnonzero(np.diff(major) | np.diff(minor)) + 1
    starts = np.concatenate([[0], starts]).astype(np.int64) if n else np.zeros(0, np.int64)
    seg_major = major[starts]
    seg_ptr = np.searchsorted(seg_major, np.arange(T * N + 1)).astype(np.int64)
    seg_ptr = np.ascontiguousarray(
        np.stack([seg_ptr[t * N : (t + 1) * N + 1] for t in range(T)])
    )  # fmt: skip
    post = post[order]
    seg_lo = np.concatenate([starts, [n]]).astype(np.int64)
    # dense segments: onto consecutive units (no break in post + 1 inside the segment)
    breaks = np.concatenate([[0], np.cumsum(np.diff(post) != 1)]) if n else np.zeros(0, np.int64)
    dense = breaks[seg_lo[1:] - 1] == breaks[seg_lo[:-1]] if n else np.zeros(0, np.bool_)
    arrays = Static(
        seg_ptr=seg_ptr,
        seg_buf=(minor[starts] // span).astype(np.int64),
        seg_delay=(minor[starts] % span).astype(np.int64),
        seg_lo=seg_lo,
        seg_dense=np.ascontiguousarray(dense, np.bool_),
        post=post,
        w=np.zeros(0),
    )
    where = None
    if not np.array_equal(order, np.arange(n, dtype=order.dtype)):
        where = np.empty_like(order)
        where[order] = np.arange(n, dtype=order.dtype)
    del order
    return StaticPart([p for p, _ in projs], arrays, where, [m for _, m in projs])


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

    static = [p for p in net.projections if p.plasticity is None]
    plastic = [p for p in net.projections if p.plasticity is not None]
    zero = [bool(np.any(p.delay_steps == 0)) for p in static]
    delayed = [(p, p.delay_steps > 0 if z else None) for p, z in zip(static, zero, strict=True)]
    instant = [(p, p.delay_steps == 0) for p, z in zip(static, zero, strict=True) if z]
    static_part = _static_part(delayed, N, bounds, taus)
    static0_part = _static_part(instant, N, bounds, taus)
    max_delay = max((int(p.delay_steps.max(initial=0)) for p in static), default=0)
    plastic_part = compile_plastic(plastic, N, net.dt,
                                   lambda p: buffer_of(p.kind, p.tau_syn, taus))  # fmt: skip
    L = max(2, max_delay + 1, plastic_part.max_delay + 1)
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
