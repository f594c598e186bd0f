"""Parameter sweeps: one simulation per parameter combination and seed, serially or on Dask.

:func:`sweep` builds a network for every point of a grid and every seed, runs it and reduces it to
a row of numbers. Given a ``dask.distributed`` client it runs the same work on the client's
workers (a ``LocalCluster`` on one machine, the same call on a real cluster) and returns the same
table, bit for bit. Dask is optional (``pip install "spiker[dask]"``); without a client nothing of
Dask is imported. ``spiker sweep MODEL ...`` (:func:`run_cli`) does this for the models of
:mod:`spiker.models` and writes a CSV table and a plot.

Helpers are imported from this module (``from spiker.sweep import SweepTable``): ``spiker.sweep``
itself is the function. Ready-made measures are in :mod:`spiker.measures`.
"""

from __future__ import annotations

import csv
import itertools
import math
import os
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from numbers import Integral
from typing import Any

import numpy as np

from spiker import _validate as check
from spiker.cli import UsageError
from spiker.measures import MEASURE_LABELS, MEASURES

__all__ = [
    "SweepInterrupted",
    "SweepTable",
    "SweepWarning",
    "add_parser",
    "grid_points",
    "local_client",
    "run_cli",
    "sweep",
]

#: Automatic batching on Dask (see ``_Scheduler``): tasks kept in flight per worker thread, and
#: the compute time a batch of short runs is made to last (s).
IN_FLIGHT = 2
TASK_SECONDS = 0.5
_RESERVED = ("seed", "error")


