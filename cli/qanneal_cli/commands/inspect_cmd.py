"""``qanneal inspect FILE``: variables, couplings, degree, memory, samplers that fit."""

from __future__ import annotations

from typing import Any

import click

from qanneal import load_problem
from qanneal.summary import describe
from qanneal_cli.commands._common import json_option, print_json, problem_argument, problem_path


@click.command()
@problem_argument
@json_option
def inspect(file: str, as_json: bool) -> None:
    """Describe a problem file without solving it."""
    info = describe(load_problem(problem_path(file)))
    if as_json:
        print_json(info)
        return
    hidden = f" hidden={info['hidden']}" if info["hidden"] else ""
    rows = [
        ("problem", info["problem"]),
        ("model", f"{info['model']} inputs={info['inputs']}{hidden} bias={info['bias']}"),
        (
            "data",
            f"{info['data_source']}: {info['train_patterns']} train, "
            f"{info['test_patterns']} test patterns",
        ),
        ("loss", info["loss"]),
        ("formulation", info["formulation"]),
        ("variables", f"{info['num_variables']} ({info['num_weights']} weights)"),
        ("structure", _structure(info)),
        ("memory", f"~{info['memory_bytes'] / 2**20:.1f} MiB"),
        ("samplers", ", ".join(info["samplers"])),
    ]
    for method, count in info.get("auxiliaries", {}).items():
        rows.append((f"aux {method}", count))
    for key, value in rows:
        click.echo(f"{key:<12} {value}")


def _structure(info: dict[str, Any]) -> str:
    if info["monomials"] is not None:
        return f"polynomial of degree {info['degree']}, {info['monomials']} monomials"
    if info["num_interactions"] is not None:
        return f"quadratic, {info['num_interactions']} couplings (density {info['density']:.3f})"
    return "native energy (the sampler evaluates the model's loss)"
