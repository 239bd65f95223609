"""Connections to a Leap solver: the real QPU and hybrid solvers, and an offline mock.

Every sampler talks to Leap through the same small interface, so the QPU path runs
line for line offline:

- ``submit(bqm, label, params)`` sends a problem and returns as soon as Leap gives its id
  (a :class:`Submitted` whose ``result()`` waits for the answer), or raises
  :class:`NotSubmitted` (the problem certainly did not reach Leap: safe to send again) or
  :class:`MaybeSubmitted` (it may have: never sent again, found later by its label);
- ``retrieve(problem_id)`` fetches an answer later, from any process;
- ``find(label)`` lists the problem ids that carry a label.

:class:`CloudConnection` wraps :class:`dwave.system.DWaveSampler` (``qpu``) or
:class:`dwave.system.LeapHybridSampler` (``hybrid``); credentials come only from the Ocean
configuration (``dwave.conf``, ``DWAVE_API_TOKEN``, profiles). :class:`MockConnection`
wraps :class:`dwave.system.testing.MockDWaveSampler` (Pegasus P16, seeded through its
``substitute_sampler``) and keeps its answers on disk, like Leap keeps them on its side.

Example:
    >>> import dimod, tempfile
    >>> mock = MockConnection(tempfile.mkdtemp(), seed=1, pegasus_size=2)
    >>> q = mock.nodelist[0]
    >>> done = mock.submit(dimod.BQM({q: -1.0}, {}, 0.0, "SPIN"), "demo", {"num_reads": 3})
    >>> answer = mock.retrieve(done.problem_id)
    >>> answer.first.sample == {q: 1}, mock.find("demo") == [done.problem_id]
    (True, True)
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Protocol

import dimod

from qanneal.files import write_new_file
from qanneal.leap.errors import LeapError, redact, remember_secret, translate

# parameters that MockDWaveSampler honours; the others are validated, recorded and not applied
_MOCKED = {"num_reads"}


class NotSubmitted(LeapError):
    """The problem certainly did not reach Leap (``transient``: worth another try)."""

    def __init__(self, cause: BaseException, *, transient: bool) -> None:
        super().__init__(redact(f"{type(cause).__name__}: {cause}"))
        self.cause = cause
        self.transient = transient


class MaybeSubmitted(LeapError):
    """The request failed after the problem may have reached Leap."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(redact(f"{type(cause).__name__}: {cause}"))
        self.cause = cause


class Submitted(Protocol):
    problem_id: str

    def result(self) -> dimod.SampleSet: ...


