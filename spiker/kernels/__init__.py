"""numba kernels: every ``@njit`` function of spiker lives in this package, and nothing else.

Kernels are plain functions of arrays and scalars. They trust their inputs (the Python side
validates once, at the API) and write into preallocated outputs. Each has a slow pure-NumPy twin in
``tests/spiker/naive.py`` that it must match spike for spike.
"""

from spiker.kernels._cache import sync_cache

sync_cache()  # before the kernels' modules load their cached machine code

from spiker.kernels.engine import STATUS_DIVERGED, STATUS_OK, STATUS_SPIKES_FULL, run_steps  # noqa: E402
from spiker.kernels.neurons import (  # noqa: E402
    METHOD_CODES,
    METHOD_EULER,
    METHOD_IZHIKEVICH,
    METHOD_NONE,
    METHOD_RK4,
    METHOD_SPNET,
    RECOVERY_CODES,
)

__all__ = [
    "METHOD_CODES",
    "METHOD_EULER",
    "METHOD_IZHIKEVICH",
    "METHOD_NONE",
    "METHOD_RK4",
    "METHOD_SPNET",
    "RECOVERY_CODES",
    "STATUS_DIVERGED",
    "STATUS_OK",
    "STATUS_SPIKES_FULL",
    "run_steps",
]
