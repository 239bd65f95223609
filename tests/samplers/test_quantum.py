"""Statevector quantum annealing against exact diagonalisation and dense matrices."""

import dimod
import numpy as np
import pytest

from helpers import pooled_chisquare
from qanneal.errors import ResourceError
from qanneal.models import BinaryPerceptron
from qanneal.samplers.exact import quantum


def expm_hermitian(matrix, time):
    """exp(−i·time·H) of a Hermitian matrix by exact diagonalisation."""
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.exp(-1j * time * values)) @ vectors.conj().T


def transverse(n):
    """Dense H_x = −Σσˣ (H(s=0))."""
    return quantum.hamiltonian(np.zeros(2**n), 0.0)


def test_the_kernel_is_the_digitised_product_of_dense_exponentials():
    n, steps, dt = 3, 6, 0.7
    energies = np.random.default_rng(2).normal(size=2**n)
    result = quantum.anneal(energies, steps=steps, dt=dt, keep_state=True)
    state = np.full(2**n, 2 ** (-n / 2), dtype=complex)
    for p in range(1, steps + 1):
        s = p / steps
        state = np.exp(-1j * dt * s * energies) * state
        state = expm_hermitian(transverse(n), dt * (1 - s)) @ state
    assert np.allclose(result.state, state, atol=1e-10)


def test_small_steps_follow_the_exact_continuous_evolution():
    n, steps, dt = 4, 400, 0.02
    energies = np.random.default_rng(3).normal(size=2**n)
    result = quantum.anneal(energies, steps=steps, dt=dt, keep_state=True)
    state = np.full(2**n, 2 ** (-n / 2), dtype=complex)
    for p in range(1, steps + 1):  # exact propagator of H(s) over each step (midpoint s)
        state = expm_hermitian(quantum.hamiltonian(energies, (p - 0.5) / steps), dt) @ state
    fidelity = abs(np.vdot(state, result.state)) ** 2
    assert fidelity > 0.995


@pytest.mark.parametrize("n", [3, 6])
def test_slow_annealing_ends_in_the_exact_ground_state(n):
    rng = np.random.default_rng(n)
    energies = rng.integers(0, 6, size=2**n).astype(float)
    energies[rng.integers(2**n)] = -3.0  # unique ground state, gap 3
    # exact diagonalisation of H(1) = H_z: the ground state the annealer must reach
    values, vectors = np.linalg.eigh(quantum.hamiltonian(energies, 1.0))
    result = quantum.anneal(energies, steps=1500, dt=0.1, keep_state=True, num_samples=50)
    assert abs(np.vdot(vectors[:, 0], result.state)) ** 2 > 0.98
    assert result.ground_energy == pytest.approx(values[0])
    assert result.ground_probability > 0.98
    assert result.residual_energy_per_spin < 0.02
    assert (result.samples == quantum.diagonal_energies_state(np.argmin(energies), n)).all(
        axis=1
    ).mean() > 0.8


def test_residual_energy_falls_with_annealing_time():
    energies = np.random.default_rng(5).normal(size=2**5)
    residuals = [
        quantum.anneal(energies, steps=steps, dt=0.1).residual_energy_per_spin
        for steps in (10, 100, 1000)
    ]
    assert residuals[0] > residuals[1] > residuals[2]
    assert residuals[2] < 0.02


def test_samples_follow_the_born_rule():
    energies = np.random.default_rng(6).normal(size=2**3)
    result = quantum.anneal(energies, steps=3, dt=0.9, keep_state=True, num_samples=4000, seed=1)
    indices = ((result.samples + 1) // 2) @ (1 << np.arange(3))
    observed = np.bincount(indices, minlength=8)
    expected = 4000 * np.abs(result.state) ** 2
    assert pooled_chisquare(observed, expected) > 1e-3


def test_diagonal_energies_from_models_bqms_and_polynomials():
    rng = np.random.default_rng(0)
    model = BinaryPerceptron(
        5, rng.choice([-1.0, 1.0], (4, 5)), rng.choice([-1, 1], 4), loss="perclinear"
    )
    energies = quantum.diagonal_energies(model)
    states = quantum.diagonal_energies_state(np.arange(32), 5)
    assert energies == pytest.approx(model.energy(states))
    bqm = dimod.BinaryQuadraticModel({"a": 1.0, "b": -0.5}, {("a", "b"): 0.25}, 0.5, "BINARY")
    assert quantum.diagonal_energies(bqm).tolist() == [0.5, 1.5, 0.0, 1.25]
    poly = dimod.BinaryPolynomial({("a", "b", "c"): 2.0}, dimod.SPIN)
    spins = quantum.diagonal_energies_state(np.arange(8), 3)
    assert quantum.diagonal_energies(poly) == pytest.approx(2.0 * spins.prod(axis=1))


def test_bad_input():
    with pytest.raises(ValueError, match="2\\^n"):
        quantum.anneal(np.zeros(3), steps=1, dt=0.1)
    with pytest.raises(ValueError, match="steps"):
        quantum.anneal(np.zeros(4), steps=0, dt=0.1)
    with pytest.raises(ValueError, match="dt"):
        quantum.anneal(np.zeros(4), steps=1, dt=0.0)
    with pytest.raises(ResourceError, match="at most 24 qubits"):
        quantum.diagonal_energies(BinaryPerceptron(25))
