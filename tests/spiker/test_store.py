"""net.store / net.restore, checkpoints and resume (spiker/store.py): a run stored, restored in a
fresh process and run on gives the spikes, samples and weights of the uninterrupted run, bit for
bit; so does a checkpointed run killed with SIGKILL and resumed; damaged and foreign files are
refused with what is wrong."""

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

import spiker as sp
from spiker.store import CheckpointError
from tests.spiker.store_cases import families, outcome, polychronization

ROOT = Path(__file__).resolve().parents[2]


def child(*args: str, **kwargs) -> subprocess.CompletedProcess | subprocess.Popen:
    """``python -m tests.spiker.store_cases ARGS`` in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "tests.spiker.store_cases", *args]
    if kwargs.pop("wait", True):
        return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)


def assert_identical(expected: dict, path: Path) -> None:
    with np.load(path, allow_pickle=False) as got:
        assert sorted(got.files) == sorted(expected)
        for name, value in expected.items():
            np.testing.assert_array_equal(got[name], value, err_msg=name, strict=True)


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """Each case stored at a random step mid-run (not on a deferred update), and the outcome of
    running on from there to its end without stopping."""
    folder = tmp_path_factory.mktemp("stored")
    rng = np.random.default_rng(2024)
    cases = {}
    for name, build, end, lo, hi in (("polychronization", polychronization, 2600.0, 1001, 1999),
                                     ("families", families, 1200.0, 1000, 3600)):  # fmt: skip
        net, records = build()
        step = int(rng.integers(lo, hi))
        net.run(step * net.dt, progress=False)
        in_flight = {
            "pending input": int(np.count_nonzero(net._ring)),
            "recent spikes": int(np.count_nonzero(net._hist_n)),
            "deferred changes": sum(
                int(np.count_nonzero(p._plastic["sd"])) for p in net.projections if p._plastic
            ),  # fmt: skip
        }
        net.store(folder / f"{name}.npz")
        net.run(end - net.t, progress=False)
        cases[name] = (folder / f"{name}.npz", end, outcome(net, records), step, in_flight)
    return cases


#: Arrays of a Network that are structure (rebuilt by the same build), not run state.
STRUCTURE = {"_family", "_method"}


def test_every_array_of_the_network_is_run_state_or_structure():
    """Network._run_state() is the one list of what a run carries over. An array the engine
    adds to the network must join it (or STRUCTURE here): this test names the one left out."""
    net, _ = families()
    net.run(10.0, progress=False)
    state = net._run_state()
    listed = {id(arr) for arr in state.values()}
    for name, value in vars(net).items():
        if isinstance(value, np.ndarray) and name not in STRUCTURE:
            assert id(value) in listed, f"net.{name} is neither in _run_state() nor STRUCTURE"
    for k, proj in enumerate(net.projections):
        for key in proj._plastic or {}:
            assert f"projection{k}.{key}" in state
    assert state["step"][0] == net.step


@pytest.mark.parametrize("case", ["polychronization", "families"])
def test_restored_in_a_fresh_process_it_runs_on_bit_identical(stored, case, tmp_path):
    path, end, expected, step, in_flight = stored[case]
    # the moment is a hard one: spikes in flight on delays, STDP between deferred updates
    assert all(count > 0 for count in in_flight.values()), in_flight
    if case == "polychronization":
        assert step % 1000 != 0 and 1000 < step < 2000  # between two spnet updates
    result = child("restore", case, str(path), str(end), str(tmp_path / "out.npz"))
    assert result.returncode == 0, result.stderr
    assert_identical(expected, tmp_path / "out.npz")


def test_a_checkpointed_run_killed_with_sigkill_resumes_bit_identical(tmp_path):
    end, every = 1500.0, 100.0
    path, folder = tmp_path / "run.npz", tmp_path / "streams"
    folder.mkdir()
    proc = child("checkpointed", "families", str(path), str(end), str(every), str(folder),
                 wait=False)  # fmt: skip
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:  # kill once the run is a third of the way
            try:
                if sp.store.read_info(path).t >= 500.0:
                    break
            except (FileNotFoundError, CheckpointError):
                pass
            assert proc.poll() is None, "the run ended before it could be killed"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    info = sp.store.read_info(path)
    assert 500.0 <= info.t < end and info.t_end == end and info.every_ms == every
    # the uninterrupted run, in memory
    net, records = families()
    net.run(end, progress=False)
    # the killed run's streamed records are readable up to their last complete chunk
    left = sp.streams.read_record(folder / "izh")
    assert 0 < left["steps"].shape[0] <= records["izh"].count
    np.testing.assert_array_equal(left["steps"], records["izh"].steps[: left["steps"].shape[0]])
    # resumed (in a fresh network, its streams pointing at the same folders) to the same end
    resumed_net, resumed = families(stream=str(folder))
    resumed_net.resume(path, progress=False)
    assert resumed_net.t == end
    got, expected = outcome(resumed_net, resumed), outcome(net, records)
    assert sorted(got) == sorted(expected)
    for name in expected:
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name, strict=True)
    for name in ("izh", "lif", "i07", "v", "w"):  # the folders alone hold the same
        on_disk = sp.streams.read_record(folder / name)
        rec = records[name]
        np.testing.assert_array_equal(on_disk["steps"], rec.steps)
        field = "i" if name in ("izh", "lif", "i07") else "values"
        np.testing.assert_array_equal(on_disk[field], getattr(rec, field))


def test_store_then_restore_in_process_with_a_callback_and_streams(tmp_path):
    """A store from inside a callback (mid-run) into a network whose records stream."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    net, records = families(stream=str(tmp_path / "a"))
    path = tmp_path / "mid.npz"

    def keep(net):
        if net.t == 450.0:
            net.store(path)

    net.run(900.0, progress=False, callback=keep, every_ms=50.0)
    expected = outcome(net, records)  # before another network writes to its folders
    other, _ = families(stream=str(tmp_path / "b"))
    with pytest.raises(CheckpointError, match="no spiker record there"):
        other.restore(path)  # its streams are other folders
    assert other.t == 0.0  # refused: nothing changed
    again, again_records = families(stream=str(tmp_path / "a"))
    assert again.restore(path).t == 450.0
    again.run(450.0, progress=False)
    got = outcome(again, again_records)
    for name in expected:
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name, strict=True)
    # a new run that writes to the same folders replaces the records the file refers to
    families(stream=str(tmp_path / "a"))[0].run(10.0, progress=False)
    with pytest.raises(CheckpointError, match="not the record this checkpoint refers to"):
        families(stream=str(tmp_path / "a"))[0].restore(path)


