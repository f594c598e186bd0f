"""The decorators of every kernel: compiled once, cached on disk, without numba's runtime (NRT).

The kernels allocate nothing: they work in arrays that the Python side owns and passes in. Without
NRT, numba does not count references to those arrays; with it, every array handed to a helper
(inlined or not) costs an atomic increment and decrement, which the per-unit helpers of the step
loop would pay once per unit and step (measured: 9 ns per unit without NRT, 37 ns with it, for
the same Izhikevich update). A kernel that tried to allocate would fail to compile.
"""

from numba import njit

#: A kernel called from Python: compiled without NRT, cached.
kernel = njit(cache=True, _nrt=False)

#: A kernel called only from other kernels (a phase of the step loop): no Python wrapper, whose
#: unboxing of the array groups would cost compile time for nothing.
phase = njit(cache=True, _nrt=False, no_cpython_wrapper=True)

#: A helper inlined into its caller at numba's IR level (small functions of the step loop).
inline = njit(cache=True, _nrt=False, inline="always")
