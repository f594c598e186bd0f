"""Data: the two adding problems as published, periodic sequences, bundled loaders, splits."""

from __future__ import annotations

import numpy as np
import pytest

import networks as nw
from networks.datasets import adding_problem, periodic, train_test_split


def test_arjovsky_adding_problem_has_one_marker_per_half_and_sums_them():
    x, y = adding_problem(500, 40, "arjovsky", seed=0)
    assert x.shape == (500, 40, 2) and y.shape == (500, 1)
    values, marks = x[..., 0], x[..., 1]
    assert values.min() >= 0 and values.max() <= 1
    np.testing.assert_array_equal(marks[:, :20].sum(1), 1)
    np.testing.assert_array_equal(marks[:, 20:].sum(1), 1)
    np.testing.assert_allclose(y[:, 0], (values * marks).sum(1), rtol=1e-15)
    # predicting the mean 1 scores MSE 1/6, the memoryless baseline
    big = adding_problem(20000, 10, "arjovsky", seed=1)[1]
    assert np.mean((big - 1.0) ** 2) == pytest.approx(1 / 6, abs=0.005)


def test_hochreiter1997_adding_problem_follows_the_paper():
    T = 100
    x, y = adding_problem(2000, T, "hochreiter1997", seed=0)
    assert x.shape == (2000, T + T // 10, 2)
    real = ~(x == 0).all(axis=2)
    lengths = real.sum(1)
    assert lengths.min() == T and lengths.max() == T + T // 10
    assert (real == (np.arange(x.shape[1])[None] < lengths[:, None])).all()  # padding at the end
    values, marks = x[..., 0], x[..., 1]
    assert values.min() >= -1 and values.max() <= 1
    rows = np.arange(len(x))
    np.testing.assert_array_equal(marks[rows, lengths - 1], -1)
    np.testing.assert_array_equal((marks == 1).sum(1), 2)
    pos = np.sort(np.argwhere(marks == 1)[:, 1].reshape(-1, 2), axis=1)
    assert pos[:, 0].max() <= T // 2 - 1 and pos[:, 1].max() <= T // 2 - 1
    first_marked = marks[:, 0] == 1
    assert ((marks[:, 0] == -1) | first_marked).all()
    assert (values[first_marked, 0] == 0).all()  # "we set X1 to zero"
    x12 = (values * (marks == 1)).sum(1)
    np.testing.assert_allclose(y[:, 0], 0.5 + x12 / 4, rtol=1e-15)
    assert y.min() >= 0 and y.max() <= 1
    # one of the marks is among the first ten steps
    assert (pos[:, 0] < 10).all()


def test_adding_problem_is_reproducible_and_checks_arguments():
    a = adding_problem(5, 30, "hochreiter1997", seed=3)
    b = adding_problem(5, 30, "hochreiter1997", seed=3)
    np.testing.assert_array_equal(a[0], b[0])
    with pytest.raises(ValueError, match="variant must be one of .* got 'gers'"):
        adding_problem(5, 30, "gers")
    with pytest.raises(ValueError, match="T must be an integer >= 22"):
        adding_problem(5, 10, "hochreiter1997")


def test_periodic_sequence_targets_are_the_next_symbol():
    x, y = periodic("1000", n=8, length=12, seed=0)
    assert x.shape == y.shape == (8, 12, 1)
    np.testing.assert_array_equal(x[:, 1:], y[:, :-1])
    for row in x[:, :, 0]:
        start = int(np.argmax(row))
        assert start < 4 and row[start::4].all() and row.sum() == 3


def test_digits_loader_and_stratified_split():
    pytest.importorskip("sklearn")
    x, y = nw.datasets.load_digits()
    assert x.shape == (1797, 1, 8, 8) and x.min() == 0 and x.max() == 1
    xtr, xte, ytr, yte = train_test_split(x, y, 0.2, stratify=True, seed=0)
    assert len(xte) + len(xtr) == 1797
    counts_all = np.bincount(y) / len(y)
    np.testing.assert_allclose(np.bincount(yte) / len(yte), counts_all, atol=0.005)
    np.testing.assert_array_equal(np.bincount(yte), np.round(0.2 * np.bincount(y)))
    # every sample lands on exactly one side: split a tagged copy
    tags = np.arange(len(y))
    ttr, tte, _, _ = train_test_split(tags, y, 0.2, stratify=True, seed=0)
    assert np.intersect1d(ttr, tte).size == 0 and ttr.size + tte.size == len(y)


def test_diabetes_loader_is_standardised():
    pytest.importorskip("sklearn")
    x, y = nw.datasets.load_diabetes()
    assert x.shape == (442, 10) and y.shape == (442, 1)
    np.testing.assert_allclose(x.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(x.std(0), 1, atol=1e-12)
    assert 25 <= y.min() and y.max() <= 346
