"""A model object: a built network, its records, its default duration."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


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
    """

    name: str
    net: object
    records: dict
    duration: float
    projections: dict = field(default_factory=dict)
    wall_time: float = 0.0  # s spent in run()

    def run(self, duration: float | None = None, progress: bool | None = None) -> Model:
        """Run for ``duration`` ms (default ``self.duration``); returns self."""
        tic = time.perf_counter()
        try:
            self.net.run(self.duration if duration is None else duration, progress=progress)
        finally:
            self.wall_time += time.perf_counter() - tic
        return self

    def spike_records(self) -> dict:
        """The spike records among ``records``, by name."""
        from spiker.monitors import SpikeRecord

        return {k: r for k, r in self.records.items() if isinstance(r, SpikeRecord)}

    def summary(self) -> str:
        """Neurons, synapses, spikes and rates per population, and wall time."""
        net = self.net
        from spiker.groups import Population

        n_neurons = sum(g.n for g in net.groups if isinstance(g, Population))
        n_sources = net.n - n_neurons
        sources = f" (+{n_sources} source units)" if n_sources else ""
        lines = [
            f"model {self.name}: {n_neurons} neurons{sources}, "
            f"{sum(p.n for p in net.projections)} synapses, "
            f"dt = {net.dt} ms, seed = {net.seed}, simulated {net.t:g} ms "
            f"in {self.wall_time:.2f} s wall",
        ]
        for name, rec in self.spike_records().items():
            lines.append(
                f"  {name:<6} {len(rec.neurons):>6} neurons {rec.count:>9} spikes "
                f"{rec.rate():8.2f} Hz"
            )
        return "\n".join(lines)
