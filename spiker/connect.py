"""Connection rules: each turns (n_pre, n_post) into presynaptic and postsynaptic index arrays.

Use them as ``net.connect(pre, post, rule=sp.connect.fixed_probability(0.1))``. Random rules draw
from the network's generator, so a network's seed fixes its connectivity. Indices are local to the
populations; random rules return them sorted by presynaptic, then postsynaptic index, explicit
``pairs`` in the order given (weight and delay arrays follow that order).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from spiker import _validate as check
from spiker.kernels.build import group_order

__all__ = ["Rule", "all_to_all", "fixed_indegree", "fixed_probability", "one_to_one", "pairs"]


class Rule:
    """Base class of connection rules."""

    def build(
        self, n_pre: int, n_post: int, rng: np.random.Generator, same: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(i, j)``: integer arrays (int64, or int32 where the rule saves memory with
        them) of presynaptic and postsynaptic indices.

        ``same`` says pre and post are the same population (self-connections are then i == j).
        """
        raise NotImplementedError

    def size(self, n_pre: int, n_post: int) -> int:
        """At most how many synapses :meth:`build` makes (refused up front when too many)."""
        return n_pre * n_post


@dataclass(frozen=True)
class AllToAll(Rule):
    allow_self: bool = True

    def build(self, n_pre, n_post, rng, same):
        i, j = np.divmod(np.arange(n_pre * n_post, dtype=np.int64), n_post)
        if same and not self.allow_self:
            keep = i != j
            i, j = i[keep], j[keep]
        return i, j


@dataclass(frozen=True)
class OneToOne(Rule):
    def size(self, n_pre, n_post):
        return n_pre

    def build(self, n_pre, n_post, rng, same):
        if n_pre != n_post:
            raise ValueError(
                f"one_to_one needs populations of equal size (pre and post); got n_pre={n_pre}, "
                f"n_post={n_post}"
            )
        i = np.arange(n_pre, dtype=np.int64)
        return i, i.copy()


