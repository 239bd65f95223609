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
from qanneal.samplers.exact.solver import polynomial_energy_table


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


@pytest.mark.parametrize("vartype", [dimod.SPIN, dimod.BINARY])
def test_polynomial_energy_table_is_every_state_energy(vartype):
    rng = np.random.default_rng(4)
    labels = ["a", 3, ("c", 1), "d", "e"]
    terms = {}
    for _ in range(12):
        size = int(rng.integers(0, 5))
        term = tuple(labels[i] for i in rng.choice(5, size=size, replace=False))
        terms[term] = float(rng.normal())
    polynomial = dimod.BinaryPolynomial(terms, vartype)
    states = enumerate_states(0, 2**5, 5)
    values = states if vartype is dimod.SPIN else (states + 1) // 2
    expected = polynomial.energies((values, labels))
    table = polynomial_energy_table(polynomial, labels)
    assert table == pytest.approx(expected)
    sampleset = ExactSampler().sample_poly(polynomial, num_reads=3)
    assert sampleset.record.energy == pytest.approx(np.sort(expected)[:3])
    assert sampleset.info["exact"]["ground_energy"] == pytest.approx(expected.min())
