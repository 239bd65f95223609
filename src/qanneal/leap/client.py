"""Connections to a Leap solver: the real QPU and hybrid solvers, and an offline mock.

Every sampler talks to Leap through the same small interface, so the QPU path runs
line for line offline:

- ``submit(bqm, label, params, before_submit)`` sends a problem (calling
  ``before_submit()`` once its data is uploaded, just before the problem itself is sent)
  and returns as soon as Leap gives its id
  (a :class:`Submitted` whose ``result()`` waits for the answer), or raises
  :class:`NotSubmitted` (the problem certainly did not reach Leap: safe to send again) or
  :class:`MaybeSubmitted` (it may have: never sent again, found later by its label);
- ``retrieve(problem_id)`` fetches an answer later, from any process;
- ``find(label)`` lists the problem ids that carry a label.

:class:`CloudConnection` wraps :class:`dwave.system.DWaveSampler` (``qpu``) or
:class:`dwave.system.LeapHybridSampler` (``hybrid``), ``LeapHybridCQMSampler``
(``hybrid-cqm``) or ``LeapHybridNLSampler`` (``hybrid-nl``); credentials come only from the
Ocean configuration (``dwave.conf``, ``DWAVE_API_TOKEN``, profiles).
:class:`qanneal.leap.mock.MockConnection` (``mock-qpu``) is the offline stand-in.

Example:
    >>> import dimod, tempfile
    >>> mock = connect("mock-qpu", store=tempfile.mkdtemp(), options={"pegasus_size": 2})
    >>> q = mock.nodelist[0]
    >>> done = mock.submit(dimod.BQM({q: -1.0}, {}, 0.0, "SPIN"), "demo", {"num_reads": 3})
    >>> answer = mock.retrieve(done.problem_id)
    >>> answer.first.sample == {q: 1}, mock.find("demo") == [done.problem_id]
    (True, True)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Protocol

from qanneal.leap.errors import (
    LeapError,
    LeapSolverError,
    never_connected,
    redact,
    remember_secret,
    translate,
)
from qanneal.leap.hybrid import StatesAnswer, model_file

# HTTP statuses that say a request was not processed and may be sent again later
_REFUSED_TRANSIENT = (429, 503)


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

    def result(self) -> Any: ...


class Connection(Protocol):
    """What the Leap samplers need from a solver connection."""

    solver_name: str
    category: str
    properties: dict[str, Any]
    nodelist: list[int]
    edgelist: list[tuple[int, int]]

    def submit(
        self,
        target: Any,
        label: str,
        params: dict[str, Any],
        before_submit: Callable[[], None] | None = None,
    ) -> Submitted: ...

    def retrieve(self, problem_id: str) -> Any: ...

    def find(self, label: str) -> list[str]: ...

    def validate(self, params: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


def classify(error: BaseException) -> LeapError:
    """Whether a failed submission can have reached Leap: refused connections, failed
    uploads and requests Leap turned down (4xx, and 429/503, which say the request was not
    processed) cannot (:class:`NotSubmitted`); a timeout, a lost response or another server
    error (500, 502, 504: the problem may have been stored first) can (:class:`MaybeSubmitted`).

    Example:
        >>> from dwave.cloud.exceptions import ProblemUploadError, RequestTimeout, SolverError
        >>> type(classify(ProblemUploadError("boom"))).__name__
        'NotSubmitted'
        >>> type(classify(RequestTimeout())).__name__
        'MaybeSubmitted'
        >>> [type(classify(SolverError(error_code=c))).__name__[:5] for c in (429, 502, 503)]
        ['NotSu', 'Maybe', 'NotSu']
    """
    import requests
    from dwave.cloud import exceptions as cloud
    from dwave.cloud.api import exceptions as api

    if isinstance(error, cloud.ProblemUploadError) or never_connected(error):
        return NotSubmitted(error, transient=True)
    if isinstance(error, cloud.RequestTimeout | requests.Timeout | requests.ConnectionError):
        return MaybeSubmitted(error)  # sent, then no response: it may be on Leap
    code = getattr(error, "error_code", None)
    if isinstance(code, int) and code in _REFUSED_TRANSIENT:
        return NotSubmitted(error, transient=True)
    if isinstance(code, int) and code >= 500:
        return MaybeSubmitted(error)
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


def is_transient(error: BaseException) -> bool:
    """A failure worth another try: a timeout, a dropped connection, a failed upload, or
    a server that said it is overloaded or unavailable (429, 5xx).

    Example:
        >>> from dwave.cloud.exceptions import SolverError, SolverFailureError
        >>> is_transient(SolverError(error_code=503)), is_transient(SolverFailureError("x"))
        (True, False)
    """
    import requests
    from dwave.cloud import exceptions as cloud
    from dwave.cloud.api import exceptions as api

    if isinstance(error, cloud.SolverFailureError):
        return False
    transient = (
        cloud.RequestTimeout,
        cloud.ProblemUploadError,
        api.InternalServerError,
        requests.ConnectionError,
        requests.Timeout,
    )
    code = getattr(error, "error_code", None)
    return isinstance(error, transient) or (isinstance(code, int) and (code == 429 or code >= 500))


def _answer(future: Any, problem_type: str) -> Any:
    """A resolved answer: a sample set, or for a nonlinear solver its states file (read
    into memory; the client's spooled answer file is closed here, also when the problem
    failed, rather than left to the garbage collector)."""
    if problem_type == "nl":
        try:
            data = future.answer_data  # downloaded (binary-ref) once the problem is done
            data.seek(0)
            info = {"timing": dict(future.timing), "problem_id": future.id}
            if future.label is not None:
                info["problem_label"] = future.label
            return StatesAnswer(data.read(), info)
        finally:
            spooled = getattr(future, "_answer_data", None)
            if spooled is not None:
                spooled.close()
    sampleset = future.sampleset
    sampleset.resolve()
    return sampleset


class _CloudSubmitted:
    def __init__(self, future: Any, problem_id: str, problem_type: str) -> None:
        self.future = future
        self.problem_id = problem_id
        self.problem_type = problem_type

    def result(self) -> Any:
        return _answer(self.future, self.problem_type)


_SAMPLERS = {
    "qpu": "DWaveSampler",
    "bqm": "LeapHybridSampler",
    "cqm": "LeapHybridCQMSampler",
    "nl": "LeapHybridNLSampler",
}


class CloudConnection:
    """A Leap solver through dwave-system: ``kind`` 'qpu' (DWaveSampler), or a hybrid
    solver for 'bqm' (LeapHybridSampler), 'cqm' (LeapHybridCQMSampler) or 'nl'
    (LeapHybridNLSampler). Needs credentials from the Ocean configuration. ``solver`` pins a
    solver by name (a run being finished goes to the solver it was planned on); without it
    the Ocean configuration's solver filter (or dwave-system's default for the kind)
    chooses."""

    def __init__(self, kind: str, solver: str | None = None) -> None:
        import dwave.system

        pinned: dict[str, Any] = {"solver": {"name": solver}} if solver else {}
        try:
            self.sampler = getattr(dwave.system, _SAMPLERS[kind])(**pinned)
        except Exception as error:
            raise translate(error) from None
        remember_secret(getattr(self.sampler.client.config, "token", None))
        self.category = "qpu" if kind == "qpu" else "hybrid"
        self.problem_type = kind
        self.solver_name = str(self.sampler.solver.name)
        self.graph_id = getattr(self.sampler.solver, "graph_id", None)
        self.properties = dict(self.sampler.properties)
        self.nodelist = list(getattr(self.sampler, "nodelist", []) or [])
        self.edgelist = list(getattr(self.sampler, "edgelist", []) or [])

    def submit(
        self,
        target: Any,
        label: str,
        params: dict[str, Any],
        before_submit: Callable[[], None] | None = None,
    ) -> Submitted:
        """Send ``target`` (a BQM for the QPU and the hybrid BQM solver, a CQM, or a
        nonlinear model); a hybrid solver's problem data is uploaded first."""
        solver = self.sampler.solver
        problem: Any = target
        if self.category == "hybrid":  # the problem data goes up first (multipart upload)
            try:
                with model_file(target, self.problem_type) as data:
                    problem = solver.upload_problem(data).result()
            except Exception as error:  # the problem itself was not sent
                raise NotSubmitted(error, transient=is_transient(error)) from None
        if before_submit is not None:
            before_submit()
        method = {"cqm": "sample_cqm", "nl": "sample_nlm"}.get(self.problem_type, "sample_bqm")
        try:
            future = getattr(solver, method)(problem, label=label, **params)
        except Exception as error:  # raised before anything was sent
            raise NotSubmitted(error, transient=False) from None
        problem_id = future.wait_id()
        if problem_id is None:  # the submission failed; Future.exception() raises its error
            try:
                future.exception()
            except Exception as error:
                raise classify(error) from None
            raise MaybeSubmitted(RuntimeError("Leap returned no problem id"))
        return _CloudSubmitted(future, problem_id, self.problem_type)

    def retrieve(self, problem_id: str) -> Any:
        future = self.sampler.client.retrieve_answer(problem_id)
        answer = _answer(future, self.problem_type)
        answered_by = getattr(future.solver, "name", None)
        if answered_by is not None and answered_by != self.solver_name:
            raise LeapSolverError(
                f"Leap problem {problem_id} was solved by {answered_by}, not by "
                f"{self.solver_name}: the stored embedding does not belong to its answer"
            )
        return answer

    def find(self, label: str) -> list[str]:
        from dwave.cloud.api import Problems

        with Problems.from_config(self.sampler.client.config) as problems:
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


