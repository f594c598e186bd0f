"""Benchmark suite: spiker side by side with Brian2 and NEST on the workloads of issue 10.

``spiker bench`` (or ``python benchmarks/run.py``) runs every workload on spiker and on each peer
(Brian2 ``cpp_standalone`` and ``cython``, NEST with 1 and 2 threads), each peer building the
same network with :func:`spiker.interop.brian2.to_brian2` / :func:`spiker.interop.nest.to_nest`.
Every measured run is a child process of its own, so that peak memory and whole-process time
belong to that run alone. Runs alternate between simulators, repetition by repetition. Each
(workload, simulator) pair first gets a warm-up run, timed apart, where there is a cache to fill:
numba's for spiker, compiled Cython and C++ code for Brian2 (NEST compiles nothing at run time).
``--quick`` runs a few workloads once each, without warm-ups. The table gives medians:

* **run**: the simulation loop alone: spiker's ``Network.run`` after compiling, its kernels
  loaded beforehand by a small primer network of the same kinds; Brian2's ``_last_run_time``,
  which leaves out code generation and compilation (measured by the C++ binary itself in
  standalone mode); NEST's ``Run`` after ``Prepare``;
* **build**: building the network and everything else before the loop (peers: spiker's build,
  the export and the simulator's own set-up, C++ compilation included);
* **process**: the whole child process, from its start to its exit, imports included;
* **spikes** of the neuron populations, **peak RSS** of the process (and of the C++ binary it
  runs), and bytes per synapse: ``(peak RSS - RSS after imports) / synapses``.

Peers generate noise and Poisson trains natively (``native_inputs=True``): the same
distributions, not the same numbers, so their spike counts differ from spiker's by chance.
A peer that is not installed, cannot be imported or cannot express a workload (``to_nest``
raises ValueError naming what it cannot build; NEST has no spnet schedule) is skipped, with the
reason in the table's notes.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from pathlib import Path

from spiker.bench.report import format_report, write_report
from spiker.bench.suite import Suite, run_suite
from spiker.bench.workloads import PEERS, SIMULATORS, WORKLOADS, Simulator, Workload

__all__ = [
    "PEERS",
    "SIMULATORS",
    "WORKLOADS",
    "Simulator",
    "Suite",
    "Workload",
    "add_parser",
    "format_report",
    "main",
    "run_cli",
    "run_suite",
    "write_report",
]


def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number > 0; got {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be > 0; got {text!r}")
        return value

    return parse


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--quick",
        action="store_true",
        help="the one-minute form (once Brian2's code is compiled): "
        + ", ".join(f"{w.name} ({w.quick / 1000:g} s)" for w in WORKLOADS.values() if w.quick)
        + ", one repetition by default, no warm-up runs",
    )
    p.add_argument(
        "--only",
        nargs="+",
        metavar="WORKLOAD",
        choices=list(WORKLOADS),
        help="run only these workloads: " + ", ".join(WORKLOADS),
    )
    p.add_argument(
        "--peers",
        nargs="+",
        metavar="PEER",
        choices=[*PEERS, "all", "none"],
        default=["all"],
        help="peers to run beside spiker: " + ", ".join(PEERS) + ", all (default) or none",
    )
    p.add_argument(
        "--repeats",
        type=_positive(int),
        default=None,
        help="measured runs per workload and simulator (default 3; 1 with --quick)",
    )
    p.add_argument(
        "--out",
        default="benchmarks/README.md",
        help="Markdown file to write the table into (default: benchmarks/README.md)",
    )
    p.add_argument("--json", help="also write every run's raw figures to this JSON file")
    p.add_argument(
        "--timeout",
        type=_positive(float),
        default=900.0,
        help="seconds allowed to one run before it is stopped (default 900)",
    )
    p.add_argument(
        "--cache-dir", help="Brian2 C++ projects and the log (default: ~/.cache/spiker-bench)"
    )
    p.add_argument("--note", help="a sentence for the table's header, e.g. 'shared machine'")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``spiker bench`` on the command line's sub-parsers."""
    p = subparsers.add_parser(
        "bench",
        help="benchmark spiker against Brian2 and NEST",
        description=__doc__.split("\n\n")[0],
    )
    _add_arguments(p)
    p.set_defaults(func=run_cli)
    return p


def _command(args) -> str:
    parts = ["--quick"] if args.quick else []
    parts += ["--only", *args.only] if args.only else []
    parts += ["--peers", *args.peers, "--repeats", str(args.repeats), "--out", args.out]
    parts += ["--note", args.note] if args.note else []
    return "spiker bench " + shlex.join(parts)


def run_cli(args) -> int:
    """``spiker bench``: check the arguments, run the suite, print and write the table."""
    if "none" in args.peers and len(args.peers) > 1 or "all" in args.peers and len(args.peers) > 1:
        print(f"--peers: 'all' and 'none' stand alone; got {' '.join(args.peers)}", file=sys.stderr)
        return 2
    out = Path(args.out)
    if not out.parent.is_dir():
        print(f"--out: directory {str(out.parent)!r} does not exist", file=sys.stderr)
        return 2
    if not os.access(out.parent, os.W_OK):  # found now, not when the table is written at the end
        print(f"--out: directory {str(out.parent)!r} is not writable", file=sys.stderr)
        return 2
    if args.repeats is None:
        args.repeats = 1 if args.quick else 3
    peers = {"all": list(PEERS), "none": []}.get(args.peers[0], args.peers)
    workloads = [w for w in WORKLOADS if not args.only or w in args.only]
    if args.quick:
        workloads = [w for w in workloads if WORKLOADS[w].quick is not None]
        if not workloads:
            print(
                f"--quick leaves out {', '.join(args.only)}; run them without --quick",
                file=sys.stderr,
            )
            return 2
    suite = run_suite(
        workloads,
        ["spiker"] + [p for p in PEERS if p in peers],
        args.repeats,
        args.quick,
        warmup=not args.quick,
        timeout=args.timeout,
        cache_dir=args.cache_dir,
        progress=not args.no_progress,
        command=_command(args),
    )
    report = format_report(suite, args.note)
    print(report)
    write_report(out, report)
    print(f"table written to {out}")
    if args.json:
        raw = {
            "command": suite.command,
            "durations": suite.durations,
            "runs": {f"{w}/{s}": r for (w, s), r in suite.runs.items()},
            "warmups": {f"{w}/{s}": r for (w, s), r in suite.warmups.items()},
            "notes": {f"{w}/{s}": n for (w, s), n in suite.notes.items()},
            "cold_start": suite.cold_start,
        }
        Path(args.json).write_text(json.dumps(raw, indent=1))
    return 130 if suite.interrupted else 0


def main(argv: list[str] | None = None) -> int:
    """``python -m spiker.bench`` and ``benchmarks/run.py``: the same as ``spiker bench``."""
    parser = argparse.ArgumentParser(prog="spiker bench", description=__doc__.split("\n\n")[0])
    _add_arguments(parser)
    return run_cli(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
