"""Connection rules."""

import numpy as np
import pytest

import spiker as sp


def build(rule, n_pre=30, n_post=40, same=False, seed=0):
    net = sp.Network(dt=0.1, seed=seed)
    a = net.add_neurons(n_pre, sp.Izhikevich())
    b = a if same else net.add_neurons(n_post, sp.Izhikevich())
    return net.connect(a, b, rule)


def test_all_to_all_with_and_without_self():
    p = build(sp.connect.all_to_all(), 3, 4)
    assert p.n == 12
    assert set(zip(p.i, p.j, strict=True)) == {(i, j) for i in range(3) for j in range(4)}
    q = build(sp.connect.all_to_all(allow_self=False), 5, same=True)
    assert q.n == 20 and np.all(q.i != q.j)


def test_one_to_one():
    p = build(sp.connect.one_to_one(), 7, 7)
    np.testing.assert_array_equal(p.i, np.arange(7))
    np.testing.assert_array_equal(p.j, np.arange(7))


def test_fixed_probability_fraction_and_seed():
    p = build(sp.connect.fixed_probability(0.25), 200, 300)
    n = 200 * 300
    assert abs(p.n - 0.25 * n) < 4 * np.sqrt(n * 0.25 * 0.75)
    again = build(sp.connect.fixed_probability(0.25), 200, 300)
    other = build(sp.connect.fixed_probability(0.25), 200, 300, seed=1)
    np.testing.assert_array_equal(p.j, again.j)
    assert p.n != other.n or not np.array_equal(p.j, other.j)
    assert len(set(zip(p.i, p.j, strict=False))) == p.n  # no duplicates
    q = build(sp.connect.fixed_probability(1.0, allow_self=False), 10, same=True)
    assert q.n == 90


def test_fixed_indegree_exact_and_distinct():
    p = build(sp.connect.fixed_indegree(7, allow_self=False), 30, same=True)
    np.testing.assert_array_equal(np.bincount(p.j, minlength=30), np.full(30, 7))
    assert np.all(p.i != p.j)
    assert len(set(zip(p.i, p.j, strict=False))) == p.n


@pytest.mark.parametrize("allow_self", [True, False])
def test_fixed_indegree_sparse_rows_are_uniform_distinct_and_pre_major(allow_self):
    # k*k <= n: rows drawn whole and redrawn on a repeat (the vectorised path)
    n, k = 400, 12
    p = build(sp.connect.fixed_indegree(k, allow_self=allow_self), n, same=True)
    np.testing.assert_array_equal(np.bincount(p.j, minlength=n), np.full(n, k))
    assert len(set(zip(p.i, p.j, strict=False))) == p.n
    assert allow_self or np.all(p.i != p.j)
    order = np.lexsort((p.j, p.i))
    np.testing.assert_array_equal(order, np.arange(p.n))  # sorted by pre, then post
    # each presynaptic neuron is drawn with probability k/n per row: counts ~ Binomial(n, k/n)
    counts = np.bincount(p.i, minlength=n)
    assert abs(counts.mean() - k) < 1e-9 and counts.std() < 2 * np.sqrt(k)
    # and subsets are uniform: a pair of inputs shares a row as often as chance says
    rng = np.random.default_rng(3)
    from spiker.connect import _distinct_rows

    rows = _distinct_rows(rng, 6, 60_000, 2)  # 15 subsets of 2 of 6
    assert np.all(rows[:, 0] < rows[:, 1])
    freq = np.bincount(rows[:, 0] * 6 + rows[:, 1], minlength=36)[
        np.triu_indices(6, 1)[0] * 6 + np.triu_indices(6, 1)[1]
    ]
    assert freq.min() > 3700 and freq.max() < 4300  # 4000 each, sd about 60


def test_explicit_pairs_keep_order_and_weights():
    net = sp.Network(dt=0.1)
    a = net.add_neurons(3, sp.Izhikevich())
    p = net.connect(a, a, i=[2, 0, 1], j=[0, 0, 2], weight=[0.5, 1.5, 2.5], delay=[0.1, 0.3, 0.2])
    np.testing.assert_array_equal(p.i, [2, 0, 1])
    np.testing.assert_array_equal(p.weight, [0.5, 1.5, 2.5])
    np.testing.assert_allclose(p.delay, [0.1, 0.3, 0.2])


def test_random_weights_and_delays_come_from_the_network_generator():
    p1 = build(sp.connect.all_to_all(), 10, 10)
    net = sp.Network(dt=0.1, seed=0)
    a = net.add_neurons(10, sp.Izhikevich())
    b = net.add_neurons(10, sp.Izhikevich())
    p = net.connect(a, b, weight=sp.Uniform(0.0, 2.0), delay=sp.Normal(5.0, 1.0, low=0.1))
    assert p1.n == 100
    assert 0.0 <= p.weight.min() and p.weight.max() < 2.0 and p.weight.std() > 0.3
    assert p.delay.min() >= 0.1 and abs(p.delay.mean() - 5.0) < 0.5
    with pytest.raises(ValueError, match="high must be >= low"):
        sp.Uniform(2.0, 1.0)
