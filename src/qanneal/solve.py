"""``qanneal.solve``: sample a problem with a registry sampler and keep a run record.

Reads are taken in chunks (:func:`read_chunks`; each with its own seed drawn from the
run seed, recorded as ``read_chunks``), and the sampler is steered through a
:class:`~qanneal.samplers.base.Control`: it reports progress after each piece of work and
stops at its next checkpoint when a stop is requested. Ctrl-C requests that stop (see
:mod:`qanneal.interrupts`: never an exception inside compiled code); the chunks that
finished are kept, and the record is saved with ``interrupted = true``. A run stopped
before any read finished raises :class:`~qanneal.errors.SamplingStopped` and saves
nothing — not even the output directory, which is created only to write a record.

Time spent by numba compiling (or loading compiled) kernels is measured apart
(``timing.compile_ns``) and is not part of ``timing.total_s``.

The *best* read is the one with the fewest training errors (ties: lowest energy) — in
a slack QUBO a read can have the right weights and badly set slack bits; the lowest
energy over all reads is ``min_energy``;
``success_rate`` is the share of reads with zero training errors.

Example:
    >>> from qanneal.problem import problem_from_dict
    >>> problem = problem_from_dict({
    ...     "model": {"type": "perceptron", "inputs": 21},
    ...     "data": {"source": "teacher", "alpha": 1.0, "seed": 1},
    ...     "loss": {"type": "perclinear"}})
    >>> record = solve(problem, num_reads=4, num_sweeps=300, seed=5, save=False)
    >>> record["best"]["train_errors"], record["num_reads"], record["read_chunks"]
    (0, 4, [4])
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import dimod
import numpy as np

from qanneal._jit import compile_clock
from qanneal.errors import SamplerError, SamplingStopped
from qanneal.interrupts import sigint_stops
from qanneal.problem import Problem
from qanneal.results import build_record, ensure_writable, save_record
from qanneal.samplers import registry
from qanneal.samplers.base import MAX_SEED, Control, controlled, sample_target
from qanneal.spec import suggest

Progress = Callable[[float, int], None]
"""``progress(done, total)``: reads done so far (fractional within a chunk) of ``total``."""

READS_PER_CHUNK = 4
"""Reads per chunk: enough for the numba kernels, which run reads in parallel, to keep a
few cores busy, few enough that Ctrl-C keeps most of a run. Fixed (not the core count),
so that a seed gives the same reads on every machine."""
MAX_CHUNKS = 20


def read_chunks(num_reads: int, exhaustive: bool = False) -> list[int]:
    """Sizes of the chunks of reads (one chunk for an exhaustive solver, which would
    repeat itself per chunk).

    >>> read_chunks(10), read_chunks(8), read_chunks(1000)[:2], read_chunks(10, True)
    ([4, 3, 3], [4, 4], [50, 50], [10])
    """
    if exhaustive:
        return [num_reads]
    count = min(MAX_CHUNKS, math.ceil(num_reads / READS_PER_CHUNK))
    return [len(part) for part in np.array_split(np.arange(num_reads), count)]


def sampler_parameters(
    sampler: Any,
    kind: str,
    name: str,
    num_reads: int,
    num_sweeps: int | None,
    params: dict[str, Any],
) -> dict[str, Any]:
    """Keyword arguments for the sampler's entry point for targets of ``kind``: the common
    ones it accepts plus ``params``, whose unknown keys are an error naming its parameters.
    ``num_sweeps`` None leaves the budget to the sampler's default rule."""
    accepted = registry.accepted_parameters(sampler, kind)
    common = {"seed", "num_reads", "num_sweeps"}
    for key in params:
        if key in common:
            raise SamplerError(f"[solve.params] {key!r}: set {key} in [solve] itself")
        if key not in accepted:
            raise SamplerError(
                f"[solve.params] {key!r} is not a parameter of sampler {name!r}"
                f"{suggest(key, accepted - common)}; its parameters: "
                f"{', '.join(sorted(accepted - common)) or 'none'}"
            )
    kwargs = dict(params)
    if "num_sweeps" in accepted and num_sweeps is not None:
        kwargs["num_sweeps"] = num_sweeps
    if "num_reads" in accepted:
        kwargs["num_reads"] = num_reads
    return kwargs


def target_size(problem: Problem, target_kind: str) -> int:
    """Variables of what a sampler given ``target_kind`` samples: the model's weights, the
    BQM's variables (auxiliaries of a reduction included), the polynomial's own, the CQM's
    (hidden-unit auxiliaries included) or the NL model's binary decisions."""
    if target_kind == "native":
        return problem.model.num_variables
    if target_kind == "bqm":
        return problem.bqm().num_variables
    if target_kind == "cqm":
        return len(problem.cqm().variables)
    if target_kind == "nl":
        from qanneal.hubo.nl import num_binary_variables

        return num_binary_variables(problem.nl_model())
    return len(problem.polynomial().variables)


