"""Layers: gradient checks, slow twins, PyTorch, shapes and argument errors."""

from __future__ import annotations

import numpy as np
import pytest
from networks_naive import conv2d as naive_conv2d
from networks_naive import maxpool2d as naive_maxpool2d
from networks_naive import randomize

import networks as nw

# Central differences with eps=1e-5 in float64 are accurate to ~1e-10 relative for these
# smooth maps, so 1e-7 leaves three orders of magnitude of margin while a real bug gives ~1.
TOL = 1e-7


def away_from_zero(rng, shape, low=0.1):
    """Inputs with |x| >= low, so ReLU's kink and max-pool ties are out of the eps-ball."""
    return rng.uniform(low, 1.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)


@pytest.mark.parametrize(
    "layer_fn, shape",
    [
        (lambda: nw.Dense(5, 4, rng=0), (3, 5)),
        (lambda: nw.Dense(3, 2, rng=0), (2, 4, 3)),
        (lambda: nw.ReLU(), (3, 6)),
        (lambda: nw.Tanh(), (3, 6)),
        (lambda: nw.Sigmoid(), (3, 6)),
        (lambda: nw.ScaledSigmoid(-2.0, 5.0), (3, 6)),
        (lambda: nw.Flatten(), (2, 3, 2, 2)),
        (lambda: nw.Conv2D(2, 3, 3, rng=0), (2, 2, 5, 6)),
        (lambda: nw.Conv2D(2, 3, 3, padding="same", rng=0), (2, 2, 5, 5)),
        (lambda: nw.Conv2D(2, 2, (2, 3), stride=2, padding="same", rng=0), (2, 2, 5, 6)),
        (lambda: nw.Conv2D(1, 2, 3, stride=(2, 1), padding=1, rng=0), (2, 1, 6, 5)),
        (lambda: nw.MaxPool2D(2), (2, 2, 4, 5)),
        (lambda: nw.MaxPool2D(3, stride=1), (2, 2, 5, 5)),
    ],
    ids=[
        "dense",
        "dense-3d",
        "relu",
        "tanh",
        "sigmoid",
        "scaled-sigmoid",
        "flatten",
        "conv-valid",
        "conv-same",
        "conv-same-stride2-even",
        "conv-pad1-stride21",
        "maxpool",
        "maxpool-overlap",
    ],
)
def test_gradcheck_every_layer_input_and_parameters(layer_fn, shape, rng):
    layer = layer_fn()
    randomize(layer, rng)
    x = away_from_zero(rng, shape)
    if isinstance(layer, nw.MaxPool2D):  # well separated values: no near-ties in a window
        x = rng.permutation(np.linspace(-1, 1, x.size)).reshape(shape)
    y = rng.standard_normal(layer.forward(x).shape)
    errors = nw.gradcheck(layer, nw.MSE(), x, y, tol=TOL)
    assert set(errors) == set(layer.params) | {"input"}
    assert max(errors.values()) < TOL


def test_dropout_gradient_is_the_mask_and_identity_in_inference(rng):
    layer = nw.Dropout(0.3, rng=1)
    x = rng.standard_normal((200, 50))
    y = layer.forward(x, training=True)
    kept = y != 0
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(y[kept], x[kept] / 0.7, rtol=1e-15)
    dy = rng.standard_normal(x.shape)
    np.testing.assert_allclose(layer.backward(dy), np.where(kept, dy / 0.7, 0.0), rtol=1e-15)
    np.testing.assert_array_equal(layer.forward(x, training=False), x)


def test_dropout_gradcheck_with_a_fixed_mask(rng):
    class FixedDropout(nw.Dropout):
        def forward(self, x, training=True):
            self.rng = np.random.default_rng(7)  # the same mask at every evaluation
            return super().forward(x, training=True)

    x = away_from_zero(rng, (4, 5))
    y = rng.standard_normal((4, 5))
    assert max(nw.gradcheck(FixedDropout(0.4), nw.MSE(), x, y).values()) < TOL


@pytest.mark.parametrize(
    "kernel, stride, padding",
    [(3, 1, 0), (3, 1, "same"), (4, 1, "same"), ((3, 2), (2, 1), 1), (5, 2, "valid")],
)
def test_conv2d_matches_naive_loops(kernel, stride, padding, rng):
    layer = nw.Conv2D(3, 4, kernel, stride=stride, padding=padding, rng=0)
    randomize(layer, rng)
    x = rng.standard_normal((2, 3, 9, 8))
    y = layer.forward(x)
    (pt, pb), (pl, pr) = layer._pads(9, 8)
    ref = naive_conv2d(x, layer.params["W"], layer.params["b"], layer.stride, ((pt, pb), (pl, pr)))
    np.testing.assert_allclose(y, ref, rtol=0, atol=1e-13)
    assert y.shape[1:] == layer.output_shape(x.shape[1:])


