"""What a new user meets in the first hour (issue "the first hour of a new user"): one-line
option errors, missing extras named before anything is created, no directories left by
failed runs, ``runs show`` printing what ``solve`` printed, the time split, the exact
degeneracy, aligned ``inspect`` output, a ``reduce`` file dimod can read, the EP networks in
``qanneal problems``, a tie called a tie, Ctrl-C in ``compare`` without tracebacks, and a
``solve`` that talks within two seconds and never goes quiet on a terminal."""

from __future__ import annotations

import doctest
import importlib
import itertools
import json
import os
import pkgutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import dimod
import numpy as np
import pytest
from click.testing import CliRunner, Result

import qanneal_cli
from qanneal._states import enumerate_states
from qanneal.compare import report
from qanneal.library import shipped_problems_dir
from qanneal.problem import load_problem
from qanneal_cli.commands._records import time_text
from qanneal_cli.commands._status import Status
from qanneal_cli.main import cli

FAST = ["--num-reads", "2", "--num-sweeps", "50"]
TINY = """\
[model]
type = "perceptron"
inputs = 11

[data]
source = "random"
alpha = 0.5
seed = 2

[loss]
type = "perclinear"
"""


QANNEAL = [
    sys.executable,
    "-c",
    # Ctrl-C as at a shell prompt, even when pytest runs in the background (SIGINT ignored)
    "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from qanneal_cli.main import cli; cli()",
]


@pytest.fixture(autouse=True)
def _work_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def run(*args: Any) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True)


def one_error_line(result: Result, *needles: str) -> str:
    assert result.exit_code == 2, (result.output, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert result.stdout == ""
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


@pytest.fixture
def problem(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# option errors are one line, naming the option and where the options are listed


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["solve", "{p}", "--num-reads", "0"], ["'--num-reads'", "x>=1", "qanneal solve --help"]),
        (["solve", "{p}", "--num-read", "3"], ["--num-read", "did you mean --num-reads"]),
        (["solve", "{p}", "--seed", "-1"], ["'--seed'", "-1"]),
        (["solve", "{p}", "--num-sweeps", "many"], ["'--num-sweeps'", "'many' is not a valid"]),
        (["solve"], ["missing argument 'FILE'", "qanneal solve --help"]),
        (["sovle", "{p}"], ["no such command 'sovle'", "qanneal --help"]),
        (["compare", "{p}", "--reads", "0"], ["'--reads'", "qanneal compare --help"]),
        (["runs", "show"], ["missing argument 'RUN_ID'", "qanneal runs show --help"]),
        (["reduce", "x.json", "--method", "best"], ["'--method'", "'best' is not one of"]),
        (["warmup", "--step", "everything"], ["unknown warm-up step", "annealing"]),
    ],
)
def test_option_errors_are_one_error_line(
    problem: Path, args: list[str], needles: list[str]
) -> None:
    one_error_line(run(*[a.format(p=problem) for a in args]), *needles)


def test_help_and_version_still_work() -> None:
    assert run("--help").exit_code == 0 and "warmup" in run("--help").stdout
    version = run("--version")
    assert version.exit_code == 0 and version.stdout.startswith("qanneal, version ")


# ---------------------------------------------------------------------------
# missing extras: named with the install command, before anything is created


@pytest.fixture
def without(monkeypatch: pytest.MonkeyPatch) -> Any:
    def hide(*modules: str) -> None:
        for module in modules:
            monkeypatch.setitem(sys.modules, module, None)  # import fails, find_spec too

    return hide


def test_compare_without_matplotlib(problem: Path, tmp_path: Path, without: Any) -> None:
    without("matplotlib")
    out = tmp_path / "cmp"
    args = ["compare", problem, "--samplers", "sa", "--budgets", "10", "--reads", "2"]
    one_error_line(run(*args, "--out", out), "pip install 'qanneal[plot]'", "--no-plots")
    assert not out.exists()
    assert run(*args, "--out", out, "--no-plots", "--workers", "1").exit_code == 0


def test_ep_without_matplotlib(tmp_path: Path, without: Any) -> None:
    without("matplotlib")
    out = tmp_path / "runs"
    one_error_line(run("ep", "ep-xor", "--out", out), "qanneal[plot]", "--no-plot")
    assert not out.exists()


def test_experiment_light_without_matplotlib(tmp_path: Path, without: Any) -> None:
    without("matplotlib")
    out = tmp_path / "light"
    args = ["experiment", "light", "--runs", "1", "--epochs", "2", "--out", out]
    one_error_line(run(*args), "qanneal[plot]", "--no-plots")
    assert not out.exists()


def test_spectrum_plot_without_matplotlib(tmp_path: Path, without: Any) -> None:
    without("matplotlib")
    one_error_line(run("spectrum", "binn-walsh", "--plot", "s.png"), "qanneal[plot]")
    assert not (tmp_path / "s.png").exists()


