"""Leap runs end to end: plan, ledger, submit, unembed, run record — now or later.

:func:`solve_on_leap` is what ``qanneal solve`` calls for the samplers that go through the
ledger (``qpu``, ``qpu-clique``, ``hybrid``, ``hybrid-cqm``, ``hybrid-nl``, ``mock-qpu``):
it plans the run (:mod:`qanneal.leap.plan`), writes it to the ledger with the problem
file's text, sends its problems (:mod:`qanneal.leap.submit`), and writes a normal run
record — with a ``qpu`` section (qubit counts, chain lengths, chain-break fraction, logical
energy) for the QPU, and per-constraint ``feasibility`` for a CQM.
:mod:`qanneal.leap.recover` finishes a run from the ledger alone — the process that
submitted it may have been killed at any point.

Example (offline, with the mock QPU):
    >>> import tempfile
    >>> from qanneal.problem import problem_from_dict
    >>> problem = problem_from_dict({
    ...     "model": {"type": "perceptron", "inputs": 3},
    ...     "data": {"source": "random", "patterns": 2, "seed": 1},
    ...     "formulation": {"type": "slack"}})
    >>> out = tempfile.mkdtemp()
    >>> record = solve_on_leap(problem, "mock-qpu", num_reads=5, num_sweeps=100, seed=3,
    ...                        params={"pegasus_size": 4}, out_dir=out)
    >>> record["qpu"]["logical_qubits"], record["leap"]["completed_by"]
    (5, 'solve')
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dimod

from qanneal.leap import loop, submit
from qanneal.leap.client import connect
from qanneal.leap.errors import (
    LeapError,
    LeapInterrupted,
    LeapProblemFailed,
    LeapProblemGone,
    LedgerError,
)
from qanneal.leap.hybrid import PROBLEM_TYPES, target_hash
from qanneal.leap.ledger import Ledger
from qanneal.leap.noise import EMULATOR_PARAMETERS
from qanneal.leap.plan import EMBEDDING_REPORT_KEYS, check_parameters, make_plan
from qanneal.problem import Problem
from qanneal.results import build_record, ensure_writable, new_run_id, save_record

Progress = Callable[[int, int], None]


def _options(params: dict[str, Any], num_sweeps: int | None) -> dict[str, Any]:
    """What the (mock) connection is built with: sweeps, graph size, the emulator."""
    keys = ("pegasus_size", "auto_scale", *EMULATOR_PARAMETERS)
    options: dict[str, Any] = {} if num_sweeps is None else {"num_sweeps": num_sweeps}
    return {**options, **{k: params[k] for k in keys if k in params}}


def solve_on_leap(
    problem: Problem,
    name: str,
    *,
    num_reads: int,
    num_sweeps: int | None,
    seed: int,
    params: dict[str, Any],
    out_dir: str | os.PathLike[str] = "runs",
    save: bool = True,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Submit ``problem`` to Leap sampler ``name`` and return its run record (with
    ``dry_run``: the plan and its access-time estimate, nothing submitted)."""
    check_parameters(params, name)  # offline, before connecting
    if not save and not dry_run:  # the mock keeps its answers in a folder: a temporary one
        with tempfile.TemporaryDirectory() as scratch:
            return _solve_in(
                problem,
                name,
                Path(scratch),
                num_reads,
                num_sweeps,
                seed,
                params,
                save=False,
                progress=progress,
                dry_run=False,
            )
    return _solve_in(
        problem,
        name,
        ensure_writable(out_dir),
        num_reads,
        num_sweeps,
        seed,
        params,
        save=save,
        progress=progress,
        dry_run=dry_run,
    )


def _solve_in(
    problem: Problem,
    name: str,
    store: Path,
    num_reads: int,
    num_sweeps: int | None,
    seed: int,
    params: dict[str, Any],
    *,
    save: bool,
    progress: Progress | None,
    dry_run: bool,
) -> dict[str, Any]:
    started = time.perf_counter_ns()  # the record's time covers all of it, embedding too
    kind = PROBLEM_TYPES.get(name, "bqm")
    target = problem.target(kind)
    options = _options(params, num_sweeps)
    connection = connect(name, store=store, seed=seed, options=options)
    try:
        plan = make_plan(
            target,
            connection,
            name,
            num_reads=num_reads,
            seed=seed,
            params=params,
            cache_dir=store / "embeddings",
        )
        plan["options"] = options
        if dry_run:
            return dry_run_report(problem, plan)
        run = {
            "run_id": new_run_id(),
            "sampler": name,
            "solver": plan["solver"],
            "problem": str(problem.path.resolve()) if problem.path is not None else problem.name,
            "problem_sha256": problem.hash,
            "bqm_sha256": target_hash(target, kind),  # the BQM's, CQM's or NL model's
            "formulation": problem.formulation,
            "num_reads": num_reads,
            "seed": seed,
            "plan": plan,
            "problem_text": problem.text or json.dumps(problem.spec, default=str),
        }
        ledger = Ledger(store) if save else None
        if ledger is not None:
            ledger.create_run(run)
        return execute(
            run, problem, ledger, connection, save=save, progress=progress, started=started
        )
    finally:
        connection.close()


