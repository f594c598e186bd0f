"""Raster, trace, weight and rate plots; the only module of spiker that imports matplotlib (lazily).

Each function takes an optional ``ax``, draws with one vectorised artist per series and returns the
Axes. :func:`figure` makes a Figure with a grid of Axes (the models' default figures use it).
"""

from __future__ import annotations

import numpy as np

from spiker import _validate as check
from spiker.monitors import SpikeRecord, StateRecord

DEFAULT_COLORS = ("tab:blue", "tab:red", "tab:green", "tab:orange", "tab:purple", "tab:brown")
_TIME_UNITS = {"ms": 1.0, "s": 1000.0}


def figure(nrows: int = 1, ncols: int = 1, **kwargs):
    """A new Figure with an ``nrows`` x ``ncols`` grid of Axes: ``(fig, axes)`` as
    :func:`matplotlib.pyplot.subplots` returns them (``kwargs`` are passed on)."""
    import matplotlib.pyplot as plt

    return plt.subplots(nrows, ncols, **kwargs)


def _axes(ax):
    if ax is not None:
        return ax
    return figure(1, 1, figsize=(9, 4.5))[1]


def raster(
    records,
    ax=None,
    colors=None,
    size: float = 2.0,
    labels: bool = True,
    window: tuple[float, float] | None = None,
    time_unit: str = "ms",
):
    """Spike raster of one record or several: records of different groups are stacked (first at
    the bottom); records of subsets of one group are drawn at their indices in it.

    Draws one rasterised ``scatter`` (a single vectorised artist whatever the number of spikes),
    each record in its own colour; returns the Axes.

    Parameters
    ----------
    records : SpikeRecord, sequence of SpikeRecord, or dict name -> SpikeRecord
    ax : matplotlib Axes, optional
    colors : sequence of colours, one per record
    size : float
        Marker size, points^2.
    labels : bool
        With several records, write each record's name (its key in a dict, else its group's
        name) in its colour beside the axes, at the middle of its rows.
    window : (float, float), optional
        Draw only the spikes with ``window[0] <= t < window[1]`` (ms), and limit the x axis to it.
    time_unit : {"ms", "s"}
        Unit of the x axis (times are written in full, never as an offset).
    """
    if isinstance(records, SpikeRecord):
        records = [records]
    names = list(records) if isinstance(records, dict) else None
    records = list(records.values()) if isinstance(records, dict) else list(records)
    if not records or not all(isinstance(r, SpikeRecord) for r in records):
        raise TypeError("records must be a SpikeRecord or a non-empty sequence of them")
    colors = list(colors or DEFAULT_COLORS)
    if len(colors) < len(records):
        raise ValueError(f"colors must give one colour per record ({len(records)})")
    check.choice("time_unit", time_unit, _TIME_UNITS)
    scale = _TIME_UNITS[time_unit]
    ax = _axes(ax)
    # records of different groups are stacked; records of one group keep its indices
    stack = len({id(r.group) for r in records}) == len(records)
    t, y, c, offset, ticks = [], [], [], 0, []
    for k, rec in enumerate(records):
        times, i = (rec.t, rec.i) if window is None else rec.window(*window)
        t.append(times / scale)
        y.append(i.astype(np.float64) + (offset if stack else 0))
        c.append(np.full(t[-1].shape[0], k))
        if stack:
            ticks.append((offset + rec.group.n / 2, names[k] if names else rec.group.name))
            offset += rec.group.n
        else:
            mid = rec.neurons.mean() if len(rec.neurons) else 0
            ticks.append((mid, names[k] if names else f"{rec.group.name}[{k}]"))
            offset = max(offset, rec.group.n)
    from matplotlib.colors import ListedColormap

    ax.scatter(
        np.concatenate(t),
        np.concatenate(y),
        c=np.concatenate(c),
        cmap=ListedColormap(colors[: len(records)]),
        vmin=-0.5,
        vmax=len(records) - 0.5,
        s=size,
        marker=".",
        linewidths=0,
        rasterized=True,
    )
    ax.set_ylim(-0.5, offset - 0.5)
    if window is not None:
        ax.set_xlim(window[0] / scale, window[1] / scale)
    ax.ticklabel_format(axis="x", useOffset=False, style="plain")
    ax.set_xlabel(f"time ({time_unit})")
    ax.set_ylabel("neuron")
    if labels and len(records) > 1:
        for (pos, name), color in zip(ticks, colors, strict=False):
            ax.annotate(
                name,
                (1.01, pos / offset),
                xycoords="axes fraction",
                color=color,
                rotation=90,
                va="center",
            )
    return ax


def _with_peaks(t, values, spike_t, peak):
    """Insert a point (t_next, peak) before the first sample after each spike time, so that a
    spike is drawn as a stroke up to ``peak`` (the papers' convention) and down to the reset."""
    at = np.searchsorted(t, spike_t, side="right")
    at = at[at < t.shape[0]]
    return np.insert(t, at, t[at]), np.insert(values, at, peak)


