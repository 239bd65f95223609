"""`qanneal compare` end to end through the CLI: files present and consistent, bad input."""

import csv
import json

import pytest
from click.testing import CliRunner

from qanneal_cli.main import cli

TINY = """
description = "tiny random perceptron for compare tests"
[model]
type = "perceptron"
inputs = 9
[data]
source = "random"
alpha = 0.5
seed = 4
[loss]
type = "perclinear"
"""


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY)
    return path


def run(*args):
    return CliRunner().invoke(cli, ["compare", *map(str, args)])


def test_compare_writes_consistent_files(tiny, tmp_path):
    out = tmp_path / "cmp"
    result = run(
        tiny,
        "--samplers",
        "sa,pimc",
        "--budgets",
        "10,30",
        "--reads",
        "5",
        "--param",
        "pimc:trotter=4",
        "--workers",
        "1",
        "--out",
        out,
        "--seed",
        "3",
    )
    assert result.exit_code == 0, result.output
    assert "wins with TTS99" in result.output
    for name in (
        "results.csv",
        "summary.json",
        "report.md",
        "jobs.jsonl",
        "config.json",
        "tiny-success.png",
        "tiny-tts.png",
        "tiny-residual.png",
    ):
        assert (out / name).exists(), name
    with (out / "results.csv").open() as stream:
        rows = list(csv.DictReader(stream))
    summary = json.loads((out / "summary.json").read_text())
    assert len(rows) == 2 * 2 * 5
    assert len(summary["groups"]) == 4
    for group in summary["groups"]:
        mine = [
            r
            for r in rows
            if r["contestant"] == group["contestant"] and int(r["budget"]) == group["budget"]
        ]
        share = sum(r["success"] == "True" for r in mine) / len(mine)
        assert group["success"]["value"] == pytest.approx(share)
    report = (out / "report.md").read_text()
    assert "![tiny-tts](tiny-tts.png)" in report and "**Findings.**" in report
    assert summary["settings"]["params"] == {"pimc": {"trotter": 4}}


def test_json_output_and_load_scan(tiny, tmp_path):
    result = run(
        tiny,
        "--samplers",
        "sa",
        "--budgets",
        "20",
        "--reads",
        "4",
        "--alphas",
        "0.3,1.2",
        "--workers",
        "1",
        "--out",
        tmp_path / "j",
        "--json",
        "--no-plots",
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    scan = summary["capacity"]["tiny"]
    assert [row["alpha"] for row in scan["existence"]] == [0.3, 1.2]
    assert scan["existence"][0]["probability"] == 1.0
    assert scan["solvable_share_of_scan_instances"]["0.3"] == 1.0
    assert scan["curves"]["sa"]["alpha"] == [0.3, 1.2]
    assert any(path.endswith("report.md") for path in summary["files"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--samplers", "nope"], "error: unknown contestant 'nope'"),
        (["--budgets", "10,x"], "error: --budgets '10,x': give comma-separated ints"),
        (["--budgets", "0"], "error: --budgets '0': every value must be > 0"),
        (["--param", "trotter=4"], "error: --param 'trotter=4': write SAMPLER:KEY=VALUE"),
        (["--samplers", "pimc-dwave"], "error: sampler 'pimc-dwave' cannot take"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tiny, tmp_path, args, message):
    result = run(tiny, "--workers", "1", "--out", tmp_path / "bad", "--budgets", "5", *args)
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines()[-1].startswith(message)
    assert "Traceback" not in result.output


def test_a_finished_directory_is_not_overwritten(tiny, tmp_path):
    out = tmp_path / "done"
    args = (
        tiny,
        "--samplers",
        "sa",
        "--budgets",
        "5",
        "--reads",
        "2",
        "--workers",
        "1",
        "--no-plots",
        "--out",
        out,
    )
    assert run(*args).exit_code == 0
    again = run(*args)
    assert again.exit_code == 2
    assert "already holds a finished comparison" in again.output
