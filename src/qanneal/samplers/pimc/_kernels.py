"""Numba driver of path-integral Monte Carlo (discrete-time Suzuki–Trotter), arrays in,
arrays out, validating nothing.

State of one read: M Trotter slices of n spins, a C-contiguous (M, n) int8 array, and
one cache row per slice. The weight of a configuration is
exp[−(β/M) Σ_k E(s^k) + J⊥ Σ_{i,k} s_i^k s_i^{k+1}] (periodic in k), J⊥ = ½ ln coth(βΓ/M),
so a move is accepted with probability min(1, e^{−w}) where w is

* local (spin i of slice k):  (β/M) ΔE_k + 2 J⊥ s_i^k (s_i^{k−1} + s_i^{k+1});
* global (worldline of i):    (β/M) Σ_k ΔE_k — the ring term is unchanged;
* cluster (imaginary time):   bonds between equal neighbours s_i^k = s_i^{k+1} are
  formed with probability 1 − e^{−2J⊥} (Swendsen–Wang on the 1-D ring of spin i);
  each segment is then flipped with Metropolis on (β/M) Σ_{k∈segment} ΔE_k. The ring
  term is accounted for by the bond construction, and segments live on different
  slices, so their classical energy changes are independent.

A local sweep visits slice 0 spins 0…n−1, then slice 1, … (OpenJij's order). The BQM
back-ends have their own local sweeps (the hot loop of most uses): slice rows and
neighbour rows are hoisted out of the spin loop, the local fields of the slice are
updated along the CSR row (sparse) or the contiguous matrix row (dense, vectorised) of
an accepted flip, and nothing is allocated. A proposal with
w > 53 ln 2 is rejected without drawing a number: e^{−w} < 2^−53, the spacing of the
uniform variates, so Metropolis would accept it with probability at most 2^−53.

With M = 1 there is no ring term and the local move is classical Metropolis at β:
that is simulated annealing, and the SA sampler uses this same driver for every
back-end. Reads run in parallel (``prange``); each read has its own xoshiro256+ stream
seeded from ``seeds[r]``, so results do not depend on the thread schedule.
"""

from __future__ import annotations

import numba
import numpy as np

from qanneal._rng import seed_rng, uniform
from qanneal.samplers.pimc._backends import (
    BINN,
    BQM,
    DENSE,
    add_row,
    commit_flip,
    fill_cache,
    flip_energy,
    slice_energy,
)

LOCAL, GLOBAL, CLUSTER = 0, 1, 2
MAX_W = 36.7368005696771  # 53 ln 2: e^{-w} below the resolution of the uniform variates


@numba.njit(cache=True, inline="always")
def _accept(w, rng):
    """Metropolis: True with probability min(1, e^{−w}).

    Exact, with a squeeze that skips most exp() calls: for w > 0,
    1 − w ≤ e^{−w} ≤ 1 / (1 + w + w²/2 + w³/6), so u < 1 − w accepts and
    u·(1 + w + w²/2 + w³/6) ≥ 1 rejects without evaluating e^{−w}.
    """
    if w <= 0.0:
        return True
    if w > MAX_W:
        return False
    u = uniform(rng)
    if u * (1.0 + w * (1.0 + w * (0.5 + w * (1.0 / 6.0)))) >= 1.0:
        return False
    if u < 1.0 - w:
        return True
    return u < np.exp(-w)


@numba.njit(cache=True)
def _local_sweep_bqm(s, cache, h, data, indptr, indices, slice_beta, jperp, rng):
    """One Metropolis sweep over every slice-spin of a BQM; returns the accepted count."""
    num_slices, n = s.shape
    ring = 2.0 * jperp if num_slices > 1 else 0.0
    scale = -2.0 * slice_beta
    accepted = 0
    for k in range(num_slices):
        sk = s[k]
        fields = cache[k]
        up = s[k + 1 if k + 1 < num_slices else 0]
        down = s[k - 1 if k > 0 else num_slices - 1]
        for i in range(n):
            spin = np.float64(sk[i])
            w = spin * (scale * fields[i] + ring * np.float64(down[i] + up[i]))
            if _accept(w, rng):
                change = -2.0 * spin
                for p in range(indptr[i], indptr[i + 1]):
                    fields[indices[p]] += data[p] * change
                sk[i] = -sk[i]
                accepted += 1
    return accepted


