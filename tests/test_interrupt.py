"""Ctrl-C keeps the finished reads: ``qanneal.interrupts`` in-process, and real ``qanneal
solve`` processes signalled while compiling, in the middle of a chunk of reads, between
chunks and while the record is written — with and without a terminal.

The subprocesses run the real command line through a small runner that can announce the
chunks of reads and the record write on stderr (``QANNEAL_TEST_HOOK``), so that each test
waits for the moment it wants instead of sleeping a fixed time.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import dimod
import numpy as np
import pytest

import qanneal
from qanneal.errors import SamplingStopped
from qanneal.interrupts import ABORT_STATUS, critical, sigint_stops
from qanneal.problem import problem_from_dict
from qanneal.results import list_runs, load_record

NATIVE = {
    "model": {"type": "perceptron", "inputs": 11},
    "data": {"source": "teacher", "alpha": 1.0, "seed": 3},
    "loss": {"type": "perclinear"},
}
SLACK = {
    "model": {"type": "perceptron", "inputs": 7},
    "data": {"source": "random", "patterns": 4, "seed": 1},
    "formulation": {"type": "slack"},
}


def _sigint_when(condition: Any) -> Any:
    """A progress callback that sends this process SIGINT the first time ``condition(done)``
    holds (the handler then runs at the callback's next bytecode, as it would after a
    kernel returns)."""
    calls: list[float] = []

    def progress(done: float, total: int) -> None:
        calls.append(done)
        if condition(done) and not getattr(progress, "sent", False):
            progress.sent = True  # type: ignore[attr-defined]
            os.kill(os.getpid(), signal.SIGINT)

    progress.calls = calls  # type: ignore[attr-defined]
    return progress


def _check_saved(record: dict[str, Any], out: Path, reads: int, requested: int) -> None:
    assert record["interrupted"] is True
    assert (record["num_reads"], record["requested_reads"]) == (reads, requested)
    loaded = load_record(out, record["run_id"])
    sampleset = dimod.SampleSet.from_serializable(loaded["sampleset"])
    assert len(sampleset) == reads
    assert float(sampleset.record.energy.min()) == pytest.approx(loaded["min_energy"])
    (row,) = list_runs(out)
    assert (row["interrupted"], row["num_reads"]) == (1, reads)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [Path(record["record"]).name, "index.sqlite"]
    )
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


# ---------------------------------------------------------------------------
# in-process: the stop is taken between chunks, or at a sampler's checkpoint


@pytest.mark.parametrize(
    ("sampler", "document"), [("sa", NATIVE), ("steepest", SLACK)], ids=["native", "ocean"]
)
def test_sigint_after_a_chunk_keeps_that_chunk(
    tmp_path: Path, sampler: str, document: dict[str, Any]
) -> None:
    out = tmp_path / "runs"
    problem = problem_from_dict(copy.deepcopy(document))
    progress = _sigint_when(lambda done: done >= 4)
    record = qanneal.solve(
        problem, sampler, num_reads=10, num_sweeps=50, seed=4, out_dir=out, progress=progress
    )
    _check_saved(record, out, 4, 10)
    assert record["read_chunks"] == [4]
    again = qanneal.solve(problem, sampler, num_reads=10, num_sweeps=50, seed=4, save=False)
    assert again["read_chunks"] == [4, 3, 3] and not again["interrupted"]


def test_sigint_inside_a_chunk_stops_at_the_samplers_checkpoint(tmp_path: Path) -> None:
    """vqa checks in after every optimiser step: the chunk in progress is dropped at once,
    the finished one kept."""
    out = tmp_path / "runs"
    problem = problem_from_dict(
        copy.deepcopy(NATIVE) | {"model": {"type": "perceptron", "inputs": 5}}
    )
    progress = _sigint_when(lambda done: 4 < done < 5)
    record = qanneal.solve(
        problem, "vqa", num_reads=8, num_sweeps=20, seed=1, out_dir=out, progress=progress
    )
    _check_saved(record, out, 4, 8)
    started_second = [d for d in progress.calls if 4 < d < 8]
    assert len(started_second) == 1  # it stopped at the first checkpoint after the signal


def test_sigint_before_any_read_finished_saves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    progress = _sigint_when(lambda done: done == 0)
    with pytest.raises(SamplingStopped, match="before any of the 6 reads"):
        qanneal.solve(
            problem_from_dict(copy.deepcopy(NATIVE)), num_reads=6, out_dir=out, progress=progress
        )
    assert not out.exists()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_sigint_while_writing_waits_for_the_write() -> None:
    stops, steps = [], []
    with sigint_stops(lambda: stops.append("stop")) as state:
        with critical():
            os.kill(os.getpid(), signal.SIGINT)
            steps.append(sum(range(100)))  # the handler ran here: deferred, no stop yet
            assert stops == [] and state.deferred == 1
        assert stops == ["stop"] and state.requested
        assert signal.getsignal(signal.SIGINT) is signal.SIG_DFL  # a second one now ends it
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_second_sigint_while_writing_ends_the_run_after_the_write() -> None:
    written = []
    with pytest.raises(SystemExit) as ended, sigint_stops():
        with critical():
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)
            written.append("whole")
    assert ended.value.code == ABORT_STATUS and written == ["whole"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_applications_own_handler_is_left_alone() -> None:
    seen = []
    previous = signal.signal(signal.SIGINT, lambda *_: seen.append("app"))
    try:
        with sigint_stops(lambda: seen.append("qanneal")) as state:
            os.kill(os.getpid(), signal.SIGINT)
            _ = sum(range(100))
        assert seen == ["app"] and not state.requested
    finally:
        signal.signal(signal.SIGINT, previous)


# ---------------------------------------------------------------------------
# a real `qanneal solve`, signalled from outside

RUNNER = """
import os, signal, sys, time
# as started from a shell prompt, even when pytest runs in the background (SIGINT ignored)
signal.signal(signal.SIGINT, signal.default_int_handler)
if os.environ.get("QANNEAL_TEST_TTY"):
    import fcntl, termios
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)  # the pty becomes the controlling terminal
hook = os.environ.get("QANNEAL_TEST_HOOK", "")
def say(text):
    print("test-hook: " + text, file=sys.stderr, flush=True)
