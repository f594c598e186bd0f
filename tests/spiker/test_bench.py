"""The benchmark harness (``spiker bench``): its table, its skips, its argument checks.

The suite itself runs in child processes, as a user runs it; the smallest form (one workload,
spiker alone, one repetition, no warm-up) takes a few seconds.
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

import spiker as sp
from spiker.bench import PEERS, WORKLOADS, main

ROOT = Path(__file__).resolve().parents[2]
CLI = "import sys; from spiker.cli import main; sys.exit(main(sys.argv[1:]))"
COLUMNS = [
    "workload",
    "model time",
    "simulator",
    "run",
    "× real time",
    "build",
    "process",
    "spikes",
    "peak RSS",
    "B/synapse",
    "spiker ÷ peer, run",
    "spiker ÷ peer, process",
]


def _bench(tmp_path, *args, pythonpath=()):
    out, raw = tmp_path / "README.md", tmp_path / "raw.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*map(str, pythonpath), str(ROOT)])}
    cmd = [
        sys.executable,
        "-c",
        CLI,
        "bench",
        "--quick",
        "--only",
        "izhikevich2003",
        "--repeats",
        "1",
        "--out",
        str(out),
        "--json",
        str(raw),
        "--cache-dir",
        str(tmp_path / "cache"),
        "--no-progress",
        *args,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return out.read_text(), json.loads(raw.read_text())


def _table(text):
    """The rows of the Markdown table whose header is COLUMNS, as dicts."""
    lines = text.splitlines()
    start = lines.index("| " + " | ".join(COLUMNS) + " |")
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows.append(dict(zip(COLUMNS, cells, strict=True)))
    return rows


def _seconds(cell):
    value, unit = cell.split()
    return float(value) * {"ms": 1e-3, "s": 1.0}[unit]


def test_quick_bench_tables_spikers_run_with_its_spike_count(tmp_path):
    text, raw = _bench(tmp_path, "--peers", "none")
    (row,) = _table(text)
    assert (row["workload"], row["simulator"], row["model time"]) == (
        "izhikevich2003",
        "spiker",
        "1 s",
    )
    run = _seconds(row["run"])
    assert math.isfinite(run) and run > 0 and _seconds(row["process"]) > run
    # the bench runs the canonical model: its spike count is the model's, seed for seed
    expected = sp.models.izhikevich2003().run(1000.0, progress=False)
    expected = sum(r.count for r in expected.spike_records().values())
    assert int(row["spikes"]) == expected
    (result,) = raw["runs"]["izhikevich2003/spiker"]
    assert result["spikes"] == expected and result["synapses"] == 1_000_000
    assert 0 < result["run_s"] < result["process_s"]
    assert result["peak_rss"] > result["rss_import"] > 0
    assert "Machine:" in text and "spiker bench --quick --only izhikevich2003" in text


def test_a_peer_that_cannot_be_imported_is_reported_skipped_with_the_reason(tmp_path):
    fake = tmp_path / "fake"  # a brian2 that fails to import, ahead of the real one
    (fake / "brian2").mkdir(parents=True)
    (fake / "brian2" / "__init__.py").write_text("raise ImportError('simulated breakage')\n")
    text, raw = _bench(tmp_path, "--peers", "brian2-cython", pythonpath=[fake])
    rows = {r["simulator"]: r for r in _table(text)}
    assert _seconds(rows["spiker"]["run"]) > 0
    assert rows["Brian2 cython"]["run"] == "skipped [1]"
    assert "1. izhikevich2003, Brian2 cython: skipped: brian2 cannot be imported" in text
    assert "simulated breakage" in raw["notes"]["izhikevich2003/brian2-cython"]
    assert "izhikevich2003/brian2-cython" not in raw["runs"]


def test_nest_skips_spnet_with_the_reason():
    pytest.importorskip("nest")
    from spiker.bench.child import Skip, measure

    with pytest.raises(Skip, match="SpnetUpdate"):
        measure({"workload": "polychronization_10s", "sim": "nest-1", "duration": 10.0})


@pytest.mark.parametrize(
    "args, message",
    [
        (["--only", "nonsense"], "invalid choice: 'nonsense'"),
        (["--repeats", "0"], "must be > 0"),
        (["--peers", "nest-3"], "invalid choice: 'nest-3'"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--out", "/no/such/dir/README.md"], "--out: directory '/no/such/dir' does not exist"),
        (["--peers", "all", "nest-1"], "--peers: 'all' and 'none' stand alone"),
        (["--quick", "--only", "izhikevich2003_100k"], "--quick leaves out izhikevich2003_100k"),
    ],
)
def test_inconsistent_arguments_exit_2_before_any_run(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_every_workload_and_peer_of_issue_10_is_listed():
    assert set(PEERS) == {"spiker-2", "brian2-cpp", "brian2-cython", "nest-1", "nest-2"}
    assert {
        "izhikevich2003",
        "izhikevich2003_10k",
        "izhikevich2003_100k",
        "polychronization_10s",
        "polychronization_60s",
        "izhikevich2003_euler",
        "polychronization_euler",
        "feedforward_stdp",
        "cuba",
    } <= set(WORKLOADS)
