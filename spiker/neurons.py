"""Neuron families: their specs, presets and the registry that maps a spec to its kernel family.

A family is a frozen spec class (a subclass of :class:`NeuronModel`) whose instances describe a
population's parameters and integration method, a kernel module in ``spiker/kernels/`` (its
state and parameter columns, its step with threshold and reset), a twin in the tests and its
Brian2 and NEST mappings. ``FAMILIES`` below is the registry; ``docs/extending.md`` is the
checklist for adding one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from spiker import _validate as check
from spiker.kernels import izhikevich as _izh
from spiker.kernels import izhikevich2007 as _i07
from spiker.kernels import lif as _lif
from spiker.kernels.layout import FAMILY_IZHIKEVICH, FAMILY_IZHIKEVICH2007, FAMILY_LIF

#: The 2003 classes (Izhikevich 2003, figure 2): name -> (a, b, c, d).
PRESETS_2003: dict[str, tuple[float, float, float, float]] = {
    "RS": (0.02, 0.2, -65.0, 8.0),  # regular spiking
    "IB": (0.02, 0.2, -55.0, 4.0),  # intrinsically bursting
    "CH": (0.02, 0.2, -50.0, 2.0),  # chattering
    "FS": (0.1, 0.2, -65.0, 2.0),  # fast spiking
    "LTS": (0.02, 0.25, -65.0, 2.0),  # low-threshold spiking
    "TC": (0.02, 0.25, -65.0, 0.05),  # thalamo-cortical
    "RZ": (0.1, 0.26, -65.0, 2.0),  # resonator
}


@dataclass(frozen=True)
class Family:
    """What the engine knows of a neuron family.

    Attributes
    ----------
    code : int
        The kernel's family code (``FAMILY_*`` of kernels/layout.py).
    state : tuple of str
        State variables, the columns of the kernel's state table, in order; all are recordable.
    params : tuple of str
        Per-neuron parameters, the columns of the kernel's parameter table, in order.
    derive : callable or None
        ``derive(p, dt, name)`` brings parameter rows that are computed from others (LIF's
        ``E = exp(-dt/tau_m)``) up to date in ``p``, the family's block of the parameter table,
        after a user changed them (``pop.tau_m[:] = 5``); called before each run and after each
        callback; ``name`` (the population's) is for its error messages.
    """

    code: int
    state: tuple[str, ...]
    params: tuple[str, ...]
    derive: Callable[[np.ndarray, float, str], None] | None = None


def _lif_derive(p: np.ndarray, dt: float, name: str) -> None:
    """LIF's ``E = exp(-dt/tau_m)`` where it no longer matches tau_m: found with NumPy's exp
    (4 ulp apart), recomputed with libm's, as :meth:`LIF.parameters` does."""
    tau, E = p[_lif.P_TAU_M], p[_lif.P_E]
    if np.any(tau <= 0):
        k = int(np.argmax(tau <= 0))
        raise ValueError(f"{name}.tau_m holds {tau[k]} at index {k}; allowed: > 0 ms")
    with np.errstate(all="ignore"):
        stale = ~(np.abs(E - np.exp(-dt / tau)) <= 4 * np.spacing(E))
    for k in np.flatnonzero(stale):
        E[k] = math.exp(-dt / float(tau[k]))


class NeuronModel:
    """Base class of neuron-family specs (frozen dataclasses). A subclass provides:

    ``method`` (str), ``method_code`` (the kernel's code of it), ``parameters(n, dt)`` (float64
    array (len(family.params), n) in the kernel's row order), ``initial_state(n, v0, u0)``
    (float64 array (len(family.state), n)) and ``convergence_warning(dt)`` (a message or None).
    """

    default_v0: ClassVar[float] = -65.0

    @property
    def family(self) -> Family:
        return FAMILIES[type(self)]

    def convergence_warning(self, dt: float) -> str | None:
        return None

    def initial_state(self, n: int, v0, u0) -> np.ndarray:
        """State (len(state), n): v from ``v0`` (default ``default_v0``); other variables from
        :meth:`_initial_rest`. ``u0`` is accepted only by families with a recovery variable u."""
        state = self.family.state
        if u0 is not None and "u" not in state:
            raise ValueError(
                f"u0 is not a state variable of {type(self).__name__} (its state: "
                f"{', '.join(state)})"
            )
        v = check.float_array("v0", self.default_v0 if v0 is None else v0, n)
        out = np.zeros((len(state), n))
        out[state.index("v")] = v
        self._initial_rest(out, v, n, u0)
        return out

    def _initial_rest(self, out: np.ndarray, v: np.ndarray, n: int, u0) -> None:
        pass


@dataclass(frozen=True, eq=False)
class Izhikevich(NeuronModel):
    r"""Izhikevich (2003) neuron: a quadratic integrate-and-fire model with a recovery variable.

    .. math::

        v' = k_2 v^2 + k_1 v + k_0 - u + I, \qquad u' = a (b v - u)

        \text{if } v \ge v_{peak}: \quad v \leftarrow c, \; u \leftarrow u + d

    v in mV, t in ms, I in Izhikevich's dimensionless current units (mV/ms).

    Parameters
    ----------
    a, b, c, d : float or array of shape (n,)
        Recovery rate (1/ms), recovery sensitivity, reset potential (mV), reset increment of u.
        Scalars or one value per neuron.
    v_peak : float or array, default 30.0
        Spike cut-off (mV).
    method : {"euler", "izhikevich", "rk4"}
        ``"euler"``: forward Euler on v and u from the old values, evaluated in the operation order
        Brian2 generates (``v + dt*((140 + ((I + 0.04*v**2) + 5*v)) - u)``), for cross-validation.
        ``"izhikevich"``: the published scheme: v in ``substeps`` Euler sub-steps of dt/substeps,
        then u from the new v (net.m and spnet use 2 at dt = 1 ms, the 2004 figure 1), in net.m's
        operation order ``0.04*v^2 + 5*v + 140 - u + I``. ``"rk4"``: classical Runge-Kutta for
        converged answers at larger dt. Forward Euler at dt >= 1 ms is not converged and warns.
    substeps : int, default 2
        Sub-steps of v per step for ``method="izhikevich"``.
    order : {"net.m", "spnet"}
        Operation order of v's update in the published method: net.m's and the 2004 figure's
        ``0.04*v^2 + 5*v + 140 - u + I``, or spnet.cpp's ``(0.04*v + 5)*v + 140 - u + I``.
        The same sum rounded differently; it matters only for bit-exact reproduction.
    threshold : {">=", ">"}
        ``">="`` (Brian2, NEST, net.m) or ``">"`` (the 2004 figure's code: ``V > 30``).
    recovery : {"standard", "accommodation"}
        ``"standard"``: u' = a (b v - u). ``"accommodation"``: u' = a b (v + 65), the 2004
        figure's feature R (published method only).
    coefficients : (k2, k1, k0), default (0.04, 5.0, 140.0)
        The quadratic ``k2 v^2 + k1 v + k0``; the 2004 figure uses (0.04, 4.1, 108) twice.
    """

    a: object = 0.02
    b: object = 0.2
    c: object = -65.0
    d: object = 8.0
    v_peak: object = 30.0
    method: str = "euler"
    substeps: int = 2
    order: str = "net.m"
    threshold: str = ">="
    recovery: str = "standard"
    coefficients: tuple[float, float, float] = (0.04, 5.0, 140.0)

    def __post_init__(self) -> None:
        for name in ("a", "b", "c", "d", "v_peak"):
            check.float_array(name, getattr(self, name))
        check.choice("method", self.method, _izh.METHOD_CODES)
        check.positive_int("substeps", self.substeps)
        check.choice("threshold", self.threshold, {">=", ">"})
        check.choice("recovery", self.recovery, _izh.RECOVERY_CODES)
        check.choice("order", self.order, {"net.m", "spnet"})
        if self.order == "spnet" and (self.method != "izhikevich" or self.recovery != "standard"):
            raise ValueError(
                "order='spnet' is the published method's operation order: it needs "
                f"method='izhikevich' and recovery='standard'; got method={self.method!r}, "
                f"recovery={self.recovery!r}"
            )
        if self.recovery != "standard" and self.method != "izhikevich":
            raise ValueError(
                f"recovery={self.recovery!r} is available with method='izhikevich' only; "
                f"got method={self.method!r}"
            )
        if not isinstance(self.coefficients, tuple | list) or len(self.coefficients) != 3:
            raise TypeError(f"coefficients must be (k2, k1, k0); got {self.coefficients!r}")
        for name, value in zip(("k2", "k1", "k0"), self.coefficients, strict=True):
            check.finite_float(f"coefficients[{name}]", value)

    @classmethod
    def preset(cls, name: str, **overrides) -> Izhikevich:
        """A 2003 class by name: RS, IB, CH, FS, LTS, TC or RZ (Izhikevich 2003, figure 2).

        Keyword arguments override the preset's fields, e.g. ``preset("FS", method="izhikevich")``.
        """
        check.choice("name", name, PRESETS_2003)
        a, b, c, d = PRESETS_2003[name]
        return cls(**{"a": a, "b": b, "c": c, "d": d, **overrides})

    @property
    def method_code(self) -> int:
        """The kernel's code of this model's method and operation order."""
        return _izh.METHOD_SPNET if self.order == "spnet" else _izh.METHOD_CODES[self.method]

    def parameters(self, n: int, dt: float | None = None) -> np.ndarray:
        """Per-neuron float64 parameters, shape (11, n), rows ``kernels.izhikevich.PARAMS``:
        a, b, c, d, v_peak, k2, k1, k0, substeps, recovery code, strict threshold (0 or 1)."""
        out = np.empty((len(_izh.PARAMS), n))
        for row, name in enumerate(("a", "b", "c", "d", "v_peak")):
            out[row] = check.float_array(name, getattr(self, name), n)
        for row, k in zip((_izh.P_K2, _izh.P_K1, _izh.P_K0), self.coefficients, strict=True):
            out[row] = float(k)
        out[_izh.P_SUBSTEPS] = self.substeps if self.method == "izhikevich" else 1
        out[_izh.P_RECOVERY] = _izh.RECOVERY_CODES[self.recovery]
        out[_izh.P_STRICT] = self.threshold == ">"
        return out

    def _initial_rest(self, out, v, n, u0) -> None:
        b = check.float_array("b", self.b, n)
        out[_izh.X_U] = b * v if u0 is None else check.float_array("u0", u0, n)

    def convergence_warning(self, dt: float) -> str | None:
        if self.method == "euler" and dt >= 1.0:
            return (
                f"forward Euler at dt = {dt} ms: not converged (networks that fire at ~10 Hz run "
                "away to hundreds of Hz); use dt <= 0.1 ms, method='izhikevich' or method='rk4'"
            )
        return None


@dataclass(frozen=True, eq=False)
class LIF(NeuronModel):
    r"""Leaky integrate-and-fire neuron, current based (Brian2's CUBA, NEST's iaf_psc_delta and
    iaf_psc_exp).

    .. math::

        \tau_m \frac{dv}{dt} = (v_{rest} - v) + R\,I, \qquad
        \text{if } v > v_{th}: \; v \leftarrow v_{reset}, \text{ refractory}

    v in mV, t in ms, I in units such that R*I is in mV (with ``R=1``, the current is written in
    mV, as Brian2's CUBA writes ge and gi). Exponential synapses add currents I_syn that decay
    with their tau_syn; a "jump" synapse adds its weight to v.

    Parameters
    ----------
    tau_m : float or array (n,)
        Membrane time constant, ms (> 0).
    v_rest, v_reset, v_th : float or array (n,)
        Resting potential, reset potential and threshold, mV.
    refractory : float or array (n,)
        Refractory period, ms (>= 0), with Brian2's ``(unless refractory)`` semantics: after a
        spike at step s, v is not integrated (it stays at v_reset), cannot spike and drops
        "jump" input while ``n - s < round(refractory / dt)`` (Brian2's ``timestep``), so a
        period of one step changes nothing. Exponential synaptic currents keep integrating.
    R : float or array (n,)
        Membrane resistance (the unit of I is mV / unit of R).
    method : {"exact", "euler"}
        ``"exact"``: the membrane and its exponential synaptic currents integrated exactly over
        the step (the coupled linear system, as Brian2's ``method='exact'``), external input held
        over the step. ``"euler"``: forward Euler with the input of the step start.
    threshold : {">", ">="}
        ``">"`` as Brian2's CUBA and Brunel examples (``v > v_th``), ``">="`` as NEST.
    """

    tau_m: object = 10.0
    v_rest: object = -70.0
    v_reset: object = -70.0
    v_th: object = -55.0
    refractory: object = 2.0
    R: object = 1.0
    method: str = "exact"
    threshold: str = ">"

    def __post_init__(self) -> None:
        for name in ("tau_m", "v_rest", "v_reset", "v_th", "refractory", "R"):
            check.float_array(name, getattr(self, name))
        if np.any(np.asarray(self.tau_m) <= 0):
            raise ValueError(f"tau_m must be > 0 ms; got {np.min(self.tau_m)}")
        if np.any(np.asarray(self.refractory) < 0):
            raise ValueError(f"refractory must be >= 0 ms; got {np.min(self.refractory)}")
        check.choice("method", self.method, _lif.METHOD_CODES)
        check.choice("threshold", self.threshold, {">", ">="})

    @property
    def method_code(self) -> int:
        return _lif.METHOD_CODES[self.method]

    def parameters(self, n: int, dt: float) -> np.ndarray:
        """Per-neuron float64 parameters, shape (8, n), rows ``kernels.lif.PARAMS``: tau_m,
        v_rest, v_reset, v_th, R, refractory steps (Brian2's ``timestep(refractory, dt)``),
        strict threshold (0 or 1), E = exp(-dt/tau_m) (libm's exp)."""
        out = np.empty((len(_lif.PARAMS), n))
        for row, name in enumerate(("tau_m", "v_rest", "v_reset", "v_th", "R")):
            out[row] = check.float_array(name, getattr(self, name), n)
        dt_s = dt * 1e-3  # timestep(t, dt) = int((t + 1e-3*dt)/dt), in seconds
        refractory = check.float_array("refractory", self.refractory, n)
        out[_lif.P_REF_STEPS] = np.floor((refractory * 1e-3 + 1e-3 * dt_s) / dt_s)
        out[_lif.P_STRICT] = self.threshold == ">"
        out[_lif.P_E] = [math.exp(-dt / float(tau)) for tau in out[_lif.P_TAU_M]]
        return out

    def initial_state(self, n: int, v0, u0) -> np.ndarray:
        """Rows v (``v0``, default ``v_rest``) and the step of the last spike (-inf: none)."""
        if u0 is not None:
            raise ValueError("u0 is not a state variable of LIF (its state: v)")
        v = check.float_array("v0", self.v_rest if v0 is None else v0, n)
        return np.stack([v, np.full(n, -np.inf)])

    def convergence_warning(self, dt: float) -> str | None:
        tau = float(np.min(self.tau_m))
        if self.method == "euler" and dt > 0.1 * tau:
            error = abs((1 - dt / tau) - math.exp(-dt / tau)) / math.exp(-dt / tau)
            return (
                f"forward Euler at dt = {dt} ms with tau_m = {tau} ms decays the membrane "
                f"{100 * error:.1f} % off per step; use method='exact' or dt <= {0.1 * tau} ms"
            )
        return None


#: The cortical classes of Izhikevich (2007), *Dynamical Systems in Neuroscience*, chapter 8,
#: that the standard simple model expresses: name -> (C, k, v_r, v_t, v_peak, a, b, c, d) in pF,
#: nS/mV, mV, mV, mV, 1/ms, nS, mV, pA. (FS needs a nonlinear u-nullcline and LTS a
#: u-dependent peak and reset: not provided, see docs/neurons.md.)
PRESETS_2007: dict[str, tuple[float, ...]] = {
    "RS": (100.0, 0.7, -60.0, -40.0, 35.0, 0.03, -2.0, -50.0, 100.0),  # regular spiking
    "IB": (150.0, 1.2, -75.0, -45.0, 50.0, 0.01, 5.0, -56.0, 130.0),  # intrinsically bursting
    "CH": (50.0, 1.5, -60.0, -40.0, 25.0, 0.03, 1.0, -40.0, 150.0),  # chattering
}


@dataclass(frozen=True, eq=False)
class Izhikevich2007(NeuronModel):
    r"""Izhikevich (2007) "simple model" (*Dynamical Systems in Neuroscience*, chapter 8).

    .. math::

        C \frac{dv}{dt} = k (v - v_r)(v - v_t) - u + I, \qquad
        \frac{du}{dt} = a \left( b (v - v_r) - u \right)

        \text{if } v \ge v_{peak}: \quad v \leftarrow c, \; u \leftarrow u + d

    Units: C in pF, k in nS/mV, v in mV, t in ms, I and u in pA ("jump" weights are mV;
    "pulse" and "exponential" weights are pA).

    Parameters
    ----------
    C, k, v_r, v_t, v_peak, a, b, c, d : float or array (n,)
        Capacitance, gain, resting and instantaneous threshold potentials, spike cut-off,
        recovery rate, recovery sensitivity, reset potential and reset increment of u.
    method : {"euler", "rk4"}
        ``"euler"``: the book's own listing, forward Euler from the old v and u in its operation
        order (``v + tau*(k*(v-vr)*(v-vt)-u+I)/C``). ``"rk4"``: classical Runge-Kutta.

    The initial u defaults to ``b*(v0 - v_r)`` and v0 to ``v_r`` (the rest state).
    :meth:`preset` gives the book's RS, IB and CH cells.
    """

    C: object = 100.0
    k: object = 0.7
    v_r: object = -60.0
    v_t: object = -40.0
    v_peak: object = 35.0
    a: object = 0.03
    b: object = -2.0
    c: object = -50.0
    d: object = 100.0
    method: str = "euler"

    def __post_init__(self) -> None:
        for name in _i07.PARAMS:
            check.float_array(name, getattr(self, name))
        if np.any(np.asarray(self.C) <= 0):
            raise ValueError(f"C must be > 0 pF; got {np.min(self.C)}")
        check.choice("method", self.method, _i07.METHOD_CODES)

    @classmethod
    def preset(cls, name: str, **overrides) -> Izhikevich2007:
        """A cortical class of the book by name: RS, IB or CH (:data:`PRESETS_2007`)."""
        check.choice("name", name, PRESETS_2007)
        return cls(**{**dict(zip(_i07.PARAMS, PRESETS_2007[name], strict=True)), **overrides})

    @property
    def method_code(self) -> int:
        return _i07.METHOD_CODES[self.method]

    def parameters(self, n: int, dt: float | None = None) -> np.ndarray:
        """Per-neuron float64 parameters, shape (9, n), rows ``kernels.izhikevich2007.PARAMS``."""
        return np.stack([check.float_array(name, getattr(self, name), n) for name in _i07.PARAMS])

    def initial_state(self, n: int, v0, u0) -> np.ndarray:
        v_r = check.float_array("v_r", self.v_r, n)
        v = v_r.copy() if v0 is None else check.float_array("v0", v0, n)
        b = check.float_array("b", self.b, n)
        u = b * (v - v_r) if u0 is None else check.float_array("u0", u0, n)
        return np.stack([v, u])


#: The registry: spec class -> family. One line per family.
FAMILIES: dict[type, Family] = {
    Izhikevich: Family(FAMILY_IZHIKEVICH, _izh.STATE, _izh.PARAMS),
    LIF: Family(FAMILY_LIF, _lif.STATE, _lif.PARAMS, _lif_derive),
    Izhikevich2007: Family(FAMILY_IZHIKEVICH2007, _i07.STATE, _i07.PARAMS),
}
