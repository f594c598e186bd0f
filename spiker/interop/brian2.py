"""Rebuild a spiker network in Brian2 and compare the two runs.

``to_brian2(net, duration)`` builds the equivalent Brian2 objects and returns them, runnable;
``compare(net, duration)`` runs both and reports the agreement. Mapping (``docs/crossval.md``
has the full table and the reasons):

============================  ===========================================================
spiker                        Brian2
============================  ===========================================================
Population, ``"euler"``       ``NeuronGroup``, ``dv/dt = (0.04*v**2 + 5*v + 140 - u + I)/ms``,
                              ``method='euler'``: Brian2 generates
                              ``v + dt*((140 + ((I + 0.04*v**2) + 5*v)) - u)``, the order of
                              spiker's kernel, so spikes are identical step for step.
``"izhikevich"`` (published)  ``v``, ``u`` as parameters advanced by a ``run_regularly`` block
                              (``when='groups'``) of one-operation statements that Brian2
                              cannot reorder: the kernel's order exactly.
``"rk4"``                     ``method='rk4'`` (same scheme, Brian2's own operation order).
threshold, reset              ``v >= v_peak`` (``>`` for ``threshold=">"``); ``v = c; u += d``
input current                 ``I`` set before integration (``when='groups', order=-1``) from
                              a ``TimedArray`` of the precomputed external current
                              (:func:`spiker.interop.external_current`), then ``+ I_pulse``,
                              ``+ I_syn<k>``, in the engine's order.
``SpikeSource``               ``SpikeGeneratorGroup`` at the same steps
``PoissonSource``             ``SpikeGeneratorGroup`` of the trains spiker will draw
``native_inputs=True``        for speed comparisons: ``Noise`` as ``mean + std*randn()`` drawn
                              by a ``run_regularly`` every interval, ``PoissonSource`` as a
                              ``PoissonGroup`` (the same distributions, other numbers);
                              ``RandomPulse`` from a ``TimedArray`` of the same picks
``"jump"``                    ``on_pre: J_in_post += w`` with ``delay = D*dt``; ``v += J_in``
                              after all pathways (``when='synapses', order=100``)
``"exponential"``             ``on_pre: X_in_post += w``; ``I_syn *= exp(-dt/tau)`` after the
                              integration (``groups``, order 1); ``I_syn += X_in`` after the
                              pathways
``"pulse"``                   ``on_pre: I_pulse_post += w`` with ``delay = (D-1)*dt`` (so it
                              is in place for the integration of step n + D); ``I_pulse = 0``
                              after the integration
STDP                          per-synapse event-driven traces ``x``, ``y``; ``on_pre`` (delay
                              D*dt, order -1) depresses, ``on_post`` (order 1) potentiates;
                              a pulse synapse delivers through a second pathway ``deliver``
                              (delay (D-1)*dt, order 10, after the updates of that step)
SpnetUpdate                   ``run_regularly`` on the synapses, every step, applying
                              ``w += bias + sd; sd *= decay`` where ``(n + 1) % K == 0``
modulated STDP, Dopamine      STDP changes into ``elig`` (c, clipped); each synapse keeps a
                              copy ``dopa`` of d (as Brian2's Izhikevich_2007.py
                              example); a ``run_regularly`` (``synapses`` slot, order 0:
                              after ``on_pre``, before ``on_post``) decays d, moves w (both
                              schedules, spiker's formulas), decays c and adds the scheduled
                              releases (a ``TimedArray``); releases at spikes are a
                              ``Synapses`` from the releasing units onto those synapses
                              (``dopa_post += amount``, order 1)
============================  ===========================================================

Arrivals are summed into a buffer (``J_in``, ``X_in``) and added at once, as spiker's ring
buffer does, because ``(v + w1) + w2`` and ``v + (w1 + w2)`` round differently. The order in which
arrivals of the same step are summed still differs; with dyadic weights (multiples of a power of
two) the sums are exact and the runs are bit-identical.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from spiker.compile import exponential_channels
from spiker.groups import PoissonSource, Population, SpikeSource
from spiker.inputs import Noise, RandomPulse
from spiker.interop import (
    Comparison,
    compare_spikes,
    external_current,
    n_steps_of,
    neuron_populations,
    poisson_input_amounts,
    random_pulse_picks,
    source_spikes,
    split_currents,
)
from spiker.neurons import LIF, Izhikevich, Izhikevich2007

TARGETS = ("numpy", "cython", "cpp_standalone")


def _import_brian2():
    try:
        import brian2
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "spiker.interop.brian2 needs Brian2: pip install -e '.[crossval]' "
            "(brian2==2.9.0 with numpy<2.4)"
        ) from err
    return brian2


@dataclass
class Brian2Model:
    """The Brian2 rebuild of a spiker network.

    Attributes
    ----------
    network : brian2.Network
        Run it with ``network.run(duration * brian2.ms)``.
    groups : dict[str, object]
        Brian2 group per spiker group name (``NeuronGroup`` or ``SpikeGeneratorGroup``).
    synapses : dict[str, brian2.Synapses]
        Per spiker projection name (projections onto spike sources are left out).
    monitors : dict[str, brian2.SpikeMonitor]
        Spike monitor per neuron population.
    dt : float
        ms.
    duration : float
        ms of precomputed input; running longer holds the last input value.
    """

    network: object
    groups: dict = field(default_factory=dict)
    synapses: dict = field(default_factory=dict)
    monitors: dict = field(default_factory=dict)
    dt: float = 0.1
    duration: float = 0.0

    def spikes(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """``(steps, local indices)`` recorded for population ``name``."""
        b2 = _import_brian2()
        mon = self.monitors[name]
        steps = np.rint(np.asarray(mon.t / b2.ms) / self.dt).astype(np.int64)
        return steps, np.asarray(mon.i[:], dtype=np.int64)

    def weights(self, name: str) -> np.ndarray:
        """Weights of projection ``name``, in the spiker projection's synapse order."""
        return np.asarray(self.synapses[name].w[:], dtype=np.float64)


