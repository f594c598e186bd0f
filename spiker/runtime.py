"""One run's machinery: preallocated outputs, per-chunk inputs, Ctrl+C as a flag.

Kept apart from :mod:`spiker.network` (the build API) so the run loop stays small.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager

import numba
import numpy as np

from spiker import streams
from spiker.compile import Compiled
from spiker.groups import PoissonSource, SpikeSource
from spiker.kernels import izhikevich as kizh
from spiker.kernels import izhikevich2007 as ki07
from spiker.kernels import lif as klif
from spiker.kernels import run_steps
from spiker.kernels._jit import choose_threading_layer
from spiker.kernels.build import csr_ptr
from spiker.kernels.layout import (
    FAMILY_IZHIKEVICH,
    FAMILY_IZHIKEVICH2007,
    FAMILY_LIF,
    REC_CONCENTRATION,
    REC_ELIGIBILITY,
    REC_I,
    REC_I_SYN,
    REC_WEIGHT,
    STATUS_DIVERGED,
    STATUS_SPIKES_FULL,
    Inputs,
    Neurons,
    Records,
    Scratch,
    Synaptic,
)
from spiker.kernels.noise import ZIG_F, ZIG_K, ZIG_W
from spiker.modulation import kernel_group, released

_VAR_BUDGET = 2_000_000  # float64 entries of the per-chunk time-varying current (16 MB)


def noise_entries(noises: list, N: int, bounds: np.ndarray) -> tuple:
    """The Noise inputs as the kernel's entries (the ``nz_*`` fields of ``Inputs`` and the
    ziggurat's tables): grouped by unit, in the order the inputs were added within a unit.
    The held values start invalid: the kernel draws each at its first step. ``bounds``: the
    parts of the units (one per thread), for ``nz_part``."""
    cols = np.concatenate([b.cols for b in noises] or [np.zeros(0, np.int64)]).astype(np.int64)
    order = np.argsort(cols, kind="stable")
    ptr = csr_ptr(cols, N)

    def per_entry(values, dtype):
        return np.concatenate(values or [np.zeros(0, dtype)]).astype(dtype)[order]

    m = cols.shape[0]
    every = [np.full(b.cols.shape[0], b.every, np.int64) for b in noises]
    return (
        ptr, per_entry([b.keys for b in noises], np.uint64), per_entry([b.mean for b in noises],
        np.float64), per_entry([b.std for b in noises], np.float64), per_entry(every, np.int64),
        np.zeros(m), np.full(m, -1, np.int64), np.full(m, -1, np.int64), ZIG_K, ZIG_W, ZIG_F,
        noise_parts(ptr, bounds),
    )  # fmt: skip


def noise_parts(ptr: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """``Inputs.nz_part``: per part, an empty window of held steps (the first step draws) and
    whether every unit of the part has exactly one noise entry."""
    part = np.zeros((bounds.shape[0] - 1, 3), np.int64)
    for t in range(part.shape[0]):
        counts = np.diff(ptr[bounds[t] : bounds[t + 1] + 1])
        part[t, 2] = int(counts.size > 0 and bool(np.all(counts == 1)))
    return part


class RunBuffers:
    """Preallocated outputs and per-chunk inputs of one run; appends to the records at the end."""

    def __init__(self, net, n_total: int, comp: Compiled, horizon: int = 0):
        """``horizon``: the run hands its records over at least every ``horizon`` steps (at
        its multiples; 0: only at callbacks and the end), which bounds the buffers."""
        self.net = net
        self.comp = comp
        N = net.n
        self.start = self.n0 = n0 = net.step  # first step of the run; of the buffers' content
        # state monitors: one flat buffer, rows of monitor m at mon_base[m]; a monitor samples
        # the steps that are multiples of its `every`, the first of them at first[m]
        recs = net._state_records
        self.first = [-(-n0 // r.every) * r.every for r in recs]
        rows = [
            max(0, -(-(n0 + n_total - f) // r.every)) for f, r in zip(self.first, recs, strict=True)
        ]
        widths = [r.neurons.shape[0] for r in recs]
        sizes = [k * w for k, w in zip(rows, widths, strict=True)]
        rate_bytes = 4 * n_total * len(net._rate_records)
        # the memory check counts the records kept in memory (streamed ones go to disk)
        check_memory(recs, [0 if r._stream else z for r, z in zip(recs, sizes, strict=True)],
                     rate_bytes)  # fmt: skip
        if horizon:  # buffers for the steps between two hand-overs
            rows = [min(k, -(-horizon // r.every)) for k, r in zip(rows, recs, strict=True)]
            sizes = [k * w for k, w in zip(rows, widths, strict=True)]
        self.mon_var = np.array([_record_code(r) for r in recs], np.int64)
        self.mon_every = np.array([r.every for r in recs], np.int64)
        self.mon_base = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)[:-1]
        self.mon_ptr = np.concatenate([[0], np.cumsum(widths)]).astype(np.int64)
        self.mon_idx = np.concatenate(
            [_record_index(r, comp) for r in recs] or [np.zeros(0, np.int64)]
        ).astype(np.int64)
        self.mon_out = np.empty(int(sum(sizes)))
        self.mon_rows = np.zeros(len(recs), np.int64)
        # rate monitors
        self.rate_lo = np.array([r.group.start for r in net._rate_records], np.int64)
        self.rate_hi = np.array([r.group.stop for r in net._rate_records], np.int64)
        self.rate_out = np.zeros(
            (len(net._rate_records), min(n_total, horizon) if horizon else n_total), np.int32
        )
        # spike monitors: one mask, one growing buffer
        self.mask = np.zeros(N, np.bool_)
        for r in net._spike_records:
            self.mask[r.neurons + r.group.start] = True
        cap = 1024 + 16 * int(self.mask.sum())
        self.spk_step = np.empty(cap, np.int64)
        self.spk_idx = np.empty(cap, np.int32)
        self.spk_count = np.zeros(1, np.int64)
        self.fired = np.empty(N, np.int64)
        self.spiked = np.zeros(N, np.bool_)
        self.ext = np.zeros(N)
        self.K = np.zeros_like(net._I_syn)  # the families' factors per channel (Synaptic.K)
        self.present = present(net._family, net._method)
        self.t_bad = np.zeros(comp.bounds.shape[0] - 1, np.bool_)
        groups = sorted(net.groups, key=lambda g: g.start)  # populations and sources
        self.ranges = (
            np.array([g.start for g in groups], np.int64),
            np.array([g.stop for g in groups], np.int64),
            np.array([net._family[g.start] for g in groups], np.int64),
            np.array([net._method[g.start] for g in groups], np.int64),
        )
        self.info = np.zeros(4, np.int64)
        self.sources = [g for g in net.groups if isinstance(g, SpikeSource | PoissonSource)]
        # time-varying currents of a chunk, (chunk, N); its size bounds the chunk
        self.max_chunk = net._max_chunk
        M = comp.pin_col.shape[0]
        self.chunked = [c for c in net._currents if not c.in_kernel]
        width = (N if self.chunked else 0) + M
        if width:
            self.max_chunk = min(self.max_chunk, max(1, _VAR_BUDGET // width))
        self.I_var = np.zeros((self.max_chunk if self.chunked else 0, N))
        self.P_var = np.zeros((self.max_chunk if M else 0, M))
        self.noise = noise_entries([c for c in net._currents if c.in_kernel], N, comp.bounds)

    def records(self, col0: int) -> Records:
        return Records(
            self.mask, self.spk_step, self.spk_idx, self.spk_count, self.mon_var, self.mon_every,
            self.mon_base, self.mon_rows, self.mon_ptr, self.mon_idx, self.mon_out, self.rate_lo,
            self.rate_hi, self.rate_out, col0,
        )  # fmt: skip

    def advance(self, n_start: int, k: int, groups: dict) -> int:
        """Run steps n_start .. n_start + k - 1 (growing the spike buffer as needed).

        ``groups`` holds the run's fixed kernel groups: ``static``, ``static0``, ``plastic``."""
        net = self.net
        I_var = self.I_var[:k] if self.I_var.shape[0] else self.I_var
        if I_var.shape[0]:
            I_var[:] = 0.0
            for cur in self.chunked:
                cur.fill(I_var, n_start)
        P_var = self.P_var[:k]
        lo = 0
        for bound in net._poisson_inputs:
            hi = lo + bound.cols.shape[0]
            bound.fill(P_var[:, lo:hi], n_start)
            lo = hi
        ev = [s.events(n_start, n_start + k) for s in self.sources]
        ext_step = np.concatenate([e[0] for e in ev] or [np.zeros(0, np.int64)]).astype(np.int64)
        ext_idx = np.concatenate([e[1] for e in ev] or [np.zeros(0, np.int64)]).astype(np.int64)
        order = np.lexsort((ext_idx, ext_step))
        ext_step, ext_idx = ext_step[order], ext_idx[order]
        neurons = Neurons(net._family, net._method, net._x, net._p, net._I, *self.ranges)
        syn = Synaptic(net._ring, net._I_syn, self.comp.decay, self.comp.taus, self.K)
        plastic = groups["plastic"]
        if plastic is not None:
            plastic = plastic._replace(hist=net._hist, hist_n=net._hist_n)
        mod = groups["mod"]
        if mod is not None:  # this chunk's scheduled releases
            mod = mod._replace(conc=net._mod_conc, rel_var=released(net, n_start, k))
        scratch = Scratch(self.fired, self.spiked, self.ext, self.info, self.comp.bounds[:-1],
                          self.comp.bounds[1:], self.t_bad)  # fmt: skip
        par = np.int8(1) if self.comp.bounds.shape[0] > 2 else None
        done = 0
        while done < k:
            inputs = Inputs(net._I_const, I_var, done, ext_step, ext_idx, P_var,
                            self.comp.pin_col, self.comp.pin_buf, *self.noise)  # fmt: skip
            n = run_steps(
                n_start + done, k - done, net.dt, neurons, inputs, groups["static"],
                groups["static0"], syn, plastic, mod, self.records(net.step - self.n0), scratch,
                par, self.present,
            )  # fmt: skip
            done += n
            net.step = n_start + done
            if self.info[0] == STATUS_SPIKES_FULL:
                self._grow_spikes()
            elif self.info[0] == STATUS_DIVERGED:
                return STATUS_DIVERGED
        return int(self.info[0])

    def _grow_spikes(self) -> None:
        cap = 2 * self.spk_step.shape[0]
        self.spk_step = np.resize(self.spk_step, cap)
        self.spk_idx = np.resize(self.spk_idx, cap)

    def flush(self, final: bool = False) -> None:
        """Hand what was recorded since the last flush (steps n0 .. net.step - 1) to the records
        and start the buffers over from net.step. ``final``: the end of the run, with the
        end-of-run samples of records with ``record_final`` (read from the network and its
        projections, which then hold the kernel's state)."""
        net, n0 = self.net, self.n0
        count = int(self.spk_count[0])
        steps, idx = self.spk_step[:count], self.spk_idx[:count]
        for r in net._spike_records:
            sel = np.isin(idx, r.neurons + r.group.start, kind="table") if count else idx == 0
            r._append(steps[sel], idx[sel] - r.group.start)
            r.t_stop = net.t
        self.spk_count[0] = 0
        for m, r in enumerate(net._state_records):
            rows = int(self.mon_rows[m])
            width = int(self.mon_ptr[m + 1] - self.mon_ptr[m])
            base = int(self.mon_base[m])
            r._append(
                self.first[m] + r.every * np.arange(rows, dtype=np.int64),
                self.mon_out[base : base + rows * width].reshape(rows, width),
            )
            self.first[m] += rows * r.every
            self.mon_rows[m] = 0
            if final and r.record_final and net.step > self.start:
                idx = self.mon_idx[self.mon_ptr[m] : self.mon_ptr[m + 1]]
                r._append(np.array([net.step], np.int64), self._final(r, idx)[None],
                          final=True)  # fmt: skip
        n_done = net.step - n0
        for q, r in enumerate(net._rate_records):
            r._append(n0 + np.arange(n_done, dtype=np.int64), self.rate_out[q, :n_done])
        self.rate_out[:, :n_done] = 0
        self.n0 = net.step

    def _final(self, rec, idx: np.ndarray) -> np.ndarray:
        """The current value of a state record's variable for units idx (weights and
        eligibility: the record's synapses, from its projection)."""
        net = self.net
        if rec.var == "w":
            return rec.projection.weight[rec.synapses].copy()
        if rec.var == "c":
            return rec.projection.eligibility[rec.synapses].copy()
        if rec.var == "d":
            return net._mod_conc[idx].copy()
        if rec.var == "I_syn":
            return net._I_syn[:, idx].sum(axis=0) if net._I_syn.shape[0] else np.zeros(idx.size)
        return net._x[rec.group.state.index(rec.var), idx].copy()


