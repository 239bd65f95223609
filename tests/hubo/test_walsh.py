"""Walsh expansion: known functions, sign convention, Parseval, truncation, every model/loss."""

import functools
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qanneal._memory
from qanneal.errors import ResourceError
from qanneal.hubo import walsh
from qanneal.hubo.walsh import (
    coefficients_to_polynomial,
    subset_degrees,
    truth_table,
    walsh_coefficients,
    walsh_polynomial,
)
from qanneal.models import LOSSES, BinaryNeuralNetwork, BinaryPerceptron
from qanneal.samplers.exact.solver import enumerate_states


@functools.cache
def characters(n):
    """Dense matrix H[S, x] = Π_{i∈S} s_i(x) in the module's index convention."""
    spins = enumerate_states(0, 2**n, n)  # row x: the state
    members = enumerate_states(0, 2**n, n) > 0  # row S: which i are in S
    factors = np.where(members[:, None, :], spins[None, :, :], 1)
    return factors.prod(axis=-1, dtype=np.int64).astype(np.float64)


def random_perceptron(n, p, seed, *, bias=False, loss="errors", margin=0.0):
    rng = np.random.default_rng(seed)
    x = rng.choice([-1.0, 1.0], (p, n))
    y = rng.choice([-1, 1], p)
    return BinaryPerceptron(n, x, y, bias=bias, loss=loss, margin=margin)


def random_binn(inputs, hidden, p, seed, *, loss="errors"):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(p, inputs))
    y = rng.choice([-1, 1], p)
    return BinaryNeuralNetwork(inputs, x, y, hidden=hidden, bias=True, loss=loss, margin=0.5)


def energies(poly, model):
    states = enumerate_states(0, 2**model.num_variables, model.num_variables)
    return poly.energies((states, model.variables))


def test_sign_convention_bit_one_is_spin_up():
    # f(s) = s_1 on 3 spins: the only coefficient is +1 at index 2 (bit 1 set)
    states = enumerate_states(0, 8, 3)
    coefficients = walsh_coefficients(states[:, 1].astype(float))
    assert coefficients.tolist() == [0, 0, 1, 0, 0, 0, 0, 0]
    # entry x of a truth table is the state of enumerate_states(x, x + 1)
    model = random_perceptron(5, 4, 0, loss="hinge", margin=1.0)
    table = truth_table(model)
    for x in (0, 1, 6, 31):
        assert table[x] == model.energy(enumerate_states(x, x + 1, 5))[0]


@pytest.mark.parametrize("n", [1, 2, 5, 8])
def test_parity_has_a_single_top_coefficient(n):
    parity = enumerate_states(0, 2**n, n).prod(axis=1, dtype=np.int64).astype(float)
    coefficients = walsh_coefficients(parity)
    expected = np.zeros(2**n)
    expected[-1] = 1.0
    np.testing.assert_array_equal(coefficients, expected)


def test_majority_of_three():
    majority = np.sign(enumerate_states(0, 8, 3).sum(axis=1)).astype(float)
    coefficients = walsh_coefficients(majority)
    singletons, triple = [1, 2, 4], 7
    assert coefficients[singletons].tolist() == [0.5, 0.5, 0.5]
    assert coefficients[triple] == -0.5
    assert np.count_nonzero(coefficients) == 4


@pytest.mark.parametrize("n", [2, 3, 6])
def test_and_spreads_evenly(n):
    # AND(x) = Π (1 + s_i)/2: every coefficient is 2^-n
    table = np.zeros(2**n)
    table[-1] = 1.0
    np.testing.assert_array_equal(walsh_coefficients(table), np.full(2**n, 2.0**-n))


@pytest.mark.parametrize("block", [1, 2, 4, 16, 64, 256])
def test_kernel_matches_dense_transform_for_every_block_size(block):
    n = 8
    values = np.random.default_rng(block).normal(size=2**n)
    expected = characters(n) @ values
    transformed = values.copy()
    walsh._fwht_kernel(transformed, block)
    np.testing.assert_allclose(transformed, expected, atol=1e-12)


@given(st.integers(0, 14), st.integers(0, 2**32 - 1))
@settings(max_examples=25)
def test_parseval_and_reconstruction(n, seed):
    values = np.random.default_rng(seed).normal(size=2**n)
    coefficients = walsh_coefficients(values)
    assert np.isclose(np.mean(values**2), np.sum(coefficients**2), rtol=1e-12)
    if n <= 8:
        np.testing.assert_allclose(characters(n).T @ coefficients, values, atol=1e-12)


def test_walsh_coefficients_does_not_modify_its_input_and_checks_the_length():
    values = np.arange(8.0)
    walsh_coefficients(values)
    assert values.tolist() == list(range(8))
    for bad in (np.zeros(3), np.zeros((2, 2)), np.zeros(0)):
        with pytest.raises(ValueError, match="2\\^n entries"):
            walsh_coefficients(bad)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize(("n", "bias"), [(7, False), (9, True), (12, False)])