@dataclass
class Brian2Neuron:
    """How the populations of a neuron family are written in Brian2 (a family's mapping).

    Attributes
    ----------
    equations : str
        Brian2 equations of the state variables and parameters (the input current ``I`` and the
        synaptic variables are added by :func:`to_brian2`).
    values : dict[str, ndarray]
        Initial state and parameters, by Brian2 variable name, shape (n,).
    code : str or None
        One-operation statements that advance the state over a step (a ``run_regularly`` in the
        ``groups`` slot, after Brian2's state updater), written in the kernel's operation order;
        None when Brian2 integrates ``equations`` with ``method``.
    method : str or None
        Brian2's integration method of ``equations`` (None: Brian2 chooses).
    threshold, reset : str
        Brian2's threshold condition and reset statements.
    refractory : object
        Brian2's ``refractory`` argument (False for none).
    namespace : dict
        Constants the code refers to.
    external : bool
        Whether ``code`` reads the external current ``I_x`` (constant, time-varying and pulse
        input, without the synaptic currents) besides the total ``I``.
    """

    equations: str
    values: dict
    code: str | None
    method: str | None
    threshold: str
    reset: str
    refractory: object = False
    namespace: dict = field(default_factory=dict)
    external: bool = False


def _izhikevich(pop: Population, dt: float) -> Brian2Neuron:
    """sp.Izhikevich: forward Euler and rk4 through Brian2's methods (Euler in the order Brian2
    generates, which the kernel follows); the published scheme as one-operation statements."""
    model = pop.model
    k2, k1, k0 = (repr(float(k)) for k in model.coefficients)
    values = {name: getattr(pop, name).copy() for name in ("v", "u", "a", "b", "c", "d", "v_peak")}
    params = "a : 1\nb : 1\nc : 1\nd : 1\nv_peak : 1\n"
    threshold = "v > v_peak" if model.threshold == ">" else "v >= v_peak"
    reset = "v = c\nu = u + d"
    if model.method != "izhikevich":
        eqs = f"dv/dt = ({k2}*v**2 + {k1}*v + {k0} - u + I)/ms : 1\ndu/dt = a*(b*v - u)/ms : 1\n"
        return Brian2Neuron(eqs + params, values, None, model.method, threshold, reset)
    # one operation per statement: Brian2 (sympy) cannot reorder them. Kernel's order:
    # v = v + h*(((((k2*(v*v)) + k1*v) + k0) - u) + I), substeps times; u from the new v.
    sub = ["q = v*v", f"q = {k2}*q", f"r = {k1}*v", "q = q + r", f"q = q + {k0}", "q = q - u",
           "q = q + I", "q = h_sub*q", "v = v + q"]  # fmt: skip
    if model.order == "spnet":  # v = v + h*(((((k2*v) + k1)*v + k0) - u) + I)
        sub = [f"q = {k2}*v", f"q = q + {k1}", "q = q*v", f"q = q + {k0}", "q = q - u",
               "q = q + I", "q = h_sub*q", "v = v + q"]  # fmt: skip
    code = sub * int(model.substeps)
    if model.recovery == "accommodation":
        code += ["r = v + 65.0", "r = b*r", "q = dt_ms*a", "r = q*r", "u = u + r"]
    else:
        code += ["r = b*v", "r = r - u", "q = dt_ms*a", "r = q*r", "u = u + r"]
    return Brian2Neuron(
        "v : 1\nu : 1\n" + params, values, "\n".join(code), None, threshold, reset,
        namespace={"h_sub": dt / model.substeps, "dt_ms": dt},
    )  # fmt: skip


