"""Quantum equilibrium propagation: a transverse-field Ising network in its ground state.

The free spins of an :class:`~qanneal.learning.ep.network.IsingNetwork` become qubits
with

    H(θ) = −Σ J_ab Z_a Z_b − Σ h_u Z_u − Γ Σ_a X_a − Σ K_ab X_a X_b

(clamped inputs act as fields, as in the thermal network; the X_a X_b terms, on the
edges between free spins, are optional and trainable when ``xx=True``). The network
sits in the ground state |ψ_β⟩ of H(θ) + βĈ with Ĉ the cost of the output Z's. By
Hellmann–Feynman, ∂θE₀ = ⟨∂θH⟩_β and ∂βE₀ = ⟨Ĉ⟩_β, so the mixed derivative gives
(Massar & Mognetti, arXiv 2405.08467; docs/ep.md)

    ∂θ⟨Ĉ⟩₀ = ∂β⟨∂θH⟩_β |₀ ≈ [⟨∂θH⟩₊β − ⟨∂θH⟩₋β] / (2β),

with ∂H/∂J_ab = −Z_aZ_b, ∂H/∂h_u = −Z_u, ∂H/∂K_ab = −X_aX_b.

Ground states:

``exact``
    exact diagonalisation — dense ``numpy.linalg.eigh`` up to 64 states, else
    ``scipy.sparse.linalg.eigsh`` on the sparse H (n_free <= 16, 65,536 states).
``pimc``
    path-integral Monte Carlo (:class:`~qanneal.samplers.pimc.PIMCSampler`) at a large
    inverse temperature ``pimc_beta`` with ``trotter`` slices and a constant Γ; the
    Z-correlations are averaged over every slice of every read. X observables come
    from the worldline estimator: with ε = β/M, the Trotter link of spin a between
    slices k and k+1 carries ⟨s|e^{εΓX}|s'⟩ = cosh εΓ (s = s') or sinh εΓ (s ≠ s'),
    and inserting X_a on that link divides by it and swaps the two, so

        ⟨X_a⟩ ≈ mean_k f_a(k),   ⟨X_a X_b⟩ ≈ mean_k f_a(k) f_b(k)  (a ≠ b),
        f_a(k) = tanh εΓ if s_a^k = s_a^{k+1} else coth εΓ

    (:func:`worldline_x`). PIMC cannot sample X_aX_b terms in H (they are not in
    qanneal's kernel), so ``xx=True`` needs the exact back-end.

Example:
    >>> from qanneal.learning.ep.network import IsingNetwork
    >>> from qanneal.learning.ep.rules import finite_difference_gradient
    >>> net = QuantumNetwork(IsingNetwork.layered(2, [2], 1, seed=0), 0.5)
    >>> x, y = np.array([[1.0, -1.0]]), np.array([1.0])
    >>> g = quantum_nudged_gradient(net, x, y, 1e-3)
    >>> fd = finite_difference_gradient(
    ...     lambda t: ground_state_cost(net.with_parameters(t), x, y), net.parameters)
    >>> bool(np.allclose(g, fd, atol=1e-5))
    True
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from qanneal._states import all_states
from qanneal.learning.ep.network import IsingNetwork, NetworkError
from qanneal.learning.ep.thermal import Phase, free_energies, samples_in_order

MAX_EXACT_QUBITS = 16
DENSE_LIMIT = 64
QUANTUM_BACKENDS = ("exact", "pimc")


@dataclass(frozen=True, eq=False)
class QuantumNetwork:
    """An Ising network with a transverse field Γ on its free spins and, optionally,
    trainable X_aX_b couplings (θ = (J, h, K))."""

    network: IsingNetwork
    transverse_field: float
    xx_couplings: np.ndarray | None = None

    def __post_init__(self) -> None:
        if not self.transverse_field > 0:
            raise NetworkError(
                f"transverse_field = {self.transverse_field} must be > 0 (Γ = 0 is the "
                "classical network: use a thermal rule)"
            )
        if self.xx_couplings is not None and len(self.xx_couplings) != len(self.xx_pairs):
            raise NetworkError(f"xx_couplings needs {len(self.xx_pairs)} values")

    @classmethod
    def with_xx(cls, network: IsingNetwork, transverse_field: float) -> QuantumNetwork:
        """Trainable X_aX_b couplings (starting at 0) on every edge between free spins."""
        pairs = network.free_problem(np.zeros((1, network.num_inputs)))[0]
        return cls(network, transverse_field, np.zeros(len(pairs)))

    @property
    def xx_pairs(self) -> np.ndarray:
        return self.network.free_problem(np.zeros((1, self.network.num_inputs)))[0]

    @property
    def parameters(self) -> np.ndarray:
        extra = [] if self.xx_couplings is None else [self.xx_couplings]
        return np.concatenate([self.network.parameters, *extra])

    def with_parameters(self, theta: np.ndarray) -> QuantumNetwork:
        count = self.network.num_parameters
        theta = np.asarray(theta, dtype=np.float64)
        xx = None if self.xx_couplings is None else theta[count:].copy()
        return replace(self, network=self.network.with_parameters(theta[:count]), xx_couplings=xx)


@dataclass(frozen=True)
class GroundStates:
    """Ground states of a batch: Z-basis weights |ψ(z)|² as a :class:`Phase`, and
    ⟨X_aX_b⟩ (P, number of xx pairs) when the network has X_aX_b terms."""

    phase: Phase
    xx: np.ndarray | None


def _flip_masks(n: int, pairs: np.ndarray | None = None) -> np.ndarray:
    """Bit masks that flip spin a (or spins a and b) in the all_states ordering."""
    bit = 1 << np.arange(n)  # variable a is bit a (qanneal._states)
    if pairs is None:
        return bit
    return bit[pairs[:, 0]] | bit[pairs[:, 1]]


def _off_diagonal(
    n: int, gamma: float, xx_pairs: np.ndarray | None, xx: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, cols, values) of −Γ Σ X_a − Σ K_ab X_aX_b over the all_states(n) ordering."""
    index = np.arange(2**n)
    masks, strengths = list(_flip_masks(n)), [gamma] * n
    if xx_pairs is not None and xx is not None:
        masks += list(_flip_masks(n, xx_pairs))
        strengths += list(xx)
    rows = np.concatenate([index for _ in masks])
    cols = np.concatenate([index ^ m for m in masks])
    values = np.concatenate([np.full(len(index), -k) for k in strengths])
    return rows, cols, values


