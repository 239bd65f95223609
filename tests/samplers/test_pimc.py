"""PIMC against exact answers: exact diagonalisation of small transverse-field Ising
models, the classical Boltzmann distribution at Γ = 0, and back-end agreement."""

import itertools
import unittest

import dimod
import dimod.testing
import numpy as np
import pytest
from dimod.testing import assert_sampler_api
from scipy import linalg

from helpers import pooled_chisquare
from qanneal.hubo.walsh import walsh_polynomial
from qanneal.models import BinaryNeuralNetwork, BinaryPerceptron
from qanneal.samplers.pimc import PIMCSampler
from qanneal.samplers.pimc._bqm import DenseBQM, SparseBQM
from qanneal.samplers.pimc._kernels import single_flip_energies
from qanneal.samplers.pimc.driver import anneal_in_chunks, make_schedule
from qanneal.samplers.pimc.packing import pack_bqm, pack_model, pack_polynomial

SAMPLER = PIMCSampler()
PAULI_X = np.array([[0.0, 1.0], [1.0, 0.0]])


def small_ising(n=4, seed=0):
    rng = np.random.default_rng(seed)
    linear = {i: float(rng.normal(scale=0.5)) for i in range(n)}
    quadratic = {
        (i, j): float(rng.normal()) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.7
    }
    return dimod.BinaryQuadraticModel(linear, quadratic, 0.0, dimod.SPIN)


def exact_thermal(bqm, beta, gamma):
    """⟨σᶻ_i σᶻ_j⟩ and ⟨H_problem⟩ in e^{−βH}/Z, H = H_problem(σᶻ) − Γ Σ σˣ (σᶻ = +1 ↔ bit 0)."""
    n = bqm.num_variables
    states = np.array(list(itertools.product([1, -1], repeat=n)))  # basis order of kron
    diagonal = bqm.energies((states, list(range(n))))
    hamiltonian = np.diag(diagonal).astype(float)
    for i in range(n):
        ops = [np.eye(2)] * n
        ops[i] = PAULI_X
        term = ops[0]
        for op in ops[1:]:
            term = np.kron(term, op)
        hamiltonian -= gamma * term
    rho = linalg.expm(-beta * hamiltonian)
    probabilities = np.diag(rho) / np.trace(rho)
    correlations = np.einsum("s,si,sj->ij", probabilities, states, states)
    return correlations, float(probabilities @ diagonal)


def pimc_thermal(bqm, beta, gamma, trotter, reads=600, sweeps=300, seed=0):
    """Per-read averages over slices (after a burn-in the whole run is at fixed Γ)."""
    sampleset = SAMPLER.sample(
        bqm,
        num_reads=reads,
        num_sweeps=sweeps,
        trotter=trotter,
        beta=beta,
        gamma_schedule=[gamma] * sweeps,
        all_slices=True,
        seed=seed,
        moves=("local", "global", "cluster"),
    )
    n = bqm.num_variables
    spins = sampleset.record.sample.reshape(reads, trotter, n).astype(float)
    energies = sampleset.record.energy.reshape(reads, trotter).mean(axis=1)
    per_read = np.einsum("rki,rkj->rij", spins, spins) / trotter
    return per_read, energies


@pytest.mark.parametrize("gamma", [0.5, 1.5])
def test_thermal_expectations_match_exact_diagonalisation(gamma):
    bqm = small_ising()
    beta = 1.0
    exact_corr, exact_energy = exact_thermal(bqm, beta, gamma)
    per_read, energies = pimc_thermal(bqm, beta, gamma, trotter=32)
    error = per_read.std(axis=0) / np.sqrt(len(per_read)) + 1e-3
    assert np.all(np.abs(per_read.mean(axis=0) - exact_corr) < 5 * error + 0.01)
    energy_error = energies.std() / np.sqrt(len(energies))
    assert abs(energies.mean() - exact_energy) < 5 * energy_error + 0.02