def _lif(pop: Population, dt: float) -> Brian2Neuron:
    """sp.LIF: v advanced by one-operation statements in the kernel's order; Brian2's own
    refractoriness (``refractory``, ``v`` marked ``unless refractory``) holds v, blocks the
    threshold and drops writes to v (jumps) while refractory, counting steps as the kernel."""
    model = pop.model
    net = pop.net
    lifp = {name: getattr(pop, name) for name in ("tau_m", "v_rest", "v_reset", "v_th", "R", "E")}
    values = {"v": pop.v.copy(), **{k: v.copy() for k, v in lifp.items()}}
    values["ref_ms"] = pop.ref_steps * dt  # timestep(ref_ms*ms, dt) gives ref_steps back
    eqs = (
        "dv/dt = 0/ms : 1 (unless refractory)\n"
        "tau_m : 1\nv_rest : 1\nv_reset : 1\nv_th : 1\nR : 1\nE : 1\nref_ms : 1\n"
    )
    threshold = "v > v_th" if model.threshold == ">" else "v >= v_th"
    if model.method == "euler":  # v + dt*(((v_rest - v) + R*I)/tau_m)
        code = ["q = v_rest - v", "r = R*I", "q = q + r", "q = q/tau_m", "q = dt_ms*q",
                "v = v + q"]  # fmt: skip
        return Brian2Neuron(eqs, values, "\n".join(code), "euler", threshold, "v = v_reset",
                            refractory="ref_ms*ms", namespace={"dt_ms": dt})  # fmt: skip
    # v_inf = v_rest + R*I_x; v = v_inf + (v - v_inf)*E + sum_k (R*I_syn_k)*K_k
    code = ["q = R*I_x", "q = v_rest + q", "r = v - q", "r = r*E", "q = q + r"]
    taus = exponential_channels(net)
    into = {taus.index(p.tau_syn) for p in net.projections
            if p.kind == "exponential" and p.post is pop}  # fmt: skip
    for k in sorted(into):  # channels that reach this population (others stay zero)
        tau = taus[k]
        decay = math.exp(-dt / tau)
        tm, E = lifp["tau_m"], lifp["E"]
        with np.errstate(divide="ignore", invalid="ignore"):  # the kernel's exact_weight
            values[f"K{k}"] = np.where(tau == tm, (dt / tm) * E, (tau / (tau - tm)) * (decay - E))
        eqs += f"K{k} : 1\n"
        code += [f"r = R*I_syn{k}", f"r = r*K{k}", "q = q + r"]
    code += ["v = q"]
    return Brian2Neuron(eqs, values, "\n".join(code), "euler", threshold, "v = v_reset",
                        refractory="ref_ms*ms", external=True)  # fmt: skip


