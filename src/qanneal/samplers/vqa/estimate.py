"""E(θ) = ⟨ψ_θ|Ĉ|ψ_θ⟩ and its gradient, exactly or from N_s shots, for a batch of θ.

An :class:`Estimator` joins a simulator (statevector or MPS) and a :class:`DiagonalCost`:

- ``shots = None``: the exact expectation Σ_x |ψ(x)|² C(x) (statevector, or an MPS
  small enough to contract, n ≤ 20);
- ``shots = N_s``: the sample mean (1/N_s) Σ_k C(σ_k) over N_s measurements, what
  hardware (or MPS sampling, at any n) gives — unbiased, with variance Var(C)/N_s.

Gradients (:meth:`Estimator.gradient`):

- ``"adjoint"``: reverse mode on the exact statevector (a few circuit evaluations);
- ``"parameter-shift"``: ∂E/∂θ_k = [E(θ + (π/2)e_k) − E(θ − (π/2)e_k)]/2, exact for
  gates exp(−iθG/2) with G² = 1, and what a device would measure (2d circuits);
- ``"finite-difference"``: central differences with step h (a check, not a method);
- ``"spsa"``: Spall's simultaneous perturbation, g = [E(θ + cΔ) − E(θ − cΔ)]/(2c) · Δ
  with Δ ∈ {±1}^d uniform — two circuits per step, whatever d.

Example (two qubits, cost 1 unless both are |0⟩; from |+ +⟩ with θ = 0, E = 3/4):
    >>> import numpy as np
    >>> from qanneal.samplers.vqa.ansatz import Ansatz
    >>> from qanneal.samplers.vqa.cost import DiagonalCost
    >>> estimator = Estimator(Ansatz(2, depth=1), DiagonalCost.from_table(np.array([0.0, 1, 1, 1])))
    >>> energy, grad = estimator.gradient(np.zeros((1, 4)), "adjoint", np.random.default_rng(0))
    >>> energy.round(6).tolist(), grad.round(6).tolist()
    ([0.75], [[0.25, 0.25, 0.25, 0.25]])
"""

from __future__ import annotations

import numpy as np

from qanneal.errors import SamplerError
from qanneal.samplers.vqa.ansatz import Ansatz
from qanneal.samplers.vqa.cost import DiagonalCost, index_to_bits
from qanneal.samplers.vqa.mps import MAX_STATEVECTOR_FROM_MPS, MPSSimulator
from qanneal.samplers.vqa.statevector import StatevectorSimulator, sample_indices

BACKENDS = ("statevector", "mps")
GRADIENTS = ("adjoint", "parameter-shift", "finite-difference", "spsa")
_BATCH_BYTES = 2**27  # amplitudes held at once when a gradient evaluates many circuits


