"""The Leap samplers of the registry: ``qpu``, ``qpu-clique``, ``hybrid`` and ``mock-qpu``.

Each is a :class:`dimod.Sampler` on BQMs. Called directly (``sample(bqm)``) it embeds,
submits, waits and unembeds with no ledger — handy from Python. ``qanneal.solve`` sees
``submits_to_leap`` and goes through :func:`qanneal.leap.run.solve_on_leap` instead, which
records every submission in the ledger before waiting.

Example (offline):
    >>> import dimod
    >>> bqm = dimod.BQM({"a": -1.0}, {("a", "b"): -1.0, ("b", "c"): -1.0, ("a", "c"): -1.0},
    ...                 0.0, "SPIN")
    >>> sampleset = LeapSampler("mock-qpu").sample(bqm, num_reads=4, seed=2, pegasus_size=2)
    >>> {v: int(x) for v, x in sampleset.first.sample.items()}
    {'a': 1, 'b': 1, 'c': 1}
    >>> sampleset.info["qpu"]["logical_qubits"]
    3
"""

from __future__ import annotations

import tempfile
import time
from typing import Any

import dimod
import numpy as np

from qanneal.leap.client import connect
from qanneal.leap.plan import make_plan, parameter_names
from qanneal.leap.submit import Session, sample_plan

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

    submits_to_leap = True

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
        num_sweeps: int = 1000,
        **params: Any,
    ) -> dimod.SampleSet:
        """Embed, submit, wait and unembed ``bqm`` (no ledger); ``info["qpu"]`` holds
        qubit counts, chain lengths and the chain-break fraction, ``info["timing"]`` the
        embedding, submit -> answer and whole-call times (ns), ``info["qpu_timing"]``
        Leap's own (µs)."""
        started = time.perf_counter_ns()
        if seed is None:
            seed = int(np.random.SeedSequence().generate_state(1)[0])
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
                session = Session({"run_id": "direct", "plan": plan}, None, connection)
                sent = time.perf_counter_ns()
                logical, report = sample_plan(bqm, plan, session)
                sampling_ns = time.perf_counter_ns() - sent
            finally:
                connection.close()
        logical.info["qpu"] = report
        timing = {"sampling_ns": sampling_ns, "total_ns": time.perf_counter_ns() - started}
        if "embedding_ns" in plan:
            timing["embedding_ns"] = int(plan["embedding_ns"])
        logical.info["timing"] = timing
        return logical