def _izhikevich2007(pop: Population, dt: float) -> Brian2Neuron:
    """sp.Izhikevich2007: the book's forward Euler as one-operation statements in its order
    (v, u from the old values); rk4 through Brian2's own method."""
    model = pop.model
    names = ("C", "k", "v_r", "v_t", "v_peak", "a", "b", "c", "d")
    values = {name: getattr(pop, name).copy() for name in ("v", "u", *names)}
    params = "".join(f"{name} : 1\n" for name in names)
    reset = "v = c\nu = u + d"
    if model.method == "rk4":
        eqs = (
            "dv/dt = (k*(v - v_r)*(v - v_t) - u + I)/C/ms : 1\ndu/dt = a*(b*(v - v_r) - u)/ms : 1\n"
        )
        return Brian2Neuron(eqs + params, values, None, "rk4", "v >= v_peak", reset)
    # v + (dt*((((k*(v - vr))*(v - vt)) - u) + I))/C ; u + (dt*a)*(b*(v - vr) - u), old v
    code = ["q = v - v_r", "q = k*q", "r = v - v_t", "q = q*r", "q = q - u", "q = q + I",
            "q = dt_ms*q", "q = q/C", "r = v - v_r", "r = b*r", "r = r - u", "s = dt_ms*a",
            "r = s*r", "u = u + r", "v = v + q"]  # fmt: skip
    return Brian2Neuron("v : 1\nu : 1\n" + params, values, "\n".join(code), None,
                        "v >= v_peak", reset, namespace={"dt_ms": dt})  # fmt: skip


#: The Brian2 mapping of each neuron family, by spec class (one line per family).
BRIAN2_FAMILIES: dict[type, Callable[[Population, float], Brian2Neuron]] = {
    Izhikevich: _izhikevich,
    LIF: _lif,
    Izhikevich2007: _izhikevich2007,
}


def _mapping(pop: Population, dt: float) -> Brian2Neuron:
    build = BRIAN2_FAMILIES.get(type(pop.model))
    if build is None:
        raise ValueError(
            f"population {pop.name!r}: {type(pop.model).__name__} has no Brian2 mapping"
        )
    return build(pop, dt)


