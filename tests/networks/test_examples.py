"""The examples' claims, in forms short enough for the test suite."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load_example(name: str):
    spec = importlib.util.spec_from_file_location(
        f"networks_example_{name}", EXAMPLES / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_lstm_solves_the_adding_problem_at_T50():
    """Arjovsky form, T=50: the memoryless baseline scores MSE 1/6 ~ 0.167; an LSTM that
    remembers both marked values gets below 0.01 (seeded; ~600 updates, ~10 s)."""
    ap = load_example("adding_problem")
    r = ap.train(
        "arjovsky",
        T=50,
        hidden=32,
        epochs=60,
        steps_per_epoch=25,
        batch_size=32,
        lr=1e-2,
        n_test=512,
        target_mse=0.005,
        seed=0,
        progress=False,
    )
    assert r["test_mse"] < 0.01, r["test_mse"]
    assert r["loss"][0] > 0.1  # it started at the baseline and learned
    assert r["epochs_run"] < 60


def test_digits_cnn_reaches_96_percent():
    pytest.importorskip("sklearn")
    dc = load_example("digits_cnn")
    r = dc.run(progress=False)
    assert r["test_accuracy"] >= 0.96, r["test_accuracy"]


def test_bounded_regression_matches_least_squares_and_stays_in_bounds():
    pytest.importorskip("sklearn")
    br = load_example("bounded_regression")
    r = br.run(progress=False)
    assert r["r2"] > 0.4 and r["r2"] > r["ols_r2"] - 0.08, (r["r2"], r["ols_r2"])
    assert 0.0 <= r["extreme_prediction"] <= 400.0
    assert np.all((r["pred"] > 0) & (r["pred"] < 400))


def test_examples_write_their_figures(tmp_path):
    pytest.importorskip("matplotlib")
    ap = load_example("adding_problem")
    out = tmp_path / "adding.png"
    ap.main(
        [
            "--variant",
            "arjovsky",
            "--T",
            "10",
            "--hidden",
            "4",
            "--epochs",
            "1",
            "--steps-per-epoch",
            "2",
            "--batch-size",
            "8",
            "--out",
            str(out),
        ]
    )
    assert out.stat().st_size > 1000