class SweepWarning(UserWarning):
    """Some runs of a sweep failed; their rows carry the traceback in ``"error"``."""


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl+C stopped a sweep; ``.table`` holds every run finished before it (the others have
    ``error = "not run: the sweep was interrupted"``)."""

    def __init__(self, table: SweepTable):
        super().__init__(f"sweep interrupted after {len(table) - len(table.failures)} runs")
        self.table = table


class SweepTable(list):
    """The result of :func:`sweep`: a list of dicts, one per run, in grid order.

    Each row holds the run's parameters (in the grid's order), ``"seed"``, the values its
    ``measure`` returned, and ``"error"``: ``None``, or the traceback of a run that raised (such a
    row has no measured values).

    Attributes
    ----------
    parameters : tuple of str
        The grid's parameter names.
    """

    def __init__(self, rows=(), parameters: Sequence[str] = ()):
        super().__init__(rows)
        self.parameters = tuple(parameters)

    @property
    def failures(self) -> list[dict]:
        """Rows of the runs that raised (or were not run), in grid order."""
        return [row for row in self if row["error"] is not None]

    @property
    def columns(self) -> list[str]:
        """Every column in first-seen order, ``"error"`` last."""
        cols = dict.fromkeys(k for row in self for k in row if k != "error")
        return [*cols, "error"]

    def to_csv(self, path: str | os.PathLike) -> None:
        """Write the table as CSV (floats written exactly, as Python's ``repr``)."""
        with open(path, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=self.columns, restval="")
            writer.writeheader()
            writer.writerows(self)

    def to_frame(self):
        """The table as a pandas DataFrame (needs pandas; measured values of failed runs are
        NaN there, and ``"error"`` says why)."""
        try:
            import pandas as pd
        except ImportError as err:
            raise ImportError("SweepTable.to_frame needs pandas: pip install pandas") from err
        return pd.DataFrame(list(self), columns=self.columns)

    def aggregate(self, column: str) -> list[dict]:
        """Mean and spread of ``column`` over seeds, per combination of the other parameters.

        Returns
        -------
        list of dict
            In grid order: the parameters, then ``"mean"``, ``"std"`` (sample standard deviation,
            ddof = 1; 0 for a single value) and ``"n"``, the number of finite values (failed runs
            and NaN values are left out; the mean is NaN only where ``n`` is 0).
        """
        if not any(column in row for row in self):
            raise KeyError(f"column {column!r} is not in the table; columns: {self.columns}")
        groups: dict[tuple, list[float]] = {}
        for row in self:
            values = groups.setdefault(tuple(row[p] for p in self.parameters), [])
            if row["error"] is None and math.isfinite(row[column]):
                values.append(float(row[column]))
        out = []
        for key, values in groups.items():
            v = np.asarray(values)
            out.append(
                {
                    **dict(zip(self.parameters, key, strict=True)),
                    "mean": float(v.mean()) if v.size else math.nan,
                    "std": float(v.std(ddof=1)) if v.size > 1 else 0.0,
                    "n": int(v.size),
                }
            )
        return out


def grid_points(grid: Mapping[str, Sequence]) -> list[dict]:
    """Every combination of the grid's values, the last parameter varying fastest.

    ``grid`` maps parameter names to non-empty 1-d sequences; ``{}`` is one point without
    parameters. NumPy scalars become Python numbers.
    """
    if not isinstance(grid, Mapping):
        raise TypeError(f"grid must be a mapping name -> values; got {type(grid).__name__}")
    axes = []
    for name, values in grid.items():
        if not isinstance(name, str) or not name.isidentifier() or name in _RESERVED:
            raise ValueError(
                f"grid parameter names must be identifiers other than {_RESERVED}; got {name!r}"
            )
        ok = isinstance(values, Sequence | np.ndarray) and not isinstance(values, str | bytes)
        if not ok or np.ndim(values) != 1:
            raise TypeError(f"grid[{name!r}] must be a 1-d sequence of values; got {values!r}")
        if len(values) == 0:
            raise ValueError(f"grid[{name!r}] must hold at least one value; got none")
        axes.append([v.item() if isinstance(v, np.generic) else v for v in values])
    return [dict(zip(grid, combo, strict=True)) for combo in itertools.product(*axes)]


def _seed_list(seeds) -> list[int]:
    if isinstance(seeds, Integral) and not isinstance(seeds, bool):
        return list(range(check.positive_int("seeds", seeds)))
    if isinstance(seeds, Sequence | np.ndarray) and len(seeds) > 0:
        return [check.positive_int("seeds[k]", s, minimum=0) for s in seeds]
    raise TypeError(f"seeds must be a number of seeds (>= 1) or a sequence of seeds; got {seeds!r}")


def _run_one(build, measure, duration: float, params: dict, seed: int) -> dict:
    """Build, run and measure one network; a failure becomes the row's ``"error"``."""
    row = {**params, "seed": seed}
    try:
        model = build(seed=seed, **params)
        model.run(duration, progress=False)
        values = measure(model)
        if not isinstance(values, Mapping):
            values = {"value": values}
        clash = [k for k in values if k in row or k == "error"]
        if clash:
            raise ValueError(f"measure returned columns {clash} that clash with the grid's")
        row.update({k: v.item() if isinstance(v, np.generic) else v for k, v in values.items()})
        row["error"] = None
    except Exception:
        row["error"] = traceback.format_exc()
    return row


def _run_batch(build, measure, duration: float, runs: list[tuple[dict, int]]):
    """One Dask task: several runs, one after the other; returns ``(rows, seconds)``."""
    tic = time.perf_counter()
    rows = [_run_one(build, measure, duration, params, seed) for params, seed in runs]
    return rows, time.perf_counter() - tic


def _not_run(runs) -> list[dict]:
    return [{**p, "seed": s, "error": "not run: the sweep was interrupted"} for p, s in runs]


def _failed_task(runs, err: BaseException) -> list[dict]:
    text = "".join(traceback.format_exception(err))
    return [{**p, "seed": s, "error": f"the task running this failed:\n{text}"} for p, s in runs]


class _Scheduler:
    """Hands the runs to a Dask client in batches sized as the sweep goes (guided
    self-scheduling): single runs first, ``IN_FLIGHT`` tasks per worker thread; once run times
    are known, each batch lasts about ``TASK_SECONDS`` (so scheduling, 2-15 ms a task on a
    LocalCluster, costs a few %) but takes at most ``1/IN_FLIGHT`` of the runs left per thread,
    so the workers finish together."""

    def __init__(self, client, build, measure, duration, runs, batch_size):
        self.client, self.args, self.runs = client, (build, measure, duration), runs
        self.fixed = batch_size
        self.slots = max(1, sum(client.nthreads().values()))
        self.next = 0  # first run not yet submitted
        self.seconds = self.measured = 0.0  # compute time and the runs it was measured on
        self.pending = {}  # future -> (first run, number of runs)

    def submit(self):
        left = len(self.runs) - self.next
        if self.fixed:
            size = self.fixed
        elif not self.measured:
            size = 1
        else:
            per_run = self.seconds / self.measured
            size = max(1, min(math.ceil(TASK_SECONDS / max(per_run, 1e-9)),
                              math.ceil(left / (IN_FLIGHT * self.slots))))  # fmt: skip
        batch = self.runs[self.next : self.next + size]
        fut = self.client.submit(_run_batch, *self.args, batch, pure=False)
        self.pending[fut] = (self.next, len(batch))
        self.next += len(batch)
        return fut

    def run(self, rows: list, bar) -> None:
        """Fill ``rows`` (one entry per run) as the tasks finish."""
        from distributed import as_completed

        first = [self.submit() for _ in range(IN_FLIGHT * self.slots) if self.next < len(self.runs)]
        finished = as_completed(first)
        for fut in finished:
            start, n = self.pending.pop(fut)
            try:
                got, seconds = fut.result()
                self.seconds, self.measured = self.seconds + seconds, self.measured + n
            except Exception as err:  # the task itself failed (e.g. its worker died)
                got = _failed_task(self.runs[start : start + n], err)
            rows[start : start + n] = got
            bar.update(n)
            if self.next < len(self.runs):
                finished.add(self.submit())

    def cancel(self) -> None:
        self.client.cancel(list(self.pending))


@contextmanager
def local_client(workers: int) -> Iterator[Any]:
    """A ``dask.distributed`` client on a ``LocalCluster`` of ``workers`` processes with one
    thread each, set up for sweeps: no dashboard, only errors logged, and without the
    ``MALLOC_TRIM_THRESHOLD_=65536`` that Dask's nanny puts in its workers' environment (it turns
    off glibc's adaptive mmap threshold, so every large array a network build allocates is
    faulted in afresh: measured here, 15-40 % more CPU per run of net.m, as system time).

    >>> with local_client(2) as client:                                     # doctest: +SKIP
    ...     table = sweep(build, grid, 1000.0, measure, client=client)
    """
    workers = check.positive_int("workers", workers)
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as err:
        raise ImportError(
            "local_client needs dask.distributed: pip install 'spiker[dask]'"
        ) from err
    import logging

    no_trim = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
    with (
        dask.config.set(no_trim),
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                     dashboard_address=None, silence_logs=logging.ERROR) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        yield client


def sweep(
    build: Callable[..., Any],
    grid: Mapping[str, Sequence],
    duration: float,
    measure: Callable[[Any], Mapping[str, float] | float],
    *,
    seeds: int | Sequence[int] = 1,
    client: Any = None,
    batch_size: int | None = None,
    progress: bool | None = None,
) -> SweepTable:
    """Run one simulation per grid point and seed; return the measured values in grid order.

    For every point ``p`` of the grid (every combination of its values, the last parameter
    varying fastest) and every seed ``s`` (fastest of all), ``model = build(seed=s, **p)`` is
    built, ``model.run(duration, progress=False)`` run and ``measure(model)`` recorded. Each run
    depends only on its parameters and seed, so the table is the same, bit for bit, whether it
    ran serially or on any number of workers.

    Parameters
    ----------
    build : callable
        ``build(seed=int, **params)`` returns an object with ``run(duration, progress=...)``: a
        :class:`spiker.Network` or a :class:`spiker.models.Model`. On a client it must be
        picklable by cloudpickle (functions of an importable module, lambdas, partials).
    grid : mapping str -> sequence
        Parameter values, e.g. ``{"noise": [0.6, 1.0, 1.4]}``; names other than ``"seed"`` and
        ``"error"``.
    duration : float
        ms simulated per run.
    measure : callable
        ``measure(model)`` after the run: a mapping of column name -> value (numbers, or
        anything CSV can hold), or one number (column ``"value"``). :mod:`spiker.measures` has
        ready ones for :mod:`spiker.models`.
    seeds : int or sequence of int
        ``K`` means seeds ``0 .. K-1``; or the seeds themselves.
    client : dask.distributed.Client, optional
        Run on its workers; ``None`` (default) runs serially in this process.
    batch_size : int, optional
        Runs per Dask task. Default: sized as the sweep goes, from the run times measured so
        far: short runs are batched into tasks of about ``TASK_SECONDS`` (0.5 s), so that
        scheduling (2-15 ms a task on a LocalCluster) stays small, while the last tasks
        shrink so that the workers finish together; runs of a second or more go one per task.
    progress : bool or None
        Progress bar of finished runs (tqdm). ``None`` (default) shows it only if the sweep lasts
        more than 2 s; ``False`` never.

    Returns
    -------
    SweepTable
        A list of dicts, one per run, in grid order (parameters, ``"seed"``, measured values,
        ``"error"``). Always this type; ``.to_frame()`` gives a pandas DataFrame, ``.to_csv()``
        a file, ``.aggregate(column)`` the mean and s.d. over seeds.

    A run that raises does not stop the others: its row carries the traceback in ``"error"``,
    and a :class:`SweepWarning` names the failed parameters. Ctrl+C stops the sweep and raises
    :class:`SweepInterrupted`, whose ``.table`` holds every finished run.
    """
    if not callable(build) or not callable(measure):
        raise TypeError("build and measure must be callables")
    duration = check.finite_float("duration", duration, positive=True)
    runs = [(p, s) for p in grid_points(grid) for s in _seed_list(seeds)]
    if batch_size is not None:
        batch_size = check.positive_int("batch_size", batch_size)
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"progress must be True, False or None; got {progress!r}")
    if client is not None:
        try:
            import distributed  # noqa: F401
        except ImportError as err:
            raise ImportError(
                "sweep(client=...) needs dask.distributed: pip install 'spiker[dask]'"
            ) from err
    from tqdm.auto import tqdm

    bar = tqdm(total=len(runs), unit="run", desc="sweep", disable=progress is False,
               delay=0 if progress else 2.0, leave=progress is True)  # fmt: skip
    rows: list[dict | None] = [None] * len(runs)
    scheduler = None
    try:
        if client is None:
            for k, (params, seed) in enumerate(runs):
                rows[k] = _run_one(build, measure, duration, params, seed)
                bar.update(1)
        else:
            scheduler = _Scheduler(client, build, measure, duration, runs, batch_size)
            scheduler.run(rows, bar)
    except KeyboardInterrupt:
        if scheduler is not None:
            scheduler.cancel()
        rows = [row or _not_run([run])[0] for row, run in zip(rows, runs, strict=True)]
        raise SweepInterrupted(SweepTable(rows, tuple(grid))) from None
    finally:
        bar.close()
    table = SweepTable(rows, tuple(grid))
    failed = table.failures
    if failed:
        first = failed[0]
        where = ", ".join(f"{p}={first[p]!r}" for p in (*table.parameters, "seed"))
        warnings.warn(
            f"{len(failed)} of {len(table)} runs failed; the first ({where}): "
            f"{first['error'].strip().splitlines()[-1]} (tracebacks in the rows' 'error')",
            SweepWarning,
            stacklevel=2,
        )
    return table


