"""Hostile input for the property tests: strategies of bad values, and the contract of every call.

The contract (issue 11): a call either works, and then its result has the property the test states,
or it raises ValueError or TypeError whose message names the bad argument. Anything else fails the
test: another exception (a numba typing error, ZeroDivisionError, AttributeError, MemoryError, ...),
a message that names no argument, or a warning (every warning is an error inside :func:`attempt`, so
an overflow that would leave a silent inf or NaN is caught where it happens).

Every bad value tried is counted once per test and argument (:data:`CASES`); the root conftest
prints the total at the end of the session.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import warnings
from collections import Counter, defaultdict

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

#: test -> set of (argument, digest of the bad value) tried
CASES: dict[str, set[tuple[str, str]]] = defaultdict(set)
#: "refused" / "worked": how the calls with a bad value ended
OUTCOMES: Counter = Counter()
REFUSED = object()  # what attempt returns for a refused call


def examples(n: int) -> settings:
    """``n`` examples per test, times ``HOSTILE_SCALE`` from the environment (default 1), for a
    longer search by hand: ``HOSTILE_SCALE=20 HYPOTHESIS_PROFILE=explore pytest ...``."""
    return settings(max_examples=max(1, round(n * float(os.environ.get("HOSTILE_SCALE", "1")))))


def _digest(value) -> str:
    if isinstance(value, np.ndarray):
        body = repr(value.tolist()) if value.dtype == object else value.tobytes()
        text = f"{value.dtype.str}{value.shape}".encode() + (
            body if isinstance(body, bytes) else body.encode()
        )
    else:
        text = f"{type(value).__name__}:{value!r}".encode()
    return hashlib.sha1(text).hexdigest()


def _test_name() -> str:
    return os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0]


def attempt(call, bad: str | tuple[str, ...], value=None, also: tuple = ()):
    """Run ``call()`` once with a bad value for the argument ``bad`` (or one of several names).

    Returns the result, or :data:`REFUSED` when the call raised ValueError or TypeError whose
    message names ``bad`` (or one of the exception types ``also``, e.g. OSError for a path that
    the system refuses). Any other exception, a message naming none of ``bad``, or any warning
    fails the test.
    """
    names = (bad,) if isinstance(bad, str) else tuple(bad)
    CASES[_test_name()].add((names[0], _digest(value)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            result = call()
        except (ValueError, TypeError) as exc:
            message = str(exc)
            assert any(_names(n, message) for n in names), (
                f"{type(exc).__name__} does not name {' or '.join(names)}: {message}"
            )
            OUTCOMES["refused"] += 1
            return REFUSED
        except also:
            OUTCOMES["refused"] += 1
            return REFUSED
    OUTCOMES["worked"] += 1
    return result


def _names(name: str, message: str) -> bool:
    """``name`` appears in ``message`` as a word of its own (``x`` is not in "expects")."""
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", message) is not None


def costly(value, limit: float = 10**4, ceiling: float = 2**40) -> bool:
    """A count that is valid but slow to honour (``limit`` <= value < ``ceiling``): a test of
    bad input skips it. Sizes no memory holds (2**40 and up) are refused, and tested as such;
    a count of repetitions (epochs) has no such ceiling."""
    if isinstance(value, bool | np.bool_ | np.timedelta64) or not isinstance(
        value, int | float | np.number
    ):
        return False
    return bool(np.isreal(value) and limit <= float(np.real(value)) < ceiling)


def summary() -> str:
    total = sum(len(v) for v in CASES.values())
    return (
        f"hostile input: {total} distinct bad-input cases in {len(CASES)} tests "
        f"({OUTCOMES['refused']} calls refused with a named ValueError/TypeError, "
        f"{OUTCOMES['worked']} worked and met their property)"
    )


# ------------------------------------------------------------------------------ strategies
NASTY_FLOATS = [
    0.0, -0.0, -1.0, 1e-320, -1e-320, 5e-324, 1e-300, 1e300, 1e308, -1e308,
    math.nan, math.inf, -math.inf, 2.0**63, -(2.0**63), 2.0**64, 0.5, 1e15, 1e20,
]  # fmt: skip
NUMPY_SCALARS = [
    np.float32(np.nan), np.float16(np.inf), np.int8(-1), np.uint64(2**64 - 1), np.int64(-(2**63)),
    np.float64(1e308), np.bool_(True), np.complex64(1j), np.float32(0.5), np.int32(3),
    np.datetime64("2020-01-01"), np.timedelta64(5, "ms"),
]  # fmt: skip


def scalars() -> st.SearchStrategy:
    """Bad (and a few good) scalars of every kind: None, bools, huge ints, NaN, inf, subnormals,
    complex, strings, bytes, numpy scalars, containers and arbitrary objects."""
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.integers(-3, 3),
        st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True),
        st.sampled_from(NASTY_FLOATS),
        st.complex_numbers(),
        st.text(max_size=4),
        st.binary(max_size=3),
        st.sampled_from(NUMPY_SCALARS),
        st.sampled_from([object(), {}, {"a": 1}, (), [], [1, 2], (2, 3), slice(1), Ellipsis]),
    )


DTYPES = [
    np.bool_, np.int8, np.int32, np.int64, np.uint8, np.uint64, np.float16, np.float32,
    np.float64, np.complex128, np.dtype("U3"), np.dtype("S2"), np.dtype("datetime64[ms]"),
]  # fmt: skip


def _object_elements() -> st.SearchStrategy:
    return st.one_of(st.none(), st.integers(-5, 5), st.floats(), st.text(max_size=2), st.just([1]))


def arrays(
    dtypes=None, min_dims: int = 0, max_dims: int = 4, min_side: int = 0, max_side: int = 4
) -> st.SearchStrategy:
    """numpy arrays of random dtype (bools, ints, floats with NaN/inf, complex, strings, bytes,
    datetimes, objects) and shape, empty ones included."""
    shapes = hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )
    plain = hnp.arrays(dtype=st.sampled_from(dtypes or DTYPES), shape=shapes)
    objects = hnp.arrays(dtype=object, shape=shapes, elements=_object_elements())
    return st.one_of(plain, objects) if dtypes is None else plain


def ragged() -> st.SearchStrategy:
    """Nested lists that are not rectangular, and lists of mixed types."""
    return st.sampled_from(
        [[[1, 2], [3]], [1, [2, 3]], [[0.5], [0.1, 0.2]], [1, "a"], [None, 1.0], [[[]], [1]]]
    )


def anything(**kw) -> st.SearchStrategy:
    """A scalar, an array or a ragged list: what a user might pass by mistake."""
    return st.one_of(scalars(), arrays(**kw), ragged())


def finite_floats(min_value: float = -1e6, max_value: float = 1e6) -> st.SearchStrategy:
    return st.floats(min_value, max_value, allow_nan=False, allow_infinity=False)
