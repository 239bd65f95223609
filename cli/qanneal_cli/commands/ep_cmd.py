"""``qanneal ep FILE``: train an Ising network by equilibrium propagation, save the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from qanneal.errors import ProblemFileError
from qanneal.learning.ep.run import run_ep_file
from qanneal.library import shipped_problems_dir
from qanneal_cli.commands._common import json_option, out_option, print_json, progress_bar

SUMMARY_ONLY = ("problem_text", "history", "model", "parameters")


def ep_problem_path(file: str) -> Path:
    """A path, or the name of a shipped EP problem (``problems/ep/NAME.toml`` or
    ``problems/NAME.toml``)."""
    path = Path(file)
    if path.exists():
        return path
    if path.parent == Path("."):
        for folder in (shipped_problems_dir() / "ep", shipped_problems_dir()):
            shipped = folder / f"{path.stem}.toml"
            if shipped.exists():
                return shipped
    raise ProblemFileError(f"{file}: no such problem file; shipped EP problems: ep-xor, ep-digits")


@click.command("ep")
@click.argument("file", metavar="FILE")
@click.option("--rule", default=None, help="nudged | covariance | quantum (default: the file's).")
@click.option("--sampler", default=None, help="exact | sa | pimc (default: the file's).")
@click.option("--epochs", type=click.IntRange(min=1), default=None, help="Training epochs.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Seed of the run.")
@out_option
@json_option
@click.option("--no-plot", is_flag=True, help="Do not write the learning-curve PNG.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def ep_command(
    file: str,
    rule: str | None,
    sampler: str | None,
    epochs: int | None,
    seed: int | None,
    out_dir: Path,
    as_json: bool,
    no_plot: bool,
    quiet: bool,
) -> None:
    """Train an ising-ep problem FILE; save the run record and its learning curve."""
    bar = progress_bar(quiet)
    try:
        record = run_ep_file(
            ep_problem_path(file),
            overrides={"rule": rule, "sampler": sampler, "epochs": epochs, "seed": seed},
            out_dir=out_dir,
            plot=not no_plot,
            progress=bar.update,
        )
    finally:
        bar.close()
    summary = {k: v for k, v in record.items() if k not in SUMMARY_ONLY}
    if as_json:
        print_json(summary)
        return
    _print_table(record)


def _print_table(record: dict[str, Any]) -> None:
    best, params = record["best"], record["parameters"]
    test = best["test_accuracy"]
    rows = [
        ("problem", record["problem"]),
        (
            "run",
            f"rule {params['rule']}, sampler {params['sampler']}, layers "
            f"{record['model']['layers']}, {params['epochs']} epochs, seed {record['seed']}",
        ),
        ("train acc.", f"{best['train_accuracy']:.4f} ({best['train_errors']} errors)"),
        ("test acc.", "—" if test is None else f"{test:.4f}"),
        ("mean cost", f"{best['energy']:.4g} (train, {record['evaluation']})"),
        ("time", f"{record['timing']['total_s']:.2f} s"),
        ("record", record["record"]),
        ("curve", record["curve"] or "— (not written)"),
    ]
    for key, value in rows:
        click.echo(f"{key:<12} {value}")