class Estimator:
    """Energy and gradient estimates of one ansatz, backend and cost."""

    def __init__(
        self,
        ansatz: Ansatz,
        cost: DiagonalCost,
        *,
        backend: str = "statevector",
        bond_dim: int | None = None,
        shots: int | None = None,
    ) -> None:
        if ansatz.num_qubits != cost.num_qubits:
            raise SamplerError(
                f"vqa: the ansatz has {ansatz.num_qubits} qubits but the cost "
                f"{cost.num_qubits} variables"
            )
        if backend not in BACKENDS:
            raise SamplerError(f"vqa: backend = {backend!r} is not one of {', '.join(BACKENDS)}")
        if shots is not None and (isinstance(shots, bool) or int(shots) != shots or shots < 1):
            raise SamplerError(f"vqa: shots = {shots!r} must be an integer >= 1 (or none: exact)")
        self.ansatz, self.cost, self.backend = ansatz, cost, backend
        self.shots = None if shots is None else int(shots)
        self.simulator: StatevectorSimulator | MPSSimulator
        if backend == "statevector":
            self.simulator = StatevectorSimulator(ansatz)
        else:
            if bond_dim is None:
                raise SamplerError("vqa: backend = 'mps' needs bond_dim (e.g. 8 or 16)")
            self.simulator = MPSSimulator(ansatz, bond_dim=bond_dim)
            if shots is None and ansatz.num_qubits > MAX_STATEVECTOR_FROM_MPS:
                raise SamplerError(
                    f"vqa: an exact MPS expectation over {ansatz.num_qubits} qubits would "
                    f"need all 2^{ansatz.num_qubits} costs; set shots (e.g. 256)"
                )

    @property
    def exact(self) -> bool:
        return self.shots is None

    def _rows_per_call(self) -> int:
        if self.backend == "mps":
            return 256
        return max(1, _BATCH_BYTES // (16 * 2**self.ansatz.num_qubits))

    def probabilities(self, parameters: np.ndarray) -> np.ndarray:
        """Exact |ψ(x)|² (B, 2^n): statevector, or the contracted MPS for small n."""
        if isinstance(self.simulator, StatevectorSimulator):
            return self.simulator.probabilities(parameters)
        amplitudes = self.simulator.run(parameters).statevector()
        return (amplitudes * np.conj(amplitudes)).real

    def sample(self, parameters: np.ndarray, shots: int, rng: np.random.Generator) -> np.ndarray:
        """(B, shots, n) measured bits of |ψ(θ)⟩ for each row of ``parameters``."""
        if isinstance(self.simulator, MPSSimulator):
            return self.simulator.run(parameters).sample(shots, rng)
        indices = sample_indices(self.probabilities(parameters), shots, rng)
        return index_to_bits(indices, self.ansatz.num_qubits)

    def fidelity(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """|⟨ψ(θ)|ψ(θ')⟩|² for matching rows of two (B, d) parameter arrays (exact: the
        simulator's overlap; a device would estimate it by compute–uncompute shots)."""
        a, b = self.ansatz.check_parameters(first), self.ansatz.check_parameters(second)
        if isinstance(self.simulator, MPSSimulator):
            amplitude = self.simulator.run(a).overlap(self.simulator.run(b))
        else:
            amplitude = np.einsum(
                "bx,bx->b", np.conj(self.simulator.states(a)), self.simulator.states(b)
            )
        return np.abs(amplitude) ** 2

    def energy(self, parameters: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """E(θ) per row: exact, or the mean cost of ``shots`` samples."""
        theta = self.ansatz.check_parameters(parameters)
        step = self._rows_per_call()
        parts = [self._energy(theta[i : i + step], rng) for i in range(0, len(theta), step)]
        return np.concatenate(parts)

    def _energy(self, theta: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        if self.shots is None:
            return self.probabilities(theta) @ self.cost.table()
        return self.cost(self.sample(theta, self.shots, rng)).mean(axis=1)

    def gradient(
        self,
        parameters: np.ndarray,
        method: str,
        rng: np.random.Generator,
        *,
        step: float = 1e-4,
        perturbation: float = 0.1,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(E(θ) estimate, ∂E/∂θ estimate) per row, shapes (B,) and (B, d).

        ``step`` is the finite-difference h, ``perturbation`` SPSA's c. For SPSA the
        energy returned is the mean of E(θ ± cΔ), which costs no extra circuit.
        """
        theta = self.ansatz.check_parameters(parameters)
        if method not in GRADIENTS:
            raise SamplerError(f"vqa: gradient = {method!r} is not one of {', '.join(GRADIENTS)}")
        if method == "adjoint":
            if not (self.exact and isinstance(self.simulator, StatevectorSimulator)):
                raise SamplerError(
                    "vqa: gradient = 'adjoint' needs the exact statevector (backend = "
                    "'statevector', no shots); use 'parameter-shift' or 'spsa'"
                )
            step_rows = max(1, self._rows_per_call() // 4)  # φ, λ and two temporaries
            parts = [
                self.simulator.gradient(theta[i : i + step_rows], self.cost.table())
                for i in range(0, len(theta), step_rows)
            ]
            return np.concatenate([e for e, _ in parts]), np.concatenate([g for _, g in parts])
        if method == "spsa":
            return self._spsa(theta, rng, perturbation)
        shift = np.pi / 2 if method == "parameter-shift" else step
        scale = 0.5 if method == "parameter-shift" else 0.5 / step
        batch, d = theta.shape
        shifted = np.repeat(theta[:, None, :], 2 * d, axis=1)
        eye = np.eye(d) * shift
        shifted[:, :d, :] += eye
        shifted[:, d:, :] -= eye
        values = self.energy(shifted.reshape(-1, d), rng).reshape(batch, 2 * d)
        grad = scale * (values[:, :d] - values[:, d:])
        return self.energy(theta, rng), grad

    def _spsa(
        self, theta: np.ndarray, rng: np.random.Generator, c: float
    ) -> tuple[np.ndarray, np.ndarray]:
        delta = rng.choice(np.array([-1.0, 1.0]), size=theta.shape)
        values = self.energy(np.concatenate([theta + c * delta, theta - c * delta]), rng)
        plus, minus = values[: len(theta)], values[len(theta) :]
        grad = ((plus - minus) / (2 * c))[:, None] * delta
        return 0.5 * (plus + minus), grad


__all__ = ["BACKENDS", "GRADIENTS", "Estimator"]
