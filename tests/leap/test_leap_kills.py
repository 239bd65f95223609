"""A ``qanneal solve`` process killed (SIGKILL) at each step between "upload sent" and
"answer saved", against the local SAPI service with the real cloud client: `qanneal leap
status` shows the run, `qanneal leap fetch` completes it, and nothing is submitted twice."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
from leap_helpers import TOKEN, all_bytes, ok
from leap_processes import solve_killed
from sapi_service import SapiService

from qanneal.leap.ledger import Ledger
from qanneal.results import list_runs


@pytest.mark.parametrize(
    ("sampler", "step"),
    [
        ("qpu", "submitted"),
        ("qpu", "id-returned"),
        ("qpu", "polled"),
        ("qpu", "answered"),
        ("qpu", "record"),
        ("hybrid", "uploaded"),
        ("hybrid", "submitted"),
    ],
)
def test_killed_at_each_step(
    qpu_file: Path, out: Path, sapi: SapiService, sampler: str, step: str
) -> None:
    status, stdout, stderr = solve_killed(sapi, step, qpu_file, out, "--sampler", sampler)
    assert status == -signal.SIGKILL, (status, stdout, stderr)
    (run,) = Ledger(out).runs()
    assert run["state"] in ("submitting", "answered")
    assert run["run_id"] in ok("leap", "status", "--out", out).stdout
    record = json.loads(ok("leap", "fetch", run["run_id"], "--out", out, "--json").stdout)
    assert record["best"]["train_errors"] == 0
    assert Ledger(out).find_run(run["run_id"])["state"] == "done"
    assert [r["run_id"] for r in list_runs(out)] == [run["run_id"]]
    expected = 0 if step == "uploaded" else 1  # killed during the upload: nothing submitted
    assert sapi.duplicates() == 0
    assert sum(sapi.by_label().values()) == max(expected, 1)  # fetch sends it if never sent
    assert TOKEN.encode() not in all_bytes(out) and TOKEN not in stdout + stderr
