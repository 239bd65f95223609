"""The hybrid path (a stand-in solver: no network) and Ctrl-C while waiting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from leap_helpers import FakeHybrid, fails, ok, on_server, solve_json

from qanneal.leap import client, mock
from qanneal.leap.ledger import Ledger
from qanneal.results import list_runs


@pytest.fixture
def hybrid(monkeypatch: pytest.MonkeyPatch) -> list[FakeHybrid]:
    made: list[FakeHybrid] = []

    def connector(
        *, store: Path, seed: int = 0, options: object = None, solver: object = None
    ) -> FakeHybrid:
        made.append(FakeHybrid(store, seed))
        return made[-1]

    monkeypatch.setitem(client.CONNECTORS, "hybrid", connector)
    return made


def test_hybrid_defaults_to_the_minimum_time_limit(
    qpu_file: Path, out: Path, hybrid: list[FakeHybrid]
) -> None:
    record = solve_json(qpu_file, out, "--sampler", "hybrid")
    assert hybrid[0].calls == [{"time_limit": 3.0}]
    assert record["qpu"] is None and record["leap"]["problem_ids"]
    assert record["best"]["train_errors"] == 0
    assert Ledger(out).runs()[0]["state"] == "done" and on_server(out) == 1
    plan = json.loads(ok("inspect", qpu_file, "--sampler", "hybrid", "--json").stdout)
    assert plan["time_limit"] == 3.0 and plan["estimated_access_time_us"] == 3e6


def test_hybrid_time_limit_below_the_minimum_is_refused(
    qpu_file: Path, out: Path, hybrid: list[FakeHybrid]
) -> None:
    message = fails(
        "solve", qpu_file, "--out", out, "--sampler", "hybrid", "--param", "time_limit=1"
    )
    assert "below the solver's minimum 3 s" in message
    assert "not a parameter" in fails(
        "solve", qpu_file, "--out", out, "--sampler", "hybrid", "--param", "chain_strength=2"
    )


def test_ctrl_c_while_waiting_keeps_the_run(
    slack_file: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = mock._MockSubmitted.result
    calls = {"n": 0}

    def interrupted(self: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise KeyboardInterrupt
        return original(self)  # type: ignore[arg-type]

    monkeypatch.setattr(mock._MockSubmitted, "result", interrupted)
    from leap_helpers import run

    result = run("solve", slack_file, "--out", out)
    assert result.exit_code == 130
    assert "is pending: `qanneal leap fetch" in result.stderr
    (pending,) = Ledger(out).runs()
    assert pending["state"] == "pending" and not list_runs(out)
    ok("leap", "fetch", pending["run_id"], "--out", out)
    assert len(list_runs(out)) == 1 and on_server(out) == 1
