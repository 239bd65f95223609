"""mock-qpu end to end through the CLI: the QPU path (embedding, chain strength, spin-reversal
transforms, unembedding, ledger, run record) offline, checked against exact answers."""

from __future__ import annotations

import json
from pathlib import Path

import dimod
import numpy as np
import pytest
from leap_helpers import fails, ok, on_server, solve_json

import qanneal
from qanneal.leap.ledger import Ledger
from qanneal.results import list_runs

QPU_KEYS = {
    "logical_qubits",
    "physical_qubits",
    "max_chain_length",
    "mean_chain_length",
    "chain_break_fraction",
    "chain_strength",
    "logical_energy",
}


def _check_decoding(problem_file: Path, record: dict) -> None:
    """Every saved read decodes to weights whose errors and energy match the record."""
    problem = qanneal.load_problem(problem_file)
    saved = json.loads(Path(record["record"]).read_text(encoding="utf-8"))
    sampleset = dimod.SampleSet.from_serializable(saved["sampleset"])
    weights, energies, _ = problem.readout(sampleset, "bqm")
    errors = np.array([problem.errors(w) for w in weights])
    assert record["best"]["train_errors"] == errors.min()
    assert record["best"]["energy"] == pytest.approx(energies[np.lexsort((energies, errors))[0]])
    assert record["success_rate"] == pytest.approx(np.mean(errors == 0))
    assert record["qpu"]["logical_energy"] == record["best"]["energy"]


def test_slack_qubo_end_to_end(slack_file: Path, out: Path) -> None:
    record = solve_json(slack_file, out)
    assert record["sampler"] == "mock-qpu"
    assert QPU_KEYS <= record["qpu"].keys()
    qpu = record["qpu"]
    bqm = qanneal.load_problem(slack_file).bqm()
    assert qpu["logical_qubits"] == bqm.num_variables == record["num_variables"]
    assert qpu["physical_qubits"] >= qpu["logical_qubits"]
    assert qpu["max_chain_length"] >= qpu["mean_chain_length"] >= 1
    assert 0 <= qpu["chain_break_fraction"] <= 1
    assert record["num_reads"] == 20  # aggregated QPU answers are expanded to one row per read
    # the slack QUBO of a satisfiable instance has ground energy 0 (ExactSolver agrees)
    assert dimod.ExactSolver().sample(bqm).first.energy == pytest.approx(0)
    assert record["best"]["energy"] == pytest.approx(0)
    assert record["best"]["train_errors"] == 0
    _check_decoding(slack_file, record)
    assert [r["run_id"] for r in list_runs(out)] == [record["run_id"]]
    ledger = Ledger(out).runs()
    assert [(r["run_id"], r["state"]) for r in ledger] == [(record["run_id"], "done")]
    assert on_server(out) == 1


def test_hidden_binn_polynomial_end_to_end(hidden_file: Path, out: Path) -> None:
    record = solve_json(hidden_file, out)
    problem = qanneal.load_problem(hidden_file)
    assert record["formulation"] == "hidden"
    assert record["reduction"]["bqm_variables"] == record["qpu"]["logical_qubits"]
    assert record["qpu"]["logical_qubits"] == problem.bqm().num_variables
    # weights are the model's: W (3x3) and V (3)
    assert np.array(record["best"]["weights"]["W1"]).size == 9
    assert record["best"]["train_errors"] == 0
    _check_decoding(hidden_file, record)


def test_embedding_is_cached_and_reused(slack_file: Path, out: Path) -> None:
    first = solve_json(slack_file, out)
    second = solve_json(slack_file, out, "--seed", "9")
    assert first["qpu"]["embedding_source"] == "search"
    assert second["qpu"]["embedding_source"] == "cache"
    assert len(list((out / "embeddings").glob("*.json"))) == 1
    assert second["qpu"]["physical_qubits"] == first["qpu"]["physical_qubits"]


