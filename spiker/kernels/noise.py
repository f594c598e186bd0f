"""Gaussian noise drawn inside the kernel: a counter-based generator keyed by (input, neuron).

Draw ``d`` of entry ``e`` (one neuron of one :class:`~spiker.inputs.Noise` input) depends only on
the entry's 64-bit key and on ``d`` (the step divided by the input's interval): not on the
number of threads, the chunking of a run, or what was drawn before. That makes the draws
parallel (each thread draws for its own units), restartable (a restored network redraws the
value it held), and cheap (no per-chunk table of draws: numpy's draws, written to and read back
from a (steps, units) array, cost about 13 us per step of izhikevich2003).

The generator:

- ``s = mix(key ^ (d * GOLDEN))`` is the first word and seeds a SplitMix64 sequence (Steele,
  Lea & Flood 2014) for the rare draws that need more: ``mix(s + c * GOLDEN)``, c = 1, 2, ...
- a word becomes N(0, 1) by the ziggurat method (Marsaglia & Tsang 2000) with 256 layers: the
  low 8 bits pick a layer, bit 8 the sign, the top 53 bits the abscissa; the fast path (about
  99% of draws) costs one word, a multiply and a compare; the wedges and the tail (beyond
  r = 3.654) take more words of the same sequence.

``tests/spiker/test_noise.py`` holds the NumPy reference, and tests the moments and the shape
of the distribution.
"""

import math

import numpy as np
from numba import uint64

from spiker.kernels._jit import inline, inline_ir, kernel

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S8, _S11, _S27, _S30, _S31 = (np.uint64(s) for s in (8, 11, 27, 30, 31))
_LOW8, _ONE = np.uint64(0xFF), np.uint64(1)
_MIN_STEP, _MAX_STEP = np.iinfo(np.int64).min, np.iinfo(np.int64).max
_TO_UNIT = 2.0**-53

#: The ziggurat's base: the tail starts at R; V is the area of each of the 256 layers.
ZIG_R = 3.6541528853610088
ZIG_V = ZIG_R * math.exp(-0.5 * ZIG_R * ZIG_R) + math.sqrt(math.pi / 2) * math.erfc(
    ZIG_R / math.sqrt(2)
)


