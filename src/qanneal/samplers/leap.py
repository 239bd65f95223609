"""The Leap samplers of the registry: ``qpu``, ``qpu-clique``, ``hybrid`` and ``mock-qpu``
(:class:`LeapSampler`, on BQMs) and ``hybrid-cqm`` / ``hybrid-nl`` (:class:`LeapModelSampler`,
on a CQM / a nonlinear model); the machinery they use — embedding, chains, the ledger — is
:mod:`qanneal.leap`.

A :class:`LeapSampler` is a :class:`dimod.Sampler` on BQMs. Called directly
(``sample(bqm)``) it embeds, submits, waits and unembeds with no ledger — handy from Python.
Their registry entries declare ``via_leap``, so ``qanneal.solve`` goes through
:func:`qanneal.leap.run.solve_on_leap` instead, which records every submission in the
ledger before waiting.

Example (offline):
    >>> import dimod
    >>> bqm = dimod.BQM({"a": -1.0}, {("a", "b"): -1.0, ("b", "c"): -1.0, ("a", "c"): -1.0},
    ...                 0.0, "SPIN")
    >>> sampleset = LeapSampler("mock-qpu").sample(bqm, num_reads=4, seed=2, pegasus_size=2)
    >>> {v: int(x) for v, x in sampleset.first.sample.items()}
    {'a': 1, 'b': 1, 'c': 1}
    >>> sampleset.info["qpu"]["logical_qubits"], sorted(sampleset.info["timing"])
    (3, ['embedding_ns', 'sampling_ns', 'total_ns'])
"""

from __future__ import annotations

import tempfile
from typing import Any, ClassVar

import dimod
import numpy as np

from qanneal.leap.client import connect
from qanneal.leap.plan import make_plan, parameter_names
from qanneal.leap.submit import Session, sample_plan
from qanneal.samplers.base import Stopwatch, check_num_reads, draw_seed

DESCRIPTIONS = {
    "qpu": "D-Wave QPU through Leap (DWaveSampler), minorminer embedding cached on disk; "
    "needs a Leap token",
    "qpu-clique": "D-Wave QPU through Leap with a clique embedding (dense problems, e.g. "
    "slack QUBOs); needs a Leap token",
    "hybrid": "Leap hybrid BQM solver (LeapHybridSampler); needs a Leap token",
    "hybrid-cqm": "Leap hybrid CQM solver (LeapHybridCQMSampler): one constraint per pattern, "
    "no penalty strength; needs a Leap token",
    "hybrid-nl": "Leap hybrid nonlinear solver (LeapHybridNLSampler) on the loss itself; "
    "needs a Leap token",
    "mock-qpu": "offline MockDWaveSampler (Pegasus P16) through the same embedding, chain "
    "and ledger path as qpu",
}


class LeapSampler(dimod.Sampler):
    """Leap sampler ``name`` ('qpu', 'qpu-clique', 'hybrid' or 'mock-qpu')."""

    def __init__(self, name: str) -> None:
        if name not in DESCRIPTIONS or name in LeapModelSampler.KINDS:
            raise ValueError(f"unknown Leap sampler {name!r}")
        self.name = name

    @property
    def parameters(self) -> dict[str, list[str]]:
        names = [*parameter_names(self.name), "num_reads", "seed"]
        if self.name == "mock-qpu":
            names.append("num_sweeps")
        return {name: [] for name in names}

    @property
    def properties(self) -> dict[str, Any]:
        return {"name": self.name, "description": DESCRIPTIONS[self.name]}

    def sample(
        self,
        bqm: dimod.BinaryQuadraticModel,
        *,
        num_reads: int = 10,
        seed: int | None = None,
        **params: Any,
    ) -> dimod.SampleSet:
        """Embed, submit, wait and unembed ``bqm`` (no ledger); ``info["qpu"]`` holds
        qubit counts, chain lengths and the chain-break fraction. ``params`` are those of
        ``parameters`` (``num_sweeps`` only for the mock, whose classical sampler it budgets)."""
        unknown = set(params) - set(self.parameters)
        if unknown:
            raise TypeError(
                f"sampler {self.name!r} takes no parameter(s) {', '.join(sorted(unknown))}; its "
                f"parameters: {', '.join(sorted(self.parameters))}"
            )
        check_num_reads(num_reads)
        seed = draw_seed(seed)
        watch = Stopwatch()
        num_sweeps = params.pop("num_sweeps", 1000)
        protocol = {"sampler": self.name, "seed": seed, "num_reads": num_reads, **params}
        if self.name == "mock-qpu":
            protocol["num_sweeps"] = num_sweeps
        if not bqm.num_variables:  # nothing to embed or submit: every read is the offset
            watch.lap("sampling_ns")
            info = {"timing": watch.timing(), "protocol": protocol, "qpu": {"submitted": False}}
            return dimod.SampleSet.from_samples_bqm(
                (np.zeros((num_reads, 0), dtype=np.int8), []), bqm, info=info
            )
        options = {"num_sweeps": num_sweeps, **params}
        logical, report = _submit_directly(self.name, bqm, num_reads, seed, params, options, watch)
        report["timing_us"] = logical.info.pop("qpu_timing", {})  # as the solver reports it
        logical.info.update({"timing": watch.timing(), "protocol": protocol, "qpu": report})
        return logical


