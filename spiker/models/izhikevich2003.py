"""Izhikevich (2003), "Simple model of spiking neurons", IEEE TNN 14:1569: the net.m network."""

from __future__ import annotations

import spiker as sp
from spiker import _validate as check
from spiker.models.base import Model, catalogue

#: The two forms of the canonical networks: name -> (dt in ms, integration method, synapse kind).
#: ``"published"`` is the papers' code; ``"euler"`` is the converged setting users run in Brian2.
FORMS = {
    "published": (1.0, "izhikevich", "pulse"),
    "euler": (0.1, "euler", "jump"),
}


@catalogue(
    "Izhikevich (2003) net.m: 800 excitatory + 200 inhibitory neurons, thalamic noise",
    choices={"form": tuple(FORMS)},
)
def izhikevich2003(
    seed: int = 1,
    duration: float = 1000.0,
    n: int = 1000,
    k: int | None = None,
    form: str = "published",
    noise: float = 1.0,
) -> Model:
    """The 1000-neuron random cortical network of net.m, built exactly as published.

    800 excitatory cells with ``re ~ U(0,1)``: a = 0.02, b = 0.2, c = -65 + 15 re^2,
    d = 8 - 6 re^2; 200 inhibitory cells with ``ri ~ U(0,1)``: a = 0.02 + 0.08 ri,
    b = 0.25 - 0.05 ri, c = -65, d = 2; v0 = -65, u0 = b v0. All-to-all (autapses included)
    weights 0.5 U(0,1) from excitatory and -U(0,1) from inhibitory cells, delivered as a one-step
    current ("pulse", delay 1 ms). Thalamic input: Gaussian noise with std 5 (excitatory) and
    2 (inhibitory), drawn afresh each ms. The published integration: dt = 1 ms, v in two half
    steps, then u.

    Parameters
    ----------
    seed : int
        The network's seed.
    duration : float
        Default run length, ms.
    n : int
        Neurons (>= 5): ``4n // 5`` excitatory, the rest inhibitory, with the same rules.
    k : int or None
        Synapses per neuron (in-degree). ``None``: all-to-all, net.m's 1000 inputs per neuron
        when n = 1000. An integer: each neuron receives ``k_e = round(0.8 k)`` synapses from
        distinct random excitatory cells and ``k_i = k - k_e`` from inhibitory ones
        (:func:`spiker.connect.fixed_indegree`), with weights scaled so that the mean drive
        stays net.m's. net.m gives each neuron 800 excitatory inputs of mean weight 0.25 and 200
        inhibitory ones of mean -0.5, a mean drive of ``200 r_e - 100 r_i`` at rates r_e, r_i;
        with k_e and k_i inputs the weights are multiplied by ``800 / k_e`` and ``200 / k_i``
        (both 1000/k = 10 for k = 100: excitatory U(0, 5), inhibitory U(-10, 0)). The mean is
        kept; the variance of the drive grows by the same factor (fewer, larger inputs), so
        rates differ somewhat from net.m's.
    form : {"published", "euler"}
        ``"published"``: net.m's integration at dt = 1 ms with one-step current pulses.
        ``"euler"``: forward Euler at dt = 0.1 ms (``method="euler"``, the converged setting
        users run in Brian2), with the synapses as ``"jump"`` (v += w on arrival, Brian2's
        ``on_pre='v += w'``, NEST's izhikevich) of the same weight and delay (1 ms). A pulse of
        w for 1 ms carries the charge w; the jump of w is the same charge in the limit where
        it is delivered at once, the faithful form at small dt. (A one-step pulse of w at
        dt = 0.1 ms would carry a tenth of the charge, and one of w/dt would be a jump in all
        but name.) The noise is still drawn each ms and held in between.
    noise : float
        Scales the thalamic input (std ``5*noise`` and ``2*noise``; 1 is net.m), the parameter
        that ``spiker sweep izhikevich2003 --grid noise=...`` varies.

    Records: spike records ``"exc"`` and ``"inh"``.
    """
    n = check.positive_int("n", n, minimum=5)
    check.choice("form", form, FORMS)
    ne = 4 * n // 5
    ni = n - ne
    if k is not None:
        k = check.positive_int("k", k, minimum=2)
        k_e = round(0.8 * k)
        k_i = k - k_e
        if k_e > ne or k_i > ni or k_i < 1:
            raise ValueError(
                f"k = {k} needs {k_e} excitatory and {k_i} inhibitory inputs per neuron, at "
                f"least one each and at most the {ne} and {ni} cells of n = {n}"
            )
    dt, method, synapse = FORMS[form]
    net = sp.Network(dt=dt, seed=seed)
    rng = net.rng
    re = rng.random(ne)
    ri = rng.random(ni)
    exc = net.add_neurons(
        ne,
        sp.Izhikevich(a=0.02, b=0.2, c=-65 + 15 * re**2, d=8 - 6 * re**2, method=method),
        name="exc",
    )
    inh = net.add_neurons(
        ni,
        sp.Izhikevich(a=0.02 + 0.08 * ri, b=0.25 - 0.05 * ri, c=-65.0, d=2.0, method=method),
        name="inh",
    )
    if k is None:
        sources = ((exc, 0.5, sp.connect.all_to_all()), (inh, -1.0, sp.connect.all_to_all()))
    else:
        sources = (
            (exc, 0.5 * 800 / k_e, sp.connect.fixed_indegree(k_e)),
            (inh, -1.0 * 200 / k_i, sp.connect.fixed_indegree(k_i)),
        )
    for pre, scale, rule in sources:
        for post in (exc, inh):
            net.connect(
                pre,
                post,
                rule,
                weight=lambda rng, size, s=scale: s * rng.random(size),
                delay=1.0,
                synapse=synapse,
            )
    net.add_current(exc, sp.inputs.Noise(std=5.0 * noise, interval=1.0))
    net.add_current(inh, sp.inputs.Noise(std=2.0 * noise, interval=1.0))
    records = {"exc": net.record_spikes(exc), "inh": net.record_spikes(inh)}
    name = "izhikevich2003" if (n, k, form) == (1000, None, "published") else (
        f"izhikevich2003(n={n}, k={k}, form={form!r})"
    )  # fmt: skip
    return Model(name, net, records, duration)