def test_trotter_error_shrinks_with_more_slices():
    bqm = small_ising(seed=3)
    beta, gamma = 2.0, 1.0
    _, exact_energy = exact_thermal(bqm, beta, gamma)
    coarse = abs(pimc_thermal(bqm, beta, gamma, trotter=2, seed=1)[1].mean() - exact_energy)
    fine = abs(pimc_thermal(bqm, beta, gamma, trotter=32, seed=2)[1].mean() - exact_energy)
    assert fine < coarse / 3


def classical_pvalue(sample_fn, energy_fn, n, beta, reads):
    """Chi-square of final states against exp(−βE) over all 2^n states."""
    states = np.array(list(itertools.product([-1, 1], repeat=n)))
    weights = np.exp(-beta * energy_fn(states))
    expected = weights / weights.sum() * reads
    samples = sample_fn()
    index = ((samples > 0) * (2 ** np.arange(n)[::-1])).sum(axis=1)
    observed = np.bincount(index, minlength=len(states))
    return pooled_chisquare(observed, expected)


def zero_gamma(**extra):
    """Γ = 0 (the slices locked together), so only worldline moves mix: cluster moves."""
    return {
        "num_sweeps": 40,
        "trotter": 4,
        "beta": 0.8,
        "gamma_schedule": (0.0, 0.0),
        "moves": ("local", "cluster"),
        "final_classical_sweeps": 0,
        **extra,
    }


def test_gamma_zero_is_classical_boltzmann_for_a_bqm():
    bqm = small_ising(n=5, seed=4)
    labels = list(range(5))
    pvalue = classical_pvalue(
        lambda: SAMPLER.sample(bqm, num_reads=8000, seed=3, **zero_gamma()).record.sample,
        lambda s: bqm.energies((s, labels)),
        5,
        0.8,
        8000,
    )
    assert pvalue > 1e-3


def test_gamma_zero_is_classical_boltzmann_for_a_hubo():
    poly = dimod.BinaryPolynomial(
        {(0, 1, 2): 1.0, (1, 2, 3, 4): -0.7, (0,): 0.3, (3, 4): 0.5}, "SPIN"
    )
    labels = list(range(5))
    pvalue = classical_pvalue(
        lambda: SAMPLER.sample_poly(poly, num_reads=8000, seed=4, **zero_gamma()).record.sample,
        lambda s: poly.energies((s, labels)),
        5,
        0.8,
        8000,
    )
    assert pvalue > 1e-3


def test_gamma_zero_is_classical_boltzmann_for_a_native_perceptron():
    rng = np.random.default_rng(1)
    model = BinaryPerceptron(
        5, rng.choice([-1.0, 1.0], (6, 5)), rng.choice([-1, 1], 6), loss="hinge", margin=1
    )
    pvalue = classical_pvalue(
        lambda: SAMPLER.sample_model(model, num_reads=8000, seed=5, **zero_gamma()).record.sample,
        lambda s: np.asarray(model.energy(s)),
        5,
        0.8,
        8000,
    )
    assert pvalue > 1e-3


def test_the_classical_check_has_power():
    bqm = small_ising(n=5, seed=4)
    labels = list(range(5))
    pvalue = classical_pvalue(
        lambda: SAMPLER.sample(bqm, num_reads=8000, seed=3, **zero_gamma()).record.sample,
        lambda s: bqm.energies((s, labels)),
        5,
        1.2,
        8000,
    )
    assert pvalue < 1e-6


def test_backends_agree_on_energies():
    """A perceptron's hinge loss, as native energy and as its exact HUBO; a quadratic
    polynomial as HUBO and as BQM: the kernels report the same energies."""
    bqm = small_ising(n=6, seed=7)
    poly = dimod.BinaryPolynomial(
        {**{(v,): b for v, b in bqm.linear.items()}, **dict(bqm.quadratic.items()), (): 0.25},
        "SPIN",
    )
    bqm.offset = 0.25
    a = SAMPLER.sample(bqm, num_reads=5, num_sweeps=30, seed=9)
    b = SAMPLER.sample_poly(poly, num_reads=5, num_sweeps=30, seed=9)
    assert (a.record.sample == b.record.sample).all()
    assert a.record.energy == pytest.approx(b.record.energy)
    assert a.record.energy == pytest.approx(bqm.energies(a))


