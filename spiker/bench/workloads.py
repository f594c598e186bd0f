"""The benchmark's workloads (issue 10's list) and simulators (spiker and its peers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Workload:
    """One benchmark network.

    Attributes
    ----------
    name, title : str
    build : callable
        Returns a fresh, unrun :class:`spiker.models.Model`.
    duration : float
        ms of model time in the full suite.
    quick : float or None
        ms in ``--quick`` (None: left out of ``--quick``).
    primer : callable
        A small network with the same neuron methods, synapse kinds, plasticity and inputs; run
        for ``primer_ms`` before the measurement so that spiker's kernels are loaded.
    """

    name: str
    title: str
    build: Callable
    duration: float
    quick: float | None
    primer: Callable
    primer_ms: float


def _models():
    import spiker.models

    return spiker.models


def _cuba(n: int = 4000):
    """CUBA (Vogels and Abbott 2005) as Brian2's ``examples/CUBA.py`` builds it:
    :func:`spiker.models.cuba`."""
    return _models().cuba(seed=1) if n == 4000 else _models().cuba(seed=1, n=n)


def _izh(**kw):
    return lambda: _models().izhikevich2003(**kw)


def _poly(**kw):
    return lambda: _models().polychronization(**kw)


_SMALL_IZH = _izh(n=50, k=10)
WORKLOADS = {
    w.name: w
    for w in (
        Workload(
            "izhikevich2003",
            "net.m: 1000 neurons, 1 M synapses, dt 1 ms",
            _izh(),
            1000.0,
            1000.0,
            _SMALL_IZH,
            20.0,
        ),
        Workload(
            "izhikevich2003_10k",
            "net.m rules, 10 k neurons, 1 M synapses (k = 100)",
            _izh(n=10_000, k=100),
            1000.0,
            None,
            _SMALL_IZH,
            20.0,
        ),
        Workload(
            "izhikevich2003_100k",
            "net.m rules, 100 k neurons, 10 M synapses (k = 100)",
            _izh(n=100_000, k=100),
            1000.0,
            None,
            _SMALL_IZH,
            20.0,
        ),
        Workload(
            "polychronization_10s",
            "spnet, STDP, dt 1 ms",
            _poly(),
            10_000.0,
            10_000.0,
            _poly(),
            1001.0,
        ),
        Workload(
            "polychronization_60s", "spnet, STDP, dt 1 ms", _poly(), 60_000.0, None, _poly(), 1001.0
        ),
        Workload(
            "izhikevich2003_euler",
            "net.m, forward Euler, dt 0.1 ms, jump synapses",
            _izh(form="euler"),
            1000.0,
            None,
            _izh(n=50, k=10, form="euler"),
            20.0,
        ),
        Workload(
            "polychronization_euler",
            "spnet, forward Euler, dt 0.1 ms, jump synapses",
            _poly(form="euler"),
            10_000.0,
            None,
            _poly(form="euler"),
            1001.0,
        ),
        Workload(
            "feedforward_stdp",
            "1000 Poisson inputs -> 100 neurons, STDP, dt 0.1 ms",
            lambda: _models().feedforward_stdp(),
            10_000.0,
            1000.0,
            lambda: _models().feedforward_stdp(n_inputs=20, n_neurons=5),
            100.0,
        ),
        Workload(
            "cuba",
            "Vogels & Abbott CUBA: 4000 LIF neurons, dt 0.1 ms",
            _cuba,
            1000.0,
            1000.0,
            lambda: _cuba(n=50),
            20.0,
        ),
    )
}


@dataclass(frozen=True)
class Simulator:
    """spiker or one of its peers: ``kind`` is "spiker", "brian2" or "nest". NEST compiles
    nothing at run time, so it gets no warm-up run."""

    key: str
    label: str
    kind: str
    target: str | None = None  # Brian2's code generation target
    threads: int = 1  # NEST's local_num_threads; spiker's Network.threads
    warmup: bool = True  # a first run fills a cache (numba's, Cython's, C++ objects)


SIMULATORS = {
    s.key: s
    for s in (
        Simulator("spiker", "spiker", "spiker"),
        Simulator("spiker-2", "spiker, 2 threads", "spiker", threads=2),
        Simulator("brian2-cpp", "Brian2 cpp_standalone", "brian2", target="cpp_standalone"),
        Simulator("brian2-cython", "Brian2 cython", "brian2", target="cython"),
        Simulator("nest-1", "NEST, 1 thread", "nest", threads=1, warmup=False),
        Simulator("nest-2", "NEST, 2 threads", "nest", threads=2, warmup=False),
    )
}
PEERS = tuple(k for k in SIMULATORS if k != "spiker")
