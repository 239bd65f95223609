"""The rejection-free (RRRMC) local move against exact path-integral statistics: the
distribution of whole imaginary-time paths, and the expected clock and acceptance per
iteration, both enumerated over every path of a tiny system."""

import itertools

import dimod
import numpy as np
import pytest

from helpers import pooled_chisquare
from qanneal.models import BinaryPerceptron
from qanneal.samplers.pimc._kernels import REJECTION_FREE
from qanneal.samplers.pimc.driver import anneal_in_chunks, make_schedule
from qanneal.samplers.pimc.packing import pack_bqm, pack_model
from qanneal.samplers.schedules import trotter_coupling

BETA, GAMMA = 1.2, 0.6


def small_bqm():
    return dimod.BQM({0: 0.4, 1: -0.3}, {(0, 1): 0.9}, 0.0, "SPIN")


def small_perceptron():
    x = np.array([[1.0, -1.0, 1.0], [1.0, 1.0, -1.0], [-1.0, 1.0, 1.0]])
    return BinaryPerceptron(3, x, np.array([1, -1, 1]), loss="hinge", margin=1)


def path_table(energy, n, trotter, beta, jperp):
    """Every path (M, n), its exact weight, and per path the rate sum z and the expected
    acceptance of one rejection-free iteration."""
    paths = np.array(list(itertools.product([-1, 1], repeat=n * trotter)), dtype=np.int8)
    paths = paths.reshape(-1, trotter, n)
    energies = np.array([[energy(row) for row in path] for path in paths])
    ring = (paths * np.roll(paths, -1, axis=1)).sum(axis=(1, 2))
    log_weight = -(beta / trotter) * energies.sum(axis=1) + jperp * ring
    weights = np.exp(log_weight - log_weight.max())
    rate = np.exp(-4.0 * jperp)
    rate_sums, acceptances = [], []
    for path, slice_energies in zip(paths, energies, strict=True):
        bulk = _bulk(path)
        z = (~bulk).sum() + bulk.sum() * rate
        accept = 0.0
        for k, i in itertools.product(range(trotter), range(n)):
            flipped = path.copy()
            flipped[k, i] *= -1
            new_z = (~_bulk(flipped)).sum() + _bulk(flipped).sum() * rate
            delta = energy(flipped[k]) - slice_energies[k]
            own = rate if bulk[k, i] else 1.0
            accept += own / z * min(1.0, z / new_z * np.exp(-(beta / trotter) * delta))
        rate_sums.append(z)
        acceptances.append(accept)
    return paths, weights / weights.sum(), np.array(rate_sums), np.array(acceptances)


def _bulk(path):
    return (path == np.roll(path, 1, axis=0)) & (path == np.roll(path, -1, axis=0))


def run(packed, trotter, initial, sweeps, seed=0, chunk=None):
    jperp = float(trotter_coupling(np.array([BETA]), np.array([GAMMA]), trotter)[0])
    schedule = make_schedule(np.full(sweeps, BETA), np.full(sweeps, jperp), ("rejection_free",))
    seeds = np.random.default_rng(seed).integers(2**31 - 1, size=len(initial))
    return anneal_in_chunks(packed, schedule, initial, seeds, chunk_sweeps=chunk), jperp


def path_index(spins):
    bits = (spins.reshape(len(spins), -1) > 0).astype(np.int64)
    return bits @ (2 ** np.arange(bits.shape[1])[::-1])


CASES = {
    "bqm": (lambda: pack_bqm(small_bqm()), lambda s: small_bqm().energy(dict(enumerate(s))), 2),
    "perceptron": (lambda: pack_model(small_perceptron()), small_perceptron().energy, 3),
}


@pytest.mark.parametrize("trotter", [2, 3])
@pytest.mark.parametrize("case", sorted(CASES))
def test_paths_follow_the_exact_path_integral_weight(case, trotter):
    make, energy, n = CASES[case]
    reads = 8000
    rng = np.random.default_rng(1)
    initial = rng.choice(np.array([-1, 1], dtype=np.int8), (reads, trotter, n))
    result, jperp = run(make(), trotter, initial, sweeps=25, seed=trotter)
    _, probabilities, _, _ = path_table(energy, n, trotter, BETA, jperp)
    observed = np.bincount(path_index(result.spins), minlength=len(probabilities))
    assert pooled_chisquare(observed, probabilities * reads) > 1e-3
    # the same samples against a wrong ring coupling: the test has power
    _, wrong, _, _ = path_table(energy, n, trotter, BETA, 1.6 * jperp)
    assert pooled_chisquare(observed, wrong * reads) < 1e-6


def test_clock_and_acceptance_match_their_exact_expectations():
    """Started in equilibrium, every iteration advances the clock by M·n/z on average
    over the exact weights, and accepts with the enumerated probability."""
    make, energy, n = CASES["bqm"]
    trotter, reads = 3, 4000
    jperp = float(trotter_coupling(np.array([BETA]), np.array([GAMMA]), trotter)[0])
    paths, probabilities, rate_sums, acceptances = path_table(energy, n, trotter, BETA, jperp)
    rng = np.random.default_rng(5)
    initial = paths[rng.choice(len(paths), size=reads, p=probabilities)]
    result, _ = run(make(), trotter, initial, sweeps=1, seed=9)
    iterations = result.counts[:, REJECTION_FREE, 0]
    assert (iterations == trotter * n).all()
    per_iteration_clock = result.clocks / iterations
    expected_clock = probabilities @ (trotter * n / rate_sums)
    error = per_iteration_clock.std() / np.sqrt(reads)
    assert abs(per_iteration_clock.mean() - expected_clock) < 5 * error
    accepted = result.counts[:, REJECTION_FREE, 1] / iterations
    error = accepted.std() / np.sqrt(reads)
    assert abs(accepted.mean() - probabilities @ acceptances) < 5 * error


def test_one_slice_is_random_site_metropolis_on_the_clock():
    """With M = 1 there is no ring term: every site has rate 1, so the clock counts the
    iterations exactly."""
    packed = pack_model(small_perceptron())
    initial = np.ones((5, 1, 3), dtype=np.int8)
    result, _ = run(packed, 1, initial, sweeps=7)
    assert (result.counts[:, REJECTION_FREE, 0] == 21).all()
    assert result.clocks == pytest.approx(np.full(5, 21.0))


def test_locked_slices_stay_locked_and_the_clock_jumps():
    """At J⊥ = 30 (Γ → 0) aligned worldlines cost e^{-120} to break: nothing flips, and
    one sweep's clock is M·n iterations × M·n / (M·n e^{-120})."""
    packed = pack_bqm(small_bqm())
    initial = np.ones((3, 4, 2), dtype=np.int8)
    schedule = make_schedule(np.full(2, BETA), np.full(2, 30.0), ("rejection_free",))
    result = anneal_in_chunks(packed, schedule, initial, np.arange(3))
    assert (result.spins == 1).all()
    assert (result.counts[:, REJECTION_FREE, 1] == 0).all()
    assert result.clocks == pytest.approx(np.full(3, 2 * 8 * np.exp(120.0)), rel=1e-9)
