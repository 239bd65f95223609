"""The cqm and nl formulations and kerberos-mock from the command line: what inspect shows,
a cqm perceptron solved through its penalty form with per-constraint feasibility in the
record, and one-line errors (exit 2) where no sampler takes a formulation."""

import json
from pathlib import Path

from click.testing import CliRunner

from qanneal_cli.main import cli

PROBLEM = """
[model]
type = "{model}"
inputs = {inputs}
{hidden}
[data]
source = "teacher"
patterns = 6
seed = 1

[formulation]
type = "{formulation}"
"""


def write(tmp_path: Path, formulation: str, model: str = "perceptron") -> Path:
    hidden = "hidden = [3]\nbias = false" if model == "binn" else ""
    inputs = 3 if model == "binn" else 11
    path = tmp_path / f"{model}-{formulation}.toml"
    path.write_text(
        PROBLEM.format(model=model, inputs=inputs, hidden=hidden, formulation=formulation),
        encoding="utf-8",
    )
    return path


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True)


def test_inspect_shows_the_constrained_and_nonlinear_structure(tmp_path):
    result = run("inspect", write(tmp_path, "cqm"))
    assert result.exit_code == 0, result.output
    assert "constrained quadratic model, 6 constraints, zero objective" in result.output
    assert "kerberos-mock" in result.output and "tabu" in result.output  # BQM samplers
    result = run("inspect", write(tmp_path, "nl"))
    assert result.exit_code == 0 and "nonlinear model (dwave-optimization)" in result.output


def test_a_cqm_perceptron_is_solved_through_its_penalty_form(tmp_path):
    result = run(
        "solve",
        write(tmp_path, "cqm"),
        "--sampler",
        "sa",
        "--seed",
        "2",
        "--json",
        "--quiet",
        "--out",
        tmp_path / "runs",
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    feasibility = record["feasibility"]
    assert record["formulation"] == "cqm" and feasibility["constraints"] == 6
    assert feasibility["feasible_share"] == record["success_rate"]
    assert len(feasibility["violated_per_read"]) == record["num_reads"]


def test_formulations_no_sampler_takes_are_one_line_errors(tmp_path):
    for path, expected in (
        (write(tmp_path, "nl"), "samplers that can: none in this version"),
        (write(tmp_path, "cqm", "binn"), "of model type 'binn'"),
    ):
        result = run("solve", path, "--sampler", "sa", "--quiet", "--out", tmp_path / "runs")
        assert result.exit_code == 2
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:") and expected in lines[0]
