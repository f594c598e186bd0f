"""Event-driven STDP kernels, called from the step loop (see :mod:`spiker.plasticity`).

The arrays come in the ``Plastic`` group of kernels/layout.py. Traces are shared where the spikes
are: the synapses of one *segment* (one presynaptic unit, one delay, one projection) see the same
arrivals and share one presynaptic trace ``gx``; the synapses onto one unit from one projection
share one postsynaptic trace ``Y``. Each trace is kept with the step of its last update and
decayed when read, ``exp(-(k*dt)/tau)`` from the table ``dec[r, 0 or 1, k]`` (k < its size, the
same libm ``exp`` as the fallback, so a table hit and a call give the same bits). Rule parameters
are rows of ``rf`` (a_plus, a_minus, tau_plus, tau_minus, w_min, w_max, bias, decay, then a
dopamine modulation's baseline, c_decay, k_b, k_d, c_min, c_max) and ``ri`` (nearest,
multiplicative, interval in steps: 0 applies changes at once, then the modulation's schedule, its
interval in steps and its modulator). A modulated rule (spiker/modulation.py) writes its changes
into the eligibility trace c, kept in ``sd``; ``apply_modulation`` moves the weights.

Per spike the work is: at an arrival, the segment's trace and, for each of its synapses, the
delivery of its weight and the depression read from the postsynaptic trace; at a postsynaptic
spike, the potentiation of each incoming synapse read from its segment's trace.
"""

import math

from numba import uint64

from spiker.kernels._jit import inline_ir, phase

RF_A_PLUS, RF_A_MINUS, RF_TAU_PLUS, RF_TAU_MINUS, RF_W_MIN, RF_W_MAX, RF_BIAS, RF_DECAY = range(8)
RI_NEAREST, RI_MULTIPLICATIVE, RI_INTERVAL = range(3)
# dopamine modulation (issue 13; spiker/modulation.py): the eligibility trace c is ``sd``
RF_BASELINE, RF_C_DECAY, RF_K_B, RF_K_D, RF_C_MIN, RF_C_MAX = range(8, 14)
RI_SCHEDULE, RI_MOD_INTERVAL, RI_MODULATOR = range(3, 6)
N_RF, N_RI = 14, 6  # widths of the rule tables
SCHEDULE_NONE, SCHEDULE_INTERVAL, SCHEDULE_CONTINUOUS = range(3)


@inline_ir
def _decay(dec, r, which, delta, dt, tau):
    """exp(-(delta*dt)/tau), from the table ``dec[r, which]`` when delta (whole steps) is in it."""
    return _decay_row(dec[r, which], delta, dt, tau)


@inline_ir
def _decay_row(table, delta, dt, tau):
    """:func:`_decay` from one row of the table (taken once outside a synapse loop)."""
    if delta < table.shape[0]:
        return table[delta]
    return math.exp(-(delta * dt) / tau)


@inline_ir
def _rule_mode(r, rf, ri):
    """How a change to a synapse of rule r is applied (:func:`_apply`): ``(modulated,
    deferred, lo, hi)``. Read once per segment where the loop allows: read per synapse, a
    store to a weight makes LLVM reload the tables."""
    modulated = ri[r, RI_SCHEDULE] != SCHEDULE_NONE
    if modulated:
        return modulated, False, rf[r, RF_C_MIN], rf[r, RF_C_MAX]
    return modulated, ri[r, RI_INTERVAL] > 0, rf[r, RF_W_MIN], rf[r, RF_W_MAX]


@inline_ir
def _apply(e, dw, w, sd, modulated, deferred, lo, hi):
    """Apply a change to synapse e: into its eligibility trace c clipped to [c_min, c_max]
    (dopamine modulation; infinite bounds leave it as it is), into its deferred derivative
    (SpnetUpdate), or at once, clipped to [w_min, w_max]."""
    if modulated:
        sd[e] = min(max(sd[e] + dw, lo), hi)
    elif deferred:
        sd[e] += dw
    else:
        w[e] = min(max(w[e] + dw, lo), hi)


@inline_ir
def _change(e, dw, w, sd, r, rf, ri):
    """:func:`_apply` with rule r's mode."""
    modulated, deferred, lo, hi = _rule_mode(r, rf, ri)
    _apply(e, dw, w, sd, modulated, deferred, lo, hi)


