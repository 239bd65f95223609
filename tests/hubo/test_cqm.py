"""The constrained (CQM) formulation against native training errors, by enumeration with
dimod's ExactCQMSolver: the feasible set is exactly the zero-error set."""

import itertools

import dimod
import numpy as np
import pytest

from qanneal.errors import FormulationError
from qanneal.hubo.cqm import constrained_model
from qanneal.models import BinaryNeuralNetwork, BinaryPerceptron
from qanneal.problem import problem_from_dict


def all_weights(n):
    return np.array(list(itertools.product([-1, 1], repeat=n)), dtype=np.int8)


def feasible_weights(formulation):
    """{weights: number of feasible completions} over the CQM's whole state space."""
    sampleset = dimod.ExactCQMSolver().sample_cqm(formulation.cqm)
    counts: dict[tuple, int] = {}
    for sample, feasible in zip(sampleset.samples(), sampleset.record.is_feasible, strict=True):
        if feasible:
            key = tuple(formulation.decode(sample).tolist())
            counts[key] = counts.get(key, 0) + 1
    return counts, sampleset


def zero_error_weights(model):
    weights = all_weights(model.num_variables)
    return {tuple(w.tolist()) for w in weights[np.asarray(model.errors(weights)) == 0]}


PERCEPTRONS = [  # (inputs, patterns, bias, loss, margin, data seed)
    (7, 5, False, "errors", 0.0, 1),
    (6, 4, False, "errors", 0.0, 4),  # even fan-in: κ' = 2
    (6, 5, True, "hinge", 3.0, 20),  # margin κ = 3 on fan-in 7 → κ' = 3
    (8, 6, True, "errors", 0.0, 4),
]


@pytest.mark.parametrize(("inputs", "patterns", "bias", "loss", "margin", "seed"), PERCEPTRONS)
def test_perceptron_feasible_set_is_the_zero_error_set(inputs, patterns, bias, loss, margin, seed):
    rng = np.random.default_rng(seed)
    teacher = rng.choice([-1, 1], inputs)
    x = rng.choice([-1.0, 1.0], (patterns, inputs))
    y = np.where(x @ teacher >= 0, 1, -1)  # teacher labels: a solution exists
    model = BinaryPerceptron(inputs, x, y, bias=bias, loss=loss, margin=margin)
    formulation = constrained_model(model)
    counts, sampleset = feasible_weights(formulation)
    weights = all_weights(model.num_variables)
    stabilities = model.stabilities(weights)
    expected = {
        tuple(w.tolist())
        for w, s in zip(weights, stabilities, strict=True)
        if s.min() >= max(margin, 1)  # learned (Δ > 0), with the margin for hinge
    }
    if loss == "errors":
        assert expected == zero_error_weights(model)
    assert expected and set(counts) == expected
    assert set(counts.values()) == {1}  # no auxiliaries: one state per weight vector
    assert np.all(sampleset.record.energy == 0.0)  # the objective is zero everywhere


def test_perceptron_on_integer_data_uses_delta_at_least_one():
    x = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, -1.0], [3.0, -1.0, 0.0]])
    model = BinaryPerceptron(3, x, np.array([1, -1, 1]))
    formulation = constrained_model(model)
    assert formulation.kappa == 1
    counts, _ = feasible_weights(formulation)
    assert set(counts) == zero_error_weights(model)


BINNS = [  # (inputs, bias, patterns, seed): odd and even hidden fan-in, with/without bias
    (2, True, 3, 8),
    (3, False, 3, 9),
    (2, False, 3, 8),  # even output fan-in: κ' = 2
    (1, True, 2, 6),
]


@pytest.mark.parametrize(("inputs", "bias", "patterns", "seed"), BINNS)
def test_binn_feasible_set_is_the_zero_error_set(inputs, bias, patterns, seed):
    rng = np.random.default_rng(seed)
    x = rng.choice([-1.0, 1.0], (patterns, inputs))
    net = BinaryNeuralNetwork(inputs, x, rng.choice([-1, 1], patterns), hidden=[2], bias=bias)
    formulation = constrained_model(net)
    assert len(formulation.cqm.variables) <= 16
    counts, sampleset = feasible_weights(formulation)
    zero = zero_error_weights(net)
    assert zero and len(zero) < 2**net.num_variables
    assert set(counts) == zero
    # the hidden constraints force each auxiliary to its unit's activation
    assert set(counts.values()) == {1}
    assert np.all(sampleset.record.energy == 0.0)


