"""Sequential model: a list of layers trained by minibatch gradient descent."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from networks import _checks
from networks._checks import NonFiniteError
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
        if not isinstance(layers, Sequence) or isinstance(layers, str):
            got = _checks.short(layers)
            raise TypeError(f"layers must be a list of networks Layers; got {got}")
        self.layers = list(layers)
        self.history: dict[str, list[float]] = {}  # of the last fit, updated as it runs
        for k, layer in enumerate(self.layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layers[{k}] must be a networks Layer; got {type(layer)!r}")
        if seed is not None:
            rng = as_generator(seed, "seed")
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

    @property
    def nan_is_padding(self) -> bool:
        return bool(self.layers) and self.layers[0].nan_is_padding

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
        """Outputs in inference mode (dropout off), computed in batches of ``batch_size``.

        ``x``: (N, ...) finite real numbers, N >= 1 (NaN allowed where the first layer takes it
        as padding).
        """
        x = self._as_input(x)
        batch_size = _checks.positive_int("batch_size", batch_size)
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
        if not isinstance(loss, Loss):
            raise TypeError(f"loss must be a networks Loss; got {_checks.short(loss)}")
        x = self._as_input(x)
        y = self._as_target("y", y, len(x), "x")
        pred = self.predict(x, batch_size)
        loss.check_targets(y, pred.shape[1:])
        try:
            out = {"loss": loss.forward(pred, y)}
        except NonFiniteError as exc:
            raise NonFiniteError(
                f"the loss of the predictions for x against y is not finite: {exc}"
            ) from None
        if isinstance(loss, CrossEntropy):
            out["accuracy"] = accuracy(pred, y)
        return out

    def _as_input(self, x: np.ndarray, name: str = "x") -> np.ndarray:
        """``x`` as a finite real array (N, ...), N >= 1, in the parameters' dtype."""
        params = self.parameters()[0]
        dtype = params[0].dtype if params else np.float64
        x = _checks.real_array(name, x, dtype=dtype)
        if x.ndim < 1 or len(x) == 0:
            raise ValueError(f"{name} must hold at least one sample (N, ...); got shape {x.shape}")
        _checks.finite(name, np.nan_to_num(x, nan=0.0) if self.nan_is_padding else x)
        return x

    @staticmethod
    def _as_target(name: str, y, n: int, x_name: str) -> np.ndarray:
        y = _checks.finite(name, _checks.real_array(name, y))
        if y.ndim < 1 or len(y) != n:
            raise ValueError(
                f"{name} must hold one sample per sample of {x_name} ({n}); got shape {y.shape}"
            )
        return y

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
        ValueError, TypeError
            Before any training, for data or arguments that do not fit (naming them): x and y
            must be finite real arrays with the same number of samples, y must fit the model's
            output and the loss.
        networks.NonFiniteError
            (a ValueError and a FloatingPointError) when training diverges: the loss, an
            activation, a gradient or a parameter overflows or becomes NaN. The message names
            the epoch and step, and the layer or parameter where it happened.
        """
        x = self._as_input(x)
        y = _checks.finite("y", _checks.real_array("y", y))
        if y.ndim < 1 or len(x) != len(y):
            raise ValueError(f"x has {len(x)} samples but y has {len(y) if y.ndim else 0}")
        if not isinstance(loss, Loss):
            raise TypeError(f"loss must be a networks Loss; got {_checks.short(loss)}")
        if not isinstance(optimizer, Optimizer):
            got = _checks.short(optimizer)
            raise TypeError(f"optimizer must be a networks Optimizer; got {got}")
        epochs = _checks.positive_int("epochs", epochs)
        batch_size = _checks.positive_int("batch_size", batch_size)
        shuffle = _checks.flag("shuffle", shuffle)
        progress = _checks.flag("progress", progress)
        out_shape = self._fits(x, "x")
        loss.check_targets(y, out_shape)
        if validation is not None:
            if not isinstance(validation, tuple | list) or len(validation) != 2:
                got = _checks.short(validation)
                raise TypeError(f"validation must be a pair (x_val, y_val) or None; got {got}")
            x_val = self._as_input(validation[0], "validation[0]")
            y_val = self._as_target("validation[1]", validation[1], len(x_val), "validation[0]")
            loss.check_targets(y_val, self._fits(x_val, "validation[0]"))
            validation = (x_val, y_val)
        rng = as_generator(seed, "seed")
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
                # validated once above: the layers trust the batch, and divergence shows in
                # the loss or in the parameters the step made; _diagnose then finds where
                try:
                    with np.errstate(over="ignore", invalid="ignore"), _checks.validated_once():
                        out = self.forward(xb, training=True)
                        value = loss.forward(out, yb)
                        if not np.isfinite(value):
                            raise NonFiniteError(f"the loss became {value}")
                        self.backward(loss.backward())
                    optimizer.step(params, self.parameters()[1])
                except FloatingPointError as exc:
                    raise NonFiniteError(
                        f"training diverged at epoch {epoch}, step {step} (batch of "
                        f"{len(idx)}): {exc}{self._diagnose(xb)}; try a lower learning rate "
                        f"than lr={optimizer.lr} or gradient clipping (e.g. clip_norm=1.0 on "
                        "the optimiser)"
                    ) from None
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

    def _diagnose(self, xb: np.ndarray) -> str:
        """Where a diverged step went wrong: a non-finite gradient or parameter (by name), or
        the first layer whose output overflows for this batch (forward run with its checks)."""
        for what, arrays in (("the gradient of", self.grads), ("parameter", self.params)):
            for key, a in arrays.items():
                if not np.isfinite(a).all():
                    return f"; {what} {key!r} holds {a[~np.isfinite(a)].flat[0]}"
        try:
            self.forward(xb, training=False)
        except FloatingPointError as exc:
            return f"; {exc}"
        return ""

    def _fits(self, x: np.ndarray, name: str) -> tuple[int, ...]:
        """Per-sample output shape for ``x``, from one sample run through the model (so a
        shape that does not fit is refused, naming ``name``, before any training)."""
        try:
            out = self.forward(x[:1], training=False)
        except NonFiniteError:
            raise
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{name} of shape {x.shape} does not fit the model: {exc}") from None
        return out.shape[1:]

    def summary(self, input_shape: tuple[int, ...], print_fn=print) -> str:
        """Print and return a table of layers, output shapes and parameter counts.

        Parameters
        ----------
        input_shape : tuple of int
            Shape of one sample, without the batch axis (e.g. (1, 28, 28)).
        print_fn : callable
            Called with the table.
        """
        if not isinstance(input_shape, tuple | list) or not input_shape:
            raise TypeError(
                f"input_shape must be a tuple of positive ints; got {_checks.short(input_shape)}"
            )
        shape = tuple(_checks.positive_int("input_shape", d) for d in input_shape)
        if not callable(print_fn):
            raise TypeError(f"print_fn must be callable; got {_checks.short(print_fn)}")
        rows = []
        for k, layer in enumerate(self.layers):
            before = shape
            try:
                shape = tuple(layer.output_shape(shape))
            except (ValueError, TypeError, IndexError) as exc:
                raise ValueError(
                    f"input_shape {tuple(input_shape)} does not fit layer {k} ({layer!r}) at "
                    f"{before}: {exc}"
                ) from None
            if any(not isinstance(d, int | np.integer) or d < 1 for d in shape):
                raise ValueError(
                    f"input_shape {tuple(input_shape)} gives layer {k} ({layer!r}) the output "
                    f"shape {shape} from {before}"
                )
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
