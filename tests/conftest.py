"""Shared by every test: reproducible hypothesis profiles, and the count of hostile inputs tried.

The profile has no example database and derandomizes, so the same command runs the same examples
every time. (Hypothesis also mixes in constants from the modules loaded so far, so a file run
alone may draw a few other examples than inside the whole suite.) ``HYPOTHESIS_PROFILE=explore``
draws fresh examples and ``HOSTILE_SCALE=20`` multiplies their number, for a longer search by hand.
"""

from __future__ import annotations

import os
import sys

from hypothesis import HealthCheck, settings

# The suite runs spiker on threads and NEST in one process: numba's own thread pool, not OpenMP
# (two OpenMP runtimes crash the process; spiker.kernels._jit.choose_threading_layer).
# tests/spiker/test_threads.py runs the OpenMP default in a process of its own.
os.environ.setdefault("NUMBA_THREADING_LAYER", "workqueue")
if "numba" in sys.modules:  # pragma: no cover - a plugin imported it first
    sys.modules["numba"].config.THREADING_LAYER = os.environ["NUMBA_THREADING_LAYER"]

settings.register_profile(
    "spiker",
    database=None,
    derandomize=True,
    deadline=2000,  # ms per example: a hundred times the slowest, so only a hang trips it
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("explore", database=None, derandomize=False, deadline=None)
#: tests/spiker/test_hostile_api.py: hostile input for the simulator's public API, applied by that
#: module. Bounded and derandomized (the same examples every run, no example database), so the
#: default test run stays short and reproducible; SIMULATOR_API_EXAMPLES=2000 searches further.
settings.register_profile(
    "simulator-api",
    max_examples=int(os.environ.get("SIMULATOR_API_EXAMPLES", "150")),
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "spiker"))


def pytest_terminal_summary(terminalreporter) -> None:
    hostile = sys.modules.get("tests._hostile")
    if hostile is not None and hostile.CASES:
        terminalreporter.write_line(hostile.summary())
