"""Encoders from data to spikes, and trials: many samples presented one after another in one run."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from spiker import _validate as check
from spiker.bridge._spikes import Spikes, SpikesLike, as_spikes
from spiker.bridge.features import rates


def _unit_values(values) -> np.ndarray:
    x = check.real_array("values", values).astype(np.float64)
    if x.size == 0:
        raise ValueError("values must hold at least one value")
    outside = ~((x >= 0.0) & (x <= 1.0))  # NaN is outside too
    if outside.any():
        raise ValueError(
            f"values must lie in [0, 1] (scale the data first); found {x[outside].flat[0]}"
        )
    return x.reshape(-1)


def _generator(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool | np.timedelta64):
        if rng < 0:
            raise ValueError(f"rng must be a non-negative int seed; got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be a numpy.random.Generator or an int seed; got {rng!r}")


def poisson_encode(
    values: ArrayLike,
    duration_ms: float,
    max_rate_hz: float,
    rng: np.random.Generator | int,
    *,
    dt: float = 0.1,
    t_start: float = 0.0,
) -> Spikes:
    """Rate code: unit ``u`` fires as a Poisson process at ``values[u] * max_rate_hz``.

    Each unit spikes in each step of ``[t_start, t_start + duration_ms)`` independently with
    probability ``p = values[u] * max_rate_hz * dt / 1000`` (Bernoulli per step, as Brian2's
    ``PoissonGroup`` and :meth:`Network.add_poisson`), so at most once per step.

    Parameters
    ----------
    values : array of any shape, in [0, 1]
        Intensities; flattened in C order, so unit ``u`` is ``values.flat[u]`` (an 8x8 image
        gives units ``r * 8 + q``).
    duration_ms : float
        Presentation time, ms, whole steps.
    max_rate_hz : float
        Rate of a value of 1, Hz; ``max_rate_hz * dt / 1000 <= 1``.
    rng : numpy.random.Generator or int
        Source of the draws (an int seeds a new generator).
    dt : float
        Step of the network the spikes go to, ms.
    t_start : float
        Time of the first step, ms, whole steps.

    Returns
    -------
    Spikes
        ``n = values.size`` units; ``.add_to(net)`` makes it a spike source.
    """
    x = _unit_values(values)
    dt = check.finite_float("dt", dt, positive=True)
    n_steps = check.whole_steps("duration_ms", duration_ms, dt)
    s0 = check.whole_steps("t_start", t_start, dt)
    rate = check.finite_float("max_rate_hz", max_rate_hz, nonnegative=True)
    if rate * dt / 1000.0 > 1.0:
        raise ValueError(
            f"max_rate_hz must be <= 1000 / dt = {1000.0 / dt} Hz (one spike per step); got {rate}"
        )
    _window_end("duration_ms", s0, n_steps)
    check.fits_in_memory(
        "duration_ms",
        9 * n_steps * x.shape[0],
        f"draws for {n_steps} steps of dt = {dt} ms x {x.shape[0]} units",
    )
    gen = _generator(rng)
    k, i = np.nonzero(gen.random((n_steps, x.shape[0])) < x * (rate * dt / 1000.0))
    return Spikes(k + s0, i, x.shape[0], dt, s0 * dt, (s0 + n_steps) * dt, "poisson")


def latency_encode(values, duration_ms: float, *, dt: float = 0.1, t_start: float = 0.0) -> Spikes:
    """Time-to-first-spike code: one spike per unit, earlier for a stronger value.

    Unit ``u`` with value ``v > 0`` spikes once, at step ``round((1 - v) * (n_steps - 1))`` after
    ``t_start`` (``n_steps = duration_ms / dt``): ``v = 1`` at ``t_start``, ``v -> 0`` at the
    last step of the window. A value of 0 gives no spike. Linear in the value, as
    ``snntorch.spikegen.latency(linear=True)``.

    Parameters
    ----------
    values : array of any shape, in [0, 1]
        Flattened in C order (unit ``u`` is ``values.flat[u]``).
    duration_ms : float
        Window, ms, whole steps (>= dt).
    dt, t_start : float
        Step and window start, ms.

    Returns
    -------
    Spikes
        ``n = values.size`` units, at most one spike each.
    """
    x = _unit_values(values)
    dt = check.finite_float("dt", dt, positive=True)
    n_steps = check.whole_steps("duration_ms", duration_ms, dt, minimum=1)
    s0 = check.whole_steps("t_start", t_start, dt)
    _window_end("duration_ms", s0, n_steps)
    (i,) = np.nonzero(x > 0)
    k = np.rint((1.0 - x[i]) * (n_steps - 1)).astype(np.int64)
    order = np.lexsort((i, k))
    return Spikes(k[order] + s0, i[order], x.shape[0], dt, s0 * dt, (s0 + n_steps) * dt, "latency")


def _window_end(name: str, s0: int, n_steps: int) -> None:
    if s0 + n_steps > check.MAX_STEPS:
        raise ValueError(
            f"t_start + {name} must end within 2**50 steps; got {s0} + {n_steps} steps"
        )


#: Encoders by name, for :func:`trials`.
ENCODERS = {"poisson": poisson_encode, "latency": latency_encode}


class Trials:
    """Samples presented one after another, created by :func:`trials`.

    Sample ``k`` is presented in ``[onset_k, onset_k + presentation_ms)`` with
    ``onset_k = t_start + k * period_ms`` and ``period_ms = presentation_ms + rest_ms``; the rest
    is silent input.

    Attributes
    ----------
    spikes : Spikes
        Input spikes of all samples (``.add_to(net)`` makes the source).
    n_samples : int
    presentation_ms, rest_ms, period_ms, t_start, duration_ms : float
        ms; ``duration_ms = n_samples * period_ms`` is what to pass to ``net.run``.
    """

    def __init__(
        self,
        spikes: Spikes,
        n_samples: int,
        presentation_ms: float,
        rest_ms: float,
        t_start: float,
    ) -> None:
        self.spikes = as_spikes("spikes", spikes)
        self.n_samples = check.positive_int("n_samples", n_samples)
        # split() makes one Spikes per sample, each with its own copy of the neuron index
        check.fits_in_memory(
            "n_samples",
            self.n_samples * (1024 + 8 * self.spikes.neurons.size),
            f"the spikes of {self.n_samples} samples",
        )
        self.presentation_ms = check.finite_float("presentation_ms", presentation_ms, positive=True)
        self.rest_ms = check.finite_float("rest_ms", rest_ms, nonnegative=True)
        self.period_ms = self.presentation_ms + self.rest_ms
        self.t_start = check.finite_float("t_start", t_start)
        self.duration_ms = self.n_samples * self.period_ms

    @property
    def onsets(self) -> np.ndarray:
        """Start of each presentation, ms, shape (n_samples,)."""
        return self.t_start + np.arange(self.n_samples) * self.period_ms

    def split(self, record: SpikesLike) -> list[Spikes]:
        """The spikes of each presentation window, re-timed to start at 0 ms.

        Returns ``n_samples`` :class:`Spikes` with ``t_start = 0``, ``t_stop = presentation_ms``;
        spikes in the rest periods are dropped.
        """
        sp = as_spikes("record", record)
        dt = sp.dt
        s0 = check.whole_steps("t_start", self.t_start, dt, minimum=-check.MAX_STEPS)
        pres = check.whole_steps("presentation_ms", self.presentation_ms, dt, minimum=1)
        period = pres + check.whole_steps("rest_ms", self.rest_ms, dt)
        steps, i = sp.steps, sp.i
        if np.any(np.diff(steps) < 0):  # records are sorted by step; hand-made Spikes may not be
            order = np.argsort(steps, kind="stable")
            steps, i = steps[order], i[order]
        rel = steps - s0
        sample, within = rel // period, rel % period
        keep = (rel >= 0) & (sample < self.n_samples) & (within < pres)
        sample, within, i = sample[keep], within[keep], i[keep]
        bounds = np.searchsorted(sample, np.arange(self.n_samples + 1))
        return [
            Spikes(within[a:b], i[a:b], sp.n, dt, 0.0, pres * dt, sp.name, sp.neurons)
            for a, b in zip(bounds[:-1], bounds[1:], strict=True)
        ]

    def cut(
        self,
        record: SpikesLike,
        bin_ms: float,
        kernel: str | None = None,
        sigma_ms: float | None = None,
        neurons: ArrayLike | None = None,
    ) -> np.ndarray:
        """Per-sample rate features, Hz, shape (n_samples, n_bins, n_neurons).

        ``rates(split(record)[k], bin_ms, kernel=..., sigma_ms=..., neurons=...)`` for every
        sample: bins start at each onset, ``n_bins = floor(presentation_ms / bin_ms)``, and only
        the spikes of a sample's own presentation enter its features (a kernel never carries a
        spike from one sample into the next).
        """
        parts = self.split(record)
        return np.stack(
            [rates(p, bin_ms, kernel=kernel, sigma_ms=sigma_ms, neurons=neurons) for p in parts]
        )


def trials(
    values: ArrayLike,
    presentation_ms: float,
    rest_ms: float = 0.0,
    *,
    encoder: str = "poisson",
    max_rate_hz: float = 100.0,
    rng: np.random.Generator | int | None = None,
    dt: float = 0.1,
    t_start: float = 0.0,
) -> Trials:
    """Encode many samples into one input spike train, one presentation after another.

    Sample ``k`` (``values[k]``) is encoded over ``[0, presentation_ms)`` and shifted to
    ``t_start + k * (presentation_ms + rest_ms)``. Add the result to a network with
    ``trials.spikes.add_to(net)``, run ``trials.duration_ms``, and cut the recorded spikes back
    into per-sample features with :meth:`Trials.cut`.

    Parameters
    ----------
    values : array (n_samples, ...), in [0, 1]
        One sample per row; each sample is flattened in C order to its units.
    presentation_ms, rest_ms : float
        Duration of each presentation and of the silent pause after it, ms, whole steps.
    encoder : {"poisson", "latency"}
        :func:`poisson_encode` (needs ``rng``; uses ``max_rate_hz``) or :func:`latency_encode`.
    max_rate_hz : float
        Poisson rate of a value of 1, Hz.
    rng : numpy.random.Generator, int or None
        Source of the Poisson draws (samples drawn in order).
    dt, t_start : float
        Step of the target network and start of the first presentation, ms.

    Returns
    -------
    Trials
    """
    check.choice("encoder", encoder, ENCODERS)
    x = check.real_array("values", values)
    if x.ndim < 2:
        raise ValueError(f"values must have shape (n_samples, ...); got shape {x.shape}")
    n_samples = check.positive_int("len(values)", x.shape[0])
    dt = check.finite_float("dt", dt, positive=True)
    pres = check.whole_steps("presentation_ms", presentation_ms, dt, minimum=1)
    rest = check.whole_steps("rest_ms", rest_ms, dt)
    s0 = check.whole_steps("t_start", t_start, dt)
    if s0 + n_samples * (pres + rest) > check.MAX_STEPS:
        raise ValueError(
            f"t_start + len(values) * (presentation_ms + rest_ms) must end within 2**50 steps "
            f"of dt = {dt} ms; got {s0} + {n_samples} * {pres + rest} steps"
        )
    if encoder == "poisson":
        if rng is None:
            raise TypeError("rng is required with encoder='poisson': a Generator or an int seed")
        gen = _generator(rng)
        # the spikes must fit, at 12 bytes each (step and unit), with room for chance
        p = check.finite_float("max_rate_hz", max_rate_hz) * dt / 1000.0
        expected = float(np.clip(np.nan_to_num(x), 0.0, 1.0).sum()) * pres * max(p, 0.0)
        check.fits_in_memory(
            "len(values), presentation_ms, max_rate_hz",
            int(24 * expected),
            f"about {expected:.3g} expected input spikes",
        )
        encode = lambda v: poisson_encode(v, pres * dt, max_rate_hz, gen, dt=dt)  # noqa: E731
    else:
        encode = lambda v: latency_encode(v, pres * dt, dt=dt)  # noqa: E731
    steps, idx = [], []
    n = None
    for k in range(n_samples):
        sp = encode(x[k])
        n = sp.n
        steps.append(sp.steps + s0 + k * (pres + rest))
        idx.append(sp.i)
    spikes = Spikes(
        np.concatenate(steps),
        np.concatenate(idx),
        n,
        dt,
        s0 * dt,
        (s0 + n_samples * (pres + rest)) * dt,
        "trials",
    )
    return Trials(spikes, n_samples, pres * dt, rest * dt, s0 * dt)
