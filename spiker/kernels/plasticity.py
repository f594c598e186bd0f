"""Event-driven STDP kernels, called from the step loop (see :mod:`spiker.plasticity`).

The arrays come in the ``Plastic`` group of kernels/layout.py. Plastic synapses have state rows
p = 0..P-1 sorted by postsynaptic unit (``qptr[j]`` is the
first row of unit j), so a postsynaptic spike, the most frequent event, reads its incoming
synapses in sequence; a CSR by presynaptic unit sorted by delay (``pptr``; entry e holds
``pdelay[e]``, ``pbuf[e]``, ``ppost[e]`` and its state row ``prow[e]``) serves the arrivals.
A state row of ``ps`` (P, 8) is 64 bytes: weight (``S_W``), pre trace (``S_X``) and the step
of its last update (``S_XL``), post trace (``S_Y``, ``S_YL``), deferred change (``S_SD``), rule
index (``S_RULE``), padding. Rule parameters are rows of ``rf`` (float: a_plus, a_minus,
tau_plus, tau_minus, w_min, w_max, bias, decay, then the modulation's baseline, c_decay, k_b, k_d,
c_min, c_max) and ``ri`` (int: nearest, multiplicative, interval_steps (0 means immediate), then
the modulation's schedule, interval_steps and modulator). ``dec[r, 0, k]`` and ``dec[r, 1, k]`` hold
``exp(-(k*dt)/tau_plus)`` and ``exp(-(k*dt)/tau_minus)`` for k < dec.shape[2], computed with the
same libm ``exp`` as the fallback, so a table hit and a call give the same bits.
"""

import math

from spiker.kernels._jit import inline_ir, phase

RF_A_PLUS, RF_A_MINUS, RF_TAU_PLUS, RF_TAU_MINUS, RF_W_MIN, RF_W_MAX, RF_BIAS, RF_DECAY = range(8)
RI_NEAREST, RI_MULTIPLICATIVE, RI_INTERVAL = range(3)
# dopamine modulation (issue 13; spiker/modulation.py): the eligibility trace c is column S_SD
RF_BASELINE, RF_C_DECAY, RF_K_B, RF_K_D, RF_C_MIN, RF_C_MAX = range(8, 14)
RI_SCHEDULE, RI_MOD_INTERVAL, RI_MODULATOR = range(3, 6)
N_RF, N_RI = 14, 6  # widths of the rule tables
SCHEDULE_NONE, SCHEDULE_INTERVAL, SCHEDULE_CONTINUOUS = range(3)
S_W, S_X, S_XL, S_Y, S_YL, S_SD, S_RULE = range(7)
N_STATE = 8  # columns of ps (one padding column: a row is 64 bytes)


@inline_ir
def _change(p, dw, ps, r, rf, ri):
    if ri[r, RI_SCHEDULE] != SCHEDULE_NONE:
        _modulated_change(p, dw, ps, r, rf)
    elif ri[r, RI_INTERVAL] > 0:
        ps[p, S_SD] += dw
    else:
        w = ps[p, S_W] + dw
        ps[p, S_W] = min(max(w, rf[r, RF_W_MIN]), rf[r, RF_W_MAX])


@inline_ir
def _decay(dec, r, which, delta, dt, tau):
    """exp(-(delta*dt)/tau), from the table when delta (whole steps) is in it."""
    k = int(delta)
    if k < dec.shape[2]:
        return dec[r, which, k]
    return math.exp(-(delta * dt) / tau)


@inline_ir
def _arrive(p, post, buf, n, dt, ps, rf, ri, dec, ring, slot):
    """Synapse state row p, onto unit ``post`` through ring buffer ``buf``: its spike arrives in
    step n. Deliver it into ring slot ``slot`` with the weight it has now, then depress and
    update the presynaptic trace."""
    r = int(ps[p, S_RULE])
    ring[buf, slot, post] += ps[p, S_W]
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


@inline_ir
def _arrivals_of(i, D, n, dt, pptr, ppost, pdelay, pbuf, prow, ps, rf, ri, dec, ring, slot):
    """The synapses of unit i with delay D (delays sorted within its row)."""
    lo, hi = pptr[i], pptr[i + 1]
    end = hi
    while lo < hi:  # first synapse of i with delay >= D
        mid = (lo + hi) // 2
        if pdelay[mid] < D:
            lo = mid + 1
        else:
            hi = mid
    e = lo
    while e < end and pdelay[e] == D:
        _arrive(prow[e], ppost[e], pbuf[e], n, dt, ps, rf, ri, dec, ring, slot)
        e += 1