@dataclass
class _Run:
    """One local sampling run: what to call, and what finished so far."""

    sampler: Any
    kind: str
    kwargs: dict[str, Any]
    sizes: list[int]
    seed: int
    progress: Progress | None
    exhaustive: bool = False  # the reads are the lowest states of an enumeration
    done: list[dimod.SampleSet] = field(default_factory=list)
    finished: int = 0
    stopped: bool = False

    def report(self, size: int) -> Callable[[int, int], None]:
        """The Control's progress callback for the chunk in progress (of ``size`` reads)."""

        def report(done: int, total: int) -> None:
            if self.progress is not None and total > 0:
                self.progress(self.finished + size * min(done, total) / total, sum(self.sizes))

        return report

    def sample(self, target: Any, control: Control) -> None:
        """Sample chunk after chunk until all are done or a stop is requested."""
        seeds = np.random.SeedSequence(self.seed).generate_state(len(self.sizes)) % (MAX_SEED + 1)
        with compile_clock() as clock:
            for size, chunk_seed in zip(self.sizes, seeds, strict=True):
                if control.stop_requested:
                    break
                control.on_progress = self.report(size)
                before = clock.ns
                call = dict(self.kwargs, seed=int(chunk_seed), num_reads=size)
                try:
                    sampleset = sample_target(self.sampler, self.kind, target, **call)
                except SamplingStopped:
                    break
                except KeyboardInterrupt:  # SIGINT left to Python's handler (not main thread)
                    control.stop_requested = True
                    break
                self.done.append(_without_compile(sampleset, clock.ns - before))
                self.finished += len(sampleset)
                if self.progress is not None:
                    self.progress(self.finished, sum(self.sizes))
                if control.stop_requested and len(sampleset) < size:
                    break  # the sampler stopped between its reads (interrupt_function)
        self.stopped = control.stop_requested and not self.complete

    @property
    def complete(self) -> bool:
        """Every chunk finished with all its reads (an exhaustive solver may have fewer
        states than reads asked for)."""
        if len(self.done) < len(self.sizes):
            return False
        return len(self.sizes) == 1 or self.finished == sum(self.sizes)


def _without_compile(sampleset: dimod.SampleSet, observed_ns: int) -> dimod.SampleSet:
    """Compilation numba did inside a sampler that does not report ``compile_ns`` is
    moved from its ``sampling_ns`` to ``compile_ns``."""
    timing = dict(sampleset.info.get("timing", {}))
    reported = int(timing.get("compile_ns", 0))
    if observed_ns > reported:
        moved = observed_ns - reported
        timing["compile_ns"] = observed_ns
        if "sampling_ns" in timing:
            timing["sampling_ns"] = max(0, int(timing["sampling_ns"]) - moved)
        sampleset.info["timing"] = timing
    return sampleset


def _merge(samplesets: list[dimod.SampleSet], limit: int | None) -> dimod.SampleSet:
    merged = dimod.concatenate(samplesets) if len(samplesets) > 1 else samplesets[0]
    if limit is not None and len(merged) > limit:
        merged = merged.truncate(limit)
    timing: dict[str, int] = {}
    for sampleset in samplesets:
        for key, value in sampleset.info.get("timing", {}).items():
            if isinstance(value, int | float):
                timing[key] = timing.get(key, 0) + int(value)
    info = {k: v for k, v in samplesets[0].info.items() if k != "timing"}
    info["timing"] = timing
    return dimod.SampleSet(merged.record, merged.variables, info, merged.vartype)


def _settings(
    problem: Problem, sampler: str | None, num_reads: Any, num_sweeps: Any, seed: Any
) -> tuple[str, int, int | None, int]:
    """Name, reads, sweeps and seed: the arguments, else the problem file's [solve]; sweeps
    None leave the budget to the sampler's default rule."""
    settings = problem.spec["solve"]
    name = sampler or settings["sampler"]
    num_reads = num_reads or settings["num_reads"]
    num_sweeps = num_sweeps or settings["num_sweeps"]
    seed = seed if seed is not None else settings["seed"]
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0]) % (MAX_SEED + 1)
    for label, value in (("num_reads", num_reads), ("num_sweeps", num_sweeps)):
        if value is not None and value < 1:
            raise SamplerError(f"{label} = {value} must be >= 1")
    if not 0 <= seed <= MAX_SEED:
        raise SamplerError(f"seed = {seed} must be in [0, {MAX_SEED}]")
    return name, num_reads, num_sweeps, seed


