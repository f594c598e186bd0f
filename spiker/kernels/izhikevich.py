"""The Izhikevich (2003) family: one-neuron integration steps, one function per method, and the
family's advance (integration and threshold), jump arrival and reset.

The model, with the quadratic's coefficients as parameters (Izhikevich 2003: k2 = 0.04, k1 = 5,
k0 = 140; the 2004 figure uses 4.1 and 108 for two of its features)::

    v' = k2 v^2 + k1 v + k0 - u + I        (mV / ms)
    u' = a (b v - u)

Each function advances one neuron by one step ``dt`` (ms) with the input current ``I`` held constant
and returns the new ``(v, u)``. Threshold and reset are not done here. The floating-point operation
order is part of each method's contract (forward Euler at dt = 0.1 ms is so sensitive that summing
the same terms in another order moves spikes by a step), so it is written out below and must not be
"simplified".
"""

import numpy as np
from numba import uint64

from spiker.kernels._jit import inline, inline_ir

# rows of neurons.x and neurons.p for units of this family
X_V, X_U = 0, 1
STATE = ("v", "u")
P_A, P_B, P_C, P_D, P_V_PEAK, P_K2, P_K1, P_K0, P_SUBSTEPS, P_RECOVERY, P_STRICT = range(11)
PARAMS = ("a", "b", "c", "d", "v_peak", "k2", "k1", "k0", "substeps", "recovery", "strict")

METHOD_EULER = 0
METHOD_IZHIKEVICH = 1
METHOD_RK4 = 2
METHOD_SPNET = 3  # the published scheme in spnet's operation order (method="izhikevich")

METHOD_CODES = {"euler": METHOD_EULER, "izhikevich": METHOD_IZHIKEVICH, "rk4": METHOD_RK4}
N_METHODS = 4  # codes 0 .. 3

RECOVERY_STANDARD = 0  # u' = a (b v - u)
RECOVERY_ACCOMMODATION = 1  # u' = a b (v + 65): Izhikevich 2004, figure 1, feature R
RECOVERY_CODES = {"standard": RECOVERY_STANDARD, "accommodation": RECOVERY_ACCOMMODATION}


@inline_ir
def step_euler(v, u, I, a, b, k2, k1, k0, dt):
    """Forward Euler from the old ``v`` and ``u``, in the order Brian2 generates.

    ``v_new = v + dt*((k0 + ((I + k2*(v*v)) + k1*v)) - u)``
    ``u_new = u + dt*(a*(b*v - u))``  (old v)
    """
    v_new = v + dt * ((k0 + ((I + k2 * (v * v)) + k1 * v)) - u)
    u_new = u + dt * (a * (b * v - u))
    return v_new, u_new


@inline_ir
def step_izhikevich(v, u, I, a, b, k2, k1, k0, dt, substeps, recovery):
    """The published scheme (net.m, spnet, the 2004 figure): v in ``substeps`` Euler sub-steps of
    ``h = dt/substeps``, then u in one step from the new v.

    Order as MATLAB evaluates net.m's ``v=v+0.5*(0.04*v.^2+5*v+140-u+I)``:
    ``v = v + h*((((k2*(v*v)) + k1*v) + k0 - u) + I)``; then ``u = u + (dt*a)*(b*v - u)``, or
    with ``recovery == RECOVERY_ACCOMMODATION`` the 2004 figure's feature R,
    ``u = u + (dt*a)*(b*(v + 65))`` (figure1.m: ``u = u + tau*a*(b*(V+65))``).
    """
    h = dt / substeps
    for _ in range(substeps):
        v = v + h * (((((k2 * (v * v)) + k1 * v) + k0) - u) + I)
    if recovery == RECOVERY_ACCOMMODATION:
        u = u + (dt * a) * (b * (v + 65.0))
    else:
        u = u + (dt * a) * (b * v - u)
    return v, u


