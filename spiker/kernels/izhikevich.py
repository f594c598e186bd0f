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

from spiker.kernels._jit import inline_ir
from spiker.kernels.layout import ADV_DIVERGED, ADV_QUIET, ADV_SPIKE

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
def advance(method, x, p, i, I, dt):
    """Integrate unit i over one step with input current ``I``, then test its threshold.

    Writes the new v, u into ``x[:, i]``; returns ADV_SPIKE, ADV_QUIET, or ADV_DIVERGED (NaN in
    v, or a non-finite u; an infinite v is a spike: v blew up within the step).
    """
    v = x[X_V, i]
    u = x[X_U, i]
    a = p[P_A, i]
    b = p[P_B, i]
    k2 = p[P_K2, i]
    k1 = p[P_K1, i]
    k0 = p[P_K0, i]
    if method == METHOD_EULER:
        vn, un = step_euler(v, u, I, a, b, k2, k1, k0, dt)
    elif method == METHOD_IZHIKEVICH:
        vn, un = step_izhikevich(
            v, u, I, a, b, k2, k1, k0, dt, int(p[P_SUBSTEPS, i]), int(p[P_RECOVERY, i])
        )
    elif method == METHOD_SPNET:
        vn, un = step_spnet(v, u, I, a, b, k2, k1, k0, dt, int(p[P_SUBSTEPS, i]))
    else:
        vn, un = step_rk4(v, u, I, a, b, k2, k1, k0, dt)
    x[X_V, i] = vn
    x[X_U, i] = un
    if vn != vn or not np.isfinite(un):
        return ADV_DIVERGED
    v_peak = p[P_V_PEAK, i]
    if vn > v_peak or (vn == v_peak and p[P_STRICT, i] == 0.0):
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
