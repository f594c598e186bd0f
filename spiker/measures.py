"""Measures: a run :class:`~spiker.models.Model` reduced to a few named numbers, as
:func:`spiker.sweep` records them (``spiker sweep --measure NAME`` picks one from
:data:`MEASURES`).

Each measure takes a model after its run and returns a dict of columns, the first named after the
measure itself (the column ``spiker sweep`` plots).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = ["GAMMA_BAND", "MEASURES", "MEASURE_LABELS", "SEGMENT_MS", "gamma", "rate"]


def _neuron_records(model) -> list:
    from spiker.groups import Population

    records = [r for r in model.spike_records().values() if isinstance(r.group, Population)]
    if not records:
        raise ValueError(f"model {model.name!r} records no spikes of neurons")
    return records


def rate(model) -> dict[str, float]:
    """Mean firing rates (Hz) of a run :class:`~spiker.models.Model`: ``"rate"`` over every
    recorded neuron, ``"rate_NAME"`` per spike record of neurons (spike sources left out)."""
    records = _neuron_records(model)
    seconds = (records[0].t_stop - records[0].t_start) / 1000.0
    n = sum(len(r.neurons) for r in records)
    out = {"rate": sum(r.count for r in records) / (n * seconds) if n and seconds > 0 else 0.0}
    out.update({f"rate_{name}": r.rate() for name, r in model.spike_records().items()
                if any(r is q for q in records)})  # fmt: skip
    return out


#: Gamma band (Hz) and the segment length (ms) of the population-rate spectrum in :func:`gamma`.
GAMMA_BAND = (30.0, 80.0)
SEGMENT_MS = 256.0


def gamma(model) -> dict[str, float]:
    """How strongly the population rate of a run :class:`~spiker.models.Model` oscillates in the
    gamma band.

    The spikes of every recorded neuron are counted in 1 ms bins (whole steps of dt, at least
    one); the spectrum of that population count is Welch's: Hann-windowed segments of
    ``SEGMENT_MS`` = 256 ms (the whole run if shorter), overlapping by half, each with its mean
    removed, periodograms averaged.

    Returns
    -------
    dict
        ``"gamma"``: the share of the spectral power above 0 Hz that lies in ``GAMMA_BAND``
        (30-80 Hz), between 0 and 1. A rate without rhythm (flat spectrum) gives the band's share
        of the frequencies, about 0.1 with 1 ms bins; a silent network gives 0.
        ``"gamma_frequency"``: the frequency (Hz) of the spectrum's peak within the band; NaN
        for a silent network.
    """
    records = _neuron_records(model)
    dt = records[0].dt
    per_bin = max(1, round(1.0 / dt))
    bin_s = per_bin * dt / 1000.0
    first = round(records[0].t_start / dt)
    n_bins = (round(records[0].t_stop / dt) - first) // per_bin
    if n_bins < 2:
        raise ValueError(f"gamma needs a run of at least 2 bins of {per_bin * dt:g} ms")
    steps = np.concatenate([r.steps for r in records]) - first
    x = np.bincount(steps // per_bin, minlength=n_bins)[:n_bins].astype(np.float64)
    seg = min(n_bins, max(2, round(SEGMENT_MS / 1000.0 / bin_s)))
    starts = range(0, n_bins - seg + 1, max(1, seg // 2))
    window = np.hanning(seg)
    power = np.zeros(seg // 2 + 1)
    for s in starts:
        piece = x[s : s + seg]
        power += np.abs(np.fft.rfft(window * (piece - piece.mean()))) ** 2
    freq = np.fft.rfftfreq(seg, bin_s)
    band = (freq >= GAMMA_BAND[0]) & (freq <= GAMMA_BAND[1])
    total = power[1:].sum()
    if total == 0 or not band.any():
        return {"gamma": 0.0, "gamma_frequency": math.nan}
    return {
        "gamma": float(power[band].sum() / total),
        "gamma_frequency": float(freq[band][np.argmax(power[band])]),
    }


#: Measures for ``spiker sweep --measure NAME``: each takes a run Model and returns a column
#: named after itself (the one the command plots), and maybe more.
MEASURES: dict[str, Callable] = {"rate": rate, "gamma": gamma}
#: Axis labels of the measures' main columns.
MEASURE_LABELS = {"rate": "mean rate (Hz)", "gamma": "share of rate power in 30-80 Hz"}
