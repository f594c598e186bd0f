"""Flatten all axes but the batch axis."""

from __future__ import annotations

import numpy as np

from networks.layers.base import Layer


class Flatten(Layer):
    """Reshape (batch, d1, d2, ...) to (batch, d1 * d2 * ...), C order (as ``torch.flatten``)."""

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        x = self._input(x)
        if x.ndim < 1:
            raise ValueError(f"Flatten expects x with a batch axis; got shape {x.shape}")
        self._shape = x.shape
        y = x.reshape(x.shape[0], int(np.prod(x.shape[1:])))
        self._out_shape = y.shape
        return y

    def backward(self, dy: np.ndarray) -> np.ndarray:
        return self._dy(dy).reshape(self._shape)

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return (int(np.prod(input_shape)),)
