"""2-D convolution on NCHW input by im2col: a strided window view and one matrix product."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from networks import _checks
from networks.init import get_initializer
from networks.layers.base import Layer, as_generator


def _pair(value: int | tuple[int, int], name: str, minimum: int = 1) -> tuple[int, int]:
    """An int, or a pair of them, >= ``minimum`` as a pair."""
    if isinstance(value, tuple | list) or (isinstance(value, np.ndarray) and value.ndim):
        pair = tuple(value)
    else:
        pair = (value, value)
    if len(pair) != 2:
        raise ValueError(f"{name} must be an int or a pair of them; got {_checks.short(value)}")
    first = _checks.positive_int(name, pair[0], minimum)
    return first, _checks.positive_int(name, pair[1], minimum)


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """Padding (before, after) so that the output has ceil(size / stride) positions (as Keras)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class Conv2D(Layer):
    """Cross-correlation of NCHW input with ``out_channels`` filters (``torch.nn.Conv2d``).

    ``y[n, o, i, j] = b[o] + sum_{c, p, q} W[o, c, p, q] x_pad[n, c, s i + p, s j + q]``

    Parameters
    ----------
    in_channels, out_channels : int
        Channel counts C and O.
    kernel_size : int or (int, int)
        Filter height and width (kh, kw).
    stride : int or (int, int)
        Step between windows.
    padding : int, (int, int), "same" or "valid"
        Zeros added on each side of height and width. "valid" is 0; "same" pads so the output has
        ceil(H / stride) rows (an odd surplus goes after, as in Keras and TensorFlow).
    init : str
        Weight initialiser name; biases start at zero.
    rng : Generator, int or None
        Source of the initial weights.

    Notes
    -----
    ``params["W"]``: (O, C, kh, kw); ``params["b"]``: (O,). Input (N, C, H, W), output
    (N, O, H_out, W_out). The forward pass builds the column matrix (C kh kw, H_out W_out N) from a
    strided window view in one copy and multiplies it once; backward reuses it for dL/dW and
    scatters dL/dx with one vectorised add per kernel offset (kh kw of them, never per pixel).
    Internally the batch axis is last, so those copies move contiguous runs of W_out N values;
    outputs are NCHW views of (O, H_out, W_out, N) memory.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] | str = 0,
        init: str = "he_uniform",
        rng: np.random.Generator | int | None = None,
    ) -> None:
        super().__init__()
        self.in_channels = _checks.positive_int("in_channels", in_channels)
        self.out_channels = _checks.positive_int("out_channels", out_channels)
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.stride = _pair(stride, "stride")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(
                    f"padding must be an int, a pair, 'same' or 'valid'; got {padding!r}"
                )
            self.padding = padding
        else:
            self.padding = _pair(padding, "padding", minimum=0)
        kh, kw = self.kernel_size
        _checks.fits_in_memory(
            "in_channels, out_channels, kernel_size",
            3 * 8 * self.out_channels * self.in_channels * kh * kw,
            f"{self.out_channels} filters of {self.in_channels} x {kh} x {kw} and their gradient",
        )
        self.init = init
        get_initializer(init)
        self.initialize(as_generator(rng))

    def initialize(self, rng: np.random.Generator) -> None:
        kh, kw = self.kernel_size
        fan_in = self.in_channels * kh * kw
        fan_out = self.out_channels * kh * kw
        shape = (self.out_channels, self.in_channels, kh, kw)
        self.params = {
            "W": get_initializer(self.init)(rng, shape, fan_in, fan_out),
            "b": np.zeros(self.out_channels),
        }
        self._init_grads()

    def _pads(self, h: int, w: int) -> tuple[tuple[int, int], tuple[int, int]]:
        if self.padding == "valid":
            return (0, 0), (0, 0)
        if self.padding == "same":
            return (
                same_padding(h, self.kernel_size[0], self.stride[0]),
                same_padding(w, self.kernel_size[1], self.stride[1]),
            )
        return (self.padding[0],) * 2, (self.padding[1],) * 2

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        _, h, w = input_shape
        (pt, pb), (pl, pr) = self._pads(h, w)
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        return (self.out_channels, (h + pt + pb - kh) // sh + 1, (w + pl + pr - kw) // sw + 1)

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        """x: (N, C, H, W) -> y: (N, O, H_out, W_out)."""
        x = self._input(x)
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(
                f"Conv2D expects input (N, {self.in_channels}, H, W); got x of shape {x.shape}"
            )
        n, c, h, w = x.shape
        (pt, pb), (pl, pr) = self._pads(h, w)
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        _, ho, wo = self.output_shape((c, h, w))
        if ho < 1 or wo < 1:
            raise ValueError(
                f"Conv2D kernel {self.kernel_size} is larger than x: {(h, w)} after padding"
            )
        _checks.fits_in_memory(
            "x",
            x.itemsize * (c * kh * kw * ho * wo * n + c * (h + pt + pb) * (w + pl + pr) * n),
            f"the padded input and column matrix of {n} samples of {(c, h, w)}",
        )
        # padded input with the batch axis last: (C, Hp, Wp, N)
        xp = np.zeros((c, h + pt + pb, w + pl + pr, n), dtype=x.dtype)
        xp[:, pt : pt + h, pl : pl + w, :] = x.transpose(1, 2, 3, 0)
        win = sliding_window_view(xp, (kh, kw), axis=(1, 2))[:, : sh * ho : sh, : sw * wo : sw]
        # column matrix (C kh kw, Ho Wo N), filled from the strided window view in one copy
        cols = np.empty((c, kh, kw, ho, wo, n), dtype=x.dtype)
        np.copyto(cols, win.transpose(0, 4, 5, 1, 2, 3))
        cols = cols.reshape(c * kh * kw, ho * wo * n)
        with np.errstate(over="ignore", invalid="ignore"):
            y = self.params["W"].reshape(self.out_channels, -1) @ cols
            y += self.params["b"][:, None]
        self._cols, self._padded_shape, self._pads_used = cols, xp.shape, (pt, pl, h, w)
        # (O, Ho, Wo, N) in memory, seen as NCHW
        y = y.reshape(self.out_channels, ho, wo, n).transpose(3, 0, 1, 2)
        self._out_shape = y.shape
        return self._finite(y, "x", x)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        """dL/dW = dy cols^T, dL/db = sum(dy), dL/dx = col2im(W^T dy)."""
        dy = self._dy(dy)
        n, o, ho, wo = dy.shape
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        c = self.in_channels
        dy2 = dy.transpose(1, 2, 3, 0).reshape(o, ho * wo * n)
        with np.errstate(over="ignore", invalid="ignore"):
            self.grads["W"] = (dy2 @ self._cols.T).reshape(self.params["W"].shape)
            self.grads["b"] = dy2.sum(axis=1)
            dcols = (self.params["W"].reshape(o, -1).T @ dy2).reshape(c, kh, kw, ho, wo, n)
            dx = np.zeros(self._padded_shape, dtype=dcols.dtype)  # (C, Hp, Wp, N)
            for p in range(kh):
                for q in range(kw):
                    dx[:, p : p + sh * ho : sh, q : q + sw * wo : sw, :] += dcols[:, p, q]
        pt, pl, h, w = self._pads_used
        self._finite(self.grads["W"], "dy", dy, self._cols)
        return self._finite(dx[:, pt : pt + h, pl : pl + w, :].transpose(3, 0, 1, 2), "dy", dy)

    def __repr__(self) -> str:
        return (
            f"Conv2D({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, padding={self.padding!r})"
        )
