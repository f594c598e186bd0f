"""Store and restore a network's run state; checkpoints of long runs.

A checkpoint is one ``.npz`` file (a zip of ``.npy`` arrays, read with
``np.load(path, allow_pickle=False)``) whose member ``manifest`` holds a JSON text (UTF-8
bytes as uint8). The manifest says what the file is (``format``, ``version``), when it was
taken (``step``, ``t``, ``dt``), where a checkpointed run was going (``run``), the network's
``layout`` (compared on restore), the random generators' states and the records' state, with
every array replaced by ``{"__array__": NAME}`` (the member that holds it) and every integer
too big for 64 bits by ``{"__int__": "DIGITS"}``. ``arrays`` lists each member's dtype, shape
and SHA-256; ``checksum`` is the SHA-256 of the manifest without it (canonical JSON), so a
truncated or corrupted file is refused. docs/store.md describes it for readers without spiker.

What is saved is read from the network in one place each, which an engine change keeps in step:
``Network._run_state()`` (every array a run carries from step to step), ``Network._generators()``
(everything that draws during a run: ``state()``/``set_state()``), ``Network.rng``, and the
records' ``_state()``/``_set_state()`` (spiker/monitors.py).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import math
import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from spiker import _validate as check
from spiker import streams

FORMAT = "spiker-checkpoint"
VERSION = 1


class CheckpointError(ValueError):
    """A file that cannot be restored: not a checkpoint, damaged, or of another layout."""


@dataclass(frozen=True)
class CheckpointInfo:
    """What a checkpoint file says about itself (:func:`read_info`, :meth:`Network.restore`).

    Attributes
    ----------
    path : str
    step : int
        Steps simulated when it was written; ``t = step * dt`` ms.
    t : float
        ms.
    dt : float
        ms.
    end_step, t_end : int or None, float or None
        Where the checkpointed run was to end (None for a file written by ``store``).
    every_ms : float or None
        Interval of the run's checkpoints.
    meta : dict
        The network's :attr:`~spiker.Network.meta` when it was written.
    created : str
        ISO 8601 time of writing.
    """

    path: str
    step: int
    t: float
    dt: float
    end_step: int | None
    t_end: float | None
    every_ms: float | None
    meta: dict
    created: str


# ------------------------------------------------------------------------- JSON with arrays
def _encode(value, name: str, arrays: dict):
    """``value`` as JSON, its arrays moved to ``arrays`` under names that start with ``name``."""
    if isinstance(value, np.ndarray):
        arrays[name] = np.ascontiguousarray(value)
        return {"__array__": name}
    if isinstance(value, dict):
        return {str(k): _encode(v, f"{name}.{k}", arrays) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v, f"{name}.{k}", arrays) for k, v in enumerate(value)]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        value = int(value)
        return value if -(2**63) <= value < 2**63 else {"__int__": str(value)}
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            raise ValueError(f"{name} is {value}: a checkpoint holds finite numbers")
        return float(value)
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"{name} must hold JSON values (numbers, text, lists, dicts); got {value!r}")


def json_only(name: str, value: dict) -> dict:
    """``value``, a dict of JSON values (numbers, text, lists, dicts; no arrays), encoded."""
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a dict of JSON values; got {type(value).__name__}")
    arrays: dict = {}
    try:
        encoded = _encode(value, name, arrays)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must hold JSON values only: {err}") from None
    if arrays:
        raise TypeError(f"{name} must hold JSON values only; {next(iter(arrays))} is an array")
    return encoded


def _decode(value, arrays: dict):
    if isinstance(value, dict):
        if set(value) == {"__array__"}:
            return arrays[value["__array__"]]
        if set(value) == {"__int__"}:
            return int(value["__int__"])
        return {k: _decode(v, arrays) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v, arrays) for v in value]
    return value


def _canonical(manifest: dict) -> bytes:
    return json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()


def _sha(arr: np.ndarray) -> str:
    h = hashlib.sha256()
    h.update(f"{arr.dtype.str}{arr.shape}".encode())
    h.update(np.ascontiguousarray(arr).data)
    return h.hexdigest()


def _digest(*arrays) -> str:
    h = hashlib.sha256()
    for arr in arrays:
        h.update(_sha(np.asarray(arr)).encode())
    return h.hexdigest()[:16]


# ------------------------------------------------------------------------------ the layout
def _spec_digest(spec) -> str:
    """A digest of an input spec's fields (numbers, text and arrays)."""
    h = hashlib.sha256(type(spec).__name__.encode())
    for f in dataclasses.fields(spec):
        value = getattr(spec, f.name)
        h.update(f.name.encode())
        if isinstance(value, np.ndarray | list | tuple):
            h.update(_digest(np.asarray(value, dtype=np.float64)).encode())
        else:
            h.update(repr(value).encode())
    return h.hexdigest()[:16]


