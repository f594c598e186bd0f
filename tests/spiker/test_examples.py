"""The spiker examples run as a user runs them (a subprocess, short options) and write a figure
that holds what they claim: the printed rates lie in the published ranges."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_example(name, *args, cwd):
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, str(ROOT / "examples" / name), *args, "--no-progress"]
    proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def rates(stdout):
    return [float(hz) for hz in re.findall(r"([0-9.]+) Hz", stdout)]


def test_cuba_example_writes_its_figure_with_cubas_rates(tmp_path):
    out = run_example("cuba.py", "--n", "1000", "--duration", "300", cwd=tmp_path)
    assert (tmp_path / "cuba.png").stat().st_size > 10_000
    exc, inh = rates(out)
    assert 2.0 < exc < 15.0 and 2.0 < inh < 15.0  # asynchronous irregular, ~5 Hz


@pytest.mark.parametrize(("panel", "low", "high"), [("A", 80.0, 500.0), ("D", 1.0, 20.0)])
def test_brunel2000_example_panels_a_and_d_fire_at_their_regimes_rates(tmp_path, panel, low, high):
    # at N_E = 2000 panel A still fires synchronously at hundreds of Hz and D sparsely
    out = run_example("brunel2000.py", "--panels", panel, "--n-e", "2000", cwd=tmp_path)
    assert (tmp_path / "brunel2000.png").stat().st_size > 10_000
    (hz,) = rates(out)
    assert low < hz < high
