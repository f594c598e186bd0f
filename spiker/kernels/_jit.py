"""The decorators of every kernel: compiled once, cached on disk, without numba's runtime (NRT).

The kernels allocate nothing: they work in arrays that the Python side owns and passes in. Without
NRT, numba does not count references to those arrays; with it, every array handed to a helper
(inlined or not) costs an atomic increment and decrement, which the per-unit helpers of the step
loop would pay once per unit and step (measured: 9 ns per unit without NRT, 37 ns with it, for
the same Izhikevich update). A kernel that tried to allocate would fail to compile.
"""

import os

import numba
from numba import njit

# Threads: numba's own "workqueue" layer, not OpenMP, unless the user chose one: NEST and torch
# load their own OpenMP runtime into the process, and two of them in one process crash it
# (seen here: NEST segfaulted after a threaded run). Its fork-join costs tens of microseconds a
# step, so small networks run on one thread (Network.units_per_thread).
if "NUMBA_THREADING_LAYER" not in os.environ:
    numba.config.THREADING_LAYER = "workqueue"

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
