"""The Izhikevich neuron model, its integration methods and published parameter presets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spiker import _validate as check
from spiker.kernels import METHOD_CODES, METHOD_SPNET, RECOVERY_CODES

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


@dataclass(frozen=True, eq=False)
class Izhikevich:
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
        check.choice("method", self.method, METHOD_CODES)
        check.positive_int("substeps", self.substeps)
        check.choice("threshold", self.threshold, {">=", ">"})
        check.choice("recovery", self.recovery, RECOVERY_CODES)
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
        if len(self.coefficients) != 3:
            raise ValueError(f"coefficients must be (k2, k1, k0); got {self.coefficients!r}")
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
        return METHOD_SPNET if self.order == "spnet" else METHOD_CODES[self.method]

    def parameters(self, n: int) -> dict[str, np.ndarray]:
        """Per-neuron float64 arrays of shape (n,) for a, b, c, d, v_peak, k2, k1, k0."""
        out = {
            name: check.float_array(name, getattr(self, name), n)
            for name in ("a", "b", "c", "d", "v_peak")
        }
        for name, value in zip(("k2", "k1", "k0"), self.coefficients, strict=True):
            out[name] = np.full(n, float(value))
        return out
