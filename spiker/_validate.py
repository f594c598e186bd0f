"""Argument checks shared by the API. Each raises with the argument's name, its value and what is
allowed, before any work is done."""

import math
from numbers import Integral, Real

import numpy as np

#: The largest step count (in magnitude) the API accepts. Below it, a time in ms (steps * dt, a
#: float64) converts back to the same step (round(t / dt) is off by at most 2**-2), so "integer
#: steps inside, ms outside" holds exactly; sums of step counts stay far inside int64.
MAX_STEPS = 2**50
#: Share of the available memory that one array may take before it is refused up front.
MEMORY_SHARE = 0.8
#: The most units (neurons and source units) a network can have, and synapses a projection:
#: their indices are int32 in the kernel.
MAX_UNITS = 2**31 - 1
MAX_SYNAPSES = 2**31 - 1


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def positive_int(name: str, value, minimum: int = 1, maximum: int | None = None) -> int:
    if isinstance(value, bool | np.timedelta64) or not isinstance(value, Integral | np.integer):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {_short(value)}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be an integer <= {maximum}; got {value}")
    return int(value)


def units(name: str, n, existing: int, bytes_each: int) -> int:
    """A number of units to add to a network of ``existing`` units: an integer >= 1 that keeps
    the total within MAX_UNITS and whose tables fit in memory."""
    n = positive_int(name, n, maximum=MAX_UNITS - existing)
    fits_in_memory(name, n * bytes_each, f"{n} units")
    return n


