"""Compile plastic projections into the kernel's ``Plastic`` group (kernels/layout.py).

Synapses are laid out by presynaptic unit, then delay, then projection, then postsynaptic unit:
the synapses of one unit with one delay in one projection form a *segment*, which receives its
spikes at once (one presynaptic trace per segment). ``gptr`` indexes the segments of each unit
(sorted by delay), ``qptr``/``qe``/``qg`` the incoming synapses of each unit with their segments,
``yptr``/``yidx`` the postsynaptic traces of each unit (one per projection it receives). The
state lives in the projections between runs (``Projection._plastic``): it is gathered into the
kernel's arrays at each run and scattered back after it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from spiker import _validate as check
from spiker.kernels.build import csr_ptr
from spiker.kernels.layout import Plastic
from spiker.kernels.plasticity import (
    N_RF,
    N_RI,
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


@dataclass
class PlasticPart:
    """The plastic projections compiled: the kernel's arrays (state arrays are placeholders
    filled by :meth:`gather`) and the maps between kernel order and the projections."""

    projections: list
    arrays: Plastic | None
    syn_of: list  # per projection: kernel index of each of its synapses (projection order)
    seg_of: list  # per projection: kernel index of each of its segments
    y_off: np.ndarray  # per projection: offset of its postsynaptic traces in Y
    max_delay: int

    def gather(self) -> Plastic | None:
        """The kernel's group with the projections' present weights and traces."""
        if self.arrays is None:
            return None
        a = self.arrays
        w, sd = np.empty_like(a.w), np.zeros(a.sd.shape[0])
        gx, gxl = np.empty_like(a.gx), np.empty_like(a.gxl)
        Y, Yl = np.empty_like(a.Y), np.empty_like(a.Yl)
        for k, p in enumerate(self.projections):
            w[self.syn_of[k]] = p.weight
            if sd.shape[0]:
                sd[self.syn_of[k]] = p._plastic["sd"]
            gx[self.seg_of[k]] = p._plastic["x"]
            gxl[self.seg_of[k]] = p._plastic["xl"]
            Y[self.y_off[k] : self.y_off[k + 1]] = p._plastic["y"]
            Yl[self.y_off[k] : self.y_off[k + 1]] = p._plastic["yl"]
        return a._replace(w=w, sd=sd, gx=gx, gxl=gxl, Y=Y, Yl=Yl)

    def scatter(self, pl: Plastic | None) -> None:
        """Write the kernel's plastic state back into the projections."""
        if pl is None:
            return
        for k, p in enumerate(self.projections):
            p.weight[:] = pl.w[self.syn_of[k]]
            if pl.sd.shape[0]:
                p._plastic["sd"][:] = pl.sd[self.syn_of[k]]
            p._plastic["x"][:] = pl.gx[self.seg_of[k]]
            p._plastic["xl"][:] = pl.gxl[self.seg_of[k]]
            p._plastic["y"][:] = pl.Y[self.y_off[k] : self.y_off[k + 1]]
            p._plastic["yl"][:] = pl.Yl[self.y_off[k] : self.y_off[k + 1]]


