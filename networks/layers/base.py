"""The layer protocol shared by every building block of :mod:`networks`."""

from __future__ import annotations

import numpy as np


def as_generator(rng: np.random.Generator | int | None) -> np.random.Generator:
    """Return ``rng`` as a :class:`numpy.random.Generator`.

    Parameters
    ----------
    rng : Generator, int or None
        A generator is returned unchanged; an int seeds a new one; None draws fresh OS entropy.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, int | np.integer):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy.random.Generator, an int seed or None; got {type(rng)!r}")


class Layer:
    """Base class: a differentiable map with parameters.

    A layer maps ``x`` to ``y = forward(x)``; ``backward(dy)`` takes dL/dy (same shape as ``y``),
    writes dL/dp into ``grads[name]`` for every ``params[name]`` (overwriting, not accumulating)
    and returns dL/dx. ``forward`` caches what ``backward`` needs, so ``backward`` refers to the
    most recent ``forward`` call.

    Attributes
    ----------
    params : dict[str, numpy.ndarray]
        Trainable arrays, updated in place by optimisers.
    grads : dict[str, numpy.ndarray]
        Gradients with the same keys and shapes as ``params``.
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        """Compute the output for a batch ``x`` (``training`` switches dropout and the like)."""
        raise NotImplementedError

    def backward(self, dy: np.ndarray) -> np.ndarray:
        """Given dL/dy, fill ``grads`` and return dL/dx."""
        raise NotImplementedError

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """Shape of one output sample for one input sample of shape ``input_shape`` (no batch)."""
        return tuple(input_shape)

    def initialize(self, rng: np.random.Generator) -> None:
        """Redraw the parameters from ``rng`` (layers without parameters ignore it)."""

    def seed(self, rng: np.random.Generator) -> None:
        """Give the layer a generator for randomness during training (used by dropout)."""

    def count_params(self) -> int:
        """Number of trainable scalars."""
        return int(sum(p.size for p in self.params.values()))

    def astype(self, dtype: np.dtype | type) -> Layer:
        """Convert parameters (and gradients) to ``dtype`` in place; returns ``self``."""
        for name in self.params:
            self.params[name] = self.params[name].astype(dtype)
            self.grads[name] = np.zeros_like(self.params[name])
        return self

    def _init_grads(self) -> None:
        self.grads = {name: np.zeros_like(p) for name, p in self.params.items()}

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
