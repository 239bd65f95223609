"""The native exact solver against direct enumeration and dimod's ExactSolver."""

import itertools

import dimod
import numpy as np
import pytest

from qanneal._states import enumerate_states
from qanneal.errors import ResourceError
from qanneal.hubo.slack import build_slack_qubo
from qanneal.models import BinaryNeuralNetwork, BinaryPerceptron
from qanneal.samplers.exact import ExactSampler


def test_enumeration_covers_every_state_once():
    states = enumerate_states(0, 2**6, 6)
    assert len({tuple(s) for s in states}) == 64


@pytest.mark.parametrize("seed", range(4))
def test_ground_energy_and_degeneracy_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    net = BinaryNeuralNetwork(
        2, rng.normal(size=(6, 2)), rng.choice([-1, 1], 6), hidden=[2], loss="perclinear"
    )
    every = np.array(list(itertools.product([-1, 1], repeat=net.num_variables)))
    energies = np.asarray(net.energy(every))
    sampleset = ExactSampler().sample_model(net, num_reads=3)
    assert sampleset.first.energy == pytest.approx(energies.min())
    assert sampleset.info["exact"]["ground_degeneracy"] == int(
        np.isclose(energies, energies.min()).sum()
    )
    assert sorted(sampleset.record.energy) == pytest.approx(sorted(energies)[:3])


def test_agrees_with_dimod_exact_solver_through_the_slack_qubo():
    """Two exact oracles, two formulations: zero errors reachable in one iff in the other."""
    rng = np.random.default_rng(3)
    model = BinaryPerceptron(5, rng.choice([-1.0, 1.0], (4, 5)), rng.choice([-1, 1], 4))
    native = ExactSampler().sample_model(model, num_reads=1).first.energy
    slack = dimod.ExactSolver().sample(build_slack_qubo(model).bqm).first.energy
    assert (native == 0) == (abs(slack) < 1e-9)


def test_refuses_too_many_variables():
    with pytest.raises(ResourceError, match="use sampler 'sa'"):
        ExactSampler().sample_model(BinaryPerceptron(25, np.ones((1, 25)), np.ones(1)))
