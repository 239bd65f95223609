"""QPU in the loop for problems larger than the chip: a Kerberos-style dwave-hybrid
workflow as a dimod sampler.

Every iteration runs three branches on the current best state and keeps the best result
(dwave-hybrid's Kerberos, ``hybrid.reference.kerberos``):

- tabu search on the whole problem (dwave-samplers ``TabuSampler``),
- simulated annealing on the whole problem (dwave-samplers ``SimulatedAnnealingSampler``),
- a QPU subproblem: dwave-hybrid's ``EnergyImpactDecomposer`` picks the
  ``max_subproblem_size`` variables whose flips change the energy most (rolling, breadth
  first, as Kerberos does), :class:`~qanneal.leap.subproblems.SubproblemQPU` embeds it
  (one cached embedding per size) and samples it on the QPU, and ``SplatComposer`` writes
  the best subsample back into the state.

The loop stops after ``max_iter`` iterations, after ``convergence`` iterations without a
lower energy, or when ``energy_threshold`` is reached. Each read is one run of the loop
from a random state.

Kerberos races the branches (the first to finish stops the others), so a run depends on
thread timing. By default qanneal runs them to completion (``hybrid.Parallel``) with
budgets counted in sweeps and restarts and a seed per call, so a seed reproduces a run;
``race = True`` gives Kerberos's race (tabu in ``tabu_timeout`` ms slices), not
reproducible. Defaults are Kerberos's (``sa_sweeps`` 10 000, ``qpu_reads`` 100,
``max_subproblem_size`` 50, ``max_iter`` 100, ``convergence`` 3), tabu with 100 restarts
(about Kerberos's 500 ms on a 281-variable slack QUBO).

``info["kerberos"]`` reports per read the iterations, the QPU subproblems (count, sizes,
qubits, chain lengths and breaks), and which branch produced each improvement; summed over
reads, ``qpu_improvement_share`` is the share of improvements that came from the QPU branch.

Example (offline: QPU subproblems on a mock Pegasus P4):
    >>> import dimod
    >>> from qanneal.leap.subproblems import MockQPU
    >>> bqm = dimod.generators.ran_r(1, 30, seed=4)
    >>> sampler = KerberosSampler(MockQPU(pegasus_size=4))
    >>> sampleset = sampler.sample(bqm, num_reads=2, seed=3, max_subproblem_size=10,
    ...                            qpu_reads=10, sa_sweeps=200, tabu_restarts=5)
    >>> len(sampleset), sampleset.info["kerberos"]["qpu_subproblems"] > 0
    (2, True)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import dimod
import numpy as np

from qanneal.errors import SamplerError
from qanneal.leap.subproblems import EMBEDDINGS, MockQPU, SubproblemQPU

BRANCHES = ("keep", "tabu", "sa", "qpu")
"""Branch names in workflow order ('keep': the input state, unchanged)."""


def _runnables() -> Any:
    """The dwave-hybrid Runnable classes, built on first use (hybrid is imported lazily)."""
    import hybrid
    from dwave.samplers import SimulatedAnnealingSampler, TabuSampler

    class SeededTabu(hybrid.traits.ProblemSampler, hybrid.traits.SISO, hybrid.Runnable):
        """Tabu search from the state's sample, a fixed number of restarts, seeded."""

        def __init__(self, restarts: int, rng: np.random.Generator) -> None:
            super().__init__()
            self.restarts, self.rng = restarts, rng

        def next(self, state: Any, **runopts: Any) -> Any:
            answer = TabuSampler().sample(  # timeout None: stop by restarts only
                state.problem,
                initial_states=state.samples,
                num_reads=1,
                timeout=None,  # type: ignore[arg-type]
                num_restarts=self.restarts,
                seed=int(self.rng.integers(2**31)),
            )
            return state.updated(samples=answer)

    class SeededAnnealing(hybrid.traits.ProblemSampler, hybrid.traits.SISO, hybrid.Runnable):
        """Simulated annealing of the whole problem, seeded."""

        def __init__(self, sweeps: int, rng: np.random.Generator) -> None:
            super().__init__()
            self.sweeps, self.rng = sweeps, rng

        def next(self, state: Any, **runopts: Any) -> Any:
            answer = SimulatedAnnealingSampler().sample(
                state.problem,
                initial_states=state.samples,
                num_reads=1,
                num_sweeps=self.sweeps,
                seed=int(self.rng.integers(2**31)),
            )
            return state.updated(samples=answer)

    class QPUBranch(hybrid.traits.SubproblemSampler, hybrid.traits.SISO, hybrid.Runnable):
        """Samples the state's subproblem on the QPU (a SubproblemQPU)."""

        def __init__(self, qpu: SubproblemQPU) -> None:
            super().__init__()
            self.qpu = qpu

        def next(self, state: Any, **runopts: Any) -> Any:
            return state.updated(subsamples=self.qpu.sample(state.subproblem))

    class BranchArgMin(hybrid.traits.NotValidated, hybrid.Runnable):
        """hybrid.ArgMin that also counts which branch lowered the energy."""

        def __init__(self, tally: dict[str, Any]) -> None:
            super().__init__()
            self.tally = tally

        def next(self, states: Any, **runopts: Any) -> Any:
            energies = [float(s.samples.first.energy) for s in states]
            best = int(np.argmin(energies))  # ties go to the earliest branch: 'keep'
            self.tally["iterations"] += 1
            if energies[best] < energies[0] - 1e-9 * max(1.0, abs(energies[0])):
                self.tally["improvements"][BRANCHES[best]] += 1
            return states[best]

    return SeededTabu, SeededAnnealing, QPUBranch, BranchArgMin


