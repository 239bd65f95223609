"""``qanneal problems``: list the shipped problem files, one line each."""

from __future__ import annotations

from pathlib import Path

import click

from qanneal.library import list_ep_problems, list_problems
from qanneal_cli.commands._common import json_option, print_json


@click.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="List this folder instead of the shipped library.",
)
@json_option
def problems(directory: Path | None, as_json: bool) -> None:
    """List the shipped problem files: `qanneal solve NAME` runs the first list, `qanneal ep
    NAME` the Ising networks after it."""
    entries = list_problems(directory)
    networks = list_ep_problems() if directory is None else []
    if as_json:
        print_json(
            [
                {
                    "name": e.name,
                    "path": str(e.path),
                    "description": e.description,
                    "command": e.command,
                }
                for e in entries + networks
            ]
        )
        return
    width = max((len(e.name) for e in entries + networks), default=0)
    for entry in entries:
        click.echo(f"{entry.name:<{width}}  {entry.description}")
    if networks:
        click.echo("\nIsing networks for equilibrium propagation (`qanneal ep NAME`):")
        for entry in networks:
            click.echo(f"{entry.name:<{width}}  {entry.description}")
