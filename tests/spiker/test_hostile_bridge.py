"""Hostile input for spiker.bridge (issue 11): every public function and constructor, one bad
argument at a time, the others valid.

Each call either works and its result has the stated property (finite, non-negative rates of the
right shape; spikes inside their window; windows that are slices of the features, ...), or it
raises ValueError/TypeError naming the bad argument (see ``tests/_hostile.py``). Sizes that would
not fit in memory are refused before anything is allocated: the huge inputs here are zero-stride
views or bare numbers, so a missing check shows up as a failure, not as a swapping machine.
"""

from __future__ import annotations

import math
import os
import tempfile
import zipfile

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import spiker as sp
from spiker import bridge
from spiker.bridge import Spikes
from tests._hostile import (
    REFUSED,
    anything,
    arrays,
    attempt,
    costly,
    examples,
    ragged,
    scalars,
)

try:  # imported here, not in the first example, where it would count against the deadline
    import neo  # noqa: F401
except ImportError:  # pragma: no cover - neo comes with the test extra
    pass

FAST = examples(200)
SLOW = examples(80)
HUGE = [1e12, 1e15, 1e20, 1e100, 1e300]  # ms: windows no memory holds


# ------------------------------------------------------------------------------ properties
def assert_consistent(s: Spikes) -> None:
    """What every Spikes must satisfy, however it was made."""
    assert isinstance(s, Spikes)
    assert s.steps.dtype == np.int64 and s.steps.ndim == 1
    assert s.i.dtype == np.int32 and s.i.shape == s.steps.shape
    assert isinstance(s.n, int) and s.n >= 1
    assert math.isfinite(s.dt) and s.dt > 0
    assert math.isfinite(s.t_start) and math.isfinite(s.t_stop) and s.t_start <= s.t_stop
    assert np.all(np.isfinite(s.t))
    # integer steps inside, ms outside: every time converts back to its step
    assert np.array_equal(np.rint(s.t / s.dt).astype(np.int64), s.steps)
    assert round(s.t_start / s.dt) * s.dt == s.t_start and round(s.t_stop / s.dt) * s.dt == s.t_stop
    if s.count:
        assert 0 <= s.i.min() and s.i.max() < s.n
    assert np.array_equal(s.neurons, np.unique(s.neurons))
    assert s.neurons.size == 0 or (s.neurons[0] >= 0 and s.neurons[-1] < s.n)
    assert s.counts().sum() == s.count
    assert len(s.trains()) == s.n
    assert isinstance(s.name, str)


def assert_rates(r, n_bins: int, m: int) -> None:
    assert isinstance(r, np.ndarray) and r.dtype == np.float64
    assert r.shape == (n_bins, m)
    assert np.all(np.isfinite(r)), "rates must be finite"
    assert np.all(r >= 0), "rates must be >= 0"


@st.composite
def spikes(draw, max_n: int = 4, max_count: int = 12, inside: bool = False) -> Spikes:
    """Valid Spikes: a few units, a few spikes (unsorted, on edges, and unless ``inside`` also
    outside the window [t_start, t_stop))."""
    dt = draw(st.sampled_from([0.1, 0.25, 0.5, 1.0]))
    n = draw(st.integers(1, max_n))
    count = draw(st.integers(0, max_count))
    s0 = draw(st.integers(-20, 50))
    s1 = s0 + draw(st.integers(1 if inside else 0, 250))
    lo, hi = (s0, s1 - 1) if inside else (-20, 200)
    steps = draw(st.lists(st.integers(lo, hi), min_size=count, max_size=count))
    i = draw(st.lists(st.integers(0, n - 1), min_size=count, max_size=count))
    neurons = draw(st.none() | st.lists(st.integers(0, n - 1), max_size=n))
    return Spikes(np.array(steps, np.int64), i, n, dt, s0 * dt, s1 * dt, "pop", neurons)


def n_bins_of(s: Spikes, bin_ms, t_start, t_stop) -> int:
    t0 = s.t_start if t_start is None else float(t_start)
    t1 = s.t_stop if t_stop is None else float(t_stop)
    return (round(t1 / s.dt) - round(t0 / s.dt)) // round(float(bin_ms) / s.dt)