def test_maxpool_matches_naive_loops(rng):
    x = rng.standard_normal((2, 3, 7, 9))
    for size, stride in [(2, None), (3, 2), ((2, 3), (1, 2))]:
        layer = nw.MaxPool2D(size, stride)
        y = layer.forward(x)
        np.testing.assert_array_equal(y, naive_maxpool2d(x, layer.size, layer.stride))
        assert y.shape[1:] == layer.output_shape(x.shape[1:])


def test_conv_and_pool_forward_backward_equal_torch(rng):
    torch = pytest.importorskip("torch")
    conv = nw.Conv2D(3, 5, 3, stride=1, padding=1, rng=0)
    randomize(conv, rng)
    pool = nw.MaxPool2D(2)
    x = rng.standard_normal((2, 3, 8, 7))
    y = pool.forward(conv.forward(x))
    dy = rng.standard_normal(y.shape)
    dx = conv.backward(pool.backward(dy))

    xt = torch.tensor(x, requires_grad=True)
    w = torch.tensor(conv.params["W"], requires_grad=True)
    b = torch.tensor(conv.params["b"], requires_grad=True)
    yt = torch.nn.functional.max_pool2d(torch.nn.functional.conv2d(xt, w, b, padding=1), 2)
    yt.backward(torch.tensor(dy))
    # float64 sums of ~27 products in another order: agreement to ~1e-15 relative
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(conv.grads["W"], w.grad.numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(conv.grads["b"], b.grad.numpy(), rtol=0, atol=1e-12)


def test_scaled_sigmoid_output_stays_inside_its_bounds():
    layer = nw.ScaledSigmoid(0.0, 100.0)
    y = layer.forward(np.array([[-1e3, -5.0, 0.0, 5.0, 1e3]]))
    assert y[0, 2] == 50.0
    assert (y >= 0).all() and (y <= 100).all()
    assert np.isfinite(layer.backward(np.ones_like(y))).all()


def test_sigmoid_is_finite_and_exact_at_extremes():
    y = nw.Sigmoid().forward(np.array([-800.0, 0.0, 800.0]))
    np.testing.assert_array_equal(y, [0.0, 0.5, 1.0])


def test_layers_keep_float32():
    x = np.ones((2, 1, 6, 6), dtype=np.float32)
    model = nw.Sequential(
        [nw.Conv2D(1, 2, 3), nw.ReLU(), nw.MaxPool2D(2), nw.Flatten(), nw.Dense(8, 3)], seed=0
    ).astype(np.float32)
    y = model.forward(x)
    assert y.dtype == np.float32
    assert model.backward(np.ones_like(y)).dtype == np.float32
    assert all(g.dtype == np.float32 for g in model.grads.values())


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: nw.Dense(0, 3), "in_features must be a positive integer; got 0"),
        (lambda: nw.Conv2D(1, 2, 3, padding="full"), "padding must be .* got 'full'"),
        (lambda: nw.Conv2D(1, 2, 0), "kernel_size must be a positive int"),
        (lambda: nw.Dropout(1.0), r"Dropout p must be in \[0, 1\); got 1.0"),
        (lambda: nw.ScaledSigmoid(3, 1), "low < high; got low=3, high=1"),
        (lambda: nw.Dense(3, 2, init="zeros"), "init must be one of"),
    ],
)
def test_bad_arguments_are_named_in_the_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_wrong_input_shape_is_reported():
    with pytest.raises(ValueError, match=r"last axis 4; got shape \(2, 3\)"):
        nw.Dense(4, 2, rng=0).forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"Conv2D expects input \(N, 3, H, W\)"):
        nw.Conv2D(3, 2, 3, rng=0).forward(np.ones((2, 1, 5, 5)))


def test_maxpool_ties_send_the_gradient_to_one_position_as_torch():
    torch = pytest.importorskip("torch")
    x = np.zeros((1, 2, 4, 4))
    x[0, 1, :2, :2] = [[1.0, 3.0], [3.0, 3.0]]
    for size, stride in [(2, None), (3, 1)]:
        layer = nw.MaxPool2D(size, stride)
        y = layer.forward(x)
        dx = layer.backward(np.ones_like(y))
        xt = torch.tensor(x, requires_grad=True)
        torch.nn.functional.max_pool2d(xt, size, stride).sum().backward()
        np.testing.assert_array_equal(dx, xt.grad.numpy())
        assert dx.sum() == y.size
