"""networks: NumPy layers, losses and optimisers with exact forward/backward passes.

Independent of :mod:`spiker`; needs only NumPy (tqdm for progress bars, scikit-learn for the
bundled data loaders, torch only for weight exchange and cross-checks).
"""

from networks import datasets, init
from networks._checks import NonFiniteError
from networks.gradcheck import GradcheckError, gradcheck
from networks.layers import (
    LSTM,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    Layer,
    MaxPool2D,
    ReLU,
    ScaledSigmoid,
    Sigmoid,
    Tanh,
)
from networks.losses import L1, MSE, CrossEntropy, Loss, accuracy
from networks.model import Sequential
from networks.optim import SGD, Adagrad, Adam, Optimizer, RMSprop, clip_grad_norm, clip_grad_value
from networks.threads import limit_blas_threads
from networks.torch_interop import dense_from_torch, lstm_from_torch, lstm_to_torch

__all__ = [
    "limit_blas_threads",
    "L1",
    "LSTM",
    "MSE",
    "SGD",
    "Adagrad",
    "Adam",
    "Conv2D",
    "CrossEntropy",
    "Dense",
    "Dropout",
    "Flatten",
    "GradcheckError",
    "Layer",
    "Loss",
    "MaxPool2D",
    "NonFiniteError",
    "Optimizer",
    "RMSprop",
    "ReLU",
    "ScaledSigmoid",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "accuracy",
    "clip_grad_norm",
    "clip_grad_value",
    "datasets",
    "dense_from_torch",
    "gradcheck",
    "init",
    "lstm_from_torch",
    "lstm_to_torch",
]