# ------------------------------------------------------------------------------ Spikes
SPIKES_ARGS = {
    "steps": np.array([0, 3, 3, 9]),
    "i": np.array([0, 1, 0, 2]),
    "n": 3,
    "dt": 0.5,
    "t_start": 0.0,
    "t_stop": 10.0,
    "name": "pop",
    "neurons": None,
}
# a value that is fine alone but clashes with another field may be reported under that field
RELATED = {"n": ("i", "neurons"), "t_start": ("t_stop",), "dt": ("t_start", "t_stop")}


@FAST
@given(
    arg=st.sampled_from(list(SPIKES_ARGS)),
    value=st.one_of(anything(), arrays(max_dims=1, min_side=4, max_side=4)),
)
def test_spikes_refuses_a_bad_field_or_is_consistent(arg, value):
    if arg == "n" and costly(value, 10**6):
        return  # a big valid unit count: right, but slow
    kw = dict(SPIKES_ARGS, **{arg: value})
    s = attempt(lambda: Spikes(**kw), (arg, *RELATED.get(arg, ())), value)
    if s is not REFUSED:
        assert_consistent(s)


@FAST
@given(
    arg=st.sampled_from(["steps", "t_start", "t_stop", "dt"]),
    value=st.sampled_from(
        [2**50 + 1, -(2**53), 2**62, 2**63 - 1, 2**64 - 1, 1e300, 1e20, 5e-324, 1e-300]
    ),
)
def test_spikes_refuse_times_beyond_int64_or_float_range(arg, value):
    kw = dict(SPIKES_ARGS)
    if arg == "steps":
        if not isinstance(value, int):
            return
        kw["steps"] = np.array([0, 3, value, 9], np.uint64 if value >= 2**63 else np.int64)
    else:
        kw[arg] = value
    s = attempt(lambda: Spikes(**kw), arg, value)
    if s is not REFUSED:
        assert_consistent(s)


@FAST
@given(n=st.sampled_from([2**40, 10**12, 2**62, 2**63, 10**30]))
def test_spikes_refuses_a_unit_count_no_memory_holds(n):
    assert attempt(lambda: Spikes([], [], n, 1.0), "n", n) is REFUSED


@FAST
@given(value=anything())
def test_from_record_and_add_to_refuse_what_is_not_a_record_or_a_network(value):
    assert attempt(lambda: Spikes.from_record(value), "record", value) is REFUSED
    s = Spikes(**SPIKES_ARGS)
    assert attempt(lambda: s.add_to(value), "net", value) is REFUSED


def test_add_to_a_network_works():
    net = sp.Network(dt=0.5, seed=0)
    src = Spikes(**SPIKES_ARGS).add_to(net)
    assert src.n == 3


# ------------------------------------------------------------------------------ rates
RATES_ARGS = ["spikes", "bin_ms", "t_start", "t_stop", "kernel", "sigma_ms", "neurons"]


@FAST
@given(
    s=spikes(),
    kernel=st.sampled_from(bridge.KERNELS),
    arg=st.sampled_from(RATES_ARGS),
    value=anything(max_side=3),
)
def test_rates_refuse_a_bad_argument_or_are_finite_nonnegative_and_shaped(s, kernel, arg, value):
    kw = {"spikes": s, "bin_ms": s.dt * 4, "t_start": None, "t_stop": None, "kernel": kernel}
    kw[arg] = value
    r = attempt(lambda: bridge.rates(**kw), arg, value)
    if r is REFUSED:
        return
    m = s.neurons.size if kw.get("neurons") is None else np.asarray(kw["neurons"]).size
    assert_rates(r, n_bins_of(s, kw["bin_ms"], kw["t_start"], kw["t_stop"]), m)
    if m:
        p = bridge.population_rate(**kw)
        np.testing.assert_allclose(p, r.mean(axis=1))


@FAST
@given(
    s=spikes(),
    kernel=st.sampled_from(bridge.KERNELS),
    arg=st.sampled_from(["t_stop", "t_start", "bin_ms"]),
    magnitude=st.sampled_from(HUGE),
)
def test_rates_refuse_a_window_no_memory_holds_before_allocating(s, kernel, arg, magnitude):
    kw = {"bin_ms": s.dt, "kernel": kernel}
    if arg == "t_stop":
        kw["t_stop"] = magnitude
    elif arg == "t_start":
        kw["t_start"] = -magnitude
    else:
        kw["bin_ms"] = magnitude
    r = attempt(lambda: bridge.rates(s, **kw), arg, magnitude)
    if arg == "bin_ms":  # a huge bin is fine: no bin fits the window
        assert r is REFUSED or r.shape[0] == 0
    else:  # only an empty selection of neurons makes nothing to allocate
        assert r is REFUSED or r.size == 0


