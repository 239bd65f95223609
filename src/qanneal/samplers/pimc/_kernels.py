"""Numba driver of path-integral Monte Carlo (discrete-time Suzuki–Trotter), arrays in,
arrays out, validating nothing.

State of one read: M Trotter slices of n spins. The weight of a configuration is
exp[−(β/M) Σ_k E(s^k) + J⊥ Σ_{i,k} s_i^k s_i^{k+1}] (periodic in k), J⊥ = ½ ln coth(βΓ/M),
so a move is accepted with probability min(1, e^{−w}) where w is

* local (spin i of slice k):  (β/M) ΔE_k + 2 J⊥ s_i^k (s_i^{k−1} + s_i^{k+1});
* global (worldline of i):    (β/M) Σ_k ΔE_k — the ring term is unchanged;
* cluster (imaginary time):   bonds between equal neighbours s_i^k = s_i^{k+1} are
  formed with probability 1 − e^{−2J⊥} (Swendsen–Wang on the 1-D ring of spin i);
  each segment is then flipped with Metropolis on (β/M) Σ_{k∈segment} ΔE_k. The ring
  term is accounted for by the bond construction, and segments live on different
  slices, so their classical energy changes are independent.

With M = 1 there is no ring term and the local move is classical Metropolis at β:
that is simulated annealing, and the SA sampler uses this same driver.
Reads run in parallel (``prange``); each read seeds numba's per-thread generator at
its start, so results do not depend on the thread schedule.
"""

from __future__ import annotations

import numba
import numpy as np

from qanneal.samplers.pimc._backends import commit_flip, fill_cache, flip_energy, slice_energy

LOCAL, GLOBAL, CLUSTER = 0, 1, 2


@numba.njit(cache=True)
def _accept(w):
    return w <= 0.0 or np.random.random() < np.exp(-w)


@numba.njit(cache=True)
def _local_sweep(code, s, cache, f1, f2, i1, i2, i3, i4, loss, slice_beta, jperp, counts):
    num_slices, n = s.shape
    for k in range(num_slices):
        up = k + 1 if k + 1 < num_slices else 0
        down = k - 1 if k > 0 else num_slices - 1
        for i in range(n):
            w = slice_beta * flip_energy(code, s[k], i, f1, f2, i1, i2, i3, i4, loss, cache[k])
            if num_slices > 1:
                w += 2.0 * jperp * s[k, i] * (s[down, i] + s[up, i])
            counts[0, 0] += 1
            if _accept(w):
                commit_flip(code, s[k], i, f1, f2, i1, i2, i3, i4, loss, cache[k])
                s[k, i] = -s[k, i]
                counts[0, 1] += 1


@numba.njit(cache=True)
def _flip_segment(code, s, cache, f1, f2, i1, i2, i3, i4, loss, i, start, length, slice_beta):
    """Metropolis flip of spin i on slices start, start+1, … (mod M); True if accepted."""
    num_slices = s.shape[0]
    total = 0.0
    for step in range(length):
        k = (start + step) % num_slices
        total += flip_energy(code, s[k], i, f1, f2, i1, i2, i3, i4, loss, cache[k])
    if not _accept(slice_beta * total):
        return False
    for step in range(length):
        k = (start + step) % num_slices
        commit_flip(code, s[k], i, f1, f2, i1, i2, i3, i4, loss, cache[k])
        s[k, i] = -s[k, i]
    return True


@numba.njit(cache=True)
def _global_sweep(code, s, cache, f1, f2, i1, i2, i3, i4, loss, slice_beta, counts):
    num_slices, n = s.shape
    for i in range(n):
        counts[1, 0] += 1
        if _flip_segment(
            code, s, cache, f1, f2, i1, i2, i3, i4, loss, i, 0, num_slices, slice_beta
        ):
            counts[1, 1] += 1


