"""The plan search of ``auto``: the annealed choice of products, checked against brute force."""

import itertools

import dimod
import numpy as np
import pytest
from hypothesis import given, settings
from reduce_strategies import polynomials

from qanneal.reduce import ReductionInfo, to_bqm, verify
from qanneal.reduce._builder import QuadraticBuilder
from qanneal.reduce._polynomial import Padded, read_polynomial, spin_to_binary
from qanneal.reduce._search import BINARY_COSTS, SPIN_COSTS, Plan, anneal_plan
from qanneal.reduce.plan import build_plan


def pair_cover_optimum(terms):
    """Fewest auxiliaries for cubic monomials when each is either covered by a product
    of two of its variables (shared by every term holding the pair) or gets its own
    gadget (1 auxiliary): every subset of the pairs, enumerated."""
    pairs = sorted({p for t in terms for p in itertools.combinations(t, 2)})
    position = {p: i for i, p in enumerate(pairs)}
    masks = np.array([sum(1 << position[p] for p in itertools.combinations(t, 2)) for t in terms])
    subsets = np.arange(1 << len(pairs))
    products = np.array([bin(s).count("1") for s in subsets])
    gadgets = ((subsets[:, None] & masks[None, :]) == 0).sum(axis=1)
    return int((products + gadgets).min())


def small_cubic(seed):
    """6–12 random cubic monomials over 7 variables, holding at most 14 distinct pairs."""
    rng = np.random.default_rng(seed)
    while True:
        count = int(rng.integers(6, 13))
        terms = sorted(
            {tuple(sorted(rng.choice(7, 3, replace=False).tolist())) for _ in range(count)}
        )
        if len({p for t in terms for p in itertools.combinations(t, 2)}) <= 14:
            return {t: float(rng.choice([-1.0, 1.0])) for t in terms}


def test_search_finds_the_optimum_where_the_greedy_commits_too_early():
    # the greedy substitutes the pair (1, 6), held by three terms, and then needs two more
    # products; the optimum, (1, 3) (1, 4) (2, 6), leaves nothing to a gadget
    terms = {(0, 4, 6): 1.0, (1, 2, 6): -1.0, (1, 3, 4): 1.0, (1, 3, 6): 1.0, (1, 4, 6): -1.0}
    terms[(2, 3, 6)] = 1.0
    poly = dimod.BinaryPolynomial(terms, "BINARY")
    assert to_bqm(poly, "rosenberg")[1].num_auxiliary == 4
    bqm, info = to_bqm(poly)
    assert info.num_auxiliary == pair_cover_optimum(list(terms)) == 3
    assert verify(poly, bqm, info).exact


def no_products(rows, biases, first_aux):
    return Plan(rows, biases, np.zeros((0, 2), dtype=np.int64), first_aux, BINARY_COSTS)


@pytest.mark.parametrize("seed", range(25))
def test_search_and_auto_reach_the_pair_cover_optimum_on_small_cubics(seed):
    terms = small_cubic(seed)
    optimum = pair_cover_optimum(list(terms))
    rows, biases = Padded.split(terms)
    annealed = anneal_plan(rows, biases, 7, BINARY_COSTS, no_products(rows, biases, 7))
    assert annealed is not None and annealed.num_auxiliary == optimum
    poly = dimod.BinaryPolynomial(terms, "BINARY")
    bqm, info = to_bqm(poly)
    assert info.num_auxiliary == optimum
    assert verify(poly, bqm, info).exact


def annealed_reduction(poly):
    """(plan, exactness report) of anneal_plan on ``poly``, built the way auto builds it:
    binary polynomials with binary costs; spin ones kept whole (spin products and parity
    gadgets) with their quadratic part expanded. None when nothing has degree 3..6."""
    terms = read_polynomial(poly)
    spin = terms.vartype is dimod.SPIN
    costs = SPIN_COSTS if spin else BINARY_COSTS
    high = {t: b for t, b in terms.biases.items() if len(t) > 2}
    low = {t: b for t, b in terms.biases.items() if len(t) <= 2}
    rows, biases = Padded.split(high)
    start = Plan(rows, biases, np.zeros((0, 2), dtype=np.int64), len(terms.labels), costs)
    plan = anneal_plan(rows, biases, len(terms.labels), costs, start)
    if plan is None:
        return None
    builder = QuadraticBuilder(terms.labels)
    offset, expanded = spin_to_binary(low) if spin else (0.0, low)
    builder.offset += terms.offset + offset
    for term, bias in expanded.items():
        builder.add_term(term, bias)
    build_plan(builder, plan, None)
    bqm = builder.to_bqm(terms.vartype)
    info = ReductionInfo(
        method="auto",
        variables=terms.labels,
        vartype=terms.vartype,
        reduced_as=terms.vartype.name,
        auxiliaries=builder.auxiliaries(),
        num_couplings=bqm.num_interactions,
        strength=None,
        polynomial=poly,
    )
    return plan, verify(poly, bqm, info)


@settings(max_examples=60)
@given(poly=polynomials(max_terms=10))
def test_annealed_plans_are_exact(poly):
    found = annealed_reduction(poly)
    if found is None:
        assert not any(len(t) > 2 for t in poly)
        return
    _, report = found
    assert report.exact and report.exhaustive


def test_a_spin_product_shared_by_four_monomials_is_chosen():
    # s0 s1 held by four cubic spin monomials: one spin product (2 auxiliaries) instead of
    # four parity gadgets
    poly = dimod.BinaryPolynomial({(0, 1, k): (-1.0) ** k for k in range(2, 6)}, "SPIN")
    plan, report = annealed_reduction(poly)
    assert plan.pairs.tolist() == [[0, 1]]
    assert plan.num_auxiliary == 2
    assert report.exact and report.exhaustive
