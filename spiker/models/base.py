"""A model object: a built network, its records, its default duration and its default figure."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from spiker import _text


def catalogue(
    summary: str, *, variant: str | None = None, choices: dict | None = None
) -> Callable[[Callable], Callable]:
    """Describe a model function for ``spiker run``: attaches ``summary`` (one line, shown by
    ``spiker run --list``), ``variant`` (the parameter that ``spiker run MODEL:VALUE`` sets) and
    ``choices`` (allowed values per parameter name) to the function."""

    def describe(fn: Callable) -> Callable:
        fn.summary = summary
        fn.variant = variant
        fn.choices = dict(choices or {})
        return fn

    return describe


@dataclass
class Model:
    """A canonical network, ready to run.

    Attributes
    ----------
    name : str
    net : spiker.Network
    records : dict
        Monitors by name (spike records under the population's name).
    duration : float
        Default run length, ms.
    projections : dict
        Projections of note by name.
    initial : dict
        Values at build time that a figure compares against (e.g. initial weights by projection
        name, float64 arrays of shape (n_synapses,)).
    wall_time : float
        Seconds spent in :meth:`run` so far.
    """

    name: str
    net: object
    records: dict
    duration: float
    projections: dict = field(default_factory=dict)
    initial: dict = field(default_factory=dict)
    wall_time: float = 0.0

    def run(self, duration: float | None = None, progress: bool | None = None, **options) -> Model:
        """Run for ``duration`` ms (default ``self.duration``); returns self. ``options`` go to
        :meth:`spiker.Network.run` (``checkpoint=``, ``callback=``, ...)."""
        tic = time.perf_counter()
        try:
            duration = self.duration if duration is None else duration
            self.net.run(duration, progress=progress, **options)
        finally:
            self.wall_time += time.perf_counter() - tic
        return self

    def spike_records(self) -> dict:
        """The spike records among ``records``, by name."""
        from spiker.monitors import SpikeRecord

        return {k: r for k, r in self.records.items() if isinstance(r, SpikeRecord)}

    def title(self) -> str:
        """``"name: 1 s, seed 1"``: what a figure of this run is."""
        return f"{self.name}: {_text.duration(self.net.t)}, seed {self.net.seed}"

    def figure(self):
        """The figure that shows what the model is about (``spiker run MODEL`` writes it).

        The default is the raster of every spike record; models override it. Returns a
        :class:`matplotlib.figure.Figure`.
        """
        from spiker import plot

        fig, ax = plot.figure(1, 1, figsize=(9, 4.5))
        plot.raster(self.spike_records(), ax=ax)
        ax.set_title(self.title())
        fig.tight_layout()
        return fig

    def summary(self) -> str:
        """Neurons, synapses, spikes and rates per population, and wall time."""
        net = self.net
        from spiker.groups import Population

        n_neurons = sum(g.n for g in net.groups if isinstance(g, Population))
        n_sources = net.n - n_neurons
        sources = f" (+{n_sources} source units)" if n_sources else ""
        lines = [
            f"model {self.name}: {_text.count(n_neurons, 'neuron')}{sources}, "
            f"{_text.count(sum(p.n for p in net.projections), 'synapse')}, "
            f"dt = {net.dt:g} ms, seed = {net.seed}, simulated {_text.duration(net.t)} "
            f"in {self.wall_time:.2f} s wall",
        ]
        for name, rec in self.spike_records().items():
            unit = "neuron" if isinstance(rec.group, Population) else "unit"
            lines.append(
                f"  {name:<6} {_text.count(len(rec.neurons), unit):>14} "
                f"{_text.count(rec.count, 'spike'):>16} {rec.rate():8.2f} Hz"
            )
        return "\n".join(lines)