def layout(net) -> dict:
    """What a network is built of, as JSON: the file and the network it is restored into must
    agree on all of it."""
    from spiker.groups import Population, SpikeSource
    from spiker.monitors import DopamineRecord, RateRecord, SpikeRecord, WeightRecord

    def group(g):
        family = type(g.model).__name__ if isinstance(g, Population) else None
        return [g.name, type(g).__name__, g.n, g.start, family]

    def record(r):
        if isinstance(r, SpikeRecord):
            what = ["spikes", r.group.name, None, None, None]
        elif isinstance(r, RateRecord):
            return ["rate", r.group.name]
        elif isinstance(r, WeightRecord | DopamineRecord):
            kind = "weights" if isinstance(r, WeightRecord) else "dopamine"
            what = [kind, r.source, r.var, r.every, r.record_final]
        else:
            what = ["state", r.group.name, r.var, r.every, r.record_final]
        streamed = "streamed" if r._stream is not None else "in memory"
        return [*what, len(r.neurons), _digest(r.neurons), streamed]

    out = {
        "dt": net.dt,
        "units": net.n,
        "groups": [group(g) for g in net.groups],
        "neuron methods": _digest(net._family, net._method),
        "projections": len(net.projections),
    }
    for k, p in enumerate(net.projections):
        out[f"projection {k}"] = {
            "name": p.name,
            "pre": p.pre.name,
            "post": p.post.name,
            "synapses": p.n,
            "kind": p.kind,
            "tau_syn": p.tau_syn,
            "plasticity": repr(p.plasticity),
            "pairs and delays": _digest(p.i, p.j, p.delay_steps),
        }
    out["currents"] = [[type(b.spec).__name__, _spec_digest(b.spec), len(b.cols), _digest(b.cols)]
                       for b in net._currents]  # fmt: skip
    out["poisson inputs"] = [[_spec_digest(b.spec), len(b.cols), _digest(b.cols)]
                             for b in net._poisson_inputs]  # fmt: skip
    out["spike sources"] = [[g.name, len(g.steps), _digest(g.steps, g.i)]
                            for g in net.groups if isinstance(g, SpikeSource)]  # fmt: skip
    records = net._spike_records + net._state_records + net._rate_records
    out["records"] = [record(r) for r in records]
    return json.loads(json.dumps(out))


def _differences(stored: dict, here: dict) -> list[str]:
    def show(v):
        text = json.dumps(v)
        return text if len(text) <= 120 else text[:117] + "..."

    lines = []
    for key in list(stored) + [k for k in here if k not in stored]:
        a, b = stored.get(key), here.get(key)
        if a == b:
            continue
        if key not in stored or key not in here:
            where = "this network" if key not in here else "the file"
            lines.append(f"{key}: absent from {where}")
        elif isinstance(a, dict) and isinstance(b, dict):
            lines += [f"{key} {k}: {show(a.get(k))} in the file, {show(b.get(k))} here"
                      for k in a if a.get(k) != b.get(k)]  # fmt: skip
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            lines += [f"{key} [{i}]: {show(x)} in the file, {show(y)} here"
                      for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]  # fmt: skip
        else:
            lines.append(f"{key}: {show(a)} in the file, {show(b)} here")
    return lines