def _workflow(
    qpu: SubproblemQPU, settings: dict[str, Any], rng: np.random.Generator, tally: dict[str, Any]
) -> Any:
    import hybrid

    seeded_tabu, seeded_annealing, qpu_branch, branch_argmin = _runnables()
    decompose = hybrid.EnergyImpactDecomposer(
        size=settings["max_subproblem_size"], rolling=True, rolling_history=0.3, traversal="bfs"
    )
    quantum = decompose | qpu_branch(qpu) | hybrid.SplatComposer()
    if settings["race"]:
        branches = hybrid.Race(
            hybrid.BlockingIdentity(),
            hybrid.InterruptableTabuSampler(timeout=settings["tabu_timeout"]),
            hybrid.InterruptableSimulatedAnnealingProblemSampler(
                num_reads=1, num_sweeps=settings["sa_sweeps"]
            ),
            quantum,
        )
    else:
        branches = hybrid.Parallel(
            hybrid.Identity(),
            seeded_tabu(settings["tabu_restarts"], np.random.default_rng(rng.integers(2**63))),
            seeded_annealing(settings["sa_sweeps"], np.random.default_rng(rng.integers(2**63))),
            quantum,
        )
    threshold = settings["energy_threshold"]
    return hybrid.Loop(
        branches | branch_argmin(tally),
        max_iter=settings["max_iter"],
        convergence=settings["convergence"],
        terminate=None if threshold is None else (lambda energy: energy <= threshold),
    )


def _checked_seed(seed: Any) -> int:
    """The seed in qanneal's one range [0, 2**31 − 1], or one drawn when None."""
    if seed is None:
        return int(np.random.SeedSequence().generate_state(1)[0] % 2**31)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed < 2**31:
        raise SamplerError(f"seed = {seed!r} must be an integer in [0, {2**31 - 1}]")
    return int(seed)