def test_completed_samples_are_feasible_exactly_without_errors():
    rng = np.random.default_rng(9)
    x = rng.choice([-1.0, 1.0], (4, 3))
    net = BinaryNeuralNetwork(3, x, rng.choice([-1, 1], 4), hidden=[3], bias=False)
    formulation = constrained_model(net)
    outcomes = set()
    for w in all_weights(net.num_variables)[::3]:
        feasible = formulation.cqm.check_feasible(formulation.complete(w))
        assert feasible == (net.errors(w) == 0)
        outcomes.add(feasible)
    assert outcomes == {True, False}


def test_violations_agree_with_dimod_per_constraint():
    rng = np.random.default_rng(10)
    x = rng.choice([-1.0, 1.0], (5, 3))
    net = BinaryNeuralNetwork(3, x, rng.choice([-1, 1], 5), hidden=[3], bias=True)
    formulation = constrained_model(net)
    labels = list(formulation.cqm.variables)
    samples = rng.integers(0, 2, (20, len(labels)))
    violations = formulation.violations(samples, labels)
    for row, values in zip(violations, samples, strict=True):
        expected = formulation.cqm.violations(dict(zip(labels, values, strict=True)), clip=True)
        assert np.allclose(row, [expected[c] for c in formulation.cqm.constraints])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"loss": "perclinear"}, "loss.type 'errors'"),
        ({"choices": ["activation"]}, "model.choices"),
    ],
)
def test_unsupported_models_are_refused_in_one_line(kwargs, message):
    model = BinaryPerceptron(3, np.array([[1.0, 1, -1]]), np.array([1]), **kwargs)
    with pytest.raises(FormulationError, match=message) as caught:
        constrained_model(model)
    assert "\n" not in str(caught.value)


def test_real_valued_data_and_deep_networks_are_refused():
    with pytest.raises(FormulationError, match="integer-valued"):
        constrained_model(BinaryPerceptron(2, np.array([[0.5, 1.0]]), np.array([1])))
    deep = BinaryNeuralNetwork(2, np.ones((1, 2)), np.array([1]), hidden=[3, 3])
    with pytest.raises(FormulationError, match="one hidden layer"):
        constrained_model(deep)


# -- through Problem: kind, cqm(), penalty BQM, readout ------------------------------------
def cqm_problem(model=None, patterns=6):
    return problem_from_dict(
        {
            "model": model or {"type": "perceptron", "inputs": 9},
            "data": {"source": "teacher", "patterns": patterns, "seed": 2},
            "formulation": {"type": "cqm"},
        }
    )


def test_problem_readout_reports_feasibility_per_constraint():
    problem = cqm_problem()
    assert problem.kind == "cqm" and problem.num_variables == 9
    sampleset = dimod.ExactCQMSolver().sample_cqm(problem.cqm())
    weights, energies, extra = problem.readout(sampleset, "cqm")
    errors = np.asarray(problem.model.errors(weights))
    assert ((energies == 0) == (errors == 0)).all()  # energy: total violation
    feasibility = extra["feasibility"]
    assert feasibility["constraints"] == 6
    assert feasibility["feasible_share"] == pytest.approx(np.mean(errors == 0))
    assert feasibility["violated_per_read"] == errors.tolist()  # one constraint per pattern
    assert set(feasibility["most_violated"]) <= {f"pattern[{mu}]" for mu in range(6)}


def test_penalty_bqm_zero_energy_reads_have_zero_errors():
    problem = cqm_problem()
    bqm = problem.bqm()
    assert problem.target("bqm") is bqm and bqm.vartype is dimod.BINARY
    assert bqm.num_variables > problem.num_variables  # dimod's slack bits
    sampleset = dimod.ExactSolver().sample(bqm) if bqm.num_variables <= 20 else None
    if sampleset is None:
        from dwave.samplers import SimulatedAnnealingSampler

        sampleset = SimulatedAnnealingSampler().sample(bqm, num_reads=20, seed=3)
    weights, energies, extra = problem.readout(sampleset, "bqm")
    errors = np.asarray(problem.model.errors(weights))
    assert (errors[np.isclose(energies, 0.0)] == 0).all()
    assert extra["feasibility"]["feasible_share"] == pytest.approx(np.mean(errors == 0))


def test_binn_problem_has_no_penalty_form():
    problem = cqm_problem({"type": "binn", "inputs": 3, "hidden": [4]}, patterns=3)
    assert problem.num_variables == len(problem.model.variables) + 4 * 3
    with pytest.raises(FormulationError, match="quadratic constraints"):
        problem.bqm()
