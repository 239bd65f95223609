"""The kerberos-mock sampler: exact ground states of small problems, reproducible from a
seed, and a consistent account of QPU subproblems and of which branch improved."""

import dimod
import numpy as np
import pytest

from qanneal.errors import SamplerError
from qanneal.leap.kerberos import BRANCHES
from qanneal.leap.subproblems import MockQPU
from qanneal.samplers.base import check_info
from qanneal.samplers.kerberos import KerberosSampler

SMALL = {"max_subproblem_size": 8, "qpu_reads": 20, "sa_sweeps": 100, "tabu_restarts": 2}


@pytest.fixture(scope="module")
def sampler():
    return KerberosSampler(MockQPU(pegasus_size=4, num_sweeps=200))  # a small offline QPU


@pytest.fixture(scope="module")
def problem():
    return dimod.generators.ran_r(1, 16, seed=6)  # a ±1 spin glass, 16 spins


def test_reads_reach_the_exact_ground_state(sampler, problem):
    ground = dimod.ExactSolver().sample(problem).first.energy
    sampleset = sampler.sample(problem, num_reads=3, seed=1, **SMALL)
    assert len(sampleset) == 3
    assert sampleset.record.energy.min() == ground
    assert np.allclose(sampleset.record.energy, problem.energies(sampleset))


def test_a_seed_reproduces_a_run(sampler, problem):
    first = sampler.sample(problem, num_reads=1, seed=5, **SMALL)
    again = sampler.sample(problem, num_reads=1, seed=5, **SMALL)
    assert np.array_equal(first.record.sample, again.record.sample)
    assert first.info["kerberos"] == again.info["kerberos"]


def test_report_counts_subproblems_and_improvements(sampler, problem):
    sampleset = sampler.sample(problem, num_reads=2, seed=2, convergence=2, **SMALL)
    report = sampleset.info["kerberos"]
    iterations = sum(read["iterations"] for read in report["reads"])
    assert report["qpu_subproblems"] == iterations  # one QPU subproblem per iteration
    assert report["subproblem_sizes"]["max"] <= SMALL["max_subproblem_size"]
    assert report["embedding_searches"] == 1  # one clique embedding, reused by every read
    total = sum(report["improvements"].values())
    assert 1 <= total <= iterations
    assert report["qpu_improvement_share"] == pytest.approx(report["improvements"]["qpu"] / total)
    for read in report["reads"]:
        # the loop stops after `convergence` iterations without improvement
        assert read["iterations"] == sum(read["improvements"].values()) + 2
    assert set(report["improvements"]) == set(BRANCHES[1:])
    assert check_info(sampleset.info) == []  # the sampler contract's info schema
    assert sampleset.info["protocol"]["max_subproblem_size"] == SMALL["max_subproblem_size"]


def test_energy_threshold_stops_at_the_first_iteration_that_reaches_it(sampler, problem):
    ground = dimod.ExactSolver().sample(problem).first.energy
    sampleset = sampler.sample(problem, num_reads=1, seed=3, energy_threshold=ground, **SMALL)
    read = sampleset.info["kerberos"]["reads"][0]
    assert read["energy"] == ground and read["iterations"] <= 3


def test_binary_problems_and_race_mode(sampler):
    bqm = dimod.generators.gnp_random_bqm(12, 0.5, "BINARY", random_state=4)
    ground = dimod.ExactSolver().sample(bqm).first.energy
    sampleset = sampler.sample(
        bqm, num_reads=1, seed=1, race=True, tabu_timeout=20, max_iter=5, **SMALL
    )
    assert sampleset.vartype is dimod.BINARY
    assert sampleset.first.energy == pytest.approx(ground)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("max_subproblem_size", 0, "max_subproblem_size = 0"),
        ("embedding", "x", "clique"),
    ],
)
def test_bad_settings_are_one_line_errors(sampler, problem, key, value, message):
    with pytest.raises(SamplerError, match=message) as caught:
        sampler.sample(problem, **{key: value})
    assert "\n" not in str(caught.value)


def test_an_empty_problem_gives_its_offset_and_subproblems_are_capped_at_the_clique():
    empty = dimod.BQM({}, {}, 1.5, "SPIN")
    sampleset = KerberosSampler().sample(empty, num_reads=3, seed=0)
    assert len(sampleset) == 3 and set(sampleset.record.energy) == {1.5}
    bqm = dimod.generators.ran_r(1, 30, seed=1)
    sampleset = KerberosSampler().sample(
        bqm, num_reads=1, seed=0, pegasus_size=2, **{**SMALL, "max_subproblem_size": 50}
    )
    largest = sampleset.info["kerberos"]["reads"][0]["subproblem_size"]
    assert largest < 30 and sampleset.info["kerberos"]["subproblem_sizes"]["max"] <= largest
