"""Gradient checks of every EP estimator against finite differences of the exact ⟨C⟩
(enumeration for thermal networks, diagonalisation for quantum ones), on <= 8 spins."""

from __future__ import annotations

import numpy as np
import pytest

from qanneal._states import all_states
from qanneal.learning.ep.network import IsingNetwork
from qanneal.learning.ep.quantum import (
    PIMCSettings,
    QuantumNetwork,
    ground_state_cost,
    ground_states,
    hamiltonian,
    pimc_states,
    quantum_nudged_gradient,
    worldline_x,
)
from qanneal.learning.ep.rules import (
    covariance_gradient,
    exact_mean_cost,
    finite_difference_gradient,
    nudged_gradient,
)
from qanneal.learning.ep.thermal import BQMPhases, ExactPhases

X = np.array([[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]])
Y = np.array([1.0, -1.0, 1.0])
T = 1.0


def perturbed(network: IsingNetwork, seed: int = 1, scale: float = 0.4) -> IsingNetwork:
    rng = np.random.default_rng(seed)
    return network.with_parameters(
        network.parameters + rng.normal(0, scale, network.num_parameters)
    )


NETWORKS = {  # 6, 7 and 5 spins
    "layered-fixed": perturbed(IsingNetwork.layered(2, [3], 1, seed=3)),
    "layered-field-2out": perturbed(
        IsingNetwork.layered(2, [3], 2, seed=4, clamp="field", clamp_strength=1.5)
    ),
    "graph-linear": IsingNetwork.from_edges(
        2, 1, 5, [(0, 2), (1, 2), (2, 3), (3, 4), (2, 4), (0, 4)], seed=5, cost="linear"
    ),
}


def exact_gradient(net: IsingNetwork) -> np.ndarray:
    return finite_difference_gradient(
        lambda theta: exact_mean_cost(net.with_parameters(theta), X, Y, T), net.parameters
    )


@pytest.mark.parametrize("name", NETWORKS)
def test_exact_covariance_rule_is_the_gradient(name):
    net = NETWORKS[name]
    np.testing.assert_allclose(
        covariance_gradient(net, X, Y, ExactPhases(), T), exact_gradient(net), atol=1e-8
    )


@pytest.mark.parametrize("name", NETWORKS)
def test_nudged_estimator_bias_shrinks_as_beta_squared(name):
    net = NETWORKS[name]
    reference = exact_gradient(net)
    betas = [0.4, 0.2, 0.1, 0.05]
    bias = [
        np.abs(nudged_gradient(net, X, Y, ExactPhases(), T, b) - reference).max() for b in betas
    ]
    assert all(np.diff(bias) < 0)
    ratios = np.array(bias[:-1]) / np.array(bias[1:])
    np.testing.assert_allclose(ratios, 4.0, rtol=0.15)  # symmetric difference: O(β²)
    assert bias[-1] < 2e-3


def sampled_nudged(net, sampler, beta, rng):
    """The nudged estimate from sampled phases and its standard error per component."""
    means, variances = [], []
    for nudge in (beta, -beta):
        phase = sampler.phase(net, X, Y, nudge, T, rng)
        derivatives = net.energy_derivatives(phase.spins)
        reads = derivatives.shape[1]
        means.append(derivatives.mean(axis=1).mean(axis=0))
        variances.append((derivatives.var(axis=1, ddof=1) / reads).sum(axis=0) / len(X) ** 2)
    return (means[0] - means[1]) / (2 * beta), np.sqrt(sum(variances)) / (2 * beta)


def sampled_covariance(net, sampler, rng):
    phase = sampler.phase(net, X, None, 0.0, T, rng)
    costs = net.costs(phase.spins, net.targets(Y))
    derivatives = net.energy_derivatives(phase.spins)
    products = (costs - costs.mean(axis=1, keepdims=True))[..., None] * (
        derivatives - derivatives.mean(axis=1, keepdims=True)
    )
    reads = products.shape[1]
    error = np.sqrt((products.var(axis=1, ddof=1) / reads).sum(axis=0)) / len(X) / T
    return covariance_gradient(
        net, X, Y, sampler, T, np.random.default_rng(rng.integers(99))
    ), error


