"""numba kernels: every ``@njit`` function of spiker lives in this package, and nothing else.

Kernels are plain functions of arrays and scalars, which travel in the named groups of
``layout.py``. They trust their inputs (the Python side validates once, at the API) and write into
preallocated outputs. Each has a slow pure-NumPy twin in ``tests/spiker/naive.py`` that it must
match spike for spike.
"""

from spiker.kernels._cache import sync_cache

sync_cache()  # before the kernels' modules load their cached machine code

from spiker.kernels.engine import run_steps  # noqa: E402

__all__ = ["run_steps"]
