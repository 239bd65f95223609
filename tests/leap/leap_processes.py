"""``qanneal solve`` as a real process that the SAPI service (sapi_service.py) kills with
SIGKILL at a chosen step between "upload sent" and "answer saved".

Steps: ``uploaded`` (hybrid problem data uploaded), ``submitted`` (Leap stored the
problem, before its id is returned), ``id-returned`` (the response with the id was sent),
``polled`` (a status poll arrived), ``answered`` (the answer was sent), and ``record`` (the
run record's JSON is on disk and its index row is being written: the harness holds the
run index locked until it has killed the process).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from sapi_service import SapiService

from qanneal import results

KILL_STEPS = ("uploaded", "submitted", "id-returned", "polled", "answered", "record")
TIMEOUT_S = 120.0


def solve_process(*args: Any) -> subprocess.Popen[str]:
    """``qanneal solve ARGS…`` in a new process with this process's environment."""
    command = [sys.executable, "-m", "qanneal_cli.main", "solve", *map(str, args)]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ)
    )


def _kill_once(process: subprocess.Popen[str]) -> Any:
    done = threading.Event()

    def kill(_: str) -> None:
        if not done.is_set():
            done.set()
            process.kill()

    return kill


def _kill_when_recorded(process: subprocess.Popen[str], out: Path) -> None:
    """Hold the run index locked; kill the process once a new record's JSON appears."""
    out.mkdir(parents=True, exist_ok=True)
    before = set(out.glob("*.json"))
    with results._index(out):  # the index as qanneal creates it
        pass
    holder = sqlite3.connect(out / results.INDEX, timeout=TIMEOUT_S)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline and process.poll() is None:
            if set(out.glob("*.json")) - before:
                process.kill()
                break
            time.sleep(0.01)
    finally:
        holder.close()


def solve_killed(
    sapi: SapiService, step: str, problem: Path, out: Path, *args: Any
) -> tuple[int, str, str]:
    """Run ``qanneal solve PROBLEM --out OUT ARGS…`` and kill it at ``step``; (exit status,
    stdout, stderr). A run that ends before reaching the step is not killed."""
    if step not in KILL_STEPS:
        raise ValueError(f"unknown step {step!r}")
    process = solve_process(problem, "--out", out, "--quiet", *args)
    try:
        if step == "record":
            _kill_when_recorded(process, out)
        else:
            sapi.on(step, _kill_once(process))
        stdout, stderr = process.communicate(timeout=TIMEOUT_S)
    finally:
        sapi.hooks.pop(step, None)
        if process.poll() is None:
            process.kill()
            process.communicate()
    return process.returncode, stdout, stderr