# ---- spiker sweep -------------------------------------------------------------------------------
SWEEP_DEFAULT_MS = 1000.0


def _build_model(model_name: str, seed: int, **params):
    """``spiker.models.MODELS[model_name](seed=seed, **params)`` (picklable by reference)."""
    from spiker.models import MODELS

    return MODELS[model_name](seed=seed, **params)


def sweepable(model_name: str) -> dict[str, type]:
    """The parameters of a model function a sweep can vary (those ``spiker run --param`` can
    set, bools aside), with the type their values take."""
    from spiker.cli import model_parameters, parameter_type
    from spiker.models import MODELS

    params = model_parameters(MODELS[model_name]).items()
    return {k: parameter_type(p) for k, p in params if parameter_type(p) is not bool}


def _convert(name: str, text: str, kind: type) -> object:
    """``text`` as a value of ``kind`` (int, float or str), or a usage error."""
    if kind is str:
        return text
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or (kind is int and value != round(value)):
        what = "an integer" if kind is int else "a finite number"
        raise UsageError(f"--grid {name}: {text!r} is not {what}")
    return round(value) if kind is int else value


def parse_grid(model_name: str, specs: Sequence[str]) -> dict[str, list]:
    """``["noise=0.6:1.4:5", "w=1,2"]`` -> ``{"noise": [0.6, 0.8, ...], "w": [1.0, 2.0]}``.

    ``LO:HI:N`` is N evenly spaced values from LO to HI inclusive (numbers only); ``V1,V2,...``
    lists the values. Values take the type of the parameter's default.
    """
    params = sweepable(model_name)
    grid: dict[str, list] = {}
    for spec in specs:
        name, sep, rhs = spec.partition("=")
        name = name.strip()
        if not sep or not name or not rhs.strip():
            raise UsageError(f"--grid {spec!r}: expected NAME=LO:HI:N or NAME=V1,V2,...")
        if name not in params:
            allowed = ", ".join(params) or "none"
            raise UsageError(f"unknown parameter {name!r} for {model_name}; sweepable: {allowed}")
        if name in grid:
            raise UsageError(f"--grid {name} is given twice")
        kind = params[name]
        if ":" in rhs:
            parts = rhs.split(":")
            if len(parts) != 3 or kind is str:
                raise UsageError(f"--grid {spec!r}: a range is LO:HI:N, for a numeric parameter")
            lo, hi = (_convert(name, p, float) for p in parts[:2])
            n = _convert(name, parts[2], int)
            if n < 1:
                raise UsageError(f"--grid {spec!r}: N must be >= 1")
            values = [round(float(v), 12) for v in np.linspace(lo, hi, n)]
            grid[name] = [_convert(name, repr(v), kind) for v in values]
        else:
            grid[name] = [_convert(name, v.strip(), kind) for v in rhs.split(",")]
    if not grid:
        raise UsageError("--grid needs at least one NAME=...")
    return grid


