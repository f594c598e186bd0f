"""Argument checks for the public API of :mod:`networks`.

Each raises ValueError or TypeError naming the argument, its value and what is allowed, before any
work is done. (:mod:`networks` does not depend on :mod:`spiker`, so these few lines stand apart
from ``spiker._validate``.)
"""

from __future__ import annotations

import contextvars
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np

_TRUSTED = contextvars.ContextVar("networks_validated_once", default=False)


@contextmanager
def validated_once() -> Iterator[None]:
    """Inside this block the layers trust what they are given: the caller (``Sequential.fit``,
    ``predict``) has validated the data once, at the API, so the batch loop pays nothing."""
    token = _TRUSTED.set(True)
    try:
        yield
    finally:
        _TRUSTED.reset(token)


def trusted() -> bool:
    return _TRUSTED.get()


class NonFiniteError(ValueError, FloatingPointError):
    """A value became infinite or NaN although every input was finite (an overflow, a diverging
    fit). Both a ValueError (a bad value went in) and a FloatingPointError."""


def short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_number(value, kind) -> bool:
    return not isinstance(value, bool | np.bool_ | np.timedelta64) and isinstance(value, kind)


def is_real(value) -> bool:
    """A real number (Python or numpy), not a bool."""
    return _is_number(value, Real | np.integer | np.floating)


def positive_int(name: str, value, minimum: int = 1) -> int:
    """An int >= ``minimum``; a float with a whole value (3.0) is accepted as that int."""
    if _is_number(value, Real | np.integer | np.floating) and not _is_number(value, Integral):
        if not math.isfinite(value) or value != int(value):
            raise ValueError(f"{name} must be a positive integer; got {short(value)}")
    elif not _is_number(value, Integral | np.integer):
        raise TypeError(f"{name} must be a positive integer; got {short(value)}")
    if value < minimum:
        what = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"{name} must be {what}; got {short(value)}")
    return int(value)


def real(
    name: str,
    value,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """A finite float, optionally inside [low, high] (``*_open`` excludes that end)."""
    x = to_float(name, value)
    inside = math.isfinite(x)
    if low is not None:
        inside = inside and (x > low if low_open else x >= low)
    if high is not None:
        inside = inside and (x < high if high_open else x <= high)
    if not inside:
        lo = "(-inf" if low is None else f"{'(' if low_open else '['}{low}"
        hi = "inf)" if high is None else f"{high}{')' if high_open else ']'}"
        raise ValueError(f"{name} must be a finite number in {lo}, {hi}; got {short(value)}")
    return x


def to_float(name: str, value) -> float:
    """A real number as a float (an int too large for a float becomes inf)."""
    if not is_real(value):
        raise TypeError(f"{name} must be a real number; got {short(value)}")
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def float_dtype(name: str, value) -> np.dtype:
    """A floating numpy dtype (float16/32/64, given as a dtype, a type or a name)."""
    try:
        with warnings.catch_warnings():  # numpy deprecates some aliases ('a') while parsing
            warnings.simplefilter("ignore", DeprecationWarning)
            dt = np.dtype(value) if isinstance(value, np.dtype | type | str) else None
    except (TypeError, ValueError, SyntaxError):  # what numpy's dtype parser raises
        dt = None
    if dt is None or dt.kind != "f":
        raise TypeError(f"{name} must be a floating dtype; got {short(value)}")
    return dt


def flag(name: str, value) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False; got {short(value)}")
    return bool(value)


def real_array(name: str, value, dtype=None, keep: bool = False) -> np.ndarray:
    """``value`` as an array of real numbers; ints and bools become ``dtype`` (default float64,
    or stay as they are with ``keep``), floats keep theirs unless ``dtype`` is given. Complex,
    strings, objects and ragged nested lists are refused."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        got = short(value)
        raise ValueError(f"{name} must be a rectangular array of numbers; got {got}") from None
    if arr.dtype.kind == "O":
        if not all(is_real(v) for v in arr.flat):  # astype would turn None into NaN
            raise TypeError(f"{name} must hold real numbers; got {short(value)}")
        arr = arr.astype(np.float64)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers; got dtype {arr.dtype}")
    if dtype is not None:
        return arr.astype(dtype, copy=False)
    return arr if keep or arr.dtype.kind == "f" else arr.astype(np.float64)


def finite(name: str, arr: np.ndarray) -> np.ndarray:
    """Refuse an array holding inf or NaN, naming the first bad entry."""
    if arr.size and not np.isfinite(arr).all():
        where = np.unravel_index(int(np.argmin(np.isfinite(arr).reshape(-1))), arr.shape)
        at = tuple(map(int, where))
        raise ValueError(f"{name} must be finite; holds {arr[where]} at index {at}")
    return arr


def fits_in_memory(name: str, n_bytes: int, what: str) -> None:
    """Refuse, before allocating, arrays of ``n_bytes`` that would take more than 80 % of the
    memory available now (asked of psutil only above 64 MiB)."""
    if n_bytes <= 2**26:
        return
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with spiker
        return
    available = psutil.virtual_memory().available
    if n_bytes > 0.8 * available:
        gib = n_bytes / 2**30 if n_bytes < 2**1000 else math.inf
        raise ValueError(
            f"{name}: {what} would need {gib:.3g} GiB, but only "
            f"{available / 2**30:.3g} GiB of memory is available"
        )


def largest(arr: np.ndarray) -> float:
    """Largest finite magnitude in ``arr`` (0 for none), for messages."""
    a = np.abs(arr[np.isfinite(arr)]) if arr.size else arr
    return float(a.max()) if a.size else 0.0
