"""Optimisers and clipping equal PyTorch step for step."""

from __future__ import annotations

import numpy as np
import pytest

import networks as nw

CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "dampening": 0.3}),
    ("Adam", {}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.003, "momentum": 0.9, "centered": True, "weight_decay": 0.01}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.05, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
]


@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_optimizer_equals_torch_step_for_step(name, kwargs, rng):
    """25 steps on two tensors with fresh random gradients each step. The update formulas are
    the same float64 expressions, so parameters agree to ~1e-15; the bound is 1e-12."""
    torch = pytest.importorskip("torch")
    params = [rng.standard_normal((3, 4)), rng.standard_normal(5)]
    tparams = [torch.tensor(p.copy(), requires_grad=True) for p in params]
    ours = getattr(nw, name)(**kwargs)
    theirs = getattr(torch.optim, name)(tparams, **kwargs)
    for _ in range(25):
        grads = [rng.standard_normal(p.shape) for p in params]
        for tp, g in zip(tparams, grads, strict=True):
            tp.grad = torch.tensor(g)
        theirs.step()
        ours.step(params, grads)
        for p, tp in zip(params, tparams, strict=True):
            np.testing.assert_allclose(p, tp.detach().numpy(), rtol=0, atol=1e-12)


def test_defaults_match_torch():
    torch = pytest.importorskip("torch")
    dummy = [torch.zeros(1, requires_grad=True)]
    for name, fields in [
        ("SGD", ["lr", "momentum", "dampening", "nesterov", "weight_decay"]),
        ("Adam", ["lr", "betas", "eps", "weight_decay"]),
        ("RMSprop", ["lr", "alpha", "eps", "momentum", "centered", "weight_decay"]),
        ("Adagrad", ["lr", "lr_decay", "eps", "initial_accumulator_value", "weight_decay"]),
    ]:
        ours = getattr(nw, name)()
        ref = getattr(torch.optim, name)(dummy).defaults
        for f in fields:
            assert getattr(ours, f) == ref[f], (name, f)


def test_clipping_equals_torch(rng):
    torch = pytest.importorskip("torch")
    grads = [rng.standard_normal((4, 3)) * 5, rng.standard_normal(7) * 5]
    tp = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for t, g in zip(tp, grads, strict=True):
        t.grad = torch.tensor(g)
    norm = nw.clip_grad_norm(grads, 2.0)
    ref = torch.nn.utils.clip_grad_norm_(tp, 2.0)
    assert abs(norm - ref.item()) < 1e-12
    for g, t in zip(grads, tp, strict=True):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=0, atol=1e-12)
    assert nw.optim.global_norm(grads) == pytest.approx(2.0, abs=1e-5)
    nw.clip_grad_value(grads, 0.1)
    torch.nn.utils.clip_grad_value_(tp, 0.1)
    for g, t in zip(grads, tp, strict=True):
        np.testing.assert_array_equal(g, t.grad.numpy())


def test_clip_options_act_before_the_update():
    p = [np.zeros(2)]
    nw.SGD(lr=1.0, clip_norm=1.0).step(p, [np.array([3.0, 4.0])])
    np.testing.assert_allclose(p[0], [-0.6, -0.8], atol=1e-6)
    p = [np.zeros(2)]
    nw.SGD(lr=1.0, clip_value=0.5).step(p, [np.array([3.0, -0.2])])
    np.testing.assert_array_equal(p[0], [-0.5, 0.2])


def test_optimizer_does_not_modify_the_given_gradients():
    g = [np.array([3.0, 4.0])]
    nw.Adam(clip_norm=1.0).step([np.zeros(2)], g)
    np.testing.assert_array_equal(g[0], [3.0, 4.0])


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: nw.SGD(lr=0), "lr must be > 0; got 0"),
        (lambda: nw.SGD(nesterov=True), "nesterov needs momentum > 0"),
        (lambda: nw.Adam(betas=(1.0, 0.9)), r"betas must be in \[0, 1\)"),
        (lambda: nw.Adam(clip_norm=-1.0), "clip_norm must be > 0 or None; got -1.0"),
    ],
)
def test_bad_hyper_parameters_are_named(make, match):
    with pytest.raises(ValueError, match=match):
        make()
