"""Records of what a run did: spikes, sampled state variables, population rates.

Monitors store integer steps; times in ms (``.t``) are derived as ``step * dt``. Each record keeps
the chunks of every run so far; the arrays are joined on first access. A spike, state or weight
record created with ``to=path`` (or given one by :meth:`SpikeRecord.stream_to`) writes its chunks
to that folder during the run instead (:mod:`spiker.streams`); reading its arrays reads the folder.
"""

from __future__ import annotations

import math
import os

import numpy as np

from spiker import streams

#: Variables every population can record besides its family's state variables.
INPUT_VARIABLES = ("I", "I_syn")


class SpikeTimes:
    """What follows from spike events ``(steps, i)`` on a grid of ``dt`` ms among ``n_units``
    units; shared by :class:`SpikeRecord` and :class:`spiker.bridge.Spikes`."""

    steps: np.ndarray
    i: np.ndarray
    dt: float

    @property
    def n_units(self) -> int:
        raise NotImplementedError

    @property
    def t(self) -> np.ndarray:
        """Spike times, ms, shape (count,)."""
        return self.steps * self.dt

    @property
    def count(self) -> int:
        """Number of spikes."""
        return int(self.steps.shape[0])

    def counts(self) -> np.ndarray:
        """Spikes per unit, int64 array of shape (n_units,)."""
        return np.bincount(self.i, minlength=self.n_units).astype(np.int64)

    def trains(self) -> list[np.ndarray]:
        """Spike times (ms) per unit: a list of ``n_units`` sorted arrays."""
        order = np.lexsort((self.steps, self.i))
        split = np.cumsum(np.bincount(self.i, minlength=self.n_units))[:-1]
        return np.split(self.t[order], split)


class SpikeRecord(SpikeTimes):
    """Spikes of a group (or a subset of its neurons), created by :meth:`Network.record_spikes`.

    Attributes
    ----------
    steps : int64 array (count,)
        Step of each spike; a spike whose threshold crossing happened while integrating from
        ``n*dt`` to ``(n+1)*dt`` is labelled step n (Brian2's convention).
    i : int32 array (count,)
        Index of the spiking neuron within its group.
    t : float64 array (count,)
        Spike times in ms, ``steps * dt``.
    """

    def __init__(self, group, neurons: np.ndarray, dt: float):
        self.group = group
        self.neurons = neurons  # local indices recorded, sorted, int64
        self.dt = dt
        self._steps: list[np.ndarray] = []
        self._i: list[np.ndarray] = []
        self._joined: tuple[np.ndarray, np.ndarray] | None = None
        self._stream: streams.RecordStream | None = None
        self.t_start = 0.0  # ms: start of the first run that recorded
        self.t_stop = 0.0  # ms: end of the recorded time

    @property
    def t_start(self) -> float:
        """Start of the first run that recorded, ms."""
        return self._t_start

    @t_start.setter
    def t_start(self, value: float) -> None:
        self._t_start = value
        if self._stream is not None:
            self._stream.update(t_start=value)

    @property
    def t_stop(self) -> float:
        """End of the recorded time, ms."""
        return self._t_stop

    @t_stop.setter
    def t_stop(self, value: float) -> None:
        self._t_stop = value
        if self._stream is not None:
            self._stream.update(t_stop=value)

    @property
    def net(self):
        """The network this record belongs to."""
        return self.group.net

    def stream_to(self, path: str | os.PathLike) -> SpikeRecord:
        """Write this record to the folder ``path`` during runs instead of keeping it in memory
        (as ``net.record_spikes(..., to=path)``); only before it has recorded anything. Layout:
        :mod:`spiker.streams`, ``docs/store.md``. Returns the record."""
        _check_streamable(self, path)
        header = {"dt": self.dt, "group": self.group.name, "n_units": self.group.n,
                  "t_start": self.t_start, "t_stop": self.t_stop}  # fmt: skip
        self._stream = streams.RecordStream(
            streams.check_path("to", path), "spikes", self.neurons, header
        )
        return self

    def _append(self, steps: np.ndarray, i: np.ndarray) -> None:
        self._joined = None
        if self._stream is not None:
            self._stream.add(steps, i)
            return
        self._steps.append(steps.astype(np.int64, copy=True))
        self._i.append(i.astype(np.int32, copy=True))

    def _join(self) -> tuple[np.ndarray, np.ndarray]:
        if self._stream is not None:
            data = self._stream.read()
            return data["steps"], data["i"]
        if self._joined is None:
            steps = np.concatenate(self._steps) if self._steps else np.zeros(0, np.int64)
            i = np.concatenate(self._i) if self._i else np.zeros(0, np.int32)
            self._steps, self._i = [steps], [i]
            self._joined = (steps, i)
        return self._joined

    @property
    def steps(self) -> np.ndarray:
        return self._join()[0]

    @property
    def i(self) -> np.ndarray:
        return self._join()[1]

    @property
    def n_units(self) -> int:
        """Units of the recorded group."""
        return self.group.n

    @property
    def count(self) -> int:
        """Number of spikes."""
        if self._stream is not None:
            return self._stream.rows
        return int(self.steps.shape[0])

    def window(self, t_start: float, t_stop: float) -> tuple[np.ndarray, np.ndarray]:
        """The spikes with ``t_start <= t < t_stop`` (ms): times (ms) and indices. A streamed
        record reads only the chunks that overlap the window."""
        if self._stream is not None:
            lo, hi = math.floor(t_start / self.dt) - 1, math.ceil(t_stop / self.dt) + 1
            data = self._stream.read(lo, hi)
            steps, i = data["steps"], data["i"]
        else:
            steps, i = self.steps, self.i
        t = steps * self.dt
        keep = (t >= t_start) & (t < t_stop)
        return t[keep], i[keep]

    def _state(self) -> dict:
        """What a checkpoint keeps of this record (spiker/store.py): the spikes so far, or where
        its stream stands."""
        out = {"t_start": self.t_start, "t_stop": self.t_stop}
        if self._stream is not None:
            return {**out, "stream": self._stream.snapshot()}
        return {**out, "steps": self.steps, "i": self.i}

    def _set_state(self, state: dict) -> None:
        if self._stream is not None:
            self._stream.restore(state["stream"])
        else:
            self._steps, self._i, self._joined = [state["steps"]], [state["i"]], None
        self.t_start, self.t_stop = state["t_start"], state["t_stop"]

    def rate(self) -> float:
        """Mean firing rate (Hz) of the recorded neurons over the recorded time."""
        duration = self.t_stop - self.t_start
        if duration <= 0 or self.neurons.shape[0] == 0:
            return 0.0
        return self.count / (self.neurons.shape[0] * duration / 1000.0)

    def __repr__(self) -> str:
        return f"SpikeRecord({self.group.name!r}, {self.count} spikes)"