def test_digits_without_scikit_learn(tmp_path: Path, without: Any) -> None:
    without("sklearn", "sklearn.datasets")  # hidden even after an earlier import
    one_error_line(run("solve", "digits-binn", "--out", "runs"), "pip install 'qanneal[data]'")
    assert not (tmp_path / "runs").exists()


def test_dask_without_distributed(problem: Path, tmp_path: Path, without: Any) -> None:
    without("distributed")
    out = tmp_path / "cmp"
    args = ["compare", problem, "--samplers", "sa", "--budgets", "10", "--no-plots"]
    one_error_line(run(*args, "--dask", "tcp://127.0.0.1:1", "--out", out), "qanneal[dask]")
    assert not out.exists()


def test_unreachable_dask_scheduler_leaves_no_directory(
    problem: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    distributed = pytest.importorskip("distributed")

    class Refused:  # what Client does after its timeout
        def __init__(self, address: str, timeout: str) -> None:
            raise OSError(f"Timed out trying to connect to {address} after {timeout}")

    monkeypatch.setattr(distributed, "Client", Refused)
    out = tmp_path / "cmp"
    args = ["compare", problem, "--samplers", "sa", "--budgets", "10", "--no-plots"]
    one_error_line(run(*args, "--dask", "tcp://127.0.0.1:9", "--out", out), "Dask scheduler")
    assert not out.exists()


def test_a_solve_that_fails_leaves_no_directory(problem: Path, tmp_path: Path) -> None:
    out = tmp_path / "deep" / "runs"
    result = run("solve", problem, "--out", out, *FAST, "--param", "beta_range=[5.0]")
    one_error_line(result, "beta_range")
    assert not (tmp_path / "deep").exists()


# ---------------------------------------------------------------------------
# what solve prints, runs show prints; the time says what it leaves out


def test_runs_show_prints_what_solve_printed(problem: Path) -> None:
    printed = run("solve", problem, "--out", "runs", *FAST, "--seed", "3")
    assert printed.exit_code == 0, printed.output
    run_id = Path(printed.stdout.split("record        ")[1].split()[0]).stem
    shown = run("runs", "show", run_id[:15], "--out", "runs")
    assert shown.stdout == printed.stdout
    assert "{" not in shown.stdout  # no dict reprs
    record = json.loads(run("runs", "show", run_id, "--out", "runs", "--json").stdout)
    assert record["run_id"] == run_id and "sampleset" not in record


def test_ep_runs_show_prints_what_ep_printed(tmp_path: Path) -> None:
    printed = run("ep", "ep-xor", "--epochs", "2", "--out", "runs", "--no-plot", "--quiet")
    assert printed.exit_code == 0, printed.output
    (record,) = Path("runs").glob("*.json")
    assert run("runs", "show", record.stem, "--out", "runs").stdout == printed.stdout


def test_time_leaves_out_compilation_and_says_so() -> None:
    timing = {"total_s": 0.5, "sampling_ns": 400_000_000, "compile_ns": 31_200_000_000}
    assert time_text(timing) == (
        "0.50 s (sampling 0.40 s; not counted: 31.20 s compiling or loading kernels)"
    )
    leap = {"total_s": 28.4, "embedding_ns": 28_200_000_000, "sampling_ns": 110_000_000}
    assert time_text(leap) == "28.40 s (embedding 28.20 s, sampling 0.11 s)"
    assert time_text({"total_s": 0.2, "sampling_ns": 190_000_000, "compile_ns": 0}) == (
        "0.20 s (sampling 0.19 s)"
    )


def test_compilation_inside_a_sampler_is_moved_out_of_its_sampling_time() -> None:
    from qanneal.solve import _without_compile

    info = {"timing": {"sampling_ns": 5_000, "total_ns": 6_000}}
    sampleset = dimod.SampleSet.from_samples([{"a": 1}], "SPIN", [0.0], info=info)
    timing = _without_compile(sampleset, 3_000).info["timing"]
    assert timing == {"sampling_ns": 2_000, "total_ns": 6_000, "compile_ns": 3_000}
    reported = {"timing": {"sampling_ns": 5_000, "compile_ns": 4_000}}
    sampleset = dimod.SampleSet.from_samples([{"a": 1}], "SPIN", [0.0], info=reported)
    assert _without_compile(sampleset, 3_000).info["timing"]["sampling_ns"] == 5_000


# ---------------------------------------------------------------------------
# smaller items


def test_exact_shows_the_ground_state_degeneracy(tmp_path: Path) -> None:
    printed = run("solve", "perceptron-small-exact", "--out", "runs")
    assert printed.exit_code == 0, printed.output
    model = load_problem(shipped_problems_dir() / "perceptron-small-exact.toml").model
    errors = np.atleast_1d(model.errors(enumerate_states(0, 2**15, 15)))
    expected = int(np.sum(errors == errors.min()))  # loss "errors": energy = errors
    line = next(line for line in printed.stdout.splitlines() if line.startswith("ground"))
    assert line == (
        f"ground        energy {errors.min():g}, reached by {expected} of 32768 states (degeneracy)"
    )


def test_inspect_rows_are_aligned() -> None:
    text = run("inspect", "perceptron-symmetric").stdout
    lines = text.splitlines()
    assert any(line.startswith("aux rosenberg ") for line in lines)
    column = (
        len("problem") + len(lines[0][len("problem") :]) - len(lines[0][len("problem") :].lstrip())
    )
    for line in lines:
        assert line[column - 1] == " " and line[column] != " ", (line, text)


def test_the_reduce_file_loads_as_its_output_says(tmp_path: Path) -> None:
    assert run("expand", "binn-walsh", "--out", "poly.json").exit_code == 0
    result = run("reduce", "poly.json", "--out", "bqm.json")
    assert result.exit_code == 0, result.output
    snippet = result.stdout.split("or with dimod: ")[1].strip()
    bqm = eval(snippet, {"dimod": dimod, "json": json, "Path": Path})  # what users copy
    assert isinstance(bqm, dimod.BinaryQuadraticModel)
    from qanneal.reduce import load_reduction

    assert load_reduction("bqm.json")[0] == bqm


def test_the_ep_networks_are_listed_and_solve_points_to_ep() -> None:
    assert "ep-xor" in run("problems").stdout
    one_error_line(run("solve", "ep-xor"), "run `qanneal ep ep-xor`")


def _optimum(**tts: float) -> dict[str, Any]:
    return {
        name: {"spin_updates": {"tts": value, "budget": 100, "low": None, "high": None}}
        for name, value in tts.items()
    }


def test_a_tie_is_called_a_tie() -> None:
    text = report._winner(_optimum(sa=100.0, pimc=100.0), "spin_updates", "updates")
    assert text == "In updates, **sa** and **pimc** tie with TTS99 = 100 at 100 sweeps."
    text = report._winner(_optimum(sa=100.0, pimc=102.0, tabu=300.0), "spin_updates", "updates")
    assert "tie" in text and "3.0× less than tabu" in text
    text = report._winner(_optimum(sa=100.0, pimc=200.0), "spin_updates", "updates")
    assert "**sa** wins" in text and "2.0× less than pimc" in text


def test_status_lines_off_a_terminal() -> None:
    import io

    stream = io.StringIO()
    status = Status(stream=stream, live=False)
    status.phase("sampling")
    status.update(1, 10)  # a short run says nothing
    status.stop_requested()
    time.sleep(0.4)
    status.close()
    assert stream.getvalue() == (
        "stopping after the current chunk (Ctrl-C again aborts, saving nothing)\n"
    )
    stream = io.StringIO()
    with Status(stream=stream, live=False, quiet=True) as quiet:
        quiet.phase("compiling", announce=True)
    assert stream.getvalue() == ""


def test_the_command_line_docstring_examples_run() -> None:
    for info in pkgutil.walk_packages(qanneal_cli.__path__, prefix="qanneal_cli."):
        module = importlib.import_module(info.name)
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, info.name


# ---------------------------------------------------------------------------
# real processes: compare's Ctrl-C, and solve's first seconds on a terminal


def test_compare_ctrl_c_keeps_finished_jobs_without_worker_tracebacks(
    problem: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cmp"
    command = [*QANNEAL, "compare", str(problem), "--samplers"]
    command += ["sa,pimc", "--budgets", "200,400,800,1600,3200,6400", "--reads", "20"]
    command += ["--workers", "2", "--no-plots", "--out", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    log = out / "jobs.jsonl"
    deadline = time.monotonic() + 300
    while not (log.exists() and log.read_text(encoding="utf-8").count("\n") >= 1):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert "jobs saved in" in stderr and "to resume" in stderr
    saved = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert 1 <= len(saved) < 12 and not (out / "summary.json").exists()


def test_solve_talks_within_two_seconds_and_never_goes_quiet(tmp_path: Path) -> None:
    import pty

    problem = tmp_path / "n201.toml"
    problem.write_text(TINY.replace("inputs = 11", "inputs = 201"), encoding="utf-8")
    master, slave = pty.openpty()
    command = [*QANNEAL, "solve", str(problem), "--out", "runs"]
    start = time.monotonic()
    process = subprocess.Popen(
        [*command, "--num-reads", "8", "--num-sweeps", "20000"],
        stdout=slave,
        stderr=slave,
        stdin=subprocess.DEVNULL,
    )
    os.close(slave)
    arrivals = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        arrivals.append(time.monotonic())
    process.wait(timeout=300)
    os.close(master)
    assert process.returncode == 0
    assert arrivals[0] - start < 2.0
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert max(gaps) < 5.0, gaps


def test_shipped_problem_files_speak_to_users() -> None:
    """Comments of the shipped files say what a problem shows, not where its code came from."""
    for path in sorted(shipped_problems_dir().rglob("*.toml")):
        comments = [line for line in path.read_text(encoding="utf-8").splitlines() if "#" in line]
        for line in comments:
            assert "issue" not in line.lower(), (path.name, line)
