"""QPU in the loop for problems larger than the chip: a Kerberos-style dwave-hybrid
workflow (the sampler that runs it is :class:`qanneal.samplers.kerberos.KerberosSampler`).

Every iteration runs three branches on the current best state and keeps the best result
(dwave-hybrid's Kerberos, ``hybrid.reference.kerberos``):

- tabu search on the whole problem (dwave-samplers ``TabuSampler``),
- simulated annealing on the whole problem (dwave-samplers ``SimulatedAnnealingSampler``),
- a QPU subproblem: dwave-hybrid's ``EnergyImpactDecomposer`` picks the
  ``max_subproblem_size`` variables whose flips change the energy most (rolling, breadth
  first, as Kerberos does; with clique embeddings at most the QPU's largest clique),
  :class:`~qanneal.leap.subproblems.SubproblemQPU` embeds it (one cached embedding per
  size) and samples it on the QPU, and ``SplatComposer`` writes the best subsample back.

The loop stops after ``max_iter`` iterations, after ``convergence`` iterations without a
lower energy, or when ``energy_threshold`` is reached; :func:`run_read` is one run from a
random state. Kerberos races the branches (the first to finish stops the others), so a run
depends on thread timing; by default the branches run to completion (``hybrid.Parallel``)
with budgets counted in sweeps and restarts and a seed per call, so a seed reproduces a
run; ``race = True`` gives Kerberos's race (tabu in ``tabu_timeout`` ms slices).

A read's report counts its iterations, its QPU subproblems (size, qubits, chains, breaks,
embedding source and time) and which branch made each improvement (:data:`BRANCHES`;
ties go to the input state, then to the earlier branch).

Example (offline: QPU subproblems on a mock Pegasus P4):
    >>> import dimod, numpy as np
    >>> from qanneal.leap.subproblems import MockQPU
    >>> bqm = dimod.generators.ran_r(1, 20, seed=4)
    >>> settings = {"max_iter": 10, "convergence": 3, "energy_threshold": None,
    ...             "max_subproblem_size": 8, "qpu_reads": 10, "qpu_params": None,
    ...             "sa_sweeps": 200, "tabu_restarts": 5, "tabu_timeout": 20, "race": False,
    ...             "embedding": "clique"}
    >>> qpu = subproblem_qpu(MockQPU(pegasus_size=4), settings, seed=1)
    >>> sample, read = run_read(bqm, qpu, settings, np.random.default_rng(1))
    >>> len(sample), read["iterations"] == len(read["qpu_calls"]), read["subproblem_size"]
    (20, True, 8)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import dimod
import hybrid
import numpy as np
from dwave.samplers import SimulatedAnnealingSampler, TabuSampler

from qanneal.leap.subproblems import SubproblemQPU

BRANCHES = ("keep", "tabu", "sa", "qpu")
"""Branch names in workflow order ('keep': the input state, unchanged)."""


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
    """hybrid.ArgMin that also counts which branch lowered the energy (and, with a
    :class:`RepairDecomposer`, the QPU improvements below its best move's energy)."""

    def __init__(self, tally: dict[str, Any], repair: RepairDecomposer | None = None) -> None:
        super().__init__()
        self.tally, self.repair = tally, repair

    def next(self, states: Any, **runopts: Any) -> Any:
        energies = [float(s.samples.first.energy) for s in states]
        best = int(np.argmin(energies))  # ties go to the earliest branch: 'keep'
        self.tally["iterations"] += 1
        if energies[best] < energies[0] - 1e-9 * max(1.0, abs(energies[0])):
            self.tally["improvements"][BRANCHES[best]] += 1
            moved = self.repair.best if self.repair is not None else None
            if BRANCHES[best] == "qpu" and self.repair is not None:
                tol = 1e-9 * max(1.0, abs(energies[best]))
                beyond = moved is None or energies[best] < moved - tol
                self.repair.report["qpu_beyond_repair"] += int(beyond)
        return states[best]


class RepairDecomposer(hybrid.traits.ProblemDecomposer, hybrid.traits.SISO, hybrid.Runnable):
    """Subproblems that contain whole moves (``decomposer = "repair"``).

    A move starts from one variable: flip it, hold it, and let a short seeded tabu search
    repair the rest of the problem from the current state; the move is that variable and
    every variable the repair changed. Candidates are taken in order of decreasing degree
    (a variable coupled to many others starts a compound move that single flips cannot
    make), ties broken by increasing flip energy (the cheapest first), rolling: a variable
    already tried is skipped until the state changes. Whole moves are added while they fit
    in ``size`` (at most ``candidates`` tries); the rest is filled in the same order.
    Formulation-agnostic; on a slack QUBO the candidates are the weights (coupled to every
    variable) and a weight flip's repair re-encodes the slack bits of the patterns it
    touches, which energy impact does not select (benchmarks/README.md, *kerberos*).

    ``report`` counts the moves tried (``moves``, their sizes in ``move_sizes``) and the
    splits where a repair alone already lowered the energy (``repair_improving``);
    :class:`BranchArgMin` adds ``qpu_beyond_repair``, the QPU improvements below the best
    move's energy, so a QPU improvement can be told from one the decomposer had already
    found (and discarded: only its variables go on).

    Example:
        >>> import dimod, numpy as np
        >>> bqm = dimod.generators.ran_r(1, 12, seed=4)
        >>> state = hybrid.State.from_sample(dict.fromkeys(bqm.variables, 1), bqm)
        >>> report = {}
        >>> split = RepairDecomposer(6, np.random.default_rng(0), report).run(state).result()
        >>> split.subproblem.num_variables, report["moves"] >= 1
        (6, True)
    """

    def __init__(
        self,
        size: int,
        rng: np.random.Generator,
        report: dict[str, Any],
        *,
        candidates: int = 8,
        restarts: int = 0,
    ) -> None:
        super().__init__()
        self.size, self.rng, self.report = size, rng, report
        self.candidates, self.restarts = candidates, restarts
        self._tried: set[Any] = set()
        self._energy: float | None = None
        report.update(moves=0, move_sizes=[], repair_improving=0, qpu_beyond_repair=0)
        self.best: float | None = None  # energy after the best move of the last split

    def next(self, state: Any, **runopts: Any) -> Any:
        bqm, first = state.problem, state.samples.first
        sample, energy = first.sample, float(first.energy)
        if energy != self._energy:  # a new state: every variable is a candidate again
            self._tried.clear()
            self._energy = energy
        gains = {v: gain for gain, v in hybrid.utils.flip_energy_gains(bqm, sample)}
        order = sorted(gains, key=lambda v: (-bqm.degree(v), gains[v]))
        if len(self._tried) >= len(order):
            self._tried.clear()
        chosen: list[Any] = []
        best = np.inf
        for variable in [v for v in order if v not in self._tried][: self.candidates]:
            self._tried.add(variable)
            move = self._move(bqm, sample, variable)
            best = min(best, move[1])
            self.report["moves"] += 1
            self.report["move_sizes"].append(len(move[0]))
            if len(set(chosen) | move[0]) <= self.size:
                chosen.extend(v for v in move[0] if v not in chosen)
            if len(chosen) >= self.size:
                break
        if best < energy - 1e-9 * max(1.0, abs(energy)):
            self.report["repair_improving"] += 1
        self.best = None if best == np.inf else best
        chosen.extend(v for v in order if v not in chosen)
        variables = chosen[: self.size]
        return state.updated(subproblem=hybrid.utils.bqm_induced_by(bqm, variables, sample))

    def _move(self, bqm: dimod.BQM, sample: Any, variable: Any) -> tuple[set[Any], float]:
        """(variables a flip of ``variable`` and its repair change, the energy after it)."""
        rest = bqm.copy()
        flipped = (-sample[variable]) if bqm.vartype is dimod.SPIN else 1 - sample[variable]
        rest.fix_variable(variable, flipped)
        if not rest.num_variables:
            return {variable}, float(rest.offset)
        start = dimod.SampleSet.from_samples_bqm({v: sample[v] for v in rest.variables}, rest)
        repaired = (
            TabuSampler()
            .sample(
                rest,
                initial_states=start,
                num_reads=1,
                timeout=None,  # type: ignore[arg-type]
                num_restarts=self.restarts,
                seed=int(self.rng.integers(2**31)),
            )
            .first
        )
        changed = {v for v in rest.variables if repaired.sample[v] != sample[v]}
        return {variable} | changed, float(repaired.energy)


DECOMPOSERS = ("bfs", "pfs", "energy", "energy-static", "repair")
"""``decomposer``: dwave-hybrid's ``EnergyImpactDecomposer`` with rolling breadth-first,
priority-first or plain energy-order traversal, energy order without rolling, or
:class:`RepairDecomposer`."""


def _decomposer(
    settings: dict[str, Any], rng: np.random.Generator, tally: dict[str, Any]
) -> hybrid.Runnable:
    size, kind = settings["max_subproblem_size"], settings.get("decomposer", "bfs")
    if kind == "repair":  # its own stream, drawn after the classical branches' seeds
        tally["repair"] = {}
        return RepairDecomposer(size, np.random.default_rng(rng.integers(2**63)), tally["repair"])
    if kind == "energy-static":
        return hybrid.EnergyImpactDecomposer(size=size, rolling=False, traversal="energy")
    return hybrid.EnergyImpactDecomposer(
        size=size, rolling=True, rolling_history=0.3, traversal=kind
    )


def _workflow(
    qpu: SubproblemQPU, settings: dict[str, Any], rng: np.random.Generator, tally: dict[str, Any]
) -> Any:
    classical: list[Any] = []
    if not settings["race"]:  # drawn first: every decomposer leaves tabu and SA their seeds
        classical = [
            SeededTabu(settings["tabu_restarts"], np.random.default_rng(rng.integers(2**63))),
            SeededAnnealing(settings["sa_sweeps"], np.random.default_rng(rng.integers(2**63))),
        ]
    decompose = _decomposer(settings, rng, tally)
    quantum = decompose | QPUBranch(qpu) | hybrid.SplatComposer()
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
        branches = hybrid.Parallel(hybrid.Identity(), *classical, quantum)
    threshold = settings["energy_threshold"]
    return hybrid.Loop(
        branches
        | BranchArgMin(tally, decompose if isinstance(decompose, RepairDecomposer) else None),
        max_iter=settings["max_iter"],
        convergence=settings["convergence"],
        terminate=None if threshold is None else (lambda energy: energy <= threshold),
    )


def summary(reads: list[dict[str, Any]]) -> dict[str, Any]:
    """``info["kerberos"]``: subproblems and improvements summed over reads, and per read
    its iterations and improvements."""
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


def subproblem_qpu(
    qpu: Any, settings: dict[str, Any], seed: int, cache_dir: str | Path | None = None
) -> SubproblemQPU:
    """The subproblem sampler of one call: ``qpu`` is a structured sampler or a factory
    ``seed -> sampler`` (built once, so its embeddings serve every read)."""
    sampler = qpu(seed) if callable(qpu) and not hasattr(qpu, "sample") else qpu
    return SubproblemQPU(
        sampler,
        num_reads=settings["qpu_reads"],
        embedding=settings["embedding"],
        qpu_params=settings["qpu_params"],
        seed=seed,
        cache_dir=cache_dir,
    )


def run_reads(
    bqm: dimod.BQM,
    qpu: Any,
    settings: dict[str, Any],
    *,
    num_reads: int,
    seed: int,
    cache_dir: str | Path | None = None,
    after_read: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """``num_reads`` runs of the loop, each from a random state, with one subproblem
    sampler (and its embeddings) for all of them: (samples in ``bqm``'s variable order, one
    report per read). ``after_read(done, num_reads)`` is called after each read (progress,
    or a stop between reads). The seed fixes every random choice, so with the same QPU
    answers a run is repeated exactly — what ``qanneal leap fetch`` relies on to finish a
    run whose QPU subproblems went through the ledger. The workflow sees the variables as
    0…n−1 (in ``bqm``'s order): dwave-hybrid's decomposer breaks ties in the order it meets
    variables, and string labels would make that order depend on Python's per-process hash
    seed, so the same seed would choose other subproblems in another process."""
    indexed = dimod.BQM(bqm, dtype=np.float64).relabel_variables(
        {v: k for k, v in enumerate(bqm.variables)}, inplace=False
    )
    samples, reads = [], []
    qpu_stream, *streams = np.random.SeedSequence(seed).spawn(num_reads + 1)
    subproblems = None
    if bqm.num_variables:  # one QPU (and its embeddings) for every read of the call
        qpu_seed = int(qpu_stream.generate_state(1)[0] % 2**31)
        subproblems = subproblem_qpu(qpu, settings, qpu_seed, cache_dir)
    for done, stream in enumerate(streams, start=1):
        if subproblems is not None:
            sample, read = run_read(indexed, subproblems, settings, np.random.default_rng(stream))
            samples.append(sample)
            reads.append(read)
        if after_read is not None:
            after_read(done, num_reads)
    rows = np.array(samples) if samples else np.zeros((num_reads, 0), dtype=np.int8)
    return rows, reads


def run_read(
    bqm: dimod.BQM, qpu: SubproblemQPU, settings: dict[str, Any], rng: np.random.Generator
) -> tuple[np.ndarray, dict[str, Any]]:
    """One run of the loop from a random state: (best sample in ``bqm``'s variable order,
    its report with the QPU subproblems it sent)."""
    bqm = dimod.BQM(bqm, dtype=np.float64)  # dwave-hybrid needs indexable variables (no DictBQM)
    size = settings["max_subproblem_size"]
    if settings["embedding"] == "clique":  # small enough for the QPU's largest clique
        size = min(size, qpu.largest_clique())
    tally: dict[str, Any] = {"iterations": 0, "improvements": dict.fromkeys(BRANCHES[1:], 0)}
    values = np.array(sorted(bqm.vartype.value))
    start = values[rng.integers(0, 2, bqm.num_variables)]
    state = hybrid.State.from_sample(dict(zip(bqm.variables, start.tolist(), strict=True)), bqm)
    first_call = len(qpu.calls)
    workflow = _workflow(qpu, {**settings, "max_subproblem_size": size}, rng, tally)
    best = workflow.run(state).result().samples.change_vartype(bqm.vartype).first
    read = {
        "energy": float(best.energy),
        "subproblem_size": size,
        **tally,
        "qpu_calls": qpu.calls[first_call:],
    }
    return np.array([best.sample[v] for v in bqm.variables]), read
