"""Back-ends for a BQM in SPIN form: E(s) = Σ_i h_i s_i + Σ_{i<j} J_ij s_i s_j.

The cache row of a slice holds the local fields f_i = h_i + Σ_j J_ij s_j, so the energy
change of a flip is −2 s_i f_i and an accepted flip adds −2 s_i J_i· to the fields:
along the stored couplings of row i (:class:`SparseBQM`, CSR) or along a contiguous
matrix row (:class:`DenseBQM`, vectorised; chosen by ``packing.pack_bqm`` when at least
a tenth of all pairs are coupled).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from qanneal.samplers.pimc._kernel_cache import kernel


class SparseBQM(NamedTuple):
    """Fields and couplings of a SPIN BQM, the couplings as CSR rows (both triangles)."""

    fields: np.ndarray  # (n,) float64: h_i
    row_starts: np.ndarray  # (n + 1,) int64: couplings of spin i are [row_starts[i], [i+1])
    neighbours: np.ndarray  # int64: the other spin j of each stored coupling
    couplings: np.ndarray  # float64: J_ij of each stored coupling


class DenseBQM(NamedTuple):
    """Fields and the symmetric coupling matrix of a SPIN BQM (zero diagonal)."""

    fields: np.ndarray  # (n,) float64: h_i
    couplings: np.ndarray  # (n, n) float64, C-contiguous: J_ij


@kernel()
def add_row(local_fields, couplings, i, change):
    """local_fields += change · couplings[i] (a contiguous, vectorised loop)."""
    row = couplings[i]
    for j in range(local_fields.shape[0]):
        local_fields[j] += change * row[j]


@kernel()
def sparse_fill_cache(backend, spins, cache):
    for i in range(spins.shape[0]):
        total = backend.fields[i]
        for p in range(backend.row_starts[i], backend.row_starts[i + 1]):
            total += backend.couplings[p] * spins[backend.neighbours[p]]
        cache[i] = total


@kernel()
def dense_fill_cache(backend, spins, cache):
    n = spins.shape[0]
    for i in range(n):
        total = backend.fields[i]
        row = backend.couplings[i]
        for j in range(n):
            total += row[j] * spins[j]
        cache[i] = total


@kernel()
def flip_energy(backend, spins, i, cache, work):
    """−2 s_i f_i, for either layout."""
    return -2.0 * spins[i] * cache[i]


@kernel()
def sparse_commit_flip(backend, spins, i, cache, work):
    change = -2.0 * spins[i]
    for p in range(backend.row_starts[i], backend.row_starts[i + 1]):
        cache[backend.neighbours[p]] += backend.couplings[p] * change


@kernel()
def dense_commit_flip(backend, spins, i, cache, work):
    add_row(cache, backend.couplings, i, -2.0 * spins[i])


@kernel()
def slice_energy(backend, spins, cache):
    """Σ_i s_i (h_i + ½ (f_i − h_i)): each coupling once, for either layout."""
    total = 0.0
    for i in range(spins.shape[0]):
        total += spins[i] * (backend.fields[i] + 0.5 * (cache[i] - backend.fields[i]))
    return total
