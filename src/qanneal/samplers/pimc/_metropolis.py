"""Single-spin Metropolis on Trotter slices: the acceptance test and the local sweep.

A local move flips spin i of slice k; with M slices at inverse temperature β and ring
coupling J⊥ its weight ratio is e^{−w},

    w = (β/M) ΔE_k + 2 J⊥ s_i^k (s_i^{k−1} + s_i^{k+1})     (no ring term when M = 1).

A sweep visits slice 0 spins 0…n−1, then slice 1, … (OpenJij's order). The BQM
back-ends have their own sweeps (the hot loop of most uses): slice and neighbour rows
are hoisted out of the spin loop, the local fields are updated along the CSR row or the
contiguous matrix row of an accepted flip, and nothing is allocated.

The three sweeps below are one algorithm written three times on purpose: the BQM ones
inline their field update (a CSR row, or a contiguous row that numba vectorises) and
skip the scratch row, which is what makes them the fast path (benchmarks/README.md,
PIMC).
"""

from __future__ import annotations

import numpy as np
from numba.extending import overload

from qanneal._rng import uniform
from qanneal.samplers.pimc._backends import commit_flip, flip_energy
from qanneal.samplers.pimc._bqm import DenseBQM, SparseBQM, add_row
from qanneal.samplers.pimc._kernel_cache import kernel

MAX_W = 36.7368005696771  # 53 ln 2: e^{-w} below the resolution of the uniform variates


@kernel()
def accept(w, rng):
    """Metropolis: True with probability min(1, e^{−w}).

    Exact, with a squeeze that skips most exp() calls: for w > 0,
    1 − w ≤ e^{−w} ≤ 1 / (1 + w + w²/2 + w³/6), so u < 1 − w accepts and
    u·(1 + w + w²/2 + w³/6) ≥ 1 rejects without evaluating e^{−w}. A proposal with
    w > 53 ln 2 is rejected without a draw: e^{−w} < 2^−53, the spacing of the variates.
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


@kernel()
def sparse_local_sweep(backend, spins, caches, slice_beta, jperp, rng):
    """One Metropolis sweep of a SparseBQM; returns the accepted count."""
    num_slices, n = spins.shape
    ring = 2.0 * jperp if num_slices > 1 else 0.0
    scale = -2.0 * slice_beta
    accepted = 0
    for k in range(num_slices):
        row = spins[k]
        local_fields = caches[k]
        up = spins[k + 1 if k + 1 < num_slices else 0]
        down = spins[k - 1 if k > 0 else num_slices - 1]
        for i in range(n):
            spin = np.float64(row[i])
            w = spin * (scale * local_fields[i] + ring * np.float64(down[i] + up[i]))
            if accept(w, rng):
                change = -2.0 * spin
                for p in range(backend.row_starts[i], backend.row_starts[i + 1]):
                    local_fields[backend.neighbours[p]] += backend.couplings[p] * change
                row[i] = -row[i]
                accepted += 1
    return accepted


@kernel()
def dense_local_sweep(backend, spins, caches, slice_beta, jperp, rng):
    """As ``sparse_local_sweep`` with the couplings as dense rows (vectorised updates)."""
    num_slices, n = spins.shape
    ring = 2.0 * jperp if num_slices > 1 else 0.0
    scale = -2.0 * slice_beta
    accepted = 0
    for k in range(num_slices):
        row = spins[k]
        local_fields = caches[k]
        up = spins[k + 1 if k + 1 < num_slices else 0]
        down = spins[k - 1 if k > 0 else num_slices - 1]
        for i in range(n):
            spin = np.float64(row[i])
            w = spin * (scale * local_fields[i] + ring * np.float64(down[i] + up[i]))
            if accept(w, rng):
                add_row(local_fields, backend.couplings, i, -2.0 * spin)
                row[i] = -row[i]
                accepted += 1
    return accepted


@kernel()
def generic_local_sweep(backend, spins, caches, work, slice_beta, jperp, rng):
    """One Metropolis sweep over every slice-spin of any back-end; the accepted count."""
    num_slices, n = spins.shape
    ring = 2.0 * jperp if num_slices > 1 else 0.0
    accepted = 0
    for k in range(num_slices):
        row = spins[k]
        cache = caches[k]
        scratch = work[k]
        up = spins[k + 1 if k + 1 < num_slices else 0]
        down = spins[k - 1 if k > 0 else num_slices - 1]
        for i in range(n):
            w = slice_beta * flip_energy(backend, row, i, cache, scratch)
            w += ring * row[i] * np.float64(down[i] + up[i])
            if accept(w, rng):
                commit_flip(backend, row, i, cache, scratch)
                row[i] = -row[i]
                accepted += 1
    return accepted


def local_sweep(backend, spins, caches, work, slice_beta, jperp, rng):
    """One Metropolis sweep over every slice-spin; returns the accepted count (numba only)."""
    raise TypeError("local_sweep runs inside numba-compiled kernels only")


@overload(local_sweep)
def _local_sweep(backend, spins, caches, work, slice_beta, jperp, rng):
    cls = getattr(backend, "instance_class", None)
    if cls is SparseBQM:
        return lambda backend, spins, caches, work, slice_beta, jperp, rng: sparse_local_sweep(
            backend, spins, caches, slice_beta, jperp, rng
        )
    if cls is DenseBQM:
        return lambda backend, spins, caches, work, slice_beta, jperp, rng: dense_local_sweep(
            backend, spins, caches, slice_beta, jperp, rng
        )
    return lambda backend, spins, caches, work, slice_beta, jperp, rng: generic_local_sweep(
        backend, spins, caches, work, slice_beta, jperp, rng
    )