def add_parser(subparsers) -> None:
    """Register ``spiker sweep`` on an argparse subparsers object."""
    p = subparsers.add_parser(
        "sweep",
        help="run a model over a parameter grid and seeds; write a CSV table and a plot",
        description="Run a model of spiker.models once per grid point and seed (on a local Dask "
        "cluster with --workers > 1) and write STEM.csv (one row per run) and STEM.png (the "
        "measure against the first grid parameter, mean and s.d. over seeds).",
    )
    p.add_argument("model", help="model name (see spiker run --list)")
    p.add_argument("--grid", action="append", default=[], metavar="NAME=LO:HI:N|NAME=V1,V2",
                   help="parameter values: N evenly spaced from LO to HI, or a list; repeat "
                   "for more parameters")  # fmt: skip
    p.add_argument(
        "--seeds", default="1", metavar="K", help="number of seeds K: seeds 0..K-1 (default 1)"
    )
    p.add_argument(
        "--measure",
        default="rate",
        metavar="NAME",
        help=f"one of {', '.join(MEASURES)} (default rate)",
    )
    p.add_argument(
        "--workers",
        default="1",
        metavar="W",
        help="Dask worker processes here; 1 (default) runs serially",
    )
    p.add_argument(
        "--duration",
        type=float,
        help=f"ms per run (default: the model's, at most {SWEEP_DEFAULT_MS:g})",
    )
    p.add_argument(
        "--out", metavar="STEM", help="path stem of the CSV and PNG (default: MODEL_sweep)"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run_cli)


