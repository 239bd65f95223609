"""The Leap samplers of the registry: ``qpu``, ``qpu-clique``, ``hybrid`` and ``mock-qpu``
(the machinery they use — embedding, chains, the ledger — is :mod:`qanneal.leap`).

Each is a :class:`dimod.Sampler` on BQMs. Called directly (``sample(bqm)``) it embeds,
submits, waits and unembeds with no ledger — handy from Python. Their registry entries
declare ``via_leap``, so ``qanneal.solve`` goes through :func:`qanneal.leap.run.solve_on_leap`
instead, which records every submission in the ledger before waiting.

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
from typing import Any

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
    "mock-qpu": "offline MockDWaveSampler (Pegasus P16) through the same embedding, chain "
    "and ledger path as qpu",
}


class LeapSampler(dimod.Sampler):
    """Leap sampler ``name`` ('qpu', 'qpu-clique', 'hybrid' or 'mock-qpu')."""

    def __init__(self, name: str) -> None:
        if name not in DESCRIPTIONS:
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
        with tempfile.TemporaryDirectory() as store:
            connection = connect(self.name, store=store, seed=seed, options=options)
            try:
                plan = make_plan(
                    bqm,
                    connection,
                    self.name,
                    num_reads=num_reads,
                    seed=seed,
                    params=params,
                    cache_dir=None,
                )
                watch.lap("embedding_ns")
                session = Session({"run_id": "direct", "plan": plan}, None, connection)
                logical, report = sample_plan(bqm, plan, session)
            finally:
                connection.close()
        watch.lap("sampling_ns")
        report["timing_us"] = logical.info.pop("qpu_timing", {})  # as the solver reports it
        logical.info.update({"timing": watch.timing(), "protocol": protocol, "qpu": report})
        return logical
