"""The Izhikevich (2007) family, the "simple model" of *Dynamical Systems in Neuroscience*
(chapter 8): integration, threshold, jump arrival and reset.

Model (v in mV, t in ms, C in pF, k in nS/mV, I and u in pA)::

    C v' = k (v - v_r)(v - v_t) - u + I,     u' = a (b (v - v_r) - u)
    if v >= v_peak: v = c, u += d

Methods: ``"euler"``, the book's own listing (forward Euler from the old v and u), in MATLAB's
operation order ``v + tau*(k*(v-vr)*(v-vt)-u+I)/C`` and ``u + tau*a*(b*(v-vr)-u)``;
``"rk4"``, classical Runge-Kutta with I held over the step.
"""

import numpy as np
from numba import uint64

from spiker.kernels._jit import inline, inline_ir

# rows of neurons.x and neurons.p for units of this family
X_V, X_U = 0, 1
STATE = ("v", "u")
P_C_M, P_K, P_V_R, P_V_T, P_V_PEAK, P_A, P_B, P_C, P_D = range(9)
PARAMS = ("C", "k", "v_r", "v_t", "v_peak", "a", "b", "c", "d")

METHOD_EULER = 0
METHOD_RK4 = 1
METHOD_CODES = {"euler": METHOD_EULER, "rk4": METHOD_RK4}
N_METHODS = 2


@inline_ir
def step_euler(v, u, I, C, k, vr, vt, a, b, dt):
    """The book's listing: ``v + (dt*((((k*(v - vr))*(v - vt)) - u) + I))/C``, then
    ``u + (dt*a)*(b*(v - vr) - u)`` from the old v and u."""
    vn = v + (dt * ((((k * (v - vr)) * (v - vt)) - u) + I)) / C
    un = u + (dt * a) * (b * (v - vr) - u)
    return vn, un


@inline_ir
def _dv(v, u, I, C, k, vr, vt):
    return ((((k * (v - vr)) * (v - vt)) - u) + I) / C


@inline_ir
def step_rk4(v, u, I, C, k, vr, vt, a, b, dt):
    """Classical Runge-Kutta on (v, u); a non-finite result is a spike (``v = +inf``) with u
    advanced by forward Euler, as for the 2003 family."""
    kv1 = _dv(v, u, I, C, k, vr, vt)
    ku1 = a * (b * (v - vr) - u)
    v2 = v + 0.5 * dt * kv1
    u2 = u + 0.5 * dt * ku1
    kv2 = _dv(v2, u2, I, C, k, vr, vt)
    ku2 = a * (b * (v2 - vr) - u2)
    v3 = v + 0.5 * dt * kv2
    u3 = u + 0.5 * dt * ku2
    kv3 = _dv(v3, u3, I, C, k, vr, vt)
    ku3 = a * (b * (v3 - vr) - u3)
    v4 = v + dt * kv3
    u4 = u + dt * ku3
    kv4 = _dv(v4, u4, I, C, k, vr, vt)
    ku4 = a * (b * (v4 - vr) - u4)
    vn = v + (dt / 6.0) * (kv1 + 2.0 * kv2 + 2.0 * kv3 + kv4)
    un = u + (dt / 6.0) * (ku1 + 2.0 * ku2 + 2.0 * ku3 + ku4)
    if not (np.isfinite(vn) and np.isfinite(un)):
        return np.inf, u + dt * (a * (b * (v - vr) - u))
    return vn, un


@inline
def integrate(method, lo, hi, x, p, I, dt, spk, on_euler, on_rk4):
    """Integrate units lo .. hi-1 (one population) over one step; mark in ``spk`` those that
    reach v >= v_peak; returns whether any diverged (NaN in v or a non-finite u)."""
    if on_euler is not None:
        if method == METHOD_EULER:
            return _integrate(lo, hi, x, p, I, dt, spk, False)
    if on_rk4 is not None:
        if method == METHOD_RK4:
            return _integrate(lo, hi, x, p, I, dt, spk, True)
    return False


@inline_ir
def _integrate(lo, hi, x, p, I, dt, spk, rk4):
    bad = False
    for k in range(hi - lo):
        i = uint64(lo + k)
        v, u, cur = x[X_V, i], x[X_U, i], I[i]
        C, kk, vr, vt = p[P_C_M, i], p[P_K, i], p[P_V_R, i], p[P_V_T, i]
        if rk4:
            vn, un = step_rk4(v, u, cur, C, kk, vr, vt, p[P_A, i], p[P_B, i], dt)
        else:
            vn, un = step_euler(v, u, cur, C, kk, vr, vt, p[P_A, i], p[P_B, i], dt)
        x[X_V, i] = vn
        x[X_U, i] = un
        bad |= (vn != vn) | (un - un != 0.0)
        spk[i] = vn >= p[P_V_PEAK, i]
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
    return (x[X_V, i] != x[X_V, i]) | (x[X_U, i] - x[X_U, i] != 0.0)