@numba.njit(cache=True)
def _local_sweep_dense(s, cache, h, matrix, slice_beta, jperp, rng):
    """As ``_local_sweep_bqm`` with J as dense rows (vectorised field updates)."""
    num_slices, n = s.shape
    ring = 2.0 * jperp if num_slices > 1 else 0.0
    scale = -2.0 * slice_beta
    accepted = 0
    for k in range(num_slices):
        sk = s[k]
        fields = cache[k]
        up = s[k + 1 if k + 1 < num_slices else 0]
        down = s[k - 1 if k > 0 else num_slices - 1]
        for i in range(n):
            spin = np.float64(sk[i])
            w = spin * (scale * fields[i] + ring * np.float64(down[i] + up[i]))
            if _accept(w, rng):
                add_row(fields, matrix, i, -2.0 * spin)
                sk[i] = -sk[i]
                accepted += 1
    return accepted


@numba.njit(cache=True)
def _local_sweep(code, s, cache, work, f1, f2, i1, i2, i3, i4, loss, slice_beta, jperp, rng):
    """One Metropolis sweep over every slice-spin (any back-end); returns accepted count."""
    if code == BQM:
        return _local_sweep_bqm(s, cache, f1, f2, i1, i2, slice_beta, jperp, rng)
    if code == DENSE:
        return _local_sweep_dense(s, cache, f1, f2, slice_beta, jperp, rng)
    num_slices, n = s.shape
    ring = 2.0 * jperp if num_slices > 1 else 0.0
    accepted = 0
    for k in range(num_slices):
        sk = s[k]
        ck = cache[k]
        wk = work[k]
        up = s[k + 1 if k + 1 < num_slices else 0]
        down = s[k - 1 if k > 0 else num_slices - 1]
        for i in range(n):
            w = slice_beta * flip_energy(code, sk, i, f1, f2, i1, i2, i3, i4, loss, ck, wk)
            w += ring * sk[i] * np.float64(down[i] + up[i])
            if _accept(w, rng):
                commit_flip(code, sk, i, f1, f2, i1, i2, i3, i4, loss, ck, wk)
                sk[i] = -sk[i]
                accepted += 1
    return accepted


@numba.njit(cache=True)
def _flip_segment(code, s, cache, work, f1, f2, i1, i2, i3, i4, loss, i, start, length, beta, rng):
    """Metropolis flip of spin i on slices start, start+1, … (mod M); True if accepted.
    Every slice of the segment has its own ``work`` row, so the commits reuse them."""
    num_slices = s.shape[0]
    total = 0.0
    for step in range(length):
        k = (start + step) % num_slices
        total += flip_energy(code, s[k], i, f1, f2, i1, i2, i3, i4, loss, cache[k], work[k])
    if not _accept(beta * total, rng):
        return False
    for step in range(length):
        k = (start + step) % num_slices
        commit_flip(code, s[k], i, f1, f2, i1, i2, i3, i4, loss, cache[k], work[k])
        s[k, i] = -s[k, i]
    return True


@numba.njit(cache=True)
def _global_sweep(code, s, cache, work, f1, f2, i1, i2, i3, i4, loss, slice_beta, rng):
    num_slices, n = s.shape
    accepted = 0
    for i in range(n):
        if _flip_segment(
            code, s, cache, work, f1, f2, i1, i2, i3, i4, loss, i, 0, num_slices, slice_beta, rng
        ):
            accepted += 1
    return n, accepted