def trace(record: StateRecord, ax=None, neurons=None, spikes: SpikeRecord | None = None):
    """Plot a state record's traces against time (one ``LineCollection``); returns the Axes.

    Parameters
    ----------
    record : StateRecord
    ax : matplotlib Axes, optional
    neurons : sequence of int, optional
        Rows of ``record`` to draw (positions in ``record.neurons``); default all.
    spikes : SpikeRecord, optional
        Spikes of the same group. With a record of ``"v"``, each spike is drawn as a stroke up to
        the neuron's ``v_peak`` (as the papers draw them), whatever v was at the sample before
        it: the samples are taken at the start of a step, after the reset.
    """
    if not isinstance(record, StateRecord):
        raise TypeError(f"record must be a StateRecord; got {type(record).__name__}")
    from matplotlib.collections import LineCollection

    ax = _axes(ax)
    rows = np.arange(record.neurons.shape[0]) if neurons is None else np.asarray(neurons)
    segs = []
    for r in rows:
        t, v = record.t, record.values[r]
        if spikes is not None and record.var == "v" and "v_peak" in record.group.family.params:
            neuron = record.neurons[r]
            peak = record.group.v_peak[neuron]
            t, v = _with_peaks(t, v, spikes.t[spikes.i == neuron], peak)
        segs.append(np.column_stack([t, v]))
    ax.add_collection(LineCollection(segs, linewidths=0.8, colors=DEFAULT_COLORS))
    ax.autoscale()
    units = {"v": "v (mV)", "w": "weight", "c": "eligibility trace c", "d": "dopamine d"}
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(units.get(record.var, record.var))
    return ax


def weight_histograms(weights: dict, ax=None, bins: int = 40, bounds=None):
    """Histograms of several weight arrays on common bins, drawn as outlines so that they never
    blend; returns the Axes.

    Parameters
    ----------
    weights : dict
        Legend label -> weights, arrays of any length (e.g. ``{"start": w0, "after 100 s": w}``).
    ax : matplotlib Axes, optional
    bins : int
        Number of bins over ``bounds``.
    bounds : (float, float), optional
        Range of the bins (e.g. a plastic rule's ``(w_min, w_max)``); default the data's range.
    """
    ax = _axes(ax)
    arrays = {k: np.asarray(w, dtype=np.float64) for k, w in weights.items()}
    if bounds is None:
        lo = min(a.min() for a in arrays.values())
        hi = max(a.max() for a in arrays.values())
        bounds = (lo, hi if hi > lo else lo + 1.0)
    edges = np.linspace(bounds[0], bounds[1], bins + 1)
    for (label, w), color in zip(arrays.items(), ("0.45", "tab:red", "tab:blue"), strict=False):
        counts, _ = np.histogram(w, bins=edges)
        ax.stairs(counts, edges, color=color, linewidth=1.6, label=label)
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xlabel("weight")
    ax.set_ylabel("synapses")
    ax.legend(frameon=False)
    return ax


def rate(record: SpikeRecord, bin_ms: float, ax=None, time_unit: str = "s", **style):
    """Mean rate (Hz) of a spike record's neurons in consecutive bins of ``bin_ms``, as a step
    line over its recorded time; returns the Axes."""
    if not isinstance(record, SpikeRecord):
        raise TypeError(f"record must be a SpikeRecord; got {type(record).__name__}")
    check.choice("time_unit", time_unit, _TIME_UNITS)
    bin_ms = check.finite_float("bin_ms", bin_ms, positive=True)
    ax = _axes(ax)
    n_bins = max(1, int(np.ceil((record.t_stop - record.t_start) / bin_ms - 1e-9)))
    edges = record.t_start + bin_ms * np.arange(n_bins + 1)
    counts, _ = np.histogram(record.t, bins=edges)
    hz = counts / (max(len(record.neurons), 1) * bin_ms / 1000.0)
    ax.stairs(hz, edges / _TIME_UNITS[time_unit], **({"color": "k", "baseline": None} | style))
    ax.set_ylim(bottom=0)
    ax.set_xlabel(f"time ({time_unit})")
    ax.set_ylabel("rate (Hz)")
    return ax


def sweep(table, column: str, param: str | None = None, ax=None, label: str | None = None):
    """A measured column of a :func:`spiker.sweep` table against one grid parameter: the mean
    over seeds with error bars of one standard deviation (ddof = 1), one line per combination of
    the other parameters. Failed runs and NaN values are left out. Returns the Axes.

    Parameters
    ----------
    table : spiker.sweep.SweepTable
    column : str
        A measured column, e.g. ``"rate"``.
    param : str, optional
        The x axis (default: the grid's first parameter).
    ax : matplotlib Axes, optional
    label : str, optional
        What the column is, for the y axis (default: its name).
    """
    params = list(table.parameters)
    param = params[0] if param is None else param
    if param not in params:
        raise ValueError(f"param must be one of the grid's parameters {params}; got {param!r}")
    others = [p for p in params if p != param]
    lines: dict[tuple, list[dict]] = {}
    for row in table.aggregate(column):
        lines.setdefault(tuple(row[p] for p in others), []).append(row)
    ax = _axes(ax)
    n_seeds = max((row["n"] for rows in lines.values() for row in rows), default=0)
    for key, rows in lines.items():
        legend = ", ".join(f"{p} = {v}" for p, v in zip(others, key, strict=True)) or None
        ax.errorbar(
            [row[param] for row in rows],
            [row["mean"] for row in rows],
            yerr=[row["std"] for row in rows],
            marker="o",
            ms=4,
            capsize=3,
            ls="-" if all(isinstance(row[param], int | float) for row in rows) else "none",
            label=legend,
        )
    ax.set_xlabel(param)
    spread = "one seed" if n_seeds == 1 else f"mean ± s.d. over {n_seeds} seeds"
    ax.set_ylabel(f"{label or column}\n{spread}")
    if others:
        ax.legend(fontsize="small")
    return ax
