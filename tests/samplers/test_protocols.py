"""The default-protocol rules: what each chooses on representative inputs, how given keys
replace its choices, and that samplers and run records carry the protocol they used."""

import math
from pathlib import Path

import dimod
import numpy as np
import pytest
from click.testing import CliRunner

import qanneal
from qanneal.models import BinaryNeuralNetwork, BinaryPerceptron
from qanneal.models.datasets import random_patterns
from qanneal.samplers import AnnealingSampler, PIMCSampler
from qanneal.samplers.protocols import PAPER, Target, pimc_protocol, sa_protocol
from qanneal_cli.main import cli

PROBLEMS = Path(__file__).resolve().parents[2] / "problems"


def perceptron(n=1001, alpha=0.6, loss="perclinear", seed=5):
    data = random_patterns(n, round(alpha * n), seed=seed)
    return BinaryPerceptron(n, data.x_train, data.y_train, loss=loss)


def test_the_perceptron_rule_is_the_baldassi_zecchina_schedule_at_m64():
    quantum = 2 / math.sqrt(1001)
    chosen = pimc_protocol(Target("perceptron", 1001, np.array([0.0, quantum, 9.0]), 1001))
    assert chosen.rule == "perceptron-quantum" and chosen.given == ()
    assert (chosen.trotter, chosen.beta, chosen.gamma) == (64, 64.0, (2.5, 0.01, "linear"))
    assert (chosen.gamma_stages, chosen.num_sweeps, chosen.final_classical_sweeps) == (30, 240, 20)
    assert chosen.moves == ("local", "cluster")
    gammas = chosen.gammas()
    assert len(gammas) == 240 and len(np.unique(gammas)) == 30
    assert gammas[0] == 2.5 and gammas[-1] == pytest.approx(0.01)
    assert (np.diff(gammas) <= 0).all()


@pytest.mark.parametrize(("n", "sweeps"), [(101, 30), (201, 60), (801, 210), (1601, 390)])
def test_perceptron_sweeps_grow_with_the_number_of_weights(n, sweeps):
    target = Target("perceptron", n, np.array([2 / math.sqrt(n)]), n)
    assert pimc_protocol(target).num_sweeps == sweeps


def test_another_loss_is_rescaled_by_its_energy_quantum():
    """'errors' moves in steps of 1, perclinear's in 2/√N: β and Γ scale by √N/2."""
    model = perceptron(n=101, loss="errors")
    sampleset = PIMCSampler().sample_model(model, num_reads=1, num_sweeps=30, seed=3)
    protocol = sampleset.info["protocol"]
    scale = math.sqrt(101) / 2
    assert protocol["beta"] == pytest.approx(64 / scale)
    assert protocol["gamma"][:2] == pytest.approx([2.5 * scale, 0.01 * scale])


def test_bqm_polynomial_and_binn_rules_scale_with_the_flip_energies():
    flips = np.array([0.5, -2.0, 8.0])
    bqm = pimc_protocol(Target("bqm", 7, flips))
    assert (bqm.rule, bqm.trotter, bqm.num_sweeps, bqm.moves) == (
        "energy-ramp",
        16,
        1000,
        ("local",),
    )
    # no quenched states: q falls back to the largest flip, 8; m = 0.5
    assert (bqm.beta_start, bqm.beta) == (1 / 8.0, 256 / 0.5)
    assert bqm.gamma == (8.0, 0.005, "linear") and bqm.gamma_stages is None
    polynomial = pimc_protocol(Target("polynomial", 7, flips))
    assert polynomial.rule == "energy-ramp" and polynomial.moves == ("local",)
    binn = pimc_protocol(Target("binn", 7, flips, 3))
    assert (binn.rule, binn.trotter, binn.num_sweeps, binn.moves) == (
        "binn-ramp",
        16,
        1000,
        ("local",),
    )
    assert (binn.beta_start, binn.beta) == (1 / 8.0, 256 / 0.5)  # as the BQM's: q = 8, m = 0.5
    assert binn.gamma == (8.0, 0.005, "linear")
    assert binn.betas()[0] == 1 / 8.0 and binn.betas()[-1] == 256 / 0.5
    # a BiNN's errors loss: flips of 1 and 2 at random states, of 1, 1 and 3 when quenched
    errors = pimc_protocol(
        Target("binn", 9, np.array([0.0, 1.0, -2.0]), 3, np.array([1.0, -1.0, 3.0]))
    )
    assert (errors.beta_start, errors.beta, errors.gamma) == (1.0, 256.0, (1.0, 0.01, "linear"))
    quenched = pimc_protocol(Target("bqm", 7, flips, None, np.array([0.0, 2.0, 3.0, 40.0])))
    assert quenched.gamma == (3.0, 0.005, "linear")  # the median flip energy at the minima
    assert quenched.beta_start == pytest.approx(1 / 3.0)  # 1 / that median
    tiny = pimc_protocol(Target("bqm", 7, flips, None, np.array([0.001])))  # q < m / 256
    assert tiny.beta_start == tiny.beta == 256 / 0.5  # held at the end, never falling
    flat = pimc_protocol(Target("bqm", 3, np.zeros(6)))
    assert flat.gamma == (1.0, 0.01, "linear") and (flat.beta_start, flat.beta) == (1.0, 256.0)


