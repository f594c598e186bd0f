"""Dispatch from a unit's family code to its family's kernel functions: the kernel-side registry.

A family's module (kernels/izhikevich.py, ...) provides ``integrate`` (a population over one step,
with the threshold test, in a loop that vectorises), ``arrive_jumps`` ("jump" input of a
population), ``reset`` (one unit) and ``diverged`` (one unit). Adding a family adds one branch to
each function below and a slot to ``present`` (``docs/extending.md``).

``on_izh``, ``on_i07``, ``on_lif`` are the network's ``neurons.present``: ``None`` for a family
the network does not use, else a tuple with one slot per method code (``None`` for a method it
does not use), so that numba prunes those branches before typing them: a network compiles only
the code of its own families and methods (each combination is one cached specialisation).
"""

from spiker.kernels import izhikevich, izhikevich2007, lif
from spiker.kernels._jit import inline
from spiker.kernels.layout import (
    FAMILY_IZHIKEVICH,
    FAMILY_IZHIKEVICH2007,
    FAMILY_LIF,
)


@inline
def prepare(family, method, lo, hi, p, dt, syn_decay, syn_tau, K, on_izh, on_i07, on_lif):
    """Before the steps of a ``run_steps`` call: what a family precomputes from its parameters
    for units lo .. hi-1 (one population), into ``K`` (channels, N): its factors of the
    synaptic currents' channels (channel k decays by ``syn_decay[k]`` per step, time constant
    ``syn_tau[k]`` ms). Optional: a family without it adds no branch here."""
    if on_lif is not None:
        if family == FAMILY_LIF:
            lif.prepare(method, lo, hi, p, dt, syn_decay, syn_tau, K, on_lif[1])


@inline
def integrate(family, method, lo, hi, x, p, I_ext, I, n, dt, I_syn, K, spk, on_izh, on_i07,
              on_lif):  # fmt: skip
    """Integrate units lo .. hi-1 (one population) over step n with external input ``I_ext``
    and total input ``I`` (``I_ext`` plus the synaptic currents ``I_syn[:, i]`` at the start of
    the step; ``K`` what :func:`prepare` set); set ``spk`` for those that reach their threshold.
    Returns whether any diverged."""
    if on_izh is not None:
        if family == FAMILY_IZHIKEVICH:
            return izhikevich.integrate(method, lo, hi, x, p, I, dt, spk, on_izh[0], on_izh[1],
                                        on_izh[2], on_izh[3])  # fmt: skip
    if on_lif is not None:
        if family == FAMILY_LIF:
            return lif.integrate(method, lo, hi, x, p, I_ext, I, n, dt, I_syn, K, spk,
                                 on_lif[0], on_lif[1])  # fmt: skip
    if on_i07 is not None:
        if family == FAMILY_IZHIKEVICH2007:
            return izhikevich2007.integrate(method, lo, hi, x, p, I, dt, spk, on_i07[0],
                                            on_i07[1])  # fmt: skip
    return False


@inline
def arrive_jumps(family, lo, hi, x, p, jump, n, on_izh, on_i07, on_lif):
    """ "jump" input due in step n reaches units lo .. hi-1 (one population)."""
    if on_izh is not None:
        if family == FAMILY_IZHIKEVICH:
            izhikevich.arrive_jumps(lo, hi, x, p, jump, n)
    if on_lif is not None:
        if family == FAMILY_LIF:
            lif.arrive_jumps(lo, hi, x, p, jump, n)
    if on_i07 is not None:
        if family == FAMILY_IZHIKEVICH2007:
            izhikevich2007.arrive_jumps(lo, hi, x, p, jump, n)


@inline
def reset(family, x, p, i, n, on_izh, on_i07, on_lif):
    """Unit i spiked in step n."""
    if on_izh is not None:
        if family == FAMILY_IZHIKEVICH:
            izhikevich.reset(x, p, i, n)
    if on_lif is not None:
        if family == FAMILY_LIF:
            lif.reset(x, p, i, n)
    if on_i07 is not None:
        if family == FAMILY_IZHIKEVICH2007:
            izhikevich2007.reset(x, p, i, n)


@inline
def diverged(family, x, i, on_izh, on_i07, on_lif):
    """Whether unit i's state is NaN or infinite (as its family defines divergence)."""
    if on_izh is not None:
        if family == FAMILY_IZHIKEVICH:
            return izhikevich.diverged(x, i)
    if on_lif is not None:
        if family == FAMILY_LIF:
            return lif.diverged(x, i)
    if on_i07 is not None:
        if family == FAMILY_IZHIKEVICH2007:
            return izhikevich2007.diverged(x, i)
    return False
