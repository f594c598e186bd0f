"""The step loop: advances the whole network over a chunk of steps in one call.

``run_steps`` implements the schedule documented in :meth:`spiker.Network.run`. Every array is
indexed by the *global* index: all groups of a network (neuron populations and spike sources) laid
end to end. Spike sources have ``method == METHOD_NONE`` and are skipped by the integrator; their
spikes come in as external events ``(ext_step, ext_idx)``.

Ring buffers ``ring[buf, step % L, target]`` hold input due at a future step: buffer 0 is the
``"pulse"`` kind (added to I during the arrival step), 1 the ``"jump"`` kind (added to v at
arrival), 2 + k the ``"exponential"`` kind feeding synaptic-current channel k.

Static synapses are a CSR by presynaptic global index whose rows are cut into segments of equal
(buffer, delay): segments ``seg_ptr[i] .. seg_ptr[i+1]-1`` of unit i cover synapses
``seg_lo[g] .. seg_lo[g+1]-1``, all written into one row of the ring buffer.
"""

import numpy as np
from numba import njit

from spiker.kernels.neurons import (
    METHOD_EULER,
    METHOD_IZHIKEVICH,
    METHOD_NONE,
    METHOD_SPNET,
    step_euler,
    step_izhikevich,
    step_rk4,
    step_spnet,
)
from spiker.kernels.plasticity import stdp_apply_deferred, stdp_post_spikes, stdp_pre_arrivals

STATUS_OK = 0
STATUS_SPIKES_FULL = 1  # the spike buffer cannot take another step's spikes: grow it and call again
STATUS_DIVERGED = 2  # v became NaN or u non-finite: info[1] = neuron, info[2] = step

BUF_PULSE = 0
BUF_JUMP = 1
BUF_EXP0 = 2


