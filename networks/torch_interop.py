"""Exchange weights with PyTorch; torch is imported only inside the functions that need it.

A ``torch.nn.LSTM`` state dict holds, per layer k, ``weight_ih_l{k}`` (4H, D), ``weight_hh_l{k}``
(4H, H), ``bias_ih_l{k}`` and ``bias_hh_l{k}`` (4H,), gates in the order i, f, g, o -- the
order of :class:`networks.LSTM`, whose single bias is ``bias_ih + bias_hh``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from networks.layers.dense import Dense
from networks.layers.lstm import LSTM


def _to_numpy(t: Any, dtype: np.dtype | type = np.float64) -> np.ndarray:
    if hasattr(t, "detach"):
        t = t.detach().cpu().numpy()
    return np.array(t, dtype=dtype)


def _state_dict(module_or_state: Any) -> Mapping[str, Any]:
    return (
        module_or_state.state_dict() if hasattr(module_or_state, "state_dict") else module_or_state
    )


def lstm_from_torch(
    module_or_state: Any,
    return_sequences: bool = False,
    dtype: np.dtype | type = np.float64,
) -> list[LSTM]:
    """Build one :class:`LSTM` per layer of a ``torch.nn.LSTM`` (or its state dict).

    Parameters
    ----------
    module_or_state : torch.nn.LSTM or mapping
        The module, or a state dict of tensors or arrays (unidirectional, no projections).
    return_sequences : bool
        Of the last layer; the layers below always return sequences.
    dtype : numpy dtype
        Of the new parameters.

    Returns
    -------
    list of LSTM
        Stack them in a :class:`networks.Sequential` in this order.
    """
    sd = _state_dict(module_or_state)
    n_layers = sum(1 for k in sd if k.startswith("weight_ih_l") and not k.endswith("_reverse"))
    if n_layers == 0 or any(k.endswith("_reverse") or k.startswith("weight_hr") for k in sd):
        raise ValueError(
            "expected the state dict of a unidirectional torch.nn.LSTM without proj_size; "
            f"got keys {sorted(sd)}"
        )
    layers = []
    for k in range(n_layers):
        w_ih = _to_numpy(sd[f"weight_ih_l{k}"], dtype)
        w_hh = _to_numpy(sd[f"weight_hh_l{k}"], dtype)
        b = np.zeros(w_ih.shape[0], dtype=dtype)
        for name in (f"bias_ih_l{k}", f"bias_hh_l{k}"):
            if name in sd:
                b += _to_numpy(sd[name], dtype)
        hidden = w_hh.shape[1]
        last = k == n_layers - 1
        layer = LSTM(w_ih.shape[1], hidden, return_sequences=return_sequences or not last, rng=0)
        layer.params.update({"W_ih": w_ih, "W_hh": w_hh, "b": b})
        layer._init_grads()
        layers.append(layer)
    return layers


def lstm_to_torch(layers: LSTM | Sequence[LSTM], module: Any = None) -> dict[str, np.ndarray]:
    """State dict of ``torch.nn.LSTM`` arrays for a stack of :class:`LSTM` layers.

    The bias goes to ``bias_ih_l{k}``; ``bias_hh_l{k}`` is zero. If ``module`` (a
    ``torch.nn.LSTM``) is given, the weights are also copied into it with ``load_state_dict``.
    Peephole weights have no torch counterpart and are refused.
    """
    if isinstance(layers, LSTM):
        layers = [layers]
    sd: dict[str, np.ndarray] = {}
    for k, layer in enumerate(layers):
        if layer.peepholes:
            raise ValueError(f"layer {k} has peepholes, which torch.nn.LSTM cannot represent")
        p = layer.params
        sd[f"weight_ih_l{k}"] = p["W_ih"].copy()
        sd[f"weight_hh_l{k}"] = p["W_hh"].copy()
        sd[f"bias_ih_l{k}"] = p["b"].copy()
        sd[f"bias_hh_l{k}"] = np.zeros_like(p["b"])
    if module is not None:
        import torch

        ref = module.state_dict()
        module.load_state_dict({k: torch.as_tensor(v, dtype=ref[k].dtype) for k, v in sd.items()})
    return sd


def dense_from_torch(linear: Any, dtype: np.dtype | type = np.float64) -> Dense:
    """A :class:`Dense` with the weights of a ``torch.nn.Linear`` (same (out, in) layout)."""
    sd = _state_dict(linear)
    w = _to_numpy(sd["weight"], dtype)
    layer = Dense(w.shape[1], w.shape[0], rng=0)
    layer.params["W"] = w
    layer.params["b"] = _to_numpy(sd["bias"], dtype) if "bias" in sd else np.zeros(w.shape[0])
    layer._init_grads()
    return layer
