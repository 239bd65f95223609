"""The slack QUBO: exact ground states, energies, decoding, sizes (ExactSolver oracle)."""

import itertools

import dimod
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qanneal.errors import FormulationError
from qanneal.hubo.slack import (
    build_slack_qubo,
    encode_bounded,
    slack_parameters,
    slack_size,
)
from qanneal.models import BinaryPerceptron


def random_perceptron(n, p, seed, *, bias=False, loss="errors", margin=0.0):
    rng = np.random.default_rng(seed)
    x = rng.choice([-1.0, 1.0], (p, n))
    y = rng.choice([-1, 1], p)
    return BinaryPerceptron(n, x, y, bias=bias, loss=loss, margin=margin)


def all_weights(n):
    return np.array(list(itertools.product([-1, 1], repeat=n)), dtype=np.int8)


@pytest.mark.parametrize(
    ("n", "p", "bias", "seed"),
    [
        (3, 2, False, 0),
        (5, 4, False, 1),
        (5, 6, False, 2),
        (7, 3, False, 3),
        (4, 5, True, 4),
        (9, 2, False, 5),
        (11, 2, False, 6),
        (3, 6, False, 7),
        (5, 5, False, 8),
    ],
)
def test_ground_energy_zero_iff_a_zero_error_vector_exists(n, p, bias, seed):
    model = random_perceptron(n, p, seed, bias=bias)
    qubo = build_slack_qubo(model)
    assert qubo.bqm.num_variables <= 20  # keep dimod.ExactSolver fast
    ground = dimod.ExactSolver().sample(qubo.bqm).first
    solvable = bool((model.errors(all_weights(model.num_variables)) == 0).any())
    assert (abs(ground.energy) < 1e-9) == solvable
    if solvable:
        assert model.errors(qubo.decode(ground.sample)) == 0


def test_instance_with_and_without_solution_both_occur():
    """The parametrised cases above are not all one kind: check both outcomes happen."""
    outcomes = set()
    for seed in range(12):
        model = random_perceptron(5, 6, seed)
        outcomes.add(bool((model.errors(all_weights(5)) == 0).any()))
    assert outcomes == {True, False}


@given(
    n=st.sampled_from([3, 5, 7, 9, 11]),
    p=st.integers(1, 8),
    margin=st.sampled_from([0.0, 1.0, 2.5, 3.0]),
    seed=st.integers(0, 10_000),
)
def test_min_over_slacks_is_squared_hinge(n, p, margin, seed):
    model = random_perceptron(n, p, seed, loss="hinge", margin=margin)
    qubo = build_slack_qubo(model)
    w = np.random.default_rng(seed).choice([-1, 1], n)
    stabilities = model.stabilities(w)
    expected = np.maximum(0.0, qubo.kappa - stabilities) ** 2
    assert qubo.bqm.energy(qubo.complete(w)) == pytest.approx(expected.sum())
    assert (qubo.bqm.energy(qubo.complete(w)) == 0) == bool((stabilities >= qubo.kappa).all())
    assert qubo.decode(qubo.complete(w)).tolist() == w.tolist()


def test_completion_is_the_best_slack_setting():
    model = random_perceptron(5, 2, 3)
    qubo = build_slack_qubo(model)
    w = np.array([1, -1, 1, 1, -1])
    best = qubo.bqm.energy(qubo.complete(w))
    for bits in itertools.product([0, 1], repeat=len(qubo.slack_labels)):
        sample = {**qubo.complete(w), **dict(zip(qubo.slack_labels, bits, strict=True))}
        assert qubo.bqm.energy(sample) >= best - 1e-9


@pytest.mark.parametrize("u_max", [0, 1, 2, 3, 7, 8, 23, 150])
def test_bounded_binary_reaches_exactly_zero_to_u_max(u_max):
    fan_in = 2 * u_max + 1
    _, found_u_max, coefficients = slack_parameters(fan_in, 0.0)
    assert found_u_max == u_max
    reachable = {
        int(np.dot(bits, coefficients))
        for bits in itertools.product([0, 1], repeat=len(coefficients))
    }
    assert reachable == set(range(u_max + 1))
    values = np.arange(u_max + 1)
    assert (encode_bounded(values, coefficients) @ coefficients).tolist() == values.tolist()


def test_kappa_has_the_parity_of_the_fan_in():
    assert slack_parameters(5, 0.0)[0] == 1
    assert slack_parameters(6, 0.0)[0] == 2  # a tie (Δ = 0) is not a solution
    assert slack_parameters(5, 2.0)[0] == 3
    with pytest.raises(FormulationError, match="margin"):
        slack_parameters(5, 6.0)


def test_size_estimate_matches_the_built_model_and_the_anchor():
    assert slack_size(301, 150, bias=False, margin=0.0) == (1501, 410550)
    model = random_perceptron(101, 30, 1)
    qubo = build_slack_qubo(model)
    variables, interactions = slack_size(101, 30, bias=False, margin=0.0)
    assert qubo.bqm.num_variables == variables == 281
    assert qubo.bqm.num_interactions <= interactions  # zero Gram entries are dropped


def test_matches_a_term_by_term_construction():
    model = random_perceptron(5, 3, 9, bias=True)
    qubo = build_slack_qubo(model)
    naive = dimod.BinaryQuadraticModel(dimod.BINARY)
    for mu in range(3):
        terms = {
            name: 2.0 * a for name, a in zip(qubo.weight_labels, qubo.columns[mu], strict=True)
        }
        constant = -qubo.columns[mu].sum() - qubo.kappa
        bits = [label for label in qubo.slack_labels if label.startswith(f"u[{mu},")]
        terms.update({b: -2.0 * c for b, c in zip(bits, qubo.coefficients, strict=True)})
        for (a, ga), (b, gb) in itertools.product(terms.items(), repeat=2):
            if a == b:
                naive.add_linear(a, ga * gb)
            elif a < b:
                naive.add_quadratic(a, b, 2 * ga * gb)
        for a, ga in terms.items():
            naive.add_linear(a, 2 * constant * ga)
        naive.offset += constant**2
    for x in itertools.islice(itertools.product([0, 1], repeat=naive.num_variables), 0, None, 37):
        sample = dict(zip(naive.variables, x, strict=True))
        assert qubo.bqm.energy(sample) == pytest.approx(naive.energy(sample))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"loss": "perclinear"}, "loss.type"), ({"loss": "bce"}, "loss.type")],
)
def test_refuses_losses_it_cannot_encode(kwargs, message):
    with pytest.raises(FormulationError, match=message):
        build_slack_qubo(random_perceptron(5, 3, 0, **kwargs))


def test_refuses_real_valued_patterns():
    model = BinaryPerceptron(2, np.array([[0.5, -1.2]]), np.array([1]))
    with pytest.raises(FormulationError, match="±1 patterns"):
        build_slack_qubo(model)
