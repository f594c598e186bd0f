"""Networks for the store/restore tests, and their child-process side.

``python -m tests.spiker.store_cases restore CASE CHECKPOINT END_MS OUT`` builds CASE afresh,
restores CHECKPOINT into it, runs on to END_MS and saves what it recorded and its weights to
OUT (.npz). ``... checkpointed CASE CHECKPOINT END_MS EVERY_MS STREAM_DIR`` runs CASE from the
start with checkpoints and a streamed spike record, slowly (a callback sleeps), to be killed.
``... rss STREAM_DIR SECONDS`` runs a Poisson-heavy network with its spikes streamed and prints
the resident memory (MiB) at several points, one per line.
"""

from __future__ import annotations

import sys
import time

import numpy as np

import spiker as sp


def polychronization():
    """spnet (Izhikevich 2006): delays 1..20 ms, deferred STDP every 1000 ms, pulse synapses,
    a random thalamic pulse each ms."""
    model = sp.models.polychronization(seed=7)
    records = dict(model.records)
    some = np.arange(0, 80000, 997)
    records["w"] = model.net.record_weights(model.projections["exc"], some, every_ms=100.0)
    return model.net, records


def families(stream: str | None = None, seed: int = 11):
    """One network of every neuron family, driven by Poisson sources, Poisson inputs and noise
    inputs, with jump, pulse, exponential and zero-delay synapses, immediate and deferred
    STDP, and every kind of record."""
    net = sp.Network(dt=0.25, seed=seed)
    izh = net.add_neurons(30, sp.Izhikevich.preset("RS", method="euler"), name="izh")
    lif = net.add_neurons(25, sp.LIF(tau_m=12.0, refractory=2.0), name="lif")
    i07 = net.add_neurons(20, sp.Izhikevich2007.preset("RS"), name="i07")
    src = net.add_poisson(40, np.linspace(5.0, 60.0, 40), name="src")
    times = np.arange(3.0, 2000.0, 37.0)
    gen = net.add_spike_source(times, np.arange(times.size) % 5, n=5, name="gen")
    stdp = sp.STDP(a_plus=0.05, a_minus=0.06, w_max=12.0, pairing="nearest")
    deferred = sp.STDP(a_plus=0.1, a_minus=0.12, w_max=12.0,
                       update=sp.SpnetUpdate(interval=50.0, bias=0.01, decay=0.9))  # fmt: skip
    plastic = {
        "izh": net.connect(src, izh, sp.connect.fixed_probability(0.3), weight=sp.Uniform(2, 8),
                           delay=sp.Uniform(0.5, 12.0), plasticity=stdp),
        "lif": net.connect(src, lif, sp.connect.fixed_probability(0.3), weight=sp.Uniform(2, 8),
                           delay=sp.Uniform(0.0, 6.0), plasticity=deferred),
        "i07": net.connect(izh, i07, sp.connect.fixed_probability(0.3), weight=sp.Uniform(2, 8),
                           delay=sp.Uniform(1.0, 20.0), plasticity=deferred),
    }  # fmt: skip
    net.connect(lif, izh, sp.connect.fixed_probability(0.2), weight=40.0, delay=2.0,
                synapse="pulse")  # fmt: skip
    net.connect(i07, lif, sp.connect.fixed_probability(0.2), weight=3.0, delay=0.0,
                synapse="exponential", tau_syn=4.0)  # fmt: skip
    net.connect(gen, i07, weight=30.0, delay=1.5)
    net.connect(izh, lif, sp.connect.fixed_probability(0.2), weight=2.0,
                delay=sp.Uniform(1.0, 8.0))  # fmt: skip
    net.connect(i07, izh, sp.connect.fixed_probability(0.3), weight=2.0, delay=3.0,
                synapse="exponential", tau_syn=6.0)  # fmt: skip
    net.add_current(izh, sp.inputs.Noise(std=3.0, mean=2.0, interval=1.0))
    net.add_current(i07, sp.inputs.Noise(std=40.0, mean=20.0))
    net.add_current([izh, i07], sp.inputs.RandomPulse(amplitude=15.0, interval=2.0, k=2))
    net.add_current(lif, sp.inputs.Step(4.0, start=100.0))
    net.add_poisson_input(lif, 50, 20.0, 1.0)
    net.add_poisson_input(i07, 20, 10.0, 15.0, synapse="exponential", tau_syn=3.0)
    to = (lambda name: {"to": f"{stream}/{name}"}) if stream else (lambda name: {})
    records = {
        "izh": net.record_spikes(izh, **to("izh")),
        "lif": net.record_spikes(lif, **to("lif")),
        "i07": net.record_spikes(i07, neurons=[0, 3, 5, 19], **to("i07")),
        "src": net.record_spikes(src),
        "v": net.record_state(lif, "v", every_ms=2.5, record_final=True, **to("v")),
        "I_syn": net.record_state(i07, "I_syn", neurons=[1, 2], every_ms=0.5),
        "w": net.record_weights(plastic["i07"], every_ms=10.0, **to("w")),
        "rate": net.record_rate(izh),
    }
    return net, records


CASES = {"polychronization": polychronization, "families": families}


def outcome(net, records) -> dict[str, np.ndarray]:
    """Everything to compare: records, weights and plastic state, unit state."""
    out = {"x": net._x.copy(), "step": np.array([net.step])}
    fields = {sp.SpikeRecord: ("steps", "i"), sp.StateRecord: ("steps", "values"),
              sp.WeightRecord: ("steps", "values"), sp.RateRecord: ("t", "counts")}  # fmt: skip
    for name, rec in records.items():
        for field in fields[type(rec)]:
            out[f"{name}.{field}"] = np.asarray(getattr(rec, field))
    for k, proj in enumerate(net.projections):
        out[f"w{k}"] = proj.weight.copy()
        for key, arr in (proj._plastic or {}).items():
            out[f"p{k}.{key}"] = arr.copy()
    return out


def main(argv: list[str]) -> None:
    mode = argv[0]
    if mode == "restore":
        case, path, end, out = argv[1:]
        net, records = CASES[case]()
        net.restore(path)
        net.run(float(end) - net.t, progress=False)
        np.savez(out, **outcome(net, records))
    elif mode == "checkpointed":
        case, path, end, every, stream = argv[1:]
        net, records = CASES[case](stream=stream)
        net.run(float(end), progress=False, checkpoint=path, checkpoint_every=float(every),
                callback=lambda net: time.sleep(0.01), every_ms=10.0)  # fmt: skip
    elif mode == "rss":
        import psutil

        folder, seconds = argv[1], float(argv[2])
        net = sp.Network(dt=0.5, seed=5)
        src = net.add_poisson(2000, 100.0)
        if folder == "-":
            net.record_spikes(src)
        else:
            net.record_spikes(src, to=folder)
        process = psutil.Process()
        report = lambda net: print(process.memory_info().rss / 2**20, flush=True)  # noqa: E731
        net.run(seconds * 1000.0, progress=False, callback=report, every_ms=seconds * 100.0)
    else:  # pragma: no cover
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
