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

How the solvers are described and how their problems are answered (simulated annealing of
the embedded QPU problem or the uploaded BQM, enumeration of a CQM, a search over an NL
model's states) is sapi_answers.py; sapi_setup.py configures the real client to reach the
service as a user configures Ocean. Every request needs the token in ``X-Auth-Token``.

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
import hashlib
import itertools
import json
import logging
import re
import socket
import threading
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from sapi_answers import (
    TooLarge,
    answer_bqm,
    answer_cqm,
    answer_nl,
    answer_qpu,
    cqm_solver,
    hybrid_solver,
    hybrid_timing,
    nl_solver,
    qpu_solver,
)
from werkzeug import Request, Response

PREFIX = "/sapi/v2/"
MAX_WAIT_S = 3.0  # longest any request is held (slow responses)
HELD_POLL_S = 0.2  # how long a long poll waits on a problem that stays pending
ROUTES = ("solvers", "submit", "poll", "answer", "download", "label", "upload", "cancel")


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


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
        properties = self.solvers[problem.solver["name"]]["properties"]
        if problem.type in ("ising", "qubo"):
            return answer_qpu(problem, properties, self.num_sweeps)
        data = self._uploaded(problem)
        if problem.type == "bqm":
            return answer_bqm(data, problem.params, problem.seed, self.num_sweeps)
        if problem.type == "cqm":
            return answer_cqm(data, problem.params)
        keep = properties["maximum_number_of_states"]
        problem.states = answer_nl(data, problem.params, problem.seed, keep)
        return {
            "format": "binary-ref",
            "auth_method": "sapi-token",
            "url": f"{self.endpoint}problems/{problem.id}/answer/data/",
            "timing": hybrid_timing(problem.params),
            "shape": {},
        }