def test_checkpoints_and_a_user_callback_each_keep_their_interval(tmp_path, monkeypatch):
    written, called = [], []
    original = sp.store.Checkpointer.write
    monkeypatch.setattr(sp.store.Checkpointer, "write",
                        lambda self: (written.append(self.net.t), original(self))[1])  # fmt: skip
    net, records = families()
    net.run(200.0, progress=False, callback=lambda net: called.append(net.t), every_ms=30.0,
            checkpoint=tmp_path / "c.npz", checkpoint_every=50.0)  # fmt: skip
    assert called == [30.0 * k for k in range(1, 7)]
    assert written == [0.0, 50.0, 100.0, 150.0, 200.0]  # the start, the interval, the end
    info = sp.store.read_info(tmp_path / "c.npz")
    assert (info.t, info.t_end, info.every_ms) == (200.0, 200.0, 50.0)
    reference, ref_records = families()
    reference.run(200.0, progress=False)
    np.testing.assert_array_equal(records["izh"].steps, ref_records["izh"].steps)


def test_a_crash_while_writing_a_checkpoint_leaves_the_previous_one(tmp_path, monkeypatch):
    net, _ = families()
    path = tmp_path / "c.npz"
    net.run(100.0, progress=False, checkpoint=path)
    before = path.read_bytes()

    def crash(fh, **arrays):
        fh.write(b"PK\x03\x04 half a zip")
        raise OSError("No space left on device")

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(OSError, match="No space left"):
        net.run(100.0, progress=False, checkpoint=path, checkpoint_every=50.0)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.npz"]  # no temporary file left
    assert sp.store.read_info(path).t == 100.0


def corrupt(data: bytes, member: str) -> bytes:
    """``data`` (a zip) with one byte in the middle of ``member``'s data flipped."""
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo(member)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    pos = start + info.compress_size // 2
    return data[:pos] + bytes([data[pos] ^ 0x10]) + data[pos + 1 :]


