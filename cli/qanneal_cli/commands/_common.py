"""Options and helpers that several commands share.

Commands import the library inside their functions, not here, so that a command can say
what it is doing before the heavy imports (numba, dimod) are done.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from qanneal_cli.commands._status import Status

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
out_option = click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("runs"),
    show_default=True,
    help="Directory of run records (created when the first record is saved).",
)
quiet_option = click.option("--quiet", is_flag=True, help="No progress or status lines.")
problem_argument = click.argument("file", metavar="FILE")


def problem_path(file: str) -> Path:
    """A problem file given as a path, or the name of a shipped problem."""
    from qanneal.library import resolve_problem_path

    return resolve_problem_path(file)


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str))


def progress_bar(quiet: bool, label: str, unit: str) -> Status:
    """The status of a long command (a live line on a terminal, see :class:`Status`),
    counting ``unit``."""
    status = Status(quiet=quiet)
    status.phase(label, unit=unit)
    return status


def compile_kernels(keys: Iterable[str], status: Status, label: str) -> list[dict[str, Any]]:
    """Run the warm-up steps ``keys`` in a child process, showing ``label`` and each step;
    Ctrl-C stops it at once (:class:`~qanneal.errors.SamplingStopped`; the kernels
    finished so far stay in numba's cache)."""
    from qanneal import warmup
    from qanneal.errors import SamplingStopped
    from qanneal.interrupts import sigint_stops

    status.phase(label, announce=True)

    def show(event: dict[str, Any]) -> None:
        done = event["step"] - (1 if event["seconds"] is None else 0)
        status.update(done, event["of"], "steps", event["name"])

    with sigint_stops(status.stop_requested) as stop:
        steps = warmup.warm_up_in_child(keys, show, lambda: stop.requested)
    if steps is None:
        raise SamplingStopped(
            "interrupted while compiling kernels (those finished stay compiled); "
            "nothing was sampled"
        )
    return steps


def kernels_ready(keys: Iterable[str]) -> None:
    """:func:`ensure_kernels` for a command that shows no other progress."""
    with Status() as status:
        ensure_kernels(keys, status)


def ensure_kernels(keys: Iterable[str], status: Status) -> None:
    """Compile the numba kernels of the warm-up steps ``keys`` if numba's cache does not
    hold them yet, saying so (see :func:`compile_kernels`)."""
    from qanneal import warmup

    keys = list(keys)
    if warmup.is_warm(keys):
        return
    steps = compile_kernels(keys, status, f"compiling kernels, once ({warmup.estimate(keys)})")
    seconds = sum(step["seconds"] for step in steps)
    if sum(step["compile_seconds"] for step in steps) >= 1.0:
        status.note(f"kernels compiled in {seconds:.1f} s; later runs load them from numba's cache")
    else:  # numba had them: only the stamp was missing
        status.note(f"kernels loaded from numba's cache in {seconds:.1f} s")
