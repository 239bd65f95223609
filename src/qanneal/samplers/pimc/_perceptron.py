"""Back-end for a binary perceptron's native energy, E(w) = Σ_μ loss(Δ_μ).

The cache row of a slice holds the stabilities Δ_μ = Σ_i y_μ ξ_μi w_i of every pattern
(bias column included). A flip of w_i moves every Δ_μ by −2 w_i y_μ ξ_μi, so its energy
change and its commit are one pass over the patterns; for ``perclinear`` the pass is
branch-free and vectorised.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from qanneal.models.losses import loss_code, pattern_loss_scalar
from qanneal.samplers.pimc._kernel_cache import kernel

PERCLINEAR = loss_code("perclinear")


class Perceptron(NamedTuple):
    """The columns y_μ ξ_μi of every weight and the loss (``loss_code``, κ, fan-in)."""

    columns: np.ndarray  # (n, P) float64, C-contiguous: row i holds y_μ ξ_μi for every μ
    loss: int  # qanneal.models.losses.loss_code
    margin: float  # κ of hinge / quadratic
    fan_in: float  # terms feeding the output (√fan_in scales perclinear and bce)


@kernel()
def fill_cache(backend, spins, cache):
    for mu in range(cache.shape[0]):
        cache[mu] = 0.0
    for i in range(spins.shape[0]):
        column = backend.columns[i]
        for mu in range(cache.shape[0]):
            cache[mu] += spins[i] * column[mu]


@kernel(fastmath=True)
def _perclinear_delta(stabilities, column, step):
    """Σ_μ of Θ(−Δ)(1 − Δ) after minus before Δ_μ += step·column_μ (vectorisable)."""
    total = 0.0
    for mu in range(stabilities.shape[0]):
        old = stabilities[mu]
        new = old + step * column[mu]
        total += (1.0 - new if new <= 0.0 else 0.0) - (1.0 - old if old <= 0.0 else 0.0)
    return total


@kernel()
def flip_energy(backend, spins, i, cache, work):
    step = -2.0 * spins[i]
    column = backend.columns[i]
    if backend.loss == PERCLINEAR:
        return _perclinear_delta(cache, column, step) / math.sqrt(backend.fan_in)
    total = 0.0
    for mu in range(cache.shape[0]):
        new = cache[mu] + step * column[mu]
        total += pattern_loss_scalar(backend.loss, new, backend.margin, backend.fan_in)
        total -= pattern_loss_scalar(backend.loss, cache[mu], backend.margin, backend.fan_in)
    return total


@kernel()
def commit_flip(backend, spins, i, cache, work):
    step = -2.0 * spins[i]
    column = backend.columns[i]
    for mu in range(cache.shape[0]):
        cache[mu] += step * column[mu]


@kernel()
def slice_energy(backend, spins, cache):
    total = 0.0
    for mu in range(cache.shape[0]):
        total += pattern_loss_scalar(backend.loss, cache[mu], backend.margin, backend.fan_in)
    return total