Connector = Callable[..., Any]


def _cloud(kind: str) -> Connector:
    def connect(*, solver: str | None = None, **_: Any) -> CloudConnection:
        return CloudConnection(kind, solver)

    return connect


def _mock(
    *,
    store: str | os.PathLike[str],
    seed: int = 0,
    options: dict[str, Any] | None = None,
    solver: str | None = None,
) -> Any:
    from qanneal.leap.mock import MockConnection
    from qanneal.leap.noise import emulator_settings

    options = options or {}
    return MockConnection(
        store,
        seed=seed,
        pegasus_size=int(options.get("pegasus_size", 16)),
        num_sweeps=int(options.get("num_sweeps", 1000)),
        noise=emulator_settings(options),
    )


# sampler name -> connection factory; tests replace entries with fakes
CONNECTORS: dict[str, Connector] = {
    "qpu": _cloud("qpu"),
    "qpu-clique": _cloud("qpu"),
    "hybrid": _cloud("bqm"),
    "hybrid-cqm": _cloud("cqm"),
    "hybrid-nl": _cloud("nl"),
    "kerberos": _cloud("qpu"),
    "mock-qpu": _mock,
    "kerberos-mock": _mock,
}


def connect(
    name: str,
    *,
    store: str | os.PathLike[str],
    seed: int = 0,
    options: dict[str, Any] | None = None,
    solver: str | None = None,
) -> Any:
    """A connection for sampler ``name`` (to the solver named ``solver`` if given);
    configuration failures become LeapErrors (a missing token names the offline sampler
    that takes the same problem)."""
    try:
        return CONNECTORS[name](store=store, seed=seed, options=options or {}, solver=solver)
    except LeapError as error:
        offline = OFFLINE.get(name)
        if offline is None:
            raise
        text = str(error).replace("--sampler mock-qpu", f"--sampler {offline}")
        raise type(error)(text) from None
    except Exception as error:
        raise translate(error) from None


OFFLINE = {"hybrid-cqm": "exact", "hybrid-nl": "exact", "kerberos": "kerberos-mock"}
"""The sampler to try offline instead (the errors of the others suggest mock-qpu)."""
