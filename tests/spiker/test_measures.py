"""spiker.measures: rates and the gamma share of the population-rate spectrum, on networks whose
answer is known."""

from __future__ import annotations

import math

import numpy as np
import pytest

import spiker as sp
from spiker.measures import gamma, rate
from spiker.models.base import Model


def test_rate_counts_neurons_only_per_record_and_overall():
    net = sp.Network(dt=0.5, seed=2)
    src = net.add_poisson(50, 40.0, name="inputs")
    a = net.add_neurons(4, sp.Izhikevich.preset("RS"), name="a")
    b = net.add_neurons(6, sp.Izhikevich.preset("FS"), name="b")
    net.add_current(a, 10.0)
    net.add_current(b, 6.0)
    records = {k: net.record_spikes(g) for k, g in (("inputs", src), ("a", a), ("b", b))}
    model = Model("m", net, records, 200.0).run(200.0, progress=False)
    got = rate(model)
    assert set(got) == {"rate", "rate_a", "rate_b"}  # the spike source is no neuron
    assert got["rate_a"] == records["a"].count / (4 * 0.2) and got["rate_a"] > 0
    assert got["rate"] == pytest.approx((records["a"].count + records["b"].count) / (10 * 0.2))


def _driven(freq_hz: float | None) -> Model:
    """200 RS neurons driven by independent noise (std 8, drawn each ms) and, with ``freq_hz``,
    a common current oscillating at that frequency; run for 1 s."""
    net = sp.Network(dt=0.5, seed=3)
    pop = net.add_neurons(200, sp.Izhikevich.preset("RS"), name="cells")
    if freq_hz is not None:
        drive = 6.0 + 6.0 * np.sin(2 * np.pi * freq_hz * np.arange(2000) * 0.5 / 1000.0)
        net.add_current(pop, sp.inputs.TimedArray(drive, 0.5))
    net.add_current(pop, sp.inputs.Noise(std=8.0, interval=1.0))
    return Model("driven", net, {"cells": net.record_spikes(pop)}, 1000.0).run(
        1000.0, progress=False
    )


def test_gamma_finds_a_40_hz_drive_and_a_flat_spectrum_without_one():
    # Welch segments of 256 ms give 3.9 Hz bins; 13 of the 128 above 0 Hz lie in 30-80 Hz, so a
    # flat spectrum (independent noise only: the neurons fire irregularly and independently) puts
    # 13/128 = 0.10 of its power there (measured 0.097); a common 40 Hz drive dominates.
    g_drive, g_noise = gamma(_driven(40.0)), gamma(_driven(None))
    assert g_drive["gamma"] > 0.5 and abs(g_drive["gamma_frequency"] - 40.0) < 4.0, g_drive
    assert abs(g_noise["gamma"] - 13 / 128) < 0.03, g_noise
    net = sp.Network(dt=0.5, seed=1)
    pop = net.add_neurons(3, sp.Izhikevich(), name="cells")
    silent = Model("silent", net, {"cells": net.record_spikes(pop)}, 100.0).run(100.0, False)
    assert gamma(silent)["gamma"] == 0.0 and math.isnan(gamma(silent)["gamma_frequency"])
