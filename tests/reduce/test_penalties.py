"""Rosenberg penalties: per substitution, minimal where the bound is attained, nested."""

import dimod
import pytest
from hypothesis import given, settings
from reduce_strategies import polynomials

from qanneal.reduce import to_bqm, verify
from qanneal.reduce._polynomial import read_polynomial
from qanneal.reduce.reference import default_strength
from qanneal.reduce.rosenberg import product_penalties


@pytest.mark.parametrize("bias", [-1.0, 1.0, 3.5])
def test_single_cubic_penalty_is_tight(bias):
    poly = dimod.BinaryPolynomial({(0, 1, 2): bias}, "BINARY")
    bqm, info = to_bqm(poly, "rosenberg")
    (product,) = info.auxiliaries
    assert product.penalty == abs(bias)
    assert verify(poly, bqm, info).exact
    weaker = to_bqm(poly, "rosenberg", strength=abs(bias) * (1 - 1e-6))
    assert not verify(poly, *weaker).exact


def test_penalty_is_the_larger_of_positive_and_negative_mass():
    poly = dimod.BinaryPolynomial({(0, 1, 2): 2.0, (0, 1, 3): -1.0, (0, 1, 4): 0.5}, "BINARY")
    bqm, info = to_bqm(poly, "rosenberg")
    assert [a.penalty for a in info.auxiliaries] == [2.5]
    assert verify(poly, bqm, info).exact
    assert not verify(poly, *to_bqm(poly, "rosenberg", strength=2.4)).exact


def test_nested_products_count_the_terms_of_their_descendants():
    # y4 = x0 x1, y5 = y4 x2: the final term (3, 5) contains y5, hence depends on y4 too.
    penalties = product_penalties([(3, 5), (2, 4)], [-2.0, 1.0], [(0, 1), (4, 2)], first_aux=4)
    assert penalties == [2.0, 2.0]
    spin = product_penalties([(3, 5), (2, 4)], [-2.0, 1.0], [(0, 1), (4, 2)], 4, spin=True)
    assert spin == [6.0, 4.0]


def test_degree_8_chain_is_exact_with_its_own_penalties():
    poly = dimod.BinaryPolynomial({tuple(range(8)): -1.0, tuple(range(4)): 2.0}, "BINARY")
    bqm, info = to_bqm(poly, "rosenberg")
    assert info.num_auxiliary == 6
    assert max(info.penalties.values()) <= 2.0
    report = verify(poly, bqm, info)
    assert report.exact and report.auxiliaries_enumerated


@settings(max_examples=40)
@given(poly=polynomials(vartype="BINARY"))
def test_product_penalties_never_exceed_the_global_certified_strength(poly):
    terms = read_polynomial(poly)
    for method in ("rosenberg", "freedman", "auto"):
        _, info = to_bqm(poly, method)
        assert all(p <= default_strength(terms) + 1e-12 for p in info.penalties.values())


@settings(max_examples=25)
@given(poly=polynomials())
def test_global_strength_override(poly):
    # enough for any method: a spin monomial of degree d expands into binary monomials
    # whose |biases| add up to 3^d |c| (and dimod's spin products need twice the mass)
    strength = 1.0 + 2 * sum(3 ** len(t) * abs(c) for t, c in poly.items())
    for method in ("rosenberg", "auto", "dimod"):
        bqm, info = to_bqm(poly, method, strength=strength)
        assert info.strength == strength
        assert all(p == strength for p in info.penalties.values())
        assert verify(poly, bqm, info).exact
