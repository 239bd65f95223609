"""``qanneal problems``: list the shipped problem files, one line each."""

from __future__ import annotations

from pathlib import Path

import click

from qanneal.library import list_problems
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
    """List the shipped problem files (solve one with `qanneal solve NAME`)."""
    entries = list_problems(directory)
    if as_json:
        print_json(
            [{"name": e.name, "path": str(e.path), "description": e.description} for e in entries]
        )
        return
    width = max((len(e.name) for e in entries), default=0)
    for entry in entries:
        click.echo(f"{entry.name:<{width}}  {entry.description}")