class StateRecord:
    """Samples of one state variable of chosen neurons, created by :meth:`Network.record_state`.

    Sampled at the start of every ``every``-th step (time ``n*dt``, before that step's update),
    except ``"I"``, the total input current applied during step n (which includes ``I_syn`` as
    sampled at the start of step n).

    Attributes
    ----------
    t : float64 array (n_samples,)
        Sample times in ms.
    values : float64 array (len(neurons), n_samples)
    """

    record_final = False  # also sample at the end of each run (see Network.record_state)
    _provisional = False  # the last sample is an end-of-run sample

    def __init__(self, group, var: str, neurons: np.ndarray, every: int, dt: float):
        self.group = group
        self.var = var
        self.neurons = neurons
        self.every = every
        self.dt = dt
        self._steps: list[np.ndarray] = []
        self._values: list[np.ndarray] = []  # each (rows, width)
        self._stream: streams.RecordStream | None = None

    kind = "state"  # of its stream

    def stream_to(self, path: str | os.PathLike) -> StateRecord:
        """Write this record to the folder ``path`` during runs instead of keeping it in memory
        (as ``to=path`` when it is created); only before it has recorded anything. Layout:
        :mod:`spiker.streams`, ``docs/store.md``. Returns the record."""
        _check_streamable(self, path)
        self._stream = streams.RecordStream(
            streams.check_path("to", path), self.kind, self.neurons, self._header()
        )
        return self

    @property
    def net(self):
        """The network this record belongs to."""
        return self.group.net

    @property
    def source(self) -> str:
        """The name of what is recorded (a group, projection or neuromodulator)."""
        return self.group.name

    def _header(self) -> dict:
        """The stream's header (docs/store.md)."""
        return {"dt": self.dt, "group": self.group.name, "var": self.var, "every": self.every,
                "record_final": self.record_final}  # fmt: skip

    def _append(self, steps: np.ndarray, rows: np.ndarray, final: bool = False) -> None:
        """Add samples. An end-of-run sample (``final``, see ``record_final``) is provisional:
        the samples of a later run replace it, so that the record keeps its regular interval and
        ends with the state at the end of the last run."""
        drop = self._provisional and (steps.shape[0] or final)
        self._provisional = final
        if self._stream is not None:
            if drop:
                self._stream.drop_last_row()
            self._stream.add(steps, rows)
            self._stream.update(provisional=final)
            return
        if drop:
            self._steps[-1] = self._steps[-1][:-1]
            self._values[-1] = self._values[-1][:-1]
        self._steps.append(steps.copy())
        self._values.append(rows.copy())

    def _state(self) -> dict:
        """What a checkpoint keeps of this record (spiker/store.py): the samples so far, or where
        its stream stands."""
        if self._stream is not None:
            return {"provisional": self._provisional, "stream": self._stream.snapshot()}
        return {"provisional": self._provisional, "steps": self.steps, "values": self.values.T}

    def _set_state(self, state: dict) -> None:
        if self._stream is not None:
            self._stream.restore(state["stream"])
        else:
            self._steps, self._values = [state["steps"]], [state["values"]]
        self._provisional = state["provisional"]

    @property
    def steps(self) -> np.ndarray:
        if self._stream is not None:
            return self._stream.read()["steps"]
        if len(self._steps) != 1:
            self._steps = [np.concatenate(self._steps) if self._steps else np.zeros(0, np.int64)]
        return self._steps[0]

    @property
    def t(self) -> np.ndarray:
        return self.steps * self.dt

    @property
    def values(self) -> np.ndarray:
        if self._stream is not None:
            return self._stream.read()["values"].T
        if len(self._values) != 1:
            width = self.neurons.shape[0]
            joined = np.concatenate(self._values) if self._values else np.zeros((0, width))
            self._values = [joined]
        return self._values[0].T

    def __repr__(self) -> str:
        return f"StateRecord({self.group.name!r}, {self.var!r}, {self.values.shape})"


