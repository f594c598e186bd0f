"""Weight initialisers: pure functions of a generator and a shape.

Each returns a float64 array; layers pick one by name from :data:`INITIALIZERS`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def glorot_uniform(
    rng: np.random.Generator, shape: tuple[int, ...], fan_in: int, fan_out: int
) -> np.ndarray:
    """Glorot & Bengio (2010): U(-a, a) with a = sqrt(6 / (fan_in + fan_out))."""
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=shape)


def he_uniform(
    rng: np.random.Generator, shape: tuple[int, ...], fan_in: int, fan_out: int
) -> np.ndarray:
    """He et al. (2015) for ReLU nets: U(-a, a) with a = sqrt(6 / fan_in)."""
    a = np.sqrt(6.0 / fan_in)
    return rng.uniform(-a, a, size=shape)


def torch_uniform(
    rng: np.random.Generator, shape: tuple[int, ...], fan_in: int, fan_out: int
) -> np.ndarray:
    """PyTorch's default for Linear, Conv and LSTM: U(-a, a) with a = 1 / sqrt(fan_in)."""
    a = 1.0 / np.sqrt(fan_in)
    return rng.uniform(-a, a, size=shape)


def orthogonal(
    rng: np.random.Generator, shape: tuple[int, ...], fan_in: int, fan_out: int
) -> np.ndarray:
    """Saxe et al. (2014): a (semi-)orthogonal matrix of ``shape`` from a QR decomposition."""
    rows, cols = shape[0], int(np.prod(shape[1:]))
    a = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return q[:rows, :cols].reshape(shape)


INITIALIZERS: dict[str, Callable[..., np.ndarray]] = {
    "glorot_uniform": glorot_uniform,
    "he_uniform": he_uniform,
    "torch": torch_uniform,
    "orthogonal": orthogonal,
}


def get_initializer(name: str) -> Callable[..., np.ndarray]:
    """Look an initialiser up by name; the error lists the known names."""
    if not isinstance(name, str) or name not in INITIALIZERS:
        raise ValueError(f"init must be one of {sorted(INITIALIZERS)}; got {name!r:.60}")
    return INITIALIZERS[name]
