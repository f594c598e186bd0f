"""The leaky integrate-and-fire family (current based): integration, threshold, jump, reset.

Model (v in mV, t in ms; I in units such that R*I is in mV)::

    tau_m v' = (v_rest - v) + R*(I_ext + sum_k I_syn_k),     I_syn_k' = -I_syn_k / tau_k
    if v > v_th (or >=): v = v_reset; refractory for ``ref_steps`` steps

Methods: ``"exact"`` integrates the membrane together with its exponentially decaying synaptic
currents over the step (the coupled linear system, as Brian2's ``exact`` does for CUBA's v, ge,
gi), with the external input held::

    v_inf = v_rest + R*I_ext
    v(t+dt) = v_inf + (v - v_inf)*E + sum_k (R*I_syn_k)*K_k,    E = exp(-dt/tau_m),
    K_k = (tau_k/(tau_k - tau_m))*(D_k - E),   D_k = exp(-dt/tau_k)   ((dt/tau_m)*E if equal)

``"euler"``: ``v + dt*(((v_rest - v) + R*I)/tau_m)`` with the total input I.

Refractoriness follows Brian2's ``(unless refractory)``: a unit that spiked at step s is not
integrated, cannot spike and drops "jump" input while ``n - s < ref_steps``; ``ref_steps`` is
Brian2's ``timestep(refractory, dt)``, so a period of one step changes nothing. The state row
``X_LAST`` holds s (-inf before the first spike).
"""

from numba import uint64

from spiker.kernels._jit import inline, inline_ir

# rows of neurons.x and neurons.p for units of this family
X_V, X_LAST = 0, 1
STATE = ("v",)  # recordable; X_LAST is internal
P_TAU_M, P_V_REST, P_V_RESET, P_V_TH, P_R, P_REF_STEPS, P_STRICT, P_E = range(8)
PARAMS = ("tau_m", "v_rest", "v_reset", "v_th", "R", "ref_steps", "strict", "E")

METHOD_EULER = 0
METHOD_EXACT = 1
METHOD_CODES = {"euler": METHOD_EULER, "exact": METHOD_EXACT}
N_METHODS = 2


@inline_ir
def _refractory(x, p, i, n):
    return n - x[X_LAST, i] < p[P_REF_STEPS, i]


@inline_ir
def exact_weight(tau_k, decay_k, tau_m, E, dt):
    """K_k: the voltage a unit synaptic current of channel k adds over one step (per R)."""
    if tau_k == tau_m:
        return (dt / tau_m) * E
    return (tau_k / (tau_k - tau_m)) * (decay_k - E)


@inline
def prepare(method, lo, hi, p, dt, syn_decay, syn_tau, K, on_exact):
    """Before a run's steps: ``K[c, i]``, the exact method's factor of channel c's current
    (:func:`exact_weight`) for units lo .. hi-1, so that no step divides (tau_m may have
    changed since the last call)."""
    if on_exact is not None:
        if method == METHOD_EXACT:
            for c in range(K.shape[0]):
                for k in range(hi - lo):
                    i = uint64(lo + k)
                    K[c, i] = exact_weight(syn_tau[c], syn_decay[c], p[P_TAU_M, i], p[P_E, i], dt)


@inline
def integrate(method, lo, hi, x, p, I_ext, I, n, dt, I_syn, K, spk, on_euler, on_exact):
    """Integrate units lo .. hi-1 (one population) over step n unless refractory, and mark in
    ``spk`` those that pass the threshold; returns whether any diverged (v not finite)."""
    if on_exact is not None:
        if method == METHOD_EXACT:
            return _integrate(lo, hi, x, p, I_ext, I, n, dt, I_syn, K, spk, True)
    if on_euler is not None:
        if method == METHOD_EULER:
            return _integrate(lo, hi, x, p, I_ext, I, n, dt, I_syn, K, spk, False)
    return False


@inline_ir
def _integrate(lo, hi, x, p, I_ext, I, n, dt, I_syn, K, spk, exact):
    bad = False
    n_channels = I_syn.shape[0]
    for k in range(hi - lo):
        i = uint64(lo + k)
        v = x[X_V, i]
        tau_m, R = p[P_TAU_M, i], p[P_R, i]
        if exact:
            E = p[P_E, i]
            v_inf = p[P_V_REST, i] + R * I_ext[i]
            vn = v_inf + (v - v_inf) * E
            # channel by channel in order; one and two channels spelt out (the loop over a
            # run-time count kept the unit loop from vectorising: 4.3 against 1.2 ns a unit)
            if n_channels == 1:
                vn = vn + (R * I_syn[0, i]) * K[0, i]
            elif n_channels == 2:
                vn = vn + (R * I_syn[0, i]) * K[0, i]
                vn = vn + (R * I_syn[1, i]) * K[1, i]
            elif n_channels > 2:
                for c in range(n_channels):
                    vn = vn + (R * I_syn[c, i]) * K[c, i]
        else:
            vn = v + dt * (((p[P_V_REST, i] - v) + R * I[i]) / tau_m)
        held = _refractory(x, p, i, n)
        vn = v if held else vn
        x[X_V, i] = vn
        bad |= vn - vn != 0.0
        v_th = p[P_V_TH, i]
        spk[i] = (not held) & ((vn > v_th) | ((vn == v_th) & (p[P_STRICT, i] == 0.0)))
    return bad


@inline
def arrive_jumps(lo, hi, x, p, jump, n):
    """ "jump" input due now: v += w for units lo .. hi-1, dropped while refractory (Brian2's
    conditional write), clearing it."""
    for k in range(hi - lo):
        i = uint64(lo + k)
        w = jump[i]  # read unconditionally: a select, not a branch (the loop vectorises)
        x[X_V, i] += 0.0 if _refractory(x, p, i, n) else w
        jump[i] = 0.0


@inline
def reset(x, p, i, n):
    """After a spike: v = v_reset; refractory from step n."""
    x[X_V, i] = p[P_V_RESET, i]
    x[X_LAST, i] = n


@inline
def diverged(x, i):
    return x[X_V, i] - x[X_V, i] != 0.0
