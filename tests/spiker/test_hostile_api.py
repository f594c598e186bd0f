"""Hostile input for the simulator's public API (hypothesis, profile "simulator-api").

Random shapes, dtypes, NaN, infinities, negative, zero and huge values, empty arrays, text and
objects go to the constructors (Network, the neuron specs, STDP, the inputs), ``connect``, the
inputs and sources, the monitors, ``run`` (durations, callbacks, checkpoints) and
``store``/``restore`` (paths, damaged files). Each call works or raises ValueError or TypeError
naming the argument; a network that accepted everything then runs a few steps without a NaN
(or stops with FloatingPointError naming the neuron, when its numbers make it diverge). Never a
segfault, a numba typing error, a MemoryError or a hang: huge sizes are refused up front.
"""

from __future__ import annotations

import contextlib
import math
import re
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import spiker as sp
from spiker.store import CheckpointError

API = settings(settings.get_profile("simulator-api"))
REFUSED = object()

# ---- what hostile values look like ------------------------------------------------------------
SPECIAL = [0, -1, 1, 2, 3, 0.0, -0.0, 0.5, -2.5, 1e-300, 5e-324, 1e300, -1e300, math.nan,
           math.inf, -math.inf, 2**31, 2**63, 2**70, -(2**63), np.float32("nan"),
           np.float16(65504), np.int8(-3), np.uint64(2**64 - 1), True, False]  # fmt: skip
numbers = st.one_of(
    st.sampled_from(SPECIAL),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**70), 2**70),
)
junk = st.one_of(
    st.none(),
    st.text(max_size=3),
    st.sampled_from(["1.5", "nan", "", "v", b"1", (1, 2), [], {}, {"a": 1}, np.array(1.0)]),
    st.builds(object),
    st.complex_numbers(max_magnitude=1e3),
)
dtypes = st.one_of(
    hnp.floating_dtypes(),
    hnp.integer_dtypes(),
    hnp.boolean_dtypes(),
    hnp.complex_number_dtypes(),
    hnp.unicode_string_dtypes(max_len=3),
)
arrays = hnp.arrays(dtypes, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
values = st.one_of(numbers, junk, arrays, st.lists(numbers, max_size=6))
sizes = st.one_of(
    st.integers(-2, 6),
    st.sampled_from([0, 10**12, 2**63, -1, 1.0, 2.5, True, np.int64(3), np.float64(4.0), "3",
                     None]),
)  # fmt: skip


def maybe(strategy, default):
    """A sensible default three times in four, else hostile: bad input one argument at a time
    is how users meet it, and the accepted path must run too."""
    return st.integers(0, 3).flatmap(lambda k: st.just(default) if k else strategy)


def names(text: str, name: str) -> bool:
    """Whether an error message names the argument ``name``."""
    if len(name) > 2:
        return re.search(rf"(?<![\w]){re.escape(name)}(?!\w)", text) is not None
    return bool(re.search(rf"(^|[\s'\"(\[]){re.escape(name)}( must| is|=|'|:|\[| \(| holds)", text))


def attempt(call, *argnames):
    """``call()``: it works, or raises ValueError/TypeError naming one of ``argnames``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sp.ConvergenceWarning)
            result = call()
    except (ValueError, TypeError) as err:
        text = str(err)
        assert any(names(text, a) for a in argnames), (
            f"{type(err).__name__} names none of {argnames}: {text}"
        )
        event(f"refused: {type(err).__name__}")
        return REFUSED
    event("accepted")
    return result


def runs_clean(net, steps: int = 6) -> None:
    """A few steps: no NaN appears (a divergence is reported, not left in the state)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sp.ConvergenceWarning)
            net.run(steps * net.dt, progress=False)
    except FloatingPointError as err:
        assert "diverged" in str(err)
        event("diverged (FloatingPointError)")
        return
    assert not np.isnan(net._x).any()
    for proj in net.projections:
        assert np.isfinite(proj.weight).all()


def small_network(dt=0.5, seed=1):
    net = sp.Network(dt=dt, seed=seed)
    a = net.add_neurons(5, sp.Izhikevich.preset("RS"), name="a")
    b = net.add_neurons(4, sp.LIF(), name="b")
    src = net.add_poisson(3, 50.0, name="src")
    return net, a, b, src