def _check(settings: dict[str, Any]) -> None:
    for key in (
        "num_reads",
        "max_iter",
        "convergence",
        "max_subproblem_size",
        "qpu_reads",
        "sa_sweeps",
        "tabu_restarts",
        "tabu_timeout",
    ):
        value = settings[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise SamplerError(f"{key} = {value!r} must be a whole number >= 1")
    if settings["embedding"] not in EMBEDDINGS:
        raise SamplerError(
            f"embedding = {settings['embedding']!r} is not one of {', '.join(EMBEDDINGS)}"
        )


def _summary(reads: list[dict[str, Any]]) -> dict[str, Any]:
    calls = [call for read in reads for call in read["qpu_calls"]]
    improvements = {name: sum(r["improvements"][name] for r in reads) for name in BRANCHES[1:]}
    total = sum(improvements.values())
    sizes = [call["size"] for call in calls]
    return {
        "qpu_subproblems": len(calls),
        "subproblem_sizes": {
            "min": min(sizes, default=0),
            "max": max(sizes, default=0),
            "mean": float(np.mean(sizes)) if sizes else 0.0,
        },
        "max_chain_length": max((c["max_chain_length"] for c in calls), default=0),
        "chain_break_fraction": float(np.mean([c["chain_break_fraction"] for c in calls]))
        if calls
        else 0.0,
        "embedding_searches": sum(c["embedding_source"] == "search" for c in calls),
        "improvements": improvements,
        "qpu_improvement_share": improvements["qpu"] / total if total else 0.0,
        "reads": [{k: v for k, v in r.items() if k != "qpu_calls"} for r in reads],
    }


class KerberosSampler(dimod.Sampler):
    """Kerberos-style decomposition with QPU subproblems (see the module docstring).

    Args:
        qpu: a factory ``seed -> structured sampler`` (default :class:`MockQPU`, offline
            Pegasus P16) or a structured sampler such as ``DWaveSampler()``.
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
        )
    }
    properties: ClassVar[dict[str, Any]] = {"branches": BRANCHES}

    def __init__(
        self, qpu: Callable[[int], Any] | Any | None = None, *, cache_dir: str | Path | None = None
    ) -> None:
        self.qpu = qpu if qpu is not None else MockQPU()
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
    ) -> dimod.SampleSet:
        """``num_reads`` runs of the loop, each from a random state; one sample per run."""
        settings = {k: v for k, v in locals().items() if k not in ("self", "bqm")}
        _check(settings)
        seed = _checked_seed(seed)
        start = time.perf_counter_ns()
        streams = np.random.SeedSequence(seed).spawn(num_reads)
        samples, reads = [], []
        for stream in streams:
            sample, read = self._run(bqm, settings, np.random.default_rng(stream))
            samples.append(sample)
            reads.append(read)
        sampleset = dimod.SampleSet.from_samples_bqm((np.array(samples), list(bqm.variables)), bqm)
        total = time.perf_counter_ns() - start
        embedding_ns = sum(c["embedding_ns"] for read in reads for c in read["qpu_calls"])
        timing = {
            "embedding_ns": embedding_ns,
            "sampling_ns": total - embedding_ns,
            "total_ns": total,
        }
        protocol = {
            **settings,
            "seed": seed,
            "qpu": getattr(self.qpu, "__name__", None) or type(self.qpu).__name__,
        }
        sampleset.info.update(timing=timing, protocol=protocol, kerberos=_summary(reads))
        return sampleset

    def _run(
        self, bqm: dimod.BQM, settings: dict[str, Any], rng: np.random.Generator
    ) -> tuple[np.ndarray, dict[str, Any]]:
        import hybrid

        qpu_seed = int(rng.integers(2**31))
        qpu = (
            self.qpu(qpu_seed)
            if callable(self.qpu) and not hasattr(self.qpu, "sample")
            else self.qpu
        )
        counter = SubproblemQPU(
            qpu,
            num_reads=settings["qpu_reads"],
            embedding=settings["embedding"],
            qpu_params=settings["qpu_params"],
            seed=qpu_seed,
            cache_dir=self.cache_dir,
        )
        tally: dict[str, Any] = {"iterations": 0, "improvements": dict.fromkeys(BRANCHES[1:], 0)}
        values = np.array(sorted(bqm.vartype.value))
        start = values[rng.integers(0, 2, bqm.num_variables)]
        state = hybrid.State.from_sample(dict(zip(bqm.variables, start.tolist(), strict=True)), bqm)
        final = _workflow(counter, settings, rng, tally).run(state).result()
        best = final.samples.change_vartype(bqm.vartype).first
        read = {"energy": float(best.energy), **tally, "qpu_calls": counter.calls}
        return np.array([best.sample[v] for v in bqm.variables]), read