def _submit_directly(
    name: str,
    target: Any,
    num_reads: int,
    seed: int,
    params: dict[str, Any],
    options: dict[str, Any],
    watch: Stopwatch,
) -> tuple[dimod.SampleSet, dict[str, Any]]:
    """Plan, submit, wait (no ledger: a scratch store for the mock); the planning time is
    ``embedding_ns`` on the QPU, ``preprocessing_ns`` on a hybrid solver."""
    with tempfile.TemporaryDirectory() as store:
        connection = connect(name, store=store, seed=seed, options=options)
        try:
            plan = make_plan(
                target,
                connection,
                name,
                num_reads=num_reads,
                seed=seed,
                params=params,
                cache_dir=None,
            )
            watch.lap("preprocessing_ns" if plan["category"] == "hybrid" else "embedding_ns")
            session = Session({"run_id": "direct", "plan": plan}, None, connection)
            logical, report = sample_plan(target, plan, session)
        finally:
            connection.close()
    watch.lap("sampling_ns")
    if plan["category"] == "hybrid":
        report = {
            "solver": plan["solver"],
            "time_limit": plan["time_limit"],
            "problem_ids": logical.info.pop("problem_ids", []),
            "timing_us": logical.info.pop("qpu_timing", {}),
        }
    return logical, report


class LeapModelSampler:
    """A Leap hybrid solver for a constrained or nonlinear model: ``hybrid-cqm``
    (``sample_cqm(cqm)``, LeapHybridCQMSampler) or ``hybrid-nl`` (``sample_nlm(model)``,
    LeapHybridNLSampler). Called directly it submits and waits with no ledger; ``qanneal
    solve`` goes through the ledger. ``num_reads`` is accepted and recorded, but a hybrid
    solver returns the samples it found; ``seed`` is recorded (Leap takes none).
    ``info["leap"]``: solver, ``time_limit``, problem ids and Leap's timing (µs)."""

    KINDS: ClassVar[dict[str, str]] = {"hybrid-cqm": "cqm", "hybrid-nl": "nl"}

    def __init__(self, name: str) -> None:
        if name not in self.KINDS:
            raise ValueError(f"unknown Leap model sampler {name!r}")
        self.name = name
        table: dict[str, list[str]] = {k: [] for k in ("num_reads", "seed", *parameter_names(name))}
        self.parameters: dict[str, list[str]] = {}
        self.cqm_parameters = table if name == "hybrid-cqm" else {}
        self.nl_parameters = table if name == "hybrid-nl" else {}

    @property
    def properties(self) -> dict[str, Any]:
        return {"name": self.name, "description": DESCRIPTIONS[self.name]}

    def _sample(self, target: Any, num_reads: int, seed: int | None, **params: Any) -> Any:
        check_num_reads(num_reads)
        seed = draw_seed(seed)
        given = {k: v for k, v in params.items() if v is not None}
        watch = Stopwatch()
        logical, report = _submit_directly(self.name, target, num_reads, seed, given, {}, watch)
        protocol = {"sampler": self.name, "seed": seed, "num_reads": num_reads, **given}
        logical.info.update({"timing": watch.timing(), "protocol": protocol, "leap": report})
        return logical

    def sample_cqm(
        self,
        cqm: dimod.ConstrainedQuadraticModel,
        *,
        num_reads: int = 10,
        seed: int | None = None,
        time_limit: float | None = None,
        label: str | None = None,
    ) -> dimod.SampleSet:
        """The CQM solver's samples (objective as energy, ``is_satisfied``,
        ``is_feasible``)."""
        if self.name != "hybrid-cqm":
            raise TypeError(f"sampler {self.name!r} takes nonlinear models (sample_nlm)")
        return self._sample(cqm, num_reads, seed, time_limit=time_limit, label=label)

    def sample_nlm(
        self,
        model: Any,
        *,
        num_reads: int = 10,
        seed: int | None = None,
        time_limit: float | None = None,
        label: str | None = None,
    ) -> dimod.SampleSet:
        """The NL solver's states as an NL sample set (:mod:`qanneal.samplers.base`)."""
        if self.name != "hybrid-nl":
            raise TypeError(f"sampler {self.name!r} takes CQMs (sample_cqm)")
        return self._sample(model, num_reads, seed, time_limit=time_limit, label=label)
