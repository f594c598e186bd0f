"""Brunel (2000), "Dynamics of sparsely connected networks of excitatory and inhibitory spiking
neurons", J Comput Neurosci 8:183, figure 8, as Brian2's ``examples/frompapers/Brunel_2000.py``
builds it."""

from __future__ import annotations

import spiker as sp
from spiker import _validate as check
from spiker.models.base import Model, catalogue


class BrunelModel(Model):
    """Brunel (2000); its default figure is figure 8's panel: raster and population rate."""

    window: tuple[float, float] = (0.0, 0.0)

    def figure(self, axes=None):
        """Raster of the 50 recorded excitatory neurons over the panel's window, above the
        population rate of all neurons (0.1 ms bins, as Brian2's PopulationRateMonitor), as in
        figure 8 of the paper and Brian2's example. ``axes``: two Axes to draw into."""
        import numpy as np

        from spiker import plot

        lo = self.window[0] if self.net.t >= self.window[1] else 0.0
        hi = self.net.t
        if axes is None:
            fig, axes = plot.figure(2, 1, figsize=(5, 6), sharex=True,
                                    gridspec_kw={"height_ratios": [4, 1]})  # fmt: skip
        else:
            fig = axes[0].figure
        top, bottom = axes
        rec = self.records["exc"]
        plot.raster(rec, ax=top, window=(lo, hi), time_unit="ms", size=4.0)
        top.set_ylim(-0.5, rec.neurons.shape[0] - 0.5)
        top.set_ylabel(f"excitatory neuron (first {rec.neurons.shape[0]})")
        top.set_xlabel("")
        top.set_title(f"panel {self.name.split(':')[1]}: g = {self.g:g}, "
                      f"nu_ext/nu_thr = {self.ratio:g}")  # fmt: skip
        e, i = self.records["rate_exc"], self.records["rate_inh"]
        counts = e.counts + i.counts
        hz = counts / ((e.group.n + i.group.n) * self.net.dt / 1000.0)
        keep = (e.t >= lo) & (e.t < hi)
        bottom.plot(e.t[keep], hz[keep], lw=0.6, color="k")
        bottom.set_xlim(lo, hi)
        bottom.set_ylim(0, max(1.0, float(np.max(hz[keep], initial=0.0))) * 1.05)
        bottom.set_xlabel("time (ms)")
        bottom.set_ylabel("rate (Hz)")
        if axes is None or fig.get_axes() == list(axes):
            fig.tight_layout()
        return fig


#: Figure 8's panels: g (inhibition relative to excitation), nu_ext / nu_thr, shown time (ms).
PANELS_2000 = {
    "A": (3.0, 2.0, (500.0, 600.0)),  # synchronous regular
    "B": (6.0, 4.0, (1000.0, 1200.0)),  # asynchronous irregular, fast oscillation
    "C": (5.0, 2.0, (1000.0, 1200.0)),  # asynchronous irregular
    "D": (4.5, 0.9, (1000.0, 1200.0)),  # synchronous irregular, slow oscillation
}


@catalogue(
    "Brunel (2000) sparse E/I LIF network, delta synapses, figure 8 panels A-D",
    variant="panel",
    choices={"panel": tuple(PANELS_2000)},
)
def brunel2000(panel: str = "A", seed: int = 1, n_e: int = 10000, duration: float | None = None):
    """Brian2's Brunel (2000) example, panel ``panel`` of figure 8.

    N_E = ``n_e`` excitatory and N_I = N_E/4 inhibitory LIF neurons: ``tau dv/dt = -v``,
    tau = 20 ms, threshold ``v > 20 mV``, reset 10 mV, refractory 2 ms, v0 = 0, exact integration
    at dt = 0.1 ms. Every pair is connected with probability 0.1 (C_E = 0.1 N_E inputs from
    excitatory neurons, autapses allowed); an excitatory spike adds J = 0.1 mV to v, an
    inhibitory one -g J, after D = 1.5 ms. Each neuron receives C_ext = C_E external Poisson
    inputs (``add_poisson_input``, Brian2's PoissonInput) of weight J at
    ``nu_ext = ratio * nu_thr``, nu_thr = theta / (J C_E tau). ``duration`` defaults to the end
    of the panel's window.

    Records: the spike record ``"exc"`` of the first 50 excitatory neurons (as the example) and
    the population rates ``"rate_exc"`` and ``"rate_inh"``.
    """
    check.choice("panel", panel, PANELS_2000)
    n_e = check.positive_int("n_e", n_e)
    g, ratio, window = PANELS_2000[panel]
    n_i = round(0.25 * n_e)
    c_e = 0.1 * n_e
    tau, theta, J = 20.0, 20.0, 0.1
    nu_thr = theta / (J * c_e * tau) * 1000.0  # Hz
    net = sp.Network(dt=0.1, seed=seed)
    model = sp.LIF(tau_m=tau, v_rest=0.0, v_reset=10.0, v_th=theta, refractory=2.0,
                   method="exact", threshold=">")  # fmt: skip
    exc = net.add_neurons(n_e, model, name="exc", v0=0.0)
    inh = net.add_neurons(n_i, model, name="inh", v0=0.0)
    rule = sp.connect.fixed_probability(0.1)
    for pre, w in ((exc, J), (inh, -g * J)):
        for post in (exc, inh):
            net.connect(pre, post, rule, weight=w, delay=1.5, synapse="jump")
    for pop in (exc, inh):
        net.add_poisson_input(pop, round(c_e), ratio * nu_thr, weight=J)
    records = {
        "exc": net.record_spikes(exc, neurons=range(min(50, n_e))),
        "rate_exc": net.record_rate(exc),
        "rate_inh": net.record_rate(inh),
    }
    model = BrunelModel(f"brunel2000:{panel}", net, records,
                        window[1] if duration is None else duration)  # fmt: skip
    model.window, model.g, model.ratio = window, g, ratio
    return model
