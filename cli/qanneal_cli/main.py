"""Entry point of the ``qanneal`` command: a click group that turns every
:class:`~qanneal.errors.QannealError` into one line on stderr and exit status 2."""

from __future__ import annotations

import sys
from typing import Any

import click

from qanneal import __version__
from qanneal.errors import QannealError
from qanneal_cli.commands import (
    compare_cmd,
    ep_cmd,
    expand_cmd,
    experiment_cmd,
    inspect_cmd,
    leap_cmd,
    problems_cmd,
    reduce_cmd,
    runs_cmd,
    solve_cmd,
    spectrum_cmd,
)


class QannealGroup(click.Group):
    """A group whose commands report bad input as ``error: ...`` and exit 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QannealError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(2)


@click.group(cls=QannealGroup)
@click.version_option(__version__, prog_name="qanneal")
def cli() -> None:
    """Train binary perceptrons and binary neural networks by annealing."""


cli.add_command(solve_cmd.solve)
cli.add_command(compare_cmd.compare)
cli.add_command(inspect_cmd.inspect)
cli.add_command(problems_cmd.problems)
cli.add_command(runs_cmd.runs)
cli.add_command(expand_cmd.expand)
cli.add_command(reduce_cmd.reduce_command)
cli.add_command(spectrum_cmd.spectrum_command)
cli.add_command(leap_cmd.leap)
cli.add_command(experiment_cmd.experiment)
cli.add_command(ep_cmd.ep_command)

if __name__ == "__main__":  # pragma: no cover
    cli()