@pytest.mark.parametrize("method", ["majority_vote", "discard", "minimize_energy"])
def test_chain_break_methods(slack_file: Path, out: Path, method: str) -> None:
    # a weak chain strength breaks chains, so each method has something to resolve
    record = solve_json(
        slack_file, out, "--param", f"chain_break_method={method}", "--param", "chain_strength=4"
    )
    qpu = record["qpu"]
    assert qpu["chain_break_method"] == method
    assert qpu["chain_strength"] == 4
    assert qpu["chain_break_fraction"] > 0
    if method == "discard":
        assert 0 < qpu["discarded_reads"] < 20
        assert record["num_reads"] == qpu["physical_reads"] - qpu["discarded_reads"]
    else:
        assert record["num_reads"] == qpu["physical_reads"] == 20
    _check_decoding(slack_file, record)


def test_discarding_every_read_is_an_error(slack_file: Path, out: Path) -> None:
    message = fails(
        "solve",
        slack_file,
        "--out",
        out,
        "--param",
        "chain_break_method=discard",
        "--param",
        "chain_strength=0.5",
    )
    assert "dropped them all" in message


def test_chain_strength_auto_scans_and_picks_the_weakest_that_holds(
    slack_file: Path, out: Path
) -> None:
    record = solve_json(slack_file, out, "--param", "chain_strength=auto")
    qpu = record["qpu"]
    scan = qpu["chain_strength_scan"]
    strengths = [p["chain_strength"] for p in scan]
    assert strengths == sorted(strengths)
    holding = [p for p in scan if p["chain_break_fraction"] <= 0.05]
    if holding:  # the scan stops at the first strength that holds
        assert holding == scan[-1:]
    assert qpu["chain_strength"] == scan[-1]["chain_strength"]
    runs = Ledger(out).submissions(record["run_id"])
    assert [s["purpose"] for s in runs].count("scan") == len(scan)
    assert on_server(out) == len(scan) + 1


def test_scaled_chain_strength_is_the_largest_bias(slack_file: Path, out: Path) -> None:
    record = solve_json(slack_file, out, "--param", "chain_strength=scaled")
    spin = qanneal.load_problem(slack_file).bqm().spin
    largest = max(
        np.abs(list(spin.linear.values())).max(), np.abs(list(spin.quadratic.values())).max()
    )
    assert record["qpu"]["chain_strength"] == pytest.approx(largest)


def test_spin_reversal_transforms_split_reads(slack_file: Path, out: Path) -> None:
    record = solve_json(slack_file, out, "--param", "num_spin_reversal_transforms=3")
    assert record["qpu"]["num_spin_reversal_transforms"] == 3
    assert len(record["leap"]["problem_ids"]) == 3 == on_server(out)
    assert record["num_reads"] == 3 * 7  # ceil(20 / 3) reads per transform
    _check_decoding(slack_file, record)


def test_default_mock_is_pegasus_16(out: Path, tmp_path: Path) -> None:
    from leap_helpers import SLACK

    path = tmp_path / "p16.toml"
    path.write_text(SLACK.replace("pegasus_size = 6", ""), encoding="utf-8")
    record = solve_json(path, out, "--num-reads", "5")
    assert record["leap"]["solver"] == "MockDWaveSampler-P16"


def test_status_fetch_of_a_done_run_and_dry_run(slack_file: Path, out: Path) -> None:
    plan = json.loads(ok("solve", slack_file, "--out", out, "--dry-run", "--json").stdout)
    assert plan["dry_run"] and plan["estimated_access_time_us"] > 0
    assert not Ledger(out).runs() and on_server(out) == 0  # nothing was submitted
    text = ok("inspect", slack_file, "--sampler", "mock-qpu", "--out", out).stdout
    assert "est. QPU time" in text and "physical qubits" in text
    record = solve_json(slack_file, out)
    status = json.loads(ok("leap", "status", "--out", out, "--json").stdout)
    assert [(s["run_id"], s["state"]) for s in status] == [(record["run_id"], "done")]
    again = json.loads(ok("leap", "fetch", record["run_id"], "--out", out, "--json").stdout)
    assert again["run_id"] == record["run_id"] and on_server(out) == 1
    assert "nothing pending" in ok("leap", "fetch", "--all-pending", "--out", out).stdout
    assert len(list_runs(out)) == 1


