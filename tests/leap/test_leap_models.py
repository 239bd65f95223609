"""Leap's hybrid CQM and nonlinear solvers (``hybrid-cqm``, ``hybrid-nl``) end to end: the
real cloud client (LeapHybridCQMSampler's and LeapHybridNLSampler's solvers) against the
local SAPI service, through the ledger, with nothing in qanneal patched."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
from leap_helpers import TOKEN, all_bytes, fails, ok, solve_json
from leap_processes import solve_killed
from sapi_service import SapiService

from qanneal.leap.ledger import Ledger
from qanneal.results import list_runs

PERCEPTRON = """\
[model]
type = "perceptron"
inputs = 5

[data]
source = "teacher"
patterns = 4
seed = 3

[formulation]
type = "{formulation}"

[solve]
sampler = "{sampler}"
seed = 2
"""

BINN = """\
[model]
type = "binn"
inputs = 3
hidden = [3]
bias = false

[data]
source = "teacher"
patterns = 1
seed = 2

[formulation]
type = "cqm"

[solve]
sampler = "hybrid-cqm"
"""


@pytest.fixture
def cqm_file(tmp_path: Path) -> Path:
    path = tmp_path / "cqm.toml"
    path.write_text(PERCEPTRON.format(formulation="cqm", sampler="hybrid-cqm"), encoding="utf-8")
    return path


@pytest.fixture
def nl_file(tmp_path: Path) -> Path:
    path = tmp_path / "nl.toml"
    path.write_text(PERCEPTRON.format(formulation="nl", sampler="hybrid-nl"), encoding="utf-8")
    return path


def test_cqm_on_the_hybrid_cqm_solver(cqm_file: Path, out: Path, sapi: SapiService) -> None:
    record = solve_json(cqm_file, out)
    assert record["sampler"] == "hybrid-cqm" and record["best"]["train_errors"] == 0
    assert record["leap"]["solver"] == "hybrid_constrained_quadratic_model_version1"
    assert record["leap"]["problem_ids"] and record["qpu"] is None
    assert record["leap"]["qpu_timing_us"]["charge_time"] == 5e6  # the solver's minimum
    feasibility = record["feasibility"]
    assert feasibility["constraints"] == 4 and feasibility["feasible_share"] > 0
    assert Ledger(out).runs()[0]["state"] == "done"
    assert sapi.requests["upload"] > 0 and sum(sapi.by_label().values()) == 1
    assert TOKEN.encode() not in all_bytes(out)


CQM_SOLVER = "hybrid_constrained_quadratic_model_version1"


def test_binn_cqm_with_quadratic_constraints(tmp_path: Path, out: Path, sapi: SapiService) -> None:
    """Leap's CQM solver takes quadratic constraints over binaries (up to its count of
    quadratic variables): a BiNN's CQM is solved; past the count, one line and nothing sent."""
    path = tmp_path / "binn.toml"
    path.write_text(BINN, encoding="utf-8")
    record = solve_json(path, out)
    assert record["best"]["train_errors"] == 0
    assert record["feasibility"]["constraints"] == 4  # 3 hidden units + 1 pattern
    sapi.solvers[CQM_SOLVER]["properties"]["maximum_number_of_quadratic_variables"] = 4
    message = fails("solve", path, "--out", out)
    assert "variables with quadratic terms" in message and "at most 4" in message
    assert sum(sapi.by_label().values()) == 1 and len(sapi.uploads) == 1


def test_nl_on_the_hybrid_nl_solver(nl_file: Path, out: Path, sapi: SapiService) -> None:
    import dimod

    from qanneal import load_problem

    record = solve_json(nl_file, out)
    assert record["sampler"] == "hybrid-nl" and record["best"]["train_errors"] == 0
    assert record["leap"]["solver"] == "hybrid_nonlinear_program_version1"
    assert record["leap"]["qpu_timing_us"]["charge_time"] == 5e6
    saved = json.loads(Path(record["record"]).read_text(encoding="utf-8"))
    sampleset = dimod.SampleSet.from_serializable(saved["sampleset"])
    assert len(sampleset) == 3  # the solver's maximum_number_of_states
    weights = 2 * sampleset.record.sample[:, sorted(sampleset.variables)] - 1
    problem = load_problem(nl_file)
    assert list(problem.model.energy(weights)) == list(sampleset.record.energy)
    assert problem.nl_model().states.size() == 0


