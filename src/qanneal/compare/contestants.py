"""Contestants of a comparison: a name → a callable that produces per-read results.

A contestant is called as ``run(problem, budget, num_reads, seed, params)`` and returns
:class:`Reads`: the ±1 weights (model order) and energy (in the problem's formulation) of
every read, the sweeps and single-spin updates one read cost, the wall time of the
sampling, and optionally an energy trace. Every sampler of the registry that takes a sweep
budget (``num_sweeps``) is a contestant under its registry name; other kinds (gradient
descent, a QPU) plug in with :func:`register_contestant`. A contestant must be registered
at import time of a module the workers import to run on a process pool or Dask cluster.

Example:
    >>> from qanneal.problem import problem_from_dict
    >>> problem = problem_from_dict({
    ...     "model": {"type": "perceptron", "inputs": 11},
    ...     "data": {"source": "random", "alpha": 0.5, "seed": 1}})
    >>> reads = get_contestant("sa")(problem, 50, 3, 7, {})
    >>> reads.weights.shape, reads.sweeps, reads.spin_updates
    ((3, 11), 50, 550)
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from qanneal.compare.gd import GRADIENT_CONTESTANTS
from qanneal.compare.reads import Contestant, Reads
from qanneal.errors import SamplerError
from qanneal.problem import Problem
from qanneal.samplers import registry
from qanneal.samplers.base import MAX_SEED, sample_target
from qanneal.solve import sampler_parameters
from qanneal.spec import suggest

TRACE_POINTS = 25


CONTESTANTS: dict[str, Contestant] = {**GRADIENT_CONTESTANTS}


def register_contestant(name: str, run: Contestant) -> None:
    """Make ``name`` a contestant of :func:`qanneal.compare.study.compare` (call it at import
    time of a module the workers import, so that a process pool or Dask cluster sees it)."""
    if not callable(run):
        raise TypeError(f"contestant {name!r} must be callable")
    CONTESTANTS[name] = run


def contestant_names() -> list[str]:
    """Registered contestants and the registry samplers that take a sweep budget."""
    swept = [name for name, entry in registry.REGISTRY.items() if entry.has_sweeps]
    return list(dict.fromkeys([*CONTESTANTS, *swept]))


def get_contestant(name: str) -> Contestant:
    """The contestant called ``name``: a registered one, else a registry sampler."""
    if name in CONTESTANTS:
        return CONTESTANTS[name]
    if name not in registry.REGISTRY:
        known = contestant_names()
        raise SamplerError(
            f"unknown contestant {name!r}{suggest(name, known)}; available: {', '.join(known)}"
        )
    return lambda problem, budget, reads, seed, params: sample_registry(
        name, problem, budget, reads, seed, params
    )


def _spin_updates(
    entry: registry.SamplerEntry, sweeps: int, variables: int, info: dict[str, Any]
) -> int | None:
    """Single-spin updates of one read: what the sampler reports (``spin_updates`` among its
    extras: qanneal's PIMC counts every move's evaluations, cluster sweeps included), else
    from the sweep cost it declares (None: it flips no spins, so TTS in updates is not
    defined for it)."""
    if entry.sweep_cost is None:
        return None
    for extras in info.values():
        if isinstance(extras, dict) and isinstance(extras.get("spin_updates"), int):
            return int(extras["spin_updates"])
    slices = int(info["protocol"]["trotter"]) if entry.sweep_cost == "slices" else 1
    return sweeps * variables * slices


def _trace(info: dict[str, Any]) -> dict[str, list[float]] | None:
    trace = info.get("pimc", {}).get("trace")
    if not trace or not trace.get("every") or not trace.get("mean_energy"):
        return None
    energies = np.asarray(trace["mean_energy"], dtype=np.float64)
    if energies.ndim != 2 or energies.shape[1] == 0:
        return None
    every = int(trace["every"])
    return {
        "sweeps": [every * (k + 1) for k in range(energies.shape[1])],
        "mean_energy": energies.mean(axis=0).tolist(),
    }


def sample_registry(
    name: str, problem: Problem, budget: int, num_reads: int, seed: int, params: dict[str, Any]
) -> Reads:
    """Run registry sampler ``name`` for ``budget`` sweeps (its ``num_sweeps``)."""
    entry = registry.get(name)
    sampler, target_kind = registry.resolve(
        name, problem.kind, problem.formulation, problem.model_type
    )
    accepted = registry.accepted_parameters(sampler, target_kind)
    if not entry.has_sweeps:
        raise SamplerError(
            f"sampler {name!r} takes no sweep budget (num_sweeps), so it cannot be compared "
            f"at budgets; use one of {', '.join(contestant_names())}"
        )
    # budget 0: the sampler's own default protocol (its rule picks the sweeps, e.g. by N)
    sweeps = budget or None
    kwargs = sampler_parameters(sampler, target_kind, name, num_reads, sweeps, params)
    kwargs["seed"] = int(seed % (MAX_SEED + 1))
    if "trace_every" in accepted and "trace_every" not in params:
        kwargs["trace_every"] = max(1, budget // TRACE_POINTS)
    target = problem.target(target_kind)
    start = time.perf_counter()
    try:
        sampleset = sample_target(sampler, target_kind, target, **kwargs)
    except (ValueError, TypeError) as error:
        if not params:
            raise
        given = ", ".join(f"{k} = {v!r}" for k, v in params.items())
        raise SamplerError(f"sampler {name!r} rejected parameters {given}: {error}") from error
    seconds = time.perf_counter() - start
    weights, energies, _ = problem.readout(sampleset, target_kind)
    protocol = sampleset.info["protocol"]
    budget = budget or int(protocol.get("num_sweeps", 0))
    final = int(protocol.get("final_classical_sweeps", 0))
    updates = _spin_updates(entry, budget + final, len(sampleset.variables), sampleset.info)
    return Reads(
        weights=np.asarray(weights, dtype=np.int8),
        energies=np.asarray(energies, dtype=np.float64),
        sweeps=budget,
        spin_updates=updates,
        seconds=seconds,
        trace=_trace(sampleset.info),
    )


def sample_openjij_sqa(
    problem: Problem, budget: int, num_reads: int, seed: int, params: dict[str, Any]
) -> Reads:
    """OpenJij's SQASampler (discrete Trotter, single-spin flips) on the problem's BQM —
    a peer tool from the ``bench`` extra; ``params`` go to its ``sample`` (e.g. trotter)."""
    try:
        import openjij
    except ImportError:
        raise SamplerError(
            "contestant 'sqa-openjij' needs OpenJij: pip install 'qanneal[bench]' "
            "(or compare with 'pimc')"
        ) from None
    if problem.kind == "native":
        raise SamplerError(
            f"contestant 'sqa-openjij' takes a BQM, not formulation {problem.formulation!r}; "
            "use formulation 'slack' or a polynomial one"
        )
    unknown = set(params) - {"beta", "gamma", "trotter", "schedule", "updater"}
    if unknown:
        raise SamplerError(
            f"contestant 'sqa-openjij': unknown parameter(s) {', '.join(sorted(unknown))}; "
            "its parameters: beta, gamma, trotter, schedule, updater"
        )
    kwargs = {"trotter": 4, **params}
    start = time.perf_counter()
    sampleset = openjij.SQASampler().sample(
        problem.bqm(), num_reads=num_reads, num_sweeps=budget, seed=int(seed % 2**31), **kwargs
    )
    seconds = time.perf_counter() - start
    weights, energies, _ = problem.readout(sampleset, "bqm")
    return Reads(
        weights=np.asarray(weights, dtype=np.int8),
        energies=np.asarray(energies, dtype=np.float64),
        sweeps=budget,
        spin_updates=budget * len(sampleset.variables) * int(kwargs["trotter"]),
        seconds=seconds,
    )


register_contestant("sqa-openjij", sample_openjij_sqa)
