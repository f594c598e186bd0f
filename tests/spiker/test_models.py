"""Canonical models, their default figures (the command line: test_cli.py)."""

import numpy as np
import pytest

import spiker as sp


def test_izhikevich2003_is_net_m():
    m = sp.models.izhikevich2003(seed=3)
    net = m.net
    exc, inh = net.groups
    assert (exc.n, inh.n) == (800, 200)
    re = (exc.c + 65) / 15
    np.testing.assert_allclose(exc.d, 8 - 6 * re, rtol=0, atol=1e-12)
    assert np.all((exc.a == 0.02) & (exc.b == 0.2)) and np.all((re >= 0) & (re <= 1))
    ri = (inh.a - 0.02) / 0.08
    np.testing.assert_allclose(inh.b, 0.25 - 0.05 * ri, atol=1e-12)
    assert np.all((inh.c == -65) & (inh.d == 2))
    assert sum(p.n for p in net.projections) == 1000 * 1000
    for p in net.projections:
        assert p.kind == "pulse" and np.all(p.delay_steps == 1)
        if p.pre is exc:
            assert 0 <= p.weight.min() and p.weight.max() < 0.5 and p.weight.mean() > 0.2
        else:
            assert -1 < p.weight.min() and p.weight.max() <= 0 and p.weight.mean() < -0.4
    assert net.dt == 1.0 and exc.model.method == "izhikevich" and exc.model.substeps == 2


def test_izhikevich2003_rates_over_five_seeds():
    # reference: net.m's rates over 5 seeds x 2 s, 7.5 +/- 0.5 Hz (exc) and 7.1 +/- 0.5 Hz (inh)
    exc, inh = [], []
    for seed in range(5):
        m = sp.models.izhikevich2003(seed=seed).run(2000.0, progress=False)
        exc.append(m.records["exc"].rate())
        inh.append(m.records["inh"].rate())
    assert np.mean(exc) == pytest.approx(7.5, abs=0.5)
    assert np.mean(inh) == pytest.approx(7.1, abs=0.5)


def test_raster_is_one_artist_with_two_colours():
    m = sp.models.izhikevich2003(seed=1).run(200.0, progress=False)
    ax = sp.plot.raster([m.records["exc"], m.records["inh"]])
    assert len(ax.collections) == 1
    coll = ax.collections[0]
    assert coll.get_offsets().shape[0] == m.records["exc"].count + m.records["inh"].count
    ax.figure.canvas.draw()
    assert len({tuple(c) for c in coll.get_facecolors()}) == 2


# ---- default figures (what spiker run MODEL writes) ---------------------------------------------
def test_izhikevich2004_figure_is_the_feature_trace_and_its_current():
    m = sp.models.izhikevich2004("tonic_bursting").run(progress=False)
    fig = m.figure()
    top, bottom = fig.axes
    assert top.get_title() == "(C) tonic bursting: Izhikevich (2004), figure 1"
    (v,) = top.collections[0].get_segments()
    # every spike drawn up to v_peak = 30 mV, as in the paper; nothing above it
    assert np.sum(v[:, 1] == 30.0) == m.records["spikes"].count == 28 and v[:, 1].max() == 30.0
    (current,) = bottom.collections[0].get_segments()
    assert current[:, 1].max() == 15.0 and bottom.get_ylabel() == "input I"


def test_stdp_competition_figure_shows_weights_at_start_and_end_traces_and_rate():
    m = sp.models.stdp_competition(seed=1).run(3000.0, progress=False)
    hist, traces, rate = m.figure().axes
    labels = [t.get_text() for t in hist.get_legend().get_texts()]
    assert labels == ["start", "after 3 s"]
    start = hist.patches[0]  # outlines (stairs), one per distribution, never filled
    assert not start.get_fill() and len(hist.patches) == 2
    assert [t.get_text() for t in traces.get_legend().get_texts()] == ["synapse 0", "synapse 1"]
    assert rate.get_ylabel() == "rate (Hz)"
    (steps,) = rate.patches
    heights = steps.get_data().values  # Hz in 150 ms bins (3 s / 20)
    assert heights.sum() * 0.15 == pytest.approx(m.records["output"].count)