def to_brian2(
    net,
    duration: float,
    target: str = "numpy",
    directory: str | None = None,
    native_inputs: bool = False,
):
    """Build the Brian2 equivalent of ``net`` for a run of ``duration`` ms.

    Parameters
    ----------
    net : spiker.Network
        Built and not yet run (``net.step == 0``); it is not modified.
    duration : float
        ms; the external current and the Poisson trains are precomputed for this long.
    target : {"numpy", "cython", "cpp_standalone"}
        Brian2's code generation target (runtime mode for the first two): sets Brian2's global
        ``prefs.codegen.target``. ``"cpp_standalone"`` sets Brian2's device; :func:`compare`
        resets it after the run.
    directory : str, optional
        Project directory for ``cpp_standalone``.
    native_inputs : bool
        ``False`` (default): every input is precomputed, so Brian2 gets spiker's exact numbers
        (cross-validation). ``True``: Brian2 draws noise (``Noise``) and Poisson trains
        (``PoissonSource``) itself, from the same distributions, so that inputs cost no memory
        per step (speed comparisons: the precomputed noise of 100,000 neurons is 8e8 bytes per
        second at dt = 1 ms). ``RandomPulse`` then gets its picks as a small ``TimedArray``
        (exact). Other inputs stay precomputed.

    Returns
    -------
    Brian2Model
    """
    if target not in TARGETS:
        raise ValueError(f"target must be one of {TARGETS}; got {target!r}")
    b2 = _import_brian2()
    n_steps = n_steps_of(net, duration)
    if target == "cpp_standalone":
        b2.set_device("cpp_standalone", directory=directory, build_on_run=True)
    else:
        b2.prefs.codegen.target = target
    dt = net.dt
    clock = b2.Clock(dt=dt * b2.ms)
    dense, native = split_currents(net, (Noise, RandomPulse) if native_inputs else ())
    # without precomputed varying inputs, one row of constant current stands for every step
    I_ext = external_current(net, n_steps, dense) if dense else net._I_const[None, :]
    trains = source_spikes(net, n_steps, poisson=not native_inputs)
    taus = exponential_channels(net)
    objects, groups, monitors, syn = [], {}, {}, {}

    into = {g.name: set() for g in net.groups}  # synapse kinds/channels arriving at each group
    for p in net.projections:
        if isinstance(p.post, Population):
            into[p.post.name].add(p.kind if p.kind != "exponential" else taus.index(p.tau_syn))
    # Poisson inputs: per population and kind (or channel), the amounts of every step
    poisson = {g.name: {} for g in net.groups}
    for bound, amounts in poisson_input_amounts(net, n_steps):
        g, spec = bound.target, bound.spec
        key = taus.index(spec.tau_syn) if spec.synapse == "exponential" else spec.synapse
        into[g.name].add(key)
        table = poisson[g.name].setdefault(key, np.zeros((n_steps, g.n)))
        table[:, bound.cols - g.start] += amounts

    for g in net.groups:
        if isinstance(g, PoissonSource) and native_inputs:
            bg = b2.PoissonGroup(g.n, g.rate_hz * b2.Hz, clock=clock, name=f"src_{_safe(g.name)}")
            groups[g.name] = bg
            objects.append(bg)
            continue
        if isinstance(g, SpikeSource | PoissonSource):
            steps, idx = trains[g.name]
            bg = b2.SpikeGeneratorGroup(
                g.n, idx, (steps * dt) * b2.ms, clock=clock, name=f"src_{_safe(g.name)}"
            )  # fmt: skip
            groups[g.name] = bg
            objects.append(bg)
            continue
        m = _mapping(g, dt)
        kinds = into[g.name]
        channels = sorted(k for k in kinds if isinstance(k, int))
        eqs = m.equations + "I : 1\n" + ("I_x : 1\n" if m.external else "")
        cur = I_ext[:, g.start : g.stop]
        varying = bool(np.any(cur != cur[:1]))
        eqs += "I_ext : 1\n" if not varying else ""
        eqs += "I_pulse : 1\n" if "pulse" in kinds else ""
        eqs += "J_in : 1\n" if "jump" in kinds else ""
        eqs += "".join(f"I_syn{k} : 1\nX_in{k} : 1\n" for k in channels)
        mine = _native_inputs(native, g)
        eqs += "".join(f"In{q} : 1\nmu{q} : 1\nsigma{q} : 1\n" for q, _, _ in mine["noise"])
        ng = b2.NeuronGroup(
            g.n,
            eqs,
            threshold=m.threshold,
            reset=m.reset,
            refractory=m.refractory,
            clock=clock,
            name=f"pop_{_safe(g.name)}",
            namespace=dict(m.namespace),
            **({} if m.method is None else {"method": m.method}),
        )
        namespace = ng.namespace
        for name, value in m.values.items():
            setattr(ng, name, value)
        if varying:
            namespace["I_ext"] = b2.TimedArray(cur.copy(), dt=dt * b2.ms)
            ext = ["I_ext(t, i)"]
        else:
            ng.I_ext = cur[0].copy()
            ext = ["I_ext"]
        ext += _native_terms(b2, mine, ng, g, n_steps, dt)
        ext += ["I_pulse"] if "pulse" in kinds else []
        syn_terms = [f"I_syn{k}" for k in channels]
        # ((I_ext + I_pulse) + I_syn0) + ...: one addition per statement, the engine's order.
        # The first statement must make a new array: numpy code for "I = I_ext" aliases I_ext.
        if m.external:  # I_x = I_ext + I_pulse, then I = I_x + I_syn0 + ...
            current = [f"I_x = {' + '.join(ext)}"]
            terms = ["I_x"] + syn_terms
        else:
            current, terms = [], ext + syn_terms
        current += [f"I = {terms[0]}" if len(terms) == 1 else f"I = {terms[0]} + {terms[1]}"]
        current += [f"I = I + {term}" for term in terms[2:]]
        # run_regularly objects are contained in the group: adding it adds them. Order in the
        # groups slot: the current (-1), Brian2's state updater (0), the code (1), decay (2)
        objects.append(ng)
        pin = poisson[g.name]
        for key, table in pin.items():  # Poisson inputs join the input due at their step
            name = f"P_{key}" if isinstance(key, str) else f"P_exp{key}"
            namespace[name] = b2.TimedArray(table, dt=dt * b2.ms)
        if "pulse" in pin:
            ng.run_regularly("I_pulse = I_pulse + P_pulse(t, i)", when="groups", order=-2)
        adds = ["J_in = J_in + P_jump(t, i)"] if "jump" in pin else []
        adds += [f"X_in{k} = X_in{k} + P_exp{k}(t, i)" for k in pin if isinstance(k, int)]
        if adds:
            ng.run_regularly("\n".join(adds), when="synapses", order=50)
        ng.run_regularly("\n".join(current), when="groups", order=-1)
        if m.code is not None:
            ng.run_regularly(m.code, when="groups", order=1)
        after = ["I_pulse = 0"] if "pulse" in kinds else []
        for k in channels:
            namespace[f"decay{k}"] = math.exp(-dt / taus[k])  # as the engine computes it
            after.append(f"I_syn{k} = I_syn{k}*decay{k}")
        if after:
            ng.run_regularly("\n".join(after), when="groups", order=2)
        arrive = ["v = v + J_in", "J_in = 0"] if "jump" in kinds else []
        arrive += [s for k in channels for s in (f"I_syn{k} = I_syn{k} + X_in{k}", f"X_in{k} = 0")]
        if arrive:
            ng.run_regularly("\n".join(arrive), when="synapses", order=100)
        mon = b2.SpikeMonitor(ng, name=f"spikes_{_safe(g.name)}")
        monitors[g.name] = mon
        groups[g.name] = ng
        objects.append(mon)

    for p in net.projections:
        s = _synapses(b2, p, groups, taus, dt, clock)
        if s is not None:
            syn[p.name] = s
            objects.append(s)
            if p.plasticity is not None and p.plasticity.modulation is not None:
                objects += _modulation(b2, p, s, groups, n_steps, dt, clock)
    network = b2.Network(*objects)
    return Brian2Model(network, groups, syn, monitors, dt, n_steps * dt)


