"""The step loop: advances the whole network over a chunk of steps in one call.

``run_steps`` is the schedule documented in :meth:`spiker.Network.run`, one small helper per
phase. Its arguments are the named groups of kernels/layout.py. A unit's family
(kernels/families.py) integrates it and decides its threshold and reset; spike sources
(``FAMILY_SOURCE``) are skipped, and their spikes come in as events ``(ext_step, ext_idx)``.
"""

import numpy as np
from numba import prange, uint64

from spiker.kernels import families
from spiker.kernels._jit import inline, inline_ir, kernel, parallel, phase
from spiker.kernels.layout import (
    BUF_EXP0,
    BUF_JUMP,
    BUF_PULSE,
    FAMILY_SOURCE,
    REC_CONCENTRATION,
    REC_ELIGIBILITY,
    REC_I,
    REC_I_SYN,
    REC_WEIGHT,
    STATUS_DIVERGED,
    STATUS_OK,
    STATUS_SPIKES_FULL,
)
from spiker.kernels.noise import add_noise
from spiker.kernels.plasticity import (
    apply_modulation,
    remember_spikes,
    stdp_apply_deferred,
    stdp_arrivals,
    stdp_post_spikes,
)


@kernel
def run_steps(n_start, n_steps, dt, neurons, inputs, static, static0, syn, plastic, mod, rec,
              scratch, par, present):  # fmt: skip
    """Advance the network from step ``n_start`` by up to ``n_steps`` steps.

    ``static`` holds the static synapses with delays of one step or more, ``static0`` those of
    zero delay; ``plastic`` is None when there are no plastic synapses (their code is then not
    compiled), ``mod`` (neuromodulators, kernels/layout.py ``Modulators``) likewise.
    ``present`` says which families and methods the network uses (the others are not compiled;
    kernels/families.py). ``par`` is None for one thread, else the units are updated and the
    static synapses propagated in ``scratch.t_lo.shape[0]`` parts on as many threads (each part
    owns the units ``t_lo[t] .. t_hi[t]-1`` and the synapses onto them, so every sum is taken in
    the same order whatever the number of threads). Returns the number of steps completed;
    ``scratch.info[0]`` is a STATUS_* code. Stops early, with the state consistent at a step
    boundary, when the spike buffer could overflow or a state diverges.
    """
    fired, info = scratch.fired, scratch.info
    n_masked = _count(rec.spike_mask)
    zero_delay = static0.seg_ptr[-1, -1] > 0
    if plastic is not None:  # None without plastic synapses: numba prunes their code
        zero_delay = zero_delay or plastic.zero
    # constants handed to other kernels are int64 variables: a literal would compile a second
    # specialisation of the callee
    fused = not zero_delay
    at_start, after_input = np.int64(0), np.int64(1)
    part0 = at_start  # the one part of a run on one thread
    ext_step, ext_idx = inputs.ext_step, inputs.ext_idx
    ext = 0  # next spike-source event
    while ext < ext_step.shape[0] and ext_step[ext] < n_start:
        ext += 1
    info[0] = STATUS_OK
    _prepare(dt, neurons, syn, present)
    for k in range(n_steps):
        n = n_start + k
        if rec.spk_count[0] + n_masked > rec.spk_step.shape[0]:
            info[0] = STATUS_SPIKES_FULL
            return k
        # 1. record state at n*dt; plastic spikes that arrive now are delivered and depress
        _record_state(n, at_start, neurons, syn, plastic, mod, rec)
        if plastic is not None:
            stdp_arrivals(n, dt, plastic, syn.ring, np.int64(1), n)
        row = n - n_start + inputs.var_row0
        if inputs.pin_col.shape[0] > 0:
            _poisson_inputs(n, row, inputs, syn.ring)
        # 2.-4. input, integration, threshold; with ``fused``, 5. arrivals of exponential input
        if par is None:
            bad = _advance_units(n, row, dt, neurons, inputs, syn, scratch, part0, fused, present)
        else:
            _advance_parallel(n, row, dt, neurons, inputs, syn, scratch, fused, scratch.t_bad)
            bad = _count(scratch.t_bad) > 0
        n_fired = _collect(n, neurons, scratch, bad, present)
        if n_fired < 0:
            return k
        # 4. spike sources emit their spikes of step n
        while ext < ext_step.shape[0] and ext_step[ext] == n:
            fired[n_fired] = ext_idx[ext]
            n_fired += 1
            ext += 1
        if plastic is not None:
            remember_spikes(n, fired, n_fired, plastic)
        if zero_delay:  # zero-delay spikes arrive before 5. arrivals
            if par is None:
                _propagate(n, fired, n_fired, static0, syn.ring, part0)
            else:
                _propagate_parallel(n, fired, n_fired, static0, syn.ring)
            if plastic is not None:
                stdp_arrivals(n, dt, plastic, syn.ring, at_start, at_start)
        # 5. arrivals ("jump", and exponential when not fused), 6. reset
        if par is None:
            _arrive_units(n, neurons, syn, scratch, part0, fused, present)
        else:
            _arrive_parallel(n, neurons, syn, scratch, fused)
        _reset(n, neurons, scratch, n_fired, present)
        _record_state(n, after_input, neurons, syn, plastic, mod, rec)
        # 7. record spikes
        _record_spikes(n, k, fired, n_fired, rec)
        # 8. propagate
        if par is None:
            _propagate(n, fired, n_fired, static, syn.ring, part0)
        else:
            _propagate_parallel(n, fired, n_fired, static, syn.ring)
        # 9. plasticity. Neuromodulation first (issue 13: concentrations decay, modulated
        #    weights move, releases of step n), then potentiation and deferred (spnet) updates
        if mod is not None:
            apply_modulation(n, row, fired, n_fired, plastic, mod)
        if plastic is not None:
            stdp_post_spikes(n, dt, fired, n_fired, plastic)
            stdp_apply_deferred(n, plastic)
    return n_steps


