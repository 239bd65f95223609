"""Gradient descent as contestants of :func:`qanneal.compare.study.compare`.

Two contestants, both trained by :func:`~qanneal.learning.light.replicas.train_problem`:

- ``gd`` — plain mini-batch gradient descent on real latent weights (one replica);
- ``replicated-gd`` — M coupled replicas (default 5, ring, mode ``growth+harvesting``:
  the LIGHT neuron of Kulikovskikh–Legović).

The budget is the number of epochs; each read is an independent training run (seed
derived from the job's seed); a read's weights are the signs of the final centre and its
energy is the problem model's energy of those weights (native formulation only: a QUBO
or HUBO formulation has auxiliary variables that gradient descent does not produce).
``spin_updates`` counts weight updates: epochs × steps per epoch × weights × replicas.
``params`` are :class:`~qanneal.learning.light.replicas.TrainingConfig` fields (except
``epochs``) plus ``loss`` and ``forward``.

They are contestants through :data:`GRADIENT_CONTESTANTS`, which
:mod:`qanneal.compare.contestants` imports.

Example:
    >>> from qanneal.problem import problem_from_dict
    >>> problem = problem_from_dict({"model": {"type": "perceptron", "inputs": 11},
    ...     "data": {"source": "teacher", "alpha": 1.0, "seed": 3}})
    >>> reads = run_replicated_gd(problem, 3, 2, 7, {"batch_size": 4})
    >>> reads.weights.shape, reads.sweeps, len(reads.trace["mean_energy"])
    ((2, 11), 3, 3)
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from qanneal.compare.reads import Contestant, Reads
from qanneal.errors import SamplerError
from qanneal.learning.light.replicas import TrainingConfig, train_problem

REPLICATED_DEFAULTS: dict[str, Any] = {"replicas": 5, "mode": "growth+harvesting"}


def _run(
    problem: Any, budget: int, num_reads: int, seed: int, params: dict[str, Any], *, base: dict
) -> Reads:
    if problem.kind != "native":
        raise SamplerError(
            f"gradient-descent contestants need formulation 'native', not "
            f"{problem.formulation!r}: they produce weights only, no auxiliary variables"
        )
    if "epochs" in params:
        raise SamplerError("gradient descent: the budget is the number of epochs; drop 'epochs'")
    settings = {**base, **params}
    seeds = np.random.SeedSequence(seed).generate_state(num_reads)
    weights, energies, traces = [], [], []
    start = time.perf_counter()
    for read_seed in seeds:
        result = train_problem(problem, seed=int(read_seed), epochs=budget, **settings)
        weights.append(result.binary_weights)
        energies.append(result.final["binary"]["energy"])
        traces.append([epoch["binary"]["energy"] for epoch in result.epochs[1:]])
    seconds = time.perf_counter() - start
    config = TrainingConfig(
        **{k: v for k, v in settings.items() if k in TrainingConfig.__dataclass_fields__}
    )
    steps = math.ceil(problem.data.num_patterns / config.batch_size)
    return Reads(
        weights=np.asarray(weights, dtype=np.int8),
        energies=np.asarray(energies, dtype=np.float64),
        sweeps=budget,
        spin_updates=budget * steps * problem.model.num_variables * config.replicas,
        seconds=seconds,
        trace={
            "sweeps": list(range(1, budget + 1)),
            "mean_energy": np.mean(traces, axis=0).tolist() if budget else [],
        },
    )


def run_gd(problem: Any, budget: int, num_reads: int, seed: int, params: dict[str, Any]) -> Reads:
    """Plain mini-batch gradient descent for ``budget`` epochs, ``num_reads`` runs."""
    if params.get("replicas", 1) != 1:
        raise SamplerError("contestant 'gd' has one replica; use 'replicated-gd' for more")
    return _run(problem, budget, num_reads, seed, params, base={"replicas": 1})


def run_replicated_gd(
    problem: Any, budget: int, num_reads: int, seed: int, params: dict[str, Any]
) -> Reads:
    """Replicated gradient descent (5 replicas, LIGHT growth+harvesting unless overridden)."""
    return _run(problem, budget, num_reads, seed, params, base=REPLICATED_DEFAULTS)


GRADIENT_CONTESTANTS: dict[str, Contestant] = {"gd": run_gd, "replicated-gd": run_replicated_gd}
"""The gradient-descent contestants, by the name ``qanneal compare --samplers`` takes."""