def _native_inputs(native: list, g: Population) -> dict:
    """The native inputs that reach population ``g``: ``{"noise": [(m, bound, local index)],
    "pulse": [(m, bound, None)]}``, m numbering the inputs of the network."""
    out = {"noise": [], "pulse": []}
    for m, bound in enumerate(native):
        inside = (bound.cols >= g.start) & (bound.cols < g.stop)
        if not inside.any():
            continue
        if isinstance(bound.spec, Noise):
            out["noise"].append((m, bound, np.nonzero(inside)[0]))
        else:
            out["pulse"].append((m, bound, None))
    return out


def _native_terms(b2, mine: dict, ng, g: Population, n_steps: int, dt: float) -> list[str]:
    """Set up the native inputs of ``g`` on its NeuronGroup ``ng``; return their current terms.

    Noise m: ``In<m> = mu<m> + sigma<m>*randn()`` every interval (``run_regularly`` at the
    start of the step), held in between. RandomPulse m: ``amplitude * (number of picks of this
    neuron)``, the picks (global indices) in a TimedArray with one row per interval.
    """
    terms = []
    for m, bound, where in mine["noise"]:
        local = bound.cols[where] - g.start
        for name, values in ((f"mu{m}", bound.mean), (f"sigma{m}", bound.std)):
            full = np.zeros(g.n)
            full[local] = values[where]
            setattr(ng, name, full)
        every = None if bound.every == 1 else bound.every * dt * b2.ms
        ng.run_regularly(f"In{m} = mu{m} + sigma{m}*randn()", dt=every, when="start")
        terms.append(f"In{m}")
    for m, bound, _ in mine["pulse"]:
        picks = random_pulse_picks(bound, n_steps).astype(np.float64)  # exact below 2**53
        ng.namespace[f"pick{m}"] = b2.TimedArray(picks, dt=bound.every * dt * b2.ms)
        hits = " + ".join(
            f"int(i + {g.start} == int(pick{m}(t, {c})))" for c in range(picks.shape[1])
        )
        terms.append(f"{float(bound.spec.amplitude)!r}*({hits})")
    return terms


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name)


