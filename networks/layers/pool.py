"""Max pooling over NCHW input."""

from __future__ import annotations

import numpy as np

from networks.layers.base import Layer
from networks.layers.conv import _pair


class MaxPool2D(Layer):
    """``y[n, c, i, j] = max_{p < kh, q < kw} x[n, c, s i + p, s j + q]`` (no padding).

    Parameters
    ----------
    size : int or (int, int)
        Window height and width.
    stride : int, (int, int) or None
        Step between windows; defaults to ``size`` (non-overlapping). Rows and columns that do not
        fill a window are dropped, as in ``torch.nn.MaxPool2d``.

    Notes
    -----
    The gradient goes to the first maximum of each window in row-major order (ties as in
    PyTorch on CPU); overlapping windows add up. Forward and backward loop over the kh kw
    window offsets, each step vectorised over the whole batch; forward caches its input and
    output, and backward finds the arg-max positions from them.
    """

    def __init__(
        self, size: int | tuple[int, int] = 2, stride: int | tuple[int, int] | None = None
    ) -> None:
        super().__init__()
        self.size = _pair(size, "size")
        self.stride = self.size if stride is None else _pair(stride, "stride")

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        c, h, w = input_shape
        return (
            c,
            (h - self.size[0]) // self.stride[0] + 1,
            (w - self.size[1]) // self.stride[1] + 1,
        )

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        """x: (N, C, H, W) -> y: (N, C, H_out, W_out)."""
        x = self._input(x)
        if x.ndim != 4:
            raise ValueError(f"MaxPool2D expects x of NCHW input; got shape {x.shape}")
        n, c, h, w = x.shape
        (kh, kw), (sh, sw) = self.size, self.stride
        _, ho, wo = self.output_shape((c, h, w))
        if ho < 1 or wo < 1:
            raise ValueError(f"MaxPool2D window {self.size} is larger than x: {(h, w)}")
        # the running maximum over the kh kw window offsets, each step vectorised over the batch
        y = None
        for k in range(kh * kw):
            p, q = divmod(k, kw)
            xk = x[:, :, p : p + sh * ho : sh, q : q + sw * wo : sw]
            y = xk.copy() if y is None else np.maximum(y, xk, out=y)
        self._x, self._y = x, y
        self._out_shape = y.shape
        return y

    def backward(self, dy: np.ndarray) -> np.ndarray:
        """dL/dx: dy goes to the first position (row-major) of each window holding its max."""
        dy = self._dy(dy)
        (kh, kw), (sh, sw) = self.size, self.stride
        _, _, ho, wo = dy.shape
        x, y = self._x, self._y
        dx = np.zeros(x.shape, dtype=dy.dtype)
        free = np.ones(y.shape, dtype=bool)  # windows whose maximum is not yet assigned
        overlap = sh < kh or sw < kw  # only then can two windows add up in one dx
        with np.errstate(over="ignore", invalid="ignore"):
            for k in range(kh * kw):
                p, q = divmod(k, kw)
                sl = (
                    slice(None),
                    slice(None),
                    slice(p, p + sh * ho, sh),
                    slice(q, q + sw * wo, sw),
                )
                hit = x[sl] == y
                hit &= free
                free &= ~hit
                dx[sl] += dy * hit
        return self._finite(dx, "dy", dy) if overlap else dx

    def __repr__(self) -> str:
        return f"MaxPool2D({self.size}, stride={self.stride})"
