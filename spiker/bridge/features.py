"""Spike trains -> rate features: binned, Gaussian-smoothed and causal exponential rates; LSTM
windows and CNN images."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from spiker import _validate as check
from spiker.bridge._spikes import Spikes, SpikesLike, as_spikes

#: Rate estimators by name: None (binned counts), "gaussian" (acausal), "exponential" (causal).
KERNELS = (None, "gaussian", "exponential")
_GAUSS_REACH = 7.0  # Gaussian truncated at 7 sigma: mass beyond is 2.6e-12
_CHUNK = 1 << 22  # (spike, bin) pairs handled at once by the Gaussian


def _columns(sp: Spikes, neurons) -> tuple[np.ndarray, np.ndarray]:
    """Column of every unit (-1 if not selected) and the selected units in column order."""
    if neurons is None:
        chosen = sp.neurons
    else:
        chosen = check.index_array("neurons", neurons, sp.n)
        if np.unique(chosen).shape[0] != chosen.shape[0]:
            raise ValueError(f"neurons must not repeat an index; got {check._short(neurons)}")
    col = np.full(sp.n, -1, np.int64)
    col[chosen] = np.arange(chosen.shape[0])
    return col, chosen


def rates(
    spikes: SpikesLike,
    bin_ms: float,
    t_start: float | None = None,
    t_stop: float | None = None,
    kernel: str | None = None,
    sigma_ms: float | None = None,
    neurons: ArrayLike | None = None,
) -> np.ndarray:
    """Firing rates of each neuron in consecutive time bins, Hz, shape (n_bins, n_neurons).

    Bins are defined on integer steps: with ``k = bin_ms / dt`` (which must be whole) and
    ``s0 = t_start / dt``, bin ``b`` holds the steps ``[s0 + b*k, s0 + (b+1)*k)``, i.e. the times
    ``[t_start + b*bin_ms, t_start + (b+1)*bin_ms)``: left edge in, right edge out, as Elephant's
    ``time_histogram``. A spike exactly on an edge therefore belongs to the later bin, and no
    spike is lost or counted twice. ``n_bins = floor((t_stop - t_start) / bin_ms)``; a last
    partial bin is dropped (with its spikes).

    Parameters
    ----------
    spikes : SpikeRecord or Spikes
        Spikes on a step grid of ``dt`` ms.
    bin_ms : float
        Bin width, ms; a whole multiple of dt.
    t_start, t_stop : float or None
        Window, ms, whole steps; default the record's ``t_start`` and ``t_stop``.
    kernel : {None, "gaussian", "exponential"}
        ``None``: spike count in the bin / bin width,
        ``r_b = 1000 * N_b / bin_ms``.
        ``"gaussian"``: acausal, sampled at bin centres ``c_b = t_start + (b + 1/2) bin_ms``,
        ``r_b = 1000 * sum_s exp(-(c_b - t_s)^2 / (2 sigma^2)) / (sigma sqrt(2 pi))``; every
        spike of the record contributes, including those outside the window (truncated at
        7 sigma). Integrates to the spike count: ``sum_b r_b * bin_ms / 1000 = N``.
        ``"exponential"``: causal trace with time constant ``tau = sigma_ms``, sampled just
        before each bin's right edge ``e_b = t_start + (b + 1) bin_ms``,
        ``r_b = (1000 / tau) * sum_{t_s < e_b} exp(-(e_b - t_s) / tau)``: it holds the spikes of
        bin b and of all earlier times (also before ``t_start``), never a later one.
    sigma_ms : float or None
        Kernel width, ms: the Gaussian's standard deviation or the exponential's time constant.
        Default ``bin_ms``. Only with a kernel.
    neurons : int array or None
        Local indices of the neurons to return, in this column order; default the recorded
        neurons (``spikes.neurons``).

    Returns
    -------
    numpy.ndarray of float64, shape (n_bins, n_neurons)
        Rates in Hz (spikes per second).
    """
    sp = as_spikes("spikes", spikes)
    dt = sp.dt
    k = check.whole_steps("bin_ms", bin_ms, dt, minimum=1)
    s0 = check.whole_steps(
        "t_start", sp.t_start if t_start is None else t_start, dt, minimum=-check.MAX_STEPS
    )
    s1 = check.whole_steps(
        "t_stop", sp.t_stop if t_stop is None else t_stop, dt, minimum=s0, minimum_name="t_start"
    )
    if kernel is not None and (not isinstance(kernel, str) or kernel not in KERNELS):
        raise ValueError(f"kernel must be one of {list(KERNELS)}; got {check._short(kernel)}")
    if sigma_ms is not None and kernel is None:
        raise ValueError(
            "sigma_ms is the width of a kernel; give kernel='gaussian' or "
            "'exponential' with it, or leave it out"
        )
    sigma = (
        check.finite_float("bin_ms", bin_ms)
        if sigma_ms is None
        else check.finite_float("sigma_ms", sigma_ms, positive=True)
    )
    col, chosen = _columns(sp, neurons)
    m = chosen.shape[0]
    n_bins = (s1 - s0) // k
    scratch = {None: 2, "gaussian": 2, "exponential": 4}[kernel]  # arrays of n_bins x m held
    check.fits_in_memory(
        "t_start, t_stop, bin_ms",
        8 * scratch * n_bins * m,
        f"{n_bins} bins of {bin_ms} ms in [{s0 * dt}, {s1 * dt}) ms for {m} neurons",
    )
    if kernel is not None:
        # every rate is at most peak * (spikes of its neuron): refuse a kernel so narrow that
        # this overflows, or that (distance / sigma) does (before any work)
        peak = 1000.0 / (sigma * math.sqrt(2.0 * math.pi) if kernel == "gaussian" else sigma)
        if not (math.isfinite(peak * max(sp.count, 1)) and math.isfinite(dt / sigma)):
            raise ValueError(
                f"sigma_ms = {sigma} ms is too narrow for {sp.count} spikes on a grid of "
                f"dt = {dt} ms: the rates would overflow; use a width of at least 1e-250 ms"
            )
    if n_bins == 0 or m == 0:
        return np.zeros((n_bins, m))
    keep = col[sp.i] >= 0
    steps, c = sp.steps[keep], col[sp.i[keep]]
    if kernel is None:
        inside = (steps >= s0) & (steps < s0 + n_bins * k)
        flat = ((steps[inside] - s0) // k) * m + c[inside]
        counts = np.bincount(flat, minlength=n_bins * m).reshape(n_bins, m)
        return counts * (1000.0 / (k * dt))
    if kernel == "gaussian":
        return _gaussian(steps, c, s0, k, n_bins, m, dt, sigma)
    return _exponential(steps, c, s0, k, n_bins, m, dt, sigma)


def _gaussian(steps, c, s0, k, n_bins, m, dt, sigma) -> np.ndarray:
    out = np.zeros(n_bins * m)
    # bins either side of a spike; never more than the window has (a wide kernel stays cheap)
    reach = int(math.ceil(min(_GAUSS_REACH * sigma / (k * dt), n_bins))) + 1
    offsets = np.arange(-reach, reach + 1)
    near = (steps >= s0 - reach * k) & (steps < s0 + (n_bins + reach) * k)
    steps, c = steps[near], c[near]
    per = max(1, _CHUNK // offsets.shape[0])
    norm = 1000.0 / (sigma * math.sqrt(2.0 * math.pi))
    for a in range(0, steps.shape[0], per):
        s, cc = steps[a : a + per, None], c[a : a + per, None]
        b = (s - s0) // k + offsets  # (chunk, 2 reach + 1)
        ok = (b >= 0) & (b < n_bins)
        x = ((s0 + b * k + 0.5 * k) - s) * (dt / sigma)  # (centre - spike) / sigma
        with np.errstate(over="ignore"):  # far from a narrow kernel: x * x = inf, weight 0
            w = norm * np.exp(-0.5 * x * x)
        out += np.bincount((b * m + cc)[ok], weights=w[ok], minlength=n_bins * m)
    return out.reshape(n_bins, m)


def _exponential(steps, c, s0, k, n_bins, m, dt, tau) -> np.ndarray:
    end = s0 + n_bins * k
    before = steps < end
    steps, c = steps[before], c[before]
    b = np.maximum((steps - s0) // k, 0)  # spikes before t_start start in bin 0
    w = np.exp(-((s0 + (b + 1) * k - steps) * dt) / tau)
    jumps = np.bincount(b * m + c, weights=w, minlength=n_bins * m).reshape(n_bins, m)
    return _decaying_sum(jumps, math.exp(-k * dt / tau)) * (1000.0 / tau)


_SCAN_BLOCK = 64


def _decaying_sum(jumps: np.ndarray, decay: float) -> np.ndarray:
    """``r[j] = decay * r[j - 1] + jumps[j]`` along axis 0 (``r[-1] = 0``), without a Python loop
    over j: blocks of 64 rows by one matrix product, the carries between blocks by the same scan
    one level up (decay**64), so a long window costs a few array passes, not n_bins iterations.
    """
    n, m = jumps.shape
    b = _SCAN_BLOCK
    if n <= 1:
        return jumps.copy()
    nb = -(-n // b)
    blocks = np.zeros((nb * b, m))
    blocks[:n] = jumps
    blocks = blocks.reshape(nb, b, m)
    lag = np.arange(b)[:, None] - np.arange(b)[None, :]
    within = np.where(lag >= 0, decay ** np.maximum(lag, 0), 0.0)  # (b, b) lower triangle
    out = within @ blocks  # (nb, b, m): each block from a zero start
    if nb > 1:
        carry = _decaying_sum(out[:, -1], decay**b)  # r at the end of each block
        out[1:] += decay ** np.arange(1, b + 1)[None, :, None] * carry[:-1, None, :]
    return out.reshape(nb * b, m)[:n]


def population_rate(
    spikes: SpikesLike,
    bin_ms: float,
    t_start: float | None = None,
    t_stop: float | None = None,
    kernel: str | None = None,
    sigma_ms: float | None = None,
    neurons: ArrayLike | None = None,
) -> np.ndarray:
    """Mean rate of the chosen neurons per bin, Hz, shape (n_bins,).

    ``rates(...).mean(axis=1)`` with the same arguments and conventions as :func:`rates`; for
    binned counts this is ``1000 * (spikes of all chosen neurons in the bin) / (n * bin_ms)``.
    """
    r = rates(spikes, bin_ms, t_start, t_stop, kernel, sigma_ms, neurons)
    if r.shape[1] == 0:
        raise ValueError("neurons is empty: a population rate needs at least one neuron")
    return r.mean(axis=1)


def windows(features: ArrayLike, length: int, stride: int = 1) -> np.ndarray:
    """Overlapping sequences of consecutive bins, for an LSTM: shape (n_windows, length, n_neurons).

    Window ``w`` is ``features[w*stride : w*stride + length]`` in time order (nothing is
    shuffled); ``n_windows = (n_bins - length) // stride + 1``.

    Parameters
    ----------
    features : array (n_bins, n_neurons)
        E.g. the output of :func:`rates`.
    length : int
        Bins per window, 1 .. n_bins.
    stride : int
        Bins between the starts of consecutive windows (>= 1).
    """
    x = check.real_array("features", features)
    if x.ndim != 2:
        raise ValueError(f"features must have shape (n_bins, n_neurons); got shape {x.shape}")
    length = check.positive_int("length", length)
    stride = check.positive_int("stride", stride)
    if length > x.shape[0]:
        raise ValueError(f"length must be <= n_bins = {x.shape[0]} of features; got {length}")
    n_windows = (x.shape[0] - length) // stride + 1
    check.fits_in_memory(
        "length, stride",
        n_windows * length * x.shape[1] * x.itemsize,
        f"{n_windows} windows of {length} x {x.shape[1]} features",
    )
    view = np.lib.stride_tricks.sliding_window_view(x, length, axis=0)[::stride]
    return np.ascontiguousarray(view.transpose(0, 2, 1))


def images(features: ArrayLike, grid: tuple[int, int] | ArrayLike | None = None) -> np.ndarray:
    """Rate features as NCHW images for a CNN (``networks.Conv2D``).

    Parameters
    ----------
    features : array (n_samples, n_neurons) or (n_samples, n_bins, n_neurons)
        Per-sample rates, e.g. the output of :meth:`Trials.cut` (or its mean over bins).
    grid : None, (height, width), or int array (height, width)
        Where each neuron goes. A shape ``(h, w)`` with ``h * w == n_neurons`` puts neuron
        ``r * w + q`` at row r, column q (C order, as ``values.reshape(h, w)`` was flattened by
        the encoders). An int array gives the neuron index of every pixel (-1: empty, 0).
        ``None`` makes one image of time x neurons per sample (3-d features only).

    Returns
    -------
    numpy.ndarray
        With a grid: (n_samples, 1, h, w) for 2-d features, (n_samples, n_bins, h, w) for
        3-d features (time bins become channels). Without: (n_samples, 1, n_bins, n_neurons),
        rows are time bins in order.
    """
    x = check.real_array("features", features)
    if x.ndim not in (2, 3):
        raise ValueError(
            "features must have shape (n_samples, n_neurons) or (n_samples, n_bins, n_neurons); "
            f"got shape {x.shape}"
        )
    if grid is None:
        if x.ndim != 3:
            raise ValueError(
                "grid=None makes time x neurons images and needs features of shape "
                f"(n_samples, n_bins, n_neurons); got shape {x.shape}; give a grid for 2-d features"
            )
        return np.ascontiguousarray(x[:, None, :, :])
    n = x.shape[-1]
    try:
        layout = np.asarray(grid)
    except (TypeError, ValueError):
        layout = np.empty(0, object)  # ragged: refused below
    if layout.ndim == 1 and layout.shape[0] == 2:
        h = check.positive_int("grid[0]", grid[0])
        w = check.positive_int("grid[1]", grid[1])
        if h * w != n:
            raise ValueError(f"grid {h} x {w} holds {h * w} neurons; features have {n}")
        out = x.reshape(*x.shape[:-1], h, w)
    elif layout.ndim == 2 and layout.dtype.kind in "iu":
        check.fits_in_memory(
            "grid",
            math.prod(x.shape[:-1]) * layout.size * x.itemsize,
            f"images of {layout.shape[0]} x {layout.shape[1]} pixels",
        )
        if layout.size and (layout.min() < -1 or layout.max() >= n):
            raise ValueError(
                f"grid must hold neuron indices in -1 .. {n - 1}; got values in "
                f"[{layout.min()}, {layout.max()}]"
            )
        padded = np.concatenate([x, np.zeros((*x.shape[:-1], 1), x.dtype)], axis=-1)
        out = padded[..., np.where(layout < 0, n, layout)]
    else:
        raise ValueError(
            "grid must be None, a shape (height, width) or a 2-d int array of neuron indices; "
            f"got {check._short(grid)}"
        )
    if x.ndim == 2:
        out = out[:, None]
    return np.ascontiguousarray(out)
