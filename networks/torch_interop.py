"""Exchange weights with PyTorch; torch is imported only inside the functions that need it.

A ``torch.nn.LSTM`` state dict holds, per layer k, ``weight_ih_l{k}`` (4H, D), ``weight_hh_l{k}``
(4H, H), ``bias_ih_l{k}`` and ``bias_hh_l{k}`` (4H,), gates in the order i, f, g, o -- the
order of :class:`networks.LSTM`, whose single bias is ``bias_ih + bias_hh``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from networks import _checks
from networks.layers.dense import Dense
from networks.layers.lstm import LSTM


def _to_numpy(t: Any, dtype: np.dtype | type, name: str, ndim: int) -> np.ndarray:
    """A tensor or array as a finite ``dtype`` array of ``ndim`` axes."""
    if hasattr(t, "detach"):
        t = t.detach().cpu().numpy()
    arr = _checks.finite(name, _checks.real_array(name, t).astype(dtype))
    if arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} axes; got shape {arr.shape}")
    return arr


def _state_dict(module_or_state: Any, name: str) -> Mapping[str, Any]:
    sd = module_or_state.state_dict() if hasattr(module_or_state, "state_dict") else module_or_state
    if not isinstance(sd, Mapping) or not all(isinstance(k, str) for k in sd):
        raise TypeError(
            f"{name} must be a torch module or a state dict (str -> tensor); got "
            f"{_checks.short(module_or_state)}"
        )
    return sd


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
    sd = _state_dict(module_or_state, "module_or_state")
    dtype = _checks.float_dtype("dtype", dtype)
    return_sequences = _checks.flag("return_sequences", return_sequences)
    n_layers = sum(1 for k in sd if k.startswith("weight_ih_l") and not k.endswith("_reverse"))
    if n_layers == 0 or any(k.endswith("_reverse") or k.startswith("weight_hr") for k in sd):
        raise ValueError(
            "module_or_state: expected the state dict of a unidirectional torch.nn.LSTM without "
            f"proj_size; got keys {sorted(sd)}"
        )
    layers = []
    below = None  # hidden size of the layer below
    for k in range(n_layers):
        try:
            w_ih = _to_numpy(sd[f"weight_ih_l{k}"], dtype, f"weight_ih_l{k}", 2)
            w_hh = _to_numpy(sd[f"weight_hh_l{k}"], dtype, f"weight_hh_l{k}", 2)
        except KeyError as exc:
            raise ValueError(f"module_or_state has no {exc.args[0]!r}") from None
        hidden = w_hh.shape[1]
        if w_hh.shape != (4 * hidden, hidden) or w_ih.shape[0] != 4 * hidden or hidden < 1:
            raise ValueError(
                f"module_or_state: weight_hh_l{k} must be (4H, H) and weight_ih_l{k} (4H, D); "
                f"got {w_hh.shape} and {w_ih.shape}"
            )
        if below is not None and w_ih.shape[1] != below:
            raise ValueError(
                f"module_or_state: weight_ih_l{k} takes {w_ih.shape[1]} inputs, but layer {k - 1} "
                f"has {below} units"
            )
        b = np.zeros(w_ih.shape[0], dtype=dtype)
        for name in (f"bias_ih_l{k}", f"bias_hh_l{k}"):
            if name in sd:
                bias = _to_numpy(sd[name], dtype, name, 1)
                if bias.shape != b.shape:
                    raise ValueError(f"{name} must have shape {b.shape}; got {bias.shape}")
                b += bias
        last = k == n_layers - 1
        layer = LSTM(w_ih.shape[1], hidden, return_sequences=return_sequences or not last, rng=0)
        layer.params.update({"W_ih": w_ih, "W_hh": w_hh, "b": b})
        layer._init_grads()
        layers.append(layer)
        below = hidden
    return layers


def lstm_to_torch(layers: LSTM | Sequence[LSTM], module: Any = None) -> dict[str, np.ndarray]:
    """State dict of ``torch.nn.LSTM`` arrays for a stack of :class:`LSTM` layers.

    The bias goes to ``bias_ih_l{k}``; ``bias_hh_l{k}`` is zero. If ``module`` (a
    ``torch.nn.LSTM``) is given, the weights are also copied into it with ``load_state_dict``.
    Peephole weights have no torch counterpart and are refused.
    """
    if isinstance(layers, LSTM):
        layers = [layers]
    if (
        not isinstance(layers, list | tuple)
        or not layers
        or not all(isinstance(lay, LSTM) for lay in layers)
    ):
        got = _checks.short(layers)
        raise TypeError(f"layers must be an LSTM or a non-empty list of them; got {got}")
    if module is not None and not (
        hasattr(module, "state_dict") and hasattr(module, "load_state_dict")
    ):
        raise TypeError(f"module must be a torch.nn.LSTM or None; got {_checks.short(module)}")
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
        if set(ref) != set(sd) or any(tuple(ref[k].shape) != sd[k].shape for k in sd):
            raise ValueError(
                "module does not have the layout of these layers: "
                f"{ {k: tuple(v.shape) for k, v in ref.items()} } vs "
                f"{ {k: v.shape for k, v in sd.items()} }"
            )
        module.load_state_dict({k: torch.as_tensor(v, dtype=ref[k].dtype) for k, v in sd.items()})
    return sd


def dense_from_torch(linear: Any, dtype: np.dtype | type = np.float64) -> Dense:
    """A :class:`Dense` with the weights of a ``torch.nn.Linear`` (same (out, in) layout)."""
    sd = _state_dict(linear, "linear")
    dtype = _checks.float_dtype("dtype", dtype)
    if "weight" not in sd:
        raise ValueError(f"linear has no 'weight'; got keys {sorted(sd)}")
    w = _to_numpy(sd["weight"], dtype, "weight", 2)
    if w.size == 0:
        raise ValueError(f"weight must not be empty; got shape {w.shape}")
    b = _to_numpy(sd["bias"], dtype, "bias", 1) if "bias" in sd else np.zeros(w.shape[0], dtype)
    if b.shape != (w.shape[0],):
        raise ValueError(f"bias must have shape ({w.shape[0]},); got {b.shape}")
    layer = Dense(w.shape[1], w.shape[0], rng=0)
    layer.params["W"] = w
    layer.params["b"] = b
    layer._init_grads()
    return layer
