"""Setting up the local SAPI service (sapi_service.py) for a test the way a user sets up
Ocean: an isolated home without the user's configuration, the token in DWAVE_API_TOKEN, the
endpoint in DWAVE_API_ENDPOINT and the client's tuning in a dwave.conf (DWAVE_CONFIG_FILE).
Used by the Leap tests (tests/leap/conftest.py) and the sampler conformance suite."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from sapi_service import SapiService

# Ocean's own settings (dwave.conf) that make the real client quick against a local service:
# short request timeout, few HTTP retries, long polling that returns at once
CLIENT_CONFIG = """\
[defaults]
request_timeout = 2.0
http_retry_total = 2
http_retry_backoff_factor = 0.01
poll_strategy = long-polling
poll_wait_time = 1
cache_enabled = false
"""


def write_client_config(directory: Path, endpoint: str | None = None) -> Path:
    """A dwave.conf with CLIENT_CONFIG (and ``endpoint`` if given)."""
    path = directory / "dwave.conf"
    extra = f"endpoint = {endpoint}\n" if endpoint else ""
    path.write_text(CLIENT_CONFIG + extra, encoding="utf-8")
    return path


def isolate(directory: Path, environment: Any, token: str) -> None:
    """Work in ``directory`` with no Ocean configuration of the user's and ``token`` as the
    API token (``environment``: a pytest MonkeyPatch)."""
    environment.chdir(directory)
    for name in ("DWAVE_CONFIG_FILE", "DWAVE_PROFILE", "DWAVE_API_ENDPOINT", "DWAVE_API_SOLVER"):
        environment.delenv(name, raising=False)
    environment.setenv("HOME", str(directory / "home"))
    environment.setenv("XDG_CONFIG_HOME", str(directory / "home" / ".config"))
    environment.setenv("XDG_CACHE_HOME", str(directory / "home" / ".cache"))
    environment.setenv("DWAVE_API_TOKEN", token)


@contextlib.contextmanager
def serve(
    directory: Path, environment: Any, tokens: set[str], **options: Any
) -> Iterator[SapiService]:
    """The service on 127.0.0.1 for the duration of the block; the real client reaches it
    through DWAVE_API_ENDPOINT and reads its tuning from a dwave.conf (DWAVE_CONFIG_FILE),
    both set with ``environment`` (a pytest MonkeyPatch), as a user configures Ocean.
    The block fails if the service met a bug of its own."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    service = SapiService(server, tokens=tokens, **options)
    environment.setenv("DWAVE_CONFIG_FILE", str(write_client_config(directory)))
    environment.setenv("DWAVE_API_ENDPOINT", service.endpoint)
    try:
        yield service
    finally:
        server.clear()
        server.stop()
    assert not service.errors, service.errors


def client_settings(**settings: object) -> None:
    """Add Ocean settings (e.g. ``polling_timeout=1``) to the dwave.conf in use."""
    path = Path(os.environ["DWAVE_CONFIG_FILE"])
    lines = "".join(f"{key} = {value}\n" for key, value in settings.items())
    path.write_text(path.read_text(encoding="utf-8") + lines, encoding="utf-8")
