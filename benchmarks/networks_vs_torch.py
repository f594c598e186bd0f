"""Speed of networks against PyTorch on the CPU, same run, float32 and float64.

Measures (1) one LSTM forward + backward pass (B=64, T=100, D=2, H=64, last output, MSE) and
(2) one training epoch of the digits CNN of ``examples/digits_cnn.py`` (1437 images, batch 32,
Adam). Prints the median of ``--repeats`` timings for each and the ratio ours / torch
(below 1 means faster than torch).

    python benchmarks/networks_vs_torch.py [--repeats 7] [--threads 1]

torch is required here (it is the peer); networks itself never imports it.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import networks as nw


def median_time(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def lstm_ours(dtype, b=64, t=100, d=2, h=64):
    rng = np.random.default_rng(0)
    layer = nw.LSTM(d, h, rng=0).astype(dtype)
    x = rng.standard_normal((b, t, d)).astype(dtype)
    y = rng.standard_normal((b, h)).astype(dtype)
    loss = nw.MSE()

    def step():
        loss.forward(layer.forward(x), y)
        layer.backward(loss.backward())

    return step


def lstm_torch(torch, dtype, b=64, t=100, d=2, h=64):
    rng = np.random.default_rng(0)
    layer = torch.nn.LSTM(d, h, batch_first=True).to(dtype)
    x = torch.tensor(rng.standard_normal((b, t, d)), dtype=dtype)
    y = torch.tensor(rng.standard_normal((b, h)), dtype=dtype)

    def step():
        layer.zero_grad()
        out, _ = layer(x)
        torch.nn.functional.mse_loss(out[:, -1], y).backward()

    return step


def digits_data(n=1437, seed=0):
    rng = np.random.default_rng(seed)
    try:
        x, y = nw.datasets.load_digits()
        x, y = x[:n], y[:n]
    except ImportError:  # synthetic stand-in of the same shape
        x, y = rng.random((n, 1, 8, 8)), rng.integers(0, 10, n)
    return x, y


def make_cnn(seed: int = 0) -> nw.Sequential:
    """The digits CNN (same as examples/digits_cnn.py)."""
    return nw.Sequential(
        [
            nw.Conv2D(1, 16, 3, padding="same"),
            nw.ReLU(),
            nw.Conv2D(16, 32, 3, padding="same"),
            nw.ReLU(),
            nw.MaxPool2D(2),
            nw.Flatten(),
            nw.Dense(32 * 4 * 4, 64),
            nw.ReLU(),
            nw.Dense(64, 10),
        ],
        seed=seed,
    )


def cnn_epoch_ours(dtype, x, y):
    model = make_cnn().astype(dtype)
    xd = x.astype(dtype)
    opt = nw.Adam(1e-3)

    def epoch():
        model.fit(xd, y, nw.CrossEntropy(), opt, epochs=1, batch_size=32, progress=False)

    return epoch


def cnn_epoch_torch(torch, dtype, x, y):
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding="same"),
        nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding="same"),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(32 * 4 * 4, 64),
        nn.ReLU(),
        nn.Linear(64, 10),
    ).to(dtype)
    xt = torch.tensor(x, dtype=dtype)
    yt = torch.tensor(y, dtype=torch.long)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    gen = torch.Generator().manual_seed(0)
    loss_fn = nn.CrossEntropyLoss()

    def epoch():
        perm = torch.randperm(len(xt), generator=gen)
        for s in range(0, len(xt), 32):
            idx = perm[s : s + 32]
            opt.zero_grad()
            loss_fn(model(xt[idx]), yt[idx]).backward()
            opt.step()

    return epoch


def main(argv: list[str] | None = None) -> list[tuple[str, str, float, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed repeats per case")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads for torch and for NumPy's BLAS (0: each library's default). One thread "
        "gives stable figures on a shared machine, where idle BLAS threads spin",
    )
    args = parser.parse_args(argv)
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
        try:  # the same number of BLAS threads for NumPy
            from threadpoolctl import threadpool_limits

            threadpool_limits(limits=args.threads, user_api="blas")
        except ImportError:
            print("threadpoolctl not installed: NumPy's BLAS keeps its default threads")
    x, y = digits_data()
    rows = []
    for name, np_dtype, t_dtype in (
        ("float64", np.float64, torch.float64),
        ("float32", np.float32, torch.float32),
    ):
        ours = median_time(lstm_ours(np_dtype), args.repeats)
        ref = median_time(lstm_torch(torch, t_dtype), args.repeats)
        rows.append(("LSTM fwd+bwd B64 T100 H64", name, ours, ref))
        ours = median_time(cnn_epoch_ours(np_dtype, x, y), max(3, args.repeats // 2))
        ref = median_time(cnn_epoch_torch(torch, t_dtype, x, y), max(3, args.repeats // 2))
        rows.append(("digits CNN epoch (1437 img)", name, ours, ref))
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}; numpy {np.__version__}")
    print(f"{'case':<28} {'dtype':<8} {'ours ms':>9} {'torch ms':>9} {'ours/torch':>10}")
    for case, dt, ours, ref in rows:
        print(f"{case:<28} {dt:<8} {1e3 * ours:>9.2f} {1e3 * ref:>9.2f} {ours / ref:>10.2f}")
    return rows


if __name__ == "__main__":
    main()