@inline_ir
def _arrive(g, n, dt, pl, ring, slot):
    """Segment g's spike arrives in step n: its presynaptic trace jumps; each synapse delivers
    its present weight into ring slot ``slot``, then depresses by the postsynaptic trace."""
    r = pl.g_rule[g]
    rf, ri, dec = pl.rf, pl.ri, pl.dec
    x = pl.gx[g] * _decay(dec, r, 0, n - pl.gxl[g], dt, rf[r, RF_TAU_PLUS])
    pl.gx[g] = 1.0 if ri[r, RI_NEAREST] else x + 1.0
    pl.gxl[g] = n
    a_minus, w_min, tau_minus = rf[r, RF_A_MINUS], rf[r, RF_W_MIN], rf[r, RF_TAU_MINUS]
    mult = ri[r, RI_MULTIPLICATIVE] != 0
    modulated, deferred, lo, hi = _rule_mode(r, rf, ri)  # once per segment, not per synapse
    table = dec[r, 1]
    target = ring[pl.g_buf[g], slot]
    w, sd, post, ysyn, Y, Yl = pl.w, pl.sd, pl.post, pl.ysyn, pl.Y, pl.Yl
    e0 = pl.g_lo[g]
    for q in range(pl.g_hi[g] - e0):
        e = uint64(e0 + q)  # (unsigned indices: no wraparound code per synapse)
        target[uint64(post[e])] += w[e]
        k = uint64(ysyn[e])
        dw = -a_minus * (Y[k] * _decay_row(table, n - Yl[k], dt, tau_minus))
        if mult:
            dw *= w[e] - w_min
        _apply(e, dw, w, sd, modulated, deferred, lo, hi)


@phase
def stdp_arrivals(n, dt, pl, ring, d_lo, d_hi):
    """Deliver the plastic spikes that arrive at step n with a delay of ``d_lo`` to ``d_hi``
    steps, and apply depression: the weight is read (delivered into ring slot n) before it
    changes. ``pl.hist[(n - D) % H, :pl.hist_n[...]]`` lists the units that spiked D steps ago.
    Called at the start of step n for delays of one step or more, and after the threshold for
    zero delays (the history then holds step n's spikes)."""
    hist, hist_n, gptr, g_delay = pl.hist, pl.hist_n, pl.gptr, pl.g_delay
    H = hist.shape[0]
    slot = n % ring.shape[1]
    for D in range(d_lo, min(d_hi, H - 1) + 1):
        if n - D < 0:
            break
        h = (n - D) % H
        for q in range(hist_n[h]):
            i = hist[h, q]
            lo, hi = gptr[i], gptr[i + 1]
            while lo < hi:  # the first segment of i with delay >= D (sorted by delay)
                mid = (lo + hi) // 2
                if g_delay[mid] < D:
                    lo = mid + 1
                else:
                    hi = mid
            g = lo
            while g < gptr[i + 1] and g_delay[g] == D:
                _arrive(g, n, dt, pl, ring, slot)
                g += 1


@phase
def stdp_post_spikes(n, dt, fired, n_fired, pl):
    """Potentiation of the incoming plastic synapses of the units that spiked at step n, then
    their postsynaptic traces jump."""
    rf, ri, dec = pl.rf, pl.ri, pl.dec
    w, sd, gx, gxl, g_rule = pl.w, pl.sd, pl.gx, pl.gxl, pl.g_rule
    qptr, qe, qg, Y, Yl, yptr, yidx, y_rule = pl.qptr, pl.qe, pl.qg, pl.Y, pl.Yl, pl.yptr, \
        pl.yidx, pl.y_rule  # fmt: skip
    for f in range(n_fired):
        j = fired[f]
        q0 = qptr[j]
        for m in range(qptr[j + 1] - q0):
            q = uint64(q0 + m)
            e, g = uint64(qe[q]), uint64(qg[q])
            r = g_rule[g]
            dw = rf[r, RF_A_PLUS] * (gx[g] * _decay(dec, r, 0, n - gxl[g], dt, rf[r, RF_TAU_PLUS]))
            if ri[r, RI_MULTIPLICATIVE]:
                dw *= rf[r, RF_W_MAX] - w[e]
            _change(e, dw, w, sd, r, rf, ri)
        for q in range(yptr[j], yptr[j + 1]):
            k = yidx[q]
            r = y_rule[k]
            y = Y[k] * _decay(dec, r, 1, n - Yl[k], dt, rf[r, RF_TAU_MINUS])
            Y[k] = 1.0 if ri[r, RI_NEAREST] else y + 1.0
            Yl[k] = n


