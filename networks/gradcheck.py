"""Central-difference gradient check in float64."""

from __future__ import annotations

import numpy as np

from networks import _checks
from networks._checks import NonFiniteError
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
    if not isinstance(layer, Layer):
        raise TypeError(f"model_or_layer must be a networks Layer; got {_checks.short(layer)}")
    if not isinstance(loss, Loss):
        raise TypeError(f"loss must be a networks Loss; got {_checks.short(loss)}")
    x = _checks.finite("x", np.array(_checks.real_array("x", x), dtype=np.float64))
    if x.ndim < 1 or x.size == 0:
        raise ValueError(f"x must be a non-empty batch; got shape {x.shape}")
    eps = _checks.real("eps", eps, low=0.0, low_open=True)
    tol = _checks.real("tol", tol, low=0.0)
    check_input = _checks.flag("check_input", check_input)
    training = _checks.flag("training", training)
    for name, p in layer.params.items():
        if p.dtype != np.float64:
            raise TypeError(f"gradcheck needs float64 parameters; {name!r} is {p.dtype}")

    def objective() -> float:
        return loss.forward(layer.forward(x, training=training), y)

    y = _checks.finite("y", _checks.real_array("y", y))
    out = layer.forward(x, training=training)
    try:
        loss.forward(out, y)
    except NonFiniteError as exc:
        raise NonFiniteError(f"the loss for x and y is not finite: {exc}") from None
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"y does not fit the output of shape {out.shape} for x of shape {x.shape}: {exc}"
        ) from None
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
            try:
                flat[k] = old + eps
                up = objective()
                flat[k] = old - eps
                down = objective()
            except FloatingPointError as exc:
                raise ValueError(
                    f"eps = {eps} is too large here: moving {name!r} by it overflows ({exc})"
                ) from None
            finally:
                flat[k] = old
            nflat[k] = (up - down) / (2 * eps)
            if not np.isfinite(nflat[k]):
                raise ValueError(
                    f"eps = {eps} is too small here: the central difference for {name!r} is "
                    f"{nflat[k]}"
                )
        errors[name] = _relative_error(analytic[name], numeric)
    worst = max(errors, key=errors.get) if errors else None
    if worst is not None and errors[worst] > tol:
        detail = ", ".join(f"{k}: {v:.2e}" for k, v in errors.items())
        raise GradcheckError(
            f"gradcheck failed for {type(layer).__name__}: largest relative error "
            f"{errors[worst]:.3e} in {worst!r} exceeds tol={tol:.1e} ({detail})"
        )
    return errors
