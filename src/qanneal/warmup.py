"""Compile every numba kernel once, ahead of the first run (``qanneal warmup``).

numba compiles qanneal's kernels on their first use and keeps them in its on-disk
cache (``cache=True``), so only the first run after an install (or after a kernel's
source changed) pays for it — about a minute of CPU in all, most of it the annealing
driver that SA and PIMC share. Warming up runs every kernel once on a tiny problem
through the same public calls real runs make (so exactly the specialisations they need
are compiled) and then leaves a stamp; :func:`is_warm` checks that stamp (qanneal's
kernel sources, numba, Python and the CPU are unchanged and numba's cache files are
still there) without importing or compiling anything.

``qanneal`` commands that run kernels call :func:`warm_up_in_child` when the cache is
cold: the compilation runs in a child process (``python -m qanneal.warmup``) that reports
each step as a JSON line, so the command can show what it is doing and a Ctrl-C stops
it at once (the kernels finished so far stay cached); the parent then loads the
compiled kernels from the cache in about a second.

Example:
    >>> list(STEPS)
    ['annealing', 'walsh', 'reduction', 'quantum', 'existence']
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qanneal.errors import QannealError

ESTIMATES = {"annealing": 32, "walsh": 2, "reduction": 28, "quantum": 2, "existence": 2}
"""CPU seconds of each step on a cold cache (measured with ``/usr/bin/time python -m
qanneal.warmup KEY`` and an empty ``NUMBA_CACHE_DIR``, numba 0.68, one core); a busy
machine takes longer."""

_TINY = {"model": {"type": "perceptron", "inputs": 5}, "data": {"source": "random", "patterns": 3}}


def _problem(**sections: Any) -> Any:
    from qanneal.problem import problem_from_dict

    document = {key: dict(value) for key, value in _TINY.items()}
    for key, value in sections.items():
        document[key] = {**document.get(key, {}), **value}
    return problem_from_dict(document)


def _solve(sampler: str, **sections: Any) -> None:
    from qanneal.solve import solve

    solve(_problem(**sections), sampler, num_reads=2, num_sweeps=4, seed=1, save=False)


def _annealing() -> None:
    perclinear = {"type": "perclinear"}
    _solve("sa", loss=perclinear)
    _solve("sa", loss=perclinear, model={"type": "binn", "hidden": [4]})
    _solve("pimc", loss=perclinear)
    _solve("pimc", formulation={"type": "slack"})


def _walsh() -> None:
    _problem(formulation={"type": "walsh"}).polynomial()


def _reduction() -> None:
    _solve("sa", formulation={"type": "symmetric", "max_degree": 3, "reduction": "auto"})


def _quantum() -> None:
    import numpy as np

    from qanneal.samplers.exact.quantum import anneal

    anneal(np.arange(8, dtype=np.float64), steps=2, dt=0.1, num_samples=1, seed=0)


def _existence() -> None:
    import numpy as np

    from qanneal.compare.overlaps import has_solution

    has_solution(np.array([[1, 1, 1], [1, -1, -1]]), np.array([1, -1]))


@dataclass(frozen=True)
class Step:
    """One warm-up step: the kernels of one capability, and a tiny run that needs them."""

    key: str
    name: str
    run: Callable[[], None]


STEPS = {
    step.key: step
    for step in (
        Step("annealing", "SA and PIMC driver", _annealing),
        Step("walsh", "Walsh transform", _walsh),
        Step("reduction", "HUBO to QUBO reduction", _reduction),
        Step("quantum", "exact quantum annealing", _quantum),
        Step("existence", "exact solution existence", _existence),
    )
}
"""Every warm-up step by key; a command warms only the steps it needs."""


def steps_for(problem: Any, sampler: str | None = None) -> list[str]:
    """The warm-up steps a ``solve`` of ``problem`` with ``sampler`` (default: the file's)
    needs: the annealing driver for local samplers, the Walsh transform and the reduction
    for polynomial formulations.

    >>> steps_for(_problem(formulation={"type": "walsh"}), "sa")
    ['annealing', 'walsh', 'reduction']
    >>> steps_for(_problem(), "mock-qpu")
    []
    """
    from qanneal.samplers import registry

    entry = registry.get(sampler or problem.spec["solve"]["sampler"])
    keys = [] if entry.via_leap else ["annealing"]
    if problem.kind == "polynomial":
        keys.append("walsh")
        if registry.target_kind(entry, "polynomial") == "bqm":
            keys.append("reduction")
    return keys


# numba's decorators, and the PIMC kernels' dependency-cached ``@kernel`` (samplers/pimc)
_DECORATOR = re.compile(r"^@(numba\.n?jit|kernel)\b", re.MULTILINE)


def _kernel_sources() -> list[Path]:
    """qanneal's modules that define numba kernels."""
    root = Path(__file__).resolve().parent
    return sorted(
        path for path in root.rglob("*.py") if _DECORATOR.search(path.read_text(encoding="utf-8"))
    )


def fingerprint() -> str:
    """What numba's cache of qanneal's kernels depends on: their sources, numba, Python,
    the CPU and where numba keeps its cache."""
    import numba

    config: Any = numba.config  # its settings are set at import time, unknown to mypy
    parts: list[Any] = [
        numba.__version__,
        platform.python_version(),
        platform.machine(),
        config.CPU_NAME or _host_cpu(),
        config.CPU_FEATURES,
        config.CACHE_DIR,
    ]
    for path in _kernel_sources():
        stat = path.stat()
        parts.append([str(path), stat.st_mtime_ns, stat.st_size])
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:20]


def _host_cpu() -> str:
    from llvmlite import binding

    return str(binding.get_host_cpu_name())


