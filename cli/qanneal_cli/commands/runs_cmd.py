"""``qanneal runs list|show``: the run records of an output directory."""

from __future__ import annotations

from pathlib import Path

import click

from qanneal.results import list_runs, load_record
from qanneal_cli.commands._common import json_option, out_option, print_json
from qanneal_cli.commands._records import format_rows, record_rows, summary


@click.group()
def runs() -> None:
    """Saved run records (see --out of `qanneal solve`)."""


@runs.command("list")
@out_option
@json_option
def list_command(out_dir: Path, as_json: bool) -> None:
    """One line per saved run, oldest first."""
    rows = list_runs(out_dir)
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo(f"no runs in {out_dir}")
        return
    click.echo(
        f"{'run_id':<23} {'sampler':<10} {'formul.':<8} {'reads':>5} "
        f"{'energy':>10} {'errors':>6} {'success':>7}  problem"
    )
    for row in rows:
        click.echo(
            f"{row['run_id']:<23} {row['sampler']:<10} {row['formulation']:<8} "
            f"{row['num_reads']:>5} {row['best_energy']:>10.4g} {row['best_train_errors']:>6} "
            f"{row['success_rate']:>7.2f}  {row['problem']}"
        )


@runs.command("show")
@click.argument("run_id")
@out_option
@json_option
def show_command(run_id: str, out_dir: Path, as_json: bool) -> None:
    """Show one run as `qanneal solve` printed it (a unique prefix of its id is enough);
    --json prints the record without its samples and problem text."""
    record = load_record(out_dir, run_id)
    if as_json:
        print_json(summary(record))
        return
    click.echo(format_rows(record_rows(record)))
