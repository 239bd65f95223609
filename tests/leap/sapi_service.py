"""A local D-Wave Solver API (SAPI) service for tests, with faults injected on demand.

It speaks the part of SAPI v3 that dwave-cloud-client uses for what qanneal does, on the
wire the client really sends and reads (see ``dwave/cloud/client/base.py``,
``dwave/cloud/coders.py`` and ``dwave/cloud/api/resources.py`` of the installed client):

==========================================  ==============================================
``GET  solvers/remote/[NAME]``              solver definitions: a Pegasus QPU described by
                                            ``dwave.cloud.testing.mocks``, and hybrid BQM,
                                            CQM and nonlinear (NL) solvers
``POST problems/``                          submit (``qp`` QPU problems, ``ref`` to an
                                            uploaded BQM, CQM or NL model; deflate-compressed
                                            or not)
``GET  problems/?id=A,B[&timeout=T]``       statuses (answered at once: no long wait)
``GET  problems/?label=L``                  label lookups (``Problems.list_problems``)
``GET  problems/ID/``                       status with the answer
``GET  problems/ID/answer/data/``           an NL answer's states file (``binary-ref``)
``DELETE problems/[ID/]``                   cancel
``POST|PUT|GET bqm/multipart/…``            the problem-data (multipart) upload API
==========================================  ==============================================

QPU problems are answered by sampling the submitted (embedded) problem with dwave-samplers'
simulated annealing, honouring ``num_reads`` and ``answer_mode``; hybrid BQM problems by the
same sampler on the uploaded BQM; CQM and NL problems as sapi_models.py describes (every
state enumerated, or a bounded search). Every request needs the token in ``X-Auth-Token``.

Faults (:meth:`SapiService.fault`) hit a *route* (``solvers``, ``submit``, ``poll``,
``answer``, ``download``, ``label``, ``upload``, ``cancel``) a number of times: an HTTP
status (5xx, or 429 with ``Retry-After``), a dropped connection (``reset``), or a response
``slow`` er than the client's read timeout (the request is processed first: a slow submit
has reached Leap).
:meth:`SapiService.outcome` makes the next problems end FAILED or CANCELLED,
:meth:`SapiService.lag` hides the next problems from label lookups for a number of lookups,
and :meth:`SapiService.on` calls a hook when a step happens (``submitted``, ``id-returned``,
``polled``, ``answered``, ``uploaded``) — the harness uses it to kill a qanneal process there.

The service binds 127.0.0.1 only; each wait in it is bounded (``MAX_WAIT_S``) and stops by
itself.
"""

from __future__ import annotations

import base64
import collections
import contextlib
import hashlib
import io
import itertools
import json
import logging
import os
import re
import socket
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dimod
import numpy as np
from pytest_httpserver import HTTPServer
from sapi_models import TooLarge, answer_cqm, answer_nl, cqm_solver, hybrid_timing, nl_solver
from werkzeug import Request, Response

PREFIX = "/sapi/v2/"
MAX_WAIT_S = 3.0  # longest any request is held (slow responses)
HELD_POLL_S = 0.2  # how long a long poll waits on a problem that stays pending
QPU_PARAMETERS = (
    "annealing_time",
    "anneal_offsets",
    "anneal_schedule",
    "answer_mode",
    "auto_scale",
    "flux_biases",
    "h_gain_schedule",
    "initial_state",
    "label",
    "num_reads",
    "programming_thermalization",
    "readout_thermalization",
    "reinitialize_state",
)
ROUTES = ("solvers", "submit", "poll", "answer", "download", "label", "upload", "cancel")


# Ocean's own settings (dwave.conf) that make the real client quick against a local service:
# short request timeout, few HTTP retries, long polling that returns at once
CLIENT_CONFIG = """\
[defaults]
request_timeout = 2.0
http_retry_total = 2
http_retry_backoff_factor = 0.01
poll_strategy = long-polling
poll_wait_time = 1
cache_enabled = false
"""


def write_client_config(directory: Path, endpoint: str | None = None) -> Path:
    """A dwave.conf with CLIENT_CONFIG (and ``endpoint`` if given)."""
    path = directory / "dwave.conf"
    extra = f"endpoint = {endpoint}\n" if endpoint else ""
    path.write_text(CLIENT_CONFIG + extra, encoding="utf-8")
    return path