@contextlib.contextmanager
def in_temporary_folder():
    with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):
        yield Path(folder)


# ---- constructors -----------------------------------------------------------------------------
@API
@given(dt=maybe(values, 0.5), seed=maybe(values, 1))
def test_network(dt, seed):
    net = attempt(lambda: sp.Network(dt=dt, seed=seed), "dt", "seed")
    if net is REFUSED:
        return
    assert 0 < net.dt and math.isfinite(net.dt) and net.seed >= 0
    attempt(lambda: net.add_neurons(2, sp.Izhikevich.preset("RS")))
    runs_clean(net, 2)


FAMILY_ARGS = {
    sp.Izhikevich: ("a", "b", "c", "d", "v_peak", "method", "substeps", "order", "threshold",
                    "recovery", "coefficients"),
    sp.LIF: ("tau_m", "v_rest", "v_reset", "v_th", "refractory", "R", "method", "threshold"),
    sp.Izhikevich2007: ("C", "k", "v_r", "v_t", "v_peak", "a", "b", "c", "d", "method"),
}  # fmt: skip


@API
@given(
    family=st.sampled_from(list(FAMILY_ARGS)),
    data=st.data(),
    n=maybe(sizes, 4),
    v0=maybe(values, None),
    u0=maybe(values, None),
)
def test_neuron_specs_and_add_neurons(family, data, n, v0, u0):
    chosen = data.draw(st.lists(st.sampled_from(FAMILY_ARGS[family]), max_size=3, unique=True))
    kwargs = {k: data.draw(st.one_of(values, st.sampled_from(["euler", "rk4", "exact"])))
              for k in chosen}  # fmt: skip
    model = attempt(lambda: family(**kwargs), *chosen)
    if model is REFUSED:
        return
    net = sp.Network(dt=0.1, seed=1)
    pop = attempt(lambda: net.add_neurons(n, model, v0=v0, u0=u0), "n", "v0", "u0", *chosen)
    if pop is not REFUSED:
        runs_clean(net)


@API
@given(data=st.data())
def test_stdp_and_spnet_update(data):
    fields = ("a_plus", "a_minus", "tau_plus", "tau_minus", "w_min", "w_max", "pairing", "rule")
    chosen = data.draw(st.lists(st.sampled_from(fields), max_size=3, unique=True))
    kwargs = {k: data.draw(values) for k in chosen}
    update_args = data.draw(st.lists(st.sampled_from(["interval", "bias", "decay"]), max_size=2,
                                     unique=True))  # fmt: skip
    update = attempt(lambda: sp.SpnetUpdate(**{k: data.draw(values) for k in update_args}),
                     *update_args)  # fmt: skip
    if update is REFUSED:
        return
    if data.draw(st.booleans()):
        kwargs["update"] = data.draw(st.one_of(st.just(update), junk))
        chosen.append("update")
    rule = attempt(lambda: sp.STDP(**kwargs), *chosen)
    if rule is REFUSED:
        return
    net, a, b, src = small_network()
    w = (rule.w_min + rule.w_max) / 2
    proj = attempt(lambda: net.connect(src, a, weight=w, delay=1.0, plasticity=rule), "weight")
    if proj is not REFUSED:
        runs_clean(net, 40)
        assert np.all((proj.weight >= rule.w_min) & (proj.weight <= rule.w_max))


# ---- connect -----------------------------------------------------------------------------------
RULES = {  # None: the rule's own default argument
    "all_to_all": lambda v: sp.connect.all_to_all(*[v][: v is not None]),
    "fixed_probability": lambda v: sp.connect.fixed_probability(0.3 if v is None else v),
    "fixed_indegree": lambda v: sp.connect.fixed_indegree(2 if v is None else v),
    "one_to_one": lambda v: sp.connect.one_to_one(),
}


