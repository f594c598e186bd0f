"""Mean-reduced losses; ``forward`` returns a float and caches what ``backward`` needs.

Values and gradients equal PyTorch's ``MSELoss``, ``L1Loss`` and ``CrossEntropyLoss`` with the
default ``reduction="mean"``.
"""

from __future__ import annotations

import numpy as np


class Loss:
    """Base class: ``forward(y_pred, y_true) -> float`` then ``backward() -> dL/dy_pred``."""

    def __call__(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        return self.forward(y_pred, y_true)

    def forward(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        raise NotImplementedError

    def backward(self) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _same_shape(y_pred: np.ndarray, y_true: np.ndarray, name: str) -> np.ndarray:
    y_true = np.asarray(y_true, dtype=y_pred.dtype)
    if y_true.shape != y_pred.shape:
        if y_true.size == y_pred.size:
            return y_true.reshape(y_pred.shape)
        raise ValueError(f"{name}: y_true shape {y_true.shape} != y_pred shape {y_pred.shape}")
    return y_true


class MSE(Loss):
    """``L = mean((y_pred - y_true)^2)`` over all N elements.

    ``dL/dy_pred = 2 (y_pred - y_true) / N``.
    """

    def forward(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        self._diff = y_pred - _same_shape(y_pred, y_true, "MSE")
        return float(np.mean(self._diff * self._diff))

    def backward(self) -> np.ndarray:
        return self._diff * (2.0 / self._diff.size)


class L1(Loss):
    """``L = mean(|y_pred - y_true|)``; ``dL/dy_pred = sign(y_pred - y_true) / N`` (0 at 0)."""

    def forward(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        self._diff = y_pred - _same_shape(y_pred, y_true, "L1")
        return float(np.mean(np.abs(self._diff)))

    def backward(self) -> np.ndarray:
        return np.sign(self._diff) * (1.0 / self._diff.size)


class CrossEntropy(Loss):
    """Softmax cross-entropy from logits, ``L = mean_n(logsumexp(z_n) - z_n[y_n])``.

    Parameters of ``forward``: ``y_pred`` logits (N, C); ``y_true`` class indices (N,) or class
    probabilities (N, C). Computed with the max subtracted, so large logits do not overflow.
    ``dL/dz = (softmax(z) - onehot(y)) / N``.
    """

    def forward(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        if y_pred.ndim != 2:
            raise ValueError(f"CrossEntropy expects logits (N, C); got shape {y_pred.shape}")
        n, c = y_pred.shape
        shifted = y_pred - y_pred.max(axis=1, keepdims=True)
        lse = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        logp = shifted - lse
        y_true = np.asarray(y_true)
        if y_true.shape == (n,):
            if not np.issubdtype(y_true.dtype, np.integer):
                if not np.all(y_true == np.round(y_true)):
                    raise ValueError("CrossEntropy class indices must be integers")
                y_true = y_true.astype(np.int64)
            if (y_true < 0).any() or (y_true >= c).any():
                raise ValueError(f"CrossEntropy class indices must be in [0, {c}); got {y_true}")
            target = np.zeros_like(y_pred)
            target[np.arange(n), y_true] = 1
        elif y_true.shape == (n, c):
            target = y_true.astype(y_pred.dtype)
        else:
            raise ValueError(
                f"CrossEntropy y_true must be indices ({n},) or probabilities ({n}, {c}); "
                f"got shape {y_true.shape}"
            )
        self._p = np.exp(logp)
        self._target = target
        return float(-(target * logp).sum() / n)

    def backward(self) -> np.ndarray:
        return (self._p - self._target) * (1.0 / self._p.shape[0])


def accuracy(logits: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows whose arg-max equals the integer label (or the label's arg-max)."""
    labels = np.asarray(labels)
    if labels.ndim == 2:
        labels = labels.argmax(axis=1)
    return float(np.mean(logits.argmax(axis=1) == labels))