def flag(name: str, value) -> bool:
    """A True/False option."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False; got {_short(value)}")
    return bool(value)


def path(name: str, value):
    """A file or folder path: a non-empty str or os.PathLike (text, not bytes)."""
    import os
    from pathlib import Path

    if not isinstance(value, str | os.PathLike) or isinstance(value, bytes):
        raise TypeError(f"{name} must be a path (str or os.PathLike); got {_short(value)}")
    text = os.fspath(value)
    if not isinstance(text, str) or not text:
        raise TypeError(f"{name} must be a non-empty path; got {_short(value)}")
    return Path(text)


def writable_path(name: str, value):
    """A path (:func:`path`) in an existing, writable folder: where a file or folder can be
    made."""
    import os

    where = path(name, value)
    folder = where.absolute().parent
    if not folder.is_dir():
        raise ValueError(f"{name}: folder {str(folder)!r} of {str(where)!r} does not exist")
    if not os.access(folder, os.W_OK):
        raise ValueError(f"{name}: folder {str(folder)!r} of {str(where)!r} is not writable")
    return where


def finite_float(name: str, value, *, positive: bool = False, nonnegative: bool = False) -> float:
    if isinstance(value, bool | np.timedelta64) or not isinstance(
        value, Real | np.floating | np.integer
    ):
        raise TypeError(f"{name} must be a real number; got {_short(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    if positive and value <= 0:
        raise ValueError(f"{name} must be > 0; got {value}")
    if nonnegative and value < 0:
        raise ValueError(f"{name} must be >= 0; got {value}")
    return value


def whole_steps(
    name: str,
    value_ms,
    dt: float,
    minimum: int = 0,
    interval: bool = False,
    minimum_name: str | None = None,
) -> int:
    """``value_ms / dt`` as an int, which must be whole (to 1e-9), >= ``minimum`` and at most
    :data:`MAX_STEPS` in magnitude.

    ``interval=True`` is for strictly positive intervals (at least one step), reported as "a
    positive multiple of dt". ``minimum_name`` names where the minimum comes from in the message
    (e.g. "t_start").
    """
    value = finite_float(name, value_ms)
    ratio = _steps_within_limit(name, value, dt)
    steps = round(ratio)
    whole = math.isclose(steps * dt, value, rel_tol=1e-9, abs_tol=1e-9)
    if interval:
        if not whole or steps < 1:
            raise ValueError(f"{name} must be a positive multiple of dt = {dt} ms; got {value} ms")
        return steps
    if not whole:
        raise ValueError(f"{name} must be a whole number of steps of dt = {dt} ms; got {value} ms")
    if steps < minimum:
        low = f"{minimum_name} = {minimum * dt}" if minimum_name else f"{minimum * dt}"
        raise ValueError(f"{name} must be >= {low} ms ({minimum} steps); got {value} ms")
    return steps


def fits_in_memory(name: str, n_bytes: int, what: str) -> None:
    """Refuse, before anything is allocated, work whose arrays need ``n_bytes`` (an int of any
    size) when that is more than :data:`MEMORY_SHARE` of the memory available now.

    ``name`` is what the caller should change (one argument, or several in words); ``what`` says
    what the memory is for.
    """
    if n_bytes <= 2**26:  # 64 MiB: not worth asking the system
        return
    import psutil

    available = psutil.virtual_memory().available
    if n_bytes > MEMORY_SHARE * available:
        gib = n_bytes / 2**30 if n_bytes < 2**1000 else math.inf
        raise ValueError(
            f"{name}: {what} would need {gib:.3g} GiB, but only "
            f"{available / 2**30:.3g} GiB of memory is available"
        )


def real_array(name: str, value, *, bools: bool = True) -> np.ndarray:
    """``value`` as an array of real numbers (int or float dtype, and bool unless ``bools`` is
    False; any shape; the dtype is kept).

    A rectangular object array of numbers becomes float64. Complex, string, bytes, datetime and
    other dtypes are refused with TypeError; a ragged nested sequence with ValueError.
    """
    if isinstance(value, str | bytes) or (not bools and isinstance(value, bool | np.bool_)):
        raise TypeError(f"{name} must be a number or an array of numbers; got {_short(value)}")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a rectangular array of numbers; got {_short(value)}"
        ) from None
    if arr.dtype.kind == "O":
        real = (Real, np.integer, np.floating)
        if not all(isinstance(v, real) and not isinstance(v, bool) for v in arr.flat):
            raise TypeError(f"{name} must hold real numbers; got {_short(value)}")  # not None
        arr = arr.astype(np.float64)
    if arr.dtype.kind not in ("biuf" if bools else "iuf"):
        raise TypeError(f"{name} must hold real numbers; got dtype {arr.dtype}: {_short(value)}")
    return arr


def float_array(name: str, value, n: int | None = None, *, allow_scalar: bool = True) -> np.ndarray:
    """``value`` as a finite float64 array of shape (n,) (a scalar is broadcast)."""
    arr = real_array(name, value, bools=False).astype(np.float64)
    if arr.ndim == 0:
        if not allow_scalar:
            raise ValueError(f"{name} must be an array; got the scalar {arr.item()}")
        if n is not None:
            arr = np.full(n, arr.item())
    elif arr.ndim != 1:
        raise ValueError(f"{name} must be a scalar or a 1-d array; got shape {arr.shape}")
    elif n is not None and arr.shape[0] != n:
        raise ValueError(f"{name} must be a scalar or have length {n}; got length {arr.shape[0]}")
    if not np.all(np.isfinite(arr)):
        bad = arr[~np.isfinite(arr)].flat[0] if arr.ndim else arr.item()
        raise ValueError(f"{name} must be finite; found {bad}")
    return arr


def index_array(name: str, value, n: int) -> np.ndarray:
    """``value`` as int64 indices into range(n), checked."""
    if isinstance(value, str | bytes | bool | np.bool_):
        raise TypeError(f"{name} must be a sequence of integer indices; got {_short(value)}")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a sequence of integer indices; got {_short(value)}"
        ) from None
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-d sequence of indices; got shape {arr.shape}")
    if arr.size == 0:
        return np.zeros(0, np.int64)
    if not np.issubdtype(arr.dtype, np.integer):
        whole = np.issubdtype(arr.dtype, np.floating) and np.all(np.isfinite(arr))
        if not (whole and np.all(arr == np.round(arr))):
            raise TypeError(f"{name} must hold integers; got dtype {arr.dtype}")
        arr = arr.astype(np.float64)  # compared with n below without overflow
    if arr.min() < 0 or arr.max() >= n:
        bad = arr[(arr < 0) | (arr >= n)][0]
        raise ValueError(f"{name} holds index {bad}, out of range: allowed 0..{n - 1}")
    return arr.astype(np.int64)


def choice(name: str, value, allowed) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {sorted(allowed)}; got {_short(value)}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {sorted(allowed)}; got {_short(value)}")
    return value


def interval_steps(name: str, value_ms, dt: float) -> int:
    """An interval in whole steps of ``dt`` (a positive multiple of it); None: every step."""
    if value_ms is None:
        return 1
    return whole_steps(name, value_ms, dt, interval=True)


def duration_steps(name: str, value_ms, dt: float) -> int:
    """A duration (ms, finite, >= 0) in whole steps of ``dt``, as Brian2's clocks do
    (``Clock._calc_timestep``): the nearest whole number of steps when the duration is within
    1e-4 steps of it, else rounded **up** (10.05 ms at dt = 0.1 ms is 101 steps)."""
    value = finite_float(name, value_ms, nonnegative=True)
    ratio = _steps_within_limit(name, value, dt)
    nearest = round(ratio)
    if abs(nearest * dt - value) <= 1e-4 * dt:
        return nearest
    return math.ceil(ratio)


def _steps_within_limit(name: str, value: float, dt: float) -> float:
    """``value / dt``, refused beyond MAX_STEPS (where step -> ms -> step stops being exact)."""
    ratio = value / dt
    if not abs(ratio) <= MAX_STEPS:
        raise ValueError(
            f"{name} = {value} ms is {ratio:.3g} steps of dt = {dt} ms; at most 2**50 steps "
            "are allowed"
        )
    return ratio


def delay_steps(name: str, delay_ms: np.ndarray, dt: float) -> np.ndarray:
    """Delays (ms, >= 0) on the grid of ``dt`` as Brian2's compiled spike queue puts them (its
    cython and cpp_standalone targets): ``int(delay / dt + 0.5)`` computed in seconds, so that
    halves round up (2.5 steps -> 3). Brian2's pure-Python queue rounds half to even instead."""
    delay_ms = np.asarray(delay_ms, dtype=np.float64)
    if delay_ms.size and not (np.all(np.isfinite(delay_ms)) and delay_ms.min() >= 0):
        bad = delay_ms[~(np.isfinite(delay_ms) & (delay_ms >= 0))][0]
        raise ValueError(f"{name} must be finite and >= 0 ms; got {bad}")
    steps = np.floor((delay_ms * 1e-3) / (dt * 1e-3) + 0.5)
    if steps.size and steps.max() > 2**31 - 1:
        raise ValueError(f"{name} is too long: {delay_ms.max()} ms is over 2**31 steps")
    return steps.astype(np.int64)


