"""Finishing Leap runs from the ledger alone: ``qanneal leap status`` and ``qanneal leap
fetch``. The process that submitted a run may have been killed at any point; :func:`fetch`
retrieves its answers from the solver it was planned on (the same name and working graph,
or a one-line error), never sends again what Leap may have unless the user says
``resubmit``, and marks runs that Leap failed as ``failed``.

Example:
    >>> import tempfile
    >>> out = tempfile.mkdtemp()
    >>> status(out)
    []
    >>> fetch(out, "20260101")
    Traceback (most recent call last):
    ...
    qanneal.leap.errors.LedgerError: no submission with id '20260101' in ...
"""

from __future__ import annotations

import json
import os
import time
import tomllib
from pathlib import Path
from typing import Any

from qanneal.leap.client import connect
from qanneal.leap.errors import LeapError, LeapProblemFailed, LeapSolverError
from qanneal.leap.ledger import UNFINISHED, Ledger
from qanneal.leap.run import Progress, execute
from qanneal.problem import Problem, problem_from_dict
from qanneal.results import index_record


def _saved(out_dir: Path, run: dict[str, Any], ledger: Ledger) -> dict[str, Any] | None:
    """The record a killed process saved before it marked the run done (indexed and marked
    done now), or None."""
    path = out_dir / f"{run['run_id']}.json"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # not written (write_new_file leaves a whole file or none)
    record["record"] = str(path)
    index_record(record, out_dir)
    ledger.update_run(run["run_id"], state="done", record=str(path), error=None)
    return dict(record)


def _rebuild(run: dict[str, Any]) -> Problem:
    """The problem of a ledger run, from the file text stored with it."""
    text = run["problem_text"]
    path = Path(run["problem"]) if run["problem"] and run["problem"].endswith(".toml") else None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return problem_from_dict(json.loads(text))
    return problem_from_dict(document, text=text, path=path)


def _pinned(run: dict[str, Any], out_dir: Path) -> Any:
    """A connection to the solver the run was planned on, with the same working graph."""
    plan = run["plan"]
    try:
        connection = connect(
            run["sampler"],
            store=out_dir,
            seed=run["seed"],
            options=plan["options"],
            solver=plan["solver"],
        )
    except LeapSolverError as error:
        raise LeapSolverError(
            f"run {run['run_id']} was planned on solver {plan['solver']}, which Leap no "
            f"longer offers ({error}); its answers cannot be fetched or resubmitted: solve "
            "the problem again"
        ) from None
    graph = getattr(connection, "graph_id", None)
    if connection.solver_name != plan["solver"] or graph != plan.get("graph_id", graph):
        connection.close()
        raise LeapSolverError(
            f"run {run['run_id']} was embedded on {plan['solver']} (graph "
            f"{plan.get('graph_id')}) but that solver now has graph {graph}: the stored chains "
            "do not fit it, so its answers are not decoded; solve the problem again"
        )
    return connection


def fetch(
    out_dir: str | os.PathLike[str],
    ident: str,
    *,
    progress: Progress | None = None,
    resubmit: bool = False,
) -> dict[str, Any]:
    """Finish the ledger run ``ident`` (run id prefix or Leap problem id): retrieve its
    answers from the solver it was planned on, unembed them with the stored embedding,
    write its run record. ``resubmit`` (the user's word) sends again the submissions that
    Leap failed or that may be on Leap but cannot be found; the ledger records it."""
    from qanneal.results import load_record

    started = time.perf_counter_ns()
    directory = Path(out_dir)
    ledger = Ledger(directory)
    run = ledger.find_run(ident)
    if run["state"] == "done":
        return load_record(directory, run["run_id"])
    saved = _saved(directory, run, ledger)
    if saved is not None:
        return saved
    if run["state"] == "failed" and not resubmit:
        raise LeapProblemFailed(
            f"run {run['run_id']} failed on Leap ({run['error']}); "
            f"`qanneal leap fetch --resubmit {run['run_id']}` sends it again"
        )
    problem = _rebuild(run)
    connection = _pinned(run, directory)
    try:
        return execute(
            run,
            problem,
            ledger,
            connection,
            progress=progress,
            started=started,
            resubmit=resubmit,
            fetched=True,
        )
    finally:
        connection.close()


def fetch_pending(
    out_dir: str | os.PathLike[str],
) -> tuple[list[dict[str, Any]], list[tuple[str, LeapError]]]:
    """:func:`fetch` every unfinished run, oldest first, going on past failures:
    (records, [(run id, error)])."""
    records, failures = [], []
    for run in Ledger(out_dir).runs(UNFINISHED):
        try:
            records.append(fetch(out_dir, run["run_id"]))
        except LeapError as error:
            failures.append((run["run_id"], error))
    return records, failures


def status(out_dir: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """One row per ledger run: id, time, sampler, solver, state, problem ids, record."""
    ledger = Ledger(out_dir)
    rows = []
    for run in ledger.runs():
        submissions = ledger.submissions(run["run_id"])
        rows.append(
            {
                "run_id": run["run_id"],
                "created": run["created"],
                "sampler": run["sampler"],
                "solver": run["solver"],
                "state": run["state"],
                "problem": run["problem"],
                "submissions": len(submissions),
                "problem_ids": [s["problem_id"] for s in submissions if s["problem_id"]],
                "submission_states": [s["state"] for s in submissions],
                "estimated_access_time_us": run["plan"].get("estimated_access_time_us"),
                "record": run["record"],
                "error": run["error"],
            }
        )
    return rows
