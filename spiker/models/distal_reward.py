"""Izhikevich (2007), "Solving the distal reward problem through linkage of STDP and dopamine
signaling", Cerebral Cortex 17:2443-2452, figure 1: the program daspnet.m (ModelDB 84167)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

import spiker as sp
from spiker import _validate as check
from spiker.models.base import Model, catalogue

#: daspnet.m's constants: the STDP traces decay by 0.95 per ms (tau = -1/ln 0.95 = 19.5 ms),
#: LTP adds the presynaptic trace (0.1 at a spike), LTD subtracts 1.5 x the postsynaptic trace as
#: it reads it one ms after the spike (0.15 * 0.95**(lag - 1) = (0.15/0.95) * 0.95**lag).
TAU_STDP = -1.0 / math.log(0.95)
A_PLUS, A_MINUS = 0.1, 0.15 / 0.95
W_MAX = 4.0
COINCIDENCE_MS = (1, 19)  # n2 fires 1..19 ms after n1's last spike (daspnet: interval = 20)
REWARD_DELAY_MS = (1001, 3000)  # a reward this many ms (uniform, whole) after the detection
REWARD = 0.5
CHECK_MS = 100.0  # the callback's interval: exact, since every reward lands >= 1 s later
META_KEY = "distal_reward"  # net.meta: the closed loop's state, kept by checkpoints
STATS_MS = 10_000.0  # how often the other weights' mean and 99th percentile are sampled


@dataclass
class DistalRewardModel(Model):
    """daspnet.m: the network, its rewarded synapse and the rewards given so far.

    Attributes (besides :class:`Model`'s)
    ----------
    dopamine : sp.Dopamine
    n1, n2 : int
        The presynaptic and postsynaptic neuron of the rewarded synapse.
    synapse : int
        Its index in ``projections["exc"]``.
    rewards : list of int
        Steps at which a reward is released (each once, sorted as scheduled).
    rng : numpy.random.Generator
        Draws the reward delays.
    others : list of (t, mean, 99th percentile)
        The other excitatory weights, sampled every 10 s of model time.
    """

    dopamine: object = None
    n1: int = 0
    n2: int = 0
    synapse: int = 0
    rewards: list = field(default_factory=list)
    rng: object = None
    others: list = field(default_factory=list)
    _last_n1: int = -(10**9)  # step of n1's last spike
    _seen: int = 0  # spikes of records["pair"] already read
    _scheduled: set = field(default_factory=set)  # the steps in rewards

    def run(self, duration: float | None = None, progress: bool | None = None, **options) -> Model:
        """Run for ``duration`` ms (default ``self.duration``), checking every 100 ms of model
        time whether n2 fired 1-19 ms after n1 and scheduling the rewards; returns self.
        ``options`` go to :meth:`spiker.Network.run` (``checkpoint=``, ...), but the callback is
        the model's own."""
        if "callback" in options or "every_ms" in options:
            raise ValueError(
                "distal_reward's run uses the callback itself (the reward check every "
                f"{CHECK_MS:g} ms); run its network with net.run(...) for a callback of your own"
            )
        self._load_loop_state()
        return super().run(duration, progress, callback=self._between_chunks, every_ms=CHECK_MS,
                           **options)  # fmt: skip

    def _save_loop_state(self) -> None:
        """The closed loop's own state into ``net.meta`` (JSON), so that a checkpoint written
        after this callback carries it: the spikes read, n1's last spike, the rewards, the
        reward delays' generator and the weight statistics. (The lists are shared, not copied.)"""
        self.net.meta[META_KEY] = {
            "step": self.net.step, "seen": self._seen, "last_n1": self._last_n1,
            "rewards": self.rewards, "others": self.others,
            "rng": self.rng.bit_generator.state,
        }  # fmt: skip

    def _load_loop_state(self) -> None:
        """After ``net.restore``: the closed loop as the checkpoint left it (nothing to do when
        the state in ``net.meta`` is the model's own, or from another step)."""
        state = self.net.meta.get(META_KEY)
        if not isinstance(state, dict) or state.get("step") != self.net.step:
            return
        self._seen, self._last_n1 = int(state["seen"]), int(state["last_n1"])
        self.rewards = [int(s) for s in state["rewards"]]
        self._scheduled = set(self.rewards)
        self.others = [tuple(float(x) for x in row) for row in state["others"]]
        self.rng.bit_generator.state = state["rng"]

    def _between_chunks(self, net) -> None:
        self.check_rewards(net)
        if net.step % round(STATS_MS / net.dt) == 0:
            w = np.delete(self.projections["exc"].weight, self.synapse)
            self.others.append((net.t, float(w.mean()), float(np.percentile(w, 99))))
        self._save_loop_state()

    def check_rewards(self, net) -> None:
        """The closed loop (daspnet.m's ``n1f``, ``n2f``, ``rew``): for every spike of n2 since
        the last check that comes 1-19 ms after n1's last spike (at or before it), schedule a
        reward of 0.5 at a uniformly drawn 1001-3000 ms after the spike is detected (at the end
        of its step; daspnet.m detects it at the start of the next ms). A reward already
        scheduled for that step is not added again (daspnet's ``any(rew == t)``)."""
        rec = self.records["pair"]
        steps, idx = rec.steps[self._seen :], rec.i[self._seen :]
        self._seen = rec.count
        lo, hi = COINCIDENCE_MS
        for step, i in zip(steps.tolist(), idx.tolist(), strict=True):
            if i == self.n1:  # spikes of one step come in unit order: n1's before n2's
                self._last_n1 = step
                continue
            if lo <= step - self._last_n1 <= hi:
                delay = int(self.rng.integers(REWARD_DELAY_MS[0], REWARD_DELAY_MS[1] + 1))
                at = step + 1 + delay  # dt = 1 ms
                if at not in self._scheduled:
                    self._scheduled.add(at)
                    self.rewards.append(at)
                    self.dopamine.release(REWARD, at=at * net.dt)

    def rewards_given(self) -> np.ndarray:
        """Times (ms) of the rewards released so far."""
        steps = np.array(sorted(self.rewards), dtype=np.int64)
        return steps[steps < self.net.step] * self.net.dt

    def reached(self, level: float) -> float | None:
        """The first sampled time (ms) at which the rewarded synapse's weight was >= ``level``."""
        rec = self.records["w"]
        above = np.flatnonzero(rec.values[0] >= level)
        return float(rec.t[above[0]]) if above.size else None

    def summary(self) -> str:
        w = self.projections["exc"].weight
        others = np.delete(w, self.synapse)
        first = self.reached(3.5)
        return "\n".join(
            [
                super().summary(),
                f"  rewarded synapse {self.n1} -> {self.n2}: weight {w[self.synapse]:.3f} "
                f"(first >= 3.5 at "
                f"{'never' if first is None else f'{first / 1000:.0f} s'}); "
                f"{self.rewards_given().size} rewards",
                f"  other excitatory weights: mean {others.mean():.3f}, median "
                f"{np.median(others):.3f}, 99th percentile {np.percentile(others, 99):.3f}, "
                f"{np.mean(others >= 0.99 * W_MAX):.2%} at the maximum",
            ]
        )

    def figure(self):
        """daspnet.m's figure (the paper's figure 1): the raster of the last second; the
        rewarded synapse's weight over the run beside the other weights' mean and 99th
        percentile, with the rewards, and its eligibility trace below; the distribution of the
        excitatory weights with the rewarded synapse marked."""
        from spiker import _text, plot

        net = self.net
        t_end = net.t
        fig = plot.figure(figsize=(12, 9))[0]
        fig.clear()
        grid = fig.add_gridspec(2, 2, height_ratios=[1.0, 1.4], width_ratios=[2, 1])
        ax_raster = fig.add_subplot(grid[0, :])
        left = grid[1, 0].subgridspec(2, 1, height_ratios=[1.0, 0.4], hspace=0.06)
        ax_w = fig.add_subplot(left[0])
        ax_c = fig.add_subplot(left[1], sharex=ax_w)
        ax_hist = fig.add_subplot(grid[1, 1])

        window = (max(0.0, t_end - 1000.0), max(t_end, 1.0))
        plot.raster({"exc": self.records["exc"], "inh": self.records["inh"]}, ax=ax_raster,
                    window=window, time_unit="s", size=2.0)  # fmt: skip
        ax_raster.set_title(f"spikes, last second ({window[0] / 1000:g} s to {t_end / 1000:g} s)")

        unit, scale = ("min", 60_000.0) if t_end > 600_000.0 else ("s", 1000.0)
        w, c = self.records["w"], self.records["c"]
        weights = self.projections["exc"].weight
        others = np.delete(weights, self.synapse)
        stats = list(self.others)
        if stats[-1][0] < t_end:  # and now
            stats.append((t_end, others.mean(), np.percentile(others, 99)))
        if len(stats) > 1:
            t, mean, p99 = np.array(stats).T
            ax_w.plot(t / scale, p99, color="0.4", lw=1.0, ls="--", label="others: 99th percentile")
            ax_w.plot(t / scale, mean, color="0.4", lw=1.0, label="others: mean")
        ax_w.plot(w.t / scale, w.values[0], color="tab:blue", lw=1.3, label="rewarded synapse")
        rewards = self.rewards_given()
        ax_w.plot(rewards / scale, np.full(rewards.shape, -0.08 * W_MAX), "x", color="tab:red",
                  ms=4, mew=0.8, label=f"rewards ({rewards.size})")  # fmt: skip
        ax_w.set_ylim(-0.16 * W_MAX, 1.05 * W_MAX)
        ax_w.set_xlim(0, t_end / scale)
        ax_w.set_ylabel("weight")
        ax_w.legend(loc="center right", frameon=False, fontsize="small")
        ax_w.set_title(f"rewarded synapse {self.n1} \u2192 {self.n2}, the other excitatory "
                       "synapses, the rewards")  # fmt: skip
        ax_w.tick_params(labelbottom=False)
        ax_c.plot(c.t / scale, c.values[0], color="tab:green", lw=0.5)
        ax_c.axhline(0.0, color="0.6", lw=0.5)
        ax_c.set_ylabel("eligibility c")
        ax_c.set_xlabel(f"time ({unit})")

        label = f"others: mean {others.mean():.2f}, median {np.median(others):.2f}"
        counts, _, _ = ax_hist.hist(others, bins=np.linspace(0.0, W_MAX, 101), color="0.5",
                                    label=label)  # fmt: skip
        ax_hist.set_yscale("log")
        ax_hist.axvline(weights[self.synapse], color="tab:red", ls=":", lw=1.2)
        ax_hist.plot([weights[self.synapse]], [0.7], "o", color="tab:red", ms=8, clip_on=False,
                     label=f"rewarded synapse ({weights[self.synapse]:.2f})")  # fmt: skip
        ax_hist.set_ylim(0.5, 20.0 * max(counts.max(), 1.0))  # room for the legend
        ax_hist.set_xlabel("excitatory weight")
        ax_hist.set_ylabel("synapses")
        ax_hist.legend(loc="upper center", frameon=False, fontsize="small")
        ax_hist.set_title(f"excitatory weights after {_text.duration(t_end)}")
        fig.suptitle(self.title())
        fig.tight_layout()
        return fig


@catalogue(
    "Izhikevich (2007) distal reward (daspnet.m): dopamine-modulated STDP picks out the one "
    "rewarded synapse among 80,000 (1 h)"
)
def distal_reward(
    seed: int = 1,
    duration: float = 3_600_000.0,
    n_exc: int = 800,
    n_inh: int = 200,
    synapses: int = 100,
) -> DistalRewardModel:
    """daspnet.m, the program of Izhikevich (2007)'s figure 1.

    spnet (:func:`polychronization`) with every delay 1 ms: ``n_exc`` excitatory RS cells
    (a = 0.02, d = 8) and ``n_inh`` inhibitory FS cells (a = 0.1, d = 2), b = 0.2, c = -65, the
    published integration at dt = 1 ms in spnet's operation order, synapses as one-step
    currents. Each neuron has ``synapses`` outgoing synapses whose targets are drawn with
    replacement, self-connections allowed, as daspnet.m draws them (``ceil(N*rand)``):
    excitatory ones onto any neuron, weight 1; inhibitory ones onto excitatory neurons, weight
    -1. Every neuron receives a thalamic current uniform in [-6.5, 6.5) each ms.

    The excitatory synapses learn by dopamine-modulated STDP (:mod:`spiker.modulation`):
    nearest-spike pairs, LTP of 0.1 * 0.95**lag into the eligibility trace c at a postsynaptic
    spike, LTD of 0.15 * 0.95**(lag - 1) at a presynaptic arrival (``a_minus = 0.15/0.95``), and
    every 10 ms ``w += (0.002 + DA) * c; c *= 0.99``, w clipped to [0, 4]. DA decays by 0.995
    per ms.

    One synapse, the first of neuron 0 onto another neuron (n1 -> n2; daspnet.m takes neuron
    1's first synapse), starts at 0. Every time n2 fires 1-19 ms after n1's last spike, a reward
    (DA += 0.5) is scheduled 1001-3000 ms (uniform, whole ms) later, by a callback every
    100 ms of model time.

    One difference from daspnet.m: MATLAB's ``I(ind) = I(ind) + s(...)`` delivers only one of a
    neuron's synapses onto the same target in a step (about 5 % of them are such repeats); spiker
    delivers every synapse.

    Records: spikes ``"exc"``, ``"inh"`` (indices within the population ``"neurons"``) and
    ``"pair"`` (n1 and n2); ``"w"`` and ``"c"`` (the rewarded synapse's weight and eligibility
    trace) and ``"dopamine"``, every 10 ms. Projections ``"exc"`` (plastic) and ``"inh"``.
    """
    n_exc = check.positive_int("n_exc", n_exc)
    n_inh = check.positive_int("n_inh", n_inh)
    m = check.positive_int("synapses", synapses)
    n = n_exc + n_inh
    net = sp.Network(dt=1.0, seed=seed)
    rng = net.rng
    is_exc = np.arange(n) < n_exc
    model = sp.Izhikevich(
        a=np.where(is_exc, 0.02, 0.1), b=0.2, c=-65.0, d=np.where(is_exc, 8.0, 2.0),
        method="izhikevich", order="spnet",
    )  # fmt: skip
    pop = net.add_neurons(n, model, name="neurons")
    post_e = rng.integers(0, n, (n_exc, m))  # with replacement, self-connections allowed
    post_i = rng.integers(0, n_exc, (n_inh, m))
    others = np.flatnonzero(post_e[0] != 0)
    if others.size == 0:
        raise ValueError("neuron 0 has no synapse onto another neuron: use another seed")
    chosen = int(others[0])
    da = net.add_dopamine(factor=0.995)
    stdp = sp.STDP(
        a_plus=A_PLUS, a_minus=A_MINUS, tau_plus=TAU_STDP, tau_minus=TAU_STDP, w_min=0.0,
        w_max=W_MAX, pairing="nearest",
        modulation=sp.IntervalModulation(da, interval=10.0, baseline=0.002, decay=0.99),
    )  # fmt: skip
    w0 = np.ones(n_exc * m)
    w0[chosen] = 0.0
    w0_others = np.delete(w0, chosen)
    exc = net.connect(pop, pop, i=np.repeat(np.arange(n_exc), m), j=post_e.ravel(), weight=w0,
                      delay=1.0, synapse="pulse", plasticity=stdp, name="exc")  # fmt: skip
    inh = net.connect(pop, pop, i=np.repeat(np.arange(n_exc, n), m), j=post_i.ravel(),
                      weight=-1.0, delay=1.0, synapse="pulse", name="inh")  # fmt: skip
    net.add_current(pop, sp.inputs.UniformNoise(low=-6.5, high=6.5, interval=1.0))
    n1, n2 = 0, int(post_e[0, chosen])
    records = {
        "exc": net.record_spikes(pop, neurons=np.arange(n_exc)),
        "inh": net.record_spikes(pop, neurons=np.arange(n_exc, n)),
        "pair": net.record_spikes(pop, neurons=[n1, n2]),
        "w": net.record_weights(exc, synapses=[chosen], every_ms=10.0),
        "c": net.record_weights(exc, synapses=[chosen], every_ms=10.0, var="c"),
        "dopamine": net.record_dopamine(da, every_ms=10.0, record_final=True),
    }
    return DistalRewardModel(
        "distal_reward", net, records, duration, {"exc": exc, "inh": inh}, {"exc": w0.copy()},
        dopamine=da, n1=n1, n2=n2, synapse=chosen, rng=net.rng.spawn(1)[0],
        others=[(0.0, w0_others.mean(), np.percentile(w0_others, 99))],
    )  # fmt: skip
