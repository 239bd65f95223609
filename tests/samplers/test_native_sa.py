"""Native SA: cached-energy kernels against the model, Boltzmann statistics, and the
teacher-student perceptron solved in seconds."""

import itertools
import math

import numpy as np
import pytest

from helpers import pooled_chisquare
from qanneal.models import LOSSES, BinaryNeuralNetwork, BinaryPerceptron
from qanneal.models.datasets import teacher_patterns
from qanneal.samplers import AnnealingSampler

SAMPLER = AnnealingSampler()


def tiny_binn(loss, seed=0, hidden=(3, 2), bias=True):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(9, 3))  # continuous inputs: no pre-activation is exactly 0
    return BinaryNeuralNetwork(
        3, x, rng.choice([-1, 1], 9), hidden=list(hidden), bias=bias, loss=loss, margin=1.0
    )


def tiny_perceptron(loss, seed=0, bias=False):
    rng = np.random.default_rng(seed)
    x = rng.choice([-1.0, 1.0], (8, 5))
    return BinaryPerceptron(5, x, rng.choice([-1, 1], 8), bias=bias, loss=loss, margin=1.0)


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("make", [tiny_perceptron, tiny_binn])
def test_reported_energies_are_the_model_energies(make, loss):
    """The kernels track energies through cached stabilities / pre-activations; any
    drift in the caches shows up as a mismatch with a fresh evaluation."""
    model = make(loss)
    sampleset = SAMPLER.sample_model(model, num_reads=6, num_sweeps=60, seed=3)
    assert sampleset.record.energy == pytest.approx(model.energy(sampleset.record.sample))
    assert list(sampleset.variables) == model.variables


@pytest.mark.parametrize("hidden", [(1,), (4,), (2, 3, 2)])
@pytest.mark.parametrize("bias", [True, False])
def test_binn_kernel_at_infinite_temperature_keeps_consistent_caches(hidden, bias):
    """At β → 0 every flip is accepted: the caches go through every kind of update."""
    model = tiny_binn("quadratic", seed=1, hidden=hidden, bias=bias)
    sampleset = SAMPLER.sample_model(
        model, num_reads=3, num_sweeps=7, beta_range=(1e-9, 1e-9), seed=1
    )
    assert sampleset.record.energy == pytest.approx(model.energy(sampleset.record.sample))


def boltzmann_pvalue(model, beta_sampled, beta_exact, reads=20000, sweeps=20, seed=11):
    """Chi-square p-value of SA's final states at constant β_sampled against the exact
    Boltzmann distribution at β_exact (states with expected count < 5 pooled in one bin)."""
    states = np.array(list(itertools.product([-1, 1], repeat=model.num_variables)), dtype=np.int8)
    weights = np.exp(-beta_exact * np.asarray(model.energy(states)))
    expected = weights / weights.sum() * reads
    sampleset = SAMPLER.sample_model(
        model, num_reads=reads, num_sweeps=sweeps, beta_range=(beta_sampled,) * 2, seed=seed
    )
    index = ((sampleset.record.sample > 0) * (2 ** np.arange(model.num_variables)[::-1])).sum(1)
    observed = np.bincount(index, minlength=len(states))
    return pooled_chisquare(observed, expected)


BOLTZMANN_MODELS = {
    "perceptron": lambda: tiny_perceptron("hinge"),
    "binn": lambda: tiny_binn("hinge", hidden=(2,), bias=False),  # 8 weights, 256 states
}


@pytest.mark.parametrize("name", BOLTZMANN_MODELS)
def test_fixed_beta_samples_the_boltzmann_distribution(name):
    """Metropolis at constant β leaves exp(−βE) invariant: the final states of
    independent reads follow the exact distribution over all 2^n weight vectors."""
    assert boltzmann_pvalue(BOLTZMANN_MODELS[name](), 0.7, 0.7) > 1e-3