@phase
def _prepare(dt, neurons, syn, present):
    """Before the steps: each population's precomputed factors (families.prepare)."""
    p, K, decay, tau = neurons.p, syn.K, syn.decay, syn.tau
    r_lo, r_hi, r_family, r_method = neurons.r_lo, neurons.r_hi, neurons.r_family, neurons.r_method
    on_izh, on_i07, on_lif = present
    for r in range(r_lo.shape[0]):
        families.prepare(r_family[r], r_method[r], r_lo[r], r_hi[r], p, dt, decay, tau, K, on_izh,
                         on_i07, on_lif)  # fmt: skip


@inline_ir
def _count(mask):
    c = 0
    for i in range(mask.shape[0]):
        if mask[i]:
            c += 1
    return c


@inline
def _weight(plastic, p):
    """The weight of plastic synapse p (the group is None without plastic synapses)."""
    if plastic is None:
        return 0.0
    return plastic.w[p]


@inline
def _eligibility(plastic, p):
    """The eligibility trace (or deferred change) of plastic synapse p."""
    if plastic is None:
        return 0.0
    return plastic.sd[p]


@inline
def _concentration(mod, m):
    """The concentration of neuromodulator m (the group is None without neuromodulators)."""
    if mod is None:
        return 0.0
    return mod.conc[m]


@phase
def _record_state(n, phase, neurons, syn, plastic, mod, rec):
    """State monitors due at step n. ``phase`` 0, at the start of the step: every variable but
    ``REC_I`` (its value at n*dt). ``phase`` 1, after the integration: ``REC_I`` (the input
    current of step n), and every monitor due at n moves on to its next row.

    (Phase helpers take the fields they loop over out of their groups first: a field read inside
    a loop costs a reference-count update per read.)"""
    mon_var, mon_every, mon_ptr, mon_idx = rec.mon_var, rec.mon_every, rec.mon_ptr, rec.mon_idx
    mon_out, mon_rows, x, I_syn = rec.mon_out, rec.mon_rows, neurons.x, syn.I_syn
    for m in range(mon_var.shape[0]):
        var = mon_var[m]
        if n % mon_every[m] != 0:
            continue
        if phase == 1:
            mon_rows[m] += 1
        if (var == REC_I) != (phase == 1):
            continue
        width = mon_ptr[m + 1] - mon_ptr[m]
        base = rec.mon_base[m] + (mon_rows[m] - phase) * width
        for q in range(width):
            j = mon_idx[mon_ptr[m] + q]
            if var >= 0:
                value = x[var, j]
            elif var == REC_I:
                value = neurons.I[j]
            elif var == REC_I_SYN:
                value = 0.0
                for ch in range(I_syn.shape[0]):
                    value += I_syn[ch, j]
            elif var == REC_WEIGHT:
                value = _weight(plastic, j)
            elif var == REC_ELIGIBILITY:
                value = _eligibility(plastic, j)
            elif var == REC_CONCENTRATION:
                value = _concentration(mod, j)
            else:
                value = 0.0
            mon_out[base + q] = value


