"""Export of spike records: NEO objects (for Elephant and Viziphant) and pickle-free ``.npz``."""

from __future__ import annotations

import os

import numpy as np

from spiker.bridge._spikes import Spikes, SpikesLike, as_spikes

_FORMAT = "spiker.bridge.spikes/1"


def _many(records) -> list[Spikes]:
    if isinstance(records, dict):
        records = list(records.values())
    elif not isinstance(records, list | tuple):
        records = [records]
    return [as_spikes(f"records[{k}]", r) for k, r in enumerate(records)]


def to_neo(records: SpikesLike | list | tuple | dict, name: str | None = None):
    """Spike records as a ``neo.Segment`` of ``neo.SpikeTrain`` objects (needs ``neo``).

    One SpikeTrain per recorded neuron of every record, in record then neuron order, with times
    in ms, ``t_start``/``t_stop`` the record's window (ms), ``name`` ``"<group>[<index>]"`` and
    the annotations ``population`` (group name), ``neuron`` (local index) and ``dt_ms``. Elephant's
    statistics (``time_histogram``, ``isi``, ...) and Viziphant's plots take
    ``segment.spiketrains`` directly.

    Parameters
    ----------
    records : SpikeRecord, Spikes, or a list / dict of them
    name : str or None
        Name of the Segment.

    Returns
    -------
    neo.Segment
    """
    try:
        import neo
        import quantities as pq
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "to_neo needs neo (with quantities): pip install neo  (or spiker[neo])"
        ) from exc
    seg = neo.Segment(name=name)
    for sp in _many(records):
        trains = sp.trains()
        for j in sp.neurons:
            st = neo.SpikeTrain(
                trains[j],
                units=pq.ms,
                t_start=sp.t_start * pq.ms,
                t_stop=sp.t_stop * pq.ms,
                name=f"{sp.name}[{j}]",
                population=sp.name,
                neuron=int(j),
                dt_ms=sp.dt,
            )
            st.segment = seg
            seg.spiketrains.append(st)
    return seg


def save_npz(path: str | os.PathLike, records: SpikesLike | list | tuple | dict) -> None:
    """Save spike records to a ``.npz`` that :func:`load_npz` reads without pickle.

    Per record ``k``: ``r{k}_steps`` (int64), ``r{k}_i`` (int32), ``r{k}_neurons`` (int64) and
    ``r{k}_meta`` = [n, dt, t_start, t_stop] (float64); ``names`` holds the group names
    (unicode array), ``format`` the version. Group names must be unique.

    Parameters
    ----------
    path : str or path-like
    records : SpikeRecord, Spikes, or a list / dict of them
    """
    many = _many(records)
    names = [sp.name for sp in many]
    if len(set(names)) != len(names):
        raise ValueError(f"records must have distinct names; got {names}")
    arrays: dict[str, np.ndarray] = {"format": np.array(_FORMAT), "names": np.array(names, str)}
    for k, sp in enumerate(many):
        arrays[f"r{k}_steps"] = sp.steps.astype(np.int64)
        arrays[f"r{k}_i"] = sp.i.astype(np.int32)
        arrays[f"r{k}_neurons"] = sp.neurons.astype(np.int64)
        arrays[f"r{k}_meta"] = np.array([sp.n, sp.dt, sp.t_start, sp.t_stop], np.float64)
    np.savez(path, **arrays)


def load_npz(path: str | os.PathLike) -> dict[str, Spikes]:
    """Read records saved by :func:`save_npz` (``allow_pickle=False``).

    Returns
    -------
    dict[str, Spikes]
        Group name -> :class:`Spikes`, in the saved order; ``.steps``, ``.i``, ``.t``, ``.dt``,
        ``.t_start``, ``.t_stop``, ``.neurons`` as the record had them.
    """
    with np.load(path, allow_pickle=False) as f:
        if "format" not in f or str(f["format"]) != _FORMAT:
            raise ValueError(f"{os.fspath(path)!r} is not a file written by spiker.bridge.save_npz")
        out = {}
        for k, name in enumerate(f["names"].tolist()):
            n, dt, t0, t1 = f[f"r{k}_meta"].tolist()
            out[name] = Spikes(
                f[f"r{k}_steps"], f[f"r{k}_i"], int(n), dt, t0, t1, name, f[f"r{k}_neurons"]
            )
    return out
