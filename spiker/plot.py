"""Raster and trace plots; the only module of spiker that imports matplotlib (lazily)."""

from __future__ import annotations

import numpy as np

from spiker.monitors import SpikeRecord, StateRecord

DEFAULT_COLORS = ("tab:blue", "tab:red", "tab:green", "tab:orange", "tab:purple", "tab:brown")


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.figure(figsize=(9, 4.5)).add_subplot()


def raster(records, ax=None, colors=None, size: float = 2.0, labels: bool = True):
    """Spike raster of one record or several: records of different groups are stacked (first at
    the bottom); records of subsets of one group are drawn at their indices in it.

    Draws one rasterised ``scatter`` (a single vectorised artist whatever the number of spikes),
    each record in its own colour; returns the Axes.

    Parameters
    ----------
    records : SpikeRecord, sequence of SpikeRecord, or dict name -> SpikeRecord
    ax : matplotlib Axes, optional
    colors : sequence of colours, one per record
    size : marker size (points^2)
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
    ax = _axes(ax)
    # records of different groups are stacked; records of one group keep its indices
    stack = len({id(r.group) for r in records}) == len(records)
    t, y, c, offset, ticks = [], [], [], 0, []
    for k, rec in enumerate(records):
        t.append(rec.t)
        y.append(rec.i.astype(np.float64) + (offset if stack else 0))
        c.append(np.full(rec.count, k))
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
    ax.set_xlabel("time (ms)")
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


def trace(record: StateRecord, ax=None, neurons=None):
    """Plot a state record's traces against time (one ``LineCollection``); returns the Axes."""
    if not isinstance(record, StateRecord):
        raise TypeError(f"record must be a StateRecord; got {type(record).__name__}")
    from matplotlib.collections import LineCollection

    ax = _axes(ax)
    values = record.values if neurons is None else record.values[np.asarray(neurons)]
    segs = np.stack([np.broadcast_to(record.t, values.shape), values], axis=-1)
    ax.add_collection(LineCollection(segs, linewidths=0.8, colors=DEFAULT_COLORS))
    ax.autoscale()
    units = {"v": "v (mV)", "u": "u", "I": "I", "I_syn": "I_syn"}
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(units[record.var])
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
