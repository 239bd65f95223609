"""Entry point of the ``qanneal`` command: a click group with one error style.

Bad input of any kind — a problem file, a value, an option click rejects — is one line on
stderr starting with ``error:`` (what was wrong and how to fix it) and exit status 2. A
run stopped by Ctrl-C says what it kept and exits 130. Commands are imported only when
they run, so that ``qanneal solve`` starts talking within a moment.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from qanneal_cli.commands._errors import INTERRUPTED, stopped_line, usage_line

COMMANDS = {
    "solve": "solve_cmd:solve",
    "compare": "compare_cmd:compare",
    "inspect": "inspect_cmd:inspect",
    "problems": "problems_cmd:problems",
    "runs": "runs_cmd:runs",
    "expand": "expand_cmd:expand",
    "reduce": "reduce_cmd:reduce_command",
    "spectrum": "spectrum_cmd:spectrum_command",
    "leap": "leap_cmd:leap",
    "experiment": "experiment_cmd:experiment",
    "ep": "ep_cmd:ep_command",
    "warmup": "warmup_cmd:warmup",
}


def _fail(line: str, status: int) -> NoReturn:
    click.echo(line, err=True)
    sys.exit(status)


def _fail_on_library_error(error: Exception) -> None:
    """Exit as the error says if it is one of qanneal's own (imported here, not at start-up:
    ``import qanneal`` takes seconds, and a command should say what it does before that)."""
    if "qanneal.errors" not in sys.modules:
        return
    from qanneal.errors import QannealError, SamplingStopped

    if isinstance(error, SamplingStopped):
        _fail(stopped_line(error), 130)
    if isinstance(error, QannealError):
        _fail(f"error: {error}", 2)


class QannealGroup(click.Group):
    """Commands loaded on first use; every failure a user can cause reported in one line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name].split(":")
        command = getattr(importlib.import_module(f"qanneal_cli.commands.{module}"), attribute)
        assert isinstance(command, click.Command)
        return command

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> Any:
        extra.pop("standalone_mode", None)
        try:
            status = super().main(args, prog_name or "qanneal", standalone_mode=False, **extra)
        except click.UsageError as error:
            _fail(f"error: {usage_line(error)}", 2)
        except click.ClickException as error:
            _fail(f"error: {' '.join(error.format_message().split())}", 2)
        except click.exceptions.Abort:  # Ctrl-C outside a run (e.g. while importing)
            _fail(INTERRUPTED, 130)
        except Exception as error:
            _fail_on_library_error(error)
            raise
        sys.exit(status if isinstance(status, int) else 0)


@click.group(cls=QannealGroup, name="qanneal")
@click.version_option(package_name="qanneal", prog_name="qanneal")
def cli() -> None:
    """Train binary perceptrons and binary neural networks by annealing."""


if __name__ == "__main__":  # pragma: no cover
    cli()
