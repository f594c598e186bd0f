"""The decorators of every kernel: compiled once, cached on disk, without numba's runtime (NRT).

The kernels allocate nothing: they work in arrays that the Python side owns and passes in. Without
NRT, numba does not count references to those arrays; with it, every array handed to a helper
(inlined or not) costs an atomic increment and decrement, which the per-unit helpers of the step
loop would pay once per unit and step (measured: 9 ns per unit without NRT, 37 ns with it, for
the same Izhikevich update). A kernel that tried to allocate would fail to compile.
"""

import os
import sys

import numba
from numba import njit


def choose_threading_layer() -> str:
    """The threading layer of the process's threaded runs, chosen before the first one (numba
    keeps it for the process's life): the user's ``NUMBA_THREADING_LAYER`` if set; else OpenMP,
    unless NEST is loaded already, then numba's own "workqueue".

    OpenMP's fork-join costs a few microseconds; workqueue's about a hundred, three times a
    step, which made 2 threads slower than 1 (10 k neurons: 131 against 40 ms for 300 ms of
    model time; OpenMP 32 ms). But NEST brings its own OpenMP runtime, and two in one process
    crash it (NEST segfaulted in ResetKernel after a run on OpenMP threads):
    ``spiker.interop.nest`` refuses to load NEST after such a run (:func:`omp_in_use`)."""
    try:
        return numba.threading_layer()  # chosen already (a threaded run happened)
    except ValueError:
        pass
    if "NUMBA_THREADING_LAYER" in os.environ:
        return numba.config.THREADING_LAYER
    layer = "workqueue"
    if "nest" not in sys.modules:
        try:
            from numba.np.ufunc import omppool  # noqa: F401  (needs libgomp)

            layer = "omp"
        except ImportError:  # pragma: no cover - depends on the machine
            pass
    numba.config.THREADING_LAYER = layer
    return layer


def omp_in_use() -> bool:
    """Whether this process has run numba's threads on OpenMP."""
    try:
        return numba.threading_layer() == "omp"
    except ValueError:
        return False


#: A kernel called from Python: compiled without NRT, cached.
kernel = njit(cache=True, _nrt=False)

#: A kernel called only from other kernels (a phase of the step loop): no Python wrapper, whose
#: unboxing of the array groups would cost compile time for nothing.
phase = njit(cache=True, _nrt=False, no_cpython_wrapper=True, no_cfunc_wrapper=True)

#: A per-unit helper compiled once on its own and inlined by LLVM into its callers (a call that
#: is not inlined costs 20-40 ns per unit). Compiled on its own, it can prune branches on its
#: arguments' types (a family's code when the network has no unit of that family).
inline = njit(
    cache=True, _nrt=False, forceinline=True, no_cpython_wrapper=True, no_cfunc_wrapper=True
)

#: A small helper inlined at numba's IR level and typed within its caller: no compilation of its
#: own to pay for (each separately compiled function costs ~0.03-0.1 s of cold compile time).
inline_ir = njit(
    cache=True, _nrt=False, inline="always", no_cpython_wrapper=True, no_cfunc_wrapper=True
)

#: A phase that runs its parts on threads (numba's ``prange``): compiled only when a network runs
#: on more than one thread (the kernel prunes it otherwise).
parallel = njit(
    cache=True, _nrt=False, parallel=True, no_cpython_wrapper=True, no_cfunc_wrapper=True
)
