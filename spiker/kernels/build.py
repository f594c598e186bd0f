"""Kernels that build the network's arrays (compile time, not the step loop)."""

import numpy as np

from spiker.kernels._jit import kernel


def csr_ptr(keys: np.ndarray, n: int) -> np.ndarray:
    """The row pointers (n + 1,) of a CSR layout whose items have row ``keys`` (0 <= key < n,
    items already sorted by key): row r holds items ``ptr[r] .. ptr[r+1]-1``. (NumPy.)"""
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(keys, minlength=n), out=ptr[1:])
    return ptr


@kernel
def group_order(major, minor, ptr, order):
    """A stable sort of items by (major, minor), for CSR layouts.

    ``major`` (int32 or int64, 0 <= major < len(ptr) - 1) is counted into buckets (a counting
    sort, O(n)); within a bucket items are ordered by ``minor`` with an insertion sort (buckets
    are short: the synapses of one unit). Writes the bucket pointers into ``ptr`` (n_major + 1,
    zeroed by the caller) and the permutation into ``order`` (n,). Items with equal keys keep
    their input order.
    """
    n = major.shape[0]
    for q in range(n):
        ptr[major[q] + 1] += 1
    for b in range(ptr.shape[0] - 1):
        ptr[b + 1] += ptr[b]
    for q in range(n):  # place, using ptr[b] as the running cursor of bucket b
        b = major[q]
        order[ptr[b]] = q
        ptr[b] += 1
    for b in range(ptr.shape[0] - 2, -1, -1):  # restore the starts (cursor b ended at start b+1)
        ptr[b + 1] = ptr[b]
    ptr[0] = 0
    for b in range(ptr.shape[0] - 1):
        lo, hi = ptr[b], ptr[b + 1]
        for q in range(lo + 1, hi):
            item = order[q]
            key = minor[item]
            r = q - 1
            while r >= lo and minor[order[r]] > key:
                order[r + 1] = order[r]
                r -= 1
            order[r + 1] = item
