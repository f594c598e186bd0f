"""Sequential: summary and parameter counts, fit/evaluate/predict, seeds, NaN guard."""

from __future__ import annotations

import numpy as np
import pytest
from networks_naive import randomize

import networks as nw


def deep_mnist_cnn() -> nw.Sequential:
    """TensorFlow's "Deep MNIST for experts" network."""
    return nw.Sequential(
        [
            nw.Conv2D(1, 32, 5, padding="same"),
            nw.ReLU(),
            nw.MaxPool2D(2),
            nw.Conv2D(32, 64, 5, padding="same"),
            nw.ReLU(),
            nw.MaxPool2D(2),
            nw.Flatten(),
            nw.Dense(3136, 1024),
            nw.ReLU(),
            nw.Dense(1024, 10),
        ],
        seed=0,
    )


def test_deep_mnist_cnn_summary_counts_3274634_parameters():
    model = deep_mnist_cnn()
    lines = []
    text = model.summary((1, 28, 28), print_fn=lines.append)
    assert lines == [text]
    assert "Total params: 3,274,634" in text
    assert model.count_params() == 3_274_634
    assert "(None, 32, 28, 28)" in text and "(None, 64, 7, 7)" in text
    assert "(None, 3136)" in text and "(None, 10)" in text
    assert "832" in text and "3,212,288" in text  # conv1 and dense1 rows
    assert model.output_shape((1, 28, 28)) == (10,)


def test_summary_shapes_equal_the_shapes_forward_produces(rng):
    model = nw.Sequential(
        [
            nw.Conv2D(1, 3, 3, stride=2, padding="same"),
            nw.MaxPool2D(2, stride=1),
            nw.Flatten(),
            nw.Dense(48, 4),
        ],
        seed=0,
    )
    x = rng.standard_normal((2, 1, 9, 9))
    for layer in model.layers:
        expected = layer.output_shape(x.shape[1:])
        x = layer.forward(x)
        assert x.shape[1:] == expected
    seq = nw.Sequential([nw.LSTM(3, 5, return_sequences=True), nw.LSTM(5, 2)], seed=0)
    assert "(None, 10, 5)" in seq.summary((10, 3), print_fn=lambda s: None)


def test_params_and_grads_dicts_have_equal_keys_and_shapes(rng):
    model = nw.Sequential([nw.Dense(3, 4), nw.Tanh(), nw.LSTM(4, 2)], seed=0)
    assert list(model.params) == list(model.grads) == ["0.W", "0.b", "2.W_ih", "2.W_hh", "2.b"]
    for k in model.params:
        assert model.params[k].shape == model.grads[k].shape


def test_sequential_seed_fixes_initial_weights():
    a, b = (nw.Sequential([nw.Dense(3, 4), nw.Dense(4, 2)], seed=5) for _ in range(2))
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])
    c = nw.Sequential([nw.Dense(3, 4), nw.Dense(4, 2)], seed=6)
    assert not np.array_equal(a.params["0.W"], c.params["0.W"])


def blobs(rng, n=300):
    """Three Gaussian blobs in 2-D, well separated."""
    centres = np.array([[0.0, 3.0], [3.0, -2.0], [-3.0, -2.0]])
    y = rng.integers(0, 3, n)
    return centres[y] + rng.standard_normal((n, 2)) * 0.7, y


def mlp(seed=0):
    return nw.Sequential([nw.Dense(2, 16), nw.ReLU(), nw.Dropout(0.1), nw.Dense(16, 3)], seed=seed)


def test_fit_learns_and_returns_history_per_epoch(rng):
    x, y = blobs(rng)
    xv, yv = blobs(rng, 100)
    model = mlp()
    hist = model.fit(
        x,
        y,
        nw.CrossEntropy(),
        nw.Adam(0.02),
        epochs=15,
        batch_size=32,
        validation=(xv, yv),
        seed=1,
        progress=False,
    )
    assert set(hist) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 15 for v in hist.values())
    assert hist["loss"][-1] < 0.3 * hist["loss"][0]
    assert hist["val_accuracy"][-1] >= 0.95
    ev = model.evaluate(xv, yv, nw.CrossEntropy())
    assert ev["accuracy"] == pytest.approx(hist["val_accuracy"][-1])
    assert ev["loss"] == pytest.approx(hist["val_loss"][-1])


def test_same_seed_gives_bit_identical_history(rng):
    x, y = blobs(rng)
    runs = []
    for _ in range(2):
        model = mlp(seed=3)
        runs.append(
            model.fit(
                x,
                y,
                nw.CrossEntropy(),
                nw.SGD(0.1, momentum=0.9),
                epochs=3,
                batch_size=16,
                seed=11,
                progress=False,
            )
        )
    assert runs[0] == runs[1]
    other = mlp(seed=3).fit(
        x,
        y,
        nw.CrossEntropy(),
        nw.SGD(0.1, momentum=0.9),
        epochs=3,
        batch_size=16,
        seed=12,
        progress=False,
    )
    assert other != runs[0]


def test_progress_bar_can_be_shown(rng, capsys):
    x, y = blobs(rng, 40)
    mlp().fit(x, y, nw.CrossEntropy(), nw.Adam(), epochs=2, progress=True)
    assert "epoch" in capsys.readouterr().err


def test_predict_is_batched_and_deterministic(rng):
    x, _ = blobs(rng, 50)
    model = mlp()
    np.testing.assert_allclose(
        model.predict(x, batch_size=7), model.forward(x, training=False), rtol=0, atol=1e-15
    )


def test_nan_loss_stops_training_with_epoch_step_and_advice(rng):
    x = rng.standard_normal((64, 4))
    y = rng.standard_normal((64, 1)) * 1e3
    model = nw.Sequential([nw.Dense(4, 32), nw.ReLU(), nw.Dense(32, 1)], seed=0)
    with pytest.raises(FloatingPointError, match=r"epoch \d+, step \d+.*lower learning rate"):
        model.fit(x, y, nw.MSE(), nw.SGD(lr=10.0), epochs=50, batch_size=16, progress=False)


def test_fit_rejects_mismatched_data():
    with pytest.raises(ValueError, match="x has 3 samples but y has 2"):
        mlp().fit(np.ones((3, 2)), np.ones(2), nw.MSE(), nw.SGD(), progress=False)


def test_sequential_is_a_layer_for_gradcheck(rng):
    model = nw.Sequential(
        [nw.Conv2D(1, 2, 3, padding="same"), nw.Tanh(), nw.Flatten(), nw.Dense(32, 3)], seed=0
    )
    for layer in model.layers:
        randomize(layer, rng)
    x = rng.standard_normal((2, 1, 4, 4))
    assert max(nw.gradcheck(model, nw.CrossEntropy(), x, np.array([0, 2])).values()) < 1e-7


def test_ctrl_c_during_fit_keeps_the_completed_epochs(rng):
    x = rng.standard_normal((64, 4))
    y = x @ rng.standard_normal((4, 1))

    class InterruptedMSE(nw.MSE):
        calls = 0

        def forward(self, out, target):
            type(self).calls += 1
            if type(self).calls == 4 * 3 + 1:  # first batch of the fourth epoch (4 batches each)
                raise KeyboardInterrupt
            return super().forward(out, target)

    model = nw.Sequential([nw.Dense(4, 8), nw.Tanh(), nw.Dense(8, 1)], seed=0)
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, InterruptedMSE(), nw.SGD(lr=0.05), epochs=10, batch_size=16,
                  progress=False)  # fmt: skip
    assert len(model.history["loss"]) == 3
    assert model.history["loss"][2] < model.history["loss"][0]
