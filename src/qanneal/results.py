"""Run records: one JSON file per run, written atomically, indexed in SQLite.

Layout of an output directory (default ``./runs``)::

    runs/index.sqlite          one row per run (id, time, problem, sampler, best, ...)
    runs/<run_id>.json         the whole record, with the SampleSet (dimod
                               ``to_serializable``) and the problem file's text

A record is never overwritten: the JSON is written to a temporary file in the same
directory, flushed to disk, then hard-linked to its final name (which fails if the
name exists) — so a crash leaves either nothing or a complete file. The index row comes
after the JSON; a record whose row is missing (a crash in between, or a lost index) is
indexed again by the next :func:`list_runs`. SQLite failures (a locked or damaged index)
are one-line :class:`~qanneal.errors.OutputError` s. The directory is created when the
first record is saved (:func:`ensure_writable` only checks), and a Ctrl-C arriving while a
record and its row are written waits until both are (:func:`qanneal.interrupts.critical`).

Example:
    >>> import tempfile
    >>> out = tempfile.mkdtemp()
    >>> path = save_record({"run_id": "r1", "problem": "p", "sampler": "sa"}, out)
    >>> [row["run_id"] for row in list_runs(out)], load_record(out, "r1")["sampler"]
    (['r1'], 'sa')
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import secrets
import sqlite3
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dimod
import numpy as np

from qanneal.errors import OutputError, RunNotFoundError
from qanneal.files import write_new_file
from qanneal.interrupts import critical

if TYPE_CHECKING:
    from qanneal.problem import Problem

INDEX = "index.sqlite"
BUSY_TIMEOUT_S = 30.0  # how long a write waits for another process's transaction
_COLUMNS = (
    "run_id",
    "created",
    "problem",
    "problem_sha256",
    "formulation",
    "sampler",
    "num_reads",
    "best_energy",
    "best_train_errors",
    "success_rate",
    "interrupted",
    "record",
)


def new_run_id() -> str:
    """Sortable, unique run id: UTC time plus 6 random hex digits."""
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + secrets.token_hex(3)


def ensure_writable(out_dir: str | os.PathLike[str]) -> Path:
    """Prove, before any work is done and without creating anything, that run records can
    be written under ``out_dir``: it, or the nearest folder above it that exists, must be
    a writable directory. The directory itself is made when the first record is saved,
    so a run that saves nothing leaves nothing behind."""
    path = Path(out_dir)
    existing = path
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    problem = None
    if not existing.is_dir():
        problem = f"{str(existing)!r} is not a directory"
    elif not os.access(existing, os.W_OK | os.X_OK):
        problem = f"{str(existing)!r} is not writable"
    if problem is not None:
        raise OutputError(
            f"cannot write run records to {str(path)!r} ({problem}); "
            "pass --out with a writable directory"
        )
    return path


def _create(out_dir: str | os.PathLike[str]) -> Path:
    path = ensure_writable(out_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(
            f"cannot write run records to {str(path)!r} ({error.strerror or error}); "
            "pass --out with a writable directory"
        ) from None
    return path


def database_error(what: str, path: Path, error: sqlite3.Error, damaged: str) -> str:
    """One line for an SQLite failure on ``path``: locked, damaged (``damaged`` says what
    to do), or another error."""
    text = str(error) or type(error).__name__
    if "locked" in text or "busy" in text:
        return (
            f"{what} {str(path)!r} is locked by another process ({text}): wait for it to "
            "finish and run the command again"
        )
    if isinstance(error, sqlite3.DatabaseError) and (
        "not a database" in text or "malformed" in text or "corrupt" in text
    ):
        return f"{what} {str(path)!r} is damaged ({text}): {damaged}"
    return f"cannot use {what} {str(path)!r}: {text}"


@contextlib.contextmanager
def _index(directory: Path) -> Iterator[sqlite3.Connection]:
    """The run index of ``directory`` in one transaction; SQLite failures as OutputError."""
    path = directory / INDEX
    damaged = "move it aside; `qanneal runs list` then builds a new index from the JSON records"
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as error:
        raise OutputError(database_error("the run index", path, error, damaged)) from None
    connection.row_factory = sqlite3.Row
    columns = ", ".join(
        f"{name} {'TEXT PRIMARY KEY' if name == 'run_id' else ''}" for name in _COLUMNS
    )
    try:
        with connection:
            connection.execute(f"CREATE TABLE IF NOT EXISTS runs ({columns})")
            yield connection
    except sqlite3.Error as error:
        raise OutputError(database_error("the run index", path, error, damaged)) from None
    finally:
        connection.close()


def _row(record: dict[str, Any]) -> list[Any]:
    best = record.get("best") or {}
    row = {
        **{name: record.get(name) for name in _COLUMNS},
        "best_energy": best.get("energy"),
        "best_train_errors": best.get("train_errors"),
    }
    return [row[n] for n in _COLUMNS]


def index_record(record: dict[str, Any], directory: Path) -> None:
    """Add ``record``'s row to the index (nothing if it is there already)."""
    names = ", ".join(_COLUMNS)
    marks = ", ".join("?" for _ in _COLUMNS)
    with _index(directory) as connection:
        connection.execute(f"INSERT OR IGNORE INTO runs ({names}) VALUES ({marks})", _row(record))