# --------------------------------------------------------------------------------- writing
def _collect(net, run: dict | None) -> tuple[dict, dict]:
    """The manifest (without its checksum) and the arrays of a checkpoint of ``net``."""
    arrays: dict[str, np.ndarray] = {}
    for name, arr in net._run_state().items():
        arrays[f"state.{name}"] = np.ascontiguousarray(arr)
    random = {"network": _encode(net.rng.bit_generator.state, "random.network", arrays)}
    for name, holder in net._generators().items():
        random[name] = _encode(holder.state(), f"random.{name}", arrays)
    records = {}
    for kind, recs in (("spikes", net._spike_records), ("state", net._state_records),
                       ("rate", net._rate_records)):  # fmt: skip
        for k, rec in enumerate(recs):
            records[f"{kind}{k}"] = _encode(rec._state(), f"record.{kind}{k}", arrays)
    meta = json_only("net.meta", net.meta)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "step": net.step,
        "t": net.t,
        "dt": net.dt,
        "seed": net.seed,
        "run": run,
        "meta": meta,
        "layout": layout(net),
        "random": random,
        "records": records,
        "arrays": {
            name: {"dtype": arr.dtype.str, "shape": list(arr.shape), "sha256": _sha(arr)}
            for name, arr in arrays.items()
        },
    }
    return manifest, arrays


def check_target(name: str, path) -> Path:
    """A file a checkpoint can be written to: its folder exists and is writable, and it is not
    a folder."""
    path = check.writable_path(name, path)
    if path.is_dir():
        raise ValueError(f"{name}={str(path)!r} is a folder; give a file path")
    return path


def store(net, path, run: dict | None = None) -> None:
    """Write ``net``'s run state to ``path`` atomically (see :meth:`spiker.Network.store`).

    ``run``: ``{"end_step": int, "every_steps": int or None}`` of a checkpointed run."""
    path = check_target("path", path)
    manifest, arrays = _collect(net, run)
    manifest["checksum"] = hashlib.sha256(_canonical(manifest)).hexdigest()
    text = np.frombuffer(json.dumps(manifest).encode(), np.uint8)
    streams.write_atomic(path, lambda fh: np.savez(fh, manifest=text, **arrays))


# --------------------------------------------------------------------------------- reading
def _load(path) -> tuple[dict, dict]:
    """The manifest and arrays of a checkpoint, verified (CheckpointError otherwise)."""
    path = check.path("path", path)
    where = f"{str(path)!r}"
    if not path.is_file():
        raise FileNotFoundError(f"path {where}: no checkpoint there (no such file)")
    try:
        with open(path, "rb") as fh:  # closed whatever np.load makes of it
            loaded = np.load(fh, allow_pickle=False)
            if not isinstance(loaded, np.lib.npyio.NpzFile):
                raise CheckpointError(f"{where} is not a spiker checkpoint (it holds one array)")
            with loaded as f:
                if "manifest" not in f.files:
                    raise CheckpointError(f"{where} is not a spiker checkpoint (no manifest)")
                manifest = json.loads(f["manifest"].tobytes().decode())
                if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                    raise CheckpointError(f"{where} is not a spiker checkpoint")
                if manifest.get("version") != VERSION:
                    raise CheckpointError(
                        f"{where} is a spiker checkpoint of format version "
                        f"{manifest.get('version')!r}; this spiker reads version {VERSION}"
                    )
                arrays = {name: f[name] for name in manifest["arrays"]}
    except CheckpointError:
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, KeyError, TypeError,
            AttributeError, UnicodeDecodeError) as err:  # fmt: skip
        raise CheckpointError(
            f"{where} cannot be read as a spiker checkpoint: it is truncated or corrupted "
            f"({type(err).__name__}: {err})"
        ) from None
    claimed = manifest.pop("checksum", None)
    if claimed != hashlib.sha256(_canonical(manifest)).hexdigest():
        raise CheckpointError(f"{where} is corrupted: its manifest fails its checksum")
    for name, meta in manifest["arrays"].items():
        if _sha(arrays[name]) != meta["sha256"]:
            raise CheckpointError(f"{where} is corrupted: array {name!r} fails its checksum")
    return manifest, arrays


def _info(path, manifest: dict) -> CheckpointInfo:
    run = manifest["run"] or {}
    end, every = run.get("end_step"), run.get("every_steps")
    dt = manifest["dt"]
    return CheckpointInfo(
        path=os.fspath(path), step=manifest["step"], t=manifest["t"], dt=dt, end_step=end,
        t_end=None if end is None else end * dt, every_ms=None if every is None else every * dt,
        meta=_decode(manifest["meta"], {}), created=manifest["created"],
    )  # fmt: skip


