"""The real cloud client (DWaveSampler, LeapHybridSampler, Client) against the local SAPI
service (sapi_service.py): qanneal's Leap modules run untouched, configured the way a user
configures Ocean (endpoint and token from the environment, tuning from dwave.conf)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from leap_helpers import TOKEN, all_bytes, fails, ok, run, solve_json
from sapi_answers import qpu_solver
from sapi_service import SapiService
from sapi_setup import client_settings

from qanneal.leap.ledger import Ledger
from qanneal.results import list_runs


def _only_run(out: Path) -> dict:
    (found,) = Ledger(out).runs()
    return found


def _pending(sapi: SapiService, problem: Path, out: Path, *extra: str) -> str:
    """A run left pending with its problem id known: Leap holds the problem past the
    client's polling_timeout."""
    sapi.hold()
    message = fails("solve", problem, "--out", out, "--sampler", "qpu", *extra)
    assert "polling timeout" in message and "pending" in message
    runs = [r for r in Ledger(out).runs() if r["state"] == "pending"]
    return str(runs[-1]["run_id"])


def _finished(out: Path, run_id: str) -> dict:
    record = json.loads(ok("leap", "fetch", run_id, "--out", out, "--json").stdout)
    assert Ledger(out).find_run(run_id)["state"] == "done"
    assert run_id in [r["run_id"] for r in list_runs(out)]
    return dict(record)


def test_qpu_end_to_end(qpu_file: Path, out: Path, sapi: SapiService) -> None:
    record = solve_json(qpu_file, out, "--sampler", "qpu")
    assert record["best"]["train_errors"] == 0
    assert record["leap"]["solver"] == sapi.qpu_name
    assert (
        record["leap"]["graph_id"] == sapi.solvers[sapi.qpu_name]["identity"]["version"]["graph_id"]
    )
    assert record["qpu"]["physical_qubits"] >= record["qpu"]["logical_qubits"]
    assert record["leap"]["qpu_timing_us"]["qpu_access_time"] > 0
    assert sapi.duplicates() == 0 and sum(sapi.by_label().values()) == 1
    assert _only_run(out)["state"] == "done"
    # timing: integer ns for the embedding, submit -> answer and the whole call
    timing = record["timing"]
    assert {"embedding_ns", "sampling_ns", "total_ns"} <= timing.keys()
    assert all(isinstance(timing[k], int) for k in ("embedding_ns", "sampling_ns", "total_ns"))
    assert timing["total_ns"] >= timing["embedding_ns"] + timing["sampling_ns"]
    assert timing["total_s"] == pytest.approx(timing["total_ns"] / 1e9)
    ok("leap", "fetch", record["run_id"], "--out", out)
    assert sum(sapi.by_label().values()) == 1


def test_hybrid_end_to_end(qpu_file: Path, out: Path, sapi: SapiService) -> None:
    record = solve_json(qpu_file, out, "--sampler", "hybrid")
    assert record["best"]["train_errors"] == 0 and record["qpu"] is None
    assert sapi.requests["upload"] >= 4  # multipart: initiate, status, part(s), combine
    submission = Ledger(out).submissions(record["run_id"])[0]
    assert submission["state"] == "answered" and submission["problem_id"]
    assert record["leap"]["problem_ids"] == [submission["problem_id"]]


# ---- finding 1: the solver is pinned in the plan and checked at fetch ----------------------


def test_fetch_uses_the_planned_solver(qpu_file: Path, out: Path, sapi: SapiService) -> None:
    """A larger QPU appears while a run is pending: the run is finished on its own solver."""
    client_settings(polling_timeout=1)
    run_id = _pending(sapi, qpu_file, out)
    planned = sapi.qpu_name
    sapi.solvers = {"Advantage_bigger": qpu_solver(8, name="Advantage_bigger"), **sapi.solvers}
    sapi.release()
    record = _finished(out, run_id)
    assert record["leap"]["solver"] == planned
    assert record["best"]["train_errors"] == 0 and sum(sapi.by_label().values()) == 1


def test_fetch_refuses_a_changed_working_graph(
    qpu_file: Path, out: Path, sapi: SapiService
) -> None:
    client_settings(polling_timeout=1)
    run_id = _pending(sapi, qpu_file, out)
    sapi.solvers[sapi.qpu_name]["identity"]["version"]["graph_id"] = "recalibrated"
    sapi.release()
    message = fails("leap", "fetch", run_id, "--out", out)
    assert "graph recalibrated" in message and "do not fit" in message
    assert Ledger(out).find_run(run_id)["state"] == "pending"