def _stamp_folder() -> Path:
    import numba

    cache: str = getattr(numba.config, "CACHE_DIR", "")
    if cache:
        return Path(cache)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "qanneal"


def stamp_path(key: str) -> Path:
    """The stamp of a finished warm-up step: in numba's cache directory when one is set
    (``NUMBA_CACHE_DIR``), else in the user's cache directory."""
    return _stamp_folder() / f"qanneal-warmup-{fingerprint()}-{key}.json"


def _check_keys(keys: Iterable[str]) -> list[str]:
    keys = list(keys)
    unknown = [key for key in keys if key not in STEPS]
    if unknown:
        raise QannealError(f"unknown warm-up step(s) {unknown}; steps: {', '.join(STEPS)}")
    return keys


def is_warm(keys: Iterable[str] = STEPS) -> bool:
    """Whether every step in ``keys`` was warmed up for the kernels as they are now, and
    the numba cache files it left are still there (removing ``__pycache__`` makes the
    cache cold again)."""
    for key in _check_keys(keys):
        try:
            stamp = json.loads(stamp_path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        files = stamp.get("cache_files", [])
        if not files or not all(Path(name).exists() for name in files):
            return False
    return True


def _cache_files() -> list[str]:
    """numba's cache files of every kernel module imported so far."""
    from qanneal._jit import cache_dir

    stems = {path.stem for path in _kernel_sources()}
    folders = set()
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("qanneal"):
            for value in list(vars(module).values()):
                folder = cache_dir(value) if hasattr(value, "overloads") else None
                if folder is not None:
                    folders.add(folder)
    return sorted(
        str(index) for folder in folders for stem in stems for index in folder.glob(f"{stem}.*")
    )


def _write_stamp(key: str, entry: dict[str, Any]) -> None:
    from qanneal.files import write_new_file

    path = stamp_path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            write_new_file(path, json.dumps({**entry, "cache_files": _cache_files()}, indent=1))
    except (OSError, QannealError):  # no stamp: the next run warms up again (cheaply)
        pass


Progress = Callable[[dict[str, Any]], None]


def warm_up(keys: Iterable[str] = STEPS, progress: Progress | None = None) -> list[dict[str, Any]]:
    """Run the steps ``keys`` (default: all) in this process; per step its key, name,
    the seconds it took and how much of that numba spent compiling. ``progress`` gets
    each step's dict before (``"seconds": None``) and after it runs."""
    from qanneal._jit import compile_clock

    keys = _check_keys(keys)
    done = []
    for number, key in enumerate(keys, start=1):
        step = STEPS[key]
        entry: dict[str, Any] = {"step": number, "of": len(keys), "key": key, "name": step.name}
        if progress is not None:
            progress({**entry, "seconds": None})
        start = time.perf_counter()
        with compile_clock() as clock:
            step.run()
        entry.update(seconds=time.perf_counter() - start, compile_seconds=clock.ns / 1e9)
        _write_stamp(key, entry)
        done.append(entry)
        if progress is not None:
            progress(entry)
    return done


def estimate(keys: Iterable[str]) -> str:
    """How long warming ``keys`` takes on an idle machine, for people ("~30 s", "~1 min").

    >>> estimate(["annealing"]), estimate(STEPS)
    ('~30 s', '~1 min')
    """
    seconds = sum(ESTIMATES[key] for key in _check_keys(keys))
    if seconds >= 50:
        return f"~{max(1, round(seconds / 60))} min"
    return f"~{max(10, round(seconds, -1))} s"


class WarmupFailed(QannealError):
    """The warm-up child process failed (its last lines say why)."""


def warm_up_in_child(
    keys: Iterable[str] = STEPS,
    progress: Progress | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> list[dict[str, Any]] | None:
    """:func:`warm_up` in a child process (``python -m qanneal.warmup KEY…``); None if
    ``should_stop()`` turned true first (the child is then stopped at once)."""
    command = [sys.executable, "-m", "qanneal.warmup", *_check_keys(keys)]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as child:
        steps, errors = _follow(child, progress, should_stop)
    if steps is None:
        return None
    if child.returncode != 0:
        tail = " / ".join(line.strip() for line in errors[-3:] if line.strip())
        raise WarmupFailed(
            f"compiling the kernels failed (exit {child.returncode}): {tail}; "
            "run `python -m qanneal.warmup` to see the whole error"
        )
    return steps


def _follow(
    child: subprocess.Popen[str], progress: Progress | None, should_stop: Callable[[], bool]
) -> tuple[list[dict[str, Any]] | None, list[str]]:
    """Relay the child's step events until it ends, or kill it when ``should_stop()``;
    the finished steps (None when stopped) and the child's stderr lines."""
    steps: list[dict[str, Any]] = []
    errors: list[str] = []

    def relay() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            event = json.loads(line)
            if event["seconds"] is not None:
                steps.append(event)
            if progress is not None:
                progress(event)

    readers = [
        threading.Thread(target=relay, daemon=True),
        threading.Thread(target=lambda: errors.extend(child.stderr or []), daemon=True),
    ]
    for reader in readers:
        reader.start()
    while child.poll() is None and not should_stop():
        time.sleep(0.05)
    if should_stop():  # Ctrl-C: on a terminal the child got it too; stop it either way
        child.kill()
        child.wait()
    for reader in readers:
        reader.join()
    return (None if should_stop() else steps), errors


def main() -> None:
    """``python -m qanneal.warmup [KEY…]``: warm up, one JSON line per step on stdout."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child at once

    def emit(event: dict[str, Any]) -> None:
        print(json.dumps(event), flush=True)

    warm_up(sys.argv[1:] or STEPS, emit)


if __name__ == "__main__":
    main()
