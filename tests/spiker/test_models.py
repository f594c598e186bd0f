"""Canonical models and the command line."""

import numpy as np
import pytest

import spiker as sp
from spiker.cli import main


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


def test_cli_runs_the_main_job_and_writes_the_raster(tmp_path, capsys):
    out = tmp_path / "raster.png"
    assert (
        main(["run", "izhikevich2003", "--duration", "300", "--seed", "2", "--out", str(out)]) == 0
    )
    text = capsys.readouterr().out
    assert "1000 neurons, 1000000 synapses" in text and "simulated 300 ms" in text
    assert out.stat().st_size > 20_000
    m = sp.models.izhikevich2003(seed=2).run(300.0, progress=False)
    assert f"{m.records['exc'].count:>9} spikes" in text  # the summary reports this very run
    assert main(["run", "--list"]) == 0
    assert "izhikevich2003" in capsys.readouterr().out


def test_cli_rejects_unknown_model_and_bad_duration(capsys):
    assert main(["run", "nosuchmodel"]) == 2
    assert "unknown model 'nosuchmodel'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["run", "izhikevich2003", "--duration", "-5"])
    assert "--duration must be > 0 ms; got -5.0" in capsys.readouterr().err


def test_raster_is_one_artist_with_two_colours():
    m = sp.models.izhikevich2003(seed=1).run(200.0, progress=False)
    ax = sp.plot.raster([m.records["exc"], m.records["inh"]])
    assert len(ax.collections) == 1
    coll = ax.collections[0]
    assert coll.get_offsets().shape[0] == m.records["exc"].count + m.records["inh"].count
    ax.figure.canvas.draw()
    assert len({tuple(c) for c in coll.get_facecolors()}) == 2


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
