"""Ising networks of qanneal.learning.ep: energies, clamping, BQMs and phases agree
with direct evaluation and with dimod's exact enumeration."""

from __future__ import annotations

import dimod
import numpy as np
import pytest

from qanneal._states import all_states
from qanneal.errors import QannealError
from qanneal.learning.ep.network import IsingNetwork, NetworkError
from qanneal.learning.ep.thermal import (
    BQMPhases,
    ExactPhases,
    effective_beta,
    free_energies,
    samples_in_order,
)

X = np.array([[1.0, -1.0], [-1.0, -1.0], [1.0, 1.0]])
Y = np.array([1.0, -1.0, 1.0])


def perturbed(network: IsingNetwork, seed: int = 1, scale: float = 0.4) -> IsingNetwork:
    rng = np.random.default_rng(seed)
    return network.with_parameters(
        network.parameters + rng.normal(0, scale, network.num_parameters)
    )


NETWORKS = {
    "layered-fixed": perturbed(IsingNetwork.layered(2, [3], 2, seed=3)),
    "layered-field": perturbed(
        IsingNetwork.layered(2, [2], 1, seed=4, clamp="field", clamp_strength=1.5)
    ),
    "graph-linear-cost": IsingNetwork.from_edges(
        2, 1, 5, [(0, 2), (1, 2), (2, 3), (3, 4), (2, 4), (0, 4)], seed=5, cost="linear"
    ),
}


@pytest.mark.parametrize("name", NETWORKS)
def test_free_problem_energy_is_network_energy_plus_nudge_and_clamp(name):
    net = NETWORKS[name]
    nudge = 0.7
    states = all_states(net.num_free)
    energies = free_energies(net, states, X, Y, nudge)
    full = net.full_states(np.broadcast_to(states, (len(X), *states.shape)), X)
    expected = net.energy(full) + nudge * net.costs(full, net.targets(Y))
    if net.clamp == "field":
        expected -= net.clamp_strength * (full[..., : net.num_inputs] * X[:, None, :]).sum(-1)
    np.testing.assert_allclose(energies, expected, atol=1e-12)


@pytest.mark.parametrize("name", NETWORKS)
def test_batch_bqm_energies_match_per_pattern_energies(name):
    net = NETWORKS[name]
    bqm = net.batch_bqm(X, Y, -0.3)
    assert bqm.vartype is dimod.SPIN and bqm.num_variables == len(X) * net.num_free
    rng = np.random.default_rng(0)
    samples = rng.choice([-1, 1], size=(20, bqm.num_variables))
    per_pattern = samples.reshape(20, len(X), net.num_free)
    pairs, couplings, fields, offsets = net.free_problem(X, Y, -0.3)
    expected = sum(
        -(per_pattern[:, p, pairs[:, 0]] * per_pattern[:, p, pairs[:, 1]]) @ couplings
        - per_pattern[:, p] @ fields[p]
        + offsets[p]
        for p in range(len(X))
    )
    np.testing.assert_allclose(bqm.energies((samples, range(bqm.num_variables))), expected)


def test_exact_phase_is_the_boltzmann_distribution_of_the_bqm():
    net = NETWORKS["layered-fixed"]
    temperature = 0.8
    phase = ExactPhases().phase(net, X[:1], Y[:1], 0.4, temperature)
    sampleset = dimod.ExactSolver().sample(net.bqm(X[0], Y[0], 0.4))
    states = np.asarray(sampleset.record.sample)
    weights = np.exp(-(sampleset.record.energy - sampleset.record.energy.min()) / temperature)
    weights /= weights.sum()
    lookup = {tuple(s): w for s, w in zip(states, weights, strict=True)}
    free = phase.spins[0][:, net.free_spins]
    np.testing.assert_allclose(phase.weights[0], [lookup[tuple(s)] for s in free], atol=1e-12)


def test_fixed_and_strong_field_clamping_agree_as_the_field_grows():
    base = perturbed(IsingNetwork.layered(2, [2], 1, seed=2))
    fixed = ExactPhases().phase(base, X, None, 0.0, 1.0)
    field = IsingNetwork(**{**base.__dict__, "clamp": "field", "clamp_strength": 12.0})
    clamped = ExactPhases().phase(field, X, None, 0.0, 1.0)
    outputs = base.outputs
    np.testing.assert_allclose(
        clamped.mean(clamped.spins[..., outputs].astype(float)),
        fixed.mean(fixed.spins[..., outputs].astype(float)),
        atol=1e-8,
    )


def test_exact_samples_follow_the_exact_distribution():
    net = NETWORKS["layered-field"]
    exact = ExactPhases().phase(net, X[:1], None, 0.0, 1.0)
    sampled = ExactPhases(num_reads=20000).phase(
        net, X[:1], None, 0.0, 1.0, np.random.default_rng(0)
    )
    codes = {tuple(s): k for k, s in enumerate(exact.spins[0])}
    counts = np.bincount([codes[tuple(s)] for s in sampled.spins[0]], minlength=len(codes))
    expected = exact.weights[0] * 20000
    keep = expected > 5
    chi2 = (((counts - expected) ** 2 / expected)[keep]).sum()
    assert chi2 < keep.sum() + 5 * np.sqrt(2 * keep.sum())


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: IsingNetwork.layered(2, [0], 1), "layer sizes"),
        (lambda: IsingNetwork.layered(2, [2], 1, clamp="soft"), "clamp = 'soft'"),
        (lambda: IsingNetwork.layered(2, [2], 1, cost="hinge"), "cost = 'hinge'"),
        (lambda: IsingNetwork.from_edges(1, 1, 3, [(0, 5)]), "edges must be pairs"),
        (lambda: IsingNetwork.layered(2, [2], 1).with_parameters(np.zeros(3)), "θ must have"),
        (lambda: IsingNetwork.layered(2, [2], 1).bqm([1.0, 1.0, 1.0]), "3 inputs"),
        (
            lambda: ExactPhases().phase(IsingNetwork.layered(1, [21], 1), X[:1, :1], None, 0, 1),
            "at most 20",
        ),
    ],
)
def test_bad_networks_raise_one_line_errors(build, message):
    with pytest.raises(NetworkError, match=message) as info:
        build()
    assert isinstance(info.value, QannealError) and "\n" not in str(info.value)


@pytest.mark.parametrize("beta", [0.5, 2.0])
def test_effective_beta_recovers_the_temperature_of_boltzmann_samples(beta):
    net = NETWORKS["layered-fixed"]
    bqm = net.batch_bqm(X)
    exact = ExactPhases(num_reads=3000).phase(
        net, X, None, 0.0, 1.0 / beta, np.random.default_rng(0)
    )
    free = exact.spins[..., net.free_spins].transpose(1, 0, 2).reshape(3000, -1)
    assert effective_beta(bqm, free) == pytest.approx(beta, rel=0.05)
    sampled = BQMPhases("sa", num_reads=3000, num_sweeps=100)._sample(bqm, beta, 1)
    assert effective_beta(bqm, samples_in_order(sampled, bqm.num_variables)) == pytest.approx(
        beta, rel=0.05
    )
