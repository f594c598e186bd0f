"""Keep numba's on-disk cache of the kernels consistent with their sources.

numba invalidates a cached function only when *its own* file changes; ``run_steps`` in
``engine.py`` inlines and calls functions of ``neurons.py`` and ``plasticity.py``, so an edit there
would leave a stale compiled ``run_steps`` in the cache, silently. This module fingerprints every
kernel source file and, when the fingerprint changes, drops the package's cached kernels so that
they are compiled afresh.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _cache_dirs() -> list[Path]:
    dirs = [_HERE / "__pycache__"]
    env = os.environ.get("NUMBA_CACHE_DIR")
    if env:
        # numba mirrors the source tree below NUMBA_CACHE_DIR
        dirs.append(Path(env) / _HERE.relative_to(_HERE.anchor))
    return dirs


def sync_cache(sources: Path = _HERE, caches: list[Path] | None = None) -> bool:
    """Drop cached kernels compiled from sources other than the present ones.

    Returns True when a cache directory's fingerprint was out of date (and its kernels dropped).
    """
    dropped = False
    digest = hashlib.sha256()
    for path in sorted(sources.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    stamp = digest.hexdigest()
    for cache in _cache_dirs() if caches is None else caches:
        marker = cache / "spiker-kernels.sha256"
        try:
            if marker.read_text() == stamp:
                continue
        except OSError:
            pass
        try:
            cache.mkdir(parents=True, exist_ok=True)
            for stale in list(cache.glob("*.nbi")) + list(cache.glob("*.nbc")):
                stale.unlink(missing_ok=True)
            marker.write_text(stamp)
            dropped = True
        except OSError:  # a read-only install: numba falls back to its own checks
            pass
    return dropped
