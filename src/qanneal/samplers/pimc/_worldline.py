"""Moves of whole pieces of a worldline (spin i on several consecutive slices).

* global: spin i on every slice at once, Metropolis on (β/M) Σ_k ΔE_k — the ring term
  does not change;
* cluster: Swendsen–Wang along imaginary time. Bonds between equal neighbours
  s_i^k = s_i^{k+1} are formed with probability 1 − e^{−2J⊥}, cutting the ring of spin i
  into segments; each segment is flipped with Metropolis on (β/M) Σ_{k∈segment} ΔE_k.
  The ring term is accounted for by the bond construction, and the segments live on
  different slices, so their classical energy changes are independent.
"""

from __future__ import annotations

import numpy as np

from qanneal._rng import uniform
from qanneal.samplers.pimc._backends import commit_flip, flip_energy
from qanneal.samplers.pimc._kernel_cache import kernel
from qanneal.samplers.pimc._metropolis import accept


@kernel()
def flip_segment(backend, spins, caches, work, i, start, length, slice_beta, rng):
    """Metropolis flip of spin i on slices start, start+1, … (mod M); True if accepted.
    Every slice of the segment has its own ``work`` row, so the commits reuse them."""
    num_slices = spins.shape[0]
    total = 0.0
    for step in range(length):
        k = (start + step) % num_slices
        total += flip_energy(backend, spins[k], i, caches[k], work[k])
    if not accept(slice_beta * total, rng):
        return False
    for step in range(length):
        k = (start + step) % num_slices
        commit_flip(backend, spins[k], i, caches[k], work[k])
        spins[k, i] = -spins[k, i]
    return True


@kernel()
def global_sweep(backend, spins, caches, work, slice_beta, rng):
    """One worldline flip proposal per spin; (tried, accepted)."""
    num_slices, n = spins.shape
    accepted = 0
    for i in range(n):
        if flip_segment(backend, spins, caches, work, i, 0, num_slices, slice_beta, rng):
            accepted += 1
    return n, accepted


@kernel()
def cluster_sweep(backend, spins, caches, work, slice_beta, jperp, bonded, rng):
    """Swendsen–Wang segments of every spin's worldline; (tried, accepted)."""
    num_slices, n = spins.shape
    bond_probability = 1.0 - np.exp(-2.0 * jperp)
    tried = 0
    accepted = 0
    for i in range(n):
        start = -1
        for k in range(num_slices):
            nxt = k + 1 if k + 1 < num_slices else 0
            bonded[k] = spins[k, i] == spins[nxt, i] and uniform(rng) < bond_probability
            if not bonded[k] and start < 0:
                start = nxt
        if start < 0:  # the whole worldline is one cluster
            tried += 1
            if flip_segment(backend, spins, caches, work, i, 0, num_slices, slice_beta, rng):
                accepted += 1
            continue
        done = 0
        while done < num_slices:
            first = (start + done) % num_slices
            length = 1
            k = first
            while bonded[k]:
                length += 1
                k = (k + 1) % num_slices
            tried += 1
            if flip_segment(backend, spins, caches, work, i, first, length, slice_beta, rng):
                accepted += 1
            done += length
    return tried, accepted