def rule_tables(rules: list, dt: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``rf``, ``ri`` and the decay tables ``dec`` of kernels/plasticity.py for ``rules``."""
    rf = np.zeros((len(rules), N_RF))
    ri = np.zeros((len(rules), N_RI), np.int64)
    for k, r in enumerate(rules):
        rf[k, :6] = (r.a_plus, r.a_minus, r.tau_plus, r.tau_minus, r.w_min, r.w_max)
        ri[k, :2] = (r.pairing == "nearest", r.rule == "multiplicative")
        if r.update is not None:
            rf[k, 6:8] = (r.update.bias, r.update.decay)
            ri[k, 2] = check.whole_steps("SpnetUpdate interval", r.update.interval, dt,
                                         interval=True)  # fmt: skip
        if r.modulation is not None:
            _modulation_row(r.modulation, dt, rf[k], ri[k])
    return rf, ri, _decay_tables(rf, dt)


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


def compile_plastic(plastic: list, N: int, dt: float, buffer_of) -> PlasticPart:
    """The ``Plastic`` group of the plastic projections ``plastic`` of a network of N units
    (``buffer_of(projection)`` gives the ring buffer a projection delivers into)."""
    if not plastic:
        return PlasticPart([], None, [], [], np.zeros(1, np.int64), 0)
    rules = list({id(p.plasticity): p.plasticity for p in plastic}.values())
    rule_of = {id(r): k for k, r in enumerate(rules)}
    # synapses: (global pre, delay, projection, global post), projection-local index
    pre = np.concatenate([p.i.astype(np.int64) + p.pre.start for p in plastic])
    post = np.concatenate([p.j.astype(np.int64) + p.post.start for p in plastic])
    delay = np.concatenate([p.delay_steps.astype(np.int64) for p in plastic])
    proj = np.concatenate([np.full(p.n, k, np.int64) for k, p in enumerate(plastic)])
    local_seg = np.concatenate([p._syn_seg for p in plastic])
    order = np.lexsort((post, proj, delay, pre))
    inverse = np.empty_like(order)
    inverse[order] = np.arange(order.shape[0])
    offsets = np.cumsum([0] + [p.n for p in plastic])
    syn_of = [inverse[offsets[k] : offsets[k + 1]] for k in range(len(plastic))]
    pre_s, delay_s, proj_s, post_s = pre[order], delay[order], proj[order], post[order]
    cut = np.flatnonzero((np.diff(pre_s) != 0) | (np.diff(delay_s) != 0) | (np.diff(proj_s) != 0))
    g_lo = np.concatenate([[0], cut + 1]).astype(np.int64)
    g_hi = np.concatenate([g_lo[1:], [order.shape[0]]]).astype(np.int64)
    g_proj = proj_s[g_lo]
    syn_g = np.repeat(np.arange(g_lo.shape[0]), g_hi - g_lo)  # kernel synapse -> segment
    # kernel segment of each projection segment (a projection's segments are its (i, delay))
    seg_of = []
    for k, p in enumerate(plastic):
        mine = np.empty(p._plastic["x"].shape[0], np.int64)
        mine[local_seg[offsets[k] : offsets[k + 1]]] = syn_g[syn_of[k]]
        seg_of.append(mine)
    # postsynaptic traces: one per (projection, post unit), rows of Y by projection
    y_off = np.cumsum([0] + [p.post.n for p in plastic]).astype(np.int64)
    ysyn = y_off[proj_s] + (post_s - np.array([p.post.start for p in plastic])[proj_s])
    y_unit = np.concatenate([np.arange(p.post.start, p.post.stop) for p in plastic])
    y_order = np.argsort(y_unit, kind="stable")
    y_rule = np.concatenate([np.full(p.post.n, rule_of[id(p.plasticity)]) for p in plastic])
    # incoming synapses of each unit, in kernel order
    q = np.argsort(post_s, kind="stable")
    rf, ri, dec = rule_tables(rules, dt)
    deferred = bool(np.any(ri[:, 2] > 0) or np.any(ri[:, RI_SCHEDULE] != 0))  # sd is used
    n_syn = order.shape[0]
    arrays = Plastic(
        w=np.zeros(n_syn),
        sd=np.zeros(n_syn if deferred else 0),
        post=post_s.astype(np.int32),
        ysyn=ysyn.astype(np.int32),
        g_lo=g_lo,
        g_hi=g_hi,
        g_delay=delay_s[g_lo],
        g_rule=np.array([rule_of[id(plastic[k].plasticity)] for k in g_proj], np.int64),
        g_buf=np.array([buffer_of(plastic[k]) for k in g_proj], np.int64),
        gx=np.zeros(g_lo.shape[0]),
        gxl=np.zeros(g_lo.shape[0], np.int64),
        gptr=csr_ptr(pre_s[g_lo], N),
        qptr=csr_ptr(post_s, N),
        qe=q.astype(np.int32),
        qg=syn_g[q].astype(np.int32),
        Y=np.zeros(y_off[-1]),
        Yl=np.zeros(y_off[-1], np.int64),
        y_rule=y_rule.astype(np.int64),
        yptr=csr_ptr(y_unit, N),
        yidx=y_order.astype(np.int32),
        rf=rf,
        ri=ri,
        dec=dec,
        hist=np.zeros((1, 1), np.int64),
        hist_n=np.zeros(1, np.int64),
        zero=bool(np.any(delay == 0)),
    )
    return PlasticPart(plastic, arrays, syn_of, seg_of, y_off, int(delay.max()))