def present(family: np.ndarray, method: np.ndarray) -> tuple:
    """``present`` of kernels/engine.py's run_steps: per family code 1, 2, ..., ``None`` if no
    unit has it, else a tuple with one slot per method code, ``np.int8(1)`` if a unit of the
    family uses the method, ``None`` if none does."""
    out = []
    for code, n_methods in ((FAMILY_IZHIKEVICH, kizh.N_METHODS),
                            (FAMILY_IZHIKEVICH2007, ki07.N_METHODS),
                            (FAMILY_LIF, klif.N_METHODS)):  # fmt: skip
        used = set(method[family == code].tolist())
        slots = tuple(np.int8(1) if m in used else None for m in range(n_methods))
        out.append(slots if used else None)
    return tuple(out)


def _record_index(rec, comp: Compiled) -> np.ndarray:
    """What a state monitor samples: plastic state rows ("w", "c"), a neuromodulator ("d") or
    global unit indices."""
    if rec.var in ("w", "c"):
        return comp.plastic.syn_of[comp.plastic.projections.index(rec.projection)][rec.synapses]
    if rec.var == "d":
        return np.array([rec.dopamine.index], np.int64)
    return rec.neurons + rec.group.start


def _record_code(rec) -> int:
    """The kernel's code of a state monitor's variable (kernels/layout.py REC_*)."""
    if rec.var == "w":
        return REC_WEIGHT
    if rec.var == "c":
        return REC_ELIGIBILITY
    if rec.var == "d":
        return REC_CONCENTRATION
    if rec.var == "I":
        return REC_I
    if rec.var == "I_syn":
        return REC_I_SYN
    return rec.group.state.index(rec.var)