def isolate(directory: Path, environment: Any, token: str) -> None:
    """Work in ``directory`` with no Ocean configuration of the user's and ``token`` as the
    API token (``environment``: a pytest MonkeyPatch)."""
    environment.chdir(directory)
    for name in ("DWAVE_CONFIG_FILE", "DWAVE_PROFILE", "DWAVE_API_ENDPOINT", "DWAVE_API_SOLVER"):
        environment.delenv(name, raising=False)
    environment.setenv("HOME", str(directory / "home"))
    environment.setenv("XDG_CONFIG_HOME", str(directory / "home" / ".config"))
    environment.setenv("XDG_CACHE_HOME", str(directory / "home" / ".cache"))
    environment.setenv("DWAVE_API_TOKEN", token)


@contextlib.contextmanager
def serve(
    directory: Path, environment: Any, tokens: set[str], **options: Any
) -> Iterator[SapiService]:
    """The service on 127.0.0.1 for the duration of the block; the real client reaches it
    through DWAVE_API_ENDPOINT and reads its tuning from a dwave.conf (DWAVE_CONFIG_FILE),
    both set with ``environment`` (a pytest MonkeyPatch), as a user configures Ocean.
    The block fails if the service met a bug of its own."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    service = SapiService(server, tokens=tokens, **options)
    environment.setenv("DWAVE_CONFIG_FILE", str(write_client_config(directory)))
    environment.setenv("DWAVE_API_ENDPOINT", service.endpoint)
    try:
        yield service
    finally:
        server.clear()
        server.stop()
    assert not service.errors, service.errors


def client_settings(**settings: object) -> None:
    """Add Ocean settings (e.g. ``polling_timeout=1``) to the dwave.conf in use."""
    path = Path(os.environ["DWAVE_CONFIG_FILE"])
    lines = "".join(f"{key} = {value}\n" for key, value in settings.items())
    path.write_text(path.read_text(encoding="utf-8") + lines, encoding="utf-8")


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def qpu_solver(pegasus_size: int = 6, name: str | None = None) -> dict[str, Any]:
    """A Pegasus QPU as Leap describes it (dwave-cloud-client's own mock data), with the
    parameters and timing model qanneal uses."""
    from dwave.cloud.testing import mocks

    extra = {"name": name} if name else {}
    data = mocks.qpu_pegasus_solver_data(
        pegasus_size, problem_timing_data=mocks.qpu_problem_timing_data("advantage"), **extra
    )
    data["properties"]["parameters"] = {key: f"{key} (mock)" for key in QPU_PARAMETERS}
    data["properties"].update(
        default_annealing_time=20.0,
        max_anneal_schedule_points=12,
        max_h_gain_schedule_points=20,
        annealing_time_range=[0.5, 2000.0],
        problem_run_duration_range=[0.0, 1000000.0],
        default_programming_thermalization=1000.0,
        default_readout_thermalization=0.0,
        chip_id=data["identity"]["name"],
    )
    return data


def hybrid_solver() -> dict[str, Any]:
    """A hybrid BQM solver as Leap describes it."""
    from dwave.cloud.testing import mocks

    data = mocks.hybrid_bqm_solver_data(
        name="hybrid_binary_quadratic_model_version2",
        minimum_time_limit=[[1, 3.0], [1024, 3.0], [4096, 10.0]],
    )
    data["properties"]["parameters"]["label"] = "Problem label."
    return data


@dataclass
class Fault:
    route: str
    kind: str  # "status", "reset" or "slow"
    times: int
    status: int = 503
    retry_after: float | None = None
    delay: float = 0.0


@dataclass
class Problem:
    id: str
    label: str | None
    solver: dict[str, Any]
    type: str
    params: dict[str, Any]
    data: dict[str, Any]
    submitted_on: str
    outcome: tuple[str, str] = ("COMPLETED", "")
    hidden_lookups: int = 0
    status: str = "PENDING"
    solved_on: str | None = None
    answer: dict[str, Any] | None = None
    error_message: str | None = None
    seed: int = 0
    polls_left: int = 0
    states: bytes | None = None  # an NL answer's states file

    def summary(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "type": self.type,
            "solver": self.solver,
            "label": self.label,
            "status": self.status,
            "submitted_on": self.submitted_on,
        }
        if self.solved_on:
            out["solved_on"] = self.solved_on
        if self.error_message:
            out["error_message"] = self.error_message
        return out


@dataclass
class Upload:
    size: int
    parts: dict[int, bytes] = field(default_factory=dict)
    done: bool = False


class SapiService:
    """The SAPI service on a pytest-httpserver ``server`` (threaded, 127.0.0.1)."""

    def __init__(
        self, server: HTTPServer, *, tokens: set[str], seed: int = 0, pegasus_size: int = 6
    ) -> None:
        self.server = server
        self.tokens = set(tokens)
        self.seed = seed
        self.solvers = {d["identity"]["name"]: d for d in (qpu_solver(pegasus_size),)}
        for hybrid in (hybrid_solver(), cqm_solver(), nl_solver()):
            self.solvers[hybrid["identity"]["name"]] = hybrid
        self.problems: dict[str, Problem] = {}
        self.forgotten: set[str] = set()
        self.uploads: dict[str, Upload] = {}
        self.faults: list[Fault] = []
        self.outcomes: collections.deque[tuple[str, str]] = collections.deque()
        self.lags: collections.deque[int] = collections.deque()
        self.hooks: dict[str, list[Callable[[str], None]]] = collections.defaultdict(list)
        self.requests: collections.Counter[str] = collections.Counter()
        self.errors: list[str] = []
        self.num_sweeps = 200
        self.pending_polls = 1  # status polls that still see a new problem PENDING
        self._counter = itertools.count(1)
        self._changed = threading.Condition()
        # werkzeug's request log would add a stderr handler bound to whatever sys.stderr is
        # at the time (a CLI runner's): keep it quiet unless something goes wrong
        log = logging.getLogger("werkzeug")
        log.setLevel(logging.WARNING)
        if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
            log.addHandler(logging.NullHandler())
        server.expect_request(re.compile(f"^{re.escape(PREFIX)}.*")).respond_with_handler(
            self.handle
        )

    # ---- what tests configure ------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        return str(self.server.url_for(PREFIX))

    @property
    def qpu_name(self) -> str:
        return next(n for n, d in self.solvers.items() if d["properties"]["category"] == "qpu")

    def fault(self, route: str, kind: str, times: int = 1, **options: Any) -> None:
        """Make the next ``times`` requests of ``route`` fail with ``kind``."""
        if route not in ROUTES or kind not in ("status", "reset", "slow"):
            raise ValueError(f"unknown fault {route!r}/{kind!r}")
        with self._changed:
            self.faults.append(Fault(route, kind, times, **options))

    def outcome(self, status: str, message: str = "", times: int = 1) -> None:
        """The next ``times`` problems end ``status`` (FAILED or CANCELLED)."""
        with self._changed:
            self.outcomes.extend([(status, message)] * times)

    def lag(self, lookups: int, times: int = 1) -> None:
        """The next ``times`` problems stay out of the next ``lookups`` label lookups."""
        with self._changed:
            self.lags.extend([lookups] * times)

    def on(self, step: str, hook: Callable[[str], None]) -> None:
        """Call ``hook(problem_id)`` when ``step`` happens."""
        self.hooks[step].append(hook)

    def hold(self) -> None:
        """New problems stay PENDING until :meth:`release` (each poll waits a little)."""
        self.pending_polls = 10**9

    def release(self) -> None:
        """Held problems are solved at their next poll."""
        with self._changed:
            self.pending_polls = 1
            for problem in self.problems.values():
                problem.polls_left = 0

    def forget(self, problem_id: str) -> None:
        """Leap no longer keeps this problem (answers expire)."""
        with self._changed:
            self.problems.pop(problem_id, None)
            self.forgotten.add(problem_id)

    def by_label(self) -> collections.Counter[str]:
        """How many problems reached the service under each label."""
        with self._changed:
            return collections.Counter(p.label or "" for p in self.problems.values())

    def duplicates(self) -> int:
        """Problems submitted more than once (same label)."""
        return sum(n - 1 for n in self.by_label().values() if n > 1)

    # ---- request handling ----------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        try:
            return self._handle(request)
        except Exception as error:  # a bug of the service: recorded, the test checks it
            self.errors.append(f"{request.method} {request.path}: {error!r}")
            raise

    def _handle(self, request: Request) -> Response:
        if request.headers.get("X-Auth-Token") not in self.tokens:
            return self._error(401, "Invalid token or access denied")
        path = request.path[len(PREFIX) :].strip("/")
        route, action = self._route(request.method, path, request)
        self.requests[route] += 1
        fault = self._take_fault(route)
        if fault is not None and fault.kind == "status":
            return self._error(fault.status, "injected failure", fault.retry_after)
        if fault is not None and fault.kind == "reset" and route != "submit":
            return self._drop(request)
        response = action()
        if fault is not None and fault.kind == "reset":  # submit: stored, then dropped
            return self._drop(request)
        if fault is not None and fault.kind == "slow":
            time.sleep(min(fault.delay, MAX_WAIT_S))
        return response

    def _route(self, method: str, path: str, request: Request) -> tuple[str, Callable[[], Any]]:
        parts = path.split("/")
        if parts[:2] == ["solvers", "remote"]:
            return "solvers", lambda: self._solvers(request, parts[2] if len(parts) > 2 else None)
        if parts[:2] == ["bqm", "multipart"]:
            return "upload", lambda: self._upload(method, parts[2:], request)
        if parts[0] == "problems" and method == "POST":
            return "submit", lambda: self._submit(request)
        if parts[0] == "problems" and method == "DELETE":
            ids = [parts[1]] if len(parts) > 1 else json.loads(request.get_data() or b"[]")
            return "cancel", lambda: self._cancel(request, ids, single=len(parts) > 1)
        if parts[0] == "problems" and parts[2:4] == ["answer", "data"]:
            return "download", lambda: self._download(parts[1])
        if parts[0] == "problems" and len(parts) > 1:
            return "answer", lambda: self._answer(request, parts[1])
        if parts[0] == "problems" and "label" in request.args:
            return "label", lambda: self._labelled(request, request.args["label"])
        if parts[0] == "problems":
            return "poll", lambda: self._poll(request)
        return "unknown", lambda: self._error(404, f"no route {method} {path}")

    def _take_fault(self, route: str) -> Fault | None:
        with self._changed:
            for fault in self.faults:
                if fault.route == route and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    @staticmethod
    def _json(request: Request, body: Any, status: int = 200) -> Response:
        accept = request.headers.get("Accept", "application/json").split(";")[0].strip()
        media = accept if accept.startswith("application/vnd.dwave") else "application/json"
        return Response(json.dumps(body), status=status, content_type=f"{media}; version=3.0.0")

    @staticmethod
    def _error(status: int, message: str, retry_after: float | None = None) -> Response:
        headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
        body = json.dumps({"error_code": status, "error_msg": message})
        return Response(body, status=status, content_type="application/json", headers=headers)

    @staticmethod
    def _drop(request: Request) -> Response:
        """Drop the connection without an answer (the client sees it reset)."""
        connection = request.environ.get("werkzeug.socket")
        if connection is not None:
            connection.shutdown(socket.SHUT_RDWR)
        return Response(b"", status=500)

    def _fire(self, step: str, problem_id: str) -> None:
        for hook in list(self.hooks.get(step, [])):
            hook(problem_id)

    # ---- solvers ---------------------------------------------------------------------------

    def _solvers(self, request: Request, name: str | None) -> Response:
        with self._changed:
            if name is None:
                return self._json(request, list(self.solvers.values()))
            if name not in self.solvers:
                return self._error(404, f"Solver {name!r} not found")
            return self._json(request, self.solvers[name])

    # ---- problems ----------------------------------------------------------------------------

    def _submit(self, request: Request) -> Response:
        body = request.get_data()
        if request.headers.get("Content-Encoding") == "deflate":
            body = zlib.decompress(body)
        jobs = json.loads(body)
        statuses = []
        for job in jobs:
            name = job["solver"]["name"]
            if name not in self.solvers:
                statuses.append({"error_code": 404, "error_msg": f"solver {name!r} not found"})
                continue
            problem = self._store(job)
            statuses.append(problem.summary())
            self._fire("submitted", problem.id)
        response = self._json(request, statuses)
        for status in statuses:
            if "id" in status:
                response.call_on_close(lambda pid=status["id"]: self._fire("id-returned", pid))
        return response

    def _store(self, job: dict[str, Any]) -> Problem:
        with self._changed:
            count = next(self._counter)
            problem = Problem(
                id=str(uuid.UUID(int=(self.seed << 64) + count)),
                label=job.get("label"),
                solver=self.solvers[job["solver"]["name"]]["identity"],
                type=job["type"],
                params=job.get("params", {}),
                data=job["data"],
                submitted_on=_now(),
                outcome=self.outcomes.popleft() if self.outcomes else ("COMPLETED", ""),
                hidden_lookups=self.lags.popleft() if self.lags else 0,
                seed=(self.seed * 1_000_003 + count) % 2**31,
                polls_left=self.pending_polls,
            )
            self.problems[problem.id] = problem
            self._changed.notify_all()
        return problem

    def _finish(self, problem: Problem) -> None:
        """Solve a pending problem (called with the lock held)."""
        if problem.status != "PENDING":
            return
        status, message = problem.outcome
        problem.solved_on = _now()
        if status == "COMPLETED":
            try:
                problem.answer = self._sample(problem)
            except TooLarge as refused:
                status, message = "FAILED", str(refused)
        elif status == "FAILED":
            problem.error_message = message or "Internal error on the QPU"
        problem.status = status

    def _poll(self, request: Request) -> Response:
        """Statuses; a problem is solved once it has been polled ``pending_polls`` times
        (a held one waits :data:`HELD_POLL_S` per poll, as a long poll would)."""
        ids = [i for i in request.args.get("id", "").split(",") if i]
        with self._changed:
            known = [self.problems[i] for i in ids if i in self.problems]
            for problem in known:
                if problem.polls_left > 0:
                    problem.polls_left -= 1
                else:
                    self._finish(problem)
            if not ids:
                known = list(self.problems.values())
            statuses = [p.summary() for p in known]
        for problem_id in ids:
            self._fire("polled", problem_id)
        if ids and all(s["status"] == "PENDING" for s in statuses):  # a short long-poll
            time.sleep(min(float(request.args.get("timeout", 0) or 0), HELD_POLL_S))
        return self._json(request, statuses)

    def _answer(self, request: Request, problem_id: str) -> Response:
        with self._changed:
            problem = self.problems.get(problem_id)
            if problem is None:
                return self._error(404, f"Problem {problem_id} not found")
            self._finish(problem)
            body = problem.summary()
            if problem.answer is not None:
                body["answer"] = problem.answer
                body["params"] = problem.params
        response = self._json(request, body)
        if problem.answer is not None:
            response.call_on_close(lambda: self._fire("answered", problem_id))
        return response

    def _download(self, problem_id: str) -> Response:
        """An NL answer's states file (the ``binary-ref`` URL of its answer)."""
        with self._changed:
            problem = self.problems.get(problem_id)
            data = problem.states if problem is not None else None
        if data is None:
            return self._error(404, f"no answer data for problem {problem_id}")
        return Response(data, status=200, content_type="application/octet-stream")

    def _labelled(self, request: Request, label: str) -> Response:
        with self._changed:
            found = []
            for problem in self.problems.values():
                if problem.label != label:
                    continue
                if problem.hidden_lookups > 0:  # listing lag: not visible yet
                    problem.hidden_lookups -= 1
                    continue
                found.append(problem.summary())
        return self._json(request, found)

    def _cancel(self, request: Request, ids: list[str], *, single: bool) -> Response:
        statuses = []
        with self._changed:
            for problem_id in ids:
                problem = self.problems.get(problem_id)
                if problem is None:
                    statuses.append({"error_code": 404, "error_msg": "Problem not found"})
                    continue
                if problem.status == "PENDING":
                    problem.status, problem.solved_on = "CANCELLED", _now()
                statuses.append(problem.summary())
        return self._json(request, statuses[0] if single else statuses)

    # ---- multipart upload ----------------------------------------------------------------------

    def _upload(self, method: str, parts: list[str], request: Request) -> Response:
        if method == "POST" and not parts:
            upload_id = str(uuid.uuid4())
            with self._changed:
                self.uploads[upload_id] = Upload(size=int(request.get_json()["size"]))
            return self._json(request, {"id": upload_id})
        upload = self.uploads.get(parts[0])
        if upload is None:
            return self._error(404, "upload not found")
        if method == "PUT" and parts[1] == "part":
            data = request.get_data()
            digest = base64.b64encode(hashlib.md5(data).digest()).decode()
            if request.headers.get("Content-MD5") != digest:
                return self._error(400, "Content-MD5 mismatch")
            upload.parts[int(parts[2])] = data
            return self._json(request, {})
        if parts[1] == "status":
            listing = [
                {"part_number": n, "checksum": hashlib.md5(d).hexdigest()}
                for n, d in sorted(upload.parts.items())
            ]
            state = "UPLOAD_COMPLETED" if upload.done else "UPLOAD_IN_PROGRESS"
            return self._json(request, {"status": state, "parts": listing})
        if parts[1] == "combine":
            digests = "".join(hashlib.md5(d).hexdigest() for _, d in sorted(upload.parts.items()))
            expected = hashlib.md5(bytes.fromhex(digests)).hexdigest()
            if request.get_json()["checksum"] != expected:
                return self._error(400, "combined checksum mismatch")
            upload.done = True
            self._fire("uploaded", parts[0])
            return self._json(request, {})
        return self._error(404, "unknown upload request")

    # ---- sampling ------------------------------------------------------------------------------

    def _uploaded(self, problem: Problem) -> bytes:
        upload = self.uploads[problem.data["data"]]
        return b"".join(d for _, d in sorted(upload.parts.items()))

    def _sample(self, problem: Problem) -> dict[str, Any]:
        from dwave.samplers import SimulatedAnnealingSampler

        if problem.type == "cqm":
            return answer_cqm(self._uploaded(problem), problem.params)
        if problem.type == "nl":
            keep = self.solvers[problem.solver["name"]]["properties"]["maximum_number_of_states"]
            problem.states = answer_nl(self._uploaded(problem), problem.params, problem.seed, keep)
            return {
                "format": "binary-ref",
                "auth_method": "sapi-token",
                "url": f"{self.endpoint}problems/{problem.id}/answer/data/",
                "timing": hybrid_timing(problem.params),
                "shape": {},
            }
        bqm, active = self._decode(problem)
        reads = int(problem.params.get("num_reads", 1))
        sampler = SimulatedAnnealingSampler()
        if problem.type == "bqm":
            answer = sampler.sample(bqm, num_reads=5, seed=problem.seed, num_sweeps=self.num_sweeps)
            answer.info.update(hybrid_timing(problem.params))
            return {"format": "bq", "data": answer.to_serializable(use_bytes=False)}
        answer = sampler.sample(bqm, num_reads=reads, seed=problem.seed, num_sweeps=self.num_sweeps)
        if problem.params.get("answer_mode", "histogram") == "histogram":
            answer = answer.aggregate()
        return self._encode_qp(problem, answer, active)

    def _decode(self, problem: Problem) -> tuple[dimod.BQM, list[int]]:
        if problem.type == "bqm":
            return dimod.BQM.from_file(io.BytesIO(self._uploaded(problem))), []
        properties = self.solvers[problem.solver["name"]]["properties"]
        qubits = properties["qubits"]
        linear = np.frombuffer(base64.b64decode(problem.data["lin"]), dtype="<f8")
        active = [q for q, h in zip(qubits, linear, strict=True) if not np.isnan(h)]
        present = set(active)
        couplers = [tuple(c) for c in properties["couplers"] if c[0] in present and c[1] in present]
        quad = np.frombuffer(base64.b64decode(problem.data["quad"]), dtype="<f8")
        vartype = dimod.SPIN if problem.type == "ising" else dimod.BINARY
        bqm = dimod.BQM(vartype)
        bqm.add_variables_from((q, h) for q, h in zip(qubits, linear, strict=True) if q in present)
        bqm.add_interactions_from(
            (u, v, j) for (u, v), j in zip(couplers, quad, strict=True) if j != 0
        )
        return bqm, active

    def _encode_qp(
        self, problem: Problem, answer: dimod.SampleSet, active: list[int]
    ) -> dict[str, Any]:
        samples = answer.record.sample[:, [answer.variables.index(q) for q in active]]
        bits = (samples > 0).astype(np.uint8)
        occurrences = answer.record.num_occurrences.astype("<i4")
        reads = int(occurrences.sum())
        properties = self.solvers[problem.solver["name"]]["properties"]
        anneal = float(problem.params.get("annealing_time", 20.0))
        timing = {
            "qpu_sampling_time": reads * (anneal + 100.0),
            "qpu_anneal_time_per_sample": anneal,
            "qpu_readout_time_per_sample": 80.0,
            "qpu_access_time": 15000.0 + reads * (anneal + 100.0),
            "qpu_access_overhead_time": 1000.0,
            "qpu_programming_time": 15000.0,
            "qpu_delay_time_per_sample": 20.54,
            "total_post_processing_time": 100.0,
            "post_processing_overhead_time": 100.0,
        }
        return {
            "format": "qp",
            "num_variables": int(properties["num_qubits"]),
            "active_variables": base64.b64encode(np.asarray(active, "<i4").tobytes()).decode(),
            "energies": base64.b64encode(answer.record.energy.astype("<f8").tobytes()).decode(),
            "solutions": base64.b64encode(np.packbits(bits, axis=1).tobytes()).decode(),
            "num_occurrences": base64.b64encode(occurrences.tobytes()).decode(),
            "timing": timing,
        }
