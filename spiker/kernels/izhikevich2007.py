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

from spiker.kernels._jit import inline_ir
from spiker.kernels.layout import ADV_DIVERGED, ADV_QUIET, ADV_SPIKE

# rows of neurons.x and neurons.p for units of this family
X_V, X_U = 0, 1
STATE = ("v", "u")
P_C_M, P_K, P_V_R, P_V_T, P_V_PEAK, P_A, P_B, P_C, P_D = range(9)
PARAMS = ("C", "k", "v_r", "v_t", "v_peak", "a", "b", "c", "d")

METHOD_EULER = 0
METHOD_RK4 = 1
METHOD_CODES = {"euler": METHOD_EULER, "rk4": METHOD_RK4}


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


@inline_ir
def advance(method, x, p, i, I, dt):
    """Integrate unit i over one step with input current ``I``, then test v >= v_peak."""
    v = x[X_V, i]
    u = x[X_U, i]
    C = p[P_C_M, i]
    k = p[P_K, i]
    vr = p[P_V_R, i]
    vt = p[P_V_T, i]
    a = p[P_A, i]
    b = p[P_B, i]
    if method == METHOD_EULER:
        vn, un = step_euler(v, u, I, C, k, vr, vt, a, b, dt)
    else:
        vn, un = step_rk4(v, u, I, C, k, vr, vt, a, b, dt)
    x[X_V, i] = vn
    x[X_U, i] = un
    if vn != vn or not np.isfinite(un):
        return ADV_DIVERGED
    if vn >= p[P_V_PEAK, i]:
        return ADV_SPIKE
    return ADV_QUIET


@inline_ir
def arrive_jump(x, i, w):
    """A "jump" arrival: v += w."""
    x[X_V, i] += w


@inline_ir
def reset(x, p, i):
    """After a spike: v = c, u += d."""
    x[X_V, i] = p[P_C, i]
    x[X_U, i] += p[P_D, i]
