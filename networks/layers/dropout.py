"""Inverted dropout."""

from __future__ import annotations

import numpy as np

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
        if not 0.0 <= p < 1.0:
            raise ValueError(f"Dropout p must be in [0, 1); got {p!r}")
        self.p = float(p)
        self.rng = as_generator(rng)

    def seed(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        if not training or self.p == 0.0:
            self._scale = None
            return x
        keep = self.rng.random(x.shape) >= self.p
        self._scale = keep.astype(x.dtype) / x.dtype.type(1.0 - self.p)
        return x * self._scale

    def backward(self, dy: np.ndarray) -> np.ndarray:
        return dy if self._scale is None else dy * self._scale

    def __repr__(self) -> str:
        return f"Dropout({self.p})"
