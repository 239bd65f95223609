"""Options and helpers that several commands share."""

from __future__ import annotations

import json
import sys
import time
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


class DelayedBar:
    """A progress bar on stderr that appears only once a run has taken over a second,
    so short runs print nothing extra."""

    DELAY_S = 1.0

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.start = time.monotonic()
        self.bar: Any = None

    def update(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.start < self.DELAY_S:
                return
            self.bar = click.progressbar(length=total, label="sampling", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def progress_bar(quiet: bool) -> DelayedBar:
    """The delayed bar of a long command: off with ``--quiet`` or when stderr is no terminal."""
    return DelayedBar(enabled=not quiet and sys.stderr.isatty())
