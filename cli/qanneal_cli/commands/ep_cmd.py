"""``qanneal ep FILE``: train an Ising network by equilibrium propagation, save the run."""

from __future__ import annotations

from pathlib import Path

import click

from qanneal.errors import ProblemFileError
from qanneal.extras import require
from qanneal.learning.ep.run import run_ep_file
from qanneal.library import shipped_problems_dir
from qanneal_cli.commands._common import (
    ensure_kernels,
    json_option,
    out_option,
    print_json,
    progress_bar,
    quiet_option,
)
from qanneal_cli.commands._records import ep_rows, format_rows

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
@quiet_option
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
    if not no_plot:
        require("plot", "the learning curve", "or pass --no-plot")
    path = ep_problem_path(file)
    bar = progress_bar(quiet, "training", "epochs")
    try:
        ensure_kernels(["annealing"], bar)
        bar.phase("training", unit="epochs")
        record = run_ep_file(
            path,
            overrides={"rule": rule, "sampler": sampler, "epochs": epochs, "seed": seed},
            out_dir=out_dir,
            plot=not no_plot,
            progress=bar.update,
        )
    finally:
        bar.close()
    if as_json:
        print_json({k: v for k, v in record.items() if k not in SUMMARY_ONLY})
        return
    click.echo(format_rows(ep_rows(record)))
