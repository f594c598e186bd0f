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
    ADV_DIVERGED,
    ADV_QUIET,
    ADV_SPIKE,
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
    UPDATE_ALL,
    UPDATE_ARRIVE,
    UPDATE_INTEGRATE,
)
from spiker.kernels.plasticity import (
    S_SD,
    S_W,
    apply_modulation,
    remember_spikes,
    stdp_apply_deferred,
    stdp_arrivals,
    stdp_post_spikes,
)


@kernel
def run_steps(
    n_start, n_steps, dt, neurons, inputs, static, static0, syn, plastic, mod, rec, scratch
):
    """Advance the network from step ``n_start`` by up to ``n_steps`` steps.

    ``static`` holds the static synapses with delays of one step or more, ``static0`` those of
    zero delay; ``plastic`` is None when there are no plastic synapses (their code is then not
    compiled), ``mod`` (neuromodulators) likewise. Returns the number of steps completed;
    ``scratch.info[0]`` is a STATUS_* code.
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
        _record_state(n, at_start, neurons, syn, plastic, mod, rec)
        if plastic is not None:
            stdp_arrivals(n, dt, plastic, syn.ring, np.int64(1), n)
        # 2.-6. input, integration, threshold, (arrivals, reset): one pass per unit
        row = n - n_start + inputs.var_row0
        if inputs.pin_col.shape[0] > 0:
            _poisson_inputs(n, row, inputs, syn.ring)
        n_fired = _update_units(n, row, dt, neurons, inputs, syn, scratch, first_pass)
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
            _update_units(n, row, dt, neurons, inputs, syn, scratch, second_pass)
        _record_state(n, after_input, neurons, syn, plastic, mod, rec)
        # 7. record spikes
        _record_spikes(n, k, fired, n_fired, rec)
        # 8. propagate
        _propagate(n, fired, n_fired, static, syn.ring)
        # 9. plasticity. Neuromodulation first (issue 13: concentrations decay, modulated
        #    weights move, releases of step n), then potentiation and deferred (spnet) updates
        if mod is not None:
            apply_modulation(n, row, fired, n_fired, plastic, mod)
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
    """The weight of plastic state row p (the group is None without plastic synapses)."""
    if plastic is None:
        return 0.0
    return plastic.ps[p, S_W]


@inline
def _eligibility(plastic, p):
    """The eligibility trace (or deferred change) of plastic state row p."""
    if plastic is None:
        return 0.0
    return plastic.ps[p, S_SD]


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
def _input_current(i, row, I_const, I_var, pulse, I_syn):
    """External input of unit i in this step (consuming its "pulse" input), and the total with
    the synaptic currents: ``((I_const + I_var) + pulse) + I_syn[0] + ...``."""
    ext = I_const[i]
    if I_var.shape[0] > 0:
        ext += I_var[row, i]
    ext += pulse[i]
    pulse[i] = 0.0
    cur = ext
    for ch in range(I_syn.shape[0]):
        cur += I_syn[ch, i]
    return ext, cur


@inline_ir
def _drop_input(i, slot, ring):
    for b in range(ring.shape[0]):
        ring[b, slot, i] = 0.0


@phase
def _update_units(n, row, dt, neurons, inputs, syn, scratch, mode):
    """Phases 2-6, one unit at a time (each touches only its own state).

    ``mode`` UPDATE_ALL (no zero-delay synapses): input current, integration, synaptic decay,
    threshold, arrivals of "jump" and "exponential" input, reset, in one pass. With zero-delay
    synapses the pass is cut in two around their propagation: UPDATE_INTEGRATE (up to the
    threshold; ``scratch.spiked`` marks the units that spiked), then UPDATE_ARRIVE (arrivals,
    and the reset of the marked units). The slot's input is cleared as it is consumed. Returns
    the number of units that spiked (listed in ``scratch.fired``), or -1 on divergence.
    """
    ring, I_syn, decay, tau = syn.ring, syn.I_syn, syn.decay, syn.tau
    slot = n % ring.shape[1]
    pulse = ring[BUF_PULSE, slot]
    jump = ring[BUF_JUMP, slot]
    family, method, x, p, I = neurons.family, neurons.method, neurons.x, neurons.p, neurons.I
    on_izh, on_i07, on_lif = neurons.present
    I_const, I_var = inputs.I_const, inputs.I_var
    fired, spiked, info = scratch.fired, scratch.spiked, scratch.info
    integrate = mode != UPDATE_ARRIVE
    arrive = mode != UPDATE_INTEGRATE
    n_fired = 0
    for i in range(x.shape[1]):
        fam = family[i]
        if fam == FAMILY_SOURCE:  # input reaching a spike source is dropped
            _drop_input(i, slot, ring)
            continue
        if integrate:
            ext, cur = _input_current(i, row, I_const, I_var, pulse, I_syn)
            I[i] = cur
            adv = families.advance(fam, method[i], x, p, i, ext, cur, n, dt, I_syn, decay, tau,
                                   on_izh, on_i07, on_lif)  # fmt: skip
            if adv == ADV_DIVERGED:
                info[0] = STATUS_DIVERGED
                info[1] = i
                info[2] = n
                return -1
            for ch in range(I_syn.shape[0]):
                I_syn[ch, i] *= decay[ch]
            if adv == ADV_SPIKE:
                fired[n_fired] = i
                n_fired += 1
                spiked[i] = not arrive
        else:
            adv = ADV_SPIKE if spiked[i] else ADV_QUIET
            spiked[i] = False
        if arrive:
            for ch in range(I_syn.shape[0]):
                w = ring[BUF_EXP0 + ch, slot, i]
                if w != 0.0:
                    I_syn[ch, i] += w
                    ring[BUF_EXP0 + ch, slot, i] = 0.0
            w = jump[i]
            if w != 0.0:
                families.arrive_jump(fam, x, p, i, n, w, on_izh, on_i07, on_lif)
                jump[i] = 0.0
            if adv == ADV_SPIKE:
                families.reset(fam, x, p, i, n, on_izh, on_i07, on_lif)
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
