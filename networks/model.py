"""Sequential model: a list of layers trained by minibatch gradient descent."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from networks.layers.base import Layer, as_generator
from networks.losses import CrossEntropy, Loss, accuracy
from networks.optim import Optimizer


class Sequential(Layer):
    """Layers applied in order; itself a :class:`~networks.layers.base.Layer`.

    Parameters
    ----------
    layers : sequence of Layer
        The layers, first applied first.
    seed : int or None
        If given, every layer's parameters are redrawn, in order, from one generator seeded
        with it, so the same seed gives the same initial weights.

    Notes
    -----
    ``params`` and ``grads`` are flat dicts keyed ``"<index>.<name>"`` (``"0.W"``) that share
    the arrays of the layers.
    """

    def __init__(self, layers: Sequence[Layer], seed: int | None = None) -> None:
        super().__init__()
        self.layers = list(layers)
        self.history: dict[str, list[float]] = {}  # of the last fit, updated as it runs
        for k, layer in enumerate(self.layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layers[{k}] must be a networks Layer; got {type(layer)!r}")
        if seed is not None:
            rng = as_generator(seed)
            for layer in self.layers:
                layer.initialize(rng)

    @property
    def params(self) -> dict[str, np.ndarray]:  # type: ignore[override]
        return {f"{k}.{n}": p for k, lay in enumerate(self.layers) for n, p in lay.params.items()}

    @params.setter
    def params(self, value: dict) -> None:
        pass  # set by Layer.__init__; the real arrays live in the layers

    @property
    def grads(self) -> dict[str, np.ndarray]:  # type: ignore[override]
        return {f"{k}.{n}": g for k, lay in enumerate(self.layers) for n, g in lay.grads.items()}

    @grads.setter
    def grads(self, value: dict) -> None:
        pass

    def parameters(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Parallel lists (params, grads) in layer order, for an optimiser step."""
        params, grads = [], []
        for layer in self.layers:
            for name in layer.params:
                params.append(layer.params[name])
                grads.append(layer.grads[name])
        return params, grads

    def initialize(self, rng: np.random.Generator) -> None:
        for layer in self.layers:
            layer.initialize(rng)

    def seed(self, rng: np.random.Generator) -> None:
        for layer in self.layers:
            layer.seed(rng)

    def astype(self, dtype: np.dtype | type) -> Sequential:
        for layer in self.layers:
            layer.astype(dtype)
        return self

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        """Apply the layers in order."""
        for layer in self.layers:
            x = layer.forward(x, training=training)
        return x

    def backward(self, dy: np.ndarray) -> np.ndarray:
        """Back-propagate dL/dy through the layers in reverse; returns dL/dx."""
        for layer in reversed(self.layers):
            dy = layer.backward(dy)
        return dy

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        for layer in self.layers:
            input_shape = layer.output_shape(input_shape)
        return input_shape

    def count_params(self) -> int:
        return int(sum(layer.count_params() for layer in self.layers))

    def predict(self, x: np.ndarray, batch_size: int = 256) -> np.ndarray:
        """Outputs in inference mode (dropout off), computed in batches of ``batch_size``."""
        x = self._as_input(x)
        outs = [
            self.forward(x[s : s + batch_size], training=False)
            for s in range(0, len(x), batch_size)
        ]
        return np.concatenate(outs)

    def evaluate(
        self, x: np.ndarray, y: np.ndarray, loss: Loss, batch_size: int = 256
    ) -> dict[str, float]:
        """Mean ``loss`` over the data, and ``accuracy`` for :class:`CrossEntropy`.

        Returns
        -------
        dict
            ``{"loss": float}``, plus ``"accuracy"`` when ``loss`` is a CrossEntropy.
        """
        pred = self.predict(x, batch_size)
        out = {"loss": loss.forward(pred, y)}
        if isinstance(loss, CrossEntropy):
            out["accuracy"] = accuracy(pred, y)
        return out

    def _as_input(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x)
        params = self.parameters()[0]
        dtype = params[0].dtype if params else np.float64
        return x if x.dtype == dtype else x.astype(dtype)

    def fit(
        self,
        x: np.ndarray,
        y: np.ndarray,
        loss: Loss,
        optimizer: Optimizer,
        epochs: int = 1,
        batch_size: int = 32,
        validation: tuple[np.ndarray, np.ndarray] | None = None,
        seed: int | None = 0,
        shuffle: bool = True,
        progress: bool = True,
    ) -> dict[str, list[float]]:
        """Train by minibatch gradient descent.

        Parameters
        ----------
        x, y : numpy.ndarray
            Inputs (N, ...) and targets (N, ...).
        loss : Loss
            Training objective, e.g. ``MSE()`` or ``CrossEntropy()``.
        optimizer : Optimizer
            Updates parameters from gradients after each batch.
        epochs, batch_size : int
            Passes over the data and samples per update (the last batch may be smaller).
        validation : (x_val, y_val) or None
            Evaluated after each epoch.
        seed : int or None
            Seeds the shuffling and dropout; the same seed (and initial weights) gives a
            bit-identical history.
        shuffle : bool
            Reshuffle the samples every epoch.
        progress : bool
            Show a tqdm progress bar over the epochs.

        Returns
        -------
        dict[str, list[float]]
            ``"loss"`` (mean training loss per epoch), and with CrossEntropy ``"accuracy"``;
            with ``validation`` also ``"val_loss"`` (and ``"val_accuracy"``).

        The history is also kept in ``self.history`` as it grows, so Ctrl+C (which stops
        training and propagates KeyboardInterrupt) loses nothing recorded: the parameters are
        those after the last completed step and ``self.history`` holds the completed epochs.

        Raises
        ------
        FloatingPointError
            When the loss becomes NaN or infinite; the message names the epoch and step.
        """
        x = self._as_input(x)
        y = np.asarray(y)
        if len(x) != len(y):
            raise ValueError(f"x has {len(x)} samples but y has {len(y)}")
        if int(epochs) != epochs or epochs < 1:
            raise ValueError(f"epochs must be a positive integer; got {epochs!r}")
        if int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}")
        rng = as_generator(seed)
        self.seed(rng)
        classify = isinstance(loss, CrossEntropy)
        history: dict[str, list[float]] = {"loss": []}
        if classify:
            history["accuracy"] = []
        if validation is not None:
            history["val_loss"] = []
            if classify:
                history["val_accuracy"] = []
        self.history = history
        params, _ = self.parameters()
        bar = _progress(epochs, progress)
        try:
            self._epochs(x, y, loss, optimizer, epochs, batch_size, validation, rng, shuffle,
                         history, classify, params, bar)  # fmt: skip
        finally:
            bar.close()
        return history

    def _epochs(self, x, y, loss, optimizer, epochs, batch_size, validation, rng, shuffle,
                history, classify, params, bar) -> None:  # fmt: skip
        n = len(x)
        for epoch in range(1, epochs + 1):
            order = rng.permutation(n) if shuffle else np.arange(n)
            total, correct = 0.0, 0.0
            for step, start in enumerate(range(0, n, batch_size), start=1):
                idx = order[start : start + batch_size]
                xb, yb = x[idx], y[idx]
                # overflow is detected below and reported with advice, not as a warning
                with np.errstate(over="ignore", invalid="ignore"):
                    out = self.forward(xb, training=True)
                    value = loss.forward(out, yb)
                if not np.isfinite(value):
                    raise FloatingPointError(
                        f"loss became {value} at epoch {epoch}, step {step} "
                        f"(batch of {len(idx)}); try a lower learning rate than "
                        f"lr={optimizer.lr} or gradient clipping (e.g. clip_norm=1.0 on the "
                        "optimiser), and check the inputs for NaN or very large values"
                    )
                with np.errstate(over="ignore", invalid="ignore"):
                    self.backward(loss.backward())
                    optimizer.step(params, self.parameters()[1])
                total += value * len(idx)
                if classify:
                    correct += accuracy(out, yb) * len(idx)
            history["loss"].append(total / n)
            if classify:
                history["accuracy"].append(correct / n)
            if validation is not None:
                ev = self.evaluate(validation[0], validation[1], loss)
                history["val_loss"].append(ev["loss"])
                if classify:
                    history["val_accuracy"].append(ev["accuracy"])
            bar.update(1)
            bar.set_postfix({k: f"{v[-1]:.4g}" for k, v in history.items()})

    def summary(self, input_shape: tuple[int, ...], print_fn=print) -> str:
        """Print and return a table of layers, output shapes and parameter counts.

        Parameters
        ----------
        input_shape : tuple of int
            Shape of one sample, without the batch axis (e.g. (1, 28, 28)).
        """
        rows = []
        shape = tuple(input_shape)
        for k, layer in enumerate(self.layers):
            shape = layer.output_shape(shape)
            rows.append((f"{k}: {layer!r}", str((None, *shape)), f"{layer.count_params():,}"))
        head = ("Layer", "Output shape", "Params")
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(3)]
        line = "-" * (sum(widths) + 4)

        def fmt(r: tuple[str, str, str]) -> str:
            return f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}"

        text = "\n".join(
            [
                line,
                fmt(head),
                "=" * len(line),
                *map(fmt, rows),
                "=" * len(line),
                f"Total params: {self.count_params():,}",
                line,
            ]
        )
        print_fn(text)
        return text

    def __repr__(self) -> str:
        inner = ",\n    ".join(repr(layer) for layer in self.layers)
        return f"Sequential([\n    {inner}\n])"


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def set_postfix(self, d: dict) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, enabled: bool):
    if not enabled:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="epoch", leave=False)
