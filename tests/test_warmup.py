"""``qanneal warmup``: steps compile kernels into numba's cache and leave a stamp; a cold
cache (no stamp, a changed kernel source, removed cache files) is noticed; the child process
can be stopped at once and says why when it fails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from qanneal import warmup
from qanneal_cli.main import cli

PROBE = """
import json, sys
from pathlib import Path
from qanneal import warmup
before = warmup.is_warm(["existence"])
steps = warmup.warm_up(["existence"])
after = warmup.is_warm(["existence"])
for name in json.loads(warmup.stamp_path("existence").read_text())["cache_files"]:
    Path(name).unlink()
print(json.dumps([before, after, warmup.is_warm(["existence"]), steps]))
"""


def test_a_step_compiles_into_a_fresh_cache_and_is_then_warm(tmp_path: Path) -> None:
    environment = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    before, after, removed, steps = json.loads(done.stdout)
    assert (before, after, removed) == (False, True, False)  # removing the cache: cold again
    (step,) = steps
    assert step["key"] == "existence" and 0 < step["compile_seconds"] <= step["seconds"]
    assert list((tmp_path / "numba").glob("qanneal-warmup-*-existence.json"))


def test_a_changed_kernel_source_changes_the_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kernel = tmp_path / "kernels.py"
    kernel.write_text("@numba.njit(cache=True)\ndef f(): pass\n", encoding="utf-8")
    monkeypatch.setattr(warmup, "_kernel_sources", lambda: [kernel])
    first = warmup.fingerprint()
    os.utime(kernel, ns=(time.time_ns(), kernel.stat().st_mtime_ns + 1_000_000_000))
    assert warmup.fingerprint() != first
    assert warmup.stamp_path("annealing") != warmup.stamp_path("walsh")


def test_only_modules_with_kernels_count() -> None:
    names = {path.name for path in warmup._kernel_sources()}
    assert {"_kernels.py", "walsh.py", "quantum.py", "overlaps.py"} <= names
    assert not names & {"warmup.py", "_jit.py", "solve.py"}  # they only mention numba


def test_the_child_stops_at_once_when_asked() -> None:
    start = time.monotonic()
    assert warmup.warm_up_in_child(["existence"], should_stop=lambda: True) is None
    assert time.monotonic() - start < 5


def test_a_failing_child_says_what_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", "false")
    with pytest.raises(warmup.WarmupFailed, match="compiling the kernels failed"):
        warmup.warm_up_in_child(["existence"])


def test_the_command_reports_each_step() -> None:
    result = CliRunner().invoke(cli, ["warmup", "--step", "existence", "--json", "--quiet"])
    assert result.exit_code == 0, result.output
    (step,) = json.loads(result.stdout)
    assert step["name"] == "exact solution existence" and step["seconds"] >= 0