@inline_ir
def step_spnet(v, u, I, a, b, k2, k1, k0, dt, substeps):
    """The published scheme in spnet.cpp's operation order:
    ``v += 0.5*((0.04*v+5)*v+140-u+I)``, i.e. ``v = v + h*(((((k2*v) + k1)*v + k0) - u) + I)``
    per sub-step, then ``u = u + (dt*a)*(b*v - u)`` (spnet: ``u += a*(0.2*v-u)`` at dt = 1).
    """
    h = dt / substeps
    for _ in range(substeps):
        v = v + h * ((((((k2 * v) + k1) * v) + k0) - u) + I)
    u = u + (dt * a) * (b * v - u)
    return v, u


@inline_ir
def _dv(v, u, I, k2, k1, k0):
    return (k0 + ((I + k2 * (v * v)) + k1 * v)) - u


@inline_ir
def step_rk4(v, u, I, a, b, k2, k1, k0, dt):
    """Classical fourth-order Runge-Kutta on (v, u) with I held over the step.

    Near a spike v' grows like v^2 and a stage can overflow; a non-finite result is returned as
    ``v = +inf`` (a spike) with ``u`` advanced by forward Euler from the old values, so the reset
    stays finite.
    """
    kv1 = _dv(v, u, I, k2, k1, k0)
    ku1 = a * (b * v - u)
    v2 = v + 0.5 * dt * kv1
    u2 = u + 0.5 * dt * ku1
    kv2 = _dv(v2, u2, I, k2, k1, k0)
    ku2 = a * (b * v2 - u2)
    v3 = v + 0.5 * dt * kv2
    u3 = u + 0.5 * dt * ku2
    kv3 = _dv(v3, u3, I, k2, k1, k0)
    ku3 = a * (b * v3 - u3)
    v4 = v + dt * kv3
    u4 = u + dt * ku3
    kv4 = _dv(v4, u4, I, k2, k1, k0)
    ku4 = a * (b * v4 - u4)
    v_new = v + (dt / 6.0) * (kv1 + 2.0 * kv2 + 2.0 * kv3 + kv4)
    u_new = u + (dt / 6.0) * (ku1 + 2.0 * ku2 + 2.0 * ku3 + ku4)
    if not (np.isfinite(v_new) and np.isfinite(u_new)):
        return np.inf, u + dt * (a * (b * v - u))
    return v_new, u_new


@inline_ir
def _spikes(vn, v_peak, strict):
    """The threshold: v >= v_peak, or v > v_peak when ``strict`` (branch-free)."""
    return (vn > v_peak) | ((vn == v_peak) & (strict == 0.0))


@inline_ir
def _bad(vn, un):
    """NaN in v, or a non-finite u (an infinite v is a spike: v blew up within the step)."""
    return (vn != vn) | (un - un != 0.0)


@inline
def integrate(method, lo, hi, x, p, I, dt, spk, on_euler, on_published, on_rk4, on_spnet):
    """Integrate units lo .. hi-1 (one population: one method, substeps and recovery rule) over
    one step with input currents ``I``; mark in ``spk`` those that reach the threshold. Returns
    whether any diverged. Each method's loop is branch-free, so that it vectorises; ``on_*`` is
    None for a method the network does not use (its loop is then not compiled)."""
    if on_euler is not None:
        if method == METHOD_EULER:
            return _integrate_euler(lo, hi, x, p, I, dt, spk)
    if on_rk4 is not None:
        if method == METHOD_RK4:
            return _integrate_rk4(lo, hi, x, p, I, dt, spk)
    if on_spnet is not None:
        if method == METHOD_SPNET:
            return _integrate_spnet(lo, hi, x, p, I, dt, spk, int(p[P_SUBSTEPS, lo]))
    if on_published is not None:
        if method == METHOD_IZHIKEVICH:
            accommodation = int(p[P_RECOVERY, lo]) == RECOVERY_ACCOMMODATION
            return _integrate_published(lo, hi, x, p, I, dt, spk, int(p[P_SUBSTEPS, lo]),
                                        accommodation)  # fmt: skip
    return False


@inline_ir
def _integrate_euler(lo, hi, x, p, I, dt, spk):
    bad = False
    for k in range(hi - lo):
        i = uint64(lo + k)
        vn, un = step_euler(x[X_V, i], x[X_U, i], I[i], p[P_A, i], p[P_B, i], p[P_K2, i],
                            p[P_K1, i], p[P_K0, i], dt)  # fmt: skip
        x[X_V, i] = vn
        x[X_U, i] = un
        bad |= _bad(vn, un)
        spk[i] = _spikes(vn, p[P_V_PEAK, i], p[P_STRICT, i])
    return bad


