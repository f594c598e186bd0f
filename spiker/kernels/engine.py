"""The step loop: advances the whole network over a chunk of steps in one call.

``run_steps`` is the schedule documented in :meth:`spiker.Network.run`, one small helper per
phase. Its arguments are the named groups of kernels/layout.py. A unit's family
(kernels/families.py) integrates it and decides its threshold and reset; spike sources
(``FAMILY_SOURCE``) are skipped, and their spikes come in as events ``(ext_step, ext_idx)``.
"""

import numpy as np

from spiker.kernels import families
from spiker.kernels._jit import inline, inline_ir, kernel, phase
from spiker.kernels.layout import (
    BUF_EXP0,
    BUF_JUMP,
    BUF_PULSE,
    FAMILY_SOURCE,
    REC_I,
    REC_I_SYN,
    REC_WEIGHT,
    STATUS_DIVERGED,
    STATUS_OK,
    STATUS_SPIKES_FULL,
    UPDATE_ALL,
    UPDATE_ARRIVE,
    UPDATE_INTEGRATE,
)
from spiker.kernels.plasticity import (
    remember_spikes,
    stdp_apply_deferred,
    stdp_arrivals,
    stdp_post_spikes,
)


@kernel
def run_steps(n_start, n_steps, dt, neurons, inputs, static, static0, syn, plastic, rec, scratch):
    """Advance the network from step ``n_start`` by up to ``n_steps`` steps.

    ``static`` holds the static synapses with delays of one step or more, ``static0`` those of
    zero delay; ``plastic`` is None when there are no plastic synapses (their code is then not
    compiled). Returns the number of steps completed; ``scratch.info[0]`` is a STATUS_* code.
    Stops early, with the state consistent at a step boundary, when the spike buffer could
    overflow or a state diverges.
    """
    fired, info = scratch.fired, scratch.info
    n_masked = _count(rec.spike_mask)
    zero_delay = static0.seg_ptr[-1] > 0
    if plastic is not None:  # None without plastic synapses: numba prunes their code
        zero_delay = zero_delay or plastic.zero
    # constants handed to other kernels are int64 variables: a literal would compile a second
    # specialisation of the callee
    first_pass = UPDATE_INTEGRATE if zero_delay else UPDATE_ALL
    second_pass, at_start, after_input = np.int64(UPDATE_ARRIVE), np.int64(0), np.int64(1)
    ext_step, ext_idx = inputs.ext_step, inputs.ext_idx
    ext = 0  # next spike-source event
    while ext < ext_step.shape[0] and ext_step[ext] < n_start:
        ext += 1
    info[0] = STATUS_OK
    for k in range(n_steps):
        n = n_start + k
        if rec.spk_count[0] + n_masked > rec.spk_step.shape[0]:
            info[0] = STATUS_SPIKES_FULL
            return k
        # 1. record state at n*dt; plastic spikes that arrive now are delivered and depress
        _record_state(n, at_start, neurons, syn, plastic, rec)
        if plastic is not None:
            stdp_arrivals(n, dt, plastic, syn.ring, np.int64(1), n)
        # 2.-6. input, integration, threshold, (arrivals, reset): one pass per unit
        row = n - n_start + inputs.var_row0
        if inputs.pin_col.shape[0] > 0:
            _poisson_inputs(n, row, inputs, syn.ring)
        n_fired = _update_units(n, row, dt, neurons, inputs, syn, scratch, first_pass, at_start)
        if n_fired < 0:
            return k
        # 4. spike sources emit their spikes of step n
        while ext < ext_step.shape[0] and ext_step[ext] == n:
            fired[n_fired] = ext_idx[ext]
            n_fired += 1
            ext += 1
        if plastic is not None:
            remember_spikes(n, fired, n_fired, plastic)
        if zero_delay:  # zero-delay spikes arrive, then 5. arrivals and 6. reset
            _propagate(n, fired, n_fired, static0, syn.ring)
            if plastic is not None:
                stdp_arrivals(n, dt, plastic, syn.ring, at_start, at_start)
            _update_units(n, row, dt, neurons, inputs, syn, scratch, second_pass, n_fired)
        _record_state(n, after_input, neurons, syn, plastic, rec)
        # 7. record spikes
        _record_spikes(n, k, fired, n_fired, rec)
        # 8. propagate
        _propagate(n, fired, n_fired, static, syn.ring)
        # 9. plasticity
        if plastic is not None:
            stdp_post_spikes(n, dt, fired, n_fired, plastic)
            stdp_apply_deferred(n, plastic)
    return n_steps


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


@phase
def _record_state(n, phase, neurons, syn, plastic, rec):
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
            else:
                value = 0.0
            mon_out[base + q] = value


