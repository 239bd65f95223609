"""``qanneal inspect FILE``: variables, couplings, degree, memory, samplers that fit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from qanneal import load_problem
from qanneal.spec import parse_param
from qanneal.summary import describe, describe_submission
from qanneal_cli.commands._common import (
    json_option,
    kernels_ready,
    out_option,
    print_json,
    problem_argument,
    problem_path,
)
from qanneal_cli.commands._records import format_rows
from qanneal_cli.commands.solve_cmd import print_plan


@click.command()
@problem_argument
@click.option(
    "--sampler",
    default=None,
    help="A Leap sampler (qpu, qpu-clique, hybrid, hybrid-cqm, hybrid-nl, kerberos, mock-qpu, "
    "kerberos-mock): plan it and estimate the QPU access time, submit nothing.",
)
@click.option("--num-reads", type=click.IntRange(min=1), default=None, help="Reads to estimate.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Seed of the embedding.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="Sampler parameter.")
@out_option
@json_option
def inspect(
    file: str,
    sampler: str | None,
    num_reads: int | None,
    seed: int | None,
    params: tuple[str, ...],
    out_dir: Path,
    as_json: bool,
) -> None:
    """Describe a problem file without solving it."""
    problem = load_problem(problem_path(file))
    if problem.kind == "polynomial":  # building it and counting auxiliaries run kernels
        kernels_ready(["walsh", "reduction"])
    if sampler is not None:
        plan = describe_submission(
            problem,
            sampler,
            num_reads=num_reads,
            seed=seed,
            params=dict(parse_param(text) for text in params),
            out_dir=str(out_dir),
        )
        if as_json:
            print_json(plan)
        else:
            print_plan(plan)
        return
    info = describe(problem)
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
    click.echo(format_rows([(key, str(value)) for key, value in rows]))


def _structure(info: dict[str, Any]) -> str:
    if info["monomials"] is not None:
        return f"polynomial of degree {info['degree']}, {info['monomials']} monomials"
    if info.get("constraints") is not None:
        return f"constrained quadratic model, {info['constraints']} constraints, zero objective"
    if info.get("nl_symbols") is not None:
        return f"nonlinear model (dwave-optimization), {info['nl_symbols']} symbols"
    if info["num_interactions"] is not None:
        return f"quadratic, {info['num_interactions']} couplings (density {info['density']:.3f})"
    return "native energy (the sampler evaluates the model's loss)"