def _whole(name: str, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{name} must be an integer >= 1; got {text!r}") from None
    if value < 1:
        raise UsageError(f"{name} must be an integer >= 1; got {value}")
    return value


def _stem(args) -> str:
    """``--out`` without a .csv or .png ending (default ``MODEL_sweep``)."""
    stem = args.out or f"{args.model}_sweep"
    return stem[:-4] if stem.endswith((".csv", ".png")) else stem


def _check_args(args) -> tuple[dict, float, int, int]:
    """Everything the command line says, checked before any simulation."""
    from spiker.models import MODELS

    if args.model not in MODELS:
        raise UsageError(f"unknown model {args.model!r}; choose from: {', '.join(MODELS)}")
    if args.measure not in MEASURES:
        raise UsageError(f"unknown measure {args.measure!r}; choose from: {', '.join(MEASURES)}")
    n_seeds = _whole("--seeds", args.seeds)
    workers = _whole("--workers", args.workers)
    grid = parse_grid(args.model, args.grid)
    built = []  # (name, dt, duration) of each grid point's model
    for point in grid_points(grid):  # building is cheap; it checks every value before any run
        try:
            model = _build_model(args.model, seed=0, **point)
        except (TypeError, ValueError) as err:
            where = ", ".join(f"{k}={v!r}" for k, v in point.items())
            raise UsageError(f"{args.model} cannot be built with {where}: {err}") from None
        built.append((model.name, model.net.dt, model.duration))
    duration = args.duration
    if duration is None:
        _, dt, default = built[0]
        duration = float(f"{round(min(default, SWEEP_DEFAULT_MS) / dt) * dt:.12g}")
    for name, dt, _ in built:  # the models of a grid may differ in dt (izhikevich2004's features)
        try:
            check.whole_steps("--duration", duration, dt, minimum=1)
        except ValueError as err:
            raise UsageError(f"{err} (model {name})") from None
    folder = os.path.dirname(_stem(args)) or "."
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise UsageError(f"--out {args.out!r}: {folder!r} is not a folder this user can write to")
    if workers > 1:
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise UsageError(
                f"--workers {workers} needs Dask: pip install 'spiker[dask]'"
            ) from None
    return grid, duration, n_seeds, workers


def _run_sweep(args, grid, duration, n_seeds, workers) -> tuple[SweepTable, bool]:
    from functools import partial

    run = partial(sweep, partial(_build_model, args.model), grid, duration,
                  MEASURES[args.measure], seeds=n_seeds,
                  progress=False if args.no_progress else None)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SweepWarning)  # failures are listed below instead
        try:
            if workers == 1:
                return run(), False
            with local_client(workers) as client:
                return run(client=client), False
        except SweepInterrupted as stop:
            return stop.table, True