@phase
def stdp_apply_deferred(n, pl):
    """At the end of step n: for rules whose interval ends here, w += bias + sd; sd *= decay;
    clip (spnet's schedule)."""
    rf, ri = pl.rf, pl.ri
    due = False
    for r in range(ri.shape[0]):
        if ri[r, RI_INTERVAL] > 0 and (n + 1) % ri[r, RI_INTERVAL] == 0:
            due = True
    if not due:
        return
    w, sd, g_rule, g_lo, g_hi = pl.w, pl.sd, pl.g_rule, pl.g_lo, pl.g_hi
    for g in range(g_lo.shape[0]):
        r = g_rule[g]
        interval = ri[r, RI_INTERVAL]
        if interval > 0 and (n + 1) % interval == 0:
            bias, decay, lo, hi = rf[r, RF_BIAS], rf[r, RF_DECAY], rf[r, RF_W_MIN], rf[r, RF_W_MAX]
            for k in range(g_hi[g] - g_lo[g]):
                e = uint64(g_lo[g] + k)
                value = w[e] + (bias + sd[e])
                sd[e] *= decay
                w[e] = min(max(value, lo), hi)


@inline_ir
def remember_spikes(n, fired, n_fired, pl):
    """Keep the units that spiked at step n in the history that arrivals read (right after the
    threshold: zero-delay arrivals read it in the same step)."""
    hist = pl.hist
    h = n % hist.shape[0]
    for q in range(n_fired):
        hist[h, q] = fired[q]
    pl.hist_n[h] = n_fired


# ---- dopamine modulation (issue 13) -----------------------------------------------------------
@inline_ir
def _modulated_updates(n, pl, before, conc):
    """Weights of the modulated rules due at step n move by their eligibility traces.

    Interval schedule (daspnet.m), where ``(n + 1) % interval_steps == 0``:
    ``w += (baseline + d) * c; c *= c_decay``, d the concentration after this step's decay.
    Continuous schedule, every step: ``w += c * (k_b + k_d * d0); c *= c_decay``, d0 the
    concentration at the start of the step (``before``): the exact integral of
    ``dw/dt = (baseline + d) c / tau_s`` over the step (spiker/modulation.py). w is clipped to
    [w_min, w_max]."""
    rf, ri = pl.rf, pl.ri
    due = False
    for r in range(ri.shape[0]):
        s = ri[r, RI_SCHEDULE]
        if s == SCHEDULE_CONTINUOUS or (
            s == SCHEDULE_INTERVAL and (n + 1) % ri[r, RI_MOD_INTERVAL] == 0
        ):
            due = True
    if not due:
        return
    w, sd, g_rule, g_lo, g_hi = pl.w, pl.sd, pl.g_rule, pl.g_lo, pl.g_hi
    for g in range(g_lo.shape[0]):
        r = g_rule[g]
        s = ri[r, RI_SCHEDULE]
        if s == SCHEDULE_INTERVAL:
            if (n + 1) % ri[r, RI_MOD_INTERVAL] != 0:
                continue
            gain = rf[r, RF_BASELINE] + conc[ri[r, RI_MODULATOR]]
            c_decay, lo, hi = rf[r, RF_C_DECAY], rf[r, RF_W_MIN], rf[r, RF_W_MAX]
            for k in range(g_hi[g] - g_lo[g]):
                e = uint64(g_lo[g] + k)
                value = w[e] + gain * sd[e]
                w[e] = min(max(value, lo), hi)
                sd[e] *= c_decay
        elif s == SCHEDULE_CONTINUOUS:
            gain = rf[r, RF_K_B] + rf[r, RF_K_D] * before[ri[r, RI_MODULATOR]]
            c_decay, lo, hi = rf[r, RF_C_DECAY], rf[r, RF_W_MIN], rf[r, RF_W_MAX]
            for k in range(g_hi[g] - g_lo[g]):
                e = uint64(g_lo[g] + k)
                value = w[e] + sd[e] * gain
                w[e] = min(max(value, lo), hi)
                sd[e] *= c_decay


@phase
def apply_modulation(n, row, fired, n_fired, pl, mod):
    """Step n's neuromodulation, after the arrivals (and their depression) of step n and before
    the potentiation at its spikes: every concentration decays by its factor per step; the
    modulated rules due at n update their weights (``pl`` is None without plastic synapses);
    then the releases of step n are added: scheduled (``mod.rel_var[row]``) and at the spikes
    of step n (units ``i`` with entries ``mod.src_ptr[i] .. mod.src_ptr[i+1]-1``)."""
    conc, decay, before = mod.conc, mod.decay, mod.before
    for m in range(conc.shape[0]):
        before[m] = conc[m]
        conc[m] *= decay[m]
    if pl is not None:
        _modulated_updates(n, pl, before, conc)
    rel_var = mod.rel_var
    if rel_var.shape[0] > 0:
        for m in range(conc.shape[0]):
            conc[m] += rel_var[row, m]
    src_ptr, src_mod, src_amount = mod.src_ptr, mod.src_mod, mod.src_amount
    if src_mod.shape[0] > 0:
        for q in range(n_fired):
            i = fired[q]
            for e in range(src_ptr[i], src_ptr[i + 1]):
                conc[src_mod[e]] += src_amount[e]
