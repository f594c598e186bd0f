"""gradcheck itself: it must catch a planted error and report the figure."""

from __future__ import annotations

import numpy as np
import pytest
from networks_naive import randomize

import networks as nw


class SignErrorDense(nw.Dense):
    """A Dense whose input gradient has the wrong sign."""

    def backward(self, dy):
        return -super().backward(dy)


class WrongBiasGradDense(nw.Dense):
    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["b"] = self.grads["b"] * 1.001
        return dx


def test_planted_sign_error_fails_with_the_figure(rng):
    layer = SignErrorDense(3, 2, rng=0)
    randomize(layer, rng)
    x, y = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    with pytest.raises(nw.GradcheckError, match=r"largest relative error 2\.0\d*e\+00 in 'input'"):
        nw.gradcheck(layer, nw.MSE(), x, y)


def test_small_error_in_one_parameter_is_named(rng):
    layer = WrongBiasGradDense(3, 2, rng=0)
    randomize(layer, rng)
    x, y = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    with pytest.raises(nw.GradcheckError, match=r"relative error 9\.99\de-04 in 'b'"):
        nw.gradcheck(layer, nw.MSE(), x, y)


def test_report_has_every_parameter_and_the_input(rng):
    layer = nw.Dense(3, 2, rng=0)
    randomize(layer, rng)
    errors = nw.gradcheck(layer, nw.MSE(), rng.standard_normal((4, 3)), np.zeros((4, 2)))
    assert set(errors) == {"W", "b", "input"}
    assert all(0 <= e < 1e-9 for e in errors.values())


def test_float32_parameters_are_refused():
    layer = nw.Dense(2, 2, rng=0).astype(np.float32)
    with pytest.raises(TypeError, match="float64 parameters; 'W' is float32"):
        nw.gradcheck(layer, nw.MSE(), np.ones((1, 2)), np.ones((1, 2)))
