"""``qanneal compare FILE…``: every sampler at every budget on the same problems; writes
results.csv, summary.json, report.md and PNG plots into --out."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from qanneal.compare.report import findings, fmt, tts_text
from qanneal.compare.study import compare as run_comparison
from qanneal.errors import ProblemFileError
from qanneal.problem import load_problem
from qanneal.samplers import registry
from qanneal.spec import parse_param
from qanneal.warmup import steps_for
from qanneal_cli.commands._common import (
    ensure_kernels,
    json_option,
    print_json,
    problem_path,
    progress_bar,
    quiet_option,
)


def _numbers(text: str, kind: type, option: str) -> list[Any]:
    try:
        values = [kind(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ProblemFileError(
            f"{option} {text!r}: give comma-separated {kind.__name__}s, e.g. 100,300,1000"
        ) from None
    if not values or any(v <= 0 for v in values):
        raise ProblemFileError(f"{option} {text!r}: every value must be > 0")
    return values


def _budgets(text: str) -> list[int]:
    """Sweep budgets; the word ``default`` is 0: each sampler's own default protocol."""
    words = [part.strip() for part in text.split(",") if part.strip()]
    numbers = (
        _numbers(",".join(w for w in words if w != "default"), int, "--budgets")
        if any(w != "default" for w in words)
        else []
    )
    return [0] * ("default" in words) + numbers


def _params(texts: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    params: dict[str, dict[str, Any]] = {}
    for text in texts:
        sampler, sep, rest = text.partition(":")
        if not sep or not sampler:
            raise ProblemFileError(
                f"--param {text!r}: write SAMPLER:KEY=VALUE, e.g. --param pimc:trotter=32"
            )
        key, value = parse_param(rest)
        params.setdefault(sampler, {})[key] = value
    return params


@click.command("compare")
@click.argument("files", metavar="FILE...", nargs=-1, required=True)
@click.option(
    "--samplers",
    default="sa,pimc",
    show_default=True,
    help="Comma-separated contestants (registry samplers with a sweep budget, "
    "sqa-openjij, or registered ones).",
)
@click.option(
    "--budgets",
    default="100,300,1000,3000",
    show_default=True,
    help="Comma-separated sweep budgets per read; 'default': each sampler's own default "
    "protocol (its rule's sweeps, which grow with N for pimc and sa).",
)
@click.option(
    "--reads",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Reads per (problem, instance, sampler, budget).",
)
@click.option(
    "--instances",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Instances per problem (data.seed + 0, 1, …, K−1).",
)
@click.option(
    "--alphas",
    default=None,
    help="Also run the first problem at these loads α (comma-separated) at the "
    "largest budget: success vs α.",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="SAMPLER:KEY=VALUE",
    help="Sampler parameter, e.g. --param pimc:trotter=32 (repeatable).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Seed of the comparison (every job's seed derives from it).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output directory; an unfinished one is resumed [default: comparisons/<time>].",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Local worker processes (1: run in this process).",
)
@click.option(
    "--dask",
    "dask_address",
    default=None,
    metavar="tcp://HOST:PORT",
    help="Run the jobs on this Dask scheduler instead (needs the dask extra).",
)
@click.option("--no-plots", is_flag=True, help="Skip the PNG plots.")
@json_option
@quiet_option
def compare(
    files: tuple[str, ...],
    samplers: str,
    budgets: str,
    reads: int,
    instances: int,
    alphas: str | None,
    params: tuple[str, ...],
    seed: int,
    out_dir: Path | None,
    workers: int,
    dask_address: str | None,
    no_plots: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """Compare samplers on FILE… (paths or shipped problem names) at several budgets."""
    if out_dir is None:
        out_dir = Path("comparisons") / time.strftime("%Y%m%d-%H%M%S")
    names = [s.strip() for s in samplers.split(",") if s.strip()]
    paths = [problem_path(f) for f in files]
    bar = progress_bar(quiet, "comparing", "jobs")
    try:
        ensure_kernels(_kernels(paths, names, alphas is not None), bar)
        bar.phase("comparing", unit="jobs")
        result = run_comparison(
            paths,
            names,
            _budgets(budgets),
            reads,
            instances=instances,
            alphas=_numbers(alphas, float, "--alphas") if alphas else None,
            params=_params(params),
            seed=seed,
            out_dir=out_dir,
            workers=workers,
            dask=dask_address,
            progress=bar.update,
            plots=not no_plots,
        )
    finally:
        bar.close()
    if result.interrupted:
        click.echo(
            f"interrupted: {len(result.results)} of {result.total_jobs} jobs saved in "
            f"{out_dir}/jobs.jsonl; run the same command (with --out {out_dir}) to resume",
            err=True,
        )
        sys.exit(130)
    assert result.summary is not None
    if as_json:
        print_json({**result.summary, "files": [str(p) for p in result.files]})
        return
    _print_summary(result.summary, result.files, result.skipped_jobs)


def _kernels(paths: list[Path], names: list[str], scan: bool) -> list[str]:
    """The warm-up steps the comparison's jobs need (compiled once, before the workers
    start, so that they load the kernels instead of each compiling them)."""
    keys = {"existence"} if scan else set()
    for path in paths:
        problem = load_problem(path)
        for name in names:
            if name in registry.REGISTRY:
                keys.update(steps_for(problem, name))
    return [key for key in ("annealing", "walsh", "reduction", "existence") if key in keys]


def _print_summary(summary: dict[str, Any], files: list[Path], skipped: int) -> None:
    for problem in summary["problems"]:
        click.echo(f"== {problem}")
        click.echo(
            f"{'sampler':<12} {'budget':>7} {'p_s':>6} {'95% CI':>13} "
            f"{'TTS99 updates':>14} {'TTS99 s':>9} {'resid. E':>9}"
        )
        for g in summary["groups"]:
            if g["problem"] != problem or g["alpha"] is not None:
                continue
            s = g["success"]
            click.echo(
                f"{g['contestant']:<12} {g['budget']:>7} {s['value']:>6.2f} "
                f"{'[' + format(s['low'], '.2f') + ', ' + format(s['high'], '.2f') + ']':>13} "
                f"{tts_text(g, 'spin_updates'):>14} "
                f"{fmt(g['tts']['seconds']['value']):>9} "
                f"{fmt(g['residual_energy']['value']):>9}"
            )
        click.echo(findings(summary, problem).replace("**", ""))
    if skipped:
        click.echo(f"resumed: {skipped} finished jobs were taken from the log")
    for path in files:
        click.echo(f"wrote {path}")
