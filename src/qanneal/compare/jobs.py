"""The jobs of a comparison, how they run, and the log that makes a run resumable.

A job is one (problem, instance, load α, contestant, budget): ``num_reads`` reads with
one seed. Jobs are independent, so they run serially (``workers=1``), on a local
process pool (``workers > 1``; each worker runs numba with one thread so that timings
are per core) or on a Dask cluster (``dask="tcp://HOST:PORT"``). Every finished job is
appended to ``jobs.jsonl`` as one JSON line (flushed and fsync'ed) as soon as it
arrives; a comparison started again on the same directory skips the jobs already in the
log, so an interrupted run resumes without redoing them.

Example:
    >>> source = ProblemSource.from_dict({
    ...     "model": {"type": "perceptron", "inputs": 11},
    ...     "data": {"source": "random", "alpha": 0.5, "seed": 1}}, label="tiny")
    >>> job = Job(source, instance=0, alpha=None, contestant="sa", budget=20, reads=2,
    ...           seed=1, params={})
    >>> result = run_job(job)
    >>> result["key"], len(result["reads"])
    ('tiny|i0|a-|sa|b20', 2)
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import signal
import time
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from qanneal.compare.contestants import get_contestant
from qanneal.errors import OutputError, ProblemFileError, SamplingStopped
from qanneal.extras import require
from qanneal.files import write_new_file
from qanneal.interrupts import critical
from qanneal.problem import Problem, problem_from_dict
from qanneal.samplers.base import Control, controlled

LOG_NAME = "jobs.jsonl"


def _document_of(spec: dict[str, Any]) -> dict[str, Any]:
    """A problem document (as parsed from TOML) that validates to ``spec`` again."""
    document: dict[str, Any] = {}
    for section, values in spec.items():
        if not isinstance(values, dict):
            if values:
                document[section] = values
            continue
        kept = {k: v for k, v in values.items() if v is not None and v != []}
        if section == "data" and kept.get("alpha") is not None:
            kept.pop("patterns", None)
        document[section] = kept
    return document


@dataclass(frozen=True)
class ProblemSource:
    """A problem as a document that workers rebuild, with variants: instance k (data seed
    + k) and load α (``data.alpha``)."""

    label: str
    document: dict[str, Any] = field(hash=False)
    base: str | None = None  # the problem file's path (relative data paths resolve there)
    text: str = ""

    @classmethod
    def from_path(cls, path: str | os.PathLike[str], label: str | None = None) -> ProblemSource:
        from qanneal.problem import load_problem

        problem = load_problem(path)  # validates now, so that bad files fail before any job
        return cls(label or Path(path).stem, tomllib.loads(problem.text), str(path), problem.text)

    @classmethod
    def from_dict(cls, document: dict[str, Any], label: str = "problem") -> ProblemSource:
        problem_from_dict(copy.deepcopy(document))
        return cls(label, copy.deepcopy(document))

    @classmethod
    def from_problem(cls, problem: Problem, label: str | None = None) -> ProblemSource:
        path = str(problem.path) if problem.path is not None else None
        return cls(label or problem.name, _document_of(problem.spec), path, problem.text)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(json.dumps(self.document, sort_keys=True).encode()).hexdigest()

    def build(self, instance: int = 0, alpha: float | None = None) -> Problem:
        """The problem of instance ``instance`` at load ``alpha`` (None: as in the file)."""
        document = copy.deepcopy(self.document)
        data = document.setdefault("data", {})
        if instance:
            data["seed"] = int(data.get("seed", 0)) + instance
        if alpha is not None:
            if data.get("source") not in ("random", "teacher", "synthetic2d"):
                raise ProblemFileError(
                    f"{self.label}: a load scan sets data.alpha, which source "
                    f"{data.get('source')!r} does not have; scan a random or teacher problem"
                )
            data.pop("patterns", None)
            data["alpha"] = float(alpha)
        path = Path(self.base) if self.base else None
        return problem_from_dict(document, text=self.text, path=path)


@dataclass(frozen=True)
class Job:
    """One unit of work: ``reads`` reads of ``contestant`` at ``budget`` sweeps."""

    source: ProblemSource
    instance: int
    alpha: float | None
    contestant: str
    budget: int
    reads: int
    seed: int
    params: dict[str, Any] = field(hash=False)

    @property
    def key(self) -> str:
        alpha = "-" if self.alpha is None else f"{self.alpha:g}"
        return f"{self.source.label}|i{self.instance}|a{alpha}|{self.contestant}|b{self.budget}"


_PROBLEMS: dict[tuple[str, int, float | None], Problem] = {}
_WARM: set[tuple[str, str, int, float | None]] = set()


def _problem_for(job: Job) -> Problem:
    """Build (once per process) the job's problem: a slack QUBO is built once."""
    key = (job.source.sha256, job.instance, job.alpha)
    if key not in _PROBLEMS:
        if len(_PROBLEMS) > 8:
            _PROBLEMS.clear()
        _PROBLEMS[key] = job.source.build(job.instance, job.alpha)
    return _PROBLEMS[key]


