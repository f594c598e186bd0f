"""Random values for synaptic weights and delays, drawn from the network's generator.

``net.connect(..., weight=sp.Uniform(0.0, 0.5), delay=sp.Uniform(1.0, 20.0))``. Any callable
``f(rng, size) -> array`` works the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spiker import _validate as check


@dataclass(frozen=True)
class Uniform:
    """Uniform on [low, high)."""

    low: float
    high: float

    def __post_init__(self) -> None:
        check.finite_float("low", self.low)
        check.finite_float("high", self.high)
        if self.high < self.low:
            raise ValueError(f"high must be >= low = {self.low}; got {self.high}")

    def __call__(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)


@dataclass(frozen=True)
class Normal:
    """Gaussian with ``mean`` and ``std``, optionally clipped to [low, high]."""

    mean: float
    std: float
    low: float = -np.inf
    high: float = np.inf

    def __post_init__(self) -> None:
        check.finite_float("mean", self.mean)
        check.finite_float("std", self.std, nonnegative=True)
        for name in ("low", "high"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float | np.number):
                raise TypeError(f"{name} must be a number (or an infinity); got {value!r}")
            if np.isnan(value):
                raise ValueError(f"{name} must be a number (or an infinity); got {value}")
        if not self.low < self.high:
            raise ValueError(f"high must be > low = {self.low}; got {self.high}")

    def __call__(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.clip(rng.normal(self.mean, self.std, size), self.low, self.high)


def draw(name: str, value, size: int, rng: np.random.Generator) -> np.ndarray:
    """``value`` (scalar, array of length ``size``, distribution or callable) as a float64 array."""
    if callable(value):
        out = value(rng, size)
        return check.float_array(name, out, size)
    return check.float_array(name, value, size)