def test_damaged_and_foreign_files_are_refused_with_what_is_wrong(tmp_path):
    net, _ = families()
    net.run(50.0, progress=False)
    path = tmp_path / "good.npz"
    net.store(path)
    data = path.read_bytes()
    cases = {
        "truncated.npz": (data[: len(data) // 2], "truncated or corrupted"),
        "short.npz": (data[:100], "truncated or corrupted"),
        "flipped.npz": (corrupt(data, "state.ring.npy"), "corrupted"),
        "empty.npz": (b"", "truncated or corrupted"),
        "text.npz": (b"hello, world\n" * 10, "truncated or corrupted"),
    }
    # a manifest that still parses but says something else: the checksum catches it
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    manifest = json.loads(arrays["manifest"].tobytes())
    manifest["step"] += 1
    arrays["manifest"] = np.frombuffer(json.dumps(manifest).encode(), np.uint8)
    np.savez(tmp_path / "edited.npz", **arrays)
    cases["edited.npz"] = ((tmp_path / "edited.npz").read_bytes(), "fails its checksum")
    np.save(tmp_path / "array.npy", np.arange(3))
    cases["array.npz"] = ((tmp_path / "array.npy").read_bytes(), "not a spiker checkpoint")
    np.save(tmp_path / "pickle.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    cases["pickle.npz"] = ((tmp_path / "pickle.npy").read_bytes(), "truncated or corrupted")
    fresh, _ = families()
    x0 = fresh._x.copy()
    for name, (content, message) in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(CheckpointError, match=message):
            fresh.restore(tmp_path / name)
        with pytest.raises(CheckpointError):
            sp.store.read_info(tmp_path / name)
    np.testing.assert_array_equal(fresh._x, x0)  # nothing was loaded
    assert fresh.t == 0.0
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        fresh.restore(tmp_path / "missing.npz")
    assert fresh.restore(path).t == 50.0  # the good file still loads


def other_layouts():
    """Networks like families() but for one thing, and what the refusal must name."""

    def sized(net):
        net.add_neurons(3, sp.LIF(), name="extra")

    def recorded(net):
        net.record_spikes(net.groups[0], neurons=[1])

    def connected(net):
        net.connect(net.groups[0], net.groups[1], i=[0], j=[0], weight=1.0)

    return {"group": (sized, "groups"), "record": (recorded, "records"),
            "projection": (connected, "projections")}  # fmt: skip


@pytest.mark.parametrize("change", ["group", "record", "projection", "seed", "dt"])
def test_a_file_of_another_layout_is_refused_naming_what_differs(tmp_path, change):
    net, _ = families()
    net.run(20.0, progress=False)
    net.store(tmp_path / "c.npz")
    if change == "seed":
        other, _ = families(seed=12)
        message = "pairs and delays.*seed 11, this one with seed 12"
    elif change == "dt":
        other = sp.Network(dt=0.5, seed=11)
        message = "dt: 0.25 in the file, 0.5 here"
    else:
        other, _ = families()
        edit, message = other_layouts()[change]
        edit(other)
    with pytest.raises(CheckpointError, match=f"another layout: .*{message}"):
        other.restore(tmp_path / "c.npz")
    assert other.t == 0.0


def test_store_keeps_meta_and_user_changed_parameters(tmp_path):
    net, records = families()
    izh = net.groups[0]
    net.run(100.0, progress=False)
    izh.d[:] = 4.0  # a parameter changed between runs
    net.groups[3].rate_hz[:] = 80.0  # and a Poisson rate
    net.meta = {"experiment": "rest", "trial": 3, "big": 2**70, "nested": {"x": [1.5, None]}}
    net.store(tmp_path / "c.npz")
    net.run(100.0, progress=False)
    other, other_records = families()
    info = other.restore(tmp_path / "c.npz")
    assert info.meta == other.meta == net.meta
    np.testing.assert_array_equal(other.groups[0].d, 4.0)
    other.run(100.0, progress=False)
    np.testing.assert_array_equal(other_records["izh"].steps, records["izh"].steps)
    net.meta = {"bad": object()}
    with pytest.raises(TypeError, match="net.meta must hold JSON values"):
        net.store(tmp_path / "d.npz")


def test_restore_and_run_are_refused_from_inside_a_run(tmp_path):
    net, _ = families()
    net.store(tmp_path / "c.npz")
    for inner in (lambda n: n.restore(tmp_path / "c.npz"), lambda n: n.run(1.0)):
        with pytest.raises(RuntimeError, match="during a run"):
            net.run(10.0, progress=False, callback=inner, every_ms=5.0)


def test_resume_needs_a_checkpoint_of_a_run(tmp_path):
    net, _ = families()
    net.store(tmp_path / "c.npz")
    with pytest.raises(ValueError, match="no end to resume to"):
        families()[0].resume(tmp_path / "c.npz")


def test_streamed_record_equals_in_memory_and_memory_stays_flat(tmp_path):
    """2000 Poisson units at 100 Hz for 25 s: 5 M spikes, 57 MiB on disk. RSS (MiB) at each
    tenth of the run: streamed, it stops growing once the buffers are full (a 16 MiB chunk and
    10 000 steps of spikes); in memory it grows with the record (the control that shows the
    measurement can see growth)."""
    streamed = child("rss", str(tmp_path / "spikes"), "25")
    in_memory = child("rss", "-", "25")
    assert streamed.returncode == 0 and in_memory.returncode == 0, streamed.stderr
    rss_s = [float(x) for x in streamed.stdout.split()]
    rss_m = [float(x) for x in in_memory.stdout.split()]
    assert len(rss_s) == len(rss_m) == 10
    on_disk = sum(f.stat().st_size for f in (tmp_path / "spikes").iterdir()) / 2**20
    assert on_disk > 50
    # the buffers fill during the first half (a 16 MiB chunk pending), then RSS does not grow
    # while 28 MiB more are written: the second half peaks no higher than the first (give or
    # take 4 MiB; RSS moves by some 15 MiB as each chunk's Poisson buffers come and go)
    assert max(rss_s[5:]) - max(rss_s[:6]) < 4, rss_s
    assert max(rss_s) - rss_s[0] < 32, rss_s
    assert rss_m[-1] - rss_m[5] > 15, rss_m


def test_a_streamed_record_reads_back_as_in_memory_in_whole_and_in_windows(tmp_path, monkeypatch):
    monkeypatch.setattr(sp.streams, "COMMIT_BYTES", 20_000)  # many small chunks
    net = sp.Network(dt=0.5, seed=5)
    src = net.add_poisson(200, 100.0)
    a, b = net.record_spikes(src), net.record_spikes(src, to=tmp_path / "short")
    net.run(1000.0, progress=False, callback=lambda net: None, every_ms=50.0)
    net.run(1000.0, progress=False)
    assert len(b._stream.index["chunks"]) > 10
    np.testing.assert_array_equal(a.steps, b.steps, strict=True)
    np.testing.assert_array_equal(a.i, b.i, strict=True)
    assert (a.count, a.t_start, a.t_stop) == (b.count, b.t_start, b.t_stop)
    on_disk = sp.streams.read_record(tmp_path / "short")
    np.testing.assert_array_equal(on_disk["i"], a.i, strict=True)
    assert (on_disk["t_start"], on_disk["t_stop"]) == (0.0, 2000.0)
    for window in [(0.0, 10.0), (733.3, 1290.7), (1990.0, 3000.0), (-5.0, 0.5), (500.0, 500.5)]:
        for got, expected in zip(b.window(*window), a.window(*window), strict=True):
            np.testing.assert_array_equal(got, expected, strict=True)
        t, _ = a.window(*window)
        assert np.all((t >= window[0]) & (t < window[1]))


def test_the_memory_check_counts_only_in_memory_records(tmp_path, monkeypatch):
    import psutil

    class Little:
        available = 1_000_000  # 1 MB

    monkeypatch.setattr(psutil, "virtual_memory", lambda: Little())
    net = sp.Network(dt=0.1, seed=1)
    pop = net.add_neurons(100, sp.Izhikevich.preset("RS"))
    rec = net.record_state(pop, "v")  # 2000 steps x 100 neurons x 8 B = 1.6 MB
    with pytest.raises(MemoryError, match="recordings need"):
        net.run(200.0, progress=False)
    assert net.t == 0.0
    other = sp.Network(dt=0.1, seed=1)
    pop = other.add_neurons(100, sp.Izhikevich.preset("RS"))
    streamed = other.record_state(pop, "v", to=tmp_path / "v")
    other.run(200.0, progress=False)
    assert streamed.values.shape == (100, 2000)
    assert rec.values.shape == (100, 0)