def test_perceptron_polynomial_equals_the_loss_on_every_state(loss, n, bias):
    model = random_perceptron(n, 6, n, bias=bias, loss=loss, margin=1.0)
    poly = walsh_polynomial(model)
    assert poly.vartype.name == "SPIN"
    assert poly.variables <= set(model.variables)
    np.testing.assert_allclose(energies(poly, model), truth_table(model), atol=1e-9)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize(("inputs", "hidden"), [(3, [2]), (2, [2, 1])])
def test_binn_polynomial_equals_the_loss_on_every_state(loss, inputs, hidden):
    model = random_binn(inputs, hidden, 5, len(hidden), loss=loss)
    assert model.num_variables == 11
    poly = walsh_polynomial(model)
    np.testing.assert_allclose(energies(poly, model), truth_table(model), atol=1e-9)


@pytest.mark.parametrize("loss", ["errors", "hinge", "bce"])
def test_truncation_error_is_the_dropped_weight(loss):
    model = random_perceptron(10, 8, 3, loss=loss, margin=2.0)
    table = truth_table(model)
    coefficients = walsh_coefficients(table)
    degrees = subset_degrees(10)
    for max_degree in range(11):
        poly = walsh_polynomial(model, max_degree=max_degree, tolerance=0.0)
        assert poly.degree <= max_degree
        mean_squared_error = np.mean((energies(poly, model) - table) ** 2)
        dropped = np.sum(coefficients[degrees > max_degree] ** 2)
        assert np.isclose(mean_squared_error, dropped, rtol=1e-9, atol=1e-24)


def test_tolerance_drops_small_coefficients():
    # errors loss with odd fan-in: Θ(−Σt) = ½ − ½ sign(Σt) is odd, so no even degree ≥ 2
    model = random_perceptron(9, 5, 4)
    poly = walsh_polynomial(model)
    assert all(len(term) % 2 == 1 or not term for term in poly)
    coefficients = walsh_coefficients(truth_table(model))
    cut = float(np.median(np.abs(coefficients[coefficients != 0])))
    coarse = walsh_polynomial(model, tolerance=cut)
    assert len(coarse) == np.count_nonzero(np.abs(coefficients) > cut)
    assert all(abs(bias) > cut for bias in coarse.values())


def test_constant_is_the_empty_term_and_labels_are_the_model_variables():
    model = random_perceptron(4, 3, 5, bias=True, loss="quadratic")
    poly = walsh_polynomial(model)
    assert np.isclose(poly[frozenset()], truth_table(model).mean())
    assert poly.variables == set(model.variables)
    assert poly.degree == 2  # a quadratic loss of a linear stability


def test_refuses_too_many_variables_without_allocating():
    model = random_perceptron(40, 3, 6)
    tracemalloc.start()
    try:
        with pytest.raises(ResourceError) as caught:
            walsh_polynomial(model)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20
    message = str(caught.value)
    assert "\n" not in message
    for hint in ("'symmetric'", "'hidden'", "'native'", "40 variables"):
        assert hint in message
    with pytest.raises(ResourceError, match="max_variables = 8"):
        walsh_polynomial(random_perceptron(9, 2, 0), max_variables=8)


def test_refuses_a_polynomial_larger_than_memory(monkeypatch):
    monkeypatch.setattr(qanneal._memory, "available_memory", lambda: 3_000)
    with pytest.raises(ResourceError, match="GiB available; lower max_degree"):
        walsh_polynomial(random_perceptron(6, 4, 0, loss="hinge"))
    with pytest.raises(ResourceError, match="truth table"):
        truth_table(random_perceptron(11, 4, 0))


def test_chunked_truth_table_matches_one_batch(monkeypatch):
    model = random_perceptron(8, 5, 7, bias=True, loss="perclinear")
    whole = model.energy(enumerate_states(0, 2**9, 9))
    monkeypatch.setattr(walsh, "_CHUNK_ENTRIES", 37)  # chunks of a few states
    np.testing.assert_array_equal(truth_table(model), whole)


def test_bad_truncation_arguments():
    model = random_perceptron(3, 2, 0)
    with pytest.raises(ValueError, match="max_degree"):
        walsh_polynomial(model, max_degree=-1)
    with pytest.raises(ValueError, match="tolerance"):
        walsh_polynomial(model, tolerance=float("nan"))
    with pytest.raises(ValueError, match="2 labels need"):
        coefficients_to_polynomial(np.zeros(8), ["a", "b"])


def test_model_without_patterns_has_an_empty_polynomial():
    model = BinaryPerceptron(5)
    assert len(walsh_polynomial(model)) == 0


@pytest.mark.parametrize("loss", ["errors", "hinge", "bce"])
def test_binn_with_choice_variables_expands_exactly(loss):
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(5, 2)), rng.choice([-1, 1], 5)
    choices = ["activation", "dropout", "width"]
    model = BinaryNeuralNetwork(2, x, y, hidden=[2], bias=True, loss=loss, choices=choices)
    assert model.variables[-4:] == ["act", "mask[0]", "mask[1]", "width"]
    poly = walsh_polynomial(model)
    states = enumerate_states(0, 2**model.num_variables, model.num_variables)
    np.testing.assert_allclose(energies(poly, model), model.energy(states), atol=1e-9)
    assert {"act", "width"} <= set(poly.variables)  # the choices change the loss