class WeightRecord(StateRecord):
    """Samples of the weights (``var`` "w") or eligibility traces ("c") of chosen synapses of a
    plastic projection, created by :meth:`Network.record_weights`: ``.values``
    (len(synapses), n_samples), ``.t`` (ms)."""

    kind = "weights"

    def __init__(self, projection, synapses: np.ndarray, every: int, dt: float, var: str = "w"):
        super().__init__(projection.post, var, synapses, every, dt)
        self.projection = projection
        self.synapses = synapses

    @property
    def source(self) -> str:
        return self.projection.name

    def _header(self) -> dict:
        return {**super()._header(), "projection": self.projection.name}

    def __repr__(self) -> str:
        return f"WeightRecord({self.projection.name!r}, {self.var!r}, {self.values.shape})"


class DopamineRecord(StateRecord):
    """Samples of a dopamine concentration, created by :meth:`Network.record_dopamine`:
    ``.values`` (1, n_samples), ``.d`` (n_samples,), ``.t`` (ms)."""

    def __init__(self, dopamine, every: int, dt: float):
        super().__init__(None, "d", np.zeros(1, np.int64), every, dt)
        self.dopamine = dopamine

    @property
    def d(self) -> np.ndarray:
        """The concentration at each sample time, shape (n_samples,)."""
        return self.values[0]

    @property
    def net(self):
        return self.dopamine.net

    @property
    def source(self) -> str:
        return self.dopamine.name

    def _header(self) -> dict:
        return {"dt": self.dt, "dopamine": self.dopamine.name, "var": self.var,
                "every": self.every, "record_final": self.record_final}  # fmt: skip

    def __repr__(self) -> str:
        return f"DopamineRecord({self.dopamine.name!r}, {self.values.shape[1]} samples)"


def _check_streamable(rec, path) -> None:
    if rec._stream is not None:
        raise ValueError(f"{rec!r} already streams to {str(rec._stream.path)!r}")
    recorded = rec.count if isinstance(rec, SpikeRecord) else len(rec.steps)
    if recorded or getattr(rec, "t_stop", 0.0) > getattr(rec, "t_start", 0.0):
        raise ValueError(f"{rec!r} has recorded already; stream a record before its first run")
    net = rec.net
    target = os.path.abspath(os.fspath(path)) if isinstance(path, str | os.PathLike) else None
    for other in streams.streamed(net):
        if os.path.abspath(other._stream.path) == target:
            raise ValueError(f"to={os.fspath(path)!r} is already the folder of {other!r}")


class RateRecord:
    """Population rate of a group per step, created by :meth:`Network.record_rate`.

    Attributes
    ----------
    t : float64 array (n_steps,)
        Step start times in ms.
    counts : int64 array (n_steps,)
        Spikes of the group in each step.
    rate : float64 array (n_steps,)
        ``counts / (n * dt)`` in Hz.
    """

    _stream = None  # never streamed

    def __init__(self, group, dt: float):
        self.group = group
        self.dt = dt
        self._steps: list[np.ndarray] = []
        self._counts: list[np.ndarray] = []

    def _append(self, steps: np.ndarray, counts: np.ndarray) -> None:
        self._steps.append(steps.copy())
        self._counts.append(counts.astype(np.int64))

    def _state(self) -> dict:
        """What a checkpoint keeps of this record (spiker/store.py)."""
        steps = np.concatenate(self._steps or [np.zeros(0, np.int64)])
        return {"steps": steps, "counts": self.counts}

    def _set_state(self, state: dict) -> None:
        self._steps, self._counts = [state["steps"]], [state["counts"]]

    @property
    def t(self) -> np.ndarray:
        return np.concatenate(self._steps or [np.zeros(0, np.int64)]) * self.dt

    @property
    def counts(self) -> np.ndarray:
        return np.concatenate(self._counts or [np.zeros(0, np.int64)])

    @property
    def rate(self) -> np.ndarray:
        return self.counts / (self.group.n * self.dt / 1000.0)

    def smooth(self, width_ms: float) -> np.ndarray:
        """Rate (Hz) averaged over a sliding window of ``width_ms`` (centred, same length)."""
        k = max(1, round(width_ms / self.dt))
        return np.convolve(self.rate, np.ones(k) / k, mode="same")
