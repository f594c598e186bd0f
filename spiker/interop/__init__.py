"""Rebuild a spiker network in another simulator and compare the two runs.

:mod:`spiker.interop.brian2` (``to_brian2``, ``compare``) and :mod:`spiker.interop.nest`
(``to_nest``, ``compare``) share what lives here: the inputs of a network precomputed for a
duration (so that the other simulator gets *identical* arrays, not a re-draw of the same
distribution), and the comparison report. The mapping and where it is exact is documented in
``docs/crossval.md``.

For speed comparisons, ``to_brian2(..., native_inputs=True)`` and
``to_nest(..., native_inputs=True)`` let the other simulator generate noise and Poisson trains
itself (the same distributions, not the same numbers), because precomputed inputs do not scale:
the noise of 100,000 neurons at dt = 1 ms is 8e8 bytes per second of model time.
:func:`split_currents` and :func:`random_pulse_picks` serve that path.

Brian2 and NEST are optional (``pip install -e ".[crossval]"``); nothing here imports them.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import numpy as np

from spiker.groups import PoissonSource, Population, SpikeSource
from spiker.inputs import BoundCurrent, RandomPulse, in_engine_order

__all__ = [
    "Comparison",
    "PopulationAgreement",
    "compare_spikes",
    "external_current",
    "n_steps_of",
    "neuron_populations",
    "poisson_input_amounts",
    "random_pulse_picks",
    "source_spikes",
    "split_currents",
]


def n_steps_of(net, duration: float) -> int:
    """``duration`` (ms) as a whole number of steps of ``net.dt``; raises ValueError otherwise."""
    duration = float(duration)
    n = round(duration / net.dt)
    if not (duration > 0 and math.isclose(n * net.dt, duration, rel_tol=1e-9, abs_tol=1e-9)):
        raise ValueError(
            f"duration must be a positive whole number of steps of dt = {net.dt} ms; "
            f"got {duration} ms"
        )
    return n


def _require_fresh(net) -> None:
    if net.step != 0:
        raise ValueError(
            f"the network has already run {net.t} ms; rebuild it (same seed) before exporting: "
            "spikes in flight and plastic traces cannot be carried over"
        )


def _clone(bound: BoundCurrent) -> BoundCurrent:
    """A copy of a bound input with its own copy of the generator and held state."""
    clone = copy.copy(bound)
    if getattr(bound, "rng", None) is not None:
        clone.rng = copy.deepcopy(bound.rng)
    if getattr(bound, "held", None) is not None:
        clone.held = bound.held.copy()
    return clone


def external_current(net, n_steps: int, currents: list | None = None) -> np.ndarray:
    """The external input current of every unit for steps ``0 .. n_steps - 1``.

    Returns ``I_ext`` of shape (n_steps, net.n), float64: ``I_const + (sum of the time-varying
    currents)``, summed in the order the engine sums them (each input filled into zeros in the
    order it was added, Noise inputs last, then added to ``I_const``), so the other simulator
    gets bit-identical current. Random pulses are drawn from *copies* of their generators, Noise
    by the kernel's counter-based generator: ``net`` itself is left untouched and will draw the
    same values when it runs. ``currents`` (bound inputs of
    ``net``, default all of them) limits the sum to those inputs.
    """
    _require_fresh(net)
    out = np.zeros((n_steps, net.n))
    for bound in in_engine_order(net._currents if currents is None else currents):
        _clone(bound).fill(out, 0)
    out += net._I_const[None, :]  # cur = I_const; cur += I_var  (commutative: exact)
    return out


def split_currents(net, native: tuple[type, ...]) -> tuple[list, list]:
    """The bound time-varying inputs of ``net`` as ``(precomputed, native)``: those whose spec is
    an instance of one of the ``native`` classes, which a peer simulator generates itself, and
    the others, which it receives precomputed by :func:`external_current`."""
    is_native = [isinstance(b.spec, native) for b in net._currents]
    return (
        [b for b, nat in zip(net._currents, is_native, strict=True) if not nat],
        [b for b, nat in zip(net._currents, is_native, strict=True) if nat],
    )


def random_pulse_picks(bound: BoundCurrent, n_steps: int) -> np.ndarray:
    """The units a bound :class:`~spiker.inputs.RandomPulse` will pick in steps
    ``0 .. n_steps - 1``: global indices of shape (n_intervals, k), row r for the interval that
    starts at step ``r * every`` (``n_intervals = ceil(n_steps / every)``).

    Drawn from a copy of the input's generator, as the engine draws them, so they are the picks
    of the run to come (a few bytes per interval, where :func:`external_current` would hold a
    dense (n_steps, n) array).
    """
    if not isinstance(bound.spec, RandomPulse):
        raise TypeError(f"bound must hold a RandomPulse; got {type(bound.spec).__name__}")
    if bound.held is not None:
        raise ValueError("the input has already drawn: rebuild the network before exporting")
    clone, k = _clone(bound), bound.spec.k
    # one row per interval start: the engine's draw (BoundCurrent.fill) for those steps
    starts = np.arange(0, n_steps, bound.every)
    n = bound.cols.shape[0]
    rows = clone._held(starts, lambda m: clone.rng.integers(0, n, (m, k), np.int64))
    return bound.cols[rows]


def source_spikes(
    net, n_steps: int, poisson: bool = True
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Spikes of every spike source and Poisson source in steps ``0 .. n_steps - 1``.

    Returns ``{group name: (steps, local indices)}``, sorted by step. Poisson trains are drawn
    by a copy of the source (its counter-based generator, kernels/noise.py), in chunks as the
    engine draws them, so they are the spikes the network will produce when it runs.
    ``poisson=False`` leaves Poisson sources out.
    """
    _require_fresh(net)
    out = {}
    for g in net.groups:
        if isinstance(g, SpikeSource):
            keep = g.steps < n_steps
            out[g.name] = (g.steps[keep].copy(), g.i[keep].astype(np.int64))
        elif isinstance(g, PoissonSource) and poisson:
            clone = copy.copy(g)  # (events() moves the clone's counters, not the source's)
            steps, idx = [], []
            chunk = max(1, 2_000_000 // g.n)
            for lo in range(0, n_steps, chunk):
                s, i = clone.events(lo, min(n_steps, lo + chunk))
                steps.append(s)
                idx.append(i - g.start)
            steps, idx = np.concatenate(steps), np.concatenate(idx).astype(np.int64)
            order = np.lexsort((idx, steps))  # (events() gives them unit by unit)
            out[g.name] = (steps[order], idx[order])
    return out


def poisson_input_amounts(net, n_steps: int) -> list[tuple[object, np.ndarray]]:
    """The amounts every Poisson input (:meth:`spiker.Network.add_poisson_input`) delivers in
    steps ``0 .. n_steps - 1``: ``[(bound input, array (n_steps, n_targets)), ...]``, drawn
    from copies of their generators (the draws the network will make when it runs)."""
    _require_fresh(net)
    out = []
    for bound in net._poisson_inputs:
        amounts = np.zeros((n_steps, bound.cols.shape[0]))
        _clone(bound).fill(amounts, 0)
        out.append((bound, amounts))
    return out


@dataclass
class PopulationAgreement:
    """Spike agreement of one population between spiker ("ours") and a reference ("theirs").

    Attributes
    ----------
    name : str
    n : int
        Neurons in the population.
    ours, theirs : int
        Spike counts.
    rate_ours, rate_theirs : float
        Mean firing rates, Hz.
    identical : bool
        The same (step, neuron) pairs.
    first_difference : tuple or None
        ``(neuron, our time in ms or None, their time in ms or None)`` of the earliest spike that
        is not in both, the neuron's k-th spike in one and not at the same step in the other.
    matched : int
        Spikes at the same step in both (per neuron, by order).
    """

    name: str
    n: int
    ours: int
    theirs: int
    rate_ours: float
    rate_theirs: float
    identical: bool
    first_difference: tuple | None
    matched: int

    @property
    def rate_difference(self) -> float:
        """``(rate_ours - rate_theirs) / rate_theirs`` (0 if both are silent; inf if only ours)."""
        if self.rate_theirs == 0:
            return 0.0 if self.rate_ours == 0 else math.inf
        return (self.rate_ours - self.rate_theirs) / self.rate_theirs

    @property
    def first_divergence_ms(self) -> float | None:
        """Time of the first differing spike, ms (None if the trains are identical)."""
        if self.first_difference is None:
            return None
        return min(t for t in self.first_difference[1:] if t is not None)

    def describe_first_difference(self) -> str:
        if self.first_difference is None:
            return f"{self.name}: identical ({self.ours} spikes)"
        i, t_ours, t_theirs = self.first_difference
        fmt = lambda t: "none" if t is None else f"{t:.6g} ms"  # noqa: E731
        return (
            f"{self.name}: first differing spike: neuron {i}, our time {fmt(t_ours)}, "
            f"their time {fmt(t_theirs)}"
        )


def compare_spikes(name, n, dt, duration, ours, theirs) -> PopulationAgreement:
    """Compare two spike lists ``(steps, local indices)`` of a population of ``n`` neurons."""
    (s1, i1), (s2, i2) = ours, theirs
    s1, i1, s2, i2 = (np.asarray(x, np.int64) for x in (s1, i1, s2, i2))
    first, first_key, matched = None, None, 0
    o1, o2 = np.lexsort((s1, i1)), np.lexsort((s2, i2))
    s1, i1, s2, i2 = s1[o1], i1[o1], s2[o2], i2[o2]
    b1 = np.searchsorted(i1, np.arange(n + 1))
    b2 = np.searchsorted(i2, np.arange(n + 1))
    for k in range(n):
        a, b = s1[b1[k] : b1[k + 1]], s2[b2[k] : b2[k + 1]]
        m = min(a.size, b.size)
        diff = np.nonzero(a[:m] != b[:m])[0]
        j = int(diff[0]) if diff.size else m
        matched += j if diff.size else m
        if j == a.size and j == b.size:
            continue
        ta = int(a[j]) if j < a.size else None
        tb = int(b[j]) if j < b.size else None
        key = min(t for t in (ta, tb) if t is not None)
        if first_key is None or key < first_key:
            first_key = key
            first = (k, None if ta is None else ta * dt, None if tb is None else tb * dt)
    return PopulationAgreement(
        name=name,
        n=n,
        ours=int(s1.size),
        theirs=int(s2.size),
        rate_ours=1000.0 * s1.size / (n * duration),
        rate_theirs=1000.0 * s2.size / (n * duration),
        identical=first is None,
        first_difference=first,
        matched=matched,
    )


@dataclass
class Comparison:
    """A spiker run against the same network run by a reference simulator.

    Attributes
    ----------
    reference : str
        ``"brian2"`` or ``"nest"`` (with the target or variant used).
    duration : float
        ms simulated by both.
    populations : dict[str, PopulationAgreement]
    weights : dict[str, float]
        Largest absolute difference of the final weights, per plastic projection.
    wall_ours, wall_theirs : float
        Seconds spent running (spiker's ``run``; the reference's ``run``, code generation included).
    notes : list[str]
        What does not map exactly for this network.
    """

    reference: str
    duration: float
    populations: dict[str, PopulationAgreement]
    weights: dict[str, float] = field(default_factory=dict)
    wall_ours: float = 0.0
    wall_theirs: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        """Every population spiked at exactly the same steps in both."""
        return all(p.identical for p in self.populations.values())

    @property
    def first_divergence_ms(self) -> float | None:
        """Earliest differing spike over all populations, ms (None if identical)."""
        times = [p.first_divergence_ms for p in self.populations.values()]
        times = [t for t in times if t is not None]
        return min(times) if times else None

    def __str__(self) -> str:
        lines = [
            f"spiker vs {self.reference}: {self.duration:g} ms "
            f"(spiker {self.wall_ours:.2f} s, {self.reference} {self.wall_theirs:.2f} s wall)",
            f"  {'population':<12}{'n':>6}{'spikes ours':>13}{'theirs':>9}{'Hz ours':>10}"
            f"{'theirs':>9}{'rate diff':>11}{'same step':>11}",
        ]
        for p in self.populations.values():
            same = p.matched / max(p.ours, p.theirs, 1)
            lines.append(
                f"  {p.name:<12}{p.n:>6}{p.ours:>13}{p.theirs:>9}{p.rate_ours:>10.3f}"
                f"{p.rate_theirs:>9.3f}{100 * p.rate_difference:>10.2f}%{100 * same:>10.1f}%"
            )
        for p in self.populations.values():
            lines.append("  " + p.describe_first_difference())
        for name, dw in self.weights.items():
            lines.append(f"  weights {name}: max |w_ours - w_theirs| = {dw:.3g}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def neuron_populations(net) -> list[Population]:
    """The neuron populations of ``net``, in build order."""
    return [g for g in net.groups if isinstance(g, Population)]
