"""Optimisers with PyTorch's update rules and defaults, and gradient clipping.

An optimiser holds hyper-parameters and per-parameter state keyed by position; ``step(params,
grads)`` updates the arrays of ``params`` in place. It keeps no reference to layers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from networks import _checks
from networks._checks import NonFiniteError


def _arrays(name: str, value, *, writable: bool, finite: bool = True) -> list[np.ndarray]:
    """A list or tuple of float arrays (updated in place when ``writable``), finite if asked."""
    if not isinstance(value, list | tuple):
        raise TypeError(f"{name} must be a list of numpy arrays; got {_checks.short(value)}")
    out = []
    for k, a in enumerate(value):
        if writable:
            if not isinstance(a, np.ndarray) or a.dtype.kind != "f" or not a.flags.writeable:
                raise TypeError(
                    f"{name}[{k}] must be a writable float numpy array (it is changed in place); "
                    f"got {_checks.short(a)}"
                )
        else:
            a = _checks.real_array(f"{name}[{k}]", a)
        if finite and a.size and not np.isfinite(a).all():
            raise NonFiniteError(f"{name}[{k}] must be finite; holds {a[~np.isfinite(a)].flat[0]}")
        out.append(a)
    return out


def global_norm(grads: Sequence[np.ndarray]) -> float:
    """Euclidean norm of all gradients taken as one vector."""
    with np.errstate(over="ignore"):
        norm = float(np.sqrt(sum(float(np.vdot(g, g)) for g in grads)))
    if np.isfinite(norm):
        return norm
    big = max(_checks.largest(g) for g in grads)  # the squares overflowed: scale them first
    scaled = [np.asarray(g, dtype=np.float64) / big for g in grads]
    return big * float(np.sqrt(sum(float(np.vdot(g, g)) for g in scaled)))


def clip_grad_norm(grads: Sequence[np.ndarray], max_norm: float) -> float:
    """Scale gradients in place so their global norm is at most ``max_norm``.

    As ``torch.nn.utils.clip_grad_norm_``: multiply by ``min(1, max_norm / (norm + 1e-6))``.
    Returns the norm before clipping. ``grads``: a list of finite float arrays.
    """
    grads = _arrays("grads", grads, writable=True)
    max_norm = _checks.real("max_norm", max_norm, low=0.0, low_open=True)
    norm = global_norm(grads)
    if not np.isfinite(norm):
        raise NonFiniteError("grads: their global norm overflows float64")
    coef = max_norm / (norm + 1e-6)
    if coef < 1.0:
        for g in grads:
            g *= coef
    return norm


def clip_grad_value(grads: Sequence[np.ndarray], clip_value: float) -> None:
    """Clamp every gradient element to [-clip_value, clip_value] in place."""
    grads = _arrays("grads", grads, writable=True)
    clip_value = _checks.real("clip_value", clip_value, low=0.0, low_open=True)
    for g in grads:
        np.clip(g, -clip_value, clip_value, out=g)


def _positive_eps(eps) -> float:
    """eps > 0: with eps = 0 a zero gradient gives 0 / 0 = NaN."""
    return _checks.real("eps", eps, low=0.0, low_open=True)


class Optimizer:
    """Base class.

    Parameters
    ----------
    lr : float
        Learning rate.
    weight_decay : float
        L2 penalty added to the gradient, ``g + weight_decay * p`` (PyTorch's convention).
    clip_norm : float or None
        Clip gradients by global norm before each step (see :func:`clip_grad_norm`).
    clip_value : float or None
        Clip gradients element-wise before each step (see :func:`clip_grad_value`).
    """

    def __init__(
        self,
        lr: float,
        weight_decay: float = 0.0,
        clip_norm: float | None = None,
        clip_value: float | None = None,
    ) -> None:
        lr_f = _checks.to_float("lr", lr)
        if not lr_f > 0:
            raise ValueError(f"lr must be > 0; got {lr!r}")
        if not np.isfinite(lr_f):
            raise ValueError(f"lr must be finite; got {lr!r}")
        weight_decay = _checks.real("weight_decay", weight_decay, low=0.0)
        for name, v in (("clip_norm", clip_norm), ("clip_value", clip_value)):
            if v is not None and not (0 < _checks.to_float(name, v) < np.inf):
                raise ValueError(f"{name} must be > 0 or None; got {v!r}")
        self.lr, self.weight_decay = lr_f, weight_decay
        self.clip_norm, self.clip_value = clip_norm, clip_value
        self.state: dict[int, dict[str, np.ndarray]] = {}
        self.t = 0

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """Update every array of ``params`` in place from the matching entry of ``grads``.

        ``params``: writable float arrays; ``grads``: real arrays of the same shapes; all
        finite. A step that makes a parameter infinite or NaN raises
        :class:`~networks._checks.NonFiniteError` naming it (the parameters keep that step).
        """
        # non-finite params are caught after the step, which leaves them non-finite anyway
        params = _arrays("params", params, writable=True, finite=False)
        grads = _arrays("grads", grads, writable=False)
        if len(params) != len(grads):
            raise ValueError(
                f"params and grads must match; got {len(params)} parameters but {len(grads)} "
                "gradients"
            )
        for k, (p, g) in enumerate(zip(params, grads, strict=True)):
            if g.shape != p.shape:
                raise ValueError(f"grads[{k}] must have the shape {p.shape} of params[{k}]")
            for key, arr in self.state.get(k, {}).items():
                if arr.shape != p.shape:
                    raise ValueError(
                        f"params[{k}] has shape {p.shape} but this optimiser's {key!r} for it "
                        f"has {arr.shape}: use one optimiser per model"
                    )
        if self.clip_value is not None or self.clip_norm is not None:
            grads = [np.array(g, copy=True) for g in grads]  # clip copies, not the caller's
        if self.clip_value is not None:
            clip_grad_value(grads, self.clip_value)
        if self.clip_norm is not None:
            clip_grad_norm(grads, self.clip_norm)
        self.t += 1
        with np.errstate(over="ignore", invalid="ignore"):
            for k, (p, g) in enumerate(zip(params, grads, strict=True)):
                if self.weight_decay:
                    g = g + self.weight_decay * p
                self._update(k, p, g)
        for k, p in enumerate(params):
            if not np.isfinite(p).all():
                raise NonFiniteError(
                    f"params[{k}] became {p[~np.isfinite(p)].flat[0]} in step {self.t} of "
                    f"{self!r} (largest |grads[{k}]| = {_checks.largest(grads[k]):.3g}); use a "
                    "lower lr or clip_norm"
                )

    def _update(self, k: int, p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr})"


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum, as ``torch.optim.SGD``.

    ``b_1 = g``, ``b_t = momentum b_{t-1} + (1 - dampening) g``; the step uses
    ``g + momentum b_t`` (Nesterov) or ``b_t``; ``p -= lr * step``.

    Parameters
    ----------
    lr : float
        Learning rate (> 0).
    momentum : float
        Momentum factor (>= 0); 0 is plain SGD.
    nesterov : bool
        Nesterov momentum (needs momentum > 0 and dampening = 0).
    dampening : float
        Dampening of the momentum's gradient term.
    weight_decay : float
        L2 penalty added to the gradient before the update, ``g + weight_decay * p`` (>= 0).
    clip_norm : float or None
        If given (> 0), gradients are scaled so that their global norm is at most this, before
        each step (:func:`clip_grad_norm`, as ``torch.nn.utils.clip_grad_norm_``).
    clip_value : float or None
        If given (> 0), every gradient element is clamped to ``[-clip_value, clip_value]``
        before each step (:func:`clip_grad_value`); applied before ``clip_norm``.
    """

    def __init__(
        self,
        lr: float = 1e-3,
        momentum: float = 0.0,
        nesterov: bool = False,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        clip_norm: float | None = None,
        clip_value: float | None = None,
    ) -> None:
        super().__init__(lr, weight_decay, clip_norm, clip_value)
        momentum = _checks.real("momentum", momentum, low=0.0)
        dampening = _checks.real("dampening", dampening)
        nesterov = _checks.flag("nesterov", nesterov)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("nesterov needs momentum > 0 and dampening = 0")
        self.momentum, self.nesterov, self.dampening = momentum, nesterov, dampening

    def _update(self, k: int, p: np.ndarray, g: np.ndarray) -> None:
        if self.momentum:
            st = self.state.get(k)
            if st is None:
                buf = np.array(g, copy=True)
                self.state[k] = {"momentum_buffer": buf}
            else:
                buf = st["momentum_buffer"]
                buf *= self.momentum
                buf += (1 - self.dampening) * g
            g = g + self.momentum * buf if self.nesterov else buf
        p -= self.lr * g


class Adam(Optimizer):
    """Adam (Kingma and Ba 2015) as ``torch.optim.Adam``.

    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g^2``,
    ``p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)``.

    Parameters
    ----------
    lr : float
        Learning rate (> 0).
    betas : (float, float)
        ``(b1, b2)``, the decay rates of the running means of the gradient and of its square,
        each in [0, 1); default (0.9, 0.999).
    eps : float
        Added to the denominator for numerical stability.
    weight_decay : float
        L2 penalty added to the gradient before the update, ``g + weight_decay * p`` (>= 0).
    clip_norm : float or None
        If given (> 0), gradients are scaled so that their global norm is at most this, before
        each step (:func:`clip_grad_norm`, as ``torch.nn.utils.clip_grad_norm_``).
    clip_value : float or None
        If given (> 0), every gradient element is clamped to ``[-clip_value, clip_value]``
        before each step (:func:`clip_grad_value`); applied before ``clip_norm``.
    """

    def __init__(
        self,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        clip_norm: float | None = None,
        clip_value: float | None = None,
    ) -> None:
        super().__init__(lr, weight_decay, clip_norm, clip_value)
        if not isinstance(betas, tuple | list) or len(betas) != 2:
            got = _checks.short(betas)
            raise TypeError(f"betas must be a pair of numbers in [0, 1); got {got}")
        b1 = _checks.real("betas[0]", betas[0])
        b2 = _checks.real("betas[1]", betas[1])
        if not (0 <= b1 < 1 and 0 <= b2 < 1):
            raise ValueError(f"betas must be in [0, 1); got {betas!r}")
        self.betas, self.eps = (b1, b2), _positive_eps(eps)

    def _update(self, k: int, p: np.ndarray, g: np.ndarray) -> None:
        b1, b2 = self.betas
        st = self.state.setdefault(k, {"m": np.zeros_like(p), "v": np.zeros_like(p)})
        m, v = st["m"], st["v"]
        m += (1 - b1) * (g - m)
        v *= b2
        v += (1 - b2) * g * g
        step_size = self.lr / (1 - b1**self.t)
        denom = np.sqrt(v) / np.sqrt(1 - b2**self.t) + self.eps
        p -= step_size * (m / denom)


class RMSprop(Optimizer):
    """RMSprop as ``torch.optim.RMSprop``: ``s = alpha s + (1 - alpha) g^2``,
    ``p -= lr g / (sqrt(s) + eps)`` (``sqrt(s - gbar^2)`` when centred; momentum optional).

    Parameters
    ----------
    lr : float
        Learning rate (> 0).
    alpha : float
        Decay rate of the running mean of the squared gradient.
    eps : float
        Added to the denominator for numerical stability.
    momentum : float
        Momentum factor (0: none).
    centered : bool
        Divide by the running variance of the gradient instead of its raw second moment.
    weight_decay : float
        L2 penalty added to the gradient before the update, ``g + weight_decay * p`` (>= 0).
    clip_norm : float or None
        If given (> 0), gradients are scaled so that their global norm is at most this, before
        each step (:func:`clip_grad_norm`, as ``torch.nn.utils.clip_grad_norm_``).
    clip_value : float or None
        If given (> 0), every gradient element is clamped to ``[-clip_value, clip_value]``
        before each step (:func:`clip_grad_value`); applied before ``clip_norm``.
    """

    def __init__(
        self,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        momentum: float = 0.0,
        centered: bool = False,
        weight_decay: float = 0.0,
        clip_norm: float | None = None,
        clip_value: float | None = None,
    ) -> None:
        super().__init__(lr, weight_decay, clip_norm, clip_value)
        self.alpha = _checks.real("alpha", alpha, low=0.0, high=1.0)
        self.eps = _positive_eps(eps)
        self.momentum = _checks.real("momentum", momentum, low=0.0)
        self.centered = _checks.flag("centered", centered)

    def _update(self, k: int, p: np.ndarray, g: np.ndarray) -> None:
        st = self.state.get(k)
        if st is None:
            st = self.state[k] = {"square_avg": np.zeros_like(p)}
            if self.momentum:
                st["momentum_buffer"] = np.zeros_like(p)
            if self.centered:
                st["grad_avg"] = np.zeros_like(p)
        sq = st["square_avg"]
        sq *= self.alpha
        sq += (1 - self.alpha) * g * g
        if self.centered:
            ga = st["grad_avg"]
            ga += (1 - self.alpha) * (g - ga)
            avg = np.sqrt(np.maximum(sq - ga * ga, 0.0)) + self.eps  # rounding can dip below 0
        else:
            avg = np.sqrt(sq) + self.eps
        if self.momentum:
            buf = st["momentum_buffer"]
            buf *= self.momentum
            buf += g / avg
            p -= self.lr * buf
        else:
            p -= self.lr * (g / avg)


class Adagrad(Optimizer):
    """Adagrad as ``torch.optim.Adagrad``: ``s += g^2``,
    ``p -= lr / (1 + (t - 1) lr_decay) * g / (sqrt(s) + eps)``.

    Parameters
    ----------
    lr : float
        Learning rate (> 0).
    lr_decay : float
        Decay of the learning rate with the step count t.
    initial_accumulator_value : float
        Starting value of the sum of squared gradients s.
    eps : float
        Added to the denominator for numerical stability.
    weight_decay : float
        L2 penalty added to the gradient before the update, ``g + weight_decay * p`` (>= 0).
    clip_norm : float or None
        If given (> 0), gradients are scaled so that their global norm is at most this, before
        each step (:func:`clip_grad_norm`, as ``torch.nn.utils.clip_grad_norm_``).
    clip_value : float or None
        If given (> 0), every gradient element is clamped to ``[-clip_value, clip_value]``
        before each step (:func:`clip_grad_value`); applied before ``clip_norm``.
    """

    def __init__(
        self,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        weight_decay: float = 0.0,
        clip_norm: float | None = None,
        clip_value: float | None = None,
    ) -> None:
        super().__init__(lr, weight_decay, clip_norm, clip_value)
        self.lr_decay = _checks.real("lr_decay", lr_decay, low=0.0)
        self.eps = _positive_eps(eps)
        self.initial_accumulator_value = _checks.real(
            "initial_accumulator_value", initial_accumulator_value, low=0.0
        )

    def _update(self, k: int, p: np.ndarray, g: np.ndarray) -> None:
        st = self.state.setdefault(k, {"sum": np.full_like(p, self.initial_accumulator_value)})
        s = st["sum"]
        s += g * g
        clr = self.lr / (1 + (self.t - 1) * self.lr_decay)
        p -= clr * (g / (np.sqrt(s) + self.eps))
