"""Network: build populations, projections, inputs and monitors; compile to arrays; run."""

from __future__ import annotations

import os
import warnings

import numpy as np

from spiker import _validate as check
from spiker import streams
from spiker.compile import Compiled, compile_network
from spiker.connect import Rule, all_to_all, pairs
from spiker.distributions import draw
from spiker.groups import Group, PoissonSource, Population, SpikeSource
from spiker.inputs import (
    BoundCurrent,
    BoundPoissonInput,
    Noise,
    PoissonInput,
    RandomPulse,
    Step,
    TimedArray,
    UniformNoise,
)
from spiker.kernels.layout import FAMILY_SOURCE
from spiker.modulation import Dopamine, _factor_or_tau
from spiker.monitors import (
    INPUT_VARIABLES,
    DopamineRecord,
    RateRecord,
    SpikeRecord,
    StateRecord,
    WeightRecord,
)
from spiker.neurons import FAMILIES, NeuronModel
from spiker.plasticity import STDP
from spiker.runtime import simulate
from spiker.synapses import KINDS, Projection

#: The time steps a network accepts, ms: from a nanosecond to ten seconds.
DT_RANGE = (1e-6, 1e4)


class ConvergenceWarning(UserWarning):
    """The chosen integration method is not converged at this time step."""