def dry_run_report(problem: Problem, plan: dict[str, Any]) -> dict[str, Any]:
    """What would be submitted: sizes, chains and the estimated QPU access time."""
    keep = (
        "sampler",
        "solver",
        "category",
        "num_reads",
        "target",
        *EMBEDDING_REPORT_KEYS,
        "time_limit",
        "minimum_time_limit",
        "workflow",
        "settings",
        "max_subproblems",
        "hardware_noise",
        "estimated_access_time_us",
    )
    report = {k: plan[k] for k in keep if k in plan}
    report["submissions"] = plan.get("max_subproblems") or max(len(plan.get("transforms", [])), 1)
    report["problem"] = str(problem.path) if problem.path is not None else problem.name
    report["dry_run"] = True
    return report


def _record_timing(
    logical: Any, plan: dict[str, Any], sampling_ns: int, started: int, fetched: bool
) -> float:
    """qanneal's timing (ns) into ``logical.info``: the embedding (when this process found
    or loaded it, i.e. not in a fetch), submit -> answer, and the whole call; returns the
    whole call in seconds."""
    total_ns = time.perf_counter_ns() - started
    timing = {"sampling_ns": sampling_ns, "total_ns": total_ns}
    if plan.get("embedding_ns") is not None and not fetched:
        timing["embedding_ns"] = int(plan["embedding_ns"])
    logical.info["timing"] = timing
    return total_ns / 1e9


def _sample(
    target: Any,
    plan: dict[str, Any],
    session: submit.Session,
    seed: int,
    ledger: Ledger | None,
    progress: Progress | None,
) -> tuple[Any, dict[str, Any]]:
    """Send or complete a plan's submissions: (logical sample set, QPU report)."""
    if plan.get("workflow") != "kerberos":
        return submit.sample_plan(target, plan, session)
    # QPU in the loop: run (or replay) the seeded workflow, its subproblems through the ledger
    from qanneal.leap.kerberos import run_reads, summary

    qpu = loop.LedgerQPU(session)
    rows, reads = run_reads(
        target,
        qpu,
        plan["settings"],
        num_reads=plan["num_reads"],
        seed=seed,
        cache_dir=ledger.directory / "embeddings" if ledger is not None else None,
        after_read=progress,
    )
    logical = dimod.SampleSet.from_samples_bqm((rows, list(target.variables)), target)
    report = {**summary(reads), "qpu_submissions": qpu.position}
    logical.info.update(submit.answer_info(qpu.infos), kerberos=report)
    return logical, {}


def execute(
    run: dict[str, Any],
    problem: Problem,
    ledger: Ledger | None,
    connection: Any,
    *,
    save: bool = True,
    progress: Progress | None = None,
    started: int | None = None,
    resubmit: bool = False,
    fetched: bool = False,
) -> dict[str, Any]:
    """Send or complete every submission of ``run`` and write its run record (``started``:
    ``perf_counter_ns`` when the call began, so that the record's time includes the
    embedding; ``fetched``: completed by ``qanneal leap fetch``)."""

    started = time.perf_counter_ns() if started is None else started
    run_id, plan = run["run_id"], run["plan"]
    kind = plan.get("target", "bqm")
    target = problem.target(kind)
    if target_hash(target, kind) != run["bqm_sha256"]:
        raise LedgerError(
            f"run {run_id}: the problem rebuilt from the ledger differs from the one submitted "
            "(a changed data file?); its answers cannot be decoded"
        )
    session = submit.Session(run, ledger, connection, resubmit=resubmit)
    sent = time.perf_counter_ns()
    try:
        logical, report = _sample(target, plan, session, run["seed"], ledger, progress)
    except (LeapProblemFailed, LeapProblemGone) as error:
        if ledger is not None:
            ledger.update_run(run_id, state="failed", error=str(error))
        raise
    except LeapError as error:
        if ledger is not None:
            ledger.update_run(run_id, state="pending", error=str(error))
        raise
    except KeyboardInterrupt:
        if ledger is None:
            raise
        ledger.update_run(run_id, state="pending", error="interrupted while waiting")
        raise LeapInterrupted(
            f"interrupted while waiting for Leap; run {run_id} is pending: "
            f"`qanneal leap fetch {run_id}` finishes it"
        ) from None
    sampling_ns = time.perf_counter_ns() - sent
    if ledger is not None:
        ledger.update_run(run_id, state="answered", error=None)
    if progress is not None:
        progress(1, 1)
    readout = problem.readout(logical, kind)
    parameters = {**plan["params"], "num_reads": run["num_reads"]}
    elapsed = _record_timing(logical, plan, sampling_ns, started, fetched)
    record = build_record(
        problem,
        run["sampler"],
        parameters,
        run["seed"],
        logical,
        readout,
        elapsed,
        False,
        run["num_reads"],
    )
    record["run_id"] = run_id
    workflow = logical.info.get("kerberos")
    if workflow is not None:  # QPU in the loop: its subproblems, not one embedded problem
        record["kerberos"], report = workflow, {}
    record["qpu"] = {**report, "logical_energy": record["best"]["energy"]} if report else None
    record["leap"] = {
        "solver": plan["solver"],
        "graph_id": plan.get("graph_id"),
        "problem_ids": logical.info.get("problem_ids", []),
        "qpu_timing_us": logical.info.get("qpu_timing", {}),
        "estimated_access_time_us": plan.get("estimated_access_time_us"),
        "completed_by": "fetch" if fetched else "solve",
        "ledger": str(ledger.path) if ledger is not None else None,
    }
    if save and ledger is not None:
        save_record(record, ledger.directory)
        ledger.update_run(run_id, state="done", record=record["record"])
    return record
