"""The suite as Markdown: machine, load, commands, the table of medians, warm-ups, notes."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shlex
import statistics
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

from spiker.bench.child import CHILD
from spiker.bench.workloads import SIMULATORS, WORKLOADS

if TYPE_CHECKING:
    from spiker.bench.suite import Suite


def fmt_s(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{1000 * x:.3g} ms" if x < 1 else f"{x:.3g} s"


def _median(runs: list, key: str):
    vals = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def _row_stats(runs: list) -> dict:
    per_syn = [(r["peak_rss"] - r["rss_import"]) / r["synapses"] for r in runs if r["synapses"]]
    return {
        **{k: _median(runs, k) for k in ("run_s", "build_s", "process_s", "spikes", "peak_rss")},
        "per_syn": statistics.median(per_syn) if per_syn else None,
        "n": len(runs),
    }


def _machine() -> list[str]:
    import psutil

    model = platform.processor() or "unknown CPU"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next(
            (ln.split(":", 1)[1].strip() for ln in out.splitlines() if ln.startswith("Model name")),
            model,
        )
    except OSError:
        pass
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    mem = psutil.virtual_memory().total / 2**30
    versions = []
    for dist in ("spiker", "numpy", "numba", "brian2", "nest-simulator"):
        try:
            versions.append(f"{dist} {importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{dist} not installed")
    try:
        here = Path(__file__).resolve().parents[2]
        rev = subprocess.run(
            ["git", "-C", str(here), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        rev = ""
    try:
        cxx = subprocess.run(
            ["c++", "--version"], capture_output=True, text=True, check=False
        ).stdout.splitlines()[0]
    except (OSError, IndexError):
        cxx = "no C++ compiler found"
    return [
        f"- Machine: {model}, {cpus} CPUs available ({os.cpu_count()} in the machine), "
        f"{mem:.0f} GiB memory; {platform.platform()}",
        f"- Python {platform.python_version()}; {', '.join(versions)}"
        + (f"; spiker at git {rev}" if rev else "")
        + f"; {cxx}",
    ]


def _order(suite: Suite, w: str, s: str) -> tuple:
    return suite.workloads.index(w), suite.sims.index(s)


def format_report(suite: Suite, note: str | None = None) -> str:
    """The suite as Markdown: header (machine, load, commands), the table of medians, notes."""
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} in {suite.wall_s / 60:.1f} min"
        + (" (interrupted: incomplete)" if suite.interrupted else "")
        + "."
    ]
    lines += _machine()
    la, lb = suite.load_start, suite.load_end
    lines.append(
        f"- Load average (1, 5, 15 min) at the start {la[0]:.2f}, {la[1]:.2f}, "
        f"{la[2]:.2f}; at the end {lb[0]:.2f}, {lb[1]:.2f}, {lb[2]:.2f}"
        + (f". {note}" if note else "")
    )
    lines.append(
        f"- Command: `{suite.command}`; each run is a child process "
        f"`python -c {shlex.quote(CHILD)} SPEC.json`, SPEC naming the workload, the "
        "simulator and the model time."
    )
    lines.append(
        f"- Medians of {suite.repeats} run(s)"
        + (
            " after one warm-up run per workload and simulator"
            if suite.warmup
            else ", without warm-up runs: process and build times include any compilation "
            "not yet cached"
        )
        + "; runs alternate between simulators."
    )
    if suite.cold_start:
        c = suite.cold_start
        text = fmt_s(c["process_s"]) if "process_s" in c else c["error"]
        lines.append(
            f"- Cold start, `spiker run izhikevich2003` with an empty numba cache "
            f"(compiles every kernel, writes the raster): {text}."
        )
    kernels = [r for (w, s), runs in suite.runs.items() if s == "spiker" for r in runs]
    if kernels:
        lines.append(
            f"- spiker's resident memory after `import spiker`: "
            f"{_median(kernels, 'rss_import') / 2**20:.0f} MiB; after its kernels are "
            f"loaded: {_median(kernels, 'rss_kernels') / 2**20:.0f} MiB (part of every "
            "B/synapse figure of spiker)."
        )
    lines += [
        "- Workloads: " + "; ".join(f"`{w}`: {WORKLOADS[w].title}" for w in suite.workloads) + "."
    ]
    head = [
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
    lines += ["", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    notes = []
    for w in suite.workloads:
        ms = suite.durations[w]
        ours = _row_stats(suite.runs[(w, "spiker")]) if (w, "spiker") in suite.runs else None
        for s in suite.sims:
            label = SIMULATORS[s].label
            if (w, s) in suite.notes:
                notes.append(f"{w}, {label}: {suite.notes[(w, s)]}")
                lines.append(
                    f"| {w} | {ms / 1000:g} s | {label} | {suite.notes[(w, s)].split(':')[0]}"
                    f" [{len(notes)}] |" + " |" * 8
                )
                continue
            if (w, s) not in suite.runs:
                continue
            st = _row_stats(suite.runs[(w, s)])
            ratio = ["–", "–"]
            if ours and s != "spiker":
                ratio = [f"{ours[k] / st[k]:.2f}" for k in ("run_s", "process_s")]
            cells = [
                w,
                f"{ms / 1000:g} s",
                label,
                fmt_s(st["run_s"]),
                f"{ms / 1000 / st['run_s']:.3g}",
                fmt_s(st["build_s"]),
                fmt_s(st["process_s"]),
                f"{st['spikes']:.0f}",
                f"{st['peak_rss'] / 2**20:.0f} MiB",
                "–" if st["per_syn"] is None else f"{st['per_syn']:.1f}",
                *ratio,
            ]
            lines.append("| " + " | ".join(cells) + " |")
    if suite.warmups:
        lines += [
            "",
            "Warm-up runs (the first run of each workload and simulator, timed apart):",
            "",
            "| workload | simulator | process | of which |",
            "|---|---|---|---|",
        ]
        for (w, s), r in sorted(suite.warmups.items(), key=lambda kv: _order(suite, *kv[0])):
            parts = []
            if "kernels_s" in r:
                parts.append(
                    f"kernels loaded (primer) {fmt_s(r['kernels_s'])}; network built in "
                    f"{fmt_s(r['network_s'])}, compiled to arrays in {fmt_s(r['compile_s'])}"
                )
            elif "compile_s" in r:
                parts.append(f"C++ make {fmt_s(r['compile_s'])}")
            if "setup_s" in r:
                parts.append(f"Brian2 set-up before the loop {fmt_s(r['setup_s'])}")
            lines.append(
                f"| {w} | {SIMULATORS[s].label} | {fmt_s(r['process_s'])} | "
                f"{'; '.join(parts) or '–'} |"
            )
    if notes:
        lines += ["", "Notes:", ""] + [f"{k}. {n}" for k, n in enumerate(notes, 1)]
    return "\n".join(lines) + "\n"


BEGIN, END = "<!-- spiker bench: begin -->", "<!-- spiker bench: end -->"

_INTRO = """# Benchmarks

