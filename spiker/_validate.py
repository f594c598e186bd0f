"""Argument checks shared by the API. Each raises with the argument's name, its value and what is
allowed, before any work is done."""

import math
from numbers import Integral, Real

import numpy as np


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def positive_int(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral | np.integer):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {_short(value)}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}")
    return int(value)


def finite_float(name: str, value, *, positive: bool = False, nonnegative: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, Real | np.floating | np.integer):
        raise TypeError(f"{name} must be a real number; got {_short(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    if positive and value <= 0:
        raise ValueError(f"{name} must be > 0; got {value}")
    if nonnegative and value < 0:
        raise ValueError(f"{name} must be >= 0; got {value}")
    return value


def whole_steps(name: str, value_ms, dt: float, minimum: int = 0, interval: bool = False) -> int:
    """``value_ms / dt`` as an int, which must be whole (to 1e-9) and >= ``minimum``.

    ``interval=True`` is for strictly positive intervals (at least one step), reported as "a
    positive multiple of dt".
    """
    value = finite_float(name, value_ms)
    steps = round(value / dt)
    whole = math.isclose(steps * dt, value, rel_tol=1e-9, abs_tol=1e-9)
    if interval:
        if not whole or steps < 1:
            raise ValueError(f"{name} must be a positive multiple of dt = {dt} ms; got {value} ms")
        return steps
    if not whole:
        raise ValueError(f"{name} must be a whole number of steps of dt = {dt} ms; got {value} ms")
    if steps < minimum:
        raise ValueError(f"{name} must be >= {minimum * dt} ms ({minimum} steps); got {value} ms")
    return steps


def float_array(name: str, value, n: int | None = None, *, allow_scalar: bool = True) -> np.ndarray:
    """``value`` as a finite float64 array of shape (n,) (a scalar is broadcast)."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a number or an array of numbers; got {_short(value)}"
        ) from None
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
    arr = np.asarray(value)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-d sequence of indices; got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        if np.issubdtype(arr.dtype, np.floating) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        else:
            raise TypeError(f"{name} must hold integers; got dtype {arr.dtype}")
    arr = arr.astype(np.int64)
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        bad = arr[(arr < 0) | (arr >= n)][0]
        raise ValueError(f"{name} holds index {bad}, out of range: allowed 0..{n - 1}")
    return arr


def choice(name: str, value, allowed) -> str:
    if value not in allowed:
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
