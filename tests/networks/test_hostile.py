"""Hostile input for networks (issue 11): layers, losses, optimisers, Sequential, gradcheck,
datasets and torch interop, one bad argument at a time, the others valid.

Each call either works and its result has the stated property (finite outputs and gradients of
the documented shapes for finite inputs, a finite non-negative loss, parameters that stay
finite), or it raises ValueError/TypeError naming the bad argument (see ``tests/_hostile.py``).
A diverging fit stops with a NonFiniteError (a ValueError and a FloatingPointError) that names
the epoch and step.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import networks as nw
from networks._checks import real_array
from networks.datasets import adding_problem, periodic, train_test_split
from networks.init import get_initializer
from tests._hostile import (
    DTYPES,
    REFUSED,
    anything,
    attempt,
    costly,
    examples,
    ragged,
    scalars,
)

FAST = examples(150)
SLOW = examples(60)


def finite(a) -> bool:
    return bool(np.all(np.isfinite(a)))


def real_floats(shape) -> st.SearchStrategy:
    """Arrays of ``shape`` with any float: NaN, inf, huge, subnormal, zero."""
    return hnp.arrays(np.float64, shape, elements=st.floats(allow_nan=True, allow_infinity=True))


def shaped(shape) -> st.SearchStrategy:
    """The right shape, any dtype or value: what gets past a shape check."""
    return st.one_of(
        real_floats(shape),
        hnp.arrays(st.sampled_from(DTYPES), shape),
        hnp.arrays(np.float64, shape, elements=st.floats(-1e3, 1e3)),
    )


# ------------------------------------------------------------------------------ constructors
CONSTRUCTORS = {
    "Dense": (nw.Dense, {"in_features": 3, "out_features": 2, "init": "torch", "rng": 0}),
    "Conv2D": (
        nw.Conv2D,
        {"in_channels": 2, "out_channels": 3, "kernel_size": 2, "stride": 1, "padding": 0},
    ),
    "LSTM": (
        nw.LSTM,
        {
            "input_size": 3,
            "hidden_size": 2,
            "return_sequences": False,
            "forget_bias": 1.0,
            "input_bias": 0.0,
            "peepholes": False,
            "mask_value": None,
            "rng": 0,
        },
    ),  # fmt: skip
    "MaxPool2D": (nw.MaxPool2D, {"size": 2, "stride": None}),
    "Dropout": (nw.Dropout, {"p": 0.5, "rng": 0}),
    "ScaledSigmoid": (nw.ScaledSigmoid, {"low": 0.0, "high": 1.0}),
    "Sequential": (nw.Sequential, {"layers": [nw.Dense(3, 3, rng=0)], "seed": 0}),
}
INPUTS = {  # a valid batch for each constructor's default layer
    "Dense": (2, 3),
    "Conv2D": (2, 2, 5, 5),
    "LSTM": (2, 4, 3),
    "MaxPool2D": (2, 1, 4, 4),
    "Dropout": (3, 4),
    "ScaledSigmoid": (3, 2),
    "Sequential": (2, 3),
}
CONSTRUCTOR_ARGS = [(cls, arg) for cls, (_, kw) in CONSTRUCTORS.items() for arg in kw]
NOT_SIZES = {"forget_bias", "input_bias", "low", "high", "mask_value"}


def construct(table: dict, which: tuple[str, str], value, also: tuple[str, ...] = ()):
    """Build ``table[name]``'s class with ``value`` for the argument ``arg`` (``which`` is
    (name, arg)), the other arguments valid; the result of :func:`attempt`."""
    name, arg = which
    cls, kw = table[name]
    kw = dict(kw, **{arg: value})
    return attempt(lambda: cls(**kw), (arg, *also), value)


@FAST
@given(
    which=st.sampled_from(CONSTRUCTOR_ARGS),
    value=st.one_of(anything(max_side=2), st.tuples(scalars(), scalars())),
)
def test_layer_constructors_refuse_a_bad_argument_or_make_a_finite_working_layer(which, value):
    name, arg = which
    if costly(value, 1000) and arg not in NOT_SIZES:
        return  # a big valid size: right, but slow
    layer = construct(CONSTRUCTORS, which, value)
    if layer is REFUSED:
        return
    assert isinstance(layer, nw.Layer)
    assert all(finite(p) for p in layer.params.values())
    assert layer.count_params() == sum(p.size for p in layer.params.values())
    assert isinstance(repr(layer), str)
    x = np.random.default_rng(0).standard_normal(INPUTS[name])
    y = attempt(lambda: layer.forward(x), ("x", "kernel", "window", "input"), value)
    if y is not REFUSED:
        assert finite(y)
        assert y.shape == (x.shape[0], *layer.output_shape(x.shape[1:]))


OPTIMIZERS = {
    "SGD": (nw.SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "dampening": 0.0,
                     "weight_decay": 0.0, "clip_norm": None, "clip_value": None}),
    "Adam": (nw.Adam, {"lr": 0.1, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0,
                       "clip_norm": 1.0, "clip_value": None}),
    "RMSprop": (nw.RMSprop, {"lr": 0.01, "alpha": 0.99, "eps": 1e-8, "momentum": 0.5,
                             "centered": True, "weight_decay": 0.1, "clip_value": 1.0}),
    "Adagrad": (nw.Adagrad, {"lr": 0.01, "lr_decay": 0.0, "initial_accumulator_value": 0.0,
                             "eps": 1e-10, "weight_decay": 0.0}),
}  # fmt: skip
OPTIMIZER_ARGS = [(cls, arg) for cls, (_, kw) in OPTIMIZERS.items() for arg in kw]


@FAST
@given(
    which=st.sampled_from(OPTIMIZER_ARGS),
    value=st.one_of(anything(max_side=2), st.tuples(scalars(), scalars())),
)
def test_optimizers_refuse_a_bad_hyper_parameter_or_take_finite_steps(which, value):
    opt = construct(OPTIMIZERS, which, value, also=("momentum",) if which[1] == "nesterov" else ())
    if opt is REFUSED:
        return
    p = [np.array([1.0, -2.0, 0.5]), np.zeros((2, 2))]
    grads = [np.array([0.5, 0.0, -3.0]), np.ones((2, 2))]
    for _ in range(3):
        done = attempt(lambda: opt.step(p, grads), ("params", "lr"), value)
        if done is REFUSED:
            return
    assert all(finite(a) for a in p)


# ------------------------------------------------------------------------------ forward, backward
def _layers():
    return {
        "Dense": (lambda: nw.Dense(3, 2, rng=0), (2, 3)),
        "Dense3d": (lambda: nw.Dense(3, 2, rng=0), (2, 4, 3)),
        "Conv2D": (lambda: nw.Conv2D(2, 3, 2, padding="same", rng=0), (2, 2, 4, 4)),
        "MaxPool2D": (lambda: nw.MaxPool2D(2, 1), (2, 1, 3, 3)),
        "LSTM": (lambda: nw.LSTM(3, 2, rng=0), (2, 4, 3)),
        "LSTMseq": (lambda: nw.LSTM(3, 2, return_sequences=True, peepholes=True, rng=0), (2, 4, 3)),
        "LSTMmask": (lambda: nw.LSTM(3, 2, mask_value=0.0, rng=0), (2, 4, 3)),
        "ReLU": (nw.ReLU, (3, 2)),
        "Tanh": (nw.Tanh, (3, 2)),
        "Sigmoid": (nw.Sigmoid, (3, 2)),
        "ScaledSigmoid": (lambda: nw.ScaledSigmoid(-5.0, 100.0), (3, 2)),
        "Dropout": (lambda: nw.Dropout(0.3, rng=0), (3, 2)),
        "Flatten": (nw.Flatten, (2, 3, 2)),
        "Sequential": (
            lambda: nw.Sequential(
                [nw.Conv2D(1, 2, 2, rng=0), nw.ReLU(), nw.Flatten(), nw.Dense(8, 2, rng=0)]
            ),
            (2, 1, 3, 3),
        ),
    }


LAYERS = _layers()


@st.composite
def layer_and_input(draw):
    name = draw(st.sampled_from(sorted(LAYERS)))
    make, shape = LAYERS[name]
    x = draw(st.one_of(shaped(shape), anything(max_side=3)))
    return name, make(), x


@FAST
@given(case=layer_and_input(), training=st.booleans())
def test_forward_refuses_a_bad_x_or_gives_finite_output_and_gradients(case, training):
    name, layer, x = case
    y = attempt(lambda: layer.forward(x, training=training), "x", x)
    if y is REFUSED:
        return
    xa = real_array("x", x)  # what the layer worked on
    assert y.dtype.kind == "f"
    assert y.shape == (xa.shape[0], *layer.output_shape(xa.shape[1:]))
    if not finite(xa):
        return  # NaN in, NaN out is allowed: the model-level API refuses such data
    assert finite(y), "finite input must give finite output (or a NonFiniteError)"
    dx = attempt(lambda: layer.backward(np.ones_like(y)), ("dy", "x"), x)
    if dx is not REFUSED:
        assert dx.shape == xa.shape and finite(dx)
        assert all(finite(g) and g.shape == layer.params[k].shape for k, g in layer.grads.items())


@FAST
@given(name=st.sampled_from(sorted(LAYERS)), dy=anything(max_side=4), data=st.data())
def test_backward_refuses_a_bad_dy_or_gives_finite_gradients(name, dy, data):
    make, shape = LAYERS[name]
    layer = make()
    x = np.random.default_rng(1).standard_normal(shape)
    y = layer.forward(x)
    dy = data.draw(st.one_of(st.just(dy), shaped(y.shape)))
    dx = attempt(lambda: layer.backward(dy), "dy", dy)
    if dx is REFUSED:
        return
    assert dx.shape == x.shape
    if finite(np.asarray(dy)):
        assert finite(dx)
        assert all(finite(g) for g in layer.grads.values())


@FAST
@given(
    arg=st.sampled_from(["state", "lengths", "dstate"]),
    value=st.one_of(
        anything(max_side=3),
        st.tuples(real_floats((2, 2)), real_floats((2, 2))),
        st.tuples(anything(max_side=2), anything(max_side=2)),
        hnp.arrays(st.sampled_from(DTYPES), (2,)),
    ),
)
def test_lstm_state_and_lengths_are_checked(arg, value):
    layer = nw.LSTM(3, 2, return_sequences=True, rng=0)
    x = np.random.default_rng(2).standard_normal((2, 4, 3))
    if arg == "dstate":
        y = layer.forward(x)
        dx = attempt(lambda: layer.backward(np.ones_like(y), dstate=value), "dstate", value)
        if dx is not REFUSED:
            assert dx.shape == x.shape and finite(dx)
        return
    y = attempt(lambda: layer.forward(x, **{arg: value}), arg, value)
    if y is not REFUSED:
        assert y.shape == (2, 4, 2) and finite(y)
        if arg == "lengths" and value is not None:  # steps past a length repeat the state
            n = np.asarray(value).astype(int)
            for b in range(2):
                assert np.all(y[b, n[b] :] == y[b, n[b] - 1])


# ------------------------------------------------------------------------------ losses
LOSSES = {"MSE": nw.MSE, "L1": nw.L1, "CrossEntropy": nw.CrossEntropy}


@FAST
@given(
    name=st.sampled_from(sorted(LOSSES)),
    arg=st.sampled_from(["y_pred", "y_true"]),
    value=st.one_of(anything(max_side=4), shaped((4, 3)), shaped((4,))),
)
def test_losses_refuse_bad_predictions_or_targets_or_are_finite_and_nonnegative(name, arg, value):
    loss = LOSSES[name]()
    rng = np.random.default_rng(3)
    kw = {"y_pred": rng.standard_normal((4, 3)), "y_true": np.array([0, 2, 1, 1])}
    if name != "CrossEntropy":
        kw["y_true"] = rng.standard_normal((4, 3))
    kw[arg] = value
    value_ = attempt(lambda: loss.forward(**kw), arg, value)
    if value_ is REFUSED:
        return
    assert isinstance(value_, float)
    if finite(np.asarray(kw["y_pred"])) and finite(np.asarray(kw["y_true"])):
        assert math.isfinite(value_) and value_ >= 0
        grad = loss.backward()
        assert grad.shape == np.shape(kw["y_pred"]) and finite(grad)


@FAST
@given(
    arg=st.sampled_from(["logits", "labels"]),
    value=st.one_of(anything(max_side=4), shaped((4, 3)), shaped((4,))),
)
def test_accuracy_refuses_bad_arrays_or_is_a_fraction(arg, value):
    kw = {"logits": np.eye(4, 3), "labels": np.array([0, 1, 2, 0])}
    kw[arg] = value
    acc = attempt(lambda: nw.accuracy(**kw), arg, value)
    if acc is not REFUSED:
        assert 0.0 <= acc <= 1.0


# ------------------------------------------------------------------------------ optimiser steps
@FAST
@given(
    arg=st.sampled_from(["params", "grads"]),
    value=st.one_of(
        anything(max_side=3),
        st.lists(st.one_of(shaped((3,)), anything(max_side=3)), min_size=1, max_size=2),
    ),
    opt=st.sampled_from(sorted(OPTIMIZERS)),
)
def test_optimizer_step_refuses_bad_params_or_grads(arg, value, opt):
    optimizer = OPTIMIZERS[opt][0](lr=0.01)
    kw = {"params": [np.zeros(3)], "grads": [np.ones(3)]}
    kw[arg] = value
    done = attempt(lambda: optimizer.step(**kw), arg, value)
    if done is not REFUSED:
        assert all(finite(p) for p in kw["params"])


@FAST
@given(
    arg=st.sampled_from(["grads", "max_norm", "clip_value"]),
    value=st.one_of(anything(max_side=3), st.lists(shaped((3,)), min_size=1, max_size=2)),
)
def test_gradient_clipping_refuses_bad_input_or_bounds_the_gradients(arg, value):
    grads = [np.array([3.0, -4.0, 1e200]), np.array([[0.5]])]
    if arg == "max_norm":
        norm = attempt(lambda: nw.clip_grad_norm(grads, value), arg, value)
        if norm is not REFUSED:
            assert math.isfinite(norm)
            total = math.sqrt(sum(float(np.sum((g / 1e150) ** 2)) for g in grads))
            assert total * 1e150 <= float(value) * (1 + 1e-9) + 1e-6
    elif arg == "clip_value":
        done = attempt(lambda: nw.clip_grad_value(grads, value), arg, value)
        if done is not REFUSED:
            assert all(np.abs(g).max() <= float(value) for g in grads)
    else:
        norm = attempt(lambda: nw.clip_grad_norm(value, 1.0), arg, value)
        if norm is not REFUSED:
            assert math.isfinite(norm)
            eps = max((np.finfo(g.dtype).eps for g in value), default=0.0)  # float16: 1e-3
            assert math.sqrt(sum(float(np.vdot(g, g)) for g in value)) <= 1.0 + 4 * eps + 1e-9


# ------------------------------------------------------------------------------ Sequential
def mlp() -> nw.Sequential:
    return nw.Sequential([nw.Dense(3, 4, rng=0), nw.Tanh(), nw.Dense(4, 2, rng=1)])


def data(n: int = 6):
    rng = np.random.default_rng(4)
    return rng.standard_normal((n, 3)), rng.standard_normal((n, 2))


FIT_ARGS = ["x", "y", "loss", "optimizer", "epochs", "batch_size", "validation", "seed",
            "shuffle", "progress"]  # fmt: skip


@SLOW
@given(
    arg=st.sampled_from(FIT_ARGS),
    value=st.one_of(anything(max_side=4), shaped((6, 3)), shaped((6, 2)), ragged()),
)
def test_fit_refuses_a_bad_argument_before_training_or_keeps_everything_finite(arg, value):
    model = mlp()
    x, y = data()
    kw = {"x": x, "y": y, "loss": nw.MSE(), "optimizer": nw.SGD(lr=0.01), "epochs": 2,
          "batch_size": 4, "validation": (x, y), "seed": 0, "shuffle": True,
          "progress": False}  # fmt: skip
    if arg == "epochs" and costly(value, 100, ceiling=math.inf):
        return  # many epochs: right, but slow
    kw[arg] = value
    before = [p.copy() for p in model.parameters()[0]]
    hist = attempt(lambda: model.fit(**kw), arg, value)
    if hist is REFUSED:  # refused before any work: the weights are untouched
        assert all(np.array_equal(a, b) for a, b in zip(before, model.parameters()[0], strict=True))
        return
    assert all(len(v) == int(kw["epochs"]) for v in hist.values())
    assert all(math.isfinite(v) for values in hist.values() for v in values)
    assert all(finite(p) for p in model.parameters()[0])


@SLOW
@given(
    lr=st.sampled_from([1e-3, 0.1, 3.0, 30.0, 1e3, 1e6, 1e30, 1e100, 1e300]),
    opt=st.sampled_from(["SGD", "Adam", "RMSprop"]),
    scale=st.sampled_from([1.0, 1e3, 1e100]),
)
def test_a_diverging_fit_stops_with_epoch_step_and_cause_never_silent_nan(lr, opt, scale):
    model = mlp()
    x, y = data(16)
    try:
        hist = model.fit(x, y * scale, nw.MSE(), OPTIMIZERS[opt][0](lr=lr), epochs=4,
                         batch_size=4, progress=False)  # fmt: skip
    except nw.NonFiniteError as exc:
        assert isinstance(exc, FloatingPointError) and isinstance(exc, ValueError)
        msg = str(exc)
        assert re.search(r"epoch \d+, step \d+", msg) and "learning rate" in msg  # when, advice
        assert re.search(r"loss|parameter|gradient|params\[", msg)  # where: loss, weight, layer
        return
    assert all(math.isfinite(v) for v in hist["loss"])
    assert all(finite(p) for p in model.parameters()[0]), "a fit must not return NaN weights"


@FAST
@given(
    method=st.sampled_from(["predict", "evaluate"]),
    arg=st.sampled_from(["x", "y", "loss", "batch_size"]),
    value=st.one_of(anything(max_side=4), shaped((5, 3)), shaped((5, 2))),
)
def test_predict_and_evaluate_refuse_bad_input_or_give_finite_results(method, arg, value):
    model = mlp()
    x, y = data(5)
    kw = {"x": x, "y": y, "loss": nw.MSE(), "batch_size": 2}
    if method == "predict":
        if arg in ("y", "loss"):
            return
        kw = {k: kw[k] for k in ("x", "batch_size")}
    kw[arg] = value
    out = attempt(lambda: getattr(model, method)(**kw), arg, value)
    if out is REFUSED:
        return
    if method == "predict":
        xa = real_array("x", kw["x"])
        assert out.shape == (len(xa), *model.output_shape(xa.shape[1:])) and finite(out)
    else:
        assert math.isfinite(out["loss"]) and out["loss"] >= 0


@FAST
@given(
    arg=st.sampled_from(["input_shape", "print_fn"]),
    value=st.one_of(anything(max_side=3), st.tuples(scalars(), scalars(), scalars())),
)
def test_summary_refuses_a_bad_shape_or_lists_every_layer(arg, value):
    model = nw.Sequential([nw.Conv2D(1, 2, 3, rng=0), nw.MaxPool2D(2), nw.Flatten()])
    lines = []
    kw = {"input_shape": (1, 8, 8), "print_fn": lines.append}
    kw[arg] = value
    text = attempt(lambda: model.summary(**kw), arg, value)
    if text is not REFUSED:
        assert text.count("\n") >= 3 + len(model.layers) and "Total params" in text


@FAST
@given(arg=st.sampled_from(["layers", "seed", "dtype"]), value=anything(max_side=2))
def test_sequential_layers_seed_and_astype_are_checked(arg, value):
    if arg == "dtype":
        model = attempt(lambda: mlp().astype(value), "dtype", value)
        if model is not REFUSED:
            assert all(p.dtype.kind == "f" for p in model.parameters()[0])
        return
    kw = {"layers": [nw.Dense(3, 2, rng=0)], "seed": 0, arg: value}
    model = attempt(lambda: nw.Sequential(**kw), arg, value)
    if model is not REFUSED:
        assert all(isinstance(layer, nw.Layer) for layer in model.layers)


# ------------------------------------------------------------------------------ gradcheck
@FAST
@given(
    arg=st.sampled_from(["model_or_layer", "loss", "x", "y", "eps", "tol", "check_input"]),
    value=st.one_of(anything(max_side=3), shaped((2, 3))),
)
def test_gradcheck_refuses_bad_input_or_returns_finite_errors(arg, value):
    kw = {"model_or_layer": nw.Dense(3, 2, rng=0), "loss": nw.MSE(),
          "x": np.random.default_rng(5).standard_normal((2, 3)), "y": np.ones((2, 2)),
          "eps": 1e-5, "tol": 1e-6, "check_input": True}  # fmt: skip
    kw[arg] = value
    try:
        errors = attempt(lambda: nw.gradcheck(**kw), arg, value)
    except nw.GradcheckError:
        return  # a verdict, as documented (a step too small or too large for the check)
    if errors is not REFUSED:
        assert all(math.isfinite(e) for e in errors.values())


# ------------------------------------------------------------------------------ datasets
@FAST
@given(
    fn=st.sampled_from(["adding_problem", "periodic", "train_test_split"]),
    arg_index=st.integers(0, 4),
    value=anything(max_side=3),
)
def test_dataset_helpers_refuse_a_bad_argument_or_return_finite_data(fn, arg_index, value):
    if fn == "adding_problem":
        kw = {"n": 3, "T": 30, "variant": "hochreiter1997", "seed": 0}
        call = adding_problem
    elif fn == "periodic":
        kw = {"pattern": "1000", "n": 3, "length": 5, "seed": 0}
        call = periodic
    else:
        kw = {"x": np.arange(10.0).reshape(5, 2), "y": np.array([0, 1, 0, 1, 1]),
              "test_size": 0.4, "stratify": True, "seed": 0}  # fmt: skip
        call = train_test_split
    arg = list(kw)[arg_index % len(kw)]
    if arg in ("n", "T", "length") and costly(value, 1000):
        return  # a big valid size: right, but slow
    kw[arg] = value
    out = attempt(lambda: call(**kw), arg, value)
    if out is REFUSED:
        return
    if fn == "train_test_split":
        x_tr, x_te, y_tr, y_te = out
        assert len(x_tr) + len(x_te) == len(np.asarray(kw["x"])) and len(x_tr) == len(y_tr)
        return
    x, y = out
    assert finite(x) and finite(y) and len(x) == len(y) == int(kw["n"])


@FAST
@given(
    arg=st.sampled_from(["n", "T", "length"]),
    value=st.sampled_from([10**7, 10**9, 2**40, 10**15]),
)
def test_dataset_sizes_no_memory_holds_are_refused_up_front(arg, value):
    if arg == "length":
        assert attempt(lambda: periodic("10", 10**4, value), "length", value) is REFUSED
    else:
        kw = {"n": 10**4, "T": 10**4, arg: value}
        assert attempt(lambda: adding_problem(**kw), arg, value) is REFUSED


@FAST
@given(value=anything(max_side=2))
def test_init_names_and_blas_threads_are_checked(value):
    init = attempt(lambda: get_initializer(value), "init", value)
    if init is not REFUSED:
        assert callable(init)
    done = attempt(lambda: nw.limit_blas_threads(value), "n", value)
    assert done is REFUSED or isinstance(done, bool)


@FAST
@given(
    arg=st.sampled_from(["in_features", "hidden_size", "out_channels"]),
    value=st.sampled_from([10**6, 10**8, 2**40]),
)
def test_layers_too_large_for_memory_are_refused_before_allocating(arg, value):
    make = {
        "in_features": lambda: nw.Dense(value, value),
        "hidden_size": lambda: nw.LSTM(value, value),
        "out_channels": lambda: nw.Conv2D(value, value, 3),
    }[arg]
    assert attempt(make, (arg, "in_features", "input_size", "in_channels"), value) is REFUSED


# ------------------------------------------------------------------------------ torch interop
def lstm_state(hidden: int = 2, inputs: int = 3) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(6)
    return {
        "weight_ih_l0": rng.standard_normal((4 * hidden, inputs)),
        "weight_hh_l0": rng.standard_normal((4 * hidden, hidden)),
        "bias_ih_l0": rng.standard_normal(4 * hidden),
        "bias_hh_l0": rng.standard_normal(4 * hidden),
    }


@FAST
@given(
    key=st.sampled_from(["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "dtype"]),
    value=st.one_of(anything(max_side=4), shaped((8, 3)), shaped((8, 2)), shaped((8,))),
)
def test_lstm_from_torch_refuses_a_bad_state_dict_or_builds_a_working_layer(key, value):
    sd = lstm_state()
    kw = {"dtype": np.float64}
    if key == "dtype":
        kw["dtype"] = value
    else:
        sd[key] = value
    layers = attempt(lambda: nw.lstm_from_torch(sd, **kw), key, value)
    if layers is REFUSED:
        return
    (layer,) = layers
    y = layer.forward(np.ones((1, 2, layer.input_size), dtype=layer.params["W_ih"].dtype))
    assert y.shape == (1, 2) and finite(y)


@FAST
@given(
    arg=st.sampled_from(["module_or_state", "linear", "layers", "module"]),
    value=st.one_of(anything(max_side=2), st.dictionaries(st.text(max_size=3), scalars())),
)
def test_torch_interop_refuses_what_is_not_a_module_state_dict_or_lstm(arg, value):
    if arg == "module_or_state":
        assert attempt(lambda: nw.lstm_from_torch(value), arg, value) is REFUSED
    elif arg == "linear":
        assert attempt(lambda: nw.dense_from_torch(value), arg, value) is REFUSED
    elif arg == "layers":
        assert attempt(lambda: nw.lstm_to_torch(value), arg, value) is REFUSED
    else:
        sd = attempt(lambda: nw.lstm_to_torch(nw.LSTM(3, 2, rng=0), module=value), arg, value)
        assert sd is REFUSED or value is None


def test_lstm_to_torch_refuses_a_module_of_another_layout():
    torch = pytest.importorskip("torch")
    module = torch.nn.LSTM(3, 5)
    out = attempt(lambda: nw.lstm_to_torch(nw.LSTM(3, 2, rng=0), module), "module", module)
    assert out is REFUSED