SAMPLERS = {
    "exact-samples": lambda: ExactPhases(num_reads=4000),
    "sa": lambda: BQMPhases("sa", num_reads=4000, num_sweeps=60),
    "pimc": lambda: BQMPhases("pimc", num_reads=4000, num_sweeps=60),
}


@pytest.mark.parametrize("sampler_name", SAMPLERS)
@pytest.mark.parametrize("name", ["layered-fixed", "layered-field-2out"])
def test_sampled_nudged_estimator_is_the_exact_one_within_statistical_error(name, sampler_name):
    net, beta = NETWORKS[name], 0.3
    estimate, error = sampled_nudged(net, SAMPLERS[sampler_name](), beta, np.random.default_rng(7))
    expected = nudged_gradient(net, X, Y, ExactPhases(), T, beta)
    assert np.all(np.abs(estimate - expected) < 5 * error + 1e-3)
    # and the exact nudged estimator at this β is within its O(β²) bias of the gradient
    assert np.abs(expected - exact_gradient(net)).max() < 0.05


@pytest.mark.parametrize("sampler_name", SAMPLERS)
@pytest.mark.parametrize("name", ["layered-fixed", "graph-linear"])
def test_sampled_covariance_rule_is_the_gradient_within_statistical_error(name, sampler_name):
    net = NETWORKS[name]
    rng = np.random.default_rng(11)
    sampler = SAMPLERS[sampler_name]()
    _, error = sampled_covariance(net, sampler, rng)
    estimate = covariance_gradient(net, X, Y, sampler, T, rng)
    assert np.all(np.abs(estimate - exact_gradient(net)) < 5 * error + 1e-3)


# ---------------------------------------------------------------------- quantum


def kron_hamiltonian(net: IsingNetwork, x: np.ndarray, gamma: float) -> np.ndarray:
    """H from Kronecker products (an oracle independent of the bit-mask construction)."""
    n = net.num_free
    pauli_z, pauli_x = np.diag([-1.0, 1.0]), np.array([[0.0, 1.0], [1.0, 0.0]])

    def on(ops: dict[int, np.ndarray]) -> np.ndarray:
        out = np.ones((1, 1))
        for k in reversed(range(n)):  # variable k is bit k of the state index (qanneal._states)
            out = np.kron(out, ops.get(k, np.eye(2)))
        return out

    pairs, couplings, fields, offsets = net.free_problem(x[None, :])
    h = offsets[0] * np.eye(2**n)
    for (a, b), j in zip(pairs, couplings, strict=True):
        h -= j * on({a: pauli_z, b: pauli_z})
    for a in range(n):
        h -= fields[0, a] * on({a: pauli_z}) + gamma * on({a: pauli_x})
    return h


QNET = QuantumNetwork(perturbed(IsingNetwork.layered(2, [3], 1, seed=2)), 0.7)


def test_hamiltonian_matches_the_kronecker_construction():
    net = QNET.network
    diagonal = net.energy(net.full_states(all_states(net.num_free)[None], X[:1]))[0]
    ours = hamiltonian(diagonal, 0.7).toarray()
    np.testing.assert_allclose(ours, kron_hamiltonian(net, X[0], 0.7), atol=1e-12)
    weights = ground_states(QNET, X[:1], None, 0.0).phase.weights[0]
    vector = np.linalg.eigh(kron_hamiltonian(net, X[0], 0.7))[1][:, 0]
    np.testing.assert_allclose(weights, vector**2, atol=1e-10)


