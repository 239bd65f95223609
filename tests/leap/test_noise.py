"""The hardware emulation: auto-scaling into the solver's ranges, Gaussian control errors,
and Boltzmann sampling at the effective temperature (checked against exact enumeration)."""

import itertools

import dimod
import numpy as np
import pytest

from helpers import pooled_chisquare
from qanneal.leap.noise import (
    ADVANTAGE_RANGES,
    HardwareNoiseComposite,
    ThermalSampler,
    advantage_beta,
    auto_scale_factor,
    control_errors,
    coupling_scale_factor,
    scale_into_ranges,
)


def test_auto_scale_divides_by_the_tightest_range():
    # ratios: 2/4, −8/−4 = 2, 0.5/1, −3/−1 = 3 → divide by 3
    assert auto_scale_factor([2.0, -8.0], [0.5, -3.0], (-4, 4), (-1, 1)) == 3.0
    # asymmetric extended range: −1.8 fits [−2, 1] after scaling up by 1/0.9
    assert auto_scale_factor([], [-1.8, 0.3], (-4, 4), (-2, 1)) == pytest.approx(0.9)
    assert auto_scale_factor([], [], (-4, 4), (-1, 1)) == 1.0


@pytest.mark.parametrize("extended", [False, True])
def test_scaled_problem_fills_its_ranges_and_keeps_its_ground_state(extended):
    rng = np.random.default_rng(1)
    bqm = dimod.generators.gnp_random_bqm(8, 0.6, "SPIN", random_state=3)
    bqm.scale(7.3)
    j_range = ADVANTAGE_RANGES["extended_j_range"] if extended else (-1.0, 1.0)
    scaled, divisor = scale_into_ranges(bqm, (-4.0, 4.0), j_range)
    h = np.array(list(scaled.linear.values()))
    j = np.array(list(scaled.quadratic.values()))
    assert h.min() >= -4 - 1e-12 and h.max() <= 4 + 1e-12
    assert j.min() >= j_range[0] - 1e-12 and j.max() <= j_range[1] + 1e-12
    touches = [np.isclose(h.max(), 4), np.isclose(h.min(), -4)]
    touches += [np.isclose(j.max(), j_range[1]), np.isclose(j.min(), j_range[0])]
    assert any(touches)
    states = rng.choice([-1, 1], (50, 8))
    assert np.allclose(
        scaled.energies((states, list(bqm.variables))) * divisor,
        bqm.energies((states, list(bqm.variables))),
    )


def test_per_qubit_coupling_range_scales_down_a_hub():
    # a hub with twenty −1 couplings sums to −20 < −18: scaled down by 20/18
    bqm = dimod.BQM({}, {(0, k): -1.0 for k in range(1, 21)}, 0.0, "SPIN")
    assert coupling_scale_factor(bqm, (-18.0, 15.0)) == pytest.approx(20 / 18)
    # into [−2, 1] the couplings double (divisor ½) and the hub sums to −40: then × 40/18
    _, divisor = scale_into_ranges(bqm, (-4, 4), (-2, 1), (-18.0, 15.0))
    assert divisor == pytest.approx(0.5 * 40 / 18)


def test_control_errors_are_gaussian_with_the_given_widths():
    bqm = dimod.generators.gnp_random_bqm(300, 0.2, "SPIN", random_state=2)
    noisy = control_errors(bqm, 0.05, 0.02, np.random.default_rng(7))
    dh = np.array([noisy.linear[v] - bqm.linear[v] for v in bqm.variables])
    dj = np.array([noisy.quadratic[u, v] - b for (u, v), b in bqm.quadratic.items()])
    assert abs(dh.mean()) < 4 * 0.05 / np.sqrt(len(dh))
    assert dh.std() == pytest.approx(0.05, rel=0.15)
    assert dj.std() == pytest.approx(0.02, rel=0.05)
    assert noisy.offset == bqm.offset
    same = control_errors(bqm, 0.05, 0.02, np.random.default_rng(7))
    assert same == noisy  # one seed, one programming error
    assert control_errors(bqm, 0.0, 0.0, np.random.default_rng(0)) == bqm


def boltzmann(bqm, beta):
    states = np.array(list(itertools.product([-1, 1], repeat=bqm.num_variables)))
    energies = bqm.energies((states, list(bqm.variables)))
    weights = np.exp(-beta * (energies - energies.min()))
    return states, weights / weights.sum()


def histogram(sampleset, states, order):
    columns = [list(sampleset.variables).index(v) for v in order]
    index = {tuple(s): k for k, s in enumerate(states)}
    counts = np.zeros(len(states))
    for row, n in zip(
        sampleset.record.sample[:, columns], sampleset.record.num_occurrences, strict=True
    ):
        counts[index[tuple(row)]] += n
    return counts