@API
@given(
    rule=st.sampled_from([None, *RULES]),
    rule_arg=maybe(values, None),
    explicit=maybe(st.booleans(), False),
    i=maybe(values, [0, 1, 2]),
    j=maybe(values, [1, 1, 0]),
    weight=maybe(st.one_of(values, st.sampled_from(["Uniform", "Normal", "callable"])), 1.0),
    dist_args=st.tuples(values, values, values, values),
    delay=maybe(values, 1.0),
    synapse=maybe(st.one_of(st.sampled_from(["jump", "pulse", "exponential"]), values), "jump"),
    tau_syn=maybe(values, 5.0),
    plasticity=maybe(st.one_of(values, st.just(sp.STDP(w_max=3.0))), None),
    name=maybe(values, None),
    ends=maybe(st.sampled_from([("a", "b"), ("b", "b"), ("a", "src"), ("b", "x")]), ("src", "a")),
)
def test_connect(rule, rule_arg, explicit, i, j, weight, delay, synapse, tau_syn, plasticity,
                 name, ends, dist_args):  # fmt: skip
    net, a, b, src = small_network()
    groups = {"a": a, "b": b, "src": src, "x": rule_arg}
    argnames = ("pre", "post", "rule", "i", "j", "weight", "delay", "synapse", "tau_syn",
                "plasticity", "name", "p", "k", "allow_self", "low", "high", "mean",
                "std")  # fmt: skip

    def call():
        kwargs = {"i": i, "j": j} if explicit else {}
        w = weight
        if isinstance(weight, str) and weight == "Uniform":
            w = sp.Uniform(*dist_args[:2])
        elif isinstance(weight, str) and weight == "Normal":
            w = sp.Normal(*dist_args)
        elif isinstance(weight, str) and weight == "callable":  # returns whatever it likes
            w = lambda rng, size: dist_args[0]  # noqa: E731
        built = RULES[rule](rule_arg) if rule and not explicit else None
        return net.connect(groups[ends[0]], groups[ends[1]], built, weight=w, delay=delay,
                           synapse=synapse, tau_syn=tau_syn, plasticity=plasticity, name=name,
                           **kwargs)  # fmt: skip

    if attempt(call, *argnames) is not REFUSED:
        runs_clean(net)


@API
@given(proj_weight=values)
def test_projection_weight_assignment(proj_weight):
    net, a, b, src = small_network()
    proj = net.connect(a, b, weight=1.0)
    if attempt(lambda: setattr(proj, "weight", proj_weight), "weight") is not REFUSED:
        assert np.isfinite(proj.weight).all()
        runs_clean(net)


@API
@given(var=st.sampled_from(["v", "u", "a", "d", "tau_m"]), value=values, pick=st.booleans())
def test_population_attribute_assignment(var, value, pick):
    net, a, b, src = small_network()
    pop = a if pick else b
    try:
        done = attempt(lambda: setattr(pop, var, value), var)
    except AttributeError as err:  # not a variable of its family: refused, not hidden
        assert f"has no {var!r}" in str(err) and var not in pop.__dict__
        return
    if done is not REFUSED:
        assert np.isfinite(getattr(pop, var)).all()
        try:
            runs_clean(net)
        except ValueError as err:  # values are checked before a run (LIF's tau_m > 0)
            assert f"{pop.name}.{var} holds" in str(err), err
            event("refused by the run")


# ---- inputs and sources ------------------------------------------------------------------------
CURRENTS = {
    "Step": (lambda d: sp.inputs.Step(d(values), d(values), d(values), d(values)),
             ("amplitude", "start", "stop", "baseline")),
    "TimedArray": (lambda d: sp.inputs.TimedArray(d(values), d(values)), ("values", "interval")),
    "Noise": (lambda d: sp.inputs.Noise(d(values), d(values), d(values)),
              ("std", "mean", "interval")),
    "RandomPulse": (lambda d: sp.inputs.RandomPulse(d(values), d(values), d(values)),
                    ("amplitude", "interval", "k")),
    "number or array": (lambda d: d(values), ("current",)),
}  # fmt: skip


@API
@given(kind=st.sampled_from(list(CURRENTS)), data=st.data(), neurons=maybe(values, None),
       target=st.sampled_from(["a", "b", "both", "src", "none", "junk"]))  # fmt: skip
