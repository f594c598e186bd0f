"""spiker.sweep: serial and Dask sweeps give the same table; failures, interruption, no Dask; the
``spiker sweep`` command."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

import numpy as np
import pytest

import spiker as sp
from spiker.measures import gamma, rate
from spiker.models.base import Model
from spiker.sweep import (
    SweepInterrupted,
    SweepTable,
    SweepWarning,
    _build_model,
    grid_points,
    local_client,
)

ROOT = Path(__file__).resolve().parents[2]
NET_M = partial(_build_model, "izhikevich2003")  # net.m, 1000 neurons; `noise` scales its input


def rate_and_gamma(model) -> dict:
    """A user's measure, defined outside spiker: the workers must unpickle it."""
    return {**rate(model), **gamma(model)}


@pytest.fixture(scope="module")
def client():
    pytest.importorskip("distributed")
    with local_client(2) as c:  # 2 worker processes, 1 thread each
        assert sorted(c.nthreads().values()) == [1, 1]
        assert set(c.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_")).values()) == {None}
        yield c


def test_sweep_on_two_dask_workers_equals_the_serial_sweep_exactly(client):
    grid = {"noise": [0.8, 1.2]}
    serial = sp.sweep(NET_M, grid, 200.0, rate_and_gamma, seeds=3, progress=False)
    assert [(r["noise"], r["seed"]) for r in serial] == [
        (n, s) for n in (0.8, 1.2) for s in range(3)
    ]
    assert all(r["error"] is None for r in serial)
    assert serial[0]["rate"] != serial[1]["rate"]  # seeds differ
    assert serial[0]["rate"] < serial[3]["rate"]  # more noise, more spikes
    for batch_size in (None, 4):  # one run per task (6 runs, 2 workers), and 4 runs in a task
        on_dask = sp.sweep(NET_M, grid, 200.0, rate_and_gamma, seeds=3, client=client,
                           batch_size=batch_size, progress=False)  # fmt: skip
        assert isinstance(on_dask, SweepTable)
        assert on_dask == serial  # every float bit for bit, in grid order


def test_a_run_that_raises_is_reported_and_the_others_complete(client):
    # noise = -1 makes the input's std negative: izhikevich2003 raises while building
    grid = {"noise": [1.0, -1.0, 0.8]}
    for kwargs in ({}, {"client": client}):
        with pytest.warns(
            SweepWarning, match=r"2 of 6 runs failed; the first \(noise=-1.0, seed=0\)"
        ):
            table = sp.sweep(NET_M, grid, 100.0, rate, seeds=2, progress=False, **kwargs)
        assert [r["noise"] for r in table.failures] == [-1.0, -1.0]
        for row in table.failures:
            assert "Traceback" in row["error"] and "std must be >= 0" in row["error"]
            assert "rate" not in row
        done = [r for r in table if r["error"] is None]
        assert [(r["noise"], r["seed"]) for r in done] == [(1.0, 0), (1.0, 1), (0.8, 0), (0.8, 1)]
        assert all(r["rate"] > 0 for r in done)
        assert [r["n"] for r in table.aggregate("rate")] == [2, 0, 2]


def test_sweep_runs_serially_without_dask_and_a_client_needs_it(monkeypatch):
    reference = sp.sweep(NET_M, {"noise": [1.0]}, 100.0, rate, seeds=2, progress=False)
    for name in ("dask", "distributed"):  # an import of either now raises ImportError
        monkeypatch.setitem(sys.modules, name, None)
    table = sp.sweep(NET_M, {"noise": [1.0]}, 100.0, rate, seeds=2, progress=False)
    assert table == reference and len(table) == 2
    with pytest.raises(ImportError, match=r"needs dask.distributed: pip install 'spiker\[dask\]'"):
        sp.sweep(NET_M, {"noise": [1.0]}, 100.0, rate, client=object())


def _tiny(seed: int, current: float = 10.0, a: float = 0.02) -> Model:
    net = sp.Network(dt=0.5, seed=seed)
    pop = net.add_neurons(3, sp.Izhikevich(a=a), name="cells")
    net.add_current(pop, sp.inputs.Noise(std=2.0, mean=current))
    return Model("tiny", net, {"cells": net.record_spikes(pop)}, 100.0)


def test_rows_come_in_grid_order_last_parameter_then_seed_fastest_and_csv_keeps_every_bit(
    tmp_path,
):
    grid = {"current": [8.0, 12.0], "a": np.array([0.02, 0.1])}
    table = sp.sweep(_tiny, grid, 50.0, rate, seeds=[5, 7], progress=False)
    assert [(r["current"], r["a"], r["seed"]) for r in table] == [
        (c, a, s) for c in (8.0, 12.0) for a in (0.02, 0.1) for s in (5, 7)
    ]
    assert type(table[0]["a"]) is float  # numpy scalars become Python numbers
    assert table.columns == ["current", "a", "seed", "rate", "rate_cells", "error"]
    table.to_csv(tmp_path / "t.csv")
    with open(tmp_path / "t.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [float(r["rate"]) for r in rows] == [r["rate"] for r in table]
    assert {r["error"] for r in rows} == {""}
    means = table.aggregate("rate")
    assert len(means) == 4 and means[0]["n"] == 2
    assert means[0]["mean"] == pytest.approx((table[0]["rate"] + table[1]["rate"]) / 2)
    assert grid_points({}) == [{}]


@pytest.mark.parametrize(
    ("grid", "seeds", "message"),
    [
        ({"seed": [1]}, 1, "names must be identifiers other than"),
        ({"a": 0.1}, 1, r"grid\['a'\] must be a 1-d sequence"),
        ({"a": []}, 1, r"grid\['a'\] must hold at least one value"),
        ({"a": [0.1]}, 0, "seeds must be an integer >= 1; got 0"),
    ],
)
def test_bad_grids_and_seeds_are_named_before_any_run(grid, seeds, message):
    def build(seed, **params):
        raise AssertionError("nothing may be built")

    with pytest.raises((TypeError, ValueError), match=message):
        sp.sweep(build, grid, 10.0, rate, seeds=seeds)


def test_ctrl_c_raises_sweep_interrupted_with_the_finished_runs():
    def build(seed, current):
        if current > 10.0:
            raise KeyboardInterrupt
        return _tiny(seed, current)

    with pytest.raises(SweepInterrupted) as stop:
        sp.sweep(build, {"current": [9.0, 10.0, 11.0, 12.0]}, 20.0, rate, progress=False)
    table = stop.value.table
    assert [r["error"] is None for r in table] == [True, True, False, False]
    assert table.failures[0]["error"] == "not run: the sweep was interrupted"


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    code = "import sys; from spiker.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_cli_writes_the_table_and_plot_of_the_python_sweep(tmp_path):
    pytest.importorskip("distributed")
    expected = sp.sweep(NET_M, {"noise": [0.8, 1.2]}, 200.0, rate, seeds=2, progress=False)
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        done = _cli("sweep", "izhikevich2003", "--grid", "noise=0.8:1.2:2", "--seeds", "2",
                    "--measure", "rate", "--workers", workers, "--duration", "200",
                    "--out", str(out), "--no-progress", cwd=tmp_path)  # fmt: skip
        assert done.returncode == 0, done.stderr
        with open(f"{out}.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        got = [(float(r["noise"]), int(r["seed"]), float(r["rate"])) for r in rows]
        assert got == [(r["noise"], r["seed"], r["rate"]) for r in expected]
        png = Path(f"{out}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
        assert "0.8  " in done.stdout and "1.2  " in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuchmodel", "--grid", "noise=1:2:2"], "unknown model 'nosuchmodel'; choose from"),
        (["izhikevich2003", "--grid", "gain=1:2:2"], "unknown parameter 'gain' for izhikevich2003"),
        (["izhikevich2003", "--grid", "noise=1:2"], "a range is LO:HI:N"),
        (["izhikevich2003", "--grid", "noise"], "expected NAME=LO:HI:N or NAME=V1,V2"),
        (["izhikevich2003", "--grid", "noise=a,b"], "'a' is not a finite number"),
        (["izhikevich2003", "--grid", "noise=1", "--workers", "0"], "--workers must be an integer"),
        (["izhikevich2003", "--grid", "noise=1", "--measure", "cv"], "unknown measure 'cv'"),
        (["izhikevich2003", "--grid", "noise=-1,1"], "cannot be built with noise=-1.0: std must"),
        (["izhikevich2003", "--grid", "noise=1", "--duration", "0.5"], "--duration must be a"),
        (["izhikevich2003", "--grid", "noise=1", "--out", "no/such/dir/x"], "is not a folder"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2_before_any_run(
    tmp_path, monkeypatch, capsys, args, message
):
    from spiker.cli import main

    monkeypatch.chdir(tmp_path)
    # spiker.sweep is the function; its module is in sys.modules
    monkeypatch.setattr(sys.modules["spiker.sweep"], "sweep", lambda *a, **k: pytest.fail("ran"))
    assert main(["sweep", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err
    assert list(tmp_path.iterdir()) == []
