"""Fixtures of the Leap tests (helpers in leap_helpers.py): an isolated working directory
with a fake token and no Ocean configuration, small problem files, and fault injection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from leap_helpers import HIDDEN, QPU_SLACK, SLACK, TOKEN, Faults, FaultyConnection

from qanneal.leap import client, submit


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Work in tmp_path, no retry delays, no Ocean configuration but a fake token."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(submit, "BACKOFF_S", 0.0)
    for name in ("DWAVE_CONFIG_FILE", "DWAVE_PROFILE", "DWAVE_API_ENDPOINT", "DWAVE_API_SOLVER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.setenv("DWAVE_API_TOKEN", TOKEN)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "runs"


@pytest.fixture
def slack_file(tmp_path: Path) -> Path:
    path = tmp_path / "slack.toml"
    path.write_text(SLACK, encoding="utf-8")
    return path


@pytest.fixture
def qpu_file(tmp_path: Path) -> Path:
    path = tmp_path / "qpu.toml"
    path.write_text(QPU_SLACK, encoding="utf-8")
    return path


@pytest.fixture
def hidden_file(tmp_path: Path) -> Path:
    path = tmp_path / "hidden.toml"
    path.write_text(HIDDEN, encoding="utf-8")
    return path


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch) -> Faults:
    """Route 'mock-qpu' (and 'qpu', for the same path under its name) through a
    FaultyConnection driven by the returned Faults."""
    state = Faults()

    def connector(*, store: Any, seed: int = 0, options: Any = None) -> FaultyConnection:
        options = options or {}
        inner = client.MockConnection(
            store,
            seed=seed,
            pegasus_size=int(options.get("pegasus_size", 6)),
            num_sweeps=int(options.get("num_sweeps", 200)),
        )
        return FaultyConnection(inner, state)

    monkeypatch.setitem(client.CONNECTORS, "mock-qpu", connector)
    monkeypatch.setitem(client.CONNECTORS, "qpu", connector)
    monkeypatch.setitem(client.CONNECTORS, "qpu-clique", connector)
    return state