def ziggurat_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(zk, zw, zf)``: for layer i, accept a 53-bit abscissa ``a`` at once when
    ``a < zk[i]``; the abscissa is ``a * zw[i]``; ``zf[i] = exp(-X[i]**2 / 2)`` at the layer's
    right edge X[i] (X[0] = V / f(R), the base's virtual width; X[1] = R; X[256] = 0)."""
    f = lambda x: math.exp(-0.5 * x * x)  # noqa: E731
    X = [0.0] * 257
    X[0], X[1] = ZIG_V / f(ZIG_R), ZIG_R
    for i in range(1, 255):
        X[i + 1] = math.sqrt(-2.0 * math.log(ZIG_V / X[i] + f(X[i])))
    X[256] = 0.0
    zk = np.array([math.floor(2.0**53 * X[i + 1] / X[i]) for i in range(256)], np.uint64)
    zw = np.array([X[i] * _TO_UNIT for i in range(256)])
    zf = np.array([f(x) for x in X])
    return zk, zw, zf


ZIG_K, ZIG_W, ZIG_F = ziggurat_tables()


@inline_ir
def mix(z):
    """SplitMix64's output function: a bijection of uint64 that mixes every bit."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@inline
def gauss(key, d, zk, zw, zf):
    """Draw ``d`` (int64 >= 0) of the N(0, 1) sequence of ``key`` (uint64)."""
    s = mix(key ^ (np.uint64(d) * GOLDEN))
    c = np.uint64(0)
    u = s  # the first word; the next ones come from s's SplitMix64 sequence
    while True:
        layer = np.int64(u & _LOW8)
        sign = 1.0 - 2.0 * np.float64(np.int64((u >> _S8) & _ONE))  # no branch to mispredict
        a = u >> _S11
        x = np.float64(np.int64(a)) * zw[layer]  # (a < 2**53: a signed conversion, one instruction)
        if a < zk[layer]:
            return sign * x
        if layer == 0:  # the tail beyond R
            while True:
                c += GOLDEN
                u1 = (np.float64(np.int64(mix(s + c) >> _S11)) + 1.0) * _TO_UNIT  # (0, 1]
                c += GOLDEN
                u2 = (np.float64(np.int64(mix(s + c) >> _S11)) + 1.0) * _TO_UNIT
                xx = -math.log(u1) / ZIG_R
                yy = -math.log(u2)
                if yy + yy > xx * xx:
                    return sign * (ZIG_R + xx)
        c += GOLDEN
        u3 = np.float64(np.int64(mix(s + c) >> _S11)) * _TO_UNIT  # [0, 1)
        if zf[layer] + u3 * (zf[layer + 1] - zf[layer]) < math.exp(-0.5 * x * x):
            return sign * x
        c += GOLDEN
        u = mix(s + c)


@inline_ir
def add_noise(n, nz_ptr, nz_key, nz_mean, nz_std, nz_every, nz_val, nz_from, nz_next, zk, zw, zf,
              part, out, lo, hi):  # fmt: skip
    """Add the noise of step n to ``out[i]`` for units lo .. hi-1 (one part of the units):
    unit i's entries ``nz_ptr[i] .. nz_ptr[i+1]-1`` in the order the inputs were added. Entry e
    draws every ``nz_every[e]`` steps: it holds the value ``nz_val[e]`` for steps ``nz_from[e]
    .. nz_next[e]-1`` and draws afresh outside them (an entry that draws every step holds its
    draw for that step only).

    ``part`` (int64, 3): the steps ``part[0] .. part[1]-1`` in which every entry of the part
    holds its value (no entry needs a draw: the first pass is skipped), and ``part[2]`` 1 when
    every unit of the part has exactly one entry.

    Two passes: the entries whose value is due are drawn first, then every unit adds its
    entries' values. (One pass, with the generator inlined among the additions, spilled the
    additions' registers to memory: 2x slower on net.m's noise, held for 10 steps.)"""
    e_lo, e_hi = nz_ptr[lo], nz_ptr[hi]
    if n < part[0] or n >= part[1]:
        held_from, held_next = _MIN_STEP, _MAX_STEP
        for m in range(e_hi - e_lo):
            e = uint64(e_lo + m)
            every = nz_every[e]
            if every == 1:  # a fresh draw each step
                nz_val[e] = nz_mean[e] + nz_std[e] * gauss(nz_key[e], n, zk, zw, zf)
                held_from, held_next = max(held_from, n), min(held_next, n + 1)
            else:
                if n >= nz_next[e] or n < nz_from[e]:
                    d = n // every
                    nz_val[e] = nz_mean[e] + nz_std[e] * gauss(nz_key[e], d, zk, zw, zf)
                    nz_from[e] = d * every
                    nz_next[e] = nz_from[e] + every
                held_from = max(held_from, nz_from[e])
                held_next = min(held_next, nz_next[e])
        part[0], part[1] = held_from, held_next
    if part[2] == 1:  # one entry per unit: a contiguous add
        for k in range(hi - lo):
            out[uint64(lo + k)] += nz_val[uint64(e_lo + k)]
        return
    for k in range(hi - lo):
        i = uint64(lo + k)  # (unsigned indices: no wraparound code)
        v = out[i]
        e0 = nz_ptr[i]
        for m in range(nz_ptr[i + uint64(1)] - e0):
            v += nz_val[uint64(e0 + m)]
        out[i] = v


@kernel
def noise_block(keys, mean, std, every, lo, out, zk, zw, zf):
    """``out[r, q] += mean[q] + std[q] * N(0, 1)`` with the draw of entry q (key ``keys[q]``)
    for step ``lo + r`` (draw ``(lo + r) // every``): the values the kernel adds, for export
    and the naive twin."""
    for q in range(keys.shape[0]):
        held_d = np.int64(-1)
        value = 0.0
        for r in range(out.shape[0]):
            d = (lo + r) // every
            if d != held_d:
                value = mean[q] + std[q] * gauss(keys[q], d, zk, zw, zf)
                held_d = d
            out[r, q] += value


@kernel
def poisson_trains(keys, count, p, nxt, hi, out_steps, out_units):
    """The spikes before step ``hi`` of Poisson trains drawn as intervals: unit u's next spike
    is at step ``nxt[u]``; each spike moves it on by a geometric gap (>= 1 step, probability
    ``p[u]`` per step) drawn from the counter-based generator: the gap after the c-th spike of
    u (``count[u]`` counts them) is ``1 + floor(log(U) / log1p(-p))``, U in (0, 1] the hash of
    (``keys[u]``, c). The trains do not depend on how the run is cut into chunks.

    Writes the spikes unit by unit into ``out_steps``/``out_units`` and returns their number,
    updating ``nxt`` and ``count``; returns -1 (with ``nxt`` and ``count`` partly updated: pass
    copies) when the output arrays are too small. ``p[u] == 0``: ``nxt[u]`` must be beyond any
    step (the caller's NEVER)."""
    m = 0
    for u in range(keys.shape[0]):
        if nxt[u] >= hi:
            continue
        scale = 1.0 / math.log1p(-p[u]) if p[u] < 1.0 else 0.0
        while nxt[u] < hi:
            if m == out_steps.shape[0]:
                return -1
            out_steps[m] = nxt[u]
            out_units[m] = u
            m += 1
            count[u] += 1
            nxt[u] += gap(keys[u], count[u], scale)
    return m


@inline
def gap(key, c, scale):
    """A geometric gap >= 1 from the hash of (key, c): ``scale`` is 1 / log1p(-p) (0 for p = 1:
    a spike every step)."""
    u = (np.float64(np.int64(mix(key ^ (np.uint64(c) * GOLDEN)) >> _S11)) + 1.0) * _TO_UNIT
    return np.int64(1) + np.int64(math.floor(math.log(u) * scale))


@kernel
def poisson_start(keys, count, p, nxt, units, lo, never):
    """Trains that start (or whose rate changed) at step ``lo``: each unit of ``units`` draws
    its next spike, at ``lo`` or later (``never`` at probability 0), counting the draw."""
    for q in range(units.shape[0]):
        u = units[q]
        count[u] += 1
        if p[u] <= 0.0:
            nxt[u] = never
        else:
            scale = 1.0 / math.log1p(-p[u]) if p[u] < 1.0 else 0.0
            nxt[u] = lo - 1 + gap(keys[u], count[u], scale)