@phase
def stdp_arrivals(n, dt, pl, ring, d_lo, d_hi):
    """Deliver the plastic synapses' spikes that arrive at step n with a delay of ``d_lo`` to
    ``d_hi`` steps, and apply depression: the weight is read (delivered into ring slot n) before
    it changes. ``pl.hist[(n - D) % H, :pl.hist_n[...]]`` lists the units that spiked D steps
    ago. Called at the start of step n for delays of one step or more, and after the threshold
    for zero delays (the history then holds step n's spikes)."""
    hist, hist_n = pl.hist, pl.hist_n
    pptr, ppost, pdelay, pbuf, prow = pl.pptr, pl.ppost, pl.pdelay, pl.pbuf, pl.prow
    ps, rf, ri, dec = pl.ps, pl.rf, pl.ri, pl.dec
    H = hist.shape[0]
    slot = n % ring.shape[1]
    for D in range(d_lo, min(d_hi, H - 1) + 1):
        if n - D < 0:
            break
        h = (n - D) % H
        for q in range(hist_n[h]):
            _arrivals_of(hist[h, q], D, n, dt, pptr, ppost, pdelay, pbuf, prow, ps, rf, ri, dec,
                         ring, slot)  # fmt: skip


@phase
def stdp_post_spikes(n, dt, fired, n_fired, pl):
    """Potentiation of the incoming plastic synapses of the units that spiked at step n."""
    ps, rf, ri, dec, qptr = pl.ps, pl.rf, pl.ri, pl.dec, pl.qptr
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


@phase
def stdp_apply_deferred(n, pl):
    """At the end of step n: for rules whose interval ends here, w += bias + sd; sd *= decay;
    clip."""
    ps, rf, ri = pl.ps, pl.rf, pl.ri
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
def _modulated_change(p, dw, ps, r, rf):
    """A modulated rule's STDP change goes into the eligibility trace c (column S_SD), clipped to
    [c_min, c_max] (infinite bounds leave it as it is)."""
    c = ps[p, S_SD] + dw
    ps[p, S_SD] = min(max(c, rf[r, RF_C_MIN]), rf[r, RF_C_MAX])


@inline_ir
def _modulated_updates(n, pl, before, conc):
    """Weights of the modulated rules due at step n move by their eligibility traces.

    Interval schedule (daspnet.m), where ``(n + 1) % interval_steps == 0``:
    ``w += (baseline + d) * c; c *= c_decay``, d the concentration after this step's decay.
    Continuous schedule, every step: ``w += c * (k_b + k_d * d0); c *= c_decay``, d0 the
    concentration at the start of the step (``before``): the exact integral of
    ``dw/dt = (baseline + d) c / tau_s`` over the step (spiker/modulation.py). w is clipped to
    [w_min, w_max]."""
    ps, rf, ri = pl.ps, pl.rf, pl.ri
    due = False
    for r in range(ri.shape[0]):
        s = ri[r, RI_SCHEDULE]
        if s == SCHEDULE_CONTINUOUS or (
            s == SCHEDULE_INTERVAL and (n + 1) % ri[r, RI_MOD_INTERVAL] == 0
        ):
            due = True
    if not due:
        return
    for p in range(ps.shape[0]):
        r = int(ps[p, S_RULE])
        s = ri[r, RI_SCHEDULE]
        if s == SCHEDULE_INTERVAL:
            if (n + 1) % ri[r, RI_MOD_INTERVAL] != 0:
                continue
            w = ps[p, S_W] + (rf[r, RF_BASELINE] + conc[ri[r, RI_MODULATOR]]) * ps[p, S_SD]
        elif s == SCHEDULE_CONTINUOUS:
            w = ps[p, S_W] + ps[p, S_SD] * (
                rf[r, RF_K_B] + rf[r, RF_K_D] * before[ri[r, RI_MODULATOR]]
            )
        else:
            continue
        ps[p, S_W] = min(max(w, rf[r, RF_W_MIN]), rf[r, RF_W_MAX])
        ps[p, S_SD] *= rf[r, RF_C_DECAY]


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
