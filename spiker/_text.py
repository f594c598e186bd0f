"""Numbers as a reader wants them: durations in readable units, counts with their noun."""

from __future__ import annotations

import numpy as np


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``"1 spike"``, ``"2 spikes"``, ``"0 spikes"``."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def _number(x: float) -> str:
    """Positional notation without trailing zeros (never ``3.6e+06``), at most 4 decimals."""
    return np.format_float_positional(round(x, 4), trim="-")


def duration(ms: float) -> str:
    """A duration given in ms, for reading: ``"250 ms"``, ``"12.5 s"``, ``"3600 s (1 h)"``,
    ``"150 s (2 min 30 s)"``."""
    ms = float(ms)
    if abs(ms) < 1000.0:
        return f"{_number(ms)} ms"
    s = ms / 1000.0
    text = f"{_number(s)} s"
    if abs(s) >= 120.0:
        h, rest = divmod(abs(s), 3600.0)
        m, sec = divmod(rest, 60.0)
        parts = [f"{int(h)} h"] * (h > 0) + [f"{int(m)} min"] * (m > 0)
        parts += [f"{_number(sec)} s"] * (round(sec, 4) > 0)
        text += f" ({' '.join(parts)})"
    return text