@pytest.mark.parametrize("name", BOLTZMANN_MODELS)
def test_boltzmann_check_detects_a_wrong_temperature(name):
    """The test has power: samples at β = 0.7 do not pass as β = 1.0."""
    assert boltzmann_pvalue(BOLTZMANN_MODELS[name](), 0.7, 1.0) < 1e-6


def test_teacher_student_n301_alpha2_is_solved_and_the_teacher_recovered():
    data = teacher_patterns(301, 602, lambda w, x: np.where(x @ w >= 0, 1, -1), 301, seed=2)
    model = BinaryPerceptron(301, data.x_train, data.y_train, loss="perclinear")
    sampleset = SAMPLER.sample_model(model, num_reads=2, num_sweeps=1500, seed=11)
    best = sampleset.record.sample[np.argmin(sampleset.record.energy)]
    assert model.errors(best) == 0
    assert best.tolist() == data.teacher.tolist()


def test_seed_reproducibility_and_initial_states():
    model = tiny_perceptron("errors")
    first = SAMPLER.sample_model(model, num_reads=4, num_sweeps=30, seed=5)
    second = SAMPLER.sample_model(model, num_reads=4, num_sweeps=30, seed=5)
    assert (first.record.sample == second.record.sample).all()
    start = np.array([[1, -1, 1, -1, 1]])
    frozen = SAMPLER.sample_model(
        model, num_reads=3, num_sweeps=1, beta_range=(1e6, 1e6), initial_states=start, seed=1
    )
    # at β = 10⁶ only moves with ΔE <= 0 are accepted: energy never rises from the start
    assert (frozen.record.energy <= model.energy(start[0]) + 1e-12).all()
    with pytest.raises(ValueError, match="initial_states"):
        SAMPLER.sample_model(model, initial_states=np.zeros((1, 5)))


def test_info_reports_timing_and_schedule():
    sampleset = SAMPLER.sample_model(tiny_perceptron("errors"), num_reads=2, num_sweeps=10, seed=0)
    assert set(sampleset.info["timing"]) == {
        "preprocessing_ns",
        "compile_ns",
        "sampling_ns",
        "total_ns",
    }
    assert sampleset.info["protocol"]["rule"] == "sa-energy-scale"
    assert sampleset.info["protocol"]["given"] == ["num_sweeps"]
    hot, cold = sampleset.info["protocol"]["beta_range"]
    assert 0 < hot < cold and math.isfinite(cold)
    assert sampleset.info["protocol"]["beta_schedule_type"] == "geometric"


def python_greedy_sweep(model, spins):
    """One sequential sweep accepting every flip with ΔE ≤ 0, ΔE from fresh energies."""
    spins = spins.copy()
    for k in range(len(spins)):
        flipped = spins.copy()
        flipped[k] = -flipped[k]
        if model.energy(flipped) - model.energy(spins) <= 0:
            spins = flipped
    return spins


@pytest.mark.parametrize(
    "model",
    [
        tiny_perceptron("perclinear", bias=True),
        BinaryNeuralNetwork(
            4,
            np.random.default_rng(5).choice([-1.0, 1.0], (10, 4)),
            np.random.default_rng(6).choice([-1, 1], 10),
            hidden=[3, 2, 3],
            bias=True,
            loss="hinge",
            margin=1.0,
        ),
    ],
    ids=["perceptron", "deep-binn"],
)
def test_zero_temperature_sweep_matches_fresh_energy_differences(model):
    """At β = 10⁹ a sweep accepts exactly the flips with ΔE ≤ 0: each kernel decision is
    compared with ΔE computed from scratch (integer inputs, so no rounding ties)."""
    rng = np.random.default_rng(0)
    for _ in range(40):
        start = rng.choice([-1, 1], model.num_variables).astype(np.int8)
        sampleset = SAMPLER.sample_model(
            model, num_reads=1, num_sweeps=1, beta_range=(1e9, 1e9), initial_states=start, seed=1
        )
        assert sampleset.record.sample[0].tolist() == python_greedy_sweep(model, start).tolist()
