"""Export of spike records: NEO objects (for Elephant and Viziphant) and pickle-free ``.npz``."""

from __future__ import annotations

import os
import zipfile

import numpy as np

from spiker import _validate as check
from spiker.bridge._spikes import Spikes, SpikesLike, as_spikes

_FORMAT = "spiker.bridge.spikes/1"


def _path(value) -> str:
    try:
        path = os.fspath(value)
    except TypeError:
        raise TypeError(f"path must be a str or os.PathLike; got {check._short(value)}") from None
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not path or "\0" in path:
        raise ValueError(f"path must be a non-empty file name without NUL; got {path!r}")
    return path


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
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a str or None; got {check._short(name)}")
    many = _many(records)
    for k, sp in enumerate(many):
        if sp.count and (
            sp.steps.min() * sp.dt < sp.t_start or sp.steps.max() * sp.dt >= sp.t_stop
        ):
            raise ValueError(
                f"records[{k}] ({sp.name!r}) has spikes outside its window [{sp.t_start}, "
                f"{sp.t_stop}) ms, which a neo.SpikeTrain cannot hold"
            )
    seg = neo.Segment(name=name)
    for sp in many:
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
    path = _path(path)
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
    path = _path(path)
    not_ours = f"path {path!r} is not a file written by spiker.bridge.save_npz"
    with open(path, "rb") as fh:  # missing, a directory, no permission: the system's error
        try:
            f = np.load(fh, allow_pickle=False)
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
            raise ValueError(f"{not_ours}: {exc}") from None
        if not isinstance(f, np.lib.npyio.NpzFile):
            raise ValueError(f"{not_ours}: it holds one array, not an .npz archive")
        try:
            with f:
                return _read(f)
        except Exception as exc:  # noqa: BLE001 - any failure to parse means a damaged file
            raise ValueError(
                f"{not_ours} (or it is damaged): {type(exc).__name__}: {exc}"
            ) from None


def _read(f) -> dict[str, Spikes]:
    if str(f["format"]) != _FORMAT:
        raise ValueError(f"format is {str(f['format'])!r}, not {_FORMAT!r}")
    names = f["names"]
    if names.ndim != 1 or names.dtype.kind != "U":
        raise ValueError(f"names must be a 1-d string array; got {names.dtype} {names.shape}")
    out = {}
    for k, name in enumerate(names.tolist()):
        meta = f[f"r{k}_meta"]
        if meta.shape != (4,) or meta.dtype != np.float64:
            raise ValueError(f"r{k}_meta must be 4 float64 values; got {meta.dtype} {meta.shape}")
        n, dt, t0, t1 = meta.tolist()
        if n != int(n):
            raise ValueError(f"r{k}_meta holds n = {n}, not a whole number")
        out[name] = Spikes(
            f[f"r{k}_steps"], f[f"r{k}_i"], int(n), dt, t0, t1, name, f[f"r{k}_neurons"]
        )
    return out