def test_energy_ramp_raises_beta_linearly_from_one_over_q_to_256_over_m():
    """A ferromagnetic pair, E = −1.5 s_a s_b: every single flip of every state changes
    the energy by ±3, so m = q = 3 whatever states the probe draws."""
    bqm = dimod.BinaryQuadraticModel({}, {("a", "b"): -1.5}, 0.0, "SPIN")
    sampleset = PIMCSampler().sample(bqm, num_reads=2, num_sweeps=11, seed=7)
    protocol = sampleset.info["protocol"]
    assert protocol["rule"] == "energy-ramp" and protocol["given"] == ["num_sweeps"]
    assert protocol["beta_start"] == pytest.approx(1 / 3) and protocol["beta"] == pytest.approx(
        256 / 3
    )
    assert protocol["gamma"][:2] == pytest.approx([3.0, 0.03]) and protocol["gamma"][2] == "linear"
    chosen = pimc_protocol(Target("bqm", 2, np.array([3.0, -3.0]), None, np.array([3.0])))
    betas = chosen.betas()
    assert len(betas) == 1000 and betas[0] == pytest.approx(1 / 3)
    assert betas[-1] == pytest.approx(256 / 3) and np.allclose(np.diff(betas, 2), 0)
    short = pimc_protocol(Target("bqm", 2, np.array([3.0])), num_sweeps=11).betas()
    assert len(short) == 11 and short[5] == pytest.approx((1 / 3 + 256 / 3) / 2)
    held = pimc_protocol(Target("bqm", 2, np.array([3.0])), beta=2.0)
    assert held.beta_start is None and (held.betas() == 2.0).all()  # a given β is held
    followed = pimc_protocol(Target("bqm", 2, np.array([3.0])), beta_schedule=[1.0, 2.0])
    assert followed.betas().tolist() == [1.0, 2.0] and "beta_start" not in followed.as_dict()


def test_given_keys_replace_the_rule_and_are_recorded():
    target = Target("perceptron", 1001, np.array([2 / math.sqrt(1001)]), 1001)
    mine = pimc_protocol(target, trotter=32, gamma_schedule=(3.0, 0.1), num_sweeps=90)
    assert (mine.trotter, mine.beta, mine.gamma, mine.gamma_stages) == (
        32,
        64.0,
        (3.0, 0.1, "linear"),
        30,
    )
    assert mine.given == ("gamma_schedule", "num_sweeps", "trotter")
    assert len(np.unique(mine.gammas())) == 30  # the rule's stages stay around given end points
    explicit = pimc_protocol(target, gamma_schedule=[2.0, 1.0, 0.5, 0.1])
    assert explicit.num_sweeps == 4 and explicit.gammas().tolist() == [2.0, 1.0, 0.5, 0.1]
    few = pimc_protocol(target, num_sweeps=12)
    assert few.gamma_stages == 12  # fewer sweeps than stages: one stage per sweep
    assert pimc_protocol(target, beta_schedule=[1.0, 2.0]).betas().tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match="protocol"):
        pimc_protocol(target, "fastest")


