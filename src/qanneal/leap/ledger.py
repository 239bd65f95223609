"""The submissions ledger: every Leap submission, written before and after each step.

``<out>/leap-ledger.sqlite`` (next to the run records) holds two tables:

- ``leap_runs``: one row per run, keyed by the run id that its record will get, with all
  that is needed to finish it later — the problem file's text and hash, the logical BQM's
  hash, the embedding (chains in BQM variable order), chain strength, chain-break method,
  spin-reversal transforms and the QPU parameters (never a credential).
- ``leap_submissions``: one row per problem sent to Leap (a run sends one per
  spin-reversal transform, plus the chain-strength scan), with its label and, as soon as
  Leap returns it, the problem id.

Each update is one SQLite transaction, so a crash leaves every row in its last state:

==============  ==========================================================================
state           meaning
==============  ==========================================================================
uploading       (hybrid) the problem data is being uploaded; no problem is on Leap yet, so
                ``fetch`` sends it
submitting      written before the submit; if it stays so, the problem *may* be on Leap:
                ``fetch`` looks for its label and, if Leap does not list it, sends nothing
                without the user's ``--resubmit``
not-submitted   certainly never reached Leap (refused): ``fetch`` sends it
pending         Leap returned a problem id; ``fetch`` retrieves the answer
answered        the answer arrived (a run: its record is being written)
done            run record saved (``record`` holds its path)
failed          Leap failed or cancelled the problem, or no longer keeps it; ``error``
                says why (``fetch --resubmit`` sends it again)
==============  ==========================================================================

Example:
    >>> import tempfile
    >>> ledger = Ledger(tempfile.mkdtemp())
    >>> ledger.create_run({"run_id": "r1", "sampler": "mock-qpu", "problem": "p.toml"})
    >>> sid = ledger.add_submission("r1", 0, "run", "qanneal-r1-0")
    >>> ledger.update_submission(sid, state="pending", problem_id="abc")
    >>> ledger.find_run("abc")["run_id"], ledger.submissions("r1")[0]["state"]
    ('r1', 'pending')
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qanneal import results
from qanneal.leap.errors import LedgerError, redact
from qanneal.results import database_error

LEDGER = "leap-ledger.sqlite"
RUN_STATES = ("submitting", "pending", "answered", "done", "failed")
UNFINISHED = ("submitting", "pending", "answered")
_RUN_COLUMNS = (
    "run_id",
    "created",
    "updated",
    "state",
    "sampler",
    "solver",
    "problem",
    "problem_sha256",
    "bqm_sha256",
    "formulation",
    "num_reads",
    "seed",
    "plan",
    "problem_text",
    "error",
    "record",
)
_SUBMISSION_COLUMNS = (
    "submission_id",
    "run_id",
    "position",
    "purpose",
    "label",
    "problem_id",
    "state",
    "created",
    "updated",
    "attempts",
    "detail",
    "error",
)
_JSON = {"plan", "detail"}


_DAMAGED = (
    "it holds the Leap problem ids of unfinished runs, so keep it: move it aside (the next "
    "run starts a new one) and try `sqlite3 FILE .recover` on the copy"
)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class Ledger:
    """The ledger in ``out_dir`` (created on first use)."""

    def __init__(self, out_dir: str | os.PathLike[str]) -> None:
        self.directory = Path(out_dir)
        self.path = self.directory / LEDGER

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """One transaction on the ledger; SQLite failures as one-line LedgerErrors."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=results.BUSY_TIMEOUT_S)
        except (OSError, sqlite3.Error) as error:
            raise LedgerError(f"cannot open the ledger {str(self.path)!r}: {error}") from None
        connection.row_factory = sqlite3.Row
        runs = ", ".join(f"{c} TEXT{' PRIMARY KEY' if c == 'run_id' else ''}" for c in _RUN_COLUMNS)
        subs = ", ".join(
            f"{c} TEXT{' PRIMARY KEY' if c == 'submission_id' else ''}" for c in _SUBMISSION_COLUMNS
        )
        try:
            with connection:
                connection.execute(f"CREATE TABLE IF NOT EXISTS leap_runs ({runs})")
                connection.execute(f"CREATE TABLE IF NOT EXISTS leap_submissions ({subs})")
            with connection:  # one transaction: all of it or nothing
                yield connection
        except sqlite3.Error as error:
            raise LedgerError(
                database_error("the Leap ledger", self.path, error, _DAMAGED)
            ) from None
        finally:
            connection.close()

    @staticmethod
    def _encode(column: str, value: Any) -> Any:
        if column in _JSON:
            return json.dumps(value, default=_plain)
        if column == "error" and value is not None:
            return redact(str(value))
        return value

    @staticmethod
    def _decode(row: sqlite3.Row) -> dict[str, Any]:
        out = dict(row)
        for column in _JSON & out.keys():
            out[column] = json.loads(out[column]) if out[column] else {}
        for column in ("num_reads", "seed", "position", "attempts"):
            if out.get(column) is not None:
                out[column] = int(out[column])
        return out

    def create_run(self, run: dict[str, Any]) -> None:
        """Add a run (state ``submitting``) before anything is sent."""
        row = {c: run.get(c) for c in _RUN_COLUMNS}
        row.update(created=_now(), updated=_now(), state=run.get("state", "submitting"))
        row["plan"] = run.get("plan", {})
        names = ", ".join(_RUN_COLUMNS)
        marks = ", ".join("?" for _ in _RUN_COLUMNS)
        with self._connect() as connection:
            connection.execute(
                f"INSERT INTO leap_runs ({names}) VALUES ({marks})",
                [self._encode(c, row[c]) for c in _RUN_COLUMNS],
            )

    def update_run(self, run_id: str, **fields: Any) -> None:
        self._update("leap_runs", "run_id", run_id, _RUN_COLUMNS, fields)

    def add_submission(
        self, run_id: str, position: int, purpose: str, label: str, detail: Any = None
    ) -> str:
        """Record a problem about to be sent (state ``submitting``); returns its id."""
        submission_id = f"{run_id}.{purpose}{position}"
        row = {
            "submission_id": submission_id,
            "run_id": run_id,
            "position": position,
            "purpose": purpose,
            "label": label,
            "problem_id": None,
            "state": "submitting",
            "created": _now(),
            "updated": _now(),
            "attempts": 0,
            "detail": detail or {},
            "error": None,
        }
        names = ", ".join(_SUBMISSION_COLUMNS)
        marks = ", ".join("?" for _ in _SUBMISSION_COLUMNS)
        with self._connect() as connection:
            connection.execute(
                f"INSERT OR IGNORE INTO leap_submissions ({names}) VALUES ({marks})",
                [self._encode(c, row[c]) for c in _SUBMISSION_COLUMNS],
            )
        return submission_id

    def update_submission(self, submission_id: str, **fields: Any) -> None:
        self._update(
            "leap_submissions", "submission_id", submission_id, _SUBMISSION_COLUMNS, fields
        )

    def _update(
        self, table: str, key: str, value: str, columns: tuple[str, ...], fields: dict[str, Any]
    ) -> None:
        unknown = set(fields) - set(columns)
        if unknown:
            raise ValueError(f"unknown ledger columns {sorted(unknown)}")
        fields = {**fields, "updated": _now()}
        sets = ", ".join(f"{c} = ?" for c in fields)
        with self._connect() as connection:
            connection.execute(
                f"UPDATE {table} SET {sets} WHERE {key} = ?",
                [*(self._encode(c, v) for c, v in fields.items()), value],
            )

    def runs(self, states: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        """Runs, oldest first (only those in ``states`` if given)."""
        if not self.path.exists():
            return []
        with self._connect() as connection:
            rows = connection.execute("SELECT * FROM leap_runs ORDER BY created, run_id").fetchall()
        found = [self._decode(row) for row in rows]
        return [r for r in found if states is None or r["state"] in states]

    def submissions(self, run_id: str) -> list[dict[str, Any]]:
        """A run's submissions: the scan first, then the run's, each in order."""
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT * FROM leap_submissions WHERE run_id = ?", [run_id]
            ).fetchall()
        found = [self._decode(row) for row in rows]
        return sorted(found, key=lambda s: (s["purpose"] != "scan", s["position"]))

    def find_run(self, ident: str) -> dict[str, Any]:
        """The run whose id starts with ``ident``, or that holds the Leap problem id
        ``ident``; a LedgerError naming the ledger otherwise."""
        runs = [r for r in self.runs() if str(r["run_id"]).startswith(ident)]
        if not runs and self.path.exists():
            with self._connect() as connection:
                owners = connection.execute(
                    "SELECT DISTINCT run_id FROM leap_submissions WHERE problem_id = ?", [ident]
                ).fetchall()
            owner_ids = {row["run_id"] for row in owners}
            runs = [r for r in self.runs() if r["run_id"] in owner_ids]
        if len(runs) != 1:
            what = "no submission" if not runs else f"{len(runs)} runs"
            raise LedgerError(
                f"{what} with id {ident!r} in {str(self.path)!r}; `qanneal leap status` lists them"
            )
        return runs[0]


def _plain(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
