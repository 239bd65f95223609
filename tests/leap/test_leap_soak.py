"""Soak: a bounded, seeded loop of Leap runs against the local SAPI service with the real
cloud client, each with a random fault schedule (HTTP 5xx and 429, dropped connections,
slow responses, FAILED and CANCELLED problems, listing lag, the process killed at a step),
followed by `qanneal leap fetch` rounds. Counted: answers lost, problems submitted twice,
token appearances in any output or file. The fast subset runs in CI; the full one
(``--runslow``) is what docs/leap.md reports."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from leap_helpers import TOKEN, all_bytes, run
from leap_processes import solve_killed
from sapi_service import SapiService
from sapi_setup import client_settings

from qanneal.leap.ledger import Ledger

# (route, kind, options) for SapiService.fault, or a special event
FAULTS: list[tuple[str, str, dict[str, Any]]] = [
    ("submit", "status", {"status": 503}),
    ("submit", "status", {"status": 429, "retry_after": 1}),
    ("submit", "status", {"status": 502}),  # may have reached Leap: never shows up
    ("submit", "reset", {}),  # stored, then the connection drops
    ("submit", "slow", {"delay": 2.5}),  # stored, the response comes too late
    ("poll", "reset", {"times": 3}),
    ("poll", "slow", {"delay": 2.5}),
    ("poll", "status", {"status": 429, "retry_after": 1}),
    ("poll", "status", {"status": 500}),
    ("answer", "reset", {}),
    ("label", "status", {"status": 503}),
    ("outcome", "FAILED", {}),
    ("outcome", "CANCELLED", {}),
    ("lag", "2", {}),
    ("kill", "submitted", {}),
    ("kill", "id-returned", {}),
    ("kill", "polled", {}),
    ("kill", "answered", {}),
    ("kill", "record", {}),
]
FETCH_ROUNDS = 6


@dataclass
class Figures:
    runs: int = 0
    faults: int = 0
    killed: int = 0
    crashes: list[str] = field(default_factory=list)
    failed_by_leap: int = 0
    resubmitted_by_user: int = 0
    answers_lost: int = 0
    duplicate_submissions: int = 0
    token_leaks: int = 0
    fetch_rounds: int = 0

    def line(self) -> str:
        return (
            f"{self.runs} runs, {self.faults} faults ({self.killed} kills): "
            f"{self.answers_lost} answers lost, {self.duplicate_submissions} duplicate "
            f"submissions, {self.token_leaks} token appearances; {self.failed_by_leap} failed "
            f"by Leap as injected, {self.resubmitted_by_user} resubmitted on the user's word, "
            f"{self.fetch_rounds} fetch rounds"
        )


def _inject(sapi: SapiService, fault: tuple[str, str, dict[str, Any]]) -> None:
    route, kind, options = fault
    if route == "outcome":
        sapi.outcome(kind, f"injected {kind.lower()}")
    elif route == "lag":
        sapi.lag(lookups=int(kind))
    elif route != "kill":
        sapi.fault(route, kind, **options)


def _check(result: Any, outputs: list[str], figures: Figures, what: str) -> None:
    outputs.append(result.output)
    if result.exit_code not in (0, 2) or "Traceback" in result.output:
        figures.crashes.append(f"{what}: exit {result.exit_code}: {result.output[-300:]}")


def soak(sapi: SapiService, problem: Path, out: Path, *, runs: int, seed: int) -> Figures:
    """``runs`` solves with random fault schedules, then fetch rounds; the figures."""
    rng = random.Random(seed)
    figures, outputs, injected = Figures(runs=runs), [], {}
    client_settings(polling_timeout=30)
    for index in range(runs):
        schedule = rng.sample(FAULTS, k=rng.choice((0, 1, 1, 2)))
        kills = [f[1] for f in schedule if f[0] == "kill"][:1]
        figures.faults += len(schedule)
        for fault in schedule:
            _inject(sapi, fault)
        sampler = rng.choice(("qpu", "qpu", "hybrid")) if not kills else "qpu"
        args = ("--sampler", sampler, "--seed", 100 + index)
        before = {r["run_id"] for r in Ledger(out).runs()}
        if kills:
            figures.killed += 1
            status, stdout, stderr = solve_killed(sapi, kills[0], problem, out, *args)
            outputs.append(stdout + stderr)
            if status not in (0, 2, -9):
                figures.crashes.append(f"run {index}: exit {status}: {stderr[-300:]}")
        else:
            _check(run("solve", problem, "--out", out, *args), outputs, figures, f"run {index}")
        for run_id in {r["run_id"] for r in Ledger(out).runs()} - before:
            injected[run_id] = {f[1] for f in schedule if f[0] == "outcome"}
        # what a run did not use does not spill into the next
        sapi.faults.clear()
        sapi.outcomes.clear()
        sapi.lags.clear()
    _finish(sapi, out, figures, outputs)
    for final in Ledger(out).runs():
        if final["state"] == "failed" and injected.get(final["run_id"]):
            figures.failed_by_leap += 1
        elif final["state"] != "done":
            figures.answers_lost += 1
    figures.duplicate_submissions = sapi.duplicates()
    home = Path.home()
    files = all_bytes(out) + (all_bytes(home) if home.exists() else b"")
    figures.token_leaks = sum(text.count(TOKEN) for text in outputs) + files.count(TOKEN.encode())
    return figures


def _finish(sapi: SapiService, out: Path, figures: Figures, outputs: list[str]) -> None:
    """Fetch rounds until nothing is unfinished (Leap's list catches up); what may be on
    Leap but never shows up is resubmitted at the end, on the user's word."""
    for _ in range(FETCH_ROUNDS):
        figures.fetch_rounds += 1
        _check(run("leap", "fetch", "--all-pending", "--out", out), outputs, figures, "fetch")
        if not Ledger(out).runs(("submitting", "pending", "answered")):
            break
    for stuck in Ledger(out).runs(("submitting", "pending", "answered")):
        error = str(stuck["error"] or "")
        if "--resubmit" in error or re.search(r"may (be|have reached)", error):
            figures.resubmitted_by_user += 1
            result = run("leap", "fetch", "--resubmit", stuck["run_id"], "--out", out)
            _check(result, outputs, figures, f"resubmit {stuck['run_id']}")


def test_soak_fast(qpu_file: Path, out: Path, sapi: SapiService) -> None:
    figures = soak(sapi, qpu_file, out, runs=10, seed=3)
    print(figures.line())
    assert not figures.crashes, figures.crashes
    assert (figures.answers_lost, figures.duplicate_submissions, figures.token_leaks) == (0, 0, 0)
    assert figures.faults >= 8, figures.line()


@pytest.mark.slow
def test_soak_full(qpu_file: Path, out: Path, sapi: SapiService) -> None:
    figures = soak(sapi, qpu_file, out, runs=60, seed=2017)
    print(json.dumps(figures.__dict__))
    print(figures.line())
    assert not figures.crashes, figures.crashes
    assert (figures.answers_lost, figures.duplicate_submissions, figures.token_leaks) == (0, 0, 0)
