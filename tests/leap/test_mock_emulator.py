"""``mock-qpu`` with the hardware emulator (qanneal.leap.noise): off unless asked for,
recorded when on, shown by a dry run, applied to every submission the mock samples."""

from __future__ import annotations

import json
from pathlib import Path

import dimod
import pytest
from leap_helpers import fails, ok, solve_json

from qanneal.leap.mock import MockConnection
from qanneal.leap.noise import DEFAULT_SIGMA_H, advantage_beta


def test_off_by_default(slack_file: Path, out: Path) -> None:
    record = solve_json(slack_file, out)
    assert "hardware_noise" not in record["qpu"]
    plan = json.loads(ok("solve", slack_file, "--out", out, "--dry-run", "--json").stdout)
    assert plan.get("hardware_noise") is None


def test_on_it_is_recorded_and_shown(slack_file: Path, out: Path) -> None:
    settings = ("--param", "hardware_noise=true", "--param", "sigma_j=0.02")
    record = solve_json(slack_file, out, *settings)
    noise = record["qpu"]["hardware_noise"]
    assert noise["sigma_h"] == DEFAULT_SIGMA_H and noise["sigma_j"] == 0.02
    assert noise["beta"] == pytest.approx(advantage_beta(), abs=1e-4) and noise["auto_scale"]
    # the embedded problem's strongest coupling is a chain at -strength: scaled into [-1, 1]
    (divisor,) = noise["scale_divisors"]
    assert divisor == pytest.approx(record["qpu"]["chain_strength"])
    text = ok("solve", slack_file, "--out", out, "--dry-run", *settings).stdout
    assert "emulating        auto_scale True, sigma_h 0.05, sigma_j 0.02" in text
    off = solve_json(slack_file, out, *settings, "--param", "auto_scale=false")
    assert off["qpu"]["hardware_noise"]["scale_divisors"] == [1.0]


def test_each_submission_goes_through_the_emulator(tmp_path: Path) -> None:
    """The mock samples through the emulator: its answers carry the composite's record,
    and without errors and cold it returns the ground state of what it is given."""
    settings = {
        "auto_scale": True,
        "sigma_h": 0.0,
        "sigma_j": 0.0,
        "beta": 50.0,
        "use_extended_j_range": False,
    }
    mock = MockConnection(tmp_path, seed=3, pegasus_size=2, num_sweeps=200, noise=settings)
    u, v = mock.edgelist[0]
    bqm = dimod.BQM({u: 0.5}, {(u, v): -3.0}, 0.0, "SPIN")
    answer = mock.retrieve(mock.submit(bqm, "emulated", {"num_reads": 5}).problem_id)
    assert answer.info["hardware_noise"]["scale_divisor"] == 3.0
    assert (
        answer.info["beta"] == 50.0 and "auto_scale" not in answer.info["mock_ignored_parameters"]
    )
    assert {int(s[u]) for s in answer.samples()} == {-1} and set(answer.record.energy) == {-3.5}
    plain = MockConnection(tmp_path, seed=3, pegasus_size=2)
    assert "hardware_noise" not in plain.retrieve(plain.submit(bqm, "plain", {}).problem_id).info


def test_bad_settings_are_one_line_errors(slack_file: Path, qpu_file: Path, out: Path) -> None:
    for given, says in (
        ("sigma_h=-1", "sigma_h = -1 must be a number >= 0"),
        ("beta=0", "beta = 0 must be a number > 0"),
        ("hardware_noise=1", "hardware_noise = 1 must be true or false"),
    ):
        assert says in fails(
            "solve", slack_file, "--out", out, "--param", "hardware_noise=true", "--param", given
        )
    assert "beta applies with hardware_noise = true" in fails(
        "solve", slack_file, "--out", out, "--param", "beta=3"
    )
    assert "not a parameter of sampler 'qpu'" in fails(
        "solve", qpu_file, "--out", out, "--sampler", "qpu", "--param", "hardware_noise=true"
    )
