"""Cost, gradients (adjoint / parameter shift / finite differences / SPSA), Adam training,
the sampled-network analysis and the ``vqa`` sampler through ``qanneal solve``."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from qanneal import load_problem, solve
from qanneal.errors import ResourceError, SamplerError
from qanneal.library import resolve_problem_path
from qanneal.models import BinaryNeuralNetwork, BinaryPerceptron
from qanneal.samplers.exact.solver import enumerate_states
from qanneal.samplers.vqa import (
    Ansatz,
    DiagonalCost,
    Estimator,
    TrainingConfig,
    VQASampler,
    hamming_statistics,
    summarise_networks,
    train,
    train_hypernetwork,
)
from qanneal_cli.main import cli


def random_table(n, seed=0):
    return np.random.default_rng(seed).uniform(0, 3, 2**n)


def small_perceptron(seed=0, n=5, patterns=4):
    rng = np.random.default_rng(seed)
    return BinaryPerceptron(
        n, rng.choice([-1.0, 1.0], (patterns, n)), rng.choice([-1, 1], patterns)
    )


def test_model_cost_table_is_the_loss_of_every_network_in_qubit_order():
    model = BinaryNeuralNetwork(2, *_xor_like(), hidden=[2], loss="hinge", margin=1.0)
    cost = DiagonalCost.from_model(model)
    table = cost.table()
    n = model.num_variables
    spins = enumerate_states(0, 2**n, n)  # row x: s_i = +1 where bit i of x is 1
    flipped = 2**n - 1 - np.arange(2**n)  # |0⟩ is +1 for the circuit
    assert table[flipped] == pytest.approx(model.energy(spins))
    bits = np.random.default_rng(1).integers(0, 2, (50, n)).astype(np.uint8)
    assert cost(bits) == pytest.approx(model.energy(1 - 2 * bits.astype(np.int8)))


def _xor_like():
    x = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])
    return x, np.array([1, -1, -1, 1])


ESTIMATORS = [
    ("statevector", Ansatz(4, depth=2)),
    ("statevector", Ansatz(3, depth=2, rotations="ry-rz", entangler="cnot", initial="zero")),
    ("mps", Ansatz(4, depth=3, entangler="cnot")),
]


@pytest.mark.parametrize(("backend", "ansatz"), ESTIMATORS, ids=lambda v: str(v)[:40])
def test_parameter_shift_and_adjoint_agree_with_finite_differences(backend, ansatz):
    cost = DiagonalCost.from_table(random_table(ansatz.num_qubits))
    chi = 1 << (ansatz.num_qubits // 2)
    estimator = Estimator(ansatz, cost, backend=backend, bond_dim=chi if backend == "mps" else None)
    theta = np.random.default_rng(3).uniform(-np.pi, np.pi, (2, ansatz.num_parameters))
    rng = np.random.default_rng(0)
    energy_fd, fd = estimator.gradient(theta, "finite-difference", rng, step=1e-5)
    energy_ps, shift = estimator.gradient(theta, "parameter-shift", rng)
    assert shift == pytest.approx(fd, abs=1e-7)
    assert energy_ps == pytest.approx(energy_fd)
    if backend == "statevector":
        energy_ad, adjoint = estimator.gradient(theta, "adjoint", rng)
        assert adjoint == pytest.approx(shift, abs=1e-10)
        assert energy_ad == pytest.approx(energy_ps)


def test_shot_estimates_are_unbiased_and_spsa_points_along_the_gradient():
    ansatz = Ansatz(4, depth=2)
    cost = DiagonalCost.from_table(random_table(4, seed=4))
    theta = np.random.default_rng(8).uniform(-np.pi, np.pi, (1, ansatz.num_parameters))
    exact = Estimator(ansatz, cost)
    shots = Estimator(ansatz, cost, shots=400)
    rng = np.random.default_rng(1)
    truth = exact.energy(theta, rng)[0]
    estimates = shots.energy(np.repeat(theta, 500, axis=0), rng)
    spread = cost.table().std() / np.sqrt(400 * 500)
    assert abs(estimates.mean() - truth) < 5 * spread
    _, grad = exact.gradient(theta, "adjoint", rng)
    many = np.repeat(theta, 4000, axis=0)  # independent perturbations, one per row
    spsa = exact.gradient(many, "spsa", rng, perturbation=0.05)[1].mean(axis=0)
    cosine = float(spsa @ grad[0] / np.linalg.norm(spsa) / np.linalg.norm(grad))
    assert cosine > 0.95  # E[Δ Δᵀ] = 1, so SPSA is unbiased up to O(c²)


def test_adjoint_needs_the_exact_statevector():
    cost = DiagonalCost.from_table(random_table(3))
    estimator = Estimator(Ansatz(3, depth=1), cost, shots=10)
    with pytest.raises(SamplerError, match="'adjoint' needs the exact statevector"):
        estimator.gradient(np.zeros(6), "adjoint", np.random.default_rng(0))


def test_a_four_qubit_cost_with_a_known_minimum_is_found():
    table = random_table(4, seed=11) + 1.0
    target = 0b0110
    table[target] = 0.0
    estimator = Estimator(Ansatz(4, depth=2), DiagonalCost.from_table(table))
    result = train(estimator, TrainingConfig(runs=8, steps=200, learning_rate=0.1), seed=2)
    assert np.mean(result.final_energy < 0.05) >= 0.5
    best = int(np.argmin(result.final_energy))
    probabilities = estimator.probabilities(result.parameters[best : best + 1])[0]
    assert int(np.argmax(probabilities)) == target and probabilities[target] > 0.95
    assert np.all(result.history[-1] <= result.history[0] + 1e-9)


def test_spsa_with_shots_on_the_mps_lowers_the_energy():
    cost = DiagonalCost.from_table(np.arange(2.0**5)[::-1])  # minimum at |11111⟩
    estimator = Estimator(Ansatz(5, depth=1), cost, backend="mps", bond_dim=2, shots=64)
    config = TrainingConfig(runs=4, steps=150, learning_rate=0.1, final_shots=256)
    result = train(estimator, config, seed=0)
    assert result.method == "spsa"
    assert result.final_energy.mean() < 0.5 * cost.table().mean()


def test_summary_counts_networks_and_hamming_distances():
    model = small_perceptron()
    bits = np.array([[0, 0, 0, 0, 0]] * 3 + [[1, 1, 0, 0, 0], [1, 1, 1, 1, 1]], dtype=np.uint8)
    summary = summarise_networks(model, bits, good_accuracy=0.0)
    assert summary["shots"] == 5 and summary["distinct"] == 3
    assert summary["most_likely"][0]["share"] == pytest.approx(0.6)
    assert summary["good"]["hamming_min"] == 2.0 and summary["good"]["hamming_max"] == 5.0
    assert summary["good"]["hamming_mean"] == pytest.approx((2 + 5 + 3) / 3)
    # shot pairs: 3·1·2 + 3·1·5 + 1·1·3 ordered twice over 5·4 ordered pairs
    assert summary["good"]["hamming_shot_mean"] == pytest.approx(2 * (6 + 15 + 3) / 20)
    assert hamming_statistics(np.ones((1, 4)), np.array([2]))["hamming_shot_mean"] == 0.0


def test_train_hypernetwork_learns_a_perceptron_and_reports_test_accuracy():
    model = small_perceptron(seed=3)
    test = (model.patterns, model.labels)
    result = train_hypernetwork(
        model, depth=1, runs=4, steps=120, learning_rate=0.1, seed=1, test=test
    )
    assert result.summary["best"]["train_errors"] == model.errors(
        np.array([1 if c == "+" else -1 for c in result.summary["best"]["spins"]])
    )
    assert result.summary["best"]["loss"] == pytest.approx(
        DiagonalCost.from_model(model).minimum()[0]
    )
    assert result.summary["best"]["test_accuracy"] == result.summary["best"]["train_accuracy"]


def test_sampler_reads_are_runs_with_model_energies_and_are_reproducible():
    model = small_perceptron(seed=5)
    sampler = VQASampler()
    first = sampler.sample_model(model, num_reads=3, num_sweeps=30, seed=4)
    again = sampler.sample_model(model, num_reads=3, num_sweeps=30, seed=4)
    assert len(first) == 3 and first.info["timing"]["sampling_ns"] > 0
    assert first.record.energy == pytest.approx(model.energy(first.record.sample))
    assert np.array_equal(first.record.sample, again.record.sample)
    assert set(sampler.model_parameters) >= {"depth", "bond_dim", "shots", "gradient", "seed"}
    with pytest.raises(ResourceError, match="max_qubits = 4"):
        sampler.sample_model(model, max_qubits=4)
    with pytest.raises(SamplerError, match="backend = 'gpu' is not one of auto"):
        sampler.sample_model(model, backend="gpu")


def test_qanneal_solve_runs_the_shipped_vqa_problem(tmp_path):
    problem = load_problem(resolve_problem_path("binn-vqa-teacher"))
    record = solve(problem, "vqa", num_reads=2, num_sweeps=40, seed=0, out_dir=tmp_path)
    assert record["sampler"] == "vqa" and record["num_reads"] == 2
    assert record["best"]["train_errors"] <= 2
    runner = CliRunner()
    args = ["solve", "binn-vqa-teacher", "--num-reads", "2", "--num-sweeps", "30"]
    result = runner.invoke(cli, [*args, "--seed", "1", "--json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sampler"] == "vqa"


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ("depth=-2", "depth = -2 must be an integer >= 0"),
        ("backend=gpu", "backend = 'gpu'"),
        ("bond_dim=0", "bond_dim = 0"),
        ("shots=0", "shots = 0"),
        ("gradient=newton", "gradient = 'newton'"),
    ],
)
def test_cli_bad_parameters_are_one_line_errors(param, message, tmp_path):
    extra = ["--param", "backend=mps"] if param.startswith("bond_dim") else []
    result = CliRunner().invoke(
        cli, ["solve", "binn-vqa-teacher", "--param", param, *extra, "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and message in result.output
    assert result.output.count("\n") == 1


def test_choice_bits_are_qubits_of_the_cost_when_the_model_has_them():
    """Augmented choice variables (activation, width) are scored by the model itself."""
    x, y = _xor_like()
    try:
        model = BinaryNeuralNetwork(
            2, x, y, hidden=[3], bias=False, choices=["activation", "width"]
        )
    except TypeError:
        pytest.skip("this checkout's BiNN has no choice variables yet")
    cost = DiagonalCost.from_model(model)
    n = model.num_variables
    assert n == 6 + 3 + 2 and cost.num_qubits == n
    spins = enumerate_states(0, 2**n, n)
    assert cost.table()[2**n - 1 - np.arange(2**n)] == pytest.approx(model.energy(spins))
    result = train_hypernetwork(model, depth=1, runs=2, steps=60, learning_rate=0.1, seed=0)
    best = result.summary["best"]["spins"]
    assert len(best) == n and result.summary["best"]["loss"] == pytest.approx(cost.minimum()[0])


def test_mps_fidelities_equal_statevector_fidelities():
    ansatz = Ansatz(5, depth=2, entangler="cnot")
    cost = DiagonalCost.from_table(random_table(5))
    rng = np.random.default_rng(4)
    first, second = rng.uniform(-np.pi, np.pi, (2, 3, ansatz.num_parameters))
    exact = Estimator(ansatz, cost).fidelity(first, second)
    mps = Estimator(ansatz, cost, backend="mps", bond_dim=4).fidelity(first, second)
    assert mps == pytest.approx(exact, abs=1e-10)
    assert Estimator(ansatz, cost).fidelity(first, first) == pytest.approx(1.0)


def test_qn_spsa_metric_estimate_averages_to_the_fubini_study_metric():
    from qanneal.samplers.vqa.train import QNSPSA

    ansatz = Ansatz(3, depth=1)
    estimator = Estimator(ansatz, DiagonalCost.from_table(random_table(3)))
    theta = np.random.default_rng(2).uniform(-np.pi, np.pi, ansatz.num_parameters)
    d, h = ansatz.num_parameters, 1e-3
    hessian = np.empty((d, d))
    eye = np.eye(d) * h
    for i in range(d):
        for j in range(d):
            shifts = [eye[i] + eye[j], eye[i] - eye[j], -eye[i] + eye[j], -eye[i] - eye[j]]
            rows = np.array([theta + s for s in shifts])
            f = estimator.fidelity(np.repeat(theta[None], 4, axis=0), rows)
            hessian[i, j] = (f[0] - f[1] - f[2] + f[3]) / (4 * h * h)
    config = TrainingConfig(optimizer="qn-spsa", metric_perturbation=1e-3)
    optimiser = QNSPSA((20_000, d), config)
    many = np.repeat(theta[None], 20_000, axis=0)
    optimiser.step(many, np.zeros_like(many), estimator, np.random.default_rng(0))
    assert optimiser.metric.mean(axis=0) == pytest.approx(-0.5 * hessian, abs=0.03)


def test_qn_spsa_training_finds_a_known_minimum():
    table = random_table(4, seed=12) + 1.0
    table[0b1001] = 0.0
    estimator = Estimator(Ansatz(4, depth=1), DiagonalCost.from_table(table))
    config = TrainingConfig(runs=12, steps=200, learning_rate=0.02, optimizer="qn-spsa")
    result = train(estimator, config, seed=3)
    assert result.method == "spsa"
    assert np.median(result.final_energy) < 0.5 * table.mean()
    assert np.any(result.final_energy < 0.1)
    with pytest.raises(SamplerError, match="optimizer = 'lbfgs'"):
        TrainingConfig(optimizer="lbfgs")


def test_sampler_and_trainer_share_their_defaults():
    """sample_model repeats train_hypernetwork's keyword block (see the comment there)."""
    import inspect

    from qanneal.samplers.vqa.sampler import VQASampler, train_hypernetwork

    trainer = inspect.signature(train_hypernetwork).parameters
    sampler = inspect.signature(VQASampler.sample_model).parameters
    renamed = {"num_reads": "runs", "num_sweeps": "steps"}
    shared = [name for name in sampler if renamed.get(name, name) in trainer]
    assert len(shared) >= 12
    for name in shared:
        assert sampler[name].default == trainer[renamed.get(name, name)].default, name