@dataclass(frozen=True)
class FixedProbability(Rule):
    p: float
    allow_self: bool = True

    def size(self, n_pre, n_post):  # the mean and five standard deviations
        mean = self.p * n_pre * n_post
        return int(mean + 5 * (mean * (1 - self.p)) ** 0.5) + 1

    def build(self, n_pre, n_post, rng, same):
        # one uniform draw per candidate pair, row by row (pre major), so the result depends only on
        # the seed; done in row blocks to bound memory
        rows_per_block = max(1, 4_000_000 // max(n_post, 1))
        ii, jj = [], []
        for lo in range(0, n_pre, rows_per_block):
            hi = min(n_pre, lo + rows_per_block)
            mask = rng.random((hi - lo, n_post)) < self.p
            if same and not self.allow_self:
                r = np.arange(lo, hi)
                mask[r - lo, r] = False
            i, j = np.nonzero(mask)
            ii.append(i + lo)
            jj.append(j)
        return np.concatenate(ii).astype(np.int64), np.concatenate(jj).astype(np.int64)


@dataclass(frozen=True)
class FixedIndegree(Rule):
    k: int
    allow_self: bool = True
    multapses: bool = False

    def size(self, n_pre, n_post):
        return n_post * self.k

    def build(self, n_pre, n_post, rng, same):
        candidates = n_pre - (1 if same and not self.allow_self else 0)
        if not self.multapses and self.k > candidates:
            raise ValueError(
                f"fixed_indegree k={self.k} exceeds the {candidates} available presynaptic neurons "
                "(pass multapses=True to draw with replacement)"
            )
        k = self.k
        if self.multapses:
            src = rng.integers(0, candidates, (n_post, k), np.int64)
        elif k * k <= candidates:
            src = _distinct_rows(rng, candidates, n_post, k)
        else:  # dense rows: most whole-row draws would repeat a neuron
            src = np.empty((n_post, k), dtype=np.int64)
            for j in range(n_post):
                src[j] = rng.choice(candidates, k, replace=False)
        if same and not self.allow_self:
            src += src >= np.arange(n_post)[:, None]  # skip j itself
        return _pre_major(src, n_pre)


def _distinct_rows(rng, n: int, n_rows: int, k: int) -> np.ndarray:
    """``n_rows`` rows of ``k`` distinct integers in [0, n), each row uniform over the k-subsets:
    rows are drawn whole with replacement and a row that repeats a value is drawn again (given
    k*k <= n, at least about 60% of rows are accepted on each round). Vectorised: a Python loop
    of ``rng.choice`` per row took 3 s for 100 k rows."""
    dtype = np.int32 if n < 2**31 else np.int64
    src = np.sort(rng.integers(0, n, (n_rows, k), dtype), axis=1)
    bad = np.flatnonzero(np.any(src[:, 1:] == src[:, :-1], axis=1))
    while bad.size:
        redraw = np.sort(rng.integers(0, n, (bad.size, k), dtype), axis=1)
        src[bad] = redraw
        bad = bad[np.any(redraw[:, 1:] == redraw[:, :-1], axis=1)]
    return src


def _pre_major(src: np.ndarray, n_pre: int) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) of the synapses ``src[j, :]`` -> j, ordered by i, then j (a counting sort), int32
    where they fit: the arrays Projection keeps, with no transient int64 copies."""
    n_post, k = src.shape
    n = n_post * k
    small = max(n_pre, n_post) < 2**31 and n < 2**31
    key = np.int32 if small else np.int64  # the signature compile.py's grouping uses
    i = src.ravel().astype(key, copy=False)
    del src
    j = np.repeat(np.arange(n_post, dtype=key), k)
    if n == 0:
        return i, j
    order = np.empty(n, key)
    group_order(i, j, np.zeros(n_pre + 1, np.int64), order)
    return i[order], j[order]


@dataclass(frozen=True)
class Pairs(Rule):
    i: np.ndarray
    j: np.ndarray

    def size(self, n_pre, n_post):
        return int(np.size(self.i))

    def build(self, n_pre, n_post, rng, same):
        i = check.index_array("i", self.i, n_pre)
        j = check.index_array("j", self.j, n_post)
        if i.shape != j.shape:
            raise ValueError(f"i and j must have equal lengths; got {i.shape[0]} and {j.shape[0]}")
        return i, j


def all_to_all(allow_self: bool = True) -> Rule:
    """Every presynaptic neuron to every postsynaptic one (self-connections when pre is post,
    unless ``allow_self=False``)."""
    return AllToAll(check.flag("allow_self", allow_self))


def one_to_one() -> Rule:
    """Neuron k to neuron k; the populations must have equal sizes."""
    return OneToOne()


def fixed_probability(p: float, allow_self: bool = True) -> Rule:
    """Each pair independently with probability ``p``.

    Parameters
    ----------
    p : float
        Connection probability of every (pre, post) pair, in [0, 1].
    allow_self : bool
        When ``pre`` and ``post`` are the same population, whether neuron k may connect to
        itself (an autapse); ignored between different populations.
    """
    p = check.finite_float("p", p)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be a probability in [0, 1]; got {p}")
    return FixedProbability(p, check.flag("allow_self", allow_self))


def fixed_indegree(k: int, allow_self: bool = True, multapses: bool = False) -> Rule:
    """Each postsynaptic neuron receives exactly ``k`` synapses from distinct random presynaptic
    neurons (with replacement if ``multapses``).

    Parameters
    ----------
    k : int
        Synapses per postsynaptic neuron (>= 1).
    allow_self : bool
        When ``pre`` and ``post`` are the same population, whether neuron k may be drawn as its
        own input; ignored between different populations.
    multapses : bool
        Draw with replacement, so that a pair can be connected more than once.
    """
    return FixedIndegree(
        check.positive_int("k", k, maximum=check.MAX_SYNAPSES),
        check.flag("allow_self", allow_self),
        check.flag("multapses", multapses),
    )


def pairs(i, j) -> Rule:
    """Explicit pairs: synapse s connects ``i[s]`` to ``j[s]`` (local indices)."""
    return Pairs(np.asarray(i), np.asarray(j))