def check_memory(recs, sizes, rate_bytes) -> None:
    import psutil

    available = psutil.virtual_memory().available
    total = 8 * sum(sizes) + rate_bytes
    if total > 0.8 * available:
        big = max(range(len(sizes)), key=sizes.__getitem__) if sizes else None
        what = (
            f"record_state({recs[big].source!r}, {recs[big].var!r}) needs "
            f"{8 * sizes[big] / 2**30:.2f} GiB"
            if big is not None
            else f"population rates need {rate_bytes / 2**30:.2f} GiB"
        )
        raise MemoryError(
            f"this run's recordings need {total / 2**30:.2f} GiB but only "
            f"{available / 2**30:.2f} GiB of memory is available ({what}); record fewer "
            "neurons, sample less often (every_ms=...), or run in shorter pieces"
        )


@contextmanager
def sigint_flag():
    """Turn Ctrl+C into a flag checked between chunks (main thread only)."""
    flag = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum, frame):
        if flag.is_set():  # a second Ctrl+C: stop at once
            signal.signal(signal.SIGINT, previous)
            raise KeyboardInterrupt
        flag.set()

    signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


def _kernel_groups(net, comp: Compiled) -> tuple[dict, object]:
    """The run's kernel groups of synapses and neuromodulators, with the projections' present
    weights and plastic state (``None`` for the plastic group without plastic synapses, and for
    the neuromodulators without dopamine)."""
    plastic = comp.plastic.gather()
    groups = {
        "static": comp.static.with_weights(),
        "static0": comp.static0.with_weights(),
        "plastic": plastic,
        "mod": kernel_group(net),
    }
    return groups, plastic


