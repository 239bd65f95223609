"""Options and helpers that several commands share."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from qanneal.library import resolve_problem_path

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
out_option = click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("runs"),
    show_default=True,
    help="Directory of run records.",
)
problem_argument = click.argument("file", metavar="FILE")


def problem_path(file: str) -> Path:
    """A problem file given as a path, or the name of a shipped problem."""
    return resolve_problem_path(file)


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str))
