"""``qanneal solve FILE``: sample a problem, print what was found, save a run record."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

import qanneal
from qanneal.leap.errors import LeapInterrupted
from qanneal.spec import parse_param
from qanneal_cli.commands._common import (
    json_option,
    out_option,
    print_json,
    problem_argument,
    problem_path,
    progress_bar,
)

SUMMARY_ONLY = ("sampleset", "problem_text")


@click.command()
@problem_argument
@click.option("--sampler", default=None, help="Registry name (default: the file's solve.sampler).")
@click.option("--num-reads", type=click.IntRange(min=1), default=None, help="Independent reads.")
@click.option("--num-sweeps", type=click.IntRange(min=1), default=None, help="Sweeps per read.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Seed of the run.")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="Sampler parameter overriding [solve.params], e.g. --param trotter=32 (repeatable).",
)
@out_option
@json_option
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Leap samplers: embed and estimate the QPU access time, submit nothing.",
)
def solve(
    file: str,
    sampler: str | None,
    num_reads: int | None,
    num_sweeps: int | None,
    seed: int | None,
    params: tuple[str, ...],
    out_dir: Path,
    as_json: bool,
    quiet: bool,
    dry_run: bool,
) -> None:
    """Solve a problem file and save the run under --out."""
    problem = qanneal.load_problem(problem_path(file))
    bar = progress_bar(quiet)
    try:
        record = qanneal.solve(
            problem,
            sampler,
            num_reads=num_reads,
            num_sweeps=num_sweeps,
            seed=seed,
            params=dict(parse_param(text) for text in params),
            out_dir=out_dir,
            progress=bar.update,
            dry_run=dry_run,
        )
    except LeapInterrupted as stopped:
        click.echo(str(stopped), err=True)
        sys.exit(130)
    finally:
        bar.close()
    if dry_run:
        if as_json:
            print_json(record)
        else:
            print_plan(record)
        return
    summary = {k: v for k, v in record.items() if k not in SUMMARY_ONLY}
    if as_json:
        print_json(summary)
    else:
        _print_table(summary)
    if record["interrupted"]:
        click.echo(
            f"interrupted: saved {record['num_reads']} of {record['requested_reads']} "
            f"reads to {record['record']}",
            err=True,
        )
        sys.exit(130)


def _format_weights(weights: dict[str, Any], limit: int = 24) -> list[str]:
    lines = []
    for name, values in weights.items():
        flat = _flatten(values)
        shown = " ".join("+" if v > 0 else "-" for v in flat[:limit])
        more = f" … ({len(flat)} in all)" if len(flat) > limit else ""
        lines.append(f"{name} = {shown}{more}")
    return lines


def _flatten(values: Any) -> list[int]:
    if isinstance(values, list):
        return [v for item in values for v in _flatten(item)]
    return [values]


def _protocol_line(protocol: dict[str, Any] | None) -> str | None:
    """The protocol a sampler chose, on one line: its rule, then every short value (per-sweep
    lists and the seed, shown elsewhere, are left out)."""
    if not protocol:
        return None
    shown = []
    for key, value in protocol.items():
        if key in ("rule", "seed", "given") or (isinstance(value, list) and len(value) > 3):
            continue
        if isinstance(value, list):
            value = "/".join(str(v) for v in value)
        elif isinstance(value, float):
            value = f"{value:.4g}"
        shown.append(f"{key} {value}")
    given = protocol.get("given")
    rule = protocol.get("rule")
    head = f"{rule}" + (f" (given: {', '.join(given)})" if given else "") if rule else ""
    return "; ".join([head, ", ".join(shown)] if head else [", ".join(shown)])


def _print_table(record: dict[str, Any]) -> None:
    best = record["best"]
    test = best["test_accuracy"]
    reads = record["num_reads"]
    rows = [
        ("problem", record["problem"]),
        (
            "run",
            f"{record['formulation']} formulation, sampler {record['sampler']}, "
            f"{reads} reads, {record['num_variables']} variables, seed {record['seed']}",
        ),
        ("best energy", f"{best['energy']:.6g}"),
        ("train errors", best["train_errors"]),
        ("train acc.", f"{best['train_accuracy']:.4f}"),
        ("test acc.", "— (no test data)" if test is None else f"{test:.4f}"),
        (
            "success",
            f"{record['success_rate']:.2f} "
            f"({round(record['success_rate'] * reads)} of {reads} reads with zero errors)",
        ),
        ("time", f"{record['timing']['total_s']:.2f} s"),
        ("record", record["record"]),
    ]
    protocol = _protocol_line(record.get("protocol"))
    if protocol:
        rows.insert(2, ("protocol", protocol))
    qpu = record.get("qpu")
    if qpu:
        rows[2:2] = [
            (
                "qubits",
                f"{qpu['logical_qubits']} logical on {qpu['physical_qubits']} physical "
                f"(chains max {qpu['max_chain_length']}, mean {qpu['mean_chain_length']:.2f})",
            ),
            (
                "chains",
                f"strength {qpu['chain_strength']:.4g} ({qpu['chain_strength_method']}), "
                f"broken {qpu['chain_break_fraction']:.3f}, {qpu['chain_break_method']}",
            ),
        ]
    if record.get("leap"):
        ids = ", ".join(str(i) for i in record["leap"]["problem_ids"])
        rows.append(("leap", f"{record['leap']['solver']}: problem {ids}"))
    for key, value in rows:
        click.echo(f"{key:<13} {value}")
    for line in _format_weights(best["weights"]):
        click.echo(f"{'weights':<13} {line}")


def print_plan(plan: dict[str, Any]) -> None:
    """A Leap dry run or inspect estimate, one line per item."""
    labels = {
        "sampler": "sampler",
        "solver": "solver",
        "num_reads": "reads",
        "logical_qubits": "logical qubits",
        "physical_qubits": "physical qubits",
        "max_chain_length": "max chain",
        "mean_chain_length": "mean chain",
        "chain_strength": "chain strength",
        "chain_strength_method": "strength by",
        "embedding_source": "embedding",
        "time_limit": "time limit s",
        "submissions": "submissions",
    }
    for key, label in labels.items():
        if plan.get(key) is not None:
            value = plan[key]
            click.echo(
                f"{label:<16} {value:.4g}" if isinstance(value, float) else f"{label:<16} {value}"
            )
    estimate = plan.get("estimated_access_time_us")
    if estimate is None:
        text = "unknown (the solver publishes no timing model)"
    else:
        scan = (
            " at most (with the chain-strength scan)"
            if plan.get("chain_strength_method") == "auto"
            else ""
        )
        text = f"{estimate / 1000:.1f} ms{scan}"
    click.echo(f"{'est. QPU time':<16} {text}")
