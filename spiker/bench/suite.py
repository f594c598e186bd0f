"""The suite: child processes spawned in turn, warm-ups, repetitions, skips."""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from spiker.bench.child import CHILD
from spiker.bench.report import fmt_s
from spiker.bench.workloads import SIMULATORS, WORKLOADS, Simulator


def child_env() -> dict:
    """The environment of a child: this process's, with this spiker first on the path."""
    env = dict(os.environ)
    here = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join([here] + [p for p in [env.get("PYTHONPATH")] if p])
    return env


def spawn(spec: dict, timeout: float, log: Path) -> dict:
    """Run one measurement in a child process; adds its wall time and CPU time."""
    with tempfile.TemporaryDirectory(prefix="spiker-bench-") as tmp:
        spec = {**spec, "out": os.path.join(tmp, "result.json")}
        spec_path = os.path.join(tmp, "spec.json")
        with open(spec_path, "w") as f:
            json.dump(spec, f)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        with open(log, "a") as logf:
            logf.write(f"\n=== {spec['workload']} / {spec['sim']} ===\n")
            logf.flush()
            tic = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-c", CHILD, spec_path],
                stdout=logf,
                stderr=subprocess.STDOUT,
                env=child_env(),
            )
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                return {"error": f"timed out after {timeout:g} s"}
            except KeyboardInterrupt:
                proc.kill()
                proc.wait()
                raise
            wall = time.perf_counter() - tic
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            with open(spec["out"]) as f:
                result = json.load(f)
        except (OSError, ValueError):
            result = {"error": f"the child exited with status {proc.returncode} (see {log})"}
    result["process_s"] = wall
    result["cpu_s"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return result


@dataclass
class Suite:
    """Everything one ``spiker bench`` measured: runs and warm-ups per (workload, simulator)."""

    workloads: list
    sims: list
    repeats: int
    quick: bool
    warmup: bool
    command: str
    durations: dict  # workload -> ms
    runs: dict  # (workload, sim) -> list of result dicts
    warmups: dict  # (workload, sim) -> result dict
    notes: dict  # (workload, sim or None) -> reason it was skipped or failed
    cold_start: dict | None = None
    load_start: tuple = ()
    load_end: tuple = ()
    wall_s: float = 0.0
    interrupted: bool = False


def _installed(sim: Simulator) -> bool:
    return sim.kind == "spiker" or importlib.util.find_spec(sim.kind) is not None


def measure_cold_start(timeout: float, log: Path) -> dict:
    """``spiker run izhikevich2003`` in a fresh process with an empty numba cache."""
    with tempfile.TemporaryDirectory(prefix="spiker-cold-") as tmp:
        env = {**child_env(), "NUMBA_CACHE_DIR": tmp}
        code = "import sys; from spiker.cli import main; sys.exit(main(sys.argv[1:]))"
        cmd = [
            sys.executable,
            "-c",
            code,
            "run",
            "izhikevich2003",
            "--no-progress",
            "--out",
            os.path.join(tmp, "raster.png"),
        ]
        tic = time.perf_counter()
        with open(log, "a") as logf:
            done = subprocess.run(
                cmd, stdout=logf, stderr=subprocess.STDOUT, env=env, timeout=timeout, check=False
            )
        wall = time.perf_counter() - tic
    if done.returncode:
        return {"error": f"exit status {done.returncode} (see {log})"}
    return {"process_s": wall}


def run_suite(
    workloads,
    sims,
    repeats,
    quick,
    *,
    warmup=True,
    timeout=900.0,
    cache_dir=None,
    log=None,
    progress=True,
    command="spiker bench",
    cold_start=None,
) -> Suite:
    """Run the workloads (names) on the simulators (keys); returns the :class:`Suite`.

    Each (workload, simulator) gets a warm-up run (unless ``warmup`` is false), then ``repeats``
    measured runs, interleaved with the other simulators' and in a rotated order each
    repetition. A simulator that is not installed, cannot express the workload or fails is noted
    and left out of the workload. ``quick`` takes the workloads' short durations. Ctrl+C stops
    the suite and returns what was measured (``interrupted`` is set).
    """
    from tqdm import tqdm

    cache_dir = Path(cache_dir or Path.home() / ".cache" / "spiker-bench")
    cache_dir.mkdir(parents=True, exist_ok=True)
    log = Path(log or cache_dir / "bench.log")
    log.write_text(f"{command}\n")
    durations = {w: WORKLOADS[w].quick if quick else WORKLOADS[w].duration for w in workloads}
    suite = Suite(
        list(workloads),
        list(sims),
        repeats,
        quick,
        warmup,
        command,
        durations,
        {},
        {},
        {},
        load_start=os.getloadavg(),
    )
    first = -1 if warmup else 0  # repetition -1: the warm-ups
    per_sim = {s: repeats + (warmup and SIMULATORS[s].warmup) for s in sims}
    bar = tqdm(
        total=len(workloads) * sum(per_sim.values()),
        disable=not progress,
        unit="run",
        file=sys.stderr,
    )
    tic = time.perf_counter()

    def say(text: str) -> None:
        (tqdm.write if progress else print)(text, file=sys.stderr)

    try:
        if cold_start is None:
            cold_start = not quick and "izhikevich2003" in workloads
        if cold_start:
            say("cold start: spiker run izhikevich2003 with an empty numba cache")
            suite.cold_start = measure_cold_start(timeout, log)
        for w in workloads:
            active = []
            for s in sims:
                if _installed(SIMULATORS[s]):
                    active.append(s)
                else:
                    suite.notes[(w, s)] = f"skipped: {SIMULATORS[s].kind} is not installed"
                    bar.update(per_sim[s])
            spec = {
                "workload": w,
                "duration": durations[w],
                "brian2_dir": str(cache_dir / "brian2_cpp" / w),
            }
            for rep in range(first, repeats):
                order = active[rep % len(active) :] + active[: rep % len(active)] if active else []
                for s in order:
                    if rep < 0 and not SIMULATORS[s].warmup:
                        continue
                    r = spawn({**spec, "sim": s}, timeout, log)
                    bar.update(1)
                    if "skip" in r or "error" in r:
                        kind = "skipped" if "skip" in r else "failed"
                        suite.notes[(w, s)] = f"{kind}: {r.get('skip') or r.get('error')}"
                        active.remove(s)
                        bar.update(repeats - 1 - rep)
                        say(f"{w} / {s}: {suite.notes[(w, s)]}")
                        continue
                    if rep < 0:
                        suite.warmups[(w, s)] = r
                    else:
                        suite.runs.setdefault((w, s), []).append(r)
                    say(
                        f"{w} / {s} {'warm-up' if rep < 0 else f'run {rep + 1}'}: "
                        f"run {fmt_s(r['run_s'])}, process {fmt_s(r['process_s'])}, "
                        f"{r['spikes']} spikes"
                    )
    except KeyboardInterrupt:
        suite.interrupted = True
        say("interrupted: writing what was measured")
    finally:
        bar.close()
    suite.wall_s = time.perf_counter() - tic
    suite.load_end = os.getloadavg()
    return suite
