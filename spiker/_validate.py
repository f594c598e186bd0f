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


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def positive_int(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, bool | np.timedelta64) or not isinstance(value, Integral | np.integer):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {_short(value)}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}")
    return int(value)


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
    ratio = value / dt
    if not abs(ratio) <= MAX_STEPS:
        raise ValueError(
            f"{name} = {value} ms is {ratio:.3g} steps of dt = {dt} ms; at most 2**50 steps "
            "are allowed"
        )
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


def real_array(name: str, value) -> np.ndarray:
    """``value`` as an array of real numbers (bool, int or float dtype, any shape).

    A rectangular object array of numbers becomes float64. Complex, string, bytes, datetime and
    other dtypes are refused with TypeError; a ragged nested sequence with ValueError.
    """
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
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers; got dtype {arr.dtype}: {_short(value)}")
    return arr


def float_array(name: str, value, n: int | None = None, *, allow_scalar: bool = True) -> np.ndarray:
    """``value`` as a finite float64 array of shape (n,) (a scalar is broadcast)."""
    arr = real_array(name, value).astype(np.float64)
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
    """``value`` as int64 indices into range(n), checked (whole floats are accepted)."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a 1-d sequence of indices; got {_short(value)}") from None
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-d sequence of indices; got shape {arr.shape}")
    if arr.dtype.kind not in "iu":
        whole = arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr))
        if not (whole or (arr.size == 0 and arr.dtype.kind in "bf")):
            raise TypeError(f"{name} must hold integers; got dtype {arr.dtype}")
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        bad = arr[(arr < 0) | (arr >= n)][0]
        raise ValueError(f"{name} holds index {bad}, out of range: allowed 0..{n - 1}")
    return arr.astype(np.int64)


def choice(name: str, value, allowed) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {sorted(allowed)}; got {_short(value)}")
    return value


def duration_steps(name: str, value_ms, dt: float) -> int:
    """A duration (ms, finite, >= 0) in whole steps of ``dt``, as Brian2's clocks do
    (``Clock._calc_timestep``): the nearest whole number of steps when the duration is within
    1e-4 steps of it, else rounded **up** (10.05 ms at dt = 0.1 ms is 101 steps)."""
    value = finite_float(name, value_ms, nonnegative=True)
    nearest = round(value / dt)
    if abs(nearest * dt - value) <= 1e-4 * dt:
        return nearest
    return math.ceil(value / dt)


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
