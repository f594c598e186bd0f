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
    missing : callable
        Why the workload cannot run in this installation, or None.
    """

    name: str
    title: str
    build: Callable
    duration: float
    quick: float | None
    primer: Callable
    primer_ms: float
    missing: Callable = lambda: None


def _models():
    import spiker.models

    return spiker.models


def _cuba(n: int = 4000, seed: int = 1):
    """CUBA (Vogels and Abbott 2005) as Brian2's ``examples/CUBA.py`` builds it: 4000 LIF
    neurons (tau_m = 20 ms, E_l = -49 mV, V_t = -50 mV, V_r = -60 mV, 5 ms refractory, v0 uniform
    in [V_r, V_t]), 2 % random connectivity, exponential currents (w_e = 1.62 mV, tau 5 ms;
    w_i = -9 mV, tau 10 ms), zero delay, dt = 0.1 ms, exact integration."""
    models = _models()
    if hasattr(models, "cuba"):  # the canonical build, where the LIF family provides one
        return models.cuba(seed=seed) if n == 4000 else models.cuba(seed=seed, n=n)
    import spiker as sp

    net = sp.Network(dt=0.1, seed=seed)
    ne = 4 * n // 5
    lif = sp.LIF(
        tau_m=20.0, v_rest=-49.0, v_reset=-60.0, v_th=-50.0, refractory=5.0, method="exact"
    )
    exc = net.add_neurons(ne, lif, name="exc", v0=-60.0 + 10.0 * net.rng.random(ne))
    inh = net.add_neurons(n - ne, lif, name="inh", v0=-60.0 + 10.0 * net.rng.random(n - ne))
    for pre, w, tau in ((exc, 60 * 0.27 / 10, 5.0), (inh, -20 * 4.5 / 10, 10.0)):
        for post in (exc, inh):
            net.connect(
                pre,
                post,
                sp.connect.fixed_probability(0.02),
                weight=w,
                delay=0.0,
                synapse="exponential",
                tau_syn=tau,
            )
    records = {"exc": net.record_spikes(exc), "inh": net.record_spikes(inh)}
    return models.Model("cuba", net, records, 1000.0)


def _no_lif():
    import spiker as sp

    return None if hasattr(sp, "LIF") else "spiker.LIF does not exist yet (the LIF family, issue 9)"


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
            _no_lif,
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
