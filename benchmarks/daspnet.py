"""daspnet.m transcribed in NumPy, run on spiker's ``distal_reward`` network, next to spiker.

    python benchmarks/daspnet.py [--seed 1] [--minutes 20] [--delivery matlab|every]

The peer of ``examples/distal_reward.py``: Izhikevich's own program (ModelDB 84167), written out
from daspnet.m in its own arithmetic (traces set to 0.1 and multiplied by 0.95 each ms, LTD of
1.5 x the postsynaptic trace as the program reads it), on the connectivity, thalamic input and
reward draws of ``sp.models.distal_reward(seed)``. ``--delivery matlab`` sums a step's synaptic
input as daspnet.m does (presynaptic neurons in descending order; its vectorised
``I(ind) = I(ind) + s(...)`` keeps one of a neuron's repeated targets); ``--delivery every`` adds
every synapse, as spiker does. Prints, per simulated minute, the rewarded synapse's weight, the
other excitatory weights' mean, median and 99th percentile, the rewards and the mean rate, the
lines ``examples/distal_reward.py`` prints for spiker, and the CPU time; at the end the time the
rewarded synapse first reached 3.5.
"""

import argparse
import copy
import time

import numpy as np

import spiker as sp
from spiker.interop import _clone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--delivery", choices=("matlab", "every"), default="matlab")
    args = parser.parse_args()

    m = sp.models.distal_reward(seed=args.seed)
    net, exc, inh = m.net, m.projections["exc"], m.projections["inh"]
    N, Ne, M = net.n, exc.n // 100, 100
    post = np.concatenate([exc.j.reshape(Ne, M), inh.j.reshape(N - Ne, M)]).astype(np.int64)
    s = np.concatenate([exc.weight.reshape(Ne, M), inh.weight.reshape(N - Ne, M)])
    noise = _clone(net._currents[0])  # the thalamic input spiker would draw
    rng = copy.deepcopy(m.rng)  # the reward delays spiker would draw
    syn = m.synapse
    n1, n2 = m.n1, post[m.n1, syn]
    is_exc = np.arange(N) < Ne
    a, d = np.where(is_exc, 0.02, 0.1), np.where(is_exc, 8.0, 2.0)
    sd = np.zeros((N, M))
    flat = np.arange(Ne * M)
    pre = [flat[post[:Ne].ravel() == j] for j in range(N)]  # daspnet's pre{j}
    v = np.full(N, -65.0)
    u = 0.2 * v
    trace_t, trace_next = np.zeros(N), np.zeros(N)  # STDP(:, t) and STDP(:, t + D), D = 1
    DA, rew, n1f, n_spikes, first = 0.0, set(), -100, 0, None
    thal = np.zeros((1000, N))
    tic = time.process_time()
    for g in range(1, round(args.minutes * 60_000) + 1):  # daspnet's ms
        if (g - 1) % 1000 == 0:
            thal[:] = 0.0
            noise.fill(thal, g - 1)
        fired = np.flatnonzero(v >= 30)
        n_spikes += fired.size
        v[fired] = -65.0
        u[fired] += d[fired]
        trace_next[fired] = 0.1
        sd_exc = sd[:Ne].reshape(-1)
        for j in fired:  # sd(pre{j}) += STDP(N*t + aux{j})
            sd_exc[pre[j]] += trace_t[pre[j] // M]
        I = thal[(g - 1) % 1000].copy()
        for i in fired[::-1]:  # daspnet's while loop: the last firing first
            if args.delivery == "matlab":
                I[post[i]] = I[post[i]] + s[i]
            else:
                np.add.at(I, post[i], s[i])
            sd[i] -= 1.5 * trace_next[post[i]]
        v = v + 0.5 * ((0.04 * v + 5) * v + 140 - u + I)
        v = v + 0.5 * ((0.04 * v + 5) * v + 140 - u + I)
        u = u + a * (0.2 * v - u)
        trace_t, trace_next = trace_next, 0.95 * trace_next
        DA = DA * 0.995
        if g % 10 == 0:
            s[:Ne] = np.maximum(0, np.minimum(4.0, s[:Ne] + (0.002 + DA) * sd[:Ne]))
            sd = 0.99 * sd
            if first is None and s[n1, syn] >= 3.5:
                first = g  # shist(g): the weight after ms g, spiker's sample at t = g ms
        if n1 in fired:
            n1f = g
        if n2 in fired and g - n1f < 20 and g > n1f:
            rew.add(g + int(rng.integers(1001, 3001)))
        if g in rew:
            DA = DA + 0.5
        if g % 60_000 == 0:
            w = s[:Ne].ravel()
            others = np.delete(w, syn)
            print(
                f"t = {g / 60_000:5.1f} min  rewarded {w[syn]:5.3f}  others: mean "
                f"{others.mean():.3f}, median {np.median(others):.3f}, 99th percentile "
                f"{np.percentile(others, 99):.3f}  rewards {sum(r <= g for r in rew):4d}  "
                f"rate {n_spikes / N / (g / 1000):.2f} Hz  cpu {time.process_time() - tic:5.0f} s",
                flush=True,
            )
    print(
        "rewarded synapse first >= 3.5 at "
        + ("never" if first is None else f"{first / 1000:.0f} s")
    )


if __name__ == "__main__":
    main()
