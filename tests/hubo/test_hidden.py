"""The hidden-unit polynomial of tiny BiNNs, by exhaustive enumeration."""

import itertools

import numpy as np
import pytest

from qanneal.errors import FormulationError
from qanneal.hubo.hidden import hidden_polynomial
from qanneal.models import BinaryNeuralNetwork


def tiny(inputs, bias, seed, patterns=2):
    rng = np.random.default_rng(seed)
    x = rng.choice([-1.0, 1.0], (patterns, inputs))
    return BinaryNeuralNetwork(inputs, x, rng.choice([-1, 1], patterns), hidden=[2], bias=bias)


def min_over_auxiliaries(encoded, model):
    """For every weight vector: the polynomial minimised over hidden and slack spins."""
    poly = encoded.polynomial
    auxiliaries = [v for v in poly.variables if v not in set(encoded.weight_labels)]
    weights = np.array(list(itertools.product([-1, 1], repeat=model.num_variables)))
    aux = np.array(list(itertools.product([-1, 1], repeat=len(auxiliaries))))
    rows = np.hstack([np.repeat(weights, len(aux), axis=0), np.tile(aux, (len(weights), 1))])
    energies = poly.energies((rows, encoded.weight_labels + auxiliaries))
    return weights, energies.reshape(len(weights), len(aux)).min(axis=1)


# (inputs, bias, seed, patterns, whether a zero-error network exists)
CASES = [
    (3, False, 0, 2, False),
    (3, False, 2, 2, True),
    (2, False, 4, 2, True),
    (1, True, 3, 1, True),
    (3, False, 3, 2, True),
    (3, False, 7, 2, False),
]


@pytest.mark.parametrize(("inputs", "bias", "seed", "patterns", "solvable"), CASES)
def test_zero_penalty_exactly_for_zero_error_networks(inputs, bias, seed, patterns, solvable):
    model = tiny(inputs, bias, seed, patterns)
    encoded = hidden_polynomial(model)
    assert len(encoded.polynomial.variables) <= 18
    weights, minima = min_over_auxiliaries(encoded, model)
    assert minima.min() >= -1e-9
    zero_errors = np.asarray(model.errors(weights)) == 0
    assert zero_errors.any() == solvable and not zero_errors.all()
    assert ((np.abs(minima) < 1e-9) == zero_errors).all()


def test_hidden_spins_of_a_zero_penalty_state_are_the_activations():
    model = tiny(3, False, 2)
    encoded = hidden_polynomial(model)
    weights, minima = min_over_auxiliaries(encoded, model)
    w = weights[np.argmin(minima)]
    activations = model.hidden_activations(w)[0]  # (P, H)
    sample = dict(zip(encoded.weight_labels, w.tolist(), strict=True))
    for label in encoded.hidden_labels:
        j, mu = (int(v) for v in label[2:-1].split(","))
        sample[label] = int(activations[mu, j])
    best = min(
        encoded.polynomial.energy({**sample, **dict(zip(encoded.slack_labels, bits, strict=True))})
        for bits in itertools.product([-1, 1], repeat=len(encoded.slack_labels))
    )
    assert best == pytest.approx(0.0)


def test_degree_is_four_with_an_output_slack():
    model = BinaryNeuralNetwork(
        3, np.array([[1.0, 1, -1], [-1, 1, 1]]), np.array([1, -1]), hidden=[3], bias=False
    )
    assert hidden_polynomial(model).polynomial.degree == 4


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (BinaryNeuralNetwork(2, np.ones((1, 2)), np.ones(1), hidden=[2, 2]), "one hidden layer"),
        (BinaryNeuralNetwork(2, np.full((1, 2), 0.5), np.ones(1), hidden=[2]), "±1 inputs"),
        (BinaryNeuralNetwork(2, np.ones((1, 2)), np.ones(1), hidden=[2], loss="bce"), "loss.type"),
    ],
)
def test_refusals(model, message):
    with pytest.raises(FormulationError, match=message):
        hidden_polynomial(model)


# (inputs, bias, seed, patterns, choices): dropout masks and the width bit as gate factors
CHOICE_CASES = [
    (1, False, 4, 2, ("dropout",)),
    (1, False, 6, 2, ("width",)),
    (1, True, 3, 1, ("dropout", "width")),
    (2, False, 7, 1, ("dropout", "width")),
    (1, False, 4, 2, ("dropout", "width")),
]


@pytest.mark.parametrize(("inputs", "bias", "seed", "patterns", "choices"), CHOICE_CASES)
def test_gated_units_keep_zero_penalty_exactly_for_zero_error_networks(
    inputs, bias, seed, patterns, choices
):
    rng = np.random.default_rng(seed)
    x = rng.choice([-1.0, 1.0], (patterns, inputs))
    y = rng.choice([-1, 1], patterns)
    model = BinaryNeuralNetwork(inputs, x, y, hidden=[2], bias=bias, choices=choices)
    encoded = hidden_polynomial(model)
    assert len(encoded.polynomial.variables) <= 22  # 2^22 rows: keep the enumeration small
    assert set(model.choice_variables) <= set(encoded.polynomial.variables)
    weights, minima = min_over_auxiliaries(encoded, model)
    assert minima.min() >= -1e-9
    zero_errors = np.asarray(model.errors(weights)) == 0
    assert zero_errors.any() and not zero_errors.all()
    assert ((np.abs(minima) < 1e-9) == zero_errors).all()


def test_the_activation_choice_is_refused_with_the_alternative():
    model = BinaryNeuralNetwork(
        1, np.ones((1, 1)), np.ones(1), hidden=[1], bias=True, choices=["activation"]
    )
    with pytest.raises(FormulationError, match="use 'walsh'"):
        hidden_polynomial(model)
