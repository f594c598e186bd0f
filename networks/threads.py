"""Thread control for NumPy's BLAS, which decides the speed of every layer here."""

from __future__ import annotations


def limit_blas_threads(n: int) -> bool:
    """Cap NumPy's BLAS threads at ``n`` (0 leaves the library's default) for the rest of the
    process, with threadpoolctl when it is installed (it comes with scikit-learn).

    On a small, busy machine one thread is often several times faster than OpenBLAS's default.
    Returns True when the limit was applied.
    """
    if n <= 0:
        return False
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return False
    threadpool_limits(limits=n, user_api="blas")
    return True
