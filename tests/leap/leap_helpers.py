"""Helpers of the Leap tests: small problem files, a CLI runner, and a fake Leap
connection that injects failures at a chosen stage on top of the offline mock.

Nothing here reaches the network: every connector is the mock, a fake, or (for the
missing-token case) the real cloud client failing on its configuration.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from qanneal.leap import client
from qanneal.leap.mock import MockConnection
from qanneal_cli.main import cli

# shaped like a Leap token (prefix, dash, 40 hex digits); it must never be printed or saved
TOKEN = "QAN-0123456789abcdef0123456789abcdef01234567"
SMALL = {"pegasus_size": 6}  # a 680-qubit Pegasus graph: embeddings in milliseconds

SLACK = """\
description = "perceptron slack QUBO for the Leap tests"

[model]
type = "perceptron"
inputs = 5

[data]
source = "random"
patterns = 3
seed = 2

[loss]
type = "errors"

[formulation]
type = "slack"

[solve]
sampler = "mock-qpu"
num_reads = 20
num_sweeps = 200
seed = 4

[solve.params]
pegasus_size = 6
"""

# the same problem for the real QPU samplers (no mock-only parameter)
QPU_SLACK = SLACK.replace("[solve.params]\npegasus_size = 6\n", "")

HIDDEN = """\
description = "BiNN 3-2-1 with hidden-unit spins, reduced to a BQM for the QPU"

[model]
type = "binn"
inputs = 3
hidden = [3]
bias = false

[data]
source = "teacher"
patterns = 2
seed = 2

[loss]
type = "errors"

[formulation]
type = "hidden"

[solve]
sampler = "mock-qpu"
num_reads = 20
num_sweeps = 500
seed = 3

[solve.params]
pegasus_size = 6
"""


def run(*args: Any) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True)


def ok(*args: Any) -> Result:
    result = run(*args)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def fails(*args: Any) -> str:
    """stderr of a command that must fail cleanly: exit 2, one `error:` line."""
    result = run(*args)
    assert result.exit_code == 2, (result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def solve_json(problem: Path, out: Path, *extra: Any) -> dict[str, Any]:
    return dict(json.loads(ok("solve", problem, "--out", out, "--json", *extra).stdout))


class Faults:
    """Which stage fails, how many more times, and how (an exception factory)."""

    def __init__(self, stage: str | None = None, times: int = 1, error: Any = None) -> None:
        self.stage, self.times, self.error = stage, times, error

    def hit(self, stage: str) -> bool:
        if self.stage == stage and self.times > 0:
            self.times -= 1
            return True
        return False


class _FailingResult:
    def __init__(self, error: BaseException) -> None:
        self.problem_id = "unused"
        self.error = error

    def result(self) -> Any:
        raise self.error


class FaultyConnection:
    """The mock QPU with failures injected at 'upload', 'id', 'poll' or 'retrieve'.

    - upload: the upload fails before Leap has anything (NotSubmitted, transient);
    - id: Leap got the problem but the response with its id is lost (MaybeSubmitted);
    - poll: the id arrives, waiting for the answer fails;
    - retrieve: a later retrieve_answer fails.
    """

    def __init__(self, inner: MockConnection, faults: Faults) -> None:
        self.inner, self.faults = inner, faults
        for name in ("solver_name", "graph_id", "category", "properties", "nodelist", "edgelist"):
            setattr(self, name, getattr(inner, name))

    def submit(
        self, bqm: Any, label: str, params: dict[str, Any], before_submit: Any = None
    ) -> Any:
        from dwave.cloud.exceptions import ProblemUploadError, RequestTimeout

        if self.faults.hit("upload"):
            raise client.classify(ProblemUploadError("upload of problem data failed"))
        if self.faults.hit("id"):
            self.inner.submit(bqm, label, params)  # it reached Leap
            raise client.classify(RequestTimeout("read timed out waiting for the problem id"))
        submitted = self.inner.submit(bqm, label, params)
        if self.faults.hit("poll"):
            error = self.faults.error() if self.faults.error else None
            if error is None:
                from dwave.cloud.exceptions import PollingTimeout

                error = PollingTimeout("polling timed out")
            failing = _FailingResult(error)
            failing.problem_id = submitted.problem_id
            return failing
        return submitted

    def retrieve(self, problem_id: str) -> Any:
        from dwave.cloud.exceptions import RequestTimeout

        if self.faults.hit("retrieve"):
            raise RequestTimeout("read timed out")
        return self.inner.retrieve(problem_id)

    def find(self, label: str) -> list[str]:
        return self.inner.find(label)

    def validate(self, params: dict[str, Any]) -> None:
        self.inner.validate(params)

    def estimate_us(self, *args: Any) -> float:
        return self.inner.estimate_us(*args)

    def close(self) -> None:
        pass


def on_server(out: Path) -> int:
    """Problems the (mock) Leap holds: each submission that reached it."""
    return len(list((out / "mock-leap").glob("*.json")))


def all_bytes(directory: Path) -> bytes:
    """Every file under ``directory``, concatenated (for secret scans)."""
    return b"".join(p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file())


class FakeHybrid:
    """A Leap hybrid solver stand-in: SA on the logical BQM, answers kept on disk like the
    mock QPU's, ``minimum_time_limit`` as the real solver publishes it."""

    category = "hybrid"
    solver_name = "hybrid_binary_quadratic_model_version2"

    def __init__(self, store: Path, seed: int = 0) -> None:
        self.nodelist: list[int] = []
        self.edgelist: list[tuple[int, int]] = []
        self.store = MockConnection.__new__(MockConnection)
        self.store.store = Path(store) / "mock-leap"
        self.seed = seed
        self.properties = {"minimum_time_limit": [[1, 3.0], [1024, 3.0], [4096, 10.0]]}
        self.calls: list[dict[str, Any]] = []

    def submit(
        self, bqm: Any, label: str, params: dict[str, Any], before_submit: Any = None
    ) -> Any:
        import json as _json
        import uuid

        from dwave.samplers import SimulatedAnnealingSampler

        from qanneal.files import write_new_file

        self.calls.append(params)
        answer = SimulatedAnnealingSampler().sample(bqm, num_reads=5, seed=self.seed)
        problem_id = str(uuid.uuid4())
        answer.info.update(problem_id=problem_id, timing={"run_time": params["time_limit"] * 1e6})
        self.store.store.mkdir(parents=True, exist_ok=True)
        document = {"label": label, "sampleset": answer.to_serializable()}
        write_new_file(self.store.store / f"{problem_id}.json", _json.dumps(document))
        from qanneal.leap.mock import _MockSubmitted

        return _MockSubmitted(problem_id, answer)

    def retrieve(self, problem_id: str) -> Any:
        return self.store.retrieve(problem_id)

    def find(self, label: str) -> list[str]:
        return self.store.find(label)

    def validate(self, params: dict[str, Any]) -> None:
        pass

    def close(self) -> None:
        pass
