"""Thread control for NumPy's BLAS, which decides the speed of every layer here."""

from __future__ import annotations


def limit_blas_threads(n: int) -> bool:
    """Cap NumPy's BLAS threads at ``n`` (0 leaves the library's default) for the rest of the
    process, with threadpoolctl when it is installed (it comes with scikit-learn).

    On a small, busy machine one thread is often several times faster than OpenBLAS's default.
    Returns True when the limit was applied.
    """
    from networks._checks import positive_int

    n = positive_int("n", n, minimum=0)
    if n > 2**31 - 1:
        raise ValueError(f"n must be at most 2**31 - 1 threads; got {n}")
    if n == 0:
        return False
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return False
    threadpool_limits(limits=n, user_api="blas")
    return True
