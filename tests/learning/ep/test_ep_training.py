"""Training Ising networks by EP end to end: XOR (thermal with SA samples, quantum by
diagonalisation), digits 0-vs-1 (slow), the ising-ep problem file and `qanneal ep`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from qanneal.errors import ProblemFileError
from qanneal.learning.ep.config import XOR_INPUTS, XOR_LABELS, build_data, validate_ep
from qanneal.learning.ep.network import IsingNetwork
from qanneal.learning.ep.run import run_ep_file
from qanneal.learning.ep.training import TrainSettings, train
from qanneal.library import list_problems, shipped_problems_dir
from qanneal.results import list_runs
from qanneal_cli.main import cli

XOR = (XOR_INPUTS, XOR_LABELS, XOR_INPUTS, XOR_LABELS)


def test_thermal_ep_with_sa_samples_learns_xor():
    settings = TrainSettings(
        rule="nudged", sampler="sa", temperature=0.5, beta=0.5, learning_rate=0.2,
        epochs=40, batch_size=4, num_reads=64, num_sweeps=100, seed=0,
    )  # fmt: skip
    result = train(IsingNetwork.layered(2, [4], 1, seed=0), XOR, settings)
    assert result.history[0]["train_accuracy"] < 1.0
    assert result.final["train_accuracy"] == 1.0
    assert result.final["train_cost"] < 0.5 * result.history[0]["train_cost"]


def test_covariance_rule_without_output_clamping_learns_xor_with_pimc_samples():
    settings = TrainSettings(
        rule="covariance", sampler="pimc", temperature=0.5, learning_rate=0.2,
        epochs=40, batch_size=4, num_reads=64, num_sweeps=100, seed=0,
    )  # fmt: skip
    result = train(IsingNetwork.layered(2, [4], 1, seed=0), XOR, settings)
    assert result.final["train_accuracy"] == 1.0


def test_quantum_ep_by_diagonalisation_learns_xor():
    settings = TrainSettings(
        rule="quantum", sampler="exact", beta=0.1, learning_rate=0.3, epochs=25,
        batch_size=4, transverse_field=0.5, seed=0,
    )  # fmt: skip
    result = train(IsingNetwork.layered(2, [4], 1, seed=0), XOR, settings)
    assert result.network.network.num_spins <= 10
    assert result.final["train_accuracy"] == 1.0
    assert result.evaluation == "exact"


@pytest.mark.slow
def test_thermal_ep_with_sa_samples_learns_digits_0_vs_1():
    spec = validate_ep(
        {"model": {"type": "ising-ep"}, "data": {"source": "digits", "seed": 0}}, "digits"
    )
    data = build_data(spec)
    assert data[0].shape[1] == 16
    settings = TrainSettings(
        rule="nudged", sampler="sa", temperature=1.0, beta=0.5, learning_rate=0.05,
        epochs=15, batch_size=16, num_reads=32, num_sweeps=100, seed=0,
    )  # fmt: skip
    result = train(IsingNetwork.layered(16, [4], 1, seed=0), data, settings)
    assert result.final["test_accuracy"] >= 0.95


# ---------------------------------------------------------------------- problem files

GOOD = {"model": {"type": "ising-ep", "hidden": [3]}, "data": {"source": "xor"}}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"model": {"type": "ising-ep", "hiden": [3]}},
            r"unknown key 'hiden' \(did you mean 'hidden'\?\)",
        ),
        ({"train": {"rule": "nudge"}}, r"rule = 'nudge' is not one of .*did you mean 'nudged'"),
        ({"train": {"sampler": "qpu"}}, "sampler = 'qpu' is not one of exact, sa, pimc"),
        (
            {"train": {"rule": "quantum", "sampler": "sa"}},
            "sampler = 'sa' is not one of exact, pimc",
        ),
        (
            {"train": {"rule": "quantum", "sampler": "exact", "temperature": 1.0}},
            "temperature is for",
        ),
        ({"model": {"type": "ising-ep", "transverse_field": 0.5}}, "transverse_field is for rule"),
        ({"train": {"epochs": 0}}, r"epochs = 0 must be > 0"),
        ({"train": {"beta": "big"}}, "beta = 'big' must be of type float"),
        ({"data": {"source": "xor", "test_fraction": 0.2}}, "test_fraction is for source 'digits'"),
        ({"data": {"source": "digits", "classes": [3, 3]}}, "classes = \\[3, 3\\] must be two"),
        ({"trian": {}}, r"unknown section \[trian\] \(did you mean 'train'\?\)"),
    ],
)
def test_bad_ep_files_name_file_key_and_fix(change, message):
    document = {**GOOD, **change}
    with pytest.raises(ProblemFileError, match=message) as info:
        validate_ep(document, "bad.toml")
    assert str(info.value).startswith("bad.toml: ") and "\n" not in str(info.value)


def test_ep_problem_files_stay_out_of_the_solve_library():
    shipped = sorted(p.name for p in (shipped_problems_dir() / "ep").glob("*.toml"))
    assert shipped == ["ep-digits.toml", "ep-xor.toml"]
    assert not any(entry.name.startswith("ep-") for entry in list_problems())


XOR_FILE = """\
description = "tiny XOR for the CLI test"
[model]
type = "ising-ep"
hidden = [4]
[train]
rule = "covariance"
sampler = "exact"
temperature = 0.5
learning_rate = 0.5
epochs = 60
batch_size = 4
"""


def test_cli_trains_saves_a_record_and_a_curve(tmp_path):
    problem = tmp_path / "xor.toml"
    problem.write_text(XOR_FILE)
    out = tmp_path / "runs"
    runner = CliRunner()
    result = runner.invoke(cli, ["ep", str(problem), "--out", str(out), "--json", "--seed", "0"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["best"]["train_accuracy"] == 1.0 and summary["formulation"] == "ep-covariance"
    record = json.loads(Path(summary["record"]).read_text())
    assert len(record["history"]) == 61 and record["history"][0]["epoch"] == 0
    assert Path(summary["curve"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [row["run_id"] for row in list_runs(out)] == [summary["run_id"]]
    listing = runner.invoke(cli, ["runs", "list", "--out", str(out)])
    assert listing.exit_code == 0 and "ep-covariance" in listing.output


def test_cli_runs_a_shipped_problem_by_name_with_overrides(tmp_path):
    result = CliRunner().invoke(
        cli,
        ["ep", "ep-xor", "--rule", "quantum", "--sampler", "exact", "--epochs", "2",
         "--out", str(tmp_path), "--no-plot", "--quiet"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "rule quantum, sampler exact" in result.output
    assert "curve         not written (--no-plot)" in result.output


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        (XOR_FILE, ["--sampler", "anneal"], "sampler = 'anneal' is not one of"),
        (XOR_FILE.replace("epochs = 60", "epoch = 60"), [], "did you mean 'epochs'"),
        ('[model]\ntype = "perceptron"\ninputs = 3\n', [], "type must be 'ising-ep'"),
        ("[model\n", [], "not valid TOML"),
    ],
)
def test_cli_bad_input_is_one_error_line_and_exit_2(tmp_path, text, args, message):
    problem = tmp_path / "p.toml"
    problem.write_text(text)
    result = CliRunner().invoke(cli, ["ep", str(problem), "--out", str(tmp_path), *args])
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and message in result.output
    assert result.output.count("\n") == 1


def test_run_records_are_never_overwritten(tmp_path, monkeypatch):
    problem = tmp_path / "xor.toml"
    problem.write_text(XOR_FILE.replace("epochs = 60", "epochs = 1"))
    monkeypatch.setattr("qanneal.learning.ep.run.new_run_id", lambda: "fixed-id")
    run_ep_file(problem, out_dir=tmp_path, plot=False)
    with pytest.raises(Exception, match="already exists"):
        run_ep_file(problem, out_dir=tmp_path, plot=False)
    assert np.isfinite(json.loads((tmp_path / "fixed-id.json").read_text())["best"]["energy"])
