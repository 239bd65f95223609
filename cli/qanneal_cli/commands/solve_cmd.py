"""``qanneal solve FILE``: sample a problem, print what was found, save a run record.

Before sampling, kernels that numba has not compiled yet are compiled (once, with a
status line saying so); Ctrl-C keeps the reads that finished, saves them and exits 130.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import click

from qanneal_cli.commands._common import (
    ensure_kernels,
    json_option,
    out_option,
    print_json,
    problem_argument,
    problem_path,
    quiet_option,
)
from qanneal_cli.commands._records import format_rows, solve_rows, summary
from qanneal_cli.commands._status import Status


@click.command()
@problem_argument
@click.option("--sampler", default=None, help="Registry name (default: the file's solve.sampler).")
@click.option("--num-reads", type=click.IntRange(min=1), default=None, help="Independent reads.")
@click.option("--num-sweeps", type=click.IntRange(min=1), default=None, help="Sweeps per read.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Seed of the run.")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="Sampler parameter overriding [solve.params], e.g. --param trotter=32 (repeatable).",
)
@out_option
@json_option
@quiet_option
@click.option(
    "--dry-run",
    is_flag=True,
    help="Leap samplers: embed and estimate the QPU access time, submit nothing.",
)
def solve(
    file: str,
    sampler: str | None,
    num_reads: int | None,
    num_sweeps: int | None,
    seed: int | None,
    params: tuple[str, ...],
    out_dir: Path,
    as_json: bool,
    quiet: bool,
    dry_run: bool,
) -> None:
    """Solve a problem file and save the run under --out."""
    status = Status(quiet=quiet)
    status.phase("loading the problem")
    options: dict[str, Any] = {"num_reads": num_reads, "num_sweeps": num_sweeps, "seed": seed}
    options |= {"out_dir": out_dir, "dry_run": dry_run}
    try:
        record, stop_requested = _run(status, file, sampler, params, options)
    finally:
        status.close()
    if dry_run:
        if as_json:
            print_json(record)
        else:
            print_plan(record)
        return
    if as_json:
        print_json(summary(record))
    else:
        click.echo(format_rows(solve_rows(record)))
    if record["interrupted"]:
        click.echo(
            f"interrupted: saved {record['num_reads']} of {record['requested_reads']} "
            f"reads to {record['record']}",
            err=True,
        )
        sys.exit(130)
    if stop_requested:
        click.echo(
            f"interrupted after the last read: all {record['num_reads']} reads saved to "
            f"{record['record']}",
            err=True,
        )
        sys.exit(130)


def _run(
    status: Status,
    file: str,
    sampler: str | None,
    params: tuple[str, ...],
    options: dict[str, Any],
) -> tuple[dict[str, Any], bool]:
    """Load, compile what is missing, sample (``options``: more arguments of
    :func:`qanneal.solve`); the record and whether Ctrl-C was pressed."""
    import qanneal
    from qanneal.interrupts import StopState, sigint_stops
    from qanneal.leap.errors import LeapInterrupted
    from qanneal.samplers import registry
    from qanneal.spec import parse_param
    from qanneal.warmup import steps_for

    problem = qanneal.load_problem(problem_path(file))
    settings = dict(parse_param(text) for text in params)
    ensure_kernels(steps_for(problem, sampler), status)
    status.phase("sampling")
    leap = registry.get(sampler or problem.spec["solve"]["sampler"]).via_leap
    # a Leap wait is plain Python: Ctrl-C there raises, and the ledger keeps the run pending
    stopping = contextlib.nullcontext(StopState()) if leap else sigint_stops(status.stop_requested)
    with stopping as stop:
        try:
            record = qanneal.solve(
                problem, sampler, params=settings, progress=status.update, **options
            )
        except LeapInterrupted as stopped:
            status.close()
            click.echo(str(stopped), err=True)
            sys.exit(130)
    return record, stop.requested


def print_plan(plan: dict[str, Any]) -> None:
    """A Leap dry run or inspect estimate, one line per item."""
    labels = {
        "sampler": "sampler",
        "solver": "solver",
        "num_reads": "reads",
        "logical_qubits": "logical qubits",
        "physical_qubits": "physical qubits",
        "max_chain_length": "max chain",
        "mean_chain_length": "mean chain",
        "chain_strength": "chain strength",
        "chain_strength_method": "strength by",
        "embedding_source": "embedding",
        "target": "submits",
        "time_limit": "time limit s",
        "minimum_time_limit": "solver min. s",
        "submissions": "submissions",
        "hardware_noise": "emulating",
    }
    hybrid = plan.get("category") == "hybrid"
    for key, label in labels.items():
        if plan.get(key) is not None and not (hybrid and key == "num_reads"):
            value = plan[key]
            if isinstance(value, dict):
                value = ", ".join(f"{k} {v}" for k, v in value.items())
            if key == "submissions" and plan.get("workflow"):  # QPU in the loop
                label, value = "QPU subproblems", f"at most {value}"
            click.echo(
                f"{label:<16} {value:.4g}" if isinstance(value, float) else f"{label:<16} {value}"
            )
    estimate = plan.get("estimated_access_time_us")
    if hybrid and estimate is not None:  # a hybrid solver charges its run time
        click.echo(f"{'est. charge':<16} {estimate / 1e6:.1f} s")
        return
    if estimate is None:
        text = "unknown (the solver publishes no timing model)"
    else:
        scan = (
            " at most (with the chain-strength scan)"
            if plan.get("chain_strength_method") == "auto"
            else " at most (if every read runs max_iter iterations)"
            if plan.get("workflow")
            else ""
        )
        text = f"{estimate / 1000:.1f} ms{scan}"
    click.echo(f"{'est. QPU time':<16} {text}")