@numba.njit(cache=True)
def _cluster_sweep(
    code, s, cache, work, f1, f2, i1, i2, i3, i4, loss, slice_beta, jperp, bonded, rng
):
    num_slices, n = s.shape
    bond_probability = 1.0 - np.exp(-2.0 * jperp)
    tried = 0
    accepted = 0
    for i in range(n):
        start = -1
        for k in range(num_slices):
            nxt = k + 1 if k + 1 < num_slices else 0
            bonded[k] = s[k, i] == s[nxt, i] and uniform(rng) < bond_probability
            if not bonded[k] and start < 0:
                start = nxt
        if start < 0:  # the whole worldline is one cluster
            tried += 1
            if _flip_segment(
                code,
                s,
                cache,
                work,
                f1,
                f2,
                i1,
                i2,
                i3,
                i4,
                loss,
                i,
                0,
                num_slices,
                slice_beta,
                rng,
            ):
                accepted += 1
            continue
        done = 0
        while done < num_slices:
            length = 1
            k = (start + done) % num_slices
            while bonded[k]:
                length += 1
                k = (k + 1) % num_slices
            tried += 1
            first = (start + done) % num_slices
            if _flip_segment(
                code,
                s,
                cache,
                work,
                f1,
                f2,
                i1,
                i2,
                i3,
                i4,
                loss,
                i,
                first,
                length,
                slice_beta,
                rng,
            ):
                accepted += 1
            done += length
    return tried, accepted


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
    num_reads, num_slices, n = initial.shape
    spins = np.ascontiguousarray(initial).copy()
    energies = np.zeros((num_reads, num_slices))
    counts = np.zeros((num_reads, 3, 2), dtype=np.int64)
    num_trace = betas.shape[0] // trace_every if trace_every > 0 else 0
    trace = np.zeros((num_reads, num_trace, 2))
    scratch = cache_width + f2.shape[0] if code == BINN else 1
    for r in numba.prange(num_reads):
        rng = np.empty(4, dtype=np.uint64)
        seed_rng(seeds[r], rng)
        s = spins[r]
        cache = np.zeros((num_slices, cache_width))
        work = np.zeros((num_slices, scratch))
        bonded = np.zeros(num_slices, dtype=np.bool_)
        tally = counts[r]
        for k in range(num_slices):
            fill_cache(code, s[k], f1, f2, i1, i2, i3, i4, loss, cache[k])
        for sweep in range(betas.shape[0]):
            slice_beta = betas[sweep] / num_slices
            jperp = jperps[sweep]
            if moves[LOCAL]:
                tally[LOCAL, 0] += num_slices * n
                tally[LOCAL, 1] += _local_sweep(
                    code, s, cache, work, f1, f2, i1, i2, i3, i4, loss, slice_beta, jperp, rng
                )
            if moves[GLOBAL] and num_slices > 1:
                tried, accepted = _global_sweep(
                    code, s, cache, work, f1, f2, i1, i2, i3, i4, loss, slice_beta, rng
                )
                tally[GLOBAL, 0] += tried
                tally[GLOBAL, 1] += accepted
            if moves[CLUSTER] and num_slices > 1:
                tried, accepted = _cluster_sweep(
                    code,
                    s,
                    cache,
                    work,
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
                    rng,
                )
                tally[CLUSTER, 0] += tried
                tally[CLUSTER, 1] += accepted
            if trace_every > 0 and (sweep + 1) % trace_every == 0:
                row = (sweep + 1) // trace_every - 1
                total = 0.0
                for k in range(num_slices):
                    total += slice_energy(code, s[k], f1, f2, i1, i2, i3, i4, loss, cache[k])
                trace[r, row, 0] = total / num_slices
                trace[r, row, 1] = _overlap(s)
        for beta in final_betas:
            for k in range(num_slices):
                tally[LOCAL, 0] += n
                tally[LOCAL, 1] += _local_sweep(
                    code,
                    s[k : k + 1],
                    cache[k : k + 1],
                    work[k : k + 1],
                    f1,
                    f2,
                    i1,
                    i2,
                    i3,
                    i4,
                    loss,
                    beta,
                    0.0,
                    rng,
                )
        for k in range(num_slices):
            energies[r, k] = slice_energy(code, s[k], f1, f2, i1, i2, i3, i4, loss, cache[k])
    return spins, energies, counts, trace
