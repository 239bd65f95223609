"""Statevector and MPS simulators of the hardware-efficient ansatz, against explicit matrices."""

import functools

import numpy as np
import pytest

from qanneal.errors import ResourceError, SamplerError
from qanneal.samplers.vqa.ansatz import Ansatz
from qanneal.samplers.vqa.cost import index_to_bits
from qanneal.samplers.vqa.mps import MPSSimulator
from qanneal.samplers.vqa.statevector import StatevectorSimulator, sample_indices

I2 = np.eye(2)
Y = np.array([[0, -1j], [1j, 0]])
Z = np.diag([1.0, -1.0])


def expm_rotation(pauli, theta):
    return np.cos(theta / 2) * I2 - 1j * np.sin(theta / 2) * pauli


def on_qubit(gate, qubit, n):
    """Full 2^n matrix of a one-qubit gate; qubit q is bit q of the basis index."""
    return np.kron(np.kron(np.eye(2 ** (n - 1 - qubit)), gate), np.eye(2**qubit))


def cnot_matrix(control, target, n):
    size = 2**n
    matrix = np.zeros((size, size))
    for x in range(size):
        matrix[x ^ (((x >> control) & 1) << target), x] = 1.0
    return matrix


def cz_matrix(a, b, n):
    x = np.arange(2**n)
    return np.diag(1.0 - 2.0 * ((x >> a) & (x >> b) & 1))


def explicit_state(ansatz, theta):
    """The circuit built from dense matrices, gate by gate (the oracle)."""
    n = ansatz.num_qubits
    psi = np.zeros(2**n, dtype=complex)
    psi[0] = 1.0
    if ansatz.initial == "plus":
        psi = np.full(2**n, 2 ** (-n / 2), dtype=complex)
    for layer in range(ansatz.num_layers):
        if layer:
            for q in range(n - 1):
                gate = (
                    cz_matrix(q, q + 1, n) if ansatz.entangler == "cz" else cnot_matrix(q, q + 1, n)
                )
                psi = gate @ psi
        for q in range(n):
            for kind, pauli in enumerate([Y, Z][: ansatz.rotations_per_qubit]):
                angle = theta[ansatz.parameter_index(layer=layer, qubit=q, rotation=kind)]
                psi = on_qubit(expm_rotation(pauli, angle), q, n) @ psi
    return psi


ANSATZE = [
    Ansatz(3, depth=2),
    Ansatz(4, depth=1, rotations="ry-rz", entangler="cnot", initial="zero"),
    Ansatz(4, depth=3, entangler="cnot"),
    Ansatz(2, depth=0, rotations="ry-rz"),
]


@functools.cache
def angles(d, seed=0, runs=3):
    return np.random.default_rng(seed).uniform(-np.pi, np.pi, (runs, d))


@pytest.mark.parametrize("ansatz", ANSATZE, ids=str)
def test_statevector_matches_explicit_gate_matrices(ansatz):
    theta = angles(ansatz.num_parameters)
    states = StatevectorSimulator(ansatz).states(theta)
    for row in range(len(theta)):
        assert states[row] == pytest.approx(explicit_state(ansatz, theta[row]), abs=1e-12)


@pytest.mark.parametrize("ansatz", ANSATZE, ids=str)
def test_mps_with_enough_bond_dimension_is_the_exact_state(ansatz):
    theta = angles(ansatz.num_parameters)
    exact = StatevectorSimulator(ansatz).states(theta)
    state = MPSSimulator(ansatz, bond_dim=2 ** (ansatz.num_qubits // 2)).run(theta)
    assert state.truncation == pytest.approx(0.0, abs=1e-12)
    assert state.statevector() == pytest.approx(exact, abs=1e-10)


def test_truncated_mps_is_normalised_and_loses_fidelity_as_chi_shrinks():
    ansatz = Ansatz(10, depth=4)
    theta = angles(ansatz.num_parameters, seed=2, runs=2)
    exact = StatevectorSimulator(ansatz).states(theta)
    fidelities = []
    for chi in (1, 2, 4, 8, 32):
        state = MPSSimulator(ansatz, bond_dim=chi).run(theta)
        psi = state.statevector()
        assert np.linalg.norm(psi, axis=1) == pytest.approx(1.0)
        assert max(state.bond_dims) <= chi
        fidelities.append(np.abs(np.einsum("bx,bx->b", np.conj(exact), psi)) ** 2)
    fidelities = np.array(fidelities)
    assert np.all(np.diff(fidelities, axis=0) > -1e-9)  # more χ never hurts here
    assert fidelities[-1] == pytest.approx(1.0)
    assert fidelities[0].max() < 0.9


def chi_square(counts, probabilities):
    expected = probabilities * counts.sum()
    keep = expected > 0
    return float((((counts - expected) ** 2)[keep] / expected[keep]).sum())


@pytest.mark.parametrize("chi", [2, 8])
def test_mps_samples_follow_the_mps_distribution(chi):
    """χ² test of 40,000 exact samples against |ψ_MPS|² (4 qubits, 15 degrees of freedom;
    the critical value at p = 0.001 is 37.7), truncated or not."""
    ansatz = Ansatz(4, depth=3, rotations="ry-rz", entangler="cnot")
    theta = angles(ansatz.num_parameters, seed=5, runs=1)
    state = MPSSimulator(ansatz, bond_dim=chi).run(theta)
    probabilities = np.abs(state.statevector()[0]) ** 2
    bits = state.sample(40_000, np.random.default_rng(7))[0]
    counts = np.bincount(bits.astype(np.int64) @ (1 << np.arange(4)), minlength=16)
    assert chi_square(counts, probabilities) < 37.7


def test_statevector_sampling_follows_the_probabilities():
    ansatz = Ansatz(4, depth=2)
    probabilities = StatevectorSimulator(ansatz).probabilities(angles(ansatz.num_parameters)[:1])
    indices = sample_indices(probabilities, 40_000, np.random.default_rng(3))
    counts = np.bincount(indices[0], minlength=16)
    assert chi_square(counts, probabilities[0]) < 37.7
    assert index_to_bits(np.array([5]), 4).tolist() == [[1, 0, 1, 0]]


def test_mps_sampling_of_a_product_state_is_exact_per_qubit():
    ansatz = Ansatz(30, depth=0, initial="zero")
    theta = np.zeros((1, 30))
    theta[0, ::3] = np.pi  # |1⟩ on every third qubit
    bits = MPSSimulator(ansatz, bond_dim=4).run(theta).sample(50, np.random.default_rng(0))
    expected = np.zeros(30, dtype=np.uint8)
    expected[::3] = 1
    assert np.all(bits[0] == expected)


def test_bad_settings_are_errors_that_name_the_value():
    with pytest.raises(SamplerError, match="depth = -1"):
        Ansatz(3, depth=-1)
    with pytest.raises(SamplerError, match="entangler = 'cx'"):
        Ansatz(3, depth=1, entangler="cx")
    with pytest.raises(SamplerError, match="bond_dim = 0"):
        MPSSimulator(Ansatz(3, depth=1), bond_dim=0)
    with pytest.raises(ResourceError, match="use backend = 'mps'"):
        StatevectorSimulator(Ansatz(30, depth=1))
    with pytest.raises(ValueError, match="takes 6 angles"):
        StatevectorSimulator(Ansatz(3, depth=1)).states(np.zeros(5))
