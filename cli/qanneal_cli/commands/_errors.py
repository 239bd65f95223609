"""How the command line words its failures: one line each.

Example:
    >>> from qanneal.errors import SamplingStopped
    >>> stopped_line(SamplingStopped("interrupted before any of the 8 reads finished"))
    'interrupted before any of the 8 reads finished; nothing was saved'
"""

from __future__ import annotations

import click

INTERRUPTED = "interrupted: nothing was run or saved"


def _help_hint(error: click.UsageError) -> str:
    path = error.ctx.command_path if error.ctx is not None else "qanneal"
    return f"`{path} --help` lists the options"


def usage_line(error: click.UsageError) -> str:
    """A click usage error as one line: what was wrong, and where the options are listed.

    >>> import click
    >>> from qanneal_cli.main import cli
    >>> solve = cli.get_command(None, "solve")
    >>> try:
    ...     solve.make_context("qanneal solve", ["x.toml", "--num-reads", "0"])
    ... except click.UsageError as error:
    ...     print(usage_line(error))  # doctest: +NORMALIZE_WHITESPACE
    invalid value for '--num-reads': 0 is not in the range x>=1;
    `qanneal solve --help` lists the options
    """
    if isinstance(error, click.NoSuchOption):
        text = f"no such option {error.option_name}"
        if error.possibilities:
            text += f" (did you mean {' or '.join(sorted(error.possibilities))}?)"
    else:
        text = " ".join(error.format_message().split()).rstrip(".")
        text = text[:1].lower() + text[1:]
    return f"{text}; {_help_hint(error)}"


def stopped_line(stopped: Exception) -> str:
    """What a Ctrl-C that saved nothing says."""
    return f"{stopped}; nothing was saved"
