"""Synthetic sequence tasks and loaders for scikit-learn's bundled data sets.

Every generator takes a ``seed`` (int, Generator or None) and returns ``(x, y)`` arrays.
"""

from __future__ import annotations

import numpy as np

from networks import _checks
from networks.layers.base import as_generator

ADDING_VARIANTS = ("arjovsky", "hochreiter1997")


def adding_problem(
    n: int,
    T: int,
    variant: str = "arjovsky",
    seed: np.random.Generator | int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The adding problem: remember two marked values across a long sequence.

    Each step is a pair (value, marker).

    ``"arjovsky"`` (Arjovsky, Shah and Bengio 2016): values U[0, 1], exactly one marker 1 in
    each half of the T steps, target the sum of the two marked values. Predicting the mean
    1 gives MSE 1/6.

    ``"hochreiter1997"`` (Hochreiter and Schmidhuber 1997, experiment 4): values U[-1, 1];
    lengths drawn uniformly from T .. T + T//10; markers -1 on the first and last step; one mark
    among the first ten steps (X1), another among the first T/2 - 1 still unmarked steps (X2); a
    marked first step has its value set to 0. Target ``0.5 + (X1 + X2) / 4`` in [0, 1]; a
    sequence counts as correct if the absolute error is below 0.04. Sequences are padded at
    the end with all-zero steps to T + T//10: use ``LSTM(..., mask_value=0.0)`` so the padding is
    skipped (a real step is never all zero: its value is 0 only with probability 0 unless the
    marker is 1).

    Parameters
    ----------
    n : int
        Number of sequences.
    T : int
        Sequence length (minimal length for the 1997 variant), T >= 4 (>= 22 for 1997).
    variant : {"arjovsky", "hochreiter1997"}
    seed : int, Generator or None

    Returns
    -------
    x : numpy.ndarray, shape (n, T_max, 2)
        Values in ``x[..., 0]``, markers in ``x[..., 1]``; T_max = T, or T + T//10 for 1997.
    y : numpy.ndarray, shape (n, 1)
    """
    if not isinstance(variant, str) or variant not in ADDING_VARIANTS:
        raise ValueError(f"variant must be one of {ADDING_VARIANTS}; got {_checks.short(variant)}")
    n = _checks.positive_int("n", n)
    T = _checks.positive_int("T", T)
    _checks.fits_in_memory("n, T", 5 * 8 * n * (T + T // 10), f"{n} sequences of {T} steps")
    rng = as_generator(seed, "seed")
    rows = np.arange(n)
    if variant == "arjovsky":
        if T < 4:
            raise ValueError(f"T must be an integer >= 4 for the arjovsky variant; got {T!r}")
        x = np.zeros((n, T, 2))
        x[:, :, 0] = rng.uniform(0.0, 1.0, size=(n, T))
        half = T // 2
        first = rng.integers(0, half, size=n)
        second = rng.integers(half, T, size=n)
        x[rows, first, 1] = 1.0
        x[rows, second, 1] = 1.0
        y = x[rows, first, 0] + x[rows, second, 0]
        return x, y[:, None]
    if T < 22:
        raise ValueError(f"T must be an integer >= 22 for the hochreiter1997 variant; got {T!r}")
    t_max = T + T // 10
    lengths = rng.integers(T, t_max + 1, size=n)
    x = np.zeros((n, t_max, 2))
    values = rng.uniform(-1.0, 1.0, size=(n, t_max))
    valid = np.arange(t_max)[None, :] < lengths[:, None]
    x[:, :, 0] = np.where(valid, values, 0.0)
    x[:, 0, 1] = -1.0
    x[rows, lengths - 1, 1] = -1.0
    first = rng.integers(0, 10, size=n)
    # second: uniform among the first T/2 - 1 positions that are not `first`
    second = rng.integers(0, T // 2 - 1, size=n)
    second = second + (second >= first)
    x[rows, first, 1] = 1.0
    x[rows, second, 1] = 1.0
    x[:, 0, 0] = np.where(x[:, 0, 1] == 1.0, 0.0, x[:, 0, 0])
    y = 0.5 + (x[rows, first, 0] + x[rows, second, 0]) / 4.0
    return x, y[:, None]


def periodic(
    pattern: str | np.ndarray = "1000",
    n: int = 64,
    length: int = 48,
    seed: np.random.Generator | int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Next-symbol prediction on a repeated pattern such as ``1000 1000 1000 ...``.

    Each sequence starts at a random phase of the pattern; the target at step t is the input
    at step t + 1, so a model must count steps since the last 1 to predict the next one.

    Returns
    -------
    x, y : numpy.ndarray, shape (n, length, 1)
    """
    if isinstance(pattern, str):
        if not pattern.isdecimal() or not pattern.isascii():
            raise ValueError(f"pattern must be a string of digits; got {_checks.short(pattern)}")
        p = np.array([float(ch) for ch in pattern])
    else:
        p = _checks.finite("pattern", _checks.real_array("pattern", pattern).astype(float))
    if p.ndim != 1 or p.size < 1:
        raise ValueError(f"pattern must be a non-empty 1-D sequence; got {_checks.short(pattern)}")
    n = _checks.positive_int("n", n)
    length = _checks.positive_int("length", length)
    _checks.fits_in_memory("n, length", 4 * 8 * n * (length + 1), f"{n} sequences of {length}")
    rng = as_generator(seed, "seed")
    phase = rng.integers(0, p.size, size=n)
    idx = (phase[:, None] + np.arange(length + 1)[None, :]) % p.size
    seq = p[idx]
    return seq[:, :-1, None], seq[:, 1:, None]


def _sklearn_datasets():
    try:
        from sklearn import datasets
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "this loader needs scikit-learn (bundled data); install it with "
            "`pip install spiker[sklearn]`"
        ) from exc
    return datasets


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8x8 handwritten digits (1797 images, 10 classes).

    Returns
    -------
    x : numpy.ndarray, shape (1797, 1, 8, 8)
        Pixel intensities scaled from 0..16 to [0, 1], NCHW.
    y : numpy.ndarray of int64, shape (1797,)
    """
    d = _sklearn_datasets().load_digits()
    return (d.images / 16.0)[:, None, :, :], d.target.astype(np.int64)


def load_diabetes() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled diabetes regression data (442 patients, 10 features).

    Returns
    -------
    x : numpy.ndarray, shape (442, 10)
        Features standardised to mean 0 and standard deviation 1.
    y : numpy.ndarray, shape (442, 1)
        Disease progression after one year, between 25 and 346.
    """
    d = _sklearn_datasets().load_diabetes()
    x = (d.data - d.data.mean(axis=0)) / d.data.std(axis=0)
    return x, d.target.astype(np.float64)[:, None]