class Network:
    """A spiking network: groups of neurons and spike sources, projections, inputs, monitors.

    Parameters
    ----------
    dt : float
        Time step in ms, in [1e-6, 1e4] (``DT_RANGE``).
    seed : int or None
        Seeds the network's generator ``rng`` (a :class:`numpy.random.Generator`), from which
        connectivity, random weights and delays are drawn in call order, and from which each noise
        input and Poisson source gets its own generator. The same seed and the same build give
        bit-identical spikes. ``None`` picks a fresh seed, kept in ``seed``.
    threads : int
        Threads that update the neurons and deliver the static synapses, each owning a part of
        the units and the synapses onto them: spikes, weights and records are bit-identical for
        every number of threads (sums are taken in the same order). A network of fewer than
        ``units_per_thread`` units per thread uses fewer threads (:attr:`parts`). At most the
        number of CPU cores are used at once.

    Attributes
    ----------
    meta : dict
        Notes (JSON values) that :meth:`store` and checkpoints save with the network and
        :meth:`restore` reads back; ``spiker run`` keeps the model and its parameters there.
    """

    def __init__(self, dt: float = 0.1, seed: int | None = None, threads: int = 1):
        self.dt = check.finite_float("dt", dt, positive=True)
        if not DT_RANGE[0] <= self.dt <= DT_RANGE[1]:
            raise ValueError(
                f"dt must lie in [{DT_RANGE[0]:g}, {DT_RANGE[1]:g}] ms; got {self.dt:g} ms"
            )
        self.threads = check.positive_int("threads", threads)
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % (2**63))
        self.seed = check.positive_int("seed", seed, minimum=0)
        self.rng = np.random.default_rng(self.seed)
        self.step = 0  # steps simulated so far
        self.groups: list[Group] = []
        self.projections: list[Projection] = []
        self._currents: list[BoundCurrent] = []
        self._poisson_inputs: list[BoundPoissonInput] = []
        self._spike_records: list[SpikeRecord] = []
        self._state_records: list[StateRecord] = []
        self._rate_records: list[RateRecord] = []
        # per unit (global index): family and method codes, state and parameter tables with
        # columns named by each unit's family, input current of the last step, constant input
        self._family = np.zeros(0, np.int8)
        self._method = np.zeros(0, np.int8)
        self._x = np.zeros((2, 0))  # (state variables, units)
        self._p = np.zeros((1, 0))  # (parameters, units)
        self._I = np.zeros(0)
        self._I_const = np.zeros(0)
        # pending synaptic input, ring[buffer, step % L, target]; persists across runs
        self._ring = np.zeros((2, 2, 0))
        self._hist = np.zeros((1, 1), np.int64)  # units that spiked in the last steps
        self._hist_n = np.zeros(1, np.int64)
        self._channels: list[float] = []  # tau_syn (ms) of each exponential channel
        self._I_syn = np.zeros((0, 0))
        self._modulators: list[Dopamine] = []  # neuromodulators (spiker/modulation.py)
        self._mod_conc = np.zeros(0)  # their concentrations
        self._compiled: Compiled | None = None
        self._max_chunk = 10_000  # steps per kernel call at most
        self._running = False
        self.meta: dict = {}

    # ------------------------------------------------------------------ build
    @property
    def t(self) -> float:
        """Time simulated so far, ms."""
        return self.step * self.dt

    @property
    def n(self) -> int:
        """Number of units (neurons and spike-source units)."""
        return self._family.shape[0]

    def _new_name(self, name: str | None, prefix: str) -> str:
        if name is None:
            name = f"{prefix}{len(self.groups)}"
        if not isinstance(name, str) or not name:
            raise TypeError(f"name must be a non-empty string; got {name!r}")
        if any(g.name == name for g in self.groups):
            raise ValueError(f"name {name!r} is already used by a group of this network")
        return name

    def _grow(self, n: int, family: int = FAMILY_SOURCE, method: int = 0, x=None, p=None) -> int:
        """Append n units of ``family`` with state ``x`` (nx, n) and parameters ``p`` (np, n)
        (zeros when not given; the tables gain rows as needed); returns their first global
        index."""
        start = self.n
        x = np.zeros((0, n)) if x is None else x
        p = np.zeros((0, n)) if p is None else p

        def append(table, cols):
            rows = max(table.shape[0], cols.shape[0])
            out = np.zeros((rows, table.shape[1] + n))
            out[: table.shape[0], : table.shape[1]] = table
            out[: cols.shape[0], table.shape[1] :] = cols
            return out

        self._x, self._p = append(self._x, x), append(self._p, p)
        self._family = np.concatenate([self._family, np.full(n, family, np.int8)])
        self._method = np.concatenate([self._method, np.full(n, method, np.int8)])
        self._I = np.concatenate([self._I, np.zeros(n)])
        self._I_const = np.concatenate([self._I_const, np.zeros(n)])
        self._compiled = None
        return start

    def add_neurons(
        self,
        n: int,
        model: NeuronModel,
        name: str | None = None,
        v0=None,
        u0=None,
    ) -> Population:
        """Add ``n`` neurons of the family of ``model``.

        Parameters
        ----------
        n : int
            Number of neurons (>= 1).
        model : a neuron spec registered in ``spiker.neurons.FAMILIES``
            :class:`~spiker.Izhikevich`, ...: parameters (scalars or arrays of shape (n,)) and
            integration method.
        name : str, optional
            Unique name; default ``"pop<k>"``.
        v0 : float or array (n,), optional
            Initial membrane potential, mV; default the family's (-65 mV for Izhikevich).
        u0 : float or array (n,), optional
            Initial recovery variable of the families that have one; default ``b * v0`` for
            Izhikevich.
        """
        if type(model) not in FAMILIES:
            allowed = ", ".join("sp." + cls.__name__ for cls in FAMILIES)
            raise TypeError(f"model must be a neuron spec ({allowed}); got {type(model).__name__}")
        family = FAMILIES[type(model)]
        n = check.units("n", n, self.n, 8 * (len(family.state) + len(family.params) + 12))
        name = self._new_name(name, "pop")
        x = model.initial_state(n, v0, u0)
        message = model.convergence_warning(self.dt)
        if message is not None:
            warnings.warn(f"population {name!r}: {message}", ConvergenceWarning, stacklevel=2)
        start = self._grow(n, model.family.code, model.method_code, x, model.parameters(n, self.dt))
        pop = Population(self, name, n, start, model)
        self.groups.append(pop)
        return pop

    def add_spike_source(self, times_ms, indices, n: int | None = None, name=None) -> SpikeSource:
        """Add units that spike at explicit times: unit ``indices[k]`` at ``times_ms[k]``.

        A time goes to the step that contains it, as in Brian2's ``SpikeGeneratorGroup`` (t in
        ``[n*dt, (n+1)*dt)`` -> step n, with a tolerance of 1e-3 dt below a step's start); times
        must not lie before the network's current step, and a unit may spike at most once per
        step. ``n`` defaults to ``max(indices) + 1``.
        """
        times = check.float_array("times_ms", times_ms, allow_scalar=False)
        idx = np.asarray(indices)
        if n is None:
            n = check.index_array("indices", idx, check.MAX_UNITS).max(initial=0) + 1
        n = check.units("n", n, self.n, 8 * 12)
        idx = check.index_array("indices", idx, n)
        if idx.shape != times.shape:
            raise ValueError(
                f"times_ms and indices must have equal lengths; got {times.shape[0]} and "
                f"{idx.shape[0]}"
            )
        if times.size and times.min() < 0:
            raise ValueError(f"times_ms must be >= 0; got {times.min()}")
        steps = check.time_steps(times, self.dt)
        if steps.size and steps.min() < self.step:
            raise ValueError(
                f"times_ms must be >= the network's current time {self.t} ms; got {times.min()}"
            )
        order = np.lexsort((idx, steps))
        steps, idx = steps[order], idx[order]
        dup = (np.diff(steps) == 0) & (np.diff(idx) == 0)
        if dup.any():
            k = int(np.argmax(dup))
            raise ValueError(
                f"unit {idx[k]} spikes twice in step {steps[k]} (t = {steps[k] * self.dt} ms); "
                f"a unit can spike at most once per step of dt = {self.dt} ms"
            )
        name = self._new_name(name, "source")
        start = self._grow(n)
        src = SpikeSource(self, name, n, start, steps, idx)
        self.groups.append(src)
        return src

    def add_poisson(self, n: int, rate_hz, name: str | None = None) -> PoissonSource:
        """Add ``n`` independent Poisson spike trains at ``rate_hz`` (scalar or array (n,)).

        Each unit spikes in a step with probability ``rate_hz * dt / 1000`` (at most 1).
        """
        n = check.units("n", n, self.n, 8 * 14)
        rate = check.float_array("rate_hz", rate_hz, n)
        if rate.min() < 0 or rate.max() * self.dt / 1000.0 > 1.0:
            raise ValueError(
                f"rate_hz must lie in [0, {1000.0 / self.dt}] Hz at dt = {self.dt} ms; "
                f"got values in [{rate.min()}, {rate.max()}]"
            )
        name = self._new_name(name, "poisson")
        start = self._grow(n)
        src = PoissonSource(self, name, n, start, rate, self._spawn_rng())
        self.groups.append(src)
        return src

    def _spawn_rng(self) -> np.random.Generator:
        return self.rng.spawn(1)[0]

    def _own(self, argname: str, group) -> Group:
        if not isinstance(group, Group):
            raise TypeError(f"{argname} must be a group of this network; got {group!r}")
        if group.net is not self:
            raise ValueError(f"{argname} {group.name!r} belongs to another network")
        return group

    def _neurons(self, argname: str, group, neurons) -> np.ndarray:
        if neurons is None:
            return np.arange(group.n, dtype=np.int64)
        return np.unique(check.index_array(argname, neurons, group.n))

    def connect(
        self,
        pre: Group,
        post: Group,
        rule=None,
        *,
        i=None,
        j=None,
        weight=1.0,
        delay=None,
        synapse: str = "jump",
        tau_syn: float = 5.0,
        plasticity: STDP | None = None,
        name: str | None = None,
    ) -> Projection:
        """Connect ``pre`` to ``post`` with weighted, delayed synapses.

        Parameters
        ----------
        pre, post : groups of this network
            Any group can be ``pre``. ``post`` must be a neuron population, except for a plastic
            projection into a spike source or Poisson source: its weights then learn from the
            source's spikes (the way to impose postsynaptic spike times), and nothing is
            delivered.
        rule : connection rule from :mod:`spiker.connect`, optional
            Default all-to-all. Alternatively give explicit local index arrays ``i`` and ``j``.
        weight : float, array (n_synapses,), distribution or callable ``f(rng, size)``
            Weights; sign gives excitation or inhibition. Unit: mV for ``"jump"``, current for
            ``"pulse"`` and ``"exponential"``. An array is copied: the projection (and its
            plasticity) never writes into the caller's array. With ``plasticity`` every weight
            must lie in ``[w_min, w_max]`` of the rule (an inhibitory plastic projection needs
            negative bounds).
        delay : float, array, distribution or callable, ms
            Axonal delays, put on the grid as Brian2's compiled targets do (half a step rounds
            up); default one step. Zero is allowed for ``"jump"`` and ``"exponential"``: such a
            spike arrives in the step it was emitted, after the threshold and before the reset
            (Brian2's default). ``"pulse"`` needs at least one step.
        synapse : {"jump", "pulse", "exponential"}
            How an arriving spike acts on its target (see :mod:`spiker.synapses`).
        tau_syn : float
            Decay time constant in ms of the ``"exponential"`` kind.
        plasticity : sp.STDP, optional
            Makes the weights plastic (see :mod:`spiker.plasticity`); they stay readable and
            writable in ``Projection.weight`` between runs.
        """
        pre = self._own("pre", pre)
        post = self._own("post", post)
        check.choice("synapse", synapse, KINDS)
        if plasticity is not None and not isinstance(plasticity, STDP):
            raise TypeError(f"plasticity must be None or an sp.STDP; got {plasticity!r}")
        if plasticity is not None and plasticity.modulation is not None:
            da = plasticity.modulation.dopamine
            if da.net is not self:
                raise ValueError(
                    f"plasticity's modulation uses dopamine {da.name!r} of another network; "
                    "make it with this network's add_dopamine"
                )
            if hasattr(plasticity.modulation, "interval"):
                check.whole_steps("interval", plasticity.modulation.interval, self.dt,
                                  interval=True)  # fmt: skip
        if not isinstance(post, Population) and plasticity is None:
            what = "a Poisson source" if isinstance(post, PoissonSource) else "a spike source"
            raise ValueError(
                f"post {post.name!r} is {what}: its spikes are given, input cannot change them, "
                "so this projection would do nothing; connect into a neuron population "
                "(net.add_neurons)"
            )
        tau = check.finite_float("tau_syn", tau_syn, positive=True)
        if (i is None) != (j is None):
            raise ValueError("give both i and j (explicit pairs), or neither")
        if i is not None:
            if rule is not None:
                raise ValueError("give either rule or explicit i and j, not both")
            rule = pairs(i, j)
        if rule is None:
            rule = all_to_all()
        if not isinstance(rule, Rule):
            raise TypeError(f"rule must be a rule from spiker.connect; got {rule!r}")
        bound = rule.size(pre.n, post.n)
        if bound > check.MAX_SYNAPSES:
            raise ValueError(f"rule {rule!r} would make up to {bound} synapses from {pre.n} to "
                             f"{post.n} units; at most 2**31 - 1 per projection")  # fmt: skip
        check.fits_in_memory("rule", bound * (160 if plasticity else 64), f"{bound} synapses")
        ii, jj = rule.build(pre.n, post.n, self.rng, pre is post)
        size = ii.shape[0]
        w = draw("weight", weight, size, self.rng).copy()  # never alias the caller's array
        if plasticity is not None and size:
            lo, hi = plasticity.w_min, plasticity.w_max
            if w.min() < lo or w.max() > hi:
                raise ValueError(
                    f"weight must lie in [w_min, w_max] = [{lo:g}, {hi:g}] of the plasticity "
                    f"rule, which would clip it at the first update; got values in "
                    f"[{w.min():g}, {w.max():g}] (an inhibitory plastic projection needs "
                    "negative bounds, e.g. sp.STDP(w_min=-5.0, w_max=0.0))"
                )
        dl = np.full(size, self.dt) if delay is None else draw("delay", delay, size, self.rng)
        steps = check.delay_steps("delay", dl, self.dt)
        if size:  # the ring buffer of pending input holds a row per step of the longest delay
            check.fits_in_memory("delay", 8 * 4 * self.n * (int(steps.max()) + 2),
                                 f"delays of up to {dl.max()} ms")  # fmt: skip
        if synapse == "pulse" and size and steps.min() < 1:
            raise ValueError(
                f"delay must be >= dt = {self.dt} ms (one step) for synapse='pulse', whose "
                f"current acts during the arrival step; smallest given is {dl.min()} ms (zero "
                "delay is allowed for 'jump' and 'exponential')"
            )
        if name is not None and (not isinstance(name, str) or not name):
            raise TypeError(f"name must be None or a non-empty string; got {name!r}")
        name = name or f"{pre.name}->{post.name}#{len(self.projections)}"
        proj = Projection(
            pre,
            post,
            ii,
            jj,
            w,
            steps,
            self.dt,
            synapse,
            tau if synapse == "exponential" else None,
            name,
            plasticity,
        )
        self.projections.append(proj)
        self._compiled = None
        return proj

    def add_current(self, target, current, neurons=None):
        """Add an input current to ``target`` (all its neurons, or the local indices ``neurons``).

        ``target`` is a population or a list of populations, taken as one group in that order
        (so one :class:`~spiker.inputs.RandomPulse` can pick among all of them). ``current`` is a
        number, an array (one value per target neuron), or a :class:`spiker.inputs.Step`,
        :class:`~spiker.inputs.TimedArray`, :class:`~spiker.inputs.Noise`,
        :class:`~spiker.inputs.UniformNoise` or :class:`~spiker.inputs.RandomPulse`. Currents add
        up.
        """
        targets = list(target) if isinstance(target, list | tuple) else [target]
        if not targets:
            raise ValueError("target must be a population or a non-empty list of populations")
        for t in targets:
            self._own("target", t)
            if not isinstance(t, Population):
                raise TypeError(f"target must be a neuron population; {t.name!r} is a source")
        all_cols = np.concatenate([np.arange(t.start, t.stop) for t in targets])
        if neurons is None:
            cols = all_cols
        else:
            cols = all_cols[check.index_array("neurons", neurons, all_cols.shape[0])]
        if isinstance(current, Step | TimedArray | Noise | UniformNoise | RandomPulse):
            random = isinstance(current, Noise | UniformNoise | RandomPulse)
            rng = self._spawn_rng() if random else None
            bound = BoundCurrent(current, cols, self.dt, rng)
            self._currents.append(bound)
            return bound
        values = check.float_array("current", current, cols.shape[0])
        self._I_const[cols] += values
        return values

    def add_poisson_input(
        self,
        target: Population,
        n: int,
        rate_hz: float,
        weight: float,
        synapse: str = "jump",
        tau_syn: float = 5.0,
        neurons=None,
    ) -> BoundPoissonInput:
        """Drive every neuron of ``target`` (or its local indices ``neurons``) with ``n``
        independent Poisson inputs at ``rate_hz``, each of weight ``weight``, delivered as
        synapses of kind ``synapse`` with zero delay (see :class:`spiker.inputs.PoissonInput`;
        Brian2's ``PoissonInput``). Cheaper than ``n`` Poisson units per neuron: one binomial
        draw per neuron and step."""
        target = self._own("target", target)
        if not isinstance(target, Population):
            raise TypeError(f"target must be a neuron population; {target.name!r} is a source")
        spec = PoissonInput(n, rate_hz, weight, synapse, tau_syn)
        cols = np.arange(target.start, target.stop)
        if neurons is not None:
            cols = cols[check.index_array("neurons", neurons, target.n)]
        bound = BoundPoissonInput(spec, cols, self.dt, self._spawn_rng())
        bound.target = target
        self._poisson_inputs.append(bound)
        self._compiled = None
        return bound

    def record_spikes(
        self, group: Group, neurons=None, to: str | os.PathLike | None = None
    ) -> SpikeRecord:
        """Record the spikes of ``group`` (or of its local indices ``neurons``).

        ``to``: a folder to stream the record to during runs (new, empty, or an earlier record,
        replaced when the first run starts), so that memory stays flat however long the run;
        the record's arrays then read it back. Layout: :mod:`spiker.streams`, docs/store.md.
        """
        group = self._own("group", group)
        rec = SpikeRecord(group, self._neurons("neurons", group, neurons), self.dt)
        rec.t_start = rec.t_stop = self.t
        if to is not None:
            rec.stream_to(to)
        self._spike_records.append(rec)
        return rec

    def record_state(
        self,
        group: Population,
        var: str = "v",
        neurons=None,
        every_ms: float | None = None,
        record_final: bool = False,
        to: str | os.PathLike | None = None,
        **removed,
    ) -> StateRecord:
        """Record ``var`` of chosen neurons every ``every_ms`` ms.

        Parameters
        ----------
        group : Population
        var : str
            A state variable of the group's family (``group.state``: "v", "u" for Izhikevich,
            "v" for LIF), or "I" (the input current of the step) or "I_syn" (the sum of the
            exponential synaptic currents).
        neurons : sequence of int, optional
            Local indices; default all neurons of ``group``.
        every_ms : float, optional
            Sampling interval in ms, a positive multiple of dt (as in :meth:`record_weights`);
            default every step.
        record_final : bool
            Also sample the state at the end of the run (time ``net.t``; not for "I", which is
            defined per step); a later run replaces that sample with its own samples.
        to : path, optional
            Stream the record to this folder during runs (see :meth:`record_spikes`).

        Returns a :class:`spiker.monitors.StateRecord`; ``.values`` has shape
        (len(neurons), n_samples).
        """
        if "every" in removed:
            raise TypeError(
                "record_state() no longer takes every= (a number of steps): it was replaced by "
                f"every_ms= (in ms, as in record_weights); for every={removed['every']!r} steps "
                f"pass every_ms={removed['every']!r} * dt"
            )
        if removed:
            raise TypeError(
                f"record_state() got an unexpected keyword argument {next(iter(removed))!r}"
            )
        group = self._own("group", group)
        if not isinstance(group, Population):
            raise TypeError(f"group must be a neuron population; {group.name!r} is a source")
        check.choice("var", var, group.state + INPUT_VARIABLES)
        every = check.interval_steps("every_ms", every_ms, self.dt)
        record_final = check.flag("record_final", record_final)
        if record_final and var == "I":
            raise ValueError(
                "record_final is not available for 'I': the input current is defined per step"
            )
        rec = StateRecord(group, var, self._neurons("neurons", group, neurons), every, self.dt)
        rec.record_final = record_final
        if to is not None:
            rec.stream_to(to)
        self._state_records.append(rec)
        return rec

    def record_weights(
        self,
        projection: Projection,
        synapses=None,
        every_ms: float = 1.0,
        record_final: bool = True,
        var: str = "w",
        to: str | os.PathLike | None = None,
    ):
        """Sample the weights of a plastic projection's ``synapses`` (indices into its arrays;
        default all) every ``every_ms`` ms, at the start of the step (before its plasticity).

        With ``record_final`` (default) the weights at the end of the run are sampled too (time
        ``net.t``), so the last column is the final state; a later run replaces that column with
        its own samples, so the interval stays regular and the record again ends with the
        final state. ``to``: stream the record to this folder (see :meth:`record_spikes`).

        ``var="c"`` samples the eligibility trace c instead (a rule with ``modulation``; with an
        ``SpnetUpdate``, its deferred change sd).

        Returns a :class:`spiker.monitors.WeightRecord`; ``.values`` has shape
        (len(synapses), n_samples).
        """
        record_final = check.flag("record_final", record_final)
        if not isinstance(projection, Projection) or projection not in self.projections:
            raise ValueError(f"projection must be a projection of this network; got {projection!r}")
        if projection.plasticity is None:
            raise ValueError(
                f"projection {projection.name!r} is not plastic: its weights are fixed"
            )
        check.choice("var", var, ("w", "c"))
        rule = projection.plasticity
        if var == "c" and rule.modulation is None and rule.update is None:
            raise ValueError(
                f"var='c': the rule of projection {projection.name!r} has no eligibility trace "
                "(give it modulation=..., see spiker.modulation)"
            )
        every = check.whole_steps("every_ms", every_ms, self.dt, interval=True)
        idx = (np.arange(projection.n, dtype=np.int64) if synapses is None
               else check.index_array("synapses", synapses, projection.n))  # fmt: skip
        rec = WeightRecord(projection, idx, every, self.dt, var)
        rec.record_final = record_final
        if to is not None:
            rec.stream_to(to)
        self._state_records.append(rec)
        return rec

    # ------------------------------------------------------------ neuromodulation
    def add_dopamine(
        self, tau: float | None = None, factor: float | None = None, name: str | None = None
    ) -> Dopamine:
        """Add an extracellular dopamine concentration d (see :mod:`spiker.modulation`).

        d starts at 0, decays exponentially and rises at its releases
        (:meth:`~spiker.modulation.Dopamine.release`,
        :meth:`~spiker.modulation.Dopamine.release_on_spikes`). Rules gate their weight changes
        by it: ``sp.STDP(..., modulation=sp.IntervalModulation(da, ...))``.

        Parameters
        ----------
        tau : float, optional
            Time constant, ms: d is multiplied by ``exp(-dt/tau)`` every step.
        factor : float, optional
            Or the factor per ms, in (0, 1]: d is multiplied by ``factor`` every ms (exactly
            ``factor`` per step at dt = 1 ms; ``factor**dt`` otherwise). daspnet.m's 0.995 per ms
            is tau = 199.5 ms. Give one of ``tau`` and ``factor``.
        name : str, optional
            Default ``"dopamine"`` (``"dopamine<k>"`` for a further one).
        """
        tau, factor = _factor_or_tau(tau, factor)
        if name is None:
            name = "dopamine" if not self._modulators else f"dopamine{len(self._modulators)}"
        if not isinstance(name, str) or not name:
            raise TypeError(f"name must be a non-empty string; got {name!r}")
        if any(m.name == name for m in self._modulators):
            raise ValueError(f"name {name!r} is already used by a neuromodulator of this network")
        da = Dopamine(self, len(self._modulators), name, tau, factor)
        self._modulators.append(da)
        self._mod_conc = np.concatenate([self._mod_conc, [0.0]])
        self._compiled = None
        return da

    def record_dopamine(
        self, dopamine: Dopamine, every_ms: float | None = None, record_final: bool = False
    ) -> DopamineRecord:
        """Record the concentration of ``dopamine`` every ``every_ms`` ms (default every step)
        at the start of the step (after the releases of the step before); ``record_final`` as in
        :meth:`record_state`. Returns a :class:`spiker.monitors.DopamineRecord`: ``.t`` (ms),
        ``.values`` of shape (1, n_samples), ``.d`` the same as shape (n_samples,)."""
        if not isinstance(dopamine, Dopamine) or dopamine.net is not self:
            raise ValueError(
                f"dopamine must be a Dopamine of this network (net.add_dopamine); got {dopamine!r}"
            )
        every = check.interval_steps("every_ms", every_ms, self.dt)
        record_final = check.flag("record_final", record_final)
        rec = DopamineRecord(dopamine, every, self.dt)
        rec.record_final = record_final
        self._state_records.append(rec)
        return rec

    def record_rate(self, group: Group) -> RateRecord:
        """Record the number of spikes of ``group`` in every step (population rate)."""
        rec = RateRecord(self._own("group", group), self.dt)
        self._rate_records.append(rec)
        return rec

    #: Units per thread below which a network runs on fewer threads than asked: a step of a
    #: small network is shorter than the cost of handing its parts to threads.
    units_per_thread = 4096

    @property
    def parts(self) -> int:
        """Parts of the units the run uses, one per thread: ``threads``, or fewer for a network
        of less than ``units_per_thread`` units per thread (results never depend on it)."""
        return max(1, min(self.threads, -(-self.n // self.units_per_thread)))

    def _compile(self) -> Compiled:
        if self._compiled is None or self._compiled.bounds.shape[0] != self.parts + 1:
            self._compiled = compile_network(self, self.parts)
        return self._compiled

    # ---------------------------------------------------- store and restore
    def _run_state(self) -> dict[str, np.ndarray]:
        """Every array that a run carries from one step to the next, by name: what
        :meth:`store` saves and :meth:`restore` loads back (spiker/store.py walks this and
        :meth:`_generators`, and each record's ``_state``). State the engine gains must be
        listed here."""
        self._compile()  # sizes the ring buffer, synaptic currents and spike history
        state = {
            "step": np.array([self.step], np.int64),
            "x": self._x,  # unit state, (state variables, units)
            "p": self._p,  # parameters (a user may change them)
            "I": self._I,
            "I_const": self._I_const,
            "ring": self._ring,  # pending input: spikes in flight
            "I_syn": self._I_syn,
            "hist": self._hist,  # recent spikes, for plastic arrivals
            "hist_n": self._hist_n,
        }
        for k, proj in enumerate(self.projections):
            state[f"projection{k}.weight"] = proj.weight
            for key, arr in (proj._plastic or {}).items():  # traces, last updates, deferred
                state[f"projection{k}.{key}"] = arr
        for k, g in enumerate(self.groups):
            if isinstance(g, PoissonSource):
                state[f"group{k}.rate_hz"] = g.rate_hz
        state["dopamine"] = self._mod_conc  # neuromodulator concentrations
        return state

    def _set_run_state(self, state: dict[str, np.ndarray]) -> None:
        """Load arrays of the names, shapes and dtypes of :meth:`_run_state`, in place."""
        for name, arr in self._run_state().items():
            if name == "step":
                self.step = int(state[name][0])
            else:
                np.copyto(arr, state[name])

    def _generators(self) -> dict:
        """Everything that draws random numbers during a run, by name, each with ``state()``
        and ``set_state(state)`` (besides ``rng``, which only the build draws from); also the
        neuromodulators, whose scheduled releases (a list that grows, e.g. from a callback)
        are kept the same way."""
        gens = {f"current{k}": b for k, b in enumerate(self._currents)}
        gens.update({f"dopamine{k}": da for k, da in enumerate(self._modulators)})
        gens.update({f"poisson_input{k}": b for k, b in enumerate(self._poisson_inputs)})
        gens.update(
            {f"group{k}": g for k, g in enumerate(self.groups) if isinstance(g, PoissonSource)}
        )
        return gens

    def store(self, path: str | os.PathLike) -> None:
        """Save everything a run depends on to the file ``path`` (written atomically: the old
        file stays until the new one is complete): state, parameters, weights and plastic
        state, spikes in flight, the step, every random generator, the records so far (a
        streamed record: where it stands) and :attr:`meta`. Layout: docs/store.md."""
        from spiker import store

        store.store(self, path)

    def restore(self, path: str | os.PathLike):
        """Load a file written by :meth:`store` (or a checkpoint) into this network, which must
        have been built the same way (same groups, projections, inputs and records); running on
        then gives exactly what the stored network would have. A file of another layout is
        refused with what differs, a damaged one with ``spiker.store.CheckpointError``.

        Returns a :class:`spiker.store.CheckpointInfo` (time, the end of a checkpointed run,
        :attr:`meta`)."""
        from spiker import store

        if self._running:
            raise RuntimeError("restore() cannot be called during a run (from a callback)")
        return store.restore(self, path)

    def resume(self, path: str | os.PathLike, progress: bool | None = None, callback=None,
               every_ms: float | None = None):  # fmt: skip
        """Restore the checkpoint ``path`` of a run started with ``checkpoint=path`` and run on
        to the end that run was given, writing checkpoints at the same interval. The result is
        that of the run had it never stopped. ``callback``/``every_ms`` as in :meth:`run`.
        Returns the :class:`spiker.store.CheckpointInfo` read."""
        info = self.restore(path)
        if info.t_end is None:
            raise ValueError(
                f"{os.fspath(path)!r} was written by store(), not by a run with checkpoint=: it "
                "has no end to resume to (run the restored network for the time you want)"
            )
        remaining = info.end_step - self.step
        self.run(remaining * self.dt, progress=progress, callback=callback, every_ms=every_ms,
                 checkpoint=path, checkpoint_every=info.every_ms)  # fmt: skip
        return info

    # -------------------------------------------------------------------- run
    def run(
        self,
        duration: float,
        progress: bool | None = None,
        callback=None,
        every_ms: float | None = None,
        checkpoint: str | os.PathLike | None = None,
        checkpoint_every: float | None = None,
    ) -> None:
        """Simulate ``duration`` ms more, continuing from where the last run stopped.

        Schedule of step n (time ``t = n*dt``), the same for every step::

            1. record state     state monitors sample v, u, I_syn, plastic weights at n*dt;
                                plastic synapses whose spikes arrive at n deliver them (with
                                the weight they have now) and apply depression
            2. input            I = I_const + time-varying currents(n) + "pulse" input due at n
                                    + exponential synaptic currents
            3. integrate        v, u from n*dt to (n+1)*dt by each population's method;
                                exponential currents decay by exp(-dt/tau_syn)
            4. threshold        the family's test (Izhikevich: v >= v_peak) -> spike labelled
                                step n, time n*dt; spike sources emit their spikes of step
                                n; spikes on zero-delay synapses arrive now
            5. arrivals         "jump" input due at n: v += w (a refractory LIF neuron drops
                                it); "exponential": I_syn += w
            6. reset            spiking neurons: the family's reset (Izhikevich: v = c,
                                u += d; LIF: v = v_reset, refractory from now)
            7. record spikes    spike monitors and population rates
            8. propagate        each spike of step n is scheduled to arrive at step n + delay
            9. plasticity       neuromodulation (dopamine decays; modulated weights due at n
                                move by their eligibility traces; releases of step n), then
                                potentiation at the spikes of step n; deferred (spnet) updates

        This is Brian2's order (groups, thresholds, synapses, resets) with its spike label t; a
        jump that arrives in the step its target spikes is lost to the reset, as in Brian2.
        net.m checks the threshold at the start of the next step: the spike labelled n here is
        the one net.m records as ``t = n + 2`` (1-based loop, dt = 1 ms), and its one-step current
        is applied during net.m's step n + 2, i.e. this ``"pulse"`` with delay one step.

        Parameters
        ----------
        duration : float
            ms, >= 0; rounded up to whole steps of dt as Brian2 does (a duration within 1e-4
            steps of a whole number of steps is that number: 10.05 ms at dt = 0.1 is 101 steps,
            10.0 is 100).
        progress : bool or None
            Progress bar with ETA (tqdm). ``None`` (default) shows it only if the run lasts
            more than 2 s; ``False`` never.
        callback : callable ``f(net)``, optional
            A closed loop: called after every step that ends at a multiple of ``every_ms`` of
            model time (``net.t`` is then that multiple). It may read the records (complete up
            to ``net.t``), change values (weights, ``pop.v``, constant currents, Poisson rates)
            and schedule events; the run goes on with what it set. It may not add groups,
            projections, inputs or monitors (RuntimeError). An exception it raises stops the
            run at that step, with state and records consistent, and propagates;
            KeyboardInterrupt alike.
        every_ms : float
            Interval of the callback, ms, a positive multiple of dt; required with it.
        checkpoint : path, optional
            Keep a checkpoint of the run in this file (:meth:`store`, with the run's end time):
            at the start, every ``checkpoint_every`` ms of model time and at the end. Each is
            written atomically, so a crash leaves the last good one;
            :meth:`resume` continues from it to the same end.
        checkpoint_every : float, optional
            Interval of the checkpoints, ms, a positive multiple of dt; without it, only the
            start and the end.

        Ctrl+C stops the run between chunks of steps: everything recorded up to the last whole
        step is kept, the network can be run further, and KeyboardInterrupt is raised.
        A NaN in v raises FloatingPointError naming the neuron and time.
        """
        n_total = check.duration_steps("duration", duration, self.dt)
        if progress is not None and not isinstance(progress, bool):
            raise TypeError(f"progress must be True, False or None; got {progress!r}")
        every = 0
        if callback is not None:
            if not callable(callback):
                raise TypeError(f"callback must be a callable f(net); got {callback!r}")
            if every_ms is None:
                raise ValueError("every_ms is required with a callback: how often to call it, ms")
            every = check.whole_steps("every_ms", every_ms, self.dt, interval=True)
        elif every_ms is not None:
            raise ValueError("every_ms is the interval of a callback; give callback= too")
        if self._running:
            raise RuntimeError("run() cannot be called during a run (from a callback)")
        check.run_values(self)
        _derive(self)
        if callback is not None:  # what it writes into the arrays is checked as it returns
            callback = _checked(callback)
        keeper = None
        if checkpoint is not None or checkpoint_every is not None:
            from spiker.store import Checkpointer

            keeper = Checkpointer(self, checkpoint, checkpoint_every, n_total)
            callback, every = keeper.wrap(callback, every)
        elif n_total == 0:
            return
        comp = self._compile()
        streams.open_all(self)
        self._running = True
        try:
            if keeper is not None:
                keeper.write()  # the start: a crash before the first interval resumes here
            if n_total:
                simulate(self, comp, n_total, progress, callback, every)
        finally:
            self._running = False
            streams.commit_all(self)
        if keeper is not None:
            keeper.write()


def _derive(net) -> None:
    """Parameters computed from others follow what the user changed (Family.derive)."""
    for g in net.groups:
        derive = getattr(getattr(g, "family", None), "derive", None)
        if derive is not None:
            derive(net._p[:, g.start : g.stop], net.dt, g.name)


def _checked(callback):
    def call(net):
        callback(net)
        check.run_values(net)
        _derive(net)

    return call
