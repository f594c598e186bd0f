"""Event-driven STDP kernels, called from the step loop (see :mod:`spiker.plasticity`).

Plastic synapses have state rows p = 0..P-1 sorted by postsynaptic unit (``qptr[j]`` is the
first row of unit j), so a postsynaptic spike, the most frequent event, reads its incoming
synapses in sequence; a CSR by presynaptic unit sorted by delay (``pptr``; entry e holds
``pdelay[e]``, ``pbuf[e]``, ``ppost[e]`` and its state row ``prow[e]``) serves the arrivals.
A state row of ``ps`` (P, 8) is 64 bytes: weight (``S_W``), pre trace (``S_X``) and the step
of its last update (``S_XL``), post trace (``S_Y``, ``S_YL``), deferred change (``S_SD``), rule
index (``S_RULE``), padding. Rule parameters are rows of ``rf`` (float: a_plus, a_minus,
tau_plus, tau_minus, w_min, w_max, bias, decay) and ``ri`` (int: nearest, multiplicative,
interval_steps; 0 means immediate). ``dec[r, 0, k]`` and ``dec[r, 1, k]`` hold
``exp(-(k*dt)/tau_plus)`` and ``exp(-(k*dt)/tau_minus)`` for k < dec.shape[2], computed with the
same libm ``exp`` as the fallback, so a table hit and a call give the same bits.
"""

import math

from numba import njit

RF_A_PLUS, RF_A_MINUS, RF_TAU_PLUS, RF_TAU_MINUS, RF_W_MIN, RF_W_MAX, RF_BIAS, RF_DECAY = range(8)
RI_NEAREST, RI_MULTIPLICATIVE, RI_INTERVAL = range(3)
S_W, S_X, S_XL, S_Y, S_YL, S_SD, S_RULE = range(7)
N_STATE = 8  # columns of ps (one padding column: a row is 64 bytes)


@njit(cache=True, inline="always")
def _change(p, dw, ps, r, rf, ri):
    if ri[r, RI_INTERVAL] > 0:
        ps[p, S_SD] += dw
    else:
        w = ps[p, S_W] + dw
        ps[p, S_W] = min(max(w, rf[r, RF_W_MIN]), rf[r, RF_W_MAX])


@njit(cache=True, inline="always")
def _decay(dec, r, which, delta, dt, tau):
    """exp(-(delta*dt)/tau), from the table when delta (whole steps) is in it."""
    k = int(delta)
    if k < dec.shape[2]:
        return dec[r, which, k]
    return math.exp(-(delta * dt) / tau)


@njit(cache=True)
def stdp_pre_arrivals(
    n, dt, hist, hist_n, pptr, ppost, pdelay, pbuf, prow, ps, rf, ri, dec, ring
):  # fmt: skip
    """Deliver the plastic synapses' spikes that arrive at step n and apply depression.

    ``hist[(n - D) % H, :hist_n[...]]`` lists the units that spiked D steps ago. Called at the
    start of step n: the weight is read (delivered into ring slot n) before it changes.
    """
    H = hist.shape[0]
    L = ring.shape[1]
    slot = n % L
    for D in range(1, H):
        if n - D < 0:
            break
        h = (n - D) % H
        for q in range(hist_n[h]):
            i = hist[h, q]
            lo, hi = pptr[i], pptr[i + 1]
            # first synapse of i with delay >= D (delays sorted within the row)
            while lo < hi:
                mid = (lo + hi) // 2
                if pdelay[mid] < D:
                    lo = mid + 1
                else:
                    hi = mid
            e = lo
            while e < pptr[i + 1] and pdelay[e] == D:
                p = prow[e]
                r = int(ps[p, S_RULE])
                ring[pbuf[e], slot, ppost[e]] += ps[p, S_W]
                y = ps[p, S_Y] * _decay(dec, r, 1, n - ps[p, S_YL], dt, rf[r, RF_TAU_MINUS])
                ps[p, S_Y] = y
                ps[p, S_YL] = n
                dw = -rf[r, RF_A_MINUS] * y
                if ri[r, RI_MULTIPLICATIVE]:
                    dw *= ps[p, S_W] - rf[r, RF_W_MIN]
                _change(p, dw, ps, r, rf, ri)
                x = ps[p, S_X] * _decay(dec, r, 0, n - ps[p, S_XL], dt, rf[r, RF_TAU_PLUS])
                ps[p, S_X] = 1.0 if ri[r, RI_NEAREST] else x + 1.0
                ps[p, S_XL] = n
                e += 1


@njit(cache=True)
def stdp_post_spikes(
    n, dt, fired, n_fired, qptr, ps, rf, ri, dec
):  # fmt: skip
    """Potentiation of the incoming plastic synapses of the units that spiked at step n."""
    for f in range(n_fired):
        j = fired[f]
        for p in range(qptr[j], qptr[j + 1]):
            r = int(ps[p, S_RULE])
            x = ps[p, S_X] * _decay(dec, r, 0, n - ps[p, S_XL], dt, rf[r, RF_TAU_PLUS])
            ps[p, S_X] = x
            ps[p, S_XL] = n
            dw = rf[r, RF_A_PLUS] * x
            if ri[r, RI_MULTIPLICATIVE]:
                dw *= rf[r, RF_W_MAX] - ps[p, S_W]
            _change(p, dw, ps, r, rf, ri)
            y = ps[p, S_Y] * _decay(dec, r, 1, n - ps[p, S_YL], dt, rf[r, RF_TAU_MINUS])
            ps[p, S_Y] = 1.0 if ri[r, RI_NEAREST] else y + 1.0
            ps[p, S_YL] = n


@njit(cache=True)
def stdp_apply_deferred(n, ps, rf, ri):
    """At the end of step n: for rules whose interval ends here, w += bias + sd; sd *= decay;
    clip."""
    due = False
    for r in range(ri.shape[0]):
        if ri[r, RI_INTERVAL] > 0 and (n + 1) % ri[r, RI_INTERVAL] == 0:
            due = True
    if not due:
        return
    for p in range(ps.shape[0]):
        r = int(ps[p, S_RULE])
        interval = ri[r, RI_INTERVAL]
        if interval > 0 and (n + 1) % interval == 0:
            w = ps[p, S_W] + (rf[r, RF_BIAS] + ps[p, S_SD])
            ps[p, S_SD] *= rf[r, RF_DECAY]
            ps[p, S_W] = min(max(w, rf[r, RF_W_MIN]), rf[r, RF_W_MAX])
