"""The symmetric closed form: Krawtchouk rows, equality with the Walsh expansion, counts."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qanneal._memory
from qanneal.errors import FormulationError, ResourceError
from qanneal.hubo.symmetric import (
    krawtchouk_rows,
    symmetric_coefficients,
    symmetric_monomial_count,
    symmetric_polynomial,
)
from qanneal.hubo.walsh import walsh_coefficients, walsh_polynomial
from qanneal.models import LOSSES, BinaryNeuralNetwork, BinaryPerceptron, pattern_losses
from qanneal.samplers.exact.solver import enumerate_states


def random_perceptron(n, p, seed, *, bias=False, loss="errors", margin=0.0):
    rng = np.random.default_rng(seed)
    x = rng.choice([-1.0, 1.0], (p, n))
    y = rng.choice([-1, 1], p)
    return BinaryPerceptron(n, x, y, bias=bias, loss=loss, margin=margin)


def assert_same_polynomial(first, second, atol=1e-9):
    assert first.vartype == second.vartype
    for term in set(first) | set(second):
        assert abs(first.get(term, 0.0) - second.get(term, 0.0)) <= atol, sorted(term)


def test_krawtchouk_rows_match_the_direct_sum_and_reciprocity():
    for n in range(0, 11):
        rows = list(krawtchouk_rows(n, n))
        assert len(rows) == n + 1
        for k, row in enumerate(rows):
            for m, value in enumerate(row):
                direct = sum(
                    (-1) ** j * math.comb(k, j) * math.comb(n - k, m - j)
                    for j in range(0, min(k, m) + 1)
                )
                assert value == direct
                # K_m(k) here; the textbook K_k(m) satisfies C(n,m) K_k(m) = C(n,k) K_m(k)
                assert math.comb(n, m) * rows[m][k] == math.comb(n, k) * value
    assert len(list(krawtchouk_rows(7, 2))) == 3


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("n", [1, 4, 7, 10])
def test_one_pattern_coefficients_match_the_transform_of_g(loss, n):
    model = BinaryPerceptron(n, np.ones((1, n)), np.array([1]), loss=loss, margin=1.5)
    spins = enumerate_states(0, 2**n, n)
    table = pattern_losses(spins.sum(axis=1), loss, margin=1.5, fan_in=n)
    transform = walsh_coefficients(table)
    expected = [transform[(1 << k) - 1] for k in range(n + 1)]  # S = {0, …, k−1}
    np.testing.assert_allclose(symmetric_coefficients(model), expected, atol=1e-14)


@given(
    n=st.integers(1, 12),
    patterns=st.integers(0, 6),
    seed=st.integers(0, 2**32 - 1),
    loss=st.sampled_from(LOSSES),
    bias=st.booleans(),
    margin=st.sampled_from([0.0, 1.0, 2.5]),
    max_degree=st.one_of(st.none(), st.integers(0, 13)),
)
@settings(max_examples=60)
def test_symmetric_equals_walsh(n, patterns, seed, loss, bias, margin, max_degree):
    model = random_perceptron(n, patterns, seed, bias=bias, loss=loss, margin=margin)
    assert_same_polynomial(
        symmetric_polynomial(model, max_degree=max_degree),
        walsh_polynomial(model, max_degree=max_degree),
    )


def test_linear_coefficients_of_a_large_truncated_perceptron():
    model = random_perceptron(301, 40, 9, loss="hinge", margin=3.0)
    poly = symmetric_polynomial(model, max_degree=1)
    g = symmetric_coefficients(model, max_degree=1)
    columns = model.labels[:, None] * model.patterns
    assert poly[()] == pytest.approx(40 * g[0])
    for i in (0, 17, 300):
        expected = g[1] * columns[:, i].sum()
        assert poly.get((f"w[{i}]",), 0.0) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("n", "bias", "loss"), [(9, False, "errors"), (8, True, "hinge")])
def test_count_is_exact_for_one_pattern_and_an_upper_bound_otherwise(n, bias, loss):
    one = random_perceptron(n, 1, 1, bias=bias, loss=loss, margin=1.0)
    nonzero = [k for k, g in enumerate(symmetric_coefficients(one)) if g != 0]
    poly = symmetric_polynomial(one, tolerance=0.0)
    fan_in = one.num_variables
    assert len(poly) == symmetric_monomial_count(fan_in, 1, degrees=nonzero)
    for max_degree in (0, 2, 5):
        truncated = symmetric_polynomial(one, tolerance=0.0, max_degree=max_degree)
        assert len(truncated) == symmetric_monomial_count(fan_in, 1, max_degree, degrees=nonzero)
    many = random_perceptron(n, 6, 2, bias=bias, loss=loss, margin=1.0)
    assert len(symmetric_polynomial(many, tolerance=0.0)) <= symmetric_monomial_count(
        fan_in, 6, degrees=nonzero
    )


def test_errors_loss_with_odd_fan_in_keeps_the_odd_half():
    n = 11
    nonzero = [k for k, g in enumerate(symmetric_coefficients(random_perceptron(n, 1, 0))) if g]
    assert nonzero == [0, 1, 3, 5, 7, 9, 11]
    assert symmetric_monomial_count(n, 50, degrees=nonzero) == 2 ** (n - 1) + 1
    assert symmetric_monomial_count(n, 50) == 2**n
    assert symmetric_monomial_count(n, 0) == 0
    assert symmetric_monomial_count(n, 3, max_degree=2) == 1 + 11 + 55


def test_refuses_real_valued_data_binn_and_non_pm1_labels():
    real = BinaryPerceptron(3, np.array([[0.5, 1.0, -1.0]]), np.array([1]))
    with pytest.raises(FormulationError, match=r"±1 patterns; use 'walsh'.*'native'"):
        symmetric_polynomial(real)
    binn = BinaryNeuralNetwork(2, np.ones((1, 2)), np.array([1]), hidden=[1])
    with pytest.raises(FormulationError, match=r"perceptron.*'walsh'.*'native'"):
        symmetric_polynomial(binn)
    zero_label = BinaryPerceptron(3, np.ones((2, 3)), np.array([1, 0]))
    with pytest.raises(FormulationError, match="labels"):
        symmetric_polynomial(zero_label)


def test_refuses_too_many_monomials_before_building():
    model = random_perceptron(15, 4, 3)  # errors, odd fan-in: 2^14 + 1 monomials
    with pytest.raises(ResourceError) as caught:
        symmetric_polynomial(model, max_monomials=1000)
    message = str(caught.value)
    assert "\n" not in message
    assert "16,385" in message and "max_degree" in message and "'native'" in message
    big = random_perceptron(201, 10, 4)  # 2^200 monomials: refused from the count alone
    with pytest.raises(ResourceError, match="GiB available; lower max_degree"):
        symmetric_polynomial(big)


def test_refuses_what_does_not_fit_in_memory(monkeypatch):
    monkeypatch.setattr(qanneal._memory, "available_memory", lambda: 50_000)
    with pytest.raises(ResourceError, match="GiB available"):
        symmetric_polynomial(random_perceptron(51, 5, 0, loss="hinge"), max_degree=2)


def test_bad_arguments():
    model = random_perceptron(3, 2, 0)
    with pytest.raises(ValueError, match="max_degree"):
        symmetric_polynomial(model, max_degree=-2)
    with pytest.raises(ValueError, match="tolerance"):
        symmetric_polynomial(model, tolerance=-1.0)