def hamiltonian(
    diagonal: np.ndarray,
    gamma: float,
    xx_pairs: np.ndarray | None = None,
    xx: np.ndarray | None = None,
) -> Any:
    """Sparse (scipy CSR) H = diag(E(z)) − Γ Σ X_a − Σ K_ab X_aX_b, all_states ordering.

    >>> h = hamiltonian(np.array([0.0, 1.0]), 0.5).toarray()
    >>> h.tolist()
    [[0.0, -0.5], [-0.5, 1.0]]
    """
    import scipy.sparse

    dim = len(diagonal)
    rows, cols, values = _off_diagonal(dim.bit_length() - 1, gamma, xx_pairs, xx)
    index = np.arange(dim)
    return scipy.sparse.csr_matrix(
        (
            np.concatenate([diagonal, values]),
            (np.concatenate([index, rows]), np.concatenate([index, cols])),
        ),
        shape=(dim, dim),
    )


def _ground_vectors(
    diagonals: np.ndarray, gamma: float, xx_pairs: np.ndarray | None, xx: np.ndarray | None
) -> np.ndarray:
    """(P, 2^n) ground-state vectors: batched dense eigh when small, else eigsh each."""
    dim = diagonals.shape[1]
    if dim <= DENSE_LIMIT:
        rows, cols, values = _off_diagonal(dim.bit_length() - 1, gamma, xx_pairs, xx)
        off = np.zeros((dim, dim))
        np.add.at(off, (rows, cols), values)
        matrices = off[None, :, :] + diagonals[:, :, None] * np.eye(dim)[None, :, :]
        vectors = np.linalg.eigh(matrices)[1][:, :, 0]
    else:
        from scipy.sparse.linalg import eigsh

        vectors = np.array(
            [
                eigsh(
                    hamiltonian(d, gamma, xx_pairs, xx), k=1, which="SA", v0=np.ones(dim), tol=1e-12
                )[1][:, 0]
                for d in diagonals
            ]
        )
    signs = np.sign(vectors.sum(axis=1))
    return vectors * np.where(signs == 0, 1.0, signs)[:, None]


