"""The layer protocol shared by every building block of :mod:`networks`."""

from __future__ import annotations

import numpy as np

from networks import _checks
from networks._checks import NonFiniteError


def as_generator(rng: np.random.Generator | int | None, name: str = "rng") -> np.random.Generator:
    """Return ``rng`` as a :class:`numpy.random.Generator`.

    Parameters
    ----------
    rng : Generator, int or None
        A generator is returned unchanged; an int (>= 0) seeds a new one; None draws fresh OS
        entropy.
    name : str
        The argument's name, for the error message.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool | np.timedelta64):
        if rng < 0:
            raise ValueError(f"{name} must be a non-negative int seed; got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"{name} must be a numpy.random.Generator, an int seed or None; got {_checks.short(rng)}"
    )


class Layer:
    """Base class: a differentiable map with parameters.

    A layer maps ``x`` to ``y = forward(x)``; ``backward(dy)`` takes dL/dy (same shape as ``y``),
    writes dL/dp into ``grads[name]`` for every ``params[name]`` (overwriting, not accumulating)
    and returns dL/dx. ``forward`` caches what ``backward`` needs, so ``backward`` refers to the
    most recent ``forward`` call.

    ``x`` and ``dy`` may be any arrays of real numbers (ints and bools are converted to float64);
    other dtypes and shapes that do not fit are refused with an error naming them. A layer whose
    arithmetic can overflow raises :class:`~networks._checks.NonFiniteError` when a finite input
    gives an infinite or NaN output, instead of passing it on.

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
        dtype = _checks.float_dtype("dtype", dtype)
        for name in self.params:
            self.params[name] = self.params[name].astype(dtype)
            self.grads[name] = np.zeros_like(self.params[name])
        return self

    @property
    def nan_is_padding(self) -> bool:
        """True when NaN in the input marks padding (an LSTM with ``mask_value=nan``)."""
        return False

    def _init_grads(self) -> None:
        self.grads = {name: np.zeros_like(p) for name, p in self.params.items()}

    def _input(self, x, ndim: int | None = None) -> np.ndarray:
        """``x`` as a real array (ints and bools as float64) with a batch axis, and ``ndim``
        axes if given (as it is inside :func:`~networks._checks.validated_once`)."""
        if _checks.trusted():
            return x
        x = _checks.real_array("x", x)
        if x.ndim < 1:
            raise ValueError(f"x must have a batch axis; got the scalar {x.item()!r}")
        if ndim is not None and x.ndim != ndim:
            kind = type(self).__name__
            raise ValueError(f"{kind} expects x with {ndim} axes; got shape {x.shape}")
        return x

    def _dy(self, dy) -> np.ndarray:
        """``dy`` checked against the shape of the last output."""
        shape = getattr(self, "_out_shape", None)
        if shape is None:
            raise RuntimeError(f"{type(self).__name__}.backward needs a forward call first")
        if _checks.trusted():
            return dy
        dy = _checks.real_array("dy", dy)
        if dy.shape != shape:
            raise ValueError(f"dy must have the shape of the last output {shape}; got {dy.shape}")
        return dy

    def _finite(self, out: np.ndarray, name: str, *sources: np.ndarray) -> np.ndarray:
        """``out``, unless it holds inf or NaN although the argument ``name`` (``sources[0]``)
        and the other ``sources`` are finite: then a NonFiniteError that says which input or
        parameter is to blame. Skipped inside :func:`~networks._checks.validated_once`, where
        the caller checks the loss and the parameters instead."""
        if _checks.trusted() or np.isfinite(out).all():
            return out
        if not all(np.isfinite(s).all() for s in sources):
            return out
        for key, p in self.params.items():
            if not np.isfinite(p).all():
                raise NonFiniteError(
                    f"{self!r}: parameter {key!r} holds {p[~np.isfinite(p)].flat[0]}, so the "
                    f"result for a finite {name} is not finite"
                )
        big = max((_checks.largest(p) for p in self.params.values()), default=0.0)
        raise NonFiniteError(
            f"{self!r}: the result overflowed float{out.dtype.itemsize * 8} although {name} is "
            f"finite (largest |{name}| = {_checks.largest(sources[0]):.3g}, largest |parameter| "
            f"= {big:.3g}); scale {name} down"
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
