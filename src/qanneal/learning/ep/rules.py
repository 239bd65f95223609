"""Thermal learning rules: gradients of the mean cost ⟨C⟩ of a Boltzmann network.

With p_β(s) ∝ exp[−(E_θ(s) + β C(s, y))/T] (Massar & Mognetti, arXiv 2405.08467;
docs/ep.md), differentiating ⟨C⟩₀ = Σ_s p₀(s) C(s) gives

    ∂⟨C⟩₀/∂θ = −(1/T) Cov₀(C, ∂θE)                       (covariance rule)
             = ∂/∂β ⟨∂θE⟩_β at β = 0
             ≈ [⟨∂θE⟩₊β − ⟨∂θE⟩₋β] / (2β)                 (symmetric nudging).

The covariance rule needs only free-phase samples (no clamping of the output); the
nudged estimator needs two nudged phases and is biased by O(β²) (the third derivative
of the free energy), which :func:`nudged_gradient` on exact phases shows shrinking as
β → 0. Both are averaged over the patterns of a batch.

Example:
    >>> from qanneal.learning.ep.network import IsingNetwork
    >>> net = IsingNetwork.layered(2, [2], 1, seed=1)
    >>> x, y = np.array([[1.0, -1.0], [1.0, 1.0]]), np.array([1.0, -1.0])
    >>> exact = covariance_gradient(net, x, y, ExactPhases(), 1.0)
    >>> nudged = nudged_gradient(net, x, y, ExactPhases(), 1.0, 1e-3)
    >>> bool(np.allclose(exact, nudged, atol=1e-6))
    True
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from qanneal.learning.ep.network import IsingNetwork, NetworkError
from qanneal.learning.ep.thermal import ExactPhases, Phase, PhaseSampler

THERMAL_RULES = ("nudged", "covariance")


def _check(temperature: float, beta: float | None = None) -> None:
    if not temperature > 0:
        raise NetworkError(f"temperature = {temperature} must be > 0")
    if beta is not None and not beta > 0:
        raise NetworkError(f"beta (nudging strength) = {beta} must be > 0")


def mean_cost(network: IsingNetwork, phase: Phase, targets: np.ndarray) -> float:
    """⟨C⟩ of a phase, averaged over patterns."""
    costs = network.costs(phase.spins, network.targets(targets))
    return float(phase.mean(costs).mean())


def output_means(network: IsingNetwork, phase: Phase) -> np.ndarray:
    """(P, num_outputs) output magnetisations ⟨s_out⟩."""
    return phase.mean(phase.spins[..., network.outputs].astype(np.float64))


def exact_mean_cost(
    network: IsingNetwork, inputs: np.ndarray, targets: np.ndarray, temperature: float
) -> float:
    """⟨C⟩₀ by enumeration, averaged over patterns (the objective the rules descend).

    >>> from qanneal.learning.ep.network import IsingNetwork
    >>> net = IsingNetwork.from_edges(1, 1, 2, [(0, 1)], couplings=[0.0])
    >>> round(exact_mean_cost(net, np.array([[1.0]]), np.array([1.0]), 1.0), 6)
    1.0
    """
    _check(temperature)
    phase = ExactPhases().phase(network, inputs, None, 0.0, temperature)
    return mean_cost(network, phase, targets)


def covariance_gradient(
    network: IsingNetwork,
    inputs: np.ndarray,
    targets: np.ndarray,
    sampler: PhaseSampler,
    temperature: float,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """−(1/T) Cov₀(C, ∂θE) from the free phase only (exact with :class:`ExactPhases`)."""
    _check(temperature)
    phase = sampler.phase(network, inputs, None, 0.0, temperature, rng)
    costs = network.costs(phase.spins, network.targets(targets))
    derivatives = network.energy_derivatives(phase.spins)
    return -(phase.covariance(costs, derivatives).mean(axis=0)) / temperature


def nudged_gradient(
    network: IsingNetwork,
    inputs: np.ndarray,
    targets: np.ndarray,
    sampler: PhaseSampler,
    temperature: float,
    beta: float,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """[⟨∂θE⟩₊β − ⟨∂θE⟩₋β]/(2β): symmetric nudging, two phases of the sampler."""
    _check(temperature, beta)
    means = []
    for nudge in (beta, -beta):
        phase = sampler.phase(network, inputs, targets, nudge, temperature, rng)
        means.append(phase.mean(network.energy_derivatives(phase.spins)).mean(axis=0))
    return (means[0] - means[1]) / (2.0 * beta)


def finite_difference_gradient(
    objective: Callable[[np.ndarray], float], theta: np.ndarray, step: float = 1e-5
) -> np.ndarray:
    """Central differences of ``objective(theta) -> float`` (the gradient checks' oracle).

    >>> finite_difference_gradient(lambda t: float(t @ t), np.array([1.0, 2.0])).round(6)
    array([2., 4.])
    """
    theta = np.asarray(theta, dtype=np.float64)
    gradient = np.zeros_like(theta)
    for k in range(len(theta)):
        up, down = theta.copy(), theta.copy()
        up[k] += step
        down[k] -= step
        gradient[k] = (objective(up) - objective(down)) / (2 * step)
    return gradient