@njit(cache=True)
def run_steps(
    n_start,
    n_steps,
    dt,
    # neurons, shape (N,)
    v,
    u,
    I,
    a,
    b,
    c,
    d,
    v_peak,
    k2,
    k1,
    k0,
    method,
    substeps,
    recovery,
    strict,
    # external input
    I_const,
    I_var,
    var_row0,
    ext_step,
    ext_idx,
    # synapses, CSR by presynaptic global index
    seg_ptr,
    seg_buf,
    seg_delay,
    seg_lo,
    syn_post,
    syn_w,
    ring,
    I_syn,
    syn_decay,
    # plastic synapses (see kernels/plasticity.py) and the spike history they read
    hist,
    hist_n,
    pptr,
    ppost,
    pdelay,
    pbuf,
    prow,
    ps,
    qptr,
    rf,
    ri,
    dec,
    # spike recording
    spike_mask,
    spk_step,
    spk_idx,
    spk_count,
    # state recording
    mon_var,
    mon_every,
    mon_base,
    mon_rows,
    mon_ptr,
    mon_idx,
    mon_out,
    # population-rate recording
    rate_lo,
    rate_hi,
    rate_out,
    rate_col0,
    # scratch and status
    fired,
    info,
):
    """Advance the network from step ``n_start`` by up to ``n_steps`` steps.

    Returns the number of steps completed; ``info[0]`` is a STATUS_* code. Stops early (with the
    state consistent at a step boundary) when the spike buffer could overflow or a state diverges.
    ``I_var`` holds the time-varying current for steps ``n_start - var_row0 ...`` (row
    ``n - n_start + var_row0``), or has zero rows when there is none.
    """
    N = v.shape[0]
    L = ring.shape[1]
    n_ch = I_syn.shape[0]
    n_mon = mon_var.shape[0]
    n_rate = rate_lo.shape[0]
    cap = spk_step.shape[0]
    n_maskd = 0
    for i in range(N):
        if spike_mask[i]:
            n_maskd += 1
    has_var = I_var.shape[0] > 0
    plastic = ps.shape[0] > 0
    H = hist.shape[0]
    # first external event at or after n_start
    p = np.searchsorted(ext_step, n_start)
    info[0] = STATUS_OK
    for k in range(n_steps):
        n = n_start + k
        if spk_count[0] + n_maskd > cap:
            info[0] = STATUS_SPIKES_FULL
            return k
        slot = n % L
        # 1. record v, u, I_syn (and plastic weights) at the start of the step (time n*dt)
        for m in range(n_mon):
            if n % mon_every[m] == 0 and mon_var[m] != 2:
                width = mon_ptr[m + 1] - mon_ptr[m]
                base = mon_base[m] + mon_rows[m] * width
                var = mon_var[m]
                for q in range(width):
                    j = mon_idx[mon_ptr[m] + q]
                    if var == 0:
                        value = v[j]
                    elif var == 1:
                        value = u[j]
                    elif var == 3:
                        value = 0.0
                        for ch in range(n_ch):
                            value += I_syn[ch, j]
                    else:
                        value = ps[j, 0]
                    mon_out[base + q] = value
        # plastic synapses deliver at arrival, with the weight they have now, and depress
        if plastic:
            stdp_pre_arrivals(
                n, dt, hist, hist_n, pptr, ppost, pdelay, pbuf, prow, ps, rf, ri, dec, ring
            )  # fmt: skip
        # 2.-6., one neuron at a time (each touches only its own state): input current,
        # integration, synaptic decay, threshold, arrivals of "jump" and "exponential" input,
        # reset. The slot's input is cleared as it is consumed.
        n_fired = 0
        row = n - n_start + var_row0
        pulse = ring[BUF_PULSE, slot]
        jump = ring[BUF_JUMP, slot]
        for i in range(N):
            m_i = method[i]
            if m_i == METHOD_NONE:  # a spike source: input reaching it is dropped
                pulse[i] = 0.0
                jump[i] = 0.0
                for ch in range(n_ch):
                    ring[BUF_EXP0 + ch, slot, i] = 0.0
                continue
            cur = I_const[i]
            if has_var:
                cur += I_var[row, i]
            cur += pulse[i]
            pulse[i] = 0.0
            for ch in range(n_ch):
                cur += I_syn[ch, i]
            I[i] = cur
            if m_i == METHOD_EULER:
                vn, un = step_euler(v[i], u[i], cur, a[i], b[i], k2[i], k1[i], k0[i], dt)
            elif m_i == METHOD_IZHIKEVICH:
                vn, un = step_izhikevich(
                    v[i], u[i], cur, a[i], b[i], k2[i], k1[i], k0[i], dt, substeps[i], recovery[i]
                )
            elif m_i == METHOD_SPNET:
                vn, un = step_spnet(
                    v[i], u[i], cur, a[i], b[i], k2[i], k1[i], k0[i], dt, substeps[i]
                )
            else:
                vn, un = step_rk4(v[i], u[i], cur, a[i], b[i], k2[i], k1[i], k0[i], dt)
            if vn != vn or not np.isfinite(un):
                # NaN in v (inf is a spike: v blew up within the step) or a non-finite u
                v[i] = vn
                u[i] = un
                info[0] = STATUS_DIVERGED
                info[1] = i
                info[2] = n
                return k
            for ch in range(n_ch):
                x = I_syn[ch, i] * syn_decay[ch]
                w = ring[BUF_EXP0 + ch, slot, i]
                if w != 0.0:
                    x += w
                    ring[BUF_EXP0 + ch, slot, i] = 0.0
                I_syn[ch, i] = x
            spiked = vn > v_peak[i] or (vn == v_peak[i] and not strict[i])
            w = jump[i]
            if w != 0.0:
                vn += w
                jump[i] = 0.0
            if spiked:
                vn = c[i]
                un += d[i]
                fired[n_fired] = i
                n_fired += 1
            v[i] = vn
            u[i] = un
        # spikes of sources at this step
        while p < ext_step.shape[0] and ext_step[p] == n:
            fired[n_fired] = ext_idx[p]
            n_fired += 1
            p += 1
        # record the input current of this step
        for m in range(n_mon):
            if n % mon_every[m] == 0:
                if mon_var[m] == 2:
                    width = mon_ptr[m + 1] - mon_ptr[m]
                    base = mon_base[m] + mon_rows[m] * width
                    for q in range(width):
                        mon_out[base + q] = I[mon_idx[mon_ptr[m] + q]]
                mon_rows[m] += 1
        # 7. record spikes, 8. propagate into the ring buffers
        for q in range(n_fired):
            i = fired[q]
            if spike_mask[i]:
                spk_step[spk_count[0]] = n
                spk_idx[spk_count[0]] = i
                spk_count[0] += 1
            for r in range(n_rate):
                if rate_lo[r] <= i < rate_hi[r]:
                    rate_out[r, rate_col0 + k] += 1
            for g in range(seg_ptr[i], seg_ptr[i + 1]):
                row = ring[seg_buf[g], (n + seg_delay[g]) % L]
                for s in range(seg_lo[g], seg_lo[g + 1]):
                    row[syn_post[s]] += syn_w[s]
        # 9. plasticity: potentiation at postsynaptic spikes, deferred updates, spike history
        if plastic:
            stdp_post_spikes(n, dt, fired, n_fired, qptr, ps, rf, ri, dec)
            stdp_apply_deferred(n, ps, rf, ri)
            h = n % H
            for q in range(n_fired):
                hist[h, q] = fired[q]
            hist_n[h] = n_fired
    return n_steps