if hook == "chunks":
    import importlib
    solve = importlib.import_module("qanneal.solve")  # the module, not qanneal.solve()
    sample = solve.sample_target
    def announced(*args, **kwargs):
        say("chunk started")
        result = sample(*args, **kwargs)
        say("chunk done")
        time.sleep(float(os.environ.get("QANNEAL_TEST_PAUSE", "0")))
        return result
    solve.sample_target = announced
if hook == "write":
    import qanneal.results as results
    write = results.write_new_file
    def slow(path, data):
        say("writing")
        time.sleep(1.5)
        write(path, data)
    results.write_new_file = slow
from qanneal_cli.main import cli
cli(prog_name="qanneal")
"""

PERCEPTRON = """\
[model]
type = "perceptron"
inputs = 201

[data]
source = "teacher"
alpha = 1.0
seed = 1

[loss]
type = "perclinear"
"""
BUDGET = {"sa": ["--num-sweeps", "10000"], "pimc": ["--num-sweeps", "600", "--param", "trotter=8"]}
TIMEOUT_S = 600  # a cold numba cache compiles for a minute or more on a busy machine


class Solve:
    """A ``qanneal solve`` subprocess whose output is collected as it comes."""

    def __init__(self, tmp_path: Path, args: list[str], *, terminal: bool, **env: str) -> None:
        problem = tmp_path / "problem.toml"
        problem.write_text(PERCEPTRON, encoding="utf-8")
        self.out = tmp_path / "runs"
        command = [sys.executable, "-c", RUNNER, "solve", str(problem), "--out", str(self.out)]
        environment = {**os.environ, **env}
        self.text = ""
        self.lock = threading.Lock()
        self.master: int | None = None
        if terminal:
            import pty

            self.master, slave = pty.openpty()
            environment["QANNEAL_TEST_TTY"] = "1"
            self.process = subprocess.Popen(
                [*command, *args],
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=environment,
                start_new_session=True,
            )
            os.close(slave)
            self._read(lambda: os.read(self.master, 4096))  # type: ignore[arg-type]
        else:
            self.process = subprocess.Popen(
                [*command, *args],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=environment,
            )
            self._read(lambda: os.read(self.process.stdout.fileno(), 4096))  # type: ignore[union-attr]

    def _read(self, read: Any) -> None:
        def pump() -> None:
            while True:
                try:
                    chunk = read()
                except OSError:  # the pty's other side closed
                    return
                if not chunk:
                    return
                with self.lock:
                    self.text += chunk.decode("utf-8", "replace")

        self.pump = threading.Thread(target=pump, daemon=True)
        self.pump.start()

    def wait_for(self, text: str, count: int = 1) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            with self.lock:
                if self.text.count(text) >= count:
                    return
            if self.process.poll() is not None:
                time.sleep(0.2)  # the last output may still be in the pipe
                raise AssertionError(
                    f"ended ({self.process.returncode}) before {text!r}:\n{self.text}"
                )
            time.sleep(0.02)
        raise AssertionError(f"no {text!r} in {TIMEOUT_S} s:\n{self.text}")

    def interrupt(self) -> None:
        """Ctrl-C: typed on the terminal (the whole foreground group gets it), or SIGINT
        to the process alone."""
        if self.master is not None:
            os.write(self.master, b"\x03")
        else:
            self.process.send_signal(signal.SIGINT)

    def finish(self) -> tuple[int, str]:
        code = self.process.wait(timeout=TIMEOUT_S)
        self.pump.join(timeout=5)
        if self.master is not None:
            os.close(self.master)
        else:
            self.process.stdout.close()  # type: ignore[union-attr]
        with self.lock:
            return code, self.text

    def saved(self) -> dict[str, Any]:
        (row,) = list_runs(self.out)
        record = load_record(self.out, row["run_id"])
        sampleset = dimod.SampleSet.from_serializable(record["sampleset"])
        assert len(sampleset) == record["num_reads"] == row["num_reads"]
        leftovers = [p.name for p in self.out.iterdir() if p.name.startswith(".")]
        assert leftovers == []
        return record


@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal"])
def test_ctrl_c_while_compiling_stops_at_once_and_saves_nothing(
    tmp_path: Path, terminal: bool
) -> None:
    solve = Solve(tmp_path, [], terminal=terminal, NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    solve.wait_for("compiling kernels, once")
    start = time.monotonic()
    solve.interrupt()
    code, text = solve.finish()
    assert code == 130, text
    assert time.monotonic() - start < 10
    assert "interrupted while compiling kernels" in text and "nothing was saved" in text
    assert not solve.out.exists()
    assert _processes_with(f"NUMBA_CACHE_DIR={tmp_path / 'numba'}") == []  # the compiler too


def _processes_with(variable: str) -> list[int]:
    """Live processes whose environment holds ``variable`` (Linux /proc; [] elsewhere)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            environment = (entry / "environ").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().split()[2]
        except OSError:
            continue
        if variable.encode() in environment and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal"])
