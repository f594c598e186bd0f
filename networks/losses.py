"""Mean-reduced losses; ``forward`` returns a float and caches what ``backward`` needs.

Values and gradients equal PyTorch's ``MSELoss``, ``L1Loss`` and ``CrossEntropyLoss`` with the
default ``reduction="mean"``.
"""

from __future__ import annotations

import numpy as np

from networks import _checks
from networks._checks import NonFiniteError


class Loss:
    """Base class: ``forward(y_pred, y_true) -> float`` then ``backward() -> dL/dy_pred``.

    ``y_pred`` and ``y_true`` must be non-empty arrays of real numbers; a loss that overflows
    for finite inputs raises :class:`~networks._checks.NonFiniteError`.
    """

    def __call__(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        return self.forward(y_pred, y_true)

    def forward(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        raise NotImplementedError

    def backward(self) -> np.ndarray:
        raise NotImplementedError

    def check_targets(self, y: np.ndarray, output_shape: tuple[int, ...]) -> None:
        """Refuse targets ``y`` (N, ...) that do not fit outputs of per-sample ``output_shape``,
        naming ``y`` (used by :meth:`networks.Sequential.fit` before training)."""
        per, want = int(np.prod(y.shape[1:])), int(np.prod(output_shape))
        if per != want:
            raise ValueError(
                f"y must hold {want} values per sample for outputs of shape {output_shape}; "
                f"got shape {y.shape}"
            )

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _prediction(y_pred) -> np.ndarray:
    y_pred = _checks.real_array("y_pred", y_pred)
    if y_pred.size == 0:
        raise ValueError(f"y_pred must not be empty; got shape {y_pred.shape}")
    return y_pred


def _finite_loss(value: float, name: str, *inputs: np.ndarray) -> float:
    if not np.isfinite(value) and all(np.isfinite(a).all() for a in inputs):
        raise NonFiniteError(
            f"{name}: the loss overflowed to {value} for finite y_pred and y_true (largest "
            f"|y_pred| = {_checks.largest(inputs[0]):.3g}, |y_true| = "
            f"{_checks.largest(inputs[1]):.3g})"
        )
    return value


def _same_shape(y_pred: np.ndarray, y_true: np.ndarray, name: str) -> np.ndarray:
    y_true = _checks.real_array("y_true", y_true, dtype=y_pred.dtype)
    if y_true.shape != y_pred.shape:
        if y_true.size == y_pred.size:
            return y_true.reshape(y_pred.shape)
        raise ValueError(f"{name}: y_true shape {y_true.shape} != y_pred shape {y_pred.shape}")
    return y_true


class MSE(Loss):
    """``L = mean((y_pred - y_true)^2)`` over all N elements.

    ``dL/dy_pred = 2 (y_pred - y_true) / N``.
    """

    def check_targets(self, y: np.ndarray, output_shape: tuple[int, ...]) -> None:
        super().check_targets(y, output_shape)
        with np.errstate(over="ignore"):
            if not np.isfinite(np.mean(np.square(y))):
                raise ValueError(
                    f"y is too large for MSE: its squares overflow float64 (largest |y| = "
                    f"{_checks.largest(y):.3g}); scale the targets down"
                )

    def forward(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        y_pred = _prediction(y_pred)
        y_true = _same_shape(y_pred, y_true, "MSE")
        with np.errstate(over="ignore", invalid="ignore"):
            self._diff = y_pred - y_true
            value = float(np.mean(self._diff * self._diff))
        return _finite_loss(value, "MSE", y_pred, y_true)

    def backward(self) -> np.ndarray:
        return self._diff * (2.0 / self._diff.size)


class L1(Loss):
    """``L = mean(|y_pred - y_true|)``; ``dL/dy_pred = sign(y_pred - y_true) / N`` (0 at 0)."""

    def forward(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        y_pred = _prediction(y_pred)
        y_true = _same_shape(y_pred, y_true, "L1")
        with np.errstate(over="ignore", invalid="ignore"):
            self._diff = y_pred - y_true
            value = float(np.mean(np.abs(self._diff)))
        return _finite_loss(value, "L1", y_pred, y_true)

    def backward(self) -> np.ndarray:
        return np.sign(self._diff) * (1.0 / self._diff.size)


class CrossEntropy(Loss):
    """Softmax cross-entropy from logits, ``L = mean_n(logsumexp(z_n) - z_n[y_n])``.

    Parameters of ``forward``: ``y_pred`` logits (N, C); ``y_true`` class indices (N,) or class
    probabilities (N, C). Computed with the max subtracted, so large logits do not overflow.
    ``dL/dz = (softmax(z) - onehot(y)) / N``.
    """

    def forward(self, y_pred: np.ndarray, y_true: np.ndarray) -> float:
        y_pred = _prediction(y_pred)
        if y_pred.ndim != 2:
            raise ValueError(
                f"CrossEntropy expects y_pred of logits (N, C); got shape {y_pred.shape}"
            )
        n, c = y_pred.shape
        target = self._targets("y_true", y_true, n, c, y_pred.dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            shifted = y_pred - y_pred.max(axis=1, keepdims=True)
            lse = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            logp = shifted - lse
            # 0 * log(0) is 0: a class with no target mass adds nothing, even at logp = -inf
            value = float(-np.where(target != 0, target * logp, 0.0).sum() / n)
        self._p = np.exp(logp)
        self._target = target
        return _finite_loss(value, "CrossEntropy", y_pred, target)

    @staticmethod
    def _targets(name: str, y_true, n: int, c: int, dtype) -> np.ndarray:
        """Class indices (n,) or probabilities (n, c) as a (n, c) target of ``dtype``."""
        y_true = _checks.real_array(name, y_true, keep=True)
        if y_true.shape == (n,):
            if y_true.dtype.kind == "f" and (
                not np.isfinite(y_true).all() or (y_true != np.round(y_true)).any()
            ):
                raise ValueError(f"CrossEntropy {name}: class indices must be integers")
            if (y_true < 0).any() or (y_true >= c).any():
                raise ValueError(
                    f"CrossEntropy {name}: class indices must be in [0, {c}); got "
                    f"{_checks.short(y_true)}"
                )
            target = np.zeros((n, c), dtype=dtype)
            target[np.arange(n), y_true.astype(np.intp, copy=False)] = 1
            return target
        if y_true.shape == (n, c):
            target = _checks.finite(name, y_true.astype(dtype))
            if (target < 0).any():
                raise ValueError(f"CrossEntropy {name}: class probabilities must be >= 0")
            return target
        raise ValueError(
            f"CrossEntropy {name} must be indices ({n},) or probabilities ({n}, {c}) for "
            f"y_pred of shape ({n}, {c}); got shape {y_true.shape}"
        )

    def check_targets(self, y: np.ndarray, output_shape: tuple[int, ...]) -> None:
        if len(output_shape) != 1:
            raise ValueError(
                f"CrossEntropy needs logits (N, C); the model gives {output_shape} per sample"
            )
        self._targets("y", y, len(y), output_shape[0], np.float64)

    def backward(self) -> np.ndarray:
        return (self._p - self._target) * (1.0 / self._p.shape[0])


def accuracy(logits: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows whose arg-max equals the integer label (or the label's arg-max).

    ``logits``: (N, C), N >= 1; ``labels``: indices (N,) or scores (N, C).
    """
    logits = _checks.real_array("logits", logits)
    if logits.ndim != 2 or logits.shape[0] == 0 or logits.shape[1] == 0:
        raise ValueError(f"logits must have shape (N, C) with N, C >= 1; got {logits.shape}")
    labels = _checks.real_array("labels", labels, keep=True)
    if labels.shape not in ((logits.shape[0],), logits.shape):
        raise ValueError(
            f"labels must have shape ({logits.shape[0]},) or {logits.shape} to match logits; "
            f"got {labels.shape}"
        )
    if labels.ndim == 2:
        labels = labels.argmax(axis=1)
    return float(np.mean(logits.argmax(axis=1) == labels))