def _synapses(b2, p, groups, taus, dt, clock):
    """The Brian2 Synapses of projection ``p`` (None if its target is a spike source)."""
    to_neurons = isinstance(p.post, Population)
    stdp = p.plasticity
    if p.kind == "jump":
        deliver = "J_in_post += w"
    elif p.kind == "pulse":
        deliver = "I_pulse_post += w"
    else:
        deliver = f"X_in{taus.index(p.tau_syn)}_post += w"
    if not to_neurons:
        if stdp is None:
            return None
        deliver = None  # input reaching a spike source is ignored; plasticity still runs
    pulse = p.kind == "pulse"
    model = "w : 1\n"
    namespace = {}
    if stdp is None:
        on_pre = deliver
        on_post = None
    else:
        model += "dx/dt = -x/tau_plus : 1 (event-driven)\ndy/dt = -y/tau_minus : 1 (event-driven)\n"
        deferred = stdp.update is not None
        model += "sd : 1\n" if deferred else ""
        namespace.update(
            tau_plus=stdp.tau_plus * b2.ms, tau_minus=stdp.tau_minus * b2.ms,
            A_plus=stdp.a_plus, A_minus=stdp.a_minus, w_min=stdp.w_min, w_max=stdp.w_max,
        )  # fmt: skip
        if stdp.modulation is not None:
            model += "elig : 1\ndopa : 1\n"  # c and d (c is an Izhikevich parameter)
            c_lo, c_hi = stdp.modulation.c_min, stdp.modulation.c_max
            namespace.update(c_min=c_lo, c_max=c_hi)
            bounded = math.isfinite(c_lo) or math.isfinite(c_hi)
            apply = "elig = clip(elig + dw, c_min, c_max)" if bounded else "elig = elig + dw"
        elif deferred:
            apply = "sd = sd + dw"
        else:
            apply = "w = clip(w + dw, w_min, w_max)"
        mult = stdp.rule == "multiplicative"
        nearest = stdp.pairing == "nearest"
        depress = ["dw = -A_minus*y"] + (["dw = dw*(w - w_min)"] if mult else [])
        depress += [apply, "x = 1" if nearest else "x = x + 1"]
        potentiate = ["dw = A_plus*x"] + (["dw = dw*(w_max - w)"] if mult else [])
        potentiate += [apply, "y = 1" if nearest else "y = y + 1"]
        pre = ([deliver] if deliver is not None and not pulse else []) + depress
        on_pre = {"pre": "\n".join(pre)}
        if deliver is not None and pulse:
            on_pre["deliver"] = deliver
        on_post = "\n".join(potentiate)
    s = b2.Synapses(
        groups[p.pre.name],
        groups[p.post.name],
        model,
        on_pre=on_pre,
        on_post=on_post,
        clock=clock,
        namespace=namespace,
        name=f"syn_{_safe(p.name)}",
    )
    s.connect(i=p.i.astype(np.int64), j=p.j.astype(np.int64))
    if not (np.array_equal(s.i[:], p.i) and np.array_equal(s.j[:], p.j)):  # pragma: no cover
        raise RuntimeError(f"Brian2 reordered the synapses of {p.name!r}")
    s.w = p.weight.copy()
    D = p.delay_steps.astype(np.float64)
    if stdp is None:
        s.pre.delay = ((D - 1) if pulse else D) * dt * b2.ms
    else:
        s.pre.delay = D * dt * b2.ms
        s.pre.order, s.post.order = -1, 1
        if "deliver" in on_pre:
            s.deliver.delay = (D - 1) * dt * b2.ms
            s.deliver.order = 10
        if stdp.update is not None:
            K = round(stdp.update.interval / dt)
            s.namespace.update(bias=stdp.update.bias, decay=stdp.update.decay, K_steps=K)
            code = (
                "due = int(((t_in_timesteps + 1) % K_steps) == 0)\n"
                "w = clip(w + due*(bias + sd), w_min, w_max)\n"
                "sd = sd*(due*decay + (1 - due))"
            )
            s.run_regularly(code, when="synapses", order=5)  # contained in s
    return s


