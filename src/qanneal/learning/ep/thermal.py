"""Boltzmann phases of an Ising network: exact enumeration or samples from a sampler.

A *phase* is the Boltzmann distribution p(s) ∝ exp[−(E(s) + nudge·C(s, y))/T] of the
free spins for every pattern of a batch, represented as weighted full states: exact
enumeration gives all 2^n_free states with their probabilities, a sampler gives R
samples of weight 1/R. Estimators (:mod:`.rules`) only see that representation.

Samplers (``THERMAL_SAMPLERS``):

``exact``
    enumeration of the 2^n_free states (n_free <= 20); with ``num_reads`` it draws
    that many exact Boltzmann samples instead (to test the sampled estimators).
``sa``
    dwave-samplers' SimulatedAnnealingSampler — the registry's ``sa`` on a BQM — with a
    constant β = 1/T (``beta_range = (1/T, 1/T)``): ``num_sweeps`` Metropolis sweeps at
    fixed temperature from a random state, one sample per read.
``pimc``
    qanneal's :class:`~qanneal.samplers.pimc.PIMCSampler` with one Trotter slice
    (``trotter = 1``: no ring term, the local move is Metropolis at β) and a constant
    β = 1/T; its numba kernel runs the reads in parallel.

Every pattern of a batch is one independent copy inside a single BQM
(:meth:`IsingNetwork.batch_bqm`), so a phase is one sampler call.

:func:`effective_beta` estimates the temperature of any sampler's output (maximum
pseudo-likelihood): it is how a sampler of unknown temperature is checked before it
is used for thermal EP (``mock-qpu`` returns local minima: β_eff at the bound).

Example:
    >>> from qanneal.learning.ep.network import IsingNetwork
    >>> net = IsingNetwork.layered(2, [2], 1, seed=0)
    >>> phase = ExactPhases().phase(net, np.array([[1.0, -1.0]]), None, 0.0, 1.0)
    >>> phase.spins.shape, round(float(phase.weights.sum()), 6)
    ((1, 8, 5), 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import dimod
import numpy as np

from qanneal._states import all_states
from qanneal.learning.ep.network import IsingNetwork, NetworkError

MAX_EXACT_FREE_SPINS = 20
THERMAL_SAMPLERS = ("exact", "sa", "pimc")


@dataclass(frozen=True)
class Phase:
    """Weighted full states (P, K, num_spins) with weights (P, K) summing to 1 per
    pattern; ``sampled`` says whether they are samples (covariances then get the
    K/(K−1) correction) or the exact distribution."""

    spins: np.ndarray
    weights: np.ndarray
    sampled: bool

    def mean(self, values: np.ndarray) -> np.ndarray:
        """Per-pattern mean of values (P, K, ...) -> (P, ...)."""
        return np.einsum("pk,pk...->p...", self.weights, values)

    def covariance(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """Per-pattern Cov(first (P, K), second (P, K, m)) -> (P, m)."""
        centred = first - self.mean(first)[:, None]
        product = self.mean(centred[..., None] * (second - self.mean(second)[:, None, :]))
        if self.sampled:
            count = self.weights.shape[1]
            product = product * (count / max(count - 1, 1))
        return product


class PhaseSampler(Protocol):
    def phase(
        self,
        network: IsingNetwork,
        inputs: np.ndarray,
        targets: np.ndarray | None,
        nudge: float,
        temperature: float,
        rng: np.random.Generator | None = None,
    ) -> Phase: ...


def free_energies(
    network: IsingNetwork, states: np.ndarray, inputs: np.ndarray, targets: Any, nudge: float
) -> np.ndarray:
    """(P, K) energies E + nudge·C (+ clamp term) of free states (K, n_free) per pattern."""
    pairs, couplings, fields, offsets = network.free_problem(inputs, targets, nudge)
    s = states.astype(np.float64)
    pair_term = (s[:, pairs[:, 0]] * s[:, pairs[:, 1]]) @ couplings
    return -pair_term[None, :] - fields @ s.T + offsets[:, None]


class ExactPhases:
    """Boltzmann phases by enumeration (expectations), or exact samples from them."""

    def __init__(self, num_reads: int | None = None) -> None:
        self.num_reads = num_reads

    def phase(
        self,
        network: IsingNetwork,
        inputs: np.ndarray,
        targets: np.ndarray | None,
        nudge: float,
        temperature: float,
        rng: np.random.Generator | None = None,
    ) -> Phase:
        n = network.num_free
        if n > MAX_EXACT_FREE_SPINS:
            raise NetworkError(
                f"exact enumeration of {n} free spins is too large (at most "
                f"{MAX_EXACT_FREE_SPINS}); use sampler 'sa' or 'pimc'"
            )
        states = all_states(n)
        energies = free_energies(network, states, inputs, targets, nudge) / temperature
        weights = np.exp(-(energies - energies.min(axis=1, keepdims=True)))
        weights /= weights.sum(axis=1, keepdims=True)
        count = len(weights)
        if self.num_reads is None:
            free = np.broadcast_to(states, (count, *states.shape))
            return Phase(network.full_states(free, inputs), weights, sampled=False)
        rng = rng or np.random.default_rng()
        cumulative = np.cumsum(weights, axis=1)
        draws = rng.random((count, self.num_reads))
        picks = np.minimum(
            np.array([np.searchsorted(c, d) for c, d in zip(cumulative, draws, strict=True)]),
            len(states) - 1,
        )
        free = states[picks]
        uniform = np.full((count, self.num_reads), 1.0 / self.num_reads)
        return Phase(network.full_states(free, inputs), uniform, sampled=True)


class BQMPhases:
    """Boltzmann samples from a dimod sampler at constant β = 1/T on the batched BQM."""

    def __init__(self, name: str, num_reads: int = 32, num_sweeps: int = 200) -> None:
        if name not in ("sa", "pimc"):
            raise NetworkError(f"sampler {name!r}: use one of {', '.join(THERMAL_SAMPLERS)}")
        if num_reads < 2 or num_sweeps < 1:
            raise NetworkError(
                f"num_reads = {num_reads} must be >= 2 and num_sweeps = {num_sweeps} >= 1"
            )
        self.name, self.num_reads, self.num_sweeps = name, num_reads, num_sweeps

    def _sample(self, bqm: dimod.BinaryQuadraticModel, beta: float, seed: int) -> Any:
        if self.name == "sa":
            from qanneal.samplers import AnnealingSampler

            return AnnealingSampler().sample(
                bqm,
                num_reads=self.num_reads,
                num_sweeps=self.num_sweeps,
                beta_range=(beta, beta),
                beta_schedule_type="linear",
                seed=seed,
            )
        from qanneal.samplers.pimc import PIMCSampler

        return PIMCSampler().sample(
            bqm,
            num_reads=self.num_reads,
            num_sweeps=self.num_sweeps,
            trotter=1,
            beta=beta,
            gamma_schedule=(0.0, 0.0),
            moves=("local",),
            seed=seed,
        )

    def phase(
        self,
        network: IsingNetwork,
        inputs: np.ndarray,
        targets: np.ndarray | None,
        nudge: float,
        temperature: float,
        rng: np.random.Generator | None = None,
    ) -> Phase:
        rng = rng or np.random.default_rng()
        x = network.check_inputs(inputs)
        bqm = network.batch_bqm(x, targets, nudge)
        sampleset = self._sample(bqm, 1.0 / temperature, int(rng.integers(2**31 - 1)))
        samples = samples_in_order(sampleset, bqm.num_variables)
        free = samples.reshape(len(samples), len(x), network.num_free).transpose(1, 0, 2)
        uniform = np.full(free.shape[:2], 1.0 / free.shape[1])
        return Phase(network.full_states(free, x), uniform, sampled=True)


def samples_in_order(sampleset: dimod.SampleSet, num_variables: int) -> np.ndarray:
    """(R, num_variables) samples with columns ordered by the integer labels 0..n-1."""
    labels = np.asarray(list(sampleset.variables), dtype=np.int64)
    order = np.empty(num_variables, dtype=np.int64)
    order[labels] = np.arange(len(labels))
    return np.asarray(sampleset.record.sample)[:, order]


def phase_sampler(name: str, num_reads: int | None = None, num_sweeps: int = 200) -> PhaseSampler:
    """The phase sampler of a name in ``THERMAL_SAMPLERS`` (``exact`` with
    ``num_reads`` draws exact samples; without, it gives exact expectations)."""
    if name == "exact":
        return ExactPhases(num_reads)
    if name in ("sa", "pimc"):
        return BQMPhases(name, num_reads or 32, num_sweeps)
    known = ", ".join(THERMAL_SAMPLERS)
    raise NetworkError(f"unknown thermal sampler {name!r}; use one of {known}")


def effective_beta(
    bqm: dimod.BinaryQuadraticModel, samples: np.ndarray, bounds: tuple[float, float] = (1e-3, 1e3)
) -> float:
    """Inverse temperature β_eff at which ``samples`` (R, n; columns = variables 0..n-1)
    look Boltzmann-distributed for the SPIN ``bqm``: the maximum pseudo-likelihood
    estimate, argmax_β Σ_{r,i} log P(s_i | s_−i) with P = 1/(1 + e^{−β ΔE_i}) and ΔE_i
    the energy change of flipping spin i. A result at the upper bound means the
    samples are (nearly) all local minima: too cold to estimate a temperature.

    >>> bqm = dimod.BinaryQuadraticModel({0: 0.5}, {}, 0.0, dimod.SPIN)
    >>> p_up = 1 / (1 + np.exp(2 * 0.5 * 2.0))          # β = 2: P(s = +1)
    >>> samples = np.array([[1]] * round(1000 * p_up) + [[-1]] * round(1000 * (1 - p_up)))
    >>> round(effective_beta(bqm, samples), 1)
    2.0
    """
    from scipy.optimize import minimize_scalar

    n = bqm.num_variables
    vectors = bqm.to_numpy_vectors(variable_order=list(range(n)))
    linear, (rows, cols, values) = vectors[0], vectors[1]
    spins = np.asarray(samples, dtype=np.float64)
    local = np.tile(linear, (len(spins), 1))
    np.add.at(local.T, rows, (spins[:, cols] * values).T)
    np.add.at(local.T, cols, (spins[:, rows] * values).T)
    gains = -2.0 * spins * local  # ΔE of flipping each spin

    def negative_log_likelihood(beta: float) -> float:
        return float(np.mean(np.logaddexp(0.0, -beta * gains)))

    low, high = bounds
    return float(minimize_scalar(negative_log_likelihood, bounds=(low, high), method="bounded").x)
