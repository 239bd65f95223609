"""decode: round trips, the ``violated`` and ``auxiliaries_optimal`` flags, ground states."""

import itertools

import dimod
import numpy as np
import pytest

from qanneal.errors import FormulationError
from qanneal.reduce import METHODS, to_bqm

POLY = dimod.BinaryPolynomial(
    {(0, 1, 2): 2.0, (0, 1, 3): 1.0, (1, 2, 3, 4): -1.5, (2, 4): 0.5, (3,): -0.25}, "BINARY"
)


def intended_sample(info, original):
    """``original`` plus every auxiliary at its intended value (binary BQMs)."""
    sample = dict(original)
    for aux in info.auxiliaries:
        if aux.factors is not None:
            sample[aux.label] = sample[aux.factors[0]] * sample[aux.factors[1]]
        else:
            constant, weights = aux.coefficient
            sample[aux.label] = int(constant + sum(w * sample[v] for v, w in weights) < 0)
    return sample


def brute_force_ground(poly):
    labels = sorted(poly.variables)
    values = (0, 1) if poly.vartype is dimod.BINARY else (-1, 1)
    energies = {}
    for assignment in itertools.product(values, repeat=len(labels)):
        sample = dict(zip(labels, assignment, strict=True))
        energies[assignment] = poly.energy(sample)
    low = min(energies.values())
    return labels, {a for a, e in energies.items() if e <= low + 1e-9}, low


@pytest.mark.parametrize("method", ["auto", "rosenberg", "freedman", "ishikawa", "dimod"])
def test_intended_samples_round_trip(method):
    bqm, info = to_bqm(POLY, method)
    for assignment in itertools.product((0, 1), repeat=5):
        original = dict(zip(range(5), assignment, strict=True))
        sample = intended_sample(info, original)
        decoded = info.decode(sample)
        assert {v: int(x) for v, x in decoded.first.sample.items()} == original
        assert not decoded.record.violated[0]
        assert decoded.record.auxiliaries_optimal[0]
        assert decoded.first.energy == pytest.approx(POLY.energy(original))
        assert bqm.energy(sample) == pytest.approx(POLY.energy(original))


def test_flipped_product_is_violated_and_flipped_gadget_is_not_optimal():
    bqm, info = to_bqm(POLY, "rosenberg")
    original = {0: 1, 1: 1, 2: 0, 3: 1, 4: 0}
    sample = intended_sample(info, original)
    product = info.auxiliaries[0]
    assert product.kind == "product"
    sample[product.label] = 1 - sample[product.label]
    decoded = info.decode(sample)
    assert decoded.record.violated.tolist() == [True]
    assert decoded.record.auxiliaries_optimal.tolist() == [True]  # no gadgets here

    bqm, info = to_bqm(POLY, "ishikawa")
    sample = intended_sample(info, original)
    gadget = next(a for a in info.auxiliaries if a.kind == "ishikawa")
    constant, weights = gadget.coefficient
    if constant + sum(w * sample[v] for v, w in weights) == 0:
        pytest.skip("a tie: both values are optimal")
    sample[gadget.label] = 1 - sample[gadget.label]
    decoded = info.decode(sample)
    assert decoded.record.violated.tolist() == [False]
    assert decoded.record.auxiliaries_optimal.tolist() == [False]
    assert bqm.energy(sample) > decoded.first.energy


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("vartype", ["BINARY", "SPIN"])
def test_ground_states_of_the_bqm_decode_to_ground_states_of_the_polynomial(method, vartype):
    terms = {(0, 1, 2): 1.0, (1, 2, 3): -2.0, (0, 2, 3): 0.5, (0, 1): -1.0, (3,): 0.25}
    poly = dimod.BinaryPolynomial(terms, vartype)
    bqm, info = to_bqm(poly, method)
    sampleset = dimod.ExactSolver().sample(bqm)
    lowest = sampleset.lowest(atol=1e-9)
    decoded = info.decode(lowest)
    labels, ground, energy = brute_force_ground(poly)
    assert lowest.first.energy == pytest.approx(energy)
    rows = decoded.record.sample[:, [list(decoded.variables).index(v) for v in labels]]
    assert {tuple(int(x) for x in row) for row in rows} == ground
    assert np.allclose(decoded.record.energy, energy)
    assert np.allclose(decoded.record.bqm_energy, energy)
    assert not decoded.record.violated.any()
    assert decoded.record.auxiliaries_optimal.all()
    assert decoded.vartype is poly.vartype


def test_decode_carries_occurrences_and_accepts_sample_lists():
    bqm, info = to_bqm(POLY, "auto")
    samples = dimod.SampleSet.from_samples_bqm(
        [intended_sample(info, dict.fromkeys(range(5), 1))] * 2, bqm, num_occurrences=[3, 4]
    )
    decoded = info.decode(samples)
    assert decoded.record.num_occurrences.tolist() == [3, 4]
    as_list = info.decode([intended_sample(info, dict.fromkeys(range(5), 0))])
    assert len(as_list) == 1 and as_list.first.energy == 0.0


def test_decode_rejects_partial_or_out_of_range_samples():
    _, info = to_bqm(POLY, "rosenberg")
    with pytest.raises(FormulationError, match="samples lack"):
        info.decode(dict.fromkeys(range(5), 0))
    sample = intended_sample(info, dict.fromkeys(range(5), 0))
    sample[0] = -1
    with pytest.raises(FormulationError, match="must be 0 or 1"):
        info.decode(sample)