def solve(
    problem: Problem,
    sampler: str | None = None,
    *,
    num_reads: int | None = None,
    num_sweeps: int | None = None,
    seed: int | None = None,
    params: dict[str, Any] | None = None,
    out_dir: str | os.PathLike[str] = "runs",
    save: bool = True,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Sample ``problem`` and return its run record (saved under ``out_dir`` if ``save``).

    Arguments left as None come from the problem file's ``[solve]`` section. With a Leap
    sampler (``qpu``, ``qpu-clique``, ``hybrid``, ``mock-qpu``) the submission is recorded
    in ``<out_dir>/leap-ledger.sqlite`` before waiting (see :mod:`qanneal.leap`);
    ``dry_run`` then returns the plan and its QPU access-time estimate without submitting.
    ``progress(done, total)`` follows the reads. Ctrl-C (in the main thread) stops at the
    next checkpoint: see the module docstring.
    """
    name, num_reads, num_sweeps, seed = _settings(problem, sampler, num_reads, num_sweeps, seed)
    entry = registry.get(name)
    sampler_object, target_kind = registry.resolve(
        name, problem.kind, problem.formulation, problem.model_type
    )
    entry.check_size(target_kind, target_size(problem, target_kind))
    user_params = {**problem.spec["solve"]["params"], **(params or {})}
    if entry.via_leap:
        # D-Wave Leap: asynchronous submissions recorded in the ledger before waiting
        from qanneal.leap.run import solve_on_leap

        return solve_on_leap(
            problem,
            name,
            num_reads=num_reads,
            num_sweeps=num_sweeps,
            seed=seed,
            params=user_params,
            out_dir=out_dir,
            save=save,
            progress=progress,
            dry_run=dry_run,
        )
    if dry_run:
        raise SamplerError(
            f"--dry-run is for the Leap samplers ({', '.join(registry.leap_names())}); "
            f"sampler {name!r} runs locally"
        )
    kwargs = sampler_parameters(
        sampler_object, target_kind, name, num_reads, num_sweeps, user_params
    )
    if save:
        ensure_writable(out_dir)
    chunks = read_chunks(num_reads, entry.exhaustive)
    run = _Run(sampler_object, target_kind, kwargs, chunks, seed, progress, entry.exhaustive)
    return _solve_locally(problem, name, run, user_params, out_dir if save else None)


def _solve_locally(
    problem: Problem,
    name: str,
    run: _Run,
    user_params: dict[str, Any],
    out_dir: str | os.PathLike[str] | None,
) -> dict[str, Any]:
    """Build the target, sample it chunk by chunk under a Control that Ctrl-C stops, and
    keep (and save, with ``out_dir``) the record of what finished."""
    start = time.perf_counter()
    control = Control()
    num_reads = sum(run.sizes)
    with sigint_stops(lambda: setattr(control, "stop_requested", True)), controlled(control):
        with compile_clock() as preparing:
            target = problem.target(run.kind)
        if run.progress is not None:
            run.progress(0, num_reads)
        try:
            run.sample(target, control)
        except (ValueError, TypeError) as error:
            if not user_params:
                raise
            # the sampler's own argument checks rejected a value from [solve.params]
            given = ", ".join(f"{k} = {v!r}" for k, v in user_params.items())
            raise SamplerError(
                f"sampler {name!r} rejected [solve.params] {given}: {error}"
            ) from error
        if not run.done:
            raise SamplingStopped(f"interrupted before any of the {num_reads} reads finished")
        record = _record(problem, name, run, preparing.ns, start, num_reads)
        if out_dir is not None:
            save_record(record, out_dir)  # a Ctrl-C now waits until the record is whole
    return record


def _record(
    problem: Problem,
    name: str,
    run: _Run,
    preparing_ns: int,
    start: float,
    num_reads: int,
) -> dict[str, Any]:
    """The run record of the chunks that finished (time without compilation)."""
    sampleset = _merge(run.done, num_reads if run.exhaustive else None)
    timing = sampleset.info["timing"]
    timing["compile_ns"] = timing.get("compile_ns", 0) + preparing_ns
    readout = problem.readout(sampleset, run.kind)
    elapsed = max(0.0, time.perf_counter() - start - timing["compile_ns"] / 1e9)
    record = build_record(
        problem, name, run.kwargs, run.seed, sampleset, readout, elapsed, run.stopped, num_reads
    )
    record["read_chunks"] = run.sizes[: len(run.done)]
    if run.exhaustive and "exact" in sampleset.info:
        record["exact"] = dict(sampleset.info["exact"])
    return record
