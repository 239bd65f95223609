"""``qanneal.compare.study``: every contestant at every budget on the same problems.

Each (problem, instance, contestant, budget) is one job of ``reads`` reads; every
contestant gets the same seed for the same (problem, instance, budget), so budgets are
compared on the same instances and seeds. Budgets are sweeps; a path-integral sweep over
M Trotter slices is also counted as M·n single-spin updates, so that budgets compare
fairly (``tts.spin_updates``). With ``alphas`` the first problem is also run at each load
α (``data.alpha``) at the largest budget, for success vs α.

With ``out_dir`` every finished job is appended to ``out_dir/jobs.jsonl`` as it arrives
(:mod:`qanneal.compare.jobs`); running the same comparison again on that directory
resumes where it stopped. When all jobs are done it writes ``results.csv`` (one row per
read), ``summary.json``, PNG plots (``plot`` extra) and ``report.md``
(:mod:`qanneal.compare.outputs`); files are created atomically and never overwritten.

Example:
    >>> from qanneal.problem import problem_from_dict
    >>> problem = problem_from_dict({
    ...     "model": {"type": "perceptron", "inputs": 11},
    ...     "data": {"source": "random", "alpha": 0.5, "seed": 1}})
    >>> result = compare([problem], ["sa", "pimc"], [20, 50], reads=4, seed=1)
    >>> [(g["contestant"], g["budget"]) for g in result.summary["groups"]]
    [('pimc', 20), ('pimc', 50), ('sa', 20), ('sa', 50)]
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qanneal.compare import aggregate, scaling
from qanneal.compare.contestants import CONTESTANTS, get_contestant
from qanneal.compare.jobs import (
    Job,
    JobLog,
    ProblemSource,
    dask_client,
    execute,
    pending,
)
from qanneal.compare.outputs import write_outputs
from qanneal.errors import OutputError, SamplerError
from qanneal.extras import require
from qanneal.files import write_new_file
from qanneal.interrupts import sigint_stops
from qanneal.problem import Problem
from qanneal.results import versions
from qanneal.samplers.base import Control

Progress = Callable[[int, int], None]


@dataclass
class ComparisonResult:
    """What :func:`compare` returns: finished job results, the summary (None if the run
    was interrupted), and the files written."""

    results: list[dict[str, Any]]
    summary: dict[str, Any] | None
    out_dir: Path | None = None
    files: list[Path] = field(default_factory=list)
    interrupted: bool = False
    total_jobs: int = 0
    skipped_jobs: int = 0  # already in the log of a resumed run

    @property
    def rows(self) -> list[dict[str, Any]]:
        """One dict per read (the rows of ``results.csv``)."""
        return aggregate.read_rows(self.results)


def _sources(problems: Sequence[Any]) -> dict[str, ProblemSource]:
    sources: dict[str, ProblemSource] = {}
    for item in problems:
        if isinstance(item, ProblemSource):
            source = item
        elif isinstance(item, Problem):
            source = ProblemSource.from_problem(item)
        else:
            source = ProblemSource.from_path(item)
        label, k = source.label, 2
        while label in sources:  # two files with one stem: keep both apart
            label, k = f"{source.label}-{k}", k + 1
        sources[label] = ProblemSource(label, source.document, source.base, source.text)
    return sources


def _job_seed(seed: int, *parts: Any) -> int:
    return zlib.crc32(json.dumps([seed, *parts]).encode()) % 2**31


def _check(samplers: Sequence[str], budgets: Sequence[int], reads: int, instances: int) -> None:
    if not samplers:
        raise SamplerError("no samplers to compare; give at least one, e.g. sa,pimc")
    for name in samplers:
        get_contestant(name)
    if not budgets or any(int(b) != b or b < 0 for b in budgets):
        raise SamplerError(
            f"budgets {list(budgets)!r} must be integers >= 1 (sweeps), or 0 / 'default' "
            "for each sampler's default protocol"
        )
    own = [name for name in samplers if name in CONTESTANTS]
    if 0 in budgets and own:
        raise SamplerError(
            f"budget 'default' runs each sampler's default protocol, which {', '.join(own)} "
            "do not have; give them sweep budgets"
        )
    if reads < 1 or instances < 1:
        raise SamplerError(f"reads = {reads} and instances = {instances} must be >= 1")


def plan_jobs(
    sources: dict[str, ProblemSource],
    samplers: Sequence[str],
    budgets: Sequence[int],
    reads: int,
    *,
    instances: int = 1,
    alphas: Sequence[float] | None = None,
    params: dict[str, dict[str, Any]] | None = None,
    seed: int = 0,
) -> list[Job]:
    """Every job of a comparison, in a fixed order."""
    params = params or {}
    jobs = []
    for label, source in sources.items():
        for instance in range(instances):
            for budget in budgets:
                for name in samplers:
                    job_seed = _job_seed(seed, label, instance, None, budget)
                    jobs.append(
                        Job(
                            source,
                            instance,
                            None,
                            name,
                            int(budget),
                            reads,
                            job_seed,
                            params.get(name, {}),
                        )
                    )
    if alphas:
        label, source = next(iter(sources.items()))
        for alpha in alphas:
            for instance in range(instances):
                for name in samplers:
                    job_seed = _job_seed(seed, label, instance, alpha, max(budgets))
                    jobs.append(
                        Job(
                            source,
                            instance,
                            float(alpha),
                            name,
                            int(max(budgets)),
                            reads,
                            job_seed,
                            params.get(name, {}),
                        )
                    )
    return jobs


def _config(sources: dict[str, ProblemSource], jobs: list[Job], **settings: Any) -> dict[str, Any]:
    return {
        "problems": {label: s.sha256 for label, s in sources.items()},
        "jobs": sorted(f"{job.key}|s{job.seed}" for job in jobs),
        **settings,
    }


def _prepare(out_dir: Path, config: dict[str, Any]) -> JobLog:
    """Create or reopen ``out_dir``; a finished or different comparison there is an error."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot create {out_dir}: {error.strerror or error}") from None
    if (out_dir / "summary.json").exists():
        raise OutputError(
            f"{out_dir} already holds a finished comparison (summary.json); choose another --out"
        )
    saved = out_dir / "config.json"
    if saved.exists():
        previous = json.loads(saved.read_text(encoding="utf-8"))
        if previous != json.loads(json.dumps(config)):
            differs = sorted(k for k in config if previous.get(k) != config[k])
            raise OutputError(
                f"{out_dir} holds an unfinished comparison with other settings "
                f"({', '.join(differs) or 'format'} differ); resume it with the same "
                "arguments or choose another --out"
            )
    else:
        write_new_file(saved, json.dumps(config, indent=2))
    return JobLog(out_dir)


