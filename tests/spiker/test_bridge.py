"""spiker.bridge: rates against hand counts, Elephant and closed forms; encoders, trials, export."""

from __future__ import annotations

import math

import numpy as np
import pytest

import spiker as sp
from spiker import bridge
from spiker.bridge import Spikes


def random_spikes(seed: int, n: int = 5, n_steps: int = 2000, count: int = 400, dt: float = 0.1):
    """Random spikes, 40 of them on the edges of 20 equal bins (multiples of n_steps / 20)."""
    rng = np.random.default_rng(seed)
    edges = rng.integers(0, 20, 40) * (n_steps // 20)
    steps = np.concatenate([rng.integers(0, n_steps, count), edges])
    i = rng.integers(0, n, steps.shape[0])
    keys = np.unique(steps * n + i)  # one spike per unit and step, sorted by step
    return Spikes(keys // n, keys % n, n, dt, 0.0, n_steps * dt)


# ------------------------------------------------------------------------------ binned rates
def test_binned_rates_equal_a_hand_count_with_spikes_on_edges():
    s = random_spikes(0)
    on_edge = np.isin(s.steps, np.arange(0, 2001, 100))
    assert on_edge.sum() >= 30
    r = bridge.rates(s, bin_ms=10.0)
    assert r.shape == (20, 5)
    hand = np.zeros((20, 5))
    for step, unit in zip(s.steps.tolist(), s.i.tolist(), strict=True):
        hand[step // 100, unit] += 1  # bin b holds steps [100 b, 100 b + 100)
    np.testing.assert_array_equal(r, hand * 100.0)  # 1 spike in 10 ms = 100 Hz
    assert r.sum() * 0.01 == s.count  # every spike counted exactly once


def test_binned_rates_window_includes_left_edge_and_excludes_right_edge():
    s = Spikes([100, 199, 200, 300], [0, 0, 0, 0], 1, 0.1, 0.0, 40.0)
    r = bridge.rates(s, bin_ms=10.0, t_start=10.0, t_stop=30.0)  # steps [100, 300)
    np.testing.assert_array_equal(r[:, 0], [200.0, 100.0])
    # a last partial bin is dropped: 35 ms of record -> 3 bins of 10 ms
    assert bridge.rates(s, bin_ms=10.0, t_stop=35.0).shape == (3, 1)
    for kernel in bridge.KERNELS:  # a window shorter than a bin has no bins
        assert bridge.rates(s, bin_ms=10.0, t_stop=5.0, kernel=kernel).shape == (0, 1)


# quantities 0.16 deprecates an argument that Elephant 1.2 still passes; not ours to fix
@pytest.mark.filterwarnings("ignore:The 'copy' argument in Quantity:DeprecationWarning")
def test_binned_rates_equal_elephant_time_histogram():
    elephant = pytest.importorskip("elephant")
    neo = pytest.importorskip("neo")
    import quantities as pq
    from elephant.statistics import time_histogram

    s = random_spikes(1, dt=0.25, n_steps=800)  # dt = 0.25 ms: exact binary times; 40 bins of 5 ms
    s = Spikes(s.steps, s.i, s.n, 0.25, 0.0, 200.0)
    r = bridge.rates(s, bin_ms=5.0)
    for j, train in enumerate(s.trains()):
        st = neo.SpikeTrain(train * pq.ms, t_start=0 * pq.ms, t_stop=200 * pq.ms)
        h = time_histogram([st], bin_size=5 * pq.ms, output="rate").rescale(1 / pq.s)
        np.testing.assert_allclose(r[:, j], np.asarray(h).ravel(), rtol=1e-12)
    # spiker -> NEO -> Elephant: the population histogram of the exported trains
    seg = bridge.to_neo(s)
    pop = time_histogram(seg.spiketrains, bin_size=5 * pq.ms, output="rate").rescale(1 / pq.s)
    np.testing.assert_allclose(bridge.population_rate(s, 5.0), np.asarray(pop).ravel())
    assert elephant.__version__


def test_subset_and_population_rate_are_columns_and_means_of_the_full_rates():
    s = random_spikes(2)
    full = bridge.rates(s, bin_ms=20.0)
    np.testing.assert_array_equal(bridge.rates(s, bin_ms=20.0, neurons=[4, 1]), full[:, [4, 1]])
    pop = bridge.population_rate(s, bin_ms=20.0)
    counts = np.bincount(s.steps // 200, minlength=10)
    np.testing.assert_allclose(pop, counts / (5 * 0.020))


# ------------------------------------------------------------------------------ kernels
def test_exponential_trace_equals_its_closed_form_and_is_causal():
    dt, tau = 0.1, 7.0
    s = Spikes([3, 50, 99, 100, 100, 250, 401], [0, 0, 0, 0, 1, 1, 0], 2, dt, 0.0, 50.0)
    r = bridge.rates(s, bin_ms=5.0, t_start=1.0, t_stop=41.0, kernel="exponential", sigma_ms=tau)
    assert r.shape == (8, 2)
    for b in range(8):
        edge = 1.0 + 5.0 * (b + 1)  # right edge: spikes strictly before it count
        for j in range(2):
            ts = s.t[(s.i == j) & (s.t < edge - 1e-9)]
            expected = 1000.0 / tau * np.sum(np.exp(-(edge - ts) / tau))
            assert r[b, j] == pytest.approx(expected, rel=1e-12, abs=1e-300)
    # the spike at 0.3 ms lies before t_start = 1 ms and still decays into bin 0 [1, 6) ms
    bin0 = 1000.0 / tau * (math.exp(-5.7 / tau) + math.exp(-1.0 / tau))
    assert r[0, 0] == pytest.approx(bin0, rel=1e-12)
    # a spike on the right edge of bin 1 (step 110) changes bins >= 2 only
    later = Spikes(np.r_[s.steps, 110], np.r_[s.i, 1], 2, dt, 0.0, 50.0)
    r2 = bridge.rates(later, 5.0, 1.0, 41.0, kernel="exponential", sigma_ms=tau)
    np.testing.assert_array_equal(r2[:2], r[:2])
    assert r2[2, 1] > r[2, 1]


def test_gaussian_rates_integrate_to_the_spike_count_and_match_the_formula():
    rng = np.random.default_rng(3)
    steps = np.sort(rng.integers(1000, 9000, 300))  # at least 100 ms = 10 sigma from the ends
    s = Spikes(steps, rng.integers(0, 3, 300), 3, 0.1, 0.0, 1000.0)
    r = bridge.rates(s, bin_ms=2.0, kernel="gaussian", sigma_ms=10.0)
    np.testing.assert_allclose(r.sum(axis=0) * 2.0 / 1000.0, s.counts(), rtol=1e-9)
    centres = 1.0 + 2.0 * np.arange(500)
    t0 = s.t[s.i == 0]
    direct = 1000.0 * np.exp(-0.5 * ((centres[:, None] - t0) / 10.0) ** 2).sum(1)
    np.testing.assert_allclose(r[:, 0], direct / (10.0 * math.sqrt(2 * math.pi)), atol=1e-9)


# ------------------------------------------------------------------------------ shapes
def test_windows_are_consecutive_bins_in_time_order():
    f = np.arange(30.0).reshape(10, 3)
    w = bridge.windows(f, length=4, stride=3)
    assert w.shape == (3, 4, 3)  # (10 - 4) // 3 + 1 windows
    for k in range(3):
        np.testing.assert_array_equal(w[k], f[3 * k : 3 * k + 4])


def test_images_on_a_grid_and_as_time_by_neurons():
    f = np.arange(2 * 3 * 6.0).reshape(2, 3, 6)  # (samples, bins, neurons)
    img = bridge.images(f, grid=(2, 3))
    assert img.shape == (2, 3, 2, 3)  # bins become channels
    assert img[1, 2, 1, 0] == f[1, 2, 3]  # neuron 3 = row 1, column 0
    mean = bridge.images(f.mean(axis=1), grid=(2, 3))
    assert mean.shape == (2, 1, 2, 3)
    tn = bridge.images(f)
    assert tn.shape == (2, 1, 3, 6)
    np.testing.assert_array_equal(tn[1, 0], f[1])
    layout = np.array([[5, -1], [0, 2]])
    custom = bridge.images(f[:, 0], grid=layout)
    np.testing.assert_array_equal(custom[1, 0], [[f[1, 0, 5], 0.0], [f[1, 0, 0], f[1, 0, 2]]])


# ------------------------------------------------------------------------------ encoders
def test_poisson_encode_rates_seed_and_network_source():
    values = np.array([0.0, 0.25, 1.0])
    a = bridge.poisson_encode(values, 2000.0, 100.0, np.random.default_rng(5), dt=0.5)
    b = bridge.poisson_encode(values, 2000.0, 100.0, 5, dt=0.5)
    np.testing.assert_array_equal(a.steps, b.steps)
    counts = a.counts()
    assert counts[0] == 0
    # expected 50 and 200 spikes; binomial sd ~ 7 and 12.6: 4 sd bounds
    assert abs(counts[1] - 50) < 28 and abs(counts[2] - 200) < 51
    net = sp.Network(dt=0.5, seed=0)
    src = a.add_to(net, name="pixels")
    rec = net.record_spikes(src)
    net.run(2000.0, progress=False)
    np.testing.assert_array_equal(rec.steps, a.steps)
    np.testing.assert_array_equal(rec.i, a.i)
    with pytest.raises(ValueError, match="net.dt"):
        a.add_to(sp.Network(dt=0.1, seed=0))


def test_latency_encode_stronger_value_spikes_earlier():
    s = bridge.latency_encode([[1.0, 0.5], [0.0, 0.1]], 10.0, dt=0.1, t_start=20.0)
    assert s.n == 4 and s.count == 3  # the zero never spikes
    t = dict(zip(s.i.tolist(), s.t.tolist(), strict=True))
    assert t[0] == pytest.approx(20.0)  # value 1 at the window start
    assert t[1] == pytest.approx(20.0 + round(0.5 * 99) * 0.1)
    assert t[3] == pytest.approx(20.0 + round(0.9 * 99) * 0.1)
    assert t[0] < t[1] < t[3] < 30.0


def test_trials_present_samples_in_turn_and_cut_them_back():
    values = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 1.0], [0.2, 0.2, 0.0]])
    tr = bridge.trials(values, presentation_ms=10.0, rest_ms=5.0, encoder="latency", dt=0.5)
    assert tr.duration_ms == 45.0
    np.testing.assert_allclose(tr.onsets, [0.0, 15.0, 30.0])
    net = sp.Network(dt=0.5, seed=0)
    src = tr.spikes.add_to(net)
    rec = net.record_spikes(src)
    net.run(tr.duration_ms, progress=False)
    f = tr.cut(rec, bin_ms=5.0)
    assert f.shape == (3, 2, 3)
    for k in range(3):
        alone = bridge.latency_encode(values[k], 10.0, dt=0.5)
        np.testing.assert_array_equal(f[k], bridge.rates(alone, 5.0))
    perm = np.random.default_rng(0).permutation(tr.spikes.count)  # unsorted, hand-made spikes
    shuffled = Spikes(tr.spikes.steps[perm], tr.spikes.i[perm], 3, 0.5, 0.0, 45.0)
    np.testing.assert_array_equal(tr.cut(shuffled, bin_ms=5.0), f)
    # sample 0's latest spike lies in its last bin; the kernel keeps it out of sample 1
    g = tr.cut(rec, bin_ms=5.0, kernel="exponential", sigma_ms=50.0)
    assert g[1, 0, 0] == 0.0 and g[0, 1, 2] > 0.0


def test_trials_poisson_features_reproduce_the_encoded_rates():
    rng = np.random.default_rng(0)
    values = rng.random((4, 8))
    tr = bridge.trials(values, 200.0, 50.0, max_rate_hz=100.0, rng=1, dt=1.0)
    f = tr.cut(tr.spikes, bin_ms=200.0)[:, 0, :]  # one bin: mean rate per sample
    assert f.shape == (4, 8)
    assert np.all(f % 5.0 == 0.0)  # 1 spike in 200 ms = 5 Hz
    # 32 units x 20 expected spikes at most: rate error stays within 4 Poisson sd
    assert np.all(np.abs(f - 100.0 * values) <= 4 * np.sqrt(100.0 * values / 0.2) + 5.0)


def test_trials_later_in_a_run_and_a_record_started_late():
    values = np.array([[1.0, 0.5], [0.5, 1.0]])
    net = sp.Network(dt=0.5, seed=0)
    tr = bridge.trials(values, 10.0, 10.0, encoder="latency", dt=0.5, t_start=30.0)
    src = tr.spikes.add_to(net)
    net.run(25.0, progress=False)  # the record starts at 25 ms, 5 ms before the first onset
    rec = net.record_spikes(src)
    net.run(tr.t_start + tr.duration_ms - 25.0, progress=False)
    assert (rec.t_start, rec.t_stop) == (25.0, 70.0)
    # value 1 at the onset, 0.5 at step rint(0.5 * 19) = 10 (5 ms) after it
    np.testing.assert_array_equal(rec.t, [30.0, 35.0, 50.0, 55.0])
    np.testing.assert_array_equal(rec.i, [0, 1, 1, 0])
    # the record's own window is the default: bins [25, 35), [35, 45), [45, 55), [55, 65)
    np.testing.assert_array_equal(bridge.rates(rec, 10.0)[:, 0], [100.0, 0.0, 0.0, 100.0])
    f = tr.cut(rec, bin_ms=5.0)  # one spike in a 5 ms bin is 200 Hz
    np.testing.assert_array_equal(f[0], [[200.0, 0.0], [0.0, 200.0]])
    np.testing.assert_array_equal(f[1], [[0.0, 200.0], [200.0, 0.0]])


# ------------------------------------------------------------------------------ export
def test_npz_round_trip_needs_no_pickle(tmp_path):
    net = sp.Network(dt=0.1, seed=2)
    pop = net.add_neurons(6, sp.Izhikevich.preset("RS"), name="exc")
    net.add_current(pop, np.linspace(5.0, 15.0, 6))
    rec = net.record_spikes(pop, neurons=[1, 3, 5])
    net.run(200.0, progress=False)
    assert rec.count > 10
    bridge.save_npz(tmp_path / "spikes.npz", [rec])
    back = bridge.load_npz(tmp_path / "spikes.npz")["exc"]
    np.testing.assert_array_equal(back.steps, rec.steps)
    np.testing.assert_array_equal(back.i, rec.i)
    np.testing.assert_array_equal(back.neurons, [1, 3, 5])
    assert (back.n, back.dt, back.t_start, back.t_stop) == (6, 0.1, 0.0, 200.0)
    np.testing.assert_array_equal(bridge.rates(back, 10.0), bridge.rates(rec, 10.0))
    assert bridge.rates(rec, 10.0).shape == (20, 3)  # the recorded neurons by default


def test_to_neo_gives_spiketrains_in_ms_for_elephant():
    neo = pytest.importorskip("neo")
    s = random_spikes(4)
    seg = bridge.to_neo(s, name="run")
    assert isinstance(seg, neo.Segment) and len(seg.spiketrains) == 5
    st = seg.spiketrains[2]
    assert str(st.units.dimensionality) == "ms"
    assert (float(st.t_start), float(st.t_stop)) == (0.0, 200.0)
    np.testing.assert_allclose(st.magnitude, s.trains()[2])
    assert st.annotations["neuron"] == 2


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda s: bridge.rates(s, bin_ms=0.25), ValueError, "bin_ms must be a whole number"),
        (lambda s: bridge.rates(s, 10.0, kernel="box"), ValueError, "kernel must be one of"),
        (lambda s: bridge.rates(s, 10.0, sigma_ms=3.0), ValueError, "sigma_ms is the width"),
        (lambda s: bridge.rates(s, 10.0, neurons=[7]), ValueError, "neurons holds index 7"),
        (lambda s: bridge.rates([1, 2], 10.0), TypeError, "spikes must be a spiker.SpikeRecord"),
        (lambda s: bridge.windows(np.zeros((5, 2)), 6), ValueError, "length must be <= n_bins"),
        (lambda s: bridge.images(np.zeros((2, 6)), (4, 2)), ValueError, "grid 4 x 2 holds 8"),
        (lambda s: bridge.poisson_encode([1.5], 10.0, 50.0, 0), ValueError, r"values must lie"),
        (lambda s: bridge.poisson_encode([1.0], 10.0, 50.0, None), TypeError, "rng must be"),
        (lambda s: bridge.trials(np.ones((2, 2)), 10.0), TypeError, "rng is required"),
        (lambda s: bridge.trials(np.ones((2, 2)), 10.0, encoder="x"), ValueError, "encoder must"),
    ],
)
def test_bad_input_names_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call(random_spikes(5))


# ------------------------------------------------------------------------------ the example
def test_example_spikes_to_lstm_reduced_beats_chance_and_stays_under_the_pixel_ceiling(tmp_path):
    """300 digits, 50 ms presentations, a few epochs: every model on spike rates beats chance
    (0.1) by far, and none beats the same model on the noise-free pixels by more than 2 of the
    60 test digits (more would mean leakage; the two allow for a few epochs of training noise).
    """
    pytest.importorskip("sklearn")
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "examples" / "spikes_to_lstm.py"
    spec = importlib.util.spec_from_file_location("example_spikes_to_lstm", path)
    ex = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ex)
    r = ex.run(
        n_samples=300,
        presentation_ms=50.0,
        rest_ms=20.0,
        epochs_lstm=6,
        epochs_cnn=6,
        seed=0,
        progress=False,
    )
    assert r["sim"]["features"].shape == (300, 5, 64)
    assert r["n_test"] == 60
    for name, (spikes, pixels) in r["accuracy"].items():
        assert spikes > 0.5, name
        assert spikes <= pixels + 2 / 60, name
    figures = ex.plot(r, tmp_path)
    assert all(p.stat().st_size > 1000 for p in figures)