def pack_weights(weights: np.ndarray) -> str:
    """±1 weights as a string of '+' and '-'.

    >>> pack_weights(np.array([1, -1, 1]))
    '+-+'
    """
    return "".join("+" if w > 0 else "-" for w in weights)


def unpack_weights(text: str) -> np.ndarray:
    """Inverse of :func:`pack_weights`."""
    return np.array([1 if c == "+" else -1 for c in text], dtype=np.int8)


def run_job(job: Job) -> dict[str, Any]:
    """Run one job and return its JSON-ready result (what ``jobs.jsonl`` holds)."""
    import numba

    threads = numba.get_num_threads()
    numba.set_num_threads(1)  # one core per job: per-read seconds compare across workers
    try:
        problem = _problem_for(job)
        contestant = get_contestant(job.contestant)
        warm = (job.source.sha256, job.contestant, job.instance, job.alpha)
        if warm not in _WARM:  # compile / load numba kernels outside the timed run
            contestant(problem, 1, 1, job.seed, job.params)
            _WARM.add(warm)
        reads = contestant(problem, job.budget, job.reads, job.seed, job.params)
    finally:
        numba.set_num_threads(threads)
    model = problem.model
    errors = np.atleast_1d(model.errors(reads.weights))
    train = np.atleast_1d(model.accuracy(reads.weights))
    has_test = problem.data.x_test is not None and len(problem.data.x_test) > 0
    test = (
        np.atleast_1d(model.accuracy(reads.weights, problem.data.x_test, problem.data.y_test))
        if has_test
        else [None] * len(errors)
    )
    return {
        "key": job.key,
        "problem": job.source.label,
        "instance": job.instance,
        "alpha": job.alpha,
        "contestant": job.contestant,
        "budget": job.budget,
        "seed": job.seed,
        "num_weights": model.num_variables,
        "num_patterns": model.num_patterns,
        "formulation": problem.formulation,
        "sweeps": reads.sweeps,
        "spin_updates": reads.spin_updates,
        "seconds": reads.seconds,
        "trace": reads.trace,
        "reads": [
            {
                "energy": float(energy),
                "errors": int(error),
                "train_accuracy": float(tr),
                "test_accuracy": None if te is None else float(te),
                "weights": pack_weights(w),
            }
            for energy, error, tr, te, w in zip(
                reads.energies, errors, train, test, reads.weights, strict=True
            )
        ],
    }


