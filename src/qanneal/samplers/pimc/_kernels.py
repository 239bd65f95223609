"""Numba driver of path-integral Monte Carlo (discrete-time Suzuki–Trotter), arrays in,
arrays out, validating nothing.

State of one read: M Trotter slices of n spins, a C-contiguous (M, n) int8 array, one
cache row per slice, a xoshiro256+ stream, move counts, a clock and trace rows. The
weight of a configuration is exp[−(β/M) Σ_k E(s^k) + J⊥ Σ_{i,k} s_i^k s_i^{k+1}]
(periodic in k), J⊥ = ½ ln coth(βΓ/M) (docs/formulas.md, "Path integral"). Moves:
``_metropolis`` (local), ``_rejection_free`` (local, drawn by ring rate),
``_worldline`` (global, cluster). Energies come from a back-end (``_backends``).

The driver is resumable: :func:`anneal` runs sweeps [start, stop) of a schedule on state
arrays the caller owns (:func:`prepare` seeds them), so a long run can be called in
chunks — between chunks the caller reports progress and can stop — and gives the same
samples however it is chunked. Sweeps 0…T−1 (T = ``len(jperps)``) are quantum sweeps at
β = ``betas[t]``; the sweeps after them are classical clean-up sweeps: every slice on
its own at β = ``betas[t]`` (Baldassi–Zecchina's final quench).

With M = 1 there is no ring term and the local move is classical Metropolis at β: that
is simulated annealing, and the SA sampler uses this same driver for every back-end.
Reads run in parallel (``prange`` in :func:`anneal` only: the other kernels are cheap
and serial, which spares them a parfor compilation per back-end; the parfor body is also
what gets numba's no-alias code, measurably faster than the same sweep called from a
plain kernel). Each read has its own random stream seeded from ``seeds[r]``, so results
do not depend on the thread schedule.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from qanneal._rng import seed_rng
from qanneal.samplers.pimc._backends import fill_cache, flip_energy, slice_energy
from qanneal.samplers.pimc._kernel_cache import kernel
from qanneal.samplers.pimc._metropolis import local_sweep
from qanneal.samplers.pimc._rejection_free import rejection_free_sweep
from qanneal.samplers.pimc._worldline import cluster_sweep, global_sweep

MOVES = ("local", "rejection_free", "global", "cluster")
LOCAL, REJECTION_FREE, GLOBAL, CLUSTER = range(len(MOVES))


class Schedule(NamedTuple):
    """What every read does, sweep by sweep."""

    betas: np.ndarray  # (T + F,) float64: β of each quantum sweep, then of each final sweep
    jperps: np.ndarray  # (T,) float64: ring coupling J⊥ of each quantum sweep
    moves: np.ndarray  # (len(MOVES),) int64: 1 where the move is done in each quantum sweep
    trace_every: int  # record (mean slice energy, overlap) every this many sweeps; 0: never


class AnnealState(NamedTuple):
    """Everything a run carries from one chunk of sweeps to the next; R reads."""

    spins: np.ndarray  # (R, M, n) int8
    caches: np.ndarray  # (R, M, cache width) float64: each back-end's cache rows
    rngs: np.ndarray  # (R, 4) uint64: xoshiro256+ state of each read
    counts: np.ndarray  # (R, len(MOVES), 2) int64: proposals (iterations) and acceptances
    clocks: np.ndarray  # (R,) float64: rejection-free clock in single-site proposals
    traces: np.ndarray  # (R, T // trace_every, 2) float64: mean slice energy, overlap


@kernel()
def prepare(backend, spins, caches, rngs, seeds):
    """Seed every read's stream and fill every slice's cache row from ``spins``."""
    for r in range(spins.shape[0]):
        seed_rng(seeds[r], rngs[r])
        for k in range(spins.shape[1]):
            fill_cache(backend, spins[r, k], caches[r, k])


@kernel()
def overlap(spins):
    """Mean overlap between distinct slices: (Σ_i m_i² − nM) / (n M (M−1))."""
    num_slices, n = spins.shape
    if num_slices < 2:
        return 1.0
    total = 0.0
    for i in range(n):
        m = 0.0
        for k in range(num_slices):
            m += spins[k, i]
        total += m * m
    return (total - n * num_slices) / (n * num_slices * (num_slices - 1))


@kernel()
def _trace_row(backend, spins, caches, trace, row):
    total = 0.0
    for k in range(spins.shape[0]):
        total += slice_energy(backend, spins[k], caches[k])
    trace[row, 0] = total / spins.shape[0]
    trace[row, 1] = overlap(spins)


@kernel()
def _classical_sweep(backend, spins, caches, work, beta, rng, counts):
    """Every slice on its own: one Metropolis sweep at β, no ring term."""
    num_slices, n = spins.shape
    for k in range(num_slices):
        counts[LOCAL, 0] += n
        counts[LOCAL, 1] += local_sweep(
            backend, spins[k : k + 1], caches[k : k + 1], work[k : k + 1], beta, 0.0, rng
        )


@kernel()
def _anneal_read(backend, schedule, state, r, start, stop, work_width):
    """Sweeps [start, stop) of read ``r`` (see :func:`anneal`)."""
    spins, caches, rng, counts = state.spins[r], state.caches[r], state.rngs[r], state.counts[r]
    betas, jperps, moves = schedule.betas, schedule.jperps, schedule.moves
    num_slices, n = spins.shape
    work = np.zeros((num_slices, work_width))
    bonded = np.zeros(num_slices, dtype=np.bool_)
    size = num_slices * n if moves[REJECTION_FREE] else 0
    members = np.empty((2, size), dtype=np.int64)
    position = np.empty(size, dtype=np.int64)
    in_bulk = np.empty(size, dtype=np.bool_)
    sizes = np.zeros(2, dtype=np.int64)
    every = schedule.trace_every
    for sweep in range(start, stop):
        if sweep >= jperps.shape[0]:
            _classical_sweep(backend, spins, caches, work, betas[sweep], rng, counts)
            continue
        slice_beta = betas[sweep] / num_slices
        jperp = jperps[sweep]
        if moves[LOCAL]:
            counts[LOCAL, 0] += num_slices * n
            counts[LOCAL, 1] += local_sweep(backend, spins, caches, work, slice_beta, jperp, rng)
        if moves[REJECTION_FREE]:
            tried, accepted, elapsed = rejection_free_sweep(
                backend, spins, caches, work, slice_beta, jperp, members, position, in_bulk,
                sizes, rng,
            )  # fmt: skip
            counts[REJECTION_FREE, 0] += tried
            counts[REJECTION_FREE, 1] += accepted
            state.clocks[r] += elapsed
        if moves[GLOBAL] and num_slices > 1:
            tried, accepted = global_sweep(backend, spins, caches, work, slice_beta, rng)
            counts[GLOBAL, 0] += tried
            counts[GLOBAL, 1] += accepted
        if moves[CLUSTER] and num_slices > 1:
            tried, accepted = cluster_sweep(
                backend, spins, caches, work, slice_beta, jperp, bonded, rng
            )
            counts[CLUSTER, 0] += tried
            counts[CLUSTER, 1] += accepted
        if every > 0 and (sweep + 1) % every == 0:
            _trace_row(backend, spins, caches, state.traces[r], (sweep + 1) // every - 1)


@kernel(parallel=True)
def anneal(backend, schedule, state, start, stop, work_width):
    """Run sweeps [start, stop) of ``schedule`` on every read of ``state``, in place; reads
    in parallel (``prange``).

    ``schedule``: a :class:`Schedule`; ``state``: an :class:`AnnealState` filled by
    :func:`prepare`; ``work_width``: length of a slice's scratch row (see packing).
    """
    for r in numba.prange(state.spins.shape[0]):
        _anneal_read(backend, schedule, state, r, start, stop, work_width)


@kernel()
def slice_energies(backend, spins, caches):
    """(R, M) energy of every slice of every read, from the caches (no offset)."""
    num_reads, num_slices = spins.shape[0], spins.shape[1]
    energies = np.zeros((num_reads, num_slices))
    for r in range(num_reads):
        for k in range(num_slices):
            energies[r, k] = slice_energy(backend, spins[r, k], caches[r, k])
    return energies


@kernel()
def single_flip_energies(backend, spins, cache_width, work_width):
    """ΔE of flipping each spin of the state ``spins`` (sets default temperature scales)."""
    cache = np.zeros(cache_width)
    work = np.zeros(work_width)
    fill_cache(backend, spins, cache)
    changes = np.zeros(spins.shape[0])
    for i in range(spins.shape[0]):
        changes[i] = flip_energy(backend, spins, i, cache, work)
    return changes