def test_reproducible_and_reentrant():
    bqm = small_ising(n=6, seed=2)
    first = SAMPLER.sample(bqm, num_reads=6, num_sweeps=40, seed=11)
    other = SAMPLER.sample(bqm, num_reads=3, num_sweeps=10, seed=1)
    second = SAMPLER.sample(bqm, num_reads=6, num_sweeps=40, seed=11)
    assert (first.record.sample == second.record.sample).all()
    assert len(other) == 3


def test_info_schema_and_trace():
    bqm = small_ising(n=6, seed=2)
    sampleset = SAMPLER.sample(bqm, num_reads=3, num_sweeps=20, trotter=4, trace_every=5, seed=0)
    info = sampleset.info
    assert set(info["timing"]) == {
        "preprocessing_ns",
        "compile_ns",
        "sampling_ns",
        "postprocessing_ns",
        "total_ns",
    }
    protocol = info["protocol"]
    assert protocol["num_sweeps"] == 20 and protocol["trotter"] == 4
    assert protocol["rule"] == "energy-scale" and protocol["given"] == ["num_sweeps", "trotter"]
    assert np.array(info["pimc"]["trace"]["mean_energy"]).shape == (3, 4)
    assert 0 <= info["pimc"]["acceptance"]["local"] <= 1


def test_binary_bqm_and_initial_states():
    bqm = dimod.BinaryQuadraticModel({"x": -1.0, "y": 2.0}, {("x", "y"): 0.5}, 0.0, "BINARY")
    sampleset = SAMPLER.sample(bqm, num_reads=4, num_sweeps=100, seed=0)
    assert sampleset.vartype is dimod.BINARY
    assert sampleset.first.sample == {"x": 1, "y": 0}
    frozen = SAMPLER.sample(
        bqm,
        num_reads=2,
        num_sweeps=1,
        beta=1e6,
        gamma_schedule=(0.0, 0.0),
        initial_states={"x": 1, "y": 0},
        seed=0,
    )
    assert all(sample == {"x": 1, "y": 0} for sample in frozen.samples())


def test_dimod_sampler_api_conformance():
    assert_sampler_api(SAMPLER)


def test_bad_arguments():
    bqm = small_ising(n=3)
    with pytest.raises(ValueError, match="moves"):
        SAMPLER.sample(bqm, moves=("teleport",))
    with pytest.raises(ValueError, match="trotter"):
        SAMPLER.sample(bqm, trotter=0)
    with pytest.raises(ValueError, match="gamma"):
        SAMPLER.sample(bqm, num_sweeps=3, gamma_schedule=[1.0, -1.0, 0.0])


@dimod.testing.load_sampler_bqm_tests(PIMCSampler)
class TestDimodConformance(unittest.TestCase):
    """dimod's own sampler tests on small BQMs (empty, single variable, both vartypes...)."""


def tiny_binn(seed=0, hidden=(2,), bias=False):
    rng = np.random.default_rng(seed)
    x = rng.choice([-1.0, 1.0], (6, 3))
    return BinaryNeuralNetwork(
        3, x, rng.choice([-1, 1], 6), hidden=list(hidden), bias=bias, loss="hinge", margin=1
    )


def test_gamma_zero_is_classical_boltzmann_for_a_native_binn():
    model = tiny_binn()  # 8 weights, 256 states
    pvalue = classical_pvalue(
        lambda: SAMPLER.sample_model(model, num_reads=8000, seed=6, **zero_gamma()).record.sample,
        lambda s: np.asarray(model.energy(s)),
        model.num_variables,
        0.8,
        8000,
    )
    assert pvalue > 1e-3


