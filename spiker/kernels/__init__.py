"""numba kernels: every ``@njit`` function of spiker lives in this package, and nothing else.

Kernels are plain functions of arrays and scalars. They trust their inputs (the Python side
validates once, at the API) and write into preallocated outputs. Each has a slow pure-NumPy twin in
``tests/spiker/naive.py`` that it must match spike for spike.
"""

from spiker.kernels.engine import STATUS_DIVERGED, STATUS_OK, STATUS_SPIKES_FULL, run_steps
from spiker.kernels.neurons import (
    METHOD_CODES,
    METHOD_EULER,
    METHOD_IZHIKEVICH,
    METHOD_NONE,
    METHOD_RK4,
    RECOVERY_CODES,
)

__all__ = [
    "METHOD_CODES",
    "METHOD_EULER",
    "METHOD_IZHIKEVICH",
    "METHOD_NONE",
    "METHOD_RK4",
    "RECOVERY_CODES",
    "STATUS_DIVERGED",
    "STATUS_OK",
    "STATUS_SPIKES_FULL",
    "run_steps",
]
