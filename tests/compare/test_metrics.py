"""Metrics against hand-computed values: TTS and its edge cases, bootstrap, optimum."""

import math

import numpy as np
import pytest

from qanneal.compare import metrics


def test_tts_by_hand():
    # p = 0.5: ln 0.01 / ln 0.5 = 6.6439 reads of cost 10
    assert metrics.tts(0.5, 10.0) == pytest.approx(10 * math.log(0.01) / math.log(0.5))
    assert metrics.tts(0.5, 10.0) == pytest.approx(66.43856, rel=1e-6)
    # p = 0.9: ln 0.01 / ln 0.1 = 2 reads exactly
    assert metrics.tts(0.9, 3.0) == pytest.approx(6.0)


def test_tts_edges():
    assert metrics.tts(0.0, 5.0) == math.inf
    assert metrics.tts(1.0, 5.0) == 5.0  # one read, not zero
    assert metrics.tts(0.995, 5.0) == 5.0  # formula gives < 1 read: clamp to one
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        metrics.tts(1.5, 1.0)
    with pytest.raises(ValueError, match="target"):
        metrics.repetitions(0.5, target=1.0)


def test_bootstrap_is_reproducible_by_seed_and_brackets_the_estimate():
    values = np.random.default_rng(1).random(40) < 0.3
    a = metrics.success_probability(values, seed=7)
    b = metrics.success_probability(values, seed=7)
    c = metrics.success_probability(values, seed=8)
    assert a == b
    assert a != c
    assert a.low <= a.value <= a.high
    assert a.value == pytest.approx(values.mean())


def test_bootstrap_interval_matches_the_binomial_width():
    # 100 reads at p = 0.5: the 95% interval is about ±1.96·0.05
    values = np.array([1] * 50 + [0] * 50)
    estimate = metrics.success_probability(values, seed=0, resamples=4000)
    assert estimate.high - estimate.low == pytest.approx(2 * 1.96 * 0.05, rel=0.15)


def test_degenerate_samples_and_empty():
    assert metrics.success_probability([0, 0, 0]) == metrics.Estimate(0.0, 0.0, 0.0)
    assert metrics.success_probability([1, 1]) == metrics.Estimate(1.0, 1.0, 1.0)
    assert math.isnan(metrics.bootstrap([]).value)


def test_tts_interval_is_reversed_from_the_success_interval():
    success = metrics.Estimate(0.5, 0.25, 0.75)
    tts = metrics.tts_estimate(success, 2.0)
    assert tts.value == pytest.approx(metrics.tts(0.5, 2.0))
    assert tts.low == pytest.approx(metrics.tts(0.75, 2.0))
    assert tts.high == pytest.approx(metrics.tts(0.25, 2.0))
    never = metrics.tts_estimate(metrics.Estimate(0.0, 0.0, 0.0), 2.0)
    assert never.value == math.inf and never.to_dict()["value"] is None


def test_residual_energy_and_optimum():
    assert metrics.residual_energy([3.0, 5.0, 4.0], 3.0, seed=0).value == pytest.approx(1.0)
    costs = {
        100: metrics.Estimate(900.0, 800.0, 1000.0),
        300: metrics.Estimate(600.0, 500.0, 700.0),
        1000: metrics.Estimate(math.inf, math.inf, math.inf),
    }
    assert metrics.optimum(costs) == {"budget": 300, "tts": 600.0, "low": 500.0, "high": 700.0}
    assert metrics.optimum({10: metrics.Estimate(math.inf, math.inf, math.inf)}) is None
