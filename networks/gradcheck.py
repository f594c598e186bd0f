"""Central-difference gradient check in float64."""

from __future__ import annotations

import numpy as np

from networks.layers.base import Layer
from networks.losses import Loss


class GradcheckError(AssertionError):
    """Raised when an analytic gradient disagrees with the numerical one."""


def _relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    scale = max(
        float(np.max(np.abs(analytic), initial=0.0)), float(np.max(np.abs(numeric), initial=0.0))
    )
    if scale == 0.0:
        return 0.0
    return float(np.max(np.abs(analytic - numeric)) / scale)


def gradcheck(
    model_or_layer: Layer,
    loss: Loss,
    x: np.ndarray,
    y: np.ndarray,
    eps: float = 1e-5,
    tol: float = 1e-7,
    check_input: bool = True,
    training: bool = False,
) -> dict[str, float]:
    """Compare ``backward`` with centred differences of ``loss(forward(x), y)``.

    For every parameter entry p, ``dL/dp ~ (L(p + eps) - L(p - eps)) / (2 eps)``; the error
    of an array is ``max |analytic - numeric| / max(max |analytic|, max |numeric|)``.

    Parameters
    ----------
    model_or_layer : Layer
        A layer or :class:`~networks.Sequential`; its parameters must be float64.
    loss : Loss
        Scalar objective, e.g. ``MSE()``.
    x, y : numpy.ndarray
        Input batch and target; ``x`` is converted to float64.
    eps : float
        Step of the central difference.
    tol : float
        Largest relative error allowed.
    check_input : bool
        Also check dL/dx (under the key ``"input"``).
    training : bool
        Passed to ``forward`` (keep False for layers that draw random masks).

    Returns
    -------
    dict[str, float]
        The relative error of each parameter (and of the input).

    Raises
    ------
    GradcheckError
        If any error exceeds ``tol``; the message lists the worst parameter and its error.
    """
    layer = model_or_layer
    x = np.array(x, dtype=np.float64)
    for name, p in layer.params.items():
        if p.dtype != np.float64:
            raise TypeError(f"gradcheck needs float64 parameters; {name!r} is {p.dtype}")

    def objective() -> float:
        return loss.forward(layer.forward(x, training=training), y)

    objective()
    dx = layer.backward(loss.backward())
    analytic = {name: np.array(g, dtype=np.float64) for name, g in layer.grads.items()}
    targets = dict(layer.params)
    if check_input:
        targets["input"] = x
        analytic["input"] = np.asarray(dx, dtype=np.float64)
    errors: dict[str, float] = {}
    for name, arr in targets.items():
        numeric = np.zeros_like(arr)
        flat, nflat = arr.flat, numeric.reshape(-1)
        for k in range(arr.size):
            old = flat[k]
            flat[k] = old + eps
            up = objective()
            flat[k] = old - eps
            down = objective()
            flat[k] = old
            nflat[k] = (up - down) / (2 * eps)
        errors[name] = _relative_error(analytic[name], numeric)
    worst = max(errors, key=errors.get) if errors else None
    if worst is not None and errors[worst] > tol:
        detail = ", ".join(f"{k}: {v:.2e}" for k, v in errors.items())
        raise GradcheckError(
            f"gradcheck failed for {type(layer).__name__}: largest relative error "
            f"{errors[worst]:.3e} in {worst!r} exceeds tol={tol:.1e} ({detail})"
        )
    return errors
