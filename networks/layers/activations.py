"""Element-wise activations; each caches its output (or mask) for backward."""

from __future__ import annotations

import numpy as np

from networks import _checks
from networks.layers.base import Layer


def sigmoid(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Logistic function 1 / (1 + exp(-x)), computed as 0.5 tanh(x / 2) + 0.5 (no overflow)."""
    out = np.multiply(x, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


class ReLU(Layer):
    """``y = max(x, 0)``; the derivative at 0 is taken as 0 (as in PyTorch)."""

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        x = self._input(x)
        self._mask = x > 0
        self._out_shape = x.shape
        return np.maximum(x, 0.0)  # a ufunc keeps the memory layout of x; relu(-inf) = 0

    def backward(self, dy: np.ndarray) -> np.ndarray:
        dy = self._dy(dy)
        with np.errstate(invalid="ignore"):  # only an infinite dy can meet a 0 here
            return dy * self._mask  # a ufunc keeps the memory layout of dy


class Tanh(Layer):
    """``y = tanh(x)``, ``dy/dx = 1 - y^2``."""

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        self._y = np.tanh(self._input(x))
        self._out_shape = self._y.shape
        return self._y

    def backward(self, dy: np.ndarray) -> np.ndarray:
        dy = self._dy(dy)
        with np.errstate(invalid="ignore"):  # only an infinite dy can meet a 0 here
            return dy * (1 - self._y * self._y)


class Sigmoid(Layer):
    """``y = 1 / (1 + exp(-x))``, ``dy/dx = y (1 - y)``."""

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        self._y = sigmoid(self._input(x))
        self._out_shape = self._y.shape
        return self._y

    def backward(self, dy: np.ndarray) -> np.ndarray:
        dy = self._dy(dy)
        with np.errstate(invalid="ignore"):  # only an infinite dy can meet a 0 here
            return dy * self._y * (1 - self._y)


class ScaledSigmoid(Layer):
    """Bounded regression head ``y = low + (high - low) sigmoid(x)``, with values in (low, high).

    Use it as the last layer when targets live in a known interval (an age in [0, 100]): the
    network can never predict outside it, and its pre-activation near 0 maps to the midpoint.

    Parameters
    ----------
    low, high : float
        Bounds of the output, ``low < high``.
    """

    def __init__(self, low: float = 0.0, high: float = 1.0) -> None:
        super().__init__()
        lo, hi = _checks.real("low", low), _checks.real("high", high)
        if not lo < hi:
            raise ValueError(f"ScaledSigmoid needs finite low < high; got low={low}, high={high}")
        if not np.isfinite(hi - lo):
            raise ValueError(f"ScaledSigmoid needs a finite high - low; got low={low}, high={high}")
        self.low, self.high = lo, hi

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        self._s = sigmoid(self._input(x))
        self._out_shape = self._s.shape
        return self.low + (self.high - self.low) * self._s

    def backward(self, dy: np.ndarray) -> np.ndarray:
        dy = self._dy(dy)
        with np.errstate(over="ignore", invalid="ignore"):
            dx = dy * ((self.high - self.low) * self._s * (1 - self._s))
        return self._finite(dx, "dy", dy)

    def __repr__(self) -> str:
        return f"ScaledSigmoid({self.low}, {self.high})"
