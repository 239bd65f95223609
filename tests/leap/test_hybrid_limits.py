"""qanneal.leap.hybrid without a network: the solver's minimum time limit as dwave-system
computes it, the size limits checked before anything is sent, and the hash that ties a
ledger run to the model it submitted."""

from __future__ import annotations

import dimod
import numpy as np
import pytest
from dwave.cloud.testing import mocks

from qanneal.errors import SamplerError
from qanneal.hubo.cqm import constrained_model
from qanneal.hubo.nl import nonlinear_model
from qanneal.leap.errors import EmbeddingError
from qanneal.leap.hybrid import check_limits, minimum_time_limit, plan_hybrid, target_hash
from qanneal.models import BinaryNeuralNetwork, BinaryPerceptron

CQM_PROPERTIES = mocks.hybrid_cqm_solver_data(minimum_time_limit_s=5)["properties"]
NL_PROPERTIES = mocks.hybrid_nl_solver_data()["properties"]


def perceptron(patterns: int = 40, n: int = 31) -> BinaryPerceptron:
    rng = np.random.default_rng(patterns)
    return BinaryPerceptron(
        n, rng.choice([-1.0, 1.0], (patterns, n)), rng.choice([-1, 1], patterns)
    )


def test_cqm_minimum_is_dwave_systems_formula() -> None:
    cqm = constrained_model(perceptron(2000)).cqm
    biases = sum(c.lhs.num_variables for c in cqm.constraints.values())
    expected = 1e-4 * 31 + 1e-06 * biases + 1e-09 * 31 * 2000  # the mock's multipliers
    assert minimum_time_limit(CQM_PROPERTIES, "cqm", cqm) == pytest.approx(max(expected, 5))
    assert minimum_time_limit({**CQM_PROPERTIES, "minimum_time_limit_s": 0}, "cqm", cqm) == (
        pytest.approx(expected)
    )


def test_nl_minimum_is_dwave_systems_estimate() -> None:
    model = nonlinear_model(perceptron()).model
    estimate = (
        1e-05 * model.num_nodes()
        + 1e-10 * model.state_size()
        + 1e-12 * model.num_nodes() * model.state_size()
        + 0.012671678446550175  # dwave-system's default offset (the mock publishes none)
    )
    assert minimum_time_limit({**NL_PROPERTIES, "min_time_limit": 0}, "nl", model) == (
        pytest.approx(estimate)
    )
    assert minimum_time_limit(NL_PROPERTIES, "nl", model) == 5  # dwave-system's floor


def test_bqm_minimum_interpolates_the_solvers_curve() -> None:
    properties = {"minimum_time_limit": [[1, 3.0], [1024, 3.0], [4096, 10.0]]}
    bqm = dimod.BQM({v: 1.0 for v in range(2560)}, {}, 0.0, "BINARY")
    assert minimum_time_limit(properties, "bqm", bqm) == pytest.approx(6.5)


@pytest.mark.parametrize(
    ("key", "limit", "says"),
    [
        ("maximum_number_of_variables", 10, "18 variables but the solver takes at most 10"),
        ("maximum_number_of_constraints", 3, "8 constraints but the solver takes at most 3"),
        # per hidden constraint h and its 3 inputs' weights, per output constraint 3 V and 3 h
        ("maximum_number_of_quadratic_variables", 35, "36 variables with quadratic terms"),
        ("maximum_number_of_biases", 20, "biases but the solver takes at most 20"),
    ],
)
def test_cqm_limits_are_one_line_before_submitting(key: str, limit: int, says: str) -> None:
    rng = np.random.default_rng(1)
    x, y = rng.choice([-1.0, 1.0], (2, 3)), np.array([1, -1])
    cqm = constrained_model(BinaryNeuralNetwork(3, x, y, hidden=[3], bias=False)).cqm
    check_limits(CQM_PROPERTIES, "cqm", cqm)  # within the mock solver's limits
    with pytest.raises(EmbeddingError) as caught:
        check_limits({**CQM_PROPERTIES, key: limit}, "cqm", cqm)
    assert says in str(caught.value) and key in str(caught.value)
    assert "\n" not in str(caught.value)


def test_nl_limits_and_time_limit_rules() -> None:
    model = nonlinear_model(perceptron()).model
    with pytest.raises(EmbeddingError, match=r"nodes but the solver takes at most 3 "):
        check_limits({**NL_PROPERTIES, "maximum_number_of_nodes": 3}, "nl", model)
    plan = plan_hybrid({"target": "nl"}, model, NL_PROPERTIES, {"time_limit": 1})
    assert plan["time_limit"] == 1 and plan["estimated_access_time_us"] == 5e6
    cqm = constrained_model(perceptron()).cqm
    with pytest.raises(SamplerError, match="below the solver's minimum 5 s"):
        plan_hybrid({"target": "cqm"}, cqm, CQM_PROPERTIES, {"time_limit": 1})
    with pytest.raises(SamplerError, match=r"exceeds the solver's maximum of 1\.0 hours"):
        plan_hybrid({"target": "cqm"}, cqm, CQM_PROPERTIES, {"time_limit": 4000})


def test_target_hash_follows_the_content() -> None:
    model = perceptron(5, 7)
    first = target_hash(constrained_model(model).cqm, "cqm")
    assert target_hash(constrained_model(model).cqm, "cqm") == first
    assert target_hash(constrained_model(perceptron(6, 7)).cqm, "cqm") != first
    nl = target_hash(nonlinear_model(model).model, "nl")
    assert target_hash(nonlinear_model(model).model, "nl") == nl
    assert target_hash(nonlinear_model(perceptron(6, 7)).model, "nl") != nl