def compare(
    problems: Sequence[str | os.PathLike[str] | Problem | ProblemSource],
    samplers: Sequence[str],
    budgets: Sequence[int],
    reads: int = 50,
    *,
    instances: int = 1,
    alphas: Sequence[float] | None = None,
    params: dict[str, dict[str, Any]] | None = None,
    seed: int = 0,
    out_dir: str | os.PathLike[str] | None = None,
    workers: int = 1,
    dask: Any = None,
    progress: Progress | None = None,
    plots: bool = True,
    resamples: int = 1000,
    existence_instances: int = 20,
) -> ComparisonResult:
    """Run every contestant (``samplers``: registry samplers or registered contestants) at
    every budget (sweeps) on ``problems`` (paths, Problems or ProblemSources), ``instances``
    data seeds each, ``reads`` reads per job.

    ``params`` maps a contestant to extra sampler parameters (e.g. ``{"pimc": {"trotter":
    32}}``); ``workers`` > 1 runs a local process pool; ``dask`` is a scheduler address
    (``"tcp://host:8786"``) or a ``distributed.Client``. ``progress(done, total)`` is called
    after every job. Ctrl-C (see :mod:`qanneal.interrupts`) returns with
    ``interrupted=True``: jobs in flight are abandoned, the finished ones are in the log and
    a second call resumes. Missing extras (``plot`` for the plots, ``dask``) and an
    unreachable Dask scheduler are errors before anything is written.
    """
    _check(samplers, budgets, reads, instances)
    sources = _sources(problems)
    jobs = plan_jobs(
        sources,
        samplers,
        budgets,
        reads,
        instances=instances,
        alphas=alphas,
        params=params,
        seed=seed,
    )
    settings = {
        "samplers": list(samplers),
        "budgets": [int(b) for b in budgets],
        "reads": reads,
        "instances": instances,
        "alphas": None if not alphas else [float(a) for a in alphas],
        "params": params or {},
        "seed": seed,
    }
    if plots and out_dir is not None:
        require("plot", "the comparison's plots", "or pass --no-plots")
    client = dask_client(dask) if dask is not None else None  # before anything is written
    try:
        done, log, skipped = _resume(jobs, sources, settings, out_dir)
        if progress is not None:
            progress(skipped, len(jobs))
        todo = pending(jobs, done)
        interrupted = _run_jobs(todo, done, log, workers, client, progress, len(jobs))
    finally:
        if client is not None and client is not dask:
            client.close()
    results = [done[job.key] for job in jobs if job.key in done]
    outcome = ComparisonResult(
        results, None, Path(out_dir) if out_dir else None, [], interrupted, len(jobs), skipped
    )
    if not interrupted:
        summary = {"seed": seed, "resamples": resamples, "existence_instances": existence_instances}
        _finish(outcome, sources, settings, summary, plots)
    return outcome