def test_the_paper_protocol_counts_tau_in_rejection_free_sweeps():
    target = Target("perceptron", 1001, np.array([1.0]), 1001)
    assert pimc_protocol(target, "paper") == PAPER
    assert (PAPER.trotter, PAPER.beta, PAPER.num_sweeps, PAPER.moves) == (
        32,
        32.0,
        100,
        ("rejection_free",),
    )
    assert pimc_protocol(target, "paper", num_sweeps=400).num_sweeps == 400


def test_sa_rule_and_overrides():
    flips = np.array([0.5, 4.0])
    chosen = sa_protocol(Target("perceptron", 9, flips))
    assert chosen.rule == "sa-energy-scale" and chosen.num_sweeps == 1000
    assert sa_protocol(Target("perceptron", 401, flips)).num_sweeps == 4010
    assert chosen.beta_range == pytest.approx((math.log(2) / 4.0, math.log(100) / 0.5))
    mine = sa_protocol(Target("perceptron", 9, flips), beta_range=[0.1, 3], num_sweeps=5)
    assert mine.beta_range == (0.1, 3.0) and mine.given == ("beta_range", "num_sweeps")


def test_samplers_record_the_protocol_they_ran():
    model = perceptron(n=31, alpha=0.5)
    pimc = PIMCSampler().sample_model(model, num_reads=2, seed=4)
    protocol = pimc.info["protocol"]
    assert protocol["rule"] == "perceptron-quantum" and protocol["given"] == []
    assert (protocol["trotter"], protocol["num_sweeps"], protocol["seed"]) == (64, 30, 4)
    assert pimc.info["pimc"]["spin_updates"] == (30 * 2 + 20) * 64 * 31
    sa = AnnealingSampler().sample_model(model, num_reads=2, seed=4)
    assert sa.info["protocol"]["rule"] == "sa-energy-scale"
    assert sa.info["sa"]["spin_updates"] == 1000 * 31
    bqm = dimod.generators.ran_r(1, 8, seed=2)
    assert PIMCSampler().sample(bqm, num_reads=1, seed=1).info["protocol"]["moves"] == ["local"]
    binn = BinaryNeuralNetwork(3, np.ones((4, 3)), np.array([1, -1, 1, 1]), hidden=[3])
    info = PIMCSampler().sample_model(binn, num_reads=1, num_sweeps=5, seed=1).info
    assert info["protocol"]["rule"] == "binn-ramp" and info["protocol"]["moves"] == ["local"]


def test_solve_records_and_prints_the_protocol(tmp_path):
    problem = tmp_path / "tiny.toml"
    problem.write_text(
        '[model]\ntype = "perceptron"\ninputs = 21\n[data]\nsource = "random"\nalpha = 0.5\n'
        '[loss]\ntype = "perclinear"\n[solve]\nsampler = "pimc"\nnum_reads = 2\nseed = 3\n'
    )
    record = qanneal.solve(qanneal.load_problem(problem), save=False)
    assert record["protocol"]["rule"] == "perceptron-quantum"
    assert record["protocol"]["num_sweeps"] == 30  # the rule's, not a fixed 1000
    result = CliRunner().invoke(cli, ["solve", str(problem), "--out", str(tmp_path / "runs")])
    assert result.exit_code == 0, result.output
    line = next(row for row in result.output.splitlines() if row.startswith("protocol"))
    assert "perceptron-quantum" in line and "trotter 64" in line


@pytest.mark.slow
def test_the_default_solves_an_unseen_baldassi_zecchina_instance_from_csv(tmp_path):
    """Issue 14's bar: no parameters, an N = 1001, α = 0.6 instance no tuning saw (seed 777,
    from problems/data/bz1001-777.csv), at least 2 of 4 reads with zero errors."""
    problem = qanneal.load_problem(PROBLEMS / "baldassi-zecchina-csv.toml")
    record = qanneal.solve(problem, save=False)
    assert record["protocol"]["rule"] == "perceptron-quantum" and record["protocol"]["given"] == []
    assert record["num_reads"] == 4 and record["success_rate"] >= 0.5
