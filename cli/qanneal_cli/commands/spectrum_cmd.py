"""``qanneal spectrum FILE``: Walsh weight per degree of a problem's loss or a HUBO file."""

from __future__ import annotations

from pathlib import Path

import click

from qanneal.extras import require
from qanneal.hubo.spectrum import format_spectrum, plot_spectrum, spectrum
from qanneal.library import resolve_problem_path
from qanneal.problem import loss_polynomial
from qanneal_cli.commands._common import json_option, kernels_ready, print_json


@click.command("spectrum")
@click.argument("file", metavar="FILE")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also draw a bar chart PNG here (needs the plot extra).",
)
@json_option
def spectrum_command(file: str, plot: Path | None, as_json: bool) -> None:
    """W(k) = Σ_{|S|=k} f̂(S)² of a problem file (TOML) or a HUBO file (JSON)."""
    if plot is not None:
        require("plot", "--plot", "or leave it out")
    path = resolve_problem_path(file)
    kernels_ready(["walsh"])
    weights = spectrum(loss_polynomial(path))
    if plot is not None:
        plot_spectrum(weights, plot, title=f"{path.stem}: Walsh spectrum of the loss")
    if as_json:
        print_json({"degree": list(range(len(weights))), "weight": weights.tolist()})
        return
    click.echo(format_spectrum(weights))
    if plot is not None:
        click.echo(f"plot: {plot}")
