"""Dispatch from a unit's family code to its family's kernel functions: the kernel-side registry.

A family's module (kernels/izhikevich.py, ...) provides ``advance`` (integration over one step and
the threshold test), ``arrive_jump`` (a "jump" arrival) and ``reset``. Adding a family adds one
branch to each function below and a slot to ``present`` (``docs/extending.md``).

``on_izh``, ``on_i07``, ``on_lif`` are the network's ``neurons.present``: ``None`` for a family
the network does not use, so that numba prunes its branch before typing it: a network compiles
only the code of its own families (each combination is one cached specialisation).
"""

from spiker.kernels import izhikevich, izhikevich2007, lif
from spiker.kernels._jit import inline
from spiker.kernels.layout import (
    ADV_QUIET,
    FAMILY_IZHIKEVICH,
    FAMILY_IZHIKEVICH2007,
    FAMILY_LIF,
)


@inline
def advance(family, method, x, p, i, I_ext, I, n, dt, I_syn, syn_decay, syn_tau, on_izh,
            on_i07, on_lif):  # fmt: skip
    """Advance unit i over step n with external input ``I_ext`` and total input ``I`` (``I_ext``
    plus the synaptic currents ``I_syn[:, i]`` at the start of the step; channel k decays by
    ``syn_decay[k]`` per step, time constant ``syn_tau[k]`` ms); returns ADV_*."""
    if on_izh is not None:
        if family == FAMILY_IZHIKEVICH:
            return izhikevich.advance(method, x, p, i, I, dt)
    if on_lif is not None:
        if family == FAMILY_LIF:
            return lif.advance(method, x, p, i, I_ext, I, n, dt, I_syn, syn_decay, syn_tau)
    if on_i07 is not None:
        if family == FAMILY_IZHIKEVICH2007:
            return izhikevich2007.advance(method, x, p, i, I, dt)
    return ADV_QUIET


@inline
def arrive_jump(family, x, p, i, n, w, on_izh, on_i07, on_lif):
    """A "jump" input ``w`` reaches unit i in step n."""
    if on_izh is not None:
        if family == FAMILY_IZHIKEVICH:
            izhikevich.arrive_jump(x, i, w)
    if on_lif is not None:
        if family == FAMILY_LIF:
            lif.arrive_jump(x, p, i, n, w)
    if on_i07 is not None:
        if family == FAMILY_IZHIKEVICH2007:
            izhikevich2007.arrive_jump(x, i, w)


@inline
def reset(family, x, p, i, n, on_izh, on_i07, on_lif):
    """Unit i spiked in step n."""
    if on_izh is not None:
        if family == FAMILY_IZHIKEVICH:
            izhikevich.reset(x, p, i)
    if on_lif is not None:
        if family == FAMILY_LIF:
            lif.reset(x, p, i, n)
    if on_i07 is not None:
        if family == FAMILY_IZHIKEVICH2007:
            izhikevich2007.reset(x, p, i)
