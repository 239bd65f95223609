"""The native exact solver against direct enumeration and dimod's ExactSolver."""

import itertools

import dimod
import numpy as np
import pytest

from qanneal._states import enumerate_states
from qanneal.errors import ResourceError, SamplerError
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


def _random_cqm(seed):
    """A CQM over binary and spin variables with a nonzero objective, one inequality and
    one equality constraint."""
    rng = np.random.default_rng(seed)
    x = list(dimod.Binaries([f"x{i}" for i in range(4)]))
    s = list(dimod.Spins([f"s{i}" for i in range(3)]))
    cqm = dimod.ConstrainedQuadraticModel()
    cqm.set_objective(
        sum(rng.normal() * v for v in x) + sum(rng.normal() * v for v in s) + x[0] * s[1]
    )
    cqm.add_constraint(x[0] + x[1] + x[2] - s[0] >= 1, label="ge")
    cqm.add_constraint(x[3] + x[1] * x[2] == 1, label="eq")
    return cqm


@pytest.mark.parametrize("seed", range(3))
def test_cqm_enumeration_agrees_with_dimods_exact_cqm_solver(seed):
    cqm = _random_cqm(seed)
    every = dimod.ExactCQMSolver().sample_cqm(cqm)
    feasible = every.filter(lambda row: row.is_feasible)
    ours = ExactSampler().sample_cqm(cqm, num_reads=len(feasible) + 3)
    assert ours.info["exact"]["feasible_states"] == len(feasible)
    assert ours.info["exact"]["ground_energy"] == pytest.approx(feasible.first.energy)
    assert list(ours.record.is_feasible) == [True] * len(feasible) + [False] * 3
    assert sorted(ours.record.energy[: len(feasible)]) == pytest.approx(
        sorted(feasible.record.energy)
    )
    assert ours.record.energy == pytest.approx(cqm.objective.energies(ours))
    assert np.array_equal(
        ours.record.is_satisfied, dimod.SampleSet.from_samples_cqm(ours, cqm).record.is_satisfied
    )


def test_cqm_of_a_binn_has_one_feasible_completion_per_zero_error_network():
    from qanneal.hubo.cqm import constrained_model

    rng = np.random.default_rng(2)
    net = BinaryNeuralNetwork(
        3, rng.choice([-1.0, 1.0], (3, 3)), rng.choice([-1, 1], 3), hidden=[2], bias=False
    )
    formulation = constrained_model(net)
    every = np.array(list(itertools.product([-1, 1], repeat=net.num_variables)))
    solutions = int(np.sum(net.errors(every) == 0))
    sampleset = ExactSampler().sample_cqm(formulation.cqm, num_reads=1)
    assert sampleset.info["exact"]["feasible_states"] == solutions > 0


def test_nl_enumeration_equals_the_native_enumeration():
    from qanneal.hubo.nl import nonlinear_model

    rng = np.random.default_rng(5)
    model = BinaryPerceptron(
        7, rng.choice([-1.0, 1.0], (6, 7)), rng.choice([-1, 1], 6), loss="perclinear"
    )
    formulation = nonlinear_model(model)
    nl = ExactSampler().sample_nlm(formulation.model, num_reads=5)
    native = ExactSampler().sample_model(model, num_reads=5)
    assert nl.info["exact"]["ground_degeneracy"] == native.info["exact"]["ground_degeneracy"]
    assert nl.record.energy == pytest.approx(native.record.energy)
    weights = 2 * nl.record.sample.astype(int) - 1  # variable k is weight k
    assert np.asarray(model.energy(weights)) == pytest.approx(nl.record.energy)
    assert formulation.model.states.size() == 0  # the states were scratch space


def test_nl_enumeration_refuses_what_it_cannot_do():
    from dwave.optimization import Model

    too_big = Model()
    too_big.minimize(too_big.binary(21).sum())
    too_big.lock()
    with pytest.raises(ResourceError, match="at most 20 variables in a nl target"):
        ExactSampler().sample_nlm(too_big)
    constrained = Model()
    x = constrained.binary(3)
    constrained.minimize(x.sum())
    constrained.add_constraint(x.sum() <= 1)
    constrained.lock()
    with pytest.raises(SamplerError, match="unconstrained"):
        ExactSampler().sample_nlm(constrained)
    integer = dimod.ConstrainedQuadraticModel()
    integer.set_objective(dimod.Integer("i", upper_bound=3))
    with pytest.raises(SamplerError, match="INTEGER"):
        ExactSampler().sample_cqm(integer)
