"""One measured run, in a child process of its own: build, run, report the figures as JSON."""

from __future__ import annotations

import json
import resource
import time

from spiker.bench.workloads import SIMULATORS, WORKLOADS


class Skip(Exception):
    """The simulator cannot run this workload; the message says why."""


def _rss() -> int:
    import psutil

    return int(psutil.Process().memory_info().rss)


def _nest_cannot(net) -> str | None:
    """Why NEST would run another model than ``net`` (to_nest only notes it), or None."""
    from spiker.interop.nest import exported_static

    for p in net.projections:
        if p.plasticity is not None and (why := exported_static(p)) is not None:
            return f"projection {p.name!r}: {why}; to_nest would run a static network instead"
    return None


def measure(spec: dict) -> dict:
    """Build and run one workload on one simulator in this process; return the figures.

    ``spec``: ``workload`` and ``sim`` (keys of WORKLOADS and SIMULATORS), ``duration`` (ms),
    ``brian2_dir`` (the C++ project directory, kept between runs so that only what changed is
    recompiled). Returns times in s (``run_s``, ``build_s``; spiker's ``kernels_s`` (primer),
    ``network_s`` and ``compile_s`` (its part of ``build_s``); Brian2's ``setup_s`` and, for
    C++, ``compile_s``), ``spikes``, ``synapses``, and bytes: ``rss_import`` (after
    the imports), ``rss_kernels`` (spiker, after the primer) and ``peak_rss``. Raises
    :class:`Skip` when the simulator cannot be imported or cannot express the workload.
    """
    wl, sim, duration = WORKLOADS[spec["workload"]], SIMULATORS[spec["sim"]], spec["duration"]
    if sim.kind != "spiker":
        try:
            b2_or_nest = __import__(sim.kind)
        except Exception as err:  # an installation problem is a skip, with the reason
            raise Skip(f"{sim.kind} cannot be imported: {type(err).__name__}: {err}") from err
    import spiker  # noqa: F401  (for every simulator: spiker builds the network)

    out = {"rss_import": _rss()}
    t0 = time.perf_counter()
    if sim.kind == "spiker":
        primer = wl.primer()
        primer.net.run(wl.primer_ms, progress=False)
        del primer
        out["kernels_s"] = time.perf_counter() - t0
        out["rss_kernels"] = _rss()
        tic = time.perf_counter()
        model = wl.build()
        net = model.net
        net.threads = sim.threads
        out["network_s"] = time.perf_counter() - tic
        net._compile()  # the flat arrays run() would build first
        out["build_s"] = time.perf_counter() - tic
        out["compile_s"] = out["build_s"] - out["network_s"]
        tic = time.perf_counter()
        net.run(duration, progress=False)
        out["run_s"] = time.perf_counter() - tic
        out["spikes"] = sum(r.count for r in model.spike_records().values())
        out["synapses"] = sum(p.n for p in net.projections)
    elif sim.kind == "brian2":
        from spiker.interop.brian2 import to_brian2

        b2 = b2_or_nest
        model = wl.build()
        net = model.net
        try:
            bm = to_brian2(
                net,
                duration,
                target=sim.target,
                native_inputs=True,
                directory=spec.get("brian2_dir"),
            )
        except ValueError as err:
            raise Skip(str(err)) from err
        n_syn = sum(p.n for p in net.projections)
        del model, net
        tic = time.perf_counter()
        bm.network.run(duration * b2.ms, namespace={})
        total = time.perf_counter() - tic
        out["run_s"] = float(b2.device._last_run_time)
        out["build_s"] = time.perf_counter() - t0 - out["run_s"]
        if sim.target == "cpp_standalone":
            out["compile_s"] = float(b2.device.timers["compile"]["make"] or 0.0)
        out["setup_s"] = total - out["run_s"]
        out["spikes"] = sum(int(m.num_spikes) for m in bm.monitors.values())
        out["synapses"] = n_syn
    else:
        from spiker.interop.nest import to_nest

        model = wl.build()
        net = model.net
        reason = _nest_cannot(net)
        if reason:
            raise Skip(reason)
        try:
            nm = to_nest(net, duration, threads=sim.threads, native_inputs=True)
        except ValueError as err:
            raise Skip(str(err)) from err
        n_syn = sum(p.n for p in net.projections)
        del model, net
        nest = b2_or_nest
        nest.Prepare()  # NEST's set-up before the loop (Simulate = Prepare + Run + Cleanup)
        out["build_s"] = time.perf_counter() - t0
        tic = time.perf_counter()
        nest.Run(nm.duration)
        out["run_s"] = time.perf_counter() - tic
        nest.Cleanup()
        out["spikes"] = sum(int(r.get("n_events")) for r in nm.recorders.values())
        out["synapses"] = n_syn
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # Brian2's C++ binary
    out["peak_rss"] = 1024 * max(me, kids)  # ru_maxrss is in KiB on Linux
    return out


def main(spec_path: str) -> int:
    """Entry point of a child process: measure, write the result as JSON to ``spec["out"]``."""
    with open(spec_path) as f:
        spec = json.load(f)
    try:
        result = measure(spec)
    except Skip as why:
        result = {"skip": str(why)}
    except Exception as err:  # reported in the table's notes; the traceback is in the log
        import traceback

        traceback.print_exc()
        result = {"error": f"{type(err).__name__}: {err}"}
    with open(spec["out"], "w") as f:
        json.dump(result, f)
    return 0


#: the command a child runs (``python -c CHILD SPEC.json``)
CHILD = "import sys; from spiker.bench.child import main; sys.exit(main(sys.argv[1]))"
