"""Fully connected layer."""

from __future__ import annotations

import numpy as np

from networks import _checks
from networks.init import get_initializer
from networks.layers.base import Layer, as_generator


class Dense(Layer):
    """Affine map ``y = x W^T + b`` on the last axis.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of the last axis of input and output.
    init : str
        Weight initialiser from :data:`networks.init.INITIALIZERS`; biases start at zero.
    rng : Generator, int or None
        Source of the initial weights.

    Notes
    -----
    ``params["W"]`` has shape (out_features, in_features) and ``params["b"]`` (out_features,),
    the layout of ``torch.nn.Linear``. Input has shape (batch, ..., in_features); any middle axes
    (e.g. time) are treated as more batch.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        init: str = "glorot_uniform",
        rng: np.random.Generator | int | None = None,
    ) -> None:
        super().__init__()
        self.in_features = _checks.positive_int("in_features", in_features)
        self.out_features = _checks.positive_int("out_features", out_features)
        _checks.fits_in_memory(
            "in_features, out_features",
            3 * 8 * self.in_features * self.out_features,
            f"a {self.out_features} x {self.in_features} weight matrix and its gradient",
        )
        self.init = init
        get_initializer(init)
        self.initialize(as_generator(rng))

    def initialize(self, rng: np.random.Generator) -> None:
        fan_in, fan_out = self.in_features, self.out_features
        w = get_initializer(self.init)(rng, (fan_out, fan_in), fan_in, fan_out)
        self.params = {"W": w, "b": np.zeros(fan_out)}
        self._init_grads()

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        """x: (batch, ..., in_features) -> y: (batch, ..., out_features)."""
        x = self._input(x)
        if x.ndim < 2 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"Dense expects x of shape (batch, ..., {self.in_features}), last axis "
                f"{self.in_features}; got shape {x.shape}"
            )
        self._x = x
        with np.errstate(over="ignore", invalid="ignore"):
            y = x @ self.params["W"].T + self.params["b"]
        self._out_shape = y.shape
        return self._finite(y, "x", x)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        """dL/dW = dy^T x, dL/db = sum(dy), dL/dx = dy W."""
        dy = self._dy(dy)
        x2 = self._x.reshape(-1, self.in_features)
        dy2 = dy.reshape(-1, self.out_features)
        with np.errstate(over="ignore", invalid="ignore"):
            self.grads["W"] = dy2.T @ x2
            self.grads["b"] = dy2.sum(axis=0)
            dx = dy @ self.params["W"]
        self._finite(self.grads["W"], "dy", dy, self._x)
        return self._finite(dx, "dy", dy)

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return (*input_shape[:-1], self.out_features)

    def __repr__(self) -> str:
        return f"Dense({self.in_features}, {self.out_features})"