def read_info(path: str | os.PathLike) -> CheckpointInfo:
    """What the checkpoint ``path`` holds (verified), without a network."""
    manifest, _ = _load(path)
    return _info(path, manifest)


def restore(net, path) -> CheckpointInfo:
    """Load ``path`` into ``net`` (see :meth:`spiker.Network.restore`). Everything is checked
    before anything changes: a refused file leaves the network as it was."""
    manifest, arrays = _load(path)
    where = f"{os.fspath(path)!r}"
    diffs = _differences(manifest["layout"], layout(net))
    if diffs:
        more = f"; and {len(diffs) - 8} more" if len(diffs) > 8 else ""
        if manifest["seed"] != net.seed:
            more += (f" (the file's network was built with seed {manifest['seed']}, this one "
                     f"with seed {net.seed})")  # fmt: skip
        raise CheckpointError(
            f"{where} was written by a network of another layout: " + "; ".join(diffs[:8]) + more
        )
    state = net._run_state()
    stored = {k[len("state.") :]: v for k, v in arrays.items() if k.startswith("state.")}
    for name in sorted(set(state) | set(stored)):
        a, b = stored.get(name), state.get(name)
        if a is None or b is None or a.shape != b.shape or a.dtype != b.dtype:
            what = lambda x: "absent" if x is None else f"{x.dtype} {x.shape}"  # noqa: E731
            raise CheckpointError(
                f"{where} does not fit this network's run state: {name!r} is {what(a)} in the "
                f"file and {what(b)} here (written by another version of spiker's engine?)"
            )
    random = _decode(manifest["random"], arrays)
    records = _decode(manifest["records"], arrays)
    all_records = {f"{kind}{k}": r for kind, recs in (
        ("spikes", net._spike_records), ("state", net._state_records),
        ("rate", net._rate_records)) for k, r in enumerate(recs)}  # fmt: skip
    for name, rec in all_records.items():  # streamed records: their folders must fit
        if rec._stream is not None:
            try:
                rec._stream.check(records[name]["stream"])
            except ValueError as err:
                raise CheckpointError(f"cannot restore {where}: {err}") from None
    net._set_run_state(stored)
    net.rng.bit_generator.state = random["network"]
    for name, holder in net._generators().items():
        holder.set_state(random[name])
    for name, rec in all_records.items():
        rec._set_state(records[name])
    net.meta = _decode(manifest["meta"], {})
    net.seed = manifest["seed"]
    return _info(path, manifest)


# ------------------------------------------------------------------------------ checkpoints
class Checkpointer:
    """The checkpoints of one run (``net.run(..., checkpoint=path, checkpoint_every=ms)``):
    written through the run's callback between chunks, so that they need no machinery of their
    own."""

    def __init__(self, net, path, every_ms, n_total: int):
        if path is None:
            raise ValueError("checkpoint_every needs checkpoint=PATH, the file to keep")
        self.net = net
        self.path = check_target("checkpoint", path)
        self.every = (
            None
            if every_ms is None
            else check.whole_steps("checkpoint_every", every_ms, net.dt, interval=True)
        )
        self.end = net.step + n_total
        for stale in self.path.absolute().parent.glob(f".{self.path.name}.*.tmp"):
            stale.unlink(missing_ok=True)  # left by a crash while writing

    def write(self) -> None:
        store(self.net, self.path, {"end_step": self.end, "every_steps": self.every})

    def wrap(self, callback, every: int):
        """The run's callback and interval: the user's ``callback`` every ``every`` steps (if
        any) and the checkpoints, each at its own multiples."""
        if self.every is None:
            return callback, every
        mine = self.every

        def both(net):
            if callback is not None and net.step % every == 0:
                callback(net)
            if net.step % mine == 0 and net.step < self.end:  # the end writes its own
                self.write()

        return both, (math.gcd(every, mine) if callback is not None else mine)


__all__ = ["CheckpointError", "CheckpointInfo", "layout", "read_info"]
