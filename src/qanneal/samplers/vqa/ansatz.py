"""The hardware-efficient ansatz: rotation layers and a linear chain of CZ or CNOT gates.

A circuit of depth P on n qubits (Carrasquilla et al., arXiv 2301.08292: linear
connectivity, as most devices have) is

    |ψ(θ)⟩ = R_P · E · R_{P-1} · E ⋯ E · R_0 |ψ_0⟩,

with |ψ_0⟩ = |0…0⟩ or |+…+⟩, R_l a layer of single-qubit rotations RY(θ) (and,
with ``rotations = "ry-rz"``, RZ(θ) after each RY) on every qubit, and E the
entangler: CZ(0,1) CZ(1,2) ⋯ CZ(n−2,n−1), or the CNOT chain CNOT(0→1) first, then
CNOT(1→2), … . Depth P has P entanglers and P+1 rotation layers, so P = 0 is a
product state (mean field) and a trailing entangler, which would not change the
measured distribution, is never spent. RY(θ) = exp(−iθY/2), RZ(θ) = exp(−iθZ/2).

Parameters are a flat vector of length (P+1)·K·n (K = 1 or 2), ordered
layer-major, then qubit, then RY before RZ: ``index = (layer·n + qubit)·K + k``.

Measurement: qubit q in |0⟩ is the spin s_q = +1, in |1⟩ s_q = −1 (σᶻ's eigenvalue),
and qubit q is the model's variable q. Basis index x = Σ_q b_q 2^q.

Example:
    >>> ansatz = Ansatz(num_qubits=4, depth=2)
    >>> ansatz.num_parameters, ansatz.parameter_index(layer=1, qubit=2)
    (12, 6)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qanneal.errors import SamplerError

ROTATIONS = ("ry", "ry-rz")
ENTANGLERS = ("cz", "cnot")
INITIAL_STATES = ("plus", "zero")


@dataclass(frozen=True)
class Ansatz:
    """Shape of a hardware-efficient circuit (no parameter values)."""

    num_qubits: int
    depth: int
    rotations: str = "ry"
    entangler: str = "cz"
    initial: str = "plus"

    def __post_init__(self) -> None:
        if isinstance(self.num_qubits, bool) or int(self.num_qubits) < 1:
            raise SamplerError(f"vqa: num_qubits = {self.num_qubits} must be >= 1")
        if isinstance(self.depth, bool) or int(self.depth) != self.depth or self.depth < 0:
            raise SamplerError(f"vqa: depth = {self.depth!r} must be an integer >= 0")
        for key, value, allowed in (
            ("rotations", self.rotations, ROTATIONS),
            ("entangler", self.entangler, ENTANGLERS),
            ("initial", self.initial, INITIAL_STATES),
        ):
            if value not in allowed:
                raise SamplerError(
                    f"vqa: {key} = {value!r} is not one of {', '.join(map(repr, allowed))}"
                )

    @property
    def rotations_per_qubit(self) -> int:
        """K: rotations per qubit and layer (1 for RY, 2 for RY then RZ)."""
        return 2 if self.rotations == "ry-rz" else 1

    @property
    def num_layers(self) -> int:
        """Rotation layers, P + 1."""
        return self.depth + 1

    @property
    def num_parameters(self) -> int:
        return self.num_layers * self.num_qubits * self.rotations_per_qubit

    @property
    def is_real(self) -> bool:
        """True when every amplitude stays real (RY, CZ/CNOT and a real initial state)."""
        return self.rotations == "ry"

    def parameter_index(self, *, layer: int, qubit: int, rotation: int = 0) -> int:
        """Position of one rotation angle in the flat parameter vector."""
        return (layer * self.num_qubits + qubit) * self.rotations_per_qubit + rotation

    def random_parameters(self, rng: np.random.Generator, runs: int, scale: float) -> np.ndarray:
        """(runs, d) angles drawn uniformly from [−scale, scale)."""
        return rng.uniform(-scale, scale, size=(runs, self.num_parameters))

    def check_parameters(self, parameters: np.ndarray) -> np.ndarray:
        """``parameters`` as a float64 (B, d) array; a 1-D vector becomes one row."""
        theta = np.asarray(parameters, dtype=np.float64)
        if theta.ndim == 1:
            theta = theta[None, :]
        if theta.ndim != 2 or theta.shape[1] != self.num_parameters:
            raise ValueError(
                f"parameters of shape {np.shape(parameters)}: this ansatz takes "
                f"{self.num_parameters} angles per row"
            )
        return theta


def rotation_matrices(kind: int, angles: np.ndarray) -> tuple[np.ndarray, ...]:
    """Entries (m00, m01, m10, m11) of RY (kind 0) or RZ (kind 1) for a batch of angles."""
    half = 0.5 * np.asarray(angles, dtype=np.float64)
    if kind == 0:
        c, s = np.cos(half), np.sin(half)
        return c, -s, s, c
    phase = np.exp(-1j * half)
    zero = np.zeros_like(phase)
    return phase, zero, zero, np.conj(phase)


def generator_matrices(kind: int, size: int) -> tuple[np.ndarray, ...]:
    """Entries of −(i/2)·Y (kind 0) or −(i/2)·Z (kind 1): dR(θ)/dθ = −(i/2) G R(θ)."""
    if kind == 0:
        half, zero = np.full(size, 0.5), np.zeros(size)
        return zero, -half, half, zero
    minus = np.full(size, -0.5j)
    zero = np.zeros(size, dtype=np.complex128)
    return minus, zero, zero, -minus


__all__ = [
    "ENTANGLERS",
    "INITIAL_STATES",
    "ROTATIONS",
    "Ansatz",
    "generator_matrices",
    "rotation_matrices",
]
