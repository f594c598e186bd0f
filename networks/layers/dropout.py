"""Inverted dropout."""

from __future__ import annotations

import numpy as np

from networks import _checks
from networks.layers.base import Layer, as_generator


class Dropout(Layer):
    """Zero each element with probability ``p`` during training, scale survivors by 1/(1-p).

    ``y = x * m / (1 - p)`` with ``m ~ Bernoulli(1 - p)``; identity when ``training`` is False.

    Parameters
    ----------
    p : float
        Drop probability in [0, 1).
    rng : Generator, int or None
        Source of the masks; :meth:`networks.Sequential.fit` replaces it from its ``seed``.
    """

    def __init__(self, p: float = 0.5, rng: np.random.Generator | int | None = None) -> None:
        super().__init__()
        if not _checks.is_real(p):
            raise TypeError(f"Dropout p must be a number in [0, 1); got {_checks.short(p)}")
        if not 0.0 <= p < 1.0:
            raise ValueError(f"Dropout p must be in [0, 1); got {p!r}")
        self.p = float(p)
        self.rng = as_generator(rng)

    def seed(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        x = self._input(x)
        self._out_shape = x.shape
        if not training or self.p == 0.0:
            self._scale = None
            return x
        keep = self.rng.random(x.shape) >= self.p
        self._scale = keep.astype(x.dtype) / x.dtype.type(1.0 - self.p)
        with np.errstate(over="ignore", invalid="ignore"):
            return self._finite(x * self._scale, "x", x)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        dy = self._dy(dy)
        if self._scale is None:
            return dy
        with np.errstate(over="ignore", invalid="ignore"):  # inf * a dropped 0 is NaN
            return self._finite(dy * self._scale, "dy", dy)

    def __repr__(self) -> str:
        return f"Dropout({self.p})"
