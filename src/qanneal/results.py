"""Run records: one JSON file per run, written atomically, indexed in SQLite.

Layout of an output directory (default ``./runs``)::

    runs/index.sqlite          one row per run (id, time, problem, sampler, best, ...)
    runs/<run_id>.json         the whole record, with the SampleSet (dimod
                               ``to_serializable``) and the problem file's text

A record is never overwritten: the JSON is written to a temporary file in the same
directory, flushed to disk, then hard-linked to its final name (which fails if the
name exists) — so a crash leaves either nothing or a complete file.

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
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dimod
import numpy as np

from qanneal.errors import OutputError, RunNotFoundError
from qanneal.files import write_new_file

if TYPE_CHECKING:
    from qanneal.problem import Problem

INDEX = "index.sqlite"
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
    """Create ``out_dir`` if needed and prove it is writable, before any work is done."""
    path = Path(out_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".probe-"):
            pass
    except OSError as error:
        raise OutputError(
            f"cannot write run records to {str(path)!r} ({error.strerror or error}); "
            "pass --out with a writable directory"
        ) from None
    return path


def _connect(out_dir: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(out_dir / INDEX, timeout=30)
    connection.row_factory = sqlite3.Row
    columns = ", ".join(
        f"{name} {'TEXT PRIMARY KEY' if name == 'run_id' else ''}" for name in _COLUMNS
    )
    connection.execute(f"CREATE TABLE IF NOT EXISTS runs ({columns})")
    return connection


def save_record(record: dict[str, Any], out_dir: str | os.PathLike[str]) -> Path:
    """Write ``record`` as ``<out_dir>/<run_id>.json`` and add it to the index."""
    directory = ensure_writable(out_dir)
    path = directory / f"{record['run_id']}.json"
    record["record"] = str(path)
    write_new_file(path, json.dumps(record, indent=1, default=_json_default))
    best = record.get("best", {})
    row = {
        **{name: record.get(name) for name in _COLUMNS},
        "problem_sha256": record.get("problem_sha256"),
        "best_energy": best.get("energy"),
        "best_train_errors": best.get("train_errors"),
    }
    with contextlib.closing(_connect(directory)) as connection, connection:
        names = ", ".join(_COLUMNS)
        marks = ", ".join("?" for _ in _COLUMNS)
        connection.execute(
            f"INSERT INTO runs ({names}) VALUES ({marks})", [row[n] for n in _COLUMNS]
        )
    return path


def list_runs(out_dir: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Index rows, oldest first (empty if the directory has no runs yet)."""
    directory = Path(out_dir)
    if not (directory / INDEX).exists():
        return []
    with contextlib.closing(_connect(directory)) as connection:
        rows = connection.execute("SELECT * FROM runs ORDER BY created, run_id").fetchall()
    return [dict(row) for row in rows]


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
        "versions": versions(),
        "record": None,
        **extra,
        "problem_text": problem.text,
        "sampleset": sampleset.to_serializable(),
    }
