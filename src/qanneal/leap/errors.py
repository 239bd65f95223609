"""Leap failures as one-line errors with a hint, and a guard that keeps the API token out
of every message.

The cloud client raises many exception types (``ValueError("API token not defined")``,
``SolverAuthenticationError``, ``RequestTimeout``, ``PollingTimeout`` ...); :func:`translate`
turns each into a :class:`LeapError` subclass whose text says what happened and what to
do. Every message passes through :func:`redact`, which removes the configured token and
anything shaped like a Leap token.

Example:
    >>> str(translate(ValueError("API token not defined")))[:33]
    'no D-Wave Leap API token is found'
    >>> redact("token DEV-0123456789abcdef0123456789abcdef01234567 refused")
    'token [token] refused'
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from qanneal.errors import QannealError

# Leap tokens: a short prefix, a dash, 40 hex digits (e.g. "DEV-" or "ABC-"), see
# `dwave config create`; anything of that shape is masked even if it is not ours
_TOKEN_SHAPE = re.compile(r"\b[A-Za-z0-9]{2,8}-[0-9a-fA-F]{32,}\b")
_EXTRA_SECRETS: set[str] = set()


class LeapError(QannealError):
    """A D-Wave Leap submission, retrieval or configuration failed."""


class LeapCredentialsError(LeapError):
    """No API token, or Leap refused it."""


class LeapConnectionError(LeapError):
    """Leap could not be reached or did not answer in time."""


class LeapSolverError(LeapError):
    """The solver is missing, offline, or failed the problem."""


class EmbeddingError(LeapError):
    """The problem does not fit on the QPU (no embedding, clique too small)."""


class LedgerError(LeapError):
    """The submissions ledger has no such entry, or cannot complete it."""


class LeapMaybeSubmitted(LeapError):
    """A submission may be on Leap but cannot be found yet: it is not sent again."""


class LeapProblemFailed(LeapSolverError):
    """Leap ended the problem FAILED or CANCELLED: the run is marked failed."""


class LeapProblemGone(LedgerError):
    """Leap no longer keeps the problem (answers expire): the run is marked failed."""


class LeapInterrupted(LeapError):
    """Ctrl-C while waiting for Leap: the run stays pending in the ledger."""


def remember_secret(secret: str | None) -> None:
    """Add a string (a token read from the configuration) that :func:`redact` masks."""
    if secret and len(secret) >= 8:
        _EXTRA_SECRETS.add(secret)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` without any API token: the configured ones and Leap-shaped strings."""
    candidates = {*_EXTRA_SECRETS, *secrets, os.environ.get("DWAVE_API_TOKEN", "")}
    for secret in sorted(candidates, key=len, reverse=True):
        if secret and len(secret) >= 8:
            text = text.replace(secret, "[token]")
    return _TOKEN_SHAPE.sub("[token]", text)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return redact(text[0] if text else type(error).__name__)


def never_connected(error: BaseException) -> bool:
    """True when no connection to Leap was ever made (refused, unresolved host, connect
    timeout), so nothing can have been sent; a connection dropped *after* the request was
    sent is not such a case.

    Example:
        >>> import requests, urllib3
        >>> never_connected(requests.ConnectionError(urllib3.exceptions.NewConnectionError(
        ...     None, "refused")))
        True
        >>> never_connected(requests.ConnectionError("Connection aborted."))
        False
    """
    import requests
    import urllib3

    unreached = (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError)
    if isinstance(error, requests.ConnectTimeout):
        return True
    seen: BaseException | None = error
    for _ in range(8):  # MaxRetryError -> reason -> ..., a short chain
        if seen is None:
            return False
        if isinstance(seen, unreached):
            return True
        nested = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = getattr(seen, "reason", None) or nested or seen.__cause__
    return False


def _problem_gone(error: BaseException) -> bool:
    """Leap answered 404 about a problem (not about a solver)."""
    from dwave.cloud import exceptions as cloud
    from dwave.cloud.api import exceptions as api

    if isinstance(error, cloud.SolverNotFoundError):
        return False
    not_found = isinstance(error, cloud.ProblemNotFoundError | api.ResourceNotFoundError)
    return not_found or (isinstance(error, cloud.SolverError) and error.error_code == 404)