@pytest.mark.parametrize("sampler", ["sa", "pimc"])
def test_ctrl_c_in_the_middle_of_a_chunk_keeps_the_finished_reads(
    tmp_path: Path, sampler: str, terminal: bool
) -> None:
    args = ["--sampler", sampler, "--num-reads", "12", "--seed", "3", *BUDGET[sampler]]
    solve = Solve(tmp_path, args, terminal=terminal, QANNEAL_TEST_HOOK="chunks")
    solve.wait_for("chunk started", count=2)  # the first chunk of 4 reads is done
    solve.interrupt()
    code, text = solve.finish()
    assert code == 130, text
    record = solve.saved()
    # the chunk in flight is finished, or dropped at the sampler's next checkpoint
    assert record["num_reads"] in (4, 8) and record["interrupted"] is True
    assert f"interrupted: saved {record['num_reads']} of 12 reads to" in text
    assert "Traceback" not in text


@pytest.mark.parametrize("sampler", ["sa", "pimc"])
def test_ctrl_c_between_chunks_keeps_exactly_the_finished_ones(
    tmp_path: Path, sampler: str
) -> None:
    args = ["--sampler", sampler, "--num-reads", "8", "--seed", "3", *BUDGET[sampler]]
    solve = Solve(
        tmp_path, args, terminal=False, QANNEAL_TEST_HOOK="chunks", QANNEAL_TEST_PAUSE="1.5"
    )
    solve.wait_for("chunk done")
    solve.interrupt()
    code, text = solve.finish()
    assert code == 130, text
    record = solve.saved()
    assert (record["num_reads"], record["read_chunks"]) == (4, [4])
    assert record["best"]["train_errors"] >= 0 and record["interrupted"] is True


