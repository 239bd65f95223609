"""The cqm and nl formulations and kerberos-mock from the command line: what inspect shows,
a cqm perceptron solved through its penalty form with per-constraint feasibility in the
record, exact enumeration of both, and one-line errors (exit 2) where a sampler cannot take
a formulation."""

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
patterns = {patterns}
seed = 1

[formulation]
type = "{formulation}"
"""


def write(tmp_path: Path, formulation: str, model: str = "perceptron", patterns: int = 6) -> Path:
    hidden = "hidden = [3]\nbias = false" if model == "binn" else ""
    inputs = 3 if model == "binn" else 11
    path = tmp_path / f"{model}-{formulation}.toml"
    path.write_text(
        PROBLEM.format(
            model=model, inputs=inputs, hidden=hidden, formulation=formulation, patterns=patterns
        ),
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


def test_formulations_a_sampler_cannot_take_are_one_line_errors(tmp_path):
    for path, expected in (
        (
            write(tmp_path, "nl"),
            "cannot take formulation 'nl'; samplers that can: exact, hybrid-nl",
        ),
        (write(tmp_path, "cqm", "binn"), "'binn'; samplers that can: exact, hybrid-cqm"),
    ):
        result = run("solve", path, "--sampler", "sa", "--quiet", "--out", tmp_path / "runs")
        assert result.exit_code == 2
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:") and expected in lines[0]


def test_exact_enumerates_a_binn_cqm_and_an_nl_model(tmp_path):
    """Offline, without a token: every state of a BiNN's CQM (feasible ⇔ zero errors) and
    of a perceptron's NL model (objective = native energy)."""
    out = tmp_path / "runs"
    too_many = run("solve", write(tmp_path, "cqm", "binn"), "--sampler", "exact", "--out", out)
    assert "at most 24 variables and this cqm target has 30" in too_many.output
    binn = write(tmp_path, "cqm", "binn", patterns=3)  # 12 weights + 9 hidden-unit bits
    result = run("solve", binn, "--sampler", "exact", "--quiet", "--out", out)
    assert result.exit_code == 0, result.output
    ground = next(line for line in result.output.splitlines() if line.startswith("ground"))
    assert "objective 0, reached by" in ground and "feasible" in ground
    result = run(
        "solve", write(tmp_path, "nl"), "--sampler", "exact", "--json", "--quiet", "--out", out
    )
    record = json.loads(result.output)
    assert record["exact"]["num_states"] == 2**11 and record["best"]["train_errors"] == 0
