"""QPU in the loop through the ledger (qanneal.leap.loop): every QPU subproblem of
``kerberos-mock`` (offline) and ``kerberos`` (the real client against the local SAPI
service) is a ledger submission; a run stopped mid-way is finished by ``qanneal leap fetch``,
which replays the seeded workflow, retrieves what Leap already answered and sends only what
was never sent."""

from __future__ import annotations

import contextlib
import json
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from leap_helpers import fails, ok, run, solve_json
from leap_processes import solve_process
from sapi_service import SapiService

from qanneal.leap import mock
from qanneal.leap.ledger import Ledger

SETTINGS = """\
max_iter = 4
convergence = 2
sa_sweeps = 100
tabu_restarts = 2
max_subproblem_size = 8
qpu_reads = 20
"""

PROBLEM = """\
[model]
type = "perceptron"
inputs = 9
[data]
source = "random"
patterns = 4
seed = 5
[formulation]
type = "slack"
[solve]
sampler = "{sampler}"
num_reads = 3
seed = 4
[solve.params]
{params}"""


@pytest.fixture
def kerberos_mock(tmp_path: Path) -> Path:
    path = tmp_path / "kerberos-mock.toml"
    params = SETTINGS + "pegasus_size = 6\n"
    path.write_text(PROBLEM.format(sampler="kerberos-mock", params=params), encoding="utf-8")
    return path


@pytest.fixture
def kerberos(tmp_path: Path) -> Path:
    path = tmp_path / "kerberos.toml"
    path.write_text(PROBLEM.format(sampler="kerberos", params=SETTINGS), encoding="utf-8")
    return path


def subproblem_rows(out: Path) -> list[dict[str, Any]]:
    (run_row,) = Ledger(out).runs()
    return [s for s in Ledger(out).submissions(run_row["run_id"]) if s["purpose"] == "sub"]


def test_every_subproblem_is_a_ledger_submission(kerberos_mock: Path, out: Path) -> None:
    record = solve_json(kerberos_mock, out)
    report = record["kerberos"]
    rows = subproblem_rows(out)
    assert len(rows) == report["qpu_subproblems"] == report["qpu_submissions"] > 0
    assert [r["position"] for r in rows] == list(range(len(rows)))
    assert {r["state"] for r in rows} == {"answered"}
    assert all(len(r["detail"]["target_sha256"]) == 64 for r in rows)
    assert [r["problem_id"] for r in rows] == record["leap"]["problem_ids"]
    assert len(list((out / "mock-leap").glob("*.json"))) == len(rows)  # each sent once
    assert record["qpu"] is None and record["leap"]["qpu_timing_us"]["qpu_access_time"] > 0
    plan = json.loads(ok("solve", kerberos_mock, "--out", out, "--dry-run", "--json").stdout)
    assert plan["submissions"] == 3 * 4 and plan["settings"]["max_iter"] == 4