def test_ctrl_c_twice_ends_at_once_and_leaves_nothing(tmp_path: Path) -> None:
    args = ["--num-reads", "8", *BUDGET["sa"]]
    solve = Solve(
        tmp_path, args, terminal=False, QANNEAL_TEST_HOOK="chunks", QANNEAL_TEST_PAUSE="3"
    )
    solve.wait_for("chunk done")
    solve.interrupt()
    solve.wait_for("Ctrl-C again")  # the first one was taken: stop requested
    solve.interrupt()
    code, _ = solve.finish()
    assert code in (-signal.SIGINT, 130)
    assert not solve.out.exists()


@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_while_the_record_is_written_waits_for_it(tmp_path: Path, presses: int) -> None:
    solve = Solve(
        tmp_path,
        ["--num-reads", "4", "--num-sweeps", "100"],
        terminal=False,
        QANNEAL_TEST_HOOK="write",
    )
    solve.wait_for("writing")
    for _ in range(presses):
        solve.interrupt()
        time.sleep(0.1)
    code, text = solve.finish()
    assert code == 130, text
    record = solve.saved()  # whole, indexed, nothing half-written beside it
    assert record["num_reads"] == 4 and record["interrupted"] is False
    if presses == 1:
        assert "interrupted after the last read: all 4 reads saved to" in text


@pytest.mark.slow
def test_baldassi_zecchina_pimc_interrupted_after_its_first_reads_saves_them(
    tmp_path: Path,
) -> None:
    """The issue's case: N=1001, PIMC defaults, 8 reads, Ctrl-C once reads have finished."""
    out = tmp_path / "runs"
    command = [sys.executable, "-c", RUNNER, "solve", "baldassi-zecchina", "--sampler", "pimc"]
    command += ["--num-reads", "8", "--out", str(out)]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "QANNEAL_TEST_HOOK": "chunks"},
    )
    assert process.stderr is not None
    lines = []
    for line in process.stderr:
        lines.append(line)
        if "chunk done" in line:
            process.send_signal(signal.SIGINT)
            break
    _, stderr = process.communicate(timeout=TIMEOUT_S)
    assert process.returncode == 130, "".join(lines) + stderr
    (row,) = list_runs(out)
    assert row["num_reads"] >= 1
    saved = json.loads(Path(row["record"]).read_text(encoding="utf-8"))
    assert np.isfinite(saved["best"]["energy"])


def test_ctrl_c_while_waiting_for_leap_keeps_the_run_pending(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Leap wait is Python, not a kernel: a real SIGINT there interrupts the wait at once
    and the ledger keeps the submission for `qanneal leap fetch`."""
    from click.testing import CliRunner

    from qanneal.leap import mock
    from qanneal.leap.ledger import Ledger
    from qanneal_cli.main import cli

    def interrupted(self: object) -> object:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)  # the default handler raises KeyboardInterrupt here
        raise AssertionError("the wait was not interrupted")

    monkeypatch.setattr(mock._MockSubmitted, "result", interrupted)
    problem = tmp_path / "slack.toml"
    problem.write_text(
        '[model]\ntype = "perceptron"\ninputs = 5\n[data]\nsource = "random"\npatterns = 3\n'
        'seed = 2\n[formulation]\ntype = "slack"\n',
        encoding="utf-8",
    )
    out = tmp_path / "runs"
    args = ["solve", str(problem), "--sampler", "mock-qpu", "--param", "pegasus_size=4"]
    result = CliRunner().invoke(cli, [*args, "--num-reads", "4", "--out", str(out), "--quiet"])
    assert result.exit_code == 130, result.output
    assert "is pending: `qanneal leap fetch" in result.stderr
    (pending,) = Ledger(out).runs()
    assert pending["state"] == "pending"
