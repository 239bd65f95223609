"""Runs on the real D-Wave Leap solvers: marked ``qpu`` and skipped unless a Leap token is
configured the Ocean way (dwave.conf, DWAVE_API_TOKEN or a profile). They cost QPU time:
one tiny problem each."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def _configured_token() -> str | None:
    try:
        from dwave.cloud.config import load_config

        return load_config().get("token")
    except Exception:  # no configuration at all
        return None


REAL_TOKEN = os.environ.get("DWAVE_API_TOKEN") or _configured_token()

pytestmark = [
    pytest.mark.qpu,
    pytest.mark.skipif(not REAL_TOKEN, reason="no D-Wave Leap credentials configured"),
]


@pytest.fixture
def real_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DWAVE_API_TOKEN", str(REAL_TOKEN))


@pytest.mark.parametrize("sampler", ["qpu", "qpu-clique", "hybrid"])
def test_real_solver_end_to_end(
    qpu_file: Path, out: Path, real_credentials: None, sampler: str
) -> None:
    from leap_helpers import ok, solve_json

    record = solve_json(qpu_file, out, "--sampler", sampler, "--num-reads", "50")
    assert record["leap"]["problem_ids"]
    if sampler != "hybrid":
        assert record["qpu"]["physical_qubits"] >= record["qpu"]["logical_qubits"]
    fetched = ok("leap", "fetch", record["run_id"], "--out", out).stdout
    assert record["run_id"] in fetched
    assert str(REAL_TOKEN) not in Path(record["record"]).read_text(encoding="utf-8")