def translate(error: BaseException, context: str = "") -> LeapError:
    """The :class:`LeapError` for a cloud-client failure, with ``context`` appended
    (e.g. what state the run is left in and the command that completes it)."""
    import requests
    from dwave.cloud import exceptions as cloud
    from dwave.cloud.api import exceptions as api

    tail = f"; {context}" if context else ""
    detail = _first_line(error)
    if isinstance(error, LeapError):
        return type(error)(redact(str(error)) + tail)
    if isinstance(error, ValueError) and "API token not defined" in str(error):
        return LeapCredentialsError(
            "no D-Wave Leap API token is found: run `dwave config create` (or set "
            "DWAVE_API_TOKEN, or pick a profile with DWAVE_PROFILE); to try offline, use "
            "--sampler mock-qpu" + tail
        )
    if isinstance(error, ValueError) and "endpoint not defined" in str(error):
        return LeapCredentialsError(
            "no Leap API endpoint is configured: run `dwave config create`" + tail
        )
    if isinstance(error, cloud.SolverAuthenticationError | api.ResourceAuthenticationError):
        return LeapCredentialsError(
            "Leap refused the API token (authentication failure): check it with "
            "`dwave ping` and replace it with `dwave config create`" + tail
        )
    if isinstance(error, cloud.SolverNotFoundError):
        return LeapSolverError(
            f"no D-Wave solver matches the configured filter ({detail}): `dwave solvers` "
            "lists the ones your token can use; set `solver` in dwave.conf" + tail
        )
    if _problem_gone(error):
        return LeapProblemGone(
            f"Leap no longer has this problem ({detail}): answers are kept for a limited time"
            + tail
        )
    if isinstance(error, cloud.SolverFailureError):
        return LeapProblemFailed(f"Leap failed the problem: {detail}" + tail)
    if isinstance(error, cloud.CanceledFutureError):
        return LeapProblemFailed("the problem was cancelled on Leap" + tail)
    if isinstance(error, cloud.SolverOfflineError):
        return LeapSolverError(
            f"the solver is offline ({detail}): try again later or choose another solver "
            "in dwave.conf" + tail
        )
    if isinstance(error, cloud.PollingTimeout):
        return LeapConnectionError(
            "Leap did not answer within the polling timeout; the submission is kept in the "
            "ledger" + (tail or ": `qanneal leap fetch --all-pending` retrieves it later")
        )
    if never_connected(error):
        return LeapConnectionError(
            f"cannot reach Leap ({detail}): check the endpoint in the Ocean configuration, "
            "the network and any proxy settings" + tail
        )
    if isinstance(error, cloud.RequestTimeout | TimeoutError):
        return LeapConnectionError(
            f"network timeout talking to Leap ({detail}): check the connection"
            + (tail or "; `qanneal leap status` shows what was submitted")
        )
    if isinstance(error, requests.ConnectionError):
        return LeapConnectionError(
            f"cannot reach Leap ({detail}): check the network and any proxy settings"
            + (tail or "; `qanneal leap status` shows what was submitted")
        )
    if isinstance(error, cloud.ProblemStructureError | cloud.InvalidProblemError):
        return EmbeddingError(
            f"the solver rejected the problem as too large or malformed ({detail}): use fewer "
            "patterns, or sampler 'hybrid'" + tail
        )
    if isinstance(error, cloud.ProblemUploadError):
        return LeapConnectionError(f"uploading the problem to Leap failed ({detail})" + tail)
    code = getattr(error, "error_code", None)
    if isinstance(code, int) and (code == 429 or code >= 500):
        return LeapConnectionError(
            f"Leap answered HTTP {code} ({detail}): the service is busy or failing; try again "
            "later" + tail
        )
    if isinstance(error, cloud.SolverError):
        return LeapSolverError(f"the solver refused the request ({detail})" + tail)
    return LeapError(f"Leap request failed: {type(error).__name__}: {detail}" + tail)
