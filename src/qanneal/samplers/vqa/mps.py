"""Matrix-product-state simulation of the ansatz with bond dimension χ, and exact sampling.

An MPS holds one tensor A_q of shape (B, D_{q}, 2, D_{q+1}) per qubit for a batch of B
circuits (every run of the batch shares the bond dimensions, so batched numpy SVD and
QR do each step at once). Rotations act on one tensor. An entangling layer is a sweep
from left to right: with the orthogonality centre at q, the two-site tensor of (q, q+1)
gets the gate, is split by an SVD, keeps its χ largest singular values (the best rank-χ
approximation in the 2-norm, because the environment is orthonormal) and moves the
centre to q+1. Kept weights are renormalised; the discarded weight Σ s² is recorded per
run as ``truncation``. A QR sweep from right to left brings the centre back to site 0
before the next layer. With χ ≥ 2^{⌊n/2⌋} nothing is ever discarded and the MPS is the
exact state.

Sampling (Ferris & Vidal, PRB 85, 165146 (2012)): with every site right of the centre
right-canonical, p(s_0…s_k) = ‖v_{k−1} A_k[s_k]‖² for the prefix vector v; drawing one
site after the other gives exact, independent, unbiased samples of |ψ_MPS|² at cost
O(N_s χ² n) — linear in n, what the Torta talk relies on.

Example (a CZ-chain circuit, compared with the exact statevector):
    >>> import numpy as np
    >>> from qanneal.samplers.vqa.ansatz import Ansatz
    >>> from qanneal.samplers.vqa.statevector import StatevectorSimulator
    >>> ansatz = Ansatz(num_qubits=5, depth=2)
    >>> theta = np.random.default_rng(0).uniform(-np.pi, np.pi, ansatz.num_parameters)
    >>> mps = MPSSimulator(ansatz, bond_dim=4).run(theta)
    >>> exact = StatevectorSimulator(ansatz).states(theta)
    >>> bool(np.allclose(mps.statevector(), exact))
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qanneal.errors import ResourceError, SamplerError
from qanneal.samplers.vqa.ansatz import Ansatz, rotation_matrices

MAX_STATEVECTOR_FROM_MPS = 20


@dataclass
class MPSState:
    """A batch of MPS in right-canonical form (centre at site 0) and their truncation."""

    tensors: list[np.ndarray]
    truncation: np.ndarray

    @property
    def num_qubits(self) -> int:
        return len(self.tensors)

    @property
    def batch(self) -> int:
        return int(self.tensors[0].shape[0])

    @property
    def bond_dims(self) -> list[int]:
        return [int(t.shape[3]) for t in self.tensors[:-1]]

    def statevector(self) -> np.ndarray:
        """The full (B, 2^n) amplitudes (small n only; for tests and checks)."""
        if self.num_qubits > MAX_STATEVECTOR_FROM_MPS:
            raise ResourceError(
                f"vqa: contracting an MPS of {self.num_qubits} qubits to a statevector "
                f"is limited to {MAX_STATEVECTOR_FROM_MPS}; sample it instead"
            )
        first = self.tensors[0]
        acc = first.reshape(self.batch, 2, first.shape[3])
        for tensor in self.tensors[1:]:
            grown = np.einsum("bxd,bdie->bixe", acc, tensor)
            acc = grown.reshape(self.batch, -1, tensor.shape[3])
        return acc[:, :, 0]

    def overlap(self, other: MPSState) -> np.ndarray:
        """⟨self|other⟩ per run of the batch (a left-to-right transfer contraction)."""
        env = np.ones((self.batch, 1, 1), dtype=np.result_type(self.tensors[0], other.tensors[0]))
        for mine, theirs in zip(self.tensors, other.tensors, strict=True):
            env = np.einsum("bac,baid,bcie->bde", env, np.conj(mine), theirs)
        return env[:, 0, 0]

    def sample(self, shots: int, rng: np.random.Generator) -> np.ndarray:
        """(B, shots, n) uint8 bits drawn exactly from |ψ|² of each MPS of the batch."""
        batch, n = self.batch, self.num_qubits
        bits = np.empty((batch, shots, n), dtype=np.uint8)
        prefix = np.ones((batch, shots, 1), dtype=self.tensors[0].dtype)
        for site, tensor in enumerate(self.tensors):
            branch = np.einsum("bsl,blir->bsir", prefix, tensor)
            weight = np.einsum("bsir,bsir->bsi", np.conj(branch), branch).real
            total = weight.sum(axis=2)
            one = rng.random((batch, shots)) * total < weight[:, :, 1]
            bits[:, :, site] = one
            chosen = np.where(one[:, :, None], branch[:, :, 1, :], branch[:, :, 0, :])
            norm = np.sqrt(np.where(one, weight[:, :, 1], weight[:, :, 0]))
            prefix = chosen / np.maximum(norm, 1e-300)[:, :, None]
        return bits


class MPSSimulator:
    """Runs an :class:`Ansatz` as an MPS of bond dimension at most ``bond_dim``."""

    def __init__(self, ansatz: Ansatz, *, bond_dim: int) -> None:
        if isinstance(bond_dim, bool) or not isinstance(bond_dim, int | np.integer):
            raise SamplerError(f"vqa: bond_dim = {bond_dim!r} must be an integer >= 1")
        if bond_dim < 1:
            raise SamplerError(f"vqa: bond_dim = {bond_dim} must be >= 1")
        self.ansatz = ansatz
        self.bond_dim = int(bond_dim)
        self.dtype = np.float64 if ansatz.is_real else np.complex128

    def run(self, parameters: np.ndarray) -> MPSState:
        """The MPS of |ψ(θ)⟩ for each row of ``parameters`` (right-canonical)."""
        a = self.ansatz
        theta = a.check_parameters(parameters)
        batch = theta.shape[0]
        tensors = self._initial(batch)
        truncation = np.zeros(batch)
        for layer in range(a.num_layers):
            if layer:
                truncation += self._entangle(tensors)
                _right_canonicalise(tensors)
            for qubit in range(a.num_qubits):
                for kind in range(a.rotations_per_qubit):
                    angles = theta[:, a.parameter_index(layer=layer, qubit=qubit, rotation=kind)]
                    tensors[qubit] = _apply_site(tensors[qubit], rotation_matrices(kind, angles))
        return MPSState(tensors, truncation)

    def _initial(self, batch: int) -> list[np.ndarray]:
        local = (
            np.array([2**-0.5, 2**-0.5]) if self.ansatz.initial == "plus" else np.array([1.0, 0.0])
        )
        site = np.broadcast_to(local.astype(self.dtype)[None, None, :, None], (batch, 1, 2, 1))
        return [site.copy() for _ in range(self.ansatz.num_qubits)]

    def _entangle(self, tensors: list[np.ndarray]) -> np.ndarray:
        """One CZ/CNOT chain sweep left to right; returns the discarded weight per run."""
        discarded = np.zeros(tensors[0].shape[0])
        for left in range(len(tensors) - 1):
            pair = np.einsum("blir,brjs->blijs", tensors[left], tensors[left + 1])
            if self.ansatz.entangler == "cz":
                pair[:, :, 1, 1, :] *= -1.0
            else:  # CNOT(left → left+1): flip the target where the control is 1
                pair[:, :, 1, :, :] = pair[:, :, 1, ::-1, :].copy()
            tensors[left], tensors[left + 1], lost = self._split(pair)
            discarded += lost
        return discarded

    def _split(self, pair: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        batch, dl, _, _, dr = pair.shape
        matrix = pair.reshape(batch, dl * 2, 2 * dr)
        u, s, vh = np.linalg.svd(matrix, full_matrices=False)
        keep = min(self.bond_dim, s.shape[1])
        total = np.einsum("bk,bk->b", s, s)
        kept = np.einsum("bk,bk->b", s[:, :keep], s[:, :keep])
        scale = np.sqrt(np.maximum(kept, 1e-300))
        left = u[:, :, :keep].reshape(batch, dl, 2, keep)
        right = (s[:, :keep, None] / scale[:, None, None]) * vh[:, :keep, :]
        lost = np.maximum(total - kept, 0.0) / np.maximum(total, 1e-300)
        return left, right.reshape(batch, keep, 2, dr), lost


def _apply_site(tensor: np.ndarray, matrix: tuple[np.ndarray, ...]) -> np.ndarray:
    m00, m01, m10, m11 = (np.asarray(m)[:, None, None] for m in matrix)
    low, high = tensor[:, :, 0, :], tensor[:, :, 1, :]
    out = np.empty(tensor.shape, dtype=np.result_type(tensor, *matrix))
    out[:, :, 0, :] = m00 * low + m01 * high
    out[:, :, 1, :] = m10 * low + m11 * high
    return out


def _right_canonicalise(tensors: list[np.ndarray]) -> None:
    """QR sweep from the right: every site but the first right-canonical, in place."""
    for site in range(len(tensors) - 1, 0, -1):
        tensor = tensors[site]
        batch, dl, _, dr = tensor.shape
        q, r = np.linalg.qr(np.swapaxes(tensor.reshape(batch, dl, 2 * dr), 1, 2))
        keep = q.shape[2]
        tensors[site] = np.swapaxes(q, 1, 2).reshape(batch, keep, 2, dr)
        tensors[site - 1] = np.einsum("blir,bkr->blik", tensors[site - 1], r)


__all__ = ["MPSSimulator", "MPSState"]
