"""Layers: each a small class with ``forward``, ``backward`` and matching params/grads dicts."""

from networks.layers.activations import ReLU, ScaledSigmoid, Sigmoid, Tanh
from networks.layers.base import Layer
from networks.layers.conv import Conv2D
from networks.layers.dense import Dense
from networks.layers.dropout import Dropout
from networks.layers.flatten import Flatten
from networks.layers.lstm import LSTM
from networks.layers.pool import MaxPool2D

__all__ = [
    "LSTM",
    "Conv2D",
    "Dense",
    "Dropout",
    "Flatten",
    "Layer",
    "MaxPool2D",
    "ReLU",
    "ScaledSigmoid",
    "Sigmoid",
    "Tanh",
]