def test_fetch_when_the_solver_no_longer_exists(
    qpu_file: Path, out: Path, sapi: SapiService
) -> None:
    client_settings(polling_timeout=1)
    run_id = _pending(sapi, qpu_file, out)
    del sapi.solvers[sapi.qpu_name]
    message = fails("leap", "fetch", run_id, "--out", out)
    assert "no longer offers" in message and run_id in message


# ---- finding 2: nothing is sent again while Leap may have it --------------------------------


def test_label_lookup_miss_is_not_resubmitted(qpu_file: Path, out: Path, sapi: SapiService) -> None:
    """The response to the submit is lost (slower than the client's timeout) and Leap's
    problem list lags: fetch waits for the label to show up instead of paying twice."""
    sapi.fault("submit", "slow", delay=2.5)
    sapi.lag(lookups=2)
    assert "may have reached Leap" in fails("solve", qpu_file, "--out", out, "--sampler", "qpu")
    run_id = _only_run(out)["run_id"]
    for _ in range(2):
        assert "may be on Leap" in fails("leap", "fetch", run_id, "--out", out)
    status = json.loads(ok("leap", "status", "--out", out, "--json").stdout)
    assert status[0]["state"] == "pending" and status[0]["submission_states"] == ["submitting"]
    _finished(out, run_id)
    assert sapi.duplicates() == 0 and sum(sapi.by_label().values()) == 1


def test_resubmit_on_the_users_word(qpu_file: Path, out: Path, sapi: SapiService) -> None:
    """A 502 on submit: Leap may have the problem; it never shows up, and the user sends it
    again with --resubmit, which the ledger records."""
    sapi.fault("submit", "status", status=502)
    assert "may have reached Leap" in fails("solve", qpu_file, "--out", out, "--sampler", "qpu")
    run_id = _only_run(out)["run_id"]
    assert "--resubmit" in fails("leap", "fetch", run_id, "--out", out)
    assert sum(sapi.by_label().values()) == 0
    record = json.loads(ok("leap", "fetch", "--resubmit", run_id, "--out", out, "--json").stdout)
    assert record["best"]["train_errors"] == 0
    (submission,) = Ledger(out).submissions(run_id)
    assert submission["detail"]["resubmitted"][0]["state"] == "submitting"
    assert "resubmission 1" in submission["label"]
    assert sum(sapi.by_label().values()) == 1


def test_connection_dropped_after_the_submit_is_not_resent(
    qpu_file: Path, out: Path, sapi: SapiService
) -> None:
    """Leap stores the problem and the connection drops before the response."""
    sapi.fault("submit", "reset")
    assert "may have reached Leap" in fails("solve", qpu_file, "--out", out, "--sampler", "qpu")
    _finished(out, _only_run(out)["run_id"])
    assert sapi.duplicates() == 0 and sum(sapi.by_label().values()) == 1


# ---- finding 3: failed runs are marked failed, and fetch goes on ---------------------------


def test_failed_run_is_marked_and_fetch_goes_on(
    qpu_file: Path, out: Path, sapi: SapiService
) -> None:
    client_settings(polling_timeout=1)
    sapi.outcome("FAILED", "QPU calibration in progress")
    failing = _pending(sapi, qpu_file, out)
    fine = _pending(sapi, qpu_file, out, "--seed", "11")
    sapi.release()
    result = run("leap", "fetch", "--all-pending", "--out", out)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and failing in lines[0] and "QPU calibration" in lines[0]
    assert fine in result.stdout
    assert Ledger(out).find_run(fine)["state"] == "done"
    failed = Ledger(out).find_run(failing)
    assert failed["state"] == "failed" and "QPU calibration" in failed["error"]
    assert Ledger(out).submissions(failing)[0]["state"] == "failed"
    status = ok("leap", "status", "--out", out).stdout
    assert "reason: Leap failed the problem: QPU calibration in progress" in status
    # the next fetch does not stop at it either, and does not send it again by itself
    assert "--resubmit" in fails("leap", "fetch", failing, "--out", out)
    assert ok("leap", "fetch", "--all-pending", "--out", out).stdout.strip() == "nothing pending"
    assert sum(sapi.by_label().values()) == 2


def test_cancelled_problem(qpu_file: Path, out: Path, sapi: SapiService) -> None:
    sapi.outcome("CANCELLED")
    message = fails("solve", qpu_file, "--out", out, "--sampler", "qpu")
    assert "cancelled on Leap" in message and "marked failed" in message
    assert _only_run(out)["state"] == "failed"