def test_add_current(kind, data, neurons, target):
    net, a, b, src = small_network()
    make, argnames = CURRENTS[kind]
    current = attempt(lambda: make(data.draw), *argnames)
    if current is REFUSED:
        return
    targets = {"a": a, "b": b, "both": [a, b], "src": src, "none": [], "junk": 3}[target]
    added = attempt(lambda: net.add_current(targets, current, neurons=neurons), "target",
                    "current", "neurons", "values", "interval", *argnames)  # fmt: skip
    if added is not REFUSED:
        runs_clean(net)


@API
@given(n=maybe(sizes, 3), rate_hz=maybe(values, 20.0), name=maybe(values, None))
def test_add_poisson(n, rate_hz, name):
    net, *_ = small_network()
    if attempt(lambda: net.add_poisson(n, rate_hz, name=name), "n", "rate_hz", "name") \
            is not REFUSED:  # fmt: skip
        runs_clean(net)


@API
@given(times=maybe(values, [1.0, 2.0]), indices=maybe(values, [0, 1]), n=maybe(sizes, None))
def test_add_spike_source(times, indices, n):
    net, a, *_ = small_network()

    def call():
        src = net.add_spike_source(times, indices, n=n)
        net.connect(src, a, weight=5.0)

    if attempt(call, "times_ms", "indices", "n") is not REFUSED:
        runs_clean(net)


@API
@given(n=maybe(sizes, 10), rate_hz=maybe(values, 20.0), weight=maybe(values, 1.0),
       synapse=maybe(values, "jump"), tau_syn=maybe(values, 5.0), neurons=maybe(values, None),
       target=st.sampled_from(["a", "src", "junk"]))  # fmt: skip
def test_add_poisson_input(n, rate_hz, weight, synapse, tau_syn, neurons, target):
    net, a, b, src = small_network()
    targets = {"a": a, "src": src, "junk": weight}[target]
    call = lambda: net.add_poisson_input(targets, n, rate_hz, weight, synapse, tau_syn, neurons)  # noqa: E731
    if attempt(call, "target", "n", "rate_hz", "weight", "synapse", "tau_syn", "neurons") \
            is not REFUSED:  # fmt: skip
        runs_clean(net)


# ---- monitors ----------------------------------------------------------------------------------
@API
@given(kind=st.sampled_from(["spikes", "state", "weights", "rate"]), neurons=maybe(values, None),
       var=maybe(values, "v"), every_ms=maybe(values, None), record_final=maybe(values, False),
       to=maybe(st.one_of(values, st.sampled_from(["rec", "", ".", "rec/deeper"])), None),
       group=st.sampled_from(["a", "src", "junk"]))  # fmt: skip
def test_monitors(kind, neurons, var, every_ms, record_final, to, group):
    net, a, b, src = small_network()
    proj = net.connect(src, a, weight=1.0, plasticity=sp.STDP(w_max=2.0))
    target = {"a": a, "src": src, "junk": var}[group]
    calls = {
        "spikes": lambda: net.record_spikes(target, neurons=neurons, to=to),
        "state": lambda: net.record_state(target, var, neurons=neurons, every_ms=every_ms,
                                          record_final=record_final, to=to),
        "weights": lambda: net.record_weights(proj if group == "a" else target, neurons,
                                              every_ms=1.0 if every_ms is None else every_ms,
                                              record_final=record_final, to=to),
        "rate": lambda: net.record_rate(target),
    }  # fmt: skip
    argnames = ("group", "neurons", "var", "every_ms", "record_final", "to", "projection",
                "synapses")  # fmt: skip
    with in_temporary_folder():
        rec = attempt(calls[kind], *argnames)
        if rec is not REFUSED:
            runs_clean(net)


# ---- run ---------------------------------------------------------------------------------------
def duration_values():
    """Hostile durations, but no valid long one (a run of a billion steps is not a bug)."""
    return values.filter(
        lambda v: (
            not (
                isinstance(v, int | float)
                and not isinstance(v, bool)
                and math.isfinite(v)
                and 50.0 < v < 1e300
            )
        )  # fmt: skip
    )


def poison_weights(net):
    net.projections[0].weight[:2] = np.nan  # written through numpy: no setter to refuse it


def poison_state(net):
    net.groups[0].v[0] = np.inf


