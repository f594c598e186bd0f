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
#: likewise; ``I`` (float64, (N,)) the input current of the last step; ``r_lo``, ``r_hi``,
#: ``r_family``, ``r_method``: the populations (and spike sources), each a range of units of one
#: family and one method, updated by one vectorised loop. (``run_steps`` also takes
#: ``present``: a tuple with one slot per family in code order (FAMILY_IZHIKEVICH,
#: FAMILY_IZHIKEVICH2007, FAMILY_LIF), ``None`` where the network has no unit of the family,
#: else a tuple with one slot per method code, ``np.int8(1)`` or ``None``, so that the kernel
#: compiles only the families and methods it runs (kernels/families.py).)
Neurons = namedtuple("Neurons", "family method x p I r_lo r_hi r_family r_method")

#: External input of a chunk of steps. ``I_const`` (N,); ``I_var`` (rows, N) the time-varying
#: current of steps ``n_start - var_row0 ...`` (row ``n - n_start + var_row0``; zero rows when
#: there is none); ``var_row0`` (int); ``ext_step``, ``ext_idx`` (int64) the spikes of spike
#: sources in the chunk, sorted by step; ``P_var`` (rows, M) the Poisson inputs' amounts due at
#: each step (same rows as I_var) for the M targets ``pin_col`` through ring buffers
#: ``pin_buf``. Noise (kernels/noise.py), drawn in the kernel: unit i's entries ``nz_ptr[i] ..
#: nz_ptr[i+1]-1``, each with its generator key ``nz_key`` (uint64), ``nz_mean``, ``nz_std``,
#: interval ``nz_every`` (steps), the value ``nz_val`` it holds for steps ``nz_from ..
#: nz_next-1``; the ziggurat's tables ``zk``, ``zw``, ``zf``; ``nz_part`` (int64, (parts, 3))
#: per part of the units: the steps in which all its entries hold their values, and whether
#: each of its units has exactly one entry (kernels/noise.py add_noise).
Inputs = namedtuple(
    "Inputs",
    "I_const I_var var_row0 ext_step ext_idx P_var pin_col pin_buf nz_ptr nz_key nz_mean nz_std "
    "nz_every nz_val nz_from nz_next zk zw zf nz_part",
)

#: Static synapses, a CSR by presynaptic unit whose rows are cut into segments of equal
#: (buffer, delay): for the part t of the units (one per thread), segments
#: ``seg_ptr[t, i] .. seg_ptr[t, i+1]-1`` of unit i cover synapses ``seg_lo[g] .. seg_lo[g+1]-1``
#: onto units of that part, all written into one ring-buffer row; ``seg_dense`` (bool) marks the
#: segments onto consecutive units (post[s] = post[lo] + s - lo). ``post`` (int32) and ``w``
#: (float64) per synapse. The network has two: delays of one step or more, and zero delays.
Static = namedtuple("Static", "seg_ptr seg_buf seg_delay seg_lo seg_dense post w")

#: Pending input and synaptic currents (state that persists across runs). ``ring`` (2 + channels,
#: L, N); ``I_syn`` (channels, N); ``decay`` = exp(-dt/tau) and ``tau`` (ms) per channel; ``K``
#: (channels, N) scratch: per channel and unit, a family's factor of that channel's current over
#: one step, set by ``run_steps`` at the start of each call (families.prepare; LIF's exact
#: method: the voltage a unit current adds, so that no step divides).
Synaptic = namedtuple("Synaptic", "ring I_syn decay tau K")

#: Plastic synapses (see kernels/plasticity.py, spiker/compile_plastic.py). Per synapse, by
#: presynaptic unit, delay, projection and postsynaptic unit: weight ``w``, deferred change
#: ``sd`` (empty without a deferred rule), target ``post``, index ``ysyn`` of its postsynaptic
#: trace. Per segment g (the synapses ``g_lo[g] .. g_hi[g]-1`` of one unit, delay and
#: projection): ``g_delay``, ``g_rule``, ``g_buf`` (ring buffer), presynaptic trace ``gx`` and
#: the step ``gxl`` of its last update; ``gptr`` the segments of each unit, sorted by delay.
#: Per unit j: incoming synapses ``qe[qptr[j]:qptr[j+1]]`` with their segments ``qg``;
#: postsynaptic traces ``Y[yidx[yptr[j]:yptr[j+1]]]`` (one per projection onto j), their last
#: update ``Yl`` and rule ``y_rule``. Rule tables ``rf``, ``ri``, ``dec``. The spike history
#: ``hist`` (H, N), ``hist_n`` (H,). ``zero``: whether any delay is zero.
Plastic = namedtuple(
    "Plastic",
    "w sd post ysyn g_lo g_hi g_delay g_rule g_buf gx gxl gptr qptr qe qg Y Yl y_rule yptr yidx "
    "rf ri dec hist hist_n zero",
)

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

#: Scratch: ``fired`` (N,) the units that spiked in the step; ``spiked`` (N,) bool, the units
#: that reached their threshold in the step; ``ext`` (N,) float64, the external input of the
#: step; ``info`` (4,) the status; ``t_lo``, ``t_hi`` the parts of the units, one per thread,
#: and ``t_bad`` (bool) whether a part diverged.
Scratch = namedtuple("Scratch", "fired spiked ext info t_lo t_hi t_bad")
