"""``qanneal leap status`` and ``qanneal leap fetch ID|--all-pending [--resubmit]``: the
submissions ledger of D-Wave Leap runs (see :mod:`qanneal.leap.recover`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from qanneal.leap.errors import LeapError, LedgerError
from qanneal.leap.recover import fetch, fetch_pending, status
from qanneal_cli.commands._common import json_option, out_option, print_json


@click.group()
def leap() -> None:
    """D-Wave Leap submissions: list them, retrieve their answers."""


@leap.command("status")
@out_option
@json_option
def status_command(out_dir: Path, as_json: bool) -> None:
    """List the Leap submissions in --out's ledger and their state."""
    rows = status(out_dir)
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo(f"no Leap submissions in {out_dir}")
        return
    click.echo(f"{'run':<24} {'state':<11} {'sampler':<10} {'solver':<28} problem ids")
    for row in rows:
        found = row["problem_ids"]
        ids = ", ".join(found[:2]) + (f" … ({len(found)} in all)" if len(found) > 2 else "")
        ids = ids or "—"
        click.echo(
            f"{row['run_id']:<24} {row['state']:<11} {row['sampler']:<10} {row['solver']:<28} {ids}"
        )
        if row["error"] and row["state"] != "done":
            label = "reason" if row["state"] == "failed" else "last error"
            click.echo(f"{'':<24} {label}: {row['error']}")


@leap.command("fetch")
@click.argument("ident", metavar="ID", required=False)
@click.option("--all-pending", is_flag=True, help="Fetch every run that is not done.")
@click.option(
    "--resubmit",
    is_flag=True,
    help="Send again what Leap failed, or what may be on Leap but is not found by its label "
    "(charged again); the ledger records it.",
)
@out_option
@json_option
def fetch_command(
    ident: str | None, all_pending: bool, resubmit: bool, out_dir: Path, as_json: bool
) -> None:
    """Retrieve the answers of run ID (or Leap problem id) and write its run record."""
    if (ident is None) == (not all_pending):
        raise LedgerError("give a run id (see `qanneal leap status`) or --all-pending, not both")
    if resubmit and all_pending:
        raise LedgerError(
            "--resubmit takes one run id (see `qanneal leap status`), not --all-pending"
        )
    failures: list[tuple[str, LeapError]] = []
    if all_pending:
        records, failures = fetch_pending(out_dir)
    else:
        records = [fetch(out_dir, str(ident), resubmit=resubmit)]
    if as_json:
        summaries = [_summary(r) for r in records]
        print_json(summaries if all_pending else summaries[0])
    else:
        _print_records(records, quiet_when_empty=bool(failures))
    if failures:
        raise LeapError(_failure_line(failures))


def _print_records(records: list[dict[str, Any]], *, quiet_when_empty: bool) -> None:
    if not records and not quiet_when_empty:
        click.echo("nothing pending")
    for record in records:
        qpu = record.get("qpu") or {}
        breaks = qpu.get("chain_break_fraction")
        extra = "" if breaks is None else f", chain breaks {breaks:.3f}"
        click.echo(
            f"{record['run_id']}: best energy {record['best']['energy']:.6g}, train errors "
            f"{record['best']['train_errors']}{extra} -> {record['record']}"
        )


def _failure_line(failures: list[tuple[str, LeapError]]) -> str:
    """One line for the runs `fetch --all-pending` could not finish: the first in full."""
    run_id, first = failures[0]
    others = f" (and {len(failures) - 1} more runs; `qanneal leap status` lists them)"
    return f"run {run_id}: {first}" + (others if len(failures) > 1 else "")


def _summary(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in ("sampleset", "problem_text")}