# ---- faults the client rides out ------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "kind", "options"),
    [
        ("poll", "status", {"status": 429, "retry_after": 1}),
        ("poll", "status", {"status": 503, "retry_after": 1}),
        ("poll", "status", {"status": 502}),
        ("poll", "reset", {}),
        ("poll", "slow", {"delay": 2.5}),
        ("answer", "reset", {}),
        ("submit", "status", {"status": 429, "retry_after": 1}),
        ("submit", "status", {"status": 503}),
        ("solvers", "status", {"status": 503, "retry_after": 1}),
    ],
)
def test_transient_faults_are_ridden_out(
    qpu_file: Path, out: Path, sapi: SapiService, route: str, kind: str, options: dict
) -> None:
    sapi.fault(route, kind, **options)
    record = solve_json(qpu_file, out, "--sampler", "qpu")
    assert record["best"]["train_errors"] == 0
    assert sapi.duplicates() == 0 and sum(sapi.by_label().values()) == 1


def test_service_unavailable_before_anything_is_sent(
    qpu_file: Path, out: Path, sapi: SapiService
) -> None:
    sapi.fault("solvers", "status", status=503)
    message = fails("solve", qpu_file, "--out", out, "--sampler", "qpu")
    assert "HTTP 503" in message and "try again later" in message
    assert Ledger(out).runs() == []


def test_connection_resets_throughout_polling(qpu_file: Path, out: Path, sapi: SapiService) -> None:
    """More resets than the client's HTTP retries: qanneal has the problem id and retrieves
    the answer itself."""
    sapi.fault("poll", "reset", times=3)
    record = solve_json(qpu_file, out, "--sampler", "qpu")
    assert record["best"]["train_errors"] == 0 and sum(sapi.by_label().values()) == 1


def test_hybrid_upload_faults(qpu_file: Path, out: Path, sapi: SapiService) -> None:
    sapi.fault("upload", "status", status=503, times=2)
    record = solve_json(qpu_file, out, "--sampler", "hybrid")
    assert record["best"]["train_errors"] == 0 and sum(sapi.by_label().values()) == 1


# ---- what a user can get wrong, and what Leap no longer has ----------------------------------


def test_bad_credentials(qpu_file: Path, out: Path, sapi: SapiService, monkeypatch) -> None:
    monkeypatch.setenv("DWAVE_API_TOKEN", "QAN-" + "f" * 40)
    for sampler in ("qpu", "hybrid"):
        message = fails("solve", qpu_file, "--out", out, "--sampler", sampler)
        assert "refused the API token" in message and "f" * 40 not in message


def test_unreachable_endpoint(qpu_file: Path, out: Path, sapi: SapiService, monkeypatch) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("DWAVE_API_ENDPOINT", f"http://127.0.0.1:{port}/sapi/v2/")
    message = fails("solve", qpu_file, "--out", out, "--sampler", "qpu")
    assert "cannot reach Leap" in message


def test_configured_solver_does_not_exist(
    qpu_file: Path, out: Path, sapi: SapiService, monkeypatch
) -> None:
    monkeypatch.setenv("DWAVE_API_SOLVER", "Advantage_system99.9")
    message = fails("solve", qpu_file, "--out", out, "--sampler", "qpu")
    assert "no D-Wave solver matches" in message and "dwave solvers" in message


def test_problem_leap_no_longer_keeps(qpu_file: Path, out: Path, sapi: SapiService) -> None:
    client_settings(polling_timeout=1)
    run_id = _pending(sapi, qpu_file, out)
    (submission,) = Ledger(out).submissions(run_id)
    sapi.forget(submission["problem_id"])
    message = fails("leap", "fetch", run_id, "--out", out)
    assert "no longer has this problem" in message and "--resubmit" in message
    assert Ledger(out).find_run(run_id)["state"] == "failed"


def test_token_in_no_output_or_file(qpu_file: Path, out: Path, sapi: SapiService) -> None:
    outputs = [ok("solve", qpu_file, "--out", out, "--sampler", "qpu", "--json").output]
    sapi.fault("submit", "reset")
    outputs.append(fails("solve", qpu_file, "--out", out, "--sampler", "qpu"))
    outputs.append(ok("leap", "fetch", "--all-pending", "--out", out).output)
    outputs.append(ok("leap", "status", "--out", out, "--json").output)
    assert all(TOKEN not in text for text in outputs)
    assert TOKEN.encode() not in all_bytes(out)
