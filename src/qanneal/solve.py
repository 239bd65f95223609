"""``qanneal.solve``: sample a problem with a registry sampler and keep a run record.

Reads are taken in chunks (each with its own seed drawn from the run seed), so a
progress callback can report between chunks and Ctrl-C keeps every finished chunk:
the record is saved with ``interrupted = true`` and the reads that did finish.

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
    >>> record["best"]["train_errors"], record["num_reads"]
    (0, 4)
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import dimod
import numpy as np

from qanneal.errors import SamplerError
from qanneal.problem import Problem
from qanneal.results import build_record, ensure_writable, save_record
from qanneal.samplers import registry
from qanneal.samplers.base import MAX_SEED, sample_target
from qanneal.spec import suggest

Progress = Callable[[int, int], None]


def sampler_parameters(
    sampler: Any,
    kind: str,
    name: str,
    num_reads: int,
    num_sweeps: int,
    params: dict[str, Any],
) -> dict[str, Any]:
    """Keyword arguments for the sampler's entry point for targets of ``kind``: the common
    ones it accepts plus ``params``, whose unknown keys are an error naming its parameters."""
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
    if "num_sweeps" in accepted:
        kwargs["num_sweeps"] = num_sweeps
    if "num_reads" in accepted:
        kwargs["num_reads"] = num_reads
    return kwargs


def target_size(problem: Problem, target_kind: str) -> int:
    """Variables of what a sampler given ``target_kind`` samples: the model's weights, the
    BQM's variables (auxiliaries of a reduction included) or the polynomial's own."""
    if target_kind == "native":
        return problem.model.num_variables
    if target_kind == "bqm":
        return problem.bqm().num_variables
    return len(problem.polynomial().variables)


def _sample_chunks(
    sampler: Any,
    kind: str,
    target: Any,
    kwargs: dict[str, Any],
    chunked: bool,
    num_reads: int,
    seed: int,
    progress: Progress | None,
) -> tuple[list[dimod.SampleSet], bool]:
    """Sample in up to 20 chunks of reads (one chunk when not ``chunked``: an exhaustive
    solver would repeat itself per chunk); returns the finished ones and whether Ctrl-C
    stopped the run early."""
    sizes = [len(c) for c in np.array_split(np.arange(num_reads), min(num_reads, 20))]
    if not chunked:
        sizes = [num_reads]
    seeds = np.random.SeedSequence(seed).generate_state(len(sizes)) % (MAX_SEED + 1)
    done: list[dimod.SampleSet] = []
    finished = 0
    try:
        for size, chunk_seed in zip(sizes, seeds, strict=True):
            call = dict(kwargs, seed=int(chunk_seed), num_reads=size)
            done.append(sample_target(sampler, kind, target, **call))
            finished += size
            if progress is not None:
                progress(finished, num_reads)
    except KeyboardInterrupt:
        if not done:
            raise
        return done, True
    return done, False


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
    """
    settings = problem.spec["solve"]
    name = sampler or settings["sampler"]
    num_reads = num_reads or settings["num_reads"]
    num_sweeps = num_sweeps or settings["num_sweeps"]
    seed = seed if seed is not None else settings["seed"]
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0]) % (MAX_SEED + 1)
    for label, value in (("num_reads", num_reads), ("num_sweeps", num_sweeps)):
        if value < 1:
            raise SamplerError(f"{label} = {value} must be >= 1")
    if not 0 <= seed <= MAX_SEED:
        raise SamplerError(f"seed = {seed} must be in [0, {MAX_SEED}]")
    entry = registry.get(name)
    sampler_object, target_kind = registry.resolve(
        name, problem.kind, problem.formulation, problem.model_type
    )
    entry.check_size(target_kind, target_size(problem, target_kind))
    user_params = {**settings["params"], **(params or {})}
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
    target = problem.target(target_kind)
    start = time.perf_counter()
    try:
        chunks, interrupted = _sample_chunks(
            sampler_object,
            target_kind,
            target,
            kwargs,
            not entry.exhaustive,
            num_reads,
            seed,
            progress,
        )
    except (ValueError, TypeError) as error:
        if not user_params:
            raise
        # the sampler's own argument checks rejected a value from [solve.params]
        given = ", ".join(f"{k} = {v!r}" for k, v in user_params.items())
        raise SamplerError(f"sampler {name!r} rejected [solve.params] {given}: {error}") from error
    sampleset = _merge(chunks, num_reads if entry.exhaustive else None)
    elapsed = time.perf_counter() - start
    readout = problem.readout(sampleset, target_kind)
    record = build_record(
        problem, name, kwargs, seed, sampleset, readout, elapsed, interrupted, num_reads
    )
    if save:
        save_record(record, out_dir)
    return record