@pytest.mark.parametrize("sampler", ["hybrid-cqm", "hybrid-nl"])
def test_dry_run_submits_nothing(
    cqm_file: Path, nl_file: Path, out: Path, sapi: SapiService, sampler: str
) -> None:
    path = cqm_file if sampler == "hybrid-cqm" else nl_file
    plan = json.loads(ok("solve", path, "--out", out, "--dry-run", "--json").stdout)
    assert plan["dry_run"] and plan["sampler"] == sampler
    assert plan["time_limit"] == plan["minimum_time_limit"] == 5.0
    assert plan["estimated_access_time_us"] == 5e6
    text = ok("solve", path, "--out", out, "--dry-run").stdout
    assert "time limit s     5" in text and "est. charge      5.0 s" in text
    assert sapi.requests["submit"] == sapi.requests["upload"] == 0 and not Ledger(out).runs()


def test_time_limit_below_the_minimum(
    cqm_file: Path, nl_file: Path, out: Path, sapi: SapiService
) -> None:
    """Below the CQM solver's minimum is refused (the solver would refuse it); the NL
    minimum is an estimate, so a lower limit is sent and the estimate is what is charged."""
    message = fails("solve", cqm_file, "--out", out, "--param", "time_limit=1")
    assert "below the solver's minimum 5 s" in message and not Ledger(out).runs()
    record = solve_json(nl_file, out, "--param", "time_limit=1")
    assert record["parameters"]["time_limit"] == 1
    assert record["leap"]["estimated_access_time_us"] == 5e6


@pytest.mark.parametrize(
    ("sampler", "step"),
    [
        ("hybrid-cqm", "uploaded"),
        ("hybrid-cqm", "id-returned"),
        ("hybrid-nl", "submitted"),
        ("hybrid-nl", "answered"),
    ],
)
def test_killed_then_fetched(
    cqm_file: Path, nl_file: Path, out: Path, sapi: SapiService, sampler: str, step: str
) -> None:
    path = cqm_file if sampler == "hybrid-cqm" else nl_file
    status, stdout, stderr = solve_killed(sapi, step, path, out)
    assert status == -signal.SIGKILL, (status, stdout, stderr)
    (run,) = Ledger(out).runs()
    assert run["run_id"] in ok("leap", "status", "--out", out).stdout
    record = json.loads(ok("leap", "fetch", run["run_id"], "--out", out, "--json").stdout)
    assert record["best"]["train_errors"] == 0 and record["leap"]["completed_by"] == "fetch"
    assert [r["run_id"] for r in list_runs(out)] == [run["run_id"]]
    assert sapi.duplicates() == 0 and sum(sapi.by_label().values()) == 1


@pytest.mark.parametrize(
    ("sampler", "status", "says"),
    [
        ("hybrid-cqm", "FAILED", "Leap failed the problem: solver crashed"),
        ("hybrid-nl", "CANCELLED", "the problem was cancelled on Leap"),
    ],
)
def test_failed_or_cancelled_then_resubmitted(
    cqm_file: Path,
    nl_file: Path,
    out: Path,
    sapi: SapiService,
    sampler: str,
    status: str,
    says: str,
) -> None:
    path = cqm_file if sampler == "hybrid-cqm" else nl_file
    sapi.outcome(status, "solver crashed")
    message = fails("solve", path, "--out", out)
    assert says in message and "is marked failed" in message
    (run,) = Ledger(out).runs()
    assert run["state"] == "failed"
    assert "failed on Leap" in fails("leap", "fetch", run["run_id"], "--out", out)
    fetched = ok("leap", "fetch", "--resubmit", run["run_id"], "--out", out, "--json")
    assert json.loads(fetched.stdout)["best"]["train_errors"] == 0
    assert sum(sapi.by_label().values()) == 2 and sapi.duplicates() == 0


@pytest.mark.parametrize(("sampler", "offline"), [("hybrid-cqm", "exact"), ("hybrid-nl", "exact")])
def test_no_token_names_the_offline_sampler(
    cqm_file: Path,
    nl_file: Path,
    out: Path,
    monkeypatch: pytest.MonkeyPatch,
    sampler: str,
    offline: str,
) -> None:
    monkeypatch.delenv("DWAVE_API_TOKEN")
    path = cqm_file if sampler == "hybrid-cqm" else nl_file
    message = fails("solve", path, "--out", out, "--dry-run")
    assert "no D-Wave Leap API token is found" in message
    assert f"to try offline, use --sampler {offline}" in message and "mock-qpu" not in message
