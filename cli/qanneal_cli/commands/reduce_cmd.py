"""``qanneal reduce poly.json --method M --out bqm.json``: HUBO file → BQM file."""

from __future__ import annotations

from pathlib import Path

import click

from qanneal.hubo.io import load_polynomial
from qanneal.reduce import save_reduction, to_bqm
from qanneal.spec import REDUCTIONS
from qanneal_cli.commands._common import json_option, kernels_ready, print_json


@click.command("reduce")
@click.argument("hubo", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--method", type=click.Choice(REDUCTIONS), default="auto", show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="BQM JSON to write: {'bqm': dimod's to_serializable(), 'reduction': what every "
    "auxiliary stands for}; load it with qanneal.reduce.load_reduction(path), or with dimod: "
    "BinaryQuadraticModel.from_serializable(json.loads(text)['bqm']).",
)
@json_option
def reduce_command(hubo: Path, method: str, out: Path, as_json: bool) -> None:
    """Reduce a HUBO file (from `qanneal expand`) to a quadratic model."""
    polynomial, _ = load_polynomial(hubo)
    kernels_ready(["reduction"])
    bqm, info = to_bqm(polynomial, method=method)
    save_reduction(bqm, info, out)
    summary = {
        "bqm": str(out),
        "method": method,
        "original_variables": len(polynomial.variables),
        "auxiliaries": len(info.auxiliaries),
        "variables": bqm.num_variables,
        "interactions": bqm.num_interactions,
    }
    if as_json:
        print_json(summary)
    else:
        click.echo(
            f"wrote {out}: {summary['variables']} variables ({summary['auxiliaries']} "
            f"auxiliary), {summary['interactions']} couplings, method {method}\n"
            f"load it with qanneal.reduce.load_reduction('{out}'), or with dimod: "
            f"dimod.BQM.from_serializable(json.loads(Path('{out}').read_text())['bqm'])"
        )
