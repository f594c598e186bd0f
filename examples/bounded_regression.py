"""Bounded regression: a ScaledSigmoid head on scikit-learn's diabetes data.

The target (disease progression one year on) lies between 25 and 346. The network ends in
``ScaledSigmoid(0, 400)``, so no prediction can leave [0, 400] however far the inputs are from
the training data -- the same head serves targets such as an age in [0, 100]. A small net
(Dense 10->8, tanh, Dense 8->1, head) matches ordinary least squares on this almost linear
data (test R^2 about 0.5); prints both, and plots predicted against true values to ``--out``.

    python examples/bounded_regression.py [--epochs 150] [--seed 0] [--out bounded_regression.png]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import networks as nw


def build(low: float, high: float, seed: int) -> nw.Sequential:
    return nw.Sequential(
        [
            nw.Dense(10, 8),
            nw.Tanh(),
            nw.Dense(8, 1),
            nw.ScaledSigmoid(low, high),
        ],
        seed=seed,
    )


def r2(pred: np.ndarray, y: np.ndarray) -> float:
    return float(1 - np.sum((pred - y) ** 2) / np.sum((y - y.mean()) ** 2))


def run(
    epochs: int = 150,
    lr: float = 1e-3,
    low: float = 0.0,
    high: float = 400.0,
    seed: int = 0,
    progress: bool = True,
) -> dict:
    """Train on 80 % of the patients; returns test RMSE and R^2 for the net and for OLS."""
    x, y = nw.datasets.load_diabetes()
    x_tr, x_te, y_tr, y_te = nw.datasets.train_test_split(x, y, 0.2, seed=seed)
    model = build(low, high, seed)
    t0 = time.perf_counter()
    history = model.fit(
        x_tr,
        y_tr,
        nw.MSE(),
        nw.Adam(lr),
        epochs=epochs,
        batch_size=32,
        validation=(x_te, y_te),
        seed=seed,
        progress=progress,
    )
    seconds = time.perf_counter() - t0
    pred = model.predict(x_te)
    a = np.c_[x_tr, np.ones(len(x_tr))]
    coef = np.linalg.lstsq(a, y_tr, rcond=None)[0]
    ols = np.c_[x_te, np.ones(len(x_te))] @ coef
    far = model.predict(np.full((1, 10), 50.0))  # far outside the data: still inside the bounds
    return {
        **history,
        "rmse": float(np.sqrt(np.mean((pred - y_te) ** 2))),
        "r2": r2(pred, y_te),
        "ols_rmse": float(np.sqrt(np.mean((ols - y_te) ** 2))),
        "ols_r2": r2(ols, y_te),
        "pred": pred,
        "y_test": y_te,
        "extreme_prediction": float(far[0, 0]),
        "seconds": seconds,
    }


def plot(result: dict, path: str, low: float, high: float) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 4.6))
    span = high - low
    ax.axhspan(high, high + 0.1 * span, color="red", alpha=0.12, lw=0,
               label=f"outside the head's bounds [{low:g}, {high:g}]")  # fmt: skip
    ax.axhspan(low - 0.1 * span, low, color="red", alpha=0.12, lw=0)
    ax.plot([low, high], [low, high], color="grey", lw=0.8, label="prediction = truth")
    ax.scatter(result["y_test"], result["pred"], s=10, label="test patients")
    ax.set_xlim(low - 0.1 * span, high + 0.1 * span)
    ax.set_ylim(low - 0.1 * span, high + 0.1 * span)
    ax.set_xlabel("true progression (one year on)")
    ax.set_ylabel("predicted progression")
    ax.set_title(
        f"ScaledSigmoid({low:g}, {high:g}) head: test $R^2$ = {result['r2']:.2f}\n"
        f"(least squares: $R^2$ = {result['ols_r2']:.2f})",
        fontsize=10,
    )
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=150)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--low", type=float, default=0.0)
    parser.add_argument("--high", type=float, default=400.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="BLAS threads (the matrices are small; extra threads only spin on a busy machine)",
    )
    parser.add_argument("--out", default="bounded_regression.png", help="figure path")
    args = parser.parse_args(argv)
    nw.limit_blas_threads(args.blas_threads)
    build(args.low, args.high, args.seed).summary((10,))
    r = run(args.epochs, args.lr, args.low, args.high, args.seed)
    print(
        f"test RMSE {r['rmse']:.1f}, R^2 {r['r2']:.3f} (least squares: RMSE {r['ols_rmse']:.1f}, "
        f"R^2 {r['ols_r2']:.3f}); prediction for an input of 50 sd: "
        f"{r['extreme_prediction']:.1f} (bounds [{args.low}, {args.high}]); {r['seconds']:.1f} s"
    )
    plot(r, args.out, args.low, args.high)
    return r


if __name__ == "__main__":
    main()
