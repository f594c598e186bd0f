"""Slow, obviously-correct twins of the fast layers, loop by loop, and test helpers."""

from __future__ import annotations

import numpy as np


def conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: tuple, pad: tuple) -> np.ndarray:
    """Cross-correlation with explicit loops; pad = ((top, bottom), (left, right))."""
    x = np.pad(x, ((0, 0), (0, 0), pad[0], pad[1]))
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    ho, wo = (h - kh) // stride[0] + 1, (wd - kw) // stride[1] + 1
    y = np.zeros((n, o, ho, wo))
    for i in range(ho):
        for j in range(wo):
            patch = x[:, :, i * stride[0] : i * stride[0] + kh, j * stride[1] : j * stride[1] + kw]
            for f in range(o):
                y[:, f, i, j] = (patch * w[f]).sum(axis=(1, 2, 3)) + b[f]
    return y


def maxpool2d(x: np.ndarray, size: tuple, stride: tuple) -> np.ndarray:
    n, c, h, w = x.shape
    ho, wo = (h - size[0]) // stride[0] + 1, (w - size[1]) // stride[1] + 1
    y = np.zeros((n, c, ho, wo))
    for i in range(ho):
        for j in range(wo):
            win = x[
                :,
                :,
                i * stride[0] : i * stride[0] + size[0],
                j * stride[1] : j * stride[1] + size[1],
            ]
            y[:, :, i, j] = win.max(axis=(2, 3))
    return y


def lstm(x, w_ih, w_hh, b, h0, c0, peep=None):
    """One LSTM layer, step by step, sample by sample; returns all h (B, T, H)."""
    bsz, t, _ = x.shape
    hs = w_hh.shape[1]
    out = np.zeros((bsz, t, hs))

    def sig(v):
        return 1 / (1 + np.exp(-v))

    for n in range(bsz):
        h, c = h0[n].copy(), c0[n].copy()
        for k in range(t):
            z = w_ih @ x[n, k] + w_hh @ h + b
            zi, zf, zg, zo = z[:hs], z[hs : 2 * hs], z[2 * hs : 3 * hs], z[3 * hs :]
            if peep is not None:
                zi = zi + peep[0] * c
                zf = zf + peep[1] * c
            i, f, g = sig(zi), sig(zf), np.tanh(zg)
            c = f * c + i * g
            if peep is not None:
                zo = zo + peep[2] * c
            h = sig(zo) * np.tanh(c)
            out[n, k] = h
    return out


def randomize(layer, rng: np.random.Generator, scale: float = 0.5) -> None:
    """Give every parameter random, distinct, non-zero values (biases included)."""
    for p in layer.params.values():
        v = rng.uniform(0.1, 1.0, size=p.shape) * rng.choice([-1.0, 1.0], size=p.shape)
        p[...] = scale * v
