"""The LIGHT figures tell every contestant apart, even when curves coincide."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from qanneal.learning.light import plots


def _result(curves: dict[str, list[float]]) -> dict[str, Any]:
    def metrics(values: list[float]) -> dict[str, Any]:
        series = {"mean": [0.5, *values], "std": [0.0] * (len(values) + 1)}
        return {"train_accuracy": series, "test_accuracy": series, "rho": series}

    return {
        "curves": {"adam": {name: metrics(values) for name, values in curves.items()}},
        "settings": {"replicas": 5, "points": 1000, "runs": 2},
    }


def test_coinciding_replica_modes_are_told_apart() -> None:
    pytest.importorskip("matplotlib")
    same = [0.6, 0.7, 0.8]
    modes = ("none", "growth", "harvesting", "growth+harvesting")
    result = _result({"sigmoid": [0.55, 0.65, 0.7], **dict.fromkeys(modes, same)})
    figure = plots.fig2(result)
    lines = [line for line in figure.axes[0].get_lines() if line.get_label()[0] != "_"]
    labels = [line.get_label() for line in lines]
    assert labels == [
        "sigmoid (plain GD)",
        "none (5 replicas)",
        "growth (5 replicas) = none",
        "harvesting (5 replicas) = none",
        "growth+harvesting (5 replicas) = none",
    ]
    drawn = {(line.get_linestyle(), line.get_marker()) for line in lines[1:]}
    assert len(drawn) == len(modes)  # each mode has its own dashes and marker
    widths = [line.get_linewidth() for line in lines[1:]]
    assert widths == sorted(widths, reverse=True)  # the first drawn is widest: all show
    assert plots.fig2_figure(result).startswith(b"\x89PNG")


def test_same_as_finds_only_equal_curves() -> None:
    a = (np.array([0.5, 0.6]), np.array([0.4, 0.5]))
    b = (a[0], a[1] + 1e-3)
    assert plots.same_as({"none": a, "growth": b, "harvesting": a}) == {"harvesting": "none"}
