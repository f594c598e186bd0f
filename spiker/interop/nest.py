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
* ``native_inputs=True`` (speed comparisons: the same distributions, not the same numbers):
  ``Noise`` -> one ``noise_generator`` per distinct (mean, std) with ``dt`` = the interval (its
  current is piecewise constant over ``dt`` with that mean and std, a different draw for each
  target, as spiker's held noise); ``PoissonSource`` -> one ``poisson_generator`` per distinct
  rate, relayed by the parrots (each target of a generator gets its own train). Other inputs
  stay precomputed.
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
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from spiker.groups import PoissonSource, Population, SpikeSource
from spiker.inputs import Noise
from spiker.interop import (
    Comparison,
    compare_spikes,
    external_current,
    n_steps_of,
    neuron_populations,
    source_spikes,
    split_currents,
)
from spiker.kernels._jit import omp_in_use
from spiker.neurons import LIF, Izhikevich, Izhikevich2007


def exported_static(p) -> str | None:
    """Why :func:`to_nest` exports plastic projection ``p`` as static synapses (NEST has no
    counterpart of its rule), or None when its plasticity is mapped."""
    if p.plasticity.update is not None:
        return "SpnetUpdate (spnet's deferred weight changes) has no NEST counterpart"
    if p.plasticity.modulation is not None:
        return "dopamine-modulated STDP is not mapped to NEST's stdp_dopamine_synapse"
    return None


def _import_nest():
    if "nest" not in sys.modules and omp_in_use():
        raise RuntimeError(
            "NEST cannot be loaded into a process that has run spiker on OpenMP threads (two "
            "OpenMP runtimes crash it): run NEST in another process, or set "
            "NUMBA_THREADING_LAYER=workqueue before the threaded run"
        )
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
        Per projection (onto neurons): ``(synapse model name, Projection)``; its NEST synapses
        are fetched when needed (``nest.GetConnections`` takes minutes for 10 M synapses).
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
        synapse_model, p = self.connections[name]
        pre, post = self.nodes[p.pre.name], self.nodes[p.post.name]
        conns = _import_nest().GetConnections(pre, post, synapse_model=synapse_model)
        local = conns.get(["source", "target", "weight"])
        src, tgt, w = _gathered(np.atleast_1d(np.asarray(local["source"], np.int64)),
                                np.atleast_1d(np.asarray(local["target"], np.int64)),
                                np.atleast_1d(np.asarray(local["weight"], np.float64)))  # fmt: skip
        pre0, post0 = _first_id(pre), _first_id(post)
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


@dataclass
class NestNeuron:
    """How the populations of a neuron family are built in NEST (a family's mapping).

    Attributes
    ----------
    model : str
        NEST model name.
    params : dict
        Node parameters (lists of one value per neuron, or scalars).
    jump_per_charge : ndarray (n,)
        The jump of v (mV) that a charge of one current unit times one ms causes: "pulse" input
        and, where the model has no synaptic current, "exponential" input are sent as jumps of
        the same charge.
    synaptic_current : bool
        The model has exponential synaptic currents (weights are sent as they are).
    notes : list of str
        What does not map exactly.
    """

    model: str
    params: dict
    jump_per_charge: np.ndarray
    synaptic_current: bool = False
    notes: list = field(default_factory=list)


def _izhikevich(pop: Population, dt: float) -> NestNeuron:
    """sp.Izhikevich -> NEST's ``izhikevich`` (the 2003 model with 0.04, 5, 140)."""
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
    params = {
        "a": pop.a.tolist(), "b": pop.b.tolist(), "c": pop.c.tolist(), "d": pop.d.tolist(),
        "V_th": pop.v_peak.tolist(), "V_m": pop.v.tolist(), "U_m": pop.u.tolist(),
        "consistent_integration": m.method == "euler",
    }  # fmt: skip
    return NestNeuron("izhikevich", params, np.ones(pop.n))  # v' = ... + I: dv = charge


def _lif(pop: Population, dt: float) -> NestNeuron:
    """sp.LIF -> ``iaf_psc_exp`` (exponential synaptic currents: at most one time constant for
    positive and one for negative weights, NEST's tau_syn_ex and tau_syn_in) or
    ``iaf_psc_delta`` (no exponential input), with ``C_m = tau_m / R``."""
    m = pop.model
    if m.method != "exact":
        raise ValueError(
            f"population {pop.name!r}: LIF method={m.method!r} has no NEST counterpart (NEST "
            "integrates the LIF exactly)"
        )
    notes = []
    if m.threshold == ">":
        notes.append(f"{pop.name}: NEST spikes at V_m >= V_th, spiker at v > v_th")
    exp = [p for p in pop.net.projections if p.post is pop and p.kind == "exponential"]
    taus = {}
    for p in exp:
        signs = {"tau_syn_ex"} if np.all(p.weight >= 0) else set()
        signs |= {"tau_syn_in"} if np.all(p.weight <= 0) else set()
        if not signs:
            raise ValueError(
                f"population {pop.name!r} cannot be built in NEST: projection {p.name!r} has "
                "exponential weights of both signs (iaf_psc_exp routes by the sign)"
            )
        key = sorted(signs)[0]
        if taus.setdefault(key, p.tau_syn) != p.tau_syn:
            raise ValueError(
                f"population {pop.name!r} cannot be built in NEST: more than one tau_syn for "
                f"{'positive' if key == 'tau_syn_ex' else 'negative'} exponential weights "
                "(iaf_psc_exp has one each)"
            )
    tau_m, R = pop.tau_m, pop.R
    params = {
        "tau_m": tau_m.tolist(), "E_L": pop.v_rest.tolist(), "V_reset": pop.v_reset.tolist(),
        "V_th": pop.v_th.tolist(), "V_m": pop.v.tolist(), "C_m": (tau_m / R).tolist(),
        # NEST holds V for t_ref/dt steps after the spike step; spiker, as Brian2, for
        # ref_steps - 1 (it integrates again at step s + ref_steps)
        "t_ref": (np.maximum(pop.ref_steps - 1, 0) * dt).tolist(),
    }  # fmt: skip
    if exp:
        params.update(taus)
        return NestNeuron("iaf_psc_exp", params, R / tau_m, True, notes)
    return NestNeuron("iaf_psc_delta", params, R / tau_m, False, notes)


def _izhikevich2007(pop: Population, dt: float) -> NestNeuron:
    raise ValueError(
        f"population {pop.name!r}: Izhikevich2007 has no NEST counterpart (NEST's izhikevich is "
        "the 2003 model, v' = 0.04 v^2 + 5 v + 140 - u + I)"
    )


#: The NEST mapping of each neuron family, by spec class: ``f(pop, dt) -> NestNeuron``,
#: raising ValueError that names what has no counterpart (one line per family).
NEST_FAMILIES: dict[type, Callable[[Population, float], NestNeuron]] = {
    Izhikevich: _izhikevich,
    LIF: _lif,
    Izhikevich2007: _izhikevich2007,
}


def _nest_model(pop: Population, dt: float) -> NestNeuron:
    build = NEST_FAMILIES.get(type(pop.model))
    if build is None:
        raise ValueError(
            f"population {pop.name!r}: {type(pop.model).__name__} has no NEST counterpart"
        )
    return build(pop, dt)


def to_nest(net, duration: float, threads: int = 1, native_inputs: bool = False) -> NestModel:
    """Build ``net`` in NEST (resetting NEST's kernel) for a run of ``duration`` ms.

    Parameters
    ----------
    net : spiker.Network
        Built and not yet run; it is not modified.
    duration : float
        ms; inputs are precomputed for this long.
    threads : int
        NEST's ``local_num_threads``.
    native_inputs : bool
        ``False`` (default): inputs are precomputed, NEST gets spiker's numbers. ``True``: NEST
        draws noise and Poisson trains itself (``noise_generator``, ``poisson_generator``), for
        speed comparisons where precomputed inputs would not fit in memory.

    Returns
    -------
    NestModel
    """
    nest = _import_nest()
    n_steps = n_steps_of(net, duration)
    models = {pop.name: _nest_model(pop, net.dt) for pop in neuron_populations(net)}
    dt = net.dt
    nest.ResetKernel()
    if hasattr(nest, "VerbosityLevel"):
        nest.verbosity = nest.VerbosityLevel.ERROR
    else:  # pragma: no cover - NEST < 3.9
        nest.set_verbosity("M_ERROR")
    nest.SetKernelStatus({"resolution": dt, "local_num_threads": int(threads), "rng_seed": 1})
    dense, native = split_currents(net, (Noise,) if native_inputs else ())
    # without precomputed varying inputs, one row of constant current stands for every step
    I_ext = external_current(net, n_steps, dense) if dense else net._I_const[None, :]
    trains = source_spikes(net, n_steps, poisson=not native_inputs)
    model = NestModel(dt=dt, duration=n_steps * dt)
    notes = model.notes
    for g in net.groups:
        if isinstance(g, PoissonSource) and native_inputs:
            model.nodes[g.name] = _native_poisson(nest, g, dt)
            continue
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
        mapping = models[g.name]
        notes.extend(mapping.notes)
        nodes = nest.Create(mapping.model, g.n)
        cur = I_ext[:, g.start : g.stop]
        # the first step's value as I_e (NEST has it from step 0 on), the rest through a
        # generator. NEST sums (... + I) + I_e: bit-exact where one of the two is zero
        const = cur[0].copy()
        varying = bool(np.any(cur != cur[:1]))
        nodes.set(I_e=const.tolist(), **mapping.params)
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
        _native_noise(nest, native, g, nodes, dt)
        rec = nest.Create("spike_recorder")
        nest.Connect(nodes, rec)
        model.nodes[g.name] = nodes
        model.recorders[g.name] = rec
    for p in net.projections:
        if not isinstance(p.post, Population):
            continue
        w = p.weight.copy()
        target = models[p.post.name]
        per_charge = target.jump_per_charge[p.j]
        if p.kind == "pulse":
            w = w * dt * per_charge
            notes.append(f"{p.name}: 'pulse' exported as a jump of equal charge (w*dt)")
        elif p.kind == "jump":
            notes.append(f"{p.name}: NEST adds a jump while integrating; sent one step later")
        elif p.kind == "exponential" and not target.synaptic_current:
            w = w * (dt / (1.0 - math.exp(-dt / p.tau_syn))) * per_charge
            notes.append(f"{p.name}: 'exponential' exported as a jump of equal charge")
        syn = {"synapse_model": "static_synapse"}
        stdp = p.plasticity
        if stdp is not None and (why := exported_static(p)) is not None:
            notes.append(f"{p.name}: {why}; exported static")
            stdp = None
        if stdp is not None:
            syn = _stdp_synapse(p, stdp)
            model.nodes[p.post.name].set(tau_minus=stdp.tau_minus)  # a neuron parameter in NEST
            notes.append(f"{p.name}: NEST STDP sees dendritic delays (pairs shifted by the delay)")
        pre, post = model.nodes[p.pre.name], model.nodes[p.post.name]
        # NEST adds a jump to v while integrating its arrival step (and checks the threshold
        # after): spiker's jump at the end of step n + D acts from step n + D + 1 on. A
        # synaptic current (iaf_psc_exp) takes its input after propagating V, as spiker does
        current = p.kind == "exponential" and target.synaptic_current
        steps = p.delay_steps + (0 if p.kind == "pulse" or current else 1)
        if np.any(steps < 1):
            notes.append(f"{p.name}: zero delays sent with NEST's minimum, one step")
            steps = np.maximum(steps, 1)
        syn.update(weight=w, delay=steps * dt)
        # NEST connects arrays of node ids directly (one entry per synapse)
        src = (_first_id(pre) + p.i).astype(np.int64)
        tgt = (_first_id(post) + p.j).astype(np.int64)
        syn["delay"] = np.round(syn["delay"], 10)
        nest.Connect(src, tgt, "one_to_one", syn)
        model.connections[p.name] = (syn["synapse_model"], p)
    for bound in net._poisson_inputs:  # statistically equal: NEST draws its own spikes
        spec, target = bound.spec, models[bound.target.name]
        nodes = model.nodes[bound.target.name][bound.cols - bound.target.start]
        gen = nest.Create("poisson_generator", params={"rate": spec.n * spec.rate_hz})
        w = np.full(bound.cols.shape[0], spec.weight)
        if spec.synapse == "pulse":
            w = w * dt * target.jump_per_charge[bound.cols - bound.target.start]
        elif spec.synapse == "exponential" and not target.synaptic_current:
            w = w * (dt / (1.0 - math.exp(-dt / spec.tau_syn)))
            w = w * target.jump_per_charge[bound.cols - bound.target.start]
        nest.Connect(gen, nodes, "all_to_all", {"weight": w.reshape(-1, 1), "delay": dt})
        notes.append(
            f"Poisson input into {bound.target.name!r}: NEST's poisson_generator at "
            f"{spec.n} x {spec.rate_hz:g} Hz draws its own spikes (same statistics)"
        )
    return model


def _native_poisson(nest, g: PoissonSource, dt: float):
    """Parrots relaying ``poisson_generator``\\ s, one generator per distinct rate."""
    parrots = nest.Create("parrot_neuron", g.n)
    for rate in np.unique(g.rate_hz):
        gen = nest.Create("poisson_generator", params={"rate": float(rate)})
        idx = np.nonzero(g.rate_hz == rate)[0]
        nest.Connect(gen, parrots[idx.tolist()], "all_to_all", {"delay": dt})
    return parrots


def _native_noise(nest, native: list, g: Population, nodes, dt: float) -> None:
    """``noise_generator``\\ s for the Noise inputs that reach population ``g``, one per distinct
    (mean, std) pair, switching every interval."""
    for bound in native:
        inside = (bound.cols >= g.start) & (bound.cols < g.stop)
        local = bound.cols[inside] - g.start
        pairs = np.stack([bound.mean[inside], bound.std[inside]], axis=1)
        for mean, std in np.unique(pairs, axis=0):
            which = local[(pairs[:, 0] == mean) & (pairs[:, 1] == std)]
            gen = nest.Create(
                "noise_generator",
                params={"mean": float(mean), "std": float(std), "dt": bound.every * dt},
            )
            nest.Connect(gen, nodes[np.sort(which).tolist()], "all_to_all", {"delay": dt})


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
        if p.plasticity is not None and exported_static(p) is None
    }
    return Comparison("nest", model.duration, pops, weights, wall_ours, wall_theirs, model.notes)
