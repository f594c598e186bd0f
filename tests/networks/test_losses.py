"""Losses: values and gradients equal PyTorch's; gradcheck; numerical stability."""

from __future__ import annotations

import numpy as np
import pytest

import networks as nw


def identity():
    return nw.Sequential([])  # forward returns x, backward returns dy


@pytest.mark.parametrize("loss", [nw.MSE(), nw.L1()], ids=["mse", "l1"])
def test_regression_losses_pass_gradcheck(loss, rng):
    x = rng.standard_normal((4, 3))
    y = x + rng.uniform(0.1, 1.0, size=x.shape) * rng.choice([-1, 1], size=x.shape)
    assert max(nw.gradcheck(identity(), loss, x, y).values()) < 1e-7


@pytest.mark.parametrize("soft_targets", [False, True])
def test_cross_entropy_passes_gradcheck(soft_targets, rng):
    x = rng.standard_normal((5, 4))
    y = rng.dirichlet(np.ones(4), size=5) if soft_targets else rng.integers(0, 4, 5)
    assert max(nw.gradcheck(identity(), nw.CrossEntropy(), x, y).values()) < 1e-7


def test_losses_equal_torch_value_and_gradient(rng):
    """Same float64 formulas on 60 elements: differences are rounding, ~1e-16; bound 1e-12."""
    torch = pytest.importorskip("torch")
    f = torch.nn.functional
    pred = rng.standard_normal((6, 10)) * 3
    target = rng.standard_normal((6, 10))
    labels = rng.integers(0, 10, 6)
    probs = rng.dirichlet(np.ones(10), size=6)
    cases = [
        (nw.MSE(), f.mse_loss, target, torch.tensor(target)),
        (nw.L1(), f.l1_loss, target, torch.tensor(target)),
        (nw.CrossEntropy(), f.cross_entropy, labels, torch.tensor(labels)),
        (nw.CrossEntropy(), f.cross_entropy, probs, torch.tensor(probs)),
    ]
    for ours, theirs, y, yt in cases:
        value = ours.forward(pred, y)
        grad = ours.backward()
        pt = torch.tensor(pred, requires_grad=True)
        ref = theirs(pt, yt)
        ref.backward()
        assert abs(value - ref.item()) < 1e-12, type(ours).__name__
        np.testing.assert_allclose(grad, pt.grad.numpy(), rtol=0, atol=1e-12)


def test_cross_entropy_is_stable_for_huge_logits():
    loss = nw.CrossEntropy()
    value = loss.forward(np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 0.0]]), np.array([0, 0]))
    assert value == pytest.approx(500.0)
    assert np.isfinite(loss.backward()).all()


def test_accuracy_counts_argmax_hits():
    logits = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    assert nw.accuracy(logits, np.array([1, 0, 0])) == pytest.approx(2 / 3)


def test_loss_errors_name_shapes():
    with pytest.raises(ValueError, match=r"y_true shape \(3,\) != y_pred shape \(2, 2\)"):
        nw.MSE().forward(np.ones((2, 2)), np.ones(3))
    with pytest.raises(ValueError, match=r"class indices must be in \[0, 3\)"):
        nw.CrossEntropy().forward(np.ones((2, 3)), np.array([0, 3]))
