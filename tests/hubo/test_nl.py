"""The nonlinear (dwave-optimization) formulation: its objective on random states is the
native energy, for every loss, perceptrons and BiNNs."""

import dimod
import numpy as np
import pytest

from qanneal.errors import FormulationError
from qanneal.hubo.nl import NL_LOSSES, nonlinear_model
from qanneal.models import BinaryNeuralNetwork, BinaryPerceptron
from qanneal.models.losses import LOSSES
from qanneal.problem import problem_from_dict

EXACT = ("errors", "hinge")  # integer arithmetic on ±1 data: equal to the last bit


def models(loss, seed):
    rng = np.random.default_rng(seed)
    x = rng.choice([-1.0, 1.0], (9, 7))
    y = rng.choice([-1, 1], 9)
    common = {"loss": loss, "margin": 2.0}
    return [
        BinaryPerceptron(7, x, y, **common),
        BinaryPerceptron(7, x, y, bias=True, **common),
        BinaryNeuralNetwork(7, x, y, hidden=[3], bias=False, **common),
        BinaryNeuralNetwork(7, x, y, hidden=[4, 3], bias=True, **common),
    ]


def test_every_loss_is_supported():
    assert set(NL_LOSSES) == set(LOSSES)


@pytest.mark.parametrize("loss", NL_LOSSES)
def test_objective_on_random_states_is_the_native_energy(loss):
    rng = np.random.default_rng(11)
    for model in models(loss, seed=len(loss)):
        formulation = nonlinear_model(model)
        weights = rng.choice([-1, 1], (40, model.num_variables)).astype(np.int8)
        objective = formulation.evaluate(weights)
        native = model.energy(weights)
        if loss in EXACT:
            assert np.array_equal(objective, native)
        else:
            assert np.allclose(objective, native, rtol=1e-13, atol=1e-12)
        assert np.array_equal(formulation.weights(), weights)  # states decode back


def test_real_valued_data_is_scored_like_the_model():
    rng = np.random.default_rng(12)
    x = rng.normal(size=(10, 5))
    model = BinaryPerceptron(5, x, rng.choice([-1, 1], 10), loss="perclinear")
    formulation = nonlinear_model(model)
    weights = rng.choice([-1, 1], (30, 5))
    assert np.allclose(formulation.evaluate(weights), model.energy(weights), rtol=1e-13)


def test_choice_variables_are_refused_in_one_line():
    model = BinaryPerceptron(3, np.ones((1, 3)), np.array([1]), choices=["activation"])
    with pytest.raises(FormulationError, match=r"model\.choices") as caught:
        nonlinear_model(model)
    assert "\n" not in str(caught.value)


def test_problem_nl_model_and_readout():
    problem = problem_from_dict(
        {
            "model": {"type": "perceptron", "inputs": 11},
            "data": {"source": "random", "patterns": 7, "seed": 3},
            "formulation": {"type": "nl"},
        }
    )
    assert problem.kind == "nl" and problem.num_variables == 11
    assert problem.target("nl") is problem.nl_model()
    rng = np.random.default_rng(4)
    weights = rng.choice([-1, 1], (6, 11))
    problem.nonlinear.set_weights(weights)
    sampleset = problem.nonlinear.sampleset()
    assert sampleset.vartype is dimod.BINARY
    decoded, energies, extra = problem.readout(sampleset, "nl")
    assert np.array_equal(decoded, weights) and extra == {}
    assert np.array_equal(energies, problem.model.energy(weights))
    assert np.array_equal(problem.decode(sampleset.first.sample), decoded[0])
    with pytest.raises(FormulationError, match="has no BQM"):
        problem.bqm()
