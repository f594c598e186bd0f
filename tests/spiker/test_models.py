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
