"""The diagonal cost Ĉ: the model's training loss for the network each basis state encodes.

Qubit q is the model's variable q (``model.variables[q]``, so augmented choice bits are
qubits like any weight); |0⟩ is the spin +1 and |1⟩ is −1. The whole diagonal (2^n
entries, for the statevector) is :func:`qanneal.hubo.walsh.truth_table` — the model's
vectorised ``energy`` on all states in chunks — read backwards, because that table puts
the state with every spin −1 first. Sampled bit strings (for the MPS and for shots) are
scored in one vectorised ``energy`` call over their distinct rows.

Example (a one-weight perceptron learning +1 → +1: |0⟩ = w = +1 costs 0):
    >>> import numpy as np
    >>> from qanneal.models import BinaryPerceptron
    >>> cost = DiagonalCost.from_model(BinaryPerceptron(1, np.array([[1.0]]), np.array([1])))
    >>> cost.table().tolist()
    [0.0, 1.0]
    >>> cost(np.array([[1], [0], [1]], dtype=np.uint8)).tolist()
    [1.0, 0.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from qanneal.errors import SamplerError
from qanneal.models import BinaryModel


def bits_to_spins(bits: np.ndarray) -> np.ndarray:
    """Measurement bits (0/1) to the model's spins: 0 → +1, 1 → −1 (int8).

    >>> bits_to_spins(np.array([0, 1])).tolist()
    [1, -1]
    """
    return (1 - 2 * np.asarray(bits, dtype=np.int8)).astype(np.int8)


def index_to_bits(indices: np.ndarray, num_qubits: int) -> np.ndarray:
    """Basis indices to (..., n) bits, bit q of the index in column q.

    >>> index_to_bits(np.array([1, 2]), 2).tolist()
    [[1, 0], [0, 1]]
    """
    shifts = np.arange(num_qubits, dtype=np.int64)
    return ((np.asarray(indices, dtype=np.int64)[..., None] >> shifts) & 1).astype(np.uint8)


class DiagonalCost:
    """C(σ) for bit strings, from a model's energy or from a given table of 2^n values."""

    def __init__(
        self,
        num_qubits: int,
        energy: Callable[[np.ndarray], np.ndarray],
        *,
        table: np.ndarray | None = None,
        model: BinaryModel | None = None,
    ) -> None:
        self.num_qubits = int(num_qubits)
        self._energy = energy
        self._table = table
        self.model = model

    @classmethod
    def from_model(cls, model: BinaryModel) -> DiagonalCost:
        """The training loss of ``model`` (``model.energy``) over its variables."""

        def energy(spins: np.ndarray) -> np.ndarray:
            return np.atleast_1d(np.asarray(model.energy(spins), dtype=np.float64))

        return cls(model.num_variables, energy, model=model)

    @classmethod
    def from_table(cls, table: np.ndarray) -> DiagonalCost:
        """An explicit diagonal: entry x is the cost of the basis state with bits of x.

        >>> DiagonalCost.from_table(np.array([3.0, 1.0, 2.0, 0.0])).minimum()
        (0.0, 1)
        """
        values = np.asarray(table, dtype=np.float64)
        size = values.size
        if values.ndim != 1 or size < 2 or size & (size - 1):
            raise SamplerError(f"vqa: a cost table needs 2^n entries (n >= 1), not {values.shape}")
        n = size.bit_length() - 1
        weights = 1 << np.arange(n, dtype=np.int64)

        def energy(spins: np.ndarray) -> np.ndarray:
            bits = (np.asarray(spins) < 0).astype(np.int64)
            return values[bits @ weights]

        return cls(n, energy, table=values)

    def table(self) -> np.ndarray:
        """All 2^n costs in basis-index order (computed once, then kept)."""
        if self._table is None:
            from qanneal.hubo.walsh import truth_table

            assert self.model is not None
            self._table = np.ascontiguousarray(truth_table(self.model)[::-1])
        return self._table

    def __call__(self, bits: np.ndarray) -> np.ndarray:
        """Costs of (..., n) bit strings, each distinct row evaluated once."""
        array = np.asarray(bits, dtype=np.uint8)
        flat = array.reshape(-1, self.num_qubits)
        if self._table is not None:
            weights = 1 << np.arange(self.num_qubits, dtype=np.int64)
            return self._table[flat.astype(np.int64) @ weights].reshape(array.shape[:-1])
        unique, inverse = np.unique(flat, axis=0, return_inverse=True)
        values = self._energy(bits_to_spins(unique))
        return values[inverse.reshape(-1)].reshape(array.shape[:-1])

    def minimum(self) -> tuple[float, int]:
        """(lowest cost, how many basis states reach it), from the full table."""
        table = self.table()
        low = float(table.min())
        return low, int(np.sum(np.abs(table - low) <= 1e-9))


__all__ = ["DiagonalCost", "bits_to_spins", "index_to_bits"]