@inline_ir
def _currents(n, row, inputs, pulse, I_syn, ext, I, lo, hi, t):
    """Phase 2 for units lo .. hi-1: the external input ``ext = (I_const + (I_var + noise)) +
    pulse`` (the noise of each unit's Noise inputs in the order they were added; the "pulse"
    input due now is consumed) and the total ``I = ext + I_syn[0] + I_syn[1] ...``, in that
    order (the order of Brian2's rebuild)."""
    I_const, I_var = inputs.I_const, inputs.I_var
    if I_var.shape[0] > 0:
        for k in range(hi - lo):
            i = uint64(lo + k)
            ext[i] = I_var[row, i]
    else:
        for k in range(hi - lo):
            i = uint64(lo + k)
            ext[i] = 0.0
    if inputs.nz_key.shape[0] > 0:
        add_noise(n, inputs.nz_ptr, inputs.nz_key, inputs.nz_mean, inputs.nz_std,
                  inputs.nz_every, inputs.nz_val, inputs.nz_from, inputs.nz_next, inputs.zk,
                  inputs.zw, inputs.zf, inputs.nz_part[t], ext, lo, hi)  # fmt: skip
    for k in range(hi - lo):
        i = uint64(lo + k)
        ext[i] = (I_const[i] + ext[i]) + pulse[i]
        pulse[i] = 0.0
        I[i] = ext[i]
    for c in range(I_syn.shape[0]):
        for k in range(hi - lo):
            i = uint64(lo + k)
            I[i] += I_syn[c, i]


@phase
def _advance_units(n, row, dt, neurons, inputs, syn, scratch, t, fused, present):
    """Phases 2-4 (and, ``fused``, the exponential arrivals of 5) for the units of part t,
    population by population (each population's loop vectorises): input current, integration,
    threshold (``scratch.spiked``), synaptic decay. Returns whether a state diverged."""
    ring, I_syn, decay = syn.ring, syn.I_syn, syn.decay
    slot = n % ring.shape[1]
    x, p, I = neurons.x, neurons.p, neurons.I
    r_lo, r_hi, r_family, r_method = neurons.r_lo, neurons.r_hi, neurons.r_family, neurons.r_method
    on_izh, on_i07, on_lif = present
    spk, ext = scratch.spiked, scratch.ext
    lo, hi = scratch.t_lo[t], scratch.t_hi[t]
    _currents(n, row, inputs, ring[BUF_PULSE, slot], I_syn, ext, I, lo, hi, t)
    bad = False
    for r in range(r_lo.shape[0]):
        a, b = max(r_lo[r], lo), min(r_hi[r], hi)
        if a < b and r_family[r] != FAMILY_SOURCE:
            bad |= families.integrate(r_family[r], r_method[r], a, b, x, p, ext, I, n, dt, I_syn,
                                      syn.K, spk, on_izh, on_i07, on_lif)  # fmt: skip
    for c in range(I_syn.shape[0]):  # exponential currents decay (and, fused, take their input)
        d, current, due = decay[c], I_syn[c], ring[BUF_EXP0 + c, slot]
        if fused:
            for k in range(hi - lo):
                i = uint64(lo + k)
                current[i] = current[i] * d + due[i]
                due[i] = 0.0
        else:
            for k in range(hi - lo):
                i = uint64(lo + k)
                current[i] *= d
    return bad


@phase
def _arrive_units(n, neurons, syn, scratch, t, fused, present):
    """Phase 5 for the units of part t: "jump" input (and, not ``fused``, exponential input) due
    now, population by population; input that reaches a spike source is dropped."""
    ring, I_syn = syn.ring, syn.I_syn
    slot = n % ring.shape[1]
    jump = ring[BUF_JUMP, slot]
    x, p = neurons.x, neurons.p
    r_lo, r_hi, r_family = neurons.r_lo, neurons.r_hi, neurons.r_family
    on_izh, on_i07, on_lif = present
    lo, hi = scratch.t_lo[t], scratch.t_hi[t]
    if not fused:
        for c in range(I_syn.shape[0]):
            current, due = I_syn[c], ring[BUF_EXP0 + c, slot]
            for k in range(hi - lo):
                i = uint64(lo + k)
                current[i] += due[i]
                due[i] = 0.0
    for r in range(r_lo.shape[0]):
        a, b = max(r_lo[r], lo), min(r_hi[r], hi)
        if a >= b:
            continue
        if r_family[r] == FAMILY_SOURCE:
            for k in range(b - a):
                i = uint64(a + k)
                jump[i] = 0.0
                for c in range(I_syn.shape[0]):
                    I_syn[c, i] = 0.0
        else:
            families.arrive_jumps(r_family[r], a, b, x, p, jump, n, on_izh, on_i07, on_lif)


