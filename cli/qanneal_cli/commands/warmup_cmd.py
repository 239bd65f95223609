"""``qanneal warmup``: compile every numba kernel now, so that no later run waits for it."""

from __future__ import annotations

import click

from qanneal_cli.commands._common import compile_kernels, json_option, print_json, quiet_option
from qanneal_cli.commands._status import Status


@click.command("warmup")
@click.option(
    "--step",
    "steps",
    multiple=True,
    metavar="STEP",
    help="Only these steps (repeatable): annealing, walsh, reduction, quantum, existence.",
)
@json_option
@quiet_option
def warmup(steps: tuple[str, ...], as_json: bool, quiet: bool) -> None:
    """Compile (or load from numba's cache) every kernel qanneal runs, with progress.

    The first run that needs a kernel does this by itself; run it once after installing
    and no later command waits for a compiler.
    """
    from qanneal import warmup as warming

    keys = list(steps) or list(warming.STEPS)
    label = f"compiling kernels ({warming.estimate(keys)} unless numba has them cached)"
    with Status(quiet=quiet) as status:
        done = compile_kernels(keys, status, label)
    if as_json:
        print_json(done)
        return
    for step in done:
        click.echo(
            f"{step['name']:<28} {step['seconds']:6.1f} s, "
            f"of which {step['compile_seconds']:.1f} s compiling"
        )