def time_steps(t_ms: np.ndarray, dt: float) -> np.ndarray:
    """Times (ms, >= 0) to the step that contains them, as Brian2's SpikeGeneratorGroup does:
    ``int((t + 1e-3*dt) / dt)`` in seconds (a time a hair below a multiple of dt still counts as
    that step)."""
    dt_s = dt * 1e-3
    return np.floor((np.asarray(t_ms, dtype=np.float64) * 1e-3 + 1e-3 * dt_s) / dt_s).astype(
        np.int64
    )


def run_values(net) -> None:
    """What a user can write straight into the network's arrays (``pop.v[:] = ...``,
    ``proj.weight[:] = ...``, ``src.rate_hz[:] = ...``), checked before a run and after each
    callback: a NaN there would otherwise run on silently."""
    from spiker.groups import PoissonSource, Population

    def refuse(what: str, values: np.ndarray, ok: np.ndarray, allowed: str) -> None:
        k = int(np.argmax(~ok))
        raise ValueError(f"{what} holds {values[k]} at index {k}; allowed: {allowed}")

    for g in net.groups:
        if isinstance(g, Population):
            for table, fields in ((net._x, g.state), (net._p, g.family.params)):
                for row, field in enumerate(fields):
                    values = table[row, g.start : g.stop]
                    ok = np.isfinite(values)
                    if not ok.all():
                        refuse(f"{g.name}.{field}", values, ok, "finite numbers")
        elif isinstance(g, PoissonSource):
            values, top = g.rate_hz, 1000.0 / net.dt
            ok = np.isfinite(values) & (values >= 0) & (values <= top)
            if not ok.all():
                refuse(f"{g.name}.rate_hz", values, ok, f"[0, {top:g}] Hz at dt = {net.dt} ms")
    values = net._I_const
    ok = np.isfinite(values)
    if not ok.all():
        refuse("the constant input current", values, ok, "finite numbers")
    for proj in net.projections:
        values, rule = proj.weight, proj.plasticity
        ok = np.isfinite(values)
        allowed = "finite numbers"
        if rule is not None:
            ok &= (values >= rule.w_min) & (values <= rule.w_max)
            allowed = f"[w_min, w_max] = [{rule.w_min:g}, {rule.w_max:g}]"
        if not ok.all():
            refuse(f"weight of projection {proj.name!r}", values, ok, allowed)