def _structure(net) -> tuple:
    """What a run's buffers and compiled arrays were made for."""
    return (net._compiled, len(net.groups), len(net.projections), len(net._currents),
            len(net._poisson_inputs), len(net._spike_records), len(net._state_records),
            len(net._rate_records), len(net._modulators))  # fmt: skip


def _call_back(net, comp, runtime, callback, plastic, structure):
    """Between chunks: hand the records over, let ``callback(net)`` read and change the
    network, and take its changes (weights, state, currents) back into the run. Returns the new
    kernel groups and plastic state."""
    runtime.flush()
    comp.plastic.scatter(plastic)
    callback(net)
    if _structure(net) != structure:
        raise RuntimeError(
            "the callback changed the network's structure (added a group, projection, input or "
            "monitor); a callback may change values (weights, state, currents), the structure "
            "only between runs"
        )
    return _kernel_groups(net, comp)


def simulate(
    net, comp: Compiled, n_total: int, progress: bool | None, callback=None, every: int = 0
) -> None:
    """Run ``n_total`` steps of ``net`` in chunks: progress bar, Ctrl+C between chunks,
    ``callback(net)`` after every step that ends at a multiple of ``every`` steps, records
    handed over whatever happens (see :meth:`spiker.Network.run`)."""
    groups, plastic = _kernel_groups(net, comp)
    hand_over = streams.flush_steps(net)  # streamed records go to disk at least this often
    runtime = RunBuffers(net, n_total, comp, hand_over)
    structure = _structure(net)
    threaded = comp.bounds.shape[0] > 2
    if threaded:  # (a run on one thread starts no threads: numba's layer stays unchosen)
        choose_threading_layer()  # OpenMP unless NEST is loaded (kernels/_jit.py)
        threads_before = numba.get_num_threads()
        numba.set_num_threads(min(comp.bounds.shape[0] - 1, numba.config.NUMBA_NUM_THREADS))
    in_kernel = True  # the kernel's plastic state is newer than the projections' weights
    from tqdm.auto import tqdm

    def progress_bar(initial: float):
        return tqdm(
            total=round(n_total * net.dt, 6),
            initial=initial,
            unit="ms",
            unit_scale=False,
            disable=progress is False,
            delay=0 if progress else 2.0,
            desc="spiker",
            leave=progress is True,
            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} ms "
            "[{elapsed}<{remaining}, {rate_fmt}]",
        )

    n0 = net.step
    done = 0
    chunk = 1  # the first call may compile the kernels: the bar starts after it (true ETA)
    bar = None
    interrupted = False
    try:
        with sigint_flag() as flag:
            while done < n_total:
                k = min(chunk, n_total - done)
                if callback is not None:  # a chunk ends where the callback is due
                    k = min(k, every - net.step % every)
                if hand_over:  # ... and where streamed records are due
                    k = min(k, hand_over - net.step % hand_over)
                tic = time.perf_counter()
                in_kernel = True
                status = runtime.advance(net.step, k, groups)
                elapsed = time.perf_counter() - tic
                advanced = net.step - n0 - done
                done += advanced
                if bar is None:
                    bar = progress_bar(done * net.dt)
                else:
                    bar.update(advanced * net.dt)
                if status == STATUS_DIVERGED:
                    break
                if advanced and done > 1:
                    per_step = elapsed / advanced
                    chunk = int(min(runtime.max_chunk, max(1, 0.2 / max(per_step, 1e-9))))
                elif advanced:
                    chunk = min(100, runtime.max_chunk)
                if flag.is_set():
                    interrupted = True
                    break
                if callback is not None and advanced and net.step % every == 0:
                    in_kernel = False
                    groups, plastic = _call_back(net, comp, runtime, callback, plastic, structure)
                elif hand_over and advanced and net.step % hand_over == 0:
                    runtime.flush()
    finally:
        if threaded:
            numba.set_num_threads(threads_before)
        if bar is not None:
            bar.close()
        if in_kernel:  # (else a callback ran last: the projections hold the state it left)
            comp.plastic.scatter(plastic)
        runtime.flush(final=True)
    if runtime.info[0] == STATUS_DIVERGED:
        i, n = int(runtime.info[1]), int(runtime.info[2])
        g = next(g for g in net.groups if g.start <= i < g.stop)
        state = ", ".join(f"{name} = {net._x[k, i]}" for k, name in enumerate(g.state))
        raise FloatingPointError(
            f"simulation diverged at t = {n * net.dt} ms (step {n}): neuron {i - g.start} "
            f"of {g.name!r} reached {state} (input current {net._I[i]}); use a smaller dt, "
            "another method (the model's docstring lists them), or check weights and currents"
        )
    if interrupted:
        raise KeyboardInterrupt(f"run interrupted at t = {net.t} ms; records kept")
