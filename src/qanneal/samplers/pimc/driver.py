"""The Python side of the kernels: allocate a run's state, call the driver in chunks of
sweeps, report progress between chunks, and collect the result.

A numba kernel cannot be interrupted (a signal handler runs only when the kernel
returns, and a flag written by another thread is not seen inside it), so a long anneal
is called in chunks of about ``chunk_seconds`` each. After every chunk the run's
:func:`~qanneal.samplers.base.current_control` gets ``checkpoint(done, total)`` (units:
sweeps × reads), which reports progress and raises
:class:`~qanneal.errors.SamplingStopped` if a stop was requested (after the last chunk
only the progress is reported: a finished run is returned, whatever was requested). The
state between chunks lives in arrays owned here, so the samples do not depend on the
chunking.

Example:
    >>> import dimod
    >>> from qanneal.samplers.pimc.packing import pack_bqm
    >>> packed = pack_bqm(dimod.BQM({"a": -1.0}, {}, 0.0, "SPIN"))
    >>> schedule = make_schedule(np.full(20, 5.0), np.zeros(20), ("local",))
    >>> initial = np.ones((2, 1, 1), dtype=np.int8)
    >>> run = anneal_in_chunks(packed, schedule, initial, np.array([1, 2]))
    >>> run.spins[:, 0, 0].tolist(), run.counts.shape
    ([1, 1], (2, 4, 2))
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qanneal._jit import prepare
from qanneal.samplers.base import current_control
from qanneal.samplers.pimc import _kernels
from qanneal.samplers.pimc._kernels import MOVES, AnnealState, Schedule
from qanneal.samplers.pimc.packing import Packed

_COMPILED: set[tuple[object, ...]] = set()  # back-end types whose kernels are compiled
CHUNK_SECONDS = 0.25  # wall time aimed at per chunk: progress and Ctrl-C within ~1/4 s
FIRST_CHUNK_SWEEPS = 1


@dataclass(frozen=True)
class Annealed:
    """What a run leaves: final spins, slice energies (with offset) and the counters."""

    spins: np.ndarray  # (R, M, n) int8
    slice_energies: np.ndarray  # (R, M) float64, offset included
    counts: np.ndarray  # (R, len(MOVES), 2) int64: proposals and acceptances per move
    clocks: np.ndarray  # (R,) float64: rejection-free clock in single-site proposals
    traces: np.ndarray  # (R, rows, 2): mean slice energy (offset included), overlap
    compile_ns: int  # compiling (or loading from the disk cache) the kernels
    sampling_ns: int  # the sweeps themselves
    chunks: int  # driver calls the sweeps were split into


def make_schedule(
    betas: np.ndarray, jperps: np.ndarray, moves: Sequence[str], trace_every: int = 0
) -> Schedule:
    """A kernel schedule: β per sweep (quantum sweeps first, then final classical ones),
    J⊥ per quantum sweep, the moves done in each quantum sweep."""
    flags = np.array([int(move in moves) for move in MOVES], dtype=np.int64)
    return Schedule(
        np.ascontiguousarray(betas, dtype=np.float64),
        np.ascontiguousarray(jperps, dtype=np.float64),
        flags,
        int(trace_every),
    )


def compile_probe(packed: Packed) -> int:
    """Compile (or load) every kernel of this back-end — those :func:`flip_energies` and
    :func:`quenched_flip_energies` use and those of a run; nanoseconds."""
    spins = np.ones(packed.num_variables, dtype=np.int8)
    kernel = _kernels.single_flip_energies
    spent = prepare(kernel, packed.backend, spins, packed.cache_width, packed.work_width)
    schedule = make_schedule(np.ones(1), np.zeros(1), ("local",))
    return spent + compile_kernels(packed, schedule, spins[None, None, :])


def flip_energies(packed: Packed, rng: np.random.Generator, states: int = 2) -> np.ndarray:
    """Single-flip energy changes from a few random states (what default rules scale by)."""
    spins = rng.choice(np.array([-1, 1], dtype=np.int8), size=(states, packed.num_variables))
    return np.concatenate(
        [
            _kernels.single_flip_energies(
                packed.backend, row, packed.cache_width, packed.work_width
            )
            for row in spins
        ]
    )


QUENCH_SWEEPS = 20


def quenched_flip_energies(
    packed: Packed, rng: np.random.Generator, states: int = 2, sweeps: int = QUENCH_SWEEPS
) -> np.ndarray:
    """Single-flip energy changes at the states ``sweeps`` zero-temperature sweeps reach
    from random ones (local minima, or close to them)."""
    initial = rng.choice(np.array([-1, 1], dtype=np.int8), size=(states, 1, packed.num_variables))
    quench = make_schedule(np.full(sweeps, 1e12), np.zeros(sweeps), ("local",))
    run = anneal_in_chunks(packed, quench, initial, rng.integers(2**31 - 1, size=states))
    return np.concatenate(
        [
            _kernels.single_flip_energies(
                packed.backend, row[0].copy(), packed.cache_width, packed.work_width
            )
            for row in run.spins
        ]
    )


def new_state(packed: Packed, schedule: Schedule, initial: np.ndarray) -> AnnealState:
    """State arrays of a run that starts from ``initial`` (R, M, n) ±1 spins."""
    num_reads, num_slices, _ = initial.shape
    every = schedule.trace_every
    rows = len(schedule.jperps) // every if every > 0 else 0
    return AnnealState(
        np.array(initial, dtype=np.int8, order="C"),
        np.zeros((num_reads, num_slices, packed.cache_width)),
        np.zeros((num_reads, 4), dtype=np.uint64),
        np.zeros((num_reads, len(MOVES), 2), dtype=np.int64),
        np.zeros(num_reads),
        np.zeros((num_reads, rows, 2)),
    )


def compile_kernels(packed: Packed, schedule: Schedule, initial: np.ndarray) -> int:
    """Compile (or load from the disk cache) every kernel a run of this back-end calls,
    on an empty run; nanoseconds."""
    start = time.perf_counter_ns()
    key = (type(packed.backend), *(getattr(a, "dtype", type(a)) for a in packed.backend))
    if key in _COMPILED:  # numba would find it too, after typing every argument again
        return 0
    empty = new_state(packed, schedule, initial[:0])
    _kernels.prepare(packed.backend, empty.spins, empty.caches, empty.rngs, np.zeros(0, np.int64))
    _kernels.anneal(packed.backend, schedule, empty, 0, 0, packed.work_width)
    _kernels.slice_energies(packed.backend, empty.spins, empty.caches)
    _COMPILED.add(key)
    return time.perf_counter_ns() - start


def anneal_in_chunks(
    packed: Packed,
    schedule: Schedule,
    initial: np.ndarray,
    seeds: np.ndarray,
    *,
    chunk_seconds: float = CHUNK_SECONDS,
    chunk_sweeps: int | None = None,
) -> Annealed:
    """Run every sweep of ``schedule`` from ``initial`` (R, M, n), one stream per read
    seeded from ``seeds``; ``chunk_sweeps`` fixes the chunk size (else it adapts so that
    a chunk takes about ``chunk_seconds``)."""
    compile_ns = compile_kernels(packed, schedule, initial)
    state = new_state(packed, schedule, initial)
    start = time.perf_counter_ns()
    seeds = np.ascontiguousarray(seeds, dtype=np.int64)
    _kernels.prepare(packed.backend, state.spins, state.caches, state.rngs, seeds)
    total, done, chunks = len(schedule.betas), 0, 0
    size = chunk_sweeps or FIRST_CHUNK_SWEEPS
    control = current_control()
    while done < total:
        stop = min(total, done + size)
        began = time.perf_counter()
        _kernels.anneal(packed.backend, schedule, state, done, stop, packed.work_width)
        elapsed = time.perf_counter() - began
        if chunk_sweeps is None:  # aim at chunk_seconds, growing at most 10x a chunk
            per_sweep = max(elapsed, 1e-6) / (stop - done)
            size = max(1, min(10 * size, int(chunk_seconds / per_sweep)))
        done, chunks = stop, chunks + 1
        if done < total:  # after the last chunk the work is done: report, never stop
            control.checkpoint(done * len(seeds), total * len(seeds))
        else:
            control.report(done * len(seeds), total * len(seeds))
    energies = _kernels.slice_energies(packed.backend, state.spins, state.caches)
    sampling_ns = time.perf_counter_ns() - start
    traces = state.traces.copy()
    traces[:, :, 0] += packed.offset
    return Annealed(
        state.spins,
        energies + packed.offset,
        state.counts,
        state.clocks,
        traces,
        compile_ns,
        sampling_ns,
        chunks,
    )
