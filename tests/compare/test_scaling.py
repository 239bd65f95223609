"""TTS99 against problem size: the growth-law fit, lower bounds where a contestant never
succeeds, and a comparison run at each sampler's default protocol."""

import math

import numpy as np
import pytest

from qanneal.compare.scaling import fit_growth
from qanneal.compare.study import compare
from qanneal.problem import problem_from_dict


def test_fit_growth_recovers_exact_laws():
    sizes = [100, 200, 400, 800]
    power = fit_growth(sizes, [3.0 * n**2.5 for n in sizes])
    assert power["power"] == pytest.approx(2.5)
    exponential = fit_growth(sizes, [10 ** (0.004 * n) for n in sizes])
    assert exponential["per_1000_inputs_log10"] == pytest.approx(4.0)
    assert fit_growth([100], [1.0]) == {"per_1000_inputs_log10": None, "power": None}


def family(sizes):
    return [
        problem_from_dict(
            {
                "model": {"type": "perceptron", "inputs": n},
                "data": {"source": "random", "alpha": 0.5, "seed": 3},
                "loss": {"type": "perclinear"},
            }
        )
        for n in sizes
    ]


def test_a_family_at_default_protocols_gets_a_scaling_section(tmp_path):
    result = compare(
        family([9, 15, 21]), ["sa", "pimc"], [0], reads=4, seed=2, out_dir=tmp_path, plots=False
    )
    scaling = result.summary["scaling"]
    assert sorted(scaling["sizes"].values()) == [9, 15, 21]
    pimc = scaling["contestants"]["pimc"]
    assert [p["size"] for p in pimc["points"]] == [9, 15, 21]
    # the default protocol chose the sweeps: 30 stages of one sweep at these sizes
    assert all(p["budget"] == 0 for p in pimc["points"])
    groups = [g for g in result.summary["groups"] if g["contestant"] == "pimc"]
    assert {g["cost_per_read"]["sweeps"] for g in groups} == {30.0}
    for point in pimc["points"]:
        tts = point["spin_updates"]
        assert (tts["value"] is None) == (point["success"]["value"] == 0)
        if tts["value"] is None:
            assert tts["lower_bound"] > 0
    fit = pimc["fits"]["spin_updates"]
    if len(fit["sizes"]) >= 2:
        assert math.isfinite(fit["power"])
    report = (tmp_path / "report.md").read_text()
    assert "## Scaling with N" in report and "default" in report


def test_too_few_sizes_give_no_scaling_section():
    result = compare(family([9, 11]), ["sa"], [20], reads=2, seed=1)
    assert result.summary["scaling"] is None


def test_lower_bound_uses_the_upper_limit_of_the_success_share():
    from qanneal.compare.scaling import _point

    group = {
        "budget": 5,
        "success": {"value": 0.0, "low": 0.0, "high": 0.0},
        "cost_per_read": {"spin_updates": 100.0, "seconds": 0.5},
        "tts": {
            "spin_updates": {"value": None, "low": None, "high": None},
            "seconds": {"value": None, "low": None, "high": None},
        },
    }
    point = _point(group, [False] * 10, 21)
    p_upper = 1 - 0.05 ** (1 / 10)
    expected = 100.0 * math.log(0.01) / math.log1p(-p_upper)
    assert point["spin_updates"]["lower_bound"] == pytest.approx(expected)
    assert np.isclose(point["seconds"]["lower_bound"], expected / 200)
