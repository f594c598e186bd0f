"""``spiker run MODEL --checkpoint PATH --checkpoint-every MS [--stream DIR]`` and
``spiker run --resume PATH``: an interrupted run resumed from its last checkpoint ends as the run
that never stopped; mistakes are one line and exit code 2, before any simulation."""

import numpy as np
import pytest

import spiker as sp
from spiker.cli import main


def test_an_interrupted_run_resumes_from_its_checkpoint_to_the_same_end(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    original = sp.store.Checkpointer.write
    writes = []

    def interrupt_at_the_third(self):
        writes.append(self.net.t)
        if len(writes) == 3:  # t = 1000 ms: Ctrl+C instead of the checkpoint
            raise KeyboardInterrupt
        original(self)

    monkeypatch.setattr(sp.store.Checkpointer, "write", interrupt_at_the_third)
    args = ["run", "polychronization", "--duration", "2500", "--checkpoint", "ck.npz",
            "--checkpoint-every", "500", "--stream", "records", "--no-progress",
            "--seed", "3"]  # fmt: skip
    assert main(args) == 130
    err = capsys.readouterr().err
    assert "interrupted at t = 1 s" in err and "spiker run --resume ck.npz" in err
    assert writes == [0.0, 500.0, 1000.0]
    assert sp.store.read_info("ck.npz").t == 500.0
    monkeypatch.setattr(sp.store.Checkpointer, "write", original)
    assert main(["run", "--resume", "ck.npz", "--no-progress", "--out", "resumed.png"]) == 0
    out = capsys.readouterr().out
    assert "resuming polychronization at t = 500 ms from ck.npz" in out
    assert "running polychronization for 2 s, seed 3" in out
    info = sp.store.read_info("ck.npz")
    assert (info.t, info.t_end) == (2500.0, 2500.0)
    reference = sp.models.polychronization(seed=3)
    reference.net.run(2500.0, progress=False)
    for name in ("exc", "inh"):
        got = sp.streams.read_record(tmp_path / "records" / name)
        np.testing.assert_array_equal(got["steps"], reference.records[name].steps)
        np.testing.assert_array_equal(got["i"], reference.records[name].i)
    # a finished run resumed has nothing left to do, and says so in its figure
    assert main(["run", "polychronization", "--resume", "ck.npz", "--no-progress"]) == 0
    assert "running polychronization for 0 ms" in capsys.readouterr().out


@pytest.fixture
def files(tmp_path):
    net = sp.Network(dt=1.0, seed=1)
    net.add_neurons(2, sp.Izhikevich(method="izhikevich"))
    net.store(tmp_path / "plain.npz")
    (tmp_path / "broken.npz").write_bytes(b"PK\x03\x04 broken")
    (tmp_path / "a_file").write_text("x")
    return tmp_path


@pytest.mark.parametrize(
    "args, expected",
    [
        (["cuba", "--checkpoint-every", "100"], "argument --checkpoint-every: give --checkpoint"),
        (["cuba", "--checkpoint", "nowhere/ck.npz"], "argument --checkpoint: folder "),
        (["cuba", "--checkpoint", "."], "argument --checkpoint: checkpoint='.' is a folder"),
        (["cuba", "--checkpoint-every", "-1", "--checkpoint", "c"], "must be a finite number"),
        (["cuba", "--stream", "a_file"], "argument --stream: 'a_file' is a file"),
        (["cuba", "--stream", "no/such"], "argument --stream: cannot make folder 'no/such'"),
        (["--resume", "missing.npz"], "argument --resume: no file 'missing.npz'"),
        (["--resume", "broken.npz"], "argument --resume: 'broken.npz' cannot be read as a"),
        (["--resume", "plain.npz"], "was not written by 'spiker run --checkpoint'"),
        (["--resume", "plain.npz", "--seed", "2"], "--seed cannot be changed"),
        (["--resume", "plain.npz", "--duration", "2", "--stream", "s"], "--duration, --stream"),
    ],
)
def test_long_run_mistakes_are_one_line_and_exit_2(files, monkeypatch, capsys, args, expected):
    monkeypatch.chdir(files)
    before = sorted(p.name for p in files.iterdir())
    assert main(["run", *args]) == 2
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and out == "", err
    assert lines[0].startswith("spiker run: error: ") and expected in lines[0], lines[0]
    assert sorted(p.name for p in files.iterdir()) == before  # nothing ran, nothing written


def test_resume_refuses_a_checkpoint_of_another_model(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "izhikevich2003", "--duration", "20", "--checkpoint", "ck.npz",
                 "--no-progress"]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["run", "cuba", "--resume", "ck.npz"]) == 2
    assert "is a checkpoint of 'izhikevich2003', not of 'cuba'" in capsys.readouterr().err
