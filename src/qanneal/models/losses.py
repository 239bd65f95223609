"""Per-pattern losses as functions of the stability Δ_μ = σ_μ · output_μ.

Every model (perceptron, BiNN) reduces a pattern to its stability; the loss of a
weight vector is the sum of the per-pattern losses over the training set. With
``fan_in`` the number of terms feeding the output unit (N for a perceptron, the last
hidden width for a BiNN, plus one with a bias):

=============  ==========================================  =========================
name           per-pattern loss                            source
=============  ==========================================  =========================
errors         Θ(−Δ)  (1 if Δ ≤ 0: a tie counts as wrong)  training errors
perclinear     Θ(−Δ)·(1 − Δ)/√fan_in                       Baldassi–Zecchina 2018
hinge          max(0, κ − Δ)                               margin κ = ``margin``
quadratic      (Δ − κ)²/fan_in
bce            softplus(−Δ/√fan_in) = −ln σ(Δ/√fan_in)     logistic (cross-entropy)
=============  ==========================================  =========================

The same formulas exist twice: vectorised numpy (:func:`pattern_losses`) for the
models, and a scalar numba function (:func:`pattern_loss_scalar`) that the kernels
call; ``tests/models/test_losses.py`` checks that the two agree.

Example:
    >>> import numpy as np
    >>> pattern_losses(np.array([-3.0, 1.0]), "errors").tolist()
    [1.0, 0.0]
"""

from __future__ import annotations

import math

import numba
import numpy as np

LOSSES: tuple[str, ...] = ("errors", "perclinear", "hinge", "quadratic", "bce")
"""Loss names accepted by ``loss.type``; their index is the code the kernels use."""


def loss_code(name: str) -> int:
    """Integer code of a loss for the numba kernels.

    >>> loss_code("hinge")
    2
    """
    return LOSSES.index(name)


def pattern_losses(
    stabilities: np.ndarray, name: str, *, margin: float = 0.0, fan_in: int = 1
) -> np.ndarray:
    """Per-pattern loss of each stability (any shape), as float64.

    >>> pattern_losses(np.array([-1.0, 3.0]), "hinge", margin=2.0).tolist()
    [3.0, 0.0]
    """
    delta = np.asarray(stabilities, dtype=np.float64)
    wrong = delta <= 0
    if name == "errors":
        return wrong.astype(np.float64)
    if name == "perclinear":
        return np.where(wrong, (1.0 - delta) / math.sqrt(fan_in), 0.0)
    if name == "hinge":
        return np.maximum(0.0, margin - delta)
    if name == "quadratic":
        return (delta - margin) ** 2 / fan_in
    if name == "bce":
        return np.logaddexp(0.0, -delta / math.sqrt(fan_in))
    raise ValueError(f"unknown loss {name!r}; use one of {', '.join(LOSSES)}")


@numba.njit(cache=True, inline="always")
def pattern_loss_scalar(code: int, delta: float, margin: float, fan_in: float) -> float:
    """Scalar twin of :func:`pattern_losses` for numba kernels (``code`` from loss_code)."""
    if code == 0:
        return 1.0 if delta <= 0.0 else 0.0
    if code == 1:
        return (1.0 - delta) / math.sqrt(fan_in) if delta <= 0.0 else 0.0
    if code == 2:
        return max(0.0, margin - delta)
    if code == 3:
        return (delta - margin) ** 2 / fan_in
    x = -delta / math.sqrt(fan_in)
    # softplus(x) = ln(1 + e^x), computed without overflow
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))
