"""Exact (statevector) digitised quantum annealing for small problems, n ≲ 22 qubits.

H(s) = s·H_z + (1 − s)·H_x with H_x = −Σ_i σˣ_i and H_z diagonal in the computational
basis (the problem's energy of every weight vector). Starting from |+⟩ⁿ, the ground
state of H_x, the evolution is digitised as in Lami, Torta, Santoro & Collura, SciPost
Phys. 14:117 (2023) (docs/formulas.md):

    |ψ_P⟩ = Π_{p=1..P} exp(−i δt (1 − s_p) H_x) · exp(−i δt s_p H_z) |+⟩ⁿ,  s_p = p/P,

so the annealing time is τ = P·δt. The diagonal step is a phase per amplitude; the
transverse step factorises into one rotation cos θ + i sin θ σˣ per qubit
(θ = δt(1 − s_p)), applied in place by a numba kernel, 2ⁿ complex numbers in all
(32 MiB at n = 21). Basis state k holds spin s_i = 2·bit_i(k) − 1, the convention of
:func:`qanneal._states.enumerate_states`.

This is the ground truth that path-integral Monte Carlo's "quantum world"
approximates: for slow schedules (large τ, small δt) the final state is the ground
state of H_z (adiabatic theorem) and the residual energy ε → 0.

Example:
    >>> import numpy as np
    >>> energies = np.array([3.0, 1.0, 2.0, 0.0])       # two qubits; ground state |11⟩
    >>> result = anneal(energies, steps=200, dt=0.5, seed=0)
    >>> round(result.ground_probability, 2), result.residual_energy_per_spin < 0.01
    (1.0, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import dimod
import numba
import numpy as np

from qanneal._states import enumerate_states
from qanneal.errors import ResourceError

MAX_QUBITS = 24
_CHUNK = 2**16
_GROUND_TOLERANCE = 1e-9
_CHUNK_QUBITS = 13  # 2^13 complex amplitudes = 128 KiB: a chunk stays in L2 cache


@numba.njit(cache=True)
def _rotate(state: np.ndarray, start: int, stop: int, qubit: int, c: float, s: complex) -> None:
    """Apply cos θ + i sin θ σˣ on ``qubit`` to the amplitudes in [start, stop)."""
    stride = 1 << qubit
    for block in range(start, stop, 2 * stride):
        for k in range(block, block + stride):
            a = state[k]
            b = state[k + stride]
            state[k] = c * a + s * b
            state[k + stride] = c * b + s * a


@numba.njit(cache=True)
def _step(
    state: np.ndarray, energies: np.ndarray, num_qubits: int, angle: float, theta: float
) -> None:
    """One digitised step in place: the phase exp(−i·angle·E), then exp(i θ Σσˣ).

    The state is swept in cache-sized chunks: within a chunk of 2^low amplitudes the
    phase and the rotations of the ``low`` lowest qubits are applied together, so only
    the remaining high qubits need a pass over the whole vector each (memory-bound).
    """
    c = math.cos(theta)
    s = complex(0.0, math.sin(theta))
    low = min(num_qubits, _CHUNK_QUBITS)
    chunk = 1 << low
    rotate = theta != 0.0
    for start in range(0, state.shape[0], chunk):
        for k in range(start, start + chunk):
            a = angle * energies[k]
            state[k] *= complex(math.cos(a), -math.sin(a))
        if rotate:
            for qubit in range(low):
                _rotate(state, start, start + chunk, qubit, c, s)
    if rotate:
        for qubit in range(low, num_qubits):
            _rotate(state, 0, state.shape[0], qubit, c, s)


@dataclass
class QuantumAnnealingResult:
    """Outcome of :func:`anneal`: energies are of H_z, per spin where the name says so."""

    num_qubits: int
    steps: int
    dt: float
    mean_energy: float
    ground_energy: float
    ground_probability: float
    residual_energy_per_spin: float
    samples: np.ndarray = field(repr=False)
    state: np.ndarray | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (without the state vector)."""
        return {
            "num_qubits": self.num_qubits,
            "steps": self.steps,
            "dt": self.dt,
            "annealing_time": self.steps * self.dt,
            "mean_energy": self.mean_energy,
            "ground_energy": self.ground_energy,
            "ground_probability": self.ground_probability,
            "residual_energy_per_spin": self.residual_energy_per_spin,
            "samples": self.samples.tolist(),
        }


def _num_qubits(size: int) -> int:
    n = size.bit_length() - 1
    if size < 2 or 1 << n != size:
        raise ValueError(f"need 2^n diagonal energies, got {size}")
    return n