def test_estimate_grows_with_reads(slack_file: Path, out: Path) -> None:
    few = json.loads(
        ok(
            "inspect",
            slack_file,
            "--sampler",
            "mock-qpu",
            "--num-reads",
            "10",
            "--out",
            out,
            "--json",
        ).stdout
    )
    many = json.loads(
        ok(
            "inspect",
            slack_file,
            "--sampler",
            "mock-qpu",
            "--num-reads",
            "1000",
            "--out",
            out,
            "--json",
        ).stdout
    )
    assert many["estimated_access_time_us"] > few["estimated_access_time_us"] > 0


def test_bad_parameters_are_one_line_errors(slack_file: Path, out: Path) -> None:
    assert "chain_strength" in fails(
        "solve", slack_file, "--out", out, "--param", "chain_strength=-1"
    )
    assert "chain_break_method" in fails(
        "solve", slack_file, "--out", out, "--param", "chain_break_method=vote"
    )
    assert "not a parameter" in fails("solve", slack_file, "--out", out, "--param", "trotter=3")
    assert "pegasus_size" in fails("solve", slack_file, "--out", out, "--param", "pegasus_size=1")
    assert "embedding_timeout" in fails(
        "solve", slack_file, "--out", out, "--param", "embedding_timeout=0"
    )
    message = fails(
        "solve", slack_file, "--out", out, "--param", "anneal_schedule=[[0.0, 0.0], [1.0, 0.5]]"
    )
    assert "anneal fraction s must equal 1" in message
    assert "runs locally" in fails("inspect", slack_file, "--sampler", "sa")
    assert "cannot take" in fails("solve", "perceptron-random-native", "--sampler", "mock-qpu")
    assert not Ledger(out).runs()


def test_valid_qpu_parameters_are_recorded(slack_file: Path, out: Path) -> None:
    record = solve_json(
        slack_file,
        out,
        "--param",
        "anneal_schedule=[[0.0, 0.0], [10.0, 0.5], [20.0, 1.0]]",
        "--param",
        "auto_scale=true",
        "--param",
        "label=demo",
    )
    assert record["parameters"]["anneal_schedule"] == [[0.0, 0.0], [10.0, 0.5], [20.0, 1.0]]
    assert record["parameters"]["label"] == "demo"
    labels = [s["label"] for s in Ledger(out).submissions(record["run_id"])]
    assert labels and all(label.startswith("demo [qanneal ") for label in labels)


def test_clique_embedding_and_its_size_limit(tmp_path: Path, out: Path, faults: object) -> None:
    # 'qpu-clique' routed to the mock (P6) by the faults fixture, with no fault set
    from leap_helpers import SLACK

    text = SLACK.replace("[solve.params]\npegasus_size = 6\n", "")
    small = tmp_path / "small.toml"
    small.write_text(text, encoding="utf-8")
    record = solve_json(small, out, "--sampler", "qpu-clique")
    assert record["qpu"]["embedding_method"] == "clique"
    assert record["qpu"]["logical_qubits"] == 11
    _check_decoding(small, record)
    big = tmp_path / "big.toml"
    big.write_text(
        text.replace("inputs = 5", "inputs = 41").replace("patterns = 3", "patterns = 20"),
        encoding="utf-8",
    )
    message = fails("solve", big, "--out", out, "--sampler", "qpu-clique")
    assert "largest clique this solver holds has" in message and "hybrid" in message


def test_reverse_anneal_from_a_known_state(slack_file: Path, out: Path) -> None:
    bqm = qanneal.load_problem(slack_file).bqm()
    start = "[" + ", ".join(["1"] * bqm.num_variables) + "]"
    record = solve_json(
        slack_file,
        out,
        "--param",
        "anneal_schedule=[[0.0, 1.0], [10.0, 0.45], [20.0, 1.0]]",
        "--param",
        f"initial_state={start}",
        "--param",
        "reinitialize_state=true",
    )
    assert record["parameters"]["reinitialize_state"] is True
    wrong = "[" + ", ".join(["1"] * (bqm.num_variables - 1)) + "]"
    assert "initial_state" in fails(
        "solve", slack_file, "--out", out, "--param", f"initial_state={wrong}"
    )
    assert "cannot be combined" in fails(
        "solve",
        slack_file,
        "--out",
        out,
        "--param",
        f"initial_state={start}",
        "--param",
        "num_spin_reversal_transforms=2",
    )