@numba.njit(cache=True)
def _cluster_sweep(code, s, cache, f1, f2, i1, i2, i3, i4, loss, slice_beta, jperp, bonded, counts):
    num_slices, n = s.shape
    bond_probability = 1.0 - np.exp(-2.0 * jperp)
    for i in range(n):
        start = -1
        for k in range(num_slices):
            nxt = k + 1 if k + 1 < num_slices else 0
            bonded[k] = s[k, i] == s[nxt, i] and np.random.random() < bond_probability
            if not bonded[k] and start < 0:
                start = nxt
        if start < 0:  # the whole worldline is one cluster
            counts[2, 0] += 1
            if _flip_segment(
                code, s, cache, f1, f2, i1, i2, i3, i4, loss, i, 0, num_slices, slice_beta
            ):
                counts[2, 1] += 1
            continue
        done = 0
        while done < num_slices:
            length = 1
            k = (start + done) % num_slices
            while bonded[k]:
                length += 1
                k = (k + 1) % num_slices
            counts[2, 0] += 1
            if _flip_segment(
                code,
                s,
                cache,
                f1,
                f2,
                i1,
                i2,
                i3,
                i4,
                loss,
                i,
                (start + done) % num_slices,
                length,
                slice_beta,
            ):
                counts[2, 1] += 1
            done += length


@numba.njit(cache=True)
def _overlap(s):
    """Mean overlap between distinct slices: (Σ_i m_i² − nM) / (n M (M−1))."""
    num_slices, n = s.shape
    if num_slices < 2:
        return 1.0
    total = 0.0
    for i in range(n):
        m = 0.0
        for k in range(num_slices):
            m += s[k, i]
        total += m * m
    return (total - n * num_slices) / (n * num_slices * (num_slices - 1))


@numba.njit(cache=True, parallel=True)
def anneal(
    code,
    f1,
    f2,
    i1,
    i2,
    i3,
    i4,
    loss,  # back-end (see _backends)
    betas,  # (T,) inverse temperature per sweep
    jperps,  # (T,) ring coupling J⊥ per sweep (ignored when M = 1)
    moves,  # (3,) 0/1: local, global, cluster
    final_betas,  # (F,) β of the classical clean-up sweeps (slices independent)
    initial,  # (R, M, n) int8
    seeds,  # (R,) int64
    trace_every,  # record (mean slice energy, overlap) every this many sweeps; 0: never
    cache_width,
):
    num_reads, num_slices, _ = initial.shape
    spins = initial.copy()
    energies = np.zeros((num_reads, num_slices))
    counts = np.zeros((num_reads, 3, 2), dtype=np.int64)
    num_trace = betas.shape[0] // trace_every if trace_every > 0 else 0
    trace = np.zeros((num_reads, num_trace, 2))
    for r in numba.prange(num_reads):
        np.random.seed(seeds[r])
        s = spins[r]
        cache = np.zeros((num_slices, cache_width))
        bonded = np.zeros(num_slices, dtype=np.bool_)
        for k in range(num_slices):
            fill_cache(code, s[k], f1, f2, i1, i2, i3, i4, loss, cache[k])
        for sweep in range(betas.shape[0]):
            slice_beta = betas[sweep] / num_slices
            jperp = jperps[sweep]
            if moves[LOCAL]:
                _local_sweep(
                    code, s, cache, f1, f2, i1, i2, i3, i4, loss, slice_beta, jperp, counts[r]
                )
            if moves[GLOBAL] and num_slices > 1:
                _global_sweep(code, s, cache, f1, f2, i1, i2, i3, i4, loss, slice_beta, counts[r])
            if moves[CLUSTER] and num_slices > 1:
                _cluster_sweep(
                    code,
                    s,
                    cache,
                    f1,
                    f2,
                    i1,
                    i2,
                    i3,
                    i4,
                    loss,
                    slice_beta,
                    jperp,
                    bonded,
                    counts[r],
                )
            if trace_every > 0 and (sweep + 1) % trace_every == 0:
                row = (sweep + 1) // trace_every - 1
                total = 0.0
                for k in range(num_slices):
                    total += slice_energy(code, s[k], f1, f2, i1, i2, i3, i4, loss, cache[k])
                trace[r, row, 0] = total / num_slices
                trace[r, row, 1] = _overlap(s)
        for beta in final_betas:
            for k in range(num_slices):
                _local_sweep(
                    code,
                    s[k : k + 1],
                    cache[k : k + 1],
                    f1,
                    f2,
                    i1,
                    i2,
                    i3,
                    i4,
                    loss,
                    beta,
                    0.0,
                    counts[r],
                )
        for k in range(num_slices):
            energies[r, k] = slice_energy(code, s[k], f1, f2, i1, i2, i3, i4, loss, cache[k])
    return spins, energies, counts, trace