@pytest.mark.parametrize("decomposer", ["bfs", "repair"])
def test_interrupted_run_is_replayed_by_fetch(
    kerberos_mock: Path, out: Path, monkeypatch: pytest.MonkeyPatch, decomposer: str
) -> None:
    """Ctrl-C while the third subproblem is on the (mock) QPU: the run stays pending; fetch
    replays the loop, takes the three answers the mock already has and sends the rest (with
    the default decomposer and with the repair decomposer, whose tabu repairs are seeded)."""
    text = kerberos_mock.read_text(encoding="utf-8")
    kerberos_mock.write_text(text + f'decomposer = "{decomposer}"\n', encoding="utf-8")
    original = mock._MockSubmitted.result
    calls = {"n": 0}

    def interrupted(self: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return original(self)

    monkeypatch.setattr(mock._MockSubmitted, "result", interrupted)
    result = run("solve", kerberos_mock, "--out", out)
    assert result.exit_code == 130 and "is pending" in result.stderr
    stopped = subproblem_rows(out)
    assert [r["state"] for r in stopped] == ["answered", "answered", "pending"]
    record = json.loads(
        ok("leap", "fetch", Ledger(out).runs()[0]["run_id"], "--out", out, "--json").stdout
    )
    rows = subproblem_rows(out)
    assert [r["problem_id"] for r in rows[:3]] == [r["problem_id"] for r in stopped]
    assert len(rows) == record["kerberos"]["qpu_subproblems"] > 3
    assert len(list((out / "mock-leap").glob("*.json"))) == len(rows)  # none sent twice
    assert record["leap"]["completed_by"] == "fetch"


def test_a_replay_that_diverges_stops(kerberos_mock: Path, out: Path) -> None:
    record = solve_json(kerberos_mock, out)
    ledger = Ledger(out)
    ledger.update_run(record["run_id"], state="pending", record=None)
    Path(record["record"]).unlink()
    row = subproblem_rows(out)[1]
    ledger.update_submission(row["submission_id"], detail={"target_sha256": "0" * 64})
    message = fails("leap", "fetch", record["run_id"], "--out", out)
    assert f"submission {row['submission_id']} rebuilt differs" in message


def test_racing_branches_cannot_be_replayed(kerberos_mock: Path, out: Path) -> None:
    message = fails("solve", kerberos_mock, "--out", out, "--param", "race=true")
    assert "'race' is not a parameter of sampler 'kerberos-mock'" in message
    message = fails("solve", kerberos_mock, "--out", out, "--param", "qpu_params={x = 1}")
    assert "qpu_params must be a table of QPU parameters" in message


def test_kerberos_on_the_leap_qpu_killed_then_fetched(
    kerberos: Path, out: Path, sapi: SapiService
) -> None:
    """The real client against the local SAPI service: the process is killed after its
    second subproblem's answer left the service; fetch replays and nothing is sent twice."""
    process = solve_process(kerberos, "--out", out, "--quiet")
    answered: list[str] = []

    def kill_after_two(problem_id: str) -> None:
        answered.append(problem_id)
        if len(answered) == 2:
            process.kill()

    sapi.on("answered", kill_after_two)
    try:
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL, stderr
    (row,) = Ledger(out).runs()
    assert row["state"] == "submitting"
    sapi.hooks.pop("answered")
    record = json.loads(ok("leap", "fetch", row["run_id"], "--out", out, "--json").stdout)
    rows = subproblem_rows(out)
    assert len(rows) == record["kerberos"]["qpu_subproblems"] >= 2
    assert sapi.duplicates() == 0 and sum(sapi.by_label().values()) == len(rows)
    assert record["leap"]["solver"] == sapi.qpu_name


def test_ctrl_c_sends_nothing_more(tmp_path: Path, out: Path) -> None:
    """A real SIGINT in the middle of a long loop: dwave-hybrid's branch threads finish the
    iteration in flight and the loop (in the interrupted thread) schedules no other, so the
    process exits 130 at once, no further subproblem is sent, and the run is pending."""
    path = tmp_path / "long.toml"
    long_loop = "max_iter = 400\nconvergence = 400\nsa_sweeps = 20\ntabu_restarts = 1\n"
    params = long_loop + "max_subproblem_size = 8\nqpu_reads = 10\npegasus_size = 6\n"
    path.write_text(PROBLEM.format(sampler="kerberos-mock", params=params), encoding="utf-8")
    process = solve_process(path, "--out", out, "--quiet")
    ledger = out / "leap-ledger.sqlite"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _sent(ledger) < 5:
            time.sleep(0.05)
        assert _sent(ledger) >= 5, process.communicate(timeout=5)
        process.send_signal(signal.SIGINT)
        at_signal = _sent(ledger)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr
    assert "is pending" in stderr
    assert _sent(ledger) <= at_signal + 2  # the one in flight, at most
    assert Ledger(out).runs()[0]["state"] == "pending"


def _sent(ledger: Path) -> int:
    """Subproblem submissions in the ledger so far (0 before it exists)."""
    if not ledger.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(ledger, timeout=5)) as connection:
            query = "SELECT COUNT(*) FROM leap_submissions WHERE purpose = 'sub'"
            return int(connection.execute(query).fetchone()[0])
    except sqlite3.OperationalError:  # the tables are being created
        return 0
