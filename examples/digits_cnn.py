"""A small CNN on scikit-learn's bundled 8x8 digits (needs scikit-learn).

Stratified 80/20 split, Conv(1->16, 3x3, same) - ReLU - Conv(16->32, 3x3, same) - ReLU -
MaxPool 2 - Dense(512->64) - ReLU - Dropout - Dense(64->10), Adam. Prints the summary and the
test accuracy (>= 0.96 with the defaults) and plots the learning curves to ``--out``.

    python examples/digits_cnn.py [--epochs 20] [--seed 0] [--out digits_cnn.png]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import networks as nw


def build(seed: int = 0) -> nw.Sequential:
    return nw.Sequential(
        [
            nw.Conv2D(1, 16, 3, padding="same"),
            nw.ReLU(),
            nw.Conv2D(16, 32, 3, padding="same"),
            nw.ReLU(),
            nw.MaxPool2D(2),
            nw.Flatten(),
            nw.Dense(32 * 4 * 4, 64, init="he_uniform"),
            nw.ReLU(),
            nw.Dropout(0.25),
            nw.Dense(64, 10),
        ],
        seed=seed,
    )


def run(
    epochs: int = 20,
    batch_size: int = 32,
    lr: float = 1e-3,
    seed: int = 0,
    dtype: str = "float32",
    progress: bool = True,
) -> dict:
    """Train and test; returns the history, ``test_accuracy``, ``seconds`` and the model."""
    x, y = nw.datasets.load_digits()
    x_train, x_test, y_train, y_test = nw.datasets.train_test_split(
        x, y, test_size=0.2, stratify=True, seed=seed
    )
    model = build(seed).astype(dtype)
    t0 = time.perf_counter()
    history = model.fit(
        x_train,
        y_train,
        nw.CrossEntropy(),
        nw.Adam(lr),
        epochs=epochs,
        batch_size=batch_size,
        validation=(x_test, y_test),
        seed=seed,
        progress=progress,
    )
    seconds = time.perf_counter() - t0
    test = model.evaluate(x_test, y_test, nw.CrossEntropy())
    return {
        **history,
        "test_accuracy": test["accuracy"],
        "seconds": seconds,
        "model": model,
        "n_test": len(y_test),
    }


def plot(result: dict, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(8, 3.2))
    epochs = np.arange(1, len(result["loss"]) + 1)
    a1.plot(epochs, result["loss"], label="train")
    a1.plot(epochs, result["val_loss"], label="test")
    a1.set_xlabel("epoch")
    a1.set_ylabel("cross-entropy")
    a1.legend()
    a2.plot(epochs, result["accuracy"], label="train")
    a2.plot(epochs, result["val_accuracy"], label="test")
    a2.set_xlabel("epoch")
    a2.set_ylabel("accuracy")
    fig.suptitle(
        f"CNN on the 8x8 digits: test accuracy {result['test_accuracy']:.3f} "
        f"on {result['n_test']} images",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="BLAS threads (the matrices are small; extra threads only spin on a busy machine)",
    )
    parser.add_argument("--out", default="digits_cnn.png", help="figure path")
    args = parser.parse_args(argv)
    nw.limit_blas_threads(args.blas_threads)
    build(args.seed).summary((1, 8, 8))
    result = run(args.epochs, args.batch_size, args.lr, args.seed, args.dtype)
    print(
        f"test accuracy {result['test_accuracy']:.4f} on {result['n_test']} images "
        f"after {args.epochs} epochs ({result['seconds']:.1f} s)"
    )
    plot(result, args.out)
    return result


if __name__ == "__main__":
    main()
