"""Credential and failure cases: each gives its one-line message and exit status 2, and the
API token never appears in any output, record, ledger or message."""

from __future__ import annotations

import dimod
import pytest
import requests
from dwave.cloud import exceptions as cloud
from leap_helpers import TOKEN, Faults, all_bytes, fails, ok

from qanneal.leap import client
from qanneal.leap.errors import redact, translate
from qanneal.leap.mock import MockConnection


def _refusing(error: BaseException):  # type: ignore[no-untyped-def]
    def connector(**_: object) -> None:
        raise error

    return connector


# what the cloud client raises while connecting, and the words our message must hold
CONNECT_FAILURES = [
    (cloud.SolverAuthenticationError(f"Invalid token {TOKEN}"), "authentication failure"),
    (
        cloud.SolverNotFoundError(f"Solver with the requested features not available ({TOKEN})"),
        "`dwave solvers`",
    ),
    (cloud.SolverOfflineError("solver Advantage_system4.1 is offline"), "offline"),
    (cloud.RequestTimeout(f"GET https://x/solvers?token={TOKEN} timed out"), "network timeout"),
    (requests.ConnectionError(f"Max retries exceeded (token={TOKEN})"), "cannot reach Leap"),
]


@pytest.mark.parametrize(("error", "words"), CONNECT_FAILURES)
@pytest.mark.parametrize("sampler", ["qpu", "hybrid"])
def test_connection_failures(
    qpu_file: object,
    out: object,
    monkeypatch: pytest.MonkeyPatch,
    error: BaseException,
    words: str,
    sampler: str,
) -> None:
    monkeypatch.setitem(client.CONNECTORS, sampler, _refusing(error))
    message = fails("solve", qpu_file, "--out", out, "--sampler", sampler)
    assert words in message
    assert TOKEN not in message


def test_no_token_uses_the_real_cloud_client(
    qpu_file: object, out: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No dwave.conf and no DWAVE_API_TOKEN: the cloud client's own ValueError, offline."""
    monkeypatch.delenv("DWAVE_API_TOKEN")
    for sampler in ("qpu", "qpu-clique", "hybrid"):
        message = fails("solve", qpu_file, "--out", out, "--sampler", sampler)
        assert "no D-Wave Leap API token is found" in message
        assert "dwave config create" in message and "mock-qpu" in message
    message = fails("inspect", qpu_file, "--sampler", "qpu")
    assert "no D-Wave Leap API token" in message


def test_polling_timeout_and_solver_failure(qpu_file: object, out: object, faults: Faults) -> None:
    faults.stage = "poll"
    assert "polling timeout" in fails("solve", qpu_file, "--out", out, "--sampler", "qpu")
    faults.stage, faults.times = "poll", 1
    faults.error = lambda: cloud.SolverFailureError(f"problem failed; token {TOKEN}")
    message = fails("solve", qpu_file, "--out", out, "--sampler", "qpu")
    assert "Leap failed the problem" in message and "marked failed" in message
    assert TOKEN not in message
    assert TOKEN.encode() not in all_bytes(out)


def test_problem_too_large_to_embed(tmp_path: object, out: object) -> None:
    from leap_helpers import SLACK

    path = tmp_path / "big.toml"  # type: ignore[operator]
    path.write_text(
        SLACK.replace("pegasus_size = 6", "pegasus_size = 2")
        .replace("inputs = 5", "inputs = 15")
        .replace("patterns = 3", "patterns = 8"),
        encoding="utf-8",
    )
    message = fails("solve", path, "--out", out, "--param", "embedding_tries=2")
    assert "no embedding found for" in message and "largest clique holds" in message
    assert "hybrid" in message


def test_solver_rejects_the_problem(
    qpu_file: object, out: object, faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: object, *args: object) -> object:
        raise client.classify(cloud.ProblemStructureError("Problem graph incompatible"))

    monkeypatch.setattr(MockConnection, "submit", refuse)
    message = fails("solve", qpu_file, "--out", out, "--sampler", "qpu")
    assert "too large or malformed" in message and "nothing reached Leap (1 tries)" in message


def test_token_never_written(qpu_file: object, out: object, faults: Faults) -> None:
    """A full run, a failed run and a fetch: the token is in no file and no output."""
    outputs = [ok("solve", qpu_file, "--out", out, "--json", "--sampler", "qpu").output]
    faults.stage = "id"
    outputs.append(fails("solve", qpu_file, "--out", out, "--sampler", "qpu"))
    outputs.append(ok("leap", "fetch", "--all-pending", "--out", out).output)
    outputs.append(ok("leap", "status", "--out", out, "--json").output)
    assert all(TOKEN not in text for text in outputs)
    assert TOKEN.encode() not in all_bytes(out)


def test_redaction_and_translation() -> None:
    assert TOKEN not in redact(f"bad token {TOKEN} here")
    assert redact("no secret here") == "no secret here"
    error = translate(RuntimeError(f"weird failure with {TOKEN}"), "run r1 is pending")
    assert TOKEN not in str(error) and str(error).endswith("run r1 is pending")
    assert "upload" in str(translate(cloud.ProblemUploadError("x")))
    assert "not sent again" not in str(translate(cloud.PollingTimeout()))
    assert "no longer has this problem" in str(translate(cloud.ProblemNotFoundError("gone")))


def test_leap_sampler_rejects_native_formulations() -> None:
    bqm = dimod.BQM({"a": 1.0}, {}, 0.0, "SPIN")
    from qanneal.samplers.leap import LeapSampler

    answer = LeapSampler("mock-qpu").sample(bqm, num_reads=2, seed=1, pegasus_size=2)
    assert answer.first.energy == -1.0
    with pytest.raises(ValueError, match="unknown Leap sampler"):
        LeapSampler("qpu2")
