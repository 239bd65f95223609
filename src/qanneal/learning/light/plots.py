"""Figures of the LIGHT experiment (matplotlib, the ``plot`` extra; imported lazily).

- :func:`fig2_figure` — the paper's Figure 2: test accuracy against train accuracy over
  epochs, one panel per optimiser, one curve per contestant (mean over runs); curves
  above the diagonal generalise better.
- :func:`accuracy_figure` — test accuracy against epoch with a ±1 standard deviation
  band over runs, and the coupling ρ(t) of each regulation mode.

Both return PNG bytes, so the caller decides where (and whether) to save them.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from qanneal.errors import QannealError

COLOURS = {
    "sigmoid": "black",
    "none": "tab:blue",
    "growth": "tab:green",
    "harvesting": "tab:orange",
    "growth+harvesting": "tab:red",
}


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise QannealError(
            "plots need matplotlib: pip install 'qanneal[plot]' (or run without plots)"
        ) from None
    return plt


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    _pyplot().close(fig)
    return buffer.getvalue()


LINES = {
    "sigmoid": ("-", "o"),
    "none": ("-", "s"),
    "growth": ("--", "^"),
    "harvesting": (":", "v"),
    "growth+harvesting": ("-.", "D"),
}
"""Line style and marker per contestant: curves that coincide (regulation modes whose ρ
stays the same) stay told apart by their markers and dashes."""


def _label(contestant: str, replicas: int) -> str:
    if contestant == "sigmoid":
        return "sigmoid (plain GD)"
    return f"{contestant} ({replicas} replicas)"


def same_as(curves: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, str]:
    """For each contestant whose (train, test) curve equals an earlier one's, that one.

    >>> a = (np.array([0.5, 0.6]), np.array([0.4, 0.5]))
    >>> same_as({"none": a, "growth": a, "harvesting": (a[0], a[1] + 0.1)})
    {'growth': 'none'}
    """
    found: dict[str, str] = {}
    names = list(curves)
    for k, name in enumerate(names):
        for earlier in names[:k]:
            if earlier not in found and all(
                np.allclose(x, y, atol=1e-12)
                for x, y in zip(curves[name], curves[earlier], strict=True)
            ):
                found[name] = earlier
                break
    return found


def fig2_figure(result: dict[str, Any]) -> bytes:
    """Test vs train accuracy per epoch (paper Figure 2), one panel per optimiser (PNG)."""
    return _png(fig2(result))


def fig2(result: dict[str, Any]) -> Any:
    """The matplotlib Figure of :func:`fig2_figure`; a contestant whose curve coincides
    with an earlier one's says so in the legend ("growth (5 replicas) = none")."""
    plt = _pyplot()
    curves, settings = result["curves"], result["settings"]
    optimizers = list(curves)
    fig, axes = plt.subplots(1, len(optimizers), figsize=(4.2 * len(optimizers), 4), squeeze=False)
    for ax, optimizer in zip(axes[0], optimizers, strict=True):
        lows, highs = [], []
        pairs = {
            contestant: (
                np.array(metrics["train_accuracy"]["mean"][1:]),
                np.array(metrics["test_accuracy"]["mean"][1:]),
            )
            for contestant, metrics in curves[optimizer].items()
        }
        twins = same_as(pairs)
        for order, (contestant, (train, test)) in enumerate(pairs.items()):
            lows.append(min(train.min(), test.min()))
            highs.append(max(train.max(), test.max()))
            style, marker = LINES.get(contestant, ("-", "."))
            label = _label(contestant, settings["replicas"])
            if contestant in twins:
                label += f" = {twins[contestant]}"
            ax.plot(
                train,
                test,
                style,
                marker=marker,
                markevery=max(1, len(train) // 8),
                markersize=5,
                lw=max(0.8, 2.6 - 0.5 * order),  # earlier curves wider: overlaps show
                color=COLOURS.get(contestant),
                label=label,
            )
            ax.plot(train[-1], test[-1], "o", color=COLOURS.get(contestant), markersize=5)
        low, high = min(lows) - 0.005, max(highs) + 0.005
        ax.plot([low, high], [low, high], ":", color="grey", lw=1)
        ax.set_xlim(low, high)
        ax.set_ylim(low, high)
        ax.set_title(f"{optimizer}: test vs train accuracy")
        ax.set_xlabel("train accuracy")
        ax.set_ylabel("test accuracy")
    axes[0][0].legend(fontsize=7, loc="lower right")
    fig.suptitle(
        f"synthetic 2-D data, m={settings['points']}, mean over {settings['runs']} runs "
        f"(dot: last epoch)",
        fontsize=9,
    )
    fig.tight_layout()
    return fig


def accuracy_figure(result: dict[str, Any]) -> bytes:
    """Test accuracy vs epoch (mean ± std over runs) per optimiser, and ρ(t) per mode."""
    plt = _pyplot()
    curves, settings = result["curves"], result["settings"]
    optimizers = list(curves)
    fig, axes = plt.subplots(
        1, len(optimizers) + 1, figsize=(4.2 * (len(optimizers) + 1), 4), squeeze=False
    )
    for ax, optimizer in zip(axes[0][:-1], optimizers, strict=True):
        for contestant, metrics in curves[optimizer].items():
            mean = np.array(metrics["test_accuracy"]["mean"])
            std = np.array(metrics["test_accuracy"]["std"])
            epochs = np.arange(len(mean))
            colour = COLOURS.get(contestant)
            ax.plot(
                epochs, mean, lw=1.2, color=colour, label=_label(contestant, settings["replicas"])
            )
            ax.fill_between(epochs, mean - std, mean + std, color=colour, alpha=0.12, lw=0)
        # show from the first tenth of training on: the first epochs would squash the rest
        start = max(1, (len(mean) - 1) // 10)
        means = [np.array(m["test_accuracy"]["mean"]) for m in curves[optimizer].values()]
        spreads = [np.array(m["test_accuracy"]["std"]) for m in curves[optimizer].values()]
        low = min(float(np.min(m[start:])) for m in means) - 0.01
        high = max(float(np.max((m + sd)[start:])) for m, sd in zip(means, spreads, strict=True))
        ax.set_ylim(low, min(1.0, high + 0.005))
        ax.set_title(f"{optimizer}: test accuracy (±1 sd over runs)")
        ax.set_xlabel("epoch")
        ax.set_ylabel("test accuracy")
    axes[0][0].legend(fontsize=7, loc="lower right")
    ax = axes[0][-1]
    first = curves[optimizers[0]]
    for contestant, metrics in first.items():
        if contestant == "sigmoid":
            continue
        ax.plot(metrics["rho"]["mean"], color=COLOURS.get(contestant), label=contestant)
    ax.set_title(f"coupling ρ at the end of each epoch ({optimizers[0]})")
    ax.set_xlabel("epoch")
    ax.set_ylabel("ρ")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return _png(fig)