@pytest.mark.parametrize("xx", [False, True])
def test_quantum_nudged_estimator_matches_finite_differences_with_shrinking_bias(xx):
    qnet = QuantumNetwork.with_xx(QNET.network, 0.7) if xx else QNET
    if xx:
        qnet = qnet.with_parameters(qnet.parameters + 0.15)
    reference = finite_difference_gradient(
        lambda theta: ground_state_cost(qnet.with_parameters(theta), X, Y), qnet.parameters
    )
    bias = [
        np.abs(quantum_nudged_gradient(qnet, X, Y, b) - reference).max() for b in (0.2, 0.1, 0.05)
    ]
    np.testing.assert_allclose(np.array(bias[:-1]) / np.array(bias[1:]), 4.0, rtol=0.15)
    np.testing.assert_allclose(quantum_nudged_gradient(qnet, X, Y, 1e-3), reference, atol=1e-5)


def test_sparse_and_dense_diagonalisation_agree(monkeypatch):
    import qanneal.learning.ep.quantum as quantum

    qnet = QuantumNetwork.with_xx(IsingNetwork.layered(2, [3], 2, seed=5), 0.6)
    qnet = qnet.with_parameters(qnet.parameters + 0.1)
    dense = quantum.ground_states(qnet, X, None, 0.0)
    monkeypatch.setattr(quantum, "DENSE_LIMIT", 8)
    sparse = quantum.ground_states(qnet, X, None, 0.0)
    np.testing.assert_allclose(dense.phase.weights, sparse.phase.weights, atol=1e-9)
    np.testing.assert_allclose(dense.xx, sparse.xx, atol=1e-9)


def test_pimc_worldline_estimators_match_exact_thermal_values():
    """⟨X_a⟩ and ⟨X_aX_b⟩ from PIMC slices against Tr[X e^{−βH}]/Z by diagonalisation."""
    net, gamma, beta = QNET.network, 0.7, 2.0
    x = X[:1]
    settings = PIMCSettings(beta=beta, trotter=32, num_reads=400, num_sweeps=300)
    _, slices = pimc_states(QNET, x, None, 0.0, settings, np.random.default_rng(3))
    h = kron_hamiltonian(net, x[0], gamma)
    values, vectors = np.linalg.eigh(h)
    rho = vectors @ np.diag(np.exp(-beta * (values - values[0]))) @ vectors.T
    rho /= np.trace(rho)
    n = net.num_free
    pauli_x = np.array([[0.0, 1.0], [1.0, 0.0]])

    def x_on(*sites: int) -> np.ndarray:
        out = np.ones((1, 1))
        for k in reversed(range(n)):  # variable k is bit k (qanneal._states)
            out = np.kron(out, pauli_x if k in sites else np.eye(2))
        return out

    exact_x = np.array([np.trace(rho @ x_on(a)) for a in range(n)])
    pairs = np.array([[0, 1], [0, 3], [2, 3]])
    exact_xx = np.array([np.trace(rho @ x_on(a, b)) for a, b in pairs])
    np.testing.assert_allclose(worldline_x(slices, beta, gamma), exact_x, atol=0.04)
    np.testing.assert_allclose(worldline_x(slices, beta, gamma, pairs), exact_xx, atol=0.06)


def test_pimc_ground_state_correlations_and_gradient_track_diagonalisation():
    # β = 8, M = 16: finite-temperature and Trotter errors of a few hundredths
    settings = PIMCSettings(beta=8.0, trotter=16, num_reads=64, num_sweeps=150)
    rng = np.random.default_rng(5)
    states, _ = pimc_states(QNET, X, None, 0.0, settings, rng)
    exact = ground_states(QNET, X, None, 0.0).phase
    derivative = QNET.network.energy_derivatives
    np.testing.assert_allclose(
        states.phase.mean(derivative(states.phase.spins)),
        exact.mean(derivative(exact.spins)),
        atol=0.08,
    )
    beta = 0.5
    sampled = quantum_nudged_gradient(QNET, X, Y, beta, "pimc", settings, rng)
    reference = quantum_nudged_gradient(QNET, X, Y, beta)
    assert np.corrcoef(sampled, reference)[0, 1] > 0.9
    np.testing.assert_allclose(sampled, reference, atol=0.1)