def test_polychronization_figure_is_the_last_second_and_the_weights():
    m = sp.models.polychronization(seed=1).run(3000.0, progress=False)
    raster, weights = m.figure().axes
    assert raster.get_xlim() == (2.0, 3.0) and raster.get_xlabel() == "time (s)"
    drawn = raster.collections[0].get_offsets()
    last = sum(np.sum(r.t >= 2000.0) for r in m.spike_records().values())
    assert drawn.shape[0] == last > 0
    assert not raster.xaxis.get_major_formatter().get_useOffset()
    names = {t.get_text() for t in raster.texts}
    assert names == {"exc", "inh"}
    assert [t.get_text() for t in weights.get_legend().get_texts()] == ["start", "after 3 s"]


def test_default_figure_is_the_raster_of_every_spike_record():
    m = sp.models.izhikevich2003(seed=1).run(100.0, progress=False)
    (ax,) = m.figure().axes
    assert ax.get_title() == "izhikevich2003: 100 ms, seed 1"
    assert (
        ax.collections[0].get_offsets().shape[0] == m.records["exc"].count + m.records["inh"].count
    )


def test_izhikevich2003_scaled_keeps_net_m_mean_drive_with_k_inputs_per_neuron():
    m = sp.models.izhikevich2003(n=2000, k=100)
    exc, inh = m.net.groups
    assert (exc.n, inh.n) == (1600, 400)
    drive = {}
    for p in m.net.projections:
        per_post = np.bincount(p.j, minlength=p.post.n)
        assert np.all(per_post == (80 if p.pre is exc else 20))  # fixed in-degree 80 + 20
        pairs = p.i.astype(np.int64) * p.post.n + p.j
        assert np.unique(pairs).size == p.n  # distinct presynaptic cells
        scale = 0.5 * 800 / 80 if p.pre is exc else -200 / 20  # 1000/k = 10
        w = p.weight / scale  # U(0, 1)
        assert w.min() >= 0 and w.max() < 1 and abs(w.mean() - 0.5) < 0.01
        drive[(p.pre.name, p.post.name)] = p.weight.sum() / p.post.n
    # net.m: 800 * 0.25 = 200 from excitatory and 200 * -0.5 = -100 from inhibitory cells
    # per unit rate, into every neuron; here within 1 % (sampling of the weights)
    for (pre, _), value in drive.items():
        assert value == pytest.approx(200.0 if pre == "exc" else -100.0, rel=0.01)


def test_izhikevich2003_default_is_unchanged_by_the_scaling_parameters():
    a = sp.models.izhikevich2003(seed=4).run(300.0, progress=False)
    b = sp.models.izhikevich2003(seed=4, n=1000, k=None, form="published").run(
        300.0, progress=False
    )
    for name in ("exc", "inh"):
        np.testing.assert_array_equal(a.records[name].steps, b.records[name].steps)
        np.testing.assert_array_equal(a.records[name].i, b.records[name].i)


def test_izhikevich2003_euler_form_is_forward_euler_at_0_1_ms_with_jumps_of_the_same_weights():
    pub, eul = sp.models.izhikevich2003(seed=5), sp.models.izhikevich2003(seed=5, form="euler")
    assert eul.net.dt == 0.1 and all(g.model.method == "euler" for g in eul.net.groups)
    for p, q in zip(pub.net.projections, eul.net.projections, strict=True):
        assert (p.kind, q.kind) == ("pulse", "jump") and np.all(q.delay_steps == 10)
        np.testing.assert_array_equal(p.weight, q.weight)
    eul.run(1000.0, progress=False)
    # converged dynamics of the same network: rates near net.m's 7.5 Hz (they differ by the
    # integration scheme; 5..12 Hz excludes the runaway of forward Euler at dt = 1 ms)
    assert 5.0 < eul.records["exc"].rate() < 12.0 and 5.0 < eul.records["inh"].rate() < 12.0


def test_izhikevich2003_rejects_an_in_degree_the_populations_cannot_give():
    with pytest.raises(ValueError, match="k = 100 needs 80 excitatory and 20 inhibitory"):
        sp.models.izhikevich2003(n=50, k=100)
    with pytest.raises(ValueError, match="form"):
        sp.models.izhikevich2003(form="rk4")
