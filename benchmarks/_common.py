"""What every benchmark script records beside its numbers: the commit, whether the tree
was dirty, the machine and the package versions, and an atomic JSON write.

Imported by the scripts in this folder (``python benchmarks/<script>.py`` puts the folder
on ``sys.path``); not part of the package.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def git(*args: str) -> str | None:
    """Stripped output of a git command in the repository, or None if it fails."""
    try:
        out = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def git_commit() -> str:
    """Short commit of the checkout, or "unknown"."""
    return git("rev-parse", "--short", "HEAD") or "unknown"


def git_dirty() -> bool | None:
    """Uncommitted changes outside benchmarks/results (None if git is unavailable)."""
    status = git("status", "--porcelain", "--", ".", ":!benchmarks/results")
    return None if status is None else bool(status)


def uncommitted_src() -> list[str]:
    """`git status --porcelain` lines of src/ (what a result may not come from)."""
    status = git("status", "--porcelain", "--", "src") or ""
    return status.splitlines()


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine(**extra: Any) -> dict[str, Any]:
    """Cores, platform, CPU, Python and the 1-minute load average, plus ``extra``."""
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "nproc": nproc,
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        **extra,
        "load_average_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def versions(*names: str) -> dict[str, str]:
    """Installed version of each distribution, or "not installed"."""
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def jsonable(value: Any) -> Any:
    """``json.dump``'s ``default``: numpy scalars and arrays as Python values."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def bias_ratio(bqm: Any) -> float:
    """max |bias| / min nonzero |bias| over a BQM's linear and quadratic biases: how much
    precision the hardware needs to represent it."""
    linear, (_, _, quadratic), _ = bqm.to_numpy_vectors()[:3]
    magnitudes = np.abs(np.concatenate([linear, quadratic]))
    nonzero = magnitudes[magnitudes > 1e-12 * max(1.0, float(magnitudes.max(initial=0.0)))]
    return float(nonzero.max() / nonzero.min()) if nonzero.size else 1.0


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """``data`` to a temporary file in the same directory, then renamed over ``path``: a
    reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; results are meant to be shared
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, record: dict[str, Any]) -> None:
    """A JSON record (numpy scalars and arrays allowed), written atomically."""
    text = json.dumps(record, indent=2, default=jsonable) + "\n"
    write_bytes_atomically(path, text.encode("utf-8"))


DEFAULT_VERSIONS = ("qanneal", "numba", "numpy", "dimod")


def provenance(
    benchmark: str, args: argparse.Namespace | None = None, *packages: str, **extra: Any
) -> dict[str, Any]:
    """The header every result JSON starts with: what ran, from which tree, where, when.

    ``dirty`` is True when files outside benchmarks/results differ from the commit;
    ``uncommitted_src`` lists the ones under src/ (a result may not come from them).
    """
    return {
        "benchmark": benchmark,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "dirty": git_dirty(),
        "uncommitted_src": uncommitted_src(),
        "machine": machine(**extra),
        "versions": versions(*(packages or DEFAULT_VERSIONS)),
        "args": {k: v for k, v in vars(args).items() if k != "json"} if args else {},
    }


def split_seeds(tuning: list[int], evaluation: list[int]) -> dict[str, list[int]]:
    """The held-out discipline in one record: instance seeds a protocol was tuned on, and
    the disjoint ones it is judged on (a ValueError if they share one)."""
    shared = sorted(set(tuning) & set(evaluation))
    if shared:
        raise ValueError(f"tuning and evaluation instances share seeds {shared}")
    return {"tuning": list(tuning), "evaluation": list(evaluation)}


HELD_OUT_PARTS = ("tune", "evaluate")


def held_out_arguments(parser: argparse.ArgumentParser) -> None:
    """``--parts tune evaluate`` with disjoint instance seeds: ``--tune-seeds`` (10–19) for
    the part that chooses, ``--eval-seeds`` (20–39) for the part that judges."""
    parser.add_argument("--parts", nargs="+", choices=HELD_OUT_PARTS, default=["tune"])
    parser.add_argument("--tune-seeds", nargs="+", type=int, default=list(range(10, 20)))
    parser.add_argument("--eval-seeds", nargs="+", type=int, default=list(range(20, 40)))


def part_seeds(args: argparse.Namespace, part: str) -> list[int]:
    """The instance seeds of ``part`` (see :func:`held_out_arguments`)."""
    return list(args.tune_seeds if part == "tune" else args.eval_seeds)


def check_held_out(args: argparse.Namespace) -> str | None:
    """``--quick``: one seed of each set. Never an error (the ``check`` of run_main)."""
    if args.quick:
        args.tune_seeds, args.eval_seeds = args.tune_seeds[:1], args.eval_seeds[:1]
    return None


def log(message: str) -> None:
    """Progress on stderr (the table or JSON goes to stdout)."""
    print(message, file=sys.stderr, flush=True)


def result_path(name: str, tag: str | None = None, quick: bool = False) -> Path:
    """benchmarks/results/NAME[-TAG][_quick].json: a quick run never overwrites a full one."""
    stem = name + (f"-{tag}" if tag else "") + ("_quick" if quick else "")
    return ROOT / "benchmarks" / "results" / f"{stem}.json"


class Benchmark:
    """One run of a benchmark script: its arguments, the record it fills, where it goes.

    ``save()`` writes the record atomically; scripts call it after every finished part,
    so an interrupted run leaves what it measured.
    """

    def __init__(self, name: str, args: argparse.Namespace, packages: tuple[str, ...]) -> None:
        self.args = args
        self.path = result_path(name, getattr(args, "tag", None), getattr(args, "quick", False))
        self.record = provenance(name, args, *packages)
        self.record["result_path"] = str(self.path.relative_to(ROOT))
        self.record["load_average_1min_start"] = os.getloadavg()[0]

    def save(self) -> None:
        write_atomically(self.path, self.record)


def common_parser(doc: str) -> argparse.ArgumentParser:
    """The arguments every benchmark script takes (its own are added after)."""
    parser = argparse.ArgumentParser(
        description=doc.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--tag", default=None, help="write results/NAME-TAG.json")
    parser.add_argument("--json", action="store_true", help="print the JSON record")
    return parser


def run_main(
    name: str,
    parser: argparse.ArgumentParser,
    run: Callable[[Benchmark], int],
    print_table: Callable[[dict[str, Any]], None],
    packages: tuple[str, ...],
    argv: list[str] | None = None,
    check: Callable[[argparse.Namespace], str | None] | None = None,
) -> int:
    """The main loop every benchmark script shares: parse, record provenance, run (the
    script's ``run`` fills ``bench.record`` and returns the exit status), time, save,
    print. ``check`` returns an error message for bad arguments (exit 2)."""
    args = parser.parse_args(argv)
    problem = check(args) if check else None
    if problem:
        parser.error(problem)
    bench = Benchmark(name, args, packages)
    start = time.perf_counter()
    status = run(bench)
    bench.record["total_s"] = time.perf_counter() - start
    bench.record["load_average_1min_end"] = os.getloadavg()[0]
    bench.save()
    if args.json:
        print(json.dumps(bench.record, indent=2, default=jsonable))
    else:
        print_table(bench.record)
        print(f"\nwrote {bench.record['result_path']}")
    return status