@pytest.mark.parametrize(
    "model",
    [
        tiny_binn(hidden=(2, 2), bias=True),  # 17 weights: small enough for walsh
        BinaryPerceptron(
            7,
            np.random.default_rng(2).choice([-1.0, 1.0], (5, 7)),
            np.array([1, -1, 1, 1, -1]),
            bias=True,
            loss="perclinear",
        ),
    ],
    ids=["deep-binn", "perceptron"],
)
def test_native_and_hubo_backends_give_identical_flip_energies(model):
    """The same model through its native back-end and through its exact Walsh HUBO: every
    single-flip energy change agrees, and so do caches after random accepted flips."""
    native, hubo = pack_model(model), pack_polynomial(walsh_polynomial(model, tolerance=0.0))
    order = [hubo.labels.index(name) for name in native.labels]
    rng = np.random.default_rng(0)
    for _ in range(20):
        spins = rng.choice(np.array([-1, 1], dtype=np.int8), model.num_variables)
        by_native = single_flip_energies(
            native.backend, spins, native.cache_width, native.work_width
        )
        by_hubo = single_flip_energies(
            hubo.backend,
            np.ascontiguousarray(spins[np.argsort(order)]),
            hubo.cache_width,
            hubo.work_width,
        )
        assert by_native == pytest.approx(by_hubo[order], abs=1e-9)


def test_native_binn_caches_stay_consistent_under_every_move():
    model = tiny_binn(hidden=(3, 2, 3), bias=True)
    sampleset = SAMPLER.sample_model(
        model,
        num_reads=4,
        num_sweeps=30,
        trotter=4,
        beta_schedule=[1e-9] * 30,
        gamma_schedule=(0.3, 0.3),
        moves=("local", "global", "cluster"),
        all_slices=True,
        seed=2,
    )
    assert sampleset.record.energy == pytest.approx(model.energy(sampleset.record.sample))


def test_dense_and_sparse_bqm_backends_agree():
    """The dense-row and CSR BQM sweeps make the same decisions (integer couplings, so the
    local fields are exact in either summation order); the default picks by density."""
    rng = np.random.default_rng(4)
    n = 12
    quadratic = {(i, j): float(rng.integers(-2, 3)) for i in range(n) for j in range(i + 1, n)}
    bqm = dimod.BinaryQuadraticModel(
        {i: float(rng.integers(-1, 2)) for i in range(n)}, quadratic, 0.0, "SPIN"
    )
    dense, sparse = pack_bqm(bqm), pack_bqm(bqm, dense=False)
    assert (type(dense.backend), type(sparse.backend)) == (DenseBQM, SparseBQM)
    chain = dimod.BinaryQuadraticModel({}, {(i, i + 1): 1.0 for i in range(40)}, 0.0, "SPIN")
    assert isinstance(pack_bqm(chain).backend, SparseBQM)
    initial = rng.choice(np.array([-1, 1], dtype=np.int8), size=(3, 4, n))
    moves = ("local", "rejection_free", "global", "cluster")
    schedule = make_schedule(np.full(53, 0.7), np.linspace(0.1, 2.0, 50), moves)
    runs = [anneal_in_chunks(p, schedule, initial, np.array([1, 2, 3])) for p in (dense, sparse)]
    assert (runs[0].spins == runs[1].spins).all()
    assert runs[0].slice_energies == pytest.approx(runs[1].slice_energies)
    assert (runs[0].counts == runs[1].counts).all()


@pytest.mark.parametrize("dense", [True, False])
def test_a_binary_bqm_is_packed_as_its_exact_spin_form(dense):
    """The BINARY → SPIN conversion of pack_bqm: slice energies + offset are the BQM's."""
    rng = np.random.default_rng(8)
    bqm = dimod.generators.gnp_random_bqm(9, 0.6, "BINARY", random_state=8)
    bqm.offset = 1.25
    packed = pack_bqm(bqm, dense=dense)
    spins = rng.choice(np.array([-1, 1], dtype=np.int8), (5, 1, 9))
    schedule = make_schedule(np.full(1, 1e-9), np.zeros(0), ("local",))
    run = anneal_in_chunks(packed, schedule, spins, np.arange(5))  # one sweep at β ≈ 0
    binary = {v: (run.spins[:, 0, i] + 1) // 2 for i, v in enumerate(packed.labels)}
    expected = bqm.energies((np.stack([binary[v] for v in bqm.variables], 1), bqm.variables))
    assert run.slice_energies[:, 0] == pytest.approx(expected)
