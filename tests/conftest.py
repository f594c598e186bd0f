"""Test-wide settings. Hypothesis profiles are registered here, each under its own name, and
applied by the test modules that use them (none is loaded globally), so that they coexist."""

import os

from hypothesis import HealthCheck, settings

#: tests/spiker/test_hostile_api.py: hostile input for the simulator's public API. Bounded and
#: derandomized (the same examples every run, no example database), so the default test run
#: stays short and reproducible; SIMULATOR_API_EXAMPLES=2000 searches further.
settings.register_profile(
    "simulator-api",
    max_examples=int(os.environ.get("SIMULATOR_API_EXAMPLES", "150")),
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