@phase
def _collect(n, neurons, scratch, bad, present):
    """After the threshold: the units that spiked, in order, into ``scratch.fired``; on
    divergence (``bad``), the first diverged unit into ``scratch.info`` and -1."""
    family, x = neurons.family, neurons.x
    on_izh, on_i07, on_lif = present
    fired, spk, info = scratch.fired, scratch.spiked, scratch.info
    if bad:
        for i in range(family.shape[0]):
            if family[i] != FAMILY_SOURCE and families.diverged(family[i], x, i, on_izh, on_i07,
                                                                on_lif):  # fmt: skip
                info[0] = STATUS_DIVERGED
                info[1] = i
                info[2] = n
                return -1
    n_fired = 0
    for i in range(spk.shape[0]):
        if spk[i]:
            fired[n_fired] = i
            n_fired += 1
    return n_fired


@phase
def _reset(n, neurons, scratch, n_fired, present):
    """Phase 6: the units among the ``n_fired`` of ``scratch.fired`` that reached their
    threshold (not spike sources) reset."""
    family, x, p = neurons.family, neurons.x, neurons.p
    on_izh, on_i07, on_lif = present
    fired, spk = scratch.fired, scratch.spiked
    for q in range(n_fired):
        i = fired[q]
        if spk[i]:
            families.reset(family[i], x, p, i, n, on_izh, on_i07, on_lif)
            spk[i] = False


@inline_ir
def _every_family():
    """``present`` with every family and method (a run on threads compiles them all: numba's
    threads take no None-typed or nested-tuple arguments)."""
    one = np.int8(1)
    return (one, one, one, one), (one, one), (one, one)


@parallel
def _advance_parallel(n, row, dt, neurons, inputs, syn, scratch, fused, bad):
    for t in prange(scratch.t_lo.shape[0]):
        bad[t] = _advance_units(n, row, dt, neurons, inputs, syn, scratch, t, fused,
                                _every_family())  # fmt: skip


@parallel
def _arrive_parallel(n, neurons, syn, scratch, fused):
    for t in prange(scratch.t_lo.shape[0]):
        _arrive_units(n, neurons, syn, scratch, t, fused, _every_family())


@parallel
def _propagate_parallel(n, fired, n_fired, static, ring):
    for t in prange(static.seg_ptr.shape[0]):
        _propagate(n, fired, n_fired, static, ring, t)


@phase
def _poisson_inputs(n, row, inputs, ring):
    """The Poisson inputs' amounts of step n join the input due now (zero delay)."""
    P_var, pin_col, pin_buf = inputs.P_var, inputs.pin_col, inputs.pin_buf
    slot = n % ring.shape[1]
    for q in range(pin_col.shape[0]):
        ring[pin_buf[q], slot, pin_col[q]] += P_var[row, q]


@phase
def _record_spikes(n, k, fired, n_fired, rec):
    """Spike monitors and population rates take the spikes of step n (the chunk's k-th)."""
    mask, spk_step, spk_idx, spk_count = rec.spike_mask, rec.spk_step, rec.spk_idx, rec.spk_count
    rate_lo, rate_hi, rate_out, col = rec.rate_lo, rec.rate_hi, rec.rate_out, rec.rate_col0 + k
    for q in range(n_fired):
        i = fired[q]
        if mask[i]:
            c = spk_count[0]
            spk_step[c] = n
            spk_idx[c] = i
            spk_count[0] = c + 1
        for r in range(rate_lo.shape[0]):
            if rate_lo[r] <= i < rate_hi[r]:
                rate_out[r, col] += 1


@phase
def _propagate(n, fired, n_fired, static, ring, t):
    """Each spike of step n is scheduled to arrive at step n + delay: one ring-buffer row per
    segment of equal (buffer, delay), for the synapses onto the units of part t."""
    seg_ptr, seg_buf, seg_delay, seg_lo = static.seg_ptr[t], static.seg_buf, static.seg_delay, \
        static.seg_lo  # fmt: skip
    post, w, dense = static.post, static.w, static.seg_dense
    L = ring.shape[1]
    for q in range(n_fired):
        i = fired[q]
        for g in range(seg_ptr[i], seg_ptr[i + 1]):
            target = ring[seg_buf[g], (n + seg_delay[g]) % L]
            lo, hi = seg_lo[g], seg_lo[g + 1]
            # (unsigned indices: no wraparound code in the innermost loop of delivery)
            if dense[g]:  # onto consecutive units (all-to-all): a contiguous add that vectorises
                base = uint64(post[lo])
                for k in range(hi - lo):
                    s = uint64(lo + k)
                    target[base + uint64(k)] += w[s]
            else:
                for k in range(hi - lo):
                    s = uint64(lo + k)
                    target[uint64(post[s])] += w[s]