def fail(net):
    raise RuntimeError("the callback's own error")


@API
@given(duration=maybe(duration_values(), 10.0), progress=maybe(values, False),
       callback=maybe(st.one_of(values, st.sampled_from([poison_weights, poison_state, fail,
                                                         lambda net: 7])), None),
       every_ms=maybe(values, None), checkpoint=maybe(values, None),
       checkpoint_every=maybe(values, None))  # fmt: skip
def test_run(duration, progress, callback, every_ms, checkpoint, checkpoint_every):
    net, a, b, src = small_network()
    net.connect(src, a, weight=1.0)
    argnames = ("duration", "progress", "callback", "every_ms", "checkpoint", "checkpoint_every",
                "weight", "v")  # fmt: skip
    with in_temporary_folder():
        try:
            call = lambda: net.run(duration, progress=progress, callback=callback,  # noqa: E731
                                   every_ms=every_ms, checkpoint=checkpoint,
                                   checkpoint_every=checkpoint_every)  # fmt: skip
            result = attempt(call, *argnames)
        except RuntimeError as err:  # the callback's own error, propagated
            assert "the callback's own error" in str(err)
            return
    if result is not REFUSED:
        assert not np.isnan(net._x).any() and np.isfinite(net.projections[0].weight).all()


# ---- store and restore -------------------------------------------------------------------------
@API
@given(path=maybe(st.one_of(values, st.sampled_from(["", ".", "missing/x.npz", "dir"])), "x.npz"),
       meta=maybe(st.one_of(values, st.dictionaries(st.text(max_size=3), values, max_size=3)),
                  {}))  # fmt: skip
def test_store_paths_and_meta(path, meta):
    net, a, *_ = small_network()
    with in_temporary_folder() as folder:
        (folder / "dir").mkdir()
        net.meta = meta
        if attempt(lambda: net.store(path), "path", "net.meta") is REFUSED:
            return
        other, *_ = small_network()
        other.restore(path)
        assert other.meta == json_round_trip(meta)


def json_round_trip(value):
    import json

    return sp.store._decode(json.loads(json.dumps(sp.store.json_only("meta", value))), {})


@pytest.fixture(scope="module")
def checkpoint_bytes(tmp_path_factory):
    net, a, b, src = small_network()
    net.connect(src, a, weight=1.0, plasticity=sp.STDP(w_max=2.0))
    net.run(20.0, progress=False)
    path = tmp_path_factory.mktemp("hostile") / "c.npz"
    net.store(path)
    return path.read_bytes(), net._x.copy()


@API
@given(damage=st.sampled_from(["truncate", "flip", "random", "append"]), data=st.data())
def test_restore_damaged_files(checkpoint_bytes, damage, data):
    good, x = checkpoint_bytes
    if damage == "truncate":
        content = good[: data.draw(st.integers(0, len(good) - 1))]
    elif damage == "flip":
        pos = data.draw(st.integers(0, len(good) - 1))
        content = good[:pos] + bytes([good[pos] ^ data.draw(st.integers(1, 255))]) + good[pos + 1 :]
    elif damage == "random":
        content = data.draw(st.binary(max_size=2000))
    else:
        content = good + data.draw(st.binary(min_size=1, max_size=100))
    net, a, b, src = small_network()
    net.connect(src, a, weight=1.0, plasticity=sp.STDP(w_max=2.0))
    with in_temporary_folder() as folder:
        (folder / "c.npz").write_bytes(content)
        try:
            net.restore(folder / "c.npz")
        except CheckpointError as err:
            assert "c.npz" in str(err)
            event(f"refused: {damage}")
            assert net.t == 0.0
            return
    # accepted: the damage missed everything that is read (a zip's time stamps, trailing bytes)
    event(f"accepted: {damage}")
    np.testing.assert_array_equal(net._x, x)


@API
@given(path=values)
def test_readers_of_files(path):
    with in_temporary_folder():
        for call, argname in ((lambda: sp.store.read_info(path), "path"),
                              (lambda: sp.streams.read_record(path), "path")):  # fmt: skip
            try:
                attempt(call, argname)
            except FileNotFoundError as err:
                assert "no checkpoint" in str(err)
