"""The ``kerberos-mock`` sampler: QPU in the loop (:mod:`qanneal.leap.kerberos`) behind the
sampler contract, with its QPU subproblems on an offline mock QPU.

Each read is one run of the Kerberos-style loop from a random state (tabu, simulated
annealing and an energy-impact QPU subproblem per iteration; docs/beyond-the-chip.md). The
QPU is :class:`~qanneal.leap.subproblems.MockQPU` — ``MockDWaveSampler`` on Pegasus
P``pegasus_size`` (16: an Advantage system) — unless another is given: a structured sampler
(``DWaveSampler()``) or a factory ``seed -> sampler``.

Defaults are dwave-hybrid Kerberos's own: ``sa_sweeps`` 10 000, ``qpu_reads`` 100,
``max_subproblem_size`` 50 (capped at the QPU's largest clique), ``max_iter`` 100,
``convergence`` 3; tabu stops after ``tabu_restarts`` = 100 restarts (about Kerberos's
500 ms on a 281-variable slack QUBO), so that a seed reproduces a run.

``info``: ``timing`` (``embedding_ns``: embedding searches; ``sampling_ns``: the rest),
``protocol`` (every setting, the seed, the QPU) and ``kerberos`` (QPU subproblems: count,
sizes, chains; improvements per branch and ``qpu_improvement_share``; per read its
iterations).

Example:
    >>> import dimod
    >>> bqm = dimod.generators.ran_r(1, 12, seed=2)
    >>> sampleset = KerberosSampler().sample(bqm, num_reads=2, seed=1, pegasus_size=3,
    ...                                      sa_sweeps=100, tabu_restarts=2)
    >>> len(sampleset), sampleset.info["kerberos"]["qpu_subproblems"] > 0
    (2, True)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import dimod
import numpy as np

from qanneal.leap.kerberos import BRANCHES, check_settings, run_read, subproblem_qpu, summary
from qanneal.leap.subproblems import MockQPU
from qanneal.samplers.base import Stopwatch, check_num_reads, current_control, draw_seed


class KerberosSampler(dimod.Sampler):
    """Kerberos-style decomposition with QPU subproblems (see the module docstring).

    Args:
        qpu: a structured sampler or a factory ``seed -> sampler``; default the offline
            mock (``pegasus_size`` then sets its graph).
        cache_dir: where ``embedding = "minorminer"`` keeps its embeddings on disk.
    """

    parameters: ClassVar[dict[str, list[str]]] = {
        name: []
        for name in (
            "num_reads",
            "seed",
            "max_iter",
            "convergence",
            "energy_threshold",
            "max_subproblem_size",
            "qpu_reads",
            "qpu_params",
            "sa_sweeps",
            "tabu_restarts",
            "tabu_timeout",
            "race",
            "embedding",
            "pegasus_size",
        )
    }
    properties: ClassVar[dict[str, Any]] = {"branches": BRANCHES}

    def __init__(
        self, qpu: Callable[[int], Any] | Any | None = None, *, cache_dir: str | Path | None = None
    ) -> None:
        self.qpu = qpu
        self.cache_dir = cache_dir

    def sample(
        self,
        bqm: dimod.BQM,
        *,
        num_reads: int = 1,
        seed: int | None = None,
        max_iter: int = 100,
        convergence: int = 3,
        energy_threshold: float | None = None,
        max_subproblem_size: int = 50,
        qpu_reads: int = 100,
        qpu_params: dict[str, Any] | None = None,
        sa_sweeps: int = 10_000,
        tabu_restarts: int = 100,
        tabu_timeout: int = 500,
        race: bool = False,
        embedding: str = "clique",
        pegasus_size: int = 16,
    ) -> dimod.SampleSet:
        """``num_reads`` runs of the loop, each from a random state; one sample per run."""
        settings = {k: v for k, v in locals().items() if k not in ("self", "bqm")}
        num_reads, seed = check_num_reads(num_reads), draw_seed(seed)
        check_settings(settings)
        watch = Stopwatch()
        qpu = self.qpu if self.qpu is not None else MockQPU(pegasus_size=pegasus_size)
        protocol = {**settings, "seed": seed, "qpu": type(qpu).__name__}
        samples, reads = [], []
        qpu_stream, *streams = np.random.SeedSequence(seed).spawn(num_reads + 1)
        if bqm.num_variables:  # one QPU (and its embeddings) for every read of the call
            qpu_seed = int(qpu_stream.generate_state(1)[0] % 2**31)
            subproblems = subproblem_qpu(qpu, settings, qpu_seed, self.cache_dir)
        for done, stream in enumerate(streams, start=1):
            if bqm.num_variables:
                sample, read = run_read(bqm, subproblems, settings, np.random.default_rng(stream))
                samples.append(sample)
                reads.append(read)
            current_control().checkpoint(done, num_reads)
        rows = np.array(samples) if samples else np.zeros((num_reads, 0), dtype=np.int8)
        sampleset = dimod.SampleSet.from_samples_bqm((rows, list(bqm.variables)), bqm)
        watch.lap("sampling_ns")
        embedding_ns = sum(c["embedding_ns"] for read in reads for c in read["qpu_calls"])
        watch.laps["sampling_ns"] -= embedding_ns
        watch.add("embedding_ns", embedding_ns)
        sampleset.info.update(timing=watch.timing(), protocol=protocol, kerberos=summary(reads))
        return sampleset
