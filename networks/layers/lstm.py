"""Long short-term memory layer with full backpropagation through time."""

from __future__ import annotations

import numpy as np

from networks import _checks
from networks.init import get_initializer
from networks.layers.base import Layer, as_generator


class LSTM(Layer):
    """One LSTM layer over (batch, time, features), gate order i, f, g, o as ``torch.nn.LSTM``.

    For each step t, with ``z = x_t W_ih^T + h_{t-1} W_hh^T + b`` split into four blocks of H::

        i = sigmoid(z_i + w_ci * c_{t-1})      input gate
        f = sigmoid(z_f + w_cf * c_{t-1})      forget gate
        g = tanh(z_g)                          cell candidate
        c_t = f * c_{t-1} + i * g
        o = sigmoid(z_o + w_co * c_t)          output gate
        h_t = o * tanh(c_t)

    The peephole terms (``w_c*``, Greff et al. 2015) are present only with ``peepholes=True``.

    Parameters
    ----------
    input_size : int
        Features per time step, D.
    hidden_size : int
        Units, H.
    return_sequences : bool
        Return all hidden states (batch, T, H) instead of the last one (batch, H).
    forget_bias, input_bias : float
        Initial values of the forget- and input-gate biases (Gers et al. 2000 use a positive
        forget bias; Hochreiter and Schmidhuber 1997 a negative input bias). Other biases start
        at 0.
    peepholes : bool
        Add the diagonal peephole weights ``w_ci``, ``w_cf``, ``w_co`` (shape (H,)).
    mask_value : float or None
        If set, a time step whose features all equal ``mask_value`` is padding: the state is
        carried over unchanged (Keras' ``Masking``), so padded sequences of different lengths
        give the result of running each on its own. The last output is then the state after
        the last real step. ``forward(x, lengths=...)`` does the same from explicit lengths.
    rng : Generator, int or None
        Source of the initial weights: ``W_ih`` Glorot uniform, ``W_hh`` orthogonal per gate.

    Notes
    -----
    ``params``: ``W_ih`` (4H, D), ``W_hh`` (4H, H), ``b`` (4H,) -- the sum of PyTorch's
    ``bias_ih`` and ``bias_hh`` -- and with peepholes ``w_ci``, ``w_cf``, ``w_co`` (H,).
    ``forward`` accepts an initial ``state=(h0, c0)``, each (batch, H); after it, ``self.state``
    holds ``(h_T, c_T)``. ``backward(dy, dstate=(dh_T, dc_T))`` optionally takes gradients of
    the final state and leaves those of the initial state in ``self.dstate``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        return_sequences: bool = False,
        forget_bias: float = 1.0,
        input_bias: float = 0.0,
        peepholes: bool = False,
        mask_value: float | None = None,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        super().__init__()
        self.input_size = _checks.positive_int("input_size", input_size)
        self.hidden_size = _checks.positive_int("hidden_size", hidden_size)
        d, h = self.input_size, self.hidden_size
        _checks.fits_in_memory(
            "input_size, hidden_size",
            3 * 8 * 4 * h * (d + h + 1),
            f"the weights of {h} units with {d} inputs and their gradients",
        )
        self.return_sequences = _checks.flag("return_sequences", return_sequences)
        self.forget_bias = _checks.real("forget_bias", forget_bias)
        self.input_bias = _checks.real("input_bias", input_bias)
        self.peepholes = _checks.flag("peepholes", peepholes)
        if mask_value is not None and not _checks.is_real(mask_value):
            raise TypeError(f"mask_value must be a number or None; got {_checks.short(mask_value)}")
        self.mask_value = mask_value
        self.state: tuple[np.ndarray, np.ndarray] | None = None
        self.dstate: tuple[np.ndarray, np.ndarray] | None = None
        self.initialize(as_generator(rng))

    def initialize(self, rng: np.random.Generator) -> None:
        d, h = self.input_size, self.hidden_size
        w_ih = get_initializer("glorot_uniform")(rng, (4 * h, d), d, 4 * h)
        w_hh = np.concatenate([get_initializer("orthogonal")(rng, (h, h), h, h) for _ in range(4)])
        b = np.zeros(4 * h)
        b[:h] = self.input_bias
        b[h : 2 * h] = self.forget_bias
        self.params = {"W_ih": w_ih, "W_hh": w_hh, "b": b}
        if self.peepholes:
            for name in ("w_ci", "w_cf", "w_co"):
                self.params[name] = np.zeros(h)
        self._init_grads()

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        t = input_shape[0]
        return (t, self.hidden_size) if self.return_sequences else (self.hidden_size,)

    @property
    def nan_is_padding(self) -> bool:
        return self.mask_value is not None and bool(np.isnan(self.mask_value))

    def _mask(self, x: np.ndarray, lengths: np.ndarray | None) -> np.ndarray | None:
        """(T, B, 1) array of 1 for real steps and 0 for padding, or None if all are real."""
        b, t, _ = x.shape
        if lengths is not None:
            lengths = _checks.real_array("lengths", lengths)
            if (
                lengths.shape != (b,)
                or not np.isfinite(lengths).all()
                or (lengths != np.round(lengths)).any()
                or (lengths < 1).any()
                or (lengths > t).any()
            ):
                raise ValueError(
                    f"lengths must be {b} integers in [1, {t}]; got {_checks.short(lengths)}"
                )
            keep = np.arange(t)[:, None] < lengths[None, :]
        elif self.mask_value is not None:
            if np.isnan(self.mask_value):
                keep = ~np.isnan(x).all(axis=2).T
            else:
                keep = ~(x == self.mask_value).all(axis=2).T
        else:
            return None
        if keep.all():
            return None
        return keep[:, :, None].astype(x.dtype)

    @np.errstate(over="ignore", invalid="ignore")  # overflow is reported by _finite
    def forward(
        self,
        x: np.ndarray,
        training: bool = True,
        state: tuple[np.ndarray, np.ndarray] | None = None,
        lengths: np.ndarray | None = None,
    ) -> np.ndarray:
        """x: (B, T, D) -> (B, T, H) if ``return_sequences`` else (B, H).

        ``state`` is an optional ``(h0, c0)``, each (B, H), zeros by default; ``lengths`` (B,)
        marks steps at and after ``lengths[b]`` as padding.
        """
        x = self._input(x)
        if x.ndim != 3 or x.shape[2] != self.input_size:
            raise ValueError(
                f"LSTM expects input (batch, time, {self.input_size}); got x of shape {x.shape}"
            )
        bsz, t, _ = x.shape
        hs = self.hidden_size
        _checks.fits_in_memory(
            "x", 8 * x.itemsize * (t + 1) * bsz * hs, f"the gates and states of {t} steps"
        )
        state = self._pair("state", state, (bsz, hs))
        p = self.params
        dt = x.dtype
        m = self._mask(x, lengths)
        xt = np.ascontiguousarray(x.transpose(1, 0, 2))
        if m is not None:
            xt = np.where(m > 0, xt, 0)  # padding may be NaN: keep it out of the sums
        h_all = np.empty((t + 1, bsz, hs), dtype=dt)  # h_all[k + 1] = h after step k
        c_all = np.empty((t + 1, bsz, hs), dtype=dt)
        if state is None:
            h_all[0] = 0
            c_all[0] = 0
        else:
            h_all[0], c_all[0] = state
        # Gates are computed as 1 / (1 + exp(-a)): fold the minus sign, and the factor 2 of
        # tanh(a) = 2 sigmoid(2 a) - 1 for g, into scaled copies of the weights (exact in floats).
        scale = np.full(4 * hs, -1.0, dtype=dt)
        scale[2 * hs : 3 * hs] = -2.0
        gates = xt.reshape(t * bsz, -1) @ (p["W_ih"] * scale[:, None]).T
        gates += p["b"] * scale
        gates = gates.reshape(t, bsz, 4 * hs)  # -z, then the activations, in place
        w_hh_t = np.ascontiguousarray((p["W_hh"] * scale[:, None]).T)
        tanh_c = np.empty((t, bsz, hs), dtype=dt)
        rec = np.empty((bsz, 4 * hs), dtype=dt)
        tmp = np.empty((bsz, hs), dtype=dt)
        peep = self.peepholes
        if peep:
            w_cif = -np.stack([p["w_ci"], p["w_cf"]])[None]  # (1, 2, H)
            w_co = -p["w_co"]
        i3 = slice(0, 3 * hs) if peep else slice(0, 4 * hs)
        with np.errstate(over="ignore"):
            for k in range(t):
                z = gates[k]
                np.matmul(h_all[k], w_hh_t, out=rec)
                z += rec
                c_prev = c_all[k]
                if peep:
                    z.reshape(bsz, 4, hs)[:, :2] += w_cif * c_prev[:, None, :]
                a = z[:, i3]
                np.exp(a, out=a)
                a += 1
                np.reciprocal(a, out=a)
                g = z[:, 2 * hs : 3 * hs]
                g *= 2
                g -= 1
                c = c_all[k + 1]
                np.multiply(z[:, hs : 2 * hs], c_prev, out=c)
                np.multiply(z[:, :hs], g, out=tmp)
                c += tmp
                if m is not None:
                    c *= m[k]
                    np.multiply(1 - m[k], c_prev, out=tmp)
                    c += tmp
                o = z[:, 3 * hs :]
                if peep:
                    o += w_co * c
                    np.exp(o, out=o)
                    o += 1
                    np.reciprocal(o, out=o)
                tc = tanh_c[k]
                np.multiply(c, -2, out=tc)
                np.exp(tc, out=tc)
                tc += 1
                np.divide(2, tc, out=tc)
                tc -= 1
                np.multiply(o, tc, out=h_all[k + 1])
                if m is not None:
                    h_all[k + 1] *= m[k]
                    h_all[k + 1] += (1 - m[k]) * h_all[k]
        self._cache = (xt, h_all, c_all, gates, tanh_c, m)
        self.state = (h_all[t].copy(), c_all[t].copy())
        out = h_all[1:].transpose(1, 0, 2).copy() if self.return_sequences else h_all[t].copy()
        self._out_shape = out.shape
        return self._finite(out, "x", x, *(state or ()))

    @staticmethod
    def _pair(name: str, value, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray] | None:
        """An optional pair of finite real arrays of ``shape`` (``state`` or ``dstate``)."""
        if value is None:
            return None
        if not isinstance(value, tuple | list) or len(value) != 2:
            raise TypeError(f"{name} must be a pair (h, c) of arrays; got {_checks.short(value)}")
        pair = []
        for k, part in enumerate(value):
            arr = _checks.finite(f"{name}[{k}]", _checks.real_array(f"{name}[{k}]", part))
            if arr.shape != shape:
                raise ValueError(f"{name}[{k}] must have shape {shape}; got {arr.shape}")
            pair.append(arr)
        return pair[0], pair[1]

    @np.errstate(over="ignore", invalid="ignore")
    def backward(
        self, dy: np.ndarray, dstate: tuple[np.ndarray, np.ndarray] | None = None
    ) -> np.ndarray:
        """dy: (B, T, H) or (B, H) as the output -> dL/dx (B, T, D); fills ``grads``, ``dstate``.

        Nothing of the forward pass is recomputed: the local derivatives come from the cached
        gates, a chunk of steps at a time; the reversed loop over time does five element-wise
        products and one matmul per step.
        """
        dy = self._dy(dy)
        xt, h_all, c_all, gates, tanh_c, m = self._cache
        p = self.params
        t, bsz, hs = tanh_c.shape
        dstate = self._pair("dstate", dstate, (bsz, hs))
        dt = gates.dtype
        peep = self.peepholes
        if peep:
            w_co = p["w_co"]
            w_cif = np.stack([p["w_ci"], p["w_cf"]])[None]  # (1, 2, H)
        dz_all = np.empty_like(gates)
        dh = np.zeros((bsz, hs), dtype=dt)
        dc = np.zeros((bsz, hs), dtype=dt)
        if dstate is not None:
            dh += dstate[0]
            dc += dstate[1]
        if self.return_sequences:
            dys = dy.transpose(1, 0, 2)
        else:
            dh += dy
        w_hh = p["W_hh"]
        # Local derivatives are formed for a chunk of steps at a time (few large ufunc calls,
        # the chunk still in cache), then the recurrence runs through the chunk backwards.
        chunk = max(1, min(t, (1 << 20) // (bsz * 4 * hs * gates.itemsize)))
        kk_buf = np.empty((chunk, bsz, 4, hs), dtype=dt)
        kc_buf = np.empty((chunk, bsz, hs), dtype=dt)
        dct = np.empty((bsz, hs), dtype=dt)
        for k1 in range(t, 0, -chunk):
            k0 = max(0, k1 - chunk)
            n_k = k1 - k0
            g4 = gates[k0:k1].reshape(n_k, bsz, 4, hs)
            i, f, g, o = g4[:, :, 0], g4[:, :, 1], g4[:, :, 2], g4[:, :, 3]
            tc = tanh_c[k0:k1]
            kk, kc = kk_buf[:n_k], kc_buf[:n_k]
            # kk = [g i (1 - i), c_prev f (1 - f), i (1 - g^2), tanh(c) o (1 - o)]
            np.subtract(1, g4, out=kk)
            kk *= g4
            kk[:, :, 0] *= g
            kk[:, :, 1] *= c_all[k0:k1]
            np.multiply(g, g, out=kk[:, :, 2])
            np.subtract(1, kk[:, :, 2], out=kk[:, :, 2])
            kk[:, :, 2] *= i
            kk[:, :, 3] *= tc
            # kc = o (1 - tanh(c)^2) = o - h tanh(c)
            np.multiply(h_all[k0 + 1 : k1 + 1], tc, out=kc)
            np.subtract(o, kc, out=kc)
            if m is not None:
                kk *= m[k0:k1, :, :, None]
                kc *= m[k0:k1]
            for k in range(k1 - 1, k0 - 1, -1):
                if self.return_sequences:
                    dh += dys[k]
                kkk = kk[k - k0]
                dz3 = dz_all[k].reshape(bsz, 4, hs)
                np.multiply(dh, kkk[:, 3], out=dz3[:, 3])
                np.multiply(dh, kc[k - k0], out=dct)
                dct += dc
                if peep:
                    dct += dz3[:, 3] * w_co
                np.multiply(kkk[:, :3], dct[:, None, :], out=dz3[:, :3])
                dc = dct * f[k - k0]
                if peep:
                    dc += (dz3[:, :2] * w_cif).sum(axis=1)
                if m is not None:
                    # a padded step carries dc and dh unchanged (its dz is zero)
                    dc += (1 - m[k]) * (dct - dc)
                dh_prev = dz3.reshape(bsz, 4 * hs) @ w_hh
                if m is not None:
                    dh_prev += (1 - m[k]) * dh
                dh = dh_prev
        c_prev_all = c_all[:t]
        dz2 = dz_all.reshape(t * bsz, 4 * hs)
        self.grads["W_ih"] = (xt.reshape(t * bsz, -1).T @ dz2).T
        self.grads["W_hh"] = dz2.T @ h_all[:t].reshape(t * bsz, hs)
        self.grads["b"] = np.ones(t * bsz, dtype=dt) @ dz2
        if peep:
            dz4 = dz_all.reshape(t, bsz, 4, hs)
            self.grads["w_ci"] = np.einsum("tbh,tbh->h", dz4[:, :, 0], c_prev_all)
            self.grads["w_cf"] = np.einsum("tbh,tbh->h", dz4[:, :, 1], c_prev_all)
            self.grads["w_co"] = np.einsum("tbh,tbh->h", dz4[:, :, 3], c_all[1:])
        self.dstate = (dh, dc)
        dx = (p["W_ih"].T @ dz2.T).reshape(-1, t, bsz)
        sources = (dy, *(dstate or ()))
        name = "dy" if dstate is None else "dy and dstate"
        for g in self.grads.values():
            self._finite(g, name, *sources)
        return self._finite(dx.transpose(2, 1, 0), name, *sources)

    def __repr__(self) -> str:
        return (
            f"LSTM({self.input_size}, {self.hidden_size}, "
            f"return_sequences={self.return_sequences}, peepholes={self.peepholes})"
        )
