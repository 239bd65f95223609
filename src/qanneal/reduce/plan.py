"""``method="auto"``: the cheapest exact reduction we find, counted in auxiliaries.

A binary monomial of degree d ≥ 3 costs, on its own, 1 auxiliary if negative
(Freedman) and ⌊(d − 1)/2⌋ if positive (Ishikawa), with no penalty. A Rosenberg
product y = x_a x_b costs 1 but serves every term holding the pair, so a pair shared
by several terms can be cheaper. A spin monomial kept whole costs ⌊(d − 1)/2⌋
(parity gadget) and a spin product 2. The search (:mod:`~qanneal.reduce._search`):

1. Greedy substitution (engine of :mod:`~qanneal.reduce.rosenberg`): a pair's score
   is Σ over the terms holding it of what one substitution saves on that term's
   stand-alone cost, plus a fraction of an auxiliary for terms where it saves
   nothing yet; substitute while the best score exceeds the cost of a product.
2. Pruning: from the last product back, undo a product that nothing builds on when
   its terms would cost no more without it (a tie removes a penalty).
3. Every term still of degree ≥ 3 gets its gadget; products get the penalties of
   :mod:`~qanneal.reduce.rosenberg` (binary) or :mod:`~qanneal.reduce.spin`.

Small polynomials also try dimod's rule (most common pair) and random tie-breaks.
Negative terms are not bound to Freedman: a product they share can be cheaper.

Spin polynomials: for a degree threshold t, monomials of degree ≥ t are kept in spin
(spin products + parity gadgets) and the others are expanded into binary monomials
(s = 2x − 1). t = 3 (all kept) is always counted; larger t only when two spin
monomials share a pair of variables (alone, a degree-d expansion holds all C(d, 3)
cubic monomials of its variables and costs more than its ⌊(d − 1)/2⌋ parity
auxiliaries). The split with the fewest auxiliaries is built (ties keep monomials
whole), and the BQM is returned in SPIN.

Example:
    >>> import dimod
    >>> from qanneal.reduce import to_bqm
    >>> poly = dimod.BinaryPolynomial({"abc": 1, "abd": 1, "abe": -1, "cdefgh": 1}, "BINARY")
    >>> bqm, info = to_bqm(poly)
    >>> sorted(aux.kind for aux in info.auxiliaries)
    ['ishikawa', 'ishikawa', 'product']
"""

from __future__ import annotations

from qanneal.reduce._builder import QuadraticBuilder, split_by_degree
from qanneal.reduce._polynomial import (
    MAX_EXPANSION,
    Term,
    Terms,
    expansion_size,
    spin_to_binary,
)
from qanneal.reduce._search import BINARY_COSTS, SPIN_COSTS, Plan, has_shared_pair, plan_terms
from qanneal.reduce.freedman import add_freedman
from qanneal.reduce.ishikawa import add_ishikawa
from qanneal.reduce.parity import add_parity
from qanneal.reduce.rosenberg import product_penalties
from qanneal.reduce.spin import add_spin_product


def reduce_auto(terms: Terms, strength: float | None) -> tuple[QuadraticBuilder, str]:
    """Build the cheapest plan (see the module docstring)."""
    builder = QuadraticBuilder(terms.labels)
    builder.offset += terms.offset
    first_aux = len(terms.labels)
    if terms.vartype.name == "BINARY":
        low, high = split_by_degree(terms.biases)
        for term, bias in low.items():
            builder.add_term(term, bias)
        build_plan(builder, plan_terms(high, first_aux, BINARY_COSTS), strength)
        return builder, "BINARY"
    threshold, binary_plan, spin_plan, offset, low = cheapest_spin_split(terms)
    builder.offset += offset
    for term, bias in low.items():
        builder.add_term(term, bias)
    build_plan(builder, binary_plan, strength)
    build_plan(builder, spin_plan, strength)
    kept = any(len(t) >= threshold for t in terms.biases)
    expanded = any(2 < len(t) < threshold for t in terms.biases)
    if kept:
        return builder, "MIXED" if expanded else "SPIN"
    return builder, "BINARY" if expanded else "SPIN"


def cheapest_spin_split(terms: Terms) -> tuple[int, Plan, Plan, float, dict[Term, float]]:
    """(threshold, binary plan, spin plan, offset and quadratic part of the expansion)."""
    first_aux = len(terms.labels)
    degrees = {len(t) for t in terms.biases}
    shared = has_shared_pair([t for t in terms.biases if len(t) > 2])
    best = None
    for threshold in range(3, max(terms.degree, 2) + 2):  # ties keep monomials whole
        if threshold > 3 and (not shared or threshold - 1 not in degrees):
            continue  # nothing new to expand at this threshold
        expand = {t: b for t, b in terms.biases.items() if len(t) < threshold}
        if expansion_size(expand) > MAX_EXPANSION:
            break
        whole = {t: b for t, b in terms.biases.items() if len(t) >= threshold}
        offset, binary = spin_to_binary(expand)
        low, high = split_by_degree(binary)
        binary_plan = plan_terms(high, first_aux, BINARY_COSTS)
        spin_plan = plan_terms(whole, first_aux, SPIN_COSTS)
        cost = binary_plan.num_auxiliary + spin_plan.num_auxiliary
        if best is None or cost < best[0]:
            best = (cost, threshold, binary_plan, spin_plan, offset, low)
    assert best is not None
    return best[1:]


def build_plan(builder: QuadraticBuilder, plan: Plan, strength: float | None) -> None:
    """Products with their penalties, then the leftover terms (quadratic or gadget).

    Plans number their products first_aux, first_aux + 1, ...; the builder's indices
    may differ (other auxiliaries came first, a spin product also has a helper).
    """
    spin = plan.costs.spin
    penalties = product_penalties(plan.terms, plan.biases, plan.pairs, plan.first_aux, spin)
    index: dict[int, int] = {}
    for j, (a, b) in enumerate(plan.pairs):
        penalty = penalties[j] if strength is None else strength
        a, b = index.get(a, a), index.get(b, b)
        if spin:
            index[plan.first_aux + j] = add_spin_product(builder, a, b, penalty)
        else:
            index[plan.first_aux + j] = builder.add_product(a, b, penalty)
    for virtual, bias in zip(plan.terms, plan.biases, strict=True):
        term = tuple(index.get(v, v) for v in virtual)
        if len(term) <= 2 and spin:
            expanded_offset, expanded = spin_to_binary({term: bias})
            builder.offset += expanded_offset
            for sub, sub_bias in expanded.items():
                builder.add_term(sub, sub_bias)
        elif len(term) <= 2:
            builder.add_term(term, bias)
        elif spin:
            add_parity(builder, term, bias)
        elif bias < 0:
            add_freedman(builder, term, bias)
        else:
            add_ishikawa(builder, term, bias)
