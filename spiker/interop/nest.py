"""Rebuild a spiker network in NEST and compare the two runs.

``to_nest(net, duration)`` builds the network in NEST's kernel (``nest.ResetKernel`` first: NEST
has one global kernel) and returns its node collections and recorders; ``compare(net,
duration)`` runs both and reports the agreement. NEST is also the way to run a network too
large for one machine: it distributes the same build over MPI processes (``mpirun -np K python
script.py`` with an MPI build of NEST; ``NestModel.spikes`` gathers every process's spikes with
mpi4py; ``docs/scale.md``).

Mapping (``docs/crossval.md`` has the table and the reasons):

* Population -> ``izhikevich`` with a, b, c, d, ``V_th = v_peak``, ``V_m``, ``U_m``;
  ``consistent_integration=True`` for ``method="euler"`` and ``False`` for ``"izhikevich"``
  (the published two half steps; ``substeps`` must be 2). ``"rk4"``, other quadratic coefficients,
  ``recovery="accommodation"`` and ``threshold=">"`` have no NEST counterpart: ValueError.
* External current -> the constant part as ``I_e``; the time-varying part as one
  ``step_current_generator`` per neuron, its amplitudes one step early: a NEST current event
  takes one step to reach the neuron, which applies it in the step after it receives it. The
  varying input of steps 0 and 1 cannot be delivered (NEST times must be > 0).
* SpikeSource, PoissonSource -> ``spike_generator`` with the spikes spiker produces, relayed by
  one ``parrot_neuron`` per unit (NEST's plastic synapses need a neuron as source), so that the
  spike of step n leaves the parrot stamped ``(n + 1)*dt`` as a neuron's spike of step n does
  (NEST labels a spike with the end of its step). Spikes of step 0 cannot be sent.
* ``"jump"`` -> ``static_synapse``, weight w, delay D*dt: NEST's izhikevich adds arriving
  weights to v (a jump). ``"pulse"`` -> the same jump of ``w*dt`` (the charge of a one-step
  current; exact in the limit of small dt, and the faithful reading of net.m at dt = 1 ms, where
  it is w). ``"exponential"`` -> a jump of ``w*dt/(1 - exp(-dt/tau_syn))``, the same total
  charge (NEST's izhikevich has no synaptic current): not exact.
* STDP -> ``stdp_synapse`` (all pairs) or ``stdp_nn_symm_synapse`` (nearest); additive:
  ``lambda = a_plus/w_max``, ``alpha = a_minus/a_plus``, ``mu = 0``; multiplicative (needs
  ``w_min = 0``): ``lambda = a_plus``, ``mu = 1``. NEST delays are dendritic: its rule sees the
  presynaptic spike at emission and the postsynaptic one after the delay, so pairings differ by
  the delay from spiker's axonal ones. ``SpnetUpdate`` has no NEST counterpart: exported static.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from spiker.groups import PoissonSource, Population, SpikeSource
from spiker.interop import (
    Comparison,
    compare_spikes,
    external_current,
    n_steps_of,
    neuron_populations,
    source_spikes,
)


def _import_nest():
    try:
        import nest
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "spiker.interop.nest needs NEST: pip install -e '.[crossval]' (nest-simulator)"
        ) from err
    return nest


@dataclass
class NestModel:
    """The NEST rebuild of a spiker network (NEST's kernel holds the state).

    Attributes
    ----------
    nodes : dict[str, NodeCollection]
        Per spiker group name (``izhikevich`` neurons, or the ``parrot_neuron``\\ s that relay
        a spike source's ``spike_generator``\\ s).
    recorders : dict[str, NodeCollection]
        ``spike_recorder`` per neuron population.
    connections : dict[str, tuple]
        Per projection (onto neurons): ``(SynapseCollection, Projection)``.
    dt, duration : float
        ms.
    notes : list[str]
        What does not map exactly for this network.
    """

    nodes: dict = field(default_factory=dict)
    recorders: dict = field(default_factory=dict)
    connections: dict = field(default_factory=dict)
    dt: float = 0.1
    duration: float = 0.0
    notes: list = field(default_factory=list)

    def run(self) -> None:
        """``nest.Simulate(duration)``."""
        _import_nest().Simulate(self.duration)

    def spikes(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """``(steps, local indices)`` of population ``name``, in spiker's labels, sorted by step
        and then index (the same order whatever the number of threads or MPI processes).

        Each MPI process's recorder holds only the spikes of the neurons that process hosts
        (threads of one process share it). Under MPI the events of every process are gathered
        to every process (``allgather`` through mpi4py), so this is a collective call: call it on
        every rank.
        """
        ev = self.recorders[name].get("events")
        times, senders = _gathered(np.asarray(ev["times"], np.float64),
                                   np.asarray(ev["senders"], np.int64))  # fmt: skip
        steps = np.rint(times / self.dt).astype(np.int64) - 1
        i = senders - _first_id(self.nodes[name])
        order = np.lexsort((i, steps))
        return steps[order], i[order]

    def weights(self, name: str) -> np.ndarray:
        """Weights of projection ``name`` in the spiker projection's synapse order (pairs must be
        unique). Under MPI each process holds the synapses onto its own neurons; they are
        gathered as in :meth:`spikes` (a collective call)."""
        conns, p = self.connections[name]
        local = conns.get(["source", "target", "weight"])
        src, tgt, w = _gathered(np.atleast_1d(np.asarray(local["source"], np.int64)),
                                np.atleast_1d(np.asarray(local["target"], np.int64)),
                                np.atleast_1d(np.asarray(local["weight"], np.float64)))  # fmt: skip
        pre0, post0 = _first_id(self.nodes[p.pre.name]), _first_id(self.nodes[p.post.name])
        key = (src - pre0) * p.post.n + (tgt - post0)
        want = p.i.astype(np.int64) * p.post.n + p.j
        if np.unique(want).size != want.size:
            raise ValueError(f"projection {name!r} repeats (pre, post) pairs: weights ambiguous")
        order = np.argsort(key)
        return w[order][np.searchsorted(key[order], want)]


def _first_id(nodes) -> int:
    """The first node id of a NodeCollection, read from the collection itself (a status read
    such as ``.global_id`` sees only the nodes local to this MPI process)."""
    return nodes[0].tolist()[0]


def _mpi_comm():
    """mpi4py's ``COMM_WORLD`` if NEST runs in more than one MPI process, else None."""
    n = _import_nest().NumProcesses()
    if n == 1:
        return None
    try:
        from mpi4py import MPI
    except ImportError as err:  # pragma: no cover - needs an MPI build of NEST
        raise ImportError(
            f"NEST runs in {n} MPI processes and each holds only its own neurons' spikes; "
            "gathering them needs mpi4py (pip install mpi4py, built against NEST's MPI)"
        ) from err
    return MPI.COMM_WORLD


def _gathered(*local: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per-process arrays joined over all MPI processes (rank order); as given without MPI."""
    comm = _mpi_comm()
    if comm is None:
        return local
    parts = comm.allgather(local)
    return tuple(np.concatenate([part[k] for part in parts]) for k in range(len(local)))


def _check_population(pop: Population) -> None:
    m = pop.model
    problems = []
    if m.method == "rk4":
        problems.append("method='rk4' (NEST has 'euler' and the published scheme)")
    if m.method == "izhikevich" and m.substeps != 2:
        problems.append(f"substeps={m.substeps} (NEST's published scheme uses 2)")
    if tuple(m.coefficients) != (0.04, 5.0, 140.0):
        problems.append(f"coefficients={m.coefficients} (NEST fixes 0.04, 5, 140)")
    if m.recovery != "standard":
        problems.append(f"recovery={m.recovery!r}")
    if m.threshold != ">=":
        problems.append(f"threshold={m.threshold!r} (NEST spikes at v >= V_th)")
    if problems:
        raise ValueError(f"population {pop.name!r} cannot be built in NEST: " + "; ".join(problems))


def to_nest(net, duration: float, threads: int = 1) -> NestModel:
    """Build ``net`` in NEST (resetting NEST's kernel) for a run of ``duration`` ms.

    Parameters
    ----------
    net : spiker.Network
        Built and not yet run; it is not modified.
    duration : float
        ms; inputs are precomputed for this long.
    threads : int
        NEST's ``local_num_threads``.

    Returns
    -------
    NestModel
    """
    nest = _import_nest()
    n_steps = n_steps_of(net, duration)
    for pop in neuron_populations(net):
        _check_population(pop)
    dt = net.dt
    nest.ResetKernel()
    if hasattr(nest, "VerbosityLevel"):
        nest.verbosity = nest.VerbosityLevel.ERROR
    else:  # pragma: no cover - NEST < 3.9
        nest.set_verbosity("M_ERROR")
    nest.SetKernelStatus({"resolution": dt, "local_num_threads": int(threads), "rng_seed": 1})
    I_ext = external_current(net, n_steps)
    trains = source_spikes(net, n_steps)
    model = NestModel(dt=dt, duration=n_steps * dt)
    notes = model.notes
    for g in net.groups:
        if isinstance(g, SpikeSource | PoissonSource):
            steps, idx = trains[g.name]
            # generator -> parrot (one step): NEST's plastic synapses need a neuron as source.
            # The parrot re-emits a spike stamped n*dt at (n + 1)*dt, spiker's step n
            gens = nest.Create("spike_generator", g.n)
            parrots = nest.Create("parrot_neuron", g.n)
            if np.any(steps == 0):
                notes.append(f"{g.name}: spikes of step 0 cannot be emitted in NEST; dropped")
            for k in range(g.n):
                times = steps[(idx == k) & (steps > 0)] * dt
                if times.size:
                    gens[k].set(spike_times=np.round(times, 10).tolist())
            nest.Connect(gens, parrots, "one_to_one", {"delay": dt})
            model.nodes[g.name] = parrots
            continue
        nodes = nest.Create("izhikevich", g.n)
        cur = I_ext[:, g.start : g.stop]
        # the first step's value as I_e (NEST has it from step 0 on), the rest through a
        # generator. NEST sums (... + I) + I_e: bit-exact where one of the two is zero
        const = cur[0].copy()
        varying = bool(np.any(cur != cur[:1]))
        nodes.set(
            a=g.a.tolist(), b=g.b.tolist(), c=g.c.tolist(), d=g.d.tolist(),
            V_th=g.v_peak.tolist(), V_m=g.v.tolist(), U_m=g.u.tolist(), I_e=const.tolist(),
            consistent_integration=g.model.method == "euler",
        )  # fmt: skip
        if varying:
            if np.any(cur[1] != cur[0]):
                notes.append(f"{g.name}: the input of step 1 cannot reach NEST in time")
            gens = nest.Create("step_current_generator", g.n)
            for k in range(g.n):
                col = cur[:, k] - const[k]
                change = np.nonzero(np.diff(col))[0] + 1  # steps where the value changes
                change = change[change >= 2]
                if col[2] != 0.0 and (change.size == 0 or change[0] != 2):
                    change = np.concatenate([[2], change])
                if change.size:
                    gens[k].set(
                        amplitude_times=((change - 1) * dt).tolist(),
                        amplitude_values=col[change].tolist(),
                    )
            nest.Connect(gens, nodes, "one_to_one", {"delay": dt})
        rec = nest.Create("spike_recorder")
        nest.Connect(nodes, rec)
        model.nodes[g.name] = nodes
        model.recorders[g.name] = rec
    for p in net.projections:
        if not isinstance(p.post, Population):
            continue
        w = p.weight.copy()
        if p.kind == "pulse":
            w = w * dt
            notes.append(f"{p.name}: 'pulse' exported as a jump of w*dt (NEST input is a jump)")
        elif p.kind == "jump":
            notes.append(f"{p.name}: NEST adds a jump while integrating; sent one step later")
        elif p.kind == "exponential":
            w = w * (dt / (1.0 - math.exp(-dt / p.tau_syn)))
            notes.append(f"{p.name}: 'exponential' exported as a jump of equal charge")
        syn = {"synapse_model": "static_synapse"}
        stdp = p.plasticity
        if stdp is not None and stdp.update is not None:
            notes.append(f"{p.name}: SpnetUpdate has no NEST counterpart; exported static")
            stdp = None
        if stdp is not None:
            syn = _stdp_synapse(p, stdp)
            model.nodes[p.post.name].set(tau_minus=stdp.tau_minus)  # a neuron parameter in NEST
            notes.append(f"{p.name}: NEST STDP sees dendritic delays (pairs shifted by the delay)")
        pre, post = model.nodes[p.pre.name], model.nodes[p.post.name]
        # NEST adds a weight to v while integrating its arrival step (and checks the threshold
        # after): spiker's jump at the end of step n + D acts from step n + D + 1 on
        steps = p.delay_steps + (0 if p.kind == "pulse" else 1)
        syn.update(weight=w, delay=steps * dt)
        # NEST connects arrays of node ids directly (one entry per synapse)
        src = (_first_id(pre) + p.i).astype(np.int64)
        tgt = (_first_id(post) + p.j).astype(np.int64)
        syn["delay"] = np.round(syn["delay"], 10)
        nest.Connect(src, tgt, "one_to_one", syn)
        model.connections[p.name] = (nest.GetConnections(pre, post), p)
    return model


def _stdp_synapse(p, stdp) -> dict:
    """NEST synapse parameters for an STDP rule (raises where there is no counterpart)."""
    if stdp.w_min != 0.0:
        raise ValueError(
            f"projection {p.name!r}: w_min = {stdp.w_min}; NEST's STDP synapses bound weights "
            "to [0, Wmax], so w_min must be 0"
        )
    if stdp.rule == "multiplicative":
        lam, mu = stdp.a_plus, 1.0
    else:
        lam, mu = (stdp.a_plus / stdp.w_max if stdp.w_max else 0.0), 0.0
    name = "stdp_synapse" if stdp.pairing == "all" else "stdp_nn_symm_synapse"
    return {
        "synapse_model": name,
        "tau_plus": stdp.tau_plus,
        "lambda": lam,
        "alpha": stdp.a_minus / stdp.a_plus if stdp.a_plus else 0.0,
        "mu_plus": mu,
        "mu_minus": mu,
        "Wmax": stdp.w_max,
    }


def compare(net, duration: float, threads: int = 1) -> Comparison:
    """Run ``net`` in spiker and its NEST rebuild for ``duration`` ms; report the agreement.

    ``net`` must not have run yet; it is run here (spike records are added for every
    population).
    """
    model = to_nest(net, duration, threads=threads)
    records = {pop.name: net.record_spikes(pop) for pop in neuron_populations(net)}
    tic = time.perf_counter()
    model.run()
    wall_theirs = time.perf_counter() - tic
    tic = time.perf_counter()
    net.run(model.duration, progress=False)
    wall_ours = time.perf_counter() - tic
    pops = {
        name: compare_spikes(
            name, rec.group.n, net.dt, model.duration, (rec.steps, rec.i), model.spikes(name)
        )
        for name, rec in records.items()
    }
    weights = {
        name: float(np.max(np.abs(p.weight - model.weights(name)), initial=0.0))
        for name, (_, p) in model.connections.items()
        if p.plasticity is not None and p.plasticity.update is None
    }
    return Comparison("nest", model.duration, pops, weights, wall_ours, wall_theirs, model.notes)
