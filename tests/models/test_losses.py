"""The numpy losses and their numba twins agree, and match the formulas."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qanneal.models.losses import LOSSES, loss_code, pattern_loss_scalar, pattern_losses


@pytest.mark.parametrize("name", LOSSES)
@given(
    delta=st.floats(-50, 50, allow_nan=False),
    margin=st.floats(0, 5),
    fan_in=st.integers(1, 1001),
)
def test_scalar_twin_agrees(name, delta, margin, fan_in):
    vector = pattern_losses(np.array([delta]), name, margin=margin, fan_in=fan_in)[0]
    scalar = pattern_loss_scalar(loss_code(name), delta, margin, float(fan_in))
    assert scalar == pytest.approx(vector, rel=1e-12, abs=1e-12)


def test_formulas_at_known_points():
    delta = np.array([-3.0, 0.0, 1.0, 5.0])
    assert pattern_losses(delta, "errors").tolist() == [1, 1, 0, 0]  # a tie is an error
    assert pattern_losses(delta, "perclinear", fan_in=4).tolist() == [2.0, 0.5, 0.0, 0.0]
    assert pattern_losses(delta, "hinge", margin=2).tolist() == [5, 2, 1, 0]
    assert pattern_losses(delta, "quadratic", margin=1, fan_in=2).tolist() == [8, 0.5, 0, 8]
    expected = [math.log1p(math.exp(-d / 2)) for d in delta]
    assert pattern_losses(delta, "bce", fan_in=4) == pytest.approx(expected)


def test_bce_does_not_overflow():
    assert pattern_loss_scalar(loss_code("bce"), -1e6, 0.0, 1.0) == pytest.approx(1e6)
    assert pattern_losses(np.array([-1e6]), "bce")[0] == pytest.approx(1e6)


def test_unknown_loss_is_refused():
    with pytest.raises(ValueError, match="unknown loss"):
        pattern_losses(np.zeros(1), "mse")