class Connection(Protocol):
    """What the Leap samplers need from a solver connection."""

    solver_name: str
    category: str
    properties: dict[str, Any]
    nodelist: list[int]
    edgelist: list[tuple[int, int]]

    def submit(self, bqm: dimod.BQM, label: str, params: dict[str, Any]) -> Submitted: ...

    def retrieve(self, problem_id: str) -> dimod.SampleSet: ...

    def find(self, label: str) -> list[str]: ...

    def validate(self, params: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


def classify(error: BaseException) -> LeapError:
    """Whether a failed submission can have reached Leap: refused connections, failed
    uploads and refused requests cannot (:class:`NotSubmitted`); a timeout or a lost
    response can (:class:`MaybeSubmitted`).

    Example:
        >>> from dwave.cloud.exceptions import ProblemUploadError, RequestTimeout
        >>> type(classify(ProblemUploadError("boom"))).__name__
        'NotSubmitted'
        >>> type(classify(RequestTimeout())).__name__
        'MaybeSubmitted'
    """
    import requests
    from dwave.cloud import exceptions as cloud
    from dwave.cloud.api import exceptions as api

    if isinstance(error, cloud.RequestTimeout | requests.ReadTimeout):
        return MaybeSubmitted(error)
    if isinstance(error, cloud.ProblemUploadError | requests.ConnectionError):
        return NotSubmitted(error, transient=True)
    refused = (
        api.ResourceAuthenticationError,
        api.ResourceBadRequestError,
        api.ResourceAccessForbiddenError,
        api.ResourceNotFoundError,
        api.ResourceLimitsExceededError,
        cloud.InvalidProblemError,
        cloud.SolverError,
    )
    if isinstance(error, refused):
        return NotSubmitted(error, transient=False)
    return MaybeSubmitted(error)


class _CloudSubmitted:
    def __init__(self, future: Any, problem_id: str) -> None:
        self.future = future
        self.problem_id = problem_id

    def result(self) -> dimod.SampleSet:
        sampleset = self.future.sampleset
        sampleset.resolve()
        return sampleset


class CloudConnection:
    """A Leap solver through dwave-system: ``kind`` 'qpu' (DWaveSampler) or 'hybrid'
    (LeapHybridSampler). Needs credentials from the Ocean configuration."""

    def __init__(self, kind: str) -> None:
        from dwave.system import DWaveSampler, LeapHybridSampler

        try:
            self.sampler = DWaveSampler() if kind == "qpu" else LeapHybridSampler()
        except Exception as error:
            raise translate(error) from None
        remember_secret(getattr(self.sampler.client.config, "token", None))
        self.category = kind
        self.solver_name = str(self.sampler.solver.name)
        self.properties = dict(self.sampler.properties)
        self.nodelist = list(getattr(self.sampler, "nodelist", []) or [])
        self.edgelist = list(getattr(self.sampler, "edgelist", []) or [])

    def submit(self, bqm: dimod.BQM, label: str, params: dict[str, Any]) -> Submitted:
        try:
            future = self.sampler.solver.sample_bqm(bqm, label=label, **params)
        except Exception as error:  # raised before anything was sent
            raise NotSubmitted(error, transient=False) from None
        problem_id = future.wait_id()
        if problem_id is None:  # the submission failed; Future.exception() raises its error
            try:
                future.exception()
            except Exception as error:
                raise classify(error) from None
            raise MaybeSubmitted(RuntimeError("Leap returned no problem id"))
        return _CloudSubmitted(future, problem_id)

    def retrieve(self, problem_id: str) -> dimod.SampleSet:
        sampleset = self.sampler.client.retrieve_answer(problem_id).sampleset
        sampleset.resolve()
        return sampleset

    def find(self, label: str) -> list[str]:
        from dwave.cloud.api import Problems

        problems = Problems.from_config(self.sampler.client.config)
        return [str(p.id) for p in problems.list_problems(label=label)]

    def validate(self, params: dict[str, Any]) -> None:
        if "anneal_schedule" in params and self.category == "qpu":
            self.sampler.validate_anneal_schedule(params["anneal_schedule"])

    def estimate_us(self, num_qubits: int, num_reads: int, params: dict[str, Any]) -> float:
        """Estimated QPU access time (µs) by the solver's timing model."""
        keys = ("annealing_time", "anneal_schedule", "initial_state", "reinitialize_state")
        known = {k: params[k] for k in keys if k in params}
        return float(
            self.sampler.solver.estimate_qpu_access_time(num_qubits, num_reads=num_reads, **known)
        )

    def close(self) -> None:
        self.sampler.close()


class _MockSubmitted:
    def __init__(self, problem_id: str, sampleset: dimod.SampleSet) -> None:
        self.problem_id = problem_id
        self._sampleset = sampleset

    def result(self) -> dimod.SampleSet:
        return self._sampleset


class MockConnection:
    """``MockDWaveSampler`` on a Pegasus P``pegasus_size`` graph (16: an Advantage system),
    sampling with seeded simulated annealing; answers are kept in ``<store>/mock-leap``."""

    category = "qpu"

    def __init__(
        self,
        store: str | os.PathLike[str],
        *,
        seed: int = 0,
        pegasus_size: int = 16,
        num_sweeps: int = 1000,
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
        self.properties = self.mock.properties
        self.nodelist = list(self.mock.nodelist)
        self.edgelist = list(self.mock.edgelist)
        self.store = Path(store) / "mock-leap"
        self._count = 0

    def submit(self, bqm: dimod.BQM, label: str, params: dict[str, Any]) -> Submitted:
        self._count += 1
        self.mock.substitute_kwargs["seed"] = (self.seed + self._count) % 2**31
        sampleset = self.mock.sample(bqm, **{k: v for k, v in params.items() if k in _MOCKED})
        problem_id = str(uuid.UUID(int=int(uuid.uuid4()) ^ self._count))
        sampleset.info.update(problem_id=problem_id, problem_label=label)
        ignored = sorted(set(params) - _MOCKED)
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


Connector = Callable[..., Any]


def _cloud(kind: str) -> Connector:
    def connect(**_: Any) -> CloudConnection:
        return CloudConnection(kind)

    return connect


def _mock(
    *, store: str | os.PathLike[str], seed: int = 0, options: dict[str, Any] | None = None
) -> MockConnection:
    options = options or {}
    return MockConnection(
        store,
        seed=seed,
        pegasus_size=int(options.get("pegasus_size", 16)),
        num_sweeps=int(options.get("num_sweeps", 1000)),
    )


# sampler name -> connection factory; tests replace entries with fakes
CONNECTORS: dict[str, Connector] = {
    "qpu": _cloud("qpu"),
    "qpu-clique": _cloud("qpu"),
    "hybrid": _cloud("hybrid"),
    "mock-qpu": _mock,
}


def connect(
    name: str,
    *,
    store: str | os.PathLike[str],
    seed: int = 0,
    options: dict[str, Any] | None = None,
) -> Any:
    """A connection for sampler ``name``; configuration failures become LeapErrors."""
    try:
        return CONNECTORS[name](store=store, seed=seed, options=options or {})
    except LeapError:
        raise
    except Exception as error:
        raise translate(error) from None
