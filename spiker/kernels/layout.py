"""The kernel's interface: its arrays in a few named groups, and every code it uses, defined once.

``run_steps`` (engine.py) takes these groups; ``spiker.compile`` and ``spiker.runtime`` build them.
Every array is indexed by the *global* unit index (all groups of a network laid end to end) unless
said otherwise. Module-level namedtuples keep the kernel cacheable (numba caches functions of
tuples of arrays; jitclasses are not cached) and make a swapped argument a loud error instead of a
silent wrong answer.
"""

from collections import namedtuple

# ---- run status (scratch.info[0]) -------------------------------------------------------------
STATUS_OK = 0
STATUS_SPIKES_FULL = 1  # the spike buffer cannot take another step's spikes: grow it, call again
STATUS_DIVERGED = 2  # a state became NaN or infinite: info[1] = unit, info[2] = step

# ---- what a unit's advance returns ------------------------------------------------------------
ADV_QUIET = 0
ADV_SPIKE = 1
ADV_DIVERGED = -1

# ---- passes of the unit update (engine._update_units) --------------------------------------
UPDATE_ALL = 0  # phases 2-6 in one pass (no zero-delay synapses)
UPDATE_INTEGRATE = 1  # phases 2-4: up to the threshold
UPDATE_ARRIVE = 2  # phases 5-6, after zero-delay spikes were propagated

# ---- neuron families (neurons.family): each has its step, threshold and reset --------------
FAMILY_SOURCE = 0  # a spike source: not integrated; input that reaches it is dropped
FAMILY_IZHIKEVICH = 1  # kernels/izhikevich.py
FAMILY_IZHIKEVICH2007 = 2  # kernels/izhikevich2007.py
FAMILY_LIF = 3  # kernels/lif.py

# ---- ring buffers of pending input: syn.ring[buffer, step % L, unit] ------------------------
BUF_PULSE = 0  # "pulse": added to I during the arrival step
BUF_JUMP = 1  # "jump": added to v at arrival
BUF_EXP0 = 2  # "exponential": BUF_EXP0 + k feeds synaptic-current channel k

# ---- state-monitor variables (records.mon_var) ------------------------------------------------
# a code >= 0 is a row of neurons.x (the family's state variable of that index)
REC_I = -1  # the input current applied during the step
REC_I_SYN = -2  # the sum of the exponential synaptic currents
REC_WEIGHT = -3  # a plastic synapse's weight (mon_idx holds its state row)
REC_ELIGIBILITY = -4  # its eligibility trace c or deferred change sd (mon_idx: its state row)
REC_CONCENTRATION = -5  # a neuromodulator's concentration (mon_idx: the modulator)

# ---- the groups -------------------------------------------------------------------------------
#: Units. ``family`` (int8) and ``method`` (int8, the family's own method codes) per unit;
#: ``x`` (float64, (NX, N)) the state, one row per state variable of the unit's family (each row
#: contiguous over units, as separate arrays would be); ``p`` (float64, (NP, N)) the parameters,
#: likewise; ``I`` (float64, (N,)) the input current of the last step; ``present`` a tuple with
#: one slot per family in code order (FAMILY_IZHIKEVICH, FAMILY_IZHIKEVICH2007, FAMILY_LIF):
#: ``np.int8(1)`` where the network has units of the family, ``None`` where not, so that the
#: kernel compiles only the families it runs (kernels/families.py).
Neurons = namedtuple("Neurons", "family method x p I present")

#: External input of a chunk of steps. ``I_const`` (N,); ``I_var`` (rows, N) the time-varying
#: current of steps ``n_start - var_row0 ...`` (row ``n - n_start + var_row0``; zero rows when
#: there is none); ``var_row0`` (int); ``ext_step``, ``ext_idx`` (int64) the spikes of spike
#: sources in the chunk, sorted by step; ``P_var`` (rows, M) the Poisson inputs' amounts due at
#: each step (same rows as I_var) for the M targets ``pin_col`` through ring buffers
#: ``pin_buf``.
Inputs = namedtuple("Inputs", "I_const I_var var_row0 ext_step ext_idx P_var pin_col pin_buf")

#: Static synapses, a CSR by presynaptic unit whose rows are cut into segments of equal
#: (buffer, delay): segments ``seg_ptr[i] .. seg_ptr[i+1]-1`` of unit i cover synapses
#: ``seg_lo[g] .. seg_lo[g+1]-1``, all written into one ring-buffer row. ``post`` (int32) and
#: ``w`` (float64) per synapse. The network has two: delays of one step or more, and zero delays.
Static = namedtuple("Static", "seg_ptr seg_buf seg_delay seg_lo post w")

#: Pending input and synaptic currents (state that persists across runs). ``ring`` (2 + channels,
#: L, N); ``I_syn`` (channels, N); ``decay`` = exp(-dt/tau) and ``tau`` (ms) per channel.
Synaptic = namedtuple("Synaptic", "ring I_syn decay tau")

#: Plastic synapses (see kernels/plasticity.py): spike history ``hist`` (H, N), ``hist_n`` (H,);
#: arrivals CSR by presynaptic unit sorted by delay ``pptr``, ``ppost``, ``pdelay``, ``pbuf``,
#: ``prow``; state rows ``ps`` (P, N_STATE) in postsynaptic order with ``qptr``; rule tables
#: ``rf``, ``ri``, ``dec``; ``zero`` (bool) whether any has zero delay.
Plastic = namedtuple("Plastic", "hist hist_n pptr ppost pdelay pbuf prow ps qptr rf ri dec zero")

#: Neuromodulators (dopamine; spiker/modulation.py), M of them: ``conc`` (M,) the concentrations
#: (state that persists across runs), ``decay`` (M,) their factors per step, ``before`` (M,)
#: scratch: the concentrations at the start of the step; ``rel_var`` (rows, M) the amounts
#: released at each step of the chunk (same rows as ``Inputs.I_var``; zero rows when nothing is
#: scheduled); releases at spikes, a CSR by unit: ``src_ptr`` (N + 1,), ``src_mod``,
#: ``src_amount`` (modulator and amount per entry).
Modulators = namedtuple("Modulators", "conc decay before rel_var src_ptr src_mod src_amount")

#: What a run records. Spikes: ``spike_mask`` (N,) bool, ``spk_step``/``spk_idx`` a growing
#: buffer filled up to ``spk_count[0]``. State: monitor m samples variable ``mon_var[m]`` of units
#: ``mon_idx[mon_ptr[m]:mon_ptr[m+1]]`` every ``mon_every[m]`` steps into ``mon_out`` from
#: ``mon_base[m]``, ``mon_rows[m]`` rows so far. Rates: spikes of units ``rate_lo[r] ..
#: rate_hi[r]-1`` per step into ``rate_out[r, rate_col0 + k]``.
Records = namedtuple(
    "Records",
    "spike_mask spk_step spk_idx spk_count mon_var mon_every mon_base mon_rows mon_ptr mon_idx "
    "mon_out rate_lo rate_hi rate_out rate_col0",
)

#: Scratch: ``fired`` (N,) the units that spiked in the step; ``spiked`` (N,) bool, set between
#: the two passes of a step with zero-delay synapses; ``info`` (4,) the status.
Scratch = namedtuple("Scratch", "fired spiked info")
