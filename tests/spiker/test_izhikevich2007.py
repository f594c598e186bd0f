"""sp.Izhikevich2007 against a transcription of the book's own MATLAB listing.

Reference: Izhikevich (2007), *Dynamical Systems in Neuroscience*, chapter 8, the listing of the
simple model (figure 8.12's program: forward Euler at tau = 1 ms for T = 1000 ms, v0 = vr,
u0 = 0, a step of input after the first 10 % of the time), transcribed below line by line with
the RS, IB and CH parameters of the book. spiker's "euler" evaluates the same operations in the
same order, so the spike steps must be *equal*, not merely close.
"""

import numpy as np
import pytest

import spiker as sp


def book_listing(C, k, vr, vt, vpeak, a, b, c, d, amplitude, T=1000.0, tau=1.0):
    """The book's program (MATLAB, 1-based), in Python (0-based); returns the loop indices i at
    which ``v(i+1) >= vpeak``: the spike of the step from i to i+1."""
    n = round(T / tau)
    v = vr * np.ones(n)
    u = 0 * v
    I = np.concatenate([np.zeros(round(0.1 * n)), amplitude * np.ones(round(0.9 * n))])
    spikes = []
    for i in range(n - 1):  # for i=1:n-1
        v[i + 1] = v[i] + tau * (k * (v[i] - vr) * (v[i] - vt) - u[i] + I[i]) / C
        u[i + 1] = u[i] + tau * a * (b * (v[i] - vr) - u[i])
        if v[i + 1] >= vpeak:
            v[i] = vpeak
            v[i + 1] = c
            u[i + 1] = u[i + 1] + d
            spikes.append(i)
    return np.array(spikes)


def spiker_run(name, amplitude, T=1000.0, tau=1.0):
    net = sp.Network(dt=tau, seed=1)
    pop = net.add_neurons(1, sp.Izhikevich2007.preset(name), name=name)  # v0 = v_r, u0 = 0
    net.add_current(pop, sp.inputs.Step(amplitude, start=0.1 * T))
    rec = net.record_spikes(pop)
    net.run(T - tau, progress=False)  # the listing's n - 1 iterations
    return rec.steps


@pytest.mark.parametrize(("name", "amplitude"), [("RS", 70.0), ("RS", 300.0), ("IB", 600.0),
                                                 ("CH", 400.0)])  # fmt: skip
def test_presets_spike_at_the_steps_of_the_books_listing(name, amplitude):
    expect = book_listing(*sp.PRESETS_2007[name], amplitude)
    got = spiker_run(name, amplitude)
    assert got.shape[0] == expect.shape[0]  # spike count
    assert got[0] == expect[0]  # first-spike latency
    np.testing.assert_array_equal(got, expect)


def test_presets_fire_as_the_book_describes():
    rs = np.diff(spiker_run("RS", 300.0))
    ib = np.diff(spiker_run("IB", 600.0))
    ch = np.diff(spiker_run("CH", 400.0))
    # RS: regular spiking with adaptation: no burst, the first interval the shortest
    assert rs.min() > 10 and rs[0] < rs[3:].min()
    # IB: an initial burst of three spikes, then tonic spikes far apart
    assert np.all(ib[:2] < 25) and np.all(ib[2:] > 55)
    # CH: chattering, fast bursts repeated: short and long intervals alternate
    short = ch < 12
    assert short.sum() >= 10 and (~short).sum() >= 8 and ch[~short].min() > 30


def test_default_initial_state_is_the_rest_state():
    net = sp.Network(dt=0.5, seed=1)
    pop = net.add_neurons(3, sp.Izhikevich2007.preset("IB"), name="ib", v0=[-75.0, -70.0, -60.0])
    np.testing.assert_array_equal(pop.u, 5.0 * (np.array([-75.0, -70.0, -60.0]) + 75.0))
    rest = net.add_neurons(2, sp.Izhikevich2007.preset("RS"), name="rs")
    np.testing.assert_array_equal(rest.v, [-60.0, -60.0])
    np.testing.assert_array_equal(rest.u, [0.0, 0.0])
    trace = net.record_state(rest, "v")
    net.run(50.0, progress=False)
    np.testing.assert_allclose(trace.values, -60.0, atol=1e-12)  # rest is a fixed point


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: sp.Izhikevich2007(C=0.0), "C must be > 0"),
        (lambda: sp.Izhikevich2007(method="izhikevich"), "method must be one of"),
        (lambda: sp.Izhikevich2007.preset("FS"), "name must be one of"),
        (lambda: sp.Izhikevich2007(k=[1.0, np.inf]), "k must be finite"),
    ],
)
def test_bad_izhikevich2007_input_is_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_nest_refuses_it_naming_why():
    pytest.importorskip("nest")
    from spiker.interop.nest import to_nest

    net = sp.Network(dt=0.1, seed=1)
    net.add_neurons(2, sp.Izhikevich2007.preset("RS"), name="rs")
    with pytest.raises(ValueError, match="Izhikevich2007 has no NEST counterpart"):
        to_nest(net, 10.0)