def _modulation(b2, p, s, groups, n_steps: int, dt: float, clock) -> list:
    """Set up the dopamine of projection ``p``'s modulated rule on its Synapses ``s`` (which
    has the eligibility trace ``elig`` and a per-synapse copy ``dopa`` of the concentration):
    the update of each step and the releases. Returns the further Brian2 objects (synapses from
    releasing units)."""
    from spiker.modulation import IntervalModulation

    mod = p.plasticity.modulation
    da = mod.dopamine
    s.dopa = da.concentration
    s.namespace.update(alpha_d=da.decay, c_decay=mod.c_decay(dt))
    if isinstance(mod, IntervalModulation):
        K = round(mod.interval / dt)
        s.namespace.update(baseline=mod.baseline, K_steps=K)
        code = [
            "dopa = dopa*alpha_d",
            "due = int(((t_in_timesteps + 1) % K_steps) == 0)",
            "w = clip(w + due*((baseline + dopa)*elig), w_min, w_max)",
            "elig = elig*(due*c_decay + (1 - due))",
        ]
    else:
        k_b, k_d = mod.coefficients(dt)
        s.namespace.update(k_b=k_b, k_d=k_d)
        code = [
            "w = clip(w + elig*(k_b + k_d*dopa), w_min, w_max)",
            "elig = elig*c_decay",
            "dopa = dopa*alpha_d",
        ]
    if da._steps.size:
        s.namespace["released"] = b2.TimedArray(da.released(0, n_steps), dt=dt * b2.ms)
        code.append("dopa = dopa + released(t)")
    s.run_regularly("\n".join(code), when="synapses", order=0)  # contained in s
    objects = []
    for k, (group, local, amounts) in enumerate(da._on_spikes):
        amount = np.zeros(group.n)
        amount[local] = amounts
        rel = b2.Synapses(groups[group.name], s, "amount : 1", on_pre="dopa_post += amount",
                          clock=clock, name=f"release_{_safe(p.name)}_{k}")  # fmt: skip
        pre = np.repeat(local, p.n)
        post = np.tile(np.arange(p.n), local.shape[0])
        rel.connect(i=pre.astype(np.int64), j=post.astype(np.int64))
        rel.amount = amount[pre]
        rel.pre.order = 1
        objects.append(rel)
    return objects


def compare(net, duration: float, target: str = "numpy", directory: str | None = None):
    """Run ``net`` in spiker and its Brian2 rebuild for ``duration`` ms; report the agreement.

    ``net`` must not have run yet; it is run here (spike records are added to it for every
    population). Returns a :class:`spiker.interop.Comparison` with spike agreement per
    population and, for plastic projections, the largest weight difference.
    """
    b2 = _import_brian2()
    model = to_brian2(net, duration, target=target, directory=directory)
    records = {pop.name: net.record_spikes(pop) for pop in neuron_populations(net)}
    tic = time.perf_counter()
    try:
        model.network.run(model.duration * b2.ms)
        wall_theirs = time.perf_counter() - tic
        theirs = {name: model.spikes(name) for name in records}
        weights_theirs = {
            p.name: model.weights(p.name)
            for p in net.projections
            if p.plasticity is not None and p.name in model.synapses
        }
    finally:
        if target == "cpp_standalone":
            b2.device.reinit()
            b2.device.activate()
            b2.set_device("runtime")
    tic = time.perf_counter()
    net.run(model.duration, progress=False)
    wall_ours = time.perf_counter() - tic
    pops = {
        name: compare_spikes(
            name, rec.group.n, net.dt, model.duration, (rec.steps, rec.i), theirs[name]
        )
        for name, rec in records.items()
    }
    by_name = {p.name: p for p in net.projections}
    weights = {
        name: float(np.max(np.abs(by_name[name].weight - w), initial=0.0))
        for name, w in weights_theirs.items()
    }
    notes = []
    if any(pop.model.method == "rk4" for pop in neuron_populations(net)):
        notes.append("rk4: Brian2's own operation order; agreement is not bit-exact")
    return Comparison(f"brian2 ({target})", model.duration, pops, weights, wall_ours,
                      wall_theirs, notes)  # fmt: skip