class JobLog:
    """``jobs.jsonl``: one finished job per line, appended and fsync'ed as it arrives."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / LOG_NAME

    def load(self) -> dict[str, dict[str, Any]]:
        """Finished jobs by key (a torn last line from an interrupted write is ignored)."""
        if not self.path.exists():
            return {}
        done = {}
        with open(self.path, encoding="utf-8") as stream:
            for line in stream:
                try:
                    result = json.loads(line)
                except json.JSONDecodeError:
                    continue
                done[result["key"]] = result
        return done

    def append(self, result: dict[str, Any]) -> None:
        try:
            with critical(), open(self.path, "a", encoding="utf-8") as stream:
                stream.write(json.dumps(result) + "\n")
                stream.flush()
                os.fsync(stream.fileno())
        except OSError as error:
            raise OutputError(f"cannot append to {self.path}: {error.strerror or error}") from None


def write_output(path: Path, data: bytes | str) -> None:
    """Write a derived output file as a new file; if it exists with exactly these bytes
    (a resumed run re-deriving what an interrupted one already wrote), leave it."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if path.exists() and path.read_bytes() == payload:
        return
    write_new_file(path, payload)


def execute(
    jobs: list[Job], *, workers: int = 1, dask: Any = None, control: Control | None = None
) -> Iterator[dict[str, Any]]:
    """Run ``jobs`` and yield their results as they finish (any order), until
    ``control.stop_requested``: then jobs in flight are abandoned (a sampler in this
    process stops at its next checkpoint; a worker process is ended, never asked to raise
    inside a kernel) and nothing more is yielded. ``dask`` is a ``distributed.Client``
    (see :func:`dask_client`).

    >>> source = ProblemSource.from_dict({
    ...     "model": {"type": "perceptron", "inputs": 5},
    ...     "data": {"source": "random", "patterns": 2}}, label="tiny")
    >>> jobs = [Job(source, 0, None, "sa", 10, 1, seed, {}) for seed in (1, 2)]
    >>> control = Control(stop_requested=True)
    >>> list(execute(jobs, control=control)), len(list(execute(jobs)))
    ([], 2)
    """
    control = control or Control()
    if dask is not None:
        yield from _run_dask(jobs, dask, control)
    elif workers <= 1 or len(jobs) <= 1:
        with controlled(control):  # a sampler that checks in stops between its chunks
            for job in jobs:
                if control.stop_requested:
                    return
                try:
                    result = run_job(job)
                except SamplingStopped:
                    return
                yield result
    else:
        yield from _run_pool(jobs, workers, control)


def _quiet_worker() -> None:
    """Pool workers leave Ctrl-C to the parent (which ends them): no tracebacks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_pool(jobs: list[Job], workers: int, control: Control) -> Iterator[dict[str, Any]]:
    import multiprocessing

    # spawn: forking a process that may hold numba/dask threads can deadlock. SIGINT is
    # blocked while the workers start, so a Ctrl-C then cannot reach one before it ignores it
    context = multiprocessing.get_context("spawn")
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pool = context.Pool(workers, initializer=_quiet_worker)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    try:
        results = pool.imap_unordered(run_job, jobs)
        for _ in jobs:
            while True:
                if control.stop_requested:
                    return
                try:
                    result = results.next(timeout=0.1)
                except multiprocessing.TimeoutError:
                    continue
                break
            yield result
    finally:
        pool.terminate()
        pool.join()


def _run_dask(jobs: list[Job], client: Any, control: Control) -> Iterator[dict[str, Any]]:
    from distributed import as_completed

    futures = [client.submit(run_job, job, pure=False) for job in jobs]
    try:
        finished = as_completed(futures)
        while not finished.is_empty():
            if control.stop_requested:
                return
            for future in finished.next_batch(block=False) or []:
                yield future.result()
            time.sleep(0.05)
    finally:
        client.cancel(futures)


def dask_client(address: Any) -> Any:
    """A ``distributed.Client`` for ``address`` (a scheduler address, or a Client, which is
    returned as is); an error naming the install command or the unreachable address."""
    require("dask", "--dask")
    from distributed import Client

    if isinstance(address, Client):
        return address
    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as error:
        raise OutputError(
            f"--dask {address}: cannot reach the Dask scheduler ({error}); start one with "
            "`dask scheduler` and give its tcp://HOST:PORT"
        ) from None


def pending(jobs: Iterable[Job], done: dict[str, Any]) -> list[Job]:
    """The jobs whose key is not in ``done``."""
    return [job for job in jobs if job.key not in done]
