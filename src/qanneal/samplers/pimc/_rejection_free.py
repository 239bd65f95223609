"""Local moves drawn in proportion to their imaginary-time rate (Baldassi's RRRMC).

Late in a quantum anneal J⊥ is large and most slice-spins sit inside a domain of
aligned neighbours along imaginary time; flipping one costs the ring term 4J⊥, so
Metropolis rejects nearly every local proposal and a sweep is mostly wasted draws. This
move never draws those rejections one by one. Each slice-spin is in one of two classes
by its ring term w_ring = 2 J⊥ s_i^k (s_i^{k−1} + s_i^{k+1}):

* wall (a neighbour differs, w_ring ≤ 0): Metropolis ring rate 1;
* bulk (both neighbours equal, w_ring = 4J⊥): ring rate f = e^{−4J⊥}.

An iteration picks a slice-spin with probability rate/z, z = n_wall + n_bulk·f (the
n-fold way on the ring term), and accepts its flip with the Metropolis–Hastings
probability min(1, (z/z′) e^{−(β/M) ΔE_k}), z′ being z after the flip. Since
π_ring(x)·rate(x→y) is symmetric, this is detailed balance for the full path-integral
weight; the classical energy change ΔE_k of slice k is what still rejects. This is the
scheme of RRRMC.jl's ``rrrMC`` on its ``GraphQuant`` models (the "reduced rejection
rate" of C. Baldassi, J. Stat. Mech. 2017, 033301), which Baldassi & Zecchina (PNAS
115:1457, 2018) used.

Counting, as RRRMC counts: a sweep is M·n iterations (τ of the paper counts these), each
reported as tried, and the flips they make as accepted. The clock adds, per iteration,
M·n/z: the expected number of uniformly drawn single-site proposals a Metropolis
sampler needs before one passes the ring factor, so ``clock / (M·n)`` says how many
Metropolis sweeps of imaginary-time dynamics a run covered. With M = 1 there is no ring
term, every site is a wall, and the move is random-site Metropolis (clock = iterations).

The class lists are rebuilt in a fixed order at the start of every sweep, so a run's
result does not depend on how its sweeps are split into calls.
"""

from __future__ import annotations

import math

from qanneal._rng import uniform
from qanneal.samplers.pimc._backends import commit_flip, flip_energy
from qanneal.samplers.pimc._kernel_cache import kernel
from qanneal.samplers.pimc._metropolis import accept

WALL, BULK = 0, 1


@kernel()
def is_bulk(spins, k, i):
    """True when both imaginary-time neighbours of slice-spin (k, i) equal it."""
    num_slices = spins.shape[0]
    if num_slices == 1:
        return False
    spin = spins[k, i]
    below = spins[k - 1 if k > 0 else num_slices - 1, i]
    above = spins[k + 1 if k + 1 < num_slices else 0, i]
    return below == spin and above == spin


@kernel()
def build_classes(spins, members, position, in_bulk, sizes):
    """Fill the wall and bulk lists (slice-spin p = k·n + i) in increasing order of p."""
    num_slices, n = spins.shape
    sizes[WALL] = 0
    sizes[BULK] = 0
    for p in range(num_slices * n):
        group = BULK if is_bulk(spins, p // n, p % n) else WALL
        in_bulk[p] = group == BULK
        members[group, sizes[group]] = p
        position[p] = sizes[group]
        sizes[group] += 1


@kernel()
def _move(p, group, members, position, in_bulk, sizes):
    """Move slice-spin p from the other list to ``group`` (swap-remove, append)."""
    old = BULK if in_bulk[p] else WALL
    last = members[old, sizes[old] - 1]
    members[old, position[p]] = last
    position[last] = position[p]
    sizes[old] -= 1
    members[group, sizes[group]] = p
    position[p] = sizes[group]
    sizes[group] += 1
    in_bulk[p] = group == BULK


@kernel()
def _bulk_around(spins, k, i):
    """How many of slice-spin (k, i) and its distinct ring neighbours are bulk."""
    num_slices = spins.shape[0]
    count = int(is_bulk(spins, k, i))
    if num_slices > 1:
        count += int(is_bulk(spins, k - 1 if k > 0 else num_slices - 1, i))
    if num_slices > 2:
        count += int(is_bulk(spins, k + 1 if k + 1 < num_slices else 0, i))
    return count


@kernel()
def _bulk_change(spins, k, i):
    """Change of n_bulk if slice-spin (k, i) flipped (its neighbours' classes change too)."""
    before = _bulk_around(spins, k, i)
    spins[k, i] = -spins[k, i]
    after = _bulk_around(spins, k, i)
    spins[k, i] = -spins[k, i]
    return after - before


@kernel()
def _reclassify(spins, k, i, members, position, in_bulk, sizes):
    """After a flip of (k, i): put it and its ring neighbours in their new classes."""
    num_slices, n = spins.shape
    for offset in range(-1, 2):
        slice_index = (k + offset) % num_slices
        p = slice_index * n + i
        group = BULK if is_bulk(spins, slice_index, i) else WALL
        if (group == BULK) != in_bulk[p]:
            _move(p, group, members, position, in_bulk, sizes)


@kernel()
def rejection_free_sweep(
    backend, spins, caches, work, slice_beta, jperp, members, position, in_bulk, sizes, rng
):
    """M·n iterations of the move; (iterations, accepted flips, clock in proposals)."""
    num_slices, n = spins.shape
    total = num_slices * n
    build_classes(spins, members, position, in_bulk, sizes)
    bulk_rate = max(math.exp(-4.0 * jperp), 1e-300) if num_slices > 1 else 1.0
    clock = 0.0
    accepted = 0
    for _ in range(total):
        rate_sum = sizes[WALL] + sizes[BULK] * bulk_rate
        clock += total / rate_sum
        u = uniform(rng) * rate_sum
        if u < sizes[WALL]:
            p = members[WALL, min(int(u), sizes[WALL] - 1)]
        else:
            p = members[BULK, min(int((u - sizes[WALL]) / bulk_rate), sizes[BULK] - 1)]
        k, i = p // n, p % n
        change = _bulk_change(spins, k, i)
        new_sum = (sizes[WALL] - change) + (sizes[BULK] + change) * bulk_rate
        w = slice_beta * flip_energy(backend, spins[k], i, caches[k], work[k])
        w += math.log(new_sum / rate_sum)
        if accept(w, rng):
            commit_flip(backend, spins[k], i, caches[k], work[k])
            spins[k, i] = -spins[k, i]
            _reclassify(spins, k, i, members, position, in_bulk, sizes)
            accepted += 1
    return total, accepted, clock
