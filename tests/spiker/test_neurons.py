"""Izhikevich model: presets, methods, thresholds."""

import numpy as np
import pytest

import spiker as sp


def test_presets_are_the_2003_classes():
    table = {
        "RS": (0.02, 0.2, -65, 8),
        "IB": (0.02, 0.2, -55, 4),
        "CH": (0.02, 0.2, -50, 2),
        "FS": (0.1, 0.2, -65, 2),
        "LTS": (0.02, 0.25, -65, 2),
        "TC": (0.02, 0.25, -65, 0.05),
        "RZ": (0.1, 0.26, -65, 2),
    }
    assert set(sp.PRESETS_2003) == set(table)
    for name, abcd in table.items():
        m = sp.Izhikevich.preset(name)
        assert (m.a, m.b, m.c, m.d) == abcd
    assert sp.Izhikevich.preset("FS", method="rk4").method == "rk4"


def simulate(method, dt, I, T, v0=-65.0, u0=None):
    net = sp.Network(dt=dt, seed=0)
    pop = net.add_neurons(1, sp.Izhikevich.preset("RS", method=method), v0=v0, u0=u0)
    net.add_current(pop, I)
    v = net.record_state(pop, "v", every_ms=1.0)  # sampled each ms
    rec = net.record_spikes(pop)
    net.run(T, progress=False)
    return v.values[0], rec.count


def test_rk4_is_converged_at_coarse_dt_where_euler_is_not():
    # subthreshold relaxation from v = -60: reference RK4 at dt = 1 us
    ref, _ = simulate("rk4", 0.001, 0.0, 100.0, v0=-60.0, u0=-13.0)
    rk, _ = simulate("rk4", 0.5, 0.0, 100.0, v0=-60.0, u0=-13.0)
    eu, _ = simulate("euler", 0.5, 0.0, 100.0, v0=-60.0, u0=-13.0)
    assert np.max(np.abs(rk - ref)) < 1e-3  # fourth order: ~2e-4 mV
    assert np.max(np.abs(eu - ref)) > 0.1  # first order: ~0.3 mV
    # tonic firing for 2 s: the spike count at dt = 0.5 equals the fine reference's
    _, n_ref = simulate("rk4", 0.005, 14.0, 2000.0)
    _, n_rk = simulate("rk4", 0.5, 14.0, 2000.0)
    with pytest.warns(sp.ConvergenceWarning):
        _, n_eu = simulate("euler", 1.0, 14.0, 2000.0)
    assert n_ref > 50 and abs(n_rk - n_ref) <= 1 and abs(n_eu - n_ref) >= 3


def test_published_scheme_two_half_steps_then_u_from_new_v():
    net = sp.Network(dt=1.0, seed=0)
    pop = net.add_neurons(1, sp.Izhikevich(a=0.02, b=0.2, c=-65, d=8, method="izhikevich"))
    net.add_current(pop, 5.0)
    v = net.record_state(pop, "v")
    u = net.record_state(pop, "u")
    net.run(2.0, progress=False)
    v0, u0 = -65.0, 0.2 * -65.0
    v1 = v0 + 0.5 * (0.04 * v0**2 + 5 * v0 + 140 - u0 + 5.0)
    v1 = v1 + 0.5 * (0.04 * v1**2 + 5 * v1 + 140 - u0 + 5.0)
    u1 = u0 + 0.02 * (0.2 * v1 - u0)
    assert v.values[0, 1] == v1 and u.values[0, 1] == u1


def test_strict_threshold_does_not_fire_at_exactly_v_peak():
    # v jumps to exactly v_peak at arrival; ">=" fires on the next step's threshold, ">" needs more
    counts = {}
    for threshold in (">=", ">"):
        net = sp.Network(dt=1.0, seed=0)
        src = net.add_spike_source([0.0], [0])
        pop = net.add_neurons(
            1,
            sp.Izhikevich(
                a=0.0,
                b=0.0,
                c=-65,
                d=0,
                v_peak=30.0,
                threshold=threshold,
                coefficients=(0.0, 0.0, 0.0),
                method="rk4",
            ),
            v0=0.0,
        )
        net.connect(src, pop, weight=30.0, delay=1.0)
        rec = net.record_spikes(pop)
        net.run(5.0, progress=False)
        counts[threshold] = rec.count
    assert counts == {">=": 1, ">": 0}


def test_per_neuron_parameters_and_u0_default():
    net = sp.Network(dt=0.5)
    b = np.array([0.2, 0.25, 0.3])
    pop = net.add_neurons(3, sp.Izhikevich(b=b), v0=[-70.0, -65.0, -60.0])
    np.testing.assert_array_equal(pop.b, b)
    np.testing.assert_array_equal(pop.u, b * np.array([-70.0, -65.0, -60.0]))
    pop2 = net.add_neurons(2, sp.Izhikevich(), u0=-14.0)
    np.testing.assert_array_equal(pop2.u, [-14.0, -14.0])


def test_spnet_order_is_spnet_cpp_operation_for_operation():
    net = sp.Network(dt=1.0, seed=0)
    model = sp.Izhikevich(a=0.02, b=0.2, c=-65, d=8, method="izhikevich", order="spnet")
    pop = net.add_neurons(1, model, v0=-61.3)
    net.add_current(pop, 7.0)
    v, u = net.record_state(pop, "v"), net.record_state(pop, "u")
    net.run(2.0, progress=False)
    vv, uu, current = -61.3, 0.2 * -61.3, 7.0
    vv += 0.5 * ((0.04 * vv + 5) * vv + 140 - uu + current)  # spnet.cpp, twice, then u
    vv += 0.5 * ((0.04 * vv + 5) * vv + 140 - uu + current)
    uu += 0.02 * (0.2 * vv - uu)
    assert v.values[0, 1] == vv and u.values[0, 1] == uu
    with pytest.raises(ValueError, match="order='spnet' is the published method's"):
        sp.Izhikevich(method="euler", order="spnet")