def run_cli(args) -> int:
    """``spiker sweep``: check the arguments, run the sweep, write STEM.csv and STEM.png."""
    grid, duration, n_seeds, workers = _check_args(args)  # (UsageError: one line, exit 2)
    stem = _stem(args)
    where = "serially" if workers == 1 else f"on {workers} Dask workers"
    n_runs = len(grid_points(grid)) * n_seeds
    print(f"{args.model}: {n_runs} runs of {duration:g} ms {where}", file=sys.stderr)
    table, interrupted = _run_sweep(args, grid, duration, n_seeds, workers)
    table.to_csv(stem + ".csv")
    column = args.measure
    if any(column in row for row in table):
        title = f"spiker sweep {args.model}: {duration:g} ms per run"
        _plot(table, column, MEASURE_LABELS[column], title, stem + ".png")
        print(f"{'  '.join(table.parameters)}  {column} (mean ± s.d. over seeds, n)")
        for row in table.aggregate(column):
            values = "  ".join(f"{row[p]}" for p in table.parameters)
            print(f"{values}  {row['mean']:.4g} ± {row['std']:.2g}  ({row['n']})")
        print(f"table written to {stem}.csv, plot to {stem}.png")
    else:
        print(f"table written to {stem}.csv; no run finished, so no plot", file=sys.stderr)
    for row in table.failures:
        params = ", ".join(f"{p}={row[p]!r}" for p in (*table.parameters, "seed"))
        print(f"failed: {params}: {row['error'].strip().splitlines()[-1]}", file=sys.stderr)
    if interrupted:
        print("interrupted: the table holds the runs that finished", file=sys.stderr)
        return 130
    return 1 if table.failures else 0


def _plot(table: SweepTable, column: str, label: str, title: str, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from spiker.plot import sweep as plot_sweep

    ax = plot_sweep(table, column, label=label)
    ax.set_title(title)
    ax.figure.tight_layout()
    ax.figure.savefig(path, dpi=150)
    plt.close(ax.figure)
