"""LSTM: gradient checks, a step-by-step twin, exact agreement with torch.nn.LSTM, masking."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from networks_naive import lstm as naive_lstm
from networks_naive import randomize

import networks as nw

TOL = 1e-7  # float64 central differences reach ~1e-9 here; see test_layers.TOL


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("peepholes", [False, True])
def test_lstm_gradcheck_input_and_every_parameter(return_sequences, peepholes, rng):
    layer = nw.LSTM(3, 4, return_sequences=return_sequences, peepholes=peepholes, rng=0)
    randomize(layer, rng)
    x = rng.standard_normal((2, 5, 3))
    y = rng.standard_normal((2, 5, 4) if return_sequences else (2, 4))
    errors = nw.gradcheck(layer, nw.MSE(), x, y, tol=TOL)
    assert set(errors) == set(layer.params) | {"input"}
    assert max(errors.values()) < TOL


def test_stacked_lstms_with_dense_head_pass_gradcheck(rng):
    model = nw.Sequential(
        [
            nw.LSTM(2, 3, return_sequences=True, rng=0),
            nw.LSTM(3, 4, return_sequences=True, peepholes=True, rng=1),
            nw.LSTM(4, 3, rng=2),
            nw.Dense(3, 2, rng=3),
        ]
    )
    for layer in model.layers:
        randomize(layer, rng)
    x = rng.standard_normal((2, 4, 2))
    y = rng.standard_normal((2, 2))
    assert max(nw.gradcheck(model, nw.MSE(), x, y, tol=TOL).values()) < TOL


def test_masked_lstm_passes_gradcheck(rng):
    layer = nw.LSTM(3, 4, peepholes=True, mask_value=0.0, rng=0)
    randomize(layer, rng)
    x = rng.standard_normal((3, 6, 3))
    x[0, 4:] = 0.0
    x[2, 2:] = 0.0
    y = rng.standard_normal((3, 4))
    # not on the input: nudging a padded zero turns it into a real step (dx is checked in
    # test_padding_is_skipped_as_if_each_sequence_ran_alone)
    errors = nw.gradcheck(layer, nw.MSE(), x, y, tol=TOL, check_input=False)
    assert max(errors.values()) < TOL


@pytest.mark.parametrize("peepholes", [False, True])
def test_lstm_forward_equals_step_by_step_twin(peepholes, rng):
    layer = nw.LSTM(3, 5, return_sequences=True, peepholes=peepholes, rng=0)
    randomize(layer, rng)
    x = rng.standard_normal((2, 6, 3))
    h0, c0 = rng.standard_normal((2, 2, 5))
    p = layer.params
    peep = (p["w_ci"], p["w_cf"], p["w_co"]) if peepholes else None
    ref = naive_lstm(x, p["W_ih"], p["W_hh"], p["b"], h0, c0, peep)
    np.testing.assert_allclose(layer.forward(x, state=(h0, c0)), ref, rtol=0, atol=1e-14)


def test_padding_is_skipped_as_if_each_sequence_ran_alone(rng):
    layer = nw.LSTM(2, 4, mask_value=0.0, rng=0)
    randomize(layer, rng)
    lengths = np.array([7, 4, 2])
    x = rng.standard_normal((3, 7, 2))
    x[np.arange(7)[None, :] >= lengths[:, None]] = 0.0
    y = layer.forward(x)
    dy = rng.standard_normal(y.shape)
    dx = layer.backward(dy)
    grads = {k: v.copy() for k, v in layer.grads.items()}
    alone = nw.LSTM(2, 4, rng=0)
    alone.params = layer.params
    total = {k: np.zeros_like(v) for k, v in grads.items()}
    for n, length in enumerate(lengths):
        yn = alone.forward(x[n : n + 1, :length])
        np.testing.assert_allclose(y[n], yn[0], rtol=0, atol=1e-15)
        dxn = alone.backward(dy[n : n + 1])
        np.testing.assert_allclose(dx[n, :length], dxn[0], rtol=0, atol=1e-15)
        assert (dx[n, length:] == 0).all()
        for k in total:
            total[k] += alone.grads[k]
    for k in total:
        np.testing.assert_allclose(grads[k], total[k], rtol=0, atol=1e-14)
    # explicit lengths give the same as the mask value
    plain = nw.LSTM(2, 4, rng=0)
    plain.params = layer.params
    np.testing.assert_array_equal(plain.forward(x, lengths=lengths), y)


def test_lstm_forward_and_backward_equal_torch_in_float64(rng):
    """Two stacked layers, random weights, initial states and upstream gradients on the
    output sequence and on the final (h, c). Both sides compute the same float64 formulas
    (gates through sigmoid/tanh, sums over <= 4H terms), so they agree to ~1e-15; 1e-10 is
    the issue's bound."""
    torch = pytest.importorskip("torch")
    bsz, t, d, h = 3, 7, 4, 5
    ref = torch.nn.LSTM(d, h, num_layers=2, batch_first=True).double()
    with torch.no_grad():
        for prm in ref.parameters():
            prm.copy_(torch.tensor(rng.uniform(-0.8, 0.8, size=tuple(prm.shape))))
    layers = nw.lstm_from_torch(ref, return_sequences=True)
    x = rng.standard_normal((bsz, t, d))
    h0, c0 = rng.standard_normal((2, 2, bsz, h))
    dy = rng.standard_normal((bsz, t, h))
    dh_n, dc_n = rng.standard_normal((2, 2, bsz, h))

    xt = torch.tensor(x, requires_grad=True)
    h0t = torch.tensor(h0, requires_grad=True)
    c0t = torch.tensor(c0, requires_grad=True)
    yt, (hn, cn) = ref(xt, (h0t, c0t))
    loss = (yt * torch.tensor(dy)).sum()
    loss = loss + (hn * torch.tensor(dh_n)).sum() + (cn * torch.tensor(dc_n)).sum()
    loss.backward()

    a = layers[0].forward(x, state=(h0[0], c0[0]))
    y = layers[1].forward(a, state=(h0[1], c0[1]))
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=0, atol=1e-10)
    for k in range(2):
        np.testing.assert_allclose(layers[k].state[0], hn[k].detach().numpy(), atol=1e-10)
        np.testing.assert_allclose(layers[k].state[1], cn[k].detach().numpy(), atol=1e-10)
    da = layers[1].backward(dy, dstate=(dh_n[1], dc_n[1]))
    dx = layers[0].backward(da, dstate=(dh_n[0], dc_n[0]))
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(layers[0].dstate[0], h0t.grad[0].numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(layers[1].dstate[1], c0t.grad[1].numpy(), rtol=0, atol=1e-10)
    grads = {name: prm.grad.numpy() for name, prm in ref.named_parameters()}
    for k in range(2):
        g = layers[k].grads
        np.testing.assert_allclose(g["W_ih"], grads[f"weight_ih_l{k}"], rtol=0, atol=1e-10)
        np.testing.assert_allclose(g["W_hh"], grads[f"weight_hh_l{k}"], rtol=0, atol=1e-10)
        # d/d(bias_ih) = d/d(bias_hh) = d/d(b) since b is their sum
        np.testing.assert_allclose(g["b"], grads[f"bias_ih_l{k}"], rtol=0, atol=1e-10)
        np.testing.assert_allclose(g["b"], grads[f"bias_hh_l{k}"], rtol=0, atol=1e-10)


def test_weights_round_trip_through_a_torch_state_dict(rng):
    torch = pytest.importorskip("torch")
    ours = [nw.LSTM(3, 4, return_sequences=True, rng=0), nw.LSTM(4, 2, rng=1)]
    for layer in ours:
        randomize(layer, rng)
    ref = torch.nn.LSTM(3, 4, num_layers=1, batch_first=True).double()
    sd = nw.lstm_to_torch(ours[0], module=ref)
    assert set(sd) == set(ref.state_dict())
    x = rng.standard_normal((2, 5, 3))
    np.testing.assert_allclose(
        ours[0].forward(x), ref(torch.tensor(x))[0].detach().numpy(), rtol=0, atol=1e-14
    )
    back = nw.lstm_from_torch(nw.lstm_to_torch(ours))
    for a, b in zip(ours, back, strict=True):
        for k in a.params:
            np.testing.assert_array_equal(a.params[k], b.params[k])
    assert back[0].return_sequences and not back[1].return_sequences


def test_from_torch_sums_the_two_biases_without_torch():
    h = 2
    sd = {
        "weight_ih_l0": np.ones((4 * h, 3)),
        "weight_hh_l0": np.ones((4 * h, h)),
        "bias_ih_l0": np.arange(4 * h, dtype=float),
        "bias_hh_l0": np.full(4 * h, 0.5),
    }
    (layer,) = nw.lstm_from_torch(sd)
    np.testing.assert_array_equal(layer.params["b"], np.arange(4 * h) + 0.5)


def test_peepholes_cannot_be_exported_to_torch():
    with pytest.raises(ValueError, match="peepholes"):
        nw.lstm_to_torch(nw.LSTM(2, 3, peepholes=True, rng=0))


def test_importing_networks_does_not_import_torch():
    code = "import sys, networks; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_initial_biases_follow_forget_and_input_bias():
    layer = nw.LSTM(2, 3, forget_bias=3.0, input_bias=-3.0, rng=0)
    b = layer.params["b"]
    np.testing.assert_array_equal(b[:3], -3.0)
    np.testing.assert_array_equal(b[3:6], 3.0)
    np.testing.assert_array_equal(b[6:], 0.0)


def test_bad_lengths_are_reported():
    layer = nw.LSTM(2, 3, rng=0)
    with pytest.raises(ValueError, match=r"lengths must be 2 integers in \[1, 4\]"):
        layer.forward(np.ones((2, 4, 2)), lengths=np.array([0, 4]))


def test_lstm_learns_to_continue_the_periodic_sequence_1000():
    """Next-symbol prediction on 1000 1000 ...: once a 1 has been seen (step >= 4) the
    phase is known and every later symbol is predictable; the model gets all of them."""
    x, y = nw.datasets.periodic("1000", n=64, length=24, seed=0)
    model = nw.Sequential([nw.LSTM(1, 8, return_sequences=True), nw.Dense(8, 1)], seed=0)
    model.fit(x, y, nw.MSE(), nw.Adam(0.02), epochs=60, batch_size=16, seed=0, progress=False)
    xt, yt = nw.datasets.periodic("1000", n=64, length=24, seed=1)
    err = np.abs(model.predict(xt)[:, 4:] - yt[:, 4:])
    assert err.max() < 0.2, err.max()


def test_nan_padding_is_skipped_with_mask_value_nan(rng):
    layer = nw.LSTM(2, 3, mask_value=np.nan, rng=0)
    x = rng.standard_normal((2, 5, 2))
    x[1, 3:] = np.nan
    y = layer.forward(x)
    dx = layer.backward(np.ones_like(y))
    assert np.isfinite(y).all() and np.isfinite(dx).all()
    assert all(np.isfinite(g).all() for g in layer.grads.values())
    np.testing.assert_allclose(y[1], layer.forward(x[1:, :3])[0], rtol=0, atol=1e-15)
