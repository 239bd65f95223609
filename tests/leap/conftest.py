"""Fixtures of the Leap tests (helpers in leap_helpers.py): an isolated working directory
with a fake token and no Ocean configuration, small problem files, fault injection into the
offline mock, and ``sapi``: the local Solver API service (sapi_service.py) that the real
cloud client talks to, configured the way a user configures Ocean."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from leap_helpers import HIDDEN, QPU_SLACK, SLACK, TOKEN, Faults, FaultyConnection
from sapi_service import SapiService
from sapi_setup import isolate, serve

from qanneal.leap import client, submit
from qanneal.leap.mock import MockConnection


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Work in tmp_path, no Ocean configuration but a fake token."""
    isolate(tmp_path, monkeypatch, TOKEN)


@pytest.fixture(autouse=True)
def _no_backoff(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """No retry delays in the unit tests of the mock path; tests of the real client against
    the service (``sapi``) run qanneal untouched."""
    if "sapi" not in request.fixturenames:
        monkeypatch.setattr(submit, "BACKOFF_S", 0.0)


@pytest.fixture
def sapi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SapiService]:
    """The local SAPI service on 127.0.0.1; the endpoint and token reach the real client
    through DWAVE_API_ENDPOINT and DWAVE_API_TOKEN, its tuning through DWAVE_CONFIG_FILE."""
    with serve(tmp_path, monkeypatch, {TOKEN}) as service:
        yield service


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

    def connector(
        *, store: Any, seed: int = 0, options: Any = None, solver: Any = None
    ) -> FaultyConnection:
        options = options or {}
        inner = MockConnection(
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
