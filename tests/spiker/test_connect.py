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
