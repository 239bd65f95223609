"""What every benchmark script records beside its numbers: the commit, whether the tree
was dirty, the machine and the package versions, and an atomic JSON write.

Imported by the scripts in this folder (``python benchmarks/<script>.py`` puts the folder
on ``sys.path``); not part of the package.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import tempfile
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