def _samples(name: str, value) -> np.ndarray:
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        got = _checks.short(value)
        raise ValueError(f"{name} must be a rectangular array; got {got}") from None
    if arr.ndim < 1 or len(arr) == 0:
        raise ValueError(
            f"{name} must be an array of at least one sample (N, ...); got {_checks.short(value)}"
        )
    return arr


def train_test_split(
    x: np.ndarray,
    y: np.ndarray,
    test_size: float = 0.2,
    stratify: bool = False,
    seed: np.random.Generator | int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Random split into (x_train, x_test, y_train, y_test).

    With ``stratify`` the test set takes ``round(test_size * count)`` samples of every class of
    the integer labels ``y``, so class proportions are kept.
    """
    if not _checks.is_real(test_size):
        raise TypeError(f"test_size must be a number in (0, 1); got {_checks.short(test_size)}")
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be in (0, 1); got {test_size!r}")
    stratify = _checks.flag("stratify", stratify)
    x, y = _samples("x", x), _samples("y", y)
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} samples but y has {len(y)}")
    rng = as_generator(seed, "seed")
    n = len(x)
    if stratify:
        labels = np.asarray(y).reshape(n, -1)[:, 0]
        test = []
        for cls in np.unique(labels):
            members = rng.permutation(np.flatnonzero(labels == cls))
            test.append(members[: int(round(test_size * len(members)))])
        test_idx = np.sort(np.concatenate(test))
    else:
        test_idx = np.sort(rng.permutation(n)[: int(round(test_size * n))])
    mask = np.zeros(n, dtype=bool)
    mask[test_idx] = True
    train_idx = rng.permutation(np.flatnonzero(~mask))
    return x[train_idx], x[test_idx], y[train_idx], y[test_idx]