def test_thermal_sampler_draws_from_the_boltzmann_distribution():
    bqm = dimod.BQM(
        {0: 0.3, 1: -0.2, 2: 0.0, 3: 0.1},
        {(0, 1): -0.5, (1, 2): 0.4, (2, 3): -0.3, (0, 3): 0.2},
        0.0,
        "SPIN",
    )
    beta = 2.0
    sampleset = ThermalSampler(beta).sample(bqm, num_reads=4000, num_sweeps=100, seed=11)
    states, probabilities = boltzmann(bqm, beta)
    observed = histogram(sampleset, states, list(bqm.variables))
    assert pooled_chisquare(observed, probabilities * observed.sum()) > 1e-3
    assert sampleset.info["beta"] == beta


def test_composite_without_errors_samples_the_scaled_problem_at_beta():
    bqm = dimod.BQM({"a": 0.6, "b": -0.3}, {("a", "b"): -2.0, ("b", "c"): 1.0}, 0.5, "SPIN")
    composite = HardwareNoiseComposite(ThermalSampler(1.5), sigma_h=0.0, sigma_j=0.0)
    sampleset = composite.sample(bqm, num_reads=4000, num_sweeps=100, seed=3)
    assert sampleset.info["hardware_noise"]["scale_divisor"] == 2.0
    order = list(bqm.variables)
    states, probabilities = boltzmann(bqm, 1.5 / 2.0)  # β on the problem divided by 2
    observed = histogram(sampleset, states, order)
    assert pooled_chisquare(observed, probabilities * observed.sum()) > 1e-3
    # energies are those of the problem as submitted
    assert np.allclose(sampleset.record.energy, bqm.energies(sampleset))


def test_control_errors_decide_a_small_gap():
    # ground state (−,−) lies 0.01 below (−,+) in QPU units, far below the noise on h_b
    bqm = dimod.BQM({"a": 1.0, "b": 0.0}, {("a", "b"): -0.005}, 0.0, "SPIN")
    cold = ThermalSampler(5000.0)  # β·gap = 50: the exact problem never shows (−,+)

    def wrong_share(sigma, seeds):
        composite = HardwareNoiseComposite(cold, sigma_h=sigma, sigma_j=sigma, auto_scale=False)
        wrong = 0
        for seed in seeds:
            sampleset = composite.sample(bqm, num_reads=5, num_sweeps=50, seed=seed)
            wrong += sum(s["b"] == 1 for s in sampleset.samples())
        return wrong / (5 * len(seeds))

    assert wrong_share(0.0, range(10)) == 0.0
    assert 0.2 < wrong_share(0.05, range(40)) < 0.8


def test_binary_problems_come_back_binary():
    bqm = dimod.BQM({"x": -1.0, "y": 2.0}, {("x", "y"): -1.0}, 0.0, "BINARY")
    sampleset = HardwareNoiseComposite(ThermalSampler(20.0), sigma_h=0.0, sigma_j=0.0).sample(
        bqm, num_reads=10, num_sweeps=50, seed=1
    )
    assert sampleset.vartype is dimod.BINARY
    assert sampleset.first.sample == {"x": 1, "y": 0}


def test_mock_dwave_sampler_takes_the_composite_as_its_substitute():
    from dwave.system.testing import MockDWaveSampler

    mock = MockDWaveSampler(topology_type="pegasus", topology_shape=[3])
    composite = HardwareNoiseComposite.from_properties(mock.properties, ThermalSampler(8.0))
    assert composite.j_range == tuple(mock.properties["j_range"])
    mock = MockDWaveSampler(
        topology_type="pegasus",
        topology_shape=[3],
        substitute_sampler=composite,
        substitute_kwargs={"seed": 4, "num_sweeps": 100},
    )
    u, v = mock.edgelist[0]
    sampleset = mock.sample(dimod.BQM({u: 0.1}, {(u, v): -1.0}, 0.0, "SPIN"), num_reads=20)
    assert sampleset.info["hardware_noise"]["sigma_j"] == composite.sigma_j
    assert sampleset.first.sample[u] == sampleset.first.sample[v]


def test_defaults_are_the_published_advantage_figures():
    assert advantage_beta() == pytest.approx(6.09, abs=0.01)
    composite = HardwareNoiseComposite()
    assert (composite.sigma_h, composite.sigma_j) == (0.05, 0.035)
    with pytest.raises(ValueError, match="sigma_j"):
        HardwareNoiseComposite(sigma_j=-0.1)
    with pytest.raises(ValueError, match="beta"):
        ThermalSampler(0.0)