def single_threaded_blas() -> contextlib.AbstractContextManager[Any]:
    """One BLAS thread while it is active (threadpoolctl, when installed).

    Batches of tiny eigenproblems gain nothing from BLAS threads, and on a shared,
    loaded machine OpenBLAS's threads made them ~80x slower (14.7 s against 0.18 s for
    the quantum XOR test).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def ground_states(
    qnet: QuantumNetwork, inputs: np.ndarray, targets: np.ndarray | None, nudge: float
) -> GroundStates:
    """Exact ground states of H(θ) + nudge·Ĉ for every pattern (diagonalisation)."""
    net = qnet.network
    n = net.num_free
    if n > MAX_EXACT_QUBITS:
        raise NetworkError(
            f"exact diagonalisation of {n} qubits is too large (at most {MAX_EXACT_QUBITS}); "
            "use the 'pimc' back-end"
        )
    x = net.check_inputs(inputs)
    states = all_states(n)
    diagonals = free_energies(net, states, x, targets, nudge)
    pairs = qnet.xx_pairs if qnet.xx_couplings is not None else None
    vectors = _ground_vectors(diagonals, qnet.transverse_field, pairs, qnet.xx_couplings)
    xx = None
    if pairs is not None:
        index = np.arange(vectors.shape[1])
        xx = np.stack(
            [np.einsum("pz,pz->p", vectors, vectors[:, index ^ m]) for m in _flip_masks(n, pairs)],
            axis=1,
        )
    free = np.broadcast_to(states, (len(x), *states.shape))
    return GroundStates(Phase(net.full_states(free, x), vectors**2, sampled=False), xx)


def ground_state_cost(qnet: QuantumNetwork, inputs: np.ndarray, targets: np.ndarray) -> float:
    """⟨Ĉ⟩₀ in the exact ground state, averaged over patterns (the quantum objective)."""
    phase = ground_states(qnet, inputs, None, 0.0).phase
    return float(phase.mean(qnet.network.costs(phase.spins, qnet.network.targets(targets))).mean())


def _mean_derivatives(qnet: QuantumNetwork, states: GroundStates) -> np.ndarray:
    phase = states.phase
    z_part = phase.mean(qnet.network.energy_derivatives(phase.spins)).mean(axis=0)
    if states.xx is None:
        return z_part
    return np.concatenate([z_part, -states.xx.mean(axis=0)])


@dataclass(frozen=True)
class PIMCSettings:
    """PIMC ground-state sampling: inverse temperature, slices, reads, sweeps."""

    beta: float = 8.0
    trotter: int = 32
    num_reads: int = 16
    num_sweeps: int = 400


def pimc_states(
    qnet: QuantumNetwork,
    inputs: np.ndarray,
    targets: np.ndarray | None,
    nudge: float,
    settings: PIMCSettings,
    rng: np.random.Generator,
) -> tuple[GroundStates, np.ndarray]:
    """Low-temperature PIMC of H(θ) + nudge·Ĉ: every slice as a Z sample, and the
    slices (reads, trotter, P·n_free) in imaginary-time order for X estimators."""
    from qanneal.samplers.pimc import PIMCSampler

    if qnet.xx_couplings is not None:
        raise NetworkError("PIMC cannot sample X_aX_b couplings; use the 'exact' back-end")
    net = qnet.network
    x = net.check_inputs(inputs)
    bqm = net.batch_bqm(x, targets, nudge)
    gamma = qnet.transverse_field
    sampleset = PIMCSampler().sample(
        bqm,
        num_reads=settings.num_reads,
        num_sweeps=settings.num_sweeps,
        trotter=settings.trotter,
        beta=settings.beta,
        gamma_schedule=(gamma, gamma),
        moves=("local", "cluster"),  # equilibrium at fixed Γ: cluster moves mix worldlines
        all_slices=True,
        seed=int(rng.integers(2**31 - 1)),
    )
    samples = samples_in_order(sampleset, bqm.num_variables)
    position = sampleset.record.read * settings.trotter + sampleset.record.slice
    slices = np.empty_like(samples)
    slices[position] = samples
    slices = slices.reshape(settings.num_reads, settings.trotter, -1)
    free = samples.reshape(len(samples), len(x), net.num_free).transpose(1, 0, 2)
    uniform = np.full(free.shape[:2], 1.0 / free.shape[1])
    phase = Phase(net.full_states(free, x), uniform, sampled=True)
    return GroundStates(phase, None), slices


def worldline_x(
    slices: np.ndarray, beta: float, gamma: float, pairs: np.ndarray | None = None
) -> np.ndarray:
    """⟨X_a⟩ (or ⟨X_aX_b⟩ for ``pairs``) from PIMC slices (reads, M, n) in
    imaginary-time order, for H = H_z − Γ Σ X_a at inverse temperature β.

    >>> s = np.ones((1, 4, 1), dtype=np.int8)   # a straight worldline: tanh(βΓ/M)
    >>> bool(np.isclose(worldline_x(s, 4.0, 1.0)[0], np.tanh(1.0)))
    True
    """
    epsilon = beta * gamma / slices.shape[1]
    same = slices == np.roll(slices, -1, axis=1)
    link = np.where(same, np.tanh(epsilon), 1.0 / np.tanh(epsilon))
    if pairs is None:
        return link.mean(axis=(0, 1))
    return (link[..., pairs[:, 0]] * link[..., pairs[:, 1]]).mean(axis=(0, 1))


def quantum_nudged_gradient(
    qnet: QuantumNetwork,
    inputs: np.ndarray,
    targets: np.ndarray,
    beta: float,
    backend: str = "exact",
    settings: PIMCSettings | None = None,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """[⟨∂θH⟩₊β − ⟨∂θH⟩₋β]/(2β) in the ground states of H(θ) ± βĈ, pattern-averaged."""
    if not beta > 0:
        raise NetworkError(f"beta (nudging strength) = {beta} must be > 0")
    if backend not in QUANTUM_BACKENDS:
        raise NetworkError(f"quantum back-end {backend!r}: use {', '.join(QUANTUM_BACKENDS)}")
    means = []
    for nudge in (beta, -beta):
        if backend == "exact":
            states = ground_states(qnet, inputs, targets, nudge)
        else:
            rng = rng or np.random.default_rng()
            states, _ = pimc_states(qnet, inputs, targets, nudge, settings or PIMCSettings(), rng)
        means.append(_mean_derivatives(qnet, states))
    return (means[0] - means[1]) / (2.0 * beta)
