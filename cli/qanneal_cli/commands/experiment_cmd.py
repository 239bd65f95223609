"""``qanneal experiment``: reproduce published experiments; ``light`` is Kulikovskikh–Legović's
sigmoid neuron against LIGHT-regulated replicated gradient descent."""

from __future__ import annotations

from pathlib import Path

import click

from qanneal.extras import require
from qanneal.learning.light.experiment import (
    CONTESTANTS,
    run_light_experiment,
    summary_table,
    write_light_outputs,
)
from qanneal.learning.light.optim import OPTIMIZERS
from qanneal_cli.commands._common import json_option, print_json, progress_bar, quiet_option


@click.group()
def experiment() -> None:
    """Reproduce the experiments of the papers qanneal follows."""


@experiment.command("light")
@click.option(
    "--runs",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Independent runs (fresh data set and seed each).",
)
@click.option(
    "--epochs", type=click.IntRange(min=1), default=50, show_default=True, help="Epochs per run."
)
@click.option(
    "--optimizer",
    "optimizers",
    type=click.Choice(OPTIMIZERS),
    multiple=True,
    help="Optimiser(s) (repeatable; default: all three).",
)
@click.option(
    "--mode",
    "modes",
    type=click.Choice(CONTESTANTS),
    multiple=True,
    help="Contestant(s): sigmoid (plain GD) or a regulation mode of the replicas "
    "(repeatable; default: all).",
)
@click.option(
    "--replicas",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Trotter replicas M of the regulated contestants.",
)
@click.option(
    "--rho-max",
    type=click.FloatRange(min=0),
    default=None,
    help="Coupling ρ_max (default 1/learning rate).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Seed of the whole experiment.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory for light.json, light_epochs.csv and the PNG figures.",
)
@click.option("--no-plots", is_flag=True, help="With --out: skip the PNG figures.")
@json_option
@quiet_option
def light_command(
    runs: int,
    epochs: int,
    optimizers: tuple[str, ...],
    modes: tuple[str, ...],
    replicas: int,
    rho_max: float | None,
    seed: int,
    out_dir: Path | None,
    no_plots: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """Sigmoid neuron vs LIGHT-regulated replicas on synthetic 2-D data (paper Fig. 2)."""
    if out_dir is not None and not no_plots:
        require("plot", "the figures", "or pass --no-plots")
    bar = progress_bar(quiet, "training", "trainings")
    try:
        result = run_light_experiment(
            runs=runs,
            epochs=epochs,
            optimizers=optimizers or OPTIMIZERS,
            contestants=modes or CONTESTANTS,
            replicas=replicas,
            rho_max=rho_max,
            seed=seed,
            progress=bar.update,
        )
    finally:
        bar.close()
    paths = [] if out_dir is None else write_light_outputs(result, out_dir, plots=not no_plots)
    if as_json:
        document = {k: v for k, v in result.items() if k != "rows"}
        print_json({**document, "files": [str(p) for p in paths]})
        return
    click.echo(summary_table(result))
    for path in paths:
        click.echo(f"wrote {path}")