def _finish(
    outcome: ComparisonResult,
    sources: dict[str, ProblemSource],
    settings: dict[str, Any],
    options: dict[str, Any],
    plots: bool,
) -> None:
    """Summarise the finished jobs into ``outcome`` and write the output files."""
    try:
        outcome.summary = summarise(outcome.results, sources, settings, **options)
        if outcome.out_dir is not None:
            outcome.files = write_outputs(
                outcome.out_dir, outcome.summary, outcome.rows, plots=plots
            )
    except KeyboardInterrupt:  # every job is logged: a second run writes the outputs
        outcome.summary, outcome.interrupted = None, True


def _resume(
    jobs: list[Job],
    sources: dict[str, ProblemSource],
    settings: dict[str, Any],
    out_dir: str | os.PathLike[str] | None,
) -> tuple[dict[str, dict[str, Any]], JobLog | None, int]:
    """Finished jobs (from the log of an unfinished comparison in ``out_dir``), the log to
    append to, and how many jobs were taken from it."""
    if out_dir is None:
        return {}, None, 0
    log = _prepare(Path(out_dir), _config(sources, jobs, **settings))
    done = log.load()
    return done, log, len(jobs) - len(pending(jobs, done))


def _run_jobs(
    todo: list[Job],
    done: dict[str, dict[str, Any]],
    log: JobLog | None,
    workers: int,
    client: Any,
    progress: Progress | None,
    total: int,
) -> bool:
    """Run ``todo`` into ``done`` (and the log); True when Ctrl-C asked to stop (the
    outputs are then left to the run that resumes)."""
    control = Control()
    with sigint_stops(lambda: setattr(control, "stop_requested", True)):
        try:
            for result in execute(todo, workers=workers, dask=client, control=control):
                done[result["key"]] = result
                if log is not None:
                    log.append(result)
                if progress is not None:
                    progress(len(done), total)
        except KeyboardInterrupt:  # SIGINT left to Python's handler (not the main thread)
            control.stop_requested = True
    return control.stop_requested


def summarise(
    results: list[dict[str, Any]],
    sources: dict[str, ProblemSource],
    settings: dict[str, Any],
    *,
    seed: int,
    resamples: int,
    existence_instances: int,
) -> dict[str, Any]:
    """The numbers of ``summary.json`` from finished job results."""
    rows = aggregate.read_rows(results)
    groups = aggregate.group_metrics(rows, results, seed=seed, resamples=resamples)
    return {
        "settings": settings,
        "problems": {label: {"path": s.base, "sha256": s.sha256} for label, s in sources.items()},
        "groups": groups,
        "optimum": aggregate.optima(groups),
        "traces": aggregate.traces(results),
        "geometry": aggregate.geometry(results, sources, seed=seed),
        "scaling": scaling.scaling(rows, groups, sources, seed=seed, resamples=resamples),
        "capacity": aggregate.capacity(
            groups,
            sources,
            existence_instances=existence_instances,
            instances=settings["instances"],
        ),
        "versions": versions(),
    }