def save_record(record: dict[str, Any], out_dir: str | os.PathLike[str]) -> Path:
    """Write ``record`` as ``<out_dir>/<run_id>.json`` (creating ``out_dir`` if needed) and
    add it to the index. A Ctrl-C arriving meanwhile waits until both are written."""
    directory = ensure_writable(out_dir)
    path = directory / f"{record['run_id']}.json"
    record["record"] = str(path)
    text = json.dumps(record, indent=1, default=_json_default)
    with critical():
        _create(directory)
        write_new_file(path, text)
        index_record(record, directory)
    return path


def _unindexed(directory: Path, indexed: set[str]) -> list[dict[str, Any]]:
    """Records saved as JSON whose index row is missing (a process killed between the two
    writes, or a lost index)."""
    found = []
    for path in sorted(directory.glob("*.json")):
        if path.stem in indexed or path.name.startswith("."):
            continue
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not a record (or not readable): not ours to judge here
        if isinstance(record, dict) and record.get("run_id") == path.stem and "sampler" in record:
            found.append({**record, "record": str(path)})
    return found


def list_runs(out_dir: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Index rows, oldest first (empty if the directory has no runs yet). JSON records
    without an index row are added to the index first."""
    directory = Path(out_dir)
    if not directory.is_dir():
        return []
    rows: list[dict[str, Any]] = []
    if (directory / INDEX).exists():
        with _index(directory) as connection:
            rows = [dict(r) for r in connection.execute("SELECT * FROM runs").fetchall()]
    orphans = _unindexed(directory, {str(row["run_id"]) for row in rows})
    for record in orphans:
        try:
            index_record(record, directory)
        except OutputError:
            pass  # a read-only directory: listed all the same
        rows.append(dict(zip(_COLUMNS, _row(record), strict=True)))
    return sorted(rows, key=lambda row: (str(row["created"]), str(row["run_id"])))


def load_record(out_dir: str | os.PathLike[str], run_id: str) -> dict[str, Any]:
    """The saved record of ``run_id`` (a unique prefix is enough)."""
    matches = [row for row in list_runs(out_dir) if str(row["run_id"]).startswith(run_id)]
    if len(matches) != 1:
        known = "; `qanneal runs list` shows them"
        what = "no run" if not matches else f"{len(matches)} runs"
        raise RunNotFoundError(f"{what} with id {run_id!r} in {str(out_dir)!r}{known}")
    path = Path(matches[0]["record"])
    if not path.is_absolute() and not path.exists():
        path = Path(out_dir) / path.name
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as error:
        raise OutputError(f"cannot read run record {str(path)!r}: {error}") from None


def _json_default(value: Any) -> Any:
    """numpy scalars and arrays inside a record become plain JSON values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


_VERSIONED = ("qanneal", "dimod", "dwave-samplers", "numpy", "numba")


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def build_record(
    problem: Problem,
    name: str,
    kwargs: dict[str, Any],
    seed: int,
    sampleset: dimod.SampleSet,
    readout: tuple[np.ndarray, np.ndarray, dict[str, Any]],
    elapsed: float,
    interrupted: bool,
    requested: int,
) -> dict[str, Any]:
    """The run record of a finished sample set (``readout`` from ``Problem.readout``)."""
    weights, energies, extra = readout
    errors = np.atleast_1d(problem.model.errors(weights))
    best = int(np.lexsort((energies, errors))[0])
    best_weights = weights[best]
    return {
        "run_id": new_run_id(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "problem": str(problem.path) if problem.path is not None else problem.name,
        "problem_sha256": problem.hash,
        "formulation": problem.formulation,
        "sampler": name,
        "parameters": {k: v for k, v in kwargs.items() if k != "initial_states"},
        "seed": seed,
        "num_variables": problem.num_variables,
        "num_weights": problem.model.num_variables,
        "num_reads": len(sampleset),
        "requested_reads": requested,
        "interrupted": interrupted,
        "best": {
            "energy": float(energies[best]),
            "train_errors": int(errors[best]),
            "train_accuracy": problem.accuracy(best_weights, "train"),
            "test_accuracy": problem.accuracy(best_weights, "test"),
            "weights": {k: v.tolist() for k, v in problem.model.decode(best_weights).items()},
        },
        "success_rate": float(np.mean(errors == 0)),
        "min_energy": float(energies.min()),
        "timing": {"total_s": elapsed, **sampleset.info.get("timing", {})},
        "protocol": sampleset.info.get("protocol"),
        "versions": versions(),
        "record": None,
        **extra,
        "problem_text": problem.text,
        "sampleset": sampleset.to_serializable(),
    }