@FAST
@given(
    s=spikes(),
    kernel=st.sampled_from(["gaussian", "exponential"]),
    sigma=st.one_of(
        st.sampled_from([5e-324, 1e-320, 1e-300, 1e-30, 1e-6, 1e6, 1e12, 1e100, 1e300, 1.7e308]),
        st.floats(1e-10, 1e10),
    ),
)
def test_kernel_rates_of_any_width_are_finite_or_refused(s, kernel, sigma):
    r = attempt(lambda: bridge.rates(s, s.dt, kernel=kernel, sigma_ms=sigma), "sigma_ms", sigma)
    if r is not REFUSED:
        assert_rates(r, n_bins_of(s, s.dt, None, None), s.neurons.size)


# ------------------------------------------------------------------------------ windows, images
@st.composite
def features(draw, ndim: int = 2):
    shape = draw(st.tuples(*[st.integers(1, 5)] * ndim))
    return np.arange(math.prod(shape), dtype=np.float64).reshape(shape) * 0.5


@FAST
@given(
    x=features(),
    arg=st.sampled_from(["features", "length", "stride"]),
    value=anything(),
    length=st.integers(1, 3),
    stride=st.integers(1, 3),
)
def test_windows_refuse_a_bad_argument_or_are_slices_of_the_features(x, arg, value, length, stride):
    kw = {"features": x, "length": min(length, x.shape[0]), "stride": stride}
    kw[arg] = value
    w = attempt(lambda: bridge.windows(**kw), arg, value)
    if w is REFUSED:
        return
    f = np.asarray(kw["features"])
    assert w.dtype.kind in "biuf"
    n_windows = (f.shape[0] - kw["length"]) // kw["stride"] + 1
    assert w.shape == (n_windows, kw["length"], f.shape[1])
    for k in range(n_windows):
        np.testing.assert_array_equal(w[k], f[k * kw["stride"] : k * kw["stride"] + kw["length"]])


@FAST
@given(length=st.sampled_from([10**4, 10**5, 999_999]), stride=st.sampled_from([1, 7]))
def test_windows_refuse_a_copy_no_memory_holds(length, stride):
    x = np.broadcast_to(np.zeros(1), (10**6, 10**4))  # 80 GB seen, 8 bytes held
    assert attempt(lambda: bridge.windows(x, length, stride), "length", length) is REFUSED


