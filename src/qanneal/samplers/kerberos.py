"""The ``kerberos`` and ``kerberos-mock`` samplers: QPU in the loop
(:mod:`qanneal.leap.kerberos`) behind the sampler contract.

Each read is one run of the Kerberos-style loop from a random state (tabu, simulated
annealing and an energy-impact QPU subproblem per iteration; docs/beyond-the-chip.md). The
QPU is :class:`~qanneal.leap.subproblems.MockQPU` — ``MockDWaveSampler`` on Pegasus
P``pegasus_size`` (16: an Advantage system) — unless another is given: a structured sampler
(``DWaveSampler()``) or a factory ``seed -> sampler`` (``kerberos``:
:class:`~qanneal.leap.loop.CloudQPU`, the Leap QPU; a factory's ``close()`` is called at
the end of the call). Called directly, its QPU subproblems are sent without the ledger;
``qanneal solve`` runs both registry samplers through the ledger instead, one submission
per subproblem (:mod:`qanneal.leap.loop`).

Defaults are dwave-hybrid Kerberos's own: ``sa_sweeps`` 10 000, ``qpu_reads`` 100,
``max_subproblem_size`` 50 (capped at the QPU's largest clique), ``max_iter`` 100,
``convergence`` 3, ``decomposer`` ``"bfs"`` (energy impact, rolling, breadth first; the
others are in :data:`qanneal.leap.kerberos.DECOMPOSERS`); tabu stops after
``tabu_restarts`` = 100 restarts (about Kerberos's 500 ms on a 281-variable slack QUBO), so
that a seed reproduces a run.

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

from qanneal.leap.kerberos import BRANCHES, run_reads, summary
from qanneal.leap.loop import DEFAULTS, check_settings
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
        name: [] for name in ("num_reads", "seed", *DEFAULTS, "pegasus_size")
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
        decomposer: str = "bfs",
        pegasus_size: int = 16,
    ) -> dimod.SampleSet:
        """``num_reads`` runs of the loop, each from a random state; one sample per run."""
        settings = {k: v for k, v in locals().items() if k not in ("self", "bqm")}
        num_reads, seed = check_num_reads(num_reads), draw_seed(seed)
        check_settings(settings)
        watch = Stopwatch()
        qpu = self.qpu if self.qpu is not None else MockQPU(pegasus_size=pegasus_size)
        protocol = {**settings, "seed": seed, "qpu": getattr(qpu, "__name__", type(qpu).__name__)}
        try:
            rows, reads = run_reads(
                bqm,
                qpu,
                settings,
                num_reads=num_reads,
                seed=seed,
                cache_dir=self.cache_dir,
                after_read=current_control().checkpoint,
            )
        finally:
            close = getattr(qpu, "close", None)
            if callable(close):  # a factory that opened a Leap connection closes it
                close()
        sampleset = dimod.SampleSet.from_samples_bqm((rows, list(bqm.variables)), bqm)
        watch.lap("sampling_ns")
        embedding_ns = sum(c["embedding_ns"] for read in reads for c in read["qpu_calls"])
        watch.laps["sampling_ns"] -= embedding_ns
        watch.add("embedding_ns", embedding_ns)
        sampleset.info.update(timing=watch.timing(), protocol=protocol, kerberos=summary(reads))
        return sampleset
