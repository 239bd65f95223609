"""Tests of the ``qanneal`` command line (click, in-process with CliRunner).

Every test works in ``tmp_path`` (the working directory is changed there) and passes
``--out`` so nothing is written into the repository.
"""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path
from typing import Any

import dimod
import pytest
from click.testing import CliRunner, Result

from qanneal.hubo.io import load_polynomial
from qanneal.library import shipped_problems_dir
from qanneal.reduce import load_reduction, to_bqm
from qanneal.samplers import registry
from qanneal_cli.main import cli

FAST = ["--num-reads", "2", "--num-sweeps", "50"]

TEACHER = """\
description = "teacher perceptron for the CLI tests"

[model]
type = "perceptron"
inputs = 11

[data]
source = "teacher"
alpha = 1.0
seed = 3
{data_extra}

[loss]
type = "perclinear"
"""

RANDOM = """\
[model]
type = "perceptron"
inputs = 11

[data]
source = "random"
alpha = 0.5
"""

SLACK = """\
[model]
type = "perceptron"
inputs = 5

[data]
source = "random"
patterns = 3
seed = 2

[loss]
type = "errors"

[formulation]
type = "slack"
"""

CONTRACT_KEYS = {
    "problem",
    "formulation",
    "sampler",
    "num_variables",
    "num_reads",
    "best",
    "success_rate",
    "timing",
    "run_id",
    "record",
}
BEST_KEYS = {"energy", "train_errors", "train_accuracy", "test_accuracy", "weights"}


@pytest.fixture(autouse=True)
def _work_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative paths (and the default ``runs`` folder) land in tmp_path, never the repo."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "runs"


def run(*args: Any) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True)


def ok(*args: Any) -> Result:
    result = run(*args)
    assert result.exit_code == 0, (result.output, result.exception)
    assert "Traceback" not in result.output
    return result


