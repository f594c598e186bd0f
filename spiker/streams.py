"""Records streamed to disk during a run: NumPy ``.npy`` chunks and a JSON index in a folder.

``net.record_spikes(group, to=path)`` (and ``record_state``, ``record_weights``) keeps what the run
records in a folder instead of in memory, so memory stays flat however long the run. The layout
(``docs/store.md``) is readable without spiker::

    PATH/index.json                   what the record is and its chunks, in order
    PATH/neurons.npy                  int64 (width,): recorded neurons (local indices in the group),
                                      or for weights the synapses (indices into the projection)
    PATH/<file>.steps.npy             int64 (rows,): the step of each spike or sample
    PATH/<file>.i.npy                 int32 (rows,): spikes: the neuron (local index in the group)
    PATH/<file>.values.npy            float64 (rows, width): state and weights: one row per sample

with ``<file>`` and ``rows`` given by each entry of ``index["chunks"]``; a chunk file may hold more
rows than its entry says (a provisional end-of-run sample later replaced): read the first ``rows``.
The index is replaced atomically after each chunk is on disk, so a record that survives a killed
process is readable up to its last complete chunk. Times are ``steps * index["dt"]`` ms.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from pathlib import Path

import numpy as np

from spiker import _validate as check

FORMAT = "spiker-record"
VERSION = 1
#: Data held in memory before it is written as a chunk (runs also write at their end and at
#: each checkpoint).
COMMIT_BYTES = 16 * 2**20
#: Streamed records are handed over by the run at least this often (steps), and so that the
#: run's buffers hold at most BUFFER_BYTES.
FLUSH_STEPS = 10_000
BUFFER_BYTES = 32 * 2**20
FIELDS = {"spikes": ("steps", "i"), "state": ("steps", "values"), "weights": ("steps", "values")}
DTYPES = {"steps": np.int64, "i": np.int32, "values": np.float64}


_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_atomic(path: Path, write) -> None:
    """``write(file)`` into a temporary file beside ``path``, fsync, then rename over ``path``:
    ``path`` is either the old file or the complete new one, never a part."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # as open() would create it, not mkstemp's 0o600
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(dir_fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(dir_fd)


def check_path(name: str, path) -> Path:
    """A folder a record can be streamed to: new, empty, or a spiker record (replaced when the
    first run starts), inside an existing writable folder."""
    path = check.writable_path(name, path)
    if path.exists():
        if not path.is_dir():
            raise ValueError(f"{name}={str(path)!r} is a file; a streamed record is a folder")
        if any(path.iterdir()) and _read_index(path) is None:
            raise ValueError(
                f"{name}={str(path)!r} is a folder that is neither empty nor a spiker record; "
                "give a new or empty folder"
            )
    return path


def _read_index(path: Path) -> dict | None:
    try:
        index = json.loads((path / "index.json").read_text())
    except (OSError, ValueError):
        return None
    return index if isinstance(index, dict) and index.get("format") == FORMAT else None


class RecordStream:
    """Appends one record's chunks to a folder (see the module docstring for the layout).

    Parameters
    ----------
    path : Path
        The record's folder.
    kind : {"spikes", "state", "weights"}
    neurons : int array (width,)
        Recorded neurons (or synapses for weights).
    header : dict
        JSON fields that describe the record (dt, group, var, every, ...).
    """

    def __init__(self, path: Path, kind: str, neurons: np.ndarray, header: dict):
        self.path = Path(path)
        self.kind = kind
        self.fields = FIELDS[kind]
        self.neurons = np.asarray(neurons, np.int64)
        self.header = dict(header)
        self.index: dict | None = None  # set when opened (a run starts) or restored
        self._pending: dict[str, list[np.ndarray]] = {f: [] for f in self.fields}
        self._pending_bytes = 0
        self._cache: dict | None = None

    # ---------------------------------------------------------------- writing
    def open(self) -> None:
        """Start the record afresh (the first run that records it): remove what a previous
        record left in the folder, write the neurons and an empty index."""
        if self.index is not None:
            return
        self.path.mkdir(exist_ok=True)
        for stale in [*self.path.glob("chunk*.npy"), *self.path.glob(".*.tmp")]:
            stale.unlink()
        write_atomic(self.path / "neurons.npy", lambda fh: np.save(fh, self.neurons))
        self.index = {
            "format": FORMAT,
            "version": VERSION,
            "kind": self.kind,
            "uid": secrets.token_hex(8),
            **self.header,
            "width": int(self.neurons.shape[0]),
            "fields": {f: np.dtype(DTYPES[f]).str for f in self.fields},
            "rows": 0,
            "provisional": False,
            "chunks": [],
        }
        self._write_index()

    def add(self, steps: np.ndarray, data: np.ndarray) -> None:
        """Append rows (spikes: ``data`` the neuron indices; state: ``data`` (rows, width))."""
        if self.index is None:
            self.open()
        for name, arr in zip(self.fields, (steps, data), strict=True):
            arr = np.array(arr, dtype=DTYPES[name], order="C")  # a copy: runs reuse buffers
            self._pending[name].append(arr)
            self._pending_bytes += arr.nbytes
        self._cache = None
        if self._pending_bytes >= COMMIT_BYTES:
            self.commit()

    def drop_last_row(self) -> None:
        """Remove the last row (a provisional end-of-run sample that a later run replaces)."""
        self._cache = None
        for name in self.fields:
            parts = self._pending[name]
            while parts and parts[-1].shape[0] == 0:
                parts.pop()
        if self._pending["steps"]:
            for name in self.fields:
                self._pending[name][-1] = self._pending[name][-1][:-1]
            return
        chunks = self.index["chunks"]
        while chunks and chunks[-1]["rows"] == 0:
            chunks.pop()
        if chunks:
            last = chunks[-1]
            last["rows"] -= 1
            if last["rows"]:
                steps = np.load(self.path / f"{last['file']}.steps.npy", allow_pickle=False)
                last["last_step"] = int(steps[last["rows"] - 1])
            else:  # the file stays: a checkpoint may refer to it
                chunks.pop()
            self.index["rows"] -= 1
            self._write_index()

    def update(self, **fields) -> None:
        """Change header fields (written with the next commit)."""
        self.header.update(fields)
        if self.index is not None:
            self.index.update(fields)

    def commit(self) -> None:
        """Write what is pending as one chunk (if anything), then the index."""
        if self.index is None:
            self.open()
        rows = sum(a.shape[0] for a in self._pending["steps"])
        if rows:
            joined = {name: np.concatenate(parts) for name, parts in self._pending.items()}
            chunks = self.index["chunks"]
            number = chunks[-1]["id"] + 1 if chunks else 0
            file = f"chunk{number:06d}-{secrets.token_hex(4)}"
            for name, arr in joined.items():
                write_atomic(self.path / f"{file}.{name}.npy", lambda fh, a=arr: np.save(fh, a))
            steps = joined["steps"]
            chunks.append({"id": number, "file": file, "rows": rows,
                           "first_step": int(steps[0]), "last_step": int(steps[-1])})  # fmt: skip
            self.index["rows"] += rows
            self._pending = {f: [] for f in self.fields}
            self._pending_bytes = 0
        self._write_index()

    def _write_index(self) -> None:
        text = json.dumps(self.index, indent=1).encode()
        write_atomic(self.path / "index.json", lambda fh: fh.write(text))

    def _remove_chunk(self, file: str) -> None:
        for name in self.fields:
            (self.path / f"{file}.{name}.npy").unlink(missing_ok=True)

    # ---------------------------------------------------------------- reading
    @property
    def rows(self) -> int:
        """Rows written and pending."""
        done = self.index["rows"] if self.index is not None else 0
        return done + sum(a.shape[0] for a in self._pending["steps"])

    def read(self, lo: int | None = None, hi: int | None = None) -> dict[str, np.ndarray]:
        """Every row so far (on disk and pending), joined: ``{"steps": ..., "i"/"values": ...}``
        (kept until the next append). With ``lo``, ``hi`` (steps): at least the chunks whose
        steps overlap [lo, hi], not kept."""
        if self._cache is not None and lo is None:
            return self._cache
        width = self.neurons.shape[0]
        index = self.index
        if index is not None and lo is not None:
            chunks = [c for c in index["chunks"] if c["last_step"] >= lo and c["first_step"] <= hi]
            index = {**index, "chunks": chunks}
        parts = read_chunks(self.path, index) if index is not None else {}
        out = {}
        for name in self.fields:
            out[name] = _joined(name, parts.get(name, []) + self._pending[name], width)
        if lo is None:
            self._cache = out
        return out

    # ------------------------------------------------------------ checkpoints
    def snapshot(self) -> dict:
        """Write what is pending, and return what a checkpoint needs to come back to this
        point: the folder and its index as it is now."""
        self.commit()
        return {"path": os.fspath(self.path), "index": json.loads(json.dumps(self.index))}

    def check(self, snap: dict) -> None:
        """Raise ValueError unless :meth:`restore` can come back to ``snap``: the folder holds
        the record the snapshot was taken of (same uid) with its chunks on disk."""
        index = snap["index"]
        current = _read_index(self.path)
        where = f"streamed record {str(self.path)!r}"
        if current is None:
            raise ValueError(
                f"{where}: no spiker record there; the checkpoint's record was written to "
                f"{snap['path']!r} (rebuild the network with the same to= paths)"
            )
        if current.get("uid") != index["uid"]:
            raise ValueError(
                f"{where} is not the record this checkpoint refers to (its uid is "
                f"{current.get('uid')!r}, the checkpoint's {index['uid']!r}): another run has "
                "replaced it since the checkpoint was written"
            )
        for chunk in index["chunks"]:
            for name in self.fields:
                file = self.path / f"{chunk['file']}.{name}.npy"
                if not file.exists():
                    raise ValueError(
                        f"{where}: chunk file {file.name!r} that the checkpoint refers to is "
                        "missing (was an older checkpoint restored and run on since?)"
                    )

    def restore(self, snap: dict) -> None:
        """Come back to a snapshot (:meth:`check` it first): chunks written after it are
        removed, and the record appends from there."""
        self.check(snap)
        index = snap["index"]
        current = _read_index(self.path)
        last = index["chunks"][-1]["id"] if index["chunks"] else -1
        keep = {c["file"] for c in index["chunks"]}
        for chunk in current.get("chunks", []):
            if chunk["id"] > last or chunk["file"] not in keep:
                self._remove_chunk(chunk["file"])
        self.index = json.loads(json.dumps(index))
        self.header.update({k: index[k] for k in self.header if k in index})
        self._pending = {f: [] for f in self.fields}
        self._pending_bytes = 0
        self._cache = None
        self._write_index()


def read_chunks(path: Path, index: dict) -> dict[str, list[np.ndarray]]:
    """The chunks listed in ``index``, each field a list of arrays (first ``rows`` rows)."""
    out: dict[str, list[np.ndarray]] = {name: [] for name in FIELDS[index["kind"]]}
    for chunk in index["chunks"]:
        for name in out:
            arr = np.load(path / f"{chunk['file']}.{name}.npy", allow_pickle=False)
            out[name].append(arr[: chunk["rows"]])
    return out


def read_record(path) -> dict:
    """Read a streamed record folder (also one left by a killed process: up to its last
    complete chunk).

    Returns a dict with the index's fields (``kind``, ``dt``, ``group``, ...) and the arrays:
    ``steps`` (int64, (count,)), ``t`` (ms), ``neurons``, and for spikes ``i`` (int32, local
    index in the group), for state and weights ``values`` (float64, (width, n_samples)), the
    same arrays as the record's ``.steps``, ``.t``, ``.i`` / ``.values`` in memory.
    """
    path = check.path("path", path)
    index = _read_index(path)
    if index is None:
        raise ValueError(
            f"path {str(path)!r} is not a streamed spiker record (no valid index.json)"
        )
    if index.get("version") != VERSION:
        raise ValueError(
            f"path {str(path)!r} is a spiker record of format version "
            f"{index.get('version')!r}; this spiker reads version {VERSION}"
        )
    parts = read_chunks(path, index)
    out = {k: v for k, v in index.items() if k != "chunks"}
    width = index["width"]
    for name, arrays in parts.items():
        out[name] = _joined(name, arrays, width)
    if "values" in out:
        out["values"] = out["values"].T
    out["t"] = out["steps"] * index["dt"]
    out["neurons"] = np.load(path / "neurons.npy", allow_pickle=False)
    return out


# -------------------------------------------------------------------- the run's side
def streamed(net) -> list:
    """The network's records that stream to disk."""
    return [r for r in net._spike_records + net._state_records if r._stream is not None]


def open_all(net) -> None:
    """Before a run: start the streamed records that have not started (a fresh folder each)."""
    for rec in streamed(net):
        rec._stream.open()


def commit_all(net) -> None:
    """After a run, and before a checkpoint: every streamed record's pending rows to disk."""
    for rec in streamed(net):
        rec._stream.commit()


def flush_steps(net) -> int:
    """How often (steps) a run hands its records over when some stream to disk (0: no
    stream), so that its buffers hold at most about BUFFER_BYTES."""
    if not streamed(net):
        return 0
    per_step = 4 * len(net._rate_records) + sum(
        8 * r.neurons.shape[0] / r.every for r in net._state_records
    )
    return int(max(1, min(FLUSH_STEPS, BUFFER_BYTES // max(per_step, 1.0))))


def _joined(name: str, arrays: list, width: int) -> np.ndarray:
    """A field's chunks joined (none: an empty array of the field's dtype and shape)."""
    if arrays:
        return np.concatenate(arrays)
    return np.zeros((0, width) if name == "values" else (0,), DTYPES[name])