@inline_ir
def _currents(row, I_const, I_var, pulse, I_syn, ext, I):
    """Phase 2 for every unit: the external input ``ext = (I_const + I_var) + pulse`` (the
    "pulse" input due now is consumed) and the total ``I = ext + I_syn[0] + I_syn[1] ...``, in
    that order (the order of Brian2's rebuild)."""
    N = ext.shape[0]
    if I_var.shape[0] > 0:
        for i in range(N):
            ext[i] = (I_const[i] + I_var[row, i]) + pulse[i]
    else:
        for i in range(N):
            ext[i] = I_const[i] + pulse[i]
    for i in range(N):
        pulse[i] = 0.0
        I[i] = ext[i]
    for c in range(I_syn.shape[0]):
        for i in range(N):
            I[i] += I_syn[c, i]


@phase
def _update_units(n, row, dt, neurons, inputs, syn, scratch, mode, n_fired):
    """Phases 2-6 for every unit, population by population (each population's loop vectorises).

    ``mode`` UPDATE_ALL (no zero-delay synapses): input current, integration, threshold,
    synaptic decay, arrivals of "jump" and "exponential" input, reset. With zero-delay synapses
    the update is cut in two around their propagation: UPDATE_INTEGRATE (up to the threshold;
    ``scratch.spiked`` marks the units that spiked), then UPDATE_ARRIVE (arrivals, and the reset
    of the marked units among the ``n_fired`` of ``scratch.fired``). The slot's input is cleared
    as it is consumed; input that reaches a spike source is dropped. Returns the number of units
    that spiked (listed in ``scratch.fired``), or -1 on divergence.
    """
    ring, I_syn, decay, tau = syn.ring, syn.I_syn, syn.decay, syn.tau
    slot = n % ring.shape[1]
    pulse, jump = ring[BUF_PULSE, slot], ring[BUF_JUMP, slot]
    family, x, p, I = neurons.family, neurons.x, neurons.p, neurons.I
    r_lo, r_hi, r_family, r_method = neurons.r_lo, neurons.r_hi, neurons.r_family, neurons.r_method
    on_izh, on_i07, on_lif = neurons.present
    fired, spk, ext, info = scratch.fired, scratch.spiked, scratch.ext, scratch.info
    N = x.shape[1]
    n_ch = I_syn.shape[0]
    if mode != UPDATE_ARRIVE:
        _currents(row, inputs.I_const, inputs.I_var, pulse, I_syn, ext, I)
        bad = False
        for r in range(r_lo.shape[0]):
            if r_family[r] != FAMILY_SOURCE:
                bad |= families.integrate(r_family[r], r_method[r], r_lo[r], r_hi[r], x, p, ext,
                                          I, n, dt, I_syn, decay, tau, spk, on_izh, on_i07,
                                          on_lif)  # fmt: skip
        if bad:
            for i in range(N):
                if family[i] != FAMILY_SOURCE and families.diverged(
                    family[i], x, i, on_izh, on_i07, on_lif
                ):
                    info[0] = STATUS_DIVERGED
                    info[1] = i
                    info[2] = n
                    return -1
        fused = mode == UPDATE_ALL
        for c in range(n_ch):  # exponential currents decay (and, fused, take their input)
            d, current, due = decay[c], I_syn[c], ring[BUF_EXP0 + c, slot]
            if fused:
                for i in range(N):
                    current[i] = current[i] * d + due[i]
                    due[i] = 0.0
            else:
                for i in range(N):
                    current[i] *= d
        n_fired = 0
        for i in range(N):
            if spk[i]:
                fired[n_fired] = i
                n_fired += 1
                spk[i] = not fused
        if not fused:
            return n_fired
    else:
        for c in range(n_ch):
            current, due = I_syn[c], ring[BUF_EXP0 + c, slot]
            for i in range(N):
                current[i] += due[i]
                due[i] = 0.0
    # 5. "jump" arrivals, population by population; 6. resets
    for r in range(r_lo.shape[0]):
        if r_family[r] == FAMILY_SOURCE:
            for i in range(r_lo[r], r_hi[r]):
                jump[i] = 0.0
                for c in range(n_ch):
                    I_syn[c, i] = 0.0
        else:
            families.arrive_jumps(r_family[r], r_lo[r], r_hi[r], x, p, jump, n, on_izh, on_i07,
                                  on_lif)  # fmt: skip
    for q in range(n_fired):
        i = fired[q]
        if family[i] != FAMILY_SOURCE:
            families.reset(family[i], x, p, i, n, on_izh, on_i07, on_lif)
            spk[i] = False
    return n_fired


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
def _propagate(n, fired, n_fired, static, ring):
    """Each spike of step n is scheduled to arrive at step n + delay: one ring-buffer row per
    segment of equal (buffer, delay)."""
    seg_ptr, seg_buf, seg_delay, seg_lo = (
        static.seg_ptr,
        static.seg_buf,
        static.seg_delay,
        static.seg_lo,
    )
    post, w = static.post, static.w
    L = ring.shape[1]
    for q in range(n_fired):
        i = fired[q]
        for g in range(seg_ptr[i], seg_ptr[i + 1]):
            target = ring[seg_buf[g], (n + seg_delay[g]) % L]
            for s in range(seg_lo[g], seg_lo[g + 1]):
                target[post[s]] += w[s]
