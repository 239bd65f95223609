"""The offline Leap stand-in behind ``mock-qpu``: D-Wave's ``MockDWaveSampler`` with the
same connection interface as the real solvers (:mod:`qanneal.leap.client`).

:class:`MockConnection` wraps :class:`dwave.system.testing.MockDWaveSampler` (Pegasus P16,
seeded through its ``substitute_sampler``) and keeps its answers on disk, like Leap keeps
them on its side, so a killed run is finished later by ``qanneal leap fetch``.

Example:
    >>> import dimod, tempfile
    >>> mock = MockConnection(tempfile.mkdtemp(), seed=1, pegasus_size=2)
    >>> q = mock.nodelist[0]
    >>> done = mock.submit(dimod.BQM({q: -1.0}, {}, 0.0, "SPIN"), "demo", {"num_reads": 3})
    >>> mock.retrieve(done.problem_id).first.sample == {q: 1}
    True
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import dimod

from qanneal.files import write_new_file

# parameters that MockDWaveSampler honours; the others are validated, recorded and not applied
_MOCKED = {"num_reads"}


class _MockSubmitted:
    def __init__(self, problem_id: str, sampleset: dimod.SampleSet) -> None:
        self.problem_id = problem_id
        self._sampleset = sampleset

    def result(self) -> dimod.SampleSet:
        return self._sampleset


class MockConnection:
    """``MockDWaveSampler`` on a Pegasus P``pegasus_size`` graph (16: an Advantage system),
    sampling with seeded simulated annealing — or, with ``noise`` (the settings of
    :func:`qanneal.leap.noise.emulator_settings`), through the hardware emulator:
    auto-scaling, control errors, Boltzmann sampling at β; answers are kept in
    ``<store>/mock-leap``."""

    category = "qpu"

    def __init__(
        self,
        store: str | os.PathLike[str],
        *,
        seed: int = 0,
        pegasus_size: int = 16,
        num_sweeps: int = 1000,
        noise: Mapping[str, Any] | None = None,
    ) -> None:
        from dwave.cloud.testing.mocks import qpu_problem_timing_data
        from dwave.samplers import SimulatedAnnealingSampler
        from dwave.system.testing import MockDWaveSampler

        self.mock = MockDWaveSampler(
            topology_type="pegasus",
            topology_shape=[pegasus_size],
            substitute_sampler=SimulatedAnnealingSampler(),
            substitute_kwargs={"seed": seed % 2**31, "num_sweeps": num_sweeps},
            properties={"problem_timing_data": qpu_problem_timing_data("advantage")},
        )
        self.seed = seed
        self.solver_name = f"MockDWaveSampler-P{pegasus_size}"
        edges = json.dumps(sorted(map(sorted, self.mock.edgelist))).encode()
        self.graph_id = hashlib.sha256(edges).hexdigest()[:10]
        self.properties = self.mock.properties
        self.noise = dict(noise) if noise else None
        if self.noise is not None:  # the hardware emulator instead of plain SA
            from qanneal.leap.noise import emulator

            self.mock.substitute_sampler = emulator(self.properties, self.noise)
        self.nodelist = list(self.mock.nodelist)
        self.edgelist = list(self.mock.edgelist)
        self.store = Path(store) / "mock-leap"
        self._count = 0

    def submit(
        self,
        bqm: dimod.BQM,
        label: str,
        params: dict[str, Any],
        before_submit: Callable[[], None] | None = None,
    ) -> _MockSubmitted:
        if before_submit is not None:
            before_submit()
        self._count += 1
        self.mock.substitute_kwargs["seed"] = (self.seed + self._count) % 2**31
        sampleset = self.mock.sample(bqm, **{k: v for k, v in params.items() if k in _MOCKED})
        problem_id = str(uuid.UUID(int=int(uuid.uuid4()) ^ self._count))
        sampleset.info.update(problem_id=problem_id, problem_label=label)
        honoured = _MOCKED | ({"auto_scale"} if self.noise is not None else set())
        ignored = sorted(set(params) - honoured)
        sampleset.info["mock_ignored_parameters"] = ignored
        self.store.mkdir(parents=True, exist_ok=True)
        document = {"label": label, "sampleset": sampleset.to_serializable()}
        write_new_file(self.store / f"{problem_id}.json", json.dumps(document))
        return _MockSubmitted(problem_id, sampleset)

    def retrieve(self, problem_id: str) -> dimod.SampleSet:
        path = self.store / f"{problem_id}.json"
        if not path.exists():
            from dwave.cloud.exceptions import ProblemNotFoundError

            raise ProblemNotFoundError(f"problem {problem_id} not found")
        document = json.loads(path.read_text(encoding="utf-8"))
        return dimod.SampleSet.from_serializable(document["sampleset"])

    def find(self, label: str) -> list[str]:
        if not self.store.exists():
            return []
        found = []
        for path in sorted(self.store.glob("*.json")):
            if json.loads(path.read_text(encoding="utf-8")).get("label") == label:
                found.append(path.stem)
        return found

    def validate(self, params: dict[str, Any]) -> None:
        from dwave.system import DWaveSampler

        if "anneal_schedule" in params:
            # the same check as the QPU's: it reads only .parameters and .properties
            DWaveSampler.validate_anneal_schedule(self.mock, params["anneal_schedule"])

    def estimate_us(self, num_qubits: int, num_reads: int, params: dict[str, Any]) -> float:
        """The QPU access-time estimate of an Advantage system's timing model."""
        from dwave.cloud.solver import StructuredSolver

        keys = ("annealing_time", "anneal_schedule", "initial_state", "reinitialize_state")
        known = {k: params[k] for k in keys if k in params}
        # the estimate reads only .properties, which the mock holds
        model = SimpleNamespace(properties=self.properties)
        return float(
            StructuredSolver.estimate_qpu_access_time(
                model,
                num_qubits,
                num_reads=num_reads,
                **known,
            )
        )

    def close(self) -> None:
        pass
