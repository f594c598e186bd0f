"""The kernel's Gaussian noise (spiker/kernels/noise.py) against a NumPy reference, and its
distribution.

The reference follows the generator's definition: the word ``s = mix(key ^ d * GOLDEN)``, then
SplitMix64 words of the seed s, and Marsaglia & Tsang's ziggurat with 256 layers built from the
published constants (r = 3.6541528853610088, layer area v = r f(r) + the tail's area).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import spiker as sp
from spiker.kernels import noise as knoise

GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def mix_np(z: np.ndarray) -> np.ndarray:
    z = z.astype(np.uint64)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def tables_np():
    r = 3.6541528853610088
    f = lambda x: np.exp(-0.5 * x * x)  # noqa: E731
    v = r * f(r) + math.sqrt(math.pi / 2) * math.erfc(r / math.sqrt(2))
    X = np.zeros(257)
    X[0], X[1] = v / f(r), r
    for i in range(1, 255):
        X[i + 1] = np.sqrt(-2.0 * np.log(v / X[i] + f(X[i])))
    return r, X


def gauss_np(keys: np.ndarray, d: np.ndarray) -> np.ndarray:
    """N(0, 1) draws ``d`` of the sequences ``keys``, vectorised over the fast path; the few
    draws that miss it are finished one by one with Python's libm (as the kernel's)."""
    r, X = tables_np()
    zk, zw, zf = knoise.ZIG_K, knoise.ZIG_W, knoise.ZIG_F
    s = mix_np(keys ^ (d.astype(np.uint64) * GOLDEN))
    out = np.empty(keys.shape[0])
    todo = np.arange(keys.shape[0])
    c = np.zeros(keys.shape[0], np.uint64)
    first = True
    while todo.size:
        if first:  # the first word is s itself
            u, first = s[todo], False
        else:
            c[todo] += GOLDEN
            u = mix_np(s[todo] + c[todo])
        layer = (u & np.uint64(0xFF)).astype(np.int64)
        sign = np.where((u >> np.uint64(8)) & np.uint64(1), -1.0, 1.0)
        a = u >> np.uint64(11)
        x = a.astype(np.float64) * zw[layer]
        fast = a < zk[layer]
        out[todo[fast]] = sign[fast] * x[fast]
        slow = []
        for q in np.flatnonzero(~fast):
            e = todo[q]

            def word(e=e):  # the next word of e's sequence (array arithmetic wraps silently)
                c[e : e + 1] += GOLDEN
                return int(mix_np(s[e : e + 1] + c[e : e + 1])[0]) >> 11

            if layer[q] == 0:
                while True:
                    xx = -math.log((word() + 1.0) * 2.0**-53) / r
                    yy = -math.log((word() + 1.0) * 2.0**-53)
                    if yy + yy > xx * xx:
                        out[e] = sign[q] * (r + xx)
                        break
                continue
            u3 = word() * 2.0**-53
            i = layer[q]
            if zf[i] + u3 * (zf[i + 1] - zf[i]) < math.exp(-0.5 * x[q] * x[q]):
                out[e] = sign[q] * x[q]
            else:
                slow.append(e)
        todo = np.array(slow, np.int64)
    return out


def test_tables_follow_the_published_constants():
    r, X = tables_np()
    zk, zw, zf = knoise.ziggurat_tables()
    np.testing.assert_allclose(zw * 2.0**53, X[:256], rtol=1e-14)
    np.testing.assert_allclose(zf, np.exp(-0.5 * X * X), rtol=1e-14)
    assert knoise.ZIG_V == pytest.approx(0.00492867323399, rel=1e-11)  # Marsaglia & Tsang
    # the layers reach the top of the curve: the last right edge is close to 0, above it
    assert 0.0 < X[255] < 0.3 and zf[255] + knoise.ZIG_V / X[255] == pytest.approx(1.0, abs=1e-9)
    assert zk[0] == math.floor(2.0**53 * r / X[0])


def test_kernel_draws_equal_the_numpy_reference_bit_for_bit():
    rng = np.random.default_rng(11)
    keys = rng.integers(0, 2**64, 300, dtype=np.uint64)
    mean, std = rng.normal(0, 2, 300), rng.uniform(0, 5, 300)
    out = np.zeros((400, 300))
    knoise.noise_block(keys, mean, std, 3, 7, out, knoise.ZIG_K, knoise.ZIG_W, knoise.ZIG_F)
    d = (7 + np.arange(400)) // 3
    ref = np.stack([mean + std * gauss_np(keys, np.full(300, di)) for di in d])
    np.testing.assert_array_equal(out, ref)
    # the slow paths were taken (wedges and the tail) and agree too
    z = (out - mean) / np.where(std > 0, std, 1)
    assert np.sum(np.abs(z) > knoise.ZIG_R) > 0


def test_draws_are_standard_normal():
    keys = np.random.default_rng(2).integers(0, 2**64, 2000, dtype=np.uint64)
    out = np.zeros((1000, 2000))
    knoise.noise_block(
        keys, np.zeros(2000), np.ones(2000), 1, 0, out, knoise.ZIG_K, knoise.ZIG_W, knoise.ZIG_F
    )
    x = out.ravel()  # 2 M draws
    assert abs(x.mean()) < 5 / math.sqrt(x.size)
    assert x.std() == pytest.approx(1.0, abs=5e-3)
    assert stats.kstest(x, "norm").pvalue > 1e-3
    for t in (1.0, 2.0, 3.0, ZR := knoise.ZIG_R, 4.0):  # the tail beyond r included
        expected = 2 * stats.norm.sf(t) * x.size
        assert abs(np.sum(np.abs(x) > t) - expected) < 5 * math.sqrt(expected) + 1, t
    assert ZR > 3.6
    # neighbouring draws and neighbouring neurons are uncorrelated
    assert abs(np.corrcoef(out[1:, 0], out[:-1, 0])[0, 1]) < 0.1
    assert abs(np.corrcoef(out[:, 0], out[:, 1])[0, 1]) < 0.1


def noisy(seed: int, threads: int = 1) -> sp.Network:
    net = sp.Network(dt=0.5, seed=seed, threads=threads)
    net.units_per_thread = 1
    a = net.add_neurons(40, sp.Izhikevich(), name="a")
    b = net.add_neurons(30, sp.Izhikevich.preset("FS"), name="b")
    net.add_current([a, b], sp.inputs.Noise(std=4.0, mean=2.0, interval=1.5))
    net.add_current(a, sp.inputs.Step(3.0, start=10.0))
    net.add_current(b, sp.inputs.Noise(std=np.linspace(1, 6, 30)), neurons=np.arange(30)[::-1])
    net.connect(a, b, weight=1.0, delay=1.0)
    return net


def test_noise_is_the_same_whatever_the_chunks_threads_and_restarts():
    runs = []
    for threads, chunk, pieces in ((1, 10_000, 1), (1, 7, 1), (2, 10_000, 3), (3, 5, 2)):
        net = noisy(4, threads)
        net._max_chunk = chunk
        cur = net.record_state(net.groups[0], "I")
        for _ in range(pieces):
            net.run(300.0 / pieces, progress=False)
        runs.append(cur.values)
    for other in runs[1:]:
        np.testing.assert_array_equal(runs[0], other)
    assert noisy(5).groups  # another seed gives other noise
    net = noisy(5)
    cur = net.record_state(net.groups[0], "I")
    net.run(300.0, progress=False)
    assert not np.array_equal(cur.values, runs[0])


def test_twins_current_is_the_engines():
    from spiker.interop import external_current

    net = noisy(6)
    I_ext = external_current(net, 600)
    cur = net.record_state(net.groups[1], "I")
    net.record_state(net.groups[0], "v")
    net.run(300.0, progress=False)  # b's input is all "jump" (to v): its I is its external input
    np.testing.assert_array_equal(cur.values, I_ext[:, 40:70].T)


def test_repeated_neurons_are_refused():
    net = sp.Network(seed=1)
    pop = net.add_neurons(5, sp.Izhikevich())
    with pytest.raises(ValueError, match="must not repeat a neuron"):
        net.add_current(pop, sp.inputs.Noise(std=1.0), neurons=[1, 1, 2])


# ---- Poisson trains drawn as intervals (kernels/noise.py poisson_trains) ----------------------
def trains_reference(keys, p, lo, hi):
    """Per unit: start at lo - 1 + gap(1), then each spike adds gap(c) for its c-th draw;
    gap(c) = 1 + floor(log(U) / log1p(-p)), U = ((mix(key ^ c*GOLDEN) >> 11) + 1) / 2**53."""
    out = []
    for u, key in enumerate(keys):
        if p[u] <= 0:
            continue
        scale = 1.0 / math.log1p(-p[u]) if p[u] < 1 else 0.0

        def gap(c, key=key, scale=scale):
            z = np.array([c], np.uint64) * GOLDEN  # (array arithmetic wraps silently)
            word = int(mix_np(key ^ z)[0]) >> 11
            return 1 + math.floor(math.log((word + 1.0) * 2.0**-53) * scale)

        c = 1
        t = lo - 1 + gap(c)
        while t < hi:
            out.append((t, u))
            c += 1
            t += gap(c)
    return sorted(out)


def test_poisson_trains_equal_the_reference_and_do_not_depend_on_chunks():
    net = sp.Network(dt=0.5, seed=3)
    rates = np.array([0.0, 5.0, 40.0, 400.0, 2000.0])  # 2000 Hz at dt 0.5 ms: every step
    src = net.add_poisson(5, rates, name="src")
    whole = src.events(0, 4000)
    expected = trains_reference(src._keys, rates * 0.5 / 1000.0, 0, 4000)
    got = sorted(zip(whole[0].tolist(), (whole[1] - src.start).tolist(), strict=True))
    assert got == expected
    assert sum(1 for _, u in got if u == 4) == 4000 and not any(u == 0 for _, u in got)
    other = sp.Network(dt=0.5, seed=3).add_poisson(5, rates, name="src")
    parts = [other.events(lo, min(lo + 37, 4000)) for lo in range(0, 4000, 37)]
    chunked = sorted(
        (s, u - other.start)
        for steps, units in parts
        for s, u in zip(steps.tolist(), units.tolist(), strict=True)
    )
    assert chunked == expected


def test_poisson_source_rate_and_intervals_and_a_rate_changed_between_runs():
    net = sp.Network(dt=0.1, seed=8)
    src = net.add_poisson(2000, 20.0, name="src")
    rec = net.record_spikes(src)
    net.run(2000.0, progress=False)
    assert rec.count / 2000 / 2.0 == pytest.approx(20.0, rel=0.03)  # Hz
    isi = np.concatenate([np.diff(rec.steps[rec.i == u]) for u in range(200)])
    p = 20.0 * 0.1 / 1000.0
    assert isi.min() >= 1 and isi.mean() == pytest.approx(1 / p, rel=0.05)  # geometric
    assert np.mean(isi == 1) == pytest.approx(p, abs=0.002)
    src.rate_hz[:1000] = 80.0  # the next run draws those trains afresh at the new rate
    rec2 = net.record_spikes(src)
    net.run(1000.0, progress=False)
    fast = np.sum(rec2.i < 1000) / 1000 / 1.0
    slow = np.sum(rec2.i >= 1000) / 1000 / 1.0
    assert fast == pytest.approx(80.0, rel=0.03) and slow == pytest.approx(20.0, rel=0.05)


@pytest.mark.parametrize("interval", [0.5, 1.5])  # a draw every step, and one held for 3 steps
def test_one_noise_per_unit_takes_the_contiguous_path_and_equals_the_reference(interval):
    # every unit has exactly one entry: add_noise's contiguous add and its skipped first pass
    # (the steps in which every value is held) against the reference draws
    from spiker.interop import external_current

    net = sp.Network(dt=0.5, seed=8)
    a = net.add_neurons(25, sp.Izhikevich(), name="a")
    net.add_current(a, sp.inputs.Noise(std=np.linspace(1.0, 5.0, 25), mean=1.0, interval=interval))
    I_ext = external_current(net, 400)
    cur = net.record_state(a, "I")
    net.run(100.0, progress=False)
    net.run(100.0, progress=False)
    assert np.unique(I_ext[:12, 0]).size == (12 if interval == 0.5 else 4)
    np.testing.assert_array_equal(cur.values, I_ext.T)