def diagonal_energies(source: Any) -> np.ndarray:
    """H_z as a vector of 2ⁿ energies from a native model (its ``energy``), a SPIN or
    BINARY ``dimod.BinaryPolynomial`` / ``BinaryQuadraticModel`` (variables in their
    order), or an array of 2ⁿ energies (returned as float64).

    >>> from dimod import BinaryQuadraticModel
    >>> diagonal_energies(BinaryQuadraticModel({"a": 1.0}, {}, 0.0, "SPIN")).tolist()
    [-1.0, 1.0]
    """
    if isinstance(source, np.ndarray | list | tuple):
        energies = np.asarray(source, dtype=np.float64)
        _num_qubits(energies.size)
        return energies.ravel()
    if isinstance(source, dimod.BinaryPolynomial | dimod.BinaryQuadraticModel):
        labels = list(source.variables)
        score = source.energies
        spin = source.vartype is dimod.SPIN
    else:  # a native model
        labels = list(source.variables)
        spin = True

        def score(samples_like: Any) -> np.ndarray:
            return np.atleast_1d(np.asarray(source.energy(samples_like[0]), dtype=np.float64))

    n = len(labels)
    if n > MAX_QUBITS:
        raise ResourceError(
            f"exact quantum annealing keeps 2^n amplitudes and takes at most {MAX_QUBITS} "
            f"qubits; this problem has {n}: use a smaller model or sampler 'pimc'"
        )
    energies = np.empty(2**n)
    for first in range(0, 2**n, _CHUNK):
        states = enumerate_states(first, min(first + _CHUNK, 2**n), n)
        if not spin:
            states = ((states + 1) // 2).astype(np.int8)
        energies[first : first + len(states)] = score((states, labels))
    return energies


def anneal(
    energies: np.ndarray,
    *,
    steps: int,
    dt: float,
    num_samples: int = 0,
    seed: int | None = None,
    keep_state: bool = False,
) -> QuantumAnnealingResult:
    """Digitised quantum annealing of H_z = diag(``energies``) from |+⟩ⁿ in ``steps``
    steps of ``dt`` (see the module docstring); ``num_samples`` measurements in the
    computational basis are returned as ±1 rows (seeded by ``seed``).

    ``residual_energy_per_spin`` is ε = (⟨H_z⟩ − E₀)/n with E₀ = min(energies);
    ``ground_probability`` sums |ψ_k|² over every k with energy E₀.
    """
    energies = np.ascontiguousarray(energies, dtype=np.float64)
    n = _num_qubits(energies.size)
    if int(steps) != steps or steps < 1:
        raise ValueError(f"steps = {steps!r} must be an integer >= 1")
    if not dt > 0:
        raise ValueError(f"dt = {dt!r} must be > 0")
    state = np.full(2**n, 2.0 ** (-n / 2), dtype=np.complex128)
    for p in range(1, int(steps) + 1):
        s = p / steps
        _step(state, energies, n, dt * s, dt * (1.0 - s))
    probabilities = np.abs(state) ** 2
    probabilities /= probabilities.sum()
    ground = float(energies.min())
    mean = float(probabilities @ energies)
    rng = np.random.default_rng(seed)
    samples = diagonal_energies_state(rng.choice(2**n, size=int(num_samples), p=probabilities), n)
    return QuantumAnnealingResult(
        num_qubits=n,
        steps=int(steps),
        dt=float(dt),
        mean_energy=mean,
        ground_energy=ground,
        ground_probability=float(probabilities[energies <= ground + _GROUND_TOLERANCE].sum()),
        residual_energy_per_spin=(mean - ground) / n,
        samples=samples,
        state=state if keep_state else None,
    )


def diagonal_energies_state(indices: np.ndarray | int, n: int) -> np.ndarray:
    """±1 spins of basis state(s) ``indices`` (spin i = 2·bit_i − 1).

    >>> diagonal_energies_state(np.array([0, 3]), 2).tolist()
    [[-1, -1], [1, 1]]
    """
    indices = np.atleast_1d(np.asarray(indices, dtype=np.int64))
    bits = (indices[:, None] >> np.arange(n, dtype=np.int64)[None, :]) & 1
    return (2 * bits - 1).astype(np.int8)


def hamiltonian(energies: np.ndarray, s: float) -> np.ndarray:
    """Dense H(s) = s·diag(energies) − (1 − s)·Σσˣ (for checks by exact diagonalisation;
    n ≤ 12).

    >>> hamiltonian(np.array([0.0, 1.0]), 0.5).tolist()
    [[0.0, -0.5], [-0.5, 0.5]]
    """
    n = _num_qubits(len(energies))
    if n > 12:
        raise ResourceError(f"a dense Hamiltonian of {n} qubits is too large; use n <= 12")
    size = 2**n
    matrix = np.diag(s * np.asarray(energies, dtype=np.float64))
    index = np.arange(size)
    for qubit in range(n):
        matrix[index, index ^ (1 << qubit)] -= 1.0 - s
    return matrix