`spiker bench` (the same as `python benchmarks/run.py`) runs the workloads of issue 10 on spiker
and on its peers, Brian2 (`cpp_standalone`, `cython`) and NEST (1 and 2 threads), each peer
building the same network through `spiker.interop`, and spiker itself on 2 threads (its ratio is
the speed-up of the second thread; a network of fewer than 4096 units per thread runs on one).
See `help(spiker.bench)` for what each column measures. `--quick` is a one-minute form; the full
suite writes the table below.
`benchmarks/networks_vs_torch.py` compares the `networks` package with PyTorch.

Columns: *run* is the simulation loop alone; *build* everything before it in the process
(building, exporting, code generation and compilation); *process* the whole child process,
imports included; *B/synapse* is (peak RSS - RSS after imports) / synapses, which fixed costs
(compiled code, the peers' copy of the network they are built from) dominate in small networks.
Peers draw noise and Poisson inputs themselves (same distributions, other numbers), so spike
counts differ by chance; networks without noise (polychronization) give identical counts where
the mapping is exact.

"""


def write_report(path: Path, report: str) -> None:
    """Write ``report`` into ``path`` between the bench markers (the rest of the file is kept),
    or as a new file with a short introduction."""
    block = f"{BEGIN}\n{report}{END}\n"
    text = path.read_text() if path.exists() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1].lstrip("\n")
    else:
        text = _INTRO + block
    path.write_text(text)
