"""The EP learning curve counts epochs in whole numbers."""

from __future__ import annotations

import pytest

from qanneal.learning.ep.run import learning_curve_figure


def test_epoch_ticks_are_whole_numbers() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    history = [
        {
            "epoch": e,
            "train_accuracy": a,
            "test_accuracy": a,
            "train_cost": 1 - a,
            "test_cost": 1 - a,
        }
        for e, a in enumerate([0.5, 0.75, 1.0])
    ]
    figure = learning_curve_figure(plt, history, "xor")
    figure.canvas.draw()
    for axes in figure.axes:
        ticks = [t for t in axes.get_xticks() if 0 <= t <= 2]
        assert ticks and all(float(t).is_integer() for t in ticks), ticks
    plt.close(figure)
