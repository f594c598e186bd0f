"""Input currents (added to a population's I) and spike sources (the ``pre`` of projections).

Currents are specifications: immutable, shared freely. :meth:`spiker.Network.add_current` binds one
to target neurons; the bound input then fills its share of the current for each chunk of steps.
The value applied during step n (the interval [n*dt, (n+1)*dt)) is the value at time n*dt.

Units: Izhikevich's dimensionless current (the I in ``v' = ... + I``), times in ms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from spiker import _validate as check
from spiker.kernels.noise import ZIG_F, ZIG_K, ZIG_W, noise_block


@dataclass(frozen=True, eq=False)
class Step:
    """A current ``amplitude`` applied for ``start <= t < stop`` (ms), ``baseline`` otherwise.

    ``amplitude`` and ``baseline`` are scalars or one value per target neuron.
    """

    amplitude: object
    start: float = 0.0
    stop: float = math.inf
    baseline: object = 0.0

    def __post_init__(self) -> None:
        check.float_array("amplitude", self.amplitude)
        check.float_array("baseline", self.baseline)
        check.finite_float("start", self.start, nonnegative=True)
        if not (isinstance(self.stop, int | float) and self.stop > self.start):
            raise ValueError(f"stop must be a number > start = {self.start} ms; got {self.stop!r}")


@dataclass(frozen=True, eq=False)
class TimedArray:
    """A current given as samples: ``values[k]`` holds for ``k*interval <= t < (k+1)*interval``.

    ``values`` has shape (n_times,) (the same for every target neuron) or (n_times, n_targets).
    After the last sample the last value holds (as Brian2's ``TimedArray``). ``interval`` (ms)
    must be a whole multiple of the network's dt.
    """

    values: object
    interval: float

    def __post_init__(self) -> None:
        arr = check.real_array("values", self.values, bools=False).astype(np.float64)
        if arr.ndim not in (1, 2) or arr.shape[0] == 0:
            raise ValueError(
                f"values must have shape (n_times,) or (n_times, n_targets); got {arr.shape}"
            )
        if not np.all(np.isfinite(arr)):
            raise ValueError("values must be finite; found NaN or infinity")
        check.finite_float("interval", self.interval, positive=True)
        object.__setattr__(self, "values", arr)


@dataclass(frozen=True, eq=False)
class Noise:
    """Gaussian current ``mean + std * N(0, 1)``, a fresh independent draw per neuron every
    ``interval`` ms, held in between (net.m: ``std=5`` for excitatory and ``std=2`` for inhibitory
    cells, ``interval=1``). ``interval=None`` draws every step. ``mean`` and ``std`` are scalars or
    one value per target neuron.

    The kernel draws the values itself, from a counter-based generator keyed by the input, the
    neuron and the interval's number (kernels/noise.py), with keys drawn from a generator spawned
    from the network's seed: the same seed gives the same noise whatever the number of threads
    or the chunking of the run, and a restored network draws the same values again.
    """

    std: object = 1.0
    mean: object = 0.0
    interval: float | None = None

    def __post_init__(self) -> None:
        std = check.float_array("std", self.std)
        if np.any(std < 0):
            raise ValueError(f"std must be >= 0; got {std.min()}")
        check.float_array("mean", self.mean)
        if self.interval is not None:
            check.finite_float("interval", self.interval, positive=True)


#: The most neurons a RandomPulse picks per interval.
MAX_PULSES = 2**20


@dataclass(frozen=True, eq=False)
class UniformNoise:
    """Uniform current ``low + (high - low) * U[0, 1)``, a fresh independent draw per neuron every
    ``interval`` ms, held in between (daspnet.m's thalamic input ``13*(rand(N,1)-0.5)``, uniform
    in [-6.5, 6.5) each ms: ``low=-6.5, high=6.5, interval=1``). ``interval=None`` draws every
    step. ``low`` and ``high`` are scalars or one value per target neuron. Draws come from a
    generator spawned from the network's seed.
    """

    low: object = -1.0
    high: object = 1.0
    interval: float | None = None

    def __post_init__(self) -> None:
        low = check.float_array("low", self.low)
        high = check.float_array("high", self.high)
        if low.ndim and high.ndim and low.shape != high.shape:
            raise ValueError(
                f"low and high must have the same length; got {low.shape[0]} and {high.shape[0]}"
            )
        if np.any(high < low):
            raise ValueError(f"high must be >= low; got low={self.low!r}, high={self.high!r}")
        if self.interval is not None:
            check.finite_float("interval", self.interval, positive=True)


@dataclass(frozen=True, eq=False)
class RandomPulse:
    """Each ``interval`` ms, ``k`` target neurons drawn uniformly (with replacement) receive
    ``amplitude`` for that interval (spnet's thalamic input: one random neuron gets I = 20 each
    ms); ``k`` at most 2**20. Draws come from a generator spawned from the network's seed.
    """

    amplitude: float = 20.0
    interval: float = 1.0
    k: int = 1

    def __post_init__(self) -> None:
        check.finite_float("amplitude", self.amplitude)
        check.finite_float("interval", self.interval, positive=True)
        check.positive_int("k", self.k, maximum=MAX_PULSES)


@dataclass(frozen=True, eq=False)
class PoissonInput:
    """``n`` independent Poisson inputs at ``rate_hz`` each onto every target neuron, each with
    weight ``weight``, as Brian2's ``PoissonInput``: in every step a target receives
    ``weight * k`` with ``k ~ Binomial(n, rate_hz*dt)``, as synapses of the chosen kind with
    zero delay would deliver it (a ``"jump"`` to v by default). Brunel (2000) drives each neuron
    this way with C_ext = 1000 external inputs. Draws come from a generator spawned from the
    network's seed. Give it to :meth:`spiker.Network.add_poisson_input`.
    """

    n: int
    rate_hz: float
    weight: float
    synapse: str = "jump"
    tau_syn: float = 5.0

    def __post_init__(self) -> None:
        check.positive_int("n", self.n)
        check.finite_float("rate_hz", self.rate_hz, nonnegative=True)
        check.finite_float("weight", self.weight)
        check.choice("synapse", self.synapse, ("jump", "pulse", "exponential"))
        check.finite_float("tau_syn", self.tau_syn, positive=True)


class BoundPoissonInput:
    """A :class:`PoissonInput` bound to target global indices ``cols``."""

    def __init__(self, spec: PoissonInput, cols: np.ndarray, dt: float, rng):
        p = spec.rate_hz * dt / 1000.0
        if p > 1.0:
            raise ValueError(
                f"rate_hz must be <= {1000.0 / dt} Hz at dt = {dt} ms (at most one spike per "
                f"input and step); got {spec.rate_hz}"
            )
        self.spec = spec
        self.cols = cols
        self.p = p
        self.rng = rng

    def fill(self, out: np.ndarray, lo: int) -> None:
        """The amounts of steps ``lo .. lo + len(out) - 1`` into ``out`` (k, len(cols))."""
        out[:] = self.rng.binomial(self.spec.n, self.p, out.shape) * self.spec.weight

    def state(self) -> dict:
        """What the next draws depend on: the generator's state (see :mod:`spiker.store`)."""
        return {"rng": self.rng.bit_generator.state}

    def set_state(self, state: dict) -> None:
        """Come back to a :meth:`state`."""
        self.rng.bit_generator.state = state["rng"]


def in_engine_order(currents: list) -> list:
    """Bound currents in the order the engine sums them: the currents filled per chunk (in the
    order they were added), then the noise inputs drawn in the kernel (likewise)."""
    return [c for c in currents if not c.in_kernel] + [c for c in currents if c.in_kernel]


class BoundCurrent:
    """A time-varying current bound to target global indices ``cols``; holds its running state.

    ``in_kernel``: the kernel draws this input itself (Noise); the runtime fills the others
    into each chunk's table of currents."""

    def __init__(self, spec, cols: np.ndarray, dt: float, rng: np.random.Generator | None):
        self.spec = spec
        self.cols = cols
        self.in_kernel = isinstance(spec, Noise)
        n = cols.shape[0]
        # a contiguous block of columns is written through a view, not fancy indexing
        contiguous = n > 0 and np.array_equal(cols, np.arange(cols[0], cols[0] + n))
        self.where = slice(int(cols[0]), int(cols[0]) + n) if contiguous else cols
        if isinstance(spec, Step):
            self.on = check.float_array("amplitude", spec.amplitude, n)
            self.off = check.float_array("baseline", spec.baseline, n)
            self.start = round(spec.start / dt)
            self.stop = math.inf if math.isinf(spec.stop) else round(spec.stop / dt)
        elif isinstance(spec, TimedArray):
            if spec.values.ndim == 2 and spec.values.shape[1] != n:
                raise ValueError(
                    f"TimedArray values must have {n} columns (one per target neuron); "
                    f"got shape {spec.values.shape}"
                )
            self.ratio = check.whole_steps("TimedArray interval", spec.interval, dt, interval=True)
            self.values = spec.values
        elif isinstance(spec, RandomPulse):
            self.every = check.whole_steps("interval", spec.interval, dt, interval=True)
            self.rng = rng
            self.held = None  # target columns of the current interval
        elif isinstance(spec, Noise):
            self.mean = check.float_array("mean", spec.mean, n)
            self.std = check.float_array("std", spec.std, n)
            self.every = check.interval_steps("interval", spec.interval, dt)
            if np.unique(cols).shape[0] != n:
                raise ValueError("neurons must not repeat a neuron for a Noise input")
            # one generator key per target neuron (kernels/noise.py)
            self.keys = rng.integers(0, 2**64, n, dtype=np.uint64, endpoint=False)
        elif isinstance(spec, UniformNoise):
            self.low = check.float_array("low", spec.low, n)
            self.width = check.float_array("high", spec.high, n) - self.low
            self.every = check.interval_steps("interval", spec.interval, dt)
            self.rng = rng
            self.held: np.ndarray | None = None  # the value drawn last, shape (n,)
        else:  # pragma: no cover - guarded by Network.add_current
            raise TypeError(f"not a time-varying current: {spec!r}")

    def fill(self, out: np.ndarray, lo: int) -> None:
        """Add this input's current for steps ``lo .. lo + len(out) - 1`` into ``out[:, cols]``."""
        k = out.shape[0]
        steps = np.arange(lo, lo + k)
        spec = self.spec
        if isinstance(spec, Step):
            on = (steps >= self.start) & (steps < self.stop)
            out[:, self.where] += np.where(on[:, None], self.on[None, :], self.off[None, :])
        elif isinstance(spec, TimedArray):
            idx = np.minimum(steps // self.ratio, spec.values.shape[0] - 1)
            vals = spec.values[idx]
            out[:, self.where] += vals if vals.ndim == 2 else vals[:, None]
        elif isinstance(spec, RandomPulse):
            n = self.cols.shape[0]
            picks = self._held(steps, lambda m: self.rng.integers(0, n, (m, spec.k), np.int64))
            chosen = self.cols[picks]  # (k steps, spec.k) global indices
            np.add.at(out, (np.repeat(np.arange(k), spec.k), chosen.ravel()), spec.amplitude)
        elif isinstance(spec, UniformNoise):

            def uniform(m: int) -> np.ndarray:
                draws = self.rng.random((m, self.cols.shape[0]))
                draws *= self.width
                draws += self.low
                return draws

            out[:, self.where] += self._held(steps, uniform)
        else:  # the kernel's own draws (kernels/noise.py)
            block = np.zeros((k, self.cols.shape[0]))
            noise_block(self.keys, self.mean, self.std, self.every, lo, block, ZIG_K, ZIG_W, ZIG_F)
            out[:, self.where] += block

    def state(self) -> dict:
        """What the next values depend on (see :mod:`spiker.store`): for RandomPulse and
        UniformNoise the generator's state and the value held from the last draw (None before
        the first); nothing for Step, TimedArray and Noise (the kernel's draws depend only on
        the step and the keys the build drew)."""
        if not isinstance(self.spec, RandomPulse | UniformNoise):
            return {}
        return {"rng": self.rng.bit_generator.state, "held": self.held}

    def set_state(self, state: dict) -> None:
        """Come back to a :meth:`state`."""
        if isinstance(self.spec, RandomPulse | UniformNoise):
            self.rng.bit_generator.state = state["rng"]
            held = state["held"]
            self.held = None if held is None else np.array(held)

    def _held(self, steps: np.ndarray, draw) -> np.ndarray:
        """Rows, one per step, of a value drawn afresh (``draw(m)`` gives m rows) at every
        multiple of ``self.every`` (and at the very first step) and held in between."""
        new = steps % self.every == 0
        if self.held is None:
            new[0] = True
        draws = draw(int(new.sum()))
        if draws.shape[0] == steps.shape[0]:  # a fresh draw every step
            rows = draws
        else:  # row 0 of the table is the value held from before this chunk
            held = self.held if self.held is not None else draws[0]
            rows = np.concatenate([held[None], draws])[np.cumsum(new)]
        if draws.shape[0]:
            self.held = draws[-1].copy()
        return rows
