"""verify: catches inexact reductions, samples beyond max_exhaustive, mixed vartypes."""

import dimod
import numpy as np

from qanneal.reduce import to_bqm, verify

POLY = dimod.BinaryPolynomial({(0, 1, 2): 1.0, (0, 1, 3): -2.0, (2, 3, 4): 1.5}, "BINARY")


def test_weak_penalty_is_caught_with_the_worst_assignment():
    bqm, info = to_bqm(POLY, "rosenberg", strength=0.1)
    report = verify(POLY, bqm, info)
    assert not report.exact
    assert report.max_deviation > 0.1
    assert report.worst is not None
    worst = report.worst
    assert set(worst) == set(POLY.variables)


def test_sampling_beyond_max_exhaustive():
    bqm, info = to_bqm(POLY, "auto")
    report = verify(POLY, bqm, info, max_exhaustive=3, samples=20, seed=1)
    assert not report.exhaustive
    assert report.assignments <= 20
    assert report.exact


def test_large_blocks_fall_back_to_intended_values_and_descent():
    rng = np.random.default_rng(0)
    terms = {tuple(sorted(rng.choice(10, 5, replace=False).tolist())): 1.0 for _ in range(12)}
    poly = dimod.BinaryPolynomial(terms, "BINARY")
    bqm, info = to_bqm(poly, "rosenberg")
    full = verify(poly, bqm, info, max_enumerated=20)
    fallback = verify(poly, bqm, info, max_enumerated=2)
    assert full.largest_block > 2
    assert full.auxiliaries_enumerated and not fallback.auxiliaries_enumerated
    assert full.exact and fallback.exact


def test_bqm_in_the_other_vartype():
    bqm, info = to_bqm(POLY, "auto")
    report = verify(POLY, bqm.change_vartype("SPIN", inplace=False), info)
    assert report.exact
    spin_poly = dimod.BinaryPolynomial({(0, 1, 2): 1.0, (1, 2): -0.5}, "SPIN")
    bqm, info = to_bqm(spin_poly, "dimod")
    assert verify(spin_poly, bqm.change_vartype("BINARY", inplace=False), info).exact


def test_a_different_function_is_not_exact():
    bqm, info = to_bqm(POLY, "auto")
    shifted = bqm.copy()
    shifted.offset += 1.0
    report = verify(POLY, shifted, info)
    assert not report.exact and report.max_deviation == 1.0
    assert report.ground_states_match  # same minimisers, shifted energies
