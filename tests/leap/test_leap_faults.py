"""Fault injection: failures at upload, at id return, while polling, while retrieving, and
after the answer (the process killed). For each: the ledger is consistent, nothing is
submitted twice, and `qanneal leap fetch` finishes the run with a normal run record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from leap_helpers import Faults, fails, ok, on_server, solve_json

import qanneal
from qanneal.leap import run as leap_run
from qanneal.leap.ledger import Ledger
from qanneal.results import list_runs


class Killed(BaseException):
    """Stands for the process being killed (not an Exception: nothing catches it)."""


def _only_run(out: Path) -> dict:
    runs = Ledger(out).runs()
    assert len(runs) == 1
    return runs[0]


def _fetch_finishes(out: Path, run_id: str, submissions: int = 1) -> dict:
    """`leap fetch` completes the run: one record, ledger done, ``submissions`` problems on
    Leap in all (it sends only what never reached Leap)."""
    record = json.loads(ok("leap", "fetch", run_id, "--out", out, "--json").stdout)
    assert record["run_id"] == run_id
    assert record["qpu"]["physical_qubits"] >= record["qpu"]["logical_qubits"]
    assert _only_run(out)["state"] == "done"
    assert [r["run_id"] for r in list_runs(out)] == [run_id]
    assert on_server(out) == submissions
    assert all(s["state"] == "answered" for s in Ledger(out).submissions(run_id))
    # fetching again changes nothing
    ok("leap", "fetch", run_id, "--out", out)
    assert len(list_runs(out)) == 1 and on_server(out) == submissions
    return record


def test_transient_upload_failure_is_retried(slack_file: Path, out: Path, faults: Faults) -> None:
    faults.stage, faults.times = "upload", 2
    record = solve_json(slack_file, out)
    (submission,) = Ledger(out).submissions(record["run_id"])
    assert submission["attempts"] == 3 and submission["state"] == "answered"
    assert on_server(out) == 1


def test_upload_failing_every_try_leaves_nothing_on_leap(
    slack_file: Path, out: Path, faults: Faults
) -> None:
    faults.stage, faults.times = "upload", 10
    message = fails("solve", slack_file, "--out", out)
    assert "nothing reached Leap (4 tries)" in message and "qanneal leap fetch" in message
    run = _only_run(out)
    (submission,) = Ledger(out).submissions(run["run_id"])
    assert (run["state"], submission["state"]) == ("pending", "not-submitted")
    assert on_server(out) == 0 and not list_runs(out)
    faults.times = 0  # Leap reachable again
    _fetch_finishes(out, run["run_id"])


def test_lost_problem_id_is_found_by_label_not_resent(
    slack_file: Path, out: Path, faults: Faults
) -> None:
    faults.stage = "id"
    message = fails("solve", slack_file, "--out", out)
    assert "may have reached Leap and is not sent again" in message
    run = _only_run(out)
    (submission,) = Ledger(out).submissions(run["run_id"])
    assert submission["state"] == "submitting" and submission["problem_id"] is None
    assert on_server(out) == 1
    record = _fetch_finishes(out, run["run_id"])
    assert record["leap"]["problem_ids"] == [
        Ledger(out).submissions(run["run_id"])[0]["problem_id"]
    ]


def test_polling_timeout_keeps_the_run_pending(slack_file: Path, out: Path, faults: Faults) -> None:
    faults.stage = "poll"
    message = fails("solve", slack_file, "--out", out)
    assert "polling timeout" in message and "is pending" in message
    run = _only_run(out)
    (submission,) = Ledger(out).submissions(run["run_id"])
    assert submission["state"] == "pending" and submission["problem_id"]
    status = json.loads(ok("leap", "status", "--out", out, "--json").stdout)
    assert status[0]["state"] == "pending" and status[0]["problem_ids"] == [
        submission["problem_id"]
    ]
    # fetch by the Leap problem id works as well as by the run id
    record = json.loads(
        ok("leap", "fetch", submission["problem_id"], "--out", out, "--json").stdout
    )
    assert record["run_id"] == run["run_id"] and on_server(out) == 1


def test_killed_while_waiting(slack_file: Path, out: Path, faults: Faults) -> None:
    faults.stage, faults.error = "poll", Killed
    problem = qanneal.load_problem(slack_file)
    with pytest.raises(Killed):
        qanneal.solve(problem, out_dir=out)
    run = _only_run(out)
    assert run["state"] == "submitting"
    assert Ledger(out).submissions(run["run_id"])[0]["problem_id"]
    _fetch_finishes(out, run["run_id"])


def test_transient_retrieval_failures_are_retried(
    slack_file: Path, out: Path, faults: Faults
) -> None:
    faults.stage = "poll"
    fails("solve", slack_file, "--out", out)
    faults.stage, faults.times = "retrieve", 2
    _fetch_finishes(out, _only_run(out)["run_id"])


def test_killed_after_the_answer(
    slack_file: Path, out: Path, faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    def killed(*_: object) -> None:
        raise Killed

    monkeypatch.setattr(leap_run, "save_record", killed)
    with pytest.raises(Killed):
        qanneal.solve(qanneal.load_problem(slack_file), out_dir=out)
    run = _only_run(out)
    assert run["state"] == "answered" and not list_runs(out)
    monkeypatch.undo()
    from qanneal.leap import submit

    monkeypatch.setattr(submit, "BACKOFF_S", 0.0)
    _fetch_finishes(out, run["run_id"])


def test_killed_after_the_record_was_saved(
    slack_file: Path, out: Path, faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Ledger.update_run

    def update(self: Ledger, run_id: str, **fields: object) -> None:
        if fields.get("state") == "done":
            raise Killed
        original(self, run_id, **fields)

    monkeypatch.setattr(Ledger, "update_run", update)
    with pytest.raises(Killed):
        qanneal.solve(qanneal.load_problem(slack_file), out_dir=out)
    monkeypatch.setattr(Ledger, "update_run", original)
    run = _only_run(out)
    assert run["state"] == "answered" and len(list_runs(out)) == 1
    _fetch_finishes(out, run["run_id"])  # no second record


def test_all_pending_with_transforms_and_auto_scan(
    slack_file: Path, out: Path, faults: Faults
) -> None:
    """A run of 2 transforms whose second answer is lost while polling: fetch retrieves
    both (the first is not sent again), and the scan is not repeated."""
    ok("solve", slack_file, "--out", out, "--param", "chain_strength=auto", "--json")
    scans = on_server(out) - 1
    # same problem and seed: the same scan; the answer of the last submission is lost
    polls = iter([False] * (scans + 1) + [True])

    def hit(stage: str) -> bool:
        return stage == "poll" and next(polls, False)

    faults.hit = hit  # type: ignore[method-assign]
    solve_kwargs = ("--param", "num_spin_reversal_transforms=2", "--param", "chain_strength=auto")
    fails("solve", slack_file, "--out", out, *solve_kwargs)
    pending = [r for r in Ledger(out).runs() if r["state"] != "done"]
    assert len(pending) == 1
    states = [s["state"] for s in Ledger(out).submissions(pending[0]["run_id"])]
    assert states == ["answered"] * (scans + 1) + ["pending"]
    assert pending[0]["plan"]["chain_strength"] is not None  # the scan's pick is stored
    total = on_server(out)
    assert total == 2 * scans + 1 + 2
    result = json.loads(ok("leap", "fetch", "--all-pending", "--out", out, "--json").stdout)
    assert [r["run_id"] for r in result] == [pending[0]["run_id"]]
    assert result[0]["qpu"]["num_spin_reversal_transforms"] == 2
    assert on_server(out) == total and len(list_runs(out)) == 2