def write(tmp_path: Path, text: str, name: str = "problem.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def solve_json(problem: Path, out: Path, *extra: Any) -> dict[str, Any]:
    result = ok("solve", problem, "--out", out, "--json", *extra)
    return json.loads(result.stdout)


# ---------------------------------------------------------------------------
# solve


def test_solve_json_contract(tmp_path: Path, out: Path) -> None:
    problem = write(tmp_path, TEACHER.format(data_extra=""))
    record = solve_json(problem, out, *FAST, "--seed", "1")
    assert CONTRACT_KEYS <= record.keys()
    assert BEST_KEYS <= record["best"].keys()
    assert "sampleset" not in record
    assert "problem_text" not in record
    assert record["problem"] == str(problem)
    assert record["formulation"] == "native"
    assert record["sampler"] == "sa"
    assert record["num_variables"] == 11
    assert record["num_reads"] == 2
    best = record["best"]
    assert isinstance(best["energy"], float)
    assert isinstance(best["train_errors"], int)
    assert 0.0 <= best["train_accuracy"] <= 1.0
    assert best["test_accuracy"] is None
    assert list(best["weights"]) == ["w"]
    assert len(best["weights"]["w"]) == 11
    assert set(best["weights"]["w"]) <= {-1, 1}
    assert 0.0 <= record["success_rate"] <= 1.0
    assert record["timing"]["total_s"] >= 0
    saved_path = Path(record["record"])
    assert saved_path.exists()
    assert saved_path.parent.resolve() == out.resolve()
    assert saved_path.name == f"{record['run_id']}.json"
    saved = json.loads(saved_path.read_text(encoding="utf-8"))
    assert "sampleset" in saved
    assert saved["run_id"] == record["run_id"]
    assert saved["best"] == record["best"]
    assert len(dimod.SampleSet.from_serializable(saved["sampleset"])) == 2


def test_solve_json_test_accuracy_with_held_out_data(tmp_path: Path, out: Path) -> None:
    problem = write(tmp_path, TEACHER.format(data_extra="test_fraction = 0.25"))
    record = solve_json(problem, out, *FAST)
    test = record["best"]["test_accuracy"]
    assert isinstance(test, float)
    assert 0.0 <= test <= 1.0


def test_solve_text_table(tmp_path: Path, out: Path) -> None:
    problem = write(tmp_path, TEACHER.format(data_extra=""))
    result = ok("solve", problem, "--out", out, *FAST, "--seed", "4")
    text = result.stdout
    assert "best energy" in text
    assert "train errors" in text
    assert "no test data" in text
    assert "seed 4" in text
    records = list(out.glob("*.json"))
    assert len(records) == 1
    assert str(records[0]) in text or records[0].name in text
    record_lines = [line for line in text.splitlines() if line.startswith("record")]
    assert len(record_lines) == 1
    assert Path(record_lines[0].split(maxsplit=1)[1]).resolve() == records[0].resolve()
    assert not result.stderr


def test_solve_seed_reproducible(tmp_path: Path, out: Path) -> None:
    problem = write(tmp_path, RANDOM)
    first = solve_json(problem, out, *FAST, "--seed", "123")
    second = solve_json(problem, out, *FAST, "--seed", "123")
    assert first["run_id"] != second["run_id"]
    assert first["seed"] == second["seed"] == 123
    assert first["best"]["weights"] == second["best"]["weights"]
    assert first["best"]["energy"] == second["best"]["energy"]
    samples = [
        dimod.SampleSet.from_serializable(
            json.loads(Path(r["record"]).read_text(encoding="utf-8"))["sampleset"]
        )
        for r in (first, second)
    ]
    assert samples[0].record.sample.tolist() == samples[1].record.sample.tolist()


@pytest.mark.parametrize("reads", [1, 3, 7])
def test_solve_num_reads_honoured(tmp_path: Path, out: Path, reads: int) -> None:
    problem = write(tmp_path, RANDOM)
    record = solve_json(problem, out, "--num-reads", reads, "--num-sweeps", "30")
    assert record["num_reads"] == reads
    assert record["requested_reads"] == reads
    assert record["interrupted"] is False
    saved = json.loads(Path(record["record"]).read_text(encoding="utf-8"))
    sampleset = dimod.SampleSet.from_serializable(saved["sampleset"])
    assert int(sampleset.record.num_occurrences.sum()) == reads


def test_solve_sampler_option_overrides_file(tmp_path: Path, out: Path) -> None:
    problem = write(tmp_path, SLACK + '\n[solve]\nsampler = "sa"\n')
    record = solve_json(problem, out, *FAST, "--sampler", "steepest")
    assert record["sampler"] == "steepest"


@pytest.mark.parametrize("sampler", ["sa", "tabu", "steepest", "exact", "pimc-dwave"])
def test_solve_slack_with_every_bqm_sampler(tmp_path: Path, out: Path, sampler: str) -> None:
    problem = write(tmp_path, SLACK)
    record = solve_json(problem, out, *FAST, "--sampler", sampler, "--seed", "5")
    assert record["sampler"] == sampler
    assert record["formulation"] == "slack"
    assert record["num_variables"] == 11  # 5 weights + 3 patterns x 2 slack bits
    assert record["num_reads"] == 2
    assert len(record["best"]["weights"]["w"]) == 5
    assert record["best"]["energy"] >= 0.0
    if sampler == "exact":
        # three random patterns on five inputs are always storable: ground energy 0
        assert record["best"]["energy"] == 0.0
        assert record["best"]["train_errors"] == 0
    assert Path(record["record"]).exists()


def test_solve_shipped_problem_by_name(tmp_path: Path, out: Path) -> None:
    result = ok("solve", "perceptron-small-exact", "--out", out, "--json")
    record = json.loads(result.stdout)
    assert Path(record["problem"]).name == "perceptron-small-exact.toml"
    assert record["sampler"] == "exact"
    assert record["num_variables"] == 15
    saved = json.loads(Path(record["record"]).read_text(encoding="utf-8"))
    sampleset = dimod.SampleSet.from_serializable(saved["sampleset"])
    assert record["best"]["energy"] == pytest.approx(sampleset.info["exact"]["ground_energy"])
    assert not (tmp_path / "perceptron-small-exact.toml").exists()


def test_solve_exact_reads_are_distinct_states(tmp_path: Path, out: Path) -> None:
    record = solve_json(shipped_problems_dir() / "perceptron-small-exact.toml", out)
    saved = json.loads(Path(record["record"]).read_text(encoding="utf-8"))
    sampleset = dimod.SampleSet.from_serializable(saved["sampleset"])
    rows = {tuple(row) for row in sampleset.record.sample.tolist()}
    assert sampleset.info["exact"]["ground_degeneracy"] >= 5
    assert len(rows) == len(sampleset) == 5


def test_solve_shipped_csv_problem(tmp_path: Path, out: Path) -> None:
    record = solve_json("perceptron-csv", out, *FAST)
    assert record["num_variables"] == 9
    assert isinstance(record["best"]["test_accuracy"], float)


# ---------------------------------------------------------------------------
# inspect and problems


def test_inspect_text(tmp_path: Path) -> None:
    problem = write(tmp_path, RANDOM)
    text = ok("inspect", problem).stdout
    for label in ("problem", "model", "data", "variables", "structure", "memory", "samplers"):
        assert any(line.startswith(label) for line in text.splitlines()), label
    samplers_line = next(line for line in text.splitlines() if line.startswith("samplers"))
    assert samplers_line.split(maxsplit=1)[1] == "exact, sa, pimc, vqa"
    assert "11 (11 weights)" in text
    assert not list(tmp_path.glob("runs*"))


def test_inspect_json_native(tmp_path: Path) -> None:
    problem = write(tmp_path, RANDOM)
    info = json.loads(ok("inspect", problem, "--json").stdout)
    assert info["num_variables"] == 11
    assert info["num_weights"] == 11
    assert info["formulation"] == "native"
    assert info["samplers"] == ["exact", "sa", "pimc", "vqa"]
    assert info["num_interactions"] is None
    assert info["train_patterns"] == 6  # round(0.5 * 11)


def test_inspect_json_native_too_big_for_exact(tmp_path: Path) -> None:
    problem = write(tmp_path, RANDOM.replace("inputs = 11", "inputs = 41"))
    info = json.loads(ok("inspect", problem, "--json").stdout)
    assert info["samplers"] == ["sa", "pimc", "vqa"]


def test_inspect_json_slack(tmp_path: Path) -> None:
    problem = write(tmp_path, SLACK)
    info = json.loads(ok("inspect", problem, "--json").stdout)
    assert info["formulation"] == "slack"
    assert info["num_variables"] == 11
    assert info["num_weights"] == 5
    assert info["degree"] == 2
    assert isinstance(info["num_interactions"], int)
    assert 0 < info["num_interactions"] <= 11 * 10 // 2
    assert set(info["samplers"]) == set(registry.names_for("bqm"))
    text = ok("inspect", problem).stdout
    assert f"{info['num_interactions']} couplings (density" in text


def test_problems_lists_every_shipped_file() -> None:
    shipped = sorted(p.stem for p in shipped_problems_dir().glob("*.toml"))
    networks = sorted(p.stem for p in (shipped_problems_dir() / "ep").glob("*.toml"))
    assert shipped and networks, "no shipped problems found"
    text = ok("problems").stdout
    solve_part, ep_part = text.split("\nIsing networks for equilibrium propagation")
    for names, part in ((shipped, solve_part), (networks, ep_part.split("\n", 1)[1])):
        lines = part.strip().splitlines()
        assert len(lines) == len(names)
        for name, line in zip(names, lines, strict=True):
            assert line.split()[0] == name
            assert line[len(name) :].strip(), f"{name} has no description"
    assert "(`qanneal ep NAME`)" in text


def test_problems_json() -> None:
    entries = json.loads(ok("problems", "--json").stdout)
    shipped = sorted(p.stem for p in shipped_problems_dir().glob("*.toml"))
    networks = sorted(p.stem for p in (shipped_problems_dir() / "ep").glob("*.toml"))
    assert [e["name"] for e in entries] == shipped + networks
    assert {e["command"] for e in entries} == {"solve", "ep"}
    for entry in entries:
        assert entry["description"]
        assert Path(entry["path"]).name == f"{entry['name']}.toml"
        assert Path(entry["path"]).exists()


def test_problems_dir_option(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    write(folder, "# my own problem\n" + RANDOM, "mine.toml")
    entries = json.loads(ok("problems", "--dir", folder, "--json").stdout)
    assert [(e["name"], e["description"]) for e in entries] == [("mine", "my own problem")]


# ---------------------------------------------------------------------------
# runs


def _unique_prefix(run_id: str, other: str) -> str:
    for length in range(1, len(run_id) + 1):
        if not other.startswith(run_id[:length]):
            return run_id[:length]
    raise AssertionError(f"{run_id} is a prefix of {other}")


def test_runs_list_and_show(tmp_path: Path, out: Path) -> None:
    problem = write(tmp_path, RANDOM)
    first = solve_json(problem, out, *FAST, "--seed", "1")
    second = solve_json(problem, out, *FAST, "--seed", "2")
    ids = {first["run_id"], second["run_id"]}

    rows = json.loads(ok("runs", "list", "--out", out, "--json").stdout)
    assert len(rows) == 2
    assert {row["run_id"] for row in rows} == ids
    for row in rows:
        assert row["sampler"] == "sa"
        assert row["num_reads"] == 2
        assert Path(row["record"]).exists()

    lines = ok("runs", "list", "--out", out).stdout.splitlines()
    assert lines[0].startswith("run_id")
    assert len(lines) == 3
    assert {line.split()[0] for line in lines[1:]} == ids

    shown = json.loads(ok("runs", "show", first["run_id"], "--out", out, "--json").stdout)
    assert shown["run_id"] == first["run_id"]
    assert shown["best"] == first["best"]
    assert "sampleset" not in shown
    assert "problem_text" not in shown

    prefix = _unique_prefix(second["run_id"], first["run_id"])
    text = ok("runs", "show", prefix, "--out", out).stdout
    assert second["run_id"] in text
    assert "sampleset" not in text
    by_prefix = json.loads(ok("runs", "show", prefix, "--out", out, "--json").stdout)
    assert by_prefix["run_id"] == second["run_id"]


def test_runs_list_empty(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = ok("runs", "list", "--out", empty)
    assert "no runs" in result.stdout
    assert json.loads(ok("runs", "list", "--out", empty, "--json").stdout) == []
    missing = tmp_path / "missing"
    assert "no runs" in ok("runs", "list", "--out", missing).stdout
    assert not missing.exists()


# ---------------------------------------------------------------------------
# bad input: exit 2 and one line "error: ..." on stderr, never a traceback


def assert_one_line_error(result: Result, *needles: str) -> str:
    assert result.exit_code == 2, (result.output, result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.output.splitlines() == lines
    line = lines[0]
    assert line.startswith("error: "), line
    for needle in needles:
        assert needle in line, f"{needle!r} not in {line!r}"
    return line


CSV_OK = "a,b,c,label\n1,1,-1,1\n1,-1,1,0\n-1,1,1,1\n-1,-1,-1,0\n"


def file_problem(path: str, extra: str = "") -> str:
    return f'[model]\ntype = "perceptron"\n\n[data]\nsource = "file"\npath = "{path}"\n{extra}'


def _available() -> str:
    return "available: " + ", ".join(registry.REGISTRY)


BAD_INPUTS = [
    pytest.param(
        "[model\ntype = 'perceptron'\n",
        {},
        [],
        ["problem.toml", "not valid TOML"],
        id="malformed-toml",
    ),
    pytest.param(
        RANDOM + "\n[modle]\ninputs = 3\n",
        {},
        [],
        ["problem.toml", "[modle]", "'model'"],
        id="unknown-section",
    ),
    pytest.param(
        RANDOM.replace("alpha", "alpah"),
        {},
        [],
        ["problem.toml", "'alpah'", "did you mean 'alpha'"],
        id="unknown-key",
    ),
    pytest.param(
        RANDOM.replace("inputs = 11", 'inputs = "ten"'),
        {},
        [],
        ["[model] inputs", "'ten'", "int"],
        id="inputs-string",
    ),
    pytest.param(
        RANDOM.replace("inputs = 11", "inputs = 11\nbias = 1"),
        {},
        [],
        ["[model] bias", "bool"],
        id="bias-int",
    ),
    pytest.param(
        RANDOM.replace("inputs = 11", "inputs = 0"),
        {},
        [],
        ["[model] inputs = 0", ">= 1"],
        id="inputs-zero",
    ),
    pytest.param(
        RANDOM.replace("inputs = 11", "inputs = -3"),
        {},
        [],
        ["[model] inputs = -3", ">= 1"],
        id="inputs-negative",
    ),
    pytest.param(
        RANDOM.replace("inputs = 11", "inputs = 10"),
        {},
        [],
        ["[model] inputs = 10", "odd", "use 11"],
        id="even-fan-in",
    ),
    pytest.param(
        RANDOM.replace("alpha = 0.5", "alpha = 0"),
        {},
        [],
        ["[data] alpha = 0", "> 0"],
        id="alpha-zero",
    ),
    pytest.param(
        RANDOM.replace("alpha = 0.5", "alpha = -0.5"),
        {},
        [],
        ["[data] alpha = -0.5", "> 0"],
        id="alpha-negative",
    ),
    pytest.param(
        RANDOM + "patterns = 4\n", {}, [], ["[data] alpha and patterns"], id="alpha-and-patterns"
    ),
    pytest.param(
        RANDOM.replace('source = "random"\n', ""),
        {},
        [],
        ["[data] source", "required"],
        id="missing-source",
    ),
    pytest.param(
        RANDOM.replace('"perceptron"', '"perceptorn"'),
        {},
        [],
        ["[model] type", "'perceptorn'", "did you mean 'perceptron'"],
        id="unknown-model-type",
    ),
    pytest.param(
        RANDOM + '\n[loss]\ntype = "hinj"\n',
        {},
        [],
        ["[loss] type", "'hinj'", "did you mean 'hinge'"],
        id="unknown-loss",
    ),
    pytest.param(
        RANDOM + '\n[solve]\nsampler = "foo"\n',
        {},
        [],
        ["'foo'", _available()],
        id="unknown-sampler-in-file",
    ),
    pytest.param(
        RANDOM, {}, ["--sampler", "bogus"], ["'bogus'", _available()], id="unknown-sampler-option"
    ),
    pytest.param(
        RANDOM + '\n[solve]\nsampler = "tabu"\n',
        {},
        [],
        ["'tabu'", "'native'", "samplers that can: exact, sa"],
        id="tabu-on-native",
    ),
    pytest.param(
        RANDOM,
        {},
        ["--sampler", "steepest"],
        ["'steepest'", "samplers that can: exact, sa"],
        id="steepest-option-on-native",
    ),
    pytest.param(None, {}, [], ["problem.toml", "no such problem file"], id="missing-problem-file"),
    pytest.param(
        file_problem("nope.csv"),
        {},
        [],
        ["problem.toml", "'nope.csv'", "not found"],
        id="data-file-missing",
    ),
    pytest.param(
        file_problem("nan.csv"),
        {"nan.csv": "1,1,1\n1,nan,0\n-1,1,1\n"},
        [],
        ["'nan.csv'", "line 2", "'nan'"],
        id="data-nan",
    ),
    pytest.param(
        file_problem("inf.csv"),
        {"inf.csv": "1,1,1\n-inf,1,0\n-1,1,1\n"},
        [],
        ["'inf.csv'", "line 2", "'-inf'"],
        id="data-inf",
    ),
    pytest.param(
        file_problem("ragged.csv"),
        {"ragged.csv": "1,1,1\n1,1,0\n-1,1\n"},
        [],
        ["'ragged.csv'", "line 3", "2 fields, expected 3"],
        id="data-ragged",
    ),
    pytest.param(
        file_problem("labels.csv"),
        {"labels.csv": "1,1,1\n1,-1,2\n-1,1,1\n"},
        [],
        ["'labels.csv'", "label column", "[1, 2]"],
        id="data-labels-not-binary",
    ),
    pytest.param(
        file_problem("ok.csv", 'label_column = "lbl"\n'),
        {"ok.csv": CSV_OK},
        [],
        ["'ok.csv'", "'lbl'"],
        id="data-label-column-unknown",
    ),
    pytest.param(
        RANDOM + "test_fraction = 1.0\n",
        {},
        [],
        ["[data] test_fraction = 1.0", "[0, 1)"],
        id="test-fraction-one",
    ),
    pytest.param(
        RANDOM.replace("inputs = 11", "inputs = 41") + '\n[solve]\nsampler = "exact"\n',
        {},
        [],
        ["'exact'", "41", "at most 24"],
        id="exact-too-many-variables",
    ),
    pytest.param(
        SLACK.replace("patterns = 3", "patterns = 10"),
        {},
        ["--sampler", "exact"],
        ["'exact'", "at most 24"],
        id="exact-too-many-slack-variables",
    ),
    pytest.param(
        RANDOM + "\n[solve.params]\nbeta_rnge = [0.1, 3.0]\n",
        {},
        [],
        ["[solve.params]", "'beta_rnge'", "'sa'", "did you mean 'beta_range'"],
        id="unknown-solve-param",
    ),
    pytest.param(
        SLACK + '\n[solve]\nsampler = "tabu"\n[solve.params]\nnum_sweps = 3\n',
        {},
        [],
        ["[solve.params]", "'num_sweps'", "'tabu'"],
        id="unknown-solve-param-tabu",
    ),
    pytest.param(
        '[model]\ntype = "perceptron"\n\n[data]\nsource = "synthetic2d"\npatterns = 20\n'
        '\n[formulation]\ntype = "slack"\n',
        {},
        [],
        ["problem.toml", "'slack'", "±1 patterns"],
        id="slack-real-valued-data",
    ),
    pytest.param(
        RANDOM + '\n[loss]\ntype = "perclinear"\n\n[formulation]\ntype = "slack"\n',
        {},
        [],
        ["problem.toml", "'slack'", "'perclinear'"],
        id="slack-perclinear",
    ),
    pytest.param(
        RANDOM.replace('"perceptron"', '"binn"\nhidden = [4]')
        + '\n[formulation]\ntype = "slack"\n',
        {},
        [],
        ["problem.toml", "'slack'", "perceptron"],
        id="slack-binn",
    ),
    pytest.param(
        RANDOM + "\n[solve]\nnum_reads = 0\n",
        {},
        [],
        ["[solve] num_reads = 0"],
        id="num-reads-zero-in-file",
    ),
    pytest.param(
        RANDOM.replace("alpha = 0.5", "alpha = inf"),
        {},
        [],
        ["[data] alpha = inf"],
        id="alpha-inf",
    ),
    pytest.param(
        RANDOM.replace("alpha = 0.5", "alpha = nan"),
        {},
        [],
        ["[data] alpha = nan"],
        id="alpha-nan",
    ),
    pytest.param(
        SLACK.replace('type = "errors"', 'type = "hinge"\nmargin = nan'),
        {},
        [],
        ["[loss] margin = nan"],
        id="margin-nan-slack",
    ),
    pytest.param(
        RANDOM + '\n[solve.params]\nbeta_schedule_type = "bogus"\n',
        {},
        [],
        ["beta_schedule_type", "'bogus'"],
        id="solve-param-bad-value",
    ),
]


@pytest.mark.parametrize(("toml", "files", "extra", "needles"), BAD_INPUTS)
def test_bad_input_is_one_error_line(
    tmp_path: Path,
    out: Path,
    toml: str | None,
    files: dict[str, str],
    extra: list[str],
    needles: list[str],
) -> None:
    problem = tmp_path / "problem.toml"
    if toml is not None:
        problem.write_text(toml, encoding="utf-8")
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = run("solve", problem, "--out", out, *FAST, *extra)
    assert_one_line_error(result, *needles)
    assert not list(out.glob("*.json"))


def test_bad_input_inspect_names_the_key(tmp_path: Path) -> None:
    problem = write(tmp_path, RANDOM.replace("alpha", "alpah"))
    assert_one_line_error(run("inspect", problem), "'alpah'", "did you mean 'alpha'")


def test_too_large_for_memory_is_refused_fast(tmp_path: Path, out: Path) -> None:
    problem = write(
        tmp_path, RANDOM.replace("inputs = 11", "inputs = 200001").replace("0.5", "5000")
    )
    start = time.perf_counter()
    result = run("solve", problem, "--out", out, *FAST)
    elapsed = time.perf_counter() - start
    assert_one_line_error(result, "problem.toml", "GiB", "data.alpha")
    assert elapsed < 10, f"memory refusal took {elapsed:.1f} s"
    start = time.perf_counter()
    assert_one_line_error(run("inspect", problem), "GiB")
    assert time.perf_counter() - start < 10


def test_output_directory_not_writable(tmp_path: Path) -> None:
    problem = write(tmp_path, RANDOM)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)  # 0o500
    try:
        if os.access(locked, os.W_OK):  # root ignores the mode: use a path under a file
            blocker = tmp_path / "some_file"
            blocker.write_text("not a directory\n", encoding="utf-8")
            target = blocker / "runs"
        else:
            target = locked / "runs"
        start = time.perf_counter()
        result = run("solve", problem, "--out", target, "--num-reads", "2", "--num-sweeps", "50")
        assert_one_line_error(result, str(target), "--out")
        assert time.perf_counter() - start < 30
        assert not target.exists()
    finally:
        locked.chmod(stat.S_IRWXU)


def test_runs_show_unknown_id(tmp_path: Path, out: Path) -> None:
    problem = write(tmp_path, RANDOM)
    solve_json(problem, out, *FAST)
    assert_one_line_error(run("runs", "show", "no-such-run", "--out", out), "'no-such-run'")


def test_runs_show_on_empty_dir(tmp_path: Path) -> None:
    assert_one_line_error(run("runs", "show", "abc", "--out", tmp_path / "none"), "'abc'")


WALSH = """
[model]
type = "binn"
inputs = 3
hidden = [2]
bias = true

[data]
source = "teacher"
patterns = 12
seed = 1

[formulation]
type = "walsh"
"""


def test_polynomial_problem_inspect_solve_expand_and_spectrum(tmp_path: Path, out: Path) -> None:
    problem = write(tmp_path, WALSH)
    info = json.loads(ok("inspect", problem, "--json").stdout)
    assert info["formulation"] == "walsh" and info["degree"] > 2 and info["monomials"] > 11
    assert "pimc" in info["samplers"] and "tabu" in info["samplers"]
    record = json.loads(
        ok(
            "solve",
            problem,
            "--sampler",
            "pimc",
            "--num-sweeps",
            "300",
            "--json",
            "--out",
            str(out),
        ).stdout
    )
    assert record["best"]["train_errors"] == 0  # a teacher exists: the ground energy is 0
    hubo = tmp_path / "poly.json"
    assert "monomials" in ok("expand", problem, "--out", str(hubo)).stdout
    spectrum = json.loads(ok("spectrum", str(hubo), "--json").stdout)
    direct = json.loads(ok("spectrum", problem, "--json").stdout)
    assert spectrum == direct and len(spectrum["weight"]) == 12
    again = CliRunner().invoke(cli, ["expand", str(problem), "--out", str(hubo)])
    assert again.exit_code == 2 and "already exists" in again.stderr
    reduced = tmp_path / "bqm.json"
    summary = json.loads(ok("reduce", str(hubo), "--out", str(reduced), "--json").stdout)
    bqm, document = load_reduction(reduced)
    assert bqm.num_variables == summary["variables"] == 11 + summary["auxiliaries"]
    assert len(document["reduction"]["auxiliaries"]) == summary["auxiliaries"]
    assert bqm == to_bqm(load_polynomial(hubo)[0], method="auto")[0]
