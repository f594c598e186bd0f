"""Max pooling over NCHW input."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

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
    The gradient goes to the first maximum of each window (ties as in PyTorch on CPU). Backward
    scatters with one ``bincount`` over flat input indices, so overlapping windows add up.
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
        if x.ndim != 4:
            raise ValueError(f"MaxPool2D expects NCHW input; got shape {x.shape}")
        n, c, h, w = x.shape
        (kh, kw), (sh, sw) = self.size, self.stride
        _, ho, wo = self.output_shape((c, h, w))
        if ho < 1 or wo < 1:
            raise ValueError(f"MaxPool2D window {self.size} is larger than input {(h, w)}")
        win = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, : sh * ho : sh, : sw * wo : sw]
        win = win.reshape(n, c, ho, wo, kh * kw)
        arg = win.argmax(axis=-1)
        y = np.take_along_axis(win, arg[..., None], axis=-1)[..., 0]
        # flat index of each maximum in x
        rows = np.arange(ho)[:, None] * sh + arg // kw
        cols = np.arange(wo)[None, :] * sw + arg % kw
        base = (np.arange(n * c) * (h * w)).reshape(n, c, 1, 1)
        self._idx = (base + rows * w + cols).ravel()
        self._shape = x.shape
        return y

    def backward(self, dy: np.ndarray) -> np.ndarray:
        size = int(np.prod(self._shape))
        dx = np.bincount(self._idx, weights=dy.ravel(), minlength=size)
        return dx.astype(dy.dtype, copy=False).reshape(self._shape)

    def __repr__(self) -> str:
        return f"MaxPool2D({self.size}, stride={self.stride})"
