"""Solution geometry against enumeration: existence of solutions, local entropy, overlaps."""

import itertools
import math

import numpy as np
import pytest

from qanneal.compare import overlaps
from qanneal.errors import ResourceError
from qanneal.models import BinaryPerceptron
from qanneal.models.datasets.generated import random_patterns
from qanneal.samplers.exact.solver import enumerate_states


def brute_force_solvable(x, y):
    states = enumerate_states(0, 2 ** x.shape[1], x.shape[1])
    return bool(((states @ (y[:, None] * x).T) > 0).all(axis=1).any())


@pytest.mark.parametrize("seed", range(12))
def test_has_solution_agrees_with_enumeration(seed):
    n = 9
    data = random_patterns(n, 6 + seed % 5, seed=seed)
    assert overlaps.has_solution(data.x_train, data.y_train) == brute_force_solvable(
        data.x_train, data.y_train
    )


def test_existence_probability_falls_with_load():
    rows = overlaps.existence_probability(11, [0.3, 3.0], instances=8, seed=0)
    assert rows[0]["probability"] == 1.0  # far below capacity
    assert rows[1]["probability"] == 0.0  # far above it
    assert rows[0]["patterns"] == 3
    with pytest.raises(ResourceError, match="N <= 25"):
        overlaps.has_solution(np.ones((2, 26)), np.ones(2))


def test_local_entropy_matches_exact_neighbour_counts():
    n = 9
    data = random_patterns(n, 4, seed=3)
    model = BinaryPerceptron(n, data.x_train, data.y_train)
    states = enumerate_states(0, 2**n, n)
    solutions = states[np.atleast_1d(model.errors(states)) == 0]
    centre = solutions[0]
    curve = overlaps.local_entropy(model, centre, [1, 2, 3], samples=4000, seed=1)
    for d, fraction, entropy in zip(
        curve["distance"], curve["fraction"], curve["entropy"], strict=True
    ):
        at_d = solutions[(solutions != centre).sum(axis=1) == d]
        exact = len(at_d) / math.comb(n, d)
        assert fraction == pytest.approx(
            exact, abs=4 * math.sqrt(exact * (1 - exact) / 4000) + 1e-3
        )
        if exact > 0:
            assert entropy == pytest.approx(math.log(math.comb(n, d) * fraction) / n)


def test_local_entropy_flips_exactly_d_weights():
    model = BinaryPerceptron(6, np.ones((1, 6)) * np.array([1, 1, 1, 1, 1, -1]), np.array([1]))
    curve = overlaps.local_entropy(model, np.ones(6, dtype=np.int8), [0, 6], samples=20)
    assert curve["fraction"] == [1.0, 0.0]  # d = 0 is the solution itself; d = 6 is -w
    assert curve["entropy"][1] is None


def test_overlaps_and_hamming_distances():
    rng = np.random.default_rng(0)
    w = rng.choice([-1, 1], size=(4, 10))
    pairs = overlaps.pairwise_overlaps(w)
    expected = [w[i] @ w[j] / 10 for i, j in itertools.combinations(range(4), 2)]
    assert pairs == pytest.approx(expected)
    d = overlaps.hamming(pairs, 10)
    direct = [(w[i] != w[j]).sum() for i, j in itertools.combinations(range(4), 2)]
    assert d.tolist() == direct
    assert overlaps.cross_overlaps(w[:2], w[2:]).shape == (4,)
    assert overlaps.pairwise_overlaps(w[:1]).size == 0