@FAST
@given(
    x=st.one_of(features(2), features(3)),
    arg=st.sampled_from(["features", "grid"]),
    value=st.one_of(anything(), st.tuples(scalars(), scalars())),
    data=st.data(),
)
def test_images_refuse_a_bad_argument_or_place_every_neuron(x, arg, value, data):
    n = x.shape[-1]
    h = data.draw(st.sampled_from([d for d in range(1, n + 1) if n % d == 0]))
    kw = {"features": x, "grid": (h, n // h)}
    kw[arg] = value
    out = attempt(lambda: bridge.images(**kw), arg, value)
    if out is REFUSED:
        return
    f = np.asarray(kw["features"])
    assert out.dtype.kind in "biuf" and out.ndim == 4 and out.shape[0] == f.shape[0]
    grid = kw["grid"]
    if grid is None:
        np.testing.assert_array_equal(out[:, 0], f)
    elif np.ndim(grid) == 1:
        np.testing.assert_array_equal(out.reshape(f.shape), f)
    else:
        layout = np.asarray(grid)
        sel = layout >= 0
        got = out.reshape(*f.shape[:-1], *layout.shape) if f.ndim == 3 else out[:, 0]
        np.testing.assert_array_equal(got[..., sel], f[..., layout[sel]])
        assert np.all(got[..., ~sel] == 0)


@FAST
@given(side=st.sampled_from([10**3, 10**4, 10**5]))
def test_images_refuse_an_index_grid_no_memory_holds(side):
    x = np.broadcast_to(np.zeros(1), (10**4, 50, 4))
    layout = np.broadcast_to(np.zeros(1, np.int64), (side, side))
    assert attempt(lambda: bridge.images(x, layout), "grid", side) is REFUSED


# ------------------------------------------------------------------------------ encoders
ENCODE_ARGS = ["values", "duration_ms", "max_rate_hz", "rng", "dt", "t_start"]


@st.composite
def unit_values(draw):
    shape = draw(st.tuples(st.integers(1, 4), st.integers(1, 3)))
    flat = draw(st.lists(st.floats(0, 1), min_size=math.prod(shape), max_size=math.prod(shape)))
    return np.array(flat).reshape(shape)


@FAST
@given(
    v=unit_values(),
    encoder=st.sampled_from(["poisson", "latency"]),
    arg=st.sampled_from(ENCODE_ARGS),
    value=anything(max_side=3),
)
def test_encoders_refuse_a_bad_argument_or_spike_inside_their_window(v, encoder, arg, value):
    kw = {"values": v, "duration_ms": 10.0, "dt": 0.5, "t_start": 5.0}
    if encoder == "poisson":
        kw.update(max_rate_hz=200.0, rng=1)
        fn = bridge.poisson_encode
    else:
        fn = bridge.latency_encode
        if arg in ("max_rate_hz", "rng"):
            return
    kw[arg] = value
    s = attempt(lambda: fn(**kw), arg, value)
    if s is REFUSED:
        return
    assert_consistent(s)
    assert s.n == np.asarray(kw["values"]).size
    assert s.t_start == pytest.approx(float(kw["t_start"]))
    assert s.t_stop == pytest.approx(float(kw["t_start"]) + float(kw["duration_ms"]))
    s0, s1 = round(s.t_start / s.dt), round(s.t_stop / s.dt)  # steps: exact at any size
    assert np.all((s.steps >= s0) & (s.steps < s1))
    keys = s.steps * s.n + s.i
    assert np.unique(keys).size == keys.size, "a unit spikes at most once per step"
    if encoder == "latency":
        assert np.unique(s.i).size == s.count, "at most one spike per unit"


@FAST
@given(
    encoder=st.sampled_from(["poisson", "latency"]),
    arg=st.sampled_from(["duration_ms", "t_start", "dt"]),
    value=st.sampled_from([*HUGE, 1e-300, 5e-324]),
)
def test_encoders_refuse_a_duration_no_memory_holds(encoder, arg, value):
    kw = {"values": np.full(10, 0.5), "duration_ms": 10.0, "dt": 0.5}
    if encoder == "poisson":
        kw.update(max_rate_hz=1.0, rng=0)
    kw[arg] = value
    if arg == "dt" and value > 1:  # a huge step: 10 ms is not a whole number of them
        kw["duration_ms"] = value * 3
    fn = bridge.poisson_encode if encoder == "poisson" else bridge.latency_encode
    s = attempt(lambda: fn(**kw), (arg, "duration_ms"), value)
    if s is not REFUSED:
        assert_consistent(s)
    if encoder == "poisson" and arg == "duration_ms" and value > 1:
        assert s is REFUSED, "the draws for this duration cannot fit in memory"


# ------------------------------------------------------------------------------ trials
TRIALS_ARGS = ["values", "presentation_ms", "rest_ms", "encoder", "max_rate_hz", "rng", "dt"]


@SLOW
@given(
    v=unit_values(),
    encoder=st.sampled_from(["poisson", "latency"]),
    arg=st.sampled_from([*TRIALS_ARGS, "t_start"]),
    value=st.one_of(anything(max_side=3), ragged()),
)
def test_trials_refuse_a_bad_argument_or_present_every_sample_in_its_window(v, encoder, arg, value):
    kw = {"values": v, "presentation_ms": 4.0, "rest_ms": 2.0, "encoder": encoder, "rng": 3}
    kw.update(max_rate_hz=300.0, dt=0.5, t_start=1.0)
    kw[arg] = value
    tr = attempt(lambda: bridge.trials(**kw), arg, value)
    if tr is REFUSED:
        return
    n_samples = len(kw["values"])
    assert isinstance(tr, bridge.Trials) and tr.n_samples == n_samples
    assert_consistent(tr.spikes)
    assert tr.spikes.t_stop == pytest.approx(tr.t_start + tr.duration_ms)
    parts = tr.split(tr.spikes)
    assert len(parts) == n_samples and sum(p.count for p in parts) == tr.spikes.count
    for p in parts:
        assert_consistent(p)
        assert np.all(p.t < tr.presentation_ms)
    f = tr.cut(tr.spikes, bin_ms=tr.presentation_ms)
    assert f.shape == (n_samples, 1, tr.spikes.n) and np.all(np.isfinite(f))


TRIALS_INIT = {"spikes": None, "n_samples": 2, "presentation_ms": 4.0, "rest_ms": 1.0}


@FAST
@given(arg=st.sampled_from([*TRIALS_INIT, "t_start"]), value=anything(max_side=3))
def test_trials_constructor_refuses_bad_fields_or_splits_consistently(arg, value):
    kw = dict(TRIALS_INIT, spikes=Spikes([0, 9, 11], [0, 1, 1], 2, 0.5, 0.0, 10.0), t_start=0.0)
    kw[arg] = value
    tr = attempt(lambda: bridge.Trials(**kw), arg, value)
    if tr is REFUSED or tr.n_samples > 10**4:  # a large valid count: right, but slow to split
        return
    parts = attempt(lambda: tr.split(tr.spikes), arg, value)
    if parts is not REFUSED:
        assert len(parts) == tr.n_samples
        for p in parts:
            assert_consistent(p)


@FAST
@given(
    arg=st.sampled_from(["record", "bin_ms", "kernel", "sigma_ms", "neurons"]),
    value=anything(max_side=3),
)
def test_trials_cut_refuses_a_bad_argument_or_gives_finite_features(arg, value):
    tr = bridge.trials(np.eye(3) * 0.5, 4.0, 1.0, max_rate_hz=400.0, rng=0, dt=0.5)
    kw = {"record": tr.spikes, "bin_ms": 1.0, "kernel": "gaussian", "sigma_ms": 1.0}
    kw[arg] = value
    f = attempt(lambda: tr.cut(**kw), arg, value)
    if f is not REFUSED:
        n_bins = 8 // int(round(float(kw["bin_ms"]) / 0.5))  # 4 ms presentations, dt = 0.5 ms
        assert f.ndim == 3 and f.shape[:2] == (3, n_bins)
        assert np.all(np.isfinite(f)) and np.all(f >= 0)


@FAST
@given(n_samples=st.sampled_from([10**9, 10**12, 2**62]))
def test_trials_refuse_a_sample_count_no_memory_holds(n_samples):
    s = Spikes([0], [0], 1, 1.0)
    tr = attempt(lambda: bridge.Trials(s, n_samples, 1.0, 0.0, 0.0), "n_samples", n_samples)
    if tr is not REFUSED:
        assert attempt(lambda: tr.split(s), "n_samples", n_samples) is REFUSED


# ------------------------------------------------------------------------------ export
class _Chdir:
    """Run in a fresh temporary directory: a bad path must never write into the repository."""

    def __enter__(self):
        self.old, self.tmp = os.getcwd(), tempfile.TemporaryDirectory()
        os.chdir(self.tmp.name)
        return self.tmp.name

    def __exit__(self, *exc):
        os.chdir(self.old)
        self.tmp.cleanup()


def assert_same_spikes(a: Spikes, b: Spikes) -> None:
    np.testing.assert_array_equal(a.steps, b.steps)
    np.testing.assert_array_equal(a.i, b.i)
    np.testing.assert_array_equal(a.neurons, b.neurons)
    assert (a.n, a.dt, a.t_start, a.t_stop, a.name) == (b.n, b.dt, b.t_start, b.t_stop, b.name)


@FAST
@given(
    arg=st.sampled_from(["path", "records"]),
    value=st.one_of(anything(max_side=2), st.lists(scalars(), max_size=2), st.text(max_size=8)),
    good=spikes(),
)
def test_save_npz_refuses_a_bad_argument_or_round_trips(arg, value, good):
    with _Chdir():
        kw = {"path": "out.npz", "records": [good]}
        kw[arg] = value
        done = attempt(lambda: bridge.save_npz(**kw), arg, value, also=(OSError,))
        if done is REFUSED:
            return
        path = os.fsdecode(os.fspath(kw["path"]))
        path = path if path.endswith(".npz") else path + ".npz"
        back = bridge.load_npz(path)
        records = kw["records"]
        if isinstance(records, dict):
            records = list(records.values())
        elif not isinstance(records, list | tuple):
            records = [records]
        assert list(back) == [r.name for r in records]
        for r in records:
            assert_same_spikes(back[r.name], r)


def _npz_bytes(**arrays) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "x.npz")
        np.savez(path, **arrays)
        with open(path, "rb") as f:
            return f.read()


GOOD = Spikes([0, 2, 5], [1, 0, 1], 2, 0.5, 0.0, 3.0, "pop")


def _fields():
    return {
        "format": np.array("spiker.bridge.spikes/1"),
        "names": np.array(["pop"]),
        "r0_steps": GOOD.steps,
        "r0_i": GOOD.i,
        "r0_neurons": GOOD.neurons,
        "r0_meta": np.array([2, 0.5, 0.0, 3.0]),
    }


@st.composite
def bad_files(draw) -> bytes:
    """Random bytes, truncated or bit-flipped files, and well-formed .npz with a bad field."""
    good = _npz_bytes(**_fields())
    kind = draw(st.sampled_from(["bytes", "truncated", "flipped", "field", "missing", "npy"]))
    if kind == "bytes":
        return draw(st.binary(max_size=64))
    if kind == "truncated":
        return good[: draw(st.integers(0, len(good) - 1))]
    if kind == "flipped":
        at = draw(st.integers(0, len(good) - 1))
        return good[:at] + bytes([good[at] ^ draw(st.integers(1, 255))]) + good[at + 1 :]
    fields = _fields()
    if kind == "missing":
        del fields[draw(st.sampled_from(sorted(fields)))]
        return _npz_bytes(**fields)
    if kind == "npy":
        with tempfile.TemporaryDirectory() as tmp:
            np.save(os.path.join(tmp, "x.npy"), GOOD.steps)
            with open(os.path.join(tmp, "x.npy"), "rb") as f:
                return f.read()
    key = draw(st.sampled_from(sorted(fields)))
    value = draw(arrays(dtypes=[np.int64, np.float64, np.dtype("U3"), np.bool_], max_side=4))
    fields[key] = value
    return _npz_bytes(**fields)


@FAST
@given(data=bad_files())
def test_load_npz_refuses_a_broken_file_naming_it_or_reads_consistent_spikes(data):
    with _Chdir():
        with open("in.npz", "wb") as f:
            f.write(data)
        out = attempt(lambda: bridge.load_npz("in.npz"), ("in.npz", "path"), data)
        if out is REFUSED:
            return
        assert isinstance(out, dict)
        for name, s in out.items():
            assert isinstance(name, str)
            assert_consistent(s)


@FAST
@given(value=st.one_of(scalars(), arrays(max_side=2)))
def test_load_npz_refuses_a_path_that_is_not_one(value):
    with _Chdir():
        assert attempt(lambda: bridge.load_npz(value), "path", value, also=(OSError,)) is REFUSED


def test_load_npz_refuses_a_zip_that_is_not_npz():
    with _Chdir():
        with zipfile.ZipFile("z.npz", "w") as z:
            z.writestr("format.npy", b"not an array")
        assert attempt(lambda: bridge.load_npz("z.npz"), "z.npz", "zip") is REFUSED


@SLOW
@given(
    arg=st.sampled_from(["records", "name"]),
    value=st.one_of(anything(max_side=2), st.lists(scalars(), max_size=2)),
    good=spikes(inside=True),
)
def test_to_neo_refuses_a_bad_argument_or_gives_one_train_per_neuron(arg, value, good):
    pytest.importorskip("neo")
    kw = {"records": good, "name": "seg"}
    kw[arg] = value
    seg = attempt(lambda: bridge.to_neo(**kw), arg, value)
    if seg is REFUSED:
        return
    records = kw["records"]
    records = list(records.values()) if isinstance(records, dict) else records
    records = list(records) if isinstance(records, list | tuple) else [records]
    assert len(seg.spiketrains) == sum(r.neurons.size for r in records)
    expected = [r.trains()[j] for r in records for j in r.neurons]
    for train, times in zip(seg.spiketrains, expected, strict=True):
        np.testing.assert_allclose(np.asarray(train.times.magnitude), times)
