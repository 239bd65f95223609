"""``qanneal expand FILE --out poly.json``: write a problem's HUBO to a file."""

from __future__ import annotations

from pathlib import Path

import click

from qanneal import load_problem
from qanneal.hubo.io import save_polynomial
from qanneal_cli.commands._common import (
    json_option,
    kernels_ready,
    print_json,
    problem_argument,
    problem_path,
)


@click.command()
@problem_argument
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="HUBO JSON to write (an existing file is never replaced).",
)
@json_option
def expand(file: str, out: Path, as_json: bool) -> None:
    """Expand a problem with a polynomial formulation (walsh, symmetric, hidden) to a HUBO file."""
    problem = load_problem(problem_path(file))
    kernels_ready(["walsh"])
    polynomial = problem.polynomial()
    metadata = {
        "problem": str(problem.path),
        "problem_sha256": problem.hash,
        "formulation": problem.formulation,
        "weights": problem.model.variables,
    }
    save_polynomial(polynomial, out, metadata=metadata)
    summary = {
        "hubo": str(out),
        "variables": len(polynomial.variables),
        "monomials": len(polynomial),
        "degree": polynomial.degree,
    }
    if as_json:
        print_json(summary)
    else:
        click.echo(
            f"wrote {out}: {summary['variables']} variables, {summary['monomials']} monomials, "
            f"degree {summary['degree']}"
        )