@inline_ir
def _integrate_rk4(lo, hi, x, p, I, dt, spk):
    bad = False
    for k in range(hi - lo):
        i = uint64(lo + k)
        vn, un = step_rk4(x[X_V, i], x[X_U, i], I[i], p[P_A, i], p[P_B, i], p[P_K2, i],
                          p[P_K1, i], p[P_K0, i], dt)  # fmt: skip
        x[X_V, i] = vn
        x[X_U, i] = un
        bad |= _bad(vn, un)
        spk[i] = _spikes(vn, p[P_V_PEAK, i], p[P_STRICT, i])
    return bad


@inline_ir
def _integrate_spnet(lo, hi, x, p, I, dt, spk, substeps):
    if substeps != 2:
        return _integrate_spnet_any(lo, hi, x, p, I, dt, spk, substeps)
    bad = False
    h = dt / 2
    for k in range(hi - lo):
        i = uint64(lo + k)
        v, u, cur = x[X_V, i], x[X_U, i], I[i]
        k2, k1, k0 = p[P_K2, i], p[P_K1, i], p[P_K0, i]
        v = v + h * ((((((k2 * v) + k1) * v) + k0) - u) + cur)
        v = v + h * ((((((k2 * v) + k1) * v) + k0) - u) + cur)
        u = u + (dt * p[P_A, i]) * (p[P_B, i] * v - u)
        x[X_V, i] = v
        x[X_U, i] = u
        bad |= _bad(v, u)
        spk[i] = _spikes(v, p[P_V_PEAK, i], p[P_STRICT, i])
    return bad


@inline_ir
def _integrate_spnet_any(lo, hi, x, p, I, dt, spk, substeps):
    bad = False
    for k in range(hi - lo):
        i = uint64(lo + k)
        vn, un = step_spnet(x[X_V, i], x[X_U, i], I[i], p[P_A, i], p[P_B, i], p[P_K2, i],
                            p[P_K1, i], p[P_K0, i], dt, substeps)  # fmt: skip
        x[X_V, i] = vn
        x[X_U, i] = un
        bad |= _bad(vn, un)
        spk[i] = _spikes(vn, p[P_V_PEAK, i], p[P_STRICT, i])
    return bad


@inline_ir
def _integrate_published(lo, hi, x, p, I, dt, spk, substeps, accommodation):
    bad = False
    h = dt / substeps
    two = substeps == 2
    for k in range(hi - lo):
        i = uint64(lo + k)
        v, u, cur = x[X_V, i], x[X_U, i], I[i]
        k2, k1, k0 = p[P_K2, i], p[P_K1, i], p[P_K0, i]
        if two:  # net.m's two half steps, unrolled
            v = v + h * (((((k2 * (v * v)) + k1 * v) + k0) - u) + cur)
            v = v + h * (((((k2 * (v * v)) + k1 * v) + k0) - u) + cur)
        else:
            for _ in range(substeps):
                v = v + h * (((((k2 * (v * v)) + k1 * v) + k0) - u) + cur)
        if accommodation:
            u = u + (dt * p[P_A, i]) * (p[P_B, i] * (v + 65.0))
        else:
            u = u + (dt * p[P_A, i]) * (p[P_B, i] * v - u)
        x[X_V, i] = v
        x[X_U, i] = u
        bad |= _bad(v, u)
        spk[i] = _spikes(v, p[P_V_PEAK, i], p[P_STRICT, i])
    return bad


@inline
def arrive_jumps(lo, hi, x, p, jump, n):
    """ "jump" input due now: v += w for units lo .. hi-1, clearing it."""
    for k in range(hi - lo):
        i = uint64(lo + k)
        x[X_V, i] += jump[i]
        jump[i] = 0.0


@inline
def reset(x, p, i, n):
    """After a spike: v = c, u += d."""
    x[X_V, i] = p[P_C, i]
    x[X_U, i] += p[P_D, i]


@inline
def diverged(x, i):
    return _bad(x[X_V, i], x[X_U, i])
